/**
 * Where each kind of confirmed state bit goes (spec §4). A confirmed batch is applied once, in
 * height order, its bits in payload order (src/protocol/batches/batches.ts); this module is the one
 * place that routes them: PoC results to the nodes section (activation), online/offline
 * observations to liveness, and each counted voter's participation to liveness (a validator's
 * windows). A new kind of state bit (the market's task records, spec §11) is routed here.
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
}

export function stateBitSink(routes: StateBitRoutes): StateBitSink {
    return {
        applyPoc: (nodeId, operator, pocMs) => routes.poc.applyPoc(nodeId, operator, pocMs),
        applyObservation: (nodeId, online) => routes.observation.applyObservation(nodeId, online),
        participated: (validator, previous, at) => routes.participation.participated(validator, previous, at),
    };
}
