/**
 * Market claims (spec §11, §11.1): payouts are claims, never pushes. The owner of an account claims
 * its provider credit (sent from the market escrow, less one ledger fee) and its trading rewards
 * (minted by the protocol, the ledger's minting account; no fee). A claim books the amount out
 * before the await; a refused transfer puts it back, an unknown outcome is retried by maintenance
 * with the same key. The fees booked by settlements are swept to the treasury by the same pattern,
 * once they exceed SWEEP_MIN_FEES ledger fees (one transfer per sweep, not per settlement).
 * Storage: MARKET_CREDITS, the state's totals, one operation per movement.
 * Cost: two reads and two writes, then one ledger call per movement.
 */
import type { Account } from '../../ledger/account';
import { TREASURY_SUBACCOUNT } from '../model/supply';
import type { MarketContext } from './context';
import { refuseCaller } from './offers';
import { fail, type MarketOp, type MarketOutcome } from './model';
import type { OpOutcome } from './operations';

/** Fees are swept to the treasury once they pass this many ledger fees. */
export const SWEEP_MIN_FEES = 100n;

export interface ClaimResult {
    credit: bigint;
    rewards: bigint;
    /** What is still in flight (unknown outcome: retried by maintenance). */
    pending: string[];
}

export class MarketClaims {
    constructor(private readonly ctx: MarketContext) {}

    async claim(caller: Uint8Array, subaccount?: Uint8Array): Promise<MarketOutcome<ClaimResult>> {
        const refused = refuseCaller(this.ctx, caller);
        if (refused !== undefined) return refused;
        if (subaccount !== undefined && subaccount.length !== 32) return fail({ InvalidArgument: { message: 'subaccount must be 32 bytes' } });
        const account: Account = subaccount === undefined ? { owner: caller } : { owner: caller, subaccount };
        const { store, ports, ops } = this.ctx;
        const c = store.credit(account);
        if (c.creditOp !== undefined || c.rewardOp !== undefined) {
            const due = [c.creditOp, c.rewardOp].filter((id): id is bigint => id !== undefined && ops.marks.retryable(id, this.ctx.env.now()));
            if (due.length === 0) return fail({ Busy: { message: 'a claim of this account is in flight' } });
            const out: ClaimResult = { credit: 0n, rewards: 0n, pending: [] };
            for (const id of due) {
                const op = store.op(id) as MarketOp;
                this.collect(out, op, await ops.attempt(op));
            }
            return { Ok: out };
        }
        const fee = ports.ledgerFee();
        const started: MarketOp[] = [];
        let next = { ...c };
        if (c.credit > fee) {
            const op = ops.begin('credit', account, c.credit, fee, 0n, 0n);
            next = { ...next, credit: 0n, creditOp: op.id };
            store.update((s) => ({ credit: s.credit - c.credit, outgoing: s.outgoing + c.credit }));
            started.push(op);
        }
        if (c.rewards > 0n) {
            const op = ops.begin('reward', account, c.rewards, 0n, 0n, 0n);
            next = { ...next, rewards: 0n, rewardOp: op.id };
            started.push(op);
        }
        if (started.length === 0) return fail({ NothingToClaim: { message: c.credit > 0n ? `the credit of ${c.credit} e8s does not cover the ledger fee yet` : 'nothing to claim for this account' } });
        store.saveCredit(account, next);
        const out: ClaimResult = { credit: 0n, rewards: 0n, pending: [] };
        for (const op of started) this.collect(out, op, await ops.attempt(op));
        if (out.credit === 0n && out.rewards === 0n && out.pending.length === 0) return fail({ LedgerRefused: { message: 'the ledger refused the claim; it stays claimable' } });
        return { Ok: out };
    }

    private collect(out: ClaimResult, op: MarketOp, r: OpOutcome | undefined): void {
        if (r === undefined || 'unknown' in r) out.pending.push(`${op.kind} ${op.amount} e8s (operation ${op.id})`);
        else if ('done' in r && op.kind === 'credit') out.credit += op.amount - op.fee;
        else if ('done' in r) out.rewards += op.amount;
    }

    /** A credit or reward claim reached its outcome. */
    settleClaim(op: MarketOp, outcome: { done: bigint } | { failed: string }): void {
        const { store } = this.ctx;
        const c = store.credit(op.account);
        if (op.kind === 'credit') {
            store.update((s) => ({ outgoing: s.outgoing - op.amount, ...('failed' in outcome ? { credit: s.credit + op.amount } : {}) }));
            store.saveCredit(op.account, { ...c, creditOp: undefined, credit: c.credit + ('failed' in outcome ? op.amount : 0n) });
        } else {
            if ('done' in outcome) store.update((s) => ({ rewardsMinted: s.rewardsMinted + op.amount }));
            store.saveCredit(op.account, { ...c, rewardOp: undefined, rewards: c.rewards + ('failed' in outcome ? op.amount : 0n) });
        }
    }

    /** Moves the fees booked so far to the treasury when they are worth a transfer (maintenance). */
    async sweep(self: Uint8Array): Promise<number> {
        const { store, ports, ops } = this.ctx;
        const s = store.state();
        const fee = ports.ledgerFee();
        if (s.sweepOp !== undefined || s.feesUnmoved < SWEEP_MIN_FEES * fee) return 0;
        const amount = s.feesUnmoved;
        const op = ops.begin('sweep', { owner: self, subaccount: TREASURY_SUBACCOUNT }, amount, fee, 0n, 0n);
        store.update((x) => ({ feesUnmoved: x.feesUnmoved - amount, outgoing: x.outgoing + amount, sweepOp: op.id }));
        const r = await ops.attempt(op);
        return r !== undefined && 'done' in r ? 1 : 0;
    }

    settleSweep(op: MarketOp, outcome: { done: bigint } | { failed: string }): void {
        this.ctx.store.update((s) => ({
            sweepOp: undefined,
            outgoing: s.outgoing - op.amount,
            ...('done' in outcome ? { feesMoved: s.feesMoved + op.amount - op.fee } : { feesUnmoved: s.feesUnmoved + op.amount }),
        }));
    }
}
