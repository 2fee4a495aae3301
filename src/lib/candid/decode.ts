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
 * The parts: decode-cursor.ts (the reader and every handler that moves it), decode-utf8.ts,
 * decode-table.ts (the sender's type table), decode-plan.ts (plans), decode-subtype.ts,
 * decode-shapes.ts (the data structures); this file holds the entry points and the table cache.
 *
 * Not re-entrant (module-level reader state).
 */
import { CandidError } from './error';
import { headerBytes } from './encode';
import { getCache, setCache, showType, type Type } from './types';
import { buf, end, malformed, pos, setInput, setPos, start } from './decode-cursor';
import { canDefault, compileAll, dOptNone, fail, P_NULL, plan } from './decode-plan';
import { mkP, type Ctx, type P, type W } from './decode-shapes';
import { parseTable, PRIM_W } from './decode-table';
import { fromCharCode } from './decode-utf8';

export { MAX_DEPTH, ZERO_SIZED_BUDGET } from './limits';

const CACHE = Symbol('candid.decode');
const MAX_CACHED_TABLES = 8;

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
