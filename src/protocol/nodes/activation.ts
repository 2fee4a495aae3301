/**
 * PoC results (spec §2, §4): a confirmed PoC result activates a compute node — only when it names
 * the node id *and* its operator, so registering someone else's id earns nothing — and sets its
 * PoC time, hence its E-value. A confirmed PoC is a valid state: it ends an outage as an online
 * report would (spec §6). Returns the state bit's outcome code, stored with the batch.
 * Storage: the node record through the node book. Cost: one record read and write.
 */
import type { Env } from '../../lib/env';
import { bytesEqual } from '../../lib/storage/bytes';
import type { NodeBook } from './book';
import type { NodeRecord } from './record';

/** What activation asks of liveness (src/protocol/penalties/liveness.ts): a valid state ends an outage. */
export interface OutageEnd {
    observed(n: NodeRecord, online: boolean, now: bigint): NodeRecord;
}

export class Activation {
    constructor(
        private readonly book: NodeBook,
        private readonly liveness: OutageEnd,
        private readonly env: Env,
    ) {}

    applyPoc(nodeId: string, operator: Uint8Array, pocMs: number): string {
        const n = this.book.byId(nodeId);
        if (n === undefined) return 'unknown_node';
        if (n.type !== 'compute') return 'not_compute';
        if (!bytesEqual(n.operator, operator)) return 'wrong_operator';
        if (n.status !== 'active' && n.status !== 'awaiting_poc') return `status_${n.status}`;
        if (!Number.isInteger(pocMs) || pocMs < 1) return 'invalid_poc_ms';
        let next: NodeRecord = { ...n, status: 'active', pocMs };
        if (n.online === false || n.fault !== undefined) {
            const now = this.env.now();
            next = this.liveness.observed({ ...next, online: true, observedAt: now }, true, now);
        }
        next.e = this.book.eValue(next);
        this.book.save(next, n);
        return 'applied';
    }
}
