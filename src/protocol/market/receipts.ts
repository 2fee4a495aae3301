/**
 * The market's receipts (spec §11, §12): every settlement, refund and dispute outcome appended to a
 * hash-chained log; hash(r) = SHA-256(previous hash ‖ the record's bytes), the last hash is the tip
 * (kept in the market state). Amounts are stored as computed, so that a reader re-derives each from
 * the rules (fee = 20 %, credit = amount − fee, the §11.1 rewards).
 * Storage: MARKET_RECEIPTS, seq u64 → u8 1 ‖ kind u8 ‖ order u64 ‖ from u64 ‖ to u64 ‖ amount u64 ‖
 * fee u64 ‖ credit u64 ‖ buyer reward u64 ‖ provider reward u64 ‖ period u16 ‖ time u64 ‖ previous hash.
 * Cost: one write and one SHA-256 (two compressions) per receipt.
 */
import { Reader, Writer } from '../../lib/storage/binary';
import { concat, u64be } from '../../lib/storage/bytes';
import { readLog } from '../../lib/storage/kv';
import { sha256 } from '../../lib/crypto/sha256';
import type { MarketStore } from './store';

export const RECEIPT_KINDS = ['settled', 'refunded', 'dispute_refunded', 'dispute_failed', 'dust'] as const;
export type ReceiptKind = (typeof RECEIPT_KINDS)[number];

export interface Receipt {
    seq: bigint;
    kind: ReceiptKind;
    order: bigint;
    fromCum: bigint;
    toCum: bigint;
    amount: bigint;
    fee: bigint;
    credit: bigint;
    buyerReward: bigint;
    providerReward: bigint;
    period: number;
    time: bigint;
    prev: Uint8Array;
}

export const MAX_RECEIPTS_PER_QUERY = 100;

function encodeReceipt(r: Receipt): Uint8Array {
    return new Writer(128)
        .u8(1).u8(RECEIPT_KINDS.indexOf(r.kind)).u64(r.order).u64(r.fromCum).u64(r.toCum).u64(r.amount).u64(r.fee).u64(r.credit)
        .u64(r.buyerReward).u64(r.providerReward).u16(r.period).u64(r.time).bytes(r.prev)
        .done();
}

function decodeReceipt(raw: Uint8Array, seq: bigint): Receipt {
    const r = new Reader(raw);
    if (r.u8() !== 1) throw new Error('unknown receipt format');
    return { seq, kind: RECEIPT_KINDS[r.u8()], order: r.u64(), fromCum: r.u64(), toCum: r.u64(), amount: r.u64(), fee: r.u64(), credit: r.u64(), buyerReward: r.u64(), providerReward: r.u64(), period: r.u16(), time: r.u64(), prev: r.bytes() };
}

export function receiptHash(r: Receipt): Uint8Array {
    return sha256(concat([r.prev, encodeReceipt(r)]));
}

export class Receipts {
    constructor(
        private readonly store: MarketStore,
        private readonly now: () => bigint,
    ) {}

    append(r: Omit<Receipt, 'seq' | 'time' | 'prev'>): Receipt {
        const s = this.store.state();
        const full: Receipt = { ...r, seq: s.nextReceipt, time: this.now(), prev: s.receiptTip };
        this.store.maps.receipts.set(u64be(full.seq), encodeReceipt(full));
        this.store.update((x) => ({ nextReceipt: x.nextReceipt + 1n, receiptTip: receiptHash(full) }));
        return full;
    }

    range(start: bigint, count: number): Receipt[] {
        return readLog(this.store.maps.receipts, start, Math.min(count, MAX_RECEIPTS_PER_QUERY), decodeReceipt);
    }
}
