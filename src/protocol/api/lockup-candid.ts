/**
 * The lock-up game (spec §14): Candid types and views (domain ↔ Candid).
 * Storage: none. Cost: proportional to the record (a lock's view sums its closed periods' shares).
 */
import { C, type ValueOf } from '../../lib/candid/candid';
import { accountOut, CAccount, opt, toOpt } from '../../ledger/api/candid';
import type { LockArgs, Lockup, StartGameArgs } from '../lockup/lockup';
import { rateBps, type Pool } from '../lockup/rules';
import type { Game, Lock } from '../lockup/store';
import { DistributionErrorT } from './distribution-candid';

export const PoolT = C.variant({ A: C.null, B: C.null });
export const StartLockupArgsT = C.record({ budget: C.nat, output_per_period: C.nat, start: C.nat64, period_epochs: C.nat32, periods: C.nat8, reason: C.text });
export const LockupGameT = C.record({
    status: C.variant({ funding: C.null, open: C.null, ended: C.null, cancelled: C.null }),
    budget: C.nat,
    output_per_period: C.nat,
    start: C.nat64,
    period_seconds: C.nat64,
    periods: C.nat8,
    periods_closed: C.nat8,
    current_period: C.nat32,
    closing: C.opt(C.record({ position: C.nat64 })),
    locks: C.nat64,
    reason: C.text,
});
export const LockupPeriodT = C.record({
    period: C.nat8,
    new_locks_a: C.vec(C.nat),
    new_locks_b: C.vec(C.nat),
    pending_locks: C.nat32,
    result: C.opt(
        C.record({
            locked: C.nat,
            rate_bps: C.nat,
            tier_percent: C.nat8,
            basic: C.nat,
            competition: C.nat,
            per_pool: C.nat,
            unearned: C.nat,
            weight_a: C.nat,
            weight_b: C.nat,
            winner: C.opt(PoolT),
            shared_a: C.nat,
            shared_b: C.nat,
            shared_competition: C.nat,
            to_ecosystem: C.nat,
            final: C.bool,
        }),
    ),
});
export const LockArgsT = C.record({ amount: C.nat, pool: PoolT, node_id: C.opt(C.text), from_subaccount: C.opt(C.blob) });
export const LockViewT = C.record({
    id: C.nat64,
    pool: PoolT,
    status: C.variant({ pending: C.null, active: C.null, failed: C.null, released: C.null }),
    owner: CAccount,
    amount: C.nat,
    period: C.nat8,
    fifth: C.nat8,
    created_at: C.nat64,
    node_id: C.opt(C.text),
    reward: C.nat,
});
export const LockResultT = C.variant({ Ok: LockViewT, Err: DistributionErrorT });
export const LockupGameResultT = C.variant({ Ok: LockupGameT, Err: DistributionErrorT });
export const ListLocksArgsT = C.record({ owner: C.principal, start: C.nat32, count: C.nat32 });

export function startArgsIn(a: ValueOf<typeof StartLockupArgsT>): StartGameArgs {
    return { budget: a.budget, output: a.output_per_period, start: a.start, periodEpochs: a.period_epochs, periods: a.periods, reason: a.reason };
}

export function lockArgsIn(a: ValueOf<typeof LockArgsT>): LockArgs {
    return { amount: a.amount, pool: Object.keys(a.pool)[0] as Pool, nodeId: opt(a.node_id), fromSubaccount: opt(a.from_subaccount) };
}

export function gameView(l: Lockup, g: Game, now: bigint): ValueOf<typeof LockupGameT> {
    return {
        status: { [g.status]: null } as never,
        budget: g.budget,
        output_per_period: g.output,
        start: g.start,
        period_seconds: g.periodNs / 1_000_000_000n,
        periods: g.periods,
        periods_closed: g.closed,
        current_period: l.position(g, now).period,
        closing: toOpt(g.scan === undefined ? undefined : { position: g.scan.position }),
        locks: g.nextLock,
        reason: g.reason,
    } as ValueOf<typeof LockupGameT>;
}

export function periodView(l: Lockup, x: number): ValueOf<typeof LockupPeriodT> {
    const p = l.store.period(x);
    const g = l.store.game();
    const r = p.result;
    return {
        period: x,
        new_locks_a: p.newA,
        new_locks_b: p.newB,
        pending_locks: p.pending,
        result: toOpt(
            r === undefined || g === undefined
                ? undefined
                : { locked: r.locked, rate_bps: rateBps(r.locked, g.output, x), tier_percent: r.tier, basic: r.basic, competition: r.competition, per_pool: r.perPool, unearned: r.unearned, weight_a: r.weightA, weight_b: r.weightB, winner: toOpt(r.winner === undefined ? undefined : ({ [r.winner]: null } as never)), shared_a: r.sharedA, shared_b: r.sharedB, shared_competition: r.sharedK, to_ecosystem: r.toEcosystem, final: r.final },
        ),
    } as ValueOf<typeof LockupPeriodT>;
}

export function lockView(l: Lockup, k: Lock): ValueOf<typeof LockViewT> {
    return {
        id: k.id,
        pool: { [k.pool]: null } as never,
        status: { [k.status]: null } as never,
        owner: accountOut(k.owner),
        amount: k.amount,
        period: k.period,
        fifth: k.fifth,
        created_at: k.createdAt,
        node_id: toOpt(k.nodeId === '' ? undefined : k.nodeId),
        reward: k.status === 'released' ? k.reward : l.rewardOf(k),
    } as ValueOf<typeof LockViewT>;
}
