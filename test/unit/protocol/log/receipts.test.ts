/**
 * Market receipts as blocks of the protocol's ICRC-3 log (src/protocol/market/receipts.ts): a
 * settlement appends an `emc_settle` block with every amount and both accounts, chained to the
 * previous block; the certified data then commits to the log tip; `market_receipts` keeps reading
 * receipts written before the log (format 1, the private chain) next to the new ones.
 */
import type { Value } from '../../../../src/ledger/icrc3/value';
import { hashValue } from '../../../../src/ledger/icrc3/value';
import { u64be } from '../../../../src/lib/storage/bytes';
import { field } from '../../../../src/protocol/log/block';
import { certifiedTree } from '../../../../src/protocol/log/certified-tree';
import { reconstruct } from '../../../../src/lib/crypto/hash-tree';
import { accountValue, decodeReceipt, encodeReceipt, legacyReceiptHash, type Receipt } from '../../../../src/protocol/market/receipts';
import { EMC, HOUR, marketWorld, operator, WALLET_OWNER } from '../market/helpers';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

describe('market receipts as log blocks', () => {
    it('a settlement is an emc_settle block with its amounts and accounts; the certified data is the log tip', async () => {
        const w = await marketWorld();
        const offer = w.offer(2n * EMC);
        await w.open(10, offer.id, 10n);
        expect(w.market.tasks.applyTask(0n, 'gpu1', 3n, new Uint8Array(32))).toBe('ok');
        expect(w.market.tasks.applyTask(0n, 'gpu1', 10n, new Uint8Array(32))).toBe('ok');
        w.env.time += 72n * HOUR;
        expect(w.market.settlement.run(w.env.time, 50)).toBe(2);
        const log = w.protocol.log;
        expect(log.length()).toBe(2n);
        const [r0, r1] = w.market.receipts.range(0n, 10);
        expect([r0.block, r1.block]).toEqual([0n, 1n]);
        const b1 = log.block(1n) as Value;
        expect(field(b1, 'btype')).toEqual({ Text: 'emc_settle' });
        expect(field(b1, 'ts')).toEqual({ Nat: w.env.time });
        expect(field(b1, 'phash')).toEqual({ Blob: hashValue(log.block(0n) as Value) });
        expect(field(log.block(0n) as Value, 'phash')).toBeUndefined();
        expect(field(b1, 'tx')).toEqual({
            Map: [
                ['receipt', { Nat: 1n }], ['order', { Nat: 0n }], ['from_cum', { Nat: 3n }], ['to_cum', { Nat: 10n }],
                ['amt', { Nat: 14n * EMC }], ['fee', { Nat: 280_000_000n }], ['credit', { Nat: 1_120_000_000n }],
                ['buyer_reward', { Nat: 0n }], ['provider_reward', { Nat: 0n }], ['period', { Nat: 0n }],
                ['payer', accountValue({ owner: operator(10) })], ['to', accountValue({ owner: operator(WALLET_OWNER) })],
            ],
        });
        // the view's prev is its block's phash; the market's receipt tip is the last block's hash
        expect(hex(r1.prev)).toBe(hex(hashValue(log.block(0n) as Value)));
        expect(hex(w.market.store.state().receiptTip)).toBe(hex(hashValue(b1)));
        // certified data = the tree of the log tip (no batch confirmed, no mapping sealed)
        expect(hex(w.env.certified)).toBe(hex(reconstruct(certifiedTree(undefined, log.tip(), undefined))));
        expect(hex(log.tip().tip as Uint8Array)).toBe(hex(hashValue(b1)));
    });

    it('a refund is an emc_refund block paying the holder', async () => {
        const w = await marketWorld();
        const offer = w.offer(2n * EMC);
        await w.open(10, offer.id, 10n);
        expect(w.market.tasks.applyTask(0n, 'gpu1', 4n, new Uint8Array(32))).toBe('ok');
        expect(await w.market.orders.close(operator(10), 0n)).toHaveProperty('Ok');
        const blocks = Array.from({ length: Number(w.protocol.log.length()) }, (_, i) => w.protocol.log.block(BigInt(i)) as Value);
        expect(blocks.map((b) => (field(b, 'btype') as { Text: string }).Text)).toEqual(['emc_refund']);
        const tx = field(blocks[0], 'tx') as Value;
        expect(field(tx, 'amt')).toEqual({ Nat: 12n * EMC });
        expect(field(tx, 'to')).toEqual(accountValue({ owner: operator(10) }));
    });

    it('reads format-1 receipts (before the log) next to format-2 ones', async () => {
        const w = await marketWorld();
        const old: Receipt = { seq: 0n, kind: 'settled', order: 7n, fromCum: 0n, toCum: 2n, amount: 2n * EMC, fee: 40_000_000n, credit: 160_000_000n, buyerReward: 0n, providerReward: 0n, period: 0, time: 5n, prev: new Uint8Array(32) };
        expect(encodeReceipt(old)[0]).toBe(1);
        expect(decodeReceipt(encodeReceipt(old), 0n)).toEqual(old);
        w.market.store.maps.receipts.set(u64be(0n), encodeReceipt(old));
        w.market.store.update(() => ({ nextReceipt: 1n, receiptTip: legacyReceiptHash(old) }));
        const offer = w.offer(2n * EMC);
        await w.open(10, offer.id, 10n);
        w.market.tasks.applyTask(0n, 'gpu1', 1n, new Uint8Array(32));
        w.env.time += 72n * HOUR;
        w.market.settlement.run(w.env.time, 50);
        const rs = w.market.receipts.range(0n, 10);
        expect(rs.map((r) => [r.seq, r.block])).toEqual([[0n, undefined], [1n, 0n]]);
        expect(rs[0]).toEqual(old);
        expect(field(field(w.protocol.log.block(0n) as Value, 'tx') as Value, 'receipt')).toEqual({ Nat: 1n });
    });
});
