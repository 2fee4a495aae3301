/**
 * One-line messages for the ICRC-7 / ICRC-37 error cases (the standards' variants; our GenericError
 * codes are src/protocol/sockets/model.ts `SocketError`, docs/sockets.md "Errors").
 */
type Err = Record<string, unknown>;

const FIXED: Record<string, string> = {
    NonExistingTokenId: 'no such socket (it was never minted, or its order is closed and settled)',
    InvalidRecipient: 'the recipient is the account the socket is sent from (or the anonymous principal)',
    Unauthorized: 'the caller does not hold this socket on that subaccount and has no active approval for it',
    TooOld: 'created_at_time is more than 24 hours in the past',
    InvalidSpender: 'a principal cannot approve itself',
    ApprovalDoesNotExist: 'no active approval matches',
};

export function describeSocketError(e: Err): string {
    const [kind] = Object.keys(e);
    const v = (e[kind] ?? {}) as Record<string, unknown>;
    if (FIXED[kind] !== undefined) return FIXED[kind];
    if (kind === 'CreatedInFuture') return `created_at_time is ahead of the canister's clock (${String(v.ledger_time)})`;
    if (kind === 'Duplicate') return `already done in block ${String(v.duplicate_of)}`;
    if (typeof v.message === 'string') return `${v.message} (code ${String(v.error_code)})`;
    return kind;
}
