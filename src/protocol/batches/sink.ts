/**
 * Where each kind of confirmed state bit goes (spec §4). A confirmed batch is applied once, in
 * height order, its bits in payload order (src/protocol/batches/batches.ts); this module is the one
 * place that routes them: PoC results to the nodes section (activation), online/offline
 * observations to liveness, each counted voter's participation to liveness (a validator's
 * windows), and the market's task records and rejections (spec §11) to src/protocol/market/task-records.ts.
 * Storage: none of its own. Cost: one call per state bit.
 */
import type { StateBitSink } from './batches';

export interface StateBitRoutes {
    /** PoC results: src/protocol/nodes/activation.ts. */
    poc: { applyPoc(nodeId: string, operator: Uint8Array, pocMs: number): string };
    /** Online/offline observations: src/protocol/penalties/observations.ts. */
    observation: { applyObservation(nodeId: string, online: boolean): string };
    /** Validators' participation: src/protocol/penalties/liveness.ts. */
    participation: { participated(validatorIndex: bigint, previous: bigint | undefined, at: bigint): void };
    /** Task records and rejections: src/protocol/market/task-records.ts. */
    task?: { applyTask(order: bigint, nodeId: string, cumUnits: bigint, resultHash: Uint8Array): string; applyRejection(order: bigint, fromCum: bigint, toCum: bigint): string };
    /** A batch is applied: the socket NFTs' deferred updates (src/protocol/sockets/market-hooks.ts). */
    applied?: (height: bigint) => void;
}

export function stateBitSink(routes: StateBitRoutes): StateBitSink {
    return {
        applyPoc: (nodeId, operator, pocMs) => routes.poc.applyPoc(nodeId, operator, pocMs),
        applyObservation: (nodeId, online) => routes.observation.applyObservation(nodeId, online),
        participated: (validator, previous, at) => routes.participation.participated(validator, previous, at),
        applyTask: (order, nodeId, cum, hash) => (routes.task === undefined ? 'no-market' : routes.task.applyTask(order, nodeId, cum, hash)),
        applyTaskRejected: (order, from, to) => (routes.task === undefined ? 'no-market' : routes.task.applyRejection(order, from, to)),
        batchApplied: (height) => routes.applied?.(height),
    };
}
