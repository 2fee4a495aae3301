/**
 * The refusals of the node and stake methods (register_node, stake_compute, top_up, renew,
 * withdraw_candidacy, retry_operation): one Candid variant, `StakeError`, every case named after the
 * rule in stakes.ts, terms.ts, releases.ts or operations.ts that refused, with a readable `message`
 * and its data. Malformed input has its own cases (InvalidNodeId, InvalidWallet, InvalidSubaccount,
 * AmountOutOfRange, DaysOutOfRange, UnknownNodeType); there is no catch-all.
 * Storage: none. Cost: none.
 */
import { C, type ValueOf } from '../../lib/candid/candid';
import { msg, NODE_CASES, OPERATION_CASES, PAUSED_CASE } from '../model/errors';

export const StakeErrorT = C.variant({
    ...PAUSED_CASE,
    ...OPERATION_CASES,
    ...NODE_CASES,
    /** The node id is not 1..64 characters of [A-Za-z0-9] (nodes/record.ts). */
    InvalidNodeId: msg({ node_id: C.text }),
    /** The reward wallet is not a valid account. */
    InvalidWallet: msg(),
    /** from_subaccount is not 32 bytes. */
    InvalidSubaccount: msg(),
    UnknownNodeType: msg(),
    /** An amount is not within [minimum, maximum] e8s (model/bounds.ts). */
    AmountOutOfRange: msg({ minimum: C.nat, maximum: C.nat }),
    /** A day count is not a whole number within [minimum, maximum] (model/bounds.ts). */
    DaysOutOfRange: msg({ minimum: C.nat32, maximum: C.nat32 }),
    /** Validators and routers register with their stake. */
    StakeRequired: msg({ node_type: C.text }),
    /** Another operator's node holds the id (and it has not ended, nor squats past its grace period). */
    NodeIdTaken: msg({ node_id: C.text }),
    /** The unstaked compute registrations awaiting their first PoC are at their bound (per operator or in total). */
    TooManyUnstaked: msg({ maximum: C.nat32 }),
    /** Only compute nodes stake separately (validators and routers renew). */
    NotComputeNode: msg({ node_id: C.text, node_type: C.text }),
    /** The compute node's term is still running. */
    AlreadyStaked: msg({ node_id: C.text }),
    /** The node has no stake term (to top up or renew). */
    NoStake: msg({ node_id: C.text, status: C.text }),
    StakeTooLow: msg({ minimum: C.nat }),
    TermTooShort: msg({ minimum_days: C.nat32 }),
    /** A compute stake locks for one of the periods of the multiplier table. */
    LockPeriodNotOffered: msg({ lock_days: C.nat32, periods: C.vec(C.nat32) }),
    /** The stake would pass the maximum supply. */
    StakeAboveMaximum: msg({ maximum: C.nat }),
    /** Compute nodes stake again when their term ends instead of renewing. */
    ComputeCannotRenew: msg({ node_id: C.text }),
    /** A term renews only before it ends. */
    TermEnded: msg({ node_id: C.text, term_end: C.nat64 }),
    /** A validator renews at most `max_renewals` times. */
    RenewalLimitReached: msg({ node_id: C.text, max_renewals: C.nat32 }),
    RenewalTooShort: msg({ minimum_days: C.nat32 }),
    /** A renewal may leave at most `maximum_days` days of term. */
    RenewalTooLong: msg({ maximum_days: C.nat32 }),
});
export type StakeError = ValueOf<typeof StakeErrorT>;

export type StakeOutcome<T> = { Ok: T } | { Err: StakeError };

export const invalidSubaccount = (): StakeError => ({ InvalidSubaccount: { message: 'from_subaccount must be 32 bytes' } });
export const amountOutOfRange = (message: string, minimum: bigint, maximum: bigint): StakeError => ({ AmountOutOfRange: { message, minimum, maximum } });
export const daysOutOfRange = (message: string, minimum: number, maximum: number): StakeError => ({ DaysOutOfRange: { message, minimum, maximum } });
export const stakeAboveMaximum = (maximum: bigint): StakeError => ({ StakeAboveMaximum: { message: 'the stake would exceed the maximum supply', maximum } });
