/** The embedded IC replica: runs built canister Wasm in process with the IC's execution semantics. */
export { EmbeddedReplica, IC_INSTRUCTION_LIMITS, INITIAL_CYCLES, DEFAULT_CONTROLLER, DEFAULT_CONTROLLER_IDENTITY, FEES, executionFee, ingressInductionFee } from './replica';
export type { ReplicaOptions, IngressStatus, ExecutionRecord, InstructionLimits, InjectedFault } from './replica';
export { EmbeddedAgent } from './agent';
export { RejectCode, ErrorCode, ReplicaError } from './errors';
export type { Reject } from './errors';
export { readStableSnapshot, writeStableSnapshot } from './snapshot';
export type { StableSnapshot } from './snapshot';
