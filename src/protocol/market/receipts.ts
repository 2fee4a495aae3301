/**
 * The market's receipts (spec §11 "Maturity", §12): every settlement, refund, dispute outcome and
 * dust booking is a block of the protocol's ICRC-3 log (src/protocol/log/), whose tip is certified;
 * the block carries every amount a reader needs to re-derive it from the rules (fee = 20 %, credit
 * = amount − fee, the §11.1 rewards, the period) and the accounts it pays. Block types and the tx
 * schema: docs/market.md "Receipts as blocks".
 *   tx = { receipt: Nat (seq), order: Nat, from_cum: Nat, to_cum: Nat, amt: Nat, fee: Nat, credit: Nat,
 *          buyer_reward: Nat, provider_reward: Nat, period: Nat, payer?: Account, to?: Account }
 * MARKET_RECEIPTS stays as the market's own index (`market_receipts`, by receipt seq): format 2 adds
 * the receipt's block index and records its block's phash as `prev`; format-1 records, written
 * before the log existed (a private SHA-256 chain, tip in the market state), are read unchanged.
 * The market state's `receiptTip` is now the hash of the last receipt's block.
 * Storage: MARKET_RECEIPTS, seq u64 → u8 2 ‖ kind u8 ‖ order u64 ‖ from u64 ‖ to u64 ‖ amount u64 ‖
 * fee u64 ‖ credit u64 ‖ buyer reward u64 ‖ provider reward u64 ‖ period u16 ‖ time u64 ‖ prev bytes ‖
 * block u64 (format 1: the same without the block; prev = the previous receipt's hash); one log block.
 * Cost: one log append (the block's ICRC-3 hash, ~36 compressions, and the certified tree's refresh,
 * ~6.5 M instructions) and two map writes per receipt: a settlement with its receipt measured 33 M
 * instructions in the embedded replica (docs/market.md "Receipts as blocks").
 */
import type { Account } from '../../ledger/account';
import { Reader, Writer } from '../../lib/storage/binary';
import { concat, u64be } from '../../lib/storage/bytes';
import { readLog } from '../../lib/storage/kv';
import { sha256 } from '../../lib/crypto/sha256';
import type { BlockLog, Value } from '../log/log';
import { accountValue } from '../log/account-value';
import { RECEIPT_BTYPES } from '../log/block-types';
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
    /** Format 2: the phash of its block (empty for block 0); format 1: the previous receipt's hash. */
    prev: Uint8Array;
    /** Its block in the protocol's log (format 2; undefined for receipts written before the log). */
    block?: bigint;
}

/** What a rule appends: the amounts, and the accounts involved (they go to the block only). */
export type NewReceipt = Omit<Receipt, 'seq' | 'time' | 'prev' | 'block'> & { payer?: Account; to?: Account };

export const MAX_RECEIPTS_PER_QUERY = 100;

export function encodeReceipt(r: Receipt): Uint8Array {
    const w = new Writer(136)
        .u8(r.block === undefined ? 1 : 2).u8(RECEIPT_KINDS.indexOf(r.kind)).u64(r.order).u64(r.fromCum).u64(r.toCum).u64(r.amount).u64(r.fee).u64(r.credit)
        .u64(r.buyerReward).u64(r.providerReward).u16(r.period).u64(r.time).bytes(r.prev);
    if (r.block !== undefined) w.u64(r.block);
    return w.done();
}

export function decodeReceipt(raw: Uint8Array, seq: bigint): Receipt {
    const r = new Reader(raw);
    const f = r.u8();
    if (f !== 1 && f !== 2) throw new Error(`unknown receipt format ${f}`);
    const out: Receipt = { seq, kind: RECEIPT_KINDS[r.u8()], order: r.u64(), fromCum: r.u64(), toCum: r.u64(), amount: r.u64(), fee: r.u64(), credit: r.u64(), buyerReward: r.u64(), providerReward: r.u64(), period: r.u16(), time: r.u64(), prev: r.bytes() };
    if (f === 2) out.block = r.u64();
    return out;
}

/** The hash of a format-1 receipt (the private chain before the log): SHA-256(previous hash ‖ its bytes). */
export function legacyReceiptHash(r: Receipt): Uint8Array {
    return sha256(concat([r.prev, encodeReceipt({ ...r, block: undefined })]));
}

export { accountValue };

/** The block's tx map of a receipt. */
export function receiptTx(seq: bigint, r: NewReceipt): [string, Value][] {
    const tx: [string, Value][] = [
        ['receipt', { Nat: seq }], ['order', { Nat: r.order }], ['from_cum', { Nat: r.fromCum }], ['to_cum', { Nat: r.toCum }],
        ['amt', { Nat: r.amount }], ['fee', { Nat: r.fee }], ['credit', { Nat: r.credit }],
        ['buyer_reward', { Nat: r.buyerReward }], ['provider_reward', { Nat: r.providerReward }], ['period', { Nat: BigInt(r.period) }],
    ];
    if (r.payer !== undefined) tx.push(['payer', accountValue(r.payer)]);
    if (r.to !== undefined) tx.push(['to', accountValue(r.to)]);
    return tx;
}

export class Receipts {
    constructor(
        private readonly store: MarketStore,
        private readonly now: () => bigint,
        private readonly log: BlockLog & { tip(): { length: bigint; tip?: Uint8Array } },
    ) {}

    append(r: NewReceipt): Receipt {
        const s = this.store.state();
        const seq = s.nextReceipt;
        const before = this.log.tip();
        const block = this.log.append(RECEIPT_BTYPES[r.kind], receiptTx(seq, r));
        const full: Receipt = {
            seq, kind: r.kind, order: r.order, fromCum: r.fromCum, toCum: r.toCum, amount: r.amount, fee: r.fee, credit: r.credit,
            buyerReward: r.buyerReward, providerReward: r.providerReward, period: r.period, time: this.now(), prev: before.tip ?? new Uint8Array(0), block,
        };
        this.store.maps.receipts.set(u64be(seq), encodeReceipt(full));
        this.store.update((x) => ({ nextReceipt: x.nextReceipt + 1n, receiptTip: this.log.tip().tip as Uint8Array }));
        return full;
    }

    range(start: bigint, count: number): Receipt[] {
        return readLog(this.store.maps.receipts, start, Math.min(count, MAX_RECEIPTS_PER_QUERY), decodeReceipt);
    }
}
