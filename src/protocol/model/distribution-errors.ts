/**
 * The refusals of the genesis-distribution methods (spec §13–§14: vesting, mapping, projects,
 * lock-up), one Candid variant (`DistributionErrorT`) apart from the node methods' `ProtocolError`
 * so that the two can grow independently. Each case names what went wrong and says why in words.
 * Storage: none. Cost: none.
 */
export type DistributionError =
    | { NotAuthorized: { reason: string } }
    | { InvalidArgument: { reason: string } }
    | { NotFound: { what: string; id: string } }
    | { NothingToClaim: { reason: string } }
    | { WrongState: { reason: string } }
    | { LedgerRefused: { reason: string } }
    | { LedgerUnavailable: { reason: string } }
    | { Paused: { reason: string } };

export type DistributionOutcome<T> = { Ok: T } | { Err: DistributionError };

export const invalid = (reason: string): { Err: DistributionError } => ({ Err: { InvalidArgument: { reason } } });
export const wrongState = (reason: string): { Err: DistributionError } => ({ Err: { WrongState: { reason } } });
export const notFound = (what: string, id: bigint | string): { Err: DistributionError } => ({ Err: { NotFound: { what, id: String(id) } } });
export const notAuthorized = (reason: string): { Err: DistributionError } => ({ Err: { NotAuthorized: { reason } } });
