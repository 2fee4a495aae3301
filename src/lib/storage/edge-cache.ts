/**
 * A KV that remembers its size and its first entry between writes: the deadline queues (term ends,
 * retry marks, liveness windows, vote deadlines, grace periods) are asked "what is due first?" after
 * every update, to arm the maintenance timer, and are written far less often than they are asked.
 *
 * Correctness: the wrapper must be the only writer of its map (the system opens each memory id
 * once). The cache lives in the heap, which the IC rolls back together with stable memory when a
 * message traps and commits with it at each await, so it never disagrees with the map; an upgrade
 * starts with an empty cache.
 *
 * A watcher, when given, is told of every write (src/protocol/jobs/wakeups.ts learns new deadlines
 * this way).
 *
 * Storage: none of its own. Cost: a write forgets the cache; the first `size()` or `entries(0, 1)`
 * after a write reads the map once (a StableBTreeMap call costs ~40-60 k instructions).
 */
import type { KV } from './kv';

/** Told of every write through the wrapper (e.g. to learn of a new deadline). */
export interface KVWatcher {
    set(key: Uint8Array, value: Uint8Array): void;
    delete(key: Uint8Array): void;
}

export class EdgeCachedKV implements KV {
    private cachedSize: number | undefined;
    /** The first entry (null: the map is empty), undefined when not known. */
    private cachedFirst: [Uint8Array, Uint8Array] | null | undefined;

    constructor(
        private readonly inner: KV,
        private readonly watcher?: KVWatcher,
    ) {}

    get(key: Uint8Array): Uint8Array | undefined {
        return this.inner.get(key);
    }

    set(key: Uint8Array, value: Uint8Array): void {
        this.forget();
        this.inner.set(key, value);
        this.watcher?.set(key, value);
    }

    delete(key: Uint8Array): boolean {
        this.forget();
        this.watcher?.delete(key);
        return this.inner.delete(key);
    }

    has(key: Uint8Array): boolean {
        return this.inner.has(key);
    }

    size(): number {
        if (this.cachedSize === undefined) this.cachedSize = this.inner.size();
        return this.cachedSize;
    }

    entries(start: number, count: number): [Uint8Array, Uint8Array][] {
        if (start !== 0 || count !== 1) return this.inner.entries(start, count);
        if (this.cachedFirst === undefined) {
            if (this.cachedSize === 0) this.cachedFirst = null;
            else {
                const first = this.inner.entries(0, 1)[0];
                this.cachedFirst = first === undefined ? null : [first[0].slice(), first[1].slice()];
            }
        }
        return this.cachedFirst === null ? [] : [[this.cachedFirst[0].slice(), this.cachedFirst[1].slice()]];
    }

    private forget(): void {
        this.cachedSize = undefined;
        this.cachedFirst = undefined;
    }
}
