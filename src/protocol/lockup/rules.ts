/**
 * Spec §14, the majority game's arithmetic (pure, exact, integers only):
 * - period x (1-based): `C_x = floor(AV × (x+1) / 100)`, basic `B_x = floor(C_x × 90 / 100)`,
 *   competition `K_x = C_x − B_x`;
 * - lock rate ρ_x = L_x / (O × x), compared as exact rationals with the tiers: < 25 % → 38 %,
 *   ≥ 25 % → 50 %, ≥ 40 % → 80 %, ≥ 50 % → 100 % of B_x; each pool gets floor(earned / 2) and the
 *   unearned part (B_x − both pools' parts) goes to the ecosystem fund;
 * - time weight T: 5 for a lock made before the period, else 5 − the index (0-based) of the fifth of
 *   the period in which it was made; a lock's basic share = floor(pool basic × amount × T / Σ weight);
 * - competition: the pool whose new locks of the period exceed the other's by more than 10,000 EMC
 *   wins K_x, split over its new locks of the period by amount (floor); otherwise K_x goes to the
 *   ecosystem fund.
 * Check (the seed's example): AV 10,800,000, O 1,800,000, period 3, L = 2,200,000 → ρ 40.74 % →
 * 80 % of 388,800 = 311,040, i.e. 155,520 per pool.
 * Storage: none. Cost: a few bigint operations.
 */
import { E8S_PER_EMC } from '../model/supply';

export const POOLS = ['A', 'B'] as const;
export type Pool = (typeof POOLS)[number];
export const FIFTHS = 5;
/** The competition's margin: more than 10,000 EMC. */
export const COMPETITION_MARGIN_E8S = 10_000n * E8S_PER_EMC;
/** The minimum lock: 10 EMC. */
export const MIN_LOCK_E8S = 10n * E8S_PER_EMC;

export function periodBudget(av: bigint, x: number): { c: bigint; basic: bigint; competition: bigint } {
    const c = (av * BigInt(x + 1)) / 100n;
    const basic = (c * 90n) / 100n;
    return { c, basic, competition: c - basic };
}

/** The tier (percent of B_x) of lock rate L / (O × x), compared exactly (L × 100 ≥ t × O × x). */
export function tierPercent(locked: bigint, output: bigint, x: number): number {
    const den = output * BigInt(x);
    if (locked * 100n >= 50n * den) return 100;
    if (locked * 100n >= 40n * den) return 80;
    if (locked * 100n >= 25n * den) return 50;
    return 38;
}

/** ρ in hundredths of a percent (floor), for display only: the tier uses the exact comparison. */
export function rateBps(locked: bigint, output: bigint, x: number): bigint {
    return (locked * 10_000n) / (output * BigInt(x));
}

export function basicSplit(basic: bigint, tier: number): { earned: bigint; perPool: bigint; unearned: bigint } {
    const earned = (basic * BigInt(tier)) / 100n;
    const perPool = earned / 2n;
    return { earned, perPool, unearned: basic - 2n * perPool };
}

/** T of a lock made in period `lockPeriod` (0: before the game) and fifth `fifth`, in period x; 0 if made later. */
export function timeWeight(lockPeriod: number, fifth: number, x: number): bigint {
    if (lockPeriod < x) return 5n;
    if (lockPeriod > x) return 0n;
    return BigInt(FIFTHS - fifth);
}

/** Σ weight of a pool in period x: 5 × the amount locked before x + Σ (5 − f) × new locks of fifth f. */
export function poolWeight(before: bigint, newByFifth: readonly bigint[]): bigint {
    let w = 5n * before;
    for (let f = 0; f < FIFTHS; f++) w += BigInt(FIFTHS - f) * newByFifth[f];
    return w;
}

export function share(total: bigint, part: bigint, whole: bigint): bigint {
    return whole === 0n ? 0n : (total * part) / whole;
}

/** The winner of period x's competition from the pools' new locks, or undefined. */
export function competitionWinner(newA: bigint, newB: bigint): Pool | undefined {
    if (newA > newB + COMPETITION_MARGIN_E8S) return 'A';
    if (newB > newA + COMPETITION_MARGIN_E8S) return 'B';
    return undefined;
}

/** The fifth (0..4) of its period in which time t falls, for a period starting at `start` of length `len`. */
export function fifthOf(t: bigint, start: bigint, len: bigint): number {
    const f = Number(((t - start) * BigInt(FIFTHS)) / len);
    return f < 0 ? 0 : f > FIFTHS - 1 ? FIFTHS - 1 : f;
}
