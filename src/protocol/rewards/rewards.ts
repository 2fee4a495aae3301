/**
 * Epoch rewards by E-value weight, streamed over each epoch with a cumulative reward-per-weight
 * index (spec §5). Between any two instants the epoch's reward flows at a constant rate and is
 * split among eligible nodes in proportion to their weight (E × 10^8) at that instant:
 *
 *   index += reward(t0, t1) × SCALE / ΣW        (floor; the remainder is booked as unallocated)
 *   node accrues W × (index_now − index_at_its_last_update) / SCALE
 *
 * so closing an epoch, or changing one node, costs the same for 10 nodes as for 100,000.
 * Exact books, in SCALE units: distributed + unallocated = emitted × SCALE at all times, and
 * distributed = Σ over nodes of (credited × SCALE + remainder + W × (index − snapshot)).
 */
import type { KV } from '../../lib/storage/kv';
import { u64be } from '../../lib/storage/bytes';
import { emittedBefore, emittedWithin } from './schedule';
import { decodeEpoch, decodeNode, decodeState, encodeEpoch, encodeNode, encodeState, type EpochRecord, type NodeRewards, type RewardsState } from './records';

export type { EpochRecord, NodeRewards, RewardsState };

export const INDEX_SCALE = 10n ** 24n;

/** The reward books at a moment (`rewards_summary`); amounts in e8s, E × 10^8. */
export interface RewardsTotals {
    epoch: bigint;
    epoch_start: bigint;
    epoch_end: bigint;
    epoch_seconds: bigint;
    emitted: bigint;
    distributed: bigint;
    unallocated: bigint;
    claimed: bigint;
    total_e: bigint;
    eligible: bigint;
}

export interface RewardsStores {
    state: KV;
    nodes: KV;
    epochs: KV;
}

const STATE_KEY = new Uint8Array([1]);
/** An epoch-catch-up never walks more than this many epochs in one message. */
export const MAX_EPOCHS_PER_ADVANCE = 5_000;

export class Rewards {
    private cache: RewardsState | undefined;
    private deferDepth = 0;
    private dirty = false;

    constructor(private readonly kv: RewardsStores) {}

    isInitialized(): boolean {
        return this.kv.state.has(STATE_KEY);
    }

    /** Starts the reward clock: epoch 0 begins at `genesis`. */
    init(genesis: bigint, epochLength: bigint): void {
        if (this.isInitialized()) return;
        if (epochLength <= 0n) throw new Error('the epoch length must be positive');
        this.save({
            anchorEpoch: 0n,
            anchorTime: genesis,
            epochLength,
            prevStart: genesis,
            lastUpdate: genesis,
            index: 0n,
            totalWeight: 0n,
            eligible: 0n,
            distributedScaled: 0n,
            unallocatedScaled: 0n,
            claimed: 0n,
            epoch: 0n,
            epochEmitted: 0n,
            epochDistributedScaled: 0n,
        });
    }

    state(): RewardsState {
        if (this.cache === undefined) {
            const raw = this.kv.state.get(STATE_KEY);
            if (raw === undefined) throw new Error('rewards are not initialized');
            this.cache = decodeState(raw);
        }
        return this.cache;
    }

    epochOf(t: bigint, s: RewardsState = this.state()): bigint {
        if (t < s.anchorTime) return s.anchorEpoch === 0n ? 0n : s.anchorEpoch - 1n;
        return s.anchorEpoch + (t - s.anchorTime) / s.epochLength;
    }

    epochStart(e: bigint, s: RewardsState = this.state()): bigint {
        if (e === s.anchorEpoch - 1n) return s.prevStart;
        return s.anchorTime + (e - s.anchorEpoch) * s.epochLength;
    }

    epochEnd(e: bigint, s: RewardsState = this.state()): bigint {
        return e === s.anchorEpoch - 1n ? s.anchorTime : this.epochStart(e, s) + s.epochLength;
    }

    /** e8s emitted from genesis up to `t`. */
    emittedUntil(t: bigint, s: RewardsState = this.state()): bigint {
        if (t <= s.anchorTime && s.anchorEpoch === 0n) return 0n;
        const e = this.epochOf(t, s);
        const start = this.epochStart(e, s);
        return emittedBefore(e) + emittedWithin(e, t - start, this.epochEnd(e, s) - start);
    }

    /**
     * Advances the index and the books to `now`, closing (recording) every epoch it passes. Work is
     * proportional to the number of epoch boundaries crossed, never to the number of nodes.
     */
    advance(now: bigint): EpochRecord[] {
        if (this.state().lastUpdate >= now) return [];
        const { state, closed } = this.simulate(now);
        this.save(state);
        for (const r of closed) this.kv.epochs.set(u64be(r.epoch), encodeEpoch(r));
        return closed;
    }

    /** The same computation without writing anything (for queries). */
    simulate(now: bigint): { state: RewardsState; closed: EpochRecord[] } {
        const s = { ...this.state() };
        const closed: EpochRecord[] = [];
        let walked = 0;
        while (s.lastUpdate < now && walked < MAX_EPOCHS_PER_ADVANCE) {
            const e = this.epochOf(s.lastUpdate, s);
            const start = this.epochStart(e, s);
            const end = this.epochEnd(e, s);
            const t1 = now < end ? now : end;
            const seg = emittedWithin(e, t1 - start, end - start) - emittedWithin(e, s.lastUpdate - start, end - start);
            if (e !== s.epoch) {
                s.epoch = e;
                s.epochEmitted = 0n;
                s.epochDistributedScaled = 0n;
            }
            const scaled = seg * INDEX_SCALE;
            if (s.totalWeight > 0n) {
                const inc = scaled / s.totalWeight;
                const given = inc * s.totalWeight;
                s.index += inc;
                s.distributedScaled += given;
                s.unallocatedScaled += scaled - given;
                s.epochDistributedScaled += given;
            } else {
                s.unallocatedScaled += scaled;
            }
            s.epochEmitted += seg;
            s.lastUpdate = t1;
            if (t1 === end) {
                const distributed = s.epochDistributedScaled / INDEX_SCALE;
                closed.push({ epoch: e, start, end, emitted: s.epochEmitted, distributed, unallocated: s.epochEmitted - distributed, totalE: s.totalWeight, eligible: s.eligible });
                s.epoch = e + 1n;
                s.epochEmitted = 0n;
                s.epochDistributedScaled = 0n;
                walked++;
            }
        }
        return { state: s, closed };
    }

    node(index: bigint): NodeRewards {
        const raw = this.kv.nodes.get(u64be(index));
        return raw === undefined ? { weight: 0n, snapshot: 0n, remainder: 0n, credited: 0n, claimed: 0n } : decodeNode(raw);
    }

    /** A node's rewards brought up to the index of `s` (pure). */
    settled(n: NodeRewards, s: RewardsState): NodeRewards {
        if (n.weight === 0n || n.snapshot === s.index) return { ...n, snapshot: s.index };
        const owed = n.weight * (s.index - n.snapshot) + n.remainder;
        return { ...n, snapshot: s.index, credited: n.credited + owed / INDEX_SCALE, remainder: owed % INDEX_SCALE };
    }

    /**
     * Sets a node's weight (its E while eligible, 0 otherwise) at `now`: the index is advanced first
     * and the node settled at its old weight, so no reward is ever computed with a stale weight.
     */
    setWeight(index: bigint, weight: bigint, now: bigint): void {
        this.advance(now);
        const s = this.state();
        const before = this.node(index);
        if (before.weight === weight) return;
        const n = this.settled(before, s);
        const next: NodeRewards = { ...n, weight };
        this.kv.nodes.set(u64be(index), encodeNode(next));
        const eligibleDelta = (weight > 0n ? 1n : 0n) - (before.weight > 0n ? 1n : 0n);
        this.save({ ...s, totalWeight: s.totalWeight - before.weight + weight, eligible: s.eligible + eligibleDelta });
    }

    /** What the node can claim at `now` (read-only). */
    claimable(index: bigint, now: bigint): bigint {
        const { state } = this.simulate(now);
        const n = this.settled(this.node(index), state);
        return n.credited - n.claimed;
    }

    /** Settles the node at `now` and returns what it can claim (writes the settled state). */
    settle(index: bigint, now: bigint): bigint {
        this.advance(now);
        const n = this.settled(this.node(index), this.state());
        this.kv.nodes.set(u64be(index), encodeNode(n));
        return n.credited - n.claimed;
    }

    /** Books a claim that the ledger executed. */
    recordClaim(index: bigint, amount: bigint): void {
        const n = this.node(index);
        if (amount > n.credited - n.claimed) throw new Error(`claim of ${amount} e8s exceeds what node ${index} earned`);
        this.kv.nodes.set(u64be(index), encodeNode({ ...n, claimed: n.claimed + amount }));
        const s = this.state();
        this.save({ ...s, claimed: s.claimed + amount });
    }

    /** The reward books as of `now` (read-only: the index is advanced in a copy): what `rewards_summary` answers. */
    summary(now: bigint): RewardsTotals {
        const { state } = this.simulate(now);
        const epoch = this.epochOf(now, state);
        const emitted = this.emittedUntil(state.lastUpdate, state);
        const distributed = state.distributedScaled / INDEX_SCALE;
        return {
            epoch,
            epoch_start: this.epochStart(epoch, state),
            epoch_end: this.epochEnd(epoch, state),
            epoch_seconds: state.epochLength / 1_000_000_000n,
            emitted,
            distributed,
            unallocated: emitted - distributed,
            claimed: state.claimed,
            total_e: state.totalWeight,
            eligible: state.eligible,
        };
    }

    /** Node `index`'s rewards as of `now`: weight, credited, claimed and claimable e8s. */
    nodeAt(index: bigint, now: bigint): { weight: bigint; credited: bigint; claimed: bigint; claimable: bigint } {
        const settled = this.settled(this.node(index), this.simulate(now).state);
        return { weight: settled.weight, credited: settled.credited, claimed: settled.claimed, claimable: settled.credited - settled.claimed };
    }

    epochRecord(epoch: bigint): EpochRecord | undefined {
        const raw = this.kv.epochs.get(u64be(epoch));
        return raw === undefined ? undefined : decodeEpoch(raw);
    }

    /** The time at which the current epoch closes (for the timer). */
    nextEpochBoundary(now: bigint): bigint {
        const s = this.state();
        const e = this.epochOf(now > s.lastUpdate ? now : s.lastUpdate, s);
        return this.epochEnd(e, s);
    }

    /** A new epoch length, effective from the next epoch boundary after `now`. */
    changeEpochLength(length: bigint, now: bigint): void {
        if (length <= 0n) throw new Error('the epoch length must be positive');
        this.advance(now);
        const s = this.state();
        const current = this.epochOf(now, s);
        // The current epoch keeps its length; the new numbering starts at its end.
        this.save({ ...s, anchorEpoch: current + 1n, anchorTime: this.epochEnd(current, s), epochLength: length, prevStart: this.epochStart(current, s) });
    }

    /**
     * Runs `fn` with the global state written once at the end instead of after every change (a
     * batch of 100 state bits changes 100 weights). Safe within one message: a trap rolls back
     * everything the message wrote anyway.
     */
    deferred<T>(fn: () => T): T {
        this.deferDepth++;
        try {
            return fn();
        } finally {
            this.deferDepth--;
            if (this.deferDepth === 0 && this.dirty && this.cache !== undefined) {
                this.kv.state.set(STATE_KEY, encodeState(this.cache));
                this.dirty = false;
            }
        }
    }

    private save(s: RewardsState): void {
        this.cache = s;
        if (this.deferDepth > 0) {
            this.dirty = true;
            return;
        }
        this.kv.state.set(STATE_KEY, encodeState(s));
    }
}


