/**
 * Test helpers for the Candid codec: the @dfinity/candid type matching a descriptor, and
 * fast-check generators of random descriptors and of values of a descriptor (in the JS shape
 * @dfinity/candid 3.4.3 decodes to).
 */
import { IDL } from '@dfinity/candid';
import { Principal } from '@dfinity/principal';
import fc from 'fast-check';
import { C, type Type } from '../../../../src/lib/candid/candid';

type Any = any;

/** The @dfinity/candid type for one of our descriptors (recursive descriptors become IDL.Rec). */
export function toIdl(t: Type, memo: Map<Type, IDL.Type> = new Map()): IDL.Type {
  const known = memo.get(t);
  if (known) return known;
  const d = t as Any;
  switch (t.k) {
    case -1: return IDL.Null;
    case -2: return IDL.Bool;
    case -3: return IDL.Nat;
    case -4: return IDL.Int;
    case -5: return IDL.Nat8;
    case -6: return IDL.Nat16;
    case -7: return IDL.Nat32;
    case -8: return IDL.Nat64;
    case -9: return IDL.Int8;
    case -10: return IDL.Int16;
    case -11: return IDL.Int32;
    case -12: return IDL.Int64;
    case -13: return IDL.Float32;
    case -14: return IDL.Float64;
    case -15: return IDL.Text;
    case -16: return IDL.Reserved;
    case -17: return IDL.Empty;
    case -24: return IDL.Principal;
  }
  let rec: ReturnType<typeof IDL.Rec> | null = null;
  if (d.r !== undefined) {
    rec = IDL.Rec();
    memo.set(t, rec);
  }
  let r: IDL.Type;
  switch (t.k) {
    case -18: r = IDL.Opt(toIdl(d.t, memo)); break;
    case -19: r = IDL.Vec(toIdl(d.t, memo)); break;
    case -20:
      if (d.tuple) r = IDL.Tuple(...d.types.map((x: Type) => toIdl(x, memo)));
      else r = IDL.Record(Object.fromEntries(d.names.map((n: string, i: number) => [n, toIdl(d.types[i], memo)])));
      break;
    case -21: r = IDL.Variant(Object.fromEntries(d.names.map((n: string, i: number) => [n, toIdl(d.types[i], memo)]))); break;
    case -22: {
      const names = ['', 'query', 'oneway', 'composite_query'];
      r = IDL.Func(d.args.map((x: Type) => toIdl(x, memo)), d.rets.map((x: Type) => toIdl(x, memo)), d.ann.map((a: number) => names[a]));
      break;
    }
    case -23: r = IDL.Service(Object.fromEntries(d.names.map((n: string, i: number) => [n, toIdl(d.types[i], memo)]))); break;
    default: throw new Error('toIdl: unknown kind ' + t.k);
  }
  if (rec) {
    rec.fill(r as Any);
    return rec;
  }
  memo.set(t, r);
  return r;
}

// ---------------------------------------------------------------------------------------------
// Random descriptors

const PRIMS: Type[] = [
  C.null, C.bool, C.nat, C.int, C.nat8, C.nat16, C.nat32, C.nat64, C.int8, C.int16, C.int32, C.int64,
  C.float32, C.float64, C.text, C.reserved, C.principal,
];

/** Field labels: identifiers (hashed) and a few numeric `_N_` labels. */
const labelArb = fc.oneof(
  { weight: 4, arbitrary: fc.stringMatching(/^[a-z_][a-zA-Z0-9_]{0,11}$/) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 40 }).map((n) => `_${n}_`) },
);

function fieldsArb(inner: fc.Arbitrary<Type>, min: number, max: number): fc.Arbitrary<{ [k: string]: Type }> {
  return fc
    .uniqueArray(fc.tuple(labelArb, inner), { minLength: min, maxLength: max, selector: ([l]) => l })
    .filter((entries) => {
      // distinct ids (hash collisions are astronomically rare, but be exact)
      try {
        C.record(Object.fromEntries(entries));
        return true;
      } catch {
        return false;
      }
    })
    .map((entries) => Object.fromEntries(entries));
}

const funcArb = (inner: fc.Arbitrary<Type>) =>
  fc
    .tuple(fc.array(inner, { maxLength: 2 }), fc.array(inner, { maxLength: 2 }), fc.constantFrom([], ['query'], ['oneway'], ['composite_query']))
    .map(([a, r, ann]) => C.func(a, r, ann));

/** Random non-recursive descriptors of bounded depth. */
export const typeArb: fc.Arbitrary<Type> = fc.letrec<{ type: Type }>((tie) => ({
  type: fc.oneof(
    { depthSize: 'small', maxDepth: 4 },
    { weight: 6, arbitrary: fc.constantFrom(...PRIMS) },
    { weight: 1, arbitrary: fc.constant(C.blob as Type) },
    { weight: 2, arbitrary: tie('type').map((t) => C.vec(t) as Type) },
    { weight: 2, arbitrary: tie('type').map((t) => C.opt(t) as Type) },
    { weight: 2, arbitrary: fieldsArb(tie('type'), 0, 5).map((f) => C.record(f) as Type) },
    { weight: 1, arbitrary: fc.array(tie('type'), { maxLength: 4 }).map((ts) => C.tuple(...ts) as Type) },
    { weight: 2, arbitrary: fieldsArb(tie('type'), 1, 5).map((f) => C.variant(f) as Type) },
    { weight: 1, arbitrary: funcArb(fc.constantFrom(...PRIMS)).map((t) => t as Type) },
    { weight: 1, arbitrary: fc.constant(C.opt(C.empty) as Type) },
  ),
})).type;

/** The ICRC-3 Value type. */
export type IcrcValue =
  | { Blob: Uint8Array }
  | { Text: string }
  | { Nat: bigint }
  | { Int: bigint }
  | { Array: IcrcValue[] }
  | { Map: [string, IcrcValue][] };

export const ValueT = C.rec<IcrcValue>((self) =>
  C.variant({ Blob: C.blob, Text: C.text, Nat: C.nat, Int: C.int, Array: C.vec(self), Map: C.vec(C.tuple(C.text, self)) }) as Any,
);

/** Random recursive descriptors: recursion only under vec/opt (so values are finite). */
export const recTypeArb: fc.Arbitrary<Type> = fc
  .tuple(typeArb, typeArb, fc.constantFrom('vec', 'opt', 'recvec', 'pair'))
  .map(([a, b, shape]) =>
    C.rec((self) => {
      switch (shape) {
        case 'vec': return C.variant({ leaf: a, node: C.vec(self) }) as Any;
        case 'opt': return C.record({ head: a, tail: C.opt(self) }) as Any;
        case 'recvec': return C.record({ value: a, children: C.vec(self), extra: b }) as Any;
        default: return C.variant({ leaf: a, pair: C.tuple(self, self), other: b }) as Any;
      }
    }),
  );

// ---------------------------------------------------------------------------------------------
// Random values of a descriptor

const principalArb = fc.uint8Array({ maxLength: 29 }).map((b) => Principal.fromUint8Array(b));

const TYPED: { [k: number]: [Any, fc.Arbitrary<Any>] } = {
  [-6]: [Uint16Array, fc.integer({ min: 0, max: 65535 })],
  [-7]: [Uint32Array, fc.integer({ min: 0, max: 4294967295 })],
  [-8]: [BigUint64Array, fc.bigInt({ min: 0n, max: 2n ** 64n - 1n })],
  [-9]: [Int8Array, fc.integer({ min: -128, max: 127 })],
  [-10]: [Int16Array, fc.integer({ min: -32768, max: 32767 })],
  [-11]: [Int32Array, fc.integer({ min: -2147483648, max: 2147483647 })],
  [-12]: [BigInt64Array, fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n })],
};

function inhabited(t: Type, seen: Set<Type> = new Set()): boolean {
  if (t.k === -17) return false;
  if (seen.has(t)) return false;
  const d = t as Any;
  if (t.k === -20) {
    seen.add(t);
    const ok = d.types.every((x: Type) => inhabited(x, seen));
    seen.delete(t);
    return ok;
  }
  if (t.k === -21) {
    seen.add(t);
    const ok = d.types.some((x: Type) => inhabited(x, seen));
    seen.delete(t);
    return ok;
  }
  return true;
}

/** A value of `t` as @dfinity/candid decodes it; `depth` bounds recursion. */
export function valueArb(t: Type, depth = 0): fc.Arbitrary<unknown> {
  const d = t as Any;
  const deep = depth > 3;
  switch (t.k) {
    case -1: return fc.constant(null);
    case -2: return fc.boolean();
    case -3: return fc.oneof(fc.bigInt({ min: 0n, max: 300n }), fc.bigInt({ min: 0n, max: 2n ** 100n }));
    case -4: return fc.oneof(fc.bigInt({ min: -300n, max: 300n }), fc.bigInt({ min: -(2n ** 100n), max: 2n ** 100n }));
    case -5: return fc.integer({ min: 0, max: 255 });
    case -6: return TYPED[-6][1];
    case -7: return TYPED[-7][1];
    case -8: return TYPED[-8][1];
    case -9: return TYPED[-9][1];
    case -10: return TYPED[-10][1];
    case -11: return TYPED[-11][1];
    case -12: return TYPED[-12][1];
    case -13: return fc.float({ noNaN: false });
    case -14: return fc.double();
    case -15: return fc.string({ unit: 'binary', maxLength: 20 });
    case -16: return fc.constant(null);
    case -24: return principalArb;
    case -18:
      if (deep || !inhabited(d.t)) return fc.constant([]);
      return fc.oneof(fc.constant([]), valueArb(d.t, depth + 1).map((v) => [v]));
    case -19: {
      const el = d.t as Type;
      if (el.k === -5) return fc.uint8Array({ maxLength: deep ? 0 : 40 });
      const typed = TYPED[el.k];
      if (deep || !inhabited(el)) return fc.constant(null).map(() => (typed ? new typed[0](0) : []));
      if (typed) return fc.array(typed[1], { maxLength: 4 }).map((a) => new typed[0](a));
      return fc.array(valueArb(el, depth + 1), { maxLength: 4 });
    }
    case -20: {
      const parts = d.types.map((x: Type) => valueArb(x, depth + 1));
      if (d.tuple) return fc.tuple(...parts);
      return fc.tuple(...parts).map((vs: unknown[]) => Object.fromEntries(d.names.map((n: string, i: number) => [n, vs[i]])));
    }
    case -21: {
      const cases = d.names
        .map((n: string, i: number) => [n, d.types[i]] as [string, Type])
        .filter(([, x]: [string, Type]) => inhabited(x))
        // when deep, prefer cases that do not lead back to this type
        .filter(([, x]: [string, Type], _i: number, all: [string, Type][]) => !deep || all.length === 1 || x.k !== -20 || !(x as Any).types.includes(t));
      return fc.oneof(...cases.map(([n, x]: [string, Type]) => valueArb(x, depth + 1).map((v) => ({ [n]: v }))));
    }
    case -22:
      return fc.tuple(principalArb, fc.string({ unit: 'binary', maxLength: 10 }));
    default:
      throw new Error('valueArb: unsupported kind ' + t.k);
  }
}

/** Random (types, values) argument lists. */
export const argsArb = (types: fc.Arbitrary<Type>) =>
  fc
    .array(types.filter((t) => inhabited(t)), { minLength: 0, maxLength: 3 })
    .chain((ts) => fc.tuple(fc.constant(ts), fc.tuple(...ts.map((t) => valueArb(t)))));

export function hex(b: Uint8Array): string {
  return Buffer.from(b).toString('hex');
}

export function unhex(s: string): Uint8Array {
  return new Uint8Array(Buffer.from(s.replace(/\s+/g, ''), 'hex'));
}
