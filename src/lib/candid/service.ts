/**
 * A canister's interface as one table — method name → argument types, result type, query or
 * update — from which the canister's decorators (and so its .did), the service type and agent-js
 * idlFactories are all derived.
 */
import { C, prime, type Type } from './candid';
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
 * Builds every method's Candid caches (type tables, decoder plans) once, in init and post_upgrade.
 * Without it each query pays for them again, because a query's heap changes are discarded.
 */
export function primeService(methods: Record<string, MethodSig>): void {
    for (const m of Object.values(methods)) {
        prime(m.args);
        prime([m.ret]);
    }
}
