/**
 * What every client method answers: a value, or an error with a kind and a readable one-line
 * message. Nothing a canister or the network says is thrown; only programming errors are.
 */
import { Principal } from '@dfinity/principal';
import { formatAmount } from '../ledger/consent';
import { toHex } from '../storage/bytes';

export interface ClientError {
    /** The canister's error case (`InsufficientFunds`, `NodeNotFound`, …) or one of `LOCAL_KINDS`. */
    kind: string;
    /** One line, amounts in EMC: `InsufficientFunds: balance 1.5 EMC, needed 2.0001 EMC`. */
    message: string;
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: ClientError };

/** Error kinds the client produces itself (not a canister's answer). */
export const LOCAL_KINDS = {
    /** Malformed input found before anything was sent (bad principal, account, amount, node id …). */
    BadInput: 'BadInput',
    /** The call certainly did not execute (network down, replica overloaded, SYS_TRANSIENT), retries exhausted. */
    Transport: 'Transport',
    /** The call may or may not have executed (lost response, SYS_UNKNOWN) and is not safe to repeat blindly. */
    UnknownOutcome: 'UnknownOutcome',
    /** The replica rejected the call (a trap, a missing method, an unknown canister): a definite answer. */
    Rejected: 'Rejected',
} as const;

/** The CLI's exit codes (also in `emc --help` and docs/client.md). */
export const EXIT = { ok: 0, refused: 1, usage: 2, transport: 3 } as const;

export function exitCodeOf(e: ClientError): number {
    if (e.kind === LOCAL_KINDS.BadInput) return EXIT.usage;
    if (e.kind === LOCAL_KINDS.Transport || e.kind === LOCAL_KINDS.UnknownOutcome) return EXIT.transport;
    return EXIT.refused;
}

export function ok<T>(value: T): Result<T> {
    return { ok: true, value };
}

export function fail<T = never>(kind: string, message: string): Result<T> {
    return { ok: false, error: { kind, message: message.startsWith(`${kind}:`) || message.startsWith(`${kind} `) ? message : `${kind}: ${message}` } };
}

export function badInput<T = never>(message: string): Result<T> {
    return fail(LOCAL_KINDS.BadInput, message);
}

/** Applies `f` to a successful value. */
export function mapResult<T, U>(r: Result<T>, f: (v: T) => U): Result<U> {
    return r.ok ? { ok: true, value: f(r.value) } : r;
}

/** The value, or throws an Error with the error's message (for scripts that prefer exceptions). */
export function unwrap<T>(r: Result<T>): T {
    if (r.ok) return r.value;
    throw Object.assign(new Error(r.error.message), { kind: r.error.kind });
}

export const E8S_PER_EMC = 100_000_000n;

/** `150000000n` → `1.5 EMC` (8 decimals, trailing zeros dropped; never floating point). */
export function emc(e8s: bigint): string {
    return `${formatAmount(e8s, 8)} EMC`;
}

/**
 * A decimal EMC amount (`1.5`, `1000000`, `0.00000001`) → e8s. At most 8 decimals, no sign, no
 * exponent; `_` and `,` thousands separators are accepted. An `e8s` suffix takes an integer in e8s.
 */
export function parseAmount(text: string): Result<bigint> {
    const t = text.trim().replace(/[_,]/g, '');
    const e8s = /^(\d+)\s*e8s$/i.exec(t);
    if (e8s !== null) return ok(BigInt(e8s[1]));
    const m = /^(\d+)(?:\.(\d{1,8}))?$/.exec(t) ?? /^()\.(\d{1,8})$/.exec(t);
    if (m === null) {
        if (/^\d*\.\d{9,}$/.test(t)) return badInput(`amount '${text}' has more than 8 decimals (1 e8s = 0.00000001 EMC)`);
        return badInput(`amount '${text}' is not a number of EMC (e.g. 1.5 or 1000 or 150000000e8s)`);
    }
    return ok(BigInt(m[1] === '' ? '0' : m[1]) * E8S_PER_EMC + BigInt((m[2] ?? '').padEnd(8, '0')));
}

/** JSON with bigints as decimal strings, principals as text, bytes as hex (what `--json` prints). */
export function toJson(value: unknown, indent?: number): string {
    // The replacer reads the raw value (`this[key]`): Principal's own toJSON runs before a replacer sees it.
    return JSON.stringify(
        value,
        function (this: Record<string, unknown>, key: string) {
            return jsonValue(this[key]);
        },
        indent,
    );
}

function jsonValue(v: unknown): unknown {
    if (typeof v === 'bigint') return v.toString();
    if (v instanceof Uint8Array) return toHex(v);
    if (v !== null && typeof v === 'object' && (v as { _isPrincipal?: boolean })._isPrincipal === true) return Principal.from(v).toText();
    return v;
}
