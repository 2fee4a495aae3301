/**
 * The legacy (pre-ICRC-3) views of the ledger's blocks, which DFINITY's ICRC ledger still serves
 * and ICRC Rosetta, the old index canister and explorers read (`get_blocks`, `get_transactions`).
 * They are the same blocks as `icrc3_get_blocks` returns, in the older encodings:
 *
 *  - get_blocks: the block as DFINITY's `encoded_block_to_generic_block` decodes its CBOR
 *    (rs/ledger_suite/icrc1/src/blocks.rs): every integer that fits 64 bits becomes `Nat64` (a
 *    larger one `Nat`), byte strings `Blob`, text `Text`, arrays `Array`, maps `Map` with their
 *    keys sorted (a BTreeMap). So it is the ICRC-3 value with `Nat` → `Nat64`; both hash alike
 *    (LEB128), so the parent-hash chain and the certified tip are the same.
 *  - get_transactions: `From<Block> for Transaction` (rs/ledger_suite/icrc1/src/endpoints.rs):
 *    kind "mint" | "burn" | "transfer" | "approve", the operation's record in its own field, the
 *    block time as `timestamp`; `fee` of a transfer or approval is the caller's fee, else the fee
 *    the ledger charged (the block's top-level `fee`); mint and burn carry only the caller's fee
 *    (never given here, so null).
 *  - the range rule of DFINITY's `query_blocks` / `block_locations` (ledger_canister_core) for a
 *    ledger without archives: blocks [start, min(start + length, chain)) at most `max` of them;
 *    `first_index` is `start` when start ≤ chain length, else 0 (the empty intersection falls
 *    back to the start of the local range). start or length above 2^64 − 1 is refused, with
 *    DFINITY's message (it traps there; a query trap is a reject).
 *
 * Issue 13 will change how ICRC-3 blocks are encoded; this module is on its own so that it can.
 * Storage: none (blocks are read by the caller). Cost: one pass over the block's fields.
 * Runs inside the canister: no Node built-ins.
 */
import { accountOut, type CAccount } from '../api/candid';
import { blockToValue, type Block } from '../icrc3/block';
import type { Value } from '../icrc3/value';

export const U64_MAX = (1n << 64n) - 1n;

/** DFINITY's MAX_TRANSACTIONS_PER_REQUEST: get_blocks and get_transactions return at most this many. */
export const LEGACY_MAX_BLOCKS = 2_000n;

export type LegacyValue =
    | { Blob: Uint8Array }
    | { Text: string }
    | { Nat: bigint }
    | { Nat64: bigint }
    | { Int: bigint }
    | { Array: LegacyValue[] }
    | { Map: [string, LegacyValue][] };

export class LegacyRangeError extends Error {}

/** The ICRC-3 value in the legacy encoding: every Nat that fits 64 bits becomes Nat64. */
export function toLegacyValue(v: Value): LegacyValue {
    if ('Nat' in v) return v.Nat <= U64_MAX ? { Nat64: v.Nat } : v;
    if ('Array' in v) return { Array: v.Array.map(toLegacyValue) };
    if ('Map' in v) return { Map: v.Map.map(([k, x]) => [k, toLegacyValue(x)] as [string, LegacyValue]) };
    return v;
}

/** The block as `get_blocks` returns it. */
export function legacyBlockValue(b: Block): LegacyValue {
    return toLegacyValue(blockToValue(b));
}

type Opt<T> = [] | [T];
const opt = <T>(v: T | undefined): Opt<T> => (v === undefined ? [] : [v]);

export interface LegacyTransaction {
    kind: string;
    mint: Opt<{ to: CAccount; memo: Opt<Uint8Array>; created_at_time: Opt<bigint>; amount: bigint; fee: Opt<bigint> }>;
    burn: Opt<{ from: CAccount; memo: Opt<Uint8Array>; created_at_time: Opt<bigint>; amount: bigint; spender: Opt<CAccount>; fee: Opt<bigint> }>;
    transfer: Opt<{ to: CAccount; fee: Opt<bigint>; from: CAccount; memo: Opt<Uint8Array>; created_at_time: Opt<bigint>; amount: bigint; spender: Opt<CAccount> }>;
    approve: Opt<{
        fee: Opt<bigint>;
        from: CAccount;
        memo: Opt<Uint8Array>;
        created_at_time: Opt<bigint>;
        amount: bigint;
        expected_allowance: Opt<bigint>;
        expires_at: Opt<bigint>;
        spender: CAccount;
    }>;
    fee_collector: Opt<never>;
    timestamp: bigint;
}

/** The block as `get_transactions` returns it. */
export function legacyTransaction(b: Block): LegacyTransaction {
    const tx = b.tx;
    const out: LegacyTransaction = { kind: '', mint: [], burn: [], transfer: [], approve: [], fee_collector: [], timestamp: b.timestamp };
    const memo = opt(tx.memo);
    const created_at_time = opt(tx.createdAtTime);
    switch (tx.op) {
        case 'mint':
            out.kind = 'mint';
            out.mint = [{ to: accountOut(tx.to), memo, created_at_time, amount: tx.amount, fee: opt(tx.fee) }];
            break;
        case 'burn':
            out.kind = 'burn';
            out.burn = [{ from: accountOut(tx.from), memo, created_at_time, amount: tx.amount, spender: tx.spender === undefined ? [] : [accountOut(tx.spender)], fee: opt(tx.fee) }];
            break;
        case 'xfer':
            out.kind = 'transfer';
            out.transfer = [
                {
                    to: accountOut(tx.to),
                    fee: opt(tx.fee ?? b.effectiveFee),
                    from: accountOut(tx.from),
                    memo,
                    created_at_time,
                    amount: tx.amount,
                    spender: tx.spender === undefined ? [] : [accountOut(tx.spender)],
                },
            ];
            break;
        case 'approve':
            out.kind = 'approve';
            out.approve = [
                {
                    fee: opt(tx.fee ?? b.effectiveFee),
                    from: accountOut(tx.from),
                    memo,
                    created_at_time,
                    amount: tx.amount,
                    expected_allowance: opt(tx.expectedAllowance),
                    expires_at: opt(tx.expiresAt),
                    spender: accountOut(tx.spender),
                },
            ];
            break;
    }
    return out;
}

/**
 * The blocks a legacy request returns from a ledger holding `chainLength` blocks (all local):
 * indices [first, end).
 */
export function legacyRange(start: bigint, length: bigint, chainLength: bigint, max: bigint = LEGACY_MAX_BLOCKS): { first: bigint; end: bigint } {
    if (start > U64_MAX) throw new LegacyRangeError(`transaction index ${start} is too large, max allowed: ${U64_MAX}`);
    if (length > U64_MAX) throw new LegacyRangeError(`requested length ${length} is too large, max allowed: ${U64_MAX}`);
    if (start > chainLength) return { first: 0n, end: 0n };
    let end = start + length;
    if (end > U64_MAX) end = U64_MAX;
    if (end > chainLength) end = chainLength;
    if (end - start > max) end = start + max;
    return { first: start, end };
}
