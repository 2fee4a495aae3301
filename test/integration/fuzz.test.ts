/**
 * Bounded, seeded Candid fuzz test over every method of both canisters (issue 12), through the
 * built Wasm in the embedded replica. Messages are generated from the method tables:
 *  - valid arguments, generated from each method's Candid types within its bounds;
 *  - mutated arguments: valid bytes with bytes flipped, inserted, deleted, truncated or repeated;
 *  - hostile arguments: huge nats and ints, deep nesting, long texts, huge vectors, big type tables;
 * from the anonymous principal, a funded identity and the governance principal, to two networks:
 * one as on the IC (ingress through canister_inspect_message), one whose ingress skips inspect (as
 * calls from other canisters do), so that hostile bytes reach the decoders and the methods.
 *
 * After every message: a rejected message changed no byte of either canister's stable memory;
 * no message overran its limit or cost more than a bound far below it. Every few messages and at
 * the end: the ledger's total supply equals the sum of the balances of every account its block
 * log names (the accounts are discovered from the ICRC-3 blocks; the balances queried).
 *
 * Seeded: message i is a function of (FUZZ_SEED, i) alone; FUZZ_SEED=<n> reproduces a run
 * (FUZZ_SEED=random picks one), FUZZ_MESSAGES=<n> sets its length (1,200 by default, ~20 s), a
 * failure names the seed and the message; FUZZ_DEBUG=<method> prints that method's replies.
 */
import { IDL } from '@dfinity/candid';
import { Principal } from '@dfinity/principal';
import fc from 'fast-check';
import { decode, encode, type Type } from '../../src/lib/candid/candid';
import type { SizeBounds } from '../../src/lib/candid/size';
import * as L from '../../src/ledger/api/candid';
import { LEDGER_METHODS, ledgerArgBounds, type LedgerMethod } from '../../src/ledger/api/interface';
import * as P from '../../src/protocol/api/candid';
import { PROTOCOL_ARG_BOUNDS, PROTOCOL_METHODS, type ProtocolMethod } from '../../src/protocol/api/interface';
import { IC_INSTRUCTION_LIMITS } from '../../tools/replica';
import { boundedArb, encodeArgs, type FieldPicks } from '../helpers/bounded-values';
import { deployNetwork, E8S, FEE, identity, LEDGER_ID, principalOf, PROTOCOL_ID, T0, type Network } from '../helpers/network';

const SEED = process.env.FUZZ_SEED === 'random' ? Math.floor(Math.random() * 2 ** 31) : Number(process.env.FUZZ_SEED ?? 20_251_112);
const MESSAGES = Number(process.env.FUZZ_MESSAGES ?? 1_200);
/** A message far beyond what any of these methods needs (the update limit is 40 B). */
const COST_CEILING = 5_000_000_000n;
/** The supply check runs after this many messages (and at the end). */
const SUPPLY_EVERY = 100;

const alice = identity(41);
const ALICE = principalOf(alice);
const ANON = Principal.anonymous();
const DIDL = [0x44, 0x49, 0x44, 0x4c];

interface MethodCase {
    canister: 'ledger' | 'protocol';
    method: string;
    args: Type[];
    bounds: SizeBounds;
}

const METHODS: MethodCase[] = [
    ...Object.entries(LEDGER_METHODS).map(([m, s]) => ({ canister: 'ledger' as const, method: m, args: s.args, bounds: ledgerArgBounds(32)[m as LedgerMethod] })),
    ...Object.entries(PROTOCOL_METHODS).map(([m, s]) => ({ canister: 'protocol' as const, method: m, args: s.args, bounds: PROTOCOL_ARG_BOUNDS[m as ProtocolMethod] })),
];

/** Methods that move tokens (weighted up, so that the ledger's books change during the run). */
const MOVES_TOKENS = new Set(['icrc1_transfer', 'icrc2_approve', 'icrc2_transfer_from', 'pay_grant', 'airdrop_batch', 'register_node', 'stake_compute', 'top_up', 'claim_rewards']);

type Caller = 'anonymous' | 'funded' | 'governance';

interface Message {
    network: 'ic' | 'no-inspect';
    canister: 'ledger' | 'protocol';
    method: string;
    caller: Caller;
    kind: 'valid' | 'mutated' | 'hostile';
    what: string;
    arg: Uint8Array;
}

// ----- generators --------------------------------------------------------------------------------

const NODE_IDS = ['c1', 'r1', 'v1'];

function picks(governance: Principal): FieldPicks {
    const owner = fc.constantFrom(ALICE, governance, PROTOCOL_ID, LEDGER_ID, ANON, Principal.fromUint8Array(new Uint8Array([9, 9, 9])));
    const nodeId = fc.oneof(fc.constantFrom(...NODE_IDS), fc.stringMatching(/^[A-Za-z0-9]{1,64}$/), fc.string({ maxLength: 70 }));
    const small = fc.oneof({ weight: 4, arbitrary: fc.bigInt({ min: 0n, max: 10n * E8S }) }, { weight: 1, arbitrary: fc.bigInt({ min: 0n, max: 1n << 70n }) });
    // fields set so that token movements often succeed (the ledger's fee, its time, the default subaccount)
    const sub = fc.oneof(
        { weight: 3, arbitrary: fc.constant(new Uint8Array(32)) },
        { weight: 3, arbitrary: fc.uint8Array({ minLength: 32, maxLength: 32 }) },
        { weight: 1, arbitrary: fc.uint8Array({ maxLength: 33 }) },
    );
    return {
        owner, node_id: nodeId, voter: nodeId, accuser: nodeId, amount: small, top_up: small,
        fee: fc.oneof({ weight: 4, arbitrary: fc.constant(FEE) }, { weight: 1, arbitrary: fc.constantFrom(0n, 1n) }),
        created_at_time: fc.oneof({ weight: 4, arbitrary: fc.constant(T0) }, { weight: 1, arbitrary: fc.constantFrom(T0 + 3_600_000_000_000n, 0n) }),
        expires_at: fc.constantFrom(T0 + 1n, 0n),
        expected_allowance: fc.constantFrom(0n, 1n),
        from_subaccount: fc.oneof({ weight: 4, arbitrary: fc.constant(new Uint8Array(32)) }, { weight: 1, arbitrary: sub }),
        spender_subaccount: sub, subaccount: sub, memo: fc.uint8Array({ maxLength: 32 }),
    };
}

function argArb(c: MethodCase, governance: Principal): fc.Arbitrary<Uint8Array> {
    if (c.args.length === 0) return fc.constant(encodeArgs([], []));
    return fc.tuple(...c.args.map((t) => boundedArb(t, c.bounds, 4, '', picks(governance)))).map((vs) => encodeArgs(c.args, vs));
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

/** Valid bytes with one to four mutations. */
const mutationArb = (bytes: Uint8Array): fc.Arbitrary<[string, Uint8Array]> =>
    fc
        .array(
            fc.tuple(fc.constantFrom('flip', 'set', 'insert', 'delete', 'truncate', 'repeat'), fc.nat(), fc.integer({ min: 0, max: 255 })),
            { minLength: 1, maxLength: 4 },
        )
        .map((ops) => {
            let b = [...bytes];
            for (const [op, at, v] of ops) {
                const i = b.length === 0 ? 0 : at % b.length;
                if (op === 'flip') b[i] ^= 1 << (v % 8);
                else if (op === 'set') b[i] = [0, 0x7f, 0x80, 0xff, v][v % 5];
                else if (op === 'insert') b.splice(i, 0, v);
                else if (op === 'delete') b.splice(i, 1);
                else if (op === 'truncate') b = b.slice(0, i);
                else b = [...b.slice(0, i), ...b.slice(i, i + 1 + (v % 16)), ...b.slice(i)];
            }
            return [ops.map((o) => o[0]).join('+'), new Uint8Array(b)];
        });

/** Concatenates byte parts (arrays of any size: no spreading into arguments). */
function cat(...parts: (Uint8Array | number[])[]): Uint8Array {
    const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of parts) {
        out.set(p, at);
        at += p.length;
    }
    return out;
}

const fill = (n: number, v: number): Uint8Array => new Uint8Array(n).fill(v);

/** Hostile argument bytes (built directly: no encoder would write most of them). */
function hostileArb(c: MethodCase, governance: Principal): fc.Arbitrary<[string, Uint8Array]> {
    const types = c.args.map((t) => encodeIdl(t));
    const values = c.args.length === 0 ? fc.constant([] as unknown[]) : fc.tuple(...c.args.map((t) => boundedArb(t, c.bounds, 2, '', picks(governance))));
    /** The method's valid arguments plus an extra argument of `extraType` whose last byte (a one-byte marker value) is replaced by `tail`. */
    const withExtra = (extraType: IDL.Type, marker: unknown, tail: Uint8Array) =>
        values.map((vs) => {
            const bytes = new Uint8Array(IDL.encode([...types, extraType], [...vs, marker]));
            return cat(bytes.subarray(0, bytes.length - 1), tail);
        });
    const named = (what: string, bytes: Uint8Array): [string, Uint8Array] => [what, bytes];
    return fc.oneof(
        // a nat or int of 65 bytes to 100 KB: as an extra argument (skipped), or the whole argument
        fc.tuple(fc.integer({ min: 65, max: 100_000 }), fc.boolean()).chain(([len, signed]) =>
            withExtra(signed ? IDL.Int : IDL.Nat, 1n, cat(fill(len - 1, 0xff), [0x7f])).map((b) => named(`extra ${signed ? 'int' : 'nat'} of ${len} bytes`, b)),
        ),
        fc.integer({ min: 65, max: 100_000 }).map((len) => named(`bare nat of ${len} bytes`, cat(DIDL, [0, 1, 0x7d], fill(len - 1, 0x80), [0x01]))),
        // a long text: as an extra argument, or as the argument itself
        fc.integer({ min: 1_000, max: 1_500_000 }).chain((len) => withExtra(IDL.Text, '', cat(leb(len), fill(len, 0x61))).map((b) => named(`extra text of ${len} bytes`, b))),
        fc.integer({ min: 1_000, max: 1_500_000 }).map((len) => named(`bare text of ${len} bytes`, cat(DIDL, [0, 1, 0x71], leb(len), fill(len, 0x61)))),
        // deep nesting: opt opt … (10 to 2,000 deep) with a value as deep
        fc.integer({ min: 10, max: 2_000 }).map((depth) => {
            const t: number[] = [...DIDL, ...leb(depth)];
            for (let i = 0; i < depth - 1; i++) t.push(0x6e, ...leb(i + 1));
            t.push(0x6e, 0x7f, 1, 0);
            return named(`opt nested ${depth} deep`, cat(t, fill(depth, 1)));
        }),
        // huge vectors: bytes, empty texts, opt null, nulls (zero-sized)
        fc.integer({ min: 1_000, max: 1_500_000 }).map((n) => named(`vec nat8 of ${n}`, cat(DIDL, [1, 0x6d, 0x7b, 1, 0], leb(n), fill(n, 7)))),
        fc.integer({ min: 1_000, max: 700_000 }).chain((n) => withExtra(IDL.Vec(IDL.Text), [], cat(leb(n), fill(n, 0))).map((b) => named(`extra vec of ${n} empty texts`, b))),
        fc.integer({ min: 1_000, max: 900_000 }).chain((n) => withExtra(IDL.Vec(IDL.Opt(IDL.Null)), [], cat(leb(n), fill(n, 1))).map((b) => named(`extra vec of ${n} opt null`, b))),
        fc.integer({ min: 1_000, max: 10_000_000 }).map((n) => named(`vec null of ${n}`, cat(DIDL, [1, 0x6d, 0x7f, 1, 0], leb(n)))),
        // big type tables: empty records, or one record of many fields
        fc.integer({ min: 200, max: 950_000 }).map((n) => {
            const t = new Uint8Array(2 * n);
            for (let i = 0; i < n; i++) t[2 * i] = 0x6c;
            return named(`type table of ${n} records`, cat(DIDL, leb(n), t, [1, 0]));
        }),
        fc.integer({ min: 500, max: 200_000 }).map((m) => {
            const fields: number[] = [];
            for (let j = 0; j < m; j++) fields.push(...leb(j), 0x7d);
            return named(`record of ${m} nat fields`, cat(DIDL, [1, 0x6c], leb(m), fields, [1, 0], fill(m, 1)));
        }),
    );
}

const idlCache = new Map<Type, IDL.Type>();
function encodeIdl(t: Type): IDL.Type {
    let x = idlCache.get(t);
    if (x === undefined) {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        x = require('../../src/lib/candid/to-idl').toIdl(IDL as never, t) as IDL.Type;
        idlCache.set(t, x);
    }
    return x;
}

function messagesArb(governance: Principal): fc.Arbitrary<Message> {
    const money = METHODS.filter((c) => MOVES_TOKENS.has(c.method));
    const method = fc.oneof(
        { weight: 30, arbitrary: fc.constantFrom(...METHODS) },
        { weight: 30, arbitrary: fc.constantFrom(...money) },
        { weight: 1, arbitrary: fc.constant({ canister: 'ledger', method: 'no_such_method', args: [], bounds: {} } as MethodCase) },
    );
    const caller = fc.constantFrom<Caller>('anonymous', 'funded', 'funded', 'governance');
    return fc.tuple(fc.constantFrom<Message['network']>('ic', 'no-inspect'), method, caller, fc.integer({ min: 0, max: 9 })).chain(([network, c, who, roll]) => {
        const kind: Message['kind'] = roll < 4 ? 'valid' : roll < 7 ? 'mutated' : 'hostile';
        const base = { network, canister: c.canister, method: c.method, caller: who, kind };
        if (kind === 'valid') return argArb(c, governance).map((arg) => ({ ...base, what: 'valid', arg }));
        if (kind === 'mutated') return argArb(c, governance).chain(mutationArb).map(([what, arg]) => ({ ...base, what, arg }));
        return hostileArb(c, governance).map(([what, arg]) => ({ ...base, what, arg }));
    });
}

// ----- invariants --------------------------------------------------------------------------------

type Value = { Nat: bigint } | { Int: bigint } | { Text: string } | { Blob: Uint8Array } | { Array: Value[] } | { Map: [string, Value][] };

function field(v: Value, key: string): Value | undefined {
    return 'Map' in v ? v.Map.find(([k]) => k === key)?.[1] : undefined;
}

function accountOf(v: Value | undefined): L.CAccount | undefined {
    if (v === undefined || !('Array' in v)) return undefined;
    const [owner, sub] = v.Array as { Blob: Uint8Array }[];
    return { owner: Principal.fromUint8Array(owner.Blob), subaccount: sub === undefined ? [] : [sub.Blob] };
}

class Books {
    private next = 0n;
    readonly accounts = new Map<string, L.CAccount>();
    constructor(private readonly net: Network) {}

    private query(method: string, arg: Uint8Array): Uint8Array {
        const r = this.net.replica.query({ canisterId: LEDGER_ID, method, arg, sender: ANON });
        if ('reject' in r) throw new Error(`${method}: ${r.reject.message}`);
        return r.reply;
    }

    /** Total supply and the sum of the balances of every account the block log names. */
    check(): { supply: bigint; sum: bigint; accounts: number; blocks: bigint } {
        for (;;) {
            const r = decode([L.GetBlocksResult], this.query('icrc3_get_blocks', encode([L.GetBlocksArgsVec], [[{ start: this.next, length: 100n }]])))[0] as { log_length: bigint; blocks: { id: bigint; block: Value }[] };
            for (const b of r.blocks) {
                const tx = field(b.block, 'tx') as Value;
                for (const a of [accountOf(field(tx, 'from')), accountOf(field(tx, 'to')), accountOf(field(b.block, 'fee_col'))]) {
                    // the all-zero subaccount is the default account (ICRC-1): one key for both spellings
                    const sub = a === undefined || a.subaccount.length === 0 || a.subaccount[0].every((x) => x === 0) ? '' : Buffer.from(a.subaccount[0]).toString('hex');
                    if (a !== undefined) this.accounts.set(`${a.owner.toText()}:${sub}`, a);
                }
                this.next = b.id + 1n;
            }
            if (r.blocks.length === 0 || this.next >= r.log_length) break;
        }
        let sum = 0n;
        for (const a of this.accounts.values()) sum += decode([L.C_NAT], this.query('icrc1_balance_of', encode([L.CAccount], [a])))[0] as bigint;
        const supply = decode([L.C_NAT], this.query('icrc1_total_supply', encode([], [])))[0] as bigint;
        return { supply, sum, accounts: this.accounts.size, blocks: this.next };
    }
}

// ----- the run -----------------------------------------------------------------------------------

describe(`Candid fuzz over every method of both canisters (seed ${SEED}, ${MESSAGES} messages; FUZZ_SEED=${SEED} reproduces)`, () => {
    const nets = {} as Record<Message['network'], Network>;
    const books = {} as Record<Message['network'], Books>;

    beforeAll(async () => {
        for (const network of ['ic', 'no-inspect'] as const) {
            const net = await deployNetwork([[alice, 1_000_000n * E8S]], { replica: { inspectMessage: network === 'ic', seed: new Uint8Array(32).fill(SEED % 251) } });
            // a node to aim at: c1 (compute, unstaked), so that node methods find something
            const s = await net.replica.submitUpdate({ canisterId: PROTOCOL_ID, method: 'register_node', arg: encode([P.RegisterNodeArgsT], [{ node_id: 'c1', node_type: { compute: null }, wallet: { owner: ALICE, subaccount: [] }, stake: [] }]), sender: ALICE, requestId: `fuzz-setup-${network}` });
            expect(s.status).toBe('replied');
            nets[network] = net;
            books[network] = new Books(net);
        }
    });

    test('rejected messages change no stable memory; no message overruns; supply = Σ balances throughout', async () => {
        const governance = principalOf(nets.ic.governance);
        const arb = messagesArb(governance);
        /** Message i of the run: a function of (SEED, i) alone, generated when it is sent. */
        const messageAt = (i: number): Message => fc.sample(arb, { seed: SEED + i, numRuns: 1, unbiased: true })[0];
        const senders: Record<Caller, Principal> = { anonymous: ANON, funded: ALICE, governance };
        const stats = { rejected: 0, replied: 0, byInspect: 0, maxHostile: 0n, maxHostileWhat: '' };
        const fail = (i: number, m: Message, why: string): never => {
            throw new Error(`fuzz seed ${SEED}, message ${i} (${m.network}: ${m.canister}.${m.method} from ${m.caller}, ${m.kind}: ${m.what}, ${m.arg.length} bytes): ${why}\nreproduce: FUZZ_SEED=${SEED} npx jest test/integration/fuzz.test.ts`);
        };
        for (let i = 0; i < MESSAGES; i++) {
            const m = messageAt(i);
            const net = nets[m.network];
            const r = net.replica;
            const hash = () => [LEDGER_ID, PROTOCOL_ID].map((c) => Buffer.from(r.stableMemoryHash(c)).toString('hex')).join(':');
            const before = hash();
            const from = r.executionLog().length;
            const s = await r.submitUpdate({ canisterId: m.canister === 'ledger' ? LEDGER_ID : PROTOCOL_ID, method: m.method, arg: m.arg, sender: senders[m.caller], requestId: `fuzz-${SEED}-${i}` });
            await r.idle();
            const execs = r.executionLog().slice(from);
            if (s.status === 'processing') fail(i, m, 'still processing after the replica went idle');
            if (s.status === 'rejected') {
                stats.rejected++;
                if (execs.every((e) => e.kind === 'inspect_message')) stats.byInspect++;
                if (hash() !== before) fail(i, m, `rejected (${s.reject.message.slice(0, 200)}) but stable memory changed`);
                if (s.reject.errorCode === 'IC0522') fail(i, m, 'a message overran its instruction limit');
            } else {
                stats.replied++;
                if (process.env.FUZZ_DEBUG !== undefined && m.method === process.env.FUZZ_DEBUG && s.status === 'replied') process.stdout.write(`${m.kind} ${m.caller} ${m.network}: ${JSON.stringify(decode([(m.canister === 'ledger' ? LEDGER_METHODS : PROTOCOL_METHODS)[m.method as never]['ret'] as Type], s.reply)[0], (_k, v) => (typeof v === 'bigint' ? String(v) : v instanceof Uint8Array ? 'blob' : v)).slice(0, 150)}\n`);
            }
            for (const e of execs) {
                if (e.instructions >= COST_CEILING) fail(i, m, `${e.kind} ${e.method} cost ${e.instructions} instructions (ceiling ${COST_CEILING}, limit ${IC_INSTRUCTION_LIMITS.update})`);
                if (m.kind === 'hostile' && e.instructions > stats.maxHostile) [stats.maxHostile, stats.maxHostileWhat] = [e.instructions, `${m.canister}.${m.method} ${m.what} (${m.network}, ${s.status})`];
            }
            if ((i + 1) % SUPPLY_EVERY === 0 || i === MESSAGES - 1) {
                for (const network of ['ic', 'no-inspect'] as const) {
                    const b = books[network].check();
                    if (b.supply !== b.sum) fail(i, m, `${network}: total supply ${b.supply} ≠ Σ balances ${b.sum} over ${b.accounts} accounts, ${b.blocks} blocks`);
                }
            }
        }
        // the run exercised all three outcomes
        expect(stats.replied).toBeGreaterThan(MESSAGES / 10);
        expect(stats.rejected - stats.byInspect).toBeGreaterThan(MESSAGES / 10);
        expect(stats.byInspect).toBeGreaterThan(MESSAGES / 20);
        process.stdout.write(`fuzz seed ${SEED}: ${MESSAGES} messages, ${stats.replied} replied, ${stats.rejected} rejected (${stats.byInspect} by inspect_message); ledger books: ${books.ic.accounts.size} + ${books['no-inspect'].accounts.size} accounts, ${books.ic.check().blocks} + ${books['no-inspect'].check().blocks} blocks; costliest hostile message ${stats.maxHostile} instructions: ${stats.maxHostileWhat}\n`);
    });
});
