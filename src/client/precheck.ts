/**
 * Rule: a stake operation the protocol would refuse is refused here, before the client approves
 * anything on the ledger, so that a refused stake costs no fee and leaves no allowance (docs/client.md
 * "Stake operations"). Each check is the protocol canister's own (src/protocol/stakes/stakes.ts:
 * registerNode, stakeCompute, topUp, renew and their helpers), in the same order, applied to the
 * canister's current parameters (`protocol_params`), its pause state (`protocol_info`) and the
 * node as `get_node` answers it, including the fixed bounds `protocol_params` publishes (the
 * compute minimum, the squatter grace period, the longest term, the largest amount). The answer
 * names the canister's
 * error case (a `StakeError` kind, src/client/errors/protocol.ts) and its rule; the error is marked `checkedBeforeSending` (the CLI exits 2).
 * Storage: none. Cost: pure, constant work (the caller makes 3–4 queries to gather the context).
 */
import type { Principal } from '@dfinity/principal';
import { accountProblem } from '../ledger/account';
import { nodeIdProblem } from '../protocol/nodes/record';
import { emc } from './format/display';
import type { ClientError } from './errors/client-error';
import type { StakeErrorKind } from './errors/protocol';
import type { IcrcAccount } from './types/account';
import type { Params } from './types/governance';
import type { Node, NodeType } from './types/protocol';

/** What the client knows of the canister when it checks. */
export interface PrecheckContext {
    params: Params;
    /** Why governance paused the protocol, while it is paused. */
    paused?: string;
    caller: Principal;
    /** The network's clock, ns. */
    now: bigint;
}

export type StakeOperation =
    | { op: 'register'; nodeId: string; type: NodeType; wallet: IcrcAccount; stake?: { amount: bigint; lockDays: number; fromSubaccount?: Uint8Array }; existing?: Node }
    | { op: 'stake'; node: Node; amount: bigint; lockDays: number; fromSubaccount?: Uint8Array }
    | { op: 'top_up'; node: Node; amount: bigint; fromSubaccount?: Uint8Array }
    | { op: 'renew'; node: Node; days: number; topUp: bigint; fromSubaccount?: Uint8Array };

/** The error the protocol would answer for this operation, or undefined when it would accept it. */
export function stakeOperationProblem(o: StakeOperation, ctx: PrecheckContext): ClientError | undefined {
    if (ctx.caller.isAnonymous()) return stakeRefusal('AnonymousCaller', 'the anonymous principal cannot register or change nodes');
    if (o.op === 'register') return registerProblem(o, ctx);
    const n = o.node;
    if (n.operator.toText() !== ctx.caller.toText()) return stakeRefusal('NotNodeOperator', `node "${n.nodeId}" is operated by ${n.operator.toText()}, not by ${ctx.caller.toText()}`);
    if (ctx.paused !== undefined) return paused(ctx.paused);
    if (n.frozen) return stakeRefusal('NodeFrozen', `node "${n.nodeId}" is frozen (its key is reported compromised): no changes until the report is decided`);
    if (n.pendingOperation !== undefined) return stakeRefusal('NodeBusy', `node "${n.nodeId}" has a ${n.pendingOperation} operation in progress; try again shortly (or \`emc node retry ${n.nodeId}\`)`);
    const p = ctx.params;
    if (o.op === 'stake') {
        if (n.type !== 'compute') return stakeRefusal('NotComputeNode', `node "${n.nodeId}" is a ${n.type}: only compute nodes stake separately (validators and routers stake when they register, then renew or top up)`);
        if (n.stake !== undefined) return stakeRefusal('AlreadyStaked', `node "${n.nodeId}" already has a stake term (top it up, or stake again after it ends)`);
        if (n.status !== 'active' && n.status !== 'awaiting_poc') return stakeRefusal('WrongStatus', `node "${n.nodeId}" is ${n.status}: a compute node stakes while active or awaiting_poc`);
        return computeStakeProblem(o.amount, o.lockDays, p) ?? subaccountProblem(o.fromSubaccount);
    }
    if (o.op === 'top_up') {
        if (n.stake === undefined) return stakeRefusal('NoStake', `node "${n.nodeId}" has no stake to top up (a compute node stakes with \`emc node stake\`)`);
        if (o.amount <= 0n) return stakeRefusal('AmountOutOfRange', 'the top-up amount must be positive');
        return amountProblem('the top-up amount', o.amount, p) ?? subaccountProblem(o.fromSubaccount) ?? totalProblem(n.stake.amount + o.amount, p);
    }
    const bad = daysProblem('the renewal', o.days, 1, p) ?? amountProblem('the top-up amount', o.topUp, p) ?? subaccountProblem(o.fromSubaccount);
    if (bad !== undefined) return bad;
    return renewalProblem(n, o.days, ctx) ?? totalProblem((n.stake?.amount ?? 0n) + o.topUp, p);
}

function amountProblem(name: string, amount: bigint, p: Params): ClientError | undefined {
    return amount > p.maxAmountE8s ? stakeRefusal('AmountOutOfRange', `${name} exceeds the maximum supply (${p.maxAmountE8s} e8s)`) : undefined;
}

function daysProblem(name: string, days: number, min: number, p: Params): ClientError | undefined {
    if (days < min) return stakeRefusal('DaysOutOfRange', `${name} must be at least ${min} days`);
    if (days > p.maxTermDays) return stakeRefusal('DaysOutOfRange', `${name} must be at most ${p.maxTermDays} days`);
    return undefined;
}

function totalProblem(total: bigint, p: Params): ClientError | undefined {
    return total > p.maxAmountE8s ? stakeRefusal('StakeAboveMaximum', 'the stake would exceed the maximum supply') : undefined;
}

function registerProblem(o: Extract<StakeOperation, { op: 'register' }>, ctx: PrecheckContext): ClientError | undefined {
    const p = ctx.params;
    if (ctx.paused !== undefined) return paused(ctx.paused);
    const idProblem = nodeIdProblem(o.nodeId);
    if (idProblem !== undefined) return stakeRefusal('InvalidNodeId', `the node id ${idProblem}`);
    const walletProblem = accountProblem({ owner: o.wallet.owner.toUint8Array(), subaccount: o.wallet.subaccount });
    if (walletProblem !== undefined) return stakeRefusal('InvalidWallet', `wallet: ${walletProblem}`);
    const s = o.stake;
    if (o.type === 'validator' || o.type === 'router') {
        if (s === undefined) return stakeRefusal('StakeRequired', `a ${o.type} registers with its stake`);
        const min = o.type === 'validator' ? p.validatorMinStakeE8s : p.routerMinStakeE8s;
        const days = o.type === 'validator' ? p.validatorMinTermDays : p.routerMinTermDays;
        if (s.amount < min) return stakeRefusal('StakeTooLow', `a ${o.type}'s stake is at least ${emc(min)} (protocol parameter ${o.type}_min_stake_e8s), not ${emc(s.amount)}`);
        if (s.lockDays < days) return stakeRefusal('TermTooShort', `a ${o.type}'s stake locks for at least ${days} days (protocol parameter ${o.type}_min_term_days), not ${s.lockDays}`);
        const bad = amountProblem('the stake', s.amount, p) ?? daysProblem('lock_days', s.lockDays, days, p);
        if (bad !== undefined) return bad;
    } else if (o.type === 'compute') {
        if (s !== undefined) {
            const c = computeStakeProblem(s.amount, s.lockDays, p);
            if (c !== undefined) return c;
        }
    } else {
        return stakeRefusal('UnknownNodeType', `unknown node type ${String(o.type)}`);
    }
    const sub = subaccountProblem(s?.fromSubaccount);
    if (sub !== undefined) return sub;
    const e = o.existing;
    if (e === undefined) return undefined;
    // The node id is taken unless its node ended, or it is an unconfirmed squatter past its grace period.
    const mine = e.operator.toText() === ctx.caller.toText();
    if (e.status === 'evicted' || e.status === 'withdrawn' || e.status === 'expired') {
        return e.pendingOperation === undefined && e.stake === undefined ? undefined : taken(e);
    }
    if (mine) return e.status === 'staking' && e.pendingOperation !== undefined ? undefined : taken(e); // a registration's retry resumes it
    const squatter = e.type === 'compute' && e.status === 'awaiting_poc' && e.stake === undefined && e.pendingOperation === undefined && e.pocMs === undefined;
    if (squatter && ctx.now - e.registeredAt >= p.squatterGraceSeconds * 1_000_000_000n) return undefined;
    return taken(e);
}

function computeStakeProblem(amount: bigint, lockDays: number, p: Params): ClientError | undefined {
    const periods = p.computeMultipliers.map((m) => m.days);
    if (!periods.includes(lockDays)) return stakeRefusal('LockPeriodNotOffered', `a compute stake locks for one of ${periods.join(', ')} days (protocol parameter compute_multipliers), not ${lockDays}`);
    const min = p.computeMinStakeE8s;
    if (amount < min) return stakeRefusal('StakeTooLow', `a compute node's stake is at least ${emc(min)} (protocol bound compute_min_stake_e8s), not ${emc(amount)}`);
    return amountProblem('the stake', amount, p);
}

function renewalProblem(n: Node, days: number, ctx: PrecheckContext): ClientError | undefined {
    const p = ctx.params;
    const no = (kind: StakeErrorKind, why: string) => stakeRefusal(kind, `node "${n.nodeId}" cannot renew: ${why}`);
    if (n.stake === undefined) return no('NoStake', 'it has no stake term');
    if (n.type === 'compute') return no('ComputeCannotRenew', 'compute nodes stake again when their term ends (`emc node stake`)');
    if (n.status !== 'active') return no('WrongStatus', `it is ${n.status}`);
    if (ctx.now >= n.stake.termEnd) return no('TermEnded', 'its term has already ended');
    if (n.type === 'validator') {
        if (n.stake.renewals >= p.validatorMaxRenewals) return no('RenewalLimitReached', `a validator renews at most ${p.validatorMaxRenewals} time(s) (protocol parameter validator_max_renewals)`);
        if (days < p.validatorRenewalMinDays) return no('RenewalTooShort', `a validator renews for at least ${p.validatorRenewalMinDays} days (protocol parameter validator_renewal_min_days), not ${days}`);
    } else if (days < p.routerRenewalMinDays) {
        return no('RenewalTooShort', `a router renews for at least ${p.routerRenewalMinDays} days (protocol parameter router_renewal_min_days), not ${days}`);
    }
    if (n.stake.termEnd + BigInt(days) * 86_400_000_000_000n - ctx.now > BigInt(p.maxTermDays) * 86_400_000_000_000n) return no('RenewalTooLong', `a renewal may leave at most ${p.maxTermDays} days of term`);
    return undefined;
}

function subaccountProblem(s: Uint8Array | undefined): ClientError | undefined {
    return s !== undefined && s.length !== 32 ? stakeRefusal('InvalidSubaccount', 'from_subaccount must be 32 bytes') : undefined;
}

function paused(reason: string): ClientError {
    return stakeRefusal('Paused', `the protocol is paused by governance (${reason}); try again after it resumes`);
}

function taken(e: Node): ClientError {
    return stakeRefusal('NodeIdTaken', `node id "${e.nodeId}" is already registered (${e.type}, ${e.status}, operator ${e.operator.toText()})`);
}

/** The canister's error case, found before sending: nothing was sent or spent. */
/** A refusal of the stake methods: its kind is checked against the canister's `StakeError` cases. */
function stakeRefusal(kind: StakeErrorKind, message: string): ClientError {
    return refused(kind, message);
}

export function refused(kind: string, message: string): ClientError {
    return { kind, message: `${kind}: ${message}; nothing was sent`, checkedBeforeSending: true };
}
