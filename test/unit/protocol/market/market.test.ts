/**
 * The compute market (spec §11) on in-memory maps and the real ledger domain: offers, orders pulled
 * by ICRC-2 (and every refusal costing nothing), task records applied once with cumulative units,
 * maturity with the 20 % fee, claims, close and expiry refunds, disputes won and lost, the trading
 * rewards of §11.1 — with the market invariants checked after every step.
 */
import { MARKET_SUBACCOUNT } from '../../../../src/protocol/market/model';
import { TREASURY_SUBACCOUNT } from '../../../../src/protocol/model/supply';
import { checkInvariants, DAY, EMC, GOVERNANCE, HOUR, marketBalance, marketWorld, operator, PROTOCOL_ID, PROVIDER, WALLET_OWNER } from './helpers';

const FEE = 100_000n;
const wallet = { owner: operator(WALLET_OWNER) };

describe('offers', () => {
    it('are published by the operator of an active compute node, at most 16 open, and closed by it', async () => {
        const w = await marketWorld();
        const m = w.market;
        const args = { node_id: 'gpu1', service: 'sdxl-1.0', unit: 'task' as const, price: EMC, min_units: 1n, max_units: 10n };
        expect(m.offers.create(operator(99), args)).toEqual({ Err: { NotAuthorized: { message: 'only the node’s operator may publish its offers' } } });
        expect(m.offers.create(new Uint8Array([4]), args)).toHaveProperty('Err.NotAuthorized');
        expect(m.offers.create(operator(PROVIDER), { ...args, service: '' })).toHaveProperty('Err.InvalidArgument');
        expect(m.offers.create(operator(PROVIDER), { ...args, service: 'x'.repeat(65) })).toHaveProperty('Err.InvalidArgument');
        expect(m.offers.create(operator(PROVIDER), { ...args, min_units: 5n, max_units: 4n })).toHaveProperty('Err.InvalidArgument');
        expect(m.offers.create(operator(PROVIDER), { ...args, price: 0n })).toHaveProperty('Err.InvalidArgument');
        for (let i = 0; i < 16; i++) expect(m.offers.create(operator(PROVIDER), args)).toHaveProperty('Ok');
        expect(m.offers.create(operator(PROVIDER), args)).toEqual({ Err: { TooManyOffers: { message: expect.any(String), max: 16 } } });
        expect(m.offers.close(operator(99), 0n)).toHaveProperty('Err.NotAuthorized');
        expect(m.offers.close(operator(PROVIDER), 0n)).toHaveProperty('Ok.open', false);
        expect(m.offers.close(operator(PROVIDER), 0n)).toHaveProperty('Err.OfferClosed');
        expect(m.offers.create(operator(PROVIDER), args)).toHaveProperty('Ok');
        // a node reported offline cannot take orders
        w.protocol.observations.applyObservation('gpu1', false);
        expect(m.offers.create(operator(PROVIDER), args)).toHaveProperty('Err.NodeCannotTakeOrders');
    });
});

describe('market_open', () => {
    it('pulls units × price into the market escrow and keeps the books', async () => {
        const w = await marketWorld();
        const offer = w.offer(2n * EMC);
        const before = w.ledger.balance({ owner: operator(10) });
        const r = await w.open(10, offer.id, 25n);
        expect(r).toHaveProperty('Ok.status', 'open');
        // one fee for the approval, one for the pull
        expect(w.ledger.balance({ owner: operator(10) })).toBe(before - 50n * EMC - 2n * FEE);
        expect(marketBalance(w.ledger)).toBe(50n * EMC);
        expect(w.market.store.order(0n)).toMatchObject({ paid: 50n * EMC, escrow: 50n * EMC, unitsBought: 25n, status: 'open' });
        checkInvariants(w.protocol, w.ledger);
    });

    it('refuses every case of the issue with nothing pulled', async () => {
        const w = await marketWorld();
        const offer = w.offer(2n * EMC, 5n, 100n);
        const now = w.env.time;
        const cases: [Promise<unknown>, string][] = [
            [w.open(10, 99n, 10n), 'OfferNotFound'],
            [w.open(10, offer.id, 10n, { max_price: 2n * EMC - 1n }), 'PriceAboveMax'],
            [w.open(10, offer.id, 4n), 'UnitsOutOfRange'],
            [w.open(10, offer.id, 101n), 'UnitsOutOfRange'],
            [w.open(10, offer.id, 10n, { expires_at: now }), 'ExpiryOutOfRange'],
            [w.open(10, offer.id, 10n, { expires_at: now + 180n * DAY + 1n }), 'ExpiryOutOfRange'],
            [w.open(10, offer.id, 10n, { created_at_time: now - 2n * DAY }), 'TooOld'],
            [w.open(10, offer.id, 10n, { created_at_time: now + HOUR }), 'CreatedInFuture'],
        ];
        for (const [p, kind] of cases) expect(Object.keys(((await p) as { Err: object }).Err)).toEqual([kind]);
        // overflow of units × price
        const huge = w.offer(2_000_000_000n * EMC, 1n, 1_000_000n);
        expect(Object.keys(((await w.open(10, huge.id, 1_000_000n, { max_price: 2_000_000_000n * EMC })) as { Err: object }).Err)).toEqual(['AmountOverflow']);
        // a closed offer, a node that cannot take orders
        w.market.offers.close(operator(PROVIDER), offer.id);
        expect(Object.keys(((await w.open(10, offer.id, 10n)) as { Err: object }).Err)).toEqual(['OfferClosed']);
        const other = w.offer(EMC);
        w.protocol.observations.applyObservation('gpu1', false);
        expect(Object.keys(((await w.open(10, other.id, 10n)) as { Err: object }).Err)).toEqual(['NodeCannotTakeOrders']);
        expect(w.ledger.calls).toEqual([]);
        expect(w.market.store.state().nextOrder).toBe(0n);
        expect(marketBalance(w.ledger)).toBe(0n);
    });

    it('is deduplicated by (caller, created_at_time, arguments) and a refused pull can be retried', async () => {
        const w = await marketWorld();
        const offer = w.offer(EMC);
        const t = w.env.time;
        expect(await w.open(10, offer.id, 10n, { created_at_time: t })).toHaveProperty('Ok');
        expect(await w.open(10, offer.id, 10n, { created_at_time: t })).toEqual({ Err: { Duplicate: { message: expect.any(String), duplicate_of: 0n } } });
        expect(await w.open(10, offer.id, 11n, { created_at_time: t })).toHaveProperty('Ok.id', 1n);
        expect(await w.open(11, offer.id, 10n, { created_at_time: t })).toHaveProperty('Ok.id', 2n);
        // a retry after a lost answer learns its order even once the offer is closed
        w.market.offers.close(operator(PROVIDER), offer.id);
        expect(await w.open(11, offer.id, 10n, { created_at_time: t })).toEqual({ Err: { Duplicate: { message: expect.any(String), duplicate_of: 2n } } });
        const reopened = w.offer(EMC);
        // without an approval the pull is refused: nothing moves, the same call may be made again
        w.env.as(operator(12));
        const refused = await w.market.orders.open(operator(12), { offer: reopened.id, units: 1n, max_price: EMC, expires_at: t + DAY, created_at_time: t });
        expect(refused).toHaveProperty('Err.LedgerRefused');
        expect(w.market.store.order(3n)).toMatchObject({ status: 'failed', paid: 0n });
        expect(await w.open(12, reopened.id, 1n, { created_at_time: t, expires_at: t + DAY, max_price: EMC })).toHaveProperty('Ok.status', 'open');
        checkInvariants(w.protocol, w.ledger);
    });

    it('keeps an unknown outcome marked and lets maintenance finish it with the same key', async () => {
        const w = await marketWorld();
        const offer = w.offer(EMC);
        w.ledger.faults.push({ when: 'after', code: 6 }, { when: 'after', code: 6 });
        const r = await w.open(10, offer.id, 10n);
        expect(r).toHaveProperty('Err.OperationPending');
        expect(w.market.store.order(0n)?.status).toBe('opening');
        expect(marketBalance(w.ledger)).toBe(10n * EMC);
        await w.protocol.maintenance.run();
        expect(w.market.store.order(0n)).toMatchObject({ status: 'open', paid: 10n * EMC });
        expect(marketBalance(w.ledger)).toBe(10n * EMC); // the retry was a Duplicate: pulled once
        checkInvariants(w.protocol, w.ledger);
    });
});

describe('task records, maturity and claims', () => {
    it('charges only confirmed units, once, and pays the provider after the dispute window less 20 %', async () => {
        const w = await marketWorld();
        const offer = w.offer(2n * EMC);
        await w.open(10, offer.id, 10n);
        const tasks = w.market.tasks;
        const h = new Uint8Array(32);
        expect(tasks.applyTask(0n, 'other', 3n, h)).toBe('wrong-node');
        expect(tasks.applyTask(9n, 'gpu1', 3n, h)).toBe('unknown-order');
        expect(tasks.applyTask(0n, 'gpu1', 3n, h)).toBe('ok');
        expect(tasks.applyTask(0n, 'gpu1', 3n, h)).toBe('no-new-units'); // replay
        expect(tasks.applyTask(0n, 'gpu1', 2n, h)).toBe('no-new-units'); // reorder
        expect(tasks.applyTask(0n, 'gpu1', 50n, h)).toBe('ok'); // capped at units bought
        expect(w.market.store.order(0n)).toMatchObject({ unitsConfirmed: 10n, escrow: 0n, pending: 20n * EMC });
        checkInvariants(w.protocol, w.ledger);
        // nothing matures before the window
        w.env.time += 72n * HOUR - 1n;
        expect(w.market.settlement.run(w.env.time, 50)).toBe(0);
        w.env.time += 1n;
        expect(w.market.settlement.run(w.env.time, 50)).toBe(2);
        expect(w.market.store.order(0n)).toMatchObject({ pending: 0n, settled: 20n * EMC });
        expect(w.market.store.credit(wallet).credit).toBe(16n * EMC);
        expect(w.market.store.state().feesUnmoved).toBe(4n * EMC);
        checkInvariants(w.protocol, w.ledger);
        // no trading rewards before the clock starts
        expect(w.market.store.credit({ owner: operator(10) }).rewards).toBe(0n);
        // the wallet's owner claims: 16 EMC less one fee
        expect(await w.market.claims.claim(operator(99))).toHaveProperty('Err.NothingToClaim');
        const c = await w.market.claims.claim(operator(WALLET_OWNER));
        expect(c).toEqual({ Ok: { credit: 16n * EMC - FEE, rewards: 0n, pending: [] } });
        expect(w.ledger.balance(wallet)).toBe(16n * EMC - FEE);
        checkInvariants(w.protocol, w.ledger);
        // fees are swept to the treasury once worth it
        await w.protocol.maintenance.run();
        expect(w.ledger.balance({ owner: PROTOCOL_ID, subaccount: TREASURY_SUBACCOUNT })).toBe(4n * EMC - FEE);
        expect(marketBalance(w.ledger)).toBe(0n);
        checkInvariants(w.protocol, w.ledger);
        const receipts = w.market.receipts.range(0n, 10);
        expect(receipts.map((r) => [r.kind, r.amount, r.fee, r.credit])).toEqual([['settled', 6n * EMC, 120_000_000n, 480_000_000n], ['settled', 14n * EMC, 280_000_000n, 1_120_000_000n]]);
    });

    it('gives the whitepaper example through the market: period 4, 1000 EMC → 44.44444444 / 22.22222222 / 200', async () => {
        const w = await marketWorld(2_000n * EMC);
        const g = w.market.governance;
        expect(g.setReferencePrices(GOVERNANCE, [{ service: 'sdxl-1.0', price: 20n * EMC }])).toHaveProperty('Ok');
        expect(g.startRewards(operator(10), undefined)).toHaveProperty('Err.NotAuthorized');
        expect(g.startRewards(GOVERNANCE, undefined)).toHaveProperty('Ok');
        expect(g.startRewards(GOVERNANCE, undefined)).toHaveProperty('Err.InvalidArgument');
        // period 4 starts 270 epochs (days) after the reward start
        w.env.time += 270n * DAY;
        w.protocol.activation.applyPoc('gpu1', operator(PROVIDER), 10_000);
        const offer = w.offer(20n * EMC);
        await w.open(10, offer.id, 50n);
        expect(w.market.tasks.applyTask(0n, 'gpu1', 50n, new Uint8Array(32))).toBe('ok');
        w.env.time += 72n * HOUR;
        w.market.settlement.run(w.env.time, 50);
        const [r] = w.market.receipts.range(0n, 1);
        expect(r).toMatchObject({ period: 4, amount: 1000n * EMC, fee: 200n * EMC, credit: 800n * EMC, buyerReward: 4_444_444_444n, providerReward: 2_222_222_222n });
        expect(w.market.store.credit({ owner: operator(10) }).rewards).toBe(4_444_444_444n);
        expect(w.market.store.credit(wallet)).toMatchObject({ credit: 800n * EMC, rewards: 2_222_222_222n });
        // the buyer's reward is minted on claim; minted = claimed
        expect(await w.market.claims.claim(operator(10))).toEqual({ Ok: { credit: 0n, rewards: 4_444_444_444n, pending: [] } });
        expect(w.market.store.state()).toMatchObject({ rewardsMinted: 4_444_444_444n, rewardsGranted: 6_666_666_666n });
        checkInvariants(w.protocol, w.ledger);
    });

    it('pays no trading reward for a self-trade or a service without a reference price', async () => {
        const w = await marketWorld();
        w.market.governance.setReferencePrices(GOVERNANCE, [{ service: 'sdxl-1.0', price: EMC }]);
        w.market.governance.startRewards(GOVERNANCE, undefined);
        w.ledger.ledger.transfer; // the provider's operator buys from its own node
        const offer = w.offer(EMC);
        const plain = w.offer(EMC, 1n, 100n, 'llama');
        // fund the operator
        w.env.as(operator(10));
        w.ledger.env.as(operator(10));
        w.ledger.ledger.transfer({ to: { owner: operator(PROVIDER) }, amount: 100n * EMC });
        await w.open(PROVIDER, offer.id, 10n);
        await w.open(11, plain.id, 10n);
        await w.open(12, offer.id, 10n);
        for (const id of [0n, 1n, 2n]) w.market.tasks.applyTask(id, 'gpu1', 10n, new Uint8Array(0));
        w.env.time += 72n * HOUR;
        w.market.settlement.run(w.env.time, 50);
        expect(w.market.receipts.range(0n, 3).map((r) => r.buyerReward)).toEqual([0n, 0n, 2n * EMC]);
        checkInvariants(w.protocol, w.ledger);
    });
});

describe('close, expiry and disputes', () => {
    it('refunds the unconfirmed escrow less one fee on close; pending amounts still mature', async () => {
        const w = await marketWorld();
        const offer = w.offer(EMC);
        await w.open(10, offer.id, 10n);
        w.market.tasks.applyTask(0n, 'gpu1', 4n, new Uint8Array(0));
        const before = w.ledger.balance({ owner: operator(10) });
        expect(await w.market.orders.close(operator(11), 0n)).toHaveProperty('Err.NotAuthorized');
        expect(await w.market.orders.close(operator(10), 0n)).toHaveProperty('Ok.status', 'closed');
        expect(w.ledger.balance({ owner: operator(10) })).toBe(before + 6n * EMC - FEE);
        expect(w.market.tasks.applyTask(0n, 'gpu1', 8n, new Uint8Array(0))).toBe('order-closed');
        expect(await w.market.orders.close(operator(10), 0n)).toHaveProperty('Err.OrderNotOpen');
        checkInvariants(w.protocol, w.ledger);
        w.env.time += 72n * HOUR;
        await w.protocol.maintenance.run();
        expect(w.market.store.order(0n)).toMatchObject({ paid: 10n * EMC, refunded: 6n * EMC, settled: 4n * EMC, pending: 0n, escrow: 0n });
        checkInvariants(w.protocol, w.ledger);
    });

    it('closes itself at expires_at (the provider went offline: the buyer gets the unconfirmed rest back)', async () => {
        const w = await marketWorld();
        const offer = w.offer(EMC);
        await w.open(10, offer.id, 10n, { expires_at: w.env.time + DAY });
        w.market.tasks.applyTask(0n, 'gpu1', 3n, new Uint8Array(0));
        w.protocol.observations.applyObservation('gpu1', false);
        w.env.time += DAY;
        expect(w.market.nextAt(w.env.time)).toBe(w.env.time);
        await w.protocol.maintenance.run();
        expect(w.market.store.order(0n)).toMatchObject({ status: 'closed', refunded: 7n * EMC, pending: 3n * EMC });
        checkInvariants(w.protocol, w.ledger);
    });

    it('a confirmed rejection refunds the amount and the deposit; without one the dispute fails after 7 days', async () => {
        const w = await marketWorld();
        const offer = w.offer(10n * EMC);
        await w.open(10, offer.id, 20n);
        w.market.tasks.applyTask(0n, 'gpu1', 5n, new Uint8Array(0)); // 50 EMC pending (0, 5]
        w.market.tasks.applyTask(0n, 'gpu1', 15n, new Uint8Array(0)); // 100 EMC pending (5, 15]
        expect(await w.market.disputes.open(operator(11), 0n, 0n)).toHaveProperty('Err.NotAuthorized');
        expect(await w.market.disputes.open(operator(10), 0n, 1n)).toHaveProperty('Err.NotDisputable');
        const before = w.ledger.balance({ owner: operator(10) });
        expect(await w.market.disputes.open(operator(10), 0n, 0n)).toHaveProperty('Ok.status', 'disputed');
        expect(await w.market.disputes.open(operator(10), 0n, 5n)).toHaveProperty('Ok.deposit', EMC);
        expect(w.ledger.balance({ owner: operator(10) })).toBe(before - 2n * EMC - 2n * FEE);
        checkInvariants(w.protocol, w.ledger);
        // the window passes: disputed amounts do not mature
        w.env.time += 72n * HOUR;
        await w.protocol.maintenance.run();
        expect(w.market.store.order(0n)?.settled).toBe(0n);
        // validators reject (0, 5]: refund of 50 + 1 EMC less one fee
        expect(w.market.tasks.applyRejection(0n, 0n, 4n)).toBe('unknown-amount');
        expect(w.market.tasks.applyRejection(0n, 0n, 5n)).toBe('ok');
        expect(w.market.tasks.applyRejection(0n, 0n, 5n)).toBe('not-disputed'); // applied once
        const mid = w.ledger.balance({ owner: operator(10) });
        await w.protocol.maintenance.run();
        expect(w.ledger.balance({ owner: operator(10) })).toBe(mid + 51n * EMC - FEE);
        checkInvariants(w.protocol, w.ledger);
        // (5, 15] is never rejected: after 7 days it matures and the deposit goes to the treasury
        w.env.time += 7n * DAY;
        await w.protocol.maintenance.run();
        const o = w.market.store.order(0n)!;
        expect(o).toMatchObject({ refunded: 50n * EMC, settled: 100n * EMC, pending: 0n, escrow: 50n * EMC });
        expect(w.market.receipts.range(0n, 5).map((r) => r.kind)).toEqual(['dispute_refunded', 'dispute_failed']);
        expect(w.market.store.state().deposits).toBe(0n);
        checkInvariants(w.protocol, w.ledger);
    });
});

describe('dispute_penalty_bp', () => {
    it('charges that share of a rejected amount from the node’s stake to the treasury (through the penalty log)', async () => {
        const w = await marketWorld();
        const staker = 13;
        w.env.as(operator(staker));
        w.ledger.approve(operator(staker), 2_000n * EMC);
        w.env.as(operator(staker));
        expect(await w.protocol.stakes.registerNode({ node_id: 'gpu2', node_type: 'compute', wallet: { owner: operator(staker) }, stake: { amount: 1_000n * EMC, lock_days: 30 } })).toHaveProperty('Ok');
        expect(w.protocol.activation.applyPoc('gpu2', operator(staker), 10_000)).toBe('applied');
        expect(w.market.governance.setParams(GOVERNANCE, { dispute_penalty_bp: 1_000 })).toHaveProperty('Ok');
        const o = w.market.offers.create(operator(staker), { node_id: 'gpu2', service: 'sdxl-1.0', unit: 'task', price: 10n * EMC, min_units: 1n, max_units: 100n });
        expect(o).toHaveProperty('Ok');
        await w.open(10, (o as { Ok: { id: bigint } }).Ok.id, 10n);
        expect(w.market.tasks.applyTask(0n, 'gpu2', 10n, new Uint8Array(0))).toBe('ok');
        expect(await w.market.disputes.open(operator(10), 0n, 0n)).toHaveProperty('Ok.status', 'disputed');
        expect(w.market.tasks.applyRejection(0n, 0n, 10n)).toBe('ok');
        expect(w.protocol.book.byId('gpu2')?.penaltyDue).toBe(10n * EMC); // 10 % of 100 EMC
        expect(w.protocol.liveness.records(0n, 10).map((r) => [r.kind, r.amount])).toEqual([['dispute', 10n * EMC]]);
        await w.protocol.maintenance.run();
        checkInvariants(w.protocol, w.ledger);
    });
});

describe('governance of the market', () => {
    it('validate_ accepts exactly what the method executes', async () => {
        const w = await marketWorld();
        const g = w.market.governance;
        for (const u of [{ dispute_window_ns: HOUR }, { dispute_window_ns: HOUR - 1n }, { dispute_penalty_bp: 10_001 }, { job_batch: 0 }, {}]) {
            const check = g.checkParams(u);
            const r = g.setParams(GOVERNANCE, u);
            expect('Ok' in check).toBe('Ok' in r);
        }
        expect(g.setParams(operator(10), { job_batch: 5 })).toHaveProperty('Err.NotAuthorized');
        expect(g.checkReferencePrices([{ service: 'a', price: 1n }, { service: 'a', price: 2n }])).toHaveProperty('Err');
        expect(g.pause(GOVERNANCE, 'drill')).toHaveProperty('Ok');
        expect(await w.open(10, w.offer.length === 0 ? 0n : 0n, 1n)).toHaveProperty('Err.Paused');
        expect(g.checkPause('again')).toHaveProperty('Err');
        expect(g.resume(GOVERNANCE)).toHaveProperty('Ok');
        expect(g.checkResume()).toHaveProperty('Err');
        expect(marketBalance(w.ledger)).toBe(0n);
        expect(MARKET_SUBACCOUNT.length).toBe(32);
    });
});

describe('the market job', () => {
    it('matures at most job_batch settlements per run, earliest first, and says when it next has work', async () => {
        const w = await marketWorld();
        w.market.governance.setParams(GOVERNANCE, { job_batch: 2 });
        const offer = w.offer(EMC);
        for (let i = 0; i < 3; i++) await w.open(10 + i, offer.id, 10n);
        for (const cum of [1n, 2n, 3n]) w.market.tasks.applyTask(0n, 'gpu1', cum, new Uint8Array(0));
        w.env.time += HOUR;
        w.market.tasks.applyTask(1n, 'gpu1', 5n, new Uint8Array(0));
        const first = w.env.time - HOUR + 72n * HOUR;
        expect(w.market.settlement.nextAt()).toBe(first);
        w.env.time = first + 2n * HOUR;
        expect(await w.market.run(w.env.time)).toBe(2 + 1); // two settlements, and the fees swept (0.4 EMC > 100 ledger fees)
        expect(w.market.receipts.range(0n, 10).map((r) => [r.order, r.fromCum])).toEqual([[0n, 0n], [0n, 1n]]);
        expect(w.market.nextAt(w.env.time)).toBe(first); // more are due: the next run takes them
        expect(await w.market.run(w.env.time)).toBe(2 + 1); // and the new fees swept
        expect(w.market.receipts.range(0n, 10).map((r) => [r.order, r.fromCum])).toEqual([[0n, 0n], [0n, 1n], [0n, 2n], [1n, 0n]]);
        expect(await w.market.run(w.env.time)).toBe(0); // nothing due: no work, no spin
        expect(w.market.nextAt(w.env.time)).toBe(w.market.orders.nextExpiry());
        checkInvariants(w.protocol, w.ledger);
    });
});
