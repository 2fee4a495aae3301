/**
 * Protocol parameters (spec §2): minimum stakes, terms, renewals, the compute multiplier table.
 * Governance may change them (a later issue); they are stored with the configuration.
 */
import { E8S_PER_EMC } from './evalue';

export const DAY_NS = 86_400n * 1_000_000_000n;

export interface ProtocolParams {
    validatorMinStake: bigint;
    validatorMinTermDays: number;
    validatorRenewalMinDays: number;
    validatorMaxRenewals: number;
    routerMinStake: bigint;
    routerMinTermDays: number;
    routerRenewalMinDays: number;
    /** Compute lock periods → multiplier in tenths. */
    computeMultipliers: [number, bigint][];
    /** An unstaked compute registration that never passed a PoC may be taken over after this long. */
    squatterGraceNs: bigint;
    /** The ledger's transfer fee, paid from an escrow when a stake is released (updated from BadFee answers). */
    ledgerFee: bigint;
    /** Releases (and other ledger retries) processed per timer run. */
    releaseBatch: number;
    /** Seconds between runs of the maintenance timer. */
    maintenanceIntervalSeconds: number;
}

export const DEFAULT_PARAMS: ProtocolParams = {
    validatorMinStake: 1_000_000n * E8S_PER_EMC,
    validatorMinTermDays: 360,
    validatorRenewalMinDays: 180,
    validatorMaxRenewals: 1,
    routerMinStake: 100_000n * E8S_PER_EMC,
    routerMinTermDays: 180,
    routerRenewalMinDays: 90,
    computeMultipliers: [
        [7, 14n],
        [30, 27n],
        [90, 62n],
        [180, 100n],
    ],
    squatterGraceNs: DAY_NS,
    ledgerFee: 100_000n,
    releaseBatch: 20,
    maintenanceIntervalSeconds: 60,
};
