/** Fixed-width and variable-length integer encodings for stable-memory keys and values. */

/** 8 bytes big-endian: sorts like the number. */
// One scratch view for u64be: in QuickJS every typed array or DataView allocated costs ~6 k
// instructions, so writing through a shared view and copying saves one allocation per call.
const SCRATCH = new Uint8Array(8);
const SCRATCH_VIEW = new DataView(SCRATCH.buffer);

export function u64be(n: bigint): Uint8Array {
    SCRATCH_VIEW.setBigUint64(0, n);
    return SCRATCH.slice();
}

/** Writes `n` as 8 bytes big-endian at `at` (no allocation of its own). */
export function writeU64be(b: Uint8Array, at: number, n: bigint): void {
    new DataView(b.buffer, b.byteOffset + at, 8).setBigUint64(0, n);
}

export function readU64be(b: Uint8Array, at = 0): bigint {
    return new DataView(b.buffer, b.byteOffset + at, 8).getBigUint64(0);
}

/** Lexicographic byte order (a proper prefix sorts first): the order of StableBTreeMap keys and IC labels. */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
    const n = Math.min(a.length, b.length);
    for (let i = 0; i < n; i++) {
        if (a[i] !== b[i]) return a[i] - b[i];
    }
    return a.length - b.length;
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
    if (a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
    return true;
}

export function concat(parts: Uint8Array[]): Uint8Array {
    let n = 0;
    for (const p of parts) n += p.length;
    const out = new Uint8Array(n);
    let at = 0;
    for (const p of parts) {
        out.set(p, at);
        at += p.length;
    }
    return out;
}

const HEX = '0123456789abcdef';

export function toHex(b: Uint8Array): string {
    let s = '';
    for (let i = 0; i < b.length; i++) s += HEX[b[i] >> 4] + HEX[b[i] & 15];
    return s;
}

export function fromHex(h: string): Uint8Array {
    if (h.length % 2 !== 0 || !/^[0-9a-f]*$/.test(h)) throw new Error(`bad hex: ${h}`);
    const out = new Uint8Array(h.length / 2);
    for (let i = 0; i < out.length; i++) out[i] = parseInt(h.substr(i * 2, 2), 16);
    return out;
}

/** Decodes an unsigned LEB128 number that fills `bytes` exactly. */
export function decodeLeb128(bytes: Uint8Array): bigint {
    let v = 0n;
    let shift = 0n;
    for (let i = 0; i < bytes.length; i++) {
        v |= BigInt(bytes[i] & 0x7f) << shift;
        shift += 7n;
        if ((bytes[i] & 0x80) === 0) {
            if (i !== bytes.length - 1) throw new Error('leb128: trailing bytes');
            return v;
        }
    }
    throw new Error('leb128: truncated');
}

/** Unsigned LEB128 (the IC's and Candid's natural-number encoding). */
export function leb128(n: bigint): Uint8Array {
    if (n < 0n) throw new Error('leb128 of a negative number');
    const out: number[] = [];
    do {
        let byte = Number(n & 0x7fn);
        n >>= 7n;
        if (n !== 0n) byte |= 0x80;
        out.push(byte);
    } while (n !== 0n);
    return new Uint8Array(out);
}

/** u32 big-endian (4 bytes). */
export function u32be(n: number): Uint8Array {
    return Uint8Array.of(n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff);
}

export function readU32be(b: Uint8Array, at: number): number {
    return ((b[at] << 24) | (b[at + 1] << 16) | (b[at + 2] << 8) | b[at + 3]) >>> 0;
}

/** A variant value (a Candid error) as one line: "Name field=value field=value". */
export function describeVariant(e: unknown): string {
    const v = e as Record<string, Record<string, unknown> | null>;
    const [name] = Object.keys(v);
    const body = v[name];
    if (body === null || typeof body !== 'object') return name;
    const fields = Object.entries(body).map(([k, x]) => `${k}=${String(x)}`);
    return fields.length === 0 ? name : `${name} ${fields.join(' ')}`;
}
