/**
 * The log's storage (docs/storage.md, "The protocol's ICRC-3 log"): the blocks (LOG_BLOCKS, index
 * u64 BE → `encodeValue(block)`, value-codec.ts) and the log's state (LOG_STATE):
 *   [1] → u8 1 ‖ length u64 BE ‖ tip (the last block's hash, 32 bytes; absent while the log is empty)
 *   [2] → u8 1 ‖ sealed count u64 BE ‖ latest sealed mapping id u64 BE ‖ its digest (32 bytes)
 * The state is also kept on the heap (read once per heap, written through), so an append reads
 * nothing but its own record. Writers check sizes (a wrong length is a bug, not an input).
 * Cost: one map read or write per record.
 */
import { concat, readU64be, u64be } from '../../lib/storage/bytes';
import type { KV } from '../../lib/storage/kv';

export interface LogMaps {
    blocks: KV;
    state: KV;
}

export interface LogHead {
    /** Number of blocks (the next block's index). */
    length: bigint;
    /** The last block's hash (undefined while the log is empty). */
    tip?: Uint8Array;
}

/** The latest sealed mapping and the number of sealed mappings (issue 19: the certified mapping digest). */
export interface SealedMappings {
    count: bigint;
    latestId: bigint;
    digest: Uint8Array;
}

const FMT = 1;
const TIP_KEY = Uint8Array.of(1);
const MAPPINGS_KEY = Uint8Array.of(2);

export function encodeTip(t: LogHead): Uint8Array {
    if (t.length === 0n) return concat([Uint8Array.of(FMT), u64be(0n)]);
    if (t.tip === undefined || t.tip.length !== 32) throw new RangeError('log tip: a non-empty log has a 32-byte tip');
    return concat([Uint8Array.of(FMT), u64be(t.length), t.tip]);
}

export function decodeTip(raw: Uint8Array): LogHead {
    if (raw[0] !== FMT) throw new Error(`unknown log state format ${raw[0]}`);
    const length = readU64be(raw, 1);
    if (length === 0n) return { length };
    if (raw.length !== 41) throw new Error('log state: bad length');
    return { length, tip: raw.slice(9, 41) };
}

export function encodeSealed(s: SealedMappings): Uint8Array {
    if (s.digest.length !== 32) throw new RangeError('sealed mappings: the digest must be 32 bytes');
    return concat([Uint8Array.of(FMT), u64be(s.count), u64be(s.latestId), s.digest]);
}

export function decodeSealed(raw: Uint8Array): SealedMappings {
    if (raw[0] !== FMT || raw.length !== 49) throw new Error('sealed mappings: unknown format');
    return { count: readU64be(raw, 1), latestId: readU64be(raw, 9), digest: raw.slice(17, 49) };
}

export class LogStore {
    private tipCache: LogHead | undefined;
    private sealedCache: SealedMappings | null | undefined;

    constructor(readonly maps: LogMaps) {}

    tip(): LogHead {
        if (this.tipCache === undefined) {
            const raw = this.maps.state.get(TIP_KEY);
            this.tipCache = raw === undefined ? { length: 0n } : decodeTip(raw);
        }
        return this.tipCache;
    }

    /** Writes block `index` (= the current length) and the new tip. */
    push(bytes: Uint8Array, hash: Uint8Array): bigint {
        const index = this.tip().length;
        this.maps.blocks.set(u64be(index), bytes);
        const next: LogHead = { length: index + 1n, tip: hash.slice() };
        this.maps.state.set(TIP_KEY, encodeTip(next));
        this.tipCache = next;
        return index;
    }

    blockBytes(index: bigint): Uint8Array | undefined {
        return this.maps.blocks.get(u64be(index));
    }

    sealed(): SealedMappings | undefined {
        if (this.sealedCache === undefined) {
            const raw = this.maps.state.get(MAPPINGS_KEY);
            this.sealedCache = raw === undefined ? null : decodeSealed(raw);
        }
        return this.sealedCache ?? undefined;
    }

    saveSealed(s: SealedMappings): void {
        this.maps.state.set(MAPPINGS_KEY, encodeSealed(s));
        this.sealedCache = { ...s, digest: s.digest.slice() };
    }
}
