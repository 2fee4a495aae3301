/**
 * A canister's interface as one table — method name → argument types, result type, query or
 * update — from which the canister's decorators (and so its .did), the service type and agent-js
 * idlFactories are all derived.
 */
import { C, prime, type Type } from './candid';
import { toIdl, type IdlLike } from './to-idl';

export interface MethodSig {
    args: Type[];
    ret: Type;
    query: boolean;
}

export const queryMethod = (args: Type[], ret: Type): MethodSig => ({ args, ret, query: true });
export const updateMethod = (args: Type[], ret: Type): MethodSig => ({ args, ret, query: false });

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
