/**
 * The refusals of the governance methods (set_governance, update_params, pay_grant, airdrop_batch,
 * pause, resume; spec §8): one Candid variant, `GovernanceError`, each case named after the rule
 * in governance.ts, params-check.ts or treasury/payouts.ts that refused, with a readable `message`
 * and its data. Each `validate_m` answers the same check's `message` as its `Err` text, so what a
 * proposal shows is what execution would answer.
 * Storage: none. Cost: none.
 */
import { C, type ValueOf } from '../../lib/candid/candid';
import { msg } from '../model/errors';

export const GovernanceErrorT = C.variant({
    /** Only the governance principal may call this method. */
    NotGovernance: msg(),
    /** The new governance principal is anonymous or not a principal. */
    InvalidPrincipal: msg(),
    /** The principal already is the governance principal. */
    AlreadyGovernance: msg(),
    /** A parameter is out of its bounds (`message` lists every one that is). */
    ParamOutOfRange: msg({ param: C.text, minimum: C.nat, maximum: C.nat }),
    /** compute_multipliers: 1 to 8 entries, each lock period once, days 1..3650, multiplier_tenths 10..1000. */
    InvalidComputeMultipliers: msg(),
    /** The update changes no parameter. */
    NoParamChange: msg(),
    /** A reason is empty or longer than MAX_REASON_BYTES (model/bounds.ts). */
    InvalidReason: msg(),
    AlreadyPaused: msg({ reason: C.text }),
    NotPaused: msg(),
    /** A payout pays nobody, or a grant more than one account. */
    WrongRecipientCount: msg({ got: C.nat32, maximum: C.nat32 }),
    /** Payment `index` names an invalid account. */
    InvalidAccount: msg({ index: C.nat32 }),
    /** Payment `index` is not a positive amount. */
    AmountNotPositive: msg({ index: C.nat32 }),
    /** The grant is refused by the quality-list switch (spec §13.3). */
    GrantNotAllowed: msg(),
    /** The grant or airdrop pool has `left` e8s; this pays `requested`. */
    PoolExhausted: msg({ pool: C.text, left: C.nat, requested: C.nat }),
});
export type GovernanceError = ValueOf<typeof GovernanceErrorT>;
export type GovernanceOutcome<T> = { Ok: T } | { Err: GovernanceError };

export const notGovernance = () => ({ NotGovernance: { message: 'only the governance principal may call this method' } });
export const invalidReason = (message: string): GovernanceError => ({ InvalidReason: { message } });
