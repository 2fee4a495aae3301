/**
 * The decoder's cursor over the message (bytes, position, end, nesting depth, zero-sized-element
 * budget) and every function that moves it: LEB128 and text primitives, the skip handlers of wire
 * types, and the value handlers that read bytes. They share module-level variables, the cheapest
 * state QuickJS has, and ES modules cannot assign another module's variable, so they stay in this
 * one module (measured: the same state as an object's fields costs +36 % instructions to skip
 * 49,990 empty texts and +6.7 % for an icrc1_transfer argument). Other modules read the cursor's
 * variables and move it only through `start`, `setInput` and `setPos`, once per message or per
 * rare table entry. No storage; cost linear in the bytes read (see decode.ts for the bounds).
 *
 * Not re-entrant (module-level reader state).
 */
import { Principal } from '@dfinity/principal';
import { CandidError } from './error';
import { MAX_DEPTH, MAX_INT_BYTES, ZERO_SIZED_BUDGET } from './limits';
import { showType } from './types';
import type { P, W } from './decode-shapes';
import { ascii, codesToString, fromCharCode, utf8 } from './decode-utf8';

// ---------------------------------------------------------------------------------------------
// Reader state

export let buf: Uint8Array = new Uint8Array(0);
export let pos = 0;
export let end = 0;
let depth = 0;
let zbudget = 0;
let view: DataView | null = null;
let viewOf: Uint8Array | null = null;

function dv(): DataView {
  if (viewOf !== buf) {
    view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    viewOf = buf;
  }
  return view!;
}

/** A new message: the bytes, their end, the position to read from, fresh depth and zero-sized-element budgets. */
export function start(bytes: Uint8Array, at: number): void {
  buf = bytes;
  end = bytes.length;
  pos = at;
  depth = 0;
  zbudget = ZERO_SIZED_BUDGET;
}

/** The bytes to read (prime reads a header it built), without touching the budgets. */
export function setInput(bytes: Uint8Array): void {
  buf = bytes;
  end = bytes.length;
}

export function setPos(at: number): void {
  pos = at;
}

export function oob(): CandidError {
  return new CandidError(`unexpected end of input (at byte ${Math.min(pos, end)} of ${end})`);
}

export function malformed(msg: string): CandidError {
  return new CandidError(`${msg} (at byte ${Math.min(pos, end)})`);
}

function tooDeep(): CandidError {
  return new CandidError(`value nested deeper than ${MAX_DEPTH} levels`);
}

const SMALL: bigint[] = [];
for (let i = 0; i < 128; i++) SMALL.push(BigInt(i));
/** sleb128 single bytes 0x40..0x7f are -64..-1 */
const SMALL_NEG: bigint[] = [];
for (let i = 0; i < 128; i++) SMALL_NEG.push(BigInt(i < 64 ? i : i - 128));

/** Unsigned LEB128 that must fit 32 bits (lengths, ids, indices). */
export function rU(): number {
  const b = buf[pos++];
  if (b < 128) return b;
  return rUSlow(b);
}

function rUSlow(b: number): number {
  if (b === undefined) throw oob();
  let r = b & 127;
  let mul = 128;
  for (;;) {
    b = buf[pos++];
    if (b === undefined) throw oob();
    r += (b & 127) * mul;
    if (b < 128) break;
    if (mul === 268435456) throw malformed('LEB128 number overflows 32 bits');
    mul *= 128;
  }
  if (r > 4294967295) throw malformed('LEB128 number overflows 32 bits');
  return r;
}

/** Signed LEB128 that must fit 32 bits (type references). */
export function rS(): number {
  let b = buf[pos++];
  if (b < 128) return b < 64 ? b : b - 128;
  if (b === undefined) throw oob();
  let r = b & 127;
  let mul = 128;
  for (;;) {
    b = buf[pos++];
    if (b === undefined) throw oob();
    r += (b & 127) * mul;
    mul *= 128;
    if (b < 128) break;
    if (mul > 268435456) throw malformed('signed LEB128 number overflows 32 bits');
  }
  if (b & 64) r -= mul;
  if (r < -2147483648 || r > 2147483647) throw malformed('signed LEB128 number overflows 32 bits');
  return r;
}


function tooLong(start: number): CandidError {
  return new CandidError(`nat/int longer than ${MAX_INT_BYTES} bytes of LEB128 (starting at byte ${start}); this canister accepts integers below 2^${7 * MAX_INT_BYTES}`);
}

/**
 * Continues an unsigned LEB128 whose first 7 bytes (49 bits) are `n` and whose first byte is at
 * `start`. Linear: the 7-bit groups are gathered into 49-bit numbers (exact in a double) and the
 * BigInt is built once from at most ceil(64 / 7) of them. Leaves `pos` after the last byte.
 */
function natBig(n: number, start: number): bigint {
  const chunks: number[] = [n];
  let c = 0;
  let mul = 1;
  for (;;) {
    const b = buf[pos++];
    if (b === undefined) throw oob();
    c += (b & 127) * mul;
    if (b < 128) break;
    if (pos - start >= MAX_INT_BYTES) throw tooLong(start);
    if (mul === 4398046511104) {
      chunks.push(c);
      c = 0;
      mul = 1;
    } else mul *= 128;
  }
  let r = BigInt(c);
  for (let i = chunks.length - 1; i >= 0; i--) r = (r << 49n) + BigInt(chunks[i]);
  return r;
}

/** Signed LEB128 of two bytes or more, first byte `b` (at pos - 1); at most MAX_INT_BYTES bytes. */
function intSlow(b: number): bigint {
  if (b === undefined) throw oob();
  const start = pos - 1;
  let n = b & 127;
  let mul = 128;
  for (;;) {
    b = buf[pos++];
    if (b === undefined) throw oob();
    n += (b & 127) * mul;
    mul *= 128;
    if (b < 128) return BigInt(b & 64 ? n - mul : n);
    if (mul === 562949953421312) break;
  }
  const r = natBig(n, start);
  return buf[pos - 1] & 64 ? r - (1n << BigInt(7 * (pos - start))) : r;
}

function skipLeb(): void {
  const start = pos;
  for (;;) {
    const b = buf[pos++];
    if (b < 128) return;
    if (b === undefined) throw oob();
    if (pos - start >= MAX_INT_BYTES) throw tooLong(start);
  }
}

export function readText(): string {
  let n = buf[pos++];
  if (!(n < 128)) n = rUSlow(n);
  const s = pos;
  const e = s + n;
  if (e > end) throw oob();
  pos = e;
  if (n === 0) return '';
  if (n <= 4) {
    // short keys ("to", "amt", "memo"): no view, no apply
    const a = buf[s];
    if (n === 1) {
      if (a < 128) return fromCharCode(a);
    } else if (n === 2) {
      const b = buf[s + 1];
      if ((a | b) < 128) return fromCharCode(a, b);
    } else if (n === 3) {
      const b = buf[s + 1];
      const c = buf[s + 2];
      if ((a | b | c) < 128) return fromCharCode(a, b, c);
    } else {
      const b = buf[s + 1];
      const c = buf[s + 2];
      const d = buf[s + 3];
      if ((a | b | c | d) < 128) return fromCharCode(a, b, c, d);
    }
  } else if (ascii(buf, s, e)) return codesToString(buf.subarray(s, e), n);
  const a = utf8(buf, s, e, true)!;
  return codesToString(a, a.length);
}

function skipText(): void {
  const n = rU();
  const s = pos;
  const e = s + n;
  if (e > end) throw oob();
  pos = e;
  if (!ascii(buf, s, e)) utf8(buf, s, e, false);
}

export function sNone(_w: W): void {}
export function sEmpty(_w: W): void {
  throw malformed('a value of type empty cannot occur');
}
export function sFixed(w: W): void {
  pos += w.sz;
  if (pos > end) throw oob();
}
export function sBool(_w: W): void {
  const b = buf[pos++];
  if (b !== 0 && b !== 1) throw b === undefined ? oob() : malformed(`bool must be 0 or 1, got ${b}`);
}
export function sLeb(_w: W): void {
  skipLeb();
}
export function sText(_w: W): void {
  skipText();
}
function skipPrincipalBody(): void {
  const f = buf[pos++];
  if (f !== 1) throw f === undefined ? oob() : malformed(f === 0 ? 'opaque principal reference' : `principal tag must be 1, got ${f}`);
  const n = buf[pos++];
  if (!(n <= 29)) throw n === undefined ? oob() : malformed(`principal is ${n < 128 ? n : 'more than 127'} bytes long (at most 29)`);
  pos += n;
  if (pos > end) throw oob();
}
export function sPrincipal(_w: W): void {
  skipPrincipalBody();
}
export function sFunc(_w: W): void {
  const f = buf[pos++];
  if (f !== 1) throw f === undefined ? oob() : malformed(f === 0 ? 'opaque function reference' : `func tag must be 1, got ${f}`);
  skipPrincipalBody();
  skipText();
}
export function sOpt(w: W): void {
  const b = buf[pos++];
  if (b === 0) return;
  if (b !== 1) throw b === undefined ? oob() : malformed(`opt tag must be 0 or 1, got ${b}`);
  if (++depth > MAX_DEPTH) throw tooDeep();
  const t = w.t!;
  t.s(t);
  depth--;
}
export function sVec(w: W): void {
  const n = rU();
  const t = w.t!;
  const sz = t.sz;
  if (sz === 0) {
    zbudget -= n;
    if (zbudget < 0) throw malformed(`too many zero-sized vector elements (more than ${ZERO_SIZED_BUDGET})`);
    return;
  }
  if (n > end - pos) throw oob();
  if (sz > 0) {
    pos += n * sz;
    if (pos > end) throw oob();
    return;
  }
  if (t.k === -15) {
    // vec text: one loop instead of three calls per element (a vector of empty texts is the
    // densest skip: ~6,400 instructions an element through the handlers)
    for (let i = 0; i < n; i++) {
      let len = buf[pos++];
      if (!(len < 128)) len = rUSlow(len);
      const s = pos;
      const e = s + len;
      if (e > end) throw oob();
      pos = e;
      if (len > 0 && !ascii(buf, s, e)) utf8(buf, s, e, false);
    }
    return;
  }
  if (t.k === -2 || (t.k === -18 && t.t!.sz === 0)) {
    // vec bool, vec opt null (and opt of other zero-sized types): one byte each, 0 or 1
    const e = pos + n;
    if (e > end) throw oob();
    for (; pos < e; pos++) {
      const b = buf[pos];
      if (b > 1) throw malformed(`${t.k === -2 ? 'bool' : 'opt tag'} must be 0 or 1, got ${b}`);
    }
    return;
  }
  if (t.k === -3 || t.k === -4) {
    for (let i = 0; i < n; i++) {
      if (buf[pos] < 128) pos++;
      else skipLeb();
    }
    if (pos > end) throw oob();
    return;
  }
  if (++depth > MAX_DEPTH) throw tooDeep();
  const f = t.s;
  for (let i = 0; i < n; i++) f(t);
  depth--;
}
export function sRecord(w: W): void {
  if (++depth > MAX_DEPTH) throw tooDeep();
  const ts = w.types!;
  for (let i = 0; i < ts.length; i++) {
    const t = ts[i];
    t.s(t);
  }
  depth--;
}
export function sVariant(w: W): void {
  const i = rU();
  const ts = w.types!;
  if (i >= ts.length) throw malformed(`variant index ${i} out of range (${ts.length} cases)`);
  if (++depth > MAX_DEPTH) throw tooDeep();
  const t = ts[i];
  t.s(t);
  depth--;
}
export function sFuture(_w: W): void {
  const m = rU();
  const r = rU();
  if (r !== 0) throw malformed('future-type value with references is not supported');
  pos += m;
  if (pos > end) throw oob();
}

export function dBool(_p: P): boolean {
  const b = buf[pos++];
  if (b === 0) return false;
  if (b === 1) return true;
  throw b === undefined ? oob() : malformed(`bool must be 0 or 1, got ${b}`);
}
export function dNat(_p: P): bigint {
  let b = buf[pos++];
  if (b < 128) return SMALL[b];
  if (b === undefined) throw oob();
  let n = b & 127;
  let mul = 128;
  for (;;) {
    b = buf[pos++];
    if (b < 128) return BigInt(n + b * mul);
    if (b === undefined) throw oob();
    n += (b & 127) * mul;
    mul *= 128;
    if (mul === 562949953421312) return natBig(n, pos - 7);
  }
}
export function dInt(_p: P): bigint {
  const b = buf[pos++];
  if (b < 128) return SMALL_NEG[b];
  return intSlow(b);
}
export function dNat8(_p: P): number {
  const b = buf[pos++];
  if (b === undefined) throw oob();
  return b;
}
export function dInt8(_p: P): number {
  const b = buf[pos++];
  if (b === undefined) throw oob();
  return (b << 24) >> 24;
}
export function dNat16(_p: P): number {
  const p = pos;
  if ((pos = p + 2) > end) throw oob();
  return buf[p] | (buf[p + 1] << 8);
}
export function dInt16(_p: P): number {
  const p = pos;
  if ((pos = p + 2) > end) throw oob();
  return ((buf[p] | (buf[p + 1] << 8)) << 16) >> 16;
}
export function dNat32(_p: P): number {
  const p = pos;
  if ((pos = p + 4) > end) throw oob();
  return (buf[p] | (buf[p + 1] << 8) | (buf[p + 2] << 16)) + buf[p + 3] * 16777216;
}
export function dInt32(_p: P): number {
  const p = pos;
  if ((pos = p + 4) > end) throw oob();
  return buf[p] | (buf[p + 1] << 8) | (buf[p + 2] << 16) | (buf[p + 3] << 24);
}
export function dNat64(_p: P): bigint {
  const p = pos;
  if ((pos = p + 8) > end) throw oob();
  return dv().getBigUint64(p, true);
}
export function dInt64(_p: P): bigint {
  const p = pos;
  if ((pos = p + 8) > end) throw oob();
  return dv().getBigInt64(p, true);
}
export function dF32(_p: P): number {
  const p = pos;
  if ((pos = p + 4) > end) throw oob();
  return dv().getFloat32(p, true);
}
export function dF64(_p: P): number {
  const p = pos;
  if ((pos = p + 8) > end) throw oob();
  return dv().getFloat64(p, true);
}
export function dText(_p: P): string {
  return readText();
}
const PrincipalCtor = Principal as unknown as new (bytes: Uint8Array) => Principal;

function readPrincipal(): Principal {
  const f = buf[pos++];
  if (f !== 1) throw f === undefined ? oob() : malformed(f === 0 ? 'opaque principal reference' : `principal tag must be 1, got ${f}`);
  const n = buf[pos++];
  if (!(n <= 29)) throw n === undefined ? oob() : malformed(`principal is ${n < 128 ? n : 'more than 127'} bytes long (at most 29)`);
  const s = pos;
  if ((pos = s + n) > end) throw oob();
  return new PrincipalCtor(buf.slice(s, pos));
}
export function dPrincipal(_p: P): Principal {
  return readPrincipal();
}
export function dFunc(_p: P): [Principal, string] {
  const f = buf[pos++];
  if (f !== 1) throw f === undefined ? oob() : malformed(f === 0 ? 'opaque function reference' : `func tag must be 1, got ${f}`);
  const pr = readPrincipal();
  return [pr, readText()];
}
export function dOptOpt(p: P): unknown[] {
  const b = buf[pos++];
  if (b === 0) return [];
  if (b !== 1) throw b === undefined ? oob() : malformed(`opt tag must be 0 or 1, got ${b}`);
  const save = pos;
  const d = depth;
  try {
    const s = p.s!;
    return [s.f(s)];
  } catch (e) {
    if (!(e instanceof CandidError) || !e.coercion) throw e;
    pos = save;
    depth = d;
    const w = p.w2!;
    w.s(w);
    return [];
  }
}
/** opt vec nat8 on the wire and expected */
export function dOptBlob(_p: P): [] | [Uint8Array] {
  const b = buf[pos++];
  if (b === 0) return [];
  if (b !== 1) throw b === undefined ? oob() : malformed(`opt tag must be 0 or 1, got ${b}`);
  let n = buf[pos++];
  if (!(n < 128)) n = rUSlow(n);
  const s = pos;
  if ((pos = s + n) > end) throw oob();
  return [buf.slice(s, pos)];
}
/** opt nat on the wire, opt nat or opt int expected */
export function dOptNat(_p: P): [] | [bigint] {
  let b = buf[pos++];
  if (b === 0) return [];
  if (b !== 1) throw b === undefined ? oob() : malformed(`opt tag must be 0 or 1, got ${b}`);
  b = buf[pos++];
  if (b < 128) return [SMALL[b]];
  if (b === undefined) throw oob();
  let n = b & 127;
  let mul = 128;
  for (;;) {
    b = buf[pos++];
    if (b < 128) return [BigInt(n + b * mul)];
    if (b === undefined) throw oob();
    n += (b & 127) * mul;
    mul *= 128;
    if (mul === 562949953421312) return [natBig(n, pos - 7)];
  }
}
/** opt nat64 on the wire and expected */
export function dOptNat64(_p: P): [] | [bigint] {
  const b = buf[pos++];
  if (b === 0) return [];
  if (b !== 1) throw b === undefined ? oob() : malformed(`opt tag must be 0 or 1, got ${b}`);
  const p = pos;
  if ((pos = p + 8) > end) throw oob();
  return [dv().getBigUint64(p, true)];
}
/** opt principal on the wire and expected */
export function dOptPrincipal(_p: P): [] | [Principal] {
  const b = buf[pos++];
  if (b === 0) return [];
  if (b !== 1) throw b === undefined ? oob() : malformed(`opt tag must be 0 or 1, got ${b}`);
  return [readPrincipal()];
}
/** wire opt of a primitive that decodes at the expected content (primitives never fail to coerce) */
export function dOptPrim(p: P): unknown[] {
  const b = buf[pos++];
  if (b === 0) return [];
  if (b !== 1) throw b === undefined ? oob() : malformed(`opt tag must be 0 or 1, got ${b}`);
  const s = p.s!;
  return [s.f(s)];
}
/** wire opt whose content can never decode at the expected content type */
export function dOptOptSkip(p: P): [] {
  const b = buf[pos++];
  if (b === 0) return [];
  if (b !== 1) throw b === undefined ? oob() : malformed(`opt tag must be 0 or 1, got ${b}`);
  if (++depth > MAX_DEPTH) throw tooDeep();
  const w = p.w2!;
  w.s(w);
  depth--;
  return [];
}
/** a non-opt wire value at an expected opt type */
export function dOptWrap(p: P): unknown[] {
  const save = pos;
  const d = depth;
  try {
    const s = p.s!;
    return [s.f(s)];
  } catch (e) {
    if (!(e instanceof CandidError) || !e.coercion) throw e;
    pos = save;
    depth = d;
    const w = p.w;
    w.s(w);
    return [];
  }
}
export function dBlob(_p: P): Uint8Array {
  let n = buf[pos++];
  if (!(n < 128)) n = rUSlow(n);
  const s = pos;
  if ((pos = s + n) > end) throw oob();
  return buf.slice(s, pos);
}
export function dTyped(p: P): unknown {
  const n = rU();
  const ctor = p.ctor;
  const s = pos;
  if (n > end - s || (pos = s + n * ctor.BYTES_PER_ELEMENT) > end) throw oob();
  return new ctor(buf.slice(s, pos).buffer);
}
export function dVec(p: P): unknown {
  let n = buf[pos++];
  if (!(n < 128)) n = rUSlow(n);
  if (p.w2!.sz === 0) {
    zbudget -= n;
    if (zbudget < 0) throw malformed(`too many zero-sized vector elements (more than ${ZERO_SIZED_BUDGET})`);
  } else if (n > end - pos) throw oob();
  const s = p.s!;
  const f = s.f;
  const a: unknown[] = [];
  for (let i = 0; i < n; i++) a[i] = f(s);
  return p.ctor === null ? a : new p.ctor(a);
}
export function dVariant(p: P): unknown {
  let i = buf[pos++];
  if (!(i < 128)) i = rUSlow(i);
  const keys = p.keys!;
  if (i >= keys.length) throw malformed(`variant index ${i} out of range (${keys.length} cases)`);
  const key = keys[i];
  if (key === null) throw new CandidError(`unknown variant case (field id ${p.w.ids![i]}) for ${showType(p.t)}`, true);
  const s = p.subs![i] as P;
  const v = s.f(s);
  const o: any = {};
  o[key] = v;
  return o;
}
/**
 * Wraps the handler of a plan whose expected type is recursive (made by `rec`): only there can
 * decoding recurse without bound, so only there is the depth counted. (Skipping counts its own.)
 */
export function dDepth(p: P): unknown {
  if (++depth > MAX_DEPTH) throw tooDeep();
  const v = p.g!(p);
  depth--;
  return v;
}
