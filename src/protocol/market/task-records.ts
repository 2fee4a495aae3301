/**
 * Task records, the market's state bits (spec §11), applied by the batch sink once, in height order:
 *   Task {order, node_id, cum_units, result_hash}: new = min(cum_units, units_bought) − units_confirmed;
 *   ignored if new ≤ 0, if the node is not the offer's node, or if the order is not open (a closing
 *   or closed order's escrow is already on its way back); else amount = new × price moves from the
 *   order's escrow to a pending amount maturing at now + dispute_window.
 *   Cumulative units make replays and reorders do nothing: an old or repeated record has new ≤ 0.
 *   TaskRejected {order, from_cum, to_cum}: the disputed pending amount (from_cum, to_cum] of the
 *   order is refunded to the socket's current holder with its deposit (one transfer, less one fee), and
 *   dispute_penalty_bp of the amount is charged from the node's stake (spec §11); a rejection of an
 *   amount that is not under dispute is ignored.
 * Each call returns a short outcome code stored with the batch. Nothing here awaits or throws: the
 * refund is a queued operation that maintenance sends.
 * Storage: the order, MARKET_PENDING, MARKET_MATURITY, MARKET_DISPUTES, the state's totals.
 * Cost: ~6 map operations per record.
 */
import { holderOf, type MarketContext } from './context';
import { MarketStore } from './store';

export class TaskRecords {
    constructor(private readonly ctx: MarketContext) {}

    applyTask(orderId: bigint, nodeId: string, cumUnits: bigint, _resultHash: Uint8Array): string {
        const { store, ports, env } = this.ctx;
        const o = store.order(orderId);
        if (o === undefined) return 'unknown-order';
        const node = ports.node(o.nodeIndex);
        if (node === undefined || node.id !== nodeId) return 'wrong-node';
        if (o.status !== 'open') return `order-${o.status}`;
        const upTo = cumUnits < o.unitsBought ? cumUnits : o.unitsBought;
        const units = upTo - o.unitsConfirmed;
        if (units <= 0n) return 'no-new-units';
        const amount = units * o.price;
        const matureAt = env.now() + store.state().params.disputeWindowNs;
        store.savePending({ order: o.id, fromCum: o.unitsConfirmed, toCum: upTo, amount, matureAt, status: 'pending', deposit: 0n, disputedAt: 0n });
        store.maps.maturity.set(MarketStore.queueKey(matureAt, o.id, o.unitsConfirmed), new Uint8Array(0));
        store.saveOrder({ ...o, unitsConfirmed: upTo, escrow: o.escrow - amount, pending: o.pending + amount });
        store.update((s) => ({ escrow: s.escrow - amount, pending: s.pending + amount }));
        return 'ok';
    }

    applyRejection(orderId: bigint, fromCum: bigint, toCum: bigint): string {
        const { store, ports } = this.ctx;
        const o = store.order(orderId);
        if (o === undefined) return 'unknown-order';
        const p = store.pendingAt(orderId, fromCum);
        if (p === undefined || p.toCum !== toCum) return 'unknown-amount';
        if (p.status !== 'disputed') return `not-disputed`;
        store.maps.disputes.delete(MarketStore.queueKey(p.disputedAt + store.state().params.disputeTimeoutNs, p.order, p.fromCum));
        const total = p.amount + p.deposit;
        const op = this.ctx.ops.begin('dispute_refund', holderOf(this.ctx, o), total, ports.ledgerFee(), o.id, p.fromCum, true);
        store.savePending({ ...p, status: 'done', op: op.id });
        store.saveOrder({ ...o, pending: o.pending - p.amount, refunded: o.refunded + p.amount });
        store.update((s) => ({ pending: s.pending - p.amount, deposits: s.deposits - p.deposit, outgoing: s.outgoing + total }));
        const bp = BigInt(store.state().params.disputePenaltyBp);
        if (bp > 0n) ports.chargeStake(o.nodeIndex, (p.amount * bp) / 10_000n);
        return 'ok';
    }
}
