/**
 * What a failed client call answers: the canister's error case, or one of the kinds the client
 * produces itself (LOCAL_KINDS), with a readable one-line message. The CLI's exit code for each is
 * in src/cli/exit-codes.ts.
 */

export interface ClientError {
    /** The canister's error case (`InsufficientFunds`, `NodeNotFound`, …) or one of `LOCAL_KINDS`. */
    kind: string;
    /** One line, amounts in EMC: `InsufficientFunds: balance 1.5 EMC, needed 2.0001 EMC`. */
    message: string;
    /**
     * The client found this before sending anything, applying the canister's own rule (its
     * parameters, the node's state, the balance): `kind` is the canister's error case, nothing was
     * sent or spent. The CLI exits 2 for it, as for BadInput.
     */
    checkedBeforeSending?: true;
}

/** Error kinds the client produces itself (not a canister's answer). */
export const LOCAL_KINDS = {
    /** Malformed input found before anything was sent (bad principal, account, amount, node id …). */
    BadInput: 'BadInput',
    /** The call certainly did not execute (network down, replica overloaded, SYS_TRANSIENT), retries exhausted. */
    Transport: 'Transport',
    /** The call may or may not have executed (lost response, SYS_UNKNOWN) and is not safe to repeat blindly. */
    UnknownOutcome: 'UnknownOutcome',
    /** The replica rejected the call (a trap, a missing method, an unknown canister): a definite answer. */
    Rejected: 'Rejected',
    /** An embedded state directory that holds a network but cannot be loaded (a truncated or corrupt file): nothing was opened or written. */
    BadState: 'BadState',
} as const;
