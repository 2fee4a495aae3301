/**
 * The compute market (spec §11, §11.1) wired together: offers, orders, task records, settlement,
 * disputes, claims, governance, receipts, over its own maps and narrow ports (context.ts), and its
 * maintenance `Job`: ledger retries, expiries, maturities, dispute timeouts, the fee sweep — each
 * bounded by `jobBatch` per run; `nextAt` is the earliest thing due (never a past moment twice:
 * maintenance waits one interval after a run without progress).
 * Storage: PROTOCOL_MEMORY.MARKET_* (store.ts). Cost: construction only.
 */
import type { Env } from '../../lib/env';
import type { ProtocolLog } from '../log/log';
import type { KV } from '../../lib/storage/kv';
import type { LedgerPort } from '../model/ledger-port';
import type { Job } from '../jobs/maintenance';
import { MarketClaims } from './claims';
import type { MarketContext, MarketPorts } from './context';
import { Disputes } from './disputes';
import { MarketGovernance } from './governance';
import { Offers } from './offers';
import { MarketOps } from './operations';
import { Orders } from './orders';
import { Receipts } from './receipts';
import { Settlement } from './settlement';
import { MarketStore, type MarketMaps } from './store';
import { TaskRecords } from './task-records';

export class Market {
    readonly store: MarketStore;
    readonly ops: MarketOps;
    readonly receipts: Receipts;
    readonly offers: Offers;
    readonly orders: Orders;
    readonly tasks: TaskRecords;
    readonly settlement: Settlement;
    readonly disputes: Disputes;
    readonly claims: MarketClaims;
    readonly governance: MarketGovernance;
    readonly job: Job;

    constructor(maps: MarketMaps, ports: MarketPorts, ledger: LedgerPort, private readonly env: Env, log: Pick<ProtocolLog, 'append' | 'tip'>) {
        this.store = new MarketStore(maps);
        const now = () => env.now();
        this.ops = new MarketOps(this.store, maps.retries, ledger, { self: () => env.self(), setLedgerFee: (f) => ports.setLedgerFee(f), now });
        this.receipts = new Receipts(this.store, now, log);
        const ctx: MarketContext = { store: this.store, ops: this.ops, receipts: this.receipts, ports, env };
        this.offers = new Offers(ctx);
        this.orders = new Orders(ctx);
        this.tasks = new TaskRecords(ctx);
        this.settlement = new Settlement(ctx);
        this.disputes = new Disputes(ctx, this.settlement);
        this.claims = new MarketClaims(ctx);
        this.governance = new MarketGovernance(ctx);
        this.ops.settleWith({
            pull_order: (op, o) => this.orders.settlePull(op, o),
            refund: (op, o) => this.orders.settleRefund(op, o),
            pull_deposit: (op, o) => this.disputes.settleDeposit(op, o),
            dispute_refund: (op, o) => this.disputes.settleRefund(op, o),
            deposit_back: (op, o) => this.disputes.settleRefund(op, o),
            credit: (op, o) => this.claims.settleClaim(op, o),
            reward: (op, o) => this.claims.settleClaim(op, o),
            sweep: (op, o) => this.claims.settleSweep(op, o),
        });
        this.job = {
            name: 'market',
            run: (t) => this.run(t),
            nextAt: (t) => this.nextAt(t),
        };
    }

    /** One maintenance run of the market (bounded: jobBatch of each kind). */
    async run(now: bigint): Promise<number> {
        const max = this.store.state().params.jobBatch;
        let n = await this.ops.retryDue(max, now);
        n += await this.orders.expire(now, max);
        n += this.settlement.run(now, max);
        n += this.disputes.timeouts(now, max);
        n += await this.claims.sweep(this.env.self());
        return n;
    }

    nextAt(now: bigint): bigint | undefined {
        const max = this.store.state().params.jobBatch;
        const c = [this.ops.nextRetryAt(now, max), this.orders.nextExpiry(), this.settlement.nextAt(), this.disputes.nextAt()].filter((x): x is bigint => x !== undefined);
        return c.length === 0 ? undefined : c.reduce((a, b) => (a < b ? a : b));
    }
}
