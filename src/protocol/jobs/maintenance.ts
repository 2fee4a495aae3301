/**
 * The maintenance job (the canister's timer; bounded work per run): advances the reward index,
 * evaluates liveness windows that ended, closes votes whose deadline passed, moves penalties due to
 * the treasury (not while paused), releases stakes whose term ended (penalties first), retries
 * ledger operations and treasury payouts whose outcome is unknown or whose attempt was lost, and
 * removes unstaked registrations that outlived their grace period. At most `releaseBatch` of each
 * kind per run (`livenessBatch` nodes for liveness).
 *
 * `nextAt` says when to run again: the earliest thing due (a term end, a retry, a liveness window
 * — once a batch was confirmed since it began: until then every window is exempt and the timer
 * sleeps, see `Liveness.nextWork` —, a vote deadline, the end of a grace period, an epoch boundary). Work that is due but that the last
 * run could not advance (a release whose ledger is stopped, a penalty during a pause) waits one
 * `maintenanceIntervalSeconds`: the timer never re-arms for the past after a run without progress.
 *
 * Storage: none of its own (the last run is a heap fact: an upgrade starts afresh).
 * Cost: per run, O(batch × log n) map operations plus one ledger call per movement.
 */
import type { Env } from '../../lib/env';
import type { Config } from '../model/config';
import type { ProtocolParams } from '../model/params';
import type { NodeBook } from '../nodes/book';
import { isUnstakedAwaiting } from '../nodes/unstaked';
import type { Deductions } from '../penalties/deductions';
import type { Liveness } from '../penalties/liveness';
import type { Rewards } from '../rewards/rewards';
import type { Operations } from '../stakes/operations';
import type { Releases } from '../stakes/releases';

/** What maintenance asks of the peer votes. */
export interface VoteDeadlines {
    closeDue(now: bigint, max: number): number;
    nextDeadline(): bigint | undefined;
}

/** What maintenance asks of the treasury's payouts. */
export interface PayoutRetries {
    /** Retries those that may be retried now (at most `max`); returns how many reached an outcome. */
    retryPayouts(max: number, now: bigint): Promise<number>;
    nextRetryAt(now: bigint, max: number): bigint | undefined;
}

/**
 * A section's own timer work (e.g. the market's settlements, a lock-up period's close), run by
 * maintenance after the core work: bounded per run, and saying when it next has something to do.
 * Its deadline queue is opened with `timed` in src/protocol/system.ts, so that an update adding
 * work earlier than every armed timer re-arms maintenance (src/protocol/jobs/wakeups.ts).
 */
export interface Job {
    readonly name: string;
    /** Does at most a bounded amount of due work; returns how many items made progress. */
    run(now: bigint): Promise<number>;
    /** When the job next has work (undefined: none). Overdue work without progress waits one interval. */
    nextAt(now: bigint): bigint | undefined;
}

export interface MaintenanceReport {
    released: number;
    retried: number;
    evaluated: number;
    deducted: number;
    swept: number;
    closed: number;
    /** Progress of each section job, by name. */
    jobs: Record<string, number>;
}

export interface MaintenanceParts {
    config: Config;
    env: Env;
    book: NodeBook;
    rewards: Rewards;
    liveness: Liveness;
    votes: VoteDeadlines;
    ops: Operations;
    releases: Releases;
    deductions: Deductions;
    payouts: PayoutRetries;
    /** The sections' own jobs, run after the core work, in this order. */
    jobs?: Job[];
}

export class Maintenance {
    private lastRun: { at: bigint; progress: boolean } | undefined;

    constructor(private readonly x: MaintenanceParts) {}

    async run(): Promise<MaintenanceReport> {
        const { config, env, book, rewards, liveness, votes, ops, releases, deductions, payouts } = this.x;
        const p = config.params();
        const now = env.now();
        const paused = config.get().paused !== undefined;
        rewards.advance(now);
        let released = 0;
        let retried = 0;
        let deducted = 0;
        let swept = 0;
        // Windows without a confirmed batch since they began are all exempt: nothing to evaluate yet.
        const evaluated = liveness.nextWork(now) === undefined ? 0 : rewards.deferred(() => liveness.sweep(now));
        const closed = votes.closeDue(now, p.releaseBatch);
        if (!paused) {
            for (const index of liveness.dueDeductions(p.releaseBatch)) {
                const n = book.get(index);
                if (n === undefined) {
                    liveness.deductionDone(index);
                    continue;
                }
                const r = await deductions.start(n);
                if (r !== undefined && 'Ok' in r) deducted++;
            }
        }
        for (const { termEnd, index } of book.registry.dueExpiries(now, p.releaseBatch)) {
            const n = book.get(index);
            if (n === undefined || n.stake === undefined || n.stake.termEnd !== termEnd) {
                // A stale entry (the stake left another way): drop it, or it would hold a place forever.
                book.registry.unscheduleExpiry(index, termEnd);
                swept++;
                continue;
            }
            if (n.op !== undefined) continue;
            if ((n.penaltyDue ?? 0n) > 0n) {
                // Penalties are paid before the stake goes back (the release comes on the next run).
                if (!paused) {
                    const r = await deductions.start(n);
                    if (r !== undefined && 'Ok' in r) deducted++;
                }
                continue;
            }
            if ('Ok' in (await releases.release(n))) released++;
        }
        for (const index of ops.marks.due(now, p.releaseBatch)) {
            const n = book.get(index);
            if (n === undefined || n.op === undefined) {
                ops.marks.done(index);
                continue;
            }
            const r = await ops.resume(n);
            if (!('Err' in r && 'OperationPending' in r.Err)) retried++;
        }
        retried += await payouts.retryPayouts(p.releaseBatch, now);
        swept += this.sweepUnstaked(now, p);
        const jobs: Record<string, number> = {};
        let jobProgress = 0;
        for (const job of this.x.jobs ?? []) {
            jobs[job.name] = await job.run(now);
            jobProgress += jobs[job.name];
        }
        this.lastRun = { at: now, progress: released + retried + evaluated + deducted + swept + closed + jobProgress > 0 };
        return { released, retried, evaluated, deducted, swept, closed, jobs };
    }

    /** When the timer should run next (see the file's comment); undefined when nothing is due. */
    nextAt(): bigint | undefined {
        const { config, env, book, rewards, liveness, votes, ops, payouts } = this.x;
        const now = env.now();
        const p = config.params();
        const interval = BigInt(p.maintenanceIntervalSeconds) * 1_000_000_000n;
        const soon = now + interval;
        const candidates: bigint[] = [rewards.nextEpochBoundary(now)];
        const expiry = book.registry.nextExpiry();
        if (expiry !== undefined) candidates.push(expiry);
        for (const retry of [ops.marks.nextRetryAt(now, p.releaseBatch), payouts.nextRetryAt(now, p.releaseBatch)]) {
            if (retry !== undefined) candidates.push(retry > soon ? retry : soon);
        }
        if (liveness.pendingDeductions() > 0 && config.get().paused === undefined) candidates.push(soon);
        const deadline = votes.nextDeadline();
        if (deadline !== undefined) candidates.push(deadline);
        const windowEnd = liveness.nextWork(now);
        if (windowEnd !== undefined) candidates.push(windowEnd > soon ? windowEnd : soon);
        const oldest = book.unstaked.oldest();
        if (oldest !== undefined) candidates.push(oldest + p.squatterGraceNs);
        for (const job of this.x.jobs ?? []) {
            const at = job.nextAt(now);
            if (at !== undefined) candidates.push(at);
        }
        let next = candidates.reduce((a, b) => (a < b ? a : b));
        if (next <= now && this.lastRun !== undefined && !this.lastRun.progress && this.lastRun.at + interval > next) next = this.lastRun.at + interval;
        return next;
    }

    /** Removes unstaked compute registrations that outlived the grace period without a PoC (at most `releaseBatch`). */
    private sweepUnstaked(now: bigint, p: ProtocolParams): number {
        const book = this.x.book;
        if (now < p.squatterGraceNs) return 0;
        let swept = 0;
        for (const { registeredAt, index } of book.unstaked.due(now - p.squatterGraceNs, p.releaseBatch)) {
            const n = book.get(index);
            if (!isUnstakedAwaiting(n) || n.registeredAt !== registeredAt) {
                book.unstaked.forget(registeredAt, index);
                swept++;
                continue;
            }
            if (n.op !== undefined) continue; // a stake in flight decides first
            book.remove(n);
            swept++;
        }
        return swept;
    }
}
