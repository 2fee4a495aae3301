/**
 * Spec §14, the majority-game lock-up: governance starts a game (its reward budget AV moved from the
 * treasury into the `lockup_rewards` subaccount before it starts, so rewards can never exceed it);
 * anyone locks ≥ 10 EMC by ICRC-2 into the `lockup` subaccount, in pool A ("guard", naming an active
 * staked node the caller operates) or B ("honor"); 12 periods (governance: 1–12) of `period_epochs`
 * epochs, each divided in fifths; locks and rewards are released together by claims when it ends.
 *
 * Bounded work: a lock adds its amount to its period's per-pool, per-fifth totals, so a period's
 * result (L, ρ's tier, per-pool basic, Σ weights, the competition's winner) is computed from at most
 * 13 period records, never from the locks. The exact dust (pool basic − Σ floor(shares)) needs each
 * lock's floor: the close job then scans the locks with a cursor, `CLOSE_CHUNK` per run (≤ 2 B
 * instructions with room: docs/distribution.md), and only then is the result final and the period's
 * unearned part, dust and unpaid competition reward sent to the ecosystem fund. A lock's reward is
 * the same formula at claim time (rules.ts), so claims pay exactly what the scan summed.
 * A period closes only when none of its locks' ledger transfers is without an outcome.
 *
 * Storage: store.ts (ids 146–149) and the outbox. Cost: a lock, a claim: O(1) records + the outbox;
 * a close run: ≤ 13 period reads, or one chunk of the scan.
 */
import { accountProblem, isAnonymous, type Account } from '../../ledger/account';
import { bytesEqual, compareBytes, concat, u64be } from '../../lib/storage/bytes';
import { MAX_AMOUNT_E8S, reasonProblem } from '../model/bounds';
import { invalid, notAuthorized, notFound, wrongState, type DistributionOutcome } from '../model/distribution-errors';
import { E8S_PER_EMC, namedSubaccount, TREASURY_SUBACCOUNT } from '../model/supply';
import { formatAmount, type Check } from '../governance/params-check';
import type { Outbox, OutboxEntry } from '../treasury/outbox';
import { basicSplit, competitionWinner, fifthOf, MIN_LOCK_E8S, periodBudget, poolWeight, share, tierPercent, timeWeight, type Pool } from './rules';
import { decodeLock, type Game, type Lock, type LockupStore, type PeriodRecord, type PeriodResult } from './store';

export const LOCKUP_SUBACCOUNT = namedSubaccount('lockup');
export const LOCKUP_REWARDS_SUBACCOUNT = namedSubaccount('lockup_rewards');
/** Locks scanned per close run. */
export const CLOSE_CHUNK = 2_000;
export const MAX_PERIODS = 12;
export const MAX_PERIOD_EPOCHS = 3_650;
const YEAR_NS = 31_536_000n * 1_000_000_000n;

export interface StartGameArgs {
    budget: bigint;
    output: bigint;
    start: bigint;
    periodEpochs: number;
    periods: number;
    reason: string;
}

export interface LockArgs {
    amount: bigint;
    pool: Pool;
    nodeId?: string;
    fromSubaccount?: Uint8Array;
}

export interface LockupHost {
    authorize(caller: Uint8Array): { NotAuthorized: { reason: string } } | undefined;
    paused(): string | undefined;
    ledgerFee(): bigint;
    now(): bigint;
    self(): Uint8Array;
    epochLength(): bigint;
    /** Why `caller` may not lock in pool A naming `nodeId` (it must operate that node, active and staked), or undefined. */
    guardProblem(nodeId: string, caller: Uint8Array): string | undefined;
    grantPool: { left(): bigint; take(amount: bigint): void; giveBack(amount: bigint): void };
    logAction(caller: Uint8Array, method: string, after: string): void;
}

export class Lockup {
    constructor(
        readonly store: LockupStore,
        private readonly outbox: Outbox,
        private readonly host: LockupHost,
    ) {
        outbox.onSettled('lockup_fund', (e) => this.fundSettled(e));
        outbox.onSettled('lockup_lock', (e) => this.lockSettled(e));
        outbox.onSettled('lockup_release', (e) => this.releaseSettled(e, 'principal'));
        outbox.onSettled('lockup_reward', (e) => this.releaseSettled(e, 'reward'));
    }

    account(sub: Uint8Array): Account {
        return { owner: this.host.self(), subaccount: sub };
    }

    checkStart(a: StartGameArgs): Check<string> {
        const g = this.store.game();
        if (g !== undefined && g.status !== 'cancelled') return { Err: `a lock-up game already exists (${g.status})` };
        const now = this.host.now();
        if (typeof a.budget !== 'bigint' || a.budget < 100n * E8S_PER_EMC || a.budget > MAX_AMOUNT_E8S) return { Err: 'the budget must be between 100 EMC and the maximum supply' };
        if (typeof a.output !== 'bigint' || a.output < E8S_PER_EMC || a.output > MAX_AMOUNT_E8S) return { Err: 'the theoretical output per period must be between 1 EMC and the maximum supply' };
        if (!Number.isInteger(a.periods) || a.periods < 1 || a.periods > MAX_PERIODS) return { Err: `the game has 1 to ${MAX_PERIODS} periods` };
        if (!Number.isInteger(a.periodEpochs) || a.periodEpochs < 1 || a.periodEpochs > MAX_PERIOD_EPOCHS) return { Err: `a period lasts 1 to ${MAX_PERIOD_EPOCHS} epochs` };
        if (typeof a.start !== 'bigint' || a.start < now || a.start > now + YEAR_NS) return { Err: 'the game starts between now and a year from now' };
        const bad = reasonProblem(a.reason);
        if (bad !== undefined) return { Err: bad };
        const left = this.host.grantPool.left();
        if (a.budget > left) return { Err: `the developer-ecosystem pool has ${formatAmount(left)} EMC left; the budget is ${formatAmount(a.budget)} EMC` };
        const days = (BigInt(a.periodEpochs) * this.host.epochLength()) / 86_400_000_000_000n;
        return { Ok: `Start the lock-up game: move ${formatAmount(a.budget)} EMC from the treasury to the lock-up rewards account; ${a.periods} periods of ${a.periodEpochs} epochs (~${days} days) from ${a.start} ns; theoretical output ${formatAmount(a.output)} EMC per period (${a.reason}).` };
    }

    async start(caller: Uint8Array, a: StartGameArgs): Promise<DistributionOutcome<Game>> {
        const denied = this.host.authorize(caller);
        if (denied !== undefined) return { Err: denied };
        const c = this.checkStart(a);
        if ('Err' in c) return invalid(c.Err);
        const g: Game = { status: 'funding', budget: a.budget, output: a.output, start: a.start, periodNs: BigInt(a.periodEpochs) * this.host.epochLength(), periods: a.periods, feesPaid: 0n, closed: 0, nextLock: this.store.game()?.nextLock ?? 0n, remainderSent: false, createdAt: this.host.now(), reason: a.reason };
        this.store.saveGame(g);
        this.host.grantPool.take(a.budget);
        this.host.logAction(caller, 'start_lockup_game', c.Ok);
        const e = this.outbox.record({ kind: 'lockup_fund', ref: 0n, fromSubaccount: TREASURY_SUBACCOUNT, to: this.account(LOCKUP_REWARDS_SUBACCOUNT), amount: a.budget, fee: this.host.ledgerFee() });
        await this.outbox.send(e);
        return { Ok: this.store.game() as Game };
    }

    /** The period (0 before the start) and fifth of time t. */
    position(g: Game, t: bigint): { period: number; fifth: number } {
        if (t < g.start) return { period: 0, fifth: 0 };
        const x = Number((t - g.start) / g.periodNs) + 1;
        return { period: x, fifth: fifthOf(t, g.start + BigInt(x - 1) * g.periodNs, g.periodNs) };
    }

    async lock(caller: Uint8Array, a: LockArgs): Promise<DistributionOutcome<Lock>> {
        if (isAnonymous(caller)) return notAuthorized('the anonymous principal cannot lock');
        const paused = this.host.paused();
        if (paused !== undefined) return { Err: { Paused: { reason: paused } } };
        const g = this.store.game();
        if (g === undefined || g.status !== 'open') return wrongState(g === undefined ? 'no lock-up game has started' : `the lock-up game is ${g.status}`);
        const now = this.host.now();
        const pos = this.position(g, now);
        if (pos.period > g.periods) return wrongState('the lock-up game has ended: no more locks');
        if (typeof a.amount !== 'bigint' || a.amount < MIN_LOCK_E8S || a.amount > MAX_AMOUNT_E8S) return invalid(`a lock is at least ${formatAmount(MIN_LOCK_E8S)} EMC`);
        const from: Account = a.fromSubaccount === undefined ? { owner: caller } : { owner: caller, subaccount: a.fromSubaccount };
        const bad = accountProblem(from);
        if (bad !== undefined) return invalid(bad);
        if (a.pool === 'A') {
            if (a.nodeId === undefined) return invalid('pool A (guard) needs the id of an active staked node the caller operates');
            const problem = this.host.guardProblem(a.nodeId, caller);
            if (problem !== undefined) return invalid(problem);
        }
        const l: Lock = { id: g.nextLock, pool: a.pool, status: 'pending', owner: from, amount: a.amount, period: pos.period, fifth: pos.fifth, createdAt: now, principalOut: false, rewardOut: false, reward: 0n, nodeId: a.pool === 'A' ? (a.nodeId as string) : '' };
        this.store.saveLock(l);
        this.store.kv.byOwner.set(ownerKey(caller, l.id), new Uint8Array(0));
        this.store.saveGame({ ...g, nextLock: g.nextLock + 1n });
        this.addToPeriod(l, 1n, 1);
        const e = this.outbox.record({ kind: 'lockup_lock', ref: l.id, fromSubaccount: new Uint8Array(0), pullFrom: from, to: this.account(LOCKUP_SUBACCOUNT), amount: a.amount, fee: this.host.ledgerFee() });
        const out = await this.outbox.send(e);
        if (out.status === 'failed') return { Err: { LedgerRefused: { reason: out.error ?? 'the ledger refused the transfer' } } };
        return { Ok: this.store.lock(l.id) as Lock };
    }

    /** A lock's share of period x's result (basic, competition). */
    periodShare(l: Lock, x: number, res: PeriodResult): { basic: bigint; competition: bigint } {
        if (l.status === 'pending' || l.status === 'failed') return { basic: 0n, competition: 0n };
        const t = timeWeight(l.period, l.fifth, x);
        const basic = t === 0n ? 0n : share(res.perPool, l.amount * t, l.pool === 'A' ? res.weightA : res.weightB);
        const competition = res.winner === l.pool && l.period === x ? share(res.competition, l.amount, res.newWinner) : 0n;
        return { basic, competition };
    }

    /** A lock's reward over the final periods. */
    rewardOf(l: Lock): bigint {
        const g = this.store.game();
        if (g === undefined) return 0n;
        let r = 0n;
        for (let x = 1; x <= g.closed; x++) {
            const res = this.store.period(x).result as PeriodResult;
            const s = this.periodShare(l, x, res);
            r += s.basic + s.competition;
        }
        return r;
    }

    /** The close job's bounded step (see the file's comment); returns 1 when it advanced. */
    async step(now: bigint): Promise<number> {
        const g = this.store.game();
        if (g === undefined || g.status !== 'open') return 0;
        const x = g.closed + 1;
        if (x > g.periods) return 0;
        if (now < g.start + BigInt(x) * g.periodNs) return 0;
        const p = this.store.period(x);
        if (p.pending > 0) return 0;
        if (p.result === undefined) {
            this.store.savePeriod(x, { ...p, result: this.provisional(g, x, p) });
            this.store.saveGame({ ...g, scan: { position: 0n, sharedA: 0n, sharedB: 0n, sharedK: 0n } });
            return 1;
        }
        const scan = g.scan ?? { position: 0n, sharedA: 0n, sharedB: 0n, sharedK: 0n };
        const res = p.result;
        const page = this.store.kv.locks.entries(Number(scan.position), CLOSE_CHUNK);
        let { sharedA, sharedB, sharedK } = scan;
        for (const [key, value] of page) {
            // The page holds each lock's bytes: decoded as they are (reading the lock again would cost a second B-tree look-up).
            const l = decodeLock(new DataView(key.buffer, key.byteOffset).getBigUint64(0), value);
            const s = this.periodShare(l, x, res);
            if (l.pool === 'A') sharedA += s.basic;
            else sharedB += s.basic;
            sharedK += s.competition;
        }
        if (page.length === CLOSE_CHUNK) {
            this.store.saveGame({ ...g, scan: { position: scan.position + BigInt(page.length), sharedA, sharedB, sharedK } });
            return 1;
        }
        const toEcosystem = res.unearned + (res.perPool - sharedA) + (res.perPool - sharedB) + (res.competition - sharedK);
        this.store.savePeriod(x, { ...p, result: { ...res, sharedA, sharedB, sharedK, toEcosystem, final: true } });
        const fee = this.host.ledgerFee();
        const ended = x === g.periods;
        let next: Game = { ...g, closed: x, scan: undefined, status: ended ? 'ended' : 'open', feesPaid: g.feesPaid + (toEcosystem > 0n ? fee : 0n) };
        const sends: OutboxEntry[] = [];
        if (toEcosystem > 0n) sends.push(this.outbox.record({ kind: 'lockup_unearned', ref: BigInt(x), fromSubaccount: LOCKUP_REWARDS_SUBACCOUNT, to: this.account(TREASURY_SUBACCOUNT), amount: toEcosystem, fee }));
        if (ended) {
            // What no period allotted (AV − Σ C_x, less the fees paid): to the ecosystem fund, fee included.
            let allotted = 0n;
            for (let q = 1; q <= g.periods; q++) allotted += periodBudget(g.budget, q).c;
            const rest = g.budget - allotted - next.feesPaid;
            if (rest > fee) sends.push(this.outbox.record({ kind: 'lockup_unearned', ref: 0n, fromSubaccount: LOCKUP_REWARDS_SUBACCOUNT, to: this.account(TREASURY_SUBACCOUNT), amount: rest - fee, fee }));
            next = { ...next, remainderSent: true };
        }
        this.store.saveGame(next);
        for (const e of sends) await this.outbox.send(e);
        return 1;
    }

    nextAt(now: bigint): bigint | undefined {
        const g = this.store.game();
        if (g === undefined || g.status !== 'open' || g.closed >= g.periods) return undefined;
        const due = g.start + BigInt(g.closed + 1) * g.periodNs;
        if (due > now) return due;
        return this.store.period(g.closed + 1).pending > 0 ? undefined : now;
    }

    /** After the game: the owner takes back the lock and its reward (each transfer less the ledger fee). */
    async claim(caller: Uint8Array, id: bigint): Promise<DistributionOutcome<Lock>> {
        const l = this.store.lock(id);
        if (l === undefined) return notFound('lock', id);
        if (isAnonymous(caller) || !bytesEqual(caller, l.owner.owner)) return notAuthorized(`only the owner of lock ${id} may claim it`);
        const paused = this.host.paused();
        if (paused !== undefined) return { Err: { Paused: { reason: paused } } };
        const g = this.store.game() as Game;
        if (g.status !== 'ended') return wrongState('locks and rewards are released when the game ends');
        if (l.status !== 'active') return wrongState(`lock ${id} is ${l.status}`);
        const fee = this.host.ledgerFee();
        const reward = this.rewardOf(l);
        const sendReward = !l.rewardOut && reward > fee;
        const sendPrincipal = !l.principalOut;
        if (!sendReward && !sendPrincipal) return { Err: { NothingToClaim: { reason: `lock ${id}: its reward (${formatAmount(reward)} EMC) does not exceed the ledger fee` } } };
        const next: Lock = { ...l, reward, principalOut: true, rewardOut: l.rewardOut || sendReward, status: 'released' };
        this.store.saveLock(next);
        const sends: OutboxEntry[] = [];
        if (sendPrincipal) sends.push(this.outbox.record({ kind: 'lockup_release', ref: id, fromSubaccount: LOCKUP_SUBACCOUNT, to: l.owner, amount: l.amount - fee, fee }));
        if (sendReward) sends.push(this.outbox.record({ kind: 'lockup_reward', ref: id, fromSubaccount: LOCKUP_REWARDS_SUBACCOUNT, to: l.owner, amount: reward - fee, fee }));
        for (const e of sends) await this.outbox.send(e);
        return { Ok: this.store.lock(id) as Lock };
    }

    locksOf(owner: Uint8Array, start: number, count: number): Lock[] {
        const prefix = concat([Uint8Array.of(owner.length), owner]);
        const out: Lock[] = [];
        // Owners hold few locks; the index is scanned from the owner's first key (binary search over positions).
        const kv = this.store.kv.byOwner;
        let lo = 0;
        let hi = kv.size();
        while (lo < hi) {
            const mid = (lo + hi) >> 1;
            if (compareBytes(kv.entries(mid, 1)[0][0], prefix) < 0) lo = mid + 1;
            else hi = mid;
        }
        for (const [k] of kv.entries(lo + start, count)) {
            if (compareBytes(k.subarray(0, prefix.length), prefix) !== 0) break;
            out.push(this.store.lock(new DataView(k.buffer, k.byteOffset + prefix.length).getBigUint64(0)) as Lock);
        }
        return out;
    }

    private provisional(g: Game, x: number, p: PeriodRecord): PeriodResult {
        let beforeA = 0n;
        let beforeB = 0n;
        for (let q = 0; q < x; q++) {
            const r = this.store.period(q);
            beforeA += sum(r.newA);
            beforeB += sum(r.newB);
        }
        const newA = sum(p.newA);
        const newB = sum(p.newB);
        const locked = beforeA + beforeB + newA + newB;
        const { basic, competition } = periodBudget(g.budget, x);
        const tier = tierPercent(locked, g.output, x);
        const { perPool, unearned } = basicSplit(basic, tier);
        const winner = competitionWinner(newA, newB);
        return { locked, tier, basic, competition, perPool, unearned, weightA: poolWeight(beforeA, p.newA), weightB: poolWeight(beforeB, p.newB), winner, newWinner: winner === 'A' ? newA : winner === 'B' ? newB : 0n, sharedA: 0n, sharedB: 0n, sharedK: 0n, toEcosystem: 0n, final: false };
    }

    /** Adds (sign 1) or removes (sign −1) a lock from its period's totals; `pending` moves by `pendingDelta`. */
    private addToPeriod(l: Lock, sign: bigint, pendingDelta: number): void {
        const p = this.store.period(l.period);
        const side = l.pool === 'A' ? [...p.newA] : [...p.newB];
        side[l.fifth] += sign * l.amount;
        this.store.savePeriod(l.period, l.pool === 'A' ? { ...p, newA: side, pending: p.pending + pendingDelta } : { ...p, newB: side, pending: p.pending + pendingDelta });
    }

    private lockSettled(e: OutboxEntry): void {
        const l = this.store.lock(e.ref);
        if (l === undefined || l.status !== 'pending') return;
        if (e.status === 'sent') {
            this.store.saveLock({ ...l, status: 'active' });
            this.addToPeriod(l, 0n, -1);
        } else {
            this.store.saveLock({ ...l, status: 'failed' });
            this.addToPeriod(l, -1n, -1);
        }
    }

    private fundSettled(e: OutboxEntry): void {
        const g = this.store.game();
        if (g === undefined || g.status !== 'funding') return;
        if (e.status === 'sent') this.store.saveGame({ ...g, status: 'open' });
        else {
            this.store.saveGame({ ...g, status: 'cancelled' });
            this.host.grantPool.giveBack(g.budget);
        }
    }

    private releaseSettled(e: OutboxEntry, part: 'principal' | 'reward'): void {
        if (e.status !== 'failed') return;
        const l = this.store.lock(e.ref);
        if (l === undefined) return;
        // Refused: the lock is claimable again for that part.
        this.store.saveLock({ ...l, status: 'active', ...(part === 'principal' ? { principalOut: false } : { rewardOut: false }) });
    }
}

function sum(v: bigint[]): bigint {
    return v.reduce((a, b) => a + b, 0n);
}

function ownerKey(owner: Uint8Array, id: bigint): Uint8Array {
    return concat([Uint8Array.of(owner.length), owner, u64be(id)]);
}
