/**
 * SHA-256 over a message that arrives in chunks across messages (a mapping's entries, loaded 1,000
 * per call): the chaining state (8 words), the bytes absorbed and the unprocessed tail (< 64 bytes)
 * are stored between chunks, and `finish` pads as FIPS 180-4 says. The result equals SHA-256 of the
 * concatenation of every chunk (the unit test checks it against @noble/hashes).
 * Storage: 32 + 8 + 1 + tail bytes in the mapping record. Cost: one compression per 64 bytes.
 */
import { compressBytes, digestToBytes, SHA256_IV } from '../../lib/crypto/sha256';

export interface HashState {
    /** The chaining state, big-endian words as 32 bytes. */
    state: Uint8Array;
    /** Bytes absorbed so far (including the tail). */
    length: bigint;
    tail: Uint8Array;
}

export function initialHash(): HashState {
    return { state: digestToBytes(SHA256_IV), length: 0n, tail: new Uint8Array(0) };
}

function words(b: Uint8Array): Int32Array {
    const w = new Int32Array(8);
    for (let i = 0, j = 0; i < 8; i++, j += 4) w[i] = (b[j] << 24) | (b[j + 1] << 16) | (b[j + 2] << 8) | b[j + 3];
    return w;
}

export function absorb(h: HashState, data: Uint8Array): HashState {
    const st = words(h.state);
    const buf = new Uint8Array(h.tail.length + data.length);
    buf.set(h.tail);
    buf.set(data, h.tail.length);
    const full = buf.length & ~63;
    for (let off = 0; off < full; off += 64) compressBytes(st, buf, off);
    return { state: digestToBytes(st), length: h.length + BigInt(data.length), tail: buf.slice(full) };
}

export function finish(h: HashState): Uint8Array {
    const st = words(h.state);
    const rem = h.tail.length;
    const block = new Uint8Array(rem >= 56 ? 128 : 64);
    block.set(h.tail);
    block[rem] = 0x80;
    new DataView(block.buffer).setBigUint64(block.length - 8, h.length * 8n);
    for (let off = 0; off < block.length; off += 64) compressBytes(st, block, off);
    return digestToBytes(st);
}
