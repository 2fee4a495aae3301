/**
 * The storage interface the domain is written against: an ordered map of byte strings, exactly
 * what a StableBTreeMap with identity serializers offers. Ordered access is limited to what a
 * StableBTreeMap does cheaply: the first entries in key order (and paging from a position).
 */
import { compareBytes, u64be } from './bytes';

export interface KV {
    get(key: Uint8Array): Uint8Array | undefined;
    set(key: Uint8Array, value: Uint8Array): void;
    /** Returns whether the key was present. */
    delete(key: Uint8Array): boolean;
    has(key: Uint8Array): boolean;
    size(): number;
    /** Entries at positions [start, start + count) in bytewise key order (cost O(start + count)). */
    entries(start: number, count: number): [Uint8Array, Uint8Array][];
}

/**
 * Records keyed by a u64 big-endian sequence number (an append-only log): up to `count` from
 * `start`, stopping at the first missing one.
 */
export function readLog<T>(kv: KV, start: bigint, count: number, decode: (raw: Uint8Array, seq: bigint) => T): T[] {
    const out: T[] = [];
    for (let s = start; s < start + BigInt(count); s++) {
        const raw = kv.get(u64be(s));
        if (raw === undefined) break;
        out.push(decode(raw, s));
    }
    return out;
}

/** An in-memory KV with the same ordering semantics, for unit tests and for tools running in Node. */
export class MemoryKV implements KV {
    private readonly map = new Map<string, [Uint8Array, Uint8Array]>();
    private sorted: [Uint8Array, Uint8Array][] | undefined;

    get(key: Uint8Array): Uint8Array | undefined {
        return this.map.get(hex(key))?.[1];
    }

    set(key: Uint8Array, value: Uint8Array): void {
        this.map.set(hex(key), [key.slice(), value.slice()]);
        this.sorted = undefined;
    }

    delete(key: Uint8Array): boolean {
        const had = this.map.delete(hex(key));
        if (had) this.sorted = undefined;
        return had;
    }

    has(key: Uint8Array): boolean {
        return this.map.has(hex(key));
    }

    size(): number {
        return this.map.size;
    }

    entries(start: number, count: number): [Uint8Array, Uint8Array][] {
        if (this.sorted === undefined) {
            this.sorted = [...this.map.values()].sort((a, b) => compareBytes(a[0], b[0]));
        }
        return this.sorted.slice(start, start + count).map(([k, v]) => [k.slice(), v.slice()]);
    }
}


const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

function hex(b: Uint8Array): string {
    let s = '';
    for (let i = 0; i < b.length; i++) s += HEX[b[i]];
    return s;
}
