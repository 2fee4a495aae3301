/** The protocol canister's Candid types (the conversions to and from the domain's are in views.ts). */
import { C, type ValueOf } from '../../lib/candid/candid';
import { CAccount } from '../../ledger/api/candid';
import { NODE_STATUSES, NODE_TYPES } from '../nodes/record';
import { GenesisScheduleT } from './vesting-candid';
import { GovernanceErrorT } from '../governance/errors';
import { ClaimErrorT } from '../rewards/errors';
import { StakeErrorT } from '../stakes/errors';
import { AdmissionErrorT } from '../validators/errors';
import { VoteErrorT } from '../votes/errors';

const variantOf = (names: readonly string[]) => C.variant(Object.fromEntries(names.map((n) => [n, C.null])));

export const NodeTypeT = variantOf(NODE_TYPES);
export const NodeStatusT = variantOf(NODE_STATUSES);

export const StakeTermT = C.record({
    amount: C.nat,
    lock_days: C.nat32,
    term_start: C.nat64,
    term_end: C.nat64,
    renewals: C.nat32,
    owner: CAccount,
});

export const NodeViewT = C.record({
    node_id: C.text,
    node_type: NodeTypeT,
    status: NodeStatusT,
    operator: C.principal,
    wallet: CAccount,
    registered_at: C.nat64,
    admitted_at: C.opt(C.nat64),
    stake: C.opt(StakeTermT),
    e_value: C.nat,
    poc_ms: C.opt(C.nat32),
    online: C.opt(C.bool),
    observed_at: C.opt(C.nat64),
    escrow: CAccount,
    pending_operation: C.opt(C.text),
    /** Below its minimum stake after penalties: no rewards, no votes, until it tops up. */
    suspended: C.bool,
    /** Its key is reported compromised: no votes, claims or changes until the report is decided. */
    frozen: C.bool,
    /** Penalties charged and not yet moved to the treasury, and the total moved (e8s). */
    penalty_due: C.nat,
    penalized: C.nat,
});
export type NodeView = ValueOf<typeof NodeViewT>;

// Each section answers its own error variant (src/protocol/model/errors.ts lists them; docs/architecture.md "Errors").
export const NodeResultT = C.variant({ Ok: NodeViewT, Err: StakeErrorT });
export const AdmitResultT = C.variant({ Ok: C.vec(NodeViewT), Err: AdmissionErrorT });

export const StakeArgT = C.record({ amount: C.nat, lock_days: C.nat32, from_subaccount: C.opt(C.blob) });
export const RegisterNodeArgsT = C.record({
    node_id: C.text,
    node_type: NodeTypeT,
    wallet: CAccount,
    stake: C.opt(StakeArgT),
});
export const StakeComputeArgsT = C.record({ node_id: C.text, amount: C.nat, lock_days: C.nat32, from_subaccount: C.opt(C.blob) });
export const TopUpArgsT = C.record({ node_id: C.text, amount: C.nat, from_subaccount: C.opt(C.blob) });
export const RenewArgsT = C.record({ node_id: C.text, days: C.nat32, top_up: C.nat, from_subaccount: C.opt(C.blob) });

export const ListNodesArgsT = C.record({ node_type: NodeTypeT, status: NodeStatusT, start: C.nat64, limit: C.nat32 });
export const NodePageT = C.record({ nodes: C.vec(NodeViewT), total: C.nat64 });
export const ValidatorSetT = C.record({ validators: C.vec(NodeViewT), size: C.nat32, f: C.opt(C.nat32), quorum: C.nat32 });
export const PreviewArgsT = C.record({ poc_ms: C.nat64, stake_e8s: C.nat, lock_days: C.nat32 });

export const ProtocolInitT = C.record({
    /** The $EMC ledger (the protocol canister is its minting account). */
    ledger: C.principal,
    /** Default: the NNS governance canister rrkah-fqaaa-aaaaa-aaaaq-cai. */
    governance: C.opt(C.principal),
    /** When epoch 0 starts (ns since the Unix epoch); default: the install time. */
    genesis_time: C.opt(C.nat64),
    /** Epoch length in seconds; default 86,400. */
    epoch_seconds: C.opt(C.nat64),
    /** Genesis vesting schedules (spec §13.1); the ledger's init argument gives the vesting subaccount their Σ. */
    vesting: C.opt(C.vec(GenesisScheduleT)),
});
export const ProtocolArgT = C.variant({ Init: ProtocolInitT, Upgrade: C.opt(C.record({})) });

export const ProtocolInfoT = C.record({
    governance: C.principal,
    ledger: C.principal,
    treasury: CAccount,
    ledger_fee: C.nat,
    validators: C.nat32,
    pending_releases: C.nat64,
    /** Why governance paused the protocol, while it is paused. */
    paused: C.opt(C.text),
});

export const NNS_GOVERNANCE = 'rrkah-fqaaa-aaaaa-aaaaq-cai';

/** A claim answers what was minted, and where to. */
export const ClaimResultT = C.variant({ Ok: C.record({ node_id: C.text, amount: C.nat, wallet: CAccount }), Err: ClaimErrorT });
export const NodeRewardsT = C.record({ weight: C.nat, credited: C.nat, claimed: C.nat, claimable: C.nat });
export const RewardsSummaryT = C.record({
    epoch: C.nat64,
    epoch_start: C.nat64,
    epoch_end: C.nat64,
    epoch_seconds: C.nat64,
    emitted: C.nat,
    distributed: C.nat,
    unallocated: C.nat,
    claimed: C.nat,
    total_e: C.nat,
    eligible: C.nat64,
});
export const EpochRecordT = C.record({
    epoch: C.nat64,
    start: C.nat64,
    end: C.nat64,
    emitted: C.nat,
    distributed: C.nat,
    unallocated: C.nat,
    total_e: C.nat,
    eligible: C.nat64,
});
export const EpochRangeT = C.record({ start: C.nat64, count: C.nat32 });
export const ScheduleRowT = C.record({ period: C.nat32, epoch_reward_e8s: C.nat, period_total_e8s: C.nat, cumulative_e8s: C.nat });

// ----- penalties, votes and governance (issue 6) --------------------------------------------------

export const VoteViewT = C.record({
    id: C.nat64,
    kind: C.variant({ impeachment: C.null, key_rotation: C.null }),
    node_id: C.text,
    node_type: NodeTypeT,
    opened_by: C.text,
    reason: C.text,
    new_operator: C.opt(C.principal),
    opened_at: C.nat64,
    closes_at: C.nat64,
    electorate: C.nat32,
    yes: C.nat32,
    no: C.nat32,
    status: C.variant({ open: C.null, passed: C.null, failed: C.null }),
    decided_at: C.opt(C.nat64),
    closed: C.bool,
    /** Key reports: the validators that never answered (node ids), recorded at the deadline. */
    non_responders: C.vec(C.text),
});
export const VoteResultT = C.variant({ Ok: VoteViewT, Err: VoteErrorT });
export const OpenImpeachmentArgsT = C.record({ accuser: C.text, node_id: C.text, reason: C.text });
export const ImpeachmentVoteArgsT = C.record({ id: C.nat64, voter: C.text, yes: C.bool });
export const KeyReportArgsT = C.record({ node_id: C.text, new_operator: C.principal });
export const KeyAnswerArgsT = C.record({ id: C.nat64, voter: C.text, confirm: C.bool });
export const RangeT = C.record({ start: C.nat64, count: C.nat32 });

export const PenaltyRecordT = C.record({
    seq: C.nat64,
    node_id: C.text,
    kind: C.variant({ liveness: C.null, impeachment: C.null, dispute: C.null }),
    windows: C.nat32,
    first_window: C.nat64,
    last_window: C.nat64,
    amount: C.nat,
    time: C.nat64,
});
export const PenaltiesSummaryT = C.record({ charged: C.nat, moved: C.nat, forgiven: C.nat, pending_deductions: C.nat64, records: C.nat64 });

/** SNS generic-proposal validators answer this. */
export const ValidationResultT = C.variant({ Ok: C.text, Err: C.text });
export const GovResultT = C.variant({ Ok: C.text, Err: GovernanceErrorT });
export const MultiplierT = C.record({ days: C.nat32, multiplier_tenths: C.nat32 });
export const ParamsUpdateT = C.record({
    epoch_seconds: C.opt(C.nat64),
    validator_penalty_e8s: C.opt(C.nat),
    validator_window_seconds: C.opt(C.nat64),
    router_penalty_e8s: C.opt(C.nat),
    router_window_seconds: C.opt(C.nat64),
    compute_window_seconds: C.opt(C.nat64),
    validator_min_stake_e8s: C.opt(C.nat),
    router_min_stake_e8s: C.opt(C.nat),
    validator_min_term_days: C.opt(C.nat32),
    validator_renewal_min_days: C.opt(C.nat32),
    validator_max_renewals: C.opt(C.nat32),
    router_min_term_days: C.opt(C.nat32),
    router_renewal_min_days: C.opt(C.nat32),
    compute_multipliers: C.opt(C.vec(MultiplierT)),
    impeachment_window_seconds: C.opt(C.nat64),
    key_rotation_window_seconds: C.opt(C.nat64),
});
export const ParamsViewT = C.record({
    epoch_seconds: C.nat64,
    validator_penalty_e8s: C.nat,
    validator_window_seconds: C.nat64,
    router_penalty_e8s: C.nat,
    router_window_seconds: C.nat64,
    compute_window_seconds: C.nat64,
    validator_min_stake_e8s: C.nat,
    router_min_stake_e8s: C.nat,
    validator_min_term_days: C.nat32,
    validator_renewal_min_days: C.nat32,
    validator_max_renewals: C.nat32,
    router_min_term_days: C.nat32,
    router_renewal_min_days: C.nat32,
    compute_multipliers: C.vec(MultiplierT),
    impeachment_window_seconds: C.nat64,
    key_rotation_window_seconds: C.nat64,
    ledger_fee_e8s: C.nat,
    // Fixed bounds (not governable; src/protocol/model/bounds.ts), published so clients check before they pay.
    compute_min_stake_e8s: C.nat,
    squatter_grace_seconds: C.nat64,
    max_term_days: C.nat32,
    max_amount_e8s: C.nat,
    max_reason_bytes: C.nat32,
    max_unstaked_per_operator: C.nat32,
    max_unstaked_total: C.nat32,
});
export const PaymentT = C.record({ to: CAccount, amount: C.nat });
export const GrantArgsT = C.record({ to: CAccount, amount: C.nat, reason: C.text });
export const AirdropArgsT = C.record({ payments: C.vec(PaymentT), reason: C.text });
export const PayoutT = C.record({
    id: C.nat64,
    kind: C.variant({ grant: C.null, airdrop: C.null }),
    to: CAccount,
    amount: C.nat,
    reason: C.text,
    created_at: C.nat64,
    status: C.variant({ pending: C.null, paid: C.null, failed: C.null }),
    block: C.opt(C.nat),
    error: C.opt(C.text),
});
export const PayoutsResultT = C.variant({ Ok: C.vec(PayoutT), Err: GovernanceErrorT });
export const LogEntryT = C.record({ seq: C.nat64, time: C.nat64, caller: C.principal, method: C.text, before: C.text, after: C.text });

// ----- conversions ------------------------------------------------------------------------------------


