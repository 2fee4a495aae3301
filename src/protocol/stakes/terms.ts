/**
 * Stake terms (spec §2): when a validator or router may renew, and what a renewal does to its
 * term. Validators renew once, for at least 180 days; routers any number of times, for at least
 * 90 days; always before the term ends, and never leaving more than MAX_TERM_DAYS of term
 * (src/protocol/model/bounds.ts). Compute nodes do not renew: they stake again at term end. Each
 * refusal is its own case of `StakeError` (./errors.ts).
 * Storage: none. Cost: constant.
 */
import { MAX_TERM_DAYS } from '../model/bounds';
import { DAY_NS, type ProtocolParams } from '../model/params';
import { routerE, validatorE } from '../nodes/evalue';
import type { NodeRecord, StakeTerm } from '../nodes/record';
import type { StakeError } from './errors';

/** Why node `n` may not renew for `days` now (the rule, named), or undefined. */
export function renewalProblem(n: NodeRecord, days: number, now: bigint, p: ProtocolParams): StakeError | undefined {
    if (n.stake === undefined) return { NoStake: { message: 'the node has no stake term', node_id: n.id, status: n.status } };
    if (n.type === 'compute') return { ComputeCannotRenew: { message: 'compute nodes re-stake when their term ends', node_id: n.id } };
    if (n.status !== 'active') return { WrongStatus: { message: `the node is ${n.status}`, node_id: n.id, status: n.status, expected: 'active' } };
    if (now >= n.stake.termEnd) return { TermEnded: { message: 'the term has already ended', node_id: n.id, term_end: n.stake.termEnd } };
    if (n.type === 'validator') {
        if (n.stake.renewals >= p.validatorMaxRenewals) return { RenewalLimitReached: { message: `a validator renews at most ${p.validatorMaxRenewals} time(s)`, node_id: n.id, max_renewals: p.validatorMaxRenewals } };
        if (days < p.validatorRenewalMinDays) return { RenewalTooShort: { message: `a validator renews for at least ${p.validatorRenewalMinDays} days`, minimum_days: p.validatorRenewalMinDays } };
    } else if (days < p.routerRenewalMinDays) {
        return { RenewalTooShort: { message: `a router renews for at least ${p.routerRenewalMinDays} days`, minimum_days: p.routerRenewalMinDays } };
    }
    if (n.stake.termEnd + BigInt(days) * DAY_NS - now > BigInt(MAX_TERM_DAYS) * DAY_NS) return { RenewalTooLong: { message: `a renewal may leave at most ${MAX_TERM_DAYS} days of term`, maximum_days: MAX_TERM_DAYS } };
    return undefined;
}

/** The node with its term extended by `days` and `extra` e8s added to its stake (a renewal). */
export function extendTerm(n: NodeRecord, days: number, extra: bigint): NodeRecord {
    const stake = n.stake as StakeTerm;
    const next: NodeRecord = { ...n, stake: { ...stake, amount: stake.amount + extra, termEnd: stake.termEnd + BigInt(days) * DAY_NS, renewals: stake.renewals + 1 } };
    const amount = (next.stake as StakeTerm).amount;
    next.e = n.type === 'validator' ? validatorE(amount) : n.type === 'router' ? routerE(amount) : n.e;
    return next;
}
