/**
 * SHA-256 (FIPS 180-4) for the canister (Azle / QuickJS) and for Node: no Node built-ins, no
 * `Buffer`, no dependencies. The compression functions are generated (see `sha256-gen.ts`).
 *
 * Two levels of API:
 *  - bytes: `sha256`, `sha256Parts`, the incremental `Sha256` (with `midstate` / `fromMidstate`
 *    to resume from a precomputed state after a constant 64-byte-aligned prefix);
 *  - digest words (`Int32Array(8)`, big-endian words, the internal form): `sha256Words`,
 *    `hash32`, `hashPair`, `hashNatLeb`, … for code that hashes hashes (ICRC-3 values) and
 *    would otherwise spend more on byte/word conversion than on hashing small inputs.
 */
import { leb128 } from '../storage/bytes';
import {
  COMPRESS_PAD,
  compress32,
  compress32Bytes,
  compressBytes,
  compressPair,
  compressShort,
  compressWords,
} from './sha256-compress.generated';

export { COMPRESS_PAD, compress32, compress32Bytes, compressBytes, compressPair, compressShort, compressWords };

/** Number of 64-byte blocks n for which `COMPRESS_PAD[n]` exists. */
export const MAX_PAD_BLOCKS = COMPRESS_PAD.length - 1;

/** The initial hash value H(0). */
export const SHA256_IV: Int32Array = new Int32Array([
  0x6a09e667, 0xbb67ae85 | 0, 0x3c6ef372, 0xa54ff53a | 0, 0x510e527f, 0x9b05688c | 0, 0x1f83d9ab, 0x5be0cd19,
]);

/** A SHA-256 chaining state after `length` bytes (a multiple of 64) have been absorbed. */
export interface Sha256Midstate {
  readonly state: Int32Array;
  readonly length: number;
}

/** Zeroed 64-byte block buffer for final partial blocks. */
const tail = new Uint8Array(64);

/** True when typed arrays are little-endian (Wasm always is; so are the usual Node hosts). */
const LITTLE_ENDIAN = new Uint8Array(new Int32Array([1]).buffer)[0] === 1;

/**
 * Big-endian digest words → 32 bytes. (Byte-swaps whole words into an Int32Array view: in QuickJS
 * a typed-array store costs far more than the arithmetic, so 8 word stores beat 32 byte stores.)
 */
export function digestToBytes(w: Int32Array): Uint8Array {
  if (!LITTLE_ENDIAN) return digestToBytesPortable(w);
  const o = new Int32Array(8);
  let x = w[0];
  o[0] = (x << 24) | ((x & 0xff00) << 8) | ((x >>> 8) & 0xff00) | (x >>> 24);
  x = w[1];
  o[1] = (x << 24) | ((x & 0xff00) << 8) | ((x >>> 8) & 0xff00) | (x >>> 24);
  x = w[2];
  o[2] = (x << 24) | ((x & 0xff00) << 8) | ((x >>> 8) & 0xff00) | (x >>> 24);
  x = w[3];
  o[3] = (x << 24) | ((x & 0xff00) << 8) | ((x >>> 8) & 0xff00) | (x >>> 24);
  x = w[4];
  o[4] = (x << 24) | ((x & 0xff00) << 8) | ((x >>> 8) & 0xff00) | (x >>> 24);
  x = w[5];
  o[5] = (x << 24) | ((x & 0xff00) << 8) | ((x >>> 8) & 0xff00) | (x >>> 24);
  x = w[6];
  o[6] = (x << 24) | ((x & 0xff00) << 8) | ((x >>> 8) & 0xff00) | (x >>> 24);
  x = w[7];
  o[7] = (x << 24) | ((x & 0xff00) << 8) | ((x >>> 8) & 0xff00) | (x >>> 24);
  return new Uint8Array(o.buffer);
}

function digestToBytesPortable(w: Int32Array): Uint8Array {
  const out = new Uint8Array(32);
  for (let i = 0, j = 0; i < 8; i++, j += 4) {
    const x = w[i];
    out[j] = x >> 24;
    out[j + 1] = x >> 16;
    out[j + 2] = x >> 8;
    out[j + 3] = x;
  }
  return out;
}

/** 32 bytes at `b[off..off+32)` → big-endian words. */
export function bytesToDigest(b: Uint8Array, off = 0): Int32Array {
  const w = new Int32Array(8);
  for (let i = 0, j = off; i < 8; i++, j += 4) w[i] = (b[j] << 24) | (b[j + 1] << 16) | (b[j + 2] << 8) | b[j + 3];
  return w;
}

/**
 * Compress the final, partial block: the `rem` (< 64) bytes `data[off..)`, the padding, and the
 * length of a `total`-byte message; one or two compressions. The bytes are copied natively into a
 * zeroed block buffer (cheaper in QuickJS than packing them into words in JS).
 */
function finishTail(st: Int32Array, data: Uint8Array, off: number, rem: number, total: number): void {
  const t = tail;
  t.fill(0);
  if (rem !== 0) t.set(off === 0 && rem === data.length ? data : data.subarray(off, off + rem));
  t[rem] = 0x80;
  if (rem >= 56) {
    compressBytes(st, t, 0);
    t.fill(0);
  }
  writeBitLength(t, total);
  compressBytes(st, t, 0);
}

/** The 64-bit big-endian bit length of a `total`-byte message into bytes 56..63 of a block. */
function writeBitLength(t: Uint8Array, total: number): void {
  const hi = Math.floor(total / 0x20000000);
  const lo = total << 3;
  t[56] = hi >> 24;
  t[57] = hi >> 16;
  t[58] = hi >> 8;
  t[59] = hi;
  t[60] = lo >> 24;
  t[61] = lo >> 16;
  t[62] = lo >> 8;
  t[63] = lo;
}

/** SHA-256 of `data` as digest words (a fresh `Int32Array(8)`). */
export function sha256Words(data: Uint8Array): Int32Array {
  const st = new Int32Array(SHA256_IV);
  const len = data.length;
  if (len <= 11) {
    // One block, three message words at most: the cheapest specialised compression.
    let x0 = 0, x1 = 0, x2 = 0;
    for (let i = 0; i < len; i++) {
      const v = data[i] << (24 - ((i & 3) << 3));
      if (i < 4) x0 |= v;
      else if (i < 8) x1 |= v;
      else x2 |= v;
    }
    const t = 0x80 << (24 - ((len & 3) << 3));
    if (len < 4) x0 |= t;
    else if (len < 8) x1 |= t;
    else x2 |= t;
    compressShort(st, x0, x1, x2, len << 3);
    return st;
  }
  if (len === 32) {
    compress32Bytes(st, data, 0);
    return st;
  }
  let off = 0;
  const full = len & ~63;
  for (; off < full; off += 64) compressBytes(st, data, off);
  const rem = len - full;
  if (rem === 0 && full <= MAX_PAD_BLOCKS * 64) COMPRESS_PAD[full >> 6](st);
  else finishTail(st, data, off, rem, len);
  return st;
}

/** SHA-256 of `data`. */
export function sha256(data: Uint8Array): Uint8Array {
  return digestToBytes(sha256Words(data));
}

/** SHA-256 of the concatenation of `parts`, without building the concatenation. */
export function sha256Parts(parts: readonly Uint8Array[]): Uint8Array {
  const h = new Sha256();
  for (let i = 0; i < parts.length; i++) h.update(parts[i]);
  return h.digest();
}

/** SHA-256 of a 32-byte message given as 8 words (e.g. the hash of a hash): one compression. */
export function hash32(x: Int32Array): Int32Array {
  const st = new Int32Array(SHA256_IV);
  compress32(st, x);
  return st;
}

/** SHA-256 of the 64-byte message `x ‖ y` (two 8-word digests): two compressions. */
export function hashPair(x: Int32Array, y: Int32Array): Int32Array {
  const st = new Int32Array(SHA256_IV);
  compressPair(st, x, y);
  COMPRESS_PAD[1](st);
  return st;
}

/**
 * SHA-256 of the unsigned LEB128 encoding of `n` (the ICRC-3 hash of `Nat n`), computed without
 * materialising the encoding for n < 2^64 (at most 10 bytes: one specialised compression).
 */
export function hashNatLeb(n: bigint): Int32Array {
  if (n < 0n) throw new RangeError('hashNatLeb: negative');
  let lo: number, hi: number;
  if (n <= 0x7fffffffn) {
    lo = Number(n);
    hi = 0;
  } else if (n < 0x10000000000000000n) {
    hi = Number(n >> 32n);
    lo = Number(n & 0xffffffffn) | 0;
  } else {
    return sha256Words(lebBytes(n));
  }
  return hashLeb64(hi, lo);
}

/** SHA-256 of the LEB128 encoding of the unsigned 64-bit value hi·2^32 + lo (int32 halves). */
export function hashLeb64(hi: number, lo: number): Int32Array {
  // The ten 7-bit groups, least significant first.
  const g0 = lo & 0x7f, g1 = (lo >>> 7) & 0x7f, g2 = (lo >>> 14) & 0x7f, g3 = (lo >>> 21) & 0x7f;
  const g4 = ((lo >>> 28) | (hi << 4)) & 0x7f, g5 = (hi >>> 3) & 0x7f, g6 = (hi >>> 10) & 0x7f;
  const g7 = (hi >>> 17) & 0x7f, g8 = (hi >>> 24) & 0x7f, g9 = hi >>> 31;
  const n =
    hi === 0
      ? lo >>> 7 === 0 ? 1 : lo >>> 14 === 0 ? 2 : lo >>> 21 === 0 ? 3 : lo >>> 28 === 0 ? 4 : 5
      : hi >>> 3 === 0 ? 5 : hi >>> 10 === 0 ? 6 : hi >>> 17 === 0 ? 7 : hi >>> 24 === 0 ? 8 : hi >>> 31 === 0 ? 9 : 10;
  // All ten bytes with the continuation bit set, packed big-endian into three words …
  let x0 = ((g0 | 0x80) << 24) | ((g1 | 0x80) << 16) | ((g2 | 0x80) << 8) | g3 | 0x80;
  let x1 = ((g4 | 0x80) << 24) | ((g5 | 0x80) << 16) | ((g6 | 0x80) << 8) | g7 | 0x80;
  let x2 = ((g8 | 0x80) << 24) | ((g9 | 0x80) << 16);
  // … then the last byte k = n-1 loses its continuation bit, and the padding terminator 0x80
  // follows it, zeros after.
  const k = n - 1, p = k & 3, sh = 24 - (p << 3);
  const term = p < 3 ? 0x80 << (sh - 8) : 0;
  if (k < 4) {
    x0 = ((x0 & (-1 << sh)) ^ (0x80 << sh)) | term;
    x1 = p === 3 ? -0x80000000 : 0;
    x2 = 0;
  } else if (k < 8) {
    x1 = ((x1 & (-1 << sh)) ^ (0x80 << sh)) | term;
    x2 = p === 3 ? -0x80000000 : 0;
  } else {
    x2 = ((x2 & (-1 << sh)) ^ (0x80 << sh)) | term;
  }
  const st = new Int32Array(SHA256_IV);
  compressShort(st, x0, x1, x2, n << 3);
  return st;
}

/** Unsigned LEB128 of a non-negative bigint (the one implementation lives in src/lib/storage/bytes.ts). */
export const lebBytes = leb128;

/** Signed LEB128 of a bigint. */
export function slebBytes(n: bigint): Uint8Array {
  const out: number[] = [];
  for (;;) {
    const b = Number(n & 0x7fn);
    n >>= 7n; // arithmetic shift
    const signBit = (b & 0x40) !== 0;
    if ((n === 0n && !signBit) || (n === -1n && signBit)) {
      out.push(b);
      return Uint8Array.from(out);
    }
    out.push(b | 0x80);
  }
}

/**
 * Incremental SHA-256. `midstate()` captures the chaining state after a 64-byte-aligned prefix;
 * `Sha256.fromMidstate(m)` resumes from it, so a constant prefix is compressed once, ever.
 * `digest()` / `digestWords()` finalise the hasher (do not update it afterwards).
 */
export class Sha256 {
  private readonly st: Int32Array;
  /** The pending bytes of the current block (the rest of it zero). */
  private readonly buf = new Uint8Array(64);
  private len: number;

  constructor(state: Int32Array = SHA256_IV, length = 0) {
    if (length % 64 !== 0) throw new Error('Sha256: a start state must follow a 64-byte-aligned prefix');
    this.st = new Int32Array(state);
    this.len = length;
  }

  static fromMidstate(mid: Sha256Midstate): Sha256 {
    return new Sha256(mid.state, mid.length);
  }

  /** The state after the bytes absorbed so far; their count must be a multiple of 64. */
  midstate(): Sha256Midstate {
    if ((this.len & 63) !== 0) throw new Error('Sha256.midstate: absorbed length is not a multiple of 64');
    return { state: new Int32Array(this.st), length: this.len };
  }

  update(data: Uint8Array): this {
    const len = data.length;
    const buf = this.buf;
    const st = this.st;
    let off = 0;
    const pos = this.len & 63;
    this.len += len;
    if (pos !== 0) {
      const take = Math.min(64 - pos, len);
      buf.set(take === len ? data : data.subarray(0, take), pos);
      if (pos + take < 64) return this;
      compressBytes(st, buf, 0);
      buf.fill(0);
      off = take;
    }
    for (; off + 64 <= len; off += 64) compressBytes(st, data, off);
    if (off < len) buf.set(off === 0 ? data : data.subarray(off));
    return this;
  }

  /** Absorb a 32-byte digest given as 8 big-endian words. */
  updateDigest(w: Int32Array): this {
    return this.update(digestToBytes(w));
  }

  /** Finalise; the digest as 8 big-endian words. */
  digestWords(): Int32Array {
    const st = this.st;
    const len = this.len;
    const pos = len & 63;
    if (pos === 0 && len !== 0 && len <= MAX_PAD_BLOCKS * 64) {
      COMPRESS_PAD[len >> 6](st);
      return st;
    }
    const buf = this.buf;
    buf[pos] = 0x80;
    if (pos >= 56) {
      compressBytes(st, buf, 0);
      buf.fill(0);
    }
    writeBitLength(buf, len);
    compressBytes(st, buf, 0);
    return st;
  }

  /** Finalise; the 32-byte digest. */
  digest(): Uint8Array {
    return digestToBytes(this.digestWords());
  }
}
