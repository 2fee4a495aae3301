/**
 * Trading rewards (spec §11.1, whitepaper §8): the 378,000,000 EMC pool, minted by claim.
 *
 *   off until governance starts the reward clock (`start`); then for a settlement maturing at t:
 *   period n = 1 + floor((t − start) / (90 × epoch length))
 *   P(n) = 1/F(n), df(1) = 1, df(n) = F(n−1)/F(n)                       (F(0) = 0, F(1) = F(2) = 1)
 *   reward base M = min(amount, confirmed units × reference_price[service]) (no reference price: no reward)
 *   n = 1:  buyer = floor(M × 20 / 100), provider = 0
 *   n ≥ 2:  buyer = floor(M × 20 × F(n−1) / (100 × F(n)²)), provider = floor(M × 20 × F(n−2) / (100 × F(n)²))
 *   each floored independently; no reward when the payer is the node's operator or owns its wallet;
 *   cap: Σ rewards ≤ 378 M EMC; the settlement that would cross it gets the rest pro rata
 *   (buyer = floor(rest × buyer / (buyer + provider)), provider = rest − buyer); rewards then end.
 * Check (spec §10): period 4, M = 1000 EMC → buyer 44.44444444, provider 22.22222222 (fee 200).
 *
 * Pure integer arithmetic (bigint e8s), no storage. Cost: two Fibonacci look-ups (memoised) and a
 * few multiplications and divisions per settlement; a far period (F(n)² > 20 × M) is 0 at once.
 */
import { TRADING_REWARD_POOL_E8S } from '../model/supply';
import { fib } from '../rewards/schedule';

/** Epochs per decay period of the reward clock (spec §11.1 reuses §5's 90). */
export const TRADING_EPOCHS_PER_PERIOD = 90n;

/** The market fee: 20 % of every matured amount goes to the treasury (spec §11). */
export const FEE_PERCENT = 20n;

/** Beyond this period F(n)² exceeds 20 × 2.1 B EMC in e8s: every reward is 0 (no need to compute it). */
export const LAST_REWARD_PERIOD = 90;

export function marketFee(amount: bigint): bigint {
    return (amount * FEE_PERCENT) / 100n;
}

/** The reward period of a settlement maturing at `t` (1-based), or 0 before the clock starts / while it is off. */
export function rewardPeriod(t: bigint, start: bigint | undefined, epochNs: bigint): number {
    if (start === undefined || t < start || epochNs <= 0n) return 0;
    const n = 1n + (t - start) / (TRADING_EPOCHS_PER_PERIOD * epochNs);
    return n > BigInt(LAST_REWARD_PERIOD + 1) ? LAST_REWARD_PERIOD + 1 : Number(n);
}

/** The reward base: min(amount, units × reference price); 0 without a reference price. */
export function rewardBase(amount: bigint, units: bigint, referencePrice: bigint | undefined): bigint {
    if (referencePrice === undefined || referencePrice <= 0n) return 0n;
    const cap = units * referencePrice;
    return amount < cap ? amount : cap;
}

/** The two rewards of base `m` in period `n` (n ≥ 1), each floored independently, before the pool cap. */
export function tradingRewards(m: bigint, n: number): { buyer: bigint; provider: bigint } {
    if (n < 1 || m <= 0n || n > LAST_REWARD_PERIOD) return { buyer: 0n, provider: 0n };
    if (n === 1) return { buyer: (m * FEE_PERCENT) / 100n, provider: 0n };
    const f = fib(n);
    const den = 100n * f * f;
    return { buyer: (m * FEE_PERCENT * fib(n - 1)) / den, provider: (m * FEE_PERCENT * fib(n - 2)) / den };
}

/**
 * The pool cap: with `accrued` already granted, the rewards that may be granted now. The settlement
 * that would cross the cap gets the rest pro rata; after it, nothing.
 */
export function capRewards(r: { buyer: bigint; provider: bigint }, accrued: bigint, cap: bigint = TRADING_REWARD_POOL_E8S): { buyer: bigint; provider: bigint } {
    const rest = cap > accrued ? cap - accrued : 0n;
    const total = r.buyer + r.provider;
    if (total <= rest) return r;
    if (rest === 0n || total === 0n) return { buyer: 0n, provider: 0n };
    const buyer = (rest * r.buyer) / total;
    return { buyer, provider: rest - buyer };
}

/** One row of the schedule query: P(n) and df(n) as exact fractions (numerator, denominator). */
export interface TradingScheduleRow {
    period: number;
    p_num: bigint;
    p_den: bigint;
    df_num: bigint;
    df_den: bigint;
    /** Rewards of 1 EMC of base in this period (e8s), buyer and provider. */
    buyer_per_emc: bigint;
    provider_per_emc: bigint;
}

export const MAX_SCHEDULE_ROWS = 100;

export function tradingSchedule(periods: number): TradingScheduleRow[] {
    // `periods` is a nat32 from Candid; anything that is not a whole positive count answers no rows
    const n = Number.isInteger(periods) && periods > 0 ? Math.min(periods, MAX_SCHEDULE_ROWS) : 0;
    const out: TradingScheduleRow[] = [];
    for (let k = 1; k <= n; k++) {
        const r = tradingRewards(100_000_000n, k);
        out.push({ period: k, p_num: 1n, p_den: fib(k), df_num: k === 1 ? 1n : fib(k - 1), df_den: k === 1 ? 1n : fib(k), buyer_per_emc: r.buyer, provider_per_emc: r.provider });
    }
    return out;
}
