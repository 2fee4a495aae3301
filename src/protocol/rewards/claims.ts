/**
 * Claims (spec §5): the node's operator, or its reward wallet's owner, claims what the node earned;
 * the protocol (the ledger's minting account) mints it to the node's wallet. A claim is an
 * operation like any ledger movement (src/protocol/stakes/operations.ts): idempotent, safe to
 * retry, guarded per node; a refused mint leaves the reward claimable. A retry answered TooOld
 * (more than 24 h after an attempt whose outcome was never known) counts as paid: minting again
 * could pay twice (the mint's memo finds it in the ledger's blocks if in doubt).
 *
 * Storage: the node record (its operation), the node's reward record (src/protocol/rewards/rewards.ts).
 * Cost: one reward settlement, the mint (an inter-canister call) and two record writes.
 */
import { isAnonymous } from '../../ledger/account';
import type { Env } from '../../lib/env';
import { bytesEqual } from '../../lib/storage/bytes';
import type { Config } from '../model/config';
import { anonymousCaller, err, nodeBusy, nodeFrozen, nodeNotFound } from '../model/errors';
import type { ClaimOutcome } from './errors';
import { settle, type Movement } from '../model/ledger-port';
import type { NodeBook } from '../nodes/book';
import type { NodeRecord, PendingOperation } from '../nodes/record';
import type { OperationOutcome, Operations } from '../stakes/operations';
import type { Rewards } from './rewards';

export class Claims {
    constructor(
        private readonly book: NodeBook,
        private readonly config: Config,
        private readonly env: Env,
        private readonly ops: Operations,
        private readonly rewards: Rewards,
    ) {}

    async claim(nodeId: string): Promise<ClaimOutcome<{ node: NodeRecord; amount: bigint }>> {
        const caller = this.env.caller();
        if (isAnonymous(caller)) return err(anonymousCaller('the anonymous principal cannot claim'));
        const node = this.book.byId(nodeId);
        if (node === undefined) return err(nodeNotFound(nodeId));
        if (!bytesEqual(node.operator, caller) && !bytesEqual(node.wallet.owner, caller)) return err({ NotClaimant: { message: 'only the node’s operator or its reward wallet’s owner can claim', node_id: nodeId } });
        const paused = this.config.pausedError();
        if (paused !== undefined) return err(paused);
        if (node.frozen === true) return err(nodeFrozen(nodeId));
        if (node.op !== undefined) {
            if (node.op.kind === 'claim' && this.ops.retryable(node.index)) {
                const r = await this.ops.resume(node);
                return 'Ok' in r ? { Ok: { node: r.Ok, amount: (node.op as PendingOperation).amount } } : r;
            }
            return err(nodeBusy(nodeId, node.op.kind));
        }
        const amount = this.rewards.settle(node.index, this.env.now());
        if (amount === 0n) return err({ NothingToClaim: { message: `node ${nodeId} has no rewards to claim yet`, node_id: nodeId } });
        const r = await this.settle(this.ops.begin(node, 'claim', amount, node.wallet, 0));
        return 'Ok' in r ? { Ok: { node: r.Ok, amount } } : r;
    }

    async settle(node: NodeRecord): Promise<OperationOutcome> {
        const op = node.op as PendingOperation;
        const a = await this.ops.attempt(node, (uncertain) => settle(() => this.ops.ledger.transfer({ to: op.account, amount: op.amount, memo: op.memo, created_at_time: op.createdAt }), 2, uncertain));
        if ('settled' in a) return a.settled;
        const { current } = a;
        let m: Movement<unknown> = a.m;
        if ('refused' in m && 'TooOld' in (m.refused as object)) m = { done: 0n };
        if ('unknown' in m) return this.ops.pending(current, m.unknown);
        if (!('done' in m)) return this.ops.drop(current, m);
        this.rewards.recordClaim(node.index, op.amount);
        const next = { ...current, op: undefined };
        this.book.save(next, current);
        this.ops.finish(current);
        return { Ok: next };
    }
}
