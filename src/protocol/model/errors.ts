/**
 * The protocol canister's refusals, as one Candid variant every update method answers with
 * (src/protocol/api/candid.ts `ProtocolErrorT`). Each case names what went wrong; the free-text
 * cases (`InvalidArgument`, `NotAuthorized`, `RenewalNotAllowed`) say which rule refused, in words
 * a node operator can act on. Sections build them with `err`.
 * Storage: none. Cost: none.
 */
export type ProtocolError =
    | { NotAuthorized: { reason: string } }
    | { InvalidArgument: { reason: string } }
    | { NodeIdTaken: { node_id: string } }
    | { NodeNotFound: { node_id: string } }
    | { NodeBusy: { node_id: string; operation: string } }
    | { WrongStatus: { node_id: string; status: string; expected: string } }
    | { StakeTooLow: { minimum: bigint } }
    | { TermTooShort: { minimum_days: number } }
    | { RenewalNotAllowed: { reason: string } }
    | { WrongBatchSize: { expected: number; got: number } }
    | { LedgerRefused: { reason: string } }
    | { LedgerUnavailable: { reason: string } }
    | { OperationPending: { node_id: string; operation: string; reason: string } }
    | { NothingToClaim: { node_id: string } }
    | { Paused: { reason: string } }
    | { NotFound: { what: string; id: string } }
    | { VoteClosed: { id: bigint; outcome: string } }
    | { AlreadyVoted: { id: bigint } };

/** A domain answer: the value, or the refusal. */
export type ProtocolOutcome<T> = { Ok: T } | { Err: ProtocolError };

export function err(e: ProtocolError): { Err: ProtocolError } {
    return { Err: e };
}
