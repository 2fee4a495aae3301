/**
 * State-bit batch consensus (spec §4): digest, limits, voting rules, confirmation and apply,
 * participation, confirmation times, certified tip, pruning and per-message work.
 */
import { createHash } from 'crypto';
import { IDL } from '@dfinity/candid';
import { Principal } from '@dfinity/principal';
import fc from 'fast-check';
import { encode } from '../../../src/lib/candid/candid';
import { FakeEnv } from '../../../src/lib/env';
import { EMPTY_TREE_HASH as LEDGER_EMPTY_TREE_HASH } from '../../../src/ledger/certification';
import { Batches, type BatchOptions, type StateBitSink } from '../../../src/protocol/batches/batches';
import type { BatchStores } from '../../../src/protocol/batches/store';
import { BatchErrorT, BatchInfoT, KEEP_CONFIRMED_PAYLOADS, MAX_PENDING_PROPOSALS, MAX_STATE_BITS, ProposeResultT, batchDigest, type BatchPayload, type BatchResult } from '../../../src/protocol/batches/payload';
import { EMPTY_TREE_HASH, batchTipHashTreeCbor, batchTipRootHash } from '../../../src/protocol/batches/certified-tip';
import { quorum } from '../../../src/protocol/validators/quorum';
import { encodeTreeCbor } from '../../../tools/replica/certification/cbor';
import { empty, fork, labeled, leaf, reconstruct } from '../../../tools/replica/certification/hashTree';
import { leb128 as refLeb128 } from '../../../tools/replica/certification';
import { MemoryKV, type KV } from '../../../src/lib/storage/kv';
import { principal, SECOND, T0 } from '../ledger/helpers';
import { FakeValidators, hex } from './fake-validators';

// ---- harness ----------------------------------------------------------------------------------

type SinkCall = ['poc', string, string, number, bigint] | ['obs', string, boolean, bigint];

/** Records every call; node ids starting with "x" are unknown to the registry. */
class RecordingSink implements StateBitSink {
    calls: SinkCall[] = [];
    applyPoc(nodeId: string, operator: Uint8Array, pocMs: number, height: bigint): string {
        this.calls.push(['poc', nodeId, hex(operator), pocMs, height]);
        return nodeId.startsWith('x') ? 'unknown_node' : 'applied';
    }
    applyObservation(nodeId: string, online: boolean, height: bigint): string {
        this.calls.push(['obs', nodeId, online, height]);
        return nodeId.startsWith('x') ? 'unknown_node' : 'applied';
    }
}

/** Counts KV operations (and records `entries` calls) of a wrapped store. */
class CountingKV implements KV {
    ops = 0;
    entriesCalls: [number, number][] = [];
    constructor(readonly inner: KV = new MemoryKV()) {}
    get(k: Uint8Array) { this.ops++; return this.inner.get(k); }
    set(k: Uint8Array, v: Uint8Array) { this.ops++; this.inner.set(k, v); }
    delete(k: Uint8Array) { this.ops++; return this.inner.delete(k); }
    has(k: Uint8Array) { this.ops++; return this.inner.has(k); }
    size() { return this.inner.size(); }
    entries(s: number, c: number) { this.ops++; this.entriesCalls.push([s, c]); return this.inner.entries(s, c); }
}

function newStores(): { [K in keyof BatchStores]: CountingKV } {
    return { config: new CountingKV(), proposals: new CountingKV(), votes: new CountingKV(), confirmed: new CountingKV(), participation: new CountingKV() };
}

function setup(n: number, options: BatchOptions = {}) {
    const stores = newStores();
    const validators = new FakeValidators(n, 1000n);
    const sink = new RecordingSink();
    const env = new FakeEnv(principal(100), T0);
    const batches = new Batches(stores, validators, sink, env, options);
    const as = (i: number): Batches => {
        env.as(principal(100 + i));
        return batches;
    };
    const ops = (): number => Object.values(stores).reduce((s, kv) => s + kv.ops, 0);
    const dump = (): string => JSON.stringify(Object.values(stores).map((kv) => kv.inner.entries(0, 1e9).map(([k, v]) => hex(k) + '=' + hex(v))));
    return { stores, validators, sink, env, batches, as, ops, dump };
}

function payload(seed: number, poc = 2, obs = 1): BatchPayload {
    return {
        poc_results: Array.from({ length: poc }, (_, i) => ({ node_id: `node${seed}n${i}`, operator: Principal.fromUint8Array(principal(5000 + i)), poc_ms: 100 + seed + i })),
        observations: Array.from({ length: obs }, (_, i) => ({ node_id: `router${seed}n${i}`, online: (seed + i) % 2 === 0 })),
    };
}

function ok(r: BatchResult) {
    if (!('Ok' in r)) throw new Error(`expected Ok, got ${JSON.stringify(r, (_, v) => (typeof v === 'bigint' ? `${v}n` : v instanceof Uint8Array ? hex(v) : v))}`);
    return r.Ok;
}

function propose(b: Batches, h: bigint, p: BatchPayload): BatchResult {
    return b.propose(h, p, batchDigest(p));
}

/** Proposes p at h by validator 0 and votes with 1..q-1: confirmed. */
function confirmWith(t: ReturnType<typeof setup>, h: bigint, p: BatchPayload, voters?: number[]): Uint8Array {
    const d = batchDigest(p);
    const q = quorum(t.validators.activeCount());
    const vs = voters ?? Array.from({ length: q }, (_, i) => i);
    ok(propose(t.as(vs[0]), h, p));
    for (const v of vs.slice(1)) ok(t.as(v).vote(h, d));
    expect(t.batches.lastConfirmed()?.height).toBe(h);
    return d;
}

function bitsOf(p: BatchPayload, h: bigint): SinkCall[] {
    return [
        ...p.poc_results.map((r): SinkCall => ['poc', r.node_id, hex(r.operator.toUint8Array()), r.poc_ms, h]),
        ...p.observations.map((o): SinkCall => ['obs', o.node_id, o.online, h]),
    ];
}

// ---- digest -----------------------------------------------------------------------------------

const IdlPayload = IDL.Record({
    poc_results: IDL.Vec(IDL.Record({ node_id: IDL.Text, operator: IDL.Principal, poc_ms: IDL.Nat32 })),
    observations: IDL.Vec(IDL.Record({ node_id: IDL.Text, online: IDL.Bool })),
});
const nodeIdArb = fc.stringMatching(/^[A-Za-z0-9]{1,64}$/);
const payloadArb: fc.Arbitrary<BatchPayload> = fc.record({
    poc_results: fc.array(
        fc.record({
            node_id: nodeIdArb,
            operator: fc.uint8Array({ maxLength: 29 }).map((b) => Principal.fromUint8Array(b)),
            poc_ms: fc.integer({ min: 1, max: 0xffffffff }),
        },
            { noNullPrototype: true },
        ),
        { maxLength: 20 },
    ),
    observations: fc.array(fc.record({ node_id: nodeIdArb, online: fc.boolean() }, { noNullPrototype: true }), { maxLength: 20 }),
}, { noNullPrototype: true });

describe('batchDigest', () => {
    it('equals SHA-256 of @dfinity/candid IDL.encode (what a client computes)', () => {
        fc.assert(
            fc.property(payloadArb, (p) => {
                const client = createHash('sha256').update(IDL.encode([IdlPayload], [p])).digest();
                expect(hex(batchDigest(p))).toBe(client.toString('hex'));
            }),
            { numRuns: 200 },
        );
        const p = payload(1);
        expect(batchDigest(p)).toHaveLength(32);
        expect(hex(batchDigest(p))).toBe(createHash('sha256').update(IDL.encode([IdlPayload], [p])).digest('hex'));
    });

    it('differs for different payloads, and depends on order', () => {
        const p = payload(1, 2, 0);
        const swapped = { ...p, poc_results: [p.poc_results[1], p.poc_results[0]] };
        expect(hex(batchDigest(p))).not.toBe(hex(batchDigest(swapped)));
        expect(hex(batchDigest(payload(1)))).not.toBe(hex(batchDigest(payload(2))));
    });
});

// ---- limits -----------------------------------------------------------------------------------

describe('payload limits', () => {
    const refuse = (p: BatchPayload) => {
        const t = setup(4);
        const before = t.dump();
        const r = t.as(0).propose(1n, p, new Uint8Array(32));
        expect(t.dump()).toBe(before); // nothing written
        return r;
    };
    const poc = (node_id: string, poc_ms = 5) => ({ node_id, operator: Principal.fromUint8Array(principal(7)), poc_ms });
    const obs = (node_id: string) => ({ node_id, online: true });

    it(`accepts ${MAX_STATE_BITS} state bits and refuses one more as a whole`, () => {
        const t = setup(4);
        const full = { poc_results: Array.from({ length: 300 }, (_, i) => poc(`n${i}`)), observations: Array.from({ length: 200 }, (_, i) => obs(`r${i}`)) };
        expect(ok(propose(t.as(0), 1n, full)).votes).toBe(1);
        expect(refuse({ ...full, observations: [...full.observations, obs('r')] })).toEqual({ Err: { PayloadTooLarge: { message: 'the payload has 501 state bits, at most 500 fit in one batch: spread them over several heights', max: 500 } } });
    });

    it('node ids: 1..64 characters of [A-Za-z0-9]', () => {
        const t = setup(4);
        ok(propose(t.as(0), 1n, { poc_results: [poc('A'.repeat(64))], observations: [obs('z9')] }));
        const cases: [string, string][] = [
            ['', 'is empty'],
            ['a'.repeat(65), 'is longer than 64 characters'],
            ['node-1', 'may only contain'],
            ['nodé', 'may only contain'],
            ['node 1', 'may only contain'],
        ];
        for (const [id, why] of cases) {
            const r = refuse({ poc_results: [poc('ok1'), poc(id)], observations: [] });
            expect(r).toEqual({ Err: { InvalidStateBit: { index: 1, message: expect.stringContaining(why) } } });
            expect((r as any).Err.InvalidStateBit.message).toContain('poc_results[1].node_id');
            const r2 = refuse({ poc_results: [poc('ok1'), poc('ok2')], observations: [obs('r'), obs(id)] });
            expect(r2).toEqual({ Err: { InvalidStateBit: { index: 3, message: expect.stringContaining('observations[1].node_id') } } });
        }
    });

    it('poc_ms at least 1; the first offending entry is named', () => {
        const r = refuse({ poc_results: [poc('a'), poc('b', 0), poc('', 0)], observations: [] });
        expect(r).toEqual({ Err: { InvalidStateBit: { index: 1, message: 'poc_results[1].poc_ms must be at least 1' } } });
        expect(refuse({ poc_results: [poc('a', 1.5)], observations: [] })).toEqual({ Err: { InvalidStateBit: { index: 0, message: 'poc_results[0].poc_ms is not a nat32' } } });
        expect(refuse({ poc_results: [poc('a', 2 ** 32)], observations: [] })).toEqual({ Err: { InvalidStateBit: { index: 0, message: 'poc_results[0].poc_ms is not a nat32' } } });
        expect(refuse({ poc_results: [{ node_id: 'a', operator: principal(1) as any, poc_ms: 1 }], observations: [] })).toEqual({
            Err: { InvalidStateBit: { index: 0, message: 'poc_results[0].operator is not a principal' } },
        });
    });

    it('errors encode with the Candid type', () => {
        const e = refuse({ poc_results: [poc('a', 0)], observations: [] });
        expect(() => encode([BatchErrorT], [(e as any).Err])).not.toThrow();
    });
});

// ---- callers and digests ----------------------------------------------------------------------

const notAValidator = (p: Uint8Array) => ({ Err: { NotAValidator: { message: `the caller ${Principal.fromUint8Array(p).toText()} is not the operator of an active validator: only active validators propose and vote on batches, with their current operator key` } } });

describe('who may propose and vote', () => {
    it('refuses non-validators and suspended validators, writing nothing', () => {
        const t = setup(4);
        const p = payload(1);
        const before = t.dump();
        t.env.as(principal(42));
        expect(t.batches.propose(1n, p, batchDigest(p))).toEqual(notAValidator(principal(42)));
        expect(t.batches.vote(1n, batchDigest(p))).toEqual(notAValidator(principal(42)));
        t.env.as(principal(104)); // index 4: beyond the set
        expect(t.batches.propose(1n, p, batchDigest(p))).toEqual(notAValidator(principal(104)));
        t.validators.suspended.add(2);
        expect(propose(t.as(2), 1n, p)).toEqual(notAValidator(principal(102)));
        expect(t.dump()).toBe(before);
        ok(propose(t.as(0), 1n, p));
        expect(t.as(2).vote(1n, batchDigest(p))).toEqual(notAValidator(principal(102)));
        t.validators.suspended.delete(2);
        expect(ok(t.as(2).vote(1n, batchDigest(p))).votes).toBe(2);
    });

    it('refuses everyone while governance pauses the protocol, writing nothing', () => {
        const t = setup(4);
        const p = payload(1);
        ok(propose(t.as(0), 1n, p));
        const before = t.dump();
        t.validators.pausedFor = 'drill';
        const refusal = { Err: { Paused: { message: 'the protocol is paused by governance: drill', reason: 'drill' } } };
        expect(propose(t.as(1), 1n, p)).toEqual(refusal);
        expect(t.as(1).vote(1n, batchDigest(p))).toEqual(refusal);
        t.env.as(principal(42));
        expect(t.batches.vote(1n, batchDigest(p))).toEqual(refusal);
        expect(t.dump()).toBe(before);
        t.validators.pausedFor = undefined;
        expect(ok(t.as(1).vote(1n, batchDigest(p))).votes).toBe(2);
    });

    it('refuses a digest that is not the payload’s', () => {
        const t = setup(4);
        const p = payload(1);
        const wrong = batchDigest(payload(2));
        expect(t.as(0).propose(1n, p, wrong)).toEqual({
            Err: { DigestMismatch: { message: `the digest sent (${hex(wrong)}) is not the SHA-256 of the payload's Candid encoding (${hex(batchDigest(p))}): recompute it from the payload as sent`, expected: wrong, computed: batchDigest(p) } },
        });
        expect(t.as(0).propose(1n, p, new Uint8Array(3))).toEqual({ Err: { DigestMismatch: { message: expect.stringContaining('the digest sent (000000) is not'), expected: new Uint8Array(3), computed: batchDigest(p) } } });
        expect(t.stores.proposals.size()).toBe(0);
    });

    it('refuses votes for unknown proposals', () => {
        const t = setup(4);
        const p = payload(1);
        const unknown = (h: bigint, d: Uint8Array) => ({ Err: { UnknownProposal: { message: `no proposal with digest ${hex(d)} at height ${h}: propose it (propose_batch) before voting, or check the height and digest` } } });
        expect(t.as(1).vote(1n, batchDigest(p))).toEqual(unknown(1n, batchDigest(p)));
        ok(propose(t.as(0), 1n, p));
        expect(t.as(1).vote(2n, batchDigest(p))).toEqual(unknown(2n, batchDigest(p)));
        expect(t.as(1).vote(1n, batchDigest(payload(2)))).toEqual(unknown(1n, batchDigest(payload(2))));
        expect(t.as(1).vote(1n, new Uint8Array(5))).toEqual({ Err: { UnknownProposal: { message: 'a batch digest is 32 bytes, got 5: no proposal at height 1 has it' } } });
    });
});

// ---- quorum and apply -------------------------------------------------------------------------

describe('confirmation', () => {
    it('happens exactly at floor(2n/3)+1 distinct votes, for 4..100 validators', () => {
        for (let n = 4; n <= 100; n++) {
            const t = setup(n);
            const q = Math.floor((2 * n) / 3) + 1;
            const p = payload(n);
            const d = batchDigest(p);
            let r = ok(propose(t.as(n - 1), 5n, p));
            expect(r).toEqual({ digest: d, votes: 1, quorum: q, confirmed: false });
            for (let v = 0; v < q - 1; v++) {
                if (v === q - 2) {
                    // one vote short: repeat votes do not count twice
                    expect(ok(t.as(0).vote(5n, d)).votes).toBe(q - 1);
                    expect(t.sink.calls).toHaveLength(0);
                    expect(t.batches.lastConfirmed()).toBeUndefined();
                }
                r = ok(t.as(v).vote(5n, d));
                expect(r.votes).toBe(v + 2);
                expect(r.confirmed).toBe(v + 2 === q);
            }
            expect(r).toEqual({ digest: d, votes: q, quorum: q, confirmed: true });
            expect(t.sink.calls).toEqual(bitsOf(p, 5n));
            expect(t.batches.lastConfirmed()).toEqual({ height: 5n, digest: d, confirmedAt: T0 });
        }
    });

    it('applies a batch exactly once, however many votes follow', () => {
        const t = setup(7); // quorum 5
        const p = payload(3, 3, 2);
        const d = confirmWith(t, 1n, p);
        expect(t.sink.calls).toEqual(bitsOf(p, 1n));
        t.env.time += SECOND;
        expect(ok(t.as(5).vote(1n, d))).toEqual({ digest: d, votes: 6, quorum: 5, confirmed: true });
        expect(ok(t.as(6).vote(1n, d))).toEqual({ digest: d, votes: 7, quorum: 5, confirmed: true });
        expect(ok(t.as(6).vote(1n, d)).votes).toBe(7); // idempotent
        expect(ok(propose(t.as(0), 2n, p)).confirmed).toBe(false); // same payload at the next height is a new batch
        expect(t.sink.calls).toEqual(bitsOf(p, 1n));
    });

    it('passes operator bytes and stores outcome codes in payload order', () => {
        const t = setup(4);
        const p: BatchPayload = {
            poc_results: [
                { node_id: 'n1', operator: Principal.fromUint8Array(principal(9)), poc_ms: 1 },
                { node_id: 'x2', operator: Principal.fromUint8Array(principal(10)), poc_ms: 4000 },
            ],
            observations: [{ node_id: 'xr', online: false }, { node_id: 'r', online: true }],
        };
        const d = confirmWith(t, 9n, p);
        expect(t.sink.calls).toEqual([
            ['poc', 'n1', hex(principal(9)), 1, 9n],
            ['poc', 'x2', hex(principal(10)), 4000, 9n],
            ['obs', 'xr', false, 9n],
            ['obs', 'r', true, 9n],
        ]);
        const info = t.batches.getBatch(9n);
        // Stored payloads decode as version 2 (the market's vectors absent: []).
        const v2 = { ...p, tasks: [], task_rejections: [] };
        expect(info.confirmed).toEqual([{ digest: d, confirmed_at: T0, votes: 3, applied: [{ payload: v2, outcomes: ['applied', 'unknown_node', 'unknown_node', 'applied'] }] }]);
        expect(info.proposals).toEqual([{ digest: d, proposer: 1000n, payload: v2, voters: BigUint64Array.from([1000n, 1001n, 1002n]) }]);
        expect(() => encode([BatchInfoT], [info])).not.toThrow();
    });

    it('confirms on a repeated vote when the active set shrank', () => {
        const t = setup(7); // quorum 5
        const p = payload(1);
        const d = batchDigest(p);
        ok(propose(t.as(0), 1n, p));
        for (const v of [1, 2, 3]) ok(t.as(v).vote(1n, d));
        t.validators.suspended.add(5);
        t.validators.suspended.add(6); // n = 5 → quorum 4
        expect(t.sink.calls).toHaveLength(0);
        expect(ok(t.as(3).vote(1n, d))).toEqual({ digest: d, votes: 4, quorum: 4, confirmed: true });
        expect(t.sink.calls).toEqual(bitsOf(p, 1n));
    });

    it('a single validator confirms by proposing (quorum 1), decoding nothing', () => {
        const t = setup(1);
        const p = payload(2);
        expect(ok(propose(t.as(0), 0n, p))).toEqual({ digest: batchDigest(p), votes: 1, quorum: 1, confirmed: true });
        expect(t.sink.calls).toEqual(bitsOf(p, 0n));
    });

    it('results encode with the Candid types', () => {
        const t = setup(4);
        const r = propose(t.as(0), 1n, payload(1));
        expect(() => encode([ProposeResultT], [r])).not.toThrow();
        expect(() => encode([ProposeResultT], [t.as(1).vote(1n, new Uint8Array(32))])).not.toThrow();
    });
});

// ---- heights ----------------------------------------------------------------------------------

describe('heights only increase', () => {
    it('confirming 7 makes a pending 6 stale; proposing at or below 7 is refused', () => {
        const t = setup(4); // quorum 3
        const p6 = payload(6);
        const d6 = batchDigest(p6);
        ok(propose(t.as(0), 6n, p6));
        ok(t.as(1).vote(6n, d6)); // 2 of 3
        const d7 = confirmWith(t, 7n, payload(7), [2, 3, 0]);
        const skipped = { Err: { StaleHeight: { message: 'height 6 was never confirmed and the last confirmed height is 7: its proposals are void, vote at height 8 or above', last_confirmed: 7n } } };
        const stale = (h: bigint) => ({ Err: { StaleHeight: { message: `height ${h} is at or below the last confirmed height 7: propose at height 8 or above`, last_confirmed: 7n } } });
        expect(t.as(2).vote(6n, d6)).toEqual(skipped);
        expect(t.as(3).vote(6n, d6)).toEqual(skipped);
        expect(propose(t.as(3), 6n, payload(66))).toEqual(stale(6n));
        expect(propose(t.as(3), 7n, payload(77))).toEqual(stale(7n));
        expect(propose(t.as(3), 0n, payload(77))).toEqual(stale(0n));
        expect(t.sink.calls).toEqual(bitsOf(payload(7), 7n));
        expect(t.batches.lastConfirmed()?.digest).toEqual(d7);
        expect(ok(propose(t.as(3), 8n, payload(8))).votes).toBe(1);
        expect(t.batches.getBatch(6n).confirmed).toEqual([]);
    });

    it('a vote at a confirmed height naming another digest conflicts', () => {
        const t = setup(4);
        const pa = payload(1);
        const pb = payload(2);
        ok(propose(t.as(0), 3n, pa));
        ok(propose(t.as(3), 3n, pb)); // validator 3 backs B
        const da = confirmWith(t, 3n, pa, [0, 1, 2]);
        const confirmedIs = { Err: { ConflictingVote: { message: `height 3 is confirmed with digest ${hex(da)}: a vote there can only name that digest`, voted: da } } };
        expect(t.as(3).vote(3n, da)).toEqual({ Err: { ConflictingVote: { message: `this validator already backs digest ${hex(batchDigest(pb))} at height 3: a validator backs one digest per height`, voted: batchDigest(pb) } } });
        expect(t.as(1).vote(3n, batchDigest(pb))).toEqual({ Err: { ConflictingVote: { message: `this validator already backs digest ${hex(da)} at height 3: a validator backs one digest per height`, voted: da } } });
        confirmWith(t, 4n, payload(4), [0, 1, 2]);
        // below the tip the votes are pruned: the confirmed digest is the reference
        expect(t.as(3).vote(3n, batchDigest(pb))).toEqual(confirmedIs);
    });
});

// ---- one digest per validator per height --------------------------------------------------------

describe('conflicts and idempotence', () => {
    it('a validator proposes one digest per height and votes once per height', () => {
        const t = setup(7);
        const pa = payload(1);
        const pb = payload(2);
        const pc = payload(3);
        const da = batchDigest(pa);
        ok(propose(t.as(0), 1n, pa));
        expect(propose(t.as(0), 1n, pb)).toEqual({ Err: { AlreadyProposed: { message: `this validator already proposed digest ${hex(da)} at height 1: a validator backs one digest per height`, digest: da } } });
        const backsA = { Err: { ConflictingVote: { message: `this validator already backs digest ${hex(da)} at height 1: a validator backs one digest per height`, voted: da } } };
        ok(propose(t.as(1), 1n, pb));
        ok(t.as(2).vote(1n, da));
        expect(t.as(2).vote(1n, batchDigest(pb))).toEqual(backsA);
        expect(propose(t.as(2), 1n, pc)).toEqual(backsA);
        expect(t.as(0).vote(1n, batchDigest(pb))).toEqual(backsA);
        // other heights are independent
        expect(ok(propose(t.as(0), 2n, pb)).votes).toBe(1);
    });

    it('re-proposing and re-voting are idempotent (nothing written)', () => {
        const t = setup(7);
        const p = payload(1);
        const d = batchDigest(p);
        expect(ok(propose(t.as(0), 1n, p)).votes).toBe(1);
        ok(t.as(1).vote(1n, d));
        const before = t.dump();
        expect(ok(propose(t.as(0), 1n, p))).toEqual({ digest: d, votes: 2, quorum: 5, confirmed: false });
        expect(ok(t.as(1).vote(1n, d))).toEqual({ digest: d, votes: 2, quorum: 5, confirmed: false });
        expect(ok(t.as(0).vote(1n, d)).votes).toBe(2);
        expect(t.dump()).toBe(before);
    });

    it('a second proposer of the same payload adds a vote to the first proposal', () => {
        const t = setup(4);
        const p = payload(1);
        ok(propose(t.as(0), 1n, p));
        expect(ok(propose(t.as(1), 1n, p)).votes).toBe(2);
        const info = t.batches.getBatch(1n);
        expect(info.proposals).toHaveLength(1);
        expect(info.proposals[0].proposer).toBe(1000n);
        expect(Array.from(info.proposals[0].voters)).toEqual([1000n, 1001n]);
    });

    it('bounds the proposal records a validator holds', () => {
        const t = setup(4);
        for (let h = 1; h <= MAX_PENDING_PROPOSALS; h++) ok(propose(t.as(0), BigInt(h) * 1000n, payload(h)));
        expect(propose(t.as(0), 99_999n, payload(0))).toEqual({
            Err: { TooManyPendingProposals: { message: `this validator holds ${MAX_PENDING_PROPOSALS} proposals not yet confirmed or pruned, the most it may: vote for existing proposals, or wait for the tip to pass them`, max: MAX_PENDING_PROPOSALS } },
        });
        // votes and other validators are unaffected
        ok(propose(t.as(1), 99_999n, payload(0)));
        ok(t.as(0).vote(99_999n, batchDigest(payload(0))));
        // confirmations above them make them stale; pruning frees the slots
        confirmWith(t, 200_000n, payload(5), [1, 2, 3]);
        for (let i = 0; i < 20; i++) confirmWith(t, 200_001n + BigInt(i), payload(6 + i), [1, 2, 3]);
        expect(ok(propose(t.as(0), 300_000n, payload(0))).votes).toBe(1);
    });
});

// ---- participation and time -------------------------------------------------------------------

describe('participation and confirmation times', () => {
    it('records the counted voters at confirmation, late votes later, never lowering the height', () => {
        const t = setup(7); // quorum 5
        const d1 = confirmWith(t, 1n, payload(1), [0, 1, 2, 3, 4]);
        for (let v = 0; v < 5; v++) expect(t.batches.participation(1000n + BigInt(v))).toEqual({ height: 1n, time: T0 });
        expect(t.batches.participation(1005n)).toBeUndefined();
        expect(t.batches.confirmedAt(1n)).toBe(T0);
        t.env.time = T0 + 10n * SECOND;
        expect(ok(t.as(5).vote(1n, d1)).confirmed).toBe(true);
        expect(t.batches.participation(1005n)).toEqual({ height: 1n, time: T0 + 10n * SECOND });
        expect(Array.from(t.batches.getBatch(1n).proposals[0].voters)).toHaveLength(6);
        t.env.time = T0 + 60n * SECOND;
        confirmWith(t, 2n, payload(2), [0, 1, 2, 3, 5]);
        expect(t.batches.confirmedAt(2n)).toBe(T0 + 60n * SECOND);
        expect(t.batches.participation(1005n)).toEqual({ height: 2n, time: T0 + 60n * SECOND });
        t.env.time = T0 + 70n * SECOND;
        // validator 6 votes for the old height 1: participation, but only forward
        expect(ok(t.as(6).vote(1n, d1))).toEqual({ digest: d1, votes: 5, quorum: 5, confirmed: true });
        expect(t.batches.participation(1006n)).toEqual({ height: 1n, time: T0 + 70n * SECOND });
        expect(ok(t.as(5).vote(1n, d1)).confirmed).toBe(true);
        expect(t.batches.participation(1005n)).toEqual({ height: 2n, time: T0 + 60n * SECOND });
        expect(t.sink.calls).toEqual([...bitsOf(payload(1), 1n), ...bitsOf(payload(2), 2n)]);
    });

    it('confirmedBetween answers [t0, t1) exactly', () => {
        const t = setup(4);
        const times = [0n, 5n, 5n, 9n, 30n, 31n, 100n].map((x) => T0 + x * SECOND);
        times.forEach((time, i) => {
            t.env.time = time;
            confirmWith(t, BigInt(i + 1), payload(i));
        });
        expect(t.batches.confirmationCount()).toBe(7n);
        const brute = (a: bigint, b: bigint) => times.some((x) => x >= a && x < b);
        for (let a = -2n; a <= 102n; a++) {
            for (let b = a - 1n; b <= 103n; b += 1n) {
                expect(t.batches.confirmedBetween(T0 + a * SECOND, T0 + b * SECOND)).toBe(brute(T0 + a * SECOND, T0 + b * SECOND));
            }
        }
        expect(setup(4).batches.confirmedBetween(0n, 2n ** 64n)).toBe(false);
    });

    it('confirmedBetween reads O(log k) index entries', () => {
        const t = setup(4, { keepConfirmedPayloads: 4 });
        for (let i = 0; i < 1000; i++) {
            t.env.time = T0 + BigInt(i) * 60n * SECOND;
            confirmWith(t, BigInt(i), payload(i % 7, 1, 0));
        }
        const brute = (a: bigint, b: bigint) => Array.from({ length: 1000 }, (_, i) => T0 + BigInt(i) * 60n * SECOND).some((x) => x >= a && x < b);
        fc.assert(
            fc.property(fc.bigInt({ min: -100n, max: 61_000n }), fc.bigInt({ min: 0n, max: 5000n }), (a, len) => {
                const t0 = T0 + a * SECOND;
                const t1 = t0 + len * SECOND;
                const before = t.ops();
                expect(t.batches.confirmedBetween(t0, t1)).toBe(brute(t0, t1));
                expect(t.ops() - before).toBeLessThanOrEqual(2 * 10 + 2);
            }),
            { numRuns: 300 },
        );
        // the current window is O(1)
        const before = t.ops();
        expect(t.batches.confirmedBetween(T0 + 999n * 60n * SECOND - 1n, T0 + 2000n * 60n * SECOND)).toBe(true);
        expect(t.ops() - before).toBe(0);
    });

    it('a clock that goes back is clamped so the time index stays sorted', () => {
        const t = setup(4);
        t.env.time = T0 + 100n;
        confirmWith(t, 1n, payload(1));
        t.env.time = T0 + 50n;
        confirmWith(t, 2n, payload(2));
        expect(t.batches.confirmedAt(2n)).toBe(T0 + 100n);
        expect(t.batches.confirmedBetween(T0 + 50n, T0 + 100n)).toBe(false);
    });
});

// ---- certified tip ----------------------------------------------------------------------------

describe('certified tip', () => {
    const tree = (h: bigint, d: Uint8Array) => fork(labeled('last_batch_digest', leaf(d)), labeled('last_batch_height', leaf(refLeb128(h))));

    it('is the empty tree before any confirmation, then the tip tree root after each', () => {
        const t = setup(4);
        t.batches.certifyTip();
        expect(hex(t.env.certified)).toBe(hex(reconstruct(empty())));
        expect(hex(EMPTY_TREE_HASH)).toBe(hex(LEDGER_EMPTY_TREE_HASH));
        ok(propose(t.as(0), 3n, payload(3)));
        expect(hex(t.env.certified)).toBe(hex(EMPTY_TREE_HASH)); // unconfirmed: unchanged
        const d3 = confirmWith(t, 3n, payload(3), [0, 1, 2]);
        expect(hex(t.env.certified)).toBe(hex(reconstruct(tree(3n, d3))));
        const d300 = confirmWith(t, 300n, payload(4));
        expect(hex(t.env.certified)).toBe(hex(reconstruct(tree(300n, d300))));
        // an upgrade: a fresh object over the same stores certifies the same tip
        const env2 = new FakeEnv(principal(100), T0);
        new Batches(t.stores, t.validators, t.sink, env2).certifyTip();
        expect(hex(env2.certified)).toBe(hex(reconstruct(tree(300n, d300))));
    });

    it('root hash and CBOR equal the reference hash-tree implementation', () => {
        fc.assert(
            fc.property(fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), fc.uint8Array({ minLength: 32, maxLength: 32 }), (h, d) => {
                expect(hex(batchTipRootHash(h, d))).toBe(hex(reconstruct(tree(h, d))));
                expect(hex(batchTipHashTreeCbor({ height: h, digest: d }))).toBe(hex(encodeTreeCbor(tree(h, d))));
            }),
            { numRuns: 300 },
        );
        expect(hex(batchTipHashTreeCbor(undefined))).toBe(hex(encodeTreeCbor(empty())));
        expect(hex(batchTipHashTreeCbor({ height: 0n, digest: new Uint8Array(32) }).subarray(0, 6))).toBe('83018302516c'); // [1, [2, bytes(17) "l…
    });
});

// ---- pruning, persistence, cost ---------------------------------------------------------------

describe('bounded state and work', () => {
    it('pruning keeps proposals, votes and payloads bounded; digests stay', () => {
        const keep = 20;
        const t = setup(10, { keepConfirmedPayloads: keep }); // quorum 7
        let maxProposals = 0;
        let maxVotes = 0;
        for (let h = 1n; h <= 300n; h++) {
            // a losing proposal and a full round of votes at every height
            ok(propose(t.as(9), h, payload(Number(h) + 1000)));
            const p = payload(Number(h));
            const d = batchDigest(p);
            ok(propose(t.as(Number(h) % 9), h, p));
            for (let v = 0; v < 9; v++) ok(t.as(v).vote(h, d));
            maxProposals = Math.max(maxProposals, t.stores.proposals.size());
            maxVotes = Math.max(maxVotes, t.stores.votes.size());
        }
        expect(maxProposals).toBeLessThanOrEqual(2 * (1 + 2 * 2)); // two heights' worth
        expect(maxVotes).toBeLessThanOrEqual(2 * 10);
        const payloads = t.stores.confirmed.inner.entries(0, 1e9).filter(([k]) => k[0] === 0).length;
        expect(payloads).toBeLessThanOrEqual(keep + 1);
        expect(t.batches.getBatch(300n - BigInt(keep) + 1n).confirmed[0]?.applied).toHaveLength(1);
        const old = t.batches.getBatch(5n);
        expect(old.proposals).toEqual([]);
        expect(old.confirmed).toEqual([{ digest: batchDigest(payload(5)), confirmed_at: T0, votes: 7, applied: [] }]);
        // pending-proposal counters are released as proposals are pruned
        const pending = t.stores.participation.inner.entries(0, 1e9).filter(([k]) => k[0] === 1);
        expect(pending.length).toBeLessThanOrEqual(10);
        expect(KEEP_CONFIRMED_PAYLOADS).toBe(10_000);
    });

    it('a vote costs a constant number of KV operations, without scans', () => {
        const t = setup(100, { keepConfirmedPayloads: 50 }); // quorum 67
        const round = (h: bigint): number[] => {
            const p = payload(Number(h), 70, 30);
            const d = batchDigest(p);
            ok(propose(t.as(0), h, p));
            const costs: number[] = [];
            for (let v = 1; v < 80; v++) {
                const before = t.ops();
                ok(t.as(v).vote(h, d));
                costs.push(t.ops() - before);
            }
            return costs;
        };
        for (let h = 1n; h <= 5n; h++) round(h);
        const costs = round(6n);
        const confirming = costs[65]; // the 67th vote
        const plain = costs.filter((_, i) => i !== 65);
        // 4 operations of its own, 3 pruning probes, and at most 4 deletions (+ counter release) per store
        expect(Math.max(...plain)).toBeLessThanOrEqual(4 + 3 + 3 * 4 + 2 * 4);
        expect([...plain].sort((a, b) => a - b)[plain.length >> 1]).toBeLessThanOrEqual(4);
        // confirmation: its own 4, payload read, 4 record writes, 67 participation writes, pruning
        expect(confirming).toBeLessThanOrEqual(4 + 1 + 4 + 67 + 3 + 3 * 4 + 2 * 4);
        for (const kv of Object.values(t.stores)) for (const [start, count] of kv.entriesCalls) expect(start === 0 && count <= 4).toBe(true);
        expect(t.sink.calls).toHaveLength(600);
    });

    it('a fresh object over the same stores continues (heap fields are caches)', () => {
        const t = setup(4);
        const pa = payload(1);
        ok(propose(t.as(0), 1n, pa));
        ok(t.as(1).vote(1n, batchDigest(pa)));
        const b2 = new Batches(t.stores, t.validators, t.sink, t.env);
        t.env.as(principal(102));
        expect(ok(b2.vote(1n, batchDigest(pa)))).toMatchObject({ votes: 3, confirmed: true });
        const b3 = new Batches(t.stores, t.validators, t.sink, t.env);
        expect(b3.lastConfirmed()?.height).toBe(1n);
        t.env.as(principal(100));
        expect(b3.propose(1n, pa, batchDigest(pa))).toEqual({ Err: { StaleHeight: { message: 'height 1 is at or below the last confirmed height 1: propose at height 2 or above', last_confirmed: 1n } } });
        expect(t.sink.calls).toEqual(bitsOf(pa, 1n));
    });
});
