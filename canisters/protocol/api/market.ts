/** The compute market (spec §11, §11.1): one line per endpoint; the rules are in src/protocol/market. */
import { accountIn } from '../../../src/ledger/api/candid';
import { claimView, marketErr, offerView, orderView, pendingView, receiptView, summaryView } from '../../../src/protocol/api/market';
import type { Order } from '../../../src/protocol/market/model';
import { tradingSchedule } from '../../../src/protocol/market/trading-rewards';
import { icEnv } from '../../common/env';
import type { Handlers } from '../handlers';
import { sys } from '../lifecycle';

const MAX_RECORDS = 100;
const m = () => sys.market;
const opt = <T>(v: [] | [T]): T | undefined => v[0];
const order = (o: Order) => orderView(o, m().store.offer(o.offerId)?.nodeId ?? '');
const withOrder = (r: { Ok: Order } | { Err: unknown }) => marketErr('Ok' in r ? { Ok: order(r.Ok) } : r);
const page = <T>(start: bigint, count: number, get: (id: bigint) => T | undefined): T[] => {
    const out: T[] = [];
    for (let id = start; id < start + BigInt(Math.min(count, MAX_RECORDS)); id++) {
        const v = get(id);
        if (v === undefined) break;
        out.push(v);
    }
    return out;
};

export const marketHandlers: Handlers<
    | 'market_offer' | 'market_close_offer' | 'market_open' | 'market_close' | 'market_dispute' | 'market_claim'
    | 'market_offers' | 'market_get_order' | 'market_orders' | 'market_pending' | 'market_receipts' | 'market_account' | 'market_summary' | 'trading_reward_schedule'
    | 'market_set_params' | 'validate_market_set_params' | 'market_set_reference_prices' | 'validate_market_set_reference_prices'
    | 'start_trading_rewards' | 'validate_start_trading_rewards' | 'market_pause' | 'validate_market_pause' | 'market_resume' | 'validate_market_resume'
> = {
    market_offer: (a) => marketErr(mapOk(m().offers.create(icEnv.caller(), { ...a, unit: 'task' in a.unit ? 'task' : 'second' }), offerView)),
    market_close_offer: (id) => marketErr(mapOk(m().offers.close(icEnv.caller(), id), offerView)),
    market_open: async (a) => withOrder(await m().orders.open(icEnv.caller(), { ...a, from_subaccount: opt(a.from_subaccount) })),
    market_close: async (id) => withOrder(await m().orders.close(icEnv.caller(), id)),
    market_dispute: async (a) => marketErr(mapOk(await m().disputes.open(icEnv.caller(), a.order, a.from_cum, opt(a.from_subaccount)), pendingView)),
    market_claim: async (sub) => marketErr(mapOk(await m().claims.claim(icEnv.caller(), opt(sub)), claimView)),
    market_offers: (r) => page(r.start, r.count, (id) => m().store.offer(id)).map(offerView),
    market_get_order: (id) => {
        const o = m().store.order(id);
        return o === undefined ? [] : [order(o)];
    },
    market_orders: (r) => page(r.start, r.count, (id) => m().store.order(id)).map(order),
    market_pending: (a) => m().store.pendingChain(a.order, a.from_cum, Math.min(a.count, MAX_RECORDS)).map(pendingView),
    market_receipts: (r) => m().receipts.range(r.start, Math.min(r.count, MAX_RECORDS)).map(receiptView),
    market_account: (a) => {
        const c = m().store.credit(accountIn(a));
        return { credit: c.credit, rewards: c.rewards, claims_in_flight: (c.creditOp === undefined ? 0 : 1) + (c.rewardOp === undefined ? 0 : 1) };
    },
    market_summary: () => summaryView(m().store.state()),
    trading_reward_schedule: (n) => tradingSchedule(n),
    market_set_params: (u) => marketErr(m().governance.setParams(icEnv.caller(), paramsIn(u))),
    validate_market_set_params: (u) => m().governance.checkParams(paramsIn(u)),
    market_set_reference_prices: (p) => marketErr(m().governance.setReferencePrices(icEnv.caller(), p)),
    validate_market_set_reference_prices: (p) => m().governance.checkReferencePrices(p),
    start_trading_rewards: (at) => marketErr(m().governance.startRewards(icEnv.caller(), opt(at))),
    validate_start_trading_rewards: (at) => m().governance.checkStartRewards(opt(at)),
    market_pause: (reason) => marketErr(m().governance.pause(icEnv.caller(), reason)),
    validate_market_pause: (reason) => m().governance.checkPause(reason),
    market_resume: () => marketErr(m().governance.resume(icEnv.caller())),
    validate_market_resume: () => m().governance.checkResume(),
};

function mapOk<A, B>(r: { Ok: A } | { Err: unknown }, f: (a: A) => B): { Ok: B } | { Err: unknown } {
    return 'Ok' in r ? { Ok: f(r.Ok) } : r;
}

function paramsIn(u: { dispute_window_ns: [] | [bigint]; dispute_timeout_ns: [] | [bigint]; dispute_penalty_bp: [] | [number]; job_batch: [] | [number] }) {
    return { dispute_window_ns: opt(u.dispute_window_ns), dispute_timeout_ns: opt(u.dispute_timeout_ns), dispute_penalty_bp: opt(u.dispute_penalty_bp), job_batch: opt(u.job_batch) };
}
