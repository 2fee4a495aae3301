/**
 * Golden bytes of the protocol's ICRC-3 log (emc_protocol memories 160–161; docs/storage.md, "the
 * ICRC-3 log") and of the market receipts that index it (124, format 2 next to format 1): each record
 * written through the domain equals the checked-in layout and reads back after a re-opening.
 */
import { FakeEnv } from '../../../src/lib/env';
import { MemoryKV } from '../../../src/lib/storage/kv';
import { hashValue, type Value } from '../../../src/ledger/icrc3/value';
import { ProtocolLog } from '../../../src/protocol/log/log';
import { LogStore } from '../../../src/protocol/log/store';
import { decodeReceipt, encodeReceipt, type Receipt } from '../../../src/protocol/market/receipts';
import { ascii, dump, h, hex, load, u64, unhex } from './golden';

const T = 1_750_000_000_000_000_000n;
// T in LEB128 (7-bit groups, least significant first, high bit = more follows)
const T_LEB = '8080bca7a6f7cfa418';

describe('emc_protocol ICRC-3 log (160–161)', () => {
    it('blocks (160) and the tip (161); the mappings record (161, key 02)', () => {
        const maps = { blocks: new MemoryKV(), state: new MemoryKV() };
        const store = new LogStore(maps);
        const log = new ProtocolLog(store, new FakeEnv(new Uint8Array([1]), T));
        log.append('emc_dust', [['amt', { Nat: 300n }], ['to', { Array: [{ Blob: Uint8Array.of(0xaa) }] }]]);
        log.append('7burn', [['tid', { Nat: 1n }], ['x', { Int: -2n }], ['m', { Text: 'é' }]]);
        const b0 = log.block(0n) as Value;
        const tip = hashValue(log.block(1n) as Value);
        const block0 = h(
            '01', // format
            '05', '03', // Map, 3 entries
            '05', ascii('btype'), '01', '08', ascii('emc_dust'),
            '02', ascii('ts'), '02', T_LEB,
            '02', ascii('tx'), '05', '02',
            /**/ '03', ascii('amt'), '02', 'ac02', // Nat 300
            /**/ '02', ascii('to'), '04', '01', '00', '01', 'aa', // Array [Blob aa]
        );
        const block1 = h(
            '01', '05', '04',
            '05', ascii('btype'), '01', '05', ascii('7burn'),
            '05', ascii('phash'), '00', '20', hex(hashValue(b0)),
            '02', ascii('ts'), '02', T_LEB,
            '02', ascii('tx'), '05', '03',
            /**/ '03', ascii('tid'), '02', '01',
            /**/ '01', ascii('x'), '03', '7e', // Int −2 (SLEB128)
            /**/ '01', ascii('m'), '01', '02', 'c3a9', // Text "é" (UTF-8)
        );
        expect(dump(maps.blocks)).toEqual([[u64(0), block0], [u64(1), block1]]);
        expect(dump(maps.state)).toEqual([['01', h('01', u64(2), hex(tip))]]);
        store.saveSealed({ count: 3n, latestId: 2n, digest: new Uint8Array(32).fill(9) });
        expect(dump(maps.state)[1]).toEqual(['02', h('01', u64(3), u64(2), '09'.repeat(32))]);
        // read back from the golden bytes (a new heap)
        const again = new LogStore({ blocks: load([[u64(0), block0], [u64(1), block1]]), state: load(dump(maps.state)) });
        expect(again.tip()).toEqual({ length: 2n, tip });
        expect(again.sealed()).toEqual({ count: 3n, latestId: 2n, digest: new Uint8Array(32).fill(9) });
        const reopened = new ProtocolLog(again, new FakeEnv(new Uint8Array([1]), T));
        expect(reopened.block(1n)).toEqual(log.block(1n));
        expect(field(reopened.block(1n) as Value, 'tx')).toEqual({ Map: [['tid', { Nat: 1n }], ['x', { Int: -2n }], ['m', { Text: 'é' }]] });
        // an empty log's state
        const empty = new LogStore({ blocks: new MemoryKV(), state: load([['01', h('01', u64(0))]]) });
        expect(empty.tip()).toEqual({ length: 0n });
    });

    it('market receipt (124): format 2 carries its block; format 1 (before the log) still reads', () => {
        const r: Receipt = { seq: 4n, kind: 'dispute_failed', order: 2n, fromCum: 1n, toCum: 3n, amount: 10n, fee: 2n, credit: 8n, buyerReward: 1n, providerReward: 0n, period: 2, time: T, prev: new Uint8Array(32).fill(5), block: 17n };
        const g2 = h('02', '03', u64(2), u64(1), u64(3), u64(10), u64(2), u64(8), u64(1), u64(0), '0002', u64(T), '20', '05'.repeat(32), u64(17));
        expect(hex(encodeReceipt(r))).toBe(g2);
        expect(decodeReceipt(unhex(g2), 4n)).toEqual(r);
        const g1 = h('01', '00', u64(2), u64(1), u64(3), u64(10), u64(2), u64(8), u64(0), u64(0), '0000', u64(T), '20', '06'.repeat(32));
        expect(decodeReceipt(unhex(g1), 0n)).toEqual({ seq: 0n, kind: 'settled', order: 2n, fromCum: 1n, toCum: 3n, amount: 10n, fee: 2n, credit: 8n, buyerReward: 0n, providerReward: 0n, period: 0, time: T, prev: new Uint8Array(32).fill(6) });
        expect(() => decodeReceipt(unhex('03' + g1.slice(2)), 0n)).toThrow(/format 3/);
    });
});

function field(v: Value, k: string): Value | undefined {
    return 'Map' in v ? v.Map.find(([x]) => x === k)?.[1] : undefined;
}
