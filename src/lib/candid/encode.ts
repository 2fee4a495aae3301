/**
 * Candid encoder. Written for QuickJS (an interpreter, where every JS operation counts):
 * the type table of a `types` array is built once and cached, values are written by one
 * handler per type node into a module-level growable buffer, numbers below 2^53 never
 * become BigInt arithmetic, and text is UTF-8 encoded in place.
 *
 * The type table is laid out as @dfinity/candid 3.4.3 does (children first, structurally equal
 * types shared, recursive types reserved first), so the bytes are identical to `IDL.encode`'s.
 *
 * The parts: encode-table.ts (the type table), encode-node.ts (the node E and the checks that
 * write nothing); this file holds the output buffer, the value handlers, the compilation of
 * descriptors to nodes (`enc`) and the entry points. These stay in one module: the buffer and its
 * position are module-level variables (the cheapest state QuickJS has), ES modules cannot assign
 * another module's variable, and both the handlers and `encode` move them, while `encode` reaches
 * the handlers through `header` and `enc`, so a file boundary among them would be a circle of
 * imports or a slower state. No storage; cost linear in the values' size once the header is cached.
 *
 * Not re-entrant: a getter or `toUint8Array` that itself calls `encode` would corrupt the output.
 */
import { CandidError } from './error';
import { MAX_INT_BYTES } from './limits';
import { getCache, setCache, type OptType, type RecordType, type Type, type VariantType, type VecType } from './types';
import { bad, isArray, isView, node, small, U8, type E } from './encode-node';
import { pushU, Table } from './encode-table';

// ---------------------------------------------------------------------------------------------
// Output buffer

let out: Uint8Array = new Uint8Array(1024);
let cap = 1024;
let op = 0;
let ov = new DataView(out.buffer);

function grow(n: number): void {
  let c = cap * 2;
  while (c < op + n) c *= 2;
  const nb = new Uint8Array(c);
  nb.set(out.subarray(0, op));
  out = nb;
  cap = c;
  ov = new DataView(nb.buffer);
}

/** Writes an unsigned LEB128 of a non-negative safe integer (capacity must be ensured: 8 bytes). */
function wU(n: number): void {
  if (n < 2147483648) {
    while (n >= 128) {
      out[op++] = (n & 127) | 128;
      n >>>= 7;
    }
    out[op++] = n;
    return;
  }
  while (n >= 128) {
    const b = n % 128;
    out[op++] = b | 128;
    n = (n - b) / 128;
  }
  out[op++] = n;
}

function lebSize(n: number): number {
  return n < 128 ? 1 : n < 16384 ? 2 : n < 2097152 ? 3 : n < 268435456 ? 4 : 5;
}

// ---------------------------------------------------------------------------------------------
// Value handlers: one per type, writing one value at `op` (nodes and checks: encode-node.ts)

function eNull(e: E, v: any): void {
  if (v !== null) throw bad(e, v);
}

function eNothing(_e: E, _v: any): void {
  // reserved: any value, no bytes
}

function eEmpty(e: E, v: any): void {
  throw bad(e, v, 'type empty has no values');
}

function eBool(e: E, v: any): void {
  if (op + 1 > cap) grow(1);
  if (v === true) out[op++] = 1;
  else if (v === false) out[op++] = 0;
  else throw bad(e, v);
}

/** nat/int values the decoder accepts: at most MAX_INT_BYTES bytes of (s)LEB128. */
const NAT_BOUND = 1n << BigInt(7 * MAX_INT_BYTES);
const INT_BOUND = 1n << BigInt(7 * MAX_INT_BYTES - 1);
const TOO_LONG = `longer than ${MAX_INT_BYTES} bytes of LEB128 (the codec's integer bound)`;

function bigLeb(v: bigint): void {
  while (v >= 128n) {
    if (op + 1 > cap) grow(16);
    out[op++] = Number(v & 127n) | 128;
    v >>= 7n;
  }
  if (op + 1 > cap) grow(16);
  out[op++] = Number(v);
}

function bigSleb(v: bigint): void {
  for (;;) {
    if (op + 1 > cap) grow(16);
    const b = Number(v & 127n);
    v >>= 7n;
    if ((v === 0n && (b & 64) === 0) || (v === -1n && (b & 64) !== 0)) {
      out[op++] = b;
      return;
    }
    out[op++] = b | 128;
  }
}

function eNat(e: E, v: any): void {
  let n: number;
  if (typeof v === 'bigint') {
    n = Number(v);
    if (!(n < 9007199254740992)) {
      if (v >= NAT_BOUND) throw bad(e, v, TOO_LONG);
      bigLeb(v);
      return;
    }
  } else if (typeof v === 'number' && v % 1 === 0) {
    n = v;
    if (n >= 9007199254740992) {
      if (BigInt(n) >= NAT_BOUND) throw bad(e, v, TOO_LONG);
      bigLeb(BigInt(n));
      return;
    }
  } else throw bad(e, v);
  if (n < 0) throw bad(e, v, 'negative');
  if (op + 8 > cap) grow(8);
  if (n < 128) out[op++] = n;
  else wU(n);
}

function eInt(e: E, v: any): void {
  let n: number;
  if (typeof v === 'bigint') {
    n = Number(v);
    if (!(n < 9007199254740992 && n > -9007199254740992)) {
      if (v >= INT_BOUND || v < -INT_BOUND) throw bad(e, v, TOO_LONG);
      bigSleb(v);
      return;
    }
  } else if (typeof v === 'number' && v % 1 === 0) {
    n = v;
    if (!(n < 9007199254740992 && n > -9007199254740992)) {
      const b = BigInt(n);
      if (b >= INT_BOUND || b < -INT_BOUND) throw bad(e, v, TOO_LONG);
      bigSleb(b);
      return;
    }
  } else throw bad(e, v);
  if (op + 8 > cap) grow(8);
  if (n >= -64 && n < 64) {
    out[op++] = n & 127;
    return;
  }
  for (;;) {
    let b = n % 128;
    if (b < 0) b += 128;
    n = (n - b) / 128;
    if ((n === 0 && (b & 64) === 0) || (n === -1 && (b & 64) !== 0)) {
      out[op++] = b;
      return;
    }
    out[op++] = b | 128;
  }
}

function eNat8(e: E, v: any): void {
  const n = typeof v === 'number' && v >= 0 && v <= 255 && v % 1 === 0 ? v : small(e, v);
  if (op + 1 > cap) grow(1);
  out[op++] = n;
}

function eNat16(e: E, v: any): void {
  const n = small(e, v);
  if (op + 2 > cap) grow(2);
  out[op++] = n & 255;
  out[op++] = n >>> 8;
}

function eNat32(e: E, v: any): void {
  const n = small(e, v);
  if (op + 4 > cap) grow(4);
  ov.setUint32(op, n, true);
  op += 4;
}

function eInt8(e: E, v: any): void {
  const n = small(e, v);
  if (op + 1 > cap) grow(1);
  out[op++] = n & 255;
}

function eInt16(e: E, v: any): void {
  const n = small(e, v);
  if (op + 2 > cap) grow(2);
  out[op++] = n & 255;
  out[op++] = (n >> 8) & 255;
}

function eInt32(e: E, v: any): void {
  const n = small(e, v);
  if (op + 4 > cap) grow(4);
  ov.setInt32(op, n, true);
  op += 4;
}

function eNat64(e: E, v: any): void {
  if (op + 8 > cap) grow(8);
  if (typeof v === 'bigint') {
    if (v < 0n || v > 18446744073709551615n) throw bad(e, v, 'out of range');
    ov.setBigUint64(op, v, true);
  } else if (typeof v === 'number' && v % 1 === 0 && v >= 0) {
    if (v < 9007199254740992) {
      const lo = v % 4294967296;
      ov.setUint32(op, lo, true);
      ov.setUint32(op + 4, (v - lo) / 4294967296, true);
    } else if (v < 18446744073709551616) ov.setBigUint64(op, BigInt(v), true);
    else throw bad(e, v, 'out of range');
  } else throw bad(e, v);
  op += 8;
}

function eInt64(e: E, v: any): void {
  if (op + 8 > cap) grow(8);
  if (typeof v === 'bigint') {
    if (v < -9223372036854775808n || v > 9223372036854775807n) throw bad(e, v, 'out of range');
    ov.setBigInt64(op, v, true);
  } else if (typeof v === 'number' && v % 1 === 0) {
    if (v < 9007199254740992 && v > -9007199254740992) {
      let lo = v % 4294967296;
      if (lo < 0) lo += 4294967296;
      ov.setUint32(op, lo, true);
      ov.setInt32(op + 4, (v - lo) / 4294967296, true);
    } else if (v >= -9223372036854775808 && v < 9223372036854775808) ov.setBigInt64(op, BigInt(v), true);
    else throw bad(e, v, 'out of range');
  } else throw bad(e, v);
  op += 8;
}

function eF32(e: E, v: any): void {
  if (typeof v !== 'number') throw bad(e, v);
  if (op + 4 > cap) grow(4);
  ov.setFloat32(op, v, true);
  op += 4;
}

function eF64(e: E, v: any): void {
  if (typeof v !== 'number') throw bad(e, v);
  if (op + 8 > cap) grow(8);
  ov.setFloat64(op, v, true);
  op += 8;
}

/** UTF-8 text with its LEB128 byte length, encoded in place (lone surrogates become U+FFFD). */
function writeText(s: string): void {
  const n = s.length;
  if (op + n * 3 + 5 > cap) grow(n * 3 + 5);
  const lsz = lebSize(n);
  const start = op + lsz;
  let p = start;
  let i = 0;
  for (; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c >= 128) break;
    out[p++] = c;
  }
  for (; i < n; i++) {
    let c = s.charCodeAt(i);
    if (c < 128) out[p++] = c;
    else if (c < 2048) {
      out[p++] = 192 | (c >> 6);
      out[p++] = 128 | (c & 63);
    } else {
      if (c >= 0xd800 && c <= 0xdfff) {
        const d = i + 1 < n ? s.charCodeAt(i + 1) : 0;
        if (c <= 0xdbff && d >= 0xdc00 && d <= 0xdfff) {
          c = 65536 + ((c - 0xd800) << 10) + (d - 0xdc00);
          i++;
          out[p++] = 240 | (c >> 18);
          out[p++] = 128 | ((c >> 12) & 63);
          out[p++] = 128 | ((c >> 6) & 63);
          out[p++] = 128 | (c & 63);
          continue;
        }
        c = 0xfffd;
      }
      out[p++] = 224 | (c >> 12);
      out[p++] = 128 | ((c >> 6) & 63);
      out[p++] = 128 | (c & 63);
    }
  }
  const blen = p - start;
  const rsz = lebSize(blen);
  if (rsz !== lsz) {
    out.copyWithin(op + rsz, start, p);
    p += rsz - lsz;
  }
  wU(blen);
  op = p;
}

/**
 * Encoded short strings (length prefix included), by string: a Map lookup and one copy instead of
 * a charCodeAt call per character. Reply texts repeat (error messages, ICRC-3 map keys).
 */
const textCache = new Map<string, Uint8Array>();
const TEXT_CACHE_MAX_LENGTH = 64;
const TEXT_CACHE_MAX_ENTRIES = 1024;

function eText(e: E, v: any): void {
  if (typeof v !== 'string') throw bad(e, v);
  const len = v.length;
  if (len < 3) {
    if (op + 3 > cap) grow(3);
    const a = len > 0 ? v.charCodeAt(0) : 0;
    const b = len > 1 ? v.charCodeAt(1) : 0;
    if ((a | b) < 128) {
      out[op++] = len;
      if (len > 0) out[op++] = a;
      if (len > 1) out[op++] = b;
      return;
    }
    writeText(v);
    return;
  }
  if (len > TEXT_CACHE_MAX_LENGTH) {
    writeText(v);
    return;
  }
  const b = textCache.get(v);
  if (b !== undefined) {
    const n = b.length;
    if (op + n > cap) grow(n);
    out.set(b, op);
    op += n;
    return;
  }
  const start = op;
  writeText(v);
  if (textCache.size >= TEXT_CACHE_MAX_ENTRIES) textCache.clear();
  textCache.set(v, out.slice(start, op));
}

function writePrincipal(e: E, v: any): void {
  if (v === null || typeof v !== 'object' || !v._isPrincipal) throw bad(e, v, 'not a Principal');
  const b = v.toUint8Array();
  const n = b.length;
  if (n > 29) throw bad(e, v, `principal is ${n} bytes (at most 29)`);
  if (op + 31 > cap) grow(31);
  out[op++] = 1;
  out[op++] = n;
  out.set(b, op);
  op += n;
}

function ePrincipal(e: E, v: any): void {
  writePrincipal(e, v);
}

function eFunc(e: E, v: any): void {
  if (!isArray(v) || v.length !== 2 || typeof v[1] !== 'string') throw bad(e, v, 'expected [Principal, method name]');
  if (op + 1 > cap) grow(1);
  out[op++] = 1;
  writePrincipal(e, v[0]);
  writeText(v[1]);
}

function eOpt(e: E, v: any): void {
  if (!isArray(v) || v.length > 1) throw bad(e, v, 'expected [] or [value]');
  if (op + 1 > cap) grow(1);
  if (v.length === 0) {
    out[op++] = 0;
    return;
  }
  out[op++] = 1;
  const c = e.c!;
  c.f(c, v[0]);
}

function eBlob(e: E, v: any): void {
  if (v instanceof U8) {
    const n = v.length;
    if (op + n + 5 > cap) grow(n + 5);
    if (n < 128) out[op++] = n;
    else wU(n);
    out.set(v, op);
    op += n;
    return;
  }
  if (!isArray(v)) throw bad(e, v, 'expected Uint8Array or number[]');
  const n = v.length;
  if (op + n + 5 > cap) grow(n + 5);
  wU(n);
  for (let i = 0; i < n; i++) {
    const x = v[i];
    if (!(typeof x === 'number' && x >= 0 && x <= 255 && x % 1 === 0)) throw bad(e, v, `element ${i} is not a nat8`);
    out[op++] = x;
  }
}

function eVec(e: E, v: any): void {
  if (!isArray(v) && !(isView(v) && typeof (v as Uint8Array).length === 'number')) throw bad(e, v, 'expected an array');
  const n = (v as unknown[]).length;
  if (op + 5 > cap) grow(5);
  if (n < 128) out[op++] = n;
  else wU(n);
  const c = e.c!;
  const f = c.f;
  for (let i = 0; i < n; i++) f(c, (v as any)[i]);
}

function eRecord(e: E, v: any): void {
  if (v === null || typeof v !== 'object') throw bad(e, v, 'expected an object');
  const keys = e.keys!;
  const subs = e.subs!;
  const n = keys.length;
  for (let i = 0; i < n; i++) {
    const x = v[keys[i]];
    const s = subs[i];
    if (x === undefined && s.f !== eNothing) throw bad(e, v, `field ${JSON.stringify(keys[i])} is missing`);
    s.f(s, x);
  }
}

function eTuple(e: E, v: any): void {
  const subs = e.subs!;
  const n = subs.length;
  if (!isArray(v) || v.length < n) throw bad(e, v, `expected an array of ${n}`);
  for (let i = 0; i < n; i++) {
    const s = subs[i];
    s.f(s, v[i]);
  }
}

/** A variant of at most 3 cases: probe the case names (cheapest in QuickJS for few cases). */
function eVariantFew(e: E, v: any): void {
  if (v === null || typeof v !== 'object') throw bad(e, v, 'expected an object with one case');
  const names = e.keys as string[];
  const n = names.length;
  let i = 0;
  while (i < n && v[names[i]] === undefined) i++;
  if (i === n) {
    const ks = Object.keys(v);
    throw bad(e, v, ks.length === 0 ? 'no case' : `unknown case ${JSON.stringify(ks[0])}`);
  }
  for (let j = i + 1; j < n; j++) if (v[names[j]] !== undefined) throw bad(e, v, 'more than one case');
  if (op + 1 > cap) grow(1);
  out[op++] = i;
  const s = e.subs![i];
  s.f(s, v[names[i]]);
}

/** A variant of more cases: one Object.keys and an index lookup. */
function eVariant(e: E, v: any): void {
  if (v === null || typeof v !== 'object') throw bad(e, v, 'expected an object with one case');
  const ks = Object.keys(v);
  if (ks.length !== 1) throw bad(e, v, ks.length === 0 ? 'no case' : 'more than one case');
  const key = ks[0];
  const i = e.index![key];
  if (i === undefined) throw bad(e, v, `unknown case ${JSON.stringify(key)}`);
  if (op + 5 > cap) grow(5);
  if (i < 128) out[op++] = i;
  else wU(i);
  const s = e.subs![i];
  s.f(s, v[key]);
}

// ---------------------------------------------------------------------------------------------
// Compiling descriptors to encoder nodes (memoised per descriptor; cycles through `rec` are fine)

const nodes = new WeakMap<Type, E>();

function enc(t: Type): E {
  let e = nodes.get(t);
  if (e !== undefined) return e;
  if (t === null || typeof t !== 'object' || typeof t.k !== 'number') throw new CandidError(`encode: not a Candid type: ${String(t)}`);
  switch (t.k) {
    case -1: e = node(eNull, t); break;
    case -2: e = node(eBool, t); break;
    case -3: e = node(eNat, t); break;
    case -4: e = node(eInt, t); break;
    case -5: e = node(eNat8, t, 0, 255); break;
    case -6: e = node(eNat16, t, 0, 65535); break;
    case -7: e = node(eNat32, t, 0, 4294967295); break;
    case -8: e = node(eNat64, t); break;
    case -9: e = node(eInt8, t, -128, 127); break;
    case -10: e = node(eInt16, t, -32768, 32767); break;
    case -11: e = node(eInt32, t, -2147483648, 2147483647); break;
    case -12: e = node(eInt64, t); break;
    case -13: e = node(eF32, t); break;
    case -14: e = node(eF64, t); break;
    case -15: e = node(eText, t); break;
    case -16: e = node(eNothing, t); break;
    case -17: e = node(eEmpty, t); break;
    case -24: e = node(ePrincipal, t); break;
    case -18:
      e = node(eOpt, t);
      nodes.set(t, e);
      e.c = enc((t as OptType).t);
      return e;
    case -19: {
      const el = (t as VecType).t;
      if (el && el.k === -5) {
        e = node(eBlob, t);
        break;
      }
      e = node(eVec, t);
      nodes.set(t, e);
      e.c = enc(el);
      return e;
    }
    case -20: {
      const r = t as RecordType;
      e = node(r.tuple ? eTuple : eRecord, t);
      nodes.set(t, e);
      e.keys = r.tuple ? r.names.map((_, i) => i) : r.names.slice();
      e.subs = r.types.map(enc);
      return e;
    }
    case -21: {
      const r = t as VariantType;
      e = node(eVariant, t);
      nodes.set(t, e);
      e.f = r.names.length <= 3 ? eVariantFew : eVariant;
      e.keys = r.names.slice();
      const index: { [name: string]: number } = Object.create(null);
      r.names.forEach((n, i) => (index[n] = i));
      e.index = index;
      e.subs = r.types.map(enc);
      return e;
    }
    case -22: e = node(eFunc, t); break;
    case -23: e = node(ePrincipal, t); break;
    default:
      throw new CandidError(`encode: unknown type opcode ${t.k}`);
  }
  nodes.set(t, e);
  return e;
}

// ---------------------------------------------------------------------------------------------
// Header (type table: encode-table.ts) and entry points

interface Header {
  hdr: Uint8Array;
  nodes: E[];
}

const HEADER = Symbol('candid.encode');

/** Magic, type table and argument types for `types`, plus their encoder nodes. */
function header(types: readonly Type[]): Header {
  const table = new Table();
  types.forEach((t) => {
    if (t === null || typeof t !== 'object' || typeof t.k !== 'number') throw new CandidError(`encode: not a Candid type: ${String(t)}`);
    table.add(t);
  });
  const a: number[] = [0x44, 0x49, 0x44, 0x4c];
  pushU(a, table.entries.length);
  for (const e of table.entries) a.push(...e!);
  pushU(a, types.length);
  types.forEach((t) => table.ref(a, t));
  return { hdr: new Uint8Array(a), nodes: types.map(enc) };
}

function headerOf(types: readonly Type[]): Header {
  let h = getCache<Header>(types, HEADER);
  if (h === undefined) {
    if (!isArray(types)) throw new CandidError('encode: types must be an array');
    h = header(types);
    setCache(types, HEADER, h);
  }
  return h;
}

/** "DIDL", the type table and the argument types that `encode(types, …)` writes (cached). */
export function headerBytes(types: readonly Type[]): Uint8Array {
  return headerOf(types).hdr;
}

/** Encodes `values` (one per type) as a Candid message. */
export function encode(types: readonly Type[], values: readonly unknown[]): Uint8Array {
  const k0: any = types.length === 1 ? types[0] : types;
  const h: Header = k0[HEADER] ?? headerOf(types);
  if (!isArray(values) || values.length !== types.length) {
    throw new CandidError(`encode: ${types.length} type(s) but ${isArray(values) ? values.length : 'no array of'} value(s)`);
  }
  const hdr = h.hdr;
  op = 0;
  if (hdr.length + 64 > cap) grow(hdr.length + 64);
  out.set(hdr, 0);
  op = hdr.length;
  const ns = h.nodes;
  for (let i = 0; i < ns.length; i++) {
    const e = ns[i];
    e.f(e, values[i]);
  }
  return out.slice(0, op);
}
