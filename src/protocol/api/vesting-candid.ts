/**
 * Linear release (spec §13.1): Candid types and views (domain ↔ Candid).
 * Storage: none. Cost: proportional to the record.
 */
import { C, type ValueOf } from '../../lib/candid/candid';
import { accountIn, accountOut, CAccount, opt, toOpt, type CAccount as CAccountV } from '../../ledger/api/candid';
import type { OutboxEntry } from '../treasury/outbox';
import type { NewSchedule, Schedule } from '../treasury/vesting';
import { nextUnlockAfter, trancheCount, unlockedAt } from '../treasury/vesting-schedule';
import { DistributionErrorT, OutboxEntryT } from './distribution-candid';

export const GenesisScheduleT = C.record({ beneficiary: CAccount, total: C.nat, start: C.opt(C.nat64), reason: C.text });
export const AddVestingArgsT = C.record({ beneficiary: CAccount, total: C.nat, start: C.nat64, reason: C.text });
export const VestingViewT = C.record({
    id: C.nat64,
    source: C.variant({ genesis: C.null, governance: C.null }),
    status: C.variant({ funding: C.null, active: C.null, cancelled: C.null }),
    beneficiary: CAccount,
    total: C.nat,
    start: C.nat64,
    released: C.nat,
    unlocked: C.nat,
    claimable: C.nat,
    next_unlock: C.opt(C.nat64),
    tranches: C.nat64,
    offered_to: C.opt(CAccount),
    created_at: C.nat64,
    reason: C.text,
});
export const VestingResultT = C.variant({ Ok: VestingViewT, Err: DistributionErrorT });
export const VestingClaimResultT = C.variant({ Ok: C.record({ schedule: VestingViewT, amount: C.nat, transfer: OutboxEntryT }), Err: DistributionErrorT });
export const OfferVestingArgsT = C.record({ id: C.nat64, to: C.opt(CAccount) });
export const ListVestingArgsT = C.record({ owner: C.principal, start: C.nat32, count: C.nat32 });
export const TrancheArgsT = C.record({ id: C.nat64, start: C.nat64, count: C.nat32 });
export const TrancheT = C.record({ index: C.nat64, year: C.nat64, slot: C.nat64, amount: C.nat, unlocks_at: C.nat64 });
export const VestingSummaryT = C.record({ schedules: C.nat64, total: C.nat, released: C.nat, required_balance: C.nat, account: CAccount, transfers_pending: C.nat64 });

export function newScheduleIn(a: ValueOf<typeof AddVestingArgsT>): NewSchedule {
    return { beneficiary: accountIn(a.beneficiary as CAccountV), total: a.total, start: a.start, reason: a.reason };
}

export function genesisSchedulesIn(list: ValueOf<typeof GenesisScheduleT>[], genesis: bigint): NewSchedule[] {
    return list.map((g) => ({ beneficiary: accountIn(g.beneficiary as CAccountV), total: g.total, start: opt(g.start) ?? genesis, reason: g.reason }));
}

export function vestingView(s: Schedule, now: bigint): ValueOf<typeof VestingViewT> {
    const unlocked = s.status === 'active' ? unlockedAt(s, now) : 0n;
    return {
        id: s.id,
        source: { [s.source]: null } as never,
        status: { [s.status]: null } as never,
        beneficiary: accountOut(s.beneficiary),
        total: s.total,
        start: s.start,
        released: s.released,
        unlocked,
        claimable: unlocked - s.released > 0n ? unlocked - s.released : 0n,
        next_unlock: toOpt(s.status === 'active' ? nextUnlockAfter(s, now) : undefined),
        tranches: trancheCount(s.total),
        offered_to: toOpt(s.offeredTo === undefined ? undefined : accountOut(s.offeredTo)),
        created_at: s.createdAt,
        reason: s.reason,
    } as ValueOf<typeof VestingViewT>;
}

export function outboxView(e: OutboxEntry): ValueOf<typeof OutboxEntryT> {
    return { id: e.id, kind: e.kind, reference: e.ref, amount: e.amount, fee: e.fee, created_at: e.createdAt, status: { [e.status]: null } as never, block: toOpt(e.block), error: toOpt(e.error) } as ValueOf<typeof OutboxEntryT>;
}
