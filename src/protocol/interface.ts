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
    health: q([], C.record({ canister: C.text, version: C.text, time_ns: C.nat64, canister_version: C.nat64, cycles: C.nat })),
} satisfies Record<string, MethodSig>;

export type ProtocolMethod = keyof typeof PROTOCOL_METHODS;

export const protocolService = serviceOf(PROTOCOL_METHODS);

export const protocolServiceIdl = idlFactoryOf(protocolService);

export function protocolInitIdl({ IDL }: { IDL: IdlLike }): unknown[] {
    return [toIdl(IDL, T.ProtocolArgT)];
}
