/**
 * The protocol canister's input bounds: every day count, amount, text and free registration a
 * caller can hand the protocol is checked against one of these at the boundary (the domain method
 * that receives it), before anything is written. docs/security.md lists each with the threat it
 * answers. The storage writers (src/lib/storage/binary.ts) refuse what does not fit instead of
 * wrapping, so a missing check here traps rather than corrupts.
 *
 * Cost: constant-time comparisons; texts are measured in UTF-8 bytes, the unit they are stored in.
 */
import { utf8Length } from '../../lib/storage/binary';

/** 2,100,000,000 EMC in e8s (spec §1): no amount the protocol handles can be larger. */
export const MAX_AMOUNT_E8S = 2_100_000_000n * 100_000_000n;

/**
 * The longest stake term, and the longest remaining term a renewal may leave (10 years). Spec §2
 * sets only minimums; 3,650 days also bounds the governance parameters for terms and keeps every
 * term end far inside the 64-bit nanosecond clock.
 */
export const MAX_TERM_DAYS = 3_650;

/** A compute stake must exceed this many ledger fees, so that releasing it moves something. */
export const MIN_COMPUTE_STAKE_FEES = 10n;

/** Reasons (impeachments, grants, airdrops, pauses): one rule for validate_m and m alike. */
export const MAX_REASON_BYTES = 1_000;

/** Error texts kept in records (a ledger's reject message): longer ones are cut, never refused. */
export const MAX_ERROR_BYTES = 1_000;

/** Unstaked compute registrations still awaiting their first PoC: per operator and in total. */
export const MAX_UNSTAKED_PER_OPERATOR = 16;
export const MAX_UNSTAKED_TOTAL = 20_000;

/**
 * A ledger call whose attempt is marked in flight for longer than this is treated as lost (its
 * callback trapped, so its outcome was never recorded) and may be retried with the same
 * idempotency key. A ledger on the same subnet answers within seconds.
 */
export const OPERATION_LEASE_NS = 5n * 60n * 1_000_000_000n;

/** Why `amount` (e8s) is out of bounds, or undefined. */
export function amountProblem(name: string, amount: bigint, min = 0n): string | undefined {
    if (typeof amount !== 'bigint') return `${name} is not a number`;
    if (amount < min) return min === 1n ? `${name} must be positive` : `${name} must be at least ${min} e8s`;
    if (amount > MAX_AMOUNT_E8S) return `${name} exceeds the maximum supply (${MAX_AMOUNT_E8S} e8s)`;
    return undefined;
}

/** Why `days` is not a whole number of days within [min, MAX_TERM_DAYS], or undefined. */
export function daysProblem(name: string, days: number, min: number): string | undefined {
    if (!Number.isInteger(days) || days < 0) return `${name} must be a whole number of days`;
    if (days < min) return `${name} must be at least ${min} days`;
    if (days > MAX_TERM_DAYS) return `${name} must be at most ${MAX_TERM_DAYS} days`;
    return undefined;
}

/** Why a reason text is not 1..MAX_REASON_BYTES bytes of UTF-8 with something other than spaces, or undefined. */
export function reasonProblem(reason: unknown): string | undefined {
    if (typeof reason !== 'string' || reason.trim().length === 0) return 'the reason must not be empty';
    const n = utf8Length(reason);
    if (n > MAX_REASON_BYTES) return `the reason must be at most ${MAX_REASON_BYTES} bytes of UTF-8 (it has ${n})`;
    return undefined;
}

/** `text` cut to at most `max` bytes of UTF-8 (at a character boundary), marked with "…" when cut. */
export function clipText(text: string, max = MAX_ERROR_BYTES): string {
    if (utf8Length(text) <= max) return text;
    let out = '';
    let n = 0;
    for (const ch of text) {
        const w = utf8Length(ch);
        if (n + w > max - 3) break;
        out += ch;
        n += w;
    }
    return `${out}…`;
}
