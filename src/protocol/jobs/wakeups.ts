/**
 * Which updates must re-arm the maintenance timer. Computing the next deadline reads every deadline
 * queue (~0.3-0.5 M instructions); most updates create no deadline earlier than a timer already
 * armed, and the timer always re-arms for the next thing due after each run (and never later than
 * the next epoch boundary). So each deadline queue tells this object, as it is written, the earliest
 * time its new entry can make maintenance due (a lower bound: a term end, a window end, a vote
 * deadline, the end of a grace period; "now" where the entry is due at once or its time is not in
 * its key). After an update the canister asks `take()`: nothing noted, or a time no earlier than an
 * armed timer, means the timer already covers the update; otherwise the next deadline is computed
 * in full. Retry marks are tracked by key and forgotten when their map deletes them again, so a
 * ledger operation that reached its outcome (mark written before the await, deleted after) leaves
 * nothing to arm. Configuration changes (parameters, pause) note "now": they can move every
 * deadline.
 *
 * Storage: none (heap, rolled back with stable memory when a message traps; empty after an
 * upgrade, whose post_upgrade arms the timer in full). Cost: a few map operations per queue write.
 */
import type { KVWatcher } from '../../lib/storage/edge-cache';

export class Wakeups {
    private earliest: bigint | undefined;
    /** Per retry-mark map: the keys (as numbers) written and not yet deleted since the last `take`. */
    private readonly outstanding: Set<number>[] = [];

    /** `now`: a mark that stays is due at its lease end at the earliest, and never before now. */
    constructor(private readonly now: () => bigint) {}

    /**
     * A watcher for one deadline queue: `due(key, value)` is the earliest time the new entry can
     * make maintenance due (undefined: none).
     */
    watcher(due: (key: Uint8Array, value: Uint8Array) => bigint | undefined): KVWatcher {
        return {
            set: (key, value) => {
                const at = due(key, value);
                if (at !== undefined && (this.earliest === undefined || at < this.earliest)) this.earliest = at;
            },
            delete: () => undefined,
        };
    }

    /**
     * A watcher for a map of retry marks keyed by a u64 (big-endian) id: a mark that is deleted
     * again before the next `take` (the operation reached its outcome) withdraws its note.
     */
    marksWatcher(): KVWatcher {
        const keys = new Set<number>();
        this.outstanding.push(keys);
        return {
            set: (key) => {
                keys.add(idOf(key));
            },
            delete: (key) => {
                if (keys.size > 0) keys.delete(idOf(key));
            },
        };
    }

    /** The earliest time noted since the last `take` (undefined: nothing), and forgets the notes. */
    take(): bigint | undefined {
        let at = this.earliest;
        this.earliest = undefined;
        for (let i = 0; i < this.outstanding.length; i++) {
            const keys = this.outstanding[i];
            if (keys.size === 0) continue;
            keys.clear();
            const now = this.now();
            if (at === undefined || now < at) at = now;
        }
        return at;
    }
}

/** A u64 big-endian key as a number (exact below 2^53; ids are sequence numbers far below it). */
function idOf(k: Uint8Array): number {
    return (((k[0] * 256 + k[1]) * 256 + k[2]) * 256 + k[3]) * 4_294_967_296 + ((k[4] << 24) >>> 0) + ((k[5] << 16) | (k[6] << 8) | k[7]);
}
