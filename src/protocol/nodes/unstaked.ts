/**
 * Free registrations are bounded. A compute node may register without a stake (spec §2), which
 * costs its operator nothing and the canister a record; until validators confirm its first PoC it
 * earns nothing and holds its node id. So: at most MAX_UNSTAKED_PER_OPERATOR such registrations
 * per operator and MAX_UNSTAKED_TOTAL in all (src/protocol/model/bounds.ts), and the maintenance job
 * removes those that outlived the grace period (`squatterGraceNs`) without a PoC, freeing the id.
 * A staked registration is never refused by these caps: an operator crowded out by a flood of free
 * registrations can always stake.
 *
 * Storage: queue (u64 BE registered_at ‖ u64 BE node index → empty), oldest first; perOperator
 * (operator principal → u32 BE count). The total is the queue's size.
 * Cost: O(log n) map operations per registration or state change; the sweep reads at most `max`.
 */
import { concat, readU32be, readU64be, u32be, u64be } from '../../lib/storage/bytes';
import type { KV } from '../../lib/storage/kv';
import { MAX_UNSTAKED_PER_OPERATOR, MAX_UNSTAKED_TOTAL } from '../model/bounds';
import type { NodeRecord } from './record';

const EMPTY = new Uint8Array(0);

/** A compute registration without a stake that no PoC has confirmed yet. */
export function isUnstakedAwaiting(n: NodeRecord | undefined): n is NodeRecord {
    return n !== undefined && n.type === 'compute' && n.status === 'awaiting_poc' && n.stake === undefined;
}

export class UnstakedRegistrations {
    constructor(
        private readonly queue: KV,
        private readonly perOperator: KV,
    ) {}

    /** Why `operator` may not register another unstaked node now (and which bound: its own or the total), or undefined. */
    refusal(operator: Uint8Array): { message: string; perOperator: boolean } | undefined {
        const mine = this.countOf(operator);
        if (mine >= MAX_UNSTAKED_PER_OPERATOR) return { perOperator: true, message: `an operator may hold at most ${MAX_UNSTAKED_PER_OPERATOR} unstaked compute registrations awaiting their first PoC (stake, or wait for a PoC or for the grace period to end)` };
        if (this.queue.size() >= MAX_UNSTAKED_TOTAL) return { perOperator: false, message: `${MAX_UNSTAKED_TOTAL} unstaked compute registrations already await their first PoC; register with a stake` };
        return undefined;
    }

    /** Keeps the queue and the counts in step with a node write (and with a deletion: `next` undefined). */
    track(next: NodeRecord | undefined, previous: NodeRecord | undefined): void {
        const was = isUnstakedAwaiting(previous);
        const is = isUnstakedAwaiting(next);
        if (was && !is) this.remove(previous as NodeRecord);
        else if (!was && is) this.add(next as NodeRecord);
    }

    /** Registrations made at or before `cutoff` (the oldest first, at most `max`). */
    due(cutoff: bigint, max: number): { registeredAt: bigint; index: bigint }[] {
        const out: { registeredAt: bigint; index: bigint }[] = [];
        for (const [key] of this.queue.entries(0, max)) {
            const registeredAt = readU64be(key, 0);
            if (registeredAt > cutoff) break;
            out.push({ registeredAt, index: readU64be(key, 8) });
        }
        return out;
    }

    /** The oldest registration time, if any. */
    oldest(): bigint | undefined {
        const first = this.queue.entries(0, 1)[0];
        return first === undefined ? undefined : readU64be(first[0], 0);
    }

    /** Drops the queue entry of a node that no longer exists. */
    forget(registeredAt: bigint, index: bigint): void {
        this.queue.delete(concat([u64be(registeredAt), u64be(index)]));
    }

    total(): number {
        return this.queue.size();
    }

    countOf(operator: Uint8Array): number {
        const raw = this.perOperator.get(operator);
        return raw === undefined ? 0 : readU32be(raw, 0);
    }

    private add(n: NodeRecord): void {
        this.queue.set(concat([u64be(n.registeredAt), u64be(n.index)]), EMPTY);
        this.perOperator.set(n.operator, u32be(this.countOf(n.operator) + 1));
    }

    private remove(n: NodeRecord): void {
        this.queue.delete(concat([u64be(n.registeredAt), u64be(n.index)]));
        const c = this.countOf(n.operator);
        if (c <= 1) this.perOperator.delete(n.operator);
        else this.perOperator.set(n.operator, u32be(c - 1));
    }
}
