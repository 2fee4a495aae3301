/**
 * Online/offline observations (spec §4, §6): a confirmed observation of a router or compute node
 * is recorded on the node and opens or closes its fault (src/protocol/penalties/liveness.ts);
 * validators are judged by their participation instead. Returns the state bit's outcome code.
 * Storage: the node record through the node book. Cost: one record read and write.
 */
import type { Env } from '../../lib/env';
import type { NodeBook } from '../nodes/book';
import type { Liveness } from './liveness';

export class Observations {
    constructor(
        private readonly book: NodeBook,
        private readonly liveness: Liveness,
        private readonly env: Env,
    ) {}

    applyObservation(nodeId: string, online: boolean): string {
        const n = this.book.byId(nodeId);
        if (n === undefined) return 'unknown_node';
        if (n.type === 'validator') return 'not_observable';
        const now = this.env.now();
        this.book.save(this.liveness.observed({ ...n, online, observedAt: now }, online, now), n);
        return 'applied';
    }
}
