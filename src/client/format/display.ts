/**
 * How numbers are shown to people. Exact amounts with their unit (`emc`: `1.5 EMC`) in the CLI's
 * output and the clients' error messages; the devnet's console lines, its HTML report and the web
 * dashboard use the others and nothing else, so a figure reads the same everywhere:
 *  - EMC and E-values: en-US thousands separators, 2 decimals, truncated toward zero
 *    (`719,999.99`); the exact value, all significant decimals (`719,999.99999999`), goes in
 *    tooltips, `data-value` attributes and JSON;
 *  - counts: thousands separators (`1,234`);
 *  - chart ticks: compact (`1.5M`, `250k`, `12`).
 * Plain TypeScript with no Node APIs (the dashboard bundles it). Display only: amounts stay
 * bigint e8s everywhere else.
 */
import { formatAmount } from '../../ledger/consent';

export const E8S = 100_000_000n;

/** `150000000n` → `1.5 EMC` (8 decimals, trailing zeros dropped; never floating point). */
export function emc(e8s: bigint): string {
    return `${formatAmount(e8s, 8)} EMC`;
}

const group = (n: bigint): string => {
    const s = (n < 0n ? -n : n).toString();
    const out = s.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
    return n < 0n ? `-${out}` : out;
};

/** e8s → `720,000.00` (2 decimals, truncated). */
export function emc2(e8s: bigint): string {
    const neg = e8s < 0n;
    const a = neg ? -e8s : e8s;
    const cents = (a % E8S) / 1_000_000n;
    return `${neg ? '-' : ''}${group(a / E8S)}.${cents.toString().padStart(2, '0')}`;
}

/** e8s → `719,999.99999999` (every significant decimal; `720,000` when whole). */
export function emcExact(e8s: bigint): string {
    const neg = e8s < 0n;
    const a = neg ? -e8s : e8s;
    const frac = (a % E8S).toString().padStart(8, '0').replace(/0+$/, '');
    return `${neg ? '-' : ''}${group(a / E8S)}${frac === '' ? '' : `.${frac}`}`;
}

/** A count: `1,234`. */
export function count(n: bigint | number): string {
    return group(BigInt(n));
}

/** A chart tick: `1.5M`, `250k`, `12`, `0.5`. */
export function compact(v: number): string {
    const a = Math.abs(v);
    if (a >= 1e9) return `${+(v / 1e9).toFixed(2)}B`;
    if (a >= 1e6) return `${+(v / 1e6).toFixed(2)}M`;
    if (a >= 1e3) return `${+(v / 1e3).toFixed(2)}k`;
    if (a >= 1 || a === 0) return `${+v.toFixed(1)}`;
    return `${+v.toPrecision(2)}`;
}

/** e8s → EMC as a number, for drawing only (never for arithmetic). */
export function toNumber(e8s: bigint): number {
    return Number(e8s / E8S) + Number(e8s % E8S) / 1e8;
}

/** ns since the epoch → `2026-12-05 09:30:00 UTC`. */
export function utc(ns: bigint): string {
    return `${new Date(Number(ns / 1_000_000n)).toISOString().replace('T', ' ').replace(/\.\d+Z$/, '')} UTC`;
}
