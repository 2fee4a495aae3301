/** The protocol's parameters, payouts and governance log: Candid ↔ the client's types (types/governance.ts). */
import type { ValueOf } from '../../lib/candid/candid';
import type * as P from '../../protocol/api/candid';
import type { IcrcAccount } from '../types/account';
import type { GovernanceLogEntry, Params, ParamsChange, TreasuryPayout } from '../types/governance';
import { fromCandidAccount, toCandidAccount } from './account';
import { opt, principal, tag } from './candid';

export function payoutOf(p: ValueOf<typeof P.PayoutT>): TreasuryPayout {
    const out: TreasuryPayout = { id: p.id, kind: tag(p.kind) as TreasuryPayout['kind'], to: fromCandidAccount(p.to as never), amount: p.amount, reason: p.reason, createdAt: p.created_at, status: tag(p.status) as TreasuryPayout['status'] };
    if (p.block.length === 1) out.block = p.block[0];
    if (p.error.length === 1) out.error = p.error[0];
    return out;
}

export function payoutsOf(ps: ValueOf<typeof P.PayoutT>[]): TreasuryPayout[] {
    return ps.map(payoutOf);
}

export function paramsOf(p: ValueOf<typeof P.ParamsViewT>): Params {
    return {
        epochSeconds: p.epoch_seconds,
        validatorPenaltyE8s: p.validator_penalty_e8s,
        validatorWindowSeconds: p.validator_window_seconds,
        routerPenaltyE8s: p.router_penalty_e8s,
        routerWindowSeconds: p.router_window_seconds,
        computeWindowSeconds: p.compute_window_seconds,
        validatorMinStakeE8s: p.validator_min_stake_e8s,
        routerMinStakeE8s: p.router_min_stake_e8s,
        validatorMinTermDays: p.validator_min_term_days,
        validatorRenewalMinDays: p.validator_renewal_min_days,
        validatorMaxRenewals: p.validator_max_renewals,
        routerMinTermDays: p.router_min_term_days,
        routerRenewalMinDays: p.router_renewal_min_days,
        computeMultipliers: p.compute_multipliers.map((m) => ({ days: m.days, multiplierTenths: m.multiplier_tenths })),
        impeachmentWindowSeconds: p.impeachment_window_seconds,
        keyRotationWindowSeconds: p.key_rotation_window_seconds,
        ledgerFeeE8s: p.ledger_fee_e8s,
        computeMinStakeE8s: p.compute_min_stake_e8s,
        squatterGraceSeconds: p.squatter_grace_seconds,
        maxTermDays: p.max_term_days,
        maxAmountE8s: p.max_amount_e8s,
        maxReasonBytes: p.max_reason_bytes,
        maxUnstakedPerOperator: p.max_unstaked_per_operator,
        maxUnstakedTotal: p.max_unstaked_total,
    };
}

/** ParamsChange → the Candid record (absent fields are `[]`, i.e. unchanged). */
export function paramsUpdateArg(u: ParamsChange): ValueOf<typeof P.ParamsUpdateT> {
    return {
        epoch_seconds: opt(u.epochSeconds),
        validator_penalty_e8s: opt(u.validatorPenaltyE8s),
        validator_window_seconds: opt(u.validatorWindowSeconds),
        router_penalty_e8s: opt(u.routerPenaltyE8s),
        router_window_seconds: opt(u.routerWindowSeconds),
        compute_window_seconds: opt(u.computeWindowSeconds),
        validator_min_stake_e8s: opt(u.validatorMinStakeE8s),
        router_min_stake_e8s: opt(u.routerMinStakeE8s),
        validator_min_term_days: opt(u.validatorMinTermDays),
        validator_renewal_min_days: opt(u.validatorRenewalMinDays),
        validator_max_renewals: opt(u.validatorMaxRenewals),
        router_min_term_days: opt(u.routerMinTermDays),
        router_renewal_min_days: opt(u.routerRenewalMinDays),
        compute_multipliers: opt(u.computeMultipliers?.map((m) => ({ days: m.days, multiplier_tenths: m.multiplierTenths }))),
        impeachment_window_seconds: opt(u.impeachmentWindowSeconds),
        key_rotation_window_seconds: opt(u.keyRotationWindowSeconds),
    };
}

export function grantArg(a: { to: IcrcAccount; amount: bigint; reason: string }) {
    return { to: toCandidAccount(a.to), amount: a.amount, reason: a.reason };
}

export function airdropArg(a: { payments: { to: IcrcAccount; amount: bigint }[]; reason: string }) {
    return { payments: a.payments.map((p) => ({ to: toCandidAccount(p.to), amount: p.amount })), reason: a.reason };
}

export function governanceLogEntryOf(e: ValueOf<typeof P.LogEntryT>): GovernanceLogEntry {
    return { seq: e.seq, time: e.time, caller: principal(e.caller), method: e.method, before: e.before, after: e.after };
}
