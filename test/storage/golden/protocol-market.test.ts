/**
 * Golden bytes of the compute market's records (emc_protocol memories 112–125; docs/storage.md,
 * "Market records"): each record written by its encoder equals the checked-in layout and reads back.
 */
import { decodeCredit, decodeOffer, decodeOp, decodeOrder, decodePending, decodeState, encodeCredit, encodeOffer, encodeOp, encodeOrder, encodePending, encodeState, emptyState } from '../../../src/protocol/market/store';
import type { MarketOp, Offer, Order, Pending } from '../../../src/protocol/market/model';
import { ascii, h, hex, u64, unhex } from './golden';

const T = 1_750_000_000_000_000_000n;
const OWNER = Uint8Array.of(0xaa, 0xbb);
const SUB = new Uint8Array(32).fill(7);

describe('emc_protocol market records (112–125)', () => {
    it('offer (113)', () => {
        const o: Offer = { id: 5n, nodeIndex: 9n, nodeId: 'gpu1', service: 'sdxl-1.0', unit: 'second', price: 3n, minUnits: 1n, maxUnits: 100n, open: true, createdAt: T };
        const golden = h('01', u64(5), u64(9), '04', ascii('gpu1'), '08', ascii('sdxl-1.0'), '01' /* second */, u64(3), u64(1), u64(100), '01', u64(T));
        expect(hex(encodeOffer(o))).toBe(golden);
        expect(decodeOffer(unhex(golden))).toEqual(o);
    });

    it('order (115)', () => {
        const o: Order = {
            id: 2n, offerId: 5n, nodeIndex: 9n, service: 'sdxl-1.0', price: 3n, payer: { owner: OWNER, subaccount: SUB }, unitsBought: 10n, unitsConfirmed: 4n,
            paid: 30n, escrow: 18n, pending: 12n, settled: 0n, refunded: 0n, status: 'open', createdAt: T, expiresAt: T + 1n, op: 7n,
        };
        const golden = h(
            '01', u64(2), u64(5), u64(9), '08', ascii('sdxl-1.0'), u64(3),
            '02aabb', '01', '20', '07'.repeat(32), // payer: owner bytes, subaccount present
            u64(10), u64(4), u64(30), u64(18), u64(12), u64(0), u64(0),
            '01' /* open */, u64(T), u64(T + 1n), '01', u64(7),
        );
        expect(hex(encodeOrder(o))).toBe(golden);
        expect(decodeOrder(unhex(golden))).toEqual(o);
    });

    it('pending amount (117), credit (121), operation (122)', () => {
        const p: Pending = { order: 2n, fromCum: 0n, toCum: 4n, amount: 12n, matureAt: T, status: 'disputed', deposit: 100_000_000n, disputedAt: T - 1n };
        const pg = h('01', u64(2), u64(0), u64(4), u64(12), u64(T), '02', u64(100_000_000n), u64(T - 1n), '00');
        expect(hex(encodePending(p))).toBe(pg);
        expect(decodePending(unhex(pg))).toEqual({ ...p, op: undefined });
        const cg = h('01', u64(16), u64(4), '00', '01', u64(3));
        expect(hex(encodeCredit({ credit: 16n, rewards: 4n, rewardOp: 3n }))).toBe(cg);
        expect(decodeCredit(unhex(cg))).toEqual({ credit: 16n, rewards: 4n, creditOp: undefined, rewardOp: 3n });
        const op: MarketOp = { id: 3n, kind: 'refund', account: { owner: OWNER }, amount: 18n, createdAt: T, order: 2n, cum: 0n, fee: 1n, uncertain: true };
        const og = h('01', u64(3), '82' /* refund 2 | unknown 0x80 */, '02aabb', '00', u64(18), u64(T), u64(2), u64(0), u64(1));
        expect(hex(encodeOp(op))).toBe(og);
        expect(decodeOp(unhex(og))).toEqual(op);
    });

    it('market state (112)', () => {
        const s = { ...emptyState(), nextOrder: 3n, escrow: 18n, rewardStart: T, paused: 'drill' };
        const golden = h(
            '01', u64(0), u64(3), u64(0), u64(0),
            u64(18), ...Array(10).fill(u64(0)), // escrow, then pending, credit, deposits, outgoing, fees unmoved, fees moved, rewards granted, rewards minted, settled, refunded
            '01', u64(T), '01', '0005', ascii('drill'),
            u64(72n * 3_600_000_000_000n), u64(7n * 86_400_000_000_000n), '0000', '0032',
            '20', '00'.repeat(32), '00',
        );
        expect(hex(encodeState(s))).toBe(golden);
        expect(decodeState(unhex(golden))).toEqual({ ...s, sweepOp: undefined });
    });
});
