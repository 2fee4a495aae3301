/**
 * Governance (spec §8). The governance principal (the NNS governance canister by default, or an SNS
 * governance canister) is set at init and changed only by itself. Only it may change parameters,
 * admit validators, pay developer grants and DAO airdrops from the treasury, and pause or resume.
 *
 * Every governance method `m` has a pure check shared by `validate_m` (the SNS generic-proposal
 * validator: the same argument, `Ok` with a human-readable summary or `Err` with the refusal) and
 * by `m` itself, which re-checks everything when it executes. Every executed change is appended
 * to the governance log with the caller, the time, and the old and new values.
 *
 * Payouts (grants and airdrops) move from the treasury through the ledger, one ledger transfer per
 * recipient, each with its own idempotency key (created_at_time + memo "emc:pay:<id>"). Every
 * payout of a batch gets its retry mark when it is recorded, before the first await, and keeps it
 * until its outcome is recorded (src/protocol/model/operation-marks.ts): a payout whose outcome is
 * unknown, or whose callback trapped, is retried by the maintenance timer with the same key.
 * Lifetime totals are capped by the pools of spec §1: grants 252,000,000 EMC, airdrops
 * 105,000,000 EMC.
 *
 * Texts: reasons follow one rule (src/protocol/model/bounds.ts, 1..1,000 bytes) in validate_m and m;
 * they, the log lines and error texts are stored as long text (u16 length), so nothing that
 * validated can trap on execution.
 */
import { Principal } from '@dfinity/principal';
import { Reader, Writer } from '../../lib/storage/binary';
import { bytesEqual, describeVariant, readU64be, u64be } from '../../lib/storage/bytes';
import { readLog, type KV } from '../../lib/storage/kv';
import { accountProblem, isAnonymous, type Account } from '../../ledger/account';
import { formatAmount as formatUnits } from '../../ledger/consent';

const formatAmount = (e8s: bigint): string => formatUnits(e8s, 8);
import { settle, type LedgerClient } from '../model/ledger-port';
import { clipText, OPERATION_LEASE_NS, reasonProblem } from '../model/bounds';
import { OperationMarks } from '../model/operation-marks';
import type { ProtocolParams } from '../model/params';
import type { ProtocolError } from '../stakes/stakes';

export const GRANT_POOL = 252_000_000n * 100_000_000n;
export const AIRDROP_POOL = 105_000_000n * 100_000_000n;
export const MAX_AIRDROP_RECIPIENTS = 100;

export interface LogEntry {
    seq: bigint;
    time: bigint;
    caller: Uint8Array;
    method: string;
    before: string;
    after: string;
}

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

export interface GovernanceStores {
    log: KV;
    payouts: KV;
    /** [1] → log count, payout count, granted, airdropped (reserved when created, released on failure). */
    state: KV;
    /** payout id → empty: payouts whose outcome is unknown (retried by the timer). */
    retries: KV;
}

/** What governance needs from the protocol. */
export interface GovernanceHost {
    governance(): Uint8Array;
    setGovernance(p: Uint8Array): void;
    paused(): { reason: string; since: string } | undefined;
    setPaused(p: { reason: string; since: string } | undefined): void;
    params(): ProtocolParams;
    setParams(p: ProtocolParams): void;
    epochLength(): bigint;
    changeEpochLength(ns: bigint): void;
    treasurySubaccount(): Uint8Array;
    now(): bigint;
}

/** A parameter change: only the fields present change. */
export interface ParamsUpdate {
    epochSeconds?: bigint;
    validatorPenalty?: bigint;
    validatorWindowSeconds?: bigint;
    routerPenalty?: bigint;
    routerWindowSeconds?: bigint;
    computeWindowSeconds?: bigint;
    validatorMinStake?: bigint;
    routerMinStake?: bigint;
    validatorMinTermDays?: number;
    validatorRenewalMinDays?: number;
    validatorMaxRenewals?: number;
    routerMinTermDays?: number;
    routerRenewalMinDays?: number;
    computeMultipliers?: [number, bigint][];
    impeachmentWindowSeconds?: bigint;
    keyRotationWindowSeconds?: bigint;
}

type Check<T> = { Ok: T } | { Err: string };
type Result<T> = { Ok: T } | { Err: ProtocolError };

const SEC = 1_000_000_000n;
const STATE_KEY = Uint8Array.of(1);
const FMT = 1;
/** Log entries and payouts: format 2 stores texts as long text (u16 length); format 1 (u8) is still read. */
const TEXT_FMT = 2;
const MAX_SUPPLY = 2_100_000_000n * 100_000_000n;

export class Governance {
    private readonly marks: OperationMarks;

    constructor(
        private readonly kv: GovernanceStores,
        private readonly host: GovernanceHost,
        private readonly ledger: LedgerClient,
    ) {
        this.marks = new OperationMarks(kv.retries, OPERATION_LEASE_NS);
    }

    /** Governance-only: the caller must be the governance principal. */
    authorize(caller: Uint8Array): ProtocolError | undefined {
        if (isAnonymous(caller) || !bytesEqual(caller, this.host.governance())) return { NotAuthorized: { reason: 'only the governance principal may call this method' } };
        return undefined;
    }

    // ----- the checks shared by validate_m and m ---------------------------------------------------

    checkSetGovernance(p: Uint8Array): Check<string> {
        if (!(p instanceof Uint8Array) || p.length === 0 || p.length > 29 || isAnonymous(p)) return { Err: 'the new governance must be a non-anonymous principal' };
        if (bytesEqual(p, this.host.governance())) return { Err: 'that principal already is the governance principal' };
        return { Ok: `Hand governance of the EMC protocol from ${text(this.host.governance())} to ${text(p)}.` };
    }

    checkParams(u: ParamsUpdate): Check<{ next: ProtocolParams; epochNs?: bigint; changes: [string, string, string][] }> {
        const cur = this.host.params();
        const next: ProtocolParams = { ...cur, computeMultipliers: cur.computeMultipliers.map(([d, m]) => [d, m] as [number, bigint]) };
        const changes: [string, string, string][] = [];
        const problems: string[] = [];
        const range = (name: string, v: bigint | number | undefined, lo: bigint, hi: bigint): boolean => {
            if (v === undefined) return false;
            const b = BigInt(v);
            if (b < lo || b > hi) {
                problems.push(`${name} must be between ${lo} and ${hi}`);
                return false;
            }
            return true;
        };
        const change = (name: string, before: string, after: string) => changes.push([name, before, after]);
        let epochNs: bigint | undefined;
        if (range('epoch_seconds', u.epochSeconds, 60n, 30n * 86_400n)) {
            epochNs = (u.epochSeconds as bigint) * SEC;
            change('epoch_seconds', String(this.host.epochLength() / SEC), String(u.epochSeconds));
        }
        const amount = (name: string, key: 'validatorPenalty' | 'routerPenalty' | 'validatorMinStake' | 'routerMinStake', v: bigint | undefined, lo: bigint, hi: bigint) => {
            if (range(name, v, lo, hi)) {
                change(name, formatAmount(cur[key]), formatAmount(v as bigint));
                next[key] = v as bigint;
            }
        };
        amount('validator_min_stake_e8s', 'validatorMinStake', u.validatorMinStake, 1n, MAX_SUPPLY);
        amount('router_min_stake_e8s', 'routerMinStake', u.routerMinStake, 1n, MAX_SUPPLY);
        amount('validator_penalty_e8s', 'validatorPenalty', u.validatorPenalty, 0n, next.validatorMinStake);
        amount('router_penalty_e8s', 'routerPenalty', u.routerPenalty, 0n, next.routerMinStake);
        const window = (name: string, key: 'validatorWindowNs' | 'routerWindowNs' | 'computeWindowNs' | 'impeachmentWindowNs' | 'keyRotationWindowNs', v: bigint | undefined, lo: bigint, hi: bigint) => {
            if (range(name, v, lo, hi)) {
                change(name, String(cur[key] / SEC), String(v));
                next[key] = (v as bigint) * SEC;
            }
        };
        window('validator_window_seconds', 'validatorWindowNs', u.validatorWindowSeconds, 60n, 7n * 86_400n);
        window('router_window_seconds', 'routerWindowNs', u.routerWindowSeconds, 60n, 7n * 86_400n);
        window('compute_window_seconds', 'computeWindowNs', u.computeWindowSeconds, 60n, 7n * 86_400n);
        window('impeachment_window_seconds', 'impeachmentWindowNs', u.impeachmentWindowSeconds, 3_600n, 90n * 86_400n);
        window('key_rotation_window_seconds', 'keyRotationWindowNs', u.keyRotationWindowSeconds, 600n, 7n * 86_400n);
        const days = (name: string, key: 'validatorMinTermDays' | 'validatorRenewalMinDays' | 'validatorMaxRenewals' | 'routerMinTermDays' | 'routerRenewalMinDays', v: number | undefined, lo: bigint, hi: bigint) => {
            if (range(name, v, lo, hi)) {
                change(name, String(cur[key]), String(v));
                next[key] = v as number;
            }
        };
        days('validator_min_term_days', 'validatorMinTermDays', u.validatorMinTermDays, 1n, 3_650n);
        days('validator_renewal_min_days', 'validatorRenewalMinDays', u.validatorRenewalMinDays, 1n, 3_650n);
        days('validator_max_renewals', 'validatorMaxRenewals', u.validatorMaxRenewals, 0n, 100n);
        days('router_min_term_days', 'routerMinTermDays', u.routerMinTermDays, 1n, 3_650n);
        days('router_renewal_min_days', 'routerRenewalMinDays', u.routerRenewalMinDays, 1n, 3_650n);
        if (u.computeMultipliers !== undefined) {
            const m = u.computeMultipliers;
            const ds = new Set(m.map(([d]) => d));
            if (m.length < 1 || m.length > 8) problems.push('compute_multipliers must have 1 to 8 entries');
            else if (ds.size !== m.length) problems.push('compute_multipliers lists a lock period twice');
            else if (m.some(([d, t]) => d < 1 || d > 3_650 || t < 10n || t > 1_000n)) problems.push('compute_multipliers: days 1..3650, multiplier_tenths 10..1000');
            else {
                const show = (x: [number, bigint][]) => x.map(([d, t]) => `${d}d×${Number(t) / 10}`).join(', ');
                const sorted = [...m].sort((a, b) => a[0] - b[0]);
                change('compute_multipliers', show(cur.computeMultipliers), show(sorted));
                next.computeMultipliers = sorted;
            }
        }
        if (problems.length > 0) return { Err: problems.join('; ') };
        if (changes.length === 0) return { Err: 'the update changes no parameter' };
        return { Ok: { next, epochNs, changes } };
    }

    checkPayout(kind: PayoutKind, payments: { to: Account; amount: bigint }[], reason: string): Check<string> {
        if (payments.length === 0) return { Err: 'no payment' };
        if (kind === 'grant' && payments.length !== 1) return { Err: 'a grant pays one account' };
        if (payments.length > MAX_AIRDROP_RECIPIENTS) return { Err: `an airdrop batch pays at most ${MAX_AIRDROP_RECIPIENTS} accounts` };
        const bad = reasonProblem(reason);
        if (bad !== undefined) return { Err: bad };
        let total = 0n;
        for (let i = 0; i < payments.length; i++) {
            const p = payments[i];
            const problem = accountProblem(p.to);
            if (problem !== undefined) return { Err: `payment ${i}: ${problem}` };
            if (typeof p.amount !== 'bigint' || p.amount <= 0n) return { Err: `payment ${i}: the amount must be positive` };
            total += p.amount;
        }
        const t = this.totals();
        const used = kind === 'grant' ? t.granted : t.airdropped;
        const pool = kind === 'grant' ? GRANT_POOL : AIRDROP_POOL;
        if (used + total > pool) return { Err: `the ${kind} pool has ${formatAmount(pool - used)} EMC left; this pays ${formatAmount(total)} EMC` };
        const who = kind === 'grant' ? `to ${accountText(payments[0].to)}` : `to ${payments.length} account${payments.length === 1 ? '' : 's'}`;
        return { Ok: `Pay a developer ${kind === 'grant' ? 'grant' : 'ecosystem airdrop'} of ${formatAmount(total)} EMC ${who} from the treasury (${reason}). The ${kind} pool keeps ${formatAmount(pool - used - total)} EMC.` };
    }

    checkPause(reason: string): Check<string> {
        if (this.host.paused() !== undefined) return { Err: 'the protocol is already paused' };
        const bad = reasonProblem(reason);
        if (bad !== undefined) return { Err: bad };
        return { Ok: `Pause the EMC protocol (${reason}): registrations, stakes, claims, batches and votes are refused until resumed; stake releases go on.` };
    }

    checkResume(): Check<string> {
        const p = this.host.paused();
        if (p === undefined) return { Err: 'the protocol is not paused' };
        return { Ok: `Resume the EMC protocol (paused since ${p.since} ns: ${p.reason}).` };
    }

    // ----- execution ---------------------------------------------------------------------------------

    setGovernance(caller: Uint8Array, p: Uint8Array): Result<string> {
        const denied = this.authorize(caller);
        if (denied !== undefined) return { Err: denied };
        const c = this.checkSetGovernance(p);
        if ('Err' in c) return { Err: { InvalidArgument: { reason: c.Err } } };
        const before = text(this.host.governance());
        this.host.setGovernance(p.slice());
        this.append(caller, 'set_governance', before, text(p));
        return c;
    }

    updateParams(caller: Uint8Array, u: ParamsUpdate): Result<string> {
        const denied = this.authorize(caller);
        if (denied !== undefined) return { Err: denied };
        const c = this.checkParams(u);
        if ('Err' in c) return { Err: { InvalidArgument: { reason: c.Err } } };
        this.host.setParams(c.Ok.next);
        if (c.Ok.epochNs !== undefined) this.host.changeEpochLength(c.Ok.epochNs);
        const before = c.Ok.changes.map(([n, b]) => `${n}=${b}`).join('; ');
        const after = c.Ok.changes.map(([n, , a]) => `${n}=${a}`).join('; ');
        this.append(caller, 'update_params', before, after);
        return { Ok: paramsSummary(c.Ok.changes) };
    }

    pause(caller: Uint8Array, reason: string): Result<string> {
        const denied = this.authorize(caller);
        if (denied !== undefined) return { Err: denied };
        const c = this.checkPause(reason);
        if ('Err' in c) return { Err: { InvalidArgument: { reason: c.Err } } };
        this.host.setPaused({ reason, since: String(this.host.now()) });
        this.append(caller, 'pause', 'running', `paused: ${reason}`);
        return c;
    }

    resume(caller: Uint8Array): Result<string> {
        const denied = this.authorize(caller);
        if (denied !== undefined) return { Err: denied };
        const c = this.checkResume();
        if ('Err' in c) return { Err: { InvalidArgument: { reason: c.Err } } };
        const before = `paused: ${this.host.paused()?.reason}`;
        this.host.setPaused(undefined);
        this.append(caller, 'resume', before, 'running');
        return c;
    }

    /** Records another governance action (e.g. admit_validators, which the registry executes). */
    append(caller: Uint8Array, method: string, before: string, after: string): void {
        const t = this.totals();
        const w = new Writer(128);
        w.u8(TEXT_FMT).u64(this.host.now()).bytes(caller).text(method).longText(before).longText(after);
        this.kv.log.set(u64be(t.logCount), w.done());
        this.saveTotals({ ...t, logCount: t.logCount + 1n });
    }

    /** Pays a grant or an airdrop batch from the treasury: records first, then one transfer per payment. */
    async pay(caller: Uint8Array, kind: PayoutKind, payments: { to: Account; amount: bigint }[], reason: string): Promise<Result<Payout[]>> {
        const denied = this.authorize(caller);
        if (denied !== undefined) return { Err: denied };
        const c = this.checkPayout(kind, payments, reason);
        if ('Err' in c) return { Err: { InvalidArgument: { reason: c.Err } } };
        const now = this.host.now();
        let t = this.totals();
        const created: Payout[] = [];
        for (const p of payments) {
            const payout: Payout = { id: t.payoutCount, kind, to: p.to, amount: p.amount, reason, createdAt: now, status: 'pending' };
            t = { ...t, payoutCount: t.payoutCount + 1n, granted: t.granted + (kind === 'grant' ? p.amount : 0n), airdropped: t.airdropped + (kind === 'airdrop' ? p.amount : 0n) };
            this.savePayout(payout);
            // Marked before the first await: if any callback of this batch traps, maintenance pays the rest.
            this.marks.reserve(payout.id, now);
            created.push(payout);
        }
        this.saveTotals(t);
        this.append(caller, kind === 'grant' ? 'pay_grant' : 'airdrop_batch', '', `${c.Ok} Payouts ${created[0].id}..${created[created.length - 1].id}.`);
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
        const attempt = this.marks.start(p.id, this.host.now());
        let m = await settle(
            () => this.ledger.transfer({ from_subaccount: this.host.treasurySubaccount(), to: p.to, amount: p.amount, memo: new TextEncoder().encode(`emc:pay:${p.id}`), created_at_time: p.createdAt }),
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
            const t = this.totals();
            this.saveTotals({ ...t, granted: t.granted - (p.kind === 'grant' ? p.amount : 0n), airdropped: t.airdropped - (p.kind === 'airdrop' ? p.amount : 0n) });
        }
        this.savePayout(next);
        if (next.status !== 'pending') this.marks.done(p.id);
        return next;
    }

    // ----- reading ---------------------------------------------------------------------------------

    log(start: bigint, count: number): LogEntry[] {
        return readLog(this.kv.log, start, count, (raw, seq) => {
            const r = new Reader(raw);
            const f = r.u8();
            if (f !== TEXT_FMT && f !== 1) throw new Error(`unknown governance log format ${f}`);
            const long = f === TEXT_FMT;
            return { seq, time: r.u64(), caller: r.bytes(), method: r.text(), before: long ? r.longText() : r.text(), after: long ? r.longText() : r.text() };
        });
    }

    payout(id: bigint): Payout | undefined {
        const raw = this.kv.payouts.get(u64be(id));
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

    totals(): { logCount: bigint; payoutCount: bigint; granted: bigint; airdropped: bigint } {
        const raw = this.kv.state.get(STATE_KEY);
        if (raw === undefined) return { logCount: 0n, payoutCount: 0n, granted: 0n, airdropped: 0n };
        return { logCount: readU64be(raw, 1), payoutCount: readU64be(raw, 9), granted: readU64be(raw, 17), airdropped: readU64be(raw, 25) };
    }

    private saveTotals(t: { logCount: bigint; payoutCount: bigint; granted: bigint; airdropped: bigint }): void {
        const w = new Writer(33);
        w.u8(FMT).u64(t.logCount).u64(t.payoutCount).u64(t.granted).u64(t.airdropped);
        this.kv.state.set(STATE_KEY, w.done());
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
        this.kv.payouts.set(u64be(p.id), w.done());
    }
}

function paramsSummary(changes: [string, string, string][]): string {
    return `Change protocol parameters: ${changes.map(([n, b, a]) => `${n} ${b} → ${a}`).join('; ')}.`;
}

export function describeParamsCheck(c: Check<{ changes: [string, string, string][] }>): Check<string> {
    return 'Err' in c ? c : { Ok: paramsSummary(c.Ok.changes) };
}


function text(b: Uint8Array): string {
    return Principal.fromUint8Array(b).toText();
}

function accountText(a: Account): string {
    return a.subaccount === undefined ? text(a.owner) : `${text(a.owner)} (subaccount ${Array.from(a.subaccount, (x) => x.toString(16).padStart(2, '0')).join('')})`;
}
