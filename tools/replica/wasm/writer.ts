/** Growable byte buffer with the LEB128 encoders the instrumentation needs. */

const utf8 = new TextEncoder();

export class ByteWriter {
  buf: Uint8Array<ArrayBuffer>;
  len = 0;

  constructor(initialCapacity = 1024) {
    this.buf = new Uint8Array(Math.max(16, initialCapacity));
  }

  ensure(extra: number): void {
    const need = this.len + extra;
    if (need <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < need) cap *= 2;
    const next = new Uint8Array(cap);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }

  u8(b: number): void {
    this.ensure(1);
    this.buf[this.len++] = b;
  }

  /** Appends src[start, end). Short ranges are copied by hand (cheaper than a subarray view). */
  copy(src: Uint8Array, start = 0, end = src.length): void {
    const n = end - start;
    if (n <= 0) return;
    this.ensure(n);
    const buf = this.buf;
    if (n < 24) {
      let o = this.len;
      for (let i = start; i < end; i++) buf[o++] = src[i];
    } else {
      buf.set(src.subarray(start, end), this.len);
    }
    this.len += n;
  }

  /** Unsigned LEB128 (minimal encoding) of a non-negative safe integer. */
  u32(v: number): void {
    if (!Number.isInteger(v) || v < 0 || v > 0xffffffff) throw new RangeError(`u32 out of range: ${v}`);
    this.ensure(5);
    const buf = this.buf;
    do {
      let b = v % 128;
      v = Math.floor(v / 128);
      if (v !== 0) b |= 0x80;
      buf[this.len++] = b;
    } while (v !== 0);
  }

  /** Signed LEB128 (minimal encoding) of a safe integer, as used by i64.const. */
  s64(v: number): void {
    if (!Number.isSafeInteger(v)) throw new RangeError(`s64 not a safe integer: ${v}`);
    this.ensure(10);
    const buf = this.buf;
    for (;;) {
      const b = ((v % 128) + 128) % 128; // low 7 bits, two's complement
      v = Math.floor(v / 128); // arithmetic shift right by 7
      const done = (v === 0 && (b & 0x40) === 0) || (v === -1 && (b & 0x40) !== 0);
      buf[this.len++] = done ? b : b | 0x80;
      if (done) return;
    }
  }

  name(s: string): void {
    const b = utf8.encode(s);
    this.u32(b.length);
    this.copy(b);
  }

  toBytes(): Uint8Array<ArrayBuffer> {
    return this.buf.slice(0, this.len);
  }
}

export function lebU32Size(v: number): number {
  let n = 1;
  while (v >= 128) {
    v = Math.floor(v / 128);
    n++;
  }
  return n;
}

/** Length of the signed LEB128 encoding of a safe integer. */
export function lebS64Size(v: number): number {
  let n = 1;
  if (v >= 0) {
    while (v >= 64) {
      v = Math.floor(v / 128);
      n++;
    }
  } else {
    while (v < -64) {
      v = Math.floor(v / 128);
      n++;
    }
  }
  return n;
}

export function encodeU32(v: number): Uint8Array<ArrayBuffer> {
  const w = new ByteWriter(8);
  w.u32(v);
  return w.toBytes();
}

export function encodeS64(v: number): Uint8Array<ArrayBuffer> {
  const w = new ByteWriter(16);
  w.s64(v);
  return w.toBytes();
}
