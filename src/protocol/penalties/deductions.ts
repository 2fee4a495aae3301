/**
 * Paying penalties (spec §6, §7): a charge is recorded at once (src/protocol/penalties/liveness.ts);
 * the maintenance job then moves it from the node's escrow to the treasury. The escrow pays the
 * ledger fee, so the treasury receives exactly the penalty; what the escrow cannot cover any more
 * is forgiven (recorded), so charged = moved + forgiven + due always holds. A disqualified node
 * owes its whole stake, a top-up that landed after the vote included. Penalties wait while
 * governance has the protocol paused, and for an operation in flight on the node.
 *
 * Storage: node records through the node book; the liveness books. Cost: one ledger call and two
 * record writes per deduction.
 */
import { settle } from '../model/ledger-port';
import { escrowSubaccount } from '../model/supply';
import type { Config } from '../model/config';
import type { NodeBook } from '../nodes/book';
import type { NodeRecord, PendingOperation, StakeTerm } from '../nodes/record';
import type { OperationOutcome, Operations } from '../stakes/operations';
import type { Liveness } from './liveness';

export class Deductions {
    constructor(
        private readonly book: NodeBook,
        private readonly config: Config,
        private readonly ops: Operations,
        private readonly liveness: Liveness,
    ) {}

    /** Starts moving the node's penalty due to the treasury; undefined when there is nothing to start now. */
    async start(n: NodeRecord): Promise<OperationOutcome | undefined> {
        const due = n.status === 'disqualified' && n.stake !== undefined ? n.stake.amount : (n.penaltyDue ?? 0n);
        if (n.op !== undefined) return undefined; // after the operation in flight
        if (due === 0n || n.stake === undefined) {
            this.liveness.deductionDone(n.index);
            return undefined;
        }
        const fee = this.config.params().ledgerFee;
        const send = n.stake.amount > fee ? (due < n.stake.amount - fee ? due : n.stake.amount - fee) : 0n;
        if (send === 0n) {
            // Nothing the escrow can pay: the rest is forgiven.
            this.liveness.booked(0n, due);
            this.liveness.deductionDone(n.index);
            const next = { ...n, penaltyDue: 0n };
            this.book.save(next, n);
            return { Ok: next };
        }
        if (due !== n.penaltyDue) n = { ...n, penaltyDue: due };
        return this.settle(this.ops.begin(n, 'penalty', send, this.config.treasuryAccount(), 0));
    }

    async settle(node: NodeRecord): Promise<OperationOutcome> {
        const op = node.op as PendingOperation;
        const fee = this.config.params().ledgerFee;
        const held = (node.stake as StakeTerm).amount;
        const a = await this.ops.attempt(
            node,
            (uncertain) => settle(() => this.ops.ledger.transfer({ from_subaccount: escrowSubaccount(node.index), to: op.account, amount: op.amount, memo: op.memo, created_at_time: op.createdAt }), 2, uncertain),
            { before: held, after: held - op.amount - fee },
        );
        if ('settled' in a) return a.settled;
        const { m, current } = a;
        if (!('done' in m)) return this.ops.failed(current, m);
        const stake = current.stake as StakeTerm;
        const due = current.penaltyDue ?? 0n;
        const left = stake.amount - op.amount - fee;
        // Whatever is still due and more than the escrow can pay is forgiven.
        const forgiven = due - op.amount > 0n && left <= fee ? due - op.amount : 0n;
        const next: NodeRecord = { ...current, op: undefined, stake: { ...stake, amount: left }, penaltyDue: due - op.amount - forgiven, penalized: (current.penalized ?? 0n) + op.amount };
        this.liveness.booked(op.amount, forgiven);
        if (next.penaltyDue === 0n) this.liveness.deductionDone(node.index);
        if (left === 0n && current.status === 'disqualified') {
            this.book.registry.unscheduleExpiry(current.index, stake.termEnd);
            next.stake = undefined;
        }
        next.e = this.book.eValue(next);
        this.liveness.checkSuspension(next);
        this.book.save(next, current);
        this.ops.finish(current);
        return { Ok: next };
    }
}
