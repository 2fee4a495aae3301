/**
 * Disputes (spec §11): within the dispute window the payer (the socket holder until sockets exist)
 * disputes a pending amount, paying a deposit of max(1 EMC, 1 % of the amount) by ICRC-2 into the
 * market escrow; the amount stops maturing. Validators answer with a TaskRejected state bit
 * (task-records.ts): the amount and the deposit go back. Without a confirmed rejection within the
 * dispute timeout (7 days) the dispute fails: the amount matures and the deposit goes to the
 * treasury. Timeouts are a bounded job over the time-ordered dispute queue.
 * Storage: MARKET_PENDING, MARKET_MATURITY, MARKET_DISPUTES, the state's totals, one operation.
 * Cost: ~6 map operations and one ledger call to open; ~12 to time out (a settlement).
 */
import { bytesEqual, readU64be } from '../../lib/storage/bytes';
import type { MarketContext } from './context';
import { refuseCaller } from './offers';
import { fail, MIN_DISPUTE_DEPOSIT, type MarketOp, type MarketOutcome, type Pending } from './model';
import type { Settlement } from './settlement';
import { MarketStore } from './store';

export function disputeDeposit(amount: bigint): bigint {
    const pct = amount / 100n;
    return pct > MIN_DISPUTE_DEPOSIT ? pct : MIN_DISPUTE_DEPOSIT;
}

export class Disputes {
    constructor(
        private readonly ctx: MarketContext,
        private readonly settlement: Settlement,
    ) {}

    async open(caller: Uint8Array, orderId: bigint, fromCum: bigint, fromSubaccount?: Uint8Array): Promise<MarketOutcome<Pending>> {
        const refused = refuseCaller(this.ctx, caller);
        if (refused !== undefined) return refused;
        const { store, env } = this.ctx;
        if (fromSubaccount !== undefined && fromSubaccount.length !== 32) return fail({ InvalidArgument: { message: 'from_subaccount must be 32 bytes' } });
        const o = store.order(orderId);
        if (o === undefined) return fail({ OrderNotFound: { message: `no order ${orderId}`, order: orderId } });
        if (!bytesEqual(o.payer.owner, caller)) return fail({ NotAuthorized: { message: 'only the order’s holder may dispute it' } });
        const p = store.pendingAt(orderId, fromCum);
        if (p === undefined) return fail({ NotDisputable: { message: `order ${orderId} has no pending amount starting at ${fromCum} units` } });
        if (p.status !== 'pending') return fail({ NotDisputable: { message: `that amount is already ${p.status === 'disputing' ? 'being disputed' : p.status}` } });
        if (env.now() >= p.matureAt) return fail({ NotDisputable: { message: 'the dispute window of that amount has ended' } });
        const deposit = disputeDeposit(p.amount);
        const op = this.ctx.ops.begin('pull_deposit', { owner: caller, subaccount: fromSubaccount }, deposit, 0n, orderId, fromCum);
        store.maps.maturity.delete(MarketStore.queueKey(p.matureAt, p.order, p.fromCum));
        store.savePending({ ...p, status: 'disputing', deposit, op: op.id });
        const r = await this.ctx.ops.attempt(op);
        const now = store.pendingAt(orderId, fromCum) as Pending;
        if (r === undefined || 'unknown' in r) return fail({ OperationPending: { message: 'the ledger has not confirmed the deposit yet; it is retried with the same key', operation: op.id } });
        if ('failed' in r) return fail({ LedgerRefused: { message: r.failed } });
        return { Ok: now };
    }

    /** The deposit's pull reached its outcome. */
    settleDeposit(op: MarketOp, outcome: { done: bigint } | { failed: string }): void {
        const { store, env } = this.ctx;
        const p = store.pendingAt(op.order, op.cum);
        if (p === undefined || p.status !== 'disputing') return;
        if ('failed' in outcome) {
            // Back to maturing (at once if its window ended meanwhile).
            store.savePending({ ...p, status: 'pending', deposit: 0n, op: undefined });
            store.maps.maturity.set(MarketStore.queueKey(p.matureAt, p.order, p.fromCum), new Uint8Array(0));
            return;
        }
        const at = env.now();
        store.savePending({ ...p, status: 'disputed', disputedAt: at, op: undefined });
        store.maps.disputes.set(MarketStore.queueKey(at + store.state().params.disputeTimeoutNs, p.order, p.fromCum), new Uint8Array(0));
        store.update((s) => ({ deposits: s.deposits + op.amount }));
    }

    /** A rejection's refund (amount + deposit − fee) reached its outcome; a refused one is sent again. */
    settleRefund(op: MarketOp, outcome: { done: bigint } | { failed: string }): void {
        const { store } = this.ctx;
        const p = store.pendingAt(op.order, op.cum);
        if ('failed' in outcome) {
            const again = this.ctx.ops.begin('dispute_refund', op.account, op.amount, this.ctx.ports.ledgerFee(), op.order, op.cum, true);
            if (p !== undefined) store.savePending({ ...p, op: again.id });
            return;
        }
        store.update((s) => ({ outgoing: s.outgoing - op.amount, refundedVolume: s.refundedVolume + (p?.amount ?? 0n) }));
        if (p !== undefined) {
            store.savePending({ ...p, status: 'done', op: undefined });
            this.ctx.receipts.append({ kind: 'dispute_refunded', order: p.order, fromCum: p.fromCum, toCum: p.toCum, amount: p.amount, fee: op.fee, credit: 0n, buyerReward: 0n, providerReward: 0n, period: 0, to: op.account });
        }
    }

    /** Disputes whose timeout passed fail (at most `max`): the amount matures, the deposit goes to the treasury. */
    timeouts(now: bigint, max: number): number {
        const { store } = this.ctx;
        let n = 0;
        for (const [key] of store.maps.disputes.entries(0, max)) {
            const [at, order, from] = MarketStore.queueParts(key);
            if (at > now) break;
            store.maps.disputes.delete(key);
            const p = store.pendingAt(order, from);
            if (p === undefined || p.status !== 'disputed') continue;
            store.update((s) => ({ deposits: s.deposits - p.deposit, feesUnmoved: s.feesUnmoved + p.deposit }));
            this.settlement.mature(p, 'dispute_failed');
            n++;
        }
        return n;
    }

    nextAt(): bigint | undefined {
        const first = this.ctx.store.maps.disputes.entries(0, 1)[0];
        return first === undefined ? undefined : readU64be(first[0], 0);
    }
}
