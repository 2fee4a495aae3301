/**
 * What the commands' inputs are checked with (before anything is opened or sent): amounts, days,
 * node ids, heights, durations, memos, ids and ranges, the options several groups share, and
 * reading a log in pages. Each answers a BadInput ClientResult that names the argument.
 */
import { badInput, mapResult, ok, type ClientResult } from '../../client/result';
import { parseAmount } from '../../client/amount';
import { nodeIdProblem } from '../../protocol/nodes/record';
import { flag, type FlagSpec, type Parsed } from './args';

export function amountArg(text: string | undefined, what: string): ClientResult<bigint> {
    if (text === undefined) return badInput(`${what} is missing`);
    const a = parseAmount(text);
    return a.ok ? a : badInput(`${what}: ${a.error.message.replace(/^BadInput: /, '')}`);
}

export function daysArg(text: string | undefined, what = '--days'): ClientResult<number> {
    if (text === undefined) return badInput(`${what} is missing (a number of days)`);
    if (!/^\d{1,10}$/.test(text) || Number(text) < 1 || Number(text) > 0xffffffff) return badInput(`${what} '${text}' is not a whole number of days`);
    return ok(Number(text));
}

export function nodeIdArg(text: string): ClientResult<string> {
    const p = nodeIdProblem(text);
    return p === undefined ? ok(text) : badInput(`node id '${text}' ${p}`);
}

export function heightArg(text: string): ClientResult<bigint> {
    if (!/^\d{1,20}$/.test(text) || BigInt(text) >= 2n ** 64n) return badInput(`height '${text}' is not a whole number below 2^64`);
    return ok(BigInt(text));
}

export function optional<T>(text: string | undefined, f: (t: string) => ClientResult<T>): ClientResult<T | undefined> {
    return text === undefined ? ok(undefined) : f(text);
}

export function durationNs(text: string): ClientResult<bigint> {
    const m = /^(\d+)(s|m|h|d)$/.exec(text);
    if (m === null) return badInput(`duration '${text}' is not like 30m, 12h or 7d`);
    const unit = { s: 1n, m: 60n, h: 3_600n, d: 86_400n }[m[2] as 's' | 'm' | 'h' | 'd'];
    return ok(BigInt(m[1]) * unit * 1_000_000_000n);
}

export function memoArg(p: Parsed): ClientResult<Uint8Array | undefined> {
    const text = flag(p, 'memo');
    const hex = flag(p, 'memo-hex');
    if (text !== undefined && hex !== undefined) return badInput('give --memo or --memo-hex, not both');
    if (hex !== undefined) {
        if (!/^([0-9a-fA-F]{2})*$/.test(hex)) return badInput(`--memo-hex '${hex}' is not an even number of hex digits`);
        return ok(new Uint8Array(Buffer.from(hex, 'hex')));
    }
    return ok(text === undefined ? undefined : new Uint8Array(Buffer.from(text, 'utf8')));
}

/** Collects several Results into one (the first error wins). */
export function all<T extends unknown[]>(...rs: { [K in keyof T]: ClientResult<T[K]> }): ClientResult<T> {
    for (const r of rs) if (!r.ok) return r as ClientResult<never>;
    return ok(rs.map((r) => (r as { value: unknown }).value) as T);
}

export const STAKE_NOTES = `Before approving anything, the command checks what the protocol will check, with its current
parameters (emc gov params): the node type and status, the minimum stake and term, the compute lock
periods, the renewal rules, a top-up above 0, the pause, and that your balance covers the stake and
two ledger fees. A refusal names the protocol's rule, sends nothing and costs nothing (exit 2).`;

export const FROM_SUBACCOUNT: FlagSpec = { name: 'from-subaccount', value: 'HEX', help: 'pay from this subaccount of the caller (up to 64 hex digits)' };
export const WALLET: FlagSpec = { name: 'wallet', value: 'ACCOUNT', help: 'where rewards are minted (default: the caller)' };
export const MEMO: FlagSpec[] = [
    { name: 'memo', value: 'TEXT', help: 'a memo (UTF-8, at most 32 bytes)' },
    { name: 'memo-hex', value: 'HEX', help: 'a memo as hex bytes' },
];

export function countArg(text: string | undefined, what: string, dflt: number, max: number): ClientResult<number> {
    const t = text ?? String(dflt);
    if (!/^\d{1,6}$/.test(t) || Number(t) < 1 || Number(t) > max) return badInput(`${what} '${t}' is not a number from 1 to ${max}`);
    return ok(Number(t));
}

/** A vote, payout or log id: a whole number below 2^64. */
export function idArg(text: string, what: string): ClientResult<bigint> {
    if (!/^\d{1,20}$/.test(text) || BigInt(text) >= 2n ** 64n) return badInput(`${what} '${text}' is not a whole number below 2^64`);
    return ok(BigInt(text));
}

export const RANGE: FlagSpec[] = [
    { name: 'start', value: 'N', help: 'the first sequence number (default: the latest --count records)' },
    { name: 'count', value: 'N', help: 'how many (default 100, at most 1000)' },
];

export function rangeArgs(p: Parsed): ClientResult<{ start?: bigint; count: number }> {
    return mapResult(all(optional(flag(p, 'start'), (t) => idArg(t, '--start')), countArg(flag(p, 'count'), '--count', 100, 1000)), ([start, count]) => ({ start, count }));
}

/** Reads `count` items from `start` in pages of 100 (what the canister answers at most per call). */
export async function pages<T>(start: bigint, count: number, page: (a: { start: bigint; count: number }) => Promise<ClientResult<T[]>>): Promise<ClientResult<T[]>> {
    const out: T[] = [];
    while (out.length < count) {
        const n = Math.min(100, count - out.length);
        const r = await page({ start: start + BigInt(out.length), count: n });
        if (!r.ok) return r;
        out.push(...r.value);
        if (r.value.length < n) break;
    }
    return ok(out);
}
