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
    /** Entries of maps whose deletion withdraws the note (retry marks), by map and key. */
    private readonly byKey = new Map<string, bigint>();

    /**
     * A watcher for one deadline queue: `due(key, value)` is the earliest time the new entry can
     * make maintenance due. With `withdrawn`, deleting the entry again withdraws its note.
     */
    watcher(name: string, due: (key: Uint8Array, value: Uint8Array) => bigint | undefined, withdrawn = false): KVWatcher {
        return {
            set: (key, value) => {
                const at = due(key, value);
                if (at === undefined) return;
                if (withdrawn) this.byKey.set(`${name}:${hex(key)}`, at);
                else if (this.earliest === undefined || at < this.earliest) this.earliest = at;
            },
            delete: (key) => {
                if (withdrawn && this.byKey.size > 0) this.byKey.delete(`${name}:${hex(key)}`);
            },
        };
    }

    /** The earliest time noted since the last `take` (undefined: nothing), and forgets the notes. */
    take(): bigint | undefined {
        let at = this.earliest;
        for (const t of this.byKey.values()) if (at === undefined || t < at) at = t;
        this.earliest = undefined;
        this.byKey.clear();
        return at;
    }
}

function hex(b: Uint8Array): string {
    let s = '';
    for (let i = 0; i < b.length; i++) s += (b[i] < 16 ? '0' : '') + b[i].toString(16);
    return s;
}
