/**
 * The compute market on the protocol canister (spec §11, §11.1; docs/market.md), as buyers and
 * providers use it: publish and close offers, open orders (approving units × price + one fee on the
 * ledger first), close, dispute (approving the deposit first), claim; read offers, orders, pending
 * amounts, receipts, what an account may claim, the totals and the trading-reward schedule.
 * Rule: everything the protocol checks before pulling money is checked here first, with the
 * canister's own offer, order and totals and the caller's balance, so a refused `open` or `dispute`
 * sends nothing, approves nothing and costs no fee (errors carry `checkedBeforeSending`).
 * Storage: none. Cost: 2–4 queries before an update; one approval and one update for open/dispute.
 */
import { Principal } from '@dfinity/principal';
import type { ValueOf } from '../lib/candid/candid';
import type * as MK from '../protocol/api/market';
import { PROTOCOL_METHODS, protocolServiceIdl } from '../protocol/api/interface';
import { CanisterClient, type ClientOptions } from './canister';
import { checkNodeId } from './checks';
import { fromCandidAccount, toCandidAccount } from './converters/account';
import { opt } from './converters/candid';
import { emc } from './format/display';
import type { LedgerClient } from './ledger';
import { refused } from './precheck';
import { badInput, ok, type ClientResult } from './result';
import type { IcrcAccount } from './types/account';
import type { MarketClaimable, MarketClaimPaid, MarketOffer, MarketOrder, MarketPendingAmount, MarketReceipt, MarketTotals, MarketUnit, TradingRewardPeriod } from './types/market';

const DAY_NS = 86_400_000_000_000n;
const MAX_ORDER_NS = 180n * DAY_NS;
const MAX_UNITS = 1_000_000_000_000n;
const MIN_DEPOSIT = 100_000_000n;

type Err = Record<string, unknown>;

/** A MarketError case's own message. */
export function describeMarketError(e: Err): string | undefined {
    const [, v] = Object.entries(e)[0] ?? [];
    return v !== null && typeof v === 'object' && typeof (v as { message?: unknown }).message === 'string' ? (v as { message: string }).message : undefined;
}

const offerOf = (o: ValueOf<typeof MK.OfferViewT>): MarketOffer => ({ id: o.id, nodeId: o.node_id, service: o.service, unit: 'task' in o.unit ? 'task' : 'second', price: o.price, minUnits: o.min_units, maxUnits: o.max_units, open: o.open, createdAt: o.created_at });
const orderOf = (o: ValueOf<typeof MK.OrderViewT>): MarketOrder => ({
    id: o.id, offer: o.offer, nodeId: o.node_id, service: o.service, price: o.price, payer: fromCandidAccount(o.payer), unitsBought: o.units_bought, unitsConfirmed: o.units_confirmed,
    paid: o.paid, escrow: o.escrow, pending: o.pending, settled: o.settled, refunded: o.refunded, status: o.status, createdAt: o.created_at, expiresAt: o.expires_at,
});
const pendingOf = (p: ValueOf<typeof MK.PendingViewT>): MarketPendingAmount => ({ order: p.order, fromCum: p.from_cum, toCum: p.to_cum, amount: p.amount, matureAt: p.mature_at, status: p.status, deposit: p.deposit, disputedAt: p.disputed_at });
/** An ICRC-3 value as icrc3_get_blocks answers it. */
type LogValue = { Map: [string, LogValue][] } | { Array: LogValue[] } | { Blob: Uint8Array } | { Nat: bigint } | { Int: bigint } | { Text: string };
const field = (v: LogValue | undefined, key: string): LogValue | undefined => (v !== undefined && 'Map' in v ? v.Map.find(([k]) => k === key)?.[1] : undefined);
/** An account value of a block (Array [Blob owner, Blob subaccount?]) as an account. */
function accountOf(v: LogValue | undefined): IcrcAccount | undefined {
    if (v === undefined || !('Array' in v)) return undefined;
    const [o, s] = v.Array;
    if (o === undefined || !('Blob' in o)) return undefined;
    return { owner: Principal.fromUint8Array(new Uint8Array(o.Blob)), ...(s !== undefined && 'Blob' in s ? { subaccount: new Uint8Array(s.Blob) } : {}) };
}
const receiptOf = (r: ValueOf<typeof MK.ReceiptViewT>): MarketReceipt => ({ seq: r.seq, kind: r.kind, order: r.order, fromCum: r.from_cum, toCum: r.to_cum, amount: r.amount, fee: r.fee, credit: r.credit, buyerReward: r.buyer_reward, providerReward: r.provider_reward, period: r.period, time: r.time, ...(r.block.length === 1 ? { block: r.block[0] } : {}) });

export class MarketClient extends CanisterClient<typeof PROTOCOL_METHODS> {
    constructor(
        opts: ClientOptions,
        private readonly ledger: () => Promise<ClientResult<LedgerClient>>,
    ) {
        super(PROTOCOL_METHODS, protocolServiceIdl, opts);
    }

    // ----- reading -----------------------------------------------------------------------------

    async offers(start = 0n, count = 100): Promise<ClientResult<MarketOffer[]>> {
        const r = await this.call<ValueOf<typeof MK.OfferViewT>[]>('market_offers', [{ start, count }]);
        return r.ok ? ok(r.value.map(offerOf)) : r;
    }

    async offer(id: bigint): Promise<ClientResult<MarketOffer | undefined>> {
        const r = await this.offers(id, 1);
        return r.ok ? ok(r.value[0]?.id === id ? r.value[0] : undefined) : r;
    }

    async order(id: bigint): Promise<ClientResult<MarketOrder | undefined>> {
        const r = await this.call<[] | [ValueOf<typeof MK.OrderViewT>]>('market_get_order', [id]);
        return r.ok ? ok(r.value[0] === undefined ? undefined : orderOf(r.value[0])) : r;
    }

    async orders(start = 0n, count = 100): Promise<ClientResult<MarketOrder[]>> {
        const r = await this.call<ValueOf<typeof MK.OrderViewT>[]>('market_orders', [{ start, count }]);
        return r.ok ? ok(r.value.map(orderOf)) : r;
    }

    async pending(order: bigint, fromCum = 0n, count = 100): Promise<ClientResult<MarketPendingAmount[]>> {
        const r = await this.call<ValueOf<typeof MK.PendingViewT>[]>('market_pending', [{ order, from_cum: fromCum, count }]);
        return r.ok ? ok(r.value.map(pendingOf)) : r;
    }

    /**
     * Receipts from `start`, each with the accounts its block names (`payer` of an open, `to` of a
     * refund or a dispute's refund: the socket's holder then, who may not be the payer): the receipt
     * view carries amounts only, so the blocks of the page are read in one `icrc3_get_blocks`.
     */
    async receipts(start = 0n, count = 100): Promise<ClientResult<MarketReceipt[]>> {
        const r = await this.call<ValueOf<typeof MK.ReceiptViewT>[]>('market_receipts', [{ start, count }]);
        if (!r.ok) return r;
        const list = r.value.map(receiptOf);
        const ids = list.flatMap((x) => (x.block === undefined ? [] : [x.block]));
        if (ids.length === 0) return ok(list);
        const b = await this.call<{ blocks: { id: bigint; block: LogValue }[] }>('icrc3_get_blocks', [ids.map((id) => ({ start: id, length: 1n }))]);
        if (!b.ok) return b;
        const txs = new Map(b.value.blocks.map((x) => [x.id, field(x.block, 'tx')]));
        return ok(list.map((x) => {
            const tx = x.block === undefined ? undefined : txs.get(x.block);
            const payer = accountOf(field(tx, 'payer'));
            const to = accountOf(field(tx, 'to'));
            return { ...x, ...(payer === undefined ? {} : { payer }), ...(to === undefined ? {} : { to }) };
        }));
    }

    async claimable(account?: IcrcAccount): Promise<ClientResult<MarketClaimable>> {
        const a = account ?? { owner: await this.principal() };
        const r = await this.call<ValueOf<typeof MK.MarketAccountT>>('market_account', [toCandidAccount(a)]);
        return r.ok ? ok({ credit: r.value.credit, rewards: r.value.rewards, claimsInFlight: r.value.claims_in_flight }) : r;
    }

    async totals(): Promise<ClientResult<MarketTotals>> {
        const r = await this.call<ValueOf<typeof MK.MarketSummaryT>>('market_summary', []);
        if (!r.ok) return r;
        const s = r.value;
        return ok({
            offers: s.offers, orders: s.orders, receipts: s.receipts, escrow: s.escrow, pending: s.pending, credit: s.credit, deposits: s.deposits, outgoing: s.outgoing, feesUnmoved: s.fees_unmoved, feesMoved: s.fees_moved,
            rewardsGranted: s.rewards_granted, rewardsMinted: s.rewards_minted, rewardsPool: s.rewards_pool, settledVolume: s.settled_volume, refundedVolume: s.refunded_volume,
            rewardStart: s.reward_start[0], paused: s.paused[0], disputeWindowNs: s.dispute_window_ns, disputeTimeoutNs: s.dispute_timeout_ns,
        });
    }

    async schedule(periods = 10): Promise<ClientResult<TradingRewardPeriod[]>> {
        if (!Number.isInteger(periods) || periods < 0 || periods > 100) return badInput(`periods must be a whole number from 0 to 100, got ${periods}`);
        const r = await this.call<ValueOf<typeof MK.TradingScheduleRowT>[]>('trading_reward_schedule', [periods]);
        return r.ok ? ok(r.value.map((x) => ({ period: x.period, pNum: x.p_num, pDen: x.p_den, dfNum: x.df_num, dfDen: x.df_den, buyerPerEmc: x.buyer_per_emc, providerPerEmc: x.provider_per_emc }))) : r;
    }

    // ----- providers ---------------------------------------------------------------------------

    async publishOffer(a: { nodeId: string; service: string; unit: MarketUnit; price: bigint; minUnits: bigint; maxUnits: bigint }): Promise<ClientResult<MarketOffer>> {
        const bad = checkNodeId(a.nodeId);
        if (bad !== undefined) return bad;
        if (a.service.length === 0 || new TextEncoder().encode(a.service).length > 64) return badInput('the service must be 1 to 64 bytes');
        if (a.unit !== 'task' && a.unit !== 'second') return badInput('the unit must be task or second');
        if (a.price < 1n) return badInput('the price must be at least 1 e8s per unit');
        if (a.minUnits < 1n || a.maxUnits < a.minUnits || a.maxUnits > MAX_UNITS) return badInput(`units per order must satisfy 1 ≤ min ≤ max ≤ ${MAX_UNITS}`);
        const arg = { node_id: a.nodeId, service: a.service, unit: a.unit === 'task' ? { task: null } : { second: null }, price: a.price, min_units: a.minUnits, max_units: a.maxUnits };
        return this.variant('market_offer', [arg], offerOf, describeMarketError);
    }

    closeOffer(id: bigint): Promise<ClientResult<MarketOffer>> {
        return this.variant('market_close_offer', [id], offerOf, describeMarketError, { idempotent: true });
    }

    // ----- buyers ------------------------------------------------------------------------------

    /** Opens an order: checks the offer, the price, the units, the expiry and the balance first; approves units × price + fee; opens. */
    async open(a: { offer: bigint; units: bigint; maxPrice?: bigint; expiresAt?: bigint; fromSubaccount?: Uint8Array }): Promise<ClientResult<MarketOrder>> {
        const o = await this.offer(a.offer);
        if (!o.ok) return o;
        const offer = o.value;
        if (offer === undefined) return { ok: false, error: refused('OfferNotFound', `no offer ${a.offer}`) };
        if (!offer.open) return { ok: false, error: refused('OfferClosed', `offer ${a.offer} is closed`) };
        const maxPrice = a.maxPrice ?? offer.price;
        if (maxPrice < offer.price) return { ok: false, error: refused('PriceAboveMax', `the offer’s price ${emc(offer.price)} per unit is above your maximum ${emc(maxPrice)}`) };
        if (a.units < offer.minUnits || a.units > offer.maxUnits) return { ok: false, error: refused('UnitsOutOfRange', `offer ${a.offer} sells ${offer.minUnits} to ${offer.maxUnits} units per order`) };
        const now = this.now();
        const expiresAt = a.expiresAt ?? now + 30n * DAY_NS;
        if (expiresAt <= now || expiresAt > now + MAX_ORDER_NS) return { ok: false, error: refused('ExpiryOutOfRange', 'the expiry must be in the future and at most 180 days ahead') };
        const t = await this.totals();
        if (!t.ok) return t;
        if (t.value.paused !== undefined) return { ok: false, error: refused('Paused', `the market is paused: ${t.value.paused}`) };
        const amount = a.units * offer.price;
        const approved = await this.approve(amount, a.fromSubaccount, 'order');
        if (!approved.ok) return approved;
        const arg = { offer: a.offer, units: a.units, max_price: maxPrice, expires_at: expiresAt, created_at_time: now, from_subaccount: opt(a.fromSubaccount) };
        // Deduplicated by (caller, created_at_time, arguments): a repeat after a lost answer is answered Duplicate.
        const r = await this.variant('market_open', [arg], orderOf, describeMarketError, { idempotent: true });
        return r.ok || r.error.kind === 'OperationPending' ? r : { ok: false, error: { ...r.error, message: `${r.error.message} (the approval of ${emc(amount + approved.value)} stays until it lapses in 1 hour)` } };
    }

    close(order: bigint): Promise<ClientResult<MarketOrder>> {
        return this.variant('market_close', [order], orderOf, describeMarketError, { idempotent: true });
    }

    /** Disputes a pending amount (within its window): checks it, the balance for the deposit, approves the deposit + fee, disputes. */
    async dispute(a: { order: bigint; fromCum: bigint; fromSubaccount?: Uint8Array }): Promise<ClientResult<MarketPendingAmount>> {
        const p = await this.pending(a.order, a.fromCum, 1);
        if (!p.ok) return p;
        const amount = p.value[0];
        if (amount === undefined || amount.fromCum !== a.fromCum) return { ok: false, error: refused('NotDisputable', `order ${a.order} has no pending amount starting at ${a.fromCum} units`) };
        if (amount.status !== 'pending') return { ok: false, error: refused('NotDisputable', `that amount is ${amount.status}`) };
        if (this.now() >= amount.matureAt) return { ok: false, error: refused('NotDisputable', 'its dispute window has ended') };
        const deposit = amount.amount / 100n > MIN_DEPOSIT ? amount.amount / 100n : MIN_DEPOSIT;
        const approved = await this.approve(deposit, a.fromSubaccount, 'deposit');
        if (!approved.ok) return approved;
        return this.variant('market_dispute', [{ order: a.order, from_cum: a.fromCum, from_subaccount: opt(a.fromSubaccount) }], pendingOf, describeMarketError);
    }

    // ----- everyone ----------------------------------------------------------------------------

    claim(subaccount?: Uint8Array): Promise<ClientResult<MarketClaimPaid>> {
        if (subaccount !== undefined && subaccount.length !== 32) return Promise.resolve(badInput('a subaccount is 32 bytes'));
        return this.variant('market_claim', [opt(subaccount)], (c: { credit: bigint; rewards: bigint; pending: string[] }) => c, describeMarketError, { idempotent: true });
    }

    /** Checks the balance covers amount + 2 fees, then approves amount + fee for an hour; answers the fee. */
    private async approve(amount: bigint, fromSubaccount: Uint8Array | undefined, what: string): Promise<ClientResult<bigint>> {
        const l = await this.ledger();
        if (!l.ok) return l;
        const fee = await l.value.fee();
        if (!fee.ok) return fee;
        const me: Principal = await this.principal();
        const bal = await l.value.balance({ owner: me, subaccount: fromSubaccount });
        if (!bal.ok) return bal;
        const needed = amount + 2n * fee.value;
        if (bal.value < needed) return { ok: false, error: refused('InsufficientFunds', `balance ${emc(bal.value)}, needed ${emc(needed)} (the ${what} ${emc(amount)} + 2 ledger fees)`) };
        const r = await l.value.approve({ spender: { owner: this.canisterId }, amount: amount + fee.value, expiresAt: this.now() + 3_600_000_000_000n, fromSubaccount });
        return r.ok ? ok(fee.value) : r;
    }
}
