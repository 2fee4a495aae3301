/**
 * Spec §13.1, linear release: schedules from the protocol's init argument (their allocations are
 * minted at genesis by the ledger's init argument to the protocol's `vesting` subaccount) and
 * schedules added by governance (funded by a transfer from the treasury, counted against the
 * developer-ecosystem pool: a vested grant is a grant). A schedule's beneficiary, total and start
 * are frozen at creation; the release rule is vesting-schedule.ts.
 *
 * - Claims, not pushes: the beneficiary's principal claims what has unlocked and not been released.
 *   `released` grows before the ledger call (the outbox records the transfer and its retry mark in
 *   the same message) and shrinks back if the ledger refuses. The transfer carries the claimed
 *   amount less the ledger fee, so the vesting subaccount is debited exactly the claimed amount.
 * - Two-step hand-over: the beneficiary offers the schedule to an account, whose owner accepts.
 * - Invariant: the vesting subaccount holds Σ (total − released) over the active schedules.
 *
 * Storage: VESTING_SCHEDULES (id u64 BE → u8 format 1 ‖ u8 source ‖ u8 status ‖ beneficiary ‖
 * u64 total ‖ u64 start ‖ u64 released ‖ u64 created_at ‖ opt offered account ‖ reason (long
 * text)), VESTING_BY_OWNER (owner (u8 length ‖ bytes) ‖ id → empty), VESTING_STATE ([1] → u8 format ‖
 * u64 next id ‖ u64 Σ total active ‖ u64 Σ released).
 * Cost: a claim reads and writes one schedule, the state record, and the outbox (≤ 8 M instructions).
 */
import { Principal } from '@dfinity/principal';
import { accountProblem, isAnonymous, type Account } from '../../ledger/account';
import { Reader, Writer } from '../../lib/storage/binary';
import { bytesEqual, compareBytes, concat, readU64be, u64be } from '../../lib/storage/bytes';
import type { KV } from '../../lib/storage/kv';
import { reasonProblem } from '../model/bounds';
import { invalid, notAuthorized, notFound, wrongState, type DistributionError, type DistributionOutcome } from '../model/distribution-errors';
import { MAX_GENESIS_E8S, namedSubaccount, TREASURY_SUBACCOUNT } from '../model/supply';
import { formatAmount, type Check } from '../governance/params-check';
import type { Outbox, OutboxEntry } from './outbox';
import { MIN_SCHEDULE_E8S, nextUnlockAfter, trancheCount, unlockedAt, YEAR_NS } from './vesting-schedule';

/** The protocol's account holding every schedule's unreleased amount. */
export const VESTING_SUBACCOUNT = namedSubaccount('vesting');
/** At most this many schedules in the init argument. */
export const MAX_GENESIS_SCHEDULES = 200;
/** A schedule starts at most 10 years after it is created. */
export const MAX_START_DELAY_NS = 10n * YEAR_NS;

export type ScheduleSource = 'genesis' | 'governance';
export type ScheduleStatus = 'funding' | 'active' | 'cancelled';
const SOURCES: readonly ScheduleSource[] = ['genesis', 'governance'];
const STATUSES: readonly ScheduleStatus[] = ['funding', 'active', 'cancelled'];

export interface Schedule {
    id: bigint;
    source: ScheduleSource;
    status: ScheduleStatus;
    beneficiary: Account;
    total: bigint;
    start: bigint;
    released: bigint;
    createdAt: bigint;
    offeredTo?: Account;
    reason: string;
}

export interface NewSchedule {
    beneficiary: Account;
    total: bigint;
    start: bigint;
    reason: string;
}

export interface VestingTotals {
    nextId: bigint;
    /** Σ total of the active schedules. */
    total: bigint;
    /** Σ released of the active schedules. */
    released: bigint;
}

/** What vesting needs from the rest of the protocol. */
export interface VestingHost {
    authorize(caller: Uint8Array): { NotAuthorized: { reason: string } } | undefined;
    paused(): string | undefined;
    ledgerFee(): bigint;
    now(): bigint;
    self(): Uint8Array;
    /** The developer-ecosystem pool: what is left, taking and giving back. */
    grantPool: { left(): bigint; take(amount: bigint): void; giveBack(amount: bigint): void };
    logAction(caller: Uint8Array, method: string, after: string): void;
}

const FMT = 1;
const STATE_KEY = Uint8Array.of(1);

export class Vesting {
    constructor(
        private readonly kv: { schedules: KV; byOwner: KV; state: KV },
        private readonly outbox: Outbox,
        private readonly host: VestingHost,
    ) {
        outbox.onSettled('vesting_claim', (e) => this.claimSettled(e));
        outbox.onSettled('vesting_fund', (e) => this.fundSettled(e));
    }

    vestingAccount(): Account {
        return { owner: this.host.self(), subaccount: VESTING_SUBACCOUNT };
    }

    /** Why a new schedule is out of bounds (creation time `now`), or undefined. */
    scheduleProblem(s: NewSchedule, now: bigint): string | undefined {
        const bad = accountProblem(s.beneficiary);
        if (bad !== undefined) return `beneficiary: ${bad}`;
        if (isAnonymous(s.beneficiary.owner)) return 'the beneficiary must not be the anonymous principal';
        if (typeof s.total !== 'bigint' || s.total < MIN_SCHEDULE_E8S) return `the total must be at least ${formatAmount(MIN_SCHEDULE_E8S)} EMC`;
        if (s.total > MAX_GENESIS_E8S) return `the total must be at most ${formatAmount(MAX_GENESIS_E8S)} EMC`;
        if (typeof s.start !== 'bigint' || s.start < 0n || s.start > now + MAX_START_DELAY_NS) return 'the start must lie at most 10 years after now';
        return reasonProblem(s.reason);
    }

    /** At install: the genesis schedules (their Σ is what the ledger's init argument gives the vesting subaccount). */
    initGenesis(list: NewSchedule[]): void {
        if (list.length > MAX_GENESIS_SCHEDULES) throw new Error(`at most ${MAX_GENESIS_SCHEDULES} genesis vesting schedules`);
        const now = this.host.now();
        let sum = 0n;
        for (let i = 0; i < list.length; i++) {
            const bad = this.scheduleProblem(list[i], now);
            if (bad !== undefined) throw new Error(`vesting schedule ${i}: ${bad}`);
            sum += list[i].total;
        }
        if (sum > MAX_GENESIS_E8S) throw new Error(`the genesis vesting schedules total ${formatAmount(sum)} EMC, more than the genesis balances may (${formatAmount(MAX_GENESIS_E8S)})`);
        for (const s of list) this.create(s, 'genesis', 'active', now);
    }

    /** validate_add_vesting_schedule and add_vesting_schedule's check. */
    checkAdd(s: NewSchedule): Check<string> {
        const now = this.host.now();
        const bad = this.scheduleProblem(s, now);
        if (bad !== undefined) return { Err: bad };
        const left = this.host.grantPool.left();
        if (s.total > left) return { Err: `the developer-ecosystem pool has ${formatAmount(left)} EMC left; this schedule needs ${formatAmount(s.total)} EMC` };
        return {
            Ok: `Move ${formatAmount(s.total)} EMC from the treasury to the vesting account and release it to ${accountText(s.beneficiary)} at 20.81 % a year from ${s.start} ns (${trancheCount(s.total)} tranches) (${s.reason}). The developer-ecosystem pool keeps ${formatAmount(left - s.total)} EMC.`,
        };
    }

    /** Governance adds a schedule: recorded `funding`, then the treasury's transfer; active when it arrives. */
    async add(caller: Uint8Array, s: NewSchedule): Promise<DistributionOutcome<Schedule>> {
        const denied = this.host.authorize(caller);
        if (denied !== undefined) return { Err: denied };
        const c = this.checkAdd(s);
        if ('Err' in c) return invalid(c.Err);
        const schedule = this.create(s, 'governance', 'funding', this.host.now());
        this.host.grantPool.take(s.total);
        this.host.logAction(caller, 'add_vesting_schedule', `${c.Ok} Schedule ${schedule.id}.`);
        const e = this.outbox.record({ kind: 'vesting_fund', ref: schedule.id, fromSubaccount: TREASURY_SUBACCOUNT, to: this.vestingAccount(), amount: s.total, fee: this.host.ledgerFee() });
        await this.outbox.send(e);
        return { Ok: this.schedule(schedule.id) as Schedule };
    }

    /** What the schedule's beneficiary may claim at `now`. */
    claimable(s: Schedule, now: bigint): bigint {
        if (s.status !== 'active') return 0n;
        return unlockedAt(s, now) - s.released;
    }

    /** The beneficiary claims everything unlocked: released first, then the transfer (amount − fee). */
    async claim(caller: Uint8Array, id: bigint): Promise<DistributionOutcome<{ schedule: Schedule; amount: bigint; entry: OutboxEntry }>> {
        const s = this.schedule(id);
        if (s === undefined) return notFound('vesting schedule', id);
        const denied = this.beneficiaryOnly(caller, s);
        if (denied !== undefined) return { Err: denied };
        const paused = this.host.paused();
        if (paused !== undefined) return { Err: { Paused: { reason: paused } } };
        if (s.status !== 'active') return wrongState(`schedule ${id} is ${s.status}`);
        const now = this.host.now();
        const amount = this.claimable(s, now);
        const fee = this.host.ledgerFee();
        if (amount <= fee) {
            const next = nextUnlockAfter(s, now);
            return { Err: { NothingToClaim: { reason: `${formatAmount(amount)} EMC is claimable, not more than the ledger fee${next === undefined ? '' : `; the next tranche unlocks at ${next} ns`}` } } };
        }
        const next: Schedule = { ...s, released: s.released + amount };
        this.save(next);
        const t = this.totals();
        this.saveTotals({ ...t, released: t.released + amount });
        const e = this.outbox.record({ kind: 'vesting_claim', ref: id, fromSubaccount: VESTING_SUBACCOUNT, to: s.beneficiary, amount: amount - fee, fee });
        const out = await this.outbox.send(e);
        if (out.status === 'failed') return { Err: { LedgerRefused: { reason: out.error ?? 'the ledger refused the transfer' } } };
        return { Ok: { schedule: this.schedule(id) as Schedule, amount, entry: out } };
    }

    /** The beneficiary offers the schedule to `to` (undefined withdraws the offer). */
    offer(caller: Uint8Array, id: bigint, to: Account | undefined): DistributionOutcome<Schedule> {
        const s = this.schedule(id);
        if (s === undefined) return notFound('vesting schedule', id);
        const denied = this.beneficiaryOnly(caller, s);
        if (denied !== undefined) return { Err: denied };
        if (s.status === 'cancelled') return wrongState(`schedule ${id} is cancelled`);
        if (to !== undefined) {
            const bad = accountProblem(to);
            if (bad !== undefined) return invalid(`the new beneficiary: ${bad}`);
            if (isAnonymous(to.owner)) return invalid('the new beneficiary must not be the anonymous principal');
        }
        const next: Schedule = { ...s };
        if (to === undefined) delete next.offeredTo;
        else next.offeredTo = to;
        this.save(next);
        return { Ok: next };
    }

    /** The offered account's owner accepts: it becomes the beneficiary. */
    accept(caller: Uint8Array, id: bigint): DistributionOutcome<Schedule> {
        const s = this.schedule(id);
        if (s === undefined) return notFound('vesting schedule', id);
        if (isAnonymous(caller)) return notAuthorized('the anonymous principal cannot accept a schedule');
        if (s.offeredTo === undefined || !bytesEqual(s.offeredTo.owner, caller)) return notAuthorized(`schedule ${id} is not offered to the caller`);
        const next: Schedule = { ...s, beneficiary: s.offeredTo };
        delete next.offeredTo;
        this.kv.byOwner.delete(ownerKey(s.beneficiary.owner, id));
        this.kv.byOwner.set(ownerKey(next.beneficiary.owner, id), new Uint8Array(0));
        this.save(next);
        return { Ok: next };
    }

    schedule(id: bigint): Schedule | undefined {
        const raw = this.kv.schedules.get(u64be(id));
        return raw === undefined ? undefined : decodeSchedule(id, raw);
    }

    /** Schedules whose beneficiary is `owner`, from the `start`-th, at most `count`. */
    byOwner(owner: Uint8Array, start: number, count: number): Schedule[] {
        // The index is ordered by owner then id; the owner's entries are found by scanning from its prefix's position.
        const prefix = ownerPrefix(owner);
        const out: Schedule[] = [];
        let skipped = 0;
        for (const [key] of this.ownerEntries(prefix)) {
            if (skipped++ < start) continue;
            const s = this.schedule(readU64be(key, key.length - 8));
            if (s !== undefined) out.push(s);
            if (out.length >= count) break;
        }
        return out;
    }

    totals(): VestingTotals {
        const raw = this.kv.state.get(STATE_KEY);
        if (raw === undefined) return { nextId: 0n, total: 0n, released: 0n };
        const r = new Reader(raw);
        if (r.u8() !== FMT) throw new Error('unknown vesting state format');
        return { nextId: r.u64(), total: r.u64(), released: r.u64() };
    }

    /** What the vesting subaccount must hold: Σ (total − released) of the active schedules. */
    required(): bigint {
        const t = this.totals();
        return t.total - t.released;
    }

    private create(s: NewSchedule, source: ScheduleSource, status: ScheduleStatus, now: bigint): Schedule {
        const t = this.totals();
        const schedule: Schedule = { id: t.nextId, source, status, beneficiary: s.beneficiary, total: s.total, start: s.start, released: 0n, createdAt: now, reason: s.reason };
        this.save(schedule);
        this.kv.byOwner.set(ownerKey(s.beneficiary.owner, schedule.id), new Uint8Array(0));
        this.saveTotals({ ...t, nextId: t.nextId + 1n, total: t.total + (status === 'active' ? s.total : 0n) });
        return schedule;
    }

    private beneficiaryOnly(caller: Uint8Array, s: Schedule): DistributionError | undefined {
        if (isAnonymous(caller) || !bytesEqual(caller, s.beneficiary.owner)) return { NotAuthorized: { reason: `only the beneficiary of schedule ${s.id} may do this` } };
        return undefined;
    }

    private claimSettled(e: OutboxEntry): void {
        if (e.status !== 'failed') return;
        // The ledger refused: the amount is claimable again.
        const s = this.schedule(e.ref);
        if (s === undefined) return;
        const back = e.amount + e.fee;
        this.save({ ...s, released: s.released - back });
        const t = this.totals();
        this.saveTotals({ ...t, released: t.released - back });
    }

    private fundSettled(e: OutboxEntry): void {
        const s = this.schedule(e.ref);
        if (s === undefined || s.status !== 'funding') return;
        const t = this.totals();
        if (e.status === 'sent') {
            this.save({ ...s, status: 'active' });
            this.saveTotals({ ...t, total: t.total + s.total });
        } else {
            this.save({ ...s, status: 'cancelled' });
            this.host.grantPool.giveBack(s.total);
        }
    }

    private *ownerEntries(prefix: Uint8Array): Generator<[Uint8Array, Uint8Array]> {
        // StableBTreeMap offers positional paging only; owners hold few schedules, so page through in steps of 64.
        const n = this.kv.byOwner.size();
        let lo = 0;
        let hi = n;
        while (lo < hi) {
            const mid = (lo + hi) >> 1;
            const [k] = this.kv.byOwner.entries(mid, 1)[0];
            if (compareBytes(k, prefix) < 0) lo = mid + 1;
            else hi = mid;
        }
        for (let at = lo; at < n; at += 64) {
            for (const kvp of this.kv.byOwner.entries(at, 64)) {
                if (!startsWith(kvp[0], prefix)) return;
                yield kvp;
            }
        }
    }

    private save(s: Schedule): void {
        this.kv.schedules.set(u64be(s.id), encodeSchedule(s));
    }

    private saveTotals(t: VestingTotals): void {
        const w = new Writer(25);
        w.u8(FMT).u64(t.nextId).u64(t.total).u64(t.released);
        this.kv.state.set(STATE_KEY, w.done());
    }
}

export function encodeSchedule(s: Schedule): Uint8Array {
    const w = new Writer(160);
    w.u8(FMT).u8(SOURCES.indexOf(s.source)).u8(STATUSES.indexOf(s.status));
    w.account(s.beneficiary);
    w.u64(s.total).u64(s.start).u64(s.released).u64(s.createdAt);
    if (s.offeredTo === undefined) w.u8(0);
    else {
        w.u8(1);
        w.account(s.offeredTo);
    }
    w.longText(s.reason);
    return w.done();
}

export function decodeSchedule(id: bigint, raw: Uint8Array): Schedule {
    const r = new Reader(raw);
    const f = r.u8();
    if (f !== FMT) throw new Error(`unknown vesting schedule format ${f}`);
    const source = SOURCES[r.u8()];
    const status = STATUSES[r.u8()];
    const beneficiary = r.account();
    const s: Schedule = { id, source, status, beneficiary, total: r.u64(), start: r.u64(), released: r.u64(), createdAt: r.u64(), reason: '' };
    if (r.u8() === 1) s.offeredTo = r.account();
    s.reason = r.longText();
    return s;
}

function ownerPrefix(owner: Uint8Array): Uint8Array {
    return concat([Uint8Array.of(owner.length), owner]);
}

function ownerKey(owner: Uint8Array, id: bigint): Uint8Array {
    return concat([ownerPrefix(owner), u64be(id)]);
}

function startsWith(k: Uint8Array, p: Uint8Array): boolean {
    if (k.length < p.length) return false;
    for (let i = 0; i < p.length; i++) if (k[i] !== p[i]) return false;
    return true;
}

export function accountText(a: Account): string {
    const owner = Principal.fromUint8Array(a.owner).toText();
    return a.subaccount === undefined ? owner : `${owner} (subaccount ${Array.from(a.subaccount, (x) => x.toString(16).padStart(2, '0')).join('')})`;
}
