/**
 * The IC's representation-independent hash (interface specification, "Request ids"): the id of a
 * request is the hash of its content map, and delegations and query responses are signed over the
 * same hash of their maps.
 *
 *   hash_of_map(m) = SHA-256( concat( sort( SHA-256(key) · hash(value) for each field ) ) )
 *   hash(blob) = SHA-256(blob), hash(text) = SHA-256(UTF-8), hash(nat) = SHA-256(LEB128),
 *   hash(int < 0) = SHA-256(SLEB128), hash(array) = SHA-256(concat(hash(elements))), hash(map) = hash_of_map.
 *
 * Cost: one SHA-256 per field and element; the input is a decoded request body (bounded by the
 * server's body limit).
 */
import { sha256 } from '@noble/hashes/sha2';
import type { CborValue } from './cbor';

const utf8 = new TextEncoder();

export function hashOfMap(m: Map<CborValue, CborValue> | Record<string, CborValue>): Uint8Array {
    const entries = m instanceof Map ? [...m.entries()] : Object.entries(m);
    const pairs: Uint8Array[] = [];
    for (const [k, v] of entries) {
        if (typeof k !== 'string') throw new Error('a hashed map has text keys only');
        if (v === undefined) continue;
        const pair = new Uint8Array(64);
        pair.set(sha256(utf8.encode(k)), 0);
        pair.set(hashValue(v), 32);
        pairs.push(pair);
    }
    pairs.sort(compare);
    return sha256(concat(pairs));
}

export function hashValue(v: CborValue): Uint8Array {
    if (v instanceof Uint8Array) return sha256(v);
    if (typeof v === 'string') return sha256(utf8.encode(v));
    if (typeof v === 'bigint') return sha256(v >= 0n ? leb128(v) : sleb128(v));
    if (typeof v === 'number' && Number.isInteger(v)) return hashValue(BigInt(v));
    if (Array.isArray(v)) return sha256(concat(v.map(hashValue)));
    if (v instanceof Map) return hashOfMap(v);
    throw new Error(`a value of type ${v === null ? 'null' : typeof v} cannot be hashed into a request id`);
}

export function leb128(n: bigint): Uint8Array {
    const out: number[] = [];
    do {
        let b = Number(n & 0x7fn);
        n >>= 7n;
        if (n > 0n) b |= 0x80;
        out.push(b);
    } while (n > 0n);
    return Uint8Array.from(out);
}

function sleb128(n: bigint): Uint8Array {
    const out: number[] = [];
    for (;;) {
        const b = Number(n & 0x7fn);
        n >>= 7n;
        const done = (n === 0n && (b & 0x40) === 0) || (n === -1n && (b & 0x40) !== 0);
        out.push(done ? b : b | 0x80);
        if (done) return Uint8Array.from(out);
    }
}

function compare(a: Uint8Array, b: Uint8Array): number {
    for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i] - b[i];
    return a.length - b.length;
}

function concat(parts: Uint8Array[]): Uint8Array {
    const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let o = 0;
    for (const p of parts) {
        out.set(p, o);
        o += p.length;
    }
    return out;
}
