/**
 * The lock-up game's records and their binary codecs (spec §14; docs/storage.md ids 146–149):
 * the game (LOCKUP_STATE [1]), each period's aggregates and result (LOCKUP_PERIODS, period u8 →),
 * each lock (LOCKUP_LOCKS, id u64 BE →) and the owner index (LOCKUP_BY_OWNER). Every value opens
 * with format byte 1; the writers throw on a value that does not fit (never wrap).
 * Cost: one map read or write per record.
 */
import type { Account } from '../../ledger/account';
import { Reader, Writer } from '../../lib/storage/binary';
import type { KV } from '../../lib/storage/kv';
import { FIFTHS, POOLS, type Pool } from './rules';

export const GAME_STATUSES = ['funding', 'open', 'ended', 'cancelled'] as const;
export type GameStatus = (typeof GAME_STATUSES)[number];
export const LOCK_STATUSES = ['pending', 'active', 'failed', 'released'] as const;
export type LockStatus = (typeof LOCK_STATUSES)[number];

export interface Game {
    status: GameStatus;
    budget: bigint;
    /** O: the theoretical output per period (e8s). */
    output: bigint;
    start: bigint;
    periodNs: bigint;
    periods: number;
    /** Fees the rewards account paid on top of its transfers to the ecosystem fund. */
    feesPaid: bigint;
    /** Periods whose result is final. */
    closed: number;
    /** The close in progress: scanning locks from `position`, sums so far. */
    scan?: { position: bigint; sharedA: bigint; sharedB: bigint; sharedK: bigint };
    nextLock: bigint;
    remainderSent: boolean;
    createdAt: bigint;
    reason: string;
}

export interface PeriodResult {
    locked: bigint;
    tier: number;
    basic: bigint;
    competition: bigint;
    perPool: bigint;
    unearned: bigint;
    weightA: bigint;
    weightB: bigint;
    winner?: Pool;
    newWinner: bigint;
    sharedA: bigint;
    sharedB: bigint;
    sharedK: bigint;
    /** Unearned + both pools' dust + the competition's unpaid part: sent to the ecosystem fund. */
    toEcosystem: bigint;
    final: boolean;
}

export interface PeriodRecord {
    newA: bigint[];
    newB: bigint[];
    /** Locks of this period whose ledger transfer has no outcome yet: the close waits for them. */
    pending: number;
    result?: PeriodResult;
}

export interface Lock {
    id: bigint;
    pool: Pool;
    status: LockStatus;
    owner: Account;
    amount: bigint;
    /** 0: made before the game started. */
    period: number;
    fifth: number;
    createdAt: bigint;
    principalOut: boolean;
    rewardOut: boolean;
    reward: bigint;
    nodeId: string;
}

const FMT = 1;
const KEY = Uint8Array.of(1);

export class LockupStore {
    constructor(readonly kv: { state: KV; periods: KV; locks: KV; byOwner: KV }) {}

    game(): Game | undefined {
        const raw = this.kv.state.get(KEY);
        if (raw === undefined) return undefined;
        const r = new Reader(raw);
        if (r.u8() !== FMT) throw new Error('unknown lock-up game format');
        const g: Game = { status: GAME_STATUSES[r.u8()], budget: r.u64(), output: r.u64(), start: r.u64(), periodNs: r.u64(), periods: r.u8(), feesPaid: r.u64(), closed: r.u8(), nextLock: 0n, remainderSent: false, createdAt: 0n, reason: '' };
        if (r.u8() === 1) g.scan = { position: r.u64(), sharedA: r.u64(), sharedB: r.u64(), sharedK: r.u64() };
        g.nextLock = r.u64();
        g.remainderSent = r.u8() === 1;
        g.createdAt = r.u64();
        g.reason = r.longText();
        return g;
    }

    saveGame(g: Game): void {
        const w = new Writer(128);
        w.u8(FMT).u8(GAME_STATUSES.indexOf(g.status)).u64(g.budget).u64(g.output).u64(g.start).u64(g.periodNs).u8(g.periods).u64(g.feesPaid).u8(g.closed);
        if (g.scan === undefined) w.u8(0);
        else w.u8(1).u64(g.scan.position).u64(g.scan.sharedA).u64(g.scan.sharedB).u64(g.scan.sharedK);
        w.u64(g.nextLock).u8(g.remainderSent ? 1 : 0).u64(g.createdAt).longText(g.reason);
        this.kv.state.set(KEY, w.done());
    }

    period(x: number): PeriodRecord {
        const raw = this.kv.periods.get(Uint8Array.of(x));
        if (raw === undefined) return { newA: zeros(), newB: zeros(), pending: 0 };
        const r = new Reader(raw);
        if (r.u8() !== FMT) throw new Error('unknown lock-up period format');
        const p: PeriodRecord = { newA: zeros().map(() => r.u64()), newB: zeros().map(() => r.u64()), pending: r.u32() };
        if (r.u8() === 1) {
            const res: PeriodResult = { locked: r.u64(), tier: r.u8(), basic: r.u64(), competition: r.u64(), perPool: r.u64(), unearned: r.u64(), weightA: r.u64(), weightB: r.u64(), newWinner: 0n, sharedA: 0n, sharedB: 0n, sharedK: 0n, toEcosystem: 0n, final: false };
            const win = r.u8();
            if (win > 0) res.winner = POOLS[win - 1];
            res.newWinner = r.u64();
            res.sharedA = r.u64();
            res.sharedB = r.u64();
            res.sharedK = r.u64();
            res.toEcosystem = r.u64();
            res.final = r.u8() === 1;
            p.result = res;
        }
        return p;
    }

    savePeriod(x: number, p: PeriodRecord): void {
        const w = new Writer(200);
        w.u8(FMT);
        for (const v of p.newA) w.u64(v);
        for (const v of p.newB) w.u64(v);
        w.u32(p.pending);
        const res = p.result;
        if (res === undefined) w.u8(0);
        else {
            w.u8(1).u64(res.locked).u8(res.tier).u64(res.basic).u64(res.competition).u64(res.perPool).u64(res.unearned).u64(res.weightA).u64(res.weightB);
            w.u8(res.winner === undefined ? 0 : POOLS.indexOf(res.winner) + 1).u64(res.newWinner).u64(res.sharedA).u64(res.sharedB).u64(res.sharedK).u64(res.toEcosystem).u8(res.final ? 1 : 0);
        }
        this.kv.periods.set(Uint8Array.of(x), w.done());
    }

    lock(id: bigint): Lock | undefined {
        const raw = this.kv.locks.get(u64(id));
        return raw === undefined ? undefined : decodeLock(id, raw);
    }

    saveLock(l: Lock): void {
        this.kv.locks.set(u64(l.id), encodeLock(l));
    }
}

export function encodeLock(l: Lock): Uint8Array {
    const w = new Writer(120);
    w.u8(FMT).u8(POOLS.indexOf(l.pool)).u8(LOCK_STATUSES.indexOf(l.status));
    w.account(l.owner);
    w.u64(l.amount).u8(l.period).u8(l.fifth).u64(l.createdAt).u8((l.principalOut ? 1 : 0) | (l.rewardOut ? 2 : 0)).u64(l.reward).text(l.nodeId);
    return w.done();
}

export function decodeLock(id: bigint, raw: Uint8Array): Lock {
    const r = new Reader(raw);
    if (r.u8() !== FMT) throw new Error('unknown lock format');
    const pool = POOLS[r.u8()];
    const status = LOCK_STATUSES[r.u8()];
    const owner = r.account();
    const amount = r.u64();
    const period = r.u8();
    const fifth = r.u8();
    const createdAt = r.u64();
    const out = r.u8();
    return { id, pool, status, owner, amount, period, fifth, createdAt, principalOut: (out & 1) !== 0, rewardOut: (out & 2) !== 0, reward: r.u64(), nodeId: r.text() };
}

function zeros(): bigint[] {
    return new Array<bigint>(FIFTHS).fill(0n);
}

function u64(n: bigint): Uint8Array {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setBigUint64(0, n);
    return b;
}
