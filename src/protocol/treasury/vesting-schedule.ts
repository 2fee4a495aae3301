/**
 * Spec §13.1, the linear-release rule (exact, pure): `annual = floor(total × 2081 / 10000)` (20.81 %
 * a year); year y releases `a_y = min(annual, total − (y−1) × annual)`. If `annual ≤ 1000 EMC` year
 * y's release is one piece at the end of year y; otherwise it is split in tranches of 1000 EMC (the
 * last of a year the remainder), `k = ceil(annual / 1000 EMC)` slots a year, tranche j (1-based) of
 * year y unlocking at `start + (y−1) × year + ceil(j × year / k)`, year = 31,536,000 s.
 *
 * Both cases are one formula: the piece size P is 1000 EMC when annual > 1000 EMC, else annual
 * (k = 1, the one piece at ceil(1 × year / 1) = the year's end). Year y then has ceil(a_y / P)
 * tranches, each P but the year's last (a_y's remainder): the tranches sum to the total exactly.
 *
 * What has unlocked at time t is computed in closed form (no loop over tranches; a 1 B EMC
 * schedule has 208,100 tranches a year): with e = t − start, Y = floor(e / year) full years and
 * s = e − Y × year, unlocked = min(Y × annual, total) + min(floor(s × k / year) × P, a_{Y+1}), since
 * ceil(j × year / k) ≤ s ⟺ j ≤ floor(s × k / year) for integer s.
 *
 * Storage: none. Cost: a few bigint operations per call.
 */
import { E8S_PER_EMC } from '../model/supply';

export const YEAR_NS = 31_536_000n * 1_000_000_000n;
export const TRANCHE_E8S = 1_000n * E8S_PER_EMC;
export const ANNUAL_BPS_NUM = 2_081n;
export const ANNUAL_BPS_DEN = 10_000n;
/** The smallest schedule: 1 EMC (so that `annual` is never 0 and the schedule ends). */
export const MIN_SCHEDULE_E8S = E8S_PER_EMC;

export interface ScheduleShape {
    total: bigint;
    /** Release start (ns since the Unix epoch). */
    start: bigint;
}

export interface Tranche {
    /** 0-based index over the whole schedule. */
    index: bigint;
    year: bigint;
    /** 1-based slot within the year. */
    slot: bigint;
    amount: bigint;
    unlocksAt: bigint;
}

export function annualRelease(total: bigint): bigint {
    return (total * ANNUAL_BPS_NUM) / ANNUAL_BPS_DEN;
}

/** Piece size P, slots a year k and the number of years. */
export function shape(total: bigint): { annual: bigint; piece: bigint; slots: bigint; years: bigint } {
    if (total < MIN_SCHEDULE_E8S) throw new RangeError(`a schedule releases at least ${MIN_SCHEDULE_E8S} e8s`);
    const annual = annualRelease(total);
    const piece = annual > TRANCHE_E8S ? TRANCHE_E8S : annual;
    return { annual, piece, slots: ceilDiv(annual, piece), years: ceilDiv(total, annual) };
}

/** a_y: what year y (1-based) releases. */
export function yearRelease(total: bigint, y: bigint): bigint {
    const { annual, years } = shape(total);
    if (y < 1n || y > years) return 0n;
    const rest = total - (y - 1n) * annual;
    return rest < annual ? rest : annual;
}

/** How many tranches the schedule has in all. */
export function trancheCount(total: bigint): bigint {
    const { piece, slots, years } = shape(total);
    return (years - 1n) * slots + ceilDiv(yearRelease(total, years), piece);
}

/** Tranche `index` (0-based), or undefined past the last. */
export function tranche(s: ScheduleShape, index: bigint): Tranche | undefined {
    if (index < 0n || index >= trancheCount(s.total)) return undefined;
    const { piece, slots } = shape(s.total);
    const year = index / slots + 1n;
    const slot = (index % slots) + 1n;
    const ay = yearRelease(s.total, year);
    const before = (slot - 1n) * piece;
    const amount = ay - before < piece ? ay - before : piece;
    return { index, year, slot, amount, unlocksAt: s.start + (year - 1n) * YEAR_NS + ceilDiv(slot * YEAR_NS, slots) };
}

/** Up to `count` tranches from `start`. */
export function tranches(s: ScheduleShape, start: bigint, count: number): Tranche[] {
    const out: Tranche[] = [];
    for (let i = 0; i < count; i++) {
        const t = tranche(s, start + BigInt(i));
        if (t === undefined) break;
        out.push(t);
    }
    return out;
}

/** What has unlocked by time `t` (closed form; see the file's comment). */
export function unlockedAt(s: ScheduleShape, t: bigint): bigint {
    if (t <= s.start) return 0n;
    const { annual, piece, slots, years } = shape(s.total);
    const e = t - s.start;
    const full = e / YEAR_NS;
    if (full >= years) return s.total;
    const done = full * annual;
    const within = e - full * YEAR_NS;
    const ay = yearRelease(s.total, full + 1n);
    const partial = ((within * slots) / YEAR_NS) * piece;
    return done + (partial < ay ? partial : ay);
}

/** When the next tranche after time `t` unlocks (undefined: all have). */
export function nextUnlockAfter(s: ScheduleShape, t: bigint): bigint | undefined {
    if (unlockedAt(s, t) >= s.total) return undefined;
    const { slots } = shape(s.total);
    if (t < s.start) return tranche(s, 0n)?.unlocksAt;
    const e = t - s.start;
    const full = e / YEAR_NS;
    const within = e - full * YEAR_NS;
    // The next slot j = floor(within × k / year) + 1 of year full + 1 (slot k is the year's end).
    const j = (within * slots) / YEAR_NS + 1n;
    return s.start + full * YEAR_NS + ceilDiv(j * YEAR_NS, slots);
}

export function ceilDiv(a: bigint, b: bigint): bigint {
    return (a + b - 1n) / b;
}
