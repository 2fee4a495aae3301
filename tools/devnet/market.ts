/**
 * The devnet's compute market (issue 17, spec §11, §11.1; docs/market.md), driven through the SDK's
 * `MarketClient` with each actor's own key: the operators of a few compute nodes publish offers;
 * 40 buyers approve and open orders (one ICRC-2 approval and one `market_open` each); the validators
 * put task records (cumulative units) into the batches they propose and, for the dispute that
 * succeeds, a `TaskRejected`; the provider of the first failing compute node goes offline mid-order
 * and its buyer closes the order (the unconfirmed rest comes back less one fee); a second dispute is
 * left unanswered and fails after the timeout; governance sets the market's parameters and
 * reference prices at the start and starts the trading-reward clock part-way; providers and buyers
 * claim in rotation after each epoch. Three times a buyer resells an open order's socket to another
 * buyer (sockets.ts), and one new holder closes its order and receives the refund.
 *
 * The runner keeps only what a client would (its buyers' open orders and how many units it has
 * confirmed); after a resume it reloads the open orders from `market_orders`. What the report and
 * the checks show comes from the canister (`market_receipts`, `market_summary`, `market_orders`).
 * Storage: none (the saved runner state is in devnet.json). Cost: per slot one task record per
 * active order every third slot; per epoch a page of receipts and the rotating claims.
 */
import { createHash } from 'node:crypto';
import type { ProtocolClient } from '../../src/client/protocol';
import type { ClientResult } from '../../src/client/result';
import type { MarketOrder } from '../../src/client/types/market';
import type { Task, TaskRejected } from '../../src/protocol/batches/payload';
import { identityOf, DISPUTE_TIMEOUT_NS, DISPUTE_WINDOW_NS, HOUR_NS, SLOTS_PER_EPOCH, type MarketPlan } from './plan';
import type { MarketRow } from './types';
import { SocketResales, type Resale, type SocketsContext } from './sockets';

/** Task records go into every third batch (30 minutes of work each). */
const TASK_EVERY = 3;

export interface MarketContext {
    client(name: string | undefined): ProtocolClient;
    sockets: SocketsContext['sockets'];
    operatorOf(nodeId: string): string;
    now(): bigint;
    out(line: string): void;
}

/** What the runner remembers of the market across runs (devnet.json). */
export interface MarketSaved {
    receiptSeq: string;
    claimedCredit: string;
    claimedRewards: string;
    rewardStarted: boolean;
}

/** What the checks need from the script: the special orders and the claims paid. */
export interface MarketRecord {
    offline?: { order: bigint; nodeId: string; paidBefore: bigint; confirmedValue: bigint; refund: bigint; balanceBefore: bigint; balanceAfter: bigint; status: string };
    disputeWon?: { order: bigint; fromCum: bigint; toCum: bigint; amount: bigint; deposit: bigint; buyer: string };
    disputeLost?: { order: bigint; fromCum: bigint; toCum: bigint; amount: bigint; deposit: bigint; buyer: string };
    rewardStart?: bigint;
    claimedCredit: bigint;
    claimedRewards: bigint;
    buyers: string[];
    providers: string[];
    reference: Map<string, bigint>;
    /** the socket resales of this run and the resold order its new holder closed (sockets.ts) */
    sockets: SocketResales['record'];
}

interface Live {
    id: bigint;
    buyer: number;
    nodeId: string;
    units: bigint;
    cum: bigint;
    rate: bigint;
    expiresAt: bigint;
}

const must = <T>(r: ClientResult<T>, what: string): T => {
    if (!r.ok) throw new Error(`${what}: ${r.error.message}`);
    return r.value;
};

export class MarketScenario {
    readonly record: MarketRecord;
    private readonly live = new Map<bigint, Live>();
    /** buyer index → slot at which it opens its next order */
    private readonly nextOpen = new Map<number, number>();
    private readonly opened = new Map<number, number>();
    /** buyer index → its orders, newest last (this run's and those reloaded after a resume) */
    private readonly ordersOf = new Map<number, bigint[]>();
    private offerIds: bigint[] = [];
    private rejections: TaskRejected[] = [];
    private receiptSeq: bigint;
    private rewardStarted: boolean;
    private offlineFrom: number | undefined;
    private readonly resold = new Set<number>();
    /** The row of the epoch in progress. */
    row: MarketRow = emptyRow();
    private readonly resales: SocketResales;
    /** relative slot → the resale the script makes then */
    private readonly resaleAt: Map<number, MarketPlan['resales'][number]>;
    private pendingClose: { slot: number; resale: Resale } | undefined;

    constructor(
        private readonly ctx: MarketContext,
        private readonly plan: MarketPlan,
        private readonly startSlot: number,
        saved: MarketSaved | undefined,
    ) {
        this.receiptSeq = BigInt(saved?.receiptSeq ?? '0');
        this.rewardStarted = saved?.rewardStarted ?? false;
        this.record = {
            claimedCredit: BigInt(saved?.claimedCredit ?? '0'),
            claimedRewards: BigInt(saved?.claimedRewards ?? '0'),
            buyers: plan.buyers,
            providers: [...new Set(plan.offers.map((o) => o.nodeId))],
            reference: new Map(plan.reference.map((r) => [r.service, r.price])),
            sockets: { resales: [] },
        };
        plan.buyers.forEach((_, b) => this.nextOpen.set(b, startSlot + 1 + (b % SLOTS_PER_EPOCH)));
        this.resales = new SocketResales(
            {
                sockets: (n) => ctx.sockets(n),
                market: (n) => this.market(n),
                ledger: async (n) => must(await ctx.client(n).ledger(), 'ledger'),
                now: () => ctx.now(),
            },
            plan.buyers,
        );
        this.record.sockets = this.resales.record;
        this.resaleAt = new Map(plan.resales.map((r) => [r.slot, r]));
    }

    saved(): MarketSaved {
        return { receiptSeq: this.receiptSeq.toString(), claimedCredit: this.record.claimedCredit.toString(), claimedRewards: this.record.claimedRewards.toString(), rewardStarted: this.rewardStarted };
    }

    private market(name: string) {
        return this.ctx.client(name).market();
    }

    /** Governance sets the parameters and reference prices; the operators publish their offers (reusing open ones after a resume); open orders are reloaded. */
    async setup(): Promise<void> {
        const gov = this.ctx.client('governance');
        const params = { dispute_window_ns: [DISPUTE_WINDOW_NS], dispute_timeout_ns: [DISPUTE_TIMEOUT_NS], dispute_penalty_bp: [], job_batch: [] };
        this.ctx.out(`  governance proposal: ${must(await gov.call<{ Ok: string } | { Err: string }>('validate_market_set_params', [params]).then(validation), 'validate_market_set_params')}`);
        await govCall(gov, 'market_set_params', [params]);
        const prices = this.plan.reference.map((r) => ({ service: r.service, price: r.price }));
        this.ctx.out(`  governance proposal: ${must(await gov.call<{ Ok: string } | { Err: string }>('validate_market_set_reference_prices', [prices]).then(validation), 'validate_market_set_reference_prices')}`);
        await govCall(gov, 'market_set_reference_prices', [prices]);
        const existing = [];
        for (let start = 0n; ; ) {
            const page = must(await this.ctx.client(undefined).market().offers(start, 100), 'market_offers');
            existing.push(...page);
            if (page.length < 100) break;
            start = page[page.length - 1].id + 1n;
        }
        this.offerIds = [];
        for (const o of this.plan.offers) {
            const reuse = existing.find((x) => x.open && x.nodeId === o.nodeId && x.service === o.service && x.price === o.price);
            if (reuse !== undefined) {
                this.offerIds.push(reuse.id);
                continue;
            }
            const made = must(await this.market(this.ctx.operatorOf(o.nodeId)).publishOffer({ nodeId: o.nodeId, service: o.service, unit: o.unit, price: o.price, minUnits: 1n, maxUnits: o.maxUnits }), `${o.nodeId} publishes an offer`);
            this.offerIds.push(made.id);
        }
        // a resumed network: the buyers' open orders continue
        const payers = new Map(this.plan.buyers.map((b, i) => [identityOf(b).getPrincipal().toText(), i]));
        for (let start = 0n; ; ) {
            const page = must(await this.ctx.client(undefined).market().orders(start, 100), 'market_orders');
            for (const o of page) {
                const b = payers.get(o.payer.owner.toText());
                if (b !== undefined && o.status === 'open' && o.unitsConfirmed < o.unitsBought) this.track(o, b);
            }
            if (page.length < 100) break;
            start = page[page.length - 1].id + 1n;
        }
        for (const l of this.live.values()) this.nextOpen.delete(l.buyer);
        this.ctx.out(`  market: ${this.offerIds.length} offers (${this.plan.reference.map((r) => `${r.service} reference ${Number(r.price) / 1e8} EMC`).join(', ')}), dispute window ${DISPUTE_WINDOW_NS / HOUR_NS} h, timeout ${DISPUTE_TIMEOUT_NS / HOUR_NS} h; ${this.plan.buyers.length} buyers${this.live.size > 0 ? `, ${this.live.size} open orders continue` : ''}`);
    }

    private track(o: MarketOrder, buyer: number): void {
        this.ordersOf.set(buyer, [...(this.ordersOf.get(buyer) ?? []), o.id]);
        this.live.set(o.id, { id: o.id, buyer, nodeId: o.nodeId, units: o.unitsBought, cum: o.unitsConfirmed, rate: BigInt(1 + (buyer % 4)) * BigInt(TASK_EVERY), expiresAt: o.expiresAt });
    }

    /** Before the slot's batch: governance, orders, disputes, closes. Answers the market state bits for the batch. */
    async beforeBatch(slot: number, events: string[], offline: Set<string>): Promise<{ tasks: Task[]; rejections: TaskRejected[] }> {
        const rel = slot - this.startSlot;
        const p = this.plan;
        if (rel === p.rewardStartSlot && !this.rewardStarted) {
            const gov = this.ctx.client('governance');
            this.ctx.out(`  governance proposal: ${must(await gov.call<{ Ok: string } | { Err: string }>('validate_start_trading_rewards', [[]]).then(validation), 'validate_start_trading_rewards')}`);
            await govCall(gov, 'start_trading_rewards', [[]]);
            this.rewardStarted = true;
            this.record.rewardStart = this.ctx.now();
            events.push('trading-reward clock started');
        }
        // the buyer of the offline provider's order closes it the slot after the provider went offline
        if (this.offlineFrom !== undefined && slot === this.offlineFrom + 1) await this.closeOffline(events);
        // disputes
        if (rel === p.disputeWon.slot) this.record.disputeWon = await this.dispute(p.disputeWon.buyer, events, 'won');
        if (rel === p.disputeLost.slot) this.record.disputeLost = await this.dispute(p.disputeLost.buyer, events, 'lost');
        // socket resales (issue 18): a buyer passes an open order's socket to another; one new holder closes its order
        if (this.pendingClose !== undefined && slot >= this.pendingClose.slot) await this.holderCloses(slot, events);
        const resale = this.resaleAt.get(rel);
        if (resale !== undefined && !this.resold.has(rel)) {
            this.resold.add(rel);
            const sold = await this.resales.resell(slot, resale.from, resale.to, resale.how, [...this.live.values()]);
            const r = this.resales.record.resales[this.resales.record.resales.length - 1];
            if (sold !== undefined) {
                events.push(`socket ${r.token} ${r.from} → ${r.to} (${r.how === 'icrc7_transfer' ? 'transfer' : 'approve + transfer_from'})`);
                if (resale.close) this.pendingClose = { slot: slot + 1, resale: r };
            }
        }
        // orders past their expiry are closed by the maintenance job; their buyers buy again
        for (const l of [...this.live.values()]) {
            if (this.ctx.now() >= l.expiresAt) {
                this.live.delete(l.id);
                this.nextOpen.set(l.buyer, slot + 1);
                events.push(`order ${l.id} expired`);
            }
        }
        // new orders
        let opened = 0;
        for (const [b, at] of [...this.nextOpen]) {
            if (slot < at || rel > p.lastOpenSlot) continue;
            this.nextOpen.delete(b);
            await this.open(b);
            opened++;
        }
        if (opened > 0) events.push(`${opened} order${opened === 1 ? '' : 's'} opened`);
        // task records: validators confirm the work done since the last record
        const tasks: Task[] = [];
        if ((slot - this.startSlot) % TASK_EVERY === 0) {
            for (const l of this.live.values()) {
                if (offline.has(l.nodeId)) continue;
                const cum = l.cum + l.rate > l.units ? l.units : l.cum + l.rate;
                if (cum === l.cum) continue;
                l.cum = cum;
                tasks.push({ order: l.id, node_id: l.nodeId, cum_units: cum, result_hash: createHash('sha256').update(`${l.id}:${cum}`).digest() });
            }
        }
        if (this.offlineFrom === undefined) {
            const first = [...this.live.values()].find((l) => l.nodeId === p.offline.nodeId);
            if (first !== undefined && offline.has(p.offline.nodeId)) {
                this.offlineFrom = slot;
                events.push(`${p.offline.nodeId} offline with order ${first.id} open`);
            }
        }
        const rejections = this.rejections;
        this.rejections = [];
        return { tasks, rejections };
    }

    /** After the slot's batch: orders whose units are all confirmed end, their buyers open another a little later. */
    afterBatch(slot: number): void {
        for (const l of [...this.live.values()]) {
            if (l.cum >= l.units) {
                this.live.delete(l.id);
                this.nextOpen.set(l.buyer, slot + 2 + (l.buyer % 5));
            }
        }
    }

    private async open(b: number): Promise<void> {
        const p = this.plan;
        const k = this.opened.get(b) ?? 0;
        this.opened.set(b, k + 1);
        // buyer 0's first order is on the offer of the node that will go offline; the others use the healthy offers;
        // the first orders of buyers 0–2 (the offline provider, the two disputes) are large enough to last
        const offerIdx = b === 0 && k === 0 ? 0 : 1 + ((b + 3 * k) % (this.offerIds.length - 1));
        const units = b <= 2 && k === 0 ? 400n : BigInt(20 + ((b * 7 + k * 13) % 60));
        const now = this.ctx.now();
        // every eighth buyer's first order expires after 4 hours with units left: the maintenance job closes and refunds it
        const expiresAt = b % 8 === 5 && k === 0 ? now + 4n * HOUR_NS : undefined;
        const o = must(await this.market(p.buyers[b]).open({ offer: this.offerIds[offerIdx], units, expiresAt }), `${p.buyers[b]} opens an order on offer ${this.offerIds[offerIdx]}`);
        this.row.opened += o.paid;
        this.row.orders++;
        this.track(o, b);
        if (expiresAt !== undefined) (this.live.get(o.id) as Live).rate = 1n;
    }

    /** The resold order's new holder closes it: the refund goes to the holder; its payer buys again. */
    private async holderCloses(slot: number, events: string[]): Promise<void> {
        const { resale } = this.pendingClose as { resale: Resale };
        this.pendingClose = undefined;
        const l = this.live.get(resale.token);
        if (l === undefined) return; // its units were all confirmed in the meantime: nothing left to close
        const c = await this.resales.holderCloses(resale);
        this.live.delete(l.id);
        this.nextOpen.set(l.buyer, slot + 1);
        events.push(`order ${c.order} closed by its holder ${c.holder}: ${Number(c.refunded) / 1e8} EMC back to the holder`);
    }

    private async closeOffline(events: string[]): Promise<void> {
        const l = [...this.live.values()].find((x) => x.nodeId === this.plan.offline.nodeId && x.buyer === 0);
        if (l === undefined) return;
        const buyer = this.plan.buyers[0];
        const m = this.market(buyer);
        const ledger = must(await this.ctx.client(buyer).ledger(), 'ledger');
        const me = identityOf(buyer).getPrincipal();
        const before = must(await ledger.balance({ owner: me }), 'balance');
        const o = must(await m.order(l.id), 'market_get_order') as MarketOrder;
        const closed = must(await m.close(l.id), `${buyer} closes order ${l.id}`);
        const after = must(await ledger.balance({ owner: me }), 'balance');
        this.record.offline = { order: l.id, nodeId: l.nodeId, paidBefore: o.paid, confirmedValue: o.unitsConfirmed * o.price, refund: closed.refunded, balanceBefore: before, balanceAfter: after, status: closed.status };
        this.live.delete(l.id);
        // buyer 0 buys elsewhere from the next slot on
        this.nextOpen.set(0, 0);
        events.push(`order ${l.id} closed: ${Number(closed.refunded) / 1e8} EMC back to ${buyer}`);
    }

    private async dispute(b: number, events: string[], outcome: 'won' | 'lost'): Promise<MarketRecord['disputeWon']> {
        const buyer = this.plan.buyers[b];
        const m = this.market(buyer);
        // the buyer's latest amount still inside its dispute window, newest order first
        for (const order of [...(this.ordersOf.get(b) ?? [])].reverse()) {
            const pending = [];
            for (let from = 0n; ; ) {
                const page = must(await m.pending(order, from, 100), 'market_pending');
                pending.push(...page);
                if (page.length < 100) break;
                from = page[page.length - 1].toCum;
            }
            const target = pending.filter((x) => x.status === 'pending' && x.matureAt > this.ctx.now()).pop();
            if (target === undefined) continue;
            const d = must(await m.dispute({ order, fromCum: target.fromCum }), `${buyer} disputes order ${order}`);
            if (outcome === 'won') this.rejections.push({ order, from_cum: target.fromCum, to_cum: target.toCum });
            events.push(`${buyer} disputes order ${order} (units ${target.fromCum}–${target.toCum})`);
            return { order, fromCum: target.fromCum, toCum: target.toCum, amount: target.amount, deposit: d.deposit, buyer };
        }
        // possible only in a resumed run whose buyer has nothing pending now: the dispute is skipped (and not checked)
        this.ctx.out(`  ${buyer} has no amount inside its dispute window; no ${outcome === 'won' ? 'successful' : 'failing'} dispute this run`);
        return undefined;
    }

    /** At an epoch's close: the receipts since the last close, the escrow, then the rotating claims. */
    async closeEpoch(epoch: number): Promise<MarketRow> {
        const m = this.ctx.client(undefined).market();
        for (;;) {
            const page = must(await m.receipts(this.receiptSeq, 100), 'market_receipts');
            for (const r of page) {
                if (r.kind === 'settled' || r.kind === 'dispute_failed') {
                    this.row.volume += r.amount;
                    this.row.fees += r.fee;
                    this.row.buyerRewards += r.buyerReward;
                    this.row.providerRewards += r.providerReward;
                } else {
                    this.row.refunded += r.amount;
                }
                this.receiptSeq = r.seq + 1n;
            }
            if (page.length < 100) break;
        }
        const t = must(await m.totals(), 'market_summary');
        this.row.escrow = t.escrow;
        this.row.pending = t.pending;
        this.row.sockets = await this.resales.supply();
        // rotating claims: each provider every third epoch, each buyer every fifth
        const claim = async (name: string): Promise<void> => {
            const r = await this.market(name).claim();
            if (r.ok) {
                this.row.claimedCredit += r.value.credit;
                this.row.claimedRewards += r.value.rewards;
                this.record.claimedCredit += r.value.credit;
                this.record.claimedRewards += r.value.rewards;
            } else if (r.error.kind !== 'NothingToClaim') {
                throw new Error(`${name} claims from the market: ${r.error.message}`);
            }
        };
        for (const [i, nodeId] of this.record.providers.entries()) if ((i + epoch) % 3 === 0) await claim(this.ctx.operatorOf(nodeId));
        for (const [i, b] of this.plan.buyers.entries()) if ((i + epoch) % 5 === 0) await claim(b);
        const row = this.row;
        this.row = emptyRow();
        return row;
    }
}

export function emptyRow(): MarketRow {
    return { orders: 0, opened: 0n, volume: 0n, fees: 0n, buyerRewards: 0n, providerRewards: 0n, refunded: 0n, escrow: 0n, pending: 0n, claimedCredit: 0n, claimedRewards: 0n };
}

function validation(r: ClientResult<{ Ok: string } | { Err: string }>): ClientResult<string> {
    if (!r.ok) return r;
    return 'Ok' in r.value ? { ok: true, value: r.value.Ok } : { ok: false, error: { kind: 'Invalid', message: `Invalid: ${r.value.Err}` } };
}

/** A market governance method (no SDK wrapper exists for them yet: the client's generic call). */
async function govCall(gov: ProtocolClient, method: 'market_set_params' | 'market_set_reference_prices' | 'start_trading_rewards', args: unknown[]): Promise<string> {
    const r = must(await gov.call<{ Ok: string } | { Err: Record<string, { message?: string }> }>(method, args), method);
    if ('Err' in r) throw new Error(`${method}: ${JSON.stringify(r.Err, (_k, v) => (typeof v === 'bigint' ? v.toString() : v))}`);
    return r.Ok;
}
