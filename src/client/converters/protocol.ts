/**
 * The protocol canister's Candid views → the client's types (types/protocol.ts), and the client's
 * parameters → the Candid arguments: nodes, rewards, batches, peer votes, penalties.
 */
import { Principal } from '@dfinity/principal';
import type { ValueOf } from '../../lib/candid/candid';
import type * as P from '../../protocol/api/candid';
import type { NodeView } from '../../protocol/api/candid';
import type { BatchStatus, Claim, EpochRecord, Node, NodeStatus, NodeType, PenaltiesSummary, PenaltyLogEntry, ProtocolInfo, RegisterNodeParams, RewardsSummary, EmissionScheduleRow, ValidatorSet, Vote } from '../types/protocol';
import type { IcrcAccount } from '../types/account';
import { fromCandidAccount, toCandidAccount } from './account';
import { opt, principal, tag } from './candid';

export function nodeOf(v: NodeView): Node {
    const n: Node = {
        nodeId: v.node_id,
        type: Object.keys(v.node_type)[0] as NodeType,
        status: Object.keys(v.status)[0] as NodeStatus,
        operator: Principal.fromUint8Array((v.operator as Principal).toUint8Array()),
        wallet: fromCandidAccount(v.wallet as never),
        registeredAt: v.registered_at,
        eValue: v.e_value,
        escrow: fromCandidAccount(v.escrow as never),
        suspended: v.suspended,
        frozen: v.frozen,
        penaltyDue: v.penalty_due,
        penalized: v.penalized,
    };
    if (v.admitted_at.length === 1) n.admittedAt = v.admitted_at[0];
    if (v.stake.length === 1) {
        const s = v.stake[0];
        n.stake = { amount: s.amount, lockDays: s.lock_days, termStart: s.term_start, termEnd: s.term_end, renewals: s.renewals, owner: fromCandidAccount(s.owner as never) };
    }
    if (v.poc_ms.length === 1) n.pocMs = v.poc_ms[0];
    if (v.online.length === 1) n.online = v.online[0];
    if (v.observed_at.length === 1) n.observedAt = v.observed_at[0];
    if (v.pending_operation.length === 1) n.pendingOperation = v.pending_operation[0];
    return n;
}

export function voteOf(v: ValueOf<typeof P.VoteViewT>): Vote {
    const out: Vote = {
        id: v.id,
        kind: tag(v.kind) as Vote['kind'],
        nodeId: v.node_id,
        nodeType: tag(v.node_type) as NodeType,
        status: tag(v.status) as Vote['status'],
        closed: v.closed,
        yes: v.yes,
        no: v.no,
        electorate: v.electorate,
        openedAt: v.opened_at,
        closesAt: v.closes_at,
        openedBy: v.opened_by,
        reason: v.reason,
        nonResponders: [...v.non_responders],
    };
    if (v.new_operator.length === 1) out.newOperator = principal(v.new_operator[0]);
    if (v.decided_at.length === 1) out.decidedAt = v.decided_at[0];
    return out;
}

export function batchStatusOf(s: { digest: Uint8Array; votes: number; quorum: number; confirmed: boolean }): BatchStatus {
    return { digest: new Uint8Array(s.digest), votes: s.votes, quorum: s.quorum, confirmed: s.confirmed };
}

export function registerArg(a: RegisterNodeParams, wallet: IcrcAccount) {
    return {
        node_id: a.nodeId,
        node_type: { [a.type]: null },
        wallet: toCandidAccount(wallet),
        stake: a.stake === undefined ? [] : [{ amount: a.stake.amount, lock_days: a.stake.lockDays, from_subaccount: opt(a.stake.fromSubaccount) }],
    };
}

export function claimOf(c: { node_id: string; amount: bigint; wallet: { owner: Principal; subaccount: [] | [Uint8Array] } }): Claim {
    return { nodeId: c.node_id, amount: c.amount, wallet: fromCandidAccount(c.wallet) };
}

export function validatorSetOf(v: ValueOf<typeof P.ValidatorSetT>): ValidatorSet {
    return { validators: v.validators.map((n) => nodeOf(n as NodeView)), size: v.size, f: v.f.length === 1 ? v.f[0] : undefined, quorum: v.quorum };
}

export function rewardsSummaryOf(s: ValueOf<typeof P.RewardsSummaryT>): RewardsSummary {
    return { epoch: s.epoch, epochStart: s.epoch_start, epochEnd: s.epoch_end, epochSeconds: s.epoch_seconds, emitted: s.emitted, distributed: s.distributed, unallocated: s.unallocated, claimed: s.claimed, totalE: s.total_e, eligible: s.eligible };
}

export function protocolInfoOf(i: ValueOf<typeof P.ProtocolInfoT>): ProtocolInfo {
    const info: ProtocolInfo = { governance: principal(i.governance), ledger: principal(i.ledger), treasury: fromCandidAccount(i.treasury as never), ledgerFee: i.ledger_fee, validators: i.validators, pendingReleases: i.pending_releases };
    if (i.paused.length === 1) info.paused = i.paused[0];
    return info;
}

export function epochRecordOf(e: ValueOf<typeof P.EpochRecordT>): EpochRecord {
    return { epoch: e.epoch, start: e.start, end: e.end, emitted: e.emitted, distributed: e.distributed, unallocated: e.unallocated, totalE: e.total_e, eligible: e.eligible };
}

export function emissionScheduleRowOf(x: ValueOf<typeof P.ScheduleRowT>): EmissionScheduleRow {
    return { period: x.period, epochReward: x.epoch_reward_e8s, periodTotal: x.period_total_e8s, cumulative: x.cumulative_e8s };
}

export function penaltyLogEntryOf(x: ValueOf<typeof P.PenaltyRecordT>): PenaltyLogEntry {
    return { seq: x.seq, nodeId: x.node_id, kind: tag(x.kind) as PenaltyLogEntry['kind'], time: x.time, amount: x.amount, windows: x.windows, firstWindow: x.first_window, lastWindow: x.last_window };
}

export function penaltiesSummaryOf(s: ValueOf<typeof P.PenaltiesSummaryT>): PenaltiesSummary {
    return { charged: s.charged, moved: s.moved, forgiven: s.forgiven, pendingDeductions: s.pending_deductions, records: s.records };
}
