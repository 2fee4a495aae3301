/**
 * The registry of stable-memory ids (StableBTreeMap memory ids) of every canister. docs/storage.md
 * is its companion: the memory layout, every map's key and value, each record's format and its
 * version history. test/storage/memory-ids.test.ts pins every id below.
 *
 * Rules (docs/storage.md, "The rules"):
 * - An id is assigned once and never reused or renumbered, even after the map is abandoned: an
 *   abandoned id stays here, commented `DEPRECATED_…`, so nobody takes it again.
 * - The key encoding of a map never changes (order and equality are bytewise).
 * - Values carry a leading format byte (JSON values a format field), so a layout can evolve with
 *   migrate-on-read.
 * - Id 254 is Azle's (its WASI file system); 255 is not a memory (ic-stable-structures marks free
 *   buckets with it).
 *
 * Memory layout of each canister: the MemoryManager's header, then 8 MiB buckets (128 Wasm pages)
 * handed to the memories below (and to Azle's 254) as they grow.
 */

/** emc_ledger */
export const LEDGER_MEMORY = {
    /** Configuration and counters: fixed small keys → encoded values. */
    CONFIG: 0,
    /** Account key (62 bytes) → balance (u64 big-endian) ‖ the account's ICRC-3 hash (32 bytes, once computed). */
    BALANCES: 1,
    /** from key ‖ spender key → allowance { amount, expires_at } (u64 each) ‖ the spender's ICRC-3 hash (32 bytes, once computed). */
    ALLOWANCES: 2,
    /** from key → sorted list of its spender keys (ICRC-103 listing). */
    SPENDERS: 3,
    /** expires_at (u64 BE) ‖ from key ‖ spender key → empty: expired approvals are pruned oldest first. */
    APPROVAL_EXPIRIES: 4,
    /** Block index (u64 BE) → encoded block. */
    BLOCKS: 5,
    /** created_at_time (u64 BE) ‖ transaction bytes → block index: the deduplication window. */
    DEDUP: 6,
} as const;

/** emc_protocol (ids 32 and up, so the two canisters' ids can never be confused in reviews). */
export const PROTOCOL_MEMORY = {
    /** Configuration: 01 → governance, ledger, parameters, pause (versioned JSON); 02 → the next node index (u64 BE). */
    CONFIG: 32,
    /** Node index (u64 BE) → retry mark (started_at, attempt, in flight) of its ledger operation in flight (src/protocol/model/operation-marks.ts). */
    PENDING_OPS: 33,
    /** Node index (u64 BE) → node record (binary, format 3; format 2 still read). */
    NODES: 34,
    /** Network node id (UTF-8) → node index. */
    NODE_IDS: 35,
    /** term end (u64 BE) ‖ node index → empty: stakes to release, earliest first. */
    EXPIRIES: 36,
    /** Operator principal → node index of its active validator. */
    VALIDATORS: 37,
    /** State-bit batches (src/protocol/batches/batches.ts): tip and counters. */
    BATCH_CONFIG: 38,
    /** height ‖ digest → proposal. */
    BATCH_PROPOSALS: 39,
    /** height ‖ validator → vote. */
    BATCH_VOTES: 40,
    /** Confirmed batches and the confirmation-time index. */
    BATCH_CONFIRMED: 41,
    /** Validator → last participation (height, time). */
    BATCH_PARTICIPATION: 42,
    /** The reward index, its books and the epoch clock (src/protocol/rewards/rewards.ts). */
    REWARDS_STATE: 43,
    /** Node index → the node's reward weight, snapshot, credited and claimed e8s. */
    NODE_REWARDS: 44,
    /** Epoch (u64 BE) → the epoch's record: emitted, distributed, unallocated, ΣE, eligible nodes. */
    EPOCHS: 45,
    /** Liveness (src/protocol/penalties/liveness.ts): due ‖ node → empty, the nodes judged by the end of their next window. */
    LIVENESS_QUEUE: 46,
    /** Node → its due time in the liveness queue. */
    LIVENESS_DUE: 47,
    /** node ‖ fault start → until ‖ windows evaluated: ended faults with windows left to evaluate. */
    FAULT_EPISODES: 48,
    /** Node → empty: penalties due to move from the node's escrow to the treasury. */
    DEDUCTIONS: 49,
    /** seq → penalty record (every charge, in order). */
    PENALTY_LOG: 50,
    /** Penalty totals: charged, moved, forgiven, records. */
    PENALTY_STATE: 51,
    /** Peer votes (src/protocol/votes/votes.ts): id → impeachment or key-compromise report. */
    VOTES: 52,
    /** vote id ‖ voter node → ballot. */
    VOTE_BALLOTS: 53,
    /** closes_at ‖ vote id → empty: votes to close, earliest first. */
    VOTE_DEADLINES: 54,
    /** kind ‖ node → vote id: the open vote of each kind per node. */
    VOTE_OPEN: 55,
    /** The next vote id. */
    VOTE_STATE: 56,
    /** Governance (src/protocol/governance/governance.ts): seq → log entry (caller, time, method, old and new value). */
    GOVERNANCE_LOG: 57,
    /** Payout id → grant or airdrop payment from the treasury. */
    PAYOUTS: 58,
    /** Governance counters and pool totals. */
    GOVERNANCE_STATE: 59,
    /** Payout id → retry mark of its ledger transfer in flight (src/protocol/model/operation-marks.ts). */
    PAYOUT_RETRIES: 60,
    /** registered_at (u64 BE) ‖ node index → empty: unstaked compute registrations awaiting their first PoC (src/protocol/nodes/unstaked.ts). */
    UNSTAKED_QUEUE: 61,
    /** Operator principal → u32 count of its unstaked compute registrations awaiting a PoC. */
    UNSTAKED_BY_OPERATOR: 62,
    /** 64 + 16 × type + status: node index → empty, one map per (node type, status) for paging. */
    TYPE_STATUS_BASE: 64,
    // ----- the compute market (src/protocol/market/, spec §11); 64..111 are the paging maps above -----
    /** 01 → market state: counters, the invariant's totals, parameters, reward clock, pause, receipt tip. */
    MARKET_STATE: 112,
    /** Offer id (u64 BE) → offer. */
    MARKET_OFFERS: 113,
    /** Node index (u64 BE) → u32 count of its open offers. */
    MARKET_NODE_OFFERS: 114,
    /** Order id (u64 BE) → order and its books. */
    MARKET_ORDERS: 115,
    /** created_at_time (u64 BE) ‖ SHA-256(caller ‖ arguments) → order id: market_open's deduplication window. */
    MARKET_DEDUP: 116,
    /** order (u64 BE) ‖ from_cum (u64 BE) → pending amount (task-record units confirmed, maturing or disputed). */
    MARKET_PENDING: 117,
    /** mature_at ‖ order ‖ from_cum → empty: the maturity queue, earliest first. */
    MARKET_MATURITY: 118,
    /** expires_at ‖ order → empty: orders to close (at expiry, or at once when a refund must be retried). */
    MARKET_EXPIRIES: 119,
    /** deadline ‖ order ‖ from_cum → empty: open disputes, earliest timeout first. */
    MARKET_DISPUTES: 120,
    /** Account key (62 bytes) → what it may claim: provider credit, trading rewards, claims in flight. */
    MARKET_CREDITS: 121,
    /** Operation id (u64 BE) → market ledger operation in flight (pull, refund, claim, mint, sweep). */
    MARKET_OPS: 122,
    /** Operation id (u64 BE) → its retry mark (src/protocol/model/operation-marks.ts). */
    MARKET_RETRIES: 123,
    /** Receipt seq (u64 BE) → receipt (settlement, refund, dispute outcome), hash-chained. */
    MARKET_RECEIPTS: 124,
    /** Service (UTF-8) → reference price (u64 e8s per unit), governance's table. */
    MARKET_REFERENCE_PRICES: 125,
    // ----- genesis distribution and the lock-up game (spec §13–§14; ids 140–159) -----
    /** Outbox id (u64 BE) → a distribution ledger transfer (src/protocol/treasury/outbox.ts). */
    OUTBOX: 140,
    /** Outbox id → retry mark of its transfer in flight (src/protocol/model/operation-marks.ts). */
    OUTBOX_RETRIES: 141,
    /** [1] → the next outbox id. */
    OUTBOX_STATE: 142,
    /** Schedule id (u64 BE) → vesting schedule (src/protocol/treasury/vesting.ts). */
    VESTING_SCHEDULES: 143,
    /** Beneficiary (u8 length ‖ principal) ‖ schedule id → empty. */
    VESTING_BY_OWNER: 144,
    /** [1] → the next schedule id, Σ total and Σ released of the active schedules. */
    VESTING_STATE: 145,
    /** [1] → the lock-up game (src/protocol/lockup/store.ts). */
    LOCKUP_STATE: 146,
    /** Period (u8; 0: before the start) → its per-pool, per-fifth lock totals, pending locks and result. */
    LOCKUP_PERIODS: 147,
    /** Lock id (u64 BE) → lock. */
    LOCKUP_LOCKS: 148,
    /** Owner (u8 length ‖ principal) ‖ lock id → empty. */
    LOCKUP_BY_OWNER: 149,
    /** Mapping id (u64 BE) → airdrop / mapping (src/protocol/mapping/store.ts). */
    MAPPINGS: 150,
    /** Mapping id ‖ account key (62 bytes) → entry: source amount, claimed. */
    MAPPING_ENTRIES: 151,
    /** [1] → the next mapping id. */
    MAPPING_STATE: 152,
    /** Project id (u64 BE) → ecosystem project (src/protocol/projects/projects.ts). */
    PROJECTS: 153,
    /** Project id ‖ u32 seq → status change. */
    PROJECT_HISTORY: 154,
    /** Principal (u8 length ‖ bytes) ‖ project id → empty. */
    PROJECT_BY_PRINCIPAL: 155,
    /** Status (u8: none 0, quality 1, risk 2) ‖ project id → empty. */
    PROJECT_BY_STATUS: 156,
    /** [1] → the next project id and the grant restriction switch. */
    PROJECT_STATE: 157,
    // ----- the protocol's ICRC-3 log (src/protocol/log/, spec §11–§12; ids 160–169) -----
    /** Block index (u64 BE) → block: the ICRC-3 `Value` map {btype, ts, tx, phash} in the log's value codec. */
    LOG_BLOCKS: 160,
    /** [1] → the log's length and its tip (the last block's hash); [2] → the latest sealed mapping (id, digest) and the count. */
    LOG_STATE: 161,
} as const;
