/**
 * Settlement (spec §11, §11.1): a pending amount matures at the end of its dispute window (or when
 * its dispute fails): fee = floor(amount × 20 / 100) to the treasury (booked, swept by claims.ts),
 * amount − fee becomes claimable by the node's reward wallet, and the trading rewards of
 * trading-rewards.ts become claimable by the payer and the wallet (minted when claimed). A receipt
 * records every amount. Maturity is a bounded job: a cursor over the time-ordered maturity queue,
 * at most `jobBatch` settlements per run, each synchronous (no await), so a run never spins and a
 * trap loses nothing.
 * Storage: MARKET_MATURITY (mature_at ‖ order ‖ from_cum), MARKET_PENDING, the order, MARKET_CREDITS
 * (wallet and payer), the reference price, the state's totals, one receipt (a block of the protocol's log).
 * Cost: ~10 map operations and one receipt block (its ICRC-3 hash) per settlement.
 */
import { bytesEqual, readU64be } from '../../lib/storage/bytes';
import type { MarketContext } from './context';
import type { Order, Pending } from './model';
import type { ReceiptKind } from './receipts';
import { MarketStore } from './store';
import { capRewards, marketFee, rewardBase, rewardPeriod, tradingRewards } from './trading-rewards';

export class Settlement {
    constructor(private readonly ctx: MarketContext) {}

    /** Matures a pending amount now (its window ended, or its dispute failed). */
    mature(p: Pending, kind: ReceiptKind = 'settled'): void {
        const { store, ports, env } = this.ctx;
        const o = store.order(p.order) as Order;
        const node = ports.node(o.nodeIndex);
        const now = env.now();
        const s = store.state();
        const fee = marketFee(p.amount);
        const credit = p.amount - fee;
        const period = rewardPeriod(now, s.rewardStart, ports.epochNs());
        let r = { buyer: 0n, provider: 0n };
        const selfTrade = node === undefined || bytesEqual(o.payer.owner, node.operator) || bytesEqual(o.payer.owner, node.wallet.owner);
        if (period > 0 && !selfTrade) r = capRewards(tradingRewards(rewardBase(p.amount, p.toCum - p.fromCum, store.referencePrice(o.service)), period), s.rewardsGranted);
        // The wallet at maturity (the node's, as governance and the operator keep it); a vanished node's credit stays with the payer.
        const wallet = node === undefined ? o.payer : node.wallet;
        const w = store.credit(wallet);
        store.saveCredit(wallet, { ...w, credit: w.credit + credit, rewards: w.rewards + r.provider });
        if (r.buyer > 0n) {
            const b = store.credit(o.payer);
            store.saveCredit(o.payer, { ...b, rewards: b.rewards + r.buyer });
        }
        // Kept as `done` (a tombstone): an order's amounts stay walkable from 0 by to_cum (market_pending).
        store.savePending({ ...p, status: 'done', op: undefined });
        store.saveOrder({ ...o, pending: o.pending - p.amount, settled: o.settled + p.amount });
        store.update((x) => ({ pending: x.pending - p.amount, credit: x.credit + credit, feesUnmoved: x.feesUnmoved + fee, rewardsGranted: x.rewardsGranted + r.buyer + r.provider, settledVolume: x.settledVolume + p.amount }));
        this.ctx.receipts.append({ kind, order: o.id, fromCum: p.fromCum, toCum: p.toCum, amount: p.amount, fee, credit, buyerReward: r.buyer, providerReward: r.provider, period, payer: o.payer, to: wallet });
    }

    /** Matures what is due, at most `max`; returns how many matured. */
    run(now: bigint, max: number): number {
        const { store } = this.ctx;
        let n = 0;
        for (const [key] of store.maps.maturity.entries(0, max)) {
            const [at, order, from] = MarketStore.queueParts(key);
            if (at > now) break;
            store.maps.maturity.delete(key);
            const p = store.pendingAt(order, from);
            if (p === undefined || p.status !== 'pending' || p.matureAt !== at) continue;
            this.mature(p);
            n++;
        }
        return n;
    }

    nextAt(): bigint | undefined {
        const first = this.ctx.store.maps.maturity.entries(0, 1)[0];
        return first === undefined ? undefined : readU64be(first[0], 0);
    }
}
