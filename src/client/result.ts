/**
 * What every client method answers: a value, or an error with a kind and a readable one-line
 * message (src/client/errors/client-error.ts). Nothing a canister or the network says is thrown;
 * only programming errors are.
 */
import { LOCAL_KINDS, type ClientError } from './errors/client-error';

export type ClientResult<T> = { ok: true; value: T } | { ok: false; error: ClientError };

export function ok<T>(value: T): ClientResult<T> {
    return { ok: true, value };
}

export function fail<T = never>(kind: string, message: string): ClientResult<T> {
    return { ok: false, error: { kind, message: message.startsWith(`${kind}:`) || message.startsWith(`${kind} `) ? message : `${kind}: ${message}` } };
}

export function badInput<T = never>(message: string): ClientResult<T> {
    return fail(LOCAL_KINDS.BadInput, message);
}

/** Applies `f` to a successful value. */
export function mapResult<T, U>(r: ClientResult<T>, f: (v: T) => U): ClientResult<U> {
    return r.ok ? { ok: true, value: f(r.value) } : r;
}

/** The value, or throws an Error with the error's message (for scripts that prefer exceptions). */
export function unwrap<T>(r: ClientResult<T>): T {
    if (r.ok) return r.value;
    throw Object.assign(new Error(r.error.message), { kind: r.error.kind });
}
