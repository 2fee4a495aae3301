/** The node-operator client SDK (docs/client.md). */
export { LedgerClient, type TransferArgs, type ApproveArgs, type BlockReceipt, type LedgerMetadata, type Allowance } from './ledger';
export {
    ProtocolClient,
    describeProtocolError,
    nodeOf,
    voteOf,
    payoutOf,
    NODE_STATUSES,
    NODE_TYPES,
    type Node,
    type NodeStatus,
    type NodeType,
    type NodeRewards,
    type Claim,
    type Stake,
    type StakeArgs,
    type RegisterArgs,
    type BatchStatus,
    type CertifiedTip,
    type ProtocolInfo,
    type RewardsSummary,
    type ValidatorSet,
    type ProtocolClientOptions,
    type Vote,
    type PenaltyRecord,
    type PenaltiesSummary,
    type EpochRecord,
    type ScheduleRow,
    type ComputeMultiplier,
    type Params,
    type ParamsUpdate,
    type Payout,
    type GovernanceLogEntry,
} from './protocol';
export { CanisterClient, type ClientOptions, type CallOptions } from './canister';
export { connect, connectAgent, NETWORKS, HOSTS, DEFAULT_LEDGER_ID, DEFAULT_PROTOCOL_ID, type NetworkName, type ConnectOptions, type AgentConnectOptions, type Connection } from './network';
export { loadIdentity, identityFromPem, identityFromSeedPhrase } from './identity';
export { parseAccount, parsePrincipal, parseSubaccount, formatAccount, type Account } from './account';
export { ok, fail, badInput, mapResult, unwrap, emc, parseAmount, toJson, exitCodeOf, EXIT, LOCAL_KINDS, E8S_PER_EMC, type Result, type ClientError } from './result';
export { classifyFailure, type Failure, type FailureClass } from './errors/transport';
