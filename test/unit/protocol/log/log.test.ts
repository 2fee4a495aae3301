/**
 * The protocol's ICRC-3 log (src/protocol/log/): blocks chain by the ICRC-3 hash of the previous
 * block, the tip is the hash of the last block, the stored value round-trips, `icrc3_get_blocks`
 * answers its ranges within the bound, and the certified data is one hash tree over the batch tip,
 * the log tip and the sealed mappings, checked against the replica's reference hash-tree code and
 * agent-js's lookup.
 */
import fc from 'fast-check';
import { Cbor, lookup_path, LookupPathStatus, reconstruct as agentReconstruct } from '@dfinity/agent';
import { FakeEnv } from '../../../../src/lib/env';
import { MemoryKV } from '../../../../src/lib/storage/kv';
import type { Value } from '../../../../src/ledger/icrc3/value';
import { hashValue } from '../../../../src/ledger/icrc3/value';
import { batchTipRootHash, EMPTY_TREE_HASH } from '../../../../src/protocol/batches/certified-tip';
import { blockHash, field, remember } from '../../../../src/protocol/log/block';
import { refHash } from './ref-hash';
import { CertifiedTree, certifiedTree, type BatchTip } from '../../../../src/protocol/log/certified-tree';
import { getBlocks, MAX_BLOCKS_PER_RESPONSE } from '../../../../src/protocol/log/get-blocks';
import { ProtocolLog } from '../../../../src/protocol/log/log';
import { LogStore, type SealedMappings } from '../../../../src/protocol/log/store';
import { decodeValue, encodeValue } from '../../../../src/protocol/log/value-codec';
import { reconstruct as treeHash, treeCbor } from '../../../../src/lib/crypto/hash-tree';
import { encodeTreeCbor } from '../../../../tools/replica/certification/cbor';
import { fork, labeled, leaf, reconstruct as refReconstruct, type HashTree as RefTree } from '../../../../tools/replica/certification/hashTree';
import { leb128 as refLeb128 } from '../../../../tools/replica/certification';

const T0 = 1_750_000_000n * 1_000_000_000n;
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');


const leafValue: fc.Arbitrary<Value> = fc.oneof(
    fc.bigInt({ min: 0n, max: 2n ** 70n }).map((n) => ({ Nat: n })),
    fc.string({ maxLength: 12 }).map((s) => ({ Text: s })),
    fc.uint8Array({ maxLength: 40 }).map((b) => ({ Blob: b })),
);
const value: fc.Arbitrary<Value> = fc.oneof(leafValue, fc.array(leafValue, { maxLength: 3 }).map((a) => ({ Array: a })));
const tx = fc.uniqueArray(fc.tuple(fc.string({ minLength: 1, maxLength: 10 }), value), { selector: ([k]) => k, maxLength: 8 });
const btype = fc.constantFrom('emc_settle', 'emc_refund', '7mint', '37approve');

function newLog(maps = { blocks: new MemoryKV(), state: new MemoryKV() }, env = new FakeEnv(new Uint8Array([1]), T0)) {
    let appended = 0;
    const log = new ProtocolLog(new LogStore(maps), env, () => appended++);
    return { log, maps, env, appended: () => appended };
}

describe('the block log', () => {
    it('chains blocks: phash = hash of the previous block, none in block 0; tip = hash of the last; survives re-opening', () => {
        fc.assert(
            fc.property(fc.array(fc.tuple(btype, tx, fc.bigInt({ min: 0n, max: 10n ** 9n })), { minLength: 1, maxLength: 12 }), (entries) => {
                const t = newLog();
                entries.forEach(([b, x, dt], i) => {
                    t.env.time += dt;
                    expect(t.log.append(b, x)).toBe(BigInt(i));
                });
                expect(t.appended()).toBe(entries.length);
                expect(t.log.length()).toBe(BigInt(entries.length));
                let prev: Buffer | undefined;
                for (let i = 0; i < entries.length; i++) {
                    const blk = t.log.block(BigInt(i)) as Value;
                    expect(field(blk, 'btype')).toEqual({ Text: entries[i][0] });
                    expect(field(blk, 'tx')).toEqual({ Map: entries[i][1] });
                    const ph = field(blk, 'phash');
                    if (prev === undefined) expect(ph).toBeUndefined();
                    else expect(hex((ph as { Blob: Uint8Array }).Blob)).toBe(prev.toString('hex'));
                    prev = refHash(blk);
                    expect(hex(blockHash(blk))).toBe(prev.toString('hex'));
                }
                expect(hex(t.log.tip().tip as Uint8Array)).toBe((prev as Buffer).toString('hex'));
                // a new heap (an upgrade) over the same maps
                const again = newLog(t.maps);
                expect(again.log.tip()).toEqual(t.log.tip());
                again.log.append('emc_dust', []);
                expect(hex((field(again.log.block(BigInt(entries.length)) as Value, 'phash') as { Blob: Uint8Array }).Blob)).toBe((prev as Buffer).toString('hex'));
            }),
            { numRuns: 60 },
        );
    });

    it('hashes remembered values (shared across blocks) as the reference does', () => {
        fc.assert(
            fc.property(fc.array(value, { minLength: 1, maxLength: 4 }), fc.array(fc.tuple(btype, fc.nat({ max: 3 }), fc.nat({ max: 3 })), { minLength: 1, maxLength: 8 }), (shared, picks) => {
                const kept = shared.map((v) => remember(v));
                const t = newLog();
                picks.forEach(([b, i, j]) => t.log.append(b, [['a', kept[i % kept.length]], ['b', kept[j % kept.length]]]));
                for (let k = 0; k < picks.length; k++) {
                    const blk = t.log.block(BigInt(k)) as Value;
                    expect(hex(blockHash(blk))).toBe(refHash(blk).toString('hex'));
                }
                expect(hex(t.log.tip().tip as Uint8Array)).toBe(refHash(t.log.block(BigInt(picks.length - 1)) as Value).toString('hex'));
            }),
            { numRuns: 60 },
        );
    });

    it('stamps ts with the time of the append', () => {
        const t = newLog();
        t.env.time = T0 + 5n;
        t.log.append('emc_settle', [['amt', { Nat: 1n }]]);
        expect(field(t.log.block(0n) as Value, 'ts')).toEqual({ Nat: T0 + 5n });
    });

    it('refuses a duplicate tx key, an empty or long btype, and writes nothing then', () => {
        const t = newLog();
        expect(() => t.log.append('x', [['a', { Nat: 1n }], ['a', { Nat: 2n }]])).toThrow(/duplicate/);
        expect(() => t.log.append('', [])).toThrow(/block type/);
        expect(() => t.log.append('y'.repeat(33), [])).toThrow(/block type/);
        expect(t.log.length()).toBe(0n);
        expect(t.maps.blocks.size()).toBe(0);
    });

    it('stores values that decode to themselves (and hash the same); refuses bad bytes', () => {
        fc.assert(
            fc.property(fc.oneof(value, tx.map((m) => ({ Map: m }) as Value), fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }).map((n) => ({ Int: n }) as Value)), (v) => {
                const back = decodeValue(encodeValue(v));
                expect(back).toEqual(v);
                expect(hex(hashValue(back))).toBe(hex(hashValue(v)));
            }),
        );
        const good = encodeValue({ Map: [['a', { Text: 'b' }]] });
        expect(() => decodeValue(Uint8Array.of(2, ...good.slice(1)))).toThrow(/format/);
        expect(() => decodeValue(good.slice(0, good.length - 1))).toThrow();
        expect(() => decodeValue(Uint8Array.of(...good, 0))).toThrow(/trailing/);
        expect(() => decodeValue(Uint8Array.of(1, 9))).toThrow(/tag/);
    });
});

describe('icrc3_get_blocks', () => {
    it('answers each range in order, within the log and at most MAX_BLOCKS_PER_RESPONSE blocks in all', () => {
        const t = newLog();
        for (let i = 0; i < 130; i++) t.log.append('emc_settle', [['order', { Nat: BigInt(i) }]]);
        const range = fc.record({ start: fc.bigInt({ min: 0n, max: 140n }), length: fc.bigInt({ min: 0n, max: 150n }) });
        fc.assert(
            fc.property(fc.array(range, { maxLength: 6 }), (ranges) => {
                const a = getBlocks(t.log, ranges);
                expect(a.log_length).toBe(130n);
                const want: bigint[] = [];
                for (const r of ranges) for (let i = r.start; i < r.start + r.length && i < 130n; i++) want.push(i);
                expect(a.blocks.map((b) => b.id)).toEqual(want.slice(0, Number(MAX_BLOCKS_PER_RESPONSE)));
                for (const b of a.blocks) expect(field(field(b.block, 'tx') as Value, 'order')).toEqual({ Nat: b.id });
            }),
        );
        // one range past the bound gets exactly the bound
        expect(getBlocks(t.log, [{ start: 0n, length: 1000n }]).blocks.length).toBe(Number(MAX_BLOCKS_PER_RESPONSE));
        expect(getBlocks(t.log, [{ start: 500n, length: 10n }]).blocks).toEqual([]);
    });
});

// ---- certified data ---------------------------------------------------------------------------

const refBatch = (b: BatchTip): RefTree => fork(labeled('last_batch_digest', leaf(b.digest)), labeled('last_batch_height', leaf(refLeb128(b.height))));
const refLog = (i: bigint, h: Uint8Array): RefTree => fork(labeled('last_block_hash', leaf(h)), labeled('last_block_index', leaf(refLeb128(i))));
const refMappings = (s: SealedMappings): RefTree =>
    labeled('mappings', fork(labeled('count', leaf(refLeb128(s.count))), labeled('latest', fork(labeled('digest', leaf(s.digest)), labeled('id', leaf(refLeb128(s.latestId)))))));
function refTree(parts: RefTree[]): RefTree | undefined {
    if (parts.length === 0) return undefined;
    return parts.length === 1 ? parts[0] : fork(parts[0], refTree(parts.slice(1)) as RefTree);
}

function lookup(cbor: Uint8Array, path: string[]): Uint8Array | 'absent' | 'unknown' {
    const r = lookup_path(path, Cbor.decode(cbor) as never);
    if (r.status === LookupPathStatus.Found) return new Uint8Array((r as { value: Uint8Array }).value);
    return r.status === LookupPathStatus.Absent ? 'absent' : 'unknown';
}

describe('the certified tree', () => {
    const digest = fc.uint8Array({ minLength: 32, maxLength: 32 });
    const parts = fc.record({
        batch: fc.option(fc.record({ height: fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), digest }), { nil: undefined }),
        log: fc.option(fc.record({ length: fc.bigInt({ min: 1n, max: 2n ** 40n }), tip: digest }), { nil: undefined }),
        sealed: fc.option(fc.record({ count: fc.bigInt({ min: 1n, max: 1000n }), latestId: fc.bigInt({ min: 0n, max: 999n }), digest }), { nil: undefined }),
    });

    it('root = the reference tree of the present parts; the witnesses reconstruct to it and show their labels', async () => {
        await fc.assert(
            fc.asyncProperty(parts, async (p) => {
                const env = new FakeEnv(new Uint8Array([1]), T0);
                const logTip = p.log ?? { length: 0n };
                const c = new CertifiedTree({ batchTip: () => p.batch, logTip: () => logTip, sealed: () => p.sealed }, env);
                c.certify();
                const ref = refTree([...(p.batch ? [refBatch(p.batch)] : []), ...(p.log ? [refLog(p.log.length - 1n, p.log.tip)] : []), ...(p.sealed ? [refMappings(p.sealed)] : [])]);
                const root = ref === undefined ? EMPTY_TREE_HASH : refReconstruct(ref);
                expect(hex(env.certified)).toBe(hex(root));
                expect(hex(treeHash(certifiedTree(p.batch, logTip, p.sealed)))).toBe(hex(root));
                if (ref !== undefined) expect(hex(treeCbor(certifiedTree(p.batch, logTip, p.sealed)))).toBe(hex(encodeTreeCbor(ref)));
                if (p.batch && !p.log && !p.sealed) expect(hex(env.certified)).toBe(hex(batchTipRootHash(p.batch.height, p.batch.digest)));
                for (const w of [c.logWitness(), c.batchWitness(), c.mappingsWitness()]) expect(hex(new Uint8Array(await agentReconstruct(Cbor.decode(w) as never)))).toBe(hex(root));
                const lw = c.logWitness();
                if (p.log) {
                    expect(hex(lookup(lw, ['last_block_hash']) as Uint8Array)).toBe(hex(p.log.tip));
                    expect(hex(lookup(lw, ['last_block_index']) as Uint8Array)).toBe(hex(refLeb128(p.log.length - 1n)));
                } else expect(lookup(lw, ['last_block_index'])).not.toBeInstanceOf(Uint8Array);
                if (p.batch) expect(hex(lookup(c.batchWitness(), ['last_batch_height']) as Uint8Array)).toBe(hex(refLeb128(p.batch.height)));
                if (p.batch && p.log) expect(lookup(lw, ['last_batch_height'])).not.toBeInstanceOf(Uint8Array); // pruned in the log's witness
                if (p.sealed) expect(hex(lookup(c.mappingsWitness(), ['mappings', 'latest', 'digest']) as Uint8Array)).toBe(hex(p.sealed.digest));
            }),
            { numRuns: 80 },
        );
    });

    it('refresh certifies only when a part moved, and follows appends', () => {
        const env = new FakeEnv(new Uint8Array([1]), T0);
        const maps = { blocks: new MemoryKV(), state: new MemoryKV() };
        const store = new LogStore(maps);
        let sets = 0;
        const counting = Object.assign(Object.create(env), { certify: (d: Uint8Array) => { sets++; env.certify(d); } }) as FakeEnv;
        const c = new CertifiedTree({ batchTip: () => undefined, logTip: () => store.tip(), sealed: () => store.sealed() }, counting);
        const log = new ProtocolLog(store, env, () => c.refresh());
        c.certify();
        expect(hex(env.certified)).toBe(hex(EMPTY_TREE_HASH));
        c.refresh();
        expect(sets).toBe(1);
        log.append('emc_settle', [['amt', { Nat: 5n }]]);
        log.append('emc_refund', [['amt', { Nat: 6n }]]);
        expect(sets).toBe(3);
        expect(hex(env.certified)).toBe(hex(refReconstruct(refLog(1n, store.tip().tip as Uint8Array))));
        store.saveSealed({ count: 1n, latestId: 4n, digest: new Uint8Array(32).fill(7) });
        c.refresh();
        expect(hex(env.certified)).toBe(hex(refReconstruct(fork(refLog(1n, store.tip().tip as Uint8Array), refMappings({ count: 1n, latestId: 4n, digest: new Uint8Array(32).fill(7) })))));
    });

    it('a message appending many blocks certifies once, when it ends; until then the witness answers the certified tip', () => {
        const env = new FakeEnv(new Uint8Array([1]), T0);
        const store = new LogStore({ blocks: new MemoryKV(), state: new MemoryKV() });
        let sets = 0;
        const counting = Object.assign(Object.create(env), { certify: (d: Uint8Array) => { sets++; env.certify(d); } }) as FakeEnv;
        const c = new CertifiedTree({ batchTip: () => undefined, logTip: () => store.tip(), sealed: () => store.sealed() }, counting);
        const log = new ProtocolLog(store, env, () => c.markChanged()); // as system.ts wires it
        c.certify();
        log.append('emc_settle', [['amt', { Nat: 1n }]]);
        c.flush();
        const certified = hex(env.certified);
        const before = sets;
        // one message: five appends (a maturity run), the certified data unchanged meanwhile
        for (let i = 0; i < 5; i++) log.append('emc_settle', [['amt', { Nat: BigInt(i) }]]);
        expect(sets).toBe(before);
        expect(hex(env.certified)).toBe(certified);
        expect(hex(lookup(c.logWitness(), ['last_block_index']) as Uint8Array)).toBe(hex(refLeb128(0n)));
        // the message ends: one certification, of the last block
        c.flush();
        expect(sets).toBe(before + 1);
        expect(hex(env.certified)).toBe(hex(refReconstruct(refLog(5n, store.tip().tip as Uint8Array))));
        expect(hex(lookup(c.logWitness(), ['last_block_index']) as Uint8Array)).toBe(hex(refLeb128(5n)));
        // nothing appended since: flushing again certifies nothing
        c.flush();
        expect(sets).toBe(before + 1);
    });
});
