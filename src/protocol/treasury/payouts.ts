/**
 * The treasury's payouts (spec §1, §8): developer grants (from the 252,000,000 EMC pool) and DAO
 * airdrop batches (from the 105,000,000 EMC pool, at most 100 accounts a batch), approved by
 * governance, paid from the protocol's `treasury` subaccount. `checkPayout` is shared by
 * `validate_pay_grant` / `validate_airdrop_batch` (its message) and execution (a named case of
 * `GovernanceError`, src/protocol/governance/errors.ts). Lifetime totals never pass the
 * pools: a payout reserves its amount when it is created and gives it back if it fails.
 *
 * One ledger transfer per recipient, each with its own idempotency key (created_at_time + memo
 * "emc:pay:<id>"). Every payout of a batch gets its retry mark when it is recorded, before the
 * first await, and keeps it until its outcome is recorded (src/protocol/model/operation-marks.ts):
 * a payout whose outcome is unknown, or whose callback trapped, is retried by the maintenance job
 * with the same key. A retry answered TooOld counts as paid (paying again could pay twice).
 *
 * Storage: PROTOCOL_MEMORY.PAYOUTS (id u64 BE → u8 format 2 ‖ kind ‖ account ‖ u64 amount ‖
 * reason (long text) ‖ u64 created_at ‖ status ‖ block? ‖ error (long text); format 1 stored the
 * texts short and is still read), PAYOUT_RETRIES (the marks), the counters in the governance log's
 * state record. Cost: one record write and one ledger call per payment.
 */
import { Principal } from '@dfinity/principal';
import { accountProblem, type Account } from '../../ledger/account';
import { Reader, utf8, Writer } from '../../lib/storage/binary';
import { describeVariant, u64be } from '../../lib/storage/bytes';
import type { KV } from '../../lib/storage/kv';
import { clipText, OPERATION_LEASE_NS, reasonProblem } from '../model/bounds';
import { settle, type LedgerPort } from '../model/ledger-port';
import { OperationMarks } from '../model/operation-marks';
import { AIRDROP_POOL_E8S, GRANT_POOL_E8S, TREASURY_SUBACCOUNT } from '../model/supply';
import type { GovernanceLog } from '../governance/log';
import { invalidReason, type GovernanceError, type GovernanceOutcome } from '../governance/errors';
import { formatAmount } from '../governance/params-check';

export const MAX_AIRDROP_RECIPIENTS = 100;

export type PayoutKind = 'grant' | 'airdrop';
export type PayoutStatus = 'pending' | 'paid' | 'failed';

export interface Payout {
    id: bigint;
    kind: PayoutKind;
    to: Account;
    amount: bigint;
    reason: string;
    createdAt: bigint;
    status: PayoutStatus;
    block?: bigint;
    error?: string;
}

const TEXT_FMT = 2;

export class Treasury {
    private readonly marks: OperationMarks;

    constructor(
        private readonly payouts: KV,
        retries: KV,
        private readonly log: GovernanceLog,
        private readonly governance: { authorize(caller: Uint8Array): GovernanceError | undefined },
        private readonly ledger: LedgerPort,
        private readonly now: () => bigint,
        /** Spec §13.3: why `to` may not receive a developer grant (the quality-list switch), or undefined. */
        private readonly grantGate: (to: Account) => string | undefined = () => undefined,
    ) {
        this.marks = new OperationMarks(retries, OPERATION_LEASE_NS);
    }

    checkPayout(kind: PayoutKind, payments: { to: Account; amount: bigint }[], reason: string): GovernanceOutcome<string> {
        const count = (message: string, maximum: number) => ({ Err: { WrongRecipientCount: { message, got: payments.length, maximum } } });
        if (payments.length === 0) return count('no payment', kind === 'grant' ? 1 : MAX_AIRDROP_RECIPIENTS);
        if (kind === 'grant' && payments.length !== 1) return count('a grant pays one account', 1);
        if (payments.length > MAX_AIRDROP_RECIPIENTS) return count(`an airdrop batch pays at most ${MAX_AIRDROP_RECIPIENTS} accounts`, MAX_AIRDROP_RECIPIENTS);
        const bad = reasonProblem(reason);
        if (bad !== undefined) return { Err: invalidReason(bad) };
        let total = 0n;
        for (let i = 0; i < payments.length; i++) {
            const p = payments[i];
            const problem = accountProblem(p.to);
            if (problem !== undefined) return { Err: { InvalidAccount: { message: `payment ${i}: ${problem}`, index: i } } };
            if (typeof p.amount !== 'bigint' || p.amount <= 0n) return { Err: { AmountNotPositive: { message: `payment ${i}: the amount must be positive`, index: i } } };
            total += p.amount;
        }
        if (kind === 'grant') {
            const gated = this.grantGate(payments[0].to);
            if (gated !== undefined) return { Err: { GrantNotAllowed: { message: gated } } };
        }
        const t = this.log.totals();
        const used = kind === 'grant' ? t.granted : t.airdropped;
        const pool = kind === 'grant' ? GRANT_POOL_E8S : AIRDROP_POOL_E8S;
        if (used + total > pool) return { Err: { PoolExhausted: { message: `the ${kind} pool has ${formatAmount(pool - used)} EMC left; this pays ${formatAmount(total)} EMC`, pool: kind, left: pool - used, requested: total } } };
        const who = kind === 'grant' ? `to ${accountText(payments[0].to)}` : `to ${payments.length} account${payments.length === 1 ? '' : 's'}`;
        return { Ok: `Pay a developer ${kind === 'grant' ? 'grant' : 'ecosystem airdrop'} of ${formatAmount(total)} EMC ${who} from the treasury (${reason}). The ${kind} pool keeps ${formatAmount(pool - used - total)} EMC.` };
    }

    /** Pays a grant or an airdrop batch from the treasury: records first, then one transfer per payment. */
    async pay(caller: Uint8Array, kind: PayoutKind, payments: { to: Account; amount: bigint }[], reason: string): Promise<GovernanceOutcome<Payout[]>> {
        const denied = this.governance.authorize(caller);
        if (denied !== undefined) return { Err: denied };
        const c = this.checkPayout(kind, payments, reason);
        if ('Err' in c) return c;
        const now = this.now();
        let t = this.log.totals();
        const created: Payout[] = [];
        for (const p of payments) {
            const payout: Payout = { id: t.payoutCount, kind, to: p.to, amount: p.amount, reason, createdAt: now, status: 'pending' };
            t = { ...t, payoutCount: t.payoutCount + 1n, granted: t.granted + (kind === 'grant' ? p.amount : 0n), airdropped: t.airdropped + (kind === 'airdrop' ? p.amount : 0n) };
            this.savePayout(payout);
            // Marked before the first await: if any callback of this batch traps, maintenance pays the rest.
            this.marks.reserve(payout.id, now);
            created.push(payout);
        }
        this.log.saveTotals(t);
        this.log.append(caller, kind === 'grant' ? 'pay_grant' : 'airdrop_batch', '', `${c.Ok} Payouts ${created[0].id}..${created[created.length - 1].id}.`);
        const out: Payout[] = [];
        for (const p of created) out.push(await this.transfer(p));
        return { Ok: out };
    }

    /** Retries the payouts that may be retried now (maintenance), at most `max`; returns how many reached an outcome. */
    async retryPayouts(max: number, now: bigint): Promise<number> {
        let n = 0;
        for (const id of this.marks.due(now, max)) {
            const p = this.payout(id);
            if (p === undefined || p.status !== 'pending') {
                this.marks.done(id);
                continue;
            }
            const r = await this.transfer(p);
            if (r.status !== 'pending') n++;
        }
        return n;
    }

    /** When a payout could next be retried (undefined: none waits). */
    nextRetryAt(now: bigint, max: number): bigint | undefined {
        return this.marks.nextRetryAt(now, max);
    }

    /** One attempt of a payout's transfer: marked before the await; only the latest attempt records the outcome. */
    private async transfer(p: Payout): Promise<Payout> {
        const attempt = this.marks.start(p.id, this.now());
        let m = await settle(
            () => this.ledger.transfer({ from_subaccount: TREASURY_SUBACCOUNT, to: p.to, amount: p.amount, memo: utf8(`emc:pay:${p.id}`), created_at_time: p.createdAt }),
            2,
            attempt > 1,
        );
        const current = this.payout(p.id) as Payout;
        if (current.status !== 'pending' || !this.marks.isLatest(p.id, attempt)) return current;
        // TooOld answers only a retry more than 24 h after an attempt whose outcome was never known:
        // that transfer may have executed, so paying again could pay twice. It counts as paid.
        if ('refused' in m && 'TooOld' in (m.refused as object)) m = { done: 0n };
        let next: Payout;
        if ('done' in m) next = { ...current, status: 'paid', block: m.done, error: m.done === 0n && attempt > 1 ? 'the ledger could no longer confirm this transfer (TooOld); counted as paid: look for its memo in the ledger blocks' : undefined };
        else if ('unknown' in m) {
            this.marks.unknown(p.id);
            next = { ...current, error: clipText(m.unknown) };
        } else {
            next = { ...current, status: 'failed', error: clipText('refused' in m ? describeVariant(m.refused) : m.notExecuted) };
            // The pool gets the amount back.
            const t = this.log.totals();
            this.log.saveTotals({ ...t, granted: t.granted - (p.kind === 'grant' ? p.amount : 0n), airdropped: t.airdropped - (p.kind === 'airdrop' ? p.amount : 0n) });
        }
        this.savePayout(next);
        if (next.status !== 'pending') this.marks.done(p.id);
        return next;
    }

    payout(id: bigint): Payout | undefined {
        const raw = this.payouts.get(u64be(id));
        if (raw === undefined) return undefined;
        const r = new Reader(raw);
        const f = r.u8();
        if (f !== TEXT_FMT && f !== 1) throw new Error(`unknown payout format ${f}`);
        const long = f === TEXT_FMT;
        const kind: PayoutKind = r.u8() === 0 ? 'grant' : 'airdrop';
        const owner = r.bytes();
        const sub = r.u8() === 1 ? r.bytes() : undefined;
        const p: Payout = { id, kind, to: sub === undefined ? { owner } : { owner, subaccount: sub }, amount: r.u64(), reason: long ? r.longText() : r.text(), createdAt: r.u64(), status: (['pending', 'paid', 'failed'] as const)[r.u8()] };
        if (r.u8() === 1) p.block = r.u64();
        const e = long ? r.longText() : r.text();
        if (e.length > 0) p.error = e;
        return p;
    }

    private savePayout(p: Payout): void {
        const w = new Writer(128);
        w.u8(TEXT_FMT).u8(p.kind === 'grant' ? 0 : 1).bytes(p.to.owner);
        if (p.to.subaccount === undefined) w.u8(0);
        else w.u8(1).bytes(p.to.subaccount);
        w.u64(p.amount).longText(p.reason).u64(p.createdAt).u8(['pending', 'paid', 'failed'].indexOf(p.status));
        if (p.block === undefined) w.u8(0);
        else w.u8(1).u64(p.block);
        w.longText(clipText(p.error ?? ''));
        this.payouts.set(u64be(p.id), w.done());
    }
}

function accountText(a: Account): string {
    const owner = Principal.fromUint8Array(a.owner).toText();
    return a.subaccount === undefined ? owner : `${owner} (subaccount ${Array.from(a.subaccount, (x) => x.toString(16).padStart(2, '0')).join('')})`;
}
