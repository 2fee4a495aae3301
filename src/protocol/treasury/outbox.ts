/**
 * The distribution's outbox (spec §13–§14): every ledger transfer of the vesting, mapping and
 * lock-up sections from one of the protocol's subaccounts, recorded before its `await` with a retry
 * mark (src/protocol/model/operation-marks.ts), exactly as treasury/payouts.ts pays. The record
 * carries the idempotency key (created_at_time + memo "emc:out:<id>"), so a retry by maintenance
 * (`DistributionJob`) of a transfer whose outcome is unknown, or whose callback trapped, is answered
 * Duplicate by the ledger when the first attempt executed: money never moves twice. A retry
 * answered TooOld counts as sent (sending again could pay twice).
 *
 * When an entry reaches its outcome the owning section is told once (`Settle` by kind): `sent`
 * (e.g. a schedule's funding arrived) or `failed` (e.g. a claim's amount goes back to claimable).
 *
 * Storage: OUTBOX (id u64 BE → u8 format 1 ‖ u8 kind ‖ u64 ref ‖ from subaccount (bytes) ‖ to
 * account ‖ opt pull-from account ‖ u64 amount ‖ u64 fee ‖ u64 created_at ‖ u8 status ‖ opt u64 block ‖ error (long text)),
 * OUTBOX_RETRIES (the marks), OUTBOX_STATE ([1] → u64 next id).
 * Cost: two small writes before the call, two after it; one ledger call per attempt.
 */
import type { Account } from '../../ledger/account';
import { Reader, utf8, Writer } from '../../lib/storage/binary';
import { describeVariant, readU64be, u64be } from '../../lib/storage/bytes';
import type { KV } from '../../lib/storage/kv';
import { clipText, OPERATION_LEASE_NS } from '../model/bounds';
import { settle, type LedgerPort } from '../model/ledger-port';
import { OperationMarks } from '../model/operation-marks';

/** What a transfer is for (stored as its index: append only). */
export const OUTBOX_KINDS = ['vesting_claim', 'vesting_fund', 'mapping_claim', 'mapping_sweep', 'lockup_release', 'lockup_unearned', 'mapping_dust', 'lockup_lock', 'lockup_fund', 'lockup_reward', 'mapping_fund'] as const;
export type OutboxKind = (typeof OUTBOX_KINDS)[number];
export type OutboxStatus = 'pending' | 'sent' | 'failed';
const STATUSES: readonly OutboxStatus[] = ['pending', 'sent', 'failed'];

export interface OutboxEntry {
    id: bigint;
    kind: OutboxKind;
    /** The owning record (a schedule id, a mapping id, …). */
    ref: bigint;
    fromSubaccount: Uint8Array;
    /** Set for a pull (icrc2_transfer_from of `pullFrom`'s approval, the protocol as spender); `fromSubaccount` is then unused. */
    pullFrom?: Account;
    to: Account;
    /** What the ledger transfers (the ledger's fee comes on top, from the same subaccount). */
    amount: bigint;
    /** The ledger fee expected when it was recorded (the subaccount is debited amount + fee). */
    fee: bigint;
    createdAt: bigint;
    status: OutboxStatus;
    block?: bigint;
    error?: string;
}

/** The owning section's reaction to an entry's outcome (called once per entry). */
export type Settle = (e: OutboxEntry) => void;

const FMT = 1;
const KEY_NEXT = new Uint8Array([1]);

export class Outbox {
    private readonly marks: OperationMarks;
    private readonly settled = new Map<OutboxKind, Settle>();

    constructor(
        private readonly kv: { entries: KV; retries: KV; state: KV },
        private readonly ledger: LedgerPort,
        private readonly now: () => bigint,
    ) {
        this.marks = new OperationMarks(kv.retries, OPERATION_LEASE_NS);
    }

    /** A section registers what happens when its entries reach an outcome. */
    onSettled(kind: OutboxKind, f: Settle): void {
        this.settled.set(kind, f);
    }

    /**
     * Records a transfer and its retry mark (call in the same message as the state change it pays,
     * before any await); `send` then makes the first attempt.
     */
    record(e: Omit<OutboxEntry, 'id' | 'createdAt' | 'status'>): OutboxEntry {
        const id = this.nextId();
        this.kv.state.set(KEY_NEXT, u64be(id + 1n));
        const now = this.now();
        const entry: OutboxEntry = { ...e, id, createdAt: now, status: 'pending' };
        this.save(entry);
        this.marks.reserve(id, now);
        return entry;
    }

    /**
     * Records a transfer to be made by the next maintenance run (from a settle callback, which
     * cannot await): its mark says no attempt is in flight, so it is due at once.
     */
    queue(e: Omit<OutboxEntry, 'id' | 'createdAt' | 'status'>): OutboxEntry {
        const entry = this.record(e);
        this.marks.unknown(entry.id);
        return entry;
    }

    /** One attempt of an entry's transfer: marked before the await; only the latest attempt records the outcome. */
    async send(e: OutboxEntry): Promise<OutboxEntry> {
        const attempt = this.marks.start(e.id, this.now());
        const memo = utf8(`emc:out:${e.id}`);
        const pull = e.pullFrom;
        let m = await settle<unknown>(
            () =>
                pull === undefined
                    ? this.ledger.transfer({ from_subaccount: e.fromSubaccount, to: e.to, amount: e.amount, memo, created_at_time: e.createdAt })
                    : this.ledger.transferFrom({ from: pull, to: e.to, amount: e.amount, memo, created_at_time: e.createdAt }),
            2,
            attempt > 1,
        );
        const current = this.get(e.id) as OutboxEntry;
        if (current.status !== 'pending' || !this.marks.isLatest(e.id, attempt)) return current;
        if ('refused' in m && 'TooOld' in (m.refused as object)) m = { done: 0n };
        let next: OutboxEntry;
        if ('done' in m) next = { ...current, status: 'sent', block: m.done };
        else if ('unknown' in m) {
            this.marks.unknown(e.id);
            next = { ...current, error: clipText(m.unknown) };
        } else next = { ...current, status: 'failed', error: clipText('refused' in m ? describeVariant(m.refused) : m.notExecuted) };
        this.save(next);
        if (next.status !== 'pending') {
            this.marks.done(e.id);
            this.settled.get(next.kind)?.(next);
        }
        return next;
    }

    /** Retries the entries that may be retried now (maintenance), at most `max`; returns how many reached an outcome. */
    async retry(max: number, now: bigint): Promise<number> {
        let n = 0;
        for (const id of this.marks.due(now, max)) {
            const e = this.get(id);
            if (e === undefined || e.status !== 'pending') {
                this.marks.done(id);
                continue;
            }
            const r = await this.send(e);
            if (r.status !== 'pending') n++;
        }
        return n;
    }

    nextRetryAt(now: bigint, max: number): bigint | undefined {
        return this.marks.nextRetryAt(now, max);
    }

    pending(): number {
        return this.marks.size();
    }

    nextId(): bigint {
        const raw = this.kv.state.get(KEY_NEXT);
        return raw === undefined ? 0n : readU64be(raw);
    }

    get(id: bigint): OutboxEntry | undefined {
        const raw = this.kv.entries.get(u64be(id));
        return raw === undefined ? undefined : decodeEntry(id, raw);
    }

    private save(e: OutboxEntry): void {
        this.kv.entries.set(u64be(e.id), encodeEntry(e));
    }
}

export function encodeEntry(e: OutboxEntry): Uint8Array {
    const w = new Writer(160);
    w.u8(FMT).u8(OUTBOX_KINDS.indexOf(e.kind)).u64(e.ref).bytes(e.fromSubaccount);
    w.account(e.to);
    if (e.pullFrom === undefined) w.u8(0);
    else {
        w.u8(1);
        w.account(e.pullFrom);
    }
    w.u64(e.amount).u64(e.fee).u64(e.createdAt).u8(STATUSES.indexOf(e.status));
    if (e.block === undefined) w.u8(0);
    else w.u8(1).u64(e.block);
    w.longText(clipText(e.error ?? ''));
    return w.done();
}

export function decodeEntry(id: bigint, raw: Uint8Array): OutboxEntry {
    const r = new Reader(raw);
    const f = r.u8();
    if (f !== FMT) throw new Error(`unknown outbox entry format ${f}`);
    const kind = OUTBOX_KINDS[r.u8()];
    const ref = r.u64();
    const fromSubaccount = r.bytes();
    const to = r.account();
    const pullFrom = r.u8() === 1 ? r.account() : undefined;
    const e: OutboxEntry = { id, kind, ref, fromSubaccount, to, amount: r.u64(), fee: r.u64(), createdAt: r.u64(), status: STATUSES[r.u8()] };
    if (pullFrom !== undefined) e.pullFrom = pullFrom;
    if (r.u8() === 1) e.block = r.u64();
    const err = r.longText();
    if (err.length > 0) e.error = err;
    return e;
}


