/**
 * What a decided peer vote does to a node (spec §7; the votes themselves are in votes.ts):
 * an impeachment that passes disqualifies the node and charges its whole stake (moved to the
 * treasury by src/protocol/penalties/deductions.ts); an open impeachment holds the stake until the
 * vote closes (a term that would end sooner is extended to the close, and a node whose term has
 * ended cannot be impeached any more); a key report freezes the validator until it is decided,
 * then it resumes with the new operator if the validators confirmed it.
 * Storage: node records through the node book. Cost: one record read and write each.
 */
import type { Env } from '../../lib/env';
import type { NodeBook } from '../nodes/book';
import type { NodeRecord } from '../nodes/record';
import type { Liveness } from '../penalties/liveness';

export class VoteEffects {
    constructor(
        private readonly book: NodeBook,
        private readonly liveness: Liveness,
        private readonly env: Env,
    ) {}

    /** Why node `n` cannot be impeached now (its stake is already on its way back), or undefined. */
    impeachmentProblem(n: NodeRecord): string | undefined {
        if (n.op !== undefined && (n.op.kind === 'release' || n.op.kind === 'withdraw')) return 'its stake is being released';
        if (n.stake !== undefined && n.stake.termEnd <= this.env.now()) return 'its term has ended and its stake is being released';
        return undefined;
    }

    /** Holds the node's stake at least until `until` (the vote's close). */
    holdStake(index: bigint, until: bigint): void {
        const n = this.book.get(index);
        if (n === undefined || n.stake === undefined || n.stake.termEnd >= until) return;
        this.book.registry.unscheduleExpiry(index, n.stake.termEnd);
        const next = { ...n, stake: { ...n.stake, termEnd: until } };
        this.book.save(next, n);
        this.book.registry.scheduleExpiry(next);
    }

    /** An impeachment passed: the node is out and its whole stake goes to the treasury. */
    disqualify(index: bigint): void {
        const n = this.book.get(index);
        if (n === undefined || n.status !== 'active') return;
        if (n.stake !== undefined && n.op === undefined) this.book.registry.unscheduleExpiry(index, n.stake.termEnd);
        let next: NodeRecord = { ...n, status: 'disqualified', suspended: undefined, frozen: undefined, fault: undefined };
        next = this.liveness.chargeAll(next, 'impeachment');
        next.e = 0n;
        this.book.save(next, n);
    }

    /** A validator reported its key compromised: no votes, claims or changes until the report is decided. */
    freeze(index: bigint): void {
        const n = this.book.get(index);
        if (n !== undefined) this.book.save({ ...n, frozen: true }, n);
    }

    /** The report was decided: the node resumes, with the new operator if the validators confirmed it. */
    unfreeze(index: bigint, newOperator?: Uint8Array): void {
        const n = this.book.get(index);
        if (n === undefined || n.frozen !== true) return;
        this.book.save(this.liveness.restart({ ...n, frozen: undefined, operator: newOperator ?? n.operator }), n);
    }
}
