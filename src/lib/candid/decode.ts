/**
 * Candid decoder with subtyping, written for QuickJS (an interpreter: every JS operation counts).
 *
 * - The sender's type table is parsed into "wire type" objects (W), each with a skip handler.
 * - For a pair (wire type, expected type) a plan node (P) is compiled, lazily, on first use, and
 *   holds the handler `f` that decodes one value. Plans are cached per `types` array and per exact
 *   type-table bytes: a message whose table bytes equal a cached one skips table parsing and
 *   plan building entirely (a byte comparison instead).
 * - Numbers below 2^53 are read as numbers (BigInt only for the result), small bigints come from a
 *   table, text is UTF-8 validated and decoded by hand (Azle's TextDecoder is a JS polyfill).
 *
 * Coercion follows the Candid spec: record fields by id, extra wire fields skipped, missing
 * opt/null/reserved fields defaulted, opt values that fail to decode become [] (value-level, as the
 * spec says; failures caught are only "coercion" ones, never malformed input), nat accepted for
 * int, unknown variant cases rejected when they occur, extra arguments skipped.
 *
 * Limits against hostile input: values nest at most MAX_DEPTH deep where nesting is unbounded
 * (through recursive expected types, and in skipped values); vectors of zero-sized elements
 * (vec null, vec record {}) total at most ZERO_SIZED_BUDGET elements per message; nat/int values
 * have at most MAX_INT_BYTES bytes (decoded in linear time, skipped likewise); the sender's type
 * table has at most MAX_TABLE_ENTRIES entries, MAX_TABLE_REFERENCES references and
 * MAX_TABLE_NAME_BYTES bytes of method names (limits.ts), each checked before the work it bounds;
 * type-table cycles through records only (types with no finite value) are rejected; the checks on
 * the sender's table are iterative. Cost: linear in the message's bytes, with these caps bounding
 * the table's share (≤ ~30 M instructions at the caps, measured through the built Wasm).
 *
 * Not re-entrant (module-level reader state).
 */
import { Principal } from '@dfinity/principal';
import { CandidError } from './error';
import { MAX_INT_BYTES, MAX_TABLE_ENTRIES, MAX_TABLE_NAME_BYTES, MAX_TABLE_REFERENCES } from './limits';
import { headerBytes } from './encode';
import { getCache, setCache, showType, type FuncType, type OptType, type RecordType, type ServiceType, type Type, type VariantType, type VecType } from './types';

export const MAX_DEPTH = 128;
const CACHE = Symbol('candid.decode');
export const ZERO_SIZED_BUDGET = 65536;
const MAX_CACHED_TABLES = 8;

// ---------------------------------------------------------------------------------------------
// Reader state

let buf: Uint8Array = new Uint8Array(0);
let pos = 0;
let end = 0;
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
function start(bytes: Uint8Array, at: number): void {
  buf = bytes;
  end = bytes.length;
  pos = at;
  depth = 0;
  zbudget = ZERO_SIZED_BUDGET;
}

/** The bytes to read (prime reads a header it built), without touching the budgets. */
function setInput(bytes: Uint8Array): void {
  buf = bytes;
  end = bytes.length;
}

function setPos(at: number): void {
  pos = at;
}

function oob(): CandidError {
  return new CandidError(`unexpected end of input (at byte ${Math.min(pos, end)} of ${end})`);
}

function malformed(msg: string): CandidError {
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
function rU(): number {
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
function rS(): number {
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

// ---------------------------------------------------------------------------------------------
// UTF-8

const fromCharCode = String.fromCharCode as (...codes: ArrayLike<number> | any) => string;
const CHUNK = 4096;

function codesToString(a: ArrayLike<number>, n: number): string {
  if (n <= CHUNK) return fromCharCode.apply(null, a as any);
  let s = '';
  for (let i = 0; i < n; i += CHUNK) {
    const part = (a as any).slice(i, Math.min(n, i + CHUNK));
    s += fromCharCode.apply(null, part);
  }
  return s;
}

/** Validates UTF-8 in buf[s, e); returns the UTF-16 code units when `collect`. */
function utf8(buf: Uint8Array, s: number, e: number, collect: boolean): number[] | null {
  const a: number[] | null = collect ? [] : null;
  let i = s;
  while (i < e) {
    const b = buf[i];
    if (b < 128) {
      if (a) a.push(b);
      i++;
      continue;
    }
    let c: number;
    let need: number;
    let lo = 128;
    let hi = 191;
    if (b >= 0xc2 && b <= 0xdf) { need = 1; c = b & 31; }
    else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      c = b & 15;
      if (b === 0xe0) lo = 0xa0;
      else if (b === 0xed) hi = 0x9f;
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      c = b & 7;
      if (b === 0xf0) lo = 0x90;
      else if (b === 0xf4) hi = 0x8f;
    } else throw new CandidError(`invalid UTF-8 in text (byte 0x${b.toString(16)} at ${i})`);
    if (i + need >= e) throw new CandidError(`invalid UTF-8 in text (truncated sequence at ${i})`);
    for (let j = 1; j <= need; j++) {
      const x = buf[i + j];
      if (x < lo || x > hi) throw new CandidError(`invalid UTF-8 in text (bad continuation at ${i + j})`);
      lo = 128;
      hi = 191;
      c = (c << 6) | (x & 63);
    }
    i += need + 1;
    if (a) {
      if (c < 65536) a.push(c);
      else {
        c -= 65536;
        a.push(0xd800 + (c >> 10), 0xdc00 + (c & 1023));
      }
    }
  }
  return a;
}

const mathMax = Math.max as (...xs: any) => number;

/** True when buf[s, e) is all ASCII: a JS loop for short runs, one native call for longer ones. */
function ascii(buf: Uint8Array, s: number, e: number): boolean {
  if (e - s <= 8) {
    while (s < e && buf[s] < 128) s++;
    return s === e;
  }
  if (e - s <= CHUNK) return mathMax.apply(null, buf.subarray(s, e) as any) < 128;
  for (let i = s; i < e; i += CHUNK) if (mathMax.apply(null, buf.subarray(i, Math.min(e, i + CHUNK)) as any) >= 128) return false;
  return true;
}

function readText(): string {
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

// ---------------------------------------------------------------------------------------------
// Wire types

interface W {
  k: number;
  /** skip one value */
  s: (w: W) => void;
  /** fixed byte size when known (0 for null, reserved and records of those), else -1 */
  sz: number;
  /** table index, or -1 for primitives */
  i: number;
  t: W | null;
  ids: number[] | null;
  types: W[] | null;
  args: W[] | null;
  rets: W[] | null;
  ann: number[] | null;
  names: string[] | null;
  /** unresolved references while parsing */
  raw: number[] | null;
  raw2: number[] | null;
}

function mkW(k: number, s: W['s'], sz: number, i: number): W {
  return { k, s, sz, i, t: null, ids: null, types: null, args: null, rets: null, ann: null, names: null, raw: null, raw2: null };
}

function sNone(_w: W): void {}
function sEmpty(_w: W): void {
  throw malformed('a value of type empty cannot occur');
}
function sFixed(w: W): void {
  pos += w.sz;
  if (pos > end) throw oob();
}
function sBool(_w: W): void {
  const b = buf[pos++];
  if (b !== 0 && b !== 1) throw b === undefined ? oob() : malformed(`bool must be 0 or 1, got ${b}`);
}
function sLeb(_w: W): void {
  skipLeb();
}
function sText(_w: W): void {
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
function sPrincipal(_w: W): void {
  skipPrincipalBody();
}
function sFunc(_w: W): void {
  const f = buf[pos++];
  if (f !== 1) throw f === undefined ? oob() : malformed(f === 0 ? 'opaque function reference' : `func tag must be 1, got ${f}`);
  skipPrincipalBody();
  skipText();
}
function sOpt(w: W): void {
  const b = buf[pos++];
  if (b === 0) return;
  if (b !== 1) throw b === undefined ? oob() : malformed(`opt tag must be 0 or 1, got ${b}`);
  if (++depth > MAX_DEPTH) throw tooDeep();
  const t = w.t!;
  t.s(t);
  depth--;
}
function sVec(w: W): void {
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
function sRecord(w: W): void {
  if (++depth > MAX_DEPTH) throw tooDeep();
  const ts = w.types!;
  for (let i = 0; i < ts.length; i++) {
    const t = ts[i];
    t.s(t);
  }
  depth--;
}
function sVariant(w: W): void {
  const i = rU();
  const ts = w.types!;
  if (i >= ts.length) throw malformed(`variant index ${i} out of range (${ts.length} cases)`);
  if (++depth > MAX_DEPTH) throw tooDeep();
  const t = ts[i];
  t.s(t);
  depth--;
}
function sFuture(_w: W): void {
  const m = rU();
  const r = rU();
  if (r !== 0) throw malformed('future-type value with references is not supported');
  pos += m;
  if (pos > end) throw oob();
}

const PRIM_W: W[] = [];
{
  const spec: [number, W['s'], number][] = [
    [-1, sNone, 0], [-2, sBool, -1], [-3, sLeb, -1], [-4, sLeb, -1], [-5, sFixed, 1], [-6, sFixed, 2], [-7, sFixed, 4],
    [-8, sFixed, 8], [-9, sFixed, 1], [-10, sFixed, 2], [-11, sFixed, 4], [-12, sFixed, 8], [-13, sFixed, 4],
    [-14, sFixed, 8], [-15, sText, -1], [-16, sNone, 0], [-17, sEmpty, -1], [-24, sPrincipal, -1],
  ];
  for (const [k, s, sz] of spec) PRIM_W[-k] = mkW(k, s, sz, -1);
}

function primW(k: number): W {
  const w = k < 0 && k >= -24 ? PRIM_W[-k] : undefined;
  if (w === undefined) throw malformed(`invalid type reference ${k}`);
  return w;
}

function tooManyRefs(): CandidError {
  return malformed(`type table has more than ${MAX_TABLE_REFERENCES} references (record and variant fields, function arguments, results and annotations, service methods, message arguments)`);
}

/**
 * Parses the type table and the argument types at `pos`. The entry count and the number of
 * references are checked against their caps before the work they cause is done.
 */
function parseTable(): W[] {
  const n = rU();
  if (n > MAX_TABLE_ENTRIES) throw malformed(`type table has ${n} entries; at most ${MAX_TABLE_ENTRIES} are accepted`);
  if (n > end - pos) throw oob();
  /** references left in the table's budget (fields, func arguments and results, methods, arguments) */
  let budget = MAX_TABLE_REFERENCES;
  let nameBytes = MAX_TABLE_NAME_BYTES;
  const ents: W[] = [];
  for (let i = 0; i < n; i++) {
    const k = rS();
    const e = mkW(k, sNone, -1, i);
    if (k === -18 || k === -19) {
      e.raw = [rS()];
    } else if (k === -20 || k === -21) {
      const m = rU();
      if ((budget -= m) < 0) throw tooManyRefs();
      if (m > end - pos) throw oob();
      const ids: number[] = [];
      const refs: number[] = [];
      let prev = -1;
      for (let j = 0; j < m; j++) {
        const id = rU();
        if (id <= prev) throw malformed(`field ids not strictly increasing in type table entry ${i} (${id} after ${prev})`);
        prev = id;
        ids.push(id);
        refs.push(rS());
      }
      e.ids = ids;
      e.raw = refs;
    } else if (k === -22) {
      const args: number[] = [];
      let m = rU();
      if ((budget -= m) < 0) throw tooManyRefs();
      if (m > end - pos) throw oob();
      for (let j = 0; j < m; j++) args.push(rS());
      const rets: number[] = [];
      m = rU();
      if ((budget -= m) < 0) throw tooManyRefs();
      if (m > end - pos) throw oob();
      for (let j = 0; j < m; j++) rets.push(rS());
      m = rU();
      if ((budget -= m) < 0) throw tooManyRefs();
      if (m > end - pos) throw oob();
      const ann: number[] = [];
      for (let j = 0; j < m; j++) {
        const a = buf[pos];
        setPos(pos + 1);
        if (a === undefined) throw oob();
        if (a < 1 || a > 3) throw malformed(`unknown function annotation ${a}`);
        ann.push(a);
      }
      e.raw = args;
      e.raw2 = rets;
      e.ann = ann;
    } else if (k === -23) {
      const m = rU();
      if ((budget -= m) < 0) throw tooManyRefs();
      if (m > end - pos) throw oob();
      const names: string[] = [];
      const methods: number[] = [];
      for (let j = 0; j < m; j++) {
        const at = pos;
        if ((nameBytes -= rU()) < 0) throw malformed(`the service types of the type table have more than ${MAX_TABLE_NAME_BYTES} bytes of method names`);
        setPos(at);
        names.push(readText());
        methods.push(rS());
      }
      e.names = names;
      e.raw = methods;
    } else if (k < -24) {
      const m = rU();
      if (m > end - pos) throw oob();
      setPos(pos + m);
    } else {
      throw malformed(`invalid type opcode ${k} in type table entry ${i}`);
    }
    ents.push(e);
  }
  const m = rU();
  if ((budget -= m) < 0) throw tooManyRefs();
  if (m > end - pos) throw oob();
  const argRefs: number[] = [];
  for (let j = 0; j < m; j++) argRefs.push(rS());

  const ref = (r: number): W => {
    if (r >= 0) {
      if (r >= n) throw malformed(`type index ${r} out of range (table has ${n} entries)`);
      return ents[r];
    }
    return primW(r);
  };
  for (const e of ents) {
    switch (e.k) {
      case -18: e.t = ref(e.raw![0]); e.s = sOpt; break;
      case -19: e.t = ref(e.raw![0]); e.s = sVec; break;
      case -20: e.types = e.raw!.map(ref); e.s = sRecord; break;
      case -21: e.types = e.raw!.map(ref); e.s = sVariant; break;
      case -22: e.args = e.raw!.map(ref); e.rets = e.raw2!.map(ref); e.s = sFunc; break;
      case -23:
        e.types = e.raw!.map(ref);
        for (const f of e.types) if (f.k !== -22) throw malformed('service method type is not a func type');
        e.s = sPrincipal;
        break;
      default: e.s = sFuture; break;
    }
    e.raw = e.raw2 = null;
  }
  checkRecords(ents);
  return argRefs.map(ref);
}

/**
 * Rejects cycles through record fields only (such a type has no finite value, and decoding it
 * would recurse without consuming input) and computes which records are zero-sized.
 * Iterative, since the table comes from the sender.
 */
function checkRecords(ents: W[]): void {
  const state = new Uint8Array(ents.length); // 0 new, 1 on stack, 2 done
  const stack: number[] = [];
  const next: number[] = [];
  for (let r = 0; r < ents.length; r++) {
    if (ents[r].k !== -20 || state[r] !== 0) continue;
    stack.push(r);
    next.push(0);
    state[r] = 1;
    while (stack.length > 0) {
      const top = stack.length - 1;
      const e = ents[stack[top]];
      const ts = e.types!;
      const j = next[top];
      if (j < ts.length) {
        next[top] = j + 1;
        const f = ts[j];
        if (f.k === -20 && f.i >= 0) {
          if (state[f.i] === 1) throw new CandidError(`type table entry ${f.i} is a record that contains itself (not well-founded)`);
          if (state[f.i] === 0) {
            state[f.i] = 1;
            stack.push(f.i);
            next.push(0);
          }
        }
        continue;
      }
      let zero = true;
      for (const f of ts) if (f.sz !== 0) zero = false;
      e.sz = zero ? 0 : -1;
      state[e.i] = 2;
      stack.pop();
      next.pop();
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Plans: decoding a wire type at an expected type

interface P {
  f: (p: P) => unknown;
  w: W;
  t: Type | null;
  ctx: Ctx | null;
  msg: string;
  /** opt: the plan for the content; vec: the element plan */
  s: P | null;
  /** opt/vec: wire type of the content/element */
  w2: W | null;
  /** record: per step 0 decode, 1 skip, 2 default [], 3 default null; variant: unused */
  kinds: number[] | null;
  keys: (string | number | null)[] | null;
  subs: (P | W | null)[] | null;
  tuple: boolean;
  ctor: any;
  /** the handler wrapped by dDepth */
  g: ((p: P) => unknown) | null;
}

type Ctx = Map<W, Map<Type, P>>;

function mkP(f: P['f'], w: W, t: Type | null, ctx: Ctx | null): P {
  return { f, w, t, ctx, msg: '', s: null, w2: null, kinds: null, keys: null, subs: null, tuple: false, ctor: null, g: null };
}

function dNull(_p: P): null {
  return null;
}
function dBool(_p: P): boolean {
  const b = buf[pos++];
  if (b === 0) return false;
  if (b === 1) return true;
  throw b === undefined ? oob() : malformed(`bool must be 0 or 1, got ${b}`);
}
function dNat(_p: P): bigint {
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
function dInt(_p: P): bigint {
  const b = buf[pos++];
  if (b < 128) return SMALL_NEG[b];
  return intSlow(b);
}
function dNat8(_p: P): number {
  const b = buf[pos++];
  if (b === undefined) throw oob();
  return b;
}
function dInt8(_p: P): number {
  const b = buf[pos++];
  if (b === undefined) throw oob();
  return (b << 24) >> 24;
}
function dNat16(_p: P): number {
  const p = pos;
  if ((pos = p + 2) > end) throw oob();
  return buf[p] | (buf[p + 1] << 8);
}
function dInt16(_p: P): number {
  const p = pos;
  if ((pos = p + 2) > end) throw oob();
  return ((buf[p] | (buf[p + 1] << 8)) << 16) >> 16;
}
function dNat32(_p: P): number {
  const p = pos;
  if ((pos = p + 4) > end) throw oob();
  return (buf[p] | (buf[p + 1] << 8) | (buf[p + 2] << 16)) + buf[p + 3] * 16777216;
}
function dInt32(_p: P): number {
  const p = pos;
  if ((pos = p + 4) > end) throw oob();
  return buf[p] | (buf[p + 1] << 8) | (buf[p + 2] << 16) | (buf[p + 3] << 24);
}
function dNat64(_p: P): bigint {
  const p = pos;
  if ((pos = p + 8) > end) throw oob();
  return dv().getBigUint64(p, true);
}
function dInt64(_p: P): bigint {
  const p = pos;
  if ((pos = p + 8) > end) throw oob();
  return dv().getBigInt64(p, true);
}
function dF32(_p: P): number {
  const p = pos;
  if ((pos = p + 4) > end) throw oob();
  return dv().getFloat32(p, true);
}
function dF64(_p: P): number {
  const p = pos;
  if ((pos = p + 8) > end) throw oob();
  return dv().getFloat64(p, true);
}
function dText(_p: P): string {
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
function dPrincipal(_p: P): Principal {
  return readPrincipal();
}
function dFunc(_p: P): [Principal, string] {
  const f = buf[pos++];
  if (f !== 1) throw f === undefined ? oob() : malformed(f === 0 ? 'opaque function reference' : `func tag must be 1, got ${f}`);
  const pr = readPrincipal();
  return [pr, readText()];
}
function dReserved(p: P): null {
  const w = p.w;
  w.s(w);
  return null;
}
function dEmptyWire(_p: P): never {
  throw malformed('a value of type empty cannot occur');
}
function dFail(p: P): never {
  throw new CandidError(p.msg, true);
}
function dOptNone(_p: P): [] {
  return [];
}
function dOptOpt(p: P): unknown[] {
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
function dOptBlob(_p: P): [] | [Uint8Array] {
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
function dOptNat(_p: P): [] | [bigint] {
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
function dOptNat64(_p: P): [] | [bigint] {
  const b = buf[pos++];
  if (b === 0) return [];
  if (b !== 1) throw b === undefined ? oob() : malformed(`opt tag must be 0 or 1, got ${b}`);
  const p = pos;
  if ((pos = p + 8) > end) throw oob();
  return [dv().getBigUint64(p, true)];
}
/** opt principal on the wire and expected */
function dOptPrincipal(_p: P): [] | [Principal] {
  const b = buf[pos++];
  if (b === 0) return [];
  if (b !== 1) throw b === undefined ? oob() : malformed(`opt tag must be 0 or 1, got ${b}`);
  return [readPrincipal()];
}
/** wire opt of a primitive that decodes at the expected content (primitives never fail to coerce) */
function dOptPrim(p: P): unknown[] {
  const b = buf[pos++];
  if (b === 0) return [];
  if (b !== 1) throw b === undefined ? oob() : malformed(`opt tag must be 0 or 1, got ${b}`);
  const s = p.s!;
  return [s.f(s)];
}
/** wire opt whose content can never decode at the expected content type */
function dOptOptSkip(p: P): [] {
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
function dOptWrap(p: P): unknown[] {
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
function dOptSkip(p: P): [] {
  const w = p.w;
  w.s(w);
  return [];
}
function dBlob(_p: P): Uint8Array {
  let n = buf[pos++];
  if (!(n < 128)) n = rUSlow(n);
  const s = pos;
  if ((pos = s + n) > end) throw oob();
  return buf.slice(s, pos);
}
function dTyped(p: P): unknown {
  const n = rU();
  const ctor = p.ctor;
  const s = pos;
  if (n > end - s || (pos = s + n * ctor.BYTES_PER_ELEMENT) > end) throw oob();
  return new ctor(buf.slice(s, pos).buffer);
}
function dVec(p: P): unknown {
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
/** a record whose wire fields are exactly the expected ones */
function dRecordExact(p: P): unknown {
  const keys = p.keys!;
  const subs = p.subs as P[];
  const n = keys.length;
  const o: any = p.tuple ? [] : {};
  for (let i = 0; i < n; i++) {
    const s = subs[i];
    o[keys[i]!] = s.f(s);
  }
  return o;
}
function dRecord(p: P): unknown {
  const kinds = p.kinds!;
  const keys = p.keys!;
  const subs = p.subs!;
  const n = kinds.length;
  const o: any = p.tuple ? [] : {};
  for (let i = 0; i < n; i++) {
    const k = kinds[i];
    if (k === 0) {
      const s = subs[i] as P;
      o[keys[i]!] = s.f(s);
    } else if (k === 1) {
      const w = subs[i] as W;
      w.s(w);
    } else if (k === 2) o[keys[i]!] = [];
    else o[keys[i]!] = null;
  }
  return o;
}
function dVariant(p: P): unknown {
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
function dDepth(p: P): unknown {
  if (++depth > MAX_DEPTH) throw tooDeep();
  const v = p.g!(p);
  depth--;
  return v;
}
function dLazy(p: P): unknown {
  if (p.f === dLazy) compileNode(p);
  return p.f(p);
}

function compileNode(p: P): void {
  compile(p);
  if ((p.t as RecordType).r !== undefined && p.f !== dFail) {
    p.g = p.f;
    p.f = dDepth;
  }
}

/** Compiles every plan reachable from `tops` now rather than on first use. */
function compileAll(tops: P[]): void {
  const seen = new Set<P>();
  const stack = tops.slice();
  while (stack.length > 0) {
    const p = stack.pop()!;
    if (seen.has(p)) continue;
    seen.add(p);
    if (p.f === dLazy) compileNode(p);
    if (p.s !== null) stack.push(p.s);
    if (p.subs !== null) {
      for (let i = 0; i < p.subs.length; i++) {
        const x = p.subs[i];
        if (x !== null && (p.kinds === null || p.kinds[i] === 0)) stack.push(x as P);
      }
    }
  }
}

const P_NULL = mkP(dNull, PRIM_W[1], null, null);
const P_OPT_NONE = mkP(dOptNone, PRIM_W[1], null, null);
const P_EMPTY_WIRE = mkP(dEmptyWire, PRIM_W[17], null, null);
const PRIM_P: P[] = [];
{
  const hs: [number, P['f']][] = [
    [-1, dNull], [-2, dBool], [-3, dNat], [-4, dInt], [-5, dNat8], [-6, dNat16], [-7, dNat32], [-8, dNat64],
    [-9, dInt8], [-10, dInt16], [-11, dInt32], [-12, dInt64], [-13, dF32], [-14, dF64], [-15, dText], [-24, dPrincipal],
  ];
  for (const [k, f] of hs) PRIM_P[-k] = mkP(f, PRIM_W[-k], null, null);
}

function isPrim(k: number): boolean {
  return (k <= -1 && k >= -17) || k === -24;
}

function fail(w: W, t: Type, why?: string): P {
  const p = mkP(dFail, w, t, null);
  p.msg = why ?? `type mismatch: ${showType(w)} on the wire, ${showType(t)} expected`;
  return p;
}

/** The plan for decoding a value of wire type `w` at expected type `t` (composites compile lazily). */
function plan(ctx: Ctx, w: W, t: Type): P {
  const wk = w.k;
  const tk = t.k;
  if (wk === -17) return P_EMPTY_WIRE;
  if (tk === -16) return w.sz === 0 ? P_NULL : lazy(ctx, w, t);
  if (tk === -18) return wk === -1 || wk === -16 ? P_OPT_NONE : lazy(ctx, w, t);
  if (isPrim(tk)) {
    if (tk === wk || (tk === -4 && wk === -3)) return PRIM_P[-wk];
    return fail(w, t);
  }
  if (tk === wk) return lazy(ctx, w, t);
  return fail(w, t);
}

function lazy(ctx: Ctx, w: W, t: Type): P {
  let m = ctx.get(w);
  if (m === undefined) {
    m = new Map();
    ctx.set(w, m);
  }
  let p = m.get(t);
  if (p === undefined) {
    p = mkP(dLazy, w, t, ctx);
    m.set(t, p);
  }
  return p;
}

const TYPED: { [k: number]: any } = {
  [-5]: Uint8Array, [-6]: Uint16Array, [-7]: Uint32Array, [-8]: BigUint64Array,
  [-9]: Int8Array, [-10]: Int16Array, [-11]: Int32Array, [-12]: BigInt64Array,
};

function canDefault(k: number): number {
  return k === -18 ? 2 : k === -1 || k === -16 ? 3 : 0;
}

function compile(p: P): void {
  const w = p.w;
  const t = p.t!;
  const ctx = p.ctx!;
  switch (t.k) {
    case -16:
      p.f = dReserved;
      return;
    case -18: {
      const inner = (t as OptType).t;
      if (w.k === -18) {
        const wi = w.t!;
        const s = plan(ctx, wi, inner);
        p.s = s;
        p.w2 = wi;
        if (s.f === dFail) p.f = dOptOptSkip;
        else if (wi.k === -19 && wi.t!.k === -5 && inner.k === -19 && (inner as VecType).t.k === -5) p.f = dOptBlob;
        else if (PRIM_P.indexOf(s) >= 0) {
          p.f = s.f === dNat ? dOptNat : s.f === dNat64 ? dOptNat64 : s.f === dPrincipal ? dOptPrincipal : dOptPrim;
        } else p.f = dOptOpt;
      } else if (inner.k === -1 || inner.k === -18 || inner.k === -16) {
        p.f = dOptSkip;
      } else {
        const s = plan(ctx, w, inner);
        p.s = s;
        p.f = s.f === dFail ? dOptSkip : dOptWrap;
      }
      return;
    }
    case -19: {
      const te = (t as VecType).t;
      const we = w.t!;
      const ctor = TYPED[te.k];
      if (ctor !== undefined && we.k === te.k) {
        p.ctor = ctor;
        p.f = te.k === -5 ? dBlob : dTyped;
        return;
      }
      p.s = plan(ctx, we, te);
      p.w2 = we;
      p.ctor = ctor ?? null;
      p.f = dVec;
      return;
    }
    case -20: {
      const r = t as RecordType;
      const wids = w.ids!;
      const wts = w.types!;
      const kinds: number[] = [];
      const keys: (string | number | null)[] = [];
      const subs: (P | W | null)[] = [];
      let i = 0;
      let j = 0;
      const wn = wids.length;
      const tn = r.ids.length;
      while (i < wn || j < tn) {
        if (j >= tn || (i < wn && wids[i] < r.ids[j])) {
          // on the wire only: skip (nothing to do for zero-sized values)
          if (wts[i].sz !== 0) {
            kinds.push(1);
            keys.push(null);
            subs.push(wts[i]);
          }
          i++;
        } else if (i >= wn || r.ids[j] < wids[i]) {
          const d = canDefault(r.types[j].k);
          if (d === 0) {
            p.msg = `record field ${JSON.stringify(r.names[j])} (id ${r.ids[j]}) of type ${showType(r.types[j])} is missing on the wire`;
            p.f = dFail;
            return;
          }
          kinds.push(d);
          keys.push(r.tuple ? j : r.names[j]);
          subs.push(null);
          j++;
        } else {
          kinds.push(0);
          keys.push(r.tuple ? j : r.names[j]);
          subs.push(plan(ctx, wts[i], r.types[j]));
          i++;
          j++;
        }
      }
      p.kinds = kinds;
      p.keys = keys;
      p.subs = subs;
      p.tuple = r.tuple;
      p.f = kinds.every((k) => k === 0) ? dRecordExact : dRecord;
      return;
    }
    case -21: {
      const v = t as VariantType;
      const wids = w.ids!;
      const wts = w.types!;
      const keys: (string | null)[] = [];
      const subs: (P | null)[] = [];
      let j = 0;
      for (let i = 0; i < wids.length; i++) {
        while (j < v.ids.length && v.ids[j] < wids[i]) j++;
        if (j < v.ids.length && v.ids[j] === wids[i]) {
          keys.push(v.names[j]);
          subs.push(plan(ctx, wts[i], v.types[j]));
        } else {
          keys.push(null);
          subs.push(null);
        }
      }
      p.keys = keys;
      p.subs = subs;
      p.f = dVariant;
      return;
    }
    case -22:
    case -23:
      if (isSub(w, t)) p.f = t.k === -22 ? dFunc : dPrincipal;
      else {
        p.msg = `${showType(w)} on the wire is not a subtype of ${showType(t)}`;
        p.f = dFail;
      }
      return;
    default:
      p.msg = `cannot decode at ${showType(t)}`;
      p.f = dFail;
  }
}

// ---------------------------------------------------------------------------------------------
// Type-level subtyping (only needed for function and service references). Works on both wire
// types and descriptors, which share their field names.

let subSteps = 0;
let subDepth = 0;

function isSub(a: any, b: any): boolean {
  subSteps = 0;
  subDepth = 0;
  return sub(a, b, new Map());
}

function omittable(t: any): boolean {
  return t.k === -18 || t.k === -1 || t.k === -16;
}

function sub(a: any, b: any, assumed: Map<any, Set<any>>): boolean {
  if (++subDepth > MAX_DEPTH) throw new CandidError('type too deeply nested for a subtype check');
  const r = sub1(a, b, assumed);
  subDepth--;
  return r;
}

function sub1(a: any, b: any, assumed: Map<any, Set<any>>): boolean {
  if (a === b) return true;
  if (++subSteps > 10000) throw new CandidError('type too complex for a subtype check');
  const ak = a.k;
  const bk = b.k;
  if (bk === -16 || ak === -17 || bk === -18) return true;
  if (ak === -3 && bk === -4) return true;
  if (ak !== bk) return false;
  if (isPrim(ak)) return true;
  let s = assumed.get(a);
  if (s === undefined) assumed.set(a, (s = new Set()));
  if (s.has(b)) return true;
  s.add(b);
  switch (ak) {
    case -19:
      return sub(a.t, b.t, assumed);
    case -20:
      for (let j = 0; j < b.ids.length; j++) {
        const i = a.ids.indexOf(b.ids[j]);
        if (i < 0) {
          if (!omittable(b.types[j])) return false;
        } else if (!sub(a.types[i], b.types[j], assumed)) return false;
      }
      return true;
    case -21:
      for (let i = 0; i < a.ids.length; i++) {
        const j = b.ids.indexOf(a.ids[i]);
        if (j < 0 || !sub(a.types[i], b.types[j], assumed)) return false;
      }
      return true;
    case -22: {
      const fa = a as FuncType;
      const fb = b as FuncType;
      const sa = new Set(fa.ann);
      const sb = new Set(fb.ann);
      if (sa.size !== sb.size) return false;
      for (const x of sa) if (!sb.has(x)) return false;
      for (let i = 0; i < fa.args.length; i++) {
        if (i < fb.args.length) {
          if (!sub(fb.args[i], fa.args[i], assumed)) return false;
        } else if (!omittable(fa.args[i])) return false;
      }
      for (let i = 0; i < fb.rets.length; i++) {
        if (i < fa.rets.length) {
          if (!sub(fa.rets[i], fb.rets[i], assumed)) return false;
        } else if (!omittable(fb.rets[i])) return false;
      }
      return true;
    }
    case -23: {
      const sa = a as ServiceType;
      const sb = b as ServiceType;
      for (let j = 0; j < sb.names.length; j++) {
        const i = sa.names.indexOf(sb.names[j]);
        if (i < 0 || !sub(sa.types[i], sb.types[j], assumed)) return false;
      }
      return true;
    }
    default:
      return false;
  }
}

// ---------------------------------------------------------------------------------------------
// Entry point

interface Entry {
  /** "DIDL", the type table and the argument types: the bytes as 16-bit units, in a string */
  key: string;
  /** the last byte when the length is odd, else -1 */
  tail: number;
  /** the length in bytes */
  n: number;
  tops: P[];
  extra: W[];
}

interface Cache {
  /** the entry that matched last */
  last: Entry | null;
  entries: Entry[];
  next: number;
}

/** Tables longer than this are parsed every time rather than cached. */
const MAX_CACHED_TABLE_BYTES = 4096;
const P_DEF_OPT = mkP(dOptNone, PRIM_W[1], null, null);
const U8 = Uint8Array;
const isArray = Array.isArray;

function build(types: readonly Type[]): Entry {
  setPos(4);
  const args = parseTable();
  const n = pos;
  const key = n <= MAX_CACHED_TABLE_BYTES ? keyOf(buf, n) : '';
  const tail = n & 1 ? buf[n - 1] : -1;
  const ctx: Ctx = new Map();
  const tops: P[] = [];
  for (let i = 0; i < types.length; i++) {
    const t = types[i];
    if (t === null || typeof t !== 'object' || typeof t.k !== 'number') throw new CandidError(`decode: not a Candid type: ${String(t)}`);
    if (i < args.length) tops.push(plan(ctx, args[i], t));
    else {
      const d = canDefault(t.k);
      tops.push(d === 2 ? P_DEF_OPT : d === 3 ? P_NULL : fail(PRIM_W[1], t, `argument ${i} of type ${showType(t)} is missing`));
    }
  }
  return { key, tail, n, tops, extra: args.slice(types.length) };
}

function cacheOf(types: readonly Type[]): Cache {
  const c: Cache = { last: null, entries: [], next: 0 };
  if (!isArray(types)) throw new CandidError('decode: types must be an array');
  setCache(types, CACHE, c);
  return c;
}

const U16 = Uint16Array;

/**
 * The first `n` bytes (rounded down to even) as a string of 16-bit units: one native call that
 * reads half as many elements as a byte-per-char string would (a JS byte loop comparing the
 * same bytes costs ~6x more in QuickJS). Endianness is the host's, which is all a comparison needs.
 */
function keyOf(b: Uint8Array, n: number): string {
  if ((b.byteOffset & 1) !== 0) b = b.slice(0, n);
  return fromCharCode.apply(null, new U16(b.buffer, b.byteOffset, n >>> 1) as any);
}

/** Finds the cached entry for this message's table, or parses the table and builds one. */
function lookup(c: Cache, types: readonly Type[]): Entry {
  if (end < 4 || buf[0] !== 68 || buf[1] !== 73 || buf[2] !== 68 || buf[3] !== 76) {
    throw new CandidError('bad magic number: a Candid message starts with "DIDL"');
  }
  const es = c.entries;
  let key = '';
  let keyLen = -1;
  for (let k = 0; k < es.length; k++) {
    const x = es[k];
    const n = x.n;
    if (n > end || x === c.last) continue;
    if (n >>> 1 !== keyLen) {
      keyLen = n >>> 1;
      key = keyOf(buf, n);
    }
    if (key === x.key && (x.tail < 0 || buf[n - 1] === x.tail)) {
      setPos(n);
      c.last = x;
      return x;
    }
  }
  const e = build(types);
  insert(c, e);
  return e;
}

function insert(c: Cache, e: Entry): void {
  if (e.key === '') return;
  const es = c.entries;
  if (es.length < MAX_CACHED_TABLES) es.push(e);
  else {
    es[c.next] = e;
    c.next = (c.next + 1) % MAX_CACHED_TABLES;
  }
  c.last = e;
}

/**
 * Prepares `types` ahead of time (e.g. in a canister's init/postUpgrade), so that the first call
 * does not pay for it: the encoder's type table, and the decoder's fully compiled plan for the
 * table that agent-js (and our encoder: the bytes are identical) sends for these types.
 */
export function prime(types: readonly Type[]): void {
  const hdr = headerBytes(types);
  setInput(hdr);
  setPos(0);
  const k0: any = types.length === 1 ? types[0] : types;
  const c: Cache = k0[CACHE] ?? getCache(types, CACHE) ?? cacheOf(types);
  const key = keyOf(hdr, hdr.length);
  let e = c.entries.find((x) => x.n === hdr.length && x.key === key) ?? null;
  if (e === null) {
    e = build(types);
    insert(c, e);
  }
  compileAll(e.tops);
  setInput(new Uint8Array(0));
}

/** Decodes a Candid message at the expected `types`; returns one value per type. */
export function decode(types: readonly Type[], bytes: Uint8Array): unknown[] {
  if (!(bytes instanceof U8)) throw new CandidError('decode: bytes must be a Uint8Array');
  const k0: any = types.length === 1 ? types[0] : types;
  const c: Cache = k0[CACHE] ?? getCache(types, CACHE) ?? cacheOf(types);
  // The table bytes of the last match are compared first (the magic is part of the key).
  let e = c.last;
  if (e !== null && e.n <= bytes.length && keyOf(bytes, e.n) === e.key && (e.tail < 0 || bytes[e.n - 1] === e.tail)) start(bytes, e.n);
  else {
    start(bytes, 0);
    e = lookup(c, types);
  }
  const tops = e.tops;
  let res: unknown[];
  if (tops.length === 1) {
    const p = tops[0];
    res = [p.f(p)];
  } else {
    res = [];
    for (let i = 0; i < tops.length; i++) {
      const p = tops[i];
      res[i] = p.f(p);
    }
  }
  const extra = e.extra;
  for (let i = 0; i < extra.length; i++) {
    const w = extra[i];
    w.s(w);
  }
  if (pos !== end) throw malformed(`${end - pos} trailing byte(s) after the last value`);
  return res;
}
