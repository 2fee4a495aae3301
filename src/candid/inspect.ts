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
 * The rules of a service: for each method, its argument limit from `bounds[method]` (a method
 * with arguments needs an entry, even `{}` when it has no text, blob or vector) and whether it
 * refuses the anonymous caller; plus Azle's internal queries, for controllers only.
 */
export function ingressRules<M extends string>(
    methods: Readonly<Record<M, MethodSig>>,
    bounds: Readonly<Partial<Record<M, SizeBounds>>>,
    anonymousAllowed: (method: M, sig: MethodSig) => boolean,
): IngressRules {
    const rules: Record<string, IngressRule> = {};
    for (const name of Object.keys(methods) as M[]) {
        const sig = methods[name];
        const b = bounds[name];
        if (b === undefined && sig.args.length > 0) throw new Error(`no argument bounds for method ${name}`);
        let limit: number;
        try {
            limit = maxArgBytes(sig.args, b ?? {});
        } catch (e) {
            throw new Error(`${name}: ${(e as Error).message}`);
        }
        rules[name] = { maxArgBytes: limit, refusesAnonymous: !anonymousAllowed(name, sig) };
    }
    for (const name of AZLE_CONTROLLER_QUERIES) rules[name] = { maxArgBytes: EMPTY_ARGS_BYTES, refusesAnonymous: true, controllersOnly: true };
    return rules;
}

const ANONYMOUS = 0x04;

/**
 * Why the message is refused, or undefined to accept it. `argLength` is called only when the
 * other checks passed (reading the argument copies it).
 */
export function inspectIngress(rules: IngressRules, method: string, caller: Uint8Array, argLength: () => number, isController: () => boolean): string | undefined {
    const rule = Object.prototype.hasOwnProperty.call(rules, method) ? rules[method] : undefined;
    if (rule === undefined) return `no method '${method.length > 64 ? `${method.slice(0, 64)}…` : method}' takes ingress messages`;
    if (rule.controllersOnly === true && !isController()) return `${method} is for the canister's controllers only`;
    if (rule.refusesAnonymous && caller.length === 1 && caller[0] === ANONYMOUS) return `${method} refuses the anonymous principal: sign the call with an identity`;
    const n = argLength();
    if (n > rule.maxArgBytes) return `the argument of ${method} is ${n} bytes; at most ${rule.maxArgBytes} are accepted`;
    return undefined;
}

/**
 * The same argument limits at execution, where inspect does not run (calls from other canisters):
 * the limit of each method's argument type, keyed by the type (a type several methods share gets
 * the largest of their limits). Methods with more than one argument are not covered (none has).
 */
export type ArgLimits = ReadonlyMap<Type, number>;

export function argLimitsByType(methods: Readonly<Record<string, MethodSig>>, rules: IngressRules): ArgLimits {
    const limits = new Map<Type, number>();
    for (const [name, sig] of Object.entries(methods)) {
        if (sig.args.length !== 1) continue;
        const t = sig.args[0];
        limits.set(t, Math.max(limits.get(t) ?? 0, rules[name].maxArgBytes));
    }
    return limits;
}

/** Arguments this short are within every limit: they are not looked up (no cost on the common path). */
const ALWAYS_FITS = 256;

/** Throws a CandidError when `bytes`, an argument of type `t`, is longer than its limit. */
export function checkArgLength(limits: ArgLimits, t: Type, bytes: Uint8Array): void {
    if (bytes.length <= ALWAYS_FITS) return;
    const limit = limits.get(t);
    if (limit !== undefined && bytes.length > limit) throw new CandidError(`the argument is ${bytes.length} bytes; at most ${limit} are accepted for it`);
}
