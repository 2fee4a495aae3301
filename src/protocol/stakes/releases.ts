/**
 * Stakes going back (spec §2, §3): at term end the stake, less the ledger fee, goes from the
 * node's escrow to the account that paid it — automatically, by the maintenance job — and a
 * validator candidate that was not admitted may withdraw its stake. There is no early exit.
 * A validator or router whose term ended is `expired`; a compute node stays active unstaked.
 * Penalties due are paid before the stake goes back (src/protocol/penalties/deductions.ts). A node
 * impeached while its stake was on its way back stays `disqualified`, and what it was charged but
 * no longer holds is booked as forgiven (docs/penalties-governance.md).
 *
 * Storage: node records through the node book; the expiry queue. Cost: one ledger call and two
 * record writes per release.
 */
import { settle } from '../model/ledger-port';
import { escrowSubaccount } from '../model/supply';
import type { Config } from '../model/config';
import { err, wrongStatus } from '../model/errors';
import type { StakeOutcome } from './errors';
import type { NodeBook } from '../nodes/book';
import type { NodeRecord, PendingOperation, StakeTerm } from '../nodes/record';
import type { OperationOutcome, Operations } from './operations';
import type { Stakes } from './stakes';

/** The penalty books a release settles (src/protocol/penalties/liveness.ts). */
export interface PenaltyBooks {
    booked(moved: bigint, forgiven: bigint): void;
    deductionDone(index: bigint): void;
}

export class Releases {
    constructor(
        private readonly book: NodeBook,
        private readonly config: Config,
        private readonly ops: Operations,
        private readonly liveness: PenaltyBooks,
        private readonly stakes: Pick<Stakes, 'ownedNode'>,
    ) {}

    /** A validator candidate that was not admitted takes its stake back. */
    async withdrawCandidacy(nodeId: string): Promise<StakeOutcome<NodeRecord>> {
        const found = this.stakes.ownedNode(nodeId);
        if ('Err' in found) return found;
        const node = found.Ok;
        if (node.type !== 'validator' || node.status !== 'candidate') return err(wrongStatus(nodeId, node.status, 'candidate'));
        const stake = node.stake as StakeTerm;
        return this.settle(this.ops.begin(node, 'withdraw', stake.amount, stake.owner, 0));
    }

    /** The node's term ended: its stake goes back (the maintenance job calls this). */
    release(n: NodeRecord): Promise<OperationOutcome> {
        const stake = n.stake as StakeTerm;
        return this.settle(this.ops.begin(n, 'release', stake.amount, stake.owner, 0));
    }

    /** Sends a node's stake (less the ledger fee) from its escrow back to its owner. */
    async settle(node: NodeRecord): Promise<OperationOutcome> {
        const op = node.op as PendingOperation;
        const fee = this.config.params().ledgerFee;
        const a = await this.ops.attempt(
            node,
            (uncertain) => settle(() => this.ops.ledger.transfer({ from_subaccount: escrowSubaccount(node.index), to: op.account, amount: op.amount > fee ? op.amount - fee : 0n, memo: op.memo, created_at_time: op.createdAt }), 2, uncertain),
            { before: op.amount, after: 0n },
        );
        if ('settled' in a) return a.settled;
        const { m, current } = a;
        if (!('done' in m)) return this.ops.failed(current, m);
        const stake = current.stake as StakeTerm;
        if (op.kind === 'release') this.book.registry.unscheduleExpiry(current.index, stake.termEnd);
        const next: NodeRecord = { ...current, op: undefined, stake: undefined, stakeBasis: undefined, penaltyDue: current.penaltyDue === undefined ? undefined : 0n };
        if (current.status === 'disqualified') {
            this.liveness.booked(0n, current.penaltyDue ?? 0n);
            this.liveness.deductionDone(current.index);
        } else if (op.kind === 'withdraw') next.status = 'withdrawn';
        else if (current.type !== 'compute') next.status = 'expired';
        next.e = this.book.eValue(next);
        this.book.save(next, current);
        this.ops.finish(current);
        return { Ok: next };
    }
}
