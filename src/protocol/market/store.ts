/**
 * The market's storage (spec §11): its fourteen maps (PROTOCOL_MEMORY.MARKET_*, ids 112–125) and the
 * compact binary records in them, each with a leading format byte (docs/storage.md, "Market records").
 * The writers refuse values that do not fit (src/lib/storage/binary.ts): boundaries check first.
 * Cost: one map read or write per record; keys are fixed-width big-endian so queues sort by time.
 */
import { accountKey, type Account } from '../../ledger/account';
import { Reader, utf8, Writer } from '../../lib/storage/binary';
import { concat, readU64be, u64be } from '../../lib/storage/bytes';
import type { KV } from '../../lib/storage/kv';
import { DEFAULT_MARKET_PARAMS, OP_KINDS, ORDER_STATUSES, PENDING_STATUSES, UNITS, type Credit, type MarketOp, type MarketState, type Offer, type Order, type Pending } from './model';

export interface MarketMaps {
    state: KV;
    offers: KV;
    nodeOffers: KV;
    orders: KV;
    dedup: KV;
    pending: KV;
    maturity: KV;
    expiries: KV;
    disputes: KV;
    credits: KV;
    ops: KV;
    retries: KV;
    receipts: KV;
    referencePrices: KV;
}

const FMT = 1;
const STATE_KEY = Uint8Array.of(1);




function format(r: Reader, what: string): void {
    const f = r.u8();
    if (f !== FMT) throw new Error(`unknown ${what} format ${f}`);
}

export function encodeState(s: MarketState): Uint8Array {
    const w = new Writer(256);
    w.u8(FMT).u64(s.nextOffer).u64(s.nextOrder).u64(s.nextOp).u64(s.nextReceipt);
    w.u64(s.escrow).u64(s.pending).u64(s.credit).u64(s.deposits).u64(s.outgoing).u64(s.feesUnmoved).u64(s.feesMoved);
    w.u64(s.rewardsGranted).u64(s.rewardsMinted).u64(s.settledVolume).u64(s.refundedVolume);
    w.optU64(s.rewardStart);
    if (s.paused === undefined) w.u8(0);
    else w.u8(1).longText(s.paused);
    w.u64(s.params.disputeWindowNs).u64(s.params.disputeTimeoutNs).u16(s.params.disputePenaltyBp).u16(s.params.jobBatch);
    w.bytes(s.receiptTip);
    w.optU64(s.sweepOp);
    return w.done();
}

export function decodeState(raw: Uint8Array): MarketState {
    const r = new Reader(raw);
    format(r, 'market state');
    const s: MarketState = {
        nextOffer: r.u64(), nextOrder: r.u64(), nextOp: r.u64(), nextReceipt: r.u64(),
        escrow: r.u64(), pending: r.u64(), credit: r.u64(), deposits: r.u64(), outgoing: r.u64(), feesUnmoved: r.u64(), feesMoved: r.u64(),
        rewardsGranted: r.u64(), rewardsMinted: r.u64(), settledVolume: r.u64(), refundedVolume: r.u64(),
        params: DEFAULT_MARKET_PARAMS, receiptTip: new Uint8Array(32),
    };
    s.rewardStart = r.optU64();
    if (r.u8() === 1) s.paused = r.longText();
    s.params = { disputeWindowNs: r.u64(), disputeTimeoutNs: r.u64(), disputePenaltyBp: r.u16(), jobBatch: r.u16() };
    s.receiptTip = r.bytes();
    s.sweepOp = r.optU64();
    return s;
}

export function emptyState(): MarketState {
    return {
        nextOffer: 0n, nextOrder: 0n, nextOp: 0n, nextReceipt: 0n, escrow: 0n, pending: 0n, credit: 0n, deposits: 0n, outgoing: 0n, feesUnmoved: 0n, feesMoved: 0n,
        rewardsGranted: 0n, rewardsMinted: 0n, settledVolume: 0n, refundedVolume: 0n, params: DEFAULT_MARKET_PARAMS, receiptTip: new Uint8Array(32),
    };
}

export function encodeOffer(o: Offer): Uint8Array {
    const w = new Writer(160);
    w.u8(FMT).u64(o.id).u64(o.nodeIndex).text(o.nodeId).text(o.service).u8(UNITS.indexOf(o.unit)).u64(o.price).u64(o.minUnits).u64(o.maxUnits).u8(o.open ? 1 : 0).u64(o.createdAt);
    return w.done();
}

export function decodeOffer(raw: Uint8Array): Offer {
    const r = new Reader(raw);
    format(r, 'offer');
    return { id: r.u64(), nodeIndex: r.u64(), nodeId: r.text(), service: r.text(), unit: UNITS[r.u8()], price: r.u64(), minUnits: r.u64(), maxUnits: r.u64(), open: r.u8() === 1, createdAt: r.u64() };
}

export function encodeOrder(o: Order): Uint8Array {
    const w = new Writer(256);
    w.u8(FMT).u64(o.id).u64(o.offerId).u64(o.nodeIndex).text(o.service).u64(o.price);
    w.account(o.payer);
    w.u64(o.unitsBought).u64(o.unitsConfirmed).u64(o.paid).u64(o.escrow).u64(o.pending).u64(o.settled).u64(o.refunded);
    w.u8(ORDER_STATUSES.indexOf(o.status)).u64(o.createdAt).u64(o.expiresAt);
    w.optU64(o.op);
    return w.done();
}

export function decodeOrder(raw: Uint8Array): Order {
    const r = new Reader(raw);
    format(r, 'order');
    const o: Order = {
        id: r.u64(), offerId: r.u64(), nodeIndex: r.u64(), service: r.text(), price: r.u64(), payer: r.account(),
        unitsBought: r.u64(), unitsConfirmed: r.u64(), paid: r.u64(), escrow: r.u64(), pending: r.u64(), settled: r.u64(), refunded: r.u64(),
        status: ORDER_STATUSES[r.u8()], createdAt: r.u64(), expiresAt: r.u64(),
    };
    o.op = r.optU64();
    return o;
}

export function encodePending(p: Pending): Uint8Array {
    const w = new Writer(80);
    w.u8(FMT).u64(p.order).u64(p.fromCum).u64(p.toCum).u64(p.amount).u64(p.matureAt).u8(PENDING_STATUSES.indexOf(p.status)).u64(p.deposit).u64(p.disputedAt);
    w.optU64(p.op);
    return w.done();
}

export function decodePending(raw: Uint8Array): Pending {
    const r = new Reader(raw);
    format(r, 'pending amount');
    const p: Pending = { order: r.u64(), fromCum: r.u64(), toCum: r.u64(), amount: r.u64(), matureAt: r.u64(), status: PENDING_STATUSES[r.u8()], deposit: r.u64(), disputedAt: r.u64() };
    p.op = r.optU64();
    return p;
}

export function encodeCredit(c: Credit): Uint8Array {
    const w = new Writer(48);
    w.u8(FMT).u64(c.credit).u64(c.rewards);
    w.optU64(c.creditOp);
    w.optU64(c.rewardOp);
    return w.done();
}

export function decodeCredit(raw: Uint8Array): Credit {
    const r = new Reader(raw);
    format(r, 'credit');
    const c: Credit = { credit: r.u64(), rewards: r.u64() };
    c.creditOp = r.optU64();
    c.rewardOp = r.optU64();
    return c;
}

export function encodeOp(o: MarketOp): Uint8Array {
    const w = new Writer(128);
    w.u8(FMT).u64(o.id).u8(OP_KINDS.indexOf(o.kind) | (o.uncertain === true ? 0x80 : 0));
    w.account(o.account);
    w.u64(o.amount).u64(o.createdAt).u64(o.order).u64(o.cum).u64(o.fee);
    return w.done();
}

export function decodeOp(raw: Uint8Array): MarketOp {
    const r = new Reader(raw);
    format(r, 'market operation');
    const id = r.u64();
    const k = r.u8();
    const o: MarketOp = { id, kind: OP_KINDS[k & 0x7f], account: r.account(), amount: r.u64(), createdAt: r.u64(), order: r.u64(), cum: r.u64(), fee: r.u64() };
    if ((k & 0x80) !== 0) o.uncertain = true;
    return o;
}

/** Typed access to the maps. */
export class MarketStore {
    private cached: MarketState | undefined;

    constructor(
        readonly maps: MarketMaps,
        /** Told after every saved order (the socket NFTs follow their orders, spec §12; market.ts passes the port). */
        private readonly orderSaved: (id: bigint) => void = () => {},
    ) {}

    state(): MarketState {
        if (this.cached !== undefined) return this.cached;
        const raw = this.maps.state.get(STATE_KEY);
        this.cached = raw === undefined ? emptyState() : decodeState(raw);
        return this.cached;
    }

    saveState(s: MarketState): void {
        this.maps.state.set(STATE_KEY, encodeState(s));
        this.cached = s;
    }

    /** Reads, changes and writes the state in one step (never hold a state across another write). */
    update(f: (s: MarketState) => Partial<MarketState>): MarketState {
        const s = this.state();
        const next = { ...s, ...f(s) };
        this.saveState(next);
        return next;
    }

    /** Forgets the heap copy (a trapped message rolled the map back; tests simulate upgrades). */
    forget(): void {
        this.cached = undefined;
    }

    offer(id: bigint): Offer | undefined {
        const raw = this.maps.offers.get(u64be(id));
        return raw === undefined ? undefined : decodeOffer(raw);
    }

    saveOffer(o: Offer): void {
        this.maps.offers.set(u64be(o.id), encodeOffer(o));
    }

    openOffers(node: bigint): number {
        const raw = this.maps.nodeOffers.get(u64be(node));
        return raw === undefined ? 0 : new DataView(raw.buffer, raw.byteOffset).getUint32(0);
    }

    setOpenOffers(node: bigint, n: number): void {
        if (n === 0) this.maps.nodeOffers.delete(u64be(node));
        else this.maps.nodeOffers.set(u64be(node), new Writer(4).u32(n).done());
    }

    order(id: bigint): Order | undefined {
        const raw = this.maps.orders.get(u64be(id));
        return raw === undefined ? undefined : decodeOrder(raw);
    }

    saveOrder(o: Order): void {
        this.maps.orders.set(u64be(o.id), encodeOrder(o));
        this.orderSaved(o.id);
    }


    pendingAt(order: bigint, fromCum: bigint): Pending | undefined {
        const raw = this.maps.pending.get(concat([u64be(order), u64be(fromCum)]));
        return raw === undefined ? undefined : decodePending(raw);
    }

    savePending(p: Pending): void {
        this.maps.pending.set(concat([u64be(p.order), u64be(p.fromCum)]), encodePending(p));
    }

    /** An order's amounts from `fromCum` on, following to_cum (done ones included), at most `max`. */
    pendingChain(order: bigint, fromCum: bigint, max: number): Pending[] {
        const out: Pending[] = [];
        let at = fromCum;
        while (out.length < max) {
            const p = this.pendingAt(order, at);
            if (p === undefined) break;
            out.push(p);
            at = p.toCum;
        }
        return out;
    }

    credit(a: Account): Credit {
        const raw = this.maps.credits.get(accountKey(a));
        return raw === undefined ? { credit: 0n, rewards: 0n } : decodeCredit(raw);
    }

    saveCredit(a: Account, c: Credit): void {
        if (c.credit === 0n && c.rewards === 0n && c.creditOp === undefined && c.rewardOp === undefined) this.maps.credits.delete(accountKey(a));
        else this.maps.credits.set(accountKey(a), encodeCredit(c));
    }

    op(id: bigint): MarketOp | undefined {
        const raw = this.maps.ops.get(u64be(id));
        return raw === undefined ? undefined : decodeOp(raw);
    }

    saveOp(o: MarketOp): void {
        this.maps.ops.set(u64be(o.id), encodeOp(o));
    }

    deleteOp(id: bigint): void {
        this.maps.ops.delete(u64be(id));
    }

    referencePrice(service: string): bigint | undefined {
        const raw = this.maps.referencePrices.get(utf8(service));
        return raw === undefined ? undefined : readU64be(raw, 1);
    }

    setReferencePrice(service: string, price: bigint): void {
        const key = utf8(service);
        if (price === 0n) this.maps.referencePrices.delete(key);
        else this.maps.referencePrices.set(key, new Writer(9).u8(FMT).u64(price).done());
    }

    /** Queue keys: time ‖ ids (u64 BE each). */
    static queueKey(...parts: bigint[]): Uint8Array {
        return concat(parts.map(u64be));
    }

    static queueParts(key: Uint8Array): bigint[] {
        const out: bigint[] = [];
        for (let i = 0; i + 8 <= key.length; i += 8) out.push(readU64be(key, i));
        return out;
    }
}
