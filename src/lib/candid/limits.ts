/**
 * The codec's bounds against hostile input (docs/security.md lists each with the threat it
 * answers and its measured cost). Every limit is checked before the work it bounds is done, and
 * exceeding one is a CandidError saying which bound was hit.
 */

/**
 * Longest `nat`/`int` accepted, in bytes of (s)LEB128, when decoding, skipping or encoding: 64
 * bytes hold 448 bits, far above any amount a ledger (ICRC ledgers use at most 256-bit tokens: 37
 * bytes) or this protocol (64-bit amounts: 10 bytes) can accept, and far below any cost: an
 * integer at the cap decodes in ~20 k instructions. Before the cap, a 10 KB nat cost 1.7 B
 * instructions (the BigInt was built byte by byte) and ~100 KB exhausted the 40 B message limit.
 */
export const MAX_INT_BYTES = 64;

/**
 * Deepest nesting of a value where nesting is unbounded: through recursive expected types (decoded)
 * and in skipped values (any wire type), and in a subtype check of func/service references.
 */
export const MAX_DEPTH = 128;

/**
 * Most elements of zero-sized type (`vec null`, `vec record {}`: no bytes each) that the vectors of
 * one message may hold in total, decoded or skipped.
 */
export const ZERO_SIZED_BUDGET = 65536;

/**
 * Most entries a message's type table may have. This project's tables: at most 7 entries for a
 * method's arguments (register_node, update_params), 26 for a result (admit_validators), 29 for an
 * init argument (the ledger's), 157 for the whole protocol service type. Without a cap a hostile
 * table of ~950,000 empty records (1.9 MB, any caller, anonymous included) exhausted the 40 B
 * instructions of an update before the message was refused.
 */
export const MAX_TABLE_ENTRIES = 256;

/**
 * Most references a type table may hold in total: record and variant fields, function arguments,
 * results and annotations, service methods, and the message's argument list. This project's
 * largest is the protocol service type (478); the largest of a method's arguments 19.
 */
export const MAX_TABLE_REFERENCES = 1_024;

/**
 * Most bytes of method names the service types of one type table may hold (each name is UTF-8
 * validated and decoded, ~400 instructions a byte in QuickJS). The protocol service's names take
 * ~1 KB; a table of 1,000 methods with 1.9 KB names cost 760 M instructions before this cap.
 */
export const MAX_TABLE_NAME_BYTES = 16_384;
