/**
 * Retry marks of ledger operations in flight (node operations and governance payouts alike).
 *
 * Rule: the mark is written before the `await` of every ledger call, in the same message that
 * records the operation, and removed only after the outcome is recorded. On the IC a trap after an
 * `await` rolls back only the callback, so whatever goes wrong there leaves the operation marked,
 * and maintenance retries it with the same idempotency key (created_at_time + memo): the ledger
 * answers a repeat of an executed transfer with Duplicate, so money never moves twice.
 *
 * Each attempt gets a number. After its `await`, an attempt records an outcome only if it is still
 * the latest attempt of that operation: an older attempt's late answer changes nothing. Because the
 * IC delivers one canister's calls to another in order, a later attempt reaches the ledger after
 * every earlier one, so its answer (Ok, Duplicate, or a refusal) is the operation's outcome.
 *
 * A mark is retryable when its attempt ended without a known outcome, or when the attempt has been
 * in flight for longer than the lease (its callback trapped: nothing was recorded).
 *
 * Storage: key (u64 BE id) → u64 started_at ‖ u32 attempt ‖ u8 in_flight. An empty value (the
 * format before attempts were numbered) reads as attempt 0, not in flight.
 * Cost: one map read or write per call; `due` reads at most `max` marks.
 */
import { readU64be, u64be } from '../../lib/storage/bytes';
import type { KV } from '../../lib/storage/kv';

export interface Mark {
    startedAt: bigint;
    attempt: number;
    inFlight: boolean;
}

export class OperationMarks {
    constructor(
        private readonly kv: KV,
        private readonly lease: bigint,
    ) {}

    get(id: bigint): Mark | undefined {
        const raw = this.kv.get(u64be(id));
        if (raw === undefined) return undefined;
        if (raw.length < 13) return { startedAt: 0n, attempt: 0, inFlight: false };
        return { startedAt: readU64be(raw, 0), attempt: new DataView(raw.buffer, raw.byteOffset + 8, 4).getUint32(0), inFlight: raw[12] === 1 };
    }

    /**
     * Marks an operation that will be attempted later in this same call (a batch's later payments):
     * attempt 0, counted as in flight so that maintenance leaves it alone unless the lease runs out.
     */
    reserve(id: bigint, now: bigint): void {
        this.put(id, { startedAt: now, attempt: 0, inFlight: true });
    }

    /** Marks a new attempt in flight (call before the await); returns its number. */
    start(id: bigint, now: bigint): number {
        const attempt = (this.get(id)?.attempt ?? 0) + 1;
        this.put(id, { startedAt: now, attempt, inFlight: true });
        return attempt;
    }

    /** Whether `attempt` is still the latest attempt of operation `id` (only it records an outcome). */
    isLatest(id: bigint, attempt: number): boolean {
        return this.get(id)?.attempt === attempt;
    }

    /** The attempt ended without a known outcome: the operation may be retried at once. */
    unknown(id: bigint): void {
        const m = this.get(id);
        if (m !== undefined) this.put(id, { ...m, inFlight: false });
    }

    /** The outcome is recorded: the operation is no longer retried. */
    done(id: bigint): void {
        this.kv.delete(u64be(id));
    }

    has(id: bigint): boolean {
        return this.kv.has(u64be(id));
    }

    /** A retry may start now: no attempt is in flight, or the one in flight outlived the lease. */
    retryable(id: bigint, now: bigint): boolean {
        const m = this.get(id);
        return m !== undefined && (!m.inFlight || now - m.startedAt >= this.lease);
    }

    /** Among the first `max` marks, the ids that may be retried now. */
    due(now: bigint, max: number): bigint[] {
        const out: bigint[] = [];
        for (const [key] of this.kv.entries(0, max)) {
            const id = readU64be(key);
            if (this.retryable(id, now)) out.push(id);
        }
        return out;
    }

    /**
     * When a retry could next start: now if one is retryable, else the earliest lease end of the
     * first `max` marks; undefined without marks.
     */
    nextRetryAt(now: bigint, max: number): bigint | undefined {
        if (this.kv.size() === 0) return undefined;
        let next: bigint | undefined;
        for (const [key] of this.kv.entries(0, max)) {
            const m = this.get(readU64be(key)) as Mark;
            const at = m.inFlight ? m.startedAt + this.lease : now;
            if (next === undefined || at < next) next = at;
        }
        return next;
    }

    size(): number {
        return this.kv.size();
    }

    private put(id: bigint, m: Mark): void {
        const v = new Uint8Array(13);
        const dv = new DataView(v.buffer);
        dv.setBigUint64(0, m.startedAt);
        dv.setUint32(8, m.attempt);
        v[12] = m.inFlight ? 1 : 0;
        this.kv.set(u64be(id), v);
    }
}
