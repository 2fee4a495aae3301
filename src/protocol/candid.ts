/** The protocol canister's Candid types and the conversions between them and the domain's. */
import { Principal } from '@dfinity/principal';
import { C, type ValueOf } from '../candid/candid';
import { accountIn, accountOut, CAccount, opt, toOpt } from '../ledger/candid';
import { NODE_STATUSES, NODE_TYPES, type NodeRecord, type NodeStatus, type NodeType } from './nodes';
import type { ProtocolError, RegisterArgs } from './protocol';

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
});
export type NodeView = ValueOf<typeof NodeViewT>;

export const ProtocolErrorT = C.variant({
    NotAuthorized: C.record({ reason: C.text }),
    InvalidArgument: C.record({ reason: C.text }),
    NodeIdTaken: C.record({ node_id: C.text }),
    NodeNotFound: C.record({ node_id: C.text }),
    NodeBusy: C.record({ node_id: C.text, operation: C.text }),
    WrongStatus: C.record({ node_id: C.text, status: C.text, expected: C.text }),
    StakeTooLow: C.record({ minimum: C.nat }),
    TermTooShort: C.record({ minimum_days: C.nat32 }),
    RenewalNotAllowed: C.record({ reason: C.text }),
    WrongBatchSize: C.record({ expected: C.nat32, got: C.nat32 }),
    LedgerRefused: C.record({ reason: C.text }),
    LedgerUnavailable: C.record({ reason: C.text }),
    OperationPending: C.record({ node_id: C.text, operation: C.text, reason: C.text }),
    NothingToClaim: C.record({ node_id: C.text }),
});

export const NodeResultT = C.variant({ Ok: NodeViewT, Err: ProtocolErrorT });
export const NodesResultT = C.variant({ Ok: C.vec(NodeViewT), Err: ProtocolErrorT });

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
});
export const ProtocolArgT = C.variant({ Init: ProtocolInitT, Upgrade: C.opt(C.record({})) });

export const ProtocolInfoT = C.record({
    governance: C.principal,
    ledger: C.principal,
    treasury: CAccount,
    ledger_fee: C.nat,
    validators: C.nat32,
    pending_releases: C.nat64,
});

export const NNS_GOVERNANCE = 'rrkah-fqaaa-aaaaa-aaaaq-cai';

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
    } as NodeView;
}

/** Domain errors are already in their Candid shape; numbers the Candid type wants as nat32 stay numbers. */
export function errorOut(e: ProtocolError): ProtocolError {
    return e;
}

export function statusIn(v: Record<string, null>): NodeStatus {
    return tagOf<NodeStatus>(v);
}

/** A claim answers what was minted, and where to. */
export const ClaimResultT = C.variant({ Ok: C.record({ node_id: C.text, amount: C.nat, wallet: CAccount }), Err: ProtocolErrorT });
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
