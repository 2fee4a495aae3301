/**
 * A canister's interface as one table — method name → argument types, result type, query or
 * update — from which the canister's decorators (and so its .did), the service type and agent-js
 * idlFactories are all derived.
 */
import { C, prime, type Type } from './candid';
import { headerBytes } from './encode';
import { toIdl, type IdlLike } from './to-idl';

/** A method's Candid signature; the tuple and result types are kept, so handlers can be typed from the table. */
export interface MethodSig<A extends Type[] = Type[], R extends Type = Type> {
    args: A;
    ret: R;
    query: boolean;
}

export const queryMethod = <A extends Type[], R extends Type>(args: [...A], ret: R): MethodSig<A, R> => ({ args, ret, query: true });
export const updateMethod = <A extends Type[], R extends Type>(args: [...A], ret: R): MethodSig<A, R> => ({ args, ret, query: false });

export function serviceOf(methods: Record<string, MethodSig>): Type {
    return C.service(Object.fromEntries(Object.entries(methods).map(([name, m]) => [name, C.func(m.args, [m.ret], m.query ? ['query'] : [])])));
}

/** An agent-js idlFactory for the service (works with @dfinity/candid and @icp-sdk/core IDL). */
export function idlFactoryOf(service: Type): ({ IDL }: { IDL: IdlLike }) => unknown {
    return ({ IDL }) => toIdl(IDL, service);
}

/**
 * Builds the Candid caches a query needs — the decoder plan of its arguments and the type table
 * of its result — once, in init and post_upgrade: a query's heap changes are discarded, so
 * without this every query would build them again. An update builds its own on its first call
 * and keeps them (its heap changes stay), so priming them would only add to every upgrade; and
 * a canister never decodes its own results.
 */
export function primeService(methods: Record<string, MethodSig>): void {
    for (const m of Object.values(methods)) {
        if (!m.query) continue;
        prime(m.args);
        headerBytes([m.ret]);
    }
}
