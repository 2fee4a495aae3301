/**
 * KV backed by an Azle StableBTreeMap with identity serializers (keys ordered bytewise, as the
 * Rust map orders Vec<u8>). Only canisters import this file; the domain sees the KV interface.
 */
import { StableBTreeMap } from 'azle';

import type { KV } from './kv';

const identity = {
    toBytes: (data: Uint8Array): Uint8Array => data,
    fromBytes: (bytes: Uint8Array): Uint8Array => bytes,
};

interface AzleStableApi {
    stableBTreeMapGet(id: number, key: Uint8Array): Uint8Array | undefined;
    stableBTreeMapInsert(id: number, key: Uint8Array, value: Uint8Array): Uint8Array | undefined;
    stableBTreeMapRemove(id: number, key: Uint8Array): Uint8Array | undefined;
    stableBTreeMapContainsKey(id: number, key: Uint8Array): boolean;
}

export class StableKV implements KV {
    private readonly map: StableBTreeMap<Uint8Array, Uint8Array>;
    private readonly ic: AzleStableApi | undefined;

    constructor(private readonly memoryId: number) {
        this.map = new StableBTreeMap<Uint8Array, Uint8Array>(memoryId, identity, identity);
        this.ic = (globalThis as { _azleIc?: AzleStableApi })._azleIc;
    }

    get(key: Uint8Array): Uint8Array | undefined {
        return this.ic !== undefined ? this.ic.stableBTreeMapGet(this.memoryId, key) : this.map.get(key);
    }

    set(key: Uint8Array, value: Uint8Array): void {
        if (this.ic !== undefined) this.ic.stableBTreeMapInsert(this.memoryId, key, value);
        else this.map.insert(key, value);
    }

    delete(key: Uint8Array): boolean {
        return (this.ic !== undefined ? this.ic.stableBTreeMapRemove(this.memoryId, key) : this.map.remove(key)) !== undefined;
    }

    has(key: Uint8Array): boolean {
        return this.ic !== undefined ? this.ic.stableBTreeMapContainsKey(this.memoryId, key) : this.map.containsKey(key);
    }

    size(): number {
        return Number(this.map.len());
    }

    entries(start: number, count: number): [Uint8Array, Uint8Array][] {
        return this.map.items(start, count);
    }
}
