/**
 * Protocol parameters (spec §2): minimum stakes, terms, renewals, the compute multiplier table.
 * Governance may change them (a later issue); they are stored with the configuration.
 */
import { E8S_PER_EMC } from './supply';

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
    // ----- liveness penalties (spec §6) -----
    /** A validator that took part in no confirmed batch for a whole window loses this much per window. */
    validatorPenalty: bigint;
    validatorWindowNs: bigint;
    /** A router reported offline for a whole window loses this much per window. */
    routerPenalty: bigint;
    routerWindowNs: bigint;
    /** A staked compute node without a valid state for a whole window loses stake × window / term. */
    computeWindowNs: bigint;
    /** Nodes whose liveness the maintenance timer evaluates per run, and seconds between sweeps. */
    livenessBatch: number;
    livenessSweepSeconds: number;
    /** Charged windows evaluated per node per evaluation (the rest waits for the next one). */
    maxWindowsPerEvaluation: number;
    // ----- votes (spec §7) -----
    impeachmentWindowNs: bigint;
    keyRotationWindowNs: bigint;
}

export const HOUR_NS = 3_600n * 1_000_000_000n;
export const MINUTE_NS = 60n * 1_000_000_000n;

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
    validatorPenalty: 11_570_000_000n, // 115.7 EMC
    validatorWindowNs: 60n * 60n * 1_000_000_000n,
    routerPenalty: 386_000_000n, // 3.86 EMC
    routerWindowNs: 10n * 60n * 1_000_000_000n,
    computeWindowNs: 60n * 60n * 1_000_000_000n,
    livenessBatch: 50,
    livenessSweepSeconds: 600,
    maxWindowsPerEvaluation: 64,
    impeachmentWindowNs: 7n * DAY_NS,
    keyRotationWindowNs: 2n * 60n * 60n * 1_000_000_000n,
};

/** The parameters held as bigint (the configuration stores them as decimal text). */
export const BIGINT_PARAMS = [
    'validatorMinStake',
    'routerMinStake',
    'squatterGraceNs',
    'ledgerFee',
    'validatorPenalty',
    'validatorWindowNs',
    'routerPenalty',
    'routerWindowNs',
    'computeWindowNs',
    'impeachmentWindowNs',
    'keyRotationWindowNs',
] as const satisfies readonly (keyof ProtocolParams)[];
