/**
 * The protocol's views: domain records ↔ their Candid values (src/protocol/api/candid.ts has the
 * types). Everything an endpoint answers is built here, so the canister's handlers only decode,
 * call the section and map the outcome.
 * Storage: none. Cost: proportional to the record.
 */
import { Principal } from '@dfinity/principal';
import type { ValueOf } from '../../lib/candid/candid';
import { accountIn, accountOut, opt, toOpt, type CAccount } from '../../ledger/api/candid';
import type { LogEntry } from '../governance/log';
import type { ParamsUpdate } from '../governance/params-check';
import { MAX_AMOUNT_E8S, MAX_REASON_BYTES, MAX_TERM_DAYS, MAX_UNSTAKED_PER_OPERATOR, MAX_UNSTAKED_TOTAL, MIN_COMPUTE_STAKE_FEES } from '../model/bounds';
import type { ProtocolParams } from '../model/params';
import type { NodeRecord, NodeStatus, NodeType } from '../nodes/record';
import type { PenaltyRecord } from '../penalties/liveness';
import type { RegisterArgs } from '../stakes/stakes';
import type { Payout } from '../treasury/payouts';
import type { VoteRecord } from '../votes/votes';

const SEC = 1_000_000_000n;
import type { LogEntryT, NodeView, ParamsUpdateT, ParamsViewT, PayoutT, PenaltyRecordT, RegisterNodeArgsT, VoteViewT } from './candid';

export function tagOf<T extends string>(v: Record<string, null>): T {
    return Object.keys(v)[0] as T;
}

export function registerArgsIn(a: ValueOf<typeof RegisterNodeArgsT>): RegisterArgs {
    const s = opt(a.stake);
    return {
        node_id: a.node_id,
        node_type: tagOf<NodeType>(a.node_type as Record<string, null>),
        wallet: accountIn(a.wallet as CAccount),
        stake: s === undefined ? undefined : { amount: s.amount, lock_days: s.lock_days, from_subaccount: opt(s.from_subaccount) },
    };
}

export function nodeView(n: NodeRecord, escrow: { owner: Uint8Array; subaccount?: Uint8Array }): NodeView {
    return {
        node_id: n.id,
        node_type: { [n.type]: null } as never,
        status: { [n.status]: null } as never,
        operator: Principal.fromUint8Array(n.operator),
        wallet: accountOut(n.wallet),
        registered_at: n.registeredAt,
        admitted_at: toOpt(n.admittedAt),
        stake: toOpt(
            n.stake === undefined
                ? undefined
                : { amount: n.stake.amount, lock_days: n.stake.lockDays, term_start: n.stake.termStart, term_end: n.stake.termEnd, renewals: n.stake.renewals, owner: accountOut(n.stake.owner) },
        ),
        e_value: n.e,
        poc_ms: toOpt(n.pocMs),
        online: toOpt(n.online),
        observed_at: toOpt(n.observedAt),
        escrow: accountOut(escrow),
        pending_operation: toOpt(n.op?.kind),
        suspended: n.suspended === true,
        frozen: n.frozen === true,
        penalty_due: n.penaltyDue ?? 0n,
        penalized: n.penalized ?? 0n,
    } as NodeView;
}

export function statusIn(v: Record<string, null>): NodeStatus {
    return tagOf<NodeStatus>(v);
}

export function voteView(v: VoteRecord, idOf: (index: bigint) => string): ValueOf<typeof VoteViewT> {
    return {
        id: v.id,
        kind: { [v.kind]: null } as never,
        node_id: v.nodeId,
        node_type: { [v.nodeType]: null } as never,
        opened_by: v.openerId,
        reason: v.reason,
        new_operator: toOpt(v.newOperator === undefined ? undefined : Principal.fromUint8Array(v.newOperator)),
        opened_at: v.openedAt,
        closes_at: v.closesAt,
        electorate: v.electorate,
        yes: v.yes,
        no: v.no,
        status: { [v.status]: null } as never,
        decided_at: toOpt(v.decidedAt),
        closed: v.closed,
        non_responders: v.nonResponders.map(idOf),
    };
}

export function penaltyView(r: PenaltyRecord): ValueOf<typeof PenaltyRecordT> {
    return { seq: r.seq, node_id: r.nodeId, kind: { [r.kind]: null } as never, windows: r.windows, first_window: r.from, last_window: r.to, amount: r.amount, time: r.time };
}

export function payoutView(p: Payout): ValueOf<typeof PayoutT> {
    return {
        id: p.id,
        kind: { [p.kind]: null } as never,
        to: accountOut(p.to),
        amount: p.amount,
        reason: p.reason,
        created_at: p.createdAt,
        status: { [p.status]: null } as never,
        block: toOpt(p.block),
        error: toOpt(p.error),
    } as ValueOf<typeof PayoutT>;
}

export function logView(e: LogEntry): ValueOf<typeof LogEntryT> {
    return { seq: e.seq, time: e.time, caller: Principal.fromUint8Array(e.caller), method: e.method, before: e.before, after: e.after };
}

export function paramsUpdateIn(a: ValueOf<typeof ParamsUpdateT>): ParamsUpdate {
    const m = opt(a.compute_multipliers);
    return {
        epochSeconds: opt(a.epoch_seconds),
        validatorPenalty: opt(a.validator_penalty_e8s),
        validatorWindowSeconds: opt(a.validator_window_seconds),
        routerPenalty: opt(a.router_penalty_e8s),
        routerWindowSeconds: opt(a.router_window_seconds),
        computeWindowSeconds: opt(a.compute_window_seconds),
        validatorMinStake: opt(a.validator_min_stake_e8s),
        routerMinStake: opt(a.router_min_stake_e8s),
        validatorMinTermDays: opt(a.validator_min_term_days),
        validatorRenewalMinDays: opt(a.validator_renewal_min_days),
        validatorMaxRenewals: opt(a.validator_max_renewals),
        routerMinTermDays: opt(a.router_min_term_days),
        routerRenewalMinDays: opt(a.router_renewal_min_days),
        computeMultipliers: m === undefined ? undefined : m.map((x) => [x.days, BigInt(x.multiplier_tenths)] as [number, bigint]),
        impeachmentWindowSeconds: opt(a.impeachment_window_seconds),
        keyRotationWindowSeconds: opt(a.key_rotation_window_seconds),
    };
}

export function paramsView(p: ProtocolParams, epochLength: bigint): ValueOf<typeof ParamsViewT> {
    return {
        epoch_seconds: epochLength / SEC,
        validator_penalty_e8s: p.validatorPenalty,
        validator_window_seconds: p.validatorWindowNs / SEC,
        router_penalty_e8s: p.routerPenalty,
        router_window_seconds: p.routerWindowNs / SEC,
        compute_window_seconds: p.computeWindowNs / SEC,
        validator_min_stake_e8s: p.validatorMinStake,
        router_min_stake_e8s: p.routerMinStake,
        validator_min_term_days: p.validatorMinTermDays,
        validator_renewal_min_days: p.validatorRenewalMinDays,
        validator_max_renewals: p.validatorMaxRenewals,
        router_min_term_days: p.routerMinTermDays,
        router_renewal_min_days: p.routerRenewalMinDays,
        compute_multipliers: p.computeMultipliers.map(([days, t]) => ({ days, multiplier_tenths: Number(t) })),
        impeachment_window_seconds: p.impeachmentWindowNs / SEC,
        key_rotation_window_seconds: p.keyRotationWindowNs / SEC,
        compute_min_stake_e8s: MIN_COMPUTE_STAKE_FEES * p.ledgerFee + 1n,
        squatter_grace_seconds: p.squatterGraceNs / SEC,
        max_term_days: MAX_TERM_DAYS,
        max_amount_e8s: MAX_AMOUNT_E8S,
        max_reason_bytes: MAX_REASON_BYTES,
        max_unstaked_per_operator: MAX_UNSTAKED_PER_OPERATOR,
        max_unstaked_total: MAX_UNSTAKED_TOTAL,
        ledger_fee_e8s: p.ledgerFee,
    };
}
