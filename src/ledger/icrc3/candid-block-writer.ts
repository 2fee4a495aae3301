/**
 * One stored block written as a Candid generic value (the ICRC-3 `Value`, or the legacy one with
 * `Nat64`), straight from its stored bytes (codec.ts, format 1): the fields located in one pass,
 * the map written in key order, integers copied as LEB128 bytes or converted to `Nat64` with
 * 32-bit arithmetic. The output buffer the replies are written into (candid-blocks.ts) is here too:
 * the block writer is its hot path.
 * Storage: none; on the heap, one output buffer (64 KiB, grown on demand) reused by every reply.
 * Cost: proportional to the block's bytes (the cost model below); no BigInt, no block object.
 * Runs inside the canister: no Node built-ins.
 */
import { BLOCK_FORMAT } from './codec';
import type { Dialect, Prefixes } from './candid-dialect';

// ---------------------------------------------------------------------------------------------
// Output buffer

let out = new Uint8Array(1 << 16);
let o = 0;

function room(n: number): void {
  if (o + n <= out.length) return;
  const grown = new Uint8Array(Math.max(out.length * 2, o + n));
  grown.set(out);
  out = grown;
}

export function put(b: number): void {
  room(1);
  out[o++] = b;
}

export function putRaw(b: Uint8Array): void {
  room(b.length);
  out.set(b, o);
  o += b.length;
}

function putSlice(src: Uint8Array, start: number, end: number): void {
  room(end - start);
  out.set(src.subarray(start, end), o);
  o += end - start;
}

/** LEB128 of a small non-negative integer (< 2^31). */
export function putLeb(x: number): void {
  room(5);
  while (x > 0x7f) {
    out[o++] = (x & 0x7f) | 0x80;
    x >>>= 7;
  }
  out[o++] = x;
}

/** LEB128 of a non-negative bigint. */
export function putLebBig(n: bigint): void {
  if (n <= 0x7fffffffn) {
    putLeb(Number(n));
    return;
  }
  room(20);
  do {
    let b = Number(n & 0x7fn);
    n >>= 7n;
    if (n !== 0n) b |= 0x80;
    out[o++] = b;
  } while (n !== 0n);
}

/** nat64: 8 bytes little-endian. */
export function putU64(n: bigint): void {
  room(8);
  let lo = Number(n & 0xffffffffn);
  let hi = Number(n >> 32n);
  for (let i = 0; i < 4; i++, lo >>>= 8) out[o++] = lo & 0xff;
  for (let i = 0; i < 4; i++, hi >>>= 8) out[o++] = hi & 0xff;
}

export function take(): Uint8Array {
  return out.slice(0, o);
}

/** Starts a reply: the output buffer is emptied and the reply's header written. */
export function begin(header: Uint8Array): void {
  o = 0;
  putRaw(header);
}

// ---------------------------------------------------------------------------------------------
// One block
//
// Cost model (QuickJS in Azle, measured): ~100 instructions per bytecode; a typed-array store
// ~0.75 k, a read ~0.25 k; one `set`, `fill` or `copyWithin` ~1.4 k whatever its length, but
// `subarray` + `set` ~6 k. So the stored block is copied once into the output buffer, behind the
// space its value can take, and every run of it (integers, owners, hashes) is moved from there
// with one `copyWithin`; the constant parts of an entry (key, tag, count) are written with one
// `set` of a precomputed byte string; each stored byte is read once; room is ensured once.

const MINT = 0;
const XFER = 2;
const APPROVE = 3;
/** More than a block's value adds to its stored bytes: 15 entries' prefixes and values, 4 expanded accounts. */
const MAX_OVERHEAD = 15 * 24 + 4 * 68 + 16;

function fail(why: string): never {
  throw new Error(`candid-blocks: stored block ${why}`);
}

/** Where the stored block being written sits in `out` (see `writeBlock`). */
let base = 0;

/** Copies bytes [s, e) of the stored block to the output. */
function copy(s: number, e: number): void {
  if (e - s === 1) out[o++] = out[base + s];
  else {
    out.copyWithin(o, base + s, base + e);
    o += e - s;
  }
}

/**
 * The stored integer src[s, e) (LEB128): as `Nat` in the ICRC-3 dialect (its tag is part of the
 * key's prefix); in the legacy one as `Nat64` (8 bytes little-endian) when it fits 64 bits, else
 * `Nat`.
 */
function nat(src: Uint8Array, s: number, e: number, d: Dialect): void {
  if (d.nat64 < 0) {
    copy(s, e);
    return;
  }
  if (e - s > 10 || (e - s === 10 && src[e - 1] > 1)) {
    out[o++] = d.nat;
    copy(s, e);
    return;
  }
  out[o++] = d.nat64;
  // the 7-bit groups into two 32-bit halves
  let lo = 0;
  let hi = 0;
  for (let i = s, shift = 0; i < e; i++, shift += 7) {
    const g = src[i] & 0x7f;
    if (shift < 28) lo |= g << shift;
    else if (shift === 28) {
      lo |= (g & 0x0f) << 28;
      hi = g >>> 4;
    } else hi |= g << (shift - 32);
  }
  out[o++] = lo;
  out[o++] = lo >>> 8;
  out[o++] = lo >>> 16;
  out[o++] = lo >>> 24;
  out[o++] = hi;
  out[o++] = hi >>> 8;
  out[o++] = hi >>> 16;
  out[o++] = hi >>> 24;
}

/** The stored account at `s` as `Array [Blob owner; Blob subaccount?]` (the `Array` tag is in the prefix). */
function account(src: Uint8Array, s: number, d: Dialect): void {
  const h = src[s];
  const n = h & 0x1f;
  if ((h & 0x20) === 0) {
    out[o++] = 1;
    out[o++] = d.blob;
    out[o++] = n;
    copy(s + 1, s + 1 + n);
    return;
  }
  out[o++] = 2;
  out[o++] = d.blob;
  out[o++] = n;
  copy(s + 1, s + 1 + n);
  out[o++] = d.blob;
  out[o++] = 32;
  let q = s + 1 + n;
  const z = src[q++];
  out.fill(0, o, o + 32);
  if (z < 32) {
    const t = src[q++];
    if (32 - z - t > 0) out.copyWithin(o + z, base + q, base + q + 32 - z - t);
  }
  o += 32;
}

/** Skips a stored account at `p`; returns where it ends. */
function skipAccount(src: Uint8Array, p: number): number {
  const h = src[p++];
  if (h === undefined || h & 0xc0 || (h & 0x1f) > 29) fail('has a bad account header');
  p += h & 0x1f;
  if (h & 0x20) {
    const z = src[p++];
    if (z > 32) fail('has a bad subaccount');
    if (z < 32) {
      const t = src[p++];
      if (z + t > 32) fail('has a bad subaccount');
      p += 32 - z - t;
    }
  }
  return p;
}

/** Writes the stored block `src` as a generic value of dialect `d` (its constants in `k`). */
export function writeBlock(src: Uint8Array, d: Dialect, k: Prefixes): void {
  const length = src.length;
  if (length < 3 || src[0] !== BLOCK_FORMAT) fail('has an unknown format');
  const flags = src[1];
  const flags2 = src[2];
  const op = flags & 3;
  if (flags2 & ~15 || (op !== APPROVE && flags2 & 3)) fail('has unknown flags');
  // Where each field is (start, and end of integers): one pass, each byte read once.
  let p = 3;
  const ts = p;
  while (src[p++] & 0x80);
  const tsEnd = p;
  let phash = -1;
  if (flags & 4) {
    phash = p;
    p += 32;
  }
  let from = -1;
  if (op !== MINT) {
    from = p;
    p = skipAccount(src, p);
  }
  let to = -1;
  if (op === MINT || op === XFER) {
    to = p;
    p = skipAccount(src, p);
  }
  let spender = -1;
  if (flags & 128) {
    spender = p;
    p = skipAccount(src, p);
  }
  const amt = p;
  while (src[p++] & 0x80);
  const amtEnd = p;
  let effectiveFee = -1;
  let effectiveFeeEnd = -1;
  if (flags & 8) {
    effectiveFee = p;
    while (src[p++] & 0x80);
    effectiveFeeEnd = p;
  }
  let fee = -1;
  let feeEnd = -1;
  if (flags & 16) {
    fee = p;
    while (src[p++] & 0x80);
    feeEnd = p;
  }
  let memo = -1;
  let memoLength = 0;
  if (flags & 32) {
    for (let shift = 0; ; shift += 7) {
      const b = src[p++];
      if (b === undefined || shift > 28) fail('has a bad memo length');
      memoLength += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) break;
    }
    memo = p;
    p += memoLength;
  }
  let createdAt = -1;
  let createdAtEnd = -1;
  if (flags & 64) {
    createdAt = p;
    while (src[p++] & 0x80);
    createdAtEnd = p;
  }
  let expectedAllowance = -1;
  let expectedAllowanceEnd = -1;
  if (flags2 & 1) {
    expectedAllowance = p;
    while (src[p++] & 0x80);
    expectedAllowanceEnd = p;
  }
  let expiresAt = -1;
  let expiresAtEnd = -1;
  if (flags2 & 2) {
    expiresAt = p;
    while (src[p++] & 0x80);
    expiresAtEnd = p;
  }
  let feeCol = -1;
  if (flags2 & 4) {
    feeCol = p;
    p = skipAccount(src, p);
  }
  let feeColBlock = -1;
  let feeColBlockEnd = -1;
  if (flags2 & 8) {
    feeColBlock = p;
    while (src[p++] & 0x80);
    feeColBlockEnd = p;
  }
  if (p !== length) fail(p > length ? 'is truncated' : 'has trailing bytes');

  // Every entry adds at most its prefix, 10 integer bytes or 3 + 29 + 2 + 32 account bytes, the
  // memo its length: the value takes less than `length + MAX_OVERHEAD` bytes, so the stored block
  // is put right behind that space, where the copies read it.
  room(2 * length + MAX_OVERHEAD + 8);
  base = o + length + MAX_OVERHEAD;
  out.set(src, base);
  // top map, keys sorted: fee, fee_col, fee_col_block, phash, ts, tx
  out[o++] = d.map;
  out[o++] = 2 + (effectiveFee >= 0 ? 1 : 0) + (feeCol >= 0 ? 1 : 0) + (feeColBlock >= 0 ? 1 : 0) + (phash >= 0 ? 1 : 0);
  if (effectiveFee >= 0) {
    out.set(k.fee, o);
    o += k.fee.length;
    nat(src, effectiveFee, effectiveFeeEnd, d);
  }
  if (feeCol >= 0) {
    out.set(k.feeCol, o);
    o += k.feeCol.length;
    account(src, feeCol, d);
  }
  if (feeColBlock >= 0) {
    out.set(k.feeColBlock, o);
    o += k.feeColBlock.length;
    nat(src, feeColBlock, feeColBlockEnd, d);
  }
  if (phash >= 0) {
    out.set(k.phash, o);
    o += k.phash.length;
    out.copyWithin(o, base + phash, base + phash + 32);
    o += 32;
  }
  out.set(k.ts, o);
  o += k.ts.length;
  nat(src, ts, tsEnd, d);
  out.set(k.tx, o);
  o += k.tx.length;
  // tx map, keys sorted: amt, expected_allowance, expires_at, fee, from, memo, op, spender, to, ts
  out[o++] = 2 + (expectedAllowance >= 0 ? 1 : 0) + (expiresAt >= 0 ? 1 : 0) + (fee >= 0 ? 1 : 0) + (from >= 0 ? 1 : 0) + (memo >= 0 ? 1 : 0) + (spender >= 0 ? 1 : 0) + (to >= 0 ? 1 : 0) + (createdAt >= 0 ? 1 : 0);
  out.set(k.amt, o);
  o += k.amt.length;
  nat(src, amt, amtEnd, d);
  if (expectedAllowance >= 0) {
    out.set(k.expectedAllowance, o);
    o += k.expectedAllowance.length;
    nat(src, expectedAllowance, expectedAllowanceEnd, d);
  }
  if (expiresAt >= 0) {
    out.set(k.expiresAt, o);
    o += k.expiresAt.length;
    nat(src, expiresAt, expiresAtEnd, d);
  }
  if (fee >= 0) {
    out.set(k.fee, o);
    o += k.fee.length;
    nat(src, fee, feeEnd, d);
  }
  if (from >= 0) {
    out.set(k.from, o);
    o += k.from.length;
    account(src, from, d);
  }
  if (memo >= 0) {
    out.set(k.memo, o);
    o += k.memo.length;
    putLeb(memoLength);
    copy(memo, memo + memoLength);
  }
  const opEntry = k.op[op];
  out.set(opEntry, o);
  o += opEntry.length;
  if (spender >= 0) {
    out.set(k.spender, o);
    o += k.spender.length;
    account(src, spender, d);
  }
  if (to >= 0) {
    out.set(k.to, o);
    o += k.to.length;
    account(src, to, d);
  }
  if (createdAt >= 0) {
    out.set(k.ts, o);
    o += k.ts.length;
    nat(src, createdAt, createdAtEnd, d);
  }
}
