/**
 * Blocks written as Candid straight from their stored bytes, for `icrc3_get_blocks` (the ICRC-3
 * `Value`) and the legacy `get_blocks` (the same value with `Nat64` for every integer that fits 64
 * bits): the reply is byte for byte what encoding `blockToValue(decodeBlock(bytes))` (or its
 * legacy form) with the generic Candid encoder gives (test/unit/ledger/icrc3/candid-blocks.test.ts),
 * without building the block, its value or any BigInt.
 *
 * Why: encoding 100 blocks as generic values cost ~38 M instructions, decoding them ~16 M and
 * building the values ~11 M. Here each stored block (codec.ts, format 1) is read once, its fields
 * located, and its map written in key order (the order DFINITY's ledger gives: a BTreeMap).
 * Integers are unsigned LEB128 in both the stored format and Candid's `nat`, so they are copied as
 * bytes; `Nat64` is little-endian, converted from the LEB128 groups with 32-bit arithmetic.
 * Storage: none. Cost: proportional to the reply's bytes.
 * Runs inside the canister: no Node built-ins.
 */
import type { RecordType, Type, VariantType, VecType } from '../../candid/types';
import { headerBytes } from '../../candid/encode';
import { BLOCK_FORMAT } from './codec';
import { utf8 } from './value';

/** Variant indices of a generic value type (ICRC-3 `Value` or the legacy one). */
interface Dialect {
  blob: number;
  text: number;
  nat: number;
  /** -1: none (ICRC-3) — integers stay `Nat`. */
  nat64: number;
  array: number;
  map: number;
}

function dialectOf(t: Type): Dialect {
  const v = t as VariantType;
  const at = (name: string): number => {
    const i = v.names.indexOf(name);
    if (i < 0 && name !== 'Nat64') throw new Error(`candid-blocks: the value type has no ${name}`);
    return i;
  };
  return { blob: at('Blob'), text: at('Text'), nat: at('Nat'), nat64: at('Nat64'), array: at('Array'), map: at('Map') };
}

/** A record's field names in wire order (checked against what the writers below assume). */
function expectFields(t: Type, names: string[], what: string): void {
  const got = (t as RecordType).names.join(',');
  if (got !== names.join(',')) throw new Error(`candid-blocks: ${what} fields are ${got}, expected ${names.join(',')}`);
}

// ---------------------------------------------------------------------------------------------
// Output buffer

let out = new Uint8Array(1 << 16);
let o = 0;

function room(n: number): void {
  if (o + n <= out.length) return;
  const grown = new Uint8Array(Math.max(out.length * 2, o + n));
  grown.set(out.subarray(0, o));
  out = grown;
}

function put(b: number): void {
  room(1);
  out[o++] = b;
}

function putRaw(b: Uint8Array): void {
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
function putLeb(x: number): void {
  room(5);
  while (x > 0x7f) {
    out[o++] = (x & 0x7f) | 0x80;
    x >>>= 7;
  }
  out[o++] = x;
}

/** LEB128 of a non-negative bigint. */
function putLebBig(n: bigint): void {
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
function putU64(n: bigint): void {
  room(8);
  let lo = Number(n & 0xffffffffn);
  let hi = Number(n >> 32n);
  for (let i = 0; i < 4; i++, lo = Math.floor(lo / 256)) out[o++] = lo & 0xff;
  for (let i = 0; i < 4; i++, hi = Math.floor(hi / 256)) out[o++] = hi & 0xff;
}

function take(): Uint8Array {
  return out.slice(0, o);
}

// ---------------------------------------------------------------------------------------------
// One block

/** A map key as written in an entry (`record { text; Value }`): LEB128 length, UTF-8. */
function keyBytes(k: string): Uint8Array {
  const b = utf8(k);
  return Uint8Array.of(b.length, ...b);
}

const K_FEE = keyBytes('fee');
const K_FEE_COL = keyBytes('fee_col');
const K_FEE_COL_BLOCK = keyBytes('fee_col_block');
const K_PHASH = keyBytes('phash');
const K_TS = keyBytes('ts');
const K_TX = keyBytes('tx');
const K_AMT = keyBytes('amt');
const K_EXPECTED_ALLOWANCE = keyBytes('expected_allowance');
const K_EXPIRES_AT = keyBytes('expires_at');
const K_FROM = keyBytes('from');
const K_MEMO = keyBytes('memo');
const K_OP = keyBytes('op');
const K_SPENDER = keyBytes('spender');
const K_TO = keyBytes('to');
/** The op texts, as `text` bytes, by the stored op code (0 mint, 1 burn, 2 xfer, 3 approve). */
const OP_TEXT = ['mint', 'burn', 'xfer', 'approve'].map(keyBytes);
const MINT = 0;
const XFER = 2;

let src: Uint8Array = new Uint8Array(0);
let p = 0;

function fail(why: string): never {
  throw new Error(`candid-blocks: stored block ${why}`);
}

/** Skips a stored LEB128 number; returns its start. */
function skipNat(): number {
  const s = p;
  while (p < src.length && src[p] & 0x80) p++;
  if (p >= src.length) fail('truncated');
  p++;
  return s;
}

/** Skips a stored account; returns its start. */
function skipAccount(): number {
  const s = p;
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
  if (p > src.length) fail('truncated');
  return s;
}

/** A stored number as `Nat` (its LEB128 bytes copied), or as `Nat64` when the dialect has it and it fits. */
function natAt(s: number, d: Dialect): void {
  let e = s;
  while (src[e] & 0x80) e++;
  e++;
  if (d.nat64 < 0 || e - s > 10 || (e - s === 10 && src[e - 1] > 1)) {
    put(d.nat);
    putSlice(src, s, e);
    return;
  }
  put(d.nat64);
  // the 7-bit groups into two 32-bit halves, then 8 bytes little-endian
  let lo = 0;
  let hi = 0;
  for (let i = 0, shift = 0; s + i < e; i++, shift += 7) {
    const g = src[s + i] & 0x7f;
    if (shift < 28) lo |= g << shift;
    else if (shift === 28) {
      lo |= (g & 0x0f) << 28;
      hi |= g >>> 4;
    } else hi |= g << (shift - 32);
  }
  room(8);
  out[o++] = lo & 0xff;
  out[o++] = (lo >>> 8) & 0xff;
  out[o++] = (lo >>> 16) & 0xff;
  out[o++] = lo >>> 24;
  out[o++] = hi & 0xff;
  out[o++] = (hi >>> 8) & 0xff;
  out[o++] = (hi >>> 16) & 0xff;
  out[o++] = hi >>> 24;
}

/** A stored account as `Array [Blob owner; Blob subaccount?]`. */
function accountAt(s: number, d: Dialect): void {
  const h = src[s];
  const n = h & 0x1f;
  const sub = (h & 0x20) !== 0;
  room(4 + n + 2 + 32);
  out[o++] = d.array;
  out[o++] = sub ? 2 : 1;
  out[o++] = d.blob;
  out[o++] = n;
  out.set(src.subarray(s + 1, s + 1 + n), o);
  o += n;
  if (!sub) return;
  out[o++] = d.blob;
  out[o++] = 32;
  let q = s + 1 + n;
  const z = src[q++];
  out.fill(0, o, o + 32);
  if (z < 32) {
    const t = src[q++];
    out.set(src.subarray(q, q + 32 - z - t), o + z);
  }
  o += 32;
}

/** Writes the stored block `bytes` as a generic value of dialect `d`. */
function writeBlock(bytes: Uint8Array, d: Dialect): void {
  src = bytes;
  if (src.length < 3 || src[0] !== BLOCK_FORMAT) fail('has an unknown format');
  const flags = src[1];
  const flags2 = src[2];
  const op = flags & 3;
  if (flags2 & ~15 || (op !== 3 && flags2 & 3)) fail('has unknown flags');
  p = 3;
  const ts = skipNat();
  let phash = -1;
  if (flags & 4) {
    phash = p;
    p += 32;
  }
  const from = op !== MINT ? skipAccount() : -1;
  const to = op === MINT || op === XFER ? skipAccount() : -1;
  const spender = flags & 128 ? skipAccount() : -1;
  const amt = skipNat();
  const effectiveFee = flags & 8 ? skipNat() : -1;
  const fee = flags & 16 ? skipNat() : -1;
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
  const createdAt = flags & 64 ? skipNat() : -1;
  const expectedAllowance = flags2 & 1 ? skipNat() : -1;
  const expiresAt = flags2 & 2 ? skipNat() : -1;
  const feeCol = flags2 & 4 ? skipAccount() : -1;
  const feeColBlock = flags2 & 8 ? skipNat() : -1;
  if (p !== src.length) fail('has trailing bytes');

  // top map: fee, fee_col, fee_col_block, phash, ts, tx (sorted keys)
  put(d.map);
  put(2 + (effectiveFee >= 0 ? 1 : 0) + (feeCol >= 0 ? 1 : 0) + (feeColBlock >= 0 ? 1 : 0) + (phash >= 0 ? 1 : 0));
  if (effectiveFee >= 0) {
    putRaw(K_FEE);
    natAt(effectiveFee, d);
  }
  if (feeCol >= 0) {
    putRaw(K_FEE_COL);
    accountAt(feeCol, d);
  }
  if (feeColBlock >= 0) {
    putRaw(K_FEE_COL_BLOCK);
    natAt(feeColBlock, d);
  }
  if (phash >= 0) {
    putRaw(K_PHASH);
    room(2 + 32);
    out[o++] = d.blob;
    out[o++] = 32;
    out.set(src.subarray(phash, phash + 32), o);
    o += 32;
  }
  putRaw(K_TS);
  natAt(ts, d);
  putRaw(K_TX);
  // tx map: amt, expected_allowance, expires_at, fee, from, memo, op, spender, to, ts
  put(d.map);
  put(2 + (expectedAllowance >= 0 ? 1 : 0) + (expiresAt >= 0 ? 1 : 0) + (fee >= 0 ? 1 : 0) + (from >= 0 ? 1 : 0) + (memo >= 0 ? 1 : 0) + (spender >= 0 ? 1 : 0) + (to >= 0 ? 1 : 0) + (createdAt >= 0 ? 1 : 0));
  putRaw(K_AMT);
  natAt(amt, d);
  if (expectedAllowance >= 0) {
    putRaw(K_EXPECTED_ALLOWANCE);
    natAt(expectedAllowance, d);
  }
  if (expiresAt >= 0) {
    putRaw(K_EXPIRES_AT);
    natAt(expiresAt, d);
  }
  if (fee >= 0) {
    putRaw(K_FEE);
    natAt(fee, d);
  }
  if (from >= 0) {
    putRaw(K_FROM);
    accountAt(from, d);
  }
  if (memo >= 0) {
    putRaw(K_MEMO);
    put(d.blob);
    putLeb(memoLength);
    putSlice(src, memo, memo + memoLength);
  }
  putRaw(K_OP);
  put(d.text);
  putRaw(OP_TEXT[op]);
  if (spender >= 0) {
    putRaw(K_SPENDER);
    accountAt(spender, d);
  }
  if (to >= 0) {
    putRaw(K_TO);
    accountAt(to, d);
  }
  if (createdAt >= 0) {
    putRaw(K_TS);
    natAt(createdAt, d);
  }
}

// ---------------------------------------------------------------------------------------------
// Replies

/** The reply types: the header (type table and argument type) is computed once, by the generic encoder. */
export interface BlockReplyTypes {
  /** `GetBlocksResult`: record { log_length: nat; blocks: vec record { id: nat; block: Value }; archived_blocks: vec … }. */
  icrc3Result: Type;
  icrc3Value: Type;
  /** `GetBlocksResponse`: record { first_index: nat; chain_length: nat64; certificate: opt blob; blocks: vec Value; archived_blocks: vec … }. */
  legacyResponse: Type;
  legacyValue: Type;
}

export class CandidBlocks {
  private readonly icrc3: Dialect;
  private readonly legacy: Dialect;
  private icrc3Header: Uint8Array | undefined;
  private legacyHeader: Uint8Array | undefined;

  constructor(private readonly types: BlockReplyTypes) {
    this.icrc3 = dialectOf(types.icrc3Value);
    this.legacy = dialectOf(types.legacyValue);
    // the writers below emit the fields in this (wire) order
    const r = types.icrc3Result as RecordType;
    expectFields(r, ['log_length', 'blocks', 'archived_blocks'], 'GetBlocksResult');
    expectFields((r.types[1] as VecType).t, ['id', 'block'], 'GetBlocksResult.blocks');
    expectFields(types.legacyResponse, ['certificate', 'first_index', 'blocks', 'chain_length', 'archived_blocks'], 'GetBlocksResponse');
  }

  /** The `icrc3_get_blocks` reply: `log_length`, the blocks (index and stored bytes), no archives. */
  icrc3Reply(logLength: bigint, blocks: readonly { id: bigint; bytes: Uint8Array }[]): Uint8Array {
    this.icrc3Header ??= headerBytes([this.types.icrc3Result]);
    o = 0;
    putRaw(this.icrc3Header);
    putLebBig(logLength);
    putLeb(blocks.length);
    for (const b of blocks) {
      putLebBig(b.id);
      writeBlock(b.bytes, this.icrc3);
    }
    put(0);
    return take();
  }

  /** The legacy `get_blocks` reply (the blocks from `firstIndex`, all local). */
  legacyReply(firstIndex: bigint, chainLength: bigint, certificate: Uint8Array | undefined, blocks: readonly Uint8Array[]): Uint8Array {
    this.legacyHeader ??= headerBytes([this.types.legacyResponse]);
    o = 0;
    putRaw(this.legacyHeader);
    if (certificate === undefined) put(0);
    else {
      put(1);
      putLeb(certificate.length);
      putRaw(certificate);
    }
    putLebBig(firstIndex);
    putLeb(blocks.length);
    for (const b of blocks) writeBlock(b, this.legacy);
    putU64(chainLength);
    put(0);
    return take();
  }

  /** Builds both reply headers now (post_upgrade), so that queries do not pay for them. */
  prime(): void {
    this.icrc3Header ??= headerBytes([this.types.icrc3Result]);
    this.legacyHeader ??= headerBytes([this.types.legacyResponse]);
  }
}
