/**
 * EMC amounts as people write them → e8s (docs/client.md, "Amounts"): `parseAmount` reads what
 * `emc` (src/client/format/display.ts) prints, the one grammar of the SDK and the CLI. Never floating point.
 */
import { badInput, ok, type ClientResult } from './result';

export const E8S_PER_EMC = 100_000_000n;

/** The largest amount `parseAmount` accepts, in e8s (2^128 − 1: far above any balance; an approval above the ledger's 2^64 − 1 cap is still expressible). */
export const MAX_AMOUNT_E8S = 2n ** 128n - 1n;

const AMOUNT_EXAMPLES = '(e.g. 1.5, 1000, 1_000_000, 1,000,000.25 or 150000000e8s)';

/**
 * An EMC amount → e8s (docs/client.md, "Amounts"). The grammar, chosen so that no text means two
 * different amounts to two readers (a transfer cannot be undone):
 *  - digits, optionally one `.` followed by 1–8 decimals (`1.5`, `.5`, `0.00000001`); `.` is
 *    always the decimal point and never a group separator;
 *  - the integer part may separate groups of exactly three digits with `_` or `,` (one kind per
 *    amount, the first group 1–3 digits not starting with 0): `1_000_000`, `1,000,000.5`;
 *  - a single `,` with no decimal point (`1,5`, `0,001`, `1,500`) is refused as ambiguous: a comma
 *    is the decimal mark in much of the world, so `1,500` is 1500 to one reader and 1.5 to another;
 *  - or a whole number of e8s with the suffix `e8s` (`150000000e8s`, `150_000_000e8s`);
 *  - no sign, no exponent, no spaces or other characters, at most MAX_AMOUNT_E8S.
 * Never floating point.
 */
export function parseAmount(text: string): ClientResult<bigint> {
    const bad = (why: string): ClientResult<bigint> => badInput(`amount '${text}' ${why}`);
    const t = text.trim();
    if (t.length > 64) return bad('is too long for an amount');
    const suffix = /^(.*?)\s*e8s$/i.exec(t);
    const body = suffix === null ? t : suffix[1];
    if (body === '') return bad(`is not a number of EMC ${AMOUNT_EXAMPLES}`);
    if (/^[+-]/.test(body)) return bad('has a sign: amounts are written without + or -');
    if (/^[0-9.,_]*[eE][+-]?[0-9]+$/.test(body)) return bad('has an exponent: write the number out (1000, not 1e3); e8s is the only suffix');
    const odd = /[^0-9.,_]/.exec(body);
    if (odd !== null) return bad(/^[0-9.,_\s'’]+$/.test(body) ? `has ${charName(odd[0])}: only '_' or ',' may separate groups of three digits` : `is not a number of EMC ${AMOUNT_EXAMPLES}`);
    const parts = body.split('.');
    if (parts.length > 2) return bad("has more than one '.': '.' is the decimal point (it never separates thousands)");
    const [whole, frac] = parts as [string, string | undefined];
    if (frac !== undefined) {
        if (suffix !== null) return bad('has decimals: e8s are whole (1 e8s = 0.00000001 EMC)');
        const sep = /[,_]/.exec(frac);
        if (sep !== null) return bad(`has '${sep[0]}' after the decimal point: separators only go between groups of three digits before it`);
        if (frac === '') return bad('ends with its decimal point: write the decimals after it, or none');
        if (frac.length > 8) return bad('has more than 8 decimals (1 e8s = 0.00000001 EMC)');
    }
    if (whole === '' && frac === undefined) return bad(`is not a number of EMC ${AMOUNT_EXAMPLES}`);
    const seps = whole.match(/[,_]/g) ?? [];
    if (seps.length > 0) {
        const sep = seps[0] as ',' | '_';
        if (seps.some((s) => s !== sep)) return bad("mixes '_' and ',': separate the groups of three digits with one of them");
        const groups = whole.split(sep);
        const single = sep === ',' && seps.length === 1 && frac === undefined;
        if (single && /^[0-9]+$/.test(groups[0]) && /^[0-9]+$/.test(groups[1])) {
            const [a, b] = groups;
            const unit = suffix === null ? 'EMC' : 'e8s';
            const grouped = /^[1-9][0-9]{0,2}$/.test(a) && b.length === 3;
            const decimal = b.replace(/0+$/, '') === '' ? a : `${a}.${b.replace(/0+$/, '')}`;
            return bad(
                grouped
                    ? `is ambiguous: with ',' as a thousands separator it is ${a}${b} ${unit}, with ',' as a decimal mark ${decimal} ${unit}; write ${a}${b}${suffix === null ? ` (or ${a},${b}.0) or ${decimal}` : 'e8s'}`
                    : `uses ',' as a decimal mark: the decimal point is '.' (write ${a}.${b}); ',' only separates groups of three digits, as in 1,000,000`,
            );
        }
        if (!/^[1-9][0-9]{0,2}$/.test(groups[0]) || groups.slice(1).some((g) => !/^[0-9]{3}$/.test(g))) {
            return bad(`separates digits with '${sep}' other than in groups of three (write 1${sep}000${sep}000, or no separators)`);
        }
    }
    const digits = whole.replace(/[,_]/g, '');
    const e8s = suffix !== null ? BigInt(digits) : BigInt(digits === '' ? '0' : digits) * E8S_PER_EMC + BigInt((frac ?? '').padEnd(8, '0'));
    if (e8s > MAX_AMOUNT_E8S) return bad(`is above the largest amount accepted (2^128 − 1 e8s)`);
    return ok(e8s);
}

function charName(c: string): string {
    if (c === ' ') return 'a space';
    if (c === "'" || c === '’') return `'${c}' (an apostrophe)`;
    return /^[\x21-\x7e]$/.test(c) ? `'${c}'` : `U+${c.codePointAt(0)?.toString(16).toUpperCase().padStart(4, '0')}`;
}
