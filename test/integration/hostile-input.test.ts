/**
 * Hostile input through the built Wasm in the embedded replica (issue 12, defects 2 and 3).
 *
 * - The decoder itself (a replica whose ingress skips inspect_message, as canister calls do): a
 *   long nat/int and a huge type table are refused as malformed for a few million instructions,
 *   where they cost 1.7 B (10 KB nat) to more than the 40 B limit (100 KB nat, 1.9 MB table).
 * - canister_inspect_message (the IC's ingress path): unknown methods, the anonymous caller of
 *   every state-changing method and oversize arguments are refused before any execution, for the
 *   cost of inspect alone and no cycles; the largest valid argument of every method from an
 *   identified caller still passes; what inspect refuses to the anonymous caller, execution
 *   refuses as well.
 * Every refused message leaves both canisters' stable memory byte for byte as it was.
 */
import { IDL } from '@dfinity/candid';
import { Principal } from '@dfinity/principal';
import { decode, type Type } from '../../src/lib/candid/candid';
import { toIdl } from '../../src/lib/candid/to-idl';
import * as L from '../../src/ledger/api/candid';
import { LEDGER_METHODS, ledgerArgBounds, ledgerIngressPolicy, ledgerIngressRules, type LedgerMethod } from '../../src/ledger/api/interface';
import { PROTOCOL_ARG_BOUNDS, PROTOCOL_METHODS, protocolIngressPolicy, protocolIngressRules, type ProtocolMethod } from '../../src/protocol/api/interface';
import * as P from '../../src/protocol/api/candid';
import { DEFAULT_CONTROLLER, type ExecutionRecord } from '../../tools/replica';
import { encodeArgs, largestValue, NAT_MAX } from '../helpers/bounded-values';
import { deployNetwork, E8S, identity, LEDGER_ID, principalOf, PROTOCOL_ID, type Network } from '../helpers/network';

const alice = identity(1);
const ALICE = principalOf(alice);
const ANON = Principal.anonymous();
const DIDL = [0x44, 0x49, 0x44, 0x4c];
/** What "cheap" means for a refused message: far below the 1.7 B a 10 KB nat cost before. */
const CHEAP = 50_000_000n;

interface Sent {
    status: 'replied' | 'rejected';
    message: string;
    reply?: Uint8Array;
    /** This message's executions on the target canister (inspect_message, update, …). */
    execs: ExecutionRecord[];
    cyclesSpent: bigint;
    stableUnchanged: boolean;
}

let seq = 0;

async function send(net: Network, canister: Principal, method: string, arg: Uint8Array, sender: Principal): Promise<Sent> {
    const r = net.replica;
    const hashes = () => [LEDGER_ID, PROTOCOL_ID].map((c) => Buffer.from(r.stableMemoryHash(c)).toString('hex')).join();
    const before = hashes();
    const cycles = r.cycleBalance(canister);
    const from = r.executionLog().length;
    const s = await r.submitUpdate({ canisterId: canister, method, arg, sender, requestId: `hostile-${++seq}` });
    await r.idle();
    const execs = r.executionLog().slice(from).filter((e) => e.canister === canister.toText());
    if (s.status === 'processing') throw new Error('still processing');
    return { status: s.status, message: s.status === 'rejected' ? s.reject.message : '', reply: s.status === 'replied' ? s.reply : undefined, execs, cyclesSpent: cycles - r.cycleBalance(canister), stableUnchanged: hashes() === before };
}

const instructions = (s: Sent, kind: ExecutionRecord['kind']) => s.execs.filter((e) => e.kind === kind).reduce((n, e) => n + e.instructions, 0n);

/** A TransferArg encoded by @dfinity/candid with any amount (our encoder refuses amounts over the bound). */
function transfer(amount: bigint, fee: [] | [bigint] = []): Uint8Array {
    return new Uint8Array(IDL.encode([toIdl(IDL as never, L.TransferArg)], [{ from_subaccount: [], to: { owner: ANON, subaccount: [] }, amount, fee, memo: [], created_at_time: [] }]));
}

const natOfBytes = (n: number): bigint => (1n << BigInt(7 * n)) - 1n;

function emptyRecords(n: number): Uint8Array {
    const t = [...DIDL, ...leb(n)];
    for (let i = 0; i < n; i++) t.push(0x6c, 0);
    t.push(1, 0);
    return new Uint8Array(t);
}

/** The message with its 10-byte amount (nine 0xff, one 0x7f) made `n` bytes long. */
function withLongAmount(msg: Uint8Array, n: number): Uint8Array {
    const at = Buffer.from(msg).indexOf(Buffer.from([...new Array(9).fill(0xff), 0x7f]));
    if (at < 0) throw new Error('no 10-byte amount in the message');
    return new Uint8Array([...msg.subarray(0, at), ...new Array(n - 1).fill(0xff), 0x7f, ...msg.subarray(at + 10)]);
}

function leb(n: number): number[] {
    const o: number[] = [];
    do {
        let b = n & 127;
        n = Math.floor(n / 128);
        if (n > 0) b |= 128;
        o.push(b);
    } while (n > 0);
    return o;
}

async function balance(net: Network, who: Principal): Promise<bigint> {
    return (await net.ledger().icrc1_balance_of({ owner: who, subaccount: [] })) as bigint;
}

describe('the decoder refuses long integers and huge type tables cheaply (inspect_message bypassed)', () => {
    let net: Network;
    beforeAll(async () => {
        net = await deployNetwork([[alice, 1_000n * E8S]], { replica: { inspectMessage: false } });
    });

    test.each([
        ['a 10 KB nat to the ledger (icrc1_transfer amount)', 'ledger', 'icrc1_transfer', () => transfer(natOfBytes(10_000))],
        ['a 10 KB nat in an opt (icrc1_transfer fee)', 'ledger', 'icrc1_transfer', () => transfer(1n, [natOfBytes(10_000)])],
        ['a 10 KB nat to the protocol (top_up amount)', 'protocol', 'top_up', () => encodeArgs([P.TopUpArgsT], [{ node_id: 'abc', amount: natOfBytes(10_000), from_subaccount: [] }])],
        ['a 10 KB nat in an opt to the protocol (register_node stake)', 'protocol', 'register_node', () => encodeArgs([P.RegisterNodeArgsT], [{ node_id: 'abc', node_type: { compute: null }, wallet: { owner: ALICE, subaccount: [] }, stake: [{ amount: natOfBytes(10_000), lock_days: 180, from_subaccount: [] }] }])],
        ['a 100 KB nat (it exhausted the 40 B limit)', 'ledger', 'icrc1_transfer', () => withLongAmount(transfer(natOfBytes(10)), 100_000)],
        ['a 100 KB int skipped as an extra argument', 'protocol', 'withdraw_candidacy', () => new Uint8Array([...DIDL, 0, 2, 0x71, 0x7c, 3, 0x61, 0x62, 0x63, ...new Array(100_000).fill(0xff), 0x7f])],
        ['a 200-byte nat (within the transfer argument limit: the decoder refuses it)', 'ledger', 'icrc1_transfer', () => withLongAmount(transfer(natOfBytes(10)), 200)],
        ['a 200-byte nat in an opt to the protocol (within the register_node limit)', 'protocol', 'register_node', () => encodeArgs([P.RegisterNodeArgsT], [{ node_id: 'abc', node_type: { compute: null }, wallet: { owner: ALICE, subaccount: [] }, stake: [{ amount: natOfBytes(200), lock_days: 180, from_subaccount: [] }] }])],
    ])('%s: refused as malformed, cheaply, nothing changed', async (_name, canister, method, arg) => {
        const before = await balance(net, ALICE);
        const bytes = arg();
        const s = await send(net, canister === 'ledger' ? LEDGER_ID : PROTOCOL_ID, method, bytes, ALICE);
        expect(s.status).toBe('rejected');
        // over the method's argument limit, the canister refuses it before decoding (the limit
        // inspect_message applies, checked at execution as well); within it, the decoder's bound
        const [methods, policy] = canister === 'ledger' ? [LEDGER_METHODS, ledgerIngressPolicy(() => 32)] : [PROTOCOL_METHODS, protocolIngressPolicy()];
        const limit = policy.argLimit((methods as Record<string, { args: Type[] }>)[method].args[0]) as number;
        expect(s.message).toMatch(bytes.length > limit ? new RegExp(`the argument is ${bytes.length} bytes; at most ${limit} are accepted`) : /nat\/int longer than 64 bytes of LEB128/);
        expect(instructions(s, 'update')).toBeGreaterThan(0n);
        expect(instructions(s, 'update')).toBeLessThan(CHEAP);
        expect(s.stableUnchanged).toBe(true);
        expect(await balance(net, ALICE)).toBe(before);
    });

    test('a nat at the bound (64 bytes) still decodes: an approval of 2^448 - 1 is capped at 2^64 - 1', async () => {
        const arg = encodeArgs([L.ApproveArgsT], [{ fee: [], memo: [], from_subaccount: [], created_at_time: [], amount: NAT_MAX, expected_allowance: [], expires_at: [], spender: { owner: PROTOCOL_ID, subaccount: [] } }]);
        const s = await send(net, LEDGER_ID, 'icrc2_approve', arg, ALICE);
        expect(s.status).toBe('replied');
        expect(instructions(s, 'update')).toBeLessThan(CHEAP);
        const allowance = (await net.ledger().icrc2_allowance({ account: { owner: ALICE, subaccount: [] }, spender: { owner: PROTOCOL_ID, subaccount: [] } })) as { allowance: bigint };
        expect(allowance.allowance).toBe(2n ** 64n - 1n);
    });

    test('a 1.9 MB type table (950,000 empty records) from the anonymous principal: refused cheaply, nothing changed', async () => {
        const t = new Uint8Array(4 + 3 + 2 * 950_000 + 2);
        t.set([...DIDL, ...leb(950_000)]);
        for (let i = 0; i < 950_000; i++) t[7 + 2 * i] = 0x6c;
        t.set([1, 0], t.length - 2);
        for (const [canister, method, refusal] of [
            [LEDGER_ID, 'icrc1_transfer', /the argument is 1900009 bytes; at most 343 are accepted/],
            [PROTOCOL_ID, 'propose_batch', new RegExp(`the argument is 1900009 bytes; at most ${protocolIngressRules().propose_batch.maxArgBytes} are accepted`)],
        ] as const) {
            const s = await send(net, canister, method, t, ANON);
            expect(s.message).toMatch(refusal);
            expect(instructions(s, 'update')).toBeLessThan(CHEAP);
            expect(s.stableUnchanged).toBe(true);
        }
        // within propose_batch's limit, the table's own cap refuses it
        const small = emptyRecords(257);
        const s = await send(net, PROTOCOL_ID, 'propose_batch', small, ANON);
        expect(s.message).toMatch(/type table has 257 entries; at most 256 are accepted/);
        expect(instructions(s, 'update')).toBeLessThan(CHEAP);
    });

    test('tables at the caps cost little (propose_batch, whose limit holds them): 256 records of 3 fields, 1,022 services of 16 KiB of names, opt nested 256 deep', async () => {
        const records = [...DIDL, ...leb(256)];
        for (let i = 0; i < 256; i++) records.push(0x6c, 3, 0, 0x7d, 1, 0x7d, 2, 0x7d);
        records.push(1, 0);
        const services = [...DIDL, 2, 0x6a, 0, 0, 0, 0x69, ...leb(1022)];
        for (let j = 0; j < 1022; j++) services.push(16, ...Buffer.from(String(j).padStart(16, 'm')), 0);
        services.push(1, 1, 1, 1, 4);
        const nested = [...DIDL, ...leb(256)];
        for (let i = 0; i < 255; i++) nested.push(0x6e, ...leb(i + 1));
        nested.push(0x6e, 0x7f, 1, 0, ...new Array(256).fill(1));
        for (const msg of [records, services, nested]) {
            expect(msg.length).toBeLessThanOrEqual(protocolIngressRules().propose_batch.maxArgBytes);
            const s = await send(net, PROTOCOL_ID, 'propose_batch', new Uint8Array(msg), ANON);
            expect(s.status).toBe('rejected');
            expect(s.message).not.toMatch(/the argument is \d+ bytes/);
            expect(instructions(s, 'update')).toBeLessThan(CHEAP);
            expect(s.stableUnchanged).toBe(true);
        }
    });

    test('every update method refuses the anonymous principal when it executes (so inspect_message may refuse it earlier)', async () => {
        const updates = [
            ...Object.entries(LEDGER_METHODS).filter(([n, m]) => !m.query && n !== 'icrc21_canister_call_consent_message').map(([n, m]) => [LEDGER_ID, n, m, ledgerArgBounds(32)[n as LedgerMethod]] as const),
            ...Object.entries(PROTOCOL_METHODS).filter(([, m]) => !m.query).map(([n, m]) => [PROTOCOL_ID, n, m, PROTOCOL_ARG_BOUNDS[n as ProtocolMethod]] as const),
        ];
        expect(updates.length).toBe(3 + 20 + 11 + 15 + 6); // + the market's 11 updates, the distribution's 15 (issues 17, 19) and the sockets' 6 ICRC-7/37 batch updates (issue 18)
        for (const [canister, method, m, bounds] of updates) {
            // small valid arguments (a few elements per vector, short texts)
            const small = { ...bounds, poc_results: 3, observations: 3, tasks: 3, task_rejections: 3, payments: 3, reason: 12, '': Math.min(bounds[''] ?? 0, 12) };
            const s = await send(net, canister, method, encodeArgs(m.args, m.args.map((t) => largestValue(t, small))), ANON);
            expect([method, s.stableUnchanged]).toEqual([method, true]);
            // refused with an error the method returns (or, for none of them today, a trap)
            const reply = s.reply === undefined ? undefined : (decode([m.ret], s.reply)[0] as Record<string, unknown>);
            // the ICRC-7/37 batch methods answer one GenericBatchError in the first position (their standards' batch error)
            const batchRefusal = Array.isArray(reply) && reply.length === 1 && JSON.stringify(reply[0], (_k, v) => (typeof v === 'bigint' ? v.toString() : v)).includes('GenericBatchError');
            expect([method, s.status === 'rejected' || (reply !== undefined && ('Err' in reply || batchRefusal))]).toEqual([method, true]);
        }
    });
});

describe('canister_inspect_message refuses before execution, for nothing', () => {
    let net: Network;
    const ledgerRules = ledgerIngressRules(32);
    const protocolRules = protocolIngressRules();
    const all = [
        ...Object.entries(LEDGER_METHODS).map(([n, m]) => ({ canister: LEDGER_ID, name: 'ledger', method: n, args: m.args, query: m.query, bounds: ledgerArgBounds(32)[n as LedgerMethod], limit: ledgerRules[n].maxArgBytes })),
        ...Object.entries(PROTOCOL_METHODS).map(([n, m]) => ({ canister: PROTOCOL_ID, name: 'protocol', method: n, args: m.args, query: m.query, bounds: PROTOCOL_ARG_BOUNDS[n as ProtocolMethod], limit: protocolRules[n].maxArgBytes })),
    ];
    const largest = (c: (typeof all)[number]) =>
        encodeArgs(c.args, c.args.map((t) => largestValue(t, c.method === 'propose_batch' ? { ...c.bounds, observations: 0, poc_results: 0, task_rejections: 0 } : c.bounds)));

    beforeAll(async () => {
        net = await deployNetwork([[alice, 1_000n * E8S]]);
    });

    function refusedByInspect(s: Sent, reason: RegExp): void {
        expect(s.status).toBe('rejected');
        expect(s.message).toMatch(reason);
        expect(s.execs.map((e) => e.kind)).toEqual(['inspect_message']);
        expect(s.execs[0].instructions).toBeLessThan(10_000_000n);
        expect(s.cyclesSpent).toBe(0n);
        expect(s.stableUnchanged).toBe(true);
    }

    test('an unknown method, with a 1.9 MB argument; Azle self-call methods', async () => {
        refusedByInspect(await send(net, LEDGER_ID, 'mint_me_tokens', new Uint8Array(1_900_000), ALICE), /no method 'mint_me_tokens' takes ingress messages/);
        refusedByInspect(await send(net, PROTOCOL_ID, 'mint_me_tokens', new Uint8Array([...DIDL, 0, 0]), ANON), /no method/);
        for (const m of ['_azle_chunk', '<ic-cdk internal> timer_executor']) {
            refusedByInspect(await send(net, PROTOCOL_ID, m, new Uint8Array([...DIDL, 0, 0]), DEFAULT_CONTROLLER), /no method/);
        }
    });

    test('the anonymous principal, for every method that changes state (its largest valid argument)', async () => {
        const refusing = all.filter((c) => !c.query && c.method !== 'icrc21_canister_call_consent_message');
        expect(refusing.length).toBe(3 + 20 + 11 + 15 + 6);
        for (const c of refusing) refusedByInspect(await send(net, c.canister, c.method, largest(c), ANON), new RegExp(`${c.method} refuses the anonymous principal`));
    });

    test('an argument one byte over its limit, for every method; 1.9 MB to the batch', async () => {
        for (const c of all) {
            const over = new Uint8Array(c.limit + 1);
            over.set(largest(c));
            refusedByInspect(await send(net, c.canister, c.method, over, ALICE), new RegExp(`the argument of ${c.method} is ${c.limit + 1} bytes; at most ${c.limit}`));
        }
        refusedByInspect(await send(net, PROTOCOL_ID, 'propose_batch', new Uint8Array(1_900_000), ALICE), new RegExp(`at most ${protocolRules.propose_batch.maxArgBytes}`));
    });

    test('the largest valid argument from an identified caller passes, for every method (updates, and queries called as updates)', async () => {
        for (const c of all) {
            const s = await send(net, c.canister, c.method, largest(c), ALICE);
            expect([c.method, s.execs.map((e) => e.kind).slice(0, 2)]).toEqual([c.method, ['inspect_message', c.query ? 'replicated_query' : 'update']]);
            expect(s.execs[0].instructions).toBeLessThan(10_000_000n);
        }
    });

    test('the anonymous principal may read: queries called as updates, and the ICRC-21 consent message', async () => {
        const s = await send(net, LEDGER_ID, 'icrc1_balance_of', encodeArgs([L.CAccount], [{ owner: ALICE, subaccount: [] }]), ANON);
        expect(s.status).toBe('replied');
        const consent = all.find((c) => c.method === 'icrc21_canister_call_consent_message')!;
        expect((await send(net, LEDGER_ID, consent.method, largest(consent), ANON)).execs.map((e) => e.kind)).toEqual(['inspect_message', 'update']);
    });

    test("Azle's internal queries: for controllers only", async () => {
        const empty = new Uint8Array([...DIDL, 0, 0]);
        refusedByInspect(await send(net, LEDGER_ID, '_azle_heap_allocation', empty, ALICE), /controllers only/);
        const s = await send(net, LEDGER_ID, '_azle_heap_allocation', empty, DEFAULT_CONTROLLER);
        expect(s.status).toBe('replied');
        expect(s.execs.map((e) => e.kind)).toEqual(['inspect_message', 'replicated_query']);
    });

    test('the agent-js client sees the reason', async () => {
        const err = await net.ledger().icrc1_transfer({ from_subaccount: [], to: { owner: ALICE, subaccount: [] }, amount: 1n, fee: [], memo: [], created_at_time: [] }).catch((e: Error) => e);
        expect(String((err as Error).message)).toMatch(/emc_ledger refuses the message: icrc1_transfer refuses the anonymous principal/);
    });

    test('the decoder bound still applies behind inspect: a 64-byte nat fits the transfer limit, a 65-byte one is refused by the decoder', async () => {
        expect(transfer(natOfBytes(64)).length).toBeLessThanOrEqual(ledgerRules.icrc1_transfer.maxArgBytes);
        const s = await send(net, LEDGER_ID, 'icrc1_transfer', transfer(natOfBytes(65)), ALICE);
        expect(s.execs.map((e) => e.kind)).toEqual(['inspect_message', 'update']);
        expect(s.message).toMatch(/longer than 64 bytes/);
        expect(instructions(s, 'update')).toBeLessThan(CHEAP);
        expect(s.stableUnchanged).toBe(true);
    });
});
