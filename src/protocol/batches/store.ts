/**
 * The batches' records and the queries over them (spec §4): what src/protocol/batches/batches.ts
 * (the consensus) writes, read back — a height's proposals and confirmation, confirmation times,
 * validators' participation — and the keys and value formats of the five maps.
 *
 * Storage (all state in the five KVs; heap fields are caches; keys fixed width, big-endian, so
 * `entries(0, n)` yields the lowest heights first; every value starts with a format byte, 1):
 *   config         [0x01]                  → fmt ‖ height u64 ‖ digest 32 ‖ confirmed_at u64 ‖ count u64
 *                                            (the tip: last confirmed batch; count = confirmations)
 *   proposals      h ‖ 0x00                → fmt ‖ digest 32 × k       (the digests proposed at h)
 *                  h ‖ 0x01 ‖ digest       → fmt ‖ proposer u64 ‖ voter u64 × m  (proposer first)
 *                  h ‖ 0x02 ‖ digest       → fmt ‖ Candid payload bytes
 *   votes          h ‖ validator u64       → fmt ‖ digest 32
 *   confirmed      0x00 ‖ h                → fmt ‖ u32 n ‖ Candid `vec text` outcomes (n bytes) ‖ Candid payload
 *                                            (kept for the last KEEP_CONFIRMED_PAYLOADS heights)
 *                  0x01 ‖ h                → fmt ‖ digest 32 ‖ confirmed_at u64 ‖ votes u32   (forever)
 *                  0x02 ‖ seq u64          → fmt ‖ confirmed_at u64 ‖ h u64   (forever; seq = 0, 1, …)
 *   participation  0x00 ‖ validator u64    → fmt ‖ height u64 ‖ time u64   (last counted participation)
 *                  0x01 ‖ validator u64    → fmt ‖ u32 proposal records of this validator
 *
 * confirmedBetween(t0, t1): confirmation times are non-decreasing in confirmation order (IC time
 * is monotonic; a clock that went back is clamped to the previous confirmation's time), so the
 * `0x02 ‖ seq` index is sorted by time. The answer is "the first confirmation at or after t0 is
 * before t1": O(1) when the tip's time is in [t0, t1) or before t0, otherwise a galloping search
 * back from the newest confirmation: O(log k) point reads, k = confirmations since t0.
 * Cost: point reads; `getBatch` decodes the payloads it returns.
 */
import { decode } from '../../lib/candid/candid';
import { concat, readU32be, readU64be, u64be } from '../../lib/storage/bytes';
import type { KV } from '../../lib/storage/kv';
import { BatchPayloadT, OutcomesT, type BatchInfo, type DecodedBatchPayload } from './payload';

export interface BatchStores {
    config: KV;
    proposals: KV;
    votes: KV;
    confirmed: KV;
    participation: KV;
}

export interface ConfirmedTip {
    height: bigint;
    digest: Uint8Array;
    /** IC time (ns) of the confirmation. */
    confirmedAt: bigint;
}

export interface Tip extends ConfirmedTip {
    /** Number of confirmations so far (the next time-index sequence number). */
    count: bigint;
}

export interface Meta {
    proposer: bigint;
    voters: bigint[];
}

export const FMT = 1;
export const TIP_KEY = Uint8Array.of(0x01);
export const TAG_HEADER = 0x00;
export const TAG_META = 0x01;
export const TAG_PAYLOAD = 0x02;
export const C_PAYLOAD = 0x00;
export const C_RECORD = 0x01;
export const C_TIME = 0x02;
export const P_LAST = 0x00;
export const P_PENDING = 0x01;

export function heightTagKey(h: bigint, tag: number, digest?: Uint8Array): Uint8Array {
    const key = new Uint8Array(digest === undefined ? 9 : 41);
    new DataView(key.buffer).setBigUint64(0, h);
    key[8] = tag;
    if (digest !== undefined) key.set(digest, 9);
    return key;
}

export function prefixedU64(prefix: number, n: bigint): Uint8Array {
    const key = new Uint8Array(9);
    key[0] = prefix;
    key.set(u64be(n), 1);
    return key;
}

export function voteKey(h: bigint, v: bigint): Uint8Array {
    const key = new Uint8Array(16);
    const view = new DataView(key.buffer);
    view.setBigUint64(0, h);
    view.setBigUint64(8, v);
    return key;
}


export function body(value: Uint8Array | undefined, what: string): Uint8Array | undefined {
    if (value === undefined) return undefined;
    if (value[0] !== FMT) throw new Error(`batches: unknown format ${value[0]} of a ${what} record`);
    return value;
}

export function encodeMeta(m: Meta): Uint8Array {
    // one buffer and one view for every field: in QuickJS each typed-array allocation costs ~6 k instructions
    const out = new Uint8Array(9 + 8 * m.voters.length);
    const view = new DataView(out.buffer);
    out[0] = FMT;
    view.setBigUint64(1, m.proposer);
    for (let i = 0; i < m.voters.length; i++) view.setBigUint64(9 + 8 * i, m.voters[i]);
    return out;
}

export function decodeMeta(v: Uint8Array): Meta {
    const view = new DataView(v.buffer, v.byteOffset, v.byteLength);
    const voters: bigint[] = [];
    for (let at = 9; at + 8 <= v.length; at += 8) voters.push(view.getBigUint64(at));
    return { proposer: view.getBigUint64(1), voters };
}


export function checkU64(n: bigint, what: string): void {
    if (typeof n !== 'bigint' || n < 0n || n >= U64_LIMIT) throw new RangeError(`batches: ${what} must be a nat64`);
}


const U64_LIMIT = 1n << 64n;


/** A ballot's stored value: FMT ‖ the digest voted for. */
export function voteValue(digest: Uint8Array): Uint8Array {
    const out = new Uint8Array(1 + digest.length);
    out[0] = FMT;
    out.set(digest, 1);
    return out;
}

export function participationValue(height: bigint, time: bigint): Uint8Array {
    return concat([Uint8Array.of(FMT), u64be(height), u64be(time)]);
}

/** The records of the batches, read back. */
export class BatchRecords {
    /** Heap cache of the tip: undefined = not loaded yet, null = nothing confirmed. */
    protected tipCache: Tip | null | undefined;

    constructor(protected readonly stores: BatchStores) {}

    // ----- queries ---------------------------------------------------------------------------

    /** Proposals at `height` (until pruned) and its confirmation, if any. */
    getBatch(height: bigint): BatchInfo {
        checkU64(height, 'height');
        const { proposals, confirmed } = this.stores;
        const list: BatchInfo['proposals'] = [];
        const header = body(proposals.get(heightTagKey(height, TAG_HEADER)), 'proposal-header');
        if (header !== undefined) {
            for (let at = 1; at + 32 <= header.length; at += 32) {
                const digest = header.slice(at, at + 32);
                const metaBytes = body(proposals.get(heightTagKey(height, TAG_META, digest)), 'proposal');
                const payloadBytes = body(proposals.get(heightTagKey(height, TAG_PAYLOAD, digest)), 'payload');
                if (metaBytes === undefined || payloadBytes === undefined) continue; // mid-pruning
                const meta = decodeMeta(metaBytes);
                const [payload] = decode([BatchPayloadT], payloadBytes.subarray(1)) as [DecodedBatchPayload];
                list.push({ digest, proposer: meta.proposer, payload, voters: BigUint64Array.from(meta.voters) });
            }
        }
        const rec = body(confirmed.get(prefixedU64(C_RECORD, height)), 'confirmed');
        let conf: BatchInfo['confirmed'] = [];
        if (rec !== undefined) {
            const stored = body(confirmed.get(prefixedU64(C_PAYLOAD, height)), 'confirmed-payload');
            let applied: [] | [{ payload: DecodedBatchPayload; outcomes: string[] }] = [];
            if (stored !== undefined) {
                const n = readU32be(stored, 1);
                const [outcomes] = decode([OutcomesT], stored.subarray(5, 5 + n)) as [string[]];
                const [payload] = decode([BatchPayloadT], stored.subarray(5 + n)) as [DecodedBatchPayload];
                applied = [{ payload, outcomes }];
            }
            conf = [{ digest: rec.slice(1, 33), confirmed_at: readU64be(rec, 33), votes: readU32be(rec, 41), applied }];
        }
        return { height, proposals: list, confirmed: conf };
    }

    /** The confirmation time of `height`, if it was confirmed. */
    confirmedAt(height: bigint): bigint | undefined {
        checkU64(height, 'height');
        const rec = body(this.stores.confirmed.get(prefixedU64(C_RECORD, height)), 'confirmed');
        return rec === undefined ? undefined : readU64be(rec, 33);
    }

    /** The last confirmed batch validator `validatorIndex` took part in, and when its part counted. */
    participation(validatorIndex: bigint): { height: bigint; time: bigint } | undefined {
        checkU64(validatorIndex, 'validator index');
        const v = body(this.stores.participation.get(prefixedU64(P_LAST, validatorIndex)), 'participation');
        return v === undefined ? undefined : { height: readU64be(v, 1), time: readU64be(v, 9) };
    }

    /** Was any batch confirmed at a time in [t0, t1)? */
    confirmedBetween(t0: bigint, t1: bigint): boolean {
        if (t0 >= t1) return false;
        const tip = this.tip();
        if (tip !== undefined && tip.confirmedAt >= t0 && tip.confirmedAt < t1) return true;
        const c = this.firstConfirmationAtOrAfter(t0);
        return c !== undefined && c < t1;
    }

    /**
     * The time of the first confirmation at or after `t`: O(1) when the tip is before `t` or the
     * one before the tip is, otherwise a galloping search back from the newest confirmation,
     * O(log k) point reads for the k confirmations since `t`.
     */
    firstConfirmationAtOrAfter(t: bigint): bigint | undefined {
        const tip = this.tip();
        if (tip === undefined || tip.confirmedAt < t) return undefined;
        let hi = tip.count - 1n; // time(hi) ≥ t
        let lo = -1n; // time(lo) < t, or lo = -1
        let step = 1n;
        for (;;) {
            const probe = hi - step;
            if (probe < 0n) break;
            if (this.timeAt(probe) >= t) {
                hi = probe;
                step *= 2n;
            } else {
                lo = probe;
                break;
            }
        }
        while (hi - lo > 1n) {
            const mid = (lo + hi) >> 1n;
            if (this.timeAt(mid) >= t) hi = mid;
            else lo = mid;
        }
        return hi === tip.count - 1n ? tip.confirmedAt : this.timeAt(hi);
    }

    /** Number of confirmations so far. */
    confirmationCount(): bigint {
        return this.tip()?.count ?? 0n;
    }

    // ----- internals -------------------------------------------------------------------------

    protected timeAt(seq: bigint): bigint {
        const v = body(this.stores.confirmed.get(prefixedU64(C_TIME, seq)), 'time-index');
        if (v === undefined) throw new Error(`batches: time index entry ${seq} is missing`);
        return readU64be(v, 1);
    }

    protected readVote(key: Uint8Array): Uint8Array | undefined {
        const v = body(this.stores.votes.get(key), 'vote');
        return v === undefined ? undefined : v.slice(1, 33);
    }

    protected tip(): Tip | undefined {
        if (this.tipCache === undefined) {
            const v = body(this.stores.config.get(TIP_KEY), 'tip');
            this.tipCache =
                v === undefined ? null : { height: readU64be(v, 1), digest: v.slice(9, 41), confirmedAt: readU64be(v, 41), count: readU64be(v, 49) };
        }
        return this.tipCache ?? undefined;
    }
}
