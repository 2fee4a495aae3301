/** The protocol's parameters, treasury payouts and governance log as the protocol client answers them (spec §8). */
import type { Principal } from '@dfinity/principal';
import type { Payout } from '../../protocol/treasury/payouts';
import type { IcrcAccount } from './account';

export interface ComputeMultiplier {
    days: number;
    /** The multiplier × 10 (12 = 1.2). */
    multiplierTenths: number;
}

/** The protocol's parameters (`protocol_params`); amounts in e8s, windows in seconds. */
export interface Params {
    epochSeconds: bigint;
    validatorPenaltyE8s: bigint;
    validatorWindowSeconds: bigint;
    routerPenaltyE8s: bigint;
    routerWindowSeconds: bigint;
    computeWindowSeconds: bigint;
    validatorMinStakeE8s: bigint;
    routerMinStakeE8s: bigint;
    validatorMinTermDays: number;
    validatorRenewalMinDays: number;
    validatorMaxRenewals: number;
    routerMinTermDays: number;
    routerRenewalMinDays: number;
    computeMultipliers: ComputeMultiplier[];
    impeachmentWindowSeconds: bigint;
    keyRotationWindowSeconds: bigint;
    ledgerFeeE8s: bigint;
    /** Fixed bounds the protocol checks (not governable), so that a client checks them before it pays. */
    computeMinStakeE8s: bigint;
    squatterGraceSeconds: bigint;
    maxTermDays: number;
    maxAmountE8s: bigint;
    maxReasonBytes: number;
    maxUnstakedPerOperator: number;
    maxUnstakedTotal: number;
}

/** The fields of Params that are bounds, not governance parameters. */
export type FixedBound = 'ledgerFeeE8s' | 'computeMinStakeE8s' | 'squatterGraceSeconds' | 'maxTermDays' | 'maxAmountE8s' | 'maxReasonBytes' | 'maxUnstakedPerOperator' | 'maxUnstakedTotal';

/** What `update_params` may change: only the fields present change. */
export type ParamsChange = Partial<Omit<Params, FixedBound>>;

/**
 * A treasury payment (a developer grant or an airdrop payment): the canister's record
 * (src/protocol/governance/governance.ts `Payout`), with the recipient as the SDK's IcrcAccount.
 * `status` is `pending` while the ledger's answer is unknown (the timer retries it with the same key).
 */
export type TreasuryPayout = Omit<Payout, 'to'> & {
    to: IcrcAccount;
};

export interface GovernanceLogEntry {
    seq: bigint;
    time: bigint;
    caller: Principal;
    method: string;
    before: string;
    after: string;
}
