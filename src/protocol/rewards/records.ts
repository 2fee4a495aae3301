/**
 * The reward books' stored records (spec §5; docs/storage.md, REWARDS_STATE 43, NODE_REWARDS 44,
 * EPOCHS 45): the index's state, a node's books, a closed epoch; their types and codecs.
 * Format 1: u8 1, then every number as text (u8 length ‖ ASCII decimal digits) — still read, and
 *   still written for epoch records (one per epoch).
 * Format 2 (the state and a node's books, written by every reward-weight change, i.e. per applied
 *   state bit): u8 2, then every number as u8 k (0..4) ‖ k × u64 big-endian limbs, most significant
 *   first (k = 0 for zero): decimal text in QuickJS costs ~50 k instructions per number each way,
 *   limbs ~10 k. A number needs at most 256 bits (the index, the largest, is below 2^140: every
 *   e8s ever emitted × 10^24); a writer refuses a larger one instead of wrapping. Records are
 *   rewritten in format 2 when next written; nothing is migrated in bulk.
 * Storage: the three maps (through rewards.ts). Cost: a few limbs per number.
 */
import { Reader, Writer } from '../../lib/storage/binary';

const FORMAT = 1;
const FORMAT_LIMBS = 2;
const MASK64 = (1n << 64n) - 1n;
const MAX_LIMBS = 4;

function putNumber(w: Writer, v: bigint): void {
    if (v < 0n) throw new RangeError('reward books: a negative number cannot be stored');
    if (v === 0n) {
        w.u8(0);
        return;
    }
    if (v <= MASK64) {
        w.u8(1).u64(v);
        return;
    }
    const limbs: bigint[] = [];
    for (let x = v; x > 0n; x >>= 64n) limbs.push(x & MASK64);
    if (limbs.length > MAX_LIMBS) throw new RangeError('reward books: a number above 2^256 cannot be stored');
    w.u8(limbs.length);
    for (let i = limbs.length - 1; i >= 0; i--) w.u64(limbs[i]);
}

function getNumber(r: Reader): bigint {
    const k = r.u8();
    if (k > MAX_LIMBS) throw new Error(`reward books: a number of ${k} limbs`);
    if (k === 0) return 0n;
    let v = r.u64();
    for (let i = 1; i < k; i++) v = (v << 64n) | r.u64();
    return v;
}

export interface RewardsState {
    /** Epoch numbering: epoch `anchorEpoch` starts at `anchorTime`, each lasts `epochLength` ns. */
    anchorEpoch: bigint;
    anchorTime: bigint;
    epochLength: bigint;
    /** After a length change: the start of the epoch still running on the old length (it ends at anchorTime). */
    prevStart: bigint;
    /** The index and the books are advanced up to this time. */
    lastUpdate: bigint;
    index: bigint;
    totalWeight: bigint;
    eligible: bigint;
    /** Σ inc × ΣW (SCALE units) and the rest of what was emitted (SCALE units). */
    distributedScaled: bigint;
    unallocatedScaled: bigint;
    /** e8s minted to reward wallets. */
    claimed: bigint;
    /** The epoch the current accumulators belong to, and its emitted / distributed (scaled) so far. */
    epoch: bigint;
    epochEmitted: bigint;
    epochDistributedScaled: bigint;
}

export interface NodeRewards {
    weight: bigint;
    snapshot: bigint;
    /** Fraction of an e8s owed to the node, in SCALE units (never lost: it carries over). */
    remainder: bigint;
    credited: bigint;
    claimed: bigint;
}

export interface EpochRecord {
    epoch: bigint;
    start: bigint;
    end: bigint;
    emitted: bigint;
    distributed: bigint;
    unallocated: bigint;
    /** ΣE and the number of eligible nodes when the epoch closed. */
    totalE: bigint;
    eligible: bigint;
}

export function encodeState(s: RewardsState): Uint8Array {
    const w = new Writer(256).u8(FORMAT_LIMBS);
    for (const v of [s.anchorEpoch, s.anchorTime, s.epochLength, s.prevStart, s.lastUpdate, s.index, s.totalWeight, s.eligible, s.distributedScaled, s.unallocatedScaled, s.claimed, s.epoch, s.epochEmitted, s.epochDistributedScaled]) {
        putNumber(w, v);
    }
    return w.done();
}

export function decodeState(b: Uint8Array): RewardsState {
    const r = new Reader(b);
    const format = r.u8();
    if (format !== FORMAT && format !== FORMAT_LIMBS) throw new Error('unknown rewards state format');
    const n = format === FORMAT ? (): bigint => BigInt(r.text()) : (): bigint => getNumber(r);
    return {
        anchorEpoch: n(),
        anchorTime: n(),
        epochLength: n(),
        prevStart: n(),
        lastUpdate: n(),
        index: n(),
        totalWeight: n(),
        eligible: n(),
        distributedScaled: n(),
        unallocatedScaled: n(),
        claimed: n(),
        epoch: n(),
        epochEmitted: n(),
        epochDistributedScaled: n(),
    };
}

export function encodeNode(n: NodeRewards): Uint8Array {
    const w = new Writer(96).u8(FORMAT_LIMBS);
    putNumber(w, n.weight);
    putNumber(w, n.snapshot);
    putNumber(w, n.remainder);
    putNumber(w, n.credited);
    putNumber(w, n.claimed);
    return w.done();
}

export function decodeNode(b: Uint8Array): NodeRewards {
    const r = new Reader(b);
    const format = r.u8();
    if (format === FORMAT) return { weight: BigInt(r.text()), snapshot: BigInt(r.text()), remainder: BigInt(r.text()), credited: BigInt(r.text()), claimed: BigInt(r.text()) };
    if (format !== FORMAT_LIMBS) throw new Error('unknown node rewards format');
    return { weight: getNumber(r), snapshot: getNumber(r), remainder: getNumber(r), credited: getNumber(r), claimed: getNumber(r) };
}

export function encodeEpoch(e: EpochRecord): Uint8Array {
    const w = new Writer(128).u8(FORMAT);
    for (const v of [e.epoch, e.start, e.end, e.emitted, e.distributed, e.unallocated, e.totalE, e.eligible]) w.text(v.toString());
    return w.done();
}

export function decodeEpoch(b: Uint8Array): EpochRecord {
    const r = new Reader(b);
    if (r.u8() !== FORMAT) throw new Error('unknown epoch record format');
    const n = (): bigint => BigInt(r.text());
    return { epoch: n(), start: n(), end: n(), emitted: n(), distributed: n(), unallocated: n(), totalE: n(), eligible: n() };
}
