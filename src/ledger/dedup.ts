/**
 * Deduplication (ICRC-1 "Transaction deduplication", as DFINITY's ledger): a call that gives
 * created_at_time is refused when that is older than the window (TooOld), more than the permitted
 * drift ahead of the ledger's clock (CreatedInFuture), or when a call equal in every user-given
 * field was accepted within the window (Duplicate, with its block's index). A call without
 * created_at_time is not deduplicated.
 * Storage: the dedup map of state.ts (key → block index); apply.ts records the key of each
 * accepted call and prunes entries older than the window and the drift, a few per call.
 * Cost: one key per message, built into a reused buffer, and one map read.
 */
import type { Env } from '../lib/env';
import { leb128 } from '../lib/storage/bytes';
import type { Account } from './account';
import type { Tx } from './icrc3/block';
import type { LedgerState } from './state';

/** Deduplication window and permitted clock drift (DFINITY: 24 h and 60 s). */
export const TX_WINDOW_NS = 24n * 3600n * 1_000_000_000n;
export const PERMITTED_DRIFT_NS = 60n * 1_000_000_000n;

/** The window checks of created_at_time; on success the deduplication key (built once per message). */
export function timeChecks(env: Env, state: LedgerState, createdAt: bigint | undefined, tx: Tx & { fee?: bigint; memo?: Uint8Array; createdAtTime?: bigint }): { Err: { TooOld: null } | { CreatedInFuture: { ledger_time: bigint } } | { Duplicate: { duplicate_of: bigint } } } | { key: Uint8Array | undefined } {
    if (createdAt === undefined) return { key: undefined };
    const now = env.now();
    if (createdAt + TX_WINDOW_NS < now) return { Err: { TooOld: null } };
    if (createdAt > now + PERMITTED_DRIFT_NS) return { Err: { CreatedInFuture: { ledger_time: now } } };
    const key = dedupKey(createdAt, tx);
    const duplicate = state.duplicateOf(key);
    if (duplicate !== undefined) return { Err: { Duplicate: { duplicate_of: duplicate } } };
    return { key };
}

/**
 * The deduplication key: created_at_time first (so the oldest entries come first and can be
 * pruned), then every user-given field of the transaction, in an injective encoding that tells an
 * absent subaccount from the zero subaccount (as the DFINITY ledger's transaction hash does):
 *   u64be(created_at_time) ‖ op code ‖ account(from) ‖ account(to) ‖ account(spender)
 *   ‖ nat(amount) ‖ nat(fee) ‖ memo ‖ nat(expected_allowance) ‖ nat(expires_at)
 * where account(none) = 0, account(a) = (1 | 2 with a subaccount) ‖ owner length ‖ owner ‖ [sub],
 * nat(none) = 0, nat(n) = 1 ‖ LEB128(n), memo(none) = 0, memo(m) = 1 ‖ LEB128(|m|) ‖ m.
 * Built once per message into a reused buffer (numbers below 2^31 without BigInt arithmetic).
 */
export function dedupKey(createdAt: bigint, tx: Tx & { fee?: bigint; memo?: Uint8Array }): Uint8Array {
    kp = 0;
    keyRoom(9);
    keyView.setBigUint64(0, createdAt);
    kb[8] = OP_CODES[tx.op];
    kp = 9;
    keyAccount('from' in tx ? tx.from : undefined);
    keyAccount('to' in tx ? tx.to : undefined);
    keyAccount('spender' in tx ? tx.spender : undefined);
    keyNat(tx.amount);
    keyNat(tx.fee);
    if (tx.memo === undefined) keyByte(0);
    else {
        keyByte(1);
        keyLeb(BigInt(tx.memo.length));
        keyRoom(tx.memo.length);
        kb.set(tx.memo, kp);
        kp += tx.memo.length;
    }
    keyNat(tx.op === 'approve' ? tx.expectedAllowance : undefined);
    keyNat(tx.op === 'approve' ? tx.expiresAt : undefined);
    return kb.slice(0, kp);
}

let kb = new Uint8Array(256);
let keyView = new DataView(kb.buffer);
let kp = 0;

function keyRoom(n: number): void {
    if (kp + n <= kb.length) return;
    const grown = new Uint8Array(Math.max(kb.length * 2, kp + n));
    grown.set(kb.subarray(0, kp));
    kb = grown;
    keyView = new DataView(kb.buffer);
}

function keyByte(b: number): void {
    keyRoom(1);
    kb[kp++] = b;
}

function keyAccount(a: Account | undefined): void {
    if (a === undefined) {
        keyByte(0);
        return;
    }
    const sub = a.subaccount;
    keyRoom(2 + a.owner.length + (sub === undefined ? 0 : sub.length));
    kb[kp++] = sub === undefined ? 1 : 2;
    kb[kp++] = a.owner.length;
    kb.set(a.owner, kp);
    kp += a.owner.length;
    if (sub !== undefined) {
        kb.set(sub, kp);
        kp += sub.length;
    }
}

function keyNat(n: bigint | undefined): void {
    if (n === undefined) keyByte(0);
    else {
        keyByte(1);
        keyLeb(n);
    }
}

function keyLeb(n: bigint): void {
    if (n < 0n || n > 0x7fffffffn) {
        const b = leb128(n);
        keyRoom(b.length);
        kb.set(b, kp);
        kp += b.length;
        return;
    }
    let x = Number(n);
    keyRoom(5);
    while (x > 0x7f) {
        kb[kp++] = (x & 0x7f) | 0x80;
        x >>>= 7;
    }
    kb[kp++] = x;
}

const OP_CODES = { mint: 1, burn: 2, xfer: 3, approve: 4 } as const;
