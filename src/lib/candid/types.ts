/**
 * Candid type descriptors as plain data.
 *
 * Every descriptor is an object whose `k` is the Candid opcode of its type constructor
 * (null = -1 … principal = -24), so the type table is written straight from it. Composite
 * descriptors carry their parts in sorted (wire) order:
 *   opt / vec:        { k, t }
 *   record / variant: { k, names, ids, types }  (sorted by field id; record also has `tuple`)
 *   func:             { k, args, rets, ann }     (ann: annotation codes 1 query, 2 oneway, 3 composite_query)
 *   service:          { k, names, types }        (sorted by method name)
 * A descriptor made by `rec` additionally carries `r`, a unique number; it is the only way to
 * build a cyclic (recursive) type.
 */
import type { Principal } from '@dfinity/principal';
import { CandidError } from './error';

/** A Candid type; `V` is the JavaScript value it maps to (compile-time only). */
export interface Type<V = unknown> {
  readonly k: number;
  /** phantom: never set */
  readonly __v?: V;
}

export interface OptType extends Type { readonly t: Type }
export interface VecType extends Type { readonly t: Type }
export interface RecordType extends Type {
  readonly names: readonly string[];
  readonly ids: readonly number[];
  readonly types: readonly Type[];
  /** decoded to / encoded from a JS array (the fields are 0..n-1) */
  readonly tuple: boolean;
  readonly r?: number;
}
export interface VariantType extends Type {
  readonly names: readonly string[];
  readonly ids: readonly number[];
  readonly types: readonly Type[];
  readonly r?: number;
}
export interface FuncType extends Type {
  readonly args: readonly Type[];
  readonly rets: readonly Type[];
  readonly ann: readonly number[];
}
export interface ServiceType extends Type {
  readonly names: readonly string[];
  readonly types: readonly Type[];
}

/** Candid opcodes. */
export const Op = {
  Null: -1, Bool: -2, Nat: -3, Int: -4, Nat8: -5, Nat16: -6, Nat32: -7, Nat64: -8,
  Int8: -9, Int16: -10, Int32: -11, Int64: -12, Float32: -13, Float64: -14, Text: -15,
  Reserved: -16, Empty: -17, Opt: -18, Vec: -19, Record: -20, Variant: -21, Func: -22,
  Service: -23, Principal: -24,
} as const;

/** True for opcodes of types that never appear in the type table. */
export function isPrimitiveOp(k: number): boolean {
  return (k <= -1 && k >= -17) || k === -24;
}

export const ANNOTATIONS: { readonly [name: string]: number } = { query: 1, oneway: 2, composite_query: 3 };

/** The Candid field-name hash: h = h * 223 + byte (mod 2^32) over the UTF-8 bytes of the name. */
export function idlHash(name: string): number {
  let h = 0;
  for (let i = 0; i < name.length; i++) {
    let c = name.charCodeAt(i);
    if (c < 0x80) {
      h = (h * 223 + c) % 4294967296;
      continue;
    }
    // UTF-8 encode this code point (lone surrogates become U+FFFD, as TextEncoder does)
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < name.length) {
      const d = name.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
        i++;
      } else c = 0xfffd;
    } else if (c >= 0xd800 && c <= 0xdfff) c = 0xfffd;
    let bytes: number[];
    if (c < 0x800) bytes = [0xc0 | (c >> 6), 0x80 | (c & 63)];
    else if (c < 0x10000) bytes = [0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63)];
    else bytes = [0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63)];
    for (const b of bytes) h = (h * 223 + b) % 4294967296;
  }
  return h;
}

/**
 * The id of a record/variant label: `_123_` (decimal) or `_0x1f_` (hex) name a numeric id
 * directly (as in @dfinity/candid); any other name is hashed with `idlHash`.
 */
export function labelToId(label: string): number {
  const n = label.length;
  if (n >= 3 && label.charCodeAt(0) === 95 && label.charCodeAt(n - 1) === 95) {
    const body = label.slice(1, -1);
    let v = -1;
    if (body.length > 2 && body[0] === '0' && body[1] === 'x') {
      v = 0;
      for (let i = 2; i < body.length; i++) {
        const c = body.charCodeAt(i);
        const d = c >= 48 && c <= 57 ? c - 48 : c >= 97 && c <= 102 ? c - 87 : c >= 65 && c <= 70 ? c - 55 : -1;
        if (d < 0) { v = -1; break; }
        v = v * 16 + d;
      }
    } else if (body.length > 0) {
      v = 0;
      for (let i = 0; i < body.length; i++) {
        const c = body.charCodeAt(i);
        if (c < 48 || c > 57) { v = -1; break; }
        v = v * 10 + (c - 48);
      }
    }
    if (v >= 0 && v < 4294967296) return v;
  }
  return idlHash(label);
}

// ---------------------------------------------------------------------------------------------
// Value types (compile-time mapping from descriptor to JavaScript value)

export type ValueOf<T> = T extends Type<infer V> ? V : never;
type Values<F extends { [name: string]: Type<any> }> = { [K in keyof F]: ValueOf<F[K]> };
type OneOf<F extends { [name: string]: Type<any> }> = {
  [K in keyof F]: { [P in K]: ValueOf<F[K]> };
}[keyof F];
export type ValuesOf<Ts extends readonly Type<any>[]> = { -readonly [I in keyof Ts]: ValueOf<Ts[I]> };

export interface PrincipalLike {
  readonly _isPrincipal: boolean;
  toUint8Array(): Uint8Array;
}

// ---------------------------------------------------------------------------------------------
// Constructors

function prim<V, K extends number>(k: K): Type<V> & { readonly k: K } {
  return Object.freeze({ k }) as Type<V> & { readonly k: K };
}

function sortedFields(fields: { [name: string]: Type<any> }, what: string): { names: string[]; ids: number[]; types: Type[] } {
  const entries = Object.keys(fields).map((name) => {
    const t = fields[name];
    if (t === undefined || t === null || typeof (t as Type).k !== 'number') {
      throw new CandidError(`${what} field ${JSON.stringify(name)} is not a Candid type`);
    }
    return { name, id: labelToId(name), t };
  });
  entries.sort((a, b) => a.id - b.id);
  for (let i = 1; i < entries.length; i++) {
    if (entries[i].id === entries[i - 1].id) {
      throw new CandidError(`${what} fields ${JSON.stringify(entries[i - 1].name)} and ${JSON.stringify(entries[i].name)} have the same id ${entries[i].id}`);
    }
  }
  return { names: entries.map((e) => e.name), ids: entries.map((e) => e.id), types: entries.map((e) => e.t) };
}

function checkType(t: unknown, what: string): void {
  if (t === undefined || t === null || typeof (t as Type).k !== 'number') {
    // a `rec` placeholder is still `{}` while its body is being built: allow plain objects
    if (typeof t === 'object' && t !== null) return;
    throw new CandidError(`${what}: not a Candid type`);
  }
}

/** vec of a fixed-size integer decodes to the matching typed array (as @dfinity/candid does). */
type VecOf<T> = T extends { k: -5 } ? Uint8Array : T extends { k: -6 } ? Uint16Array : T extends { k: -7 } ? Uint32Array
  : T extends { k: -8 } ? BigUint64Array : T extends { k: -9 } ? Int8Array : T extends { k: -10 } ? Int16Array
  : T extends { k: -11 } ? Int32Array : T extends { k: -12 } ? BigInt64Array : ValueOf<T>[];

function vec<T extends Type<any>>(t: T): Type<VecOf<T>> {
  checkType(t, 'vec');
  return { k: -19, t } as VecType as any;
}

function opt<V>(t: Type<V>): Type<[] | [V]> {
  checkType(t, 'opt');
  return { k: -18, t } as OptType as any;
}

function record<F extends { [name: string]: Type<any> }>(fields: F): Type<Values<F>> {
  const { names, ids, types } = sortedFields(fields, 'record');
  const r: RecordType = { k: -20, names, ids, types, tuple: false };
  return r as any;
}

function tuple<Ts extends Type<any>[]>(...ts: Ts): Type<ValuesOf<Ts>> {
  ts.forEach((t, i) => checkType(t, `tuple component ${i}`));
  const r: RecordType = { k: -20, names: ts.map((_, i) => `_${i}_`), ids: ts.map((_, i) => i), types: ts.slice(), tuple: true };
  return r as any;
}

function variant<F extends { [name: string]: Type<any> }>(fields: F): Type<OneOf<F>> {
  const { names, ids, types } = sortedFields(fields, 'variant');
  const r: VariantType = { k: -21, names, ids, types };
  return r as any;
}

function func(args: readonly Type<any>[], rets: readonly Type<any>[], annotations: readonly string[] = []): Type<[Principal, string]> {
  args.forEach((t) => checkType(t, 'func argument'));
  rets.forEach((t) => checkType(t, 'func result'));
  const ann = annotations.map((a) => {
    const c = ANNOTATIONS[a];
    if (c === undefined) throw new CandidError(`unknown function annotation ${JSON.stringify(a)}`);
    return c;
  });
  const f: FuncType = { k: -22, args: args.slice(), rets: rets.slice(), ann };
  return f as any;
}

function service(methods: { [name: string]: Type<[Principal, string]> }): Type<Principal> {
  const names = Object.keys(methods).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const types = names.map((n) => {
    const t = methods[n] as Type;
    if (!t || t.k !== -22) throw new CandidError(`service method ${JSON.stringify(n)} is not a func type`);
    return t;
  });
  const s: ServiceType = { k: -23, names, types };
  return s as any;
}

let recCounter = 0;

/**
 * A recursive type: `f` receives the type being defined and returns its body, e.g.
 * `const Value: Type<V> = C.rec<V>((self) => C.variant({ Nat: C.nat, Array: C.vec(self) }))`.
 * The returned descriptor is the body itself (plain data with a real cycle).
 */
function rec<V>(f: (self: Type<V>) => Type<V>): Type<V> {
  const self = {} as { k: number; r?: number };
  const body = f(self as Type<V>) as unknown as { k: number };
  if (body === (self as unknown) || body === undefined || body === null || typeof body.k !== 'number') {
    throw new CandidError('rec: the body must be a Candid type other than the recursive reference itself');
  }
  Object.assign(self, body);
  if (!isPrimitiveOp(body.k)) self.r = ++recCounter;
  return self as Type<V>;
}

const NAT8 = prim<number, -5>(-5);

/** The type constructors. */
export const C = {
  null: prim<null, -1>(-1),
  bool: prim<boolean, -2>(-2),
  nat: prim<bigint, -3>(-3),
  int: prim<bigint, -4>(-4),
  nat8: NAT8,
  nat16: prim<number, -6>(-6),
  nat32: prim<number, -7>(-7),
  nat64: prim<bigint, -8>(-8),
  int8: prim<number, -9>(-9),
  int16: prim<number, -10>(-10),
  int32: prim<number, -11>(-11),
  int64: prim<bigint, -12>(-12),
  float32: prim<number, -13>(-13),
  float64: prim<number, -14>(-14),
  text: prim<string, -15>(-15),
  reserved: prim<null, -16>(-16),
  empty: prim<never, -17>(-17),
  principal: prim<Principal, -24>(-24),
  /** vec nat8: decodes to Uint8Array; encodes from Uint8Array or number[] */
  blob: { k: -19, t: NAT8 } as VecType as Type<Uint8Array>,
  vec,
  opt,
  record,
  tuple,
  variant,
  func,
  service,
  rec,
};

const PRIM_NAMES: { [k: number]: string } = {
  [-1]: 'null', [-2]: 'bool', [-3]: 'nat', [-4]: 'int', [-5]: 'nat8', [-6]: 'nat16', [-7]: 'nat32', [-8]: 'nat64',
  [-9]: 'int8', [-10]: 'int16', [-11]: 'int32', [-12]: 'int64', [-13]: 'float32', [-14]: 'float64', [-15]: 'text',
  [-16]: 'reserved', [-17]: 'empty', [-24]: 'principal',
};

/** A short Candid-text rendering of a type (descriptor or parsed wire type), for error messages. */
/** At most 8 items, each shown by `f` (a sender's table can hold thousands: messages stay short). */
function few(xs: any[], f: (x: any) => string, sep: string): string {
  const parts: string[] = [];
  for (let i = 0; i < xs.length && i < 8; i++) parts.push(f(xs[i]));
  if (xs.length > 8) parts.push('…');
  return parts.join(sep);
}

export function showType(t: any, depth = 2): string {
  if (t === null || t === undefined || typeof t.k !== 'number') return '?';
  const k = t.k as number;
  const p = PRIM_NAMES[k];
  if (p !== undefined) return p;
  if (depth <= 0) {
    return k === -18 ? 'opt …' : k === -19 ? 'vec …' : k === -20 ? 'record {…}' : k === -21 ? 'variant {…}' : k === -22 ? 'func …' : k === -23 ? 'service {…}' : `future(${k})`;
  }
  switch (k) {
    case -18: return 'opt ' + showType(t.t, depth - 1);
    case -19: return 'vec ' + showType(t.t, depth - 1);
    case -20:
    case -21: {
      const parts: string[] = [];
      const n = t.ids.length;
      for (let i = 0; i < n && i < 8; i++) {
        const label = t.names ? t.names[i] : String(t.ids[i]);
        parts.push(`${label} : ${showType(t.types[i], depth - 1)}`);
      }
      if (n > 8) parts.push('…');
      return `${k === -20 ? 'record' : 'variant'} { ${parts.join('; ')} }`;
    }
    case -22: return `func (${few(t.args, (a) => showType(a, depth - 1), ', ')}) -> (${few(t.rets, (a) => showType(a, depth - 1), ', ')})`;
    case -23: return `service { ${few(t.names, (n: string) => (n.length > 40 ? n.slice(0, 40) + '…' : n), '; ')} }`;
    default: return `future type ${k}`;
  }
}

const NO_TYPES: Type[] = [];
const fallback = new WeakMap<object, Map<symbol, unknown>>();

/**
 * Per-`types` caches of the encoder and decoder. A one-type array is keyed by its type (so a
 * fresh `[T]` literal per call still hits). The cache lives in a non-enumerable symbol property
 * of the key object (a property read is far cheaper than a WeakMap lookup in QuickJS), or in a
 * WeakMap for frozen keys (the primitive type singletons).
 */
export function getCache<V>(types: readonly Type[], sym: symbol): V | undefined {
  const key: any = types.length === 1 ? types[0] : types.length === 0 ? NO_TYPES : types;
  const v = key[sym];
  if (v !== undefined) return v;
  const m = fallback.get(key);
  return m === undefined ? undefined : (m.get(sym) as V | undefined);
}

export function setCache(types: readonly Type[], sym: symbol, v: unknown): void {
  const key: any = types.length === 1 ? types[0] : types.length === 0 ? NO_TYPES : types;
  if (key === null || typeof key !== 'object') throw new CandidError(`not a Candid type: ${String(key)}`);
  if (Object.isExtensible(key)) Object.defineProperty(key, sym, { value: v, enumerable: false, configurable: true, writable: true });
  else {
    let m = fallback.get(key);
    if (m === undefined) fallback.set(key, (m = new Map()));
    m.set(sym, v);
  }
}
