/**
 * The protocol canister's service interface: one table for the canister's decorators and for
 * clients; and next to it the ingress rules of its `canister_inspect_message`: the length bounds
 * of every text, blob and vector in the arguments, each from the rule that execution applies, from
 * which each method's argument limit is derived (docs/security.md).
 */
import { C } from '../../lib/candid/candid';
import { CAccount as CAccountT } from '../../ledger/api/candid';
import { ingressPolicy, ingressRules, type IngressPolicy, type IngressRules } from '../../lib/candid/inspect';
import { maxArgBytes, type SizeBounds } from '../../lib/candid/size';
import { MAX_AIRDROP_RECIPIENTS } from '../treasury/payouts';
import { MAX_REASON_BYTES } from '../model/bounds';
import { MAX_NODE_ID_LENGTH, MAX_STATE_BITS } from '../batches/payload';
import { FIRST_VALIDATOR_BATCH } from '../validators/quorum';
import { idlFactoryOf, queryMethod as q, serviceOf, updateMethod as u, type MethodSig } from '../../lib/candid/service';
import { toIdl, type IdlLike } from '../../lib/candid/to-idl';
import { BatchInfoT, BatchPayloadT, ProposeResultT, VoteResultT } from '../batches/payload';
import * as T from './candid';
import * as MK from './market';
import * as SK from './sockets-candid';
import * as SKM from '../sockets/model';
import { MAX_REFERENCE_PRICES, MAX_SERVICE_BYTES } from '../market/model';
import { MAX_RESULT_HASH_BYTES } from '../batches/payload';
import * as V from './vesting-candid';
import * as K from './lockup-candid';
import * as MP from './mapping-candid';
import * as PJ from './projects-candid';
import { MAX_PROJECT_NAME_BYTES, MAX_PROJECT_PRINCIPALS } from '../projects/projects';
import { MAX_ENTRIES_PER_CHUNK, MAX_NAME_BYTES } from '../mapping/mapping';
import * as LG from './log-candid';
import { MAX_BLOCK_RANGES } from '../log/get-blocks';

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
    admit_validators: u([C.vec(C.text)], T.AdmitResultT),
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
    add_vesting_schedule: u([V.AddVestingArgsT], V.VestingResultT),
    validate_add_vesting_schedule: q([V.AddVestingArgsT], T.ValidationResultT),
    claim_vesting: u([C.nat64], V.VestingClaimResultT),
    offer_vesting: u([V.OfferVestingArgsT], V.VestingResultT),
    accept_vesting: u([C.nat64], V.VestingResultT),
    get_vesting: q([C.nat64], C.opt(V.VestingViewT)),
    list_vesting: q([V.ListVestingArgsT], C.vec(V.VestingViewT)),
    vesting_tranches: q([V.TrancheArgsT], C.vec(V.TrancheT)),
    vesting_summary: q([], V.VestingSummaryT),
    start_lockup_game: u([K.StartLockupArgsT], K.LockupGameResultT),
    validate_start_lockup_game: q([K.StartLockupArgsT], T.ValidationResultT),
    lock_tokens: u([K.LockArgsT], K.LockResultT),
    claim_lock: u([C.nat64], K.LockResultT),
    lockup_game: q([], C.opt(K.LockupGameT)),
    lockup_period: q([C.nat8], C.opt(K.LockupPeriodT)),
    get_lock: q([C.nat64], C.opt(K.LockViewT)),
    list_locks: q([K.ListLocksArgsT], C.vec(K.LockViewT)),
    create_mapping: u([MP.CreateMappingArgsT], MP.MappingResultT),
    validate_create_mapping: q([MP.CreateMappingArgsT], T.ValidationResultT),
    load_mapping_entries: u([MP.LoadMappingArgsT], MP.MappingResultT),
    validate_load_mapping_entries: q([MP.LoadMappingArgsT], T.ValidationResultT),
    seal_mapping: u([MP.SealMappingArgsT], MP.MappingResultT),
    validate_seal_mapping: q([MP.SealMappingArgsT], T.ValidationResultT),
    claim_mapping: u([MP.ClaimMappingArgsT], MP.MappingClaimResultT),
    sweep_mapping: u([C.nat64], MP.MappingResultT),
    get_mapping: q([C.nat64], C.opt(MP.MappingViewT)),
    mapping_entry: q([MP.MappingEntryQueryT], C.opt(MP.MappingEntryViewT)),
    register_project: u([PJ.RegisterProjectArgsT], PJ.ProjectResultT),
    validate_register_project: q([PJ.RegisterProjectArgsT], T.ValidationResultT),
    set_project_status: u([PJ.SetProjectStatusArgsT], PJ.ProjectResultT),
    validate_set_project_status: q([PJ.SetProjectStatusArgsT], T.ValidationResultT),
    restrict_grants_to_quality: u([C.bool], PJ.TextResultT),
    validate_restrict_grants_to_quality: q([C.bool], T.ValidationResultT),
    get_project: q([C.nat64], C.opt(PJ.ProjectViewT)),
    list_projects: q([PJ.ListProjectsArgsT], C.vec(PJ.ProjectViewT)),
    project_history: q([PJ.ProjectHistoryArgsT], C.vec(PJ.ProjectChangeT)),
    projects_summary: q([], PJ.ProjectsSummaryT),
    health: q([], C.record({ canister: C.text, version: C.text, time_ns: C.nat64, canister_version: C.nat64, cycles: C.nat })),
    // ----- the compute market (spec §11, §11.1) -----
    market_offer: u([MK.OfferArgsT], MK.OfferResultT),
    market_close_offer: u([C.nat64], MK.OfferResultT),
    market_open: u([MK.OpenArgsT], MK.OrderResultT),
    market_close: u([C.nat64], MK.OrderResultT),
    market_dispute: u([MK.DisputeArgsT], MK.DisputeResultT),
    market_claim: u([C.opt(C.blob)], MK.MarketClaimResultT),
    market_offers: q([T.RangeT], C.vec(MK.OfferViewT)),
    market_get_order: q([C.nat64], C.opt(MK.OrderViewT)),
    market_orders: q([T.RangeT], C.vec(MK.OrderViewT)),
    market_pending: q([MK.PendingArgsT], C.vec(MK.PendingViewT)),
    market_receipts: q([T.RangeT], C.vec(MK.ReceiptViewT)),
    market_account: q([CAccountT], MK.MarketAccountT),
    market_summary: q([], MK.MarketSummaryT),
    trading_reward_schedule: q([C.nat32], C.vec(MK.TradingScheduleRowT)),
    market_set_params: u([MK.MarketParamsUpdateT], MK.MarketGovResultT),
    validate_market_set_params: q([MK.MarketParamsUpdateT], T.ValidationResultT),
    market_set_reference_prices: u([MK.ReferencePricesT], MK.MarketGovResultT),
    validate_market_set_reference_prices: q([MK.ReferencePricesT], T.ValidationResultT),
    start_trading_rewards: u([C.opt(C.nat64)], MK.MarketGovResultT),
    validate_start_trading_rewards: q([C.opt(C.nat64)], T.ValidationResultT),
    market_pause: u([C.text], MK.MarketGovResultT),
    validate_market_pause: q([C.text], T.ValidationResultT),
    market_resume: u([], MK.MarketGovResultT),
    validate_market_resume: q([], T.ValidationResultT),
    // ----- the protocol's ICRC-3 log (src/protocol/log/) -----
    icrc3_get_blocks: q([LG.GetBlocksArgsVecT], LG.GetBlocksResultT),
    icrc3_get_archives: q([LG.GetArchivesArgsT], LG.GetArchivesResultT),
    icrc3_get_tip_certificate: q([], LG.OptDataCertificateT),
    icrc3_supported_block_types: q([], LG.BlockTypesT),
    // ----- the socket NFTs (spec §12): ICRC-7, ICRC-37, ICRC-10 -----
    icrc7_collection_metadata: q([], SK.MetadataT),
    icrc7_symbol: q([], C.text),
    icrc7_name: q([], C.text),
    icrc7_description: q([], C.opt(C.text)),
    icrc7_logo: q([], C.opt(C.text)),
    icrc7_total_supply: q([], C.nat),
    icrc7_supply_cap: q([], C.opt(C.nat)),
    icrc7_max_query_batch_size: q([], C.opt(C.nat)),
    icrc7_max_update_batch_size: q([], C.opt(C.nat)),
    icrc7_default_take_value: q([], C.opt(C.nat)),
    icrc7_max_take_value: q([], C.opt(C.nat)),
    icrc7_max_memo_size: q([], C.opt(C.nat)),
    icrc7_atomic_batch_transfers: q([], C.opt(C.bool)),
    icrc7_tx_window: q([], C.opt(C.nat)),
    icrc7_permitted_drift: q([], C.opt(C.nat)),
    icrc7_token_metadata: q([C.vec(C.nat)], C.vec(C.opt(SK.MetadataT))),
    icrc7_owner_of: q([C.vec(C.nat)], C.vec(C.opt(CAccountT))),
    icrc7_balance_of: q([C.vec(CAccountT)], C.vec(C.nat)),
    icrc7_tokens: q([C.opt(C.nat), C.opt(C.nat)], C.vec(C.nat)),
    icrc7_tokens_of: q([CAccountT, C.opt(C.nat), C.opt(C.nat)], C.vec(C.nat)),
    icrc7_transfer: u([C.vec(SK.TransferArgT)], C.vec(C.opt(SK.TransferResultT))),
    icrc37_metadata: q([], SK.MetadataT),
    icrc37_max_approvals_per_token_or_collection: q([], C.opt(C.nat)),
    icrc37_max_revoke_approvals: q([], C.opt(C.nat)),
    icrc37_approve_tokens: u([C.vec(SK.ApproveTokenArgT)], C.vec(C.opt(SK.ApproveTokenResultT))),
    icrc37_approve_collection: u([C.vec(SK.ApproveCollectionArgT)], C.vec(C.opt(SK.ApproveCollectionErrorT))),
    icrc37_revoke_token_approvals: u([C.vec(SK.RevokeTokenApprovalArgT)], C.vec(C.opt(SK.RevokeTokenApprovalResponseT))),
    icrc37_revoke_collection_approvals: u([C.vec(SK.RevokeCollectionApprovalArgT)], C.vec(C.opt(SK.RevokeCollectionApprovalResultT))),
    icrc37_is_approved: q([C.vec(SK.IsApprovedArgT)], C.vec(C.bool)),
    icrc37_get_token_approvals: q([C.nat, C.opt(SK.TokenApprovalT), C.opt(C.nat)], C.vec(SK.TokenApprovalT)),
    icrc37_get_collection_approvals: q([CAccountT, C.opt(SK.CollectionApprovalT), C.opt(C.nat)], C.vec(SK.CollectionApprovalT)),
    icrc37_transfer_from: u([C.vec(SK.TransferFromArgT)], C.vec(C.opt(SK.TransferFromResultT))),
    icrc10_supported_standards: q([], SK.SupportedStandardsT),
} satisfies Record<string, MethodSig>;

export type ProtocolMethod = keyof typeof PROTOCOL_METHODS;

/** Subaccounts are 32 bytes; a batch digest is a SHA-256. */
const SUBACCOUNT_BYTES = 32;
const DIGEST_BYTES = 32;
/** Governance compute multipliers: 1 to 8 entries (governance.checkParams). */
const MAX_COMPUTE_MULTIPLIERS = 8;

const NODE = { node_id: MAX_NODE_ID_LENGTH, subaccount: SUBACCOUNT_BYTES, from_subaccount: SUBACCOUNT_BYTES };
const ID_ARG = { '': MAX_NODE_ID_LENGTH };
const ADMIT = { '': FIRST_VALIDATOR_BATCH, '[]': MAX_NODE_ID_LENGTH };
const REASON = MAX_REASON_BYTES;
const PARAMS = { compute_multipliers: MAX_COMPUTE_MULTIPLIERS };
const GRANT = { subaccount: SUBACCOUNT_BYTES, reason: REASON };
const AIRDROP = { payments: MAX_AIRDROP_RECIPIENTS, subaccount: SUBACCOUNT_BYTES, reason: REASON };
const NONE = {};
const VESTING_ADD = { subaccount: SUBACCOUNT_BYTES, reason: REASON };
const MAPPING_CREATE = { name: MAX_NAME_BYTES, reason: REASON };
const PROJECT_REGISTER = { name: MAX_PROJECT_NAME_BYTES, principals: MAX_PROJECT_PRINCIPALS, reason: REASON };
/**
 * Socket batches (src/protocol/sockets/model.ts): a request longer than max_update_batch_size
 * (max_query_batch_size) is answered with a prefix (ICRC-7 "Error Handling"), so the boundary lets
 * MAX_BATCH_ARG_ITEMS (MAX_QUERY_ARG_ITEMS) items through; memos are at most max_memo_size bytes
 * (execution answers a longer one with GenericError for its item; the boundary refuses the message).
 */
const SOCKET_UPDATE = { '': SKM.MAX_BATCH_ARG_ITEMS, memo: SKM.MAX_MEMO_SIZE, subaccount: SUBACCOUNT_BYTES, from_subaccount: SUBACCOUNT_BYTES, spender_subaccount: SUBACCOUNT_BYTES };
const SOCKET_QUERY = { '': SKM.MAX_QUERY_ARG_ITEMS, memo: SKM.MAX_MEMO_SIZE, subaccount: SUBACCOUNT_BYTES, from_subaccount: SUBACCOUNT_BYTES };
const MAPPING_LOAD = { entries: MAX_ENTRIES_PER_CHUNK, subaccount: SUBACCOUNT_BYTES };

/**
 * The bound of every text, blob and vector of each method's argument (paths as in `maxArgBytes`):
 * node ids are 1..64 characters of [A-Za-z0-9] (nodes.ts); an admission batch has at most 13 ids
 * (the first batch; later ones 3); reasons at most MAX_REASON_BYTES bytes of UTF-8 (bounds.ts); an airdrop at most
 * MAX_AIRDROP_RECIPIENTS payments. A batch payload carries at most MAX_STATE_BITS state bits in
 * its two vectors together (batches.ts): each vector is bounded by MAX_STATE_BITS here, and
 * `propose_batch`'s limit is the larger of the two ways to fill the payload (`protocolIngressRules`).
 */
export const PROTOCOL_ARG_BOUNDS: Record<ProtocolMethod, SizeBounds> = {
    propose_batch: { node_id: MAX_NODE_ID_LENGTH, digest: DIGEST_BYTES, poc_results: MAX_STATE_BITS, observations: MAX_STATE_BITS, tasks: MAX_STATE_BITS, result_hash: MAX_RESULT_HASH_BYTES, task_rejections: MAX_STATE_BITS },
    register_node: NODE, stake_compute: NODE, top_up: NODE, renew: NODE,
    withdraw_candidacy: ID_ARG, retry_operation: ID_ARG, claim_rewards: ID_ARG, get_node: ID_ARG, node_rewards: ID_ARG,
    admit_validators: ADMIT, validate_admit_validators: ADMIT,
    vote_batch: { digest: DIGEST_BYTES },
    list_nodes: NONE, validator_set: NONE, get_batch: NONE, certified_tip: NONE, preview_e_value: NONE, protocol_info: NONE,
    rewards_summary: NONE, epoch_records: NONE, emission_schedule: NONE,
    open_impeachment: { accuser: MAX_NODE_ID_LENGTH, node_id: MAX_NODE_ID_LENGTH, reason: REASON },
    vote_impeachment: { voter: MAX_NODE_ID_LENGTH },
    report_key_compromise: { node_id: MAX_NODE_ID_LENGTH },
    answer_key_report: { voter: MAX_NODE_ID_LENGTH },
    get_vote: NONE, list_votes: NONE, penalty_log: NONE, penalties_summary: NONE,
    set_governance: NONE, validate_set_governance: NONE,
    update_params: PARAMS, validate_update_params: PARAMS,
    pay_grant: GRANT, validate_pay_grant: GRANT,
    airdrop_batch: AIRDROP, validate_airdrop_batch: AIRDROP,
    pause: { '': REASON }, validate_pause: { '': REASON },
    resume: NONE, validate_resume: NONE, governance_log: NONE, get_payout: NONE, protocol_params: NONE, health: NONE,
    market_offer: { node_id: MAX_NODE_ID_LENGTH, service: MAX_SERVICE_BYTES }, market_close_offer: NONE,
    market_open: { from_subaccount: SUBACCOUNT_BYTES }, market_close: NONE,
    market_dispute: { from_subaccount: SUBACCOUNT_BYTES }, market_claim: { '': SUBACCOUNT_BYTES },
    market_offers: NONE, market_get_order: NONE, market_orders: NONE, market_pending: NONE, market_receipts: NONE,
    market_account: { subaccount: SUBACCOUNT_BYTES }, market_summary: NONE, trading_reward_schedule: NONE,
    market_set_params: NONE, validate_market_set_params: NONE,
    market_set_reference_prices: { '': MAX_REFERENCE_PRICES, service: MAX_SERVICE_BYTES }, validate_market_set_reference_prices: { '': MAX_REFERENCE_PRICES, service: MAX_SERVICE_BYTES },
    start_trading_rewards: NONE, validate_start_trading_rewards: NONE,
    market_pause: { '': REASON }, validate_market_pause: { '': REASON }, market_resume: NONE, validate_market_resume: NONE,
    add_vesting_schedule: VESTING_ADD, validate_add_vesting_schedule: VESTING_ADD,
    claim_vesting: NONE, offer_vesting: { subaccount: SUBACCOUNT_BYTES }, accept_vesting: NONE,
    get_vesting: NONE, list_vesting: NONE, vesting_tranches: NONE, vesting_summary: NONE,
    start_lockup_game: { reason: REASON }, validate_start_lockup_game: { reason: REASON },
    lock_tokens: { node_id: MAX_NODE_ID_LENGTH, from_subaccount: SUBACCOUNT_BYTES }, claim_lock: NONE,
    lockup_game: NONE, lockup_period: NONE, get_lock: NONE, list_locks: NONE,
    create_mapping: MAPPING_CREATE, validate_create_mapping: MAPPING_CREATE,
    load_mapping_entries: MAPPING_LOAD, validate_load_mapping_entries: MAPPING_LOAD,
    seal_mapping: { sha256: DIGEST_BYTES }, validate_seal_mapping: { sha256: DIGEST_BYTES },
    claim_mapping: { subaccount: SUBACCOUNT_BYTES }, sweep_mapping: NONE, get_mapping: NONE, mapping_entry: { subaccount: SUBACCOUNT_BYTES },
    register_project: PROJECT_REGISTER, validate_register_project: PROJECT_REGISTER,
    set_project_status: { reason: REASON }, validate_set_project_status: { reason: REASON },
    restrict_grants_to_quality: NONE, validate_restrict_grants_to_quality: NONE,
    get_project: NONE, list_projects: NONE, project_history: NONE, projects_summary: NONE,
    icrc3_get_blocks: { '': MAX_BLOCK_RANGES }, icrc3_get_archives: NONE, icrc3_get_tip_certificate: NONE, icrc3_supported_block_types: NONE,
    icrc7_collection_metadata: NONE, icrc7_symbol: NONE, icrc7_name: NONE, icrc7_description: NONE, icrc7_logo: NONE, icrc7_total_supply: NONE, icrc7_supply_cap: NONE,
    icrc7_max_query_batch_size: NONE, icrc7_max_update_batch_size: NONE, icrc7_default_take_value: NONE, icrc7_max_take_value: NONE, icrc7_max_memo_size: NONE,
    icrc7_atomic_batch_transfers: NONE, icrc7_tx_window: NONE, icrc7_permitted_drift: NONE,
    icrc7_token_metadata: SOCKET_QUERY, icrc7_owner_of: SOCKET_QUERY, icrc7_balance_of: SOCKET_QUERY,
    icrc7_tokens: NONE, icrc7_tokens_of: SOCKET_QUERY,
    icrc7_transfer: SOCKET_UPDATE, icrc37_approve_tokens: SOCKET_UPDATE, icrc37_approve_collection: SOCKET_UPDATE,
    icrc37_revoke_token_approvals: SOCKET_UPDATE, icrc37_revoke_collection_approvals: SOCKET_UPDATE, icrc37_transfer_from: SOCKET_UPDATE,
    icrc37_metadata: NONE, icrc37_max_approvals_per_token_or_collection: NONE, icrc37_max_revoke_approvals: NONE,
    icrc37_is_approved: SOCKET_QUERY, icrc37_get_token_approvals: SOCKET_QUERY, icrc37_get_collection_approvals: SOCKET_QUERY,
    icrc10_supported_standards: NONE,
};

/** propose_batch's limit: MAX_STATE_BITS of the largest kind of state bit (the four vectors share the bound). */
function proposeBatchBytes(): number {
    const bounds = PROTOCOL_ARG_BOUNDS.propose_batch;
    const args = PROTOCOL_METHODS.propose_batch.args;
    const none = { poc_results: 0, observations: 0, tasks: 0, task_rejections: 0 };
    return Math.max(...(['poc_results', 'observations', 'tasks', 'task_rejections'] as const).map((k) => maxArgBytes(args, { ...bounds, ...none, [k]: MAX_STATE_BITS })));
}

/**
 * The protocol's inspect policy: every method's argument limit, and the anonymous principal
 * refused by every update method (each refuses it when it executes: nodes, batches, rewards,
 * votes and governance all need an identified caller); queries accept it.
 */
export function protocolIngressPolicy(): IngressPolicy {
    return ingressPolicy(PROTOCOL_METHODS, (m) => PROTOCOL_ARG_BOUNDS[m], (_name, sig) => sig.query, (m) => (m === 'propose_batch' ? proposeBatchBytes() : undefined));
}

/** Every rule (tests, documentation). */
export function protocolIngressRules(): IngressRules {
    return ingressRules(protocolIngressPolicy(), PROTOCOL_METHODS);
}

export const protocolService = serviceOf(PROTOCOL_METHODS);

export const protocolServiceIdl = idlFactoryOf(protocolService);

export function protocolInitIdl({ IDL }: { IDL: IdlLike }): unknown[] {
    return [toIdl(IDL, T.ProtocolArgT)];
}
