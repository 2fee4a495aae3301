/**
 * The market's governance methods (spec §8, §11, §11.1), each with a pure check shared by its
 * `validate_m` twin and by `m`, which re-checks when it executes (so validate accepts exactly what
 * m executes): the market parameters (dispute window, dispute timeout, dispute_penalty_bp, job
 * batch), the reference prices per service (a price of 0 removes one: no trading rewards for that
 * service), starting the trading-reward clock (once), pausing and resuming the market. Each executed
 * change goes to the protocol's governance log.
 * Storage: the market state, MARKET_REFERENCE_PRICES. Cost: O(entries) checks, one write each.
 */
import { MAX_AMOUNT_E8S, reasonProblem } from '../model/bounds';
import { DAY_NS } from '../model/params';
import type { MarketContext } from './context';
import { serviceProblem } from './offers';
import { MAX_REFERENCE_PRICES, PARAM_BOUNDS, type MarketOutcome, type MarketParams } from './model';

export type Check = { Ok: string } | { Err: string };

export interface MarketParamsUpdate {
    dispute_window_ns?: bigint;
    dispute_timeout_ns?: bigint;
    dispute_penalty_bp?: number;
    job_batch?: number;
}

/** The reward clock may start at most this far ahead. */
export const MAX_REWARD_START_AHEAD_NS = 365n * DAY_NS;

export class MarketGovernance {
    constructor(private readonly ctx: MarketContext) {}

    private authorize(caller: Uint8Array): { Err: { NotAuthorized: { message: string } } } | undefined {
        const why = this.ctx.ports.authorize(caller);
        return why === undefined ? undefined : { Err: { NotAuthorized: { message: why } } };
    }

    private run<T>(caller: Uint8Array, method: string, check: () => Check, apply: () => T, before: string): MarketOutcome<string> {
        const denied = this.authorize(caller);
        if (denied !== undefined) return denied;
        const c = check();
        if ('Err' in c) return { Err: { InvalidArgument: { message: c.Err } } };
        apply();
        this.ctx.ports.log(caller, method, before, c.Ok);
        return { Ok: c.Ok };
    }

    nextParams(u: MarketParamsUpdate): { Ok: MarketParams } | { Err: string } {
        const cur = this.ctx.store.state().params;
        const next: MarketParams = { ...cur };
        if (u.dispute_window_ns !== undefined) next.disputeWindowNs = u.dispute_window_ns;
        if (u.dispute_timeout_ns !== undefined) next.disputeTimeoutNs = u.dispute_timeout_ns;
        if (u.dispute_penalty_bp !== undefined) next.disputePenaltyBp = u.dispute_penalty_bp;
        if (u.job_batch !== undefined) next.jobBatch = u.job_batch;
        for (const [k, [lo, hi]] of Object.entries(PARAM_BOUNDS) as [keyof MarketParams, readonly [bigint | number, bigint | number]][]) {
            const v = next[k];
            if (typeof v !== typeof lo || v < lo || v > hi || (typeof v === 'number' && !Number.isInteger(v))) return { Err: `${k} must be within [${lo}, ${hi}]` };
        }
        if (Object.values(u).every((v) => v === undefined)) return { Err: 'the update changes nothing' };
        return { Ok: next };
    }

    checkParams(u: MarketParamsUpdate): Check {
        const r = this.nextParams(u);
        if ('Err' in r) return r;
        const p = r.Ok;
        return { Ok: `Set the market parameters: dispute window ${p.disputeWindowNs} ns, dispute timeout ${p.disputeTimeoutNs} ns, dispute penalty ${p.disputePenaltyBp} bp, job batch ${p.jobBatch} (applies to task records applied and disputes opened from now on).` };
    }

    setParams(caller: Uint8Array, u: MarketParamsUpdate): MarketOutcome<string> {
        const before = this.ctx.store.state().params;
        return this.run(caller, 'market_set_params', () => this.checkParams(u), () => this.ctx.store.update(() => ({ params: (this.nextParams(u) as { Ok: MarketParams }).Ok })), JSON.stringify(before, (_k, v) => (typeof v === 'bigint' ? String(v) : v)));
    }

    checkReferencePrices(prices: { service: string; price: bigint }[]): Check {
        if (!Array.isArray(prices) || prices.length === 0 || prices.length > MAX_REFERENCE_PRICES) return { Err: `give 1 to ${MAX_REFERENCE_PRICES} reference prices` };
        const seen = new Set<string>();
        for (const p of prices) {
            const bad = serviceProblem(p.service);
            if (bad !== undefined) return { Err: bad };
            if (seen.has(p.service)) return { Err: `service ${p.service} is listed twice` };
            seen.add(p.service);
            if (typeof p.price !== 'bigint' || p.price < 0n || p.price > MAX_AMOUNT_E8S) return { Err: `the reference price of ${p.service} must be 0 (remove) to ${MAX_AMOUNT_E8S} e8s per unit` };
        }
        return { Ok: `Set the trading-reward reference prices (e8s per unit; 0 removes): ${prices.map((p) => `${p.service} = ${p.price}`).join(', ')}.` };
    }

    setReferencePrices(caller: Uint8Array, prices: { service: string; price: bigint }[]): MarketOutcome<string> {
        const before = Array.isArray(prices) ? prices.map((p) => `${p.service} = ${this.ctx.store.referencePrice(p.service) ?? 0n}`).join(', ') : '';
        return this.run(caller, 'market_set_reference_prices', () => this.checkReferencePrices(prices), () => prices.forEach((p) => this.ctx.store.setReferencePrice(p.service, p.price)), before);
    }

    checkStartRewards(at: bigint | undefined): Check {
        const now = this.ctx.env.now();
        const s = this.ctx.store.state();
        if (s.rewardStart !== undefined) return { Err: `the trading-reward clock already started at ${s.rewardStart}` };
        const start = at ?? now;
        if (start < now || start > now + MAX_REWARD_START_AHEAD_NS) return { Err: 'the start must be between now and 365 days ahead' };
        return { Ok: `Start the trading-reward clock at ${start} ns: period 1 pays buyers 20 % of each matured amount’s reward base, decaying by 1/F(n) every 90 epochs, within the 378,000,000 EMC pool.` };
    }

    startRewards(caller: Uint8Array, at: bigint | undefined): MarketOutcome<string> {
        const start = at ?? this.ctx.env.now();
        return this.run(caller, 'start_trading_rewards', () => this.checkStartRewards(at), () => this.ctx.store.update(() => ({ rewardStart: start })), 'off');
    }

    checkPause(reason: string): Check {
        const bad = reasonProblem(reason);
        if (bad !== undefined) return { Err: bad };
        if (this.ctx.store.state().paused !== undefined) return { Err: 'the market is already paused' };
        return { Ok: `Pause the market (no offers, orders, disputes or claims; task records and maturity continue): ${reason}` };
    }

    pause(caller: Uint8Array, reason: string): MarketOutcome<string> {
        return this.run(caller, 'market_pause', () => this.checkPause(reason), () => this.ctx.store.update(() => ({ paused: reason })), 'running');
    }

    checkResume(): Check {
        return this.ctx.store.state().paused === undefined ? { Err: 'the market is not paused' } : { Ok: 'Resume the market.' };
    }

    resume(caller: Uint8Array): MarketOutcome<string> {
        return this.run(caller, 'market_resume', () => this.checkResume(), () => this.ctx.store.update(() => ({ paused: undefined })), `paused: ${this.ctx.store.state().paused ?? ''}`);
    }
}
