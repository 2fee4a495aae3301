/**
 * E-values (spec §2): fixed-point integers with 8 decimals (E × 10^8), floor at every step.
 *   validator: 100 × stake / 1,000,000 EMC     router: 10 × stake / 100,000 EMC
 *   compute:   E_base = 15,000 ms / PoC ms; with a stake locked for d days, multiplier m(d) applies to
 *              the part of E_base the stake covers (stake / 1000 EMC):
 *              E = min(E_base, covered) × m + max(0, E_base − covered)
 */
export const E_ONE = 100_000_000n;
import { E8S_PER_EMC } from '../model/supply';

export { E8S_PER_EMC };

/** Compute-node multipliers by lock days, in tenths (1.4 → 14). No stake or another duration → 1.0. */
export const DEFAULT_MULTIPLIERS_TENTHS: ReadonlyMap<number, bigint> = new Map([
    [7, 14n],
    [30, 27n],
    [90, 62n],
    [180, 100n],
]);

/** E × 10^8 of a validator: 100 × stake / 1,000,000 EMC = stake_e8s / 10^4, floored. */
export function validatorE(stakeE8s: bigint): bigint {
    return (100n * E_ONE * stakeE8s) / (1_000_000n * E8S_PER_EMC);
}

/** E × 10^8 of a router: 10 × stake / 100,000 EMC, floored. */
export function routerE(stakeE8s: bigint): bigint {
    return (10n * E_ONE * stakeE8s) / (100_000n * E8S_PER_EMC);
}

/** E_base × 10^8 of a compute node = 15,000 / poc_ms, floored; 0 for a PoC time of 0. */
export function computeBaseE(pocMs: bigint): bigint {
    if (pocMs <= 0n) return 0n;
    return (15_000n * E_ONE) / pocMs;
}

/** The stake a compute node needs to cover E_base fully: 1000 × E_base EMC, in e8s. */
export function requiredComputeStake(pocMs: bigint): bigint {
    return (1000n * computeBaseE(pocMs) * E8S_PER_EMC) / E_ONE;
}

/**
 * E × 10^8 of a compute node. `multiplierTenths` is the multiplier of its active stake term (10n
 * when unstaked); the covered part of E_base is stake / 1000 EMC (as E × 10^8: stake_e8s / 1000).
 */
export function computeE(pocMs: bigint, stakeE8s: bigint, multiplierTenths: bigint): bigint {
    const base = computeBaseE(pocMs);
    const covered = (stakeE8s * E_ONE) / (1000n * E8S_PER_EMC);
    const boosted = base < covered ? base : covered;
    const rest = base > covered ? base - covered : 0n;
    return (boosted * multiplierTenths) / 10n + rest;
}

export function multiplierFor(lockDays: number, table: ReadonlyMap<number, bigint> = DEFAULT_MULTIPLIERS_TENTHS): bigint {
    return table.get(lockDays) ?? 10n;
}

/** The operator's preview (`preview_e_value`): a compute node's E × 10^8 for a PoC time, stake and lock. */
export function previewComputeE(pocMs: bigint, stakeE8s: bigint, lockDays: number, table?: ReadonlyMap<number, bigint>): bigint {
    const m = stakeE8s > 0n ? multiplierFor(lockDays, table) : 10n;
    return computeE(pocMs, stakeE8s, m);
}
