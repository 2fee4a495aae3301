/**
 * CBOR (RFC 8949) as the IC's HTTP interface uses it: requests arrive as a self-described map
 * (tag 55799) of text keys, byte strings, text, unsigned integers and arrays; responses are built
 * the same way. Only definite lengths are produced; indefinite-length strings, arrays and maps are
 * accepted on input (some CBOR libraries emit them).
 *
 * Decoding is bounded: nesting depth ≤ 64 and every length is checked against the bytes left, so a
 * hostile body costs at most one pass over its bytes. Unsigned integers decode to bigint (the IC's
 * naturals: ingress_expiry, reject codes), byte strings to Uint8Array, maps to `Map<key, value>`.
 */

export type CborValue = bigint | Uint8Array | string | boolean | null | undefined | number | CborValue[] | Map<CborValue, CborValue>;

export class CborError extends Error {
    constructor(message: string) {
        super(message);
        this.name = 'CborError';
    }
}

const MAX_DEPTH = 64;
const SELF_DESCRIBE = 55799n;
const textDecoder = new TextDecoder('utf-8', { fatal: true });
const textEncoder = new TextEncoder();

/** Decodes one CBOR item that must span all of `bytes`. */
export function decodeCbor(bytes: Uint8Array): CborValue {
    const r = new Reader(bytes);
    const v = r.item(0);
    if (r.pos !== bytes.length) throw new CborError(`${bytes.length - r.pos} trailing bytes after the CBOR item`);
    return v;
}

class Reader {
    pos = 0;
    constructor(private readonly b: Uint8Array) {}

    private byte(): number {
        if (this.pos >= this.b.length) throw new CborError('unexpected end of CBOR input');
        return this.b[this.pos++];
    }

    private take(n: number): Uint8Array {
        if (n > this.b.length - this.pos) throw new CborError(`a CBOR item claims ${n} bytes, only ${this.b.length - this.pos} are left`);
        const out = this.b.subarray(this.pos, this.pos + n);
        this.pos += n;
        return out;
    }

    /** The argument of a head with additional info `info` (undefined: indefinite length). */
    private arg(info: number): bigint | undefined {
        if (info < 24) return BigInt(info);
        if (info === 24) return BigInt(this.byte());
        if (info === 25) return BigInt((this.byte() << 8) | this.byte());
        if (info === 26) {
            const t = this.take(4);
            return BigInt(new DataView(t.buffer, t.byteOffset, 4).getUint32(0));
        }
        if (info === 27) {
            const t = this.take(8);
            return new DataView(t.buffer, t.byteOffset, 8).getBigUint64(0);
        }
        if (info === 31) return undefined;
        throw new CborError(`reserved CBOR additional info ${info}`);
    }

    private length(info: number): number | undefined {
        const n = this.arg(info);
        if (n === undefined) return undefined;
        if (n > BigInt(this.b.length)) throw new CborError(`a CBOR length of ${n} exceeds the input`);
        return Number(n);
    }

    private isBreak(): boolean {
        if (this.pos >= this.b.length) throw new CborError('unexpected end of CBOR input');
        if (this.b[this.pos] === 0xff) {
            this.pos++;
            return true;
        }
        return false;
    }

    item(depth: number): CborValue {
        if (depth > MAX_DEPTH) throw new CborError(`CBOR nested deeper than ${MAX_DEPTH}`);
        const h = this.byte();
        const major = h >> 5;
        const info = h & 0x1f;
        switch (major) {
            case 0: {
                const v = this.arg(info);
                if (v === undefined) throw new CborError('an integer cannot have an indefinite length');
                return v;
            }
            case 1: {
                const v = this.arg(info);
                if (v === undefined) throw new CborError('an integer cannot have an indefinite length');
                return -1n - v;
            }
            case 2:
            case 3: {
                const n = this.length(info);
                let bytes: Uint8Array;
                if (n !== undefined) bytes = this.take(n).slice();
                else {
                    const chunks: Uint8Array[] = [];
                    while (!this.isBreak()) {
                        const c = this.byte();
                        if (c >> 5 !== major) throw new CborError('an indefinite-length string holds a chunk of another type');
                        const len = this.length(c & 0x1f);
                        if (len === undefined) throw new CborError('nested indefinite-length string');
                        chunks.push(this.take(len));
                    }
                    bytes = concat(chunks);
                }
                if (major === 2) return bytes;
                try {
                    return textDecoder.decode(bytes);
                } catch {
                    throw new CborError('a CBOR text string is not valid UTF-8');
                }
            }
            case 4: {
                const n = this.length(info);
                const out: CborValue[] = [];
                if (n !== undefined) for (let i = 0; i < n; i++) out.push(this.item(depth + 1));
                else while (!this.isBreak()) out.push(this.item(depth + 1));
                return out;
            }
            case 5: {
                const n = this.length(info);
                const out = new Map<CborValue, CborValue>();
                const entry = () => {
                    const k = this.item(depth + 1);
                    if (typeof k === 'string' && out.has(k)) throw new CborError(`duplicate CBOR map key '${k}'`);
                    out.set(k, this.item(depth + 1));
                };
                if (n !== undefined) for (let i = 0; i < n; i++) entry();
                else while (!this.isBreak()) entry();
                return out;
            }
            case 6: {
                const tag = this.arg(info);
                if (tag !== SELF_DESCRIBE) throw new CborError(`unsupported CBOR tag ${tag}`);
                return this.item(depth + 1);
            }
            default: {
                if (info === 20) return false;
                if (info === 21) return true;
                if (info === 22) return null;
                if (info === 23) return undefined;
                if (info === 25 || info === 26 || info === 27) {
                    const t = this.take(info === 25 ? 2 : info === 26 ? 4 : 8);
                    const dv = new DataView(t.buffer, t.byteOffset, t.length);
                    return info === 25 ? half(dv.getUint16(0)) : info === 26 ? dv.getFloat32(0) : dv.getFloat64(0);
                }
                throw new CborError(`unsupported CBOR simple value ${info}`);
            }
        }
    }
}

function half(h: number): number {
    const e = (h >> 10) & 0x1f;
    const m = h & 0x3ff;
    const v = e === 0 ? m * 2 ** -24 : e === 31 ? (m === 0 ? Infinity : NaN) : (m + 1024) * 2 ** (e - 25);
    return h & 0x8000 ? -v : v;
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

function head(major: number, n: bigint): Uint8Array {
    const m = major << 5;
    if (n < 24n) return Uint8Array.of(m | Number(n));
    if (n < 0x100n) return Uint8Array.of(m | 24, Number(n));
    if (n < 0x10000n) return Uint8Array.of(m | 25, Number(n >> 8n), Number(n & 0xffn));
    if (n < 0x100000000n) {
        const b = new Uint8Array(5);
        b[0] = m | 26;
        new DataView(b.buffer).setUint32(1, Number(n));
        return b;
    }
    if (n < 1n << 64n) {
        const b = new Uint8Array(9);
        b[0] = m | 27;
        new DataView(b.buffer).setBigUint64(1, n);
        return b;
    }
    throw new CborError('integer too large for CBOR');
}

/** A value to encode: plain objects become maps with text keys (in insertion order; undefined fields are left out). */
export type CborInput = bigint | number | Uint8Array | string | boolean | null | CborInput[] | { [k: string]: CborInput | undefined };

/** Encodes `v` with the self-describe tag, as the IC's responses are. */
export function encodeCbor(v: CborInput): Uint8Array {
    const parts: Uint8Array[] = [Uint8Array.of(0xd9, 0xd9, 0xf7)];
    const walk = (x: CborInput): void => {
        if (typeof x === 'bigint' || typeof x === 'number') {
            const n = BigInt(x);
            parts.push(n >= 0n ? head(0, n) : head(1, -1n - n));
        } else if (x instanceof Uint8Array) {
            parts.push(head(2, BigInt(x.length)), x);
        } else if (typeof x === 'string') {
            const b = textEncoder.encode(x);
            parts.push(head(3, BigInt(b.length)), b);
        } else if (typeof x === 'boolean') {
            parts.push(Uint8Array.of(x ? 0xf5 : 0xf4));
        } else if (x === null) {
            parts.push(Uint8Array.of(0xf6));
        } else if (Array.isArray(x)) {
            parts.push(head(4, BigInt(x.length)));
            for (const e of x) walk(e);
        } else {
            const entries = Object.entries(x).filter(([, e]) => e !== undefined) as [string, CborInput][];
            parts.push(head(5, BigInt(entries.length)));
            for (const [k, e] of entries) {
                walk(k);
                walk(e);
            }
        }
    };
    walk(v);
    return concat(parts);
}
