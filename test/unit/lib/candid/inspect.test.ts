/**
 * The ingress rules of both canisters (issue 12, defect 3): each method's argument limit is the
 * largest message its argument types can be under the bounds next to the method table — the
 * largest valid argument, encoded by @dfinity/candid as agent-js sends it, fits, and the limit is
 * no looser than the type table an encoder may write — and `inspectIngress` refuses unknown
 * methods, the anonymous caller of state-changing methods, Azle's internal queries for anyone but
 * a controller, and arguments over the limit, without reading the argument when it refuses first.
 */
import fc from 'fast-check';
import { C } from '../../../../src/lib/candid/candid';
import { AZLE_CONTROLLER_QUERIES, checkArgLength, ingressPolicy, inspectIngress, type IngressRules } from '../../../../src/lib/candid/inspect';
import { queryMethod, updateMethod } from '../../../../src/lib/candid/service';
import { lebLength, maxArgBytes } from '../../../../src/lib/candid/size';
import { LEDGER_METHODS, ledgerArgBounds, ledgerIngressRules } from '../../../../src/ledger/api/interface';
import { PROTOCOL_ARG_BOUNDS, PROTOCOL_METHODS, protocolIngressPolicy, protocolIngressRules } from '../../../../src/protocol/api/interface';
import { boundedArb, encodeArgs, largestValue } from '../../../helpers/bounded-values';
import type { Type } from '../../../../src/lib/candid/candid';
import type { SizeBounds } from '../../../../src/lib/candid/size';

const ANONYMOUS = new Uint8Array([4]);
const ALICE = new Uint8Array(29).fill(1);

interface Case {
    canister: string;
    method: string;
    args: Type[];
    query: boolean;
    bounds: SizeBounds;
    rules: IngressRules;
}

const MEMO = 32;
const ledgerRules = ledgerIngressRules(MEMO);
const protocolRules = protocolIngressRules();
const cases: Case[] = [
    ...Object.entries(LEDGER_METHODS).map(([method, m]) => ({ canister: 'ledger', method, args: m.args, query: m.query, bounds: ledgerArgBounds(MEMO)[method as keyof typeof LEDGER_METHODS], rules: ledgerRules })),
    ...Object.entries(PROTOCOL_METHODS).map(([method, m]) => ({ canister: 'protocol', method, args: m.args, query: m.query, bounds: PROTOCOL_ARG_BOUNDS[method as keyof typeof PROTOCOL_METHODS], rules: protocolRules })),
];

/** The largest arguments of a method (propose_batch: its payload filled with each kind of state bit in turn). */
function largestArgs(c: Case): Uint8Array[] {
    const none = { poc_results: 0, observations: 0, tasks: 0, task_rejections: 0 };
    const fills = c.method === 'propose_batch' ? (['poc_results', 'observations', 'tasks', 'task_rejections'] as const).map((k) => ({ ...c.bounds, ...none, [k]: c.bounds[k] })) : [c.bounds];
    return fills.map((b) => encodeArgs(c.args, c.args.map((t) => largestValue(t, b))));
}

describe('argument limits', () => {
    test('maxArgBytes counts the unshared type table and the largest value of every node', () => {
        expect(maxArgBytes([], {})).toBe(6);
        expect(maxArgBytes([C.nat], {})).toBe(4 + 1 + 1 + 1 + 64);
        expect(maxArgBytes([C.text], { '': 300 })).toBe(4 + 1 + 1 + 1 + lebLength(300) + 300);
        // record { a : opt vec nat8; b : principal }: 2 entries (record, opt) + vec entry = 3
        const t = C.record({ a: C.opt(C.blob), b: C.principal });
        expect(maxArgBytes([t], { a: 32 })).toBe(encodeArgs([t], [{ a: [new Uint8Array(32)], b: largestValue(C.principal, {}) }]).length);
        expect(() => maxArgBytes([C.record({ name: C.text })], {})).toThrow(/no length bound for 'name'/);
        expect(() => maxArgBytes([C.vec(C.nat)], {})).toThrow(/no length bound for the argument/);
    });

    test.each(cases.map((c) => [`${c.canister}.${c.method}`, c] as const))('%s: the largest valid argument fits, and the limit is tight', (_name, c) => {
        const limit = c.rules[c.method].maxArgBytes;
        const sizes = largestArgs(c).map((b) => b.length);
        const largest = Math.max(...sizes);
        expect(largest).toBeLessThanOrEqual(limit);
        // what is left is the difference between an unshared type table and agent-js's shared one
        expect(limit - largest).toBeLessThanOrEqual(60);
    });

    test('random valid arguments (fast-check) of every method fit their limit', () => {
        for (const c of cases) {
            if (c.args.length === 0) continue;
            fc.assert(
                fc.property(fc.tuple(...c.args.map((t) => boundedArb(t, c.bounds, 4))), (values) => {
                    expect(encodeArgs(c.args, values).length).toBeLessThanOrEqual(c.rules[c.method].maxArgBytes);
                }),
                { numRuns: 25 },
            );
        }
    });

    test('every method of both services has a rule; every text, blob and vector a bound', () => {
        for (const c of cases) expect(c.rules[c.method]).toBeDefined();
        expect(() => ingressPolicy({ m: updateMethod([C.text], C.null) }, () => undefined, () => false).rule('m')).toThrow(/no argument bounds for method m/);
        expect(() => ingressPolicy({ m: updateMethod([C.record({ t: C.text })], C.null) }, () => ({}), () => false).rule('m')).toThrow(/m: no length bound for 't'/);
    });

    test('the limits that matter are small: token moves under 500 bytes, a batch under 64 KiB', () => {
        expect(ledgerRules.icrc1_transfer.maxArgBytes).toBeLessThan(500);
        expect(ledgerRules.icrc2_approve.maxArgBytes).toBeLessThan(500);
        expect(protocolRules.register_node.maxArgBytes).toBeLessThan(500);
        expect(protocolRules.propose_batch.maxArgBytes).toBeLessThan(65_536);
        // the ledger's limits follow its memo setting
        expect(ledgerIngressRules(1000).icrc1_transfer.maxArgBytes - ledgerRules.icrc1_transfer.maxArgBytes).toBe(1000 + lebLength(1000) - MEMO - lebLength(MEMO));
    });
});

describe('inspectIngress', () => {
    const methods = { read: queryMethod([C.text], C.text), write: updateMethod([C.text], C.null), none: updateMethod([], C.null) };
    const rules = ingressPolicy(methods, (m) => (m === 'none' ? undefined : { '': 10 }), (_n, sig) => sig.query);
    const limit = (rules.rule('write') as { maxArgBytes: number }).maxArgBytes;
    const accept = (method: string, caller: Uint8Array, length: number, controller = false) => inspectIngress(rules, method, caller, () => length, () => controller);

    test('accepts what the method takes', () => {
        expect(accept('write', ALICE, limit)).toBeUndefined();
        expect(accept('read', ANONYMOUS, limit)).toBeUndefined();
        expect(accept('none', ALICE, 6)).toBeUndefined();
    });

    test('refuses unknown methods, also names of Object.prototype and Azle self-call methods', () => {
        for (const m of ['nope', 'toString', '__proto__', 'constructor', '_azle_chunk', '<ic-cdk internal> timer_executor', 'x'.repeat(10_000)]) {
            const why = accept(m, ALICE, 6);
            expect(why).toMatch(/no method '.*' takes ingress messages/);
            expect((why as string).length).toBeLessThan(200);
        }
    });

    test('refuses the anonymous principal for methods that change state', () => {
        expect(accept('write', ANONYMOUS, 6)).toBe('write refuses the anonymous principal: sign the call with an identity');
        expect(accept('none', ANONYMOUS, 6)).toMatch(/anonymous/);
    });

    test('refuses arguments over the limit, one byte over included', () => {
        expect(accept('write', ALICE, limit + 1)).toBe(`the argument of write is ${limit + 1} bytes; at most ${limit} are accepted`);
        expect(accept('none', ALICE, 7)).toMatch(/at most 6/);
    });

    test("Azle's internal queries: controllers only", () => {
        for (const m of AZLE_CONTROLLER_QUERIES) {
            expect(accept(m, ALICE, 6, true)).toBeUndefined();
            expect(accept(m, ALICE, 6, false)).toMatch(/controllers only/);
            expect(accept(m, ANONYMOUS, 6, false)).toMatch(/controllers only/);
        }
    });

    test('the argument is not read when an earlier check refuses', () => {
        const read = () => {
            throw new Error('read');
        };
        expect(inspectIngress(rules, 'nope', ALICE, read, () => false)).toMatch(/no method/);
        expect(inspectIngress(rules, 'write', ANONYMOUS, read, () => false)).toMatch(/anonymous/);
    });

    test('execution applies the same limits by argument type (a type shared by methods gets the largest); short arguments are not looked up', () => {
        const policy = protocolIngressPolicy();
        expect(policy.argLimit(PROTOCOL_METHODS.claim_rewards.args[0])).toBe(protocolRules.pause.maxArgBytes);
        expect(policy.argLimit(PROTOCOL_METHODS.propose_batch.args[0])).toBe(protocolRules.propose_batch.maxArgBytes);
        const t = PROTOCOL_METHODS.register_node.args[0];
        const limit = protocolRules.register_node.maxArgBytes;
        expect(() => checkArgLength(policy, t, new Uint8Array(limit))).not.toThrow();
        expect(() => checkArgLength(policy, t, new Uint8Array(limit + 1))).toThrow(new RegExp(`the argument is ${limit + 1} bytes; at most ${limit} are accepted`));
        const tiny = { rule: () => undefined, argLimit: () => 10 };
        expect(() => checkArgLength(tiny, t, new Uint8Array(256))).not.toThrow();
        expect(() => checkArgLength(tiny, t, new Uint8Array(257))).toThrow(/at most 10/);
        expect(() => checkArgLength(policy, C.record({}), new Uint8Array(1_000_000))).not.toThrow();
    });

    test('both canisters: every update refuses the anonymous principal except the read-only ICRC-21 consent message; queries accept it', () => {
        for (const c of cases) {
            const expected = !c.query && c.method !== 'icrc21_canister_call_consent_message';
            expect([c.method, c.rules[c.method].refusesAnonymous]).toEqual([c.method, expected]);
        }
    });
});
