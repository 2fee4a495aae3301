/**
 * Transaction deduplication and time bounds (ICRC-7 and ICRC-37 "Transaction Deduplication"):
 *  - a `created_at_time` before now − TX_WINDOW − PERMITTED_DRIFT is TooOld; after now +
 *    PERMITTED_DRIFT is CreatedInFuture{ledger_time} (approvals and revocations too: their texts ask it);
 *  - only transfers (icrc7_transfer, icrc37_transfer_from) are deduplicated — their error types are
 *    the only ones with `Duplicate` — and only when `created_at_time` is set: a structurally equal
 *    call (same method, caller and every argument field, memo included) within the window answers
 *    Duplicate{duplicate_of: its block}; without created_at_time nothing is deduplicated;
 *  - the key is created_at_time ‖ SHA-256(method ‖ caller ‖ the arguments), so entries sort by time
 *    and each call prunes at most PRUNE_PER_CALL entries that left the window (oldest first).
 * Storage: SOCKET_DEDUP. Cost: one SHA-256 of ≤ 250 bytes, one read, one write per deduplicated item.
 */
import type { Account } from '../../ledger/account';
import { sha256 } from '../../lib/crypto/sha256';
import { Writer } from '../../lib/storage/binary';
import { concat, readU64be, u64be } from '../../lib/storage/bytes';
import type { KV } from '../../lib/storage/kv';
import { PERMITTED_DRIFT_NS, TX_WINDOW_NS } from './model';

const PRUNE_PER_CALL = 4;

export type TimeError = { TooOld: null } | { CreatedInFuture: { ledger_time: bigint } };

/** TooOld / CreatedInFuture for a set created_at_time, else undefined. */
export function timeError(createdAt: bigint | undefined, now: bigint): TimeError | undefined {
    if (createdAt === undefined) return undefined;
    if (createdAt + TX_WINDOW_NS + PERMITTED_DRIFT_NS < now) return { TooOld: null };
    if (createdAt > now + PERMITTED_DRIFT_NS) return { CreatedInFuture: { ledger_time: now } };
    return undefined;
}

function account(w: Writer, a: Account | undefined): void {
    if (a === undefined) {
        w.u8(0);
        return;
    }
    w.u8(1).bytes(a.owner);
    if (a.subaccount === undefined) w.u8(0);
    else w.u8(1).bytes(a.subaccount);
}

function optBytes(w: Writer, b: Uint8Array | undefined): void {
    if (b === undefined) w.u8(0);
    else w.u8(1).bytes(b);
}

/** What identifies a transfer for deduplication (every argument field; `null` and a zero subaccount differ, as in ICRC-1). */
export interface DedupCall {
    method: 'icrc7_transfer' | 'icrc37_transfer_from';
    caller: Uint8Array;
    /** icrc7_transfer: from_subaccount; transfer_from: spender_subaccount. */
    subaccount?: Uint8Array;
    from?: Account;
    to: Account;
    tokenId: bigint;
    memo?: Uint8Array;
    createdAt: bigint;
}

export function dedupKey(c: DedupCall): Uint8Array {
    const w = new Writer(256).u8(c.method === 'icrc7_transfer' ? 7 : 37).bytes(c.caller);
    optBytes(w, c.subaccount);
    account(w, c.from);
    account(w, c.to);
    w.u64(c.tokenId);
    optBytes(w, c.memo);
    return concat([u64be(c.createdAt), sha256(w.done())]);
}

export class Dedup {
    constructor(
        private readonly kv: KV,
        private readonly now: () => bigint,
    ) {}

    /** The block of an equal call within the window, if any. */
    seen(key: Uint8Array): bigint | undefined {
        const raw = this.kv.get(key);
        return raw === undefined ? undefined : readU64be(raw, 0);
    }

    record(key: Uint8Array, block: bigint): void {
        this.kv.set(key, u64be(block));
    }

    /** Removes up to PRUNE_PER_CALL entries that left the window. */
    prune(): void {
        const oldest = this.now() - TX_WINDOW_NS - PERMITTED_DRIFT_NS;
        for (const [key] of this.kv.entries(0, PRUNE_PER_CALL)) {
            if (readU64be(key, 0) >= oldest) break;
            this.kv.delete(key);
        }
    }
}
