/**
 * The node book: the one way a node record is written. `save(next, previous)` writes the record
 * and keeps in step everything derived from it — the registry's indexes (src/protocol/nodes/
 * registry.ts), the liveness due queue (src/protocol/penalties/liveness.ts), the queue of unstaked
 * registrations (src/protocol/nodes/unstaked.ts) and the node's reward weight (the reward index is
 * advanced first, src/protocol/rewards/rewards.ts). It also says what a node is worth: its E-value
 * (spec §2, src/protocol/nodes/evalue.ts) and its reward weight (spec §5: its E while eligible).
 *
 * Storage: through the registry and the trackers. Cost: one record encode and write plus the
 * trackers' O(log n) index updates per save.
 */
import type { Config } from '../model/config';
import type { ProtocolParams } from '../model/params';
import { computeE, DEFAULT_MULTIPLIERS_TENTHS, routerE, validatorE } from './evalue';
import type { NodeRecord } from './record';
import type { Registry } from './registry';
import type { UnstakedRegistrations } from './unstaked';

/** Something kept in step with every node write (the liveness due queue). */
export interface NodeTracker {
    track(next: NodeRecord, previous: NodeRecord | undefined): void;
}

/** Where a changed reward weight goes (the reward index). */
export interface WeightSink {
    setWeight(index: bigint, weight: bigint, now: bigint): void;
}

export class NodeBook {
    constructor(
        readonly registry: Registry,
        private readonly config: Config,
        private readonly now: () => bigint,
        private readonly liveness: NodeTracker,
        readonly unstaked: UnstakedRegistrations,
        private readonly weights: WeightSink,
    ) {}

    get(index: bigint): NodeRecord | undefined {
        return this.registry.get(index);
    }

    byId(id: string): NodeRecord | undefined {
        return this.registry.byId(id);
    }

    /** Writes a node and keeps its indexes, liveness queue, unstaked queue and reward weight in step. */
    save(next: NodeRecord, previous: NodeRecord | undefined): void {
        this.registry.put(next, previous);
        this.liveness.track(next, previous);
        this.unstaked.track(next, previous);
        const before = previous === undefined ? 0n : this.weight(previous);
        const after = this.weight(next);
        if (before !== after) this.weights.setWeight(next.index, after, this.now());
    }

    /** Removes a registration that never became a node (its first stake failed, or it outlived its grace period unconfirmed). */
    remove(n: NodeRecord): void {
        this.registry.delete(n);
        this.unstaked.track(undefined, n);
    }

    /** The compute multipliers as a map, rebuilt only when the parameters' table changes (a Map per call: ~40 k instructions). */
    private multipliers: { from: ProtocolParams['computeMultipliers']; table: Map<number, bigint> } | undefined;

    private multiplierTable(): Map<number, bigint> {
        const from = this.config.params().computeMultipliers;
        if (this.multipliers?.from !== from) this.multipliers = { from, table: new Map(from) };
        return this.multipliers.table;
    }

    /** E × 10^8 (spec §2): stake-based for validators and routers, PoC-based for compute nodes; 0 unless active. */
    eValue(n: NodeRecord): bigint {
        if (n.status !== 'active') return 0n;
        if (n.type === 'validator') return validatorE(n.stake?.amount ?? 0n);
        if (n.type === 'router') return routerE(n.stake?.amount ?? 0n);
        if (n.pocMs === undefined) return 0n;
        const table = this.multiplierTable();
        const stake = n.stake?.amount ?? 0n;
        const m = n.stake === undefined ? 10n : (table.get(n.stake.lockDays) ?? DEFAULT_MULTIPLIERS_TENTHS.get(n.stake.lockDays) ?? 10n);
        return computeE(BigInt(n.pocMs), stake, m);
    }

    /** The node's reward weight: its E while eligible (active, not suspended or frozen; compute nodes also online with a PoC), else 0. */
    weight(n: NodeRecord): bigint {
        if (n.status !== 'active' || n.suspended === true || n.frozen === true) return 0n;
        if (n.type === 'compute' && (n.online === false || n.pocMs === undefined)) return 0n;
        return n.e;
    }
}
