/**
 * The ingress filter both canisters run in `canister_inspect_message` (docs/security.md): before a
 * message is accepted — and so before the IC charges the canister for inducting and executing it —
 * it is refused when
 *  - the method is not one of the service's (Azle's internal methods included: its `_azle_*`
 *    queries for controllers only; `_azle_chunk` and the timer executor take self-calls, never
 *    ingress);
 *  - the caller is the anonymous principal and the method refuses it anyway (every method that
 *    changes state: the rule "the anonymous principal never changes state");
 *  - the argument is longer than the method's limit: the largest message its argument types can
 *    be under the bounds written next to the method table (`maxArgBytes`).
 * Only the method name, the caller and the argument's length are looked at: nothing is decoded.
 * Inspect is not consensus (one node runs it): the execution path keeps every check of its own.
 *
 * Cost: a table lookup and a comparison (plus the copy of the argument that Azle's msgArgData
 * makes, only for messages that passed the other checks).
 */
import { CandidError } from './error';
import type { MethodSig } from './service';
import type { Type } from './types';
import { maxArgBytes, type SizeBounds } from './size';

export interface IngressRule {
    /** Longest argument accepted, in bytes (the whole Candid message). */
    maxArgBytes: number;
    /** The method refuses the anonymous principal when it executes: refuse it here already. */
    refusesAnonymous: boolean;
    /** Only the canister's controllers may call it (Azle's internal queries). */
    controllersOnly?: boolean;
}

export type IngressRules = Readonly<Record<string, IngressRule>>;

/**
 * Azle 0.33's internal queries, guarded by `guard_against_non_controllers` in its canister
 * template; they take no argument ("DIDL\0\0", 6 bytes).
 */
export const AZLE_CONTROLLER_QUERIES = [
    '_azle_get_benchmarks',
    '_azle_reject_callbacks_len',
    '_azle_resolve_callbacks_len',
    '_azle_timer_callbacks_len',
    '_azle_actions_len',
    '_azle_inter_canister_call_futures_len',
    '_azle_is_job_queue_empty',
    '_azle_heap_allocation',
] as const;

const EMPTY_ARGS_BYTES = 6;

/**
 * A service's ingress policy. Rules are computed when asked, one method at a time, and not kept:
 * nothing of them stays in the canister's heap (more live objects would make every garbage
 * collection of the JavaScript heap dearer, in every message).
 */
export interface IngressPolicy {
    /** The rule of `method`, or undefined when the service does not take it as ingress. */
    rule(method: string): IngressRule | undefined;
    /** Execution's limit for an argument of type `t`: the largest among the methods whose single argument it is. */
    argLimit(t: Type): number | undefined;
}

/**
 * The policy of a service: a method's argument limit from `boundsOf(method)` (a method with
 * arguments needs bounds, even `{}` when it has no text, blob or vector) or from `limitOf` when
 * given for it; whether it refuses the anonymous caller; Azle's internal queries for controllers.
 */
export function ingressPolicy<M extends string>(
    methods: Readonly<Record<M, MethodSig>>,
    boundsOf: (method: M) => SizeBounds | undefined,
    anonymousAllowed: (method: M, sig: MethodSig) => boolean,
    limitOf: (method: M) => number | undefined = () => undefined,
): IngressPolicy {
    const own = (name: string): name is M => Object.prototype.hasOwnProperty.call(methods, name);
    let argLimits: Map<Type, number | undefined> | undefined;
    const limit = (name: M): number => {
        const given = limitOf(name);
        if (given !== undefined) return given;
        const sig = methods[name];
        const b = boundsOf(name);
        if (b === undefined && sig.args.length > 0) throw new Error(`no argument bounds for method ${name}`);
        try {
            return maxArgBytes(sig.args, b ?? {});
        } catch (e) {
            throw new Error(`${name}: ${(e as Error).message}`);
        }
    };
    return {
        rule(method) {
            if (own(method)) return { maxArgBytes: limit(method), refusesAnonymous: !anonymousAllowed(method, methods[method]) };
            if ((AZLE_CONTROLLER_QUERIES as readonly string[]).includes(method)) return { maxArgBytes: EMPTY_ARGS_BYTES, refusesAnonymous: true, controllersOnly: true };
            return undefined;
        },
        argLimit(t) {
            // remembered (numbers in one Map): a method with long arguments pays for the walk once
            const known = argLimits?.get(t);
            if (known !== undefined || argLimits?.has(t)) return known;
            let max: number | undefined;
            for (const name of Object.keys(methods) as M[]) {
                const args = methods[name].args;
                if (args.length === 1 && args[0] === t) max = Math.max(max ?? 0, limit(name));
            }
            (argLimits ??= new Map()).set(t, max);
            return max;
        },
    };
}

/** Every rule of a policy (for tests and documentation; the canisters ask one method at a time). */
export function ingressRules(policy: IngressPolicy, methods: Readonly<Record<string, MethodSig>>): IngressRules {
    const rules: Record<string, IngressRule> = {};
    for (const name of [...Object.keys(methods), ...AZLE_CONTROLLER_QUERIES]) rules[name] = policy.rule(name) as IngressRule;
    return rules;
}

const ANONYMOUS = 0x04;

/**
 * Why the message is refused, or undefined to accept it. `argLength` is called only when the
 * other checks passed (reading the argument copies it).
 */
export function inspectIngress(policy: IngressPolicy, method: string, caller: Uint8Array, argLength: () => number, isController: () => boolean): string | undefined {
    const rule = policy.rule(method);
    if (rule === undefined) return `no method '${method.length > 64 ? `${method.slice(0, 64)}…` : method}' takes ingress messages`;
    if (rule.controllersOnly === true && !isController()) return `${method} is for the canister's controllers only`;
    if (rule.refusesAnonymous && caller.length === 1 && caller[0] === ANONYMOUS) return `${method} refuses the anonymous principal: sign the call with an identity`;
    const n = argLength();
    if (n > rule.maxArgBytes) return `the argument of ${method} is ${n} bytes; at most ${rule.maxArgBytes} are accepted`;
    return undefined;
}

/** Arguments this short are within every limit: they are not looked up (no cost on the common path). */
const ALWAYS_FITS = 256;

/**
 * The same argument limits at execution, where inspect does not run (calls from other canisters):
 * throws a CandidError when `bytes`, an argument of type `t`, is longer than the policy allows it.
 */
export function checkArgLength(policy: IngressPolicy, t: Type, bytes: Uint8Array): void {
    if (bytes.length <= ALWAYS_FITS) return;
    const limit = policy.argLimit(t);
    if (limit !== undefined && bytes.length > limit) throw new CandidError(`the argument is ${bytes.length} bytes; at most ${limit} are accepted for it`);
}
