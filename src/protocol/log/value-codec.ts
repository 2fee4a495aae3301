/**
 * The log's storage codec of an ICRC-3 `Value` (a block is one `Map` value): a format byte, then the
 * value as tag ‖ payload, integers as LEB128 (Nat) or SLEB128 (Int), lengths as LEB128:
 *   0 Blob: length, bytes      1 Text: length, UTF-8     2 Nat: LEB128     3 Int: SLEB128
 *   4 Array: count, values     5 Map: count, (key length, key UTF-8, value)…
 * Decoding refuses unknown formats and tags, truncation, trailing bytes and nesting deeper than
 * MAX_DEPTH, so the layout can evolve under a new format byte.
 * Storage: none (the bytes go to LOG_BLOCKS, store.ts). Cost: linear in the value's size.
 * Runs inside the canister: no Node built-ins.
 */
import type { Value } from '../../ledger/icrc3/value';
import { utf8 } from '../../ledger/icrc3/value';
import { leb128 } from '../../lib/storage/bytes';

export const VALUE_FORMAT = 1;
/** Nesting bound of a stored value (a block is depth 3: the block map, its tx map, an account array). */
export const MAX_DEPTH = 16;

const TAG_BLOB = 0;
const TAG_TEXT = 1;
const TAG_NAT = 2;
const TAG_INT = 3;
const TAG_ARRAY = 4;
const TAG_MAP = 5;

/**
 * The encoder writes into one growing byte buffer (typed-array stores and `set` for byte strings:
 * in QuickJS a pushed JS number per byte costs several times more), with lengths and small Nats as
 * plain numbers and the UTF-8 of map keys (which repeat from block to block) memoised, bounded.
 */
class Out {
    buf = new Uint8Array(256);
    at = 0;

    private room(n: number): void {
        if (this.at + n <= this.buf.length) return;
        let size = this.buf.length * 2;
        while (size < this.at + n) size *= 2;
        const next = new Uint8Array(size);
        next.set(this.buf.subarray(0, this.at));
        this.buf = next;
    }

    byte(b: number): void {
        this.room(1);
        this.buf[this.at++] = b;
    }

    /** LEB128 of an integer 0 ≤ n < 2^31 (lengths, counts, small Nats). */
    len(n: number): void {
        this.room(5);
        while (n >= 0x80) {
            this.buf[this.at++] = (n & 0x7f) | 0x80;
            n >>>= 7;
        }
        this.buf[this.at++] = n;
    }

    leb(n: bigint): void {
        if (n < 0n) throw new RangeError('encodeValue: negative Nat');
        if (n <= 0x7fffffffn) {
            this.len(Number(n));
            return;
        }
        const b = leb128(n);
        this.room(b.length);
        this.buf.set(b, this.at);
        this.at += b.length;
    }

    sleb(n: bigint): void {
        for (;;) {
            const b = Number(n & 0x7fn);
            n >>= 7n;
            const done = (n === 0n && (b & 0x40) === 0) || (n === -1n && (b & 0x40) !== 0);
            this.byte(done ? b : b | 0x80);
            if (done) return;
        }
    }

    bytes(b: Uint8Array): void {
        this.len(b.length);
        this.room(b.length);
        this.buf.set(b, this.at);
        this.at += b.length;
    }
}

const MAX_CACHED_KEYS = 512;
const keyBytes = new Map<string, Uint8Array>();

function keyUtf8(k: string): Uint8Array {
    let b = keyBytes.get(k);
    if (b === undefined) {
        b = utf8(k);
        if (keyBytes.size < MAX_CACHED_KEYS) keyBytes.set(k, b);
    }
    return b;
}

function put(out: Out, v: Value, depth: number): void {
    if (depth > MAX_DEPTH) throw new RangeError('encodeValue: nested too deep');
    if ('Blob' in v) {
        out.byte(TAG_BLOB);
        out.bytes(v.Blob);
    } else if ('Text' in v) {
        out.byte(TAG_TEXT);
        out.bytes(utf8(v.Text));
    } else if ('Nat' in v) {
        out.byte(TAG_NAT);
        out.leb(v.Nat);
    } else if ('Int' in v) {
        out.byte(TAG_INT);
        out.sleb(v.Int);
    } else if ('Array' in v) {
        out.byte(TAG_ARRAY);
        out.len(v.Array.length);
        for (const e of v.Array) put(out, e, depth + 1);
    } else if ('Map' in v) {
        out.byte(TAG_MAP);
        out.len(v.Map.length);
        for (const [k, e] of v.Map) {
            out.bytes(keyUtf8(k));
            put(out, e, depth + 1);
        }
    } else throw new Error('encodeValue: unknown value');
}

/** Serialise a value (format 1). */
export function encodeValue(v: Value): Uint8Array {
    const out = new Out();
    out.byte(VALUE_FORMAT);
    put(out, v, 0);
    return out.buf.slice(0, out.at);
}

class Cursor {
    at = 0;
    constructor(readonly b: Uint8Array) {}
    byte(): number {
        if (this.at >= this.b.length) throw new Error('decodeValue: truncated');
        return this.b[this.at++];
    }
    leb(): bigint {
        let n = 0n;
        let shift = 0n;
        for (;;) {
            const b = this.byte();
            n |= BigInt(b & 0x7f) << shift;
            shift += 7n;
            if ((b & 0x80) === 0) return n;
        }
    }
    sleb(): bigint {
        let n = 0n;
        let shift = 0n;
        for (;;) {
            const b = this.byte();
            n |= BigInt(b & 0x7f) << shift;
            shift += 7n;
            if ((b & 0x80) === 0) return b & 0x40 ? n - (1n << shift) : n;
        }
    }
    length(): number {
        const n = this.leb();
        if (n > BigInt(this.b.length - this.at)) throw new Error('decodeValue: length past the end');
        return Number(n);
    }
    bytes(): Uint8Array {
        const n = this.length();
        const out = this.b.slice(this.at, this.at + n);
        this.at += n;
        return out;
    }
}

function fromUtf8(b: Uint8Array): string {
    for (let i = 0; i < b.length; i++) if (b[i] > 127) return new TextDecoder().decode(b);
    return String.fromCharCode.apply(null, b as unknown as number[]);
}

function get(c: Cursor, depth: number): Value {
    if (depth > MAX_DEPTH) throw new Error('decodeValue: nested too deep');
    const tag = c.byte();
    switch (tag) {
        case TAG_BLOB:
            return { Blob: c.bytes() };
        case TAG_TEXT:
            return { Text: fromUtf8(c.bytes()) };
        case TAG_NAT:
            return { Nat: c.leb() };
        case TAG_INT:
            return { Int: c.sleb() };
        case TAG_ARRAY: {
            const n = c.length();
            const a: Value[] = [];
            for (let i = 0; i < n; i++) a.push(get(c, depth + 1));
            return { Array: a };
        }
        case TAG_MAP: {
            const n = c.length();
            const m: [string, Value][] = [];
            for (let i = 0; i < n; i++) {
                const k = fromUtf8(c.bytes());
                m.push([k, get(c, depth + 1)]);
            }
            return { Map: m };
        }
        default:
            throw new Error(`decodeValue: unknown tag ${tag}`);
    }
}

/** Deserialise a value written by `encodeValue`. */
export function decodeValue(bytes: Uint8Array): Value {
    const c = new Cursor(bytes);
    const f = c.byte();
    if (f !== VALUE_FORMAT) throw new Error(`decodeValue: unknown format ${f}`);
    const v = get(c, 0);
    if (c.at !== bytes.length) throw new Error('decodeValue: trailing bytes');
    return v;
}
