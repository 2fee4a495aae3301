/**
 * The reward books' stored records (spec §5; docs/storage.md, REWARDS_STATE 43, NODE_REWARDS 44,
 * EPOCHS 45): the index's state, a node's books, a closed epoch; their types and codecs.
 * Format 1: u8 1, then every number as text (u8 length ‖ ASCII decimal digits).
 * Storage: the three maps (through rewards.ts). Cost: linear in the digits.
 */
import { Reader, Writer } from '../../lib/storage/binary';

const FORMAT = 1;

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
    const w = new Writer(256).u8(FORMAT);
    for (const v of [s.anchorEpoch, s.anchorTime, s.epochLength, s.prevStart, s.lastUpdate, s.index, s.totalWeight, s.eligible, s.distributedScaled, s.unallocatedScaled, s.claimed, s.epoch, s.epochEmitted, s.epochDistributedScaled]) {
        w.text(v.toString());
    }
    return w.done();
}

export function decodeState(b: Uint8Array): RewardsState {
    const r = new Reader(b);
    if (r.u8() !== FORMAT) throw new Error('unknown rewards state format');
    const n = (): bigint => BigInt(r.text());
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
    return new Writer(128).u8(FORMAT).text(n.weight.toString()).text(n.snapshot.toString()).text(n.remainder.toString()).text(n.credited.toString()).text(n.claimed.toString()).done();
}

export function decodeNode(b: Uint8Array): NodeRewards {
    const r = new Reader(b);
    if (r.u8() !== FORMAT) throw new Error('unknown node rewards format');
    return { weight: BigInt(r.text()), snapshot: BigInt(r.text()), remainder: BigInt(r.text()), credited: BigInt(r.text()), claimed: BigInt(r.text()) };
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
