/**
 * The tokens and their ownership index (ICRC-7 `icrc7_owner_of`, `icrc7_balance_of`,
 * `icrc7_total_supply`, `icrc7_tokens`, `icrc7_tokens_of`): ONE function (`move`) changes the
 * owner of a token in both directions of the index — token → owner (the token record) and owner →
 * tokens (the owner's id set) — and mint, burn, transfer and transfer_from all go through it, so
 * the index cannot show a token under two owners (the bug of a much-used implementation,
 * PanIndustrial-Org/icrc_nft.mo#3; docs/sockets.md).
 *
 * An id set (all tokens; each owner's tokens) answers "the next `take` ids after `prev`" without
 * walking what comes before (a StableBTreeMap pages only by position): ids are grouped in buckets
 * of 1,024 consecutive ids, each a 128-byte bitmap, and the set's directory is the sorted list of its
 * non-empty buckets (u32 each) with the set's size. `prev` finds its bucket by binary search in the
 * directory; a page reads at most `take` buckets. Adding or removing an id rewrites one bitmap, and
 * the directory only when a bucket appears or empties (a memmove of ≤ 4 bytes per bucket).
 * Storage: SOCKET_TOKENS, SOCKET_OWNED, SOCKET_ALL. Cost: a transfer ~8 map operations; a page of
 * n ids ≤ n + 1 map reads and one binary search.
 */
import { accountKey, sameAccount, type Account } from '../../ledger/account';
import { concat, u32be, u64be, readU64be } from '../../lib/storage/bytes';
import type { KV } from '../../lib/storage/kv';
import { MAX_TOKEN_ID, type Token } from './model';
import type { SocketStore } from './store';

/**
 * 1,024 ids per bucket (a 128-byte bitmap): a holder's ids are spread among everyone's orders (one
 * bucket read costs ~0.44 M instructions through the StableBTreeMap), so wide buckets keep a page
 * of 100 of them to a few reads; a page skips empty bytes of the bitmap 8 ids at a time.
 */
const BUCKET_BITS = 10n;
const BUCKET_IDS = 1024;
const BUCKET_MASK = 1023n;
const BITMAP_BYTES = BUCKET_IDS / 8;
const DIR_FMT = 1;
const DIR_HEADER = 9;

/** A set of token ids under `prefix` of a map, pageable by id. */
export class IdSet {
    private readonly dirKey: Uint8Array;

    constructor(
        private readonly kv: KV,
        private readonly prefix: Uint8Array,
    ) {
        this.dirKey = concat([prefix, Uint8Array.of(0)]);
    }

    private bucketKey(b: number): Uint8Array {
        return concat([this.prefix, Uint8Array.of(1), u32be(b)]);
    }

    private dir(): Uint8Array {
        return this.kv.get(this.dirKey) ?? concat([Uint8Array.of(DIR_FMT), u64be(0n)]);
    }

    size(): bigint {
        const raw = this.kv.get(this.dirKey);
        return raw === undefined ? 0n : readU64be(raw, 1);
    }

    /** Position of the first directory bucket ≥ b (binary search over the u32 entries). */
    private static lowerBound(dir: Uint8Array, b: number): number {
        const view = new DataView(dir.buffer, dir.byteOffset, dir.byteLength);
        let lo = 0;
        let hi = (dir.length - DIR_HEADER) / 4;
        while (lo < hi) {
            const mid = (lo + hi) >>> 1;
            if (view.getUint32(DIR_HEADER + mid * 4) < b) lo = mid + 1;
            else hi = mid;
        }
        return lo;
    }

    private static bucketAt(dir: Uint8Array, i: number): number {
        return new DataView(dir.buffer, dir.byteOffset, dir.byteLength).getUint32(DIR_HEADER + i * 4);
    }

    private saveDir(dir: Uint8Array, count: bigint): void {
        if (count === 0n) {
            this.kv.delete(this.dirKey);
            return;
        }
        const out = dir.slice();
        out[0] = DIR_FMT;
        out.set(u64be(count), 1);
        this.kv.set(this.dirKey, out);
    }

    has(id: bigint): boolean {
        if (id < 0n || id > MAX_TOKEN_ID) return false;
        const bits = this.kv.get(this.bucketKey(Number(id >> BUCKET_BITS)));
        const bit = Number(id & BUCKET_MASK);
        return bits !== undefined && (bits[bit >> 3] & (1 << (bit & 7))) !== 0;
    }

    add(id: bigint): void {
        if (id < 0n || id > MAX_TOKEN_ID) throw new RangeError(`socket id ${id} is out of the index's range`);
        const b = Number(id >> BUCKET_BITS);
        const key = this.bucketKey(b);
        const old = this.kv.get(key);
        const bits = old === undefined ? new Uint8Array(BITMAP_BYTES) : old.slice();
        const bit = Number(id & BUCKET_MASK);
        if ((bits[bit >> 3] & (1 << (bit & 7))) !== 0) return;
        bits[bit >> 3] |= 1 << (bit & 7);
        this.kv.set(key, bits);
        let dir = this.dir();
        const count = readU64be(dir, 1) + 1n;
        if (old === undefined) {
            const at = IdSet.lowerBound(dir, b);
            const pos = DIR_HEADER + at * 4;
            dir = concat([dir.subarray(0, pos), u32be(b), dir.subarray(pos)]);
        }
        this.saveDir(dir, count);
    }

    remove(id: bigint): boolean {
        if (id < 0n || id > MAX_TOKEN_ID) return false;
        const b = Number(id >> BUCKET_BITS);
        const key = this.bucketKey(b);
        const old = this.kv.get(key);
        const bit = Number(id & BUCKET_MASK);
        if (old === undefined || (old[bit >> 3] & (1 << (bit & 7))) === 0) return false;
        const bits = old.slice();
        bits[bit >> 3] &= ~(1 << (bit & 7));
        let dir = this.dir();
        const count = readU64be(dir, 1) - 1n;
        if (bits.every((x) => x === 0)) {
            this.kv.delete(key);
            const pos = DIR_HEADER + IdSet.lowerBound(dir, b) * 4;
            dir = concat([dir.subarray(0, pos), dir.subarray(pos + 4)]);
        } else this.kv.set(key, bits);
        this.saveDir(dir, count);
        return true;
    }

    /** Up to `take` ids greater than `prev` (all from the smallest when prev is undefined), ascending. */
    page(prev: bigint | undefined, take: number): bigint[] {
        const out: bigint[] = [];
        const start = prev === undefined ? 0n : prev + 1n;
        if (take <= 0 || start < 0n || start > MAX_TOKEN_ID) return out;
        const dir = this.kv.get(this.dirKey);
        if (dir === undefined) return out;
        const first = Number(start >> BUCKET_BITS);
        const n = (dir.length - DIR_HEADER) / 4;
        for (let i = IdSet.lowerBound(dir, first); i < n && out.length < take; i++) {
            const b = IdSet.bucketAt(dir, i);
            const bits = this.kv.get(this.bucketKey(b));
            if (bits === undefined) continue;
            const from = b === first ? Number(start & BUCKET_MASK) : 0;
            const base = BigInt(b) << BUCKET_BITS;
            for (let bit = from; bit < BUCKET_IDS && out.length < take; bit++) {
                const byte = bits[bit >> 3];
                if (byte === 0) {
                    bit |= 7; // the rest of this empty byte
                    continue;
                }
                if ((byte & (1 << (bit & 7))) !== 0) out.push(base + BigInt(bit));
            }
        }
        return out;
    }
}

/** The tokens, their owners and the owners' id sets. */
export class Tokens {
    private readonly all: IdSet;

    constructor(
        private readonly store: SocketStore,
        private readonly owned: KV,
        all: KV,
    ) {
        this.all = new IdSet(all, new Uint8Array(0));
    }

    private setOf(a: Account): IdSet {
        return new IdSet(this.owned, accountKey(a));
    }

    get(id: bigint): Token | undefined {
        return this.store.token(id);
    }

    totalSupply(): bigint {
        return this.all.size();
    }

    balanceOf(a: Account): bigint {
        return this.setOf(a).size();
    }

    ownerOf(id: bigint): Account | undefined {
        return this.store.token(id)?.owner;
    }

    tokens(prev: bigint | undefined, take: number): bigint[] {
        return this.all.page(prev, take);
    }

    tokensOf(a: Account, prev: bigint | undefined, take: number): bigint[] {
        return this.setOf(a).page(prev, take);
    }

    /** Saves a token's approvals or shown figures (never its owner: that is `move`). */
    save(t: Token): void {
        const before = this.store.token(t.id);
        if (before === undefined || !sameAccount(before.owner, t.owner)) throw new Error(`sockets: save of token ${t.id} would change its owner`);
        this.store.saveToken(t);
    }

    /**
     * The one writer of ownership: `from` → `to` for token `t` (undefined `from`: a mint; undefined
     * `to`: a burn). A move to another account clears the token-level approvals (ICRC-7 / ICRC-37).
     * Returns the token as saved (undefined after a burn).
     */
    move(t: Token, to: Account | undefined): Token | undefined {
        return this.moveFrom(this.store.token(t.id), t, to);
    }

    /** `move` of a token whose stored record the caller has just read (`before`: undefined for a mint), saving the read. */
    moveFrom(before: Token | undefined, t: Token, to: Account | undefined): Token | undefined {
        if (before !== undefined) {
            this.setOf(before.owner).remove(t.id);
        }
        if (to === undefined) {
            this.all.remove(t.id);
            this.store.deleteToken(t.id);
            return undefined;
        }
        const next: Token = { ...t, owner: to, approvals: before !== undefined && sameAccount(before.owner, to) ? t.approvals : [] };
        this.setOf(to).add(t.id);
        if (before === undefined) this.all.add(t.id);
        this.store.saveToken(next);
        return next;
    }
}
