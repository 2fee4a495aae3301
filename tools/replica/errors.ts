/**
 * Reject codes and error codes as the Internet Computer reports them to callers
 * (interface specification, "Reject codes"; error codes as the replica prints them).
 */
export const RejectCode = {
    SysFatal: 1,
    SysTransient: 2,
    DestinationInvalid: 3,
    CanisterReject: 4,
    CanisterError: 5,
    SysUnknown: 6,
} as const;
export type RejectCode = (typeof RejectCode)[keyof typeof RejectCode];

export const ErrorCode = {
    CanisterNotFound: 'IC0301',
    CanisterMethodNotFound: 'IC0536',
    CanisterRejectedMessage: 'IC0406',
    CanisterTrapped: 'IC0502',
    CanisterCalledTrap: 'IC0503',
    CanisterDidNotReply: 'IC0506',
    CanisterInstructionLimitExceeded: 'IC0522',
    CanisterWasmModuleNotFound: 'IC0537',
    CanisterRejected: 'IC0406',
    InsufficientCycles: 'IC0207',
} as const;

/** A reject as delivered to an ingress sender or to a calling canister. */
export interface Reject {
    code: RejectCode;
    message: string;
    errorCode: string;
}

/** Thrown from a system-API import to trap the running message (never escapes the replica). */
export class CanisterTrap extends Error {
    constructor(
        message: string,
        readonly errorCode: string = ErrorCode.CanisterCalledTrap,
    ) {
        super(message);
        this.name = 'CanisterTrap';
    }
}

/** An error of the replica API itself (bad use by a test or tool), as opposed to a canister outcome. */
export class ReplicaError extends Error {
    constructor(
        message: string,
        readonly reject?: Reject,
    ) {
        super(message);
        this.name = 'ReplicaError';
    }
}
