/** The protocol canister's service interface: one table for the canister's decorators and for clients. */
import { C } from '../candid/candid';
import { idlFactoryOf, queryMethod as q, serviceOf, updateMethod as u, type MethodSig } from '../candid/service';
import { toIdl, type IdlLike } from '../candid/to-idl';
import { BatchInfoT, BatchPayloadT, ProposeResultT, VoteResultT } from './batches';
import * as T from './candid';

export const ProposeArgsT = C.record({ height: C.nat64, payload: BatchPayloadT, digest: C.blob });
export const VoteArgsT = C.record({ height: C.nat64, digest: C.blob });
export const CertifiedTipT = C.record({ height: C.opt(C.nat64), digest: C.opt(C.blob), certificate: C.opt(C.blob), hash_tree: C.blob });

export const PROTOCOL_METHODS = {
    register_node: u([T.RegisterNodeArgsT], T.NodeResultT),
    stake_compute: u([T.StakeComputeArgsT], T.NodeResultT),
    top_up: u([T.TopUpArgsT], T.NodeResultT),
    renew: u([T.RenewArgsT], T.NodeResultT),
    withdraw_candidacy: u([C.text], T.NodeResultT),
    retry_operation: u([C.text], T.NodeResultT),
    admit_validators: u([C.vec(C.text)], T.NodesResultT),
    propose_batch: u([ProposeArgsT], ProposeResultT),
    vote_batch: u([VoteArgsT], VoteResultT),
    get_node: q([C.text], C.opt(T.NodeViewT)),
    list_nodes: q([T.ListNodesArgsT], T.NodePageT),
    validator_set: q([], T.ValidatorSetT),
    get_batch: q([C.nat64], BatchInfoT),
    certified_tip: q([], CertifiedTipT),
    preview_e_value: q([T.PreviewArgsT], C.nat),
    protocol_info: q([], T.ProtocolInfoT),
    claim_rewards: u([C.text], T.ClaimResultT),
    node_rewards: q([C.text], C.opt(T.NodeRewardsT)),
    rewards_summary: q([], T.RewardsSummaryT),
    epoch_records: q([T.EpochRangeT], C.vec(T.EpochRecordT)),
    emission_schedule: q([C.nat32], C.vec(T.ScheduleRowT)),
    open_impeachment: u([T.OpenImpeachmentArgsT], T.VoteResultT),
    vote_impeachment: u([T.ImpeachmentVoteArgsT], T.VoteResultT),
    report_key_compromise: u([T.KeyReportArgsT], T.VoteResultT),
    answer_key_report: u([T.KeyAnswerArgsT], T.VoteResultT),
    get_vote: q([C.nat64], C.opt(T.VoteViewT)),
    list_votes: q([T.RangeT], C.vec(T.VoteViewT)),
    penalty_log: q([T.RangeT], C.vec(T.PenaltyRecordT)),
    penalties_summary: q([], T.PenaltiesSummaryT),
    set_governance: u([C.principal], T.GovResultT),
    validate_set_governance: q([C.principal], T.ValidationResultT),
    update_params: u([T.ParamsUpdateT], T.GovResultT),
    validate_update_params: q([T.ParamsUpdateT], T.ValidationResultT),
    validate_admit_validators: q([C.vec(C.text)], T.ValidationResultT),
    pay_grant: u([T.GrantArgsT], T.PayoutsResultT),
    validate_pay_grant: q([T.GrantArgsT], T.ValidationResultT),
    airdrop_batch: u([T.AirdropArgsT], T.PayoutsResultT),
    validate_airdrop_batch: q([T.AirdropArgsT], T.ValidationResultT),
    pause: u([C.text], T.GovResultT),
    validate_pause: q([C.text], T.ValidationResultT),
    resume: u([], T.GovResultT),
    validate_resume: q([], T.ValidationResultT),
    governance_log: q([T.RangeT], C.vec(T.LogEntryT)),
    get_payout: q([C.nat64], C.opt(T.PayoutT)),
    protocol_params: q([], T.ParamsViewT),
    health: q([], C.record({ canister: C.text, version: C.text, time_ns: C.nat64, canister_version: C.nat64, cycles: C.nat })),
} satisfies Record<string, MethodSig>;

export type ProtocolMethod = keyof typeof PROTOCOL_METHODS;

export const protocolService = serviceOf(PROTOCOL_METHODS);

export const protocolServiceIdl = idlFactoryOf(protocolService);

export function protocolInitIdl({ IDL }: { IDL: IdlLike }): unknown[] {
    return [toIdl(IDL, T.ProtocolArgT)];
}
