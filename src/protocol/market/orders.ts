/**
 * Orders (spec §11): `market_open(offer, units, max_price, expires_at, created_at_time)` pulls
 * units × price by ICRC-2 into the one market escrow (the payer approves that amount + one ledger
 * fee) and keeps the order's books; deduplicated like ICRC-1 (caller, created_at_time, arguments:
 * 24 h window, 2 minutes of drift). Refused before anything is written or pulled for: a closed or
 * unknown offer, a node that cannot take orders, max_price below the price, units outside the
 * offer's bounds, expires_at not in (now, now + 180 days], units × price (+ the fee) above the supply.
 * Close and refund: the payer (the socket holder until sockets exist, spec §12) or the provider
 * closes, and an order closes itself at expires_at: the unconfirmed escrow goes back to the payer
 * less one ledger fee (an escrow of at most one fee cannot pay its transfer and goes to the
 * treasury); pending amounts still mature or are disputed. A refund the ledger refuses is retried
 * by maintenance.
 * Storage: MARKET_ORDERS, MARKET_DEDUP, MARKET_EXPIRIES, the offer read, the state's totals.
 * Cost: market_open ~8 map operations, one SHA-256 of ≤ 150 bytes and one ledger call; close the
 * same without the hash.
 */
import { isAnonymous } from '../../ledger/account';
import { sha256 } from '../../lib/crypto/sha256';
import { Writer } from '../../lib/storage/binary';
import { bytesEqual, concat, readU64be, u64be } from '../../lib/storage/bytes';
import { MAX_AMOUNT_E8S } from '../model/bounds';
import type { MarketContext } from './context';
import { refuseCaller } from './offers';
import { DEDUP_WINDOW_NS, fail, invalid, MAX_ORDER_NS, MAX_UNITS, PERMITTED_DRIFT_NS, type MarketError, type MarketOp, type MarketOutcome, type Order } from './model';
import type { OpOutcome } from './operations';
import { MarketStore } from './store';

export interface OpenArgs {
    offer: bigint;
    units: bigint;
    max_price: bigint;
    expires_at: bigint;
    created_at_time: bigint;
    from_subaccount?: Uint8Array;
}

/** Dedup entries removed per market_open (oldest first, once outside the window). */
const PRUNE_PER_CALL = 4;

export class Orders {
    constructor(private readonly ctx: MarketContext) {}

    /** Every check of market_open, in order, before anything is written. */
    check(caller: Uint8Array, a: OpenArgs): { Err: MarketError } | { Ok: { amount: bigint; nodeIndex: bigint; service: string; price: bigint; key: Uint8Array } } {
        const refused = refuseCaller(this.ctx, caller);
        if (refused !== undefined) return refused;
        const now = this.ctx.env.now();
        for (const [name, v] of [['offer', a.offer], ['units', a.units], ['max_price', a.max_price], ['expires_at', a.expires_at], ['created_at_time', a.created_at_time]] as const) {
            if (typeof v !== 'bigint' || v < 0n) return invalid(`${name} must be a natural number`);
        }
        if (a.from_subaccount !== undefined && (!(a.from_subaccount instanceof Uint8Array) || a.from_subaccount.length !== 32)) return invalid('from_subaccount must be 32 bytes');
        if (a.created_at_time + DEDUP_WINDOW_NS + PERMITTED_DRIFT_NS < now) return fail({ TooOld: { message: 'created_at_time is more than 24 hours in the past' } });
        if (a.created_at_time > now + PERMITTED_DRIFT_NS) return fail({ CreatedInFuture: { message: 'created_at_time is more than 2 minutes ahead of the canister’s time', ledger_time: now } });
        // As ICRC-1: a repeat within the window is answered Duplicate before any other rule (a retry
        // after a lost answer learns its order even if the offer closed meanwhile).
        const key = dedupKey(caller, a);
        const seen = this.ctx.store.maps.dedup.get(key);
        if (seen !== undefined) {
            const prior = this.ctx.store.order(readU64be(seen, 0));
            if (prior !== undefined && prior.status !== 'failed') return fail({ Duplicate: { message: `this order was already opened as order ${prior.id}`, duplicate_of: prior.id } });
        }
        const offer = this.ctx.store.offer(a.offer);
        if (offer === undefined) return fail({ OfferNotFound: { message: `no offer ${a.offer}`, offer: a.offer } });
        if (!offer.open) return fail({ OfferClosed: { message: `offer ${a.offer} is closed`, offer: a.offer } });
        const node = this.ctx.ports.node(offer.nodeIndex);
        if (node === undefined || !node.canTakeOrders) return fail({ NodeCannotTakeOrders: { message: `node ${offer.nodeId} cannot take orders now: ${node?.why ?? 'it is gone'}`, node_id: offer.nodeId } });
        if (a.max_price < offer.price) return fail({ PriceAboveMax: { message: `the offer’s price ${offer.price} e8s per unit is above max_price ${a.max_price}`, price: offer.price, max_price: a.max_price } });
        if (a.units < offer.minUnits || a.units > offer.maxUnits || a.units > MAX_UNITS) return fail({ UnitsOutOfRange: { message: `offer ${a.offer} sells ${offer.minUnits} to ${offer.maxUnits} units per order`, min: offer.minUnits, max: offer.maxUnits } });
        const latest = now + MAX_ORDER_NS;
        if (a.expires_at <= now || a.expires_at > latest) return fail({ ExpiryOutOfRange: { message: 'expires_at must be in the future and at most 180 days ahead', latest } });
        const amount = a.units * offer.price;
        if (amount + this.ctx.ports.ledgerFee() > MAX_AMOUNT_E8S) return fail({ AmountOverflow: { message: `units × price = ${amount} e8s is more than the supply` } });
        return { Ok: { amount, nodeIndex: offer.nodeIndex, service: offer.service, price: offer.price, key } };
    }

    async open(caller: Uint8Array, a: OpenArgs): Promise<MarketOutcome<Order>> {
        const c = this.check(caller, a);
        if ('Err' in c) return c;
        const { store } = this.ctx;
        this.prune();
        const now = this.ctx.env.now();
        const payer = { owner: caller, subaccount: a.from_subaccount };
        const id = store.state().nextOrder;
        store.update((s) => ({ nextOrder: s.nextOrder + 1n }));
        const op = this.ctx.ops.begin('pull_order', payer, c.Ok.amount, 0n, id, 0n);
        const order: Order = {
            id, offerId: a.offer, nodeIndex: c.Ok.nodeIndex, service: c.Ok.service, price: c.Ok.price, payer: a.from_subaccount === undefined ? { owner: caller } : payer,
            unitsBought: a.units, unitsConfirmed: 0n, paid: 0n, escrow: 0n, pending: 0n, settled: 0n, refunded: 0n, status: 'opening', createdAt: now, expiresAt: a.expires_at, op: op.id,
        };
        store.saveOrder(order);
        store.maps.dedup.set(c.Ok.key, u64be(id));
        return this.answer(id, await this.ctx.ops.attempt(op));
    }

    /** The outcome of an order's operation as the caller's answer. */
    private answer(id: bigint, r: OpOutcome | undefined): MarketOutcome<Order> {
        const order = this.ctx.store.order(id) as Order;
        if (r === undefined || 'unknown' in r) return fail({ OperationPending: { message: `the ledger has not confirmed the transfer of order ${id} yet (${r === undefined ? 'another attempt settles it' : r.unknown}); it is retried with the same key`, operation: order.op ?? 0n } });
        if ('failed' in r) return fail({ LedgerRefused: { message: r.failed } });
        return { Ok: order };
    }

    /** The pull of an order reached its outcome. */
    settlePull(op: MarketOp, outcome: { done: bigint } | { failed: string }): void {
        const o = this.ctx.store.order(op.order);
        if (o === undefined || o.status !== 'opening') return;
        if ('failed' in outcome) {
            this.ctx.store.saveOrder({ ...o, status: 'failed', op: undefined });
            return;
        }
        this.ctx.store.saveOrder({ ...o, status: 'open', paid: op.amount, escrow: op.amount, op: undefined });
        this.ctx.store.update((s) => ({ escrow: s.escrow + op.amount }));
        this.ctx.store.maps.expiries.set(MarketStore.queueKey(o.expiresAt, o.id), new Uint8Array(0));
    }

    async close(caller: Uint8Array, id: bigint): Promise<MarketOutcome<Order>> {
        if (isAnonymous(caller)) return fail({ NotAuthorized: { message: 'the anonymous principal cannot use the market' } });
        const o = this.ctx.store.order(id);
        if (o === undefined) return fail({ OrderNotFound: { message: `no order ${id}`, order: id } });
        const node = this.ctx.ports.node(o.nodeIndex);
        if (!bytesEqual(o.payer.owner, caller) && (node === undefined || !bytesEqual(node.operator, caller))) return fail({ NotAuthorized: { message: 'only the order’s holder or its provider may close it' } });
        if (o.op !== undefined) {
            if (this.ctx.ops.marks.retryable(o.op, this.ctx.env.now())) return this.answer(id, await this.ctx.ops.attempt(this.ctx.store.op(o.op) as MarketOp));
            return fail({ Busy: { message: `order ${id} has a ledger operation in flight` } });
        }
        if (o.status !== 'open' && o.status !== 'closing') return fail({ OrderNotOpen: { message: `order ${id} is ${o.status}`, order: id, status: o.status } });
        const op = this.startRefund(o);
        if (op === undefined) return { Ok: this.ctx.store.order(id) as Order };
        return this.answer(id, await this.ctx.ops.attempt(op));
    }

    /** Books the order's escrow out for its refund (before the await); undefined when nothing is to be sent. */
    startRefund(o: Order): MarketOp | undefined {
        const { store, ports } = this.ctx;
        store.maps.expiries.delete(MarketStore.queueKey(o.expiresAt, o.id));
        const amount = o.escrow;
        const fee = ports.ledgerFee();
        if (amount <= fee) {
            store.saveOrder({ ...o, escrow: 0n, refunded: o.refunded + amount, status: 'closed' });
            store.update((s) => ({ escrow: s.escrow - amount, feesUnmoved: s.feesUnmoved + amount }));
            if (amount > 0n) this.ctx.receipts.append({ kind: 'dust', order: o.id, fromCum: o.unitsConfirmed, toCum: o.unitsBought, amount, fee: amount, credit: 0n, buyerReward: 0n, providerReward: 0n, period: 0, payer: o.payer });
            return undefined;
        }
        const op = this.ctx.ops.begin('refund', o.payer, amount, fee, o.id, 0n);
        store.saveOrder({ ...o, escrow: 0n, refunded: o.refunded + amount, status: 'closing', op: op.id });
        store.update((s) => ({ escrow: s.escrow - amount, outgoing: s.outgoing + amount }));
        return op;
    }

    /** A refund reached its outcome. */
    settleRefund(op: MarketOp, outcome: { done: bigint } | { failed: string }): void {
        const { store } = this.ctx;
        const o = store.order(op.order) as Order;
        store.update((s) => ({ outgoing: s.outgoing - op.amount }));
        if ('done' in outcome) {
            store.saveOrder({ ...o, status: 'closed', op: undefined });
            store.update((s) => ({ refundedVolume: s.refundedVolume + op.amount }));
            this.ctx.receipts.append({ kind: 'refunded', order: o.id, fromCum: o.unitsConfirmed, toCum: o.unitsBought, amount: op.amount, fee: op.fee, credit: 0n, buyerReward: 0n, providerReward: 0n, period: 0, payer: o.payer, to: op.account });
            return;
        }
        // Refused: the escrow goes back on the books and the close is retried by maintenance.
        store.saveOrder({ ...o, escrow: o.escrow + op.amount, refunded: o.refunded - op.amount, status: 'closing', op: undefined });
        store.update((s) => ({ escrow: s.escrow + op.amount }));
        store.maps.expiries.set(MarketStore.queueKey(o.expiresAt, o.id), new Uint8Array(0));
    }

    /** Closes orders whose expiry passed (and retries refused refunds), at most `max`. */
    async expire(now: bigint, max: number): Promise<number> {
        let n = 0;
        for (const [key] of this.ctx.store.maps.expiries.entries(0, max)) {
            const [at, id] = MarketStore.queueParts(key);
            if (at > now) break;
            const o = this.ctx.store.order(id);
            if (o === undefined || o.op !== undefined || (o.status !== 'open' && o.status !== 'closing')) {
                this.ctx.store.maps.expiries.delete(key);
                continue;
            }
            const op = this.startRefund(o);
            if (op !== undefined) await this.ctx.ops.attempt(op);
            n++;
        }
        return n;
    }

    nextExpiry(): bigint | undefined {
        const first = this.ctx.store.maps.expiries.entries(0, 1)[0];
        return first === undefined ? undefined : readU64be(first[0], 0);
    }

    /** Removes up to PRUNE_PER_CALL dedup entries older than the window. */
    private prune(): void {
        const oldest = this.ctx.env.now() - DEDUP_WINDOW_NS - PERMITTED_DRIFT_NS;
        for (const [key] of this.ctx.store.maps.dedup.entries(0, PRUNE_PER_CALL)) {
            if (readU64be(key, 0) >= oldest) break;
            this.ctx.store.maps.dedup.delete(key);
        }
    }
}

/** created_at_time ‖ SHA-256(caller ‖ the arguments): equal for the same caller, time and arguments only. */
export function dedupKey(caller: Uint8Array, a: OpenArgs): Uint8Array {
    // Out-of-range numbers are written as one value past their bound (such an order is refused anyway).
    const w = new Writer(128).bytes(caller).u64(a.offer).u64(a.units > MAX_UNITS ? MAX_UNITS + 1n : a.units).u64(a.max_price > MAX_AMOUNT_E8S ? MAX_AMOUNT_E8S + 1n : a.max_price).u64(a.expires_at);
    if (a.from_subaccount === undefined) w.u8(0);
    else w.u8(1).bytes(a.from_subaccount);
    return concat([u64be(a.created_at_time), sha256(w.done())]);
}
