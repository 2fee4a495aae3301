/**
 * The $EMC node-reward emission schedule (spec §5), in e8s, bigint only.
 *
 *   F(1) = F(2) = 1, F(n) = F(n−1) + F(n−2)
 *   period n ≥ 1 emits   R(n) = floor(64,800,000 EMC / F(n))          (in e8s)
 *   each of its epochs   r(n) = floor(R(n) / 90)                       (90 epochs per decay period)
 *   epoch e (0 at genesis) lies in period floor(e / 90) + 1
 *
 * The node-reward pool is capped at 420,000,000 EMC: an epoch's reward is cut so the cumulative emission
 * never exceeds the cap. With this series the cap never binds (the total converges to ≈ 217,720,591.17
 * EMC and r(n) is 0 from period 68 on), but it is enforced anyway. Because every epoch reward is ≥ 0,
 * the capped cumulative emission through any epoch is exactly min(uncapped cumulative, cap), which is
 * what the prefix table below relies on.
 *
 * Every function takes optional {@link ScheduleOptions}: the epochs per decay period (spec: 90; kept a
 * parameter because governance may change the epoch length) and the cap (spec: 420M EMC; a parameter
 * so tests can make it bind). Pure TypeScript, no Node built-ins, no floating point: it runs in Node
 * tests and inside the canister's QuickJS.
 */
import { NODE_REWARD_POOL_E8S } from '../model/supply';

/** 1 EMC = 10^8 e8s. */
export const E8S_PER_EMC = 100_000_000n;

/** Epochs per decay period (spec §5). */
export const EPOCHS_PER_PERIOD = 90;

/** 64,800,000 EMC in e8s: the numerator of R(n) = floor(64.8M EMC / F(n)). */
export const PERIOD_BASE_E8S = 64_800_000n * E8S_PER_EMC;

/** The node-reward pool: 420,000,000 EMC in e8s (spec §1, §5). */
export const NODE_REWARD_CAP_E8S = NODE_REWARD_POOL_E8S;

/** The largest number of periods {@link emissionSchedule} returns. */
export const MAX_SCHEDULE_PERIODS = 1000;

/** Optional parameters of the schedule; defaults are the spec's. */
export interface ScheduleOptions {
    /** Epochs per decay period, a positive safe integer. Default {@link EPOCHS_PER_PERIOD} (90). */
    epochsPerPeriod?: number;
    /** Cap on the cumulative emission, in e8s, ≥ 0. Default {@link NODE_REWARD_CAP_E8S} (420M EMC). */
    cap?: bigint;
}

/** One row of {@link emissionSchedule}. */
export interface ScheduleRow {
    /** Period number, from 1. */
    period: number;
    /** r(n): the uncapped reward of each epoch of this period, e8s. */
    epoch_reward_e8s: bigint;
    /** What the period actually emits: epochsPerPeriod × r(n), cut by the cap. */
    period_total_e8s: bigint;
    /** Total emitted from genesis through the end of this period (cap applied). */
    cumulative_e8s: bigint;
}

// ---------------------------------------------------------------------------------------------------
// Fibonacci

/** Memoised F(0..): F(0) = 0, F(1) = F(2) = 1. Grown iteratively, bounded so huge n cannot exhaust memory. */
const FIB_CACHE: bigint[] = [0n, 1n, 1n];
const FIB_CACHE_LIMIT = 4096;

function checkIndex(n: number, min: number, what: string): void {
    if (!Number.isSafeInteger(n) || n < min) throw new RangeError(`${what} must be an integer ≥ ${min}, got ${n}`);
}

/**
 * The Fibonacci number F(n): F(0) = 0, F(1) = F(2) = 1, F(n) = F(n−1) + F(n−2).
 * Exact (bigint), computed iteratively and memoised (the first {@link FIB_CACHE_LIMIT} values).
 * @throws RangeError if n is not an integer ≥ 0.
 */
export function fib(n: number): bigint {
    checkIndex(n, 0, 'fib index');
    if (n < FIB_CACHE.length) return FIB_CACHE[n];
    while (FIB_CACHE.length <= n && FIB_CACHE.length < FIB_CACHE_LIMIT) {
        const k = FIB_CACHE.length;
        FIB_CACHE.push(FIB_CACHE[k - 1] + FIB_CACHE[k - 2]);
    }
    if (n < FIB_CACHE.length) return FIB_CACHE[n];
    // Beyond the cache: keep iterating from the last cached pair without storing.
    let a = FIB_CACHE[FIB_CACHE.length - 2];
    let b = FIB_CACHE[FIB_CACHE.length - 1];
    for (let k = FIB_CACHE.length; k <= n; k++) {
        const c = a + b;
        a = b;
        b = c;
    }
    return b;
}

// ---------------------------------------------------------------------------------------------------
// Per-period amounts

/**
 * The first period with R(n) = 0 (F(n) > 64.8M EMC in e8s). R is non-increasing, so R(n) = 0 for every
 * later n too; periodReward uses this to avoid computing enormous Fibonacci numbers.
 */
const R_ZERO_PERIOD: number = (() => {
    let n = 1;
    while (PERIOD_BASE_E8S / fib(n) > 0n) n++;
    return n;
})();

/**
 * R(n) = floor(64,800,000 EMC / F(n)) in e8s: what decay period n emits (before the cap).
 * R(1) = R(2) = 64,800,000 EMC, R(3) = 32,400,000 EMC, …
 * @throws RangeError if n is not an integer ≥ 1.
 */
export function periodReward(n: number): bigint {
    checkIndex(n, 1, 'period');
    if (n >= R_ZERO_PERIOD) return 0n;
    return PERIOD_BASE_E8S / fib(n);
}

function resolveEpochsPerPeriod(opts?: ScheduleOptions): number {
    const e = opts?.epochsPerPeriod ?? EPOCHS_PER_PERIOD;
    checkIndex(e, 1, 'epochsPerPeriod');
    return e;
}

function resolveCap(opts?: ScheduleOptions): bigint {
    const cap = opts?.cap ?? NODE_REWARD_CAP_E8S;
    if (cap < 0n) throw new RangeError(`cap must be ≥ 0, got ${cap}`);
    return cap;
}

/**
 * r(n) = floor(R(n) / epochsPerPeriod) in e8s: the reward of each epoch of period n, before the cap.
 * 720,000 EMC in periods 1–2, 360,000 in 3, 240,000 in 4, …, 0 from period 68 on (90 epochs per period).
 * @throws RangeError if n is not an integer ≥ 1 or epochsPerPeriod is not an integer ≥ 1.
 */
export function epochRewardInPeriod(n: number, opts?: ScheduleOptions): bigint {
    checkIndex(n, 1, 'period');
    return periodReward(n) / BigInt(resolveEpochsPerPeriod(opts));
}

// ---------------------------------------------------------------------------------------------------
// Prefix table: cumulative uncapped emission at the start of each period

interface PrefixTable {
    /** r(n) for n = 1 .. zeroPeriod − 1, at index n − 1. */
    rates: bigint[];
    /** Uncapped emission before period n starts, at index n − 1, for n = 1 .. zeroPeriod. */
    before: bigint[];
    /** First period with r(n) = 0; every later period has r = 0 as well. */
    zeroPeriod: number;
    /** The uncapped total ever emitted (= before[zeroPeriod − 1]). */
    total: bigint;
}

const PREFIX_TABLES = new Map<number, PrefixTable>();

/** Built once per epochsPerPeriod; at most R_ZERO_PERIOD rows, since r(n) ≤ R(n). */
function prefixTable(epochsPerPeriod: number): PrefixTable {
    const cached = PREFIX_TABLES.get(epochsPerPeriod);
    if (cached) return cached;
    const perPeriod = BigInt(epochsPerPeriod);
    const rates: bigint[] = [];
    const before: bigint[] = [0n];
    let n = 1;
    for (;;) {
        const r = periodReward(n) / perPeriod;
        if (r === 0n) break;
        rates.push(r);
        before.push(before[n - 1] + r * perPeriod);
        n++;
    }
    const table: PrefixTable = { rates, before, zeroPeriod: n, total: before[n - 1] };
    PREFIX_TABLES.set(epochsPerPeriod, table);
    return table;
}

function checkEpoch(epoch: bigint): void {
    if (epoch < 0n) throw new RangeError(`epoch must be ≥ 0, got ${epoch}`);
}

/** Uncapped emission of epochs 0 .. epoch − 1, in O(1) after the table is built. */
function uncappedBefore(epoch: bigint, epochsPerPeriod: number): bigint {
    const table = prefixTable(epochsPerPeriod);
    const perPeriod = BigInt(epochsPerPeriod);
    const periodIndex = epoch / perPeriod; // period − 1, kept as bigint so huge epochs are fine
    if (periodIndex >= BigInt(table.zeroPeriod - 1)) return table.total;
    const i = Number(periodIndex);
    return table.before[i] + (epoch % perPeriod) * table.rates[i];
}

// ---------------------------------------------------------------------------------------------------
// Per-epoch API

/**
 * The decay period (from 1) of epoch `epoch` (from 0 at genesis): floor(epoch / epochsPerPeriod) + 1.
 * @throws RangeError for a negative epoch, a bad epochsPerPeriod, or a period beyond Number.MAX_SAFE_INTEGER.
 */
export function periodOfEpoch(epoch: bigint, opts?: ScheduleOptions): number {
    checkEpoch(epoch);
    const period = epoch / BigInt(resolveEpochsPerPeriod(opts)) + 1n;
    if (period > BigInt(Number.MAX_SAFE_INTEGER)) throw new RangeError(`period of epoch ${epoch} is too large`);
    return Number(period);
}

/**
 * Total e8s emitted by epochs 0 .. epoch − 1 (0 for epoch 0), cap applied:
 * min(Σ uncapped epoch rewards, cap). O(number of periods) on first use, O(1) after (cached prefix table).
 * @throws RangeError for a negative epoch or bad options.
 */
export function emittedBefore(epoch: bigint, opts?: ScheduleOptions): bigint {
    checkEpoch(epoch);
    const cap = resolveCap(opts);
    const uncapped = uncappedBefore(epoch, resolveEpochsPerPeriod(opts));
    return uncapped < cap ? uncapped : cap;
}

/**
 * The reward of epoch `epoch` in e8s: r(periodOfEpoch(epoch)), cut so that the cumulative emission
 * never exceeds the cap (0 once the cap is reached). Equals emittedBefore(epoch + 1) − emittedBefore(epoch).
 * @throws RangeError for a negative epoch or bad options.
 */
export function epochReward(epoch: bigint, opts?: ScheduleOptions): bigint {
    checkEpoch(epoch);
    return emittedBefore(epoch + 1n, opts) - emittedBefore(epoch, opts);
}

/**
 * The part of epoch `epoch`'s reward that has flowed after `elapsedNs` of an epoch lasting
 * `epochLengthNs`: floor(epochReward(epoch) × elapsedNs / epochLengthNs). The reward flows at a constant
 * rate; the function is monotone in elapsedNs, 0 at 0 and epochReward(epoch) at epochLengthNs, so the
 * differences over any split of the epoch into segments telescope to exactly epochReward(epoch).
 * @throws RangeError unless epochLengthNs > 0 and 0 ≤ elapsedNs ≤ epochLengthNs (or for a negative epoch).
 */
export function emittedWithin(epoch: bigint, elapsedNs: bigint, epochLengthNs: bigint, opts?: ScheduleOptions): bigint {
    if (epochLengthNs <= 0n) throw new RangeError(`epochLengthNs must be > 0, got ${epochLengthNs}`);
    if (elapsedNs < 0n || elapsedNs > epochLengthNs) {
        throw new RangeError(`elapsedNs must be within [0, ${epochLengthNs}], got ${elapsedNs}`);
    }
    return (epochReward(epoch, opts) * elapsedNs) / epochLengthNs;
}

// ---------------------------------------------------------------------------------------------------
// Projected schedule (for the query)

/**
 * The first `periods` decay periods (at most {@link MAX_SCHEDULE_PERIODS}; larger requests are cut to it):
 * for each, r(n), what the period actually emits (epochsPerPeriod × r(n), cut by the cap) and the
 * cumulative emission through its end.
 * @throws RangeError if periods is not an integer ≥ 0, or for bad options.
 */
export function emissionSchedule(periods: number, opts?: ScheduleOptions): ScheduleRow[] {
    checkIndex(periods, 0, 'periods');
    const epochsPerPeriod = resolveEpochsPerPeriod(opts);
    const perPeriod = BigInt(epochsPerPeriod);
    const count = Math.min(periods, MAX_SCHEDULE_PERIODS);
    const rows: ScheduleRow[] = [];
    let start = emittedBefore(0n, opts);
    for (let n = 1; n <= count; n++) {
        const end = emittedBefore(BigInt(n) * perPeriod, opts);
        rows.push({
            period: n,
            epoch_reward_e8s: epochRewardInPeriod(n, opts),
            period_total_e8s: end - start,
            cumulative_e8s: end,
        });
        start = end;
    }
    return rows;
}

/**
 * Everything the schedule ever emits, in e8s (cap applied): with the spec's parameters
 * ≈ 217,720,591.17 EMC, reached at the end of period 67.
 */
export function totalEmission(opts?: ScheduleOptions): bigint {
    const cap = resolveCap(opts);
    const total = prefixTable(resolveEpochsPerPeriod(opts)).total;
    return total < cap ? total : cap;
}

/**
 * The first period whose per-epoch reward r(n) is 0 (every later one is 0 too): 68 with 90 epochs per
 * period. (The cap may stop emission earlier; see {@link emittedBefore}.)
 */
export function firstZeroPeriod(opts?: ScheduleOptions): number {
    return prefixTable(resolveEpochsPerPeriod(opts)).zeroPeriod;
}
