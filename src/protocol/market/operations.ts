/**
 * The market's ledger movements (spec §11: pulls into the market escrow, refunds, dispute deposits,
 * provider credit, trading-reward mints, fee sweeps to the treasury), built like every movement of
 * the protocol (src/protocol/stakes/operations.ts, src/protocol/treasury/payouts.ts):
 *  1. `begin` writes the operation (kind, account, amount, fee, created_at_time) and its retry mark
 *     before any await; the section that starts it books the amount out of its bucket into
 *     `outgoing` (a transfer from the escrow) or books nothing yet (a pull, a mint);
 *  2. `attempt` marks the attempt and calls the ledger with the operation's idempotency key (memo
 *     `emc:m:<kind>:<id>` and its created_at_time); only the latest attempt records an outcome;
 *  3. the owner of the kind applies the outcome (`Settlers`); an unknown outcome stays marked and
 *     maintenance retries it (`retryDue`) with the same key, so the ledger answers Duplicate if it ran.
 * A retry answered TooOld (more than 24 h after an attempt whose outcome was never known) counts
 * as executed: moving money again could move it twice (the memo finds it in the ledger's blocks).
 *
 * Storage: MARKET_OPS (the operations), MARKET_RETRIES (the marks). Cost: two writes before and two
 * after each ledger call.
 */
import { utf8 } from '../../lib/storage/binary';
import type { Account } from '../../ledger/account';
import { describeVariant, u64be } from '../../lib/storage/bytes';
import { clipText, OPERATION_LEASE_NS } from '../model/bounds';
import { settle, type LedgerPort, type Movement } from '../model/ledger-port';
import { OperationMarks } from '../model/operation-marks';
import { MARKET_SUBACCOUNT, type MarketOp, type MarketOpKind } from './model';
import type { MarketStore } from './store';

/** How an operation ended: done (its block), failed (refused or never executed), or still unknown. */
export type OpOutcome = { done: bigint } | { failed: string; badFee?: bigint } | { unknown: string };

/** Applies an operation's final outcome to the books of the section that owns its kind. */
export type Settlers = Record<MarketOpKind, (op: MarketOp, outcome: { done: bigint } | { failed: string }) => void>;

const SHORT: Record<MarketOpKind, string> = { pull_order: 'po', pull_deposit: 'pd', refund: 'rf', dispute_refund: 'dr', deposit_back: 'db', credit: 'cr', reward: 'rw', sweep: 'sw' };

export class MarketOps {
    readonly marks: OperationMarks;
    private settlers: Settlers | undefined;

    constructor(
        private readonly store: MarketStore,
        retries: import('../../lib/storage/kv').KV,
        private readonly ledger: LedgerPort,
        private readonly hooks: { self: () => Uint8Array; setLedgerFee: (fee: bigint) => void; now: () => bigint },
    ) {
        this.marks = new OperationMarks(retries, OPERATION_LEASE_NS);
    }

    /** Wires the owners of the kinds (the market facade, once every section exists). */
    settleWith(s: Settlers): void {
        this.settlers = s;
    }

    /** Writes a new operation and reserves its mark (before any await). `queued`: retryable at once by maintenance. */
    begin(kind: MarketOpKind, account: Account, amount: bigint, fee: bigint, order: bigint, cum: bigint, queued = false): MarketOp {
        const now = this.hooks.now();
        const op: MarketOp = { id: this.store.state().nextOp, kind, account, amount, createdAt: now, order, cum, fee };
        this.store.update((s) => ({ nextOp: s.nextOp + 1n }));
        this.store.saveOp(op);
        this.marks.reserve(op.id, now);
        if (queued) this.marks.unknown(op.id);
        return op;
    }

    memo(op: MarketOp): Uint8Array {
        return utf8(`emc:m:${SHORT[op.kind]}:${op.id}`);
    }

    /** One attempt: returns the final outcome once applied, `unknown` while it is not known, or undefined if a later attempt owns it. */
    async attempt(op: MarketOp): Promise<OpOutcome | undefined> {
        const attempt = this.marks.start(op.id, this.hooks.now());
        const uncertain = attempt > 1 || op.uncertain === true;
        const memo = this.memo(op);
        let m: Movement<unknown>;
        if (op.kind === 'pull_order' || op.kind === 'pull_deposit') {
            m = await settle(() => this.ledger.transferFrom({ from: op.account, to: { owner: this.hooks.self(), subaccount: MARKET_SUBACCOUNT }, amount: op.amount, memo, created_at_time: op.createdAt }), 2, uncertain);
        } else if (op.kind === 'reward') {
            m = await settle(() => this.ledger.transfer({ to: op.account, amount: op.amount, memo, created_at_time: op.createdAt }), 2, uncertain);
        } else {
            m = await settle(() => this.ledger.transfer({ from_subaccount: MARKET_SUBACCOUNT, to: op.account, amount: op.amount - op.fee, memo, created_at_time: op.createdAt }), 2, uncertain);
        }
        const current = this.store.op(op.id);
        if (current === undefined || !this.marks.isLatest(op.id, attempt)) return undefined;
        if ('refused' in m && 'TooOld' in (m.refused as object)) m = { done: 0n };
        if ('unknown' in m) {
            if (current.uncertain !== true) this.store.saveOp({ ...current, uncertain: true });
            this.marks.unknown(op.id);
            return { unknown: clipText(m.unknown) };
        }
        let outcome: { done: bigint } | { failed: string };
        if ('done' in m) outcome = { done: m.done };
        else {
            const bad = 'refused' in m ? (m.refused as { BadFee?: { expected_fee: bigint } }).BadFee : undefined;
            if (bad !== undefined) this.hooks.setLedgerFee(bad.expected_fee);
            outcome = { failed: clipText('refused' in m ? describeVariant(m.refused) : m.notExecuted) };
        }
        this.finish(current, outcome);
        return outcome;
    }

    /** Records an operation's final outcome in its owner's books and forgets it. */
    private finish(op: MarketOp, outcome: { done: bigint } | { failed: string }): void {
        (this.settlers as Settlers)[op.kind](op, outcome);
        this.store.deleteOp(op.id);
        this.marks.done(op.id);
    }

    /** Retries operations that may be retried now (at most `max`); returns how many reached an outcome. */
    async retryDue(max: number, now: bigint): Promise<number> {
        let n = 0;
        for (const id of this.marks.due(now, max)) {
            const op = this.store.op(id);
            if (op === undefined) {
                this.marks.done(id);
                continue;
            }
            const r = await this.attempt(op);
            if (r !== undefined && !('unknown' in r)) n++;
        }
        return n;
    }

    nextRetryAt(now: bigint, max: number): bigint | undefined {
        return this.marks.nextRetryAt(now, max);
    }

    inFlight(): number {
        return this.marks.size();
    }

    static key(id: bigint): Uint8Array {
        return u64be(id);
    }
}
