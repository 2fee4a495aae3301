/**
 * Minimal binary writer/reader for stable-memory records: fixed-width big-endian integers and
 * length-prefixed byte strings. Much cheaper under QuickJS than JSON with hex-encoded bytes.
 *
 * The writer refuses (throws RangeError) every value that does not fit its field instead of
 * wrapping it: a 65,536-day term stored in 16 bits would read back as 0 days. Boundaries check
 * their inputs against explicit bounds first (src/protocol/model/bounds.ts), so a throw here means a
 * missing boundary check and the message traps before anything is written.
 */
/** An ICRC-1 account as stored: the owner's principal bytes and an optional 32-byte subaccount. */
export interface StoredAccount {
    owner: Uint8Array;
    subaccount?: Uint8Array;
}

export class Writer {
    private buf: Uint8Array;
    private view: DataView;
    private at = 0;

    constructor(capacity = 256) {
        this.buf = new Uint8Array(capacity);
        this.view = new DataView(this.buf.buffer);
    }

    private room(n: number): void {
        if (this.at + n <= this.buf.length) return;
        const next = new Uint8Array(Math.max(this.buf.length * 2, this.at + n));
        next.set(this.buf);
        this.buf = next;
        this.view = new DataView(next.buffer);
    }

    u8(v: number): this {
        fits(v, 0xff, 'u8');
        this.room(1);
        this.buf[this.at++] = v;
        return this;
    }

    u16(v: number): this {
        fits(v, 0xffff, 'u16');
        this.room(2);
        this.view.setUint16(this.at, v);
        this.at += 2;
        return this;
    }

    u32(v: number): this {
        fits(v, 0xffffffff, 'u32');
        this.room(4);
        this.view.setUint32(this.at, v);
        this.at += 4;
        return this;
    }

    u64(v: bigint): this {
        if (typeof v !== 'bigint' || v < 0n || v > U64_MAX) throw new RangeError(`Writer.u64: ${String(v)} does not fit 64 bits`);
        this.room(8);
        this.view.setBigUint64(this.at, v);
        this.at += 8;
        return this;
    }

    /** Up to 255 bytes, length-prefixed. */
    bytes(b: Uint8Array): this {
        if (b.length > 255) throw new RangeError(`Writer.bytes: ${b.length} bytes do not fit a u8 length`);
        this.room(1 + b.length);
        this.buf[this.at++] = b.length;
        this.buf.set(b, this.at);
        this.at += b.length;
        return this;
    }

    /** Text, up to 255 bytes of UTF-8; ASCII is copied directly (TextEncoder is a slow JS polyfill in Azle). */
    text(s: string): this {
        const n = s.length;
        let ascii = n <= 255;
        for (let i = 0; ascii && i < n; i++) if (s.charCodeAt(i) > 127) ascii = false;
        if (!ascii) return this.bytes(new TextEncoder().encode(s));
        this.room(1 + n);
        this.buf[this.at++] = n;
        for (let i = 0; i < n; i++) this.buf[this.at++] = s.charCodeAt(i);
        return this;
    }

    /** Text of up to 65,535 bytes of UTF-8, u16-length-prefixed (reasons, log lines, error texts). */
    longText(s: string): this {
        const b = utf8(s);
        if (b.length > 0xffff) throw new RangeError(`Writer.longText: ${b.length} bytes do not fit a u16 length`);
        this.u16(b.length);
        this.room(b.length);
        this.buf.set(b, this.at);
        this.at += b.length;
        return this;
    }

    /** An optional byte string: 0, or 1 ‖ bytes. */
    optBytes(b: Uint8Array | undefined): this {
        return b === undefined ? this.u8(0) : this.u8(1).bytes(b);
    }

    /** An optional u64: 0, or 1 ‖ u64. */
    optU64(v: bigint | undefined): this {
        return v === undefined ? this.u8(0) : this.u8(1).u64(v);
    }

    /** An account: owner bytes ‖ optional subaccount (every stored account has this form). */
    account(a: StoredAccount): this {
        return this.bytes(a.owner).optBytes(a.subaccount);
    }

    done(): Uint8Array {
        return this.buf.slice(0, this.at);
    }
}

export class Reader {
    private readonly view: DataView;
    private at = 0;

    constructor(private readonly buf: Uint8Array) {
        this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    }

    u8(): number {
        return this.buf[this.at++];
    }

    u16(): number {
        const v = this.view.getUint16(this.at);
        this.at += 2;
        return v;
    }

    u32(): number {
        const v = this.view.getUint32(this.at);
        this.at += 4;
        return v;
    }

    u64(): bigint {
        const v = this.view.getBigUint64(this.at);
        this.at += 8;
        return v;
    }

    bytes(): Uint8Array {
        const n = this.buf[this.at++];
        const b = this.buf.slice(this.at, this.at + n);
        this.at += n;
        return b;
    }

    text(): string {
        // a view, not a copy: the string is built from it and the view is dropped
        const n = this.buf[this.at++];
        const b = this.buf.subarray(this.at, this.at + n);
        this.at += n;
        for (let i = 0; i < b.length; i++) if (b[i] > 127) return new TextDecoder().decode(b);
        return String.fromCharCode.apply(null, b as unknown as number[]);
    }

    longText(): string {
        const n = this.u16();
        const b = this.buf.slice(this.at, this.at + n);
        this.at += n;
        for (let i = 0; i < b.length; i++) if (b[i] > 127) return new TextDecoder().decode(b);
        return String.fromCharCode.apply(null, b as unknown as number[]);
    }

    optBytes(): Uint8Array | undefined {
        return this.u8() === 1 ? this.bytes() : undefined;
    }

    optU64(): bigint | undefined {
        return this.u8() === 1 ? this.u64() : undefined;
    }

    account(): StoredAccount {
        const owner = this.bytes();
        return this.u8() === 1 ? { owner, subaccount: this.bytes() } : { owner };
    }

    end(): boolean {
        return this.at >= this.buf.length;
    }
}

const U64_MAX = (1n << 64n) - 1n;

function fits(v: number, max: number, what: string): void {
    if (!Number.isInteger(v) || v < 0 || v > max) throw new RangeError(`Writer.${what}: ${String(v)} does not fit`);
}

/** UTF-8 bytes of `s` (ASCII copied directly: TextEncoder is a slow JS polyfill in Azle). */
export function utf8(s: string): Uint8Array {
    const n = s.length;
    for (let i = 0; i < n; i++) {
        if (s.charCodeAt(i) > 127) return new TextEncoder().encode(s);
    }
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) out[i] = s.charCodeAt(i);
    return out;
}

/** Length of `s` in UTF-8 bytes (the unit of every stored-text bound). */
export function utf8Length(s: string): number {
    let n = 0;
    for (let i = 0; i < s.length; i++) {
        const c = s.charCodeAt(i);
        if (c < 0x80) n += 1;
        else if (c < 0x800) n += 2;
        else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
            n += 4;
            i++;
        } else n += 3;
    }
    return n;
}
