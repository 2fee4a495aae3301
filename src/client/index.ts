/**
 * The node-operator client SDK (docs/client.md), laid out as DFINITY's ic-js canister packages:
 * one class per canister with thin methods (`LedgerClient`, `ProtocolClient`, on `CanisterClient`),
 * `types/` (what they take and answer), `converters/` (Candid ↔ those types), `errors/` (the error
 * kinds, their messages, the classification of transport failures). The in-process embedded
 * network is not part of it (tools/devnet/embedded-network.ts).
 */
export { LedgerClient } from './ledger';
export { ProtocolClient, type ProtocolClientOptions } from './protocol';
export { ProtocolGovernanceClient } from './protocol-governance';
export { MarketClient, describeMarketError } from './market';
export { SocketsClient, socketInputProblem, SOCKET_MAX_MEMO, SOCKET_MAX_TAKE } from './sockets';
export { describeSocketError } from './errors/sockets';
export type { Socket, SocketCollection, SocketApproval, SocketTransferParams, SocketTransferFromParams, SocketApproveParams, SocketRevokeParams, SocketValue } from './types/sockets';
export type { MarketOffer, MarketOrder, MarketPendingAmount, MarketReceipt, MarketClaimable, MarketClaimPaid, MarketTotals, TradingRewardPeriod, MarketUnit } from './types/market';
export { DistributionClient, mappingDigest, type VestingSchedule, type VestingTranche, type VestingSummary, type VestingClaim, type LockupGame, type LockupPeriod, type LockView, type MappingView, type MappingEntryView, type ProjectView, type ProjectChange, type NewVestingSchedule, type NewLockupGame, type NewMapping, type MappingEntryInput } from './distribution';
export { describeDistributionError } from './errors/distribution';
export { CanisterClient, type AnyAgent, type ClientOptions, type CallOptions } from './canister';
export { connect, connectAgent, NETWORKS, HOSTS, DEFAULT_LEDGER_ID, DEFAULT_PROTOCOL_ID, type NetworkName, type ConnectOptions, type AgentConnectOptions, type Connection } from './network';
export { loadIdentity, identityFromPem, identityFromSeedPhrase } from './identity';
export { parseAccount, parsePrincipal, parseSubaccount, formatAccount } from './account';
export { ok, fail, badInput, mapResult, unwrap, type ClientResult } from './result';
export { parseAmount, E8S_PER_EMC, MAX_AMOUNT_E8S } from './amount';
export { emc, emc2, emcExact, count, compact, toNumber, utc } from './format/display';
export { toJson } from './format/json';
export { verifyCertifiedTip, verifyLogTip, MAX_CERTIFICATE_AGE_NS } from './certified-tip';
export { stakeOperationProblem, type PrecheckContext, type StakeOperation } from './precheck';

export type { IcrcAccount } from './types/account';
export type { TransferParams, ApproveParams, BlockReceipt, LedgerMetadata, LedgerAllowance } from './types/ledger';
export {
    NODE_STATUSES,
    NODE_TYPES,
    type Node,
    type NodeStatus,
    type NodeType,
    type NodeRewardsSummary,
    type Claim,
    type Stake,
    type StakeParams,
    type RegisterNodeParams,
    type BatchStatus,
    type CertifiedTip,
    type LogTip,
    type ProtocolInfo,
    type RewardsSummary,
    type ValidatorSet,
    type Vote,
    type PenaltyLogEntry,
    type PenaltiesSummary,
    type EpochRecord,
    type EmissionScheduleRow,
} from './types/protocol';
export type { ComputeMultiplier, Params, FixedBound, ParamsChange, TreasuryPayout, GovernanceLogEntry } from './types/governance';

export { toCandidAccount, fromCandidAccount } from './converters/account';
export { nodeOf, voteOf, batchStatusOf } from './converters/protocol';
export { paramsOf, payoutOf } from './converters/governance';

export { LOCAL_KINDS, type ClientError } from './errors/client-error';
export { classifyFailure, type Failure, type FailureClass } from './errors/transport';
export { describeLedgerError } from './errors/ledger';
export { describeProtocolError, PROTOCOL_ERROR_KINDS, type ProtocolErrorKind, type StakeErrorKind, type AdmissionErrorKind, type VoteErrorKind, type GovernanceErrorKind, type ClaimErrorKind, type BatchErrorKind } from './errors/protocol';
