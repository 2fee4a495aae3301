/**
 * `emc market`: the compute market (spec §11, §11.1; docs/market.md). Providers publish and close
 * offers; buyers open orders, close them, dispute pending amounts; everyone claims and reads
 * offers, orders, receipts and trading rewards. Before any approval the client checks what the
 * protocol will check (the offer, the price, the units, the expiry, the pause, the balance): a
 * refused order or dispute sends nothing and costs no fee.
 */
import { formatAccount, parseAccount, parseSubaccount } from '../../client/account';
import { emc, utc } from '../../client/format/display';
import { badInput, fail, mapResult, ok, type ClientResult } from '../../client/result';
import type { IcrcAccount } from '../../client/types/account';
import type { MarketOffer, MarketOrder, MarketReceipt, MarketUnit } from '../../client/types/market';
import { flag, type Parsed } from './args';
import { command, type Command, type Output } from './command';
import { all, amountArg, countArg, daysArg, FROM_SUBACCOUNT, idArg, nodeIdArg, optional, pages, RANGE, rangeArgs } from './inputs';

const DAY_NS = 86_400_000_000_000n;

const unitsArg = (text: string | undefined, what: string): ClientResult<bigint> =>
    text === undefined ? badInput(`${what} is missing`) : /^\d{1,13}$/.test(text) && BigInt(text) >= 1n && BigInt(text) <= 1_000_000_000_000n ? ok(BigInt(text)) : badInput(`${what} '${text}' is not a whole number from 1 to 10^12`);
const subaccountArg = (p: Parsed, name: string): ClientResult<Uint8Array | undefined> => optional(flag(p, name), (t) => parseSubaccount(t));

const offerLine = (o: MarketOffer) => `offer ${o.id}  ${o.open ? 'open  ' : 'closed'}  ${o.nodeId}  ${o.service}  ${emc(o.price)} per ${o.unit}  ${o.minUnits}–${o.maxUnits} units`;
const orderLine = (o: MarketOrder) =>
    `order ${o.id}  ${o.status}  offer ${o.offer} (${o.nodeId}, ${o.service})  ${o.unitsConfirmed}/${o.unitsBought} units confirmed  paid ${emc(o.paid)}: escrow ${emc(o.escrow)}, pending ${emc(o.pending)}, settled ${emc(o.settled)}, refunded ${emc(o.refunded)}  expires ${utc(o.expiresAt)}`;
const receiptLine = (r: MarketReceipt) => `#${r.seq}  ${r.kind}  order ${r.order} units (${r.fromCum}, ${r.toCum}]  ${emc(r.amount)}  fee ${emc(r.fee)}  provider ${emc(r.credit)}  rewards ${emc(r.buyerReward)} / ${emc(r.providerReward)}${r.period > 0 ? ` (period ${r.period})` : ''}  ${utc(r.time)}${r.payer !== undefined ? `  payer ${formatAccount(r.payer)}` : ''}${r.to !== undefined ? `  to ${formatAccount(r.to)}` : ''}${r.block !== undefined ? `  block ${r.block}` : ''}`;

type OfferInput = { close: bigint } | { nodeId: string; service: string; unit: MarketUnit; price: bigint; minUnits: bigint; maxUnits: bigint };

const marketOffer = command<OfferInput>({
    group: 'market',
    name: 'offer',
    summary: 'publish an offer of your active compute node (at most 16 open per node), or close one with --close ID',
    args: [{ name: 'NODE_ID', help: 'your compute node (omit with --close)' }],
    flags: [
        { name: 'service', value: 'NAME', help: 'what you sell, 1–64 bytes (e.g. sdxl-1.0)' },
        { name: 'unit', value: 'task|second', help: 'the unit the price is per (default task)' },
        { name: 'price', value: 'EMC', help: 'price per unit' },
        { name: 'min', value: 'N', help: 'fewest units per order (default 1)' },
        { name: 'max', value: 'N', help: 'most units per order' },
        { name: 'close', value: 'ID', help: 'close this offer instead (open orders on it continue)' },
    ],
    update: true,
    input(p) {
        const close = flag(p, 'close');
        if (close !== undefined) return mapResult(idArg(close, '--close'), (id): OfferInput => ({ close: id }));
        const unit = flag(p, 'unit') ?? 'task';
        if (unit !== 'task' && unit !== 'second') return badInput(`--unit '${unit}' is not task or second`);
        const service = flag(p, 'service');
        if (service === undefined || service.length === 0 || Buffer.byteLength(service) > 64) return badInput('--service NAME is missing or longer than 64 bytes');
        return mapResult(all(nodeIdArg(p.positional[0] ?? ''), amountArg(flag(p, 'price'), '--price'), unitsArg(flag(p, 'min') ?? '1', '--min'), unitsArg(flag(p, 'max'), '--max')), ([nodeId, price, minUnits, maxUnits]): OfferInput => ({ nodeId, service, unit, price, minUnits, maxUnits }));
    },
    async run(c, i) {
        const r = 'close' in i ? await c.protocol.market().closeOffer(i.close) : await c.protocol.market().publishOffer(i);
        return mapResult(r, (o) => ({ json: o, human: `${'close' in i ? 'closed' : 'published'} ${offerLine(o)}` }));
    },
});

const marketOffers = command<{ start?: bigint; count: number }>({
    group: 'market',
    name: 'offers',
    summary: 'offers by id (default: the first 100)',
    args: [],
    flags: RANGE,
    update: false,
    input: rangeArgs,
    async run(c, i) {
        return mapResult(await pages(i.start ?? 0n, i.count, (a) => c.protocol.market().offers(a.start, a.count)), (os) => ({ json: os, human: os.length === 0 ? 'no offers' : os.map(offerLine).join('\n') }));
    },
});

const marketOpen = command<{ offer: bigint; units: bigint; maxPrice?: bigint; days: number; fromSubaccount?: Uint8Array }>({
    group: 'market',
    name: 'open',
    summary: 'buy units of an offer: approves units × price + one fee, then the protocol pulls it into the market escrow',
    args: [{ name: 'OFFER', help: 'the offer id' }],
    flags: [
        { name: 'units', value: 'N', help: 'how many units' },
        { name: 'max-price', value: 'EMC', help: 'refuse if the price per unit is above this (default: the offer’s price)' },
        { name: 'days', value: 'D', help: 'the order expires after D days (1–180, default 30); the unconfirmed rest comes back then' },
        FROM_SUBACCOUNT,
    ],
    update: true,
    notes: 'You pay only for units that validators confirm; the rest comes back (less one ledger fee) when you close the order or it expires. Confirmed amounts can be disputed for 72 hours (deposit: 1 % of the amount, at least 1 EMC).',
    input(p) {
        return mapResult(
            all(idArg(p.positional[0] ?? '', 'offer id'), unitsArg(flag(p, 'units'), '--units'), optional(flag(p, 'max-price'), (t) => amountArg(t, '--max-price')), daysArg(flag(p, 'days') ?? '30'), subaccountArg(p, 'from-subaccount')),
            ([offer, units, maxPrice, days, fromSubaccount]) => ({ offer, units, maxPrice, days, fromSubaccount }),
        );
    },
    async run(c, i) {
        if (i.days > 180) return badInput('--days must be at most 180');
        const r = await c.protocol.market().open({ offer: i.offer, units: i.units, maxPrice: i.maxPrice, expiresAt: c.now() + BigInt(i.days) * DAY_NS, fromSubaccount: i.fromSubaccount });
        return mapResult(r, (o) => ({ json: o, human: `opened ${orderLine(o)}` }));
    },
});

const marketOrders = command<{ id?: bigint; start?: bigint; count: number }>({
    group: 'market',
    name: 'orders',
    summary: 'one order with its pending amounts (ORDER), or orders by id',
    args: [{ name: 'ORDER', help: 'an order id (optional)' }],
    flags: RANGE,
    update: false,
    input: (p) => mapResult(all(optional(p.positional[0], (t) => idArg(t, 'order id')), rangeArgs(p)), ([id, r]) => ({ id, ...r })),
    async run(c, i) {
        const m = c.protocol.market();
        if (i.id !== undefined) {
            const o = await m.order(i.id);
            if (!o.ok) return o;
            if (o.value === undefined) return fail('NotFound', `no order ${i.id}`);
            const p = await m.pending(i.id);
            if (!p.ok) return p;
            const lines = p.value.map((x) => `  units (${x.fromCum}, ${x.toCum}]  ${emc(x.amount)}  ${x.status}${x.status === 'pending' ? ` until ${utc(x.matureAt)}` : ''}`);
            return ok({ json: { order: o.value, pending: p.value }, human: [orderLine(o.value), ...lines].join('\n') });
        }
        return mapResult(await pages(i.start ?? 0n, i.count, (a) => m.orders(a.start, a.count)), (os) => ({ json: os, human: os.length === 0 ? 'no orders' : os.map(orderLine).join('\n') }));
    },
});

const marketClose = command<{ order: bigint }>({
    group: 'market',
    name: 'close',
    summary: 'close an order (its payer or its provider): the unconfirmed escrow goes back less one ledger fee',
    args: [{ name: 'ORDER', help: 'the order id' }],
    flags: [],
    update: true,
    input: (p) => mapResult(idArg(p.positional[0] ?? '', 'order id'), (order) => ({ order })),
    async run(c, i) {
        return mapResult(await c.protocol.market().close(i.order), (o) => ({ json: o, human: `closed ${orderLine(o)}` }));
    },
});

const marketDispute = command<{ order: bigint; fromCum: bigint; fromSubaccount?: Uint8Array }>({
    group: 'market',
    name: 'dispute',
    summary: 'dispute a pending amount of your order within its window (deposit: 1 % of it, at least 1 EMC)',
    args: [{ name: 'ORDER', help: 'the order id' }],
    flags: [{ name: 'from-cum', value: 'N', help: 'where the amount starts (see `emc market orders ORDER`)' }, FROM_SUBACCOUNT],
    update: true,
    notes: 'If validators confirm a rejection within 7 days you get the amount and the deposit back (less one fee); otherwise the amount is paid and the deposit goes to the treasury.',
    input(p) {
        const from = flag(p, 'from-cum');
        if (from === undefined) return badInput('--from-cum N is missing');
        return mapResult(all(idArg(p.positional[0] ?? '', 'order id'), idArg(from, '--from-cum'), subaccountArg(p, 'from-subaccount')), ([order, fromCum, fromSubaccount]) => ({ order, fromCum, fromSubaccount }));
    },
    async run(c, i) {
        return mapResult(await c.protocol.market().dispute(i), (x) => ({ json: x, human: `disputed units (${x.fromCum}, ${x.toCum}] of order ${x.order} (${emc(x.amount)}), deposit ${emc(x.deposit)}` }));
    },
});

const marketClaim = command<{ subaccount?: Uint8Array }>({
    group: 'market',
    name: 'claim',
    summary: 'claim your provider credit (less one fee) and trading rewards (minted)',
    args: [],
    flags: [{ name: 'subaccount', value: 'HEX', help: 'claim for this subaccount of the caller (e.g. a wallet subaccount)' }],
    update: true,
    input: (p) => mapResult(subaccountArg(p, 'subaccount'), (subaccount) => ({ subaccount })),
    async run(c, i) {
        return mapResult(await c.protocol.market().claim(i.subaccount), (x) => ({ json: x, human: `received ${emc(x.credit)} provider credit and ${emc(x.rewards)} trading rewards${x.pending.length > 0 ? `; in flight: ${x.pending.join(', ')}` : ''}` }));
    },
});

const marketReceipts = command<{ start?: bigint; count: number }>({
    group: 'market',
    name: 'receipts',
    summary: 'settlements, refunds and dispute outcomes, in order',
    args: [],
    flags: RANGE,
    update: false,
    input: rangeArgs,
    async run(c, i) {
        return mapResult(await pages(i.start ?? 0n, i.count, (a) => c.protocol.market().receipts(a.start, a.count)), (rs) => ({ json: rs, human: rs.length === 0 ? 'no receipts' : rs.map(receiptLine).join('\n') }));
    },
});

const marketRewards = command<{ account?: IcrcAccount; periods: number }>({
    group: 'market',
    name: 'rewards',
    summary: 'the trading-reward schedule, the pool, and what an account may claim (default: the caller)',
    args: [],
    flags: [{ name: 'account', value: 'ACCOUNT', help: 'whose claimable amounts (default: the caller)' }, { name: 'periods', value: 'N', help: 'schedule rows (default 8, at most 100)' }],
    update: false,
    input: (p) => mapResult(all(optional(flag(p, 'account'), parseAccount), countArg(flag(p, 'periods'), '--periods', 8, 100)), ([account, periods]) => ({ account, periods })),
    async run(c, i) {
        const m = c.protocol.market();
        const [s, t, a] = [await m.schedule(i.periods), await m.totals(), await m.claimable(i.account ?? { owner: c.principal })];
        if (!s.ok) return s;
        if (!t.ok) return t;
        if (!a.ok) return a;
        const rows = s.value.map((r) => `period ${r.period}: P = 1/${r.pDen}, df = ${r.dfNum}/${r.dfDen}; per 1 EMC of base: buyer ${emc(r.buyerPerEmc)}, provider ${emc(r.providerPerEmc)}`);
        const head = t.value.rewardStart === undefined ? 'trading rewards: not started (fee-only market)' : `trading rewards since ${utc(t.value.rewardStart)}: ${emc(t.value.rewardsGranted)} granted, ${emc(t.value.rewardsMinted)} minted of ${emc(t.value.rewardsPool)}`;
        const out: Output = { json: { schedule: s.value, totals: t.value, claimable: a.value }, human: [head, `claimable: credit ${emc(a.value.credit)}, rewards ${emc(a.value.rewards)}`, ...rows].join('\n') };
        return ok(out);
    },
});

export const MARKET_COMMANDS: Command[] = [marketOffer, marketOffers, marketOpen, marketOrders, marketClose, marketDispute, marketClaim, marketReceipts, marketRewards];
