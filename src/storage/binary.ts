/**
 * Minimal binary writer/reader for stable-memory records: fixed-width big-endian integers and
 * length-prefixed byte strings. Much cheaper under QuickJS than JSON with hex-encoded bytes.
 */
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
        this.room(1);
        this.buf[this.at++] = v;
        return this;
    }

    u16(v: number): this {
        this.room(2);
        this.view.setUint16(this.at, v);
        this.at += 2;
        return this;
    }

    u32(v: number): this {
        this.room(4);
        this.view.setUint32(this.at, v);
        this.at += 4;
        return this;
    }

    u64(v: bigint): this {
        this.room(8);
        this.view.setBigUint64(this.at, v);
        this.at += 8;
        return this;
    }

    /** Up to 255 bytes, length-prefixed. */
    bytes(b: Uint8Array): this {
        if (b.length > 255) throw new Error('Writer.bytes: more than 255 bytes');
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
        const b = this.bytes();
        for (let i = 0; i < b.length; i++) if (b[i] > 127) return new TextDecoder().decode(b);
        return String.fromCharCode.apply(null, b as unknown as number[]);
    }

    end(): boolean {
        return this.at >= this.buf.length;
    }
}
