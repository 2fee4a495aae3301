/**
 * Registration and stakes (spec §2): a node registers with its stake (validators ≥ 1,000,000 EMC
 * for ≥ 360 days, routers ≥ 100,000 EMC for ≥ 180 days; compute nodes unstaked or staked for one
 * of the multiplier table's periods); the stake moves by ICRC-2 `transfer_from` into the node's
 * escrow subaccount; a stake can be topped up, a validator's or router's term renewed, a compute
 * node staked again after its term. Node ids are unique: an ended registration, or an unstaked
 * compute registration no PoC confirmed within the grace period, frees its id for another operator.
 * Every amount and day count is checked against src/protocol/model/bounds.ts first.
 *
 * The ledger movements go through src/protocol/stakes/operations.ts; this file settles the kinds
 * stake, top_up and renew. Releases and withdrawals are in releases.ts.
 *
 * Storage: node records through the node book; the next node index in the configuration.
 * Cost: a registration is one record write plus indexes (~2.5 M instructions unstaked); a staked
 * one adds the ledger call and one more record write when it lands.
 */
import { accountProblem, isAnonymous, type Account } from '../../ledger/account';
import type { Env } from '../../lib/env';
import { bytesEqual } from '../../lib/storage/bytes';
import { amountProblem, daysProblem, MAX_AMOUNT_E8S, MAX_TERM_DAYS, MAX_UNSTAKED_PER_OPERATOR, MAX_UNSTAKED_TOTAL, MIN_COMPUTE_STAKE_FEES } from '../model/bounds';
import type { Config } from '../model/config';
import { anonymousCaller, err, nodeBusy, nodeFrozen, nodeNotFound, notNodeOperator, wrongStatus } from '../model/errors';
import { settle, type Movement } from '../model/ledger-port';
import { DAY_NS, type ProtocolParams } from '../model/params';
import type { NodeBook } from '../nodes/book';
import { nodeIdProblem, type NodeRecord, type NodeType, type PendingOperation, type StakeTerm } from '../nodes/record';
import { amountOutOfRange, daysOutOfRange, invalidSubaccount, stakeAboveMaximum, type StakeError, type StakeOutcome } from './errors';
import { refusal, type OperationOutcome, type Operations } from './operations';
import { extendTerm, renewalProblem } from './terms';

export interface RegisterArgs {
    node_id: string;
    node_type: NodeType;
    wallet: Account;
    stake?: { amount: bigint; lock_days: number; from_subaccount?: Uint8Array };
}

/** What a landed top-up asks of liveness (src/protocol/penalties/liveness.ts): settle the node's windows, end a suspension it covers. */
export interface TopUpLiveness {
    evaluate(n: NodeRecord, until: bigint): NodeRecord;
    resumeIfCovered(n: NodeRecord): NodeRecord;
}

export class Stakes {
    constructor(
        private readonly book: NodeBook,
        private readonly config: Config,
        private readonly env: Env,
        private readonly ops: Operations,
        private readonly liveness: TopUpLiveness,
    ) {}

    async registerNode(args: RegisterArgs): Promise<StakeOutcome<NodeRecord>> {
        const caller = this.env.caller();
        const p = this.config.params();
        if (isAnonymous(caller)) return err(anonymousCaller('the anonymous principal cannot register nodes'));
        const paused = this.config.pausedError();
        if (paused !== undefined) return err(paused);
        const idProblem = nodeIdProblem(args.node_id);
        if (idProblem !== undefined) return err({ InvalidNodeId: { message: `the node id ${idProblem}`, node_id: args.node_id } });
        const walletProblem = accountProblem(args.wallet);
        if (walletProblem !== undefined) return err({ InvalidWallet: { message: `wallet: ${walletProblem}` } });
        const stakeProblem = this.checkFirstStake(args, p);
        if (stakeProblem !== undefined) return err(stakeProblem);

        const existing = this.book.byId(args.node_id);
        if (existing !== undefined) {
            const sameOperator = bytesEqual(existing.operator, caller);
            if (sameOperator && existing.status === 'staking' && existing.op !== undefined) {
                // A retry of a registration whose stake transfer has an unknown outcome.
                if (!this.ops.retryable(existing.index)) return err(nodeBusy(existing.id, existing.op.kind));
                return this.ops.resume(existing);
            }
            if (!this.evictable(existing, caller)) return err({ NodeIdTaken: { message: `node id ${args.node_id} is already registered`, node_id: args.node_id } });
            if (existing.status !== 'evicted' && existing.status !== 'withdrawn' && existing.status !== 'expired') this.book.save({ ...existing, status: 'evicted' }, existing);
        }
        if (args.stake === undefined) {
            const full = this.book.unstaked.refusal(caller);
            if (full !== undefined) return err({ TooManyUnstaked: { message: full.message, maximum: full.perOperator ? MAX_UNSTAKED_PER_OPERATOR : MAX_UNSTAKED_TOTAL } });
        }

        const node: NodeRecord = {
            index: this.config.takeIndex(),
            id: args.node_id,
            type: args.node_type,
            status: args.stake === undefined ? 'awaiting_poc' : 'staking',
            operator: caller,
            wallet: args.wallet,
            registeredAt: this.env.now(),
            requestedLockDays: args.stake?.lock_days,
            e: 0n,
            opSeq: 0,
        };
        if (args.stake !== undefined) {
            node.op = this.ops.operation(node, 'stake', args.stake.amount, { owner: caller, subaccount: args.stake.from_subaccount }, args.stake.lock_days);
            node.opSeq += 1;
        }
        this.book.save(node, undefined);
        if (existing !== undefined) this.book.registry.rebindId(args.node_id, node.index);
        return args.stake === undefined ? { Ok: node } : this.settle(node);
    }

    /** A compute node's new stake term (after the previous one was released, or for an unstaked node). */
    async stakeCompute(nodeId: string, amount: bigint, lockDays: number, fromSubaccount?: Uint8Array): Promise<StakeOutcome<NodeRecord>> {
        const found = this.ownedNode(nodeId);
        if ('Err' in found) return found;
        const node = found.Ok;
        if (node.type !== 'compute') return err({ NotComputeNode: { message: `node ${nodeId} is a ${node.type}: only compute nodes stake separately (validators and routers renew instead)`, node_id: nodeId, node_type: node.type } });
        if (node.stake !== undefined) return err({ AlreadyStaked: { message: `node ${nodeId} already has an active stake term (top up or wait for the term to end)`, node_id: nodeId } });
        if (node.status !== 'active' && node.status !== 'awaiting_poc') return err(wrongStatus(nodeId, node.status, 'active or awaiting_poc'));
        const problem = computeStakeProblem(amount, lockDays, this.config.params()) ?? subaccountError(fromSubaccount);
        if (problem !== undefined) return err(problem);
        return this.settle(this.ops.begin(node, 'stake', amount, { owner: node.operator, subaccount: fromSubaccount }, lockDays));
    }

    async topUp(nodeId: string, amount: bigint, fromSubaccount?: Uint8Array): Promise<StakeOutcome<NodeRecord>> {
        const found = this.ownedNode(nodeId);
        if ('Err' in found) return found;
        const node = found.Ok;
        if (node.stake === undefined) return err({ NoStake: { message: `node ${nodeId} has no stake to top up`, node_id: nodeId, status: node.status } });
        const bad = amountProblem('the top-up amount', amount, 1n);
        if (bad !== undefined) return err(amountOutOfRange(bad, 1n, MAX_AMOUNT_E8S));
        const sub = subaccountError(fromSubaccount);
        if (sub !== undefined) return err(sub);
        if (node.stake.amount + amount > MAX_AMOUNT_E8S) return err(stakeAboveMaximum(MAX_AMOUNT_E8S));
        return this.settle(this.ops.begin(node, 'top_up', amount, { owner: node.operator, subaccount: fromSubaccount }, 0));
    }

    async renew(nodeId: string, days: number, topUpAmount: bigint, fromSubaccount?: Uint8Array): Promise<StakeOutcome<NodeRecord>> {
        const found = this.ownedNode(nodeId);
        if ('Err' in found) return found;
        const node = found.Ok;
        const badDays = daysProblem('the renewal', days, 1);
        if (badDays !== undefined) return err(daysOutOfRange(badDays, 1, MAX_TERM_DAYS));
        const badAmount = amountProblem('the top-up amount', topUpAmount);
        if (badAmount !== undefined) return err(amountOutOfRange(badAmount, 0n, MAX_AMOUNT_E8S));
        const sub = subaccountError(fromSubaccount);
        if (sub !== undefined) return err(sub);
        const problem = renewalProblem(node, days, this.env.now(), this.config.params());
        if (problem !== undefined) return err(problem);
        if ((node.stake?.amount ?? 0n) + topUpAmount > MAX_AMOUNT_E8S) return err(stakeAboveMaximum(MAX_AMOUNT_E8S));
        if (topUpAmount === 0n) {
            const next = extendTerm(node, days, 0n);
            this.book.registry.unscheduleExpiry(node.index, (node.stake as StakeTerm).termEnd);
            this.book.save(next, node);
            this.book.registry.scheduleExpiry(next);
            return { Ok: next };
        }
        return this.settle(this.ops.begin(node, 'renew', topUpAmount, { owner: node.operator, subaccount: fromSubaccount }, days));
    }

    /** Retries the operation whose outcome is unknown on one of the caller's nodes. */
    async retryOperation(nodeId: string): Promise<StakeOutcome<NodeRecord>> {
        const caller = this.env.caller();
        if (isAnonymous(caller)) return err(anonymousCaller('the anonymous principal cannot change nodes'));
        const node = this.book.byId(nodeId);
        if (node === undefined) return err(nodeNotFound(nodeId));
        if (!bytesEqual(node.operator, caller) && !bytesEqual(caller, this.config.get().governance)) return err(notNodeOperator(nodeId, 'only the node’s operator (or governance) can retry its operation'));
        if (node.op === undefined) return { Ok: node };
        if (!this.ops.retryable(node.index)) return err(nodeBusy(nodeId, node.op.kind));
        return this.ops.resume(node);
    }

    /** The caller's node `nodeId`, free to change: not paused, not frozen, no operation in flight. */
    ownedNode(nodeId: string): StakeOutcome<NodeRecord> {
        const caller = this.env.caller();
        if (isAnonymous(caller)) return err(anonymousCaller('the anonymous principal cannot change nodes'));
        const node = this.book.byId(nodeId);
        if (node === undefined) return err(nodeNotFound(nodeId));
        if (!bytesEqual(node.operator, caller)) return err(notNodeOperator(nodeId, 'only the node’s operator can change it'));
        const paused = this.config.pausedError();
        if (paused !== undefined) return err(paused);
        if (node.frozen === true) return err(nodeFrozen(nodeId));
        if (node.op !== undefined) return err(nodeBusy(nodeId, node.op.kind));
        return { Ok: node };
    }

    // ----- settling stake, top_up and renew (src/protocol/stakes/operations.ts) -----------------------

    /** Pulls the operation's amount into the node's escrow and applies it (or compensates). */
    async settle(node: NodeRecord): Promise<OperationOutcome> {
        const held = node.stake?.amount ?? 0n;
        const a = await this.ops.attempt(node, (uncertain) => this.pull(node, uncertain), { before: held, after: held + (node.op as PendingOperation).amount });
        if ('settled' in a) return a.settled;
        const { m, current } = a;
        const op = current.op as PendingOperation;
        if ('unknown' in m) return this.ops.pending(current, m.unknown);
        if (!('done' in m)) {
            if (current.status !== 'staking') return this.ops.drop(current, m);
            // A refused first stake: the registration never became a node.
            this.book.remove(current);
            this.ops.finish(current);
            return refusal(m);
        }
        const next = op.kind === 'stake' ? this.newTerm(current, op) : this.added(current, op);
        this.ops.finish(current);
        return { Ok: next };
    }

    private pull(node: NodeRecord, uncertain: boolean): Promise<Movement<unknown>> {
        const op = node.op as PendingOperation;
        return settle(() => this.ops.ledger.transferFrom({ from: op.account, to: this.config.escrowAccount(node.index), amount: op.amount, memo: op.memo, created_at_time: op.createdAt }), 2, uncertain);
    }

    /** A stake landed: a new term starts (a validator's at admission; a router's and a compute node's now). */
    private newTerm(current: NodeRecord, op: PendingOperation): NodeRecord {
        const now = this.env.now();
        const next: NodeRecord = { ...current, op: undefined };
        next.stake = { amount: op.amount, lockDays: op.days, termStart: now, termEnd: now + BigInt(op.days) * DAY_NS, renewals: 0, owner: op.account };
        if (next.type === 'compute') next.stakeBasis = op.amount;
        if (current.status === 'staking') next.status = current.type === 'validator' ? 'candidate' : current.type === 'router' ? 'active' : 'awaiting_poc';
        next.e = this.book.eValue(next);
        this.book.save(next, current);
        if (next.type !== 'validator') this.book.registry.scheduleExpiry(next);
        return next;
    }

    /** A top-up or a renewal's top-up landed. */
    private added(current: NodeRecord, op: PendingOperation): NodeRecord {
        let next: NodeRecord = { ...current, op: undefined };
        const stake = next.stake as StakeTerm;
        if (op.kind === 'renew') {
            this.book.registry.unscheduleExpiry(current.index, stake.termEnd);
            next = extendTerm(next, op.days, op.amount);
        } else {
            next.stake = { ...stake, amount: stake.amount + op.amount };
            next.e = this.book.eValue(next);
            if (next.type === 'compute') next.stakeBasis = (next.stakeBasis ?? stake.amount) + op.amount;
        }
        // A top-up that covers the minimum again ends a suspension (its windows start again now).
        next = this.liveness.resumeIfCovered(this.liveness.evaluate(next, this.env.now()));
        this.book.save(next, current);
        if (op.kind === 'renew') this.book.registry.scheduleExpiry(next);
        return next;
    }

    // ----- checks ----------------------------------------------------------------------------------

    private checkFirstStake(args: RegisterArgs, p: ProtocolParams): StakeError | undefined {
        const s = args.stake;
        if (args.node_type === 'validator' || args.node_type === 'router') {
            if (s === undefined) return { StakeRequired: { message: `a ${args.node_type} registers with its stake`, node_type: args.node_type } };
            const min = args.node_type === 'validator' ? p.validatorMinStake : p.routerMinStake;
            const days = args.node_type === 'validator' ? p.validatorMinTermDays : p.routerMinTermDays;
            if (s.amount < min) return { StakeTooLow: { message: `a ${args.node_type}'s stake is at least ${min} e8s`, minimum: min } };
            if (s.lock_days < days) return { TermTooShort: { message: `a ${args.node_type}'s stake locks for at least ${days} days`, minimum_days: days } };
            const badAmount = amountProblem('the stake', s.amount);
            if (badAmount !== undefined) return amountOutOfRange(badAmount, 0n, MAX_AMOUNT_E8S);
            const badDays = daysProblem('lock_days', s.lock_days, days);
            if (badDays !== undefined) return daysOutOfRange(badDays, days, MAX_TERM_DAYS);
        } else if (args.node_type === 'compute') {
            if (s !== undefined) {
                const problem = computeStakeProblem(s.amount, s.lock_days, p);
                if (problem !== undefined) return problem;
            }
        } else {
            return { UnknownNodeType: { message: `unknown node type ${String(args.node_type)}` } };
        }
        return s === undefined ? undefined : subaccountError(s.from_subaccount);
    }

    /** An ended registration, or a squatted one: unstaked, never confirmed by a PoC, older than the grace period. */
    private evictable(n: NodeRecord, caller: Uint8Array): boolean {
        // A node that ended (expired, withdrew, was evicted) frees its id for anyone, its operator included.
        if (n.status === 'evicted' || n.status === 'withdrawn' || n.status === 'expired') return n.op === undefined && n.stake === undefined;
        if (bytesEqual(n.operator, caller)) return false;
        return n.type === 'compute' && n.status === 'awaiting_poc' && n.stake === undefined && n.op === undefined && n.pocMs === undefined && this.env.now() - n.registeredAt >= this.config.params().squatterGraceNs;
    }
}

/** Why a compute stake of `amount` for `lockDays` is refused, or undefined. */
function computeStakeProblem(amount: bigint, lockDays: number, p: ProtocolParams): StakeError | undefined {
    const periods = p.computeMultipliers.map(([d]) => d);
    if (!periods.includes(lockDays)) return { LockPeriodNotOffered: { message: `a compute stake locks for one of ${periods.join(', ')} days`, lock_days: lockDays, periods: Uint32Array.from(periods) } };
    const min = MIN_COMPUTE_STAKE_FEES * p.ledgerFee + 1n;
    if (amount < min) return { StakeTooLow: { message: `a compute node's stake is at least ${min} e8s`, minimum: min } };
    const bad = amountProblem('the stake', amount);
    return bad === undefined ? undefined : amountOutOfRange(bad, 0n, MAX_AMOUNT_E8S);
}

function subaccountError(sub: Uint8Array | undefined): StakeError | undefined {
    return sub !== undefined && sub.length !== 32 ? invalidSubaccount() : undefined;
}
