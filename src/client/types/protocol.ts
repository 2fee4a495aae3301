/**
 * What the protocol client answers about nodes, rewards, batches, peer votes and penalties
 * (src/client/protocol.ts), and what it takes to register and stake: camelCase, principals as
 * Principal, accounts as the SDK's IcrcAccount; amounts e8s, times ns. Where the canister's record is
 * the same thing, it is the domain's own type (NodeType, NodeStatus, StakeTerm, EpochRecord).
 */
import type { Principal } from '@dfinity/principal';
import { NODE_STATUSES, NODE_TYPES, type NodeStatus, type NodeType, type StakeTerm } from '../../protocol/nodes/record';
import type { BatchStatus } from '../../protocol/batches/payload';
import type { EpochRecord } from '../../protocol/rewards/rewards';
import type { IcrcAccount } from './account';

export { NODE_STATUSES, NODE_TYPES, type NodeStatus, type NodeType };

/** A node's stake term as the canister records it (src/protocol/nodes/record.ts), with the owner as the client's IcrcAccount. */
export type Stake = Omit<StakeTerm, 'owner'> & {
    /** Where the stake came from and goes back to at term end. */
    owner: IcrcAccount;
};

export interface Node {
    nodeId: string;
    type: NodeType;
    status: NodeStatus;
    operator: Principal;
    wallet: IcrcAccount;
    registeredAt: bigint;
    admittedAt?: bigint;
    stake?: Stake;
    /** E × 10^8 */
    eValue: bigint;
    pocMs?: number;
    online?: boolean;
    observedAt?: bigint;
    escrow: IcrcAccount;
    /** A stake movement in flight (`stake`, `top_up`, `renew`, `release`, …). */
    pendingOperation?: string;
    /** Below its type's minimum stake after penalties: no reward weight, no votes, until a top-up covers it. */
    suspended: boolean;
    /** Its key is reported compromised: no votes, claims or changes until the report is decided. */
    frozen: boolean;
    /** e8s charged and not yet moved to the treasury. */
    penaltyDue: bigint;
    /** e8s moved to the treasury so far. */
    penalized: bigint;
}

export interface NodeRewardsSummary {
    weight: bigint;
    credited: bigint;
    claimed: bigint;
    claimable: bigint;
}

export interface Claim {
    nodeId: string;
    /** e8s minted to the wallet */
    amount: bigint;
    wallet: IcrcAccount;
}

export interface StakeParams {
    /** e8s */
    amount: bigint;
    lockDays: number;
    fromSubaccount?: Uint8Array;
}

export interface RegisterNodeParams {
    nodeId: string;
    type: NodeType;
    /** Where rewards are minted; default: the caller's default account. */
    wallet?: IcrcAccount;
    stake?: StakeParams;
}

/** A batch's votes after a proposal or a vote: the canister's own record (src/protocol/batches/batches.ts). */
export type { BatchStatus };

export interface CertifiedTip {
    height?: bigint;
    digest?: Uint8Array;
    /** The certificate verified against the network's root key and the tree's root equals the canister's certified data. */
    verified: boolean;
}

/** The last block of the protocol's ICRC-3 log (`icrc3_get_tip_certificate`); an empty log has no index and hash. */
export interface LogTip {
    index?: bigint;
    hash?: Uint8Array;
    /** The certificate verified against the network's root key, the tree's root equals the canister's certified data, the tip read from it. */
    verified: boolean;
}

export interface ProtocolInfo {
    governance: Principal;
    ledger: Principal;
    treasury: IcrcAccount;
    ledgerFee: bigint;
    validators: number;
    pendingReleases: bigint;
    /** Why governance paused the protocol, while it is paused. */
    paused?: string;
}

export interface RewardsSummary {
    epoch: bigint;
    epochStart: bigint;
    epochEnd: bigint;
    epochSeconds: bigint;
    emitted: bigint;
    distributed: bigint;
    unallocated: bigint;
    claimed: bigint;
    totalE: bigint;
    eligible: bigint;
}

export interface ValidatorSet {
    validators: Node[];
    size: number;
    f?: number;
    quorum: number;
}

/** An impeachment or a key-compromise report (spec §7). */
export interface Vote {
    id: bigint;
    kind: 'impeachment' | 'key_rotation';
    /** The accused node, or the validator whose key is reported. */
    nodeId: string;
    nodeType: NodeType;
    status: 'open' | 'passed' | 'failed';
    /** The deadline passed (a decided vote stays open for late key-report answers until then). */
    closed: boolean;
    yes: number;
    no: number;
    /** How many voters it has: more than half of them saying yes decides it. */
    electorate: number;
    openedAt: bigint;
    closesAt: bigint;
    /** The accuser's node id (a key report: the reported node itself). */
    openedBy: string;
    reason: string;
    /** Key reports: the operator that takes over when confirmed. */
    newOperator?: Principal;
    decidedAt?: bigint;
    /** Key reports: the validators that never answered (recorded at the deadline). */
    nonResponders: string[];
}

export interface PenaltyLogEntry {
    seq: bigint;
    nodeId: string;
    kind: 'liveness' | 'impeachment';
    time: bigint;
    /** e8s charged */
    amount: bigint;
    /** Liveness: how many complete windows were charged (an impeachment: 0). */
    windows: number;
    /** The start (ns) of the first and of the last window charged (an impeachment: its time). */
    firstWindow: bigint;
    lastWindow: bigint;
}

export interface PenaltiesSummary {
    /** e8s charged in total, moved to the treasury, and forgiven (what an escrow could no longer cover). */
    charged: bigint;
    moved: bigint;
    forgiven: bigint;
    /** Nodes with a penalty waiting to be moved. */
    pendingDeductions: bigint;
    /** Records in the penalty log. */
    records: bigint;
}

/** An epoch's record, as the canister keeps it (src/protocol/rewards/rewards.ts). */
export type { EpochRecord };

export interface EmissionScheduleRow {
    /** Decay period, from 1 (90 epochs each). */
    period: number;
    /** What each epoch of the period emits, e8s. */
    epochReward: bigint;
    periodTotal: bigint;
    /** Emitted from genesis through the end of the period. */
    cumulative: bigint;
}
