/**
 * Decoding at a type other than the one on the wire: the Candid subtyping and coercion rules.
 */
import { IDL } from '@dfinity/candid';
import { Principal } from '@dfinity/principal';
import { C, CandidError, decode, encode, type Type } from '../../../../src/lib/candid/candid';
import { toIdl, ValueT } from './arbitraries';

const P1 = Principal.fromText('ryjl3-tyaaa-aaaaa-aaaba-cai');

function coercionError(f: () => unknown): CandidError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(CandidError);
    return e as CandidError;
  }
  throw new Error('expected a CandidError');
}

describe('records', () => {
  const Wide = C.record({
    a: C.nat,
    nested: C.record({ x: C.vec(C.record({ y: C.text, z: C.opt(C.opt(C.int)) })), v: C.variant({ P: C.principal, F: C.float64 }) }),
    blocks: C.vec(ValueT),
    fn: C.func([C.nat], [C.text], ['query']),
    f32: C.float32,
    big: C.int64,
    r: C.reserved,
    n: C.null,
    tup: C.tuple(C.bool, C.blob, C.nat16),
    b: C.text,
  });
  const wideValue = {
    a: 7n,
    nested: { x: [{ y: 'q', z: [[-3n]] }, { y: '', z: [] }], v: { P: P1 } },
    blocks: [{ Map: [['k', { Array: [{ Nat: 1n }, { Blob: new Uint8Array([1, 2]) }] }]] }],
    fn: [P1, 'method'],
    f32: 1.5,
    big: -5n,
    r: null,
    n: null,
    tup: [true, new Uint8Array([9]), 300],
    b: 'kept',
  };

  test('extra wire fields of every kind are skipped', () => {
    const bytes = encode([Wide], [wideValue]);
    const Narrow = C.record({ a: C.nat, b: C.text });
    expect(decode([Narrow], bytes)).toEqual([{ a: 7n, b: 'kept' }]);
    // same as @dfinity/candid
    expect(IDL.decode([toIdl(Narrow)], bytes)).toEqual([{ a: 7n, b: 'kept' }]);
  });

  test('missing opt fields are [], missing null/reserved fields are null', () => {
    const bytes = encode([C.record({ a: C.nat })], [{ a: 1n }]);
    const Expected = C.record({ a: C.nat, o: C.opt(C.text), z: C.opt(ValueT), n: C.null, r: C.reserved });
    expect(decode([Expected], bytes)).toEqual([{ a: 1n, o: [], z: [], n: null, r: null }]);
  });

  test('a missing required field is an error', () => {
    const bytes = encode([C.record({ a: C.nat })], [{ a: 1n }]);
    const e = coercionError(() => decode([C.record({ a: C.nat, b: C.nat })], bytes));
    expect(e.message).toMatch(/field "b".*missing/);
  });

  test('a field of an incompatible type is an error', () => {
    const bytes = encode([C.record({ a: C.text })], [{ a: 'x' }]);
    expect(coercionError(() => decode([C.record({ a: C.nat })], bytes)).message).toMatch(/type mismatch: text on the wire, nat expected/);
  });

  test('tuples: extra wire components are skipped', () => {
    const bytes = encode([C.tuple(C.nat, C.text, C.vec(C.text))], [[1n, 'a', ['b']]]);
    expect(decode([C.tuple(C.nat, C.text)], bytes)).toEqual([[1n, 'a']]);
  });

  test('nat on the wire decodes at int (also inside structures)', () => {
    const bytes = encode([C.record({ a: C.nat, v: C.vec(C.nat) })], [{ a: 2n ** 70n, v: [1n, 300n] }]);
    expect(decode([C.record({ a: C.int, v: C.vec(C.int) })], bytes)).toEqual([{ a: 2n ** 70n, v: [1n, 300n] }]);
  });

  test('int on the wire does not decode at nat', () => {
    expect(() => decode([C.nat], encode([C.int], [5n]))).toThrow(CandidError);
  });
});

describe('opt', () => {
  test('wire null and reserved decode as []', () => {
    expect(decode([C.opt(C.nat)], encode([C.null], [null]))).toEqual([[]]);
    expect(decode([C.opt(C.nat)], encode([C.reserved], [null]))).toEqual([[]]);
  });

  test('an opt value that does not coerce becomes [] (and its bytes are skipped)', () => {
    const W = C.record({ a: C.opt(C.text), b: C.opt(C.vec(C.record({ x: C.text }))), c: C.nat });
    const E = C.record({ a: C.opt(C.nat), b: C.opt(C.vec(C.record({ x: C.nat }))), c: C.nat });
    const bytes = encode([W], [{ a: ['hello'], b: [[{ x: 'deep' }]], c: 3n }]);
    expect(decode([E], bytes)).toEqual([{ a: [], b: [], c: 3n }]);
    expect(IDL.decode([toIdl(E)], bytes)).toEqual([{ a: [], b: [], c: 3n }]);
  });

  test('an opt record missing a required field becomes []', () => {
    const bytes = encode([C.opt(C.record({ a: C.nat }))], [[{ a: 1n }]]);
    expect(decode([C.opt(C.record({ a: C.nat, b: C.nat }))], bytes)).toEqual([[]]);
  });

  test('value-level: an unknown variant case inside opt becomes [], a known one decodes', () => {
    const W = C.opt(C.variant({ A: C.nat, B: C.text }));
    const E = C.opt(C.variant({ A: C.nat }));
    expect(decode([E], encode([W], [[{ B: 'x' }]]))).toEqual([[]]);
    expect(decode([E], encode([W], [[{ A: 4n }]]))).toEqual([[{ A: 4n }]]);
  });

  test('a non-opt wire value at an expected opt: [v] when it coerces, [] when it does not', () => {
    expect(decode([C.opt(C.nat)], encode([C.nat], [5n]))).toEqual([[5n]]);
    expect(decode([C.opt(C.record({ a: C.int }))], encode([C.record({ a: C.nat, b: C.text })], [{ a: 1n, b: 'x' }]))).toEqual([[{ a: 1n }]]);
    expect(decode([C.opt(C.nat)], encode([C.text], ['x']))).toEqual([[]]);
    // expected content that itself admits null: the value is skipped (as @dfinity/candid does)
    const bytes = encode([C.nat], [5n]);
    expect(decode([C.opt(C.opt(C.nat))], bytes)).toEqual([[]]);
    expect(IDL.decode([IDL.Opt(IDL.Opt(IDL.Nat))], bytes)).toEqual([[]]);
  });

  test('malformed input inside an opt is still an error, not []', () => {
    // opt text with invalid UTF-8
    const bytes = new Uint8Array([0x44, 0x49, 0x44, 0x4c, 0x01, 0x6e, 0x71, 0x01, 0x00, 0x01, 0x02, 0xc3, 0x28]);
    expect(() => decode([C.opt(C.text)], bytes)).toThrow(/invalid UTF-8/);
  });
});

describe('variants', () => {
  const W = C.variant({ A: C.nat, B: C.text, C: C.record({ x: C.nat }) });
  const E = C.variant({ A: C.int, C: C.record({}) });

  test('known cases decode (with coercion inside)', () => {
    expect(decode([E], encode([W], [{ A: 3n }]))).toEqual([{ A: 3n }]);
    expect(decode([E], encode([W], [{ C: { x: 1n } }]))).toEqual([{ C: {} }]);
  });

  test('an unknown wire case is an error', () => {
    const e = coercionError(() => decode([E], encode([W], [{ B: 'b' }])));
    expect(e.message).toMatch(/unknown variant case/);
    expect(() => IDL.decode([toIdl(E)], encode([W], [{ B: 'b' }]))).toThrow();
  });
});

describe('arguments', () => {
  test('extra trailing arguments are ignored', () => {
    const bytes = encode([C.nat, C.vec(ValueT), C.text], [1n, [{ Text: 'x' }], 'y']);
    expect(decode([C.nat], bytes)).toEqual([1n]);
    expect(decode([], bytes)).toEqual([]);
  });

  test('missing trailing opt/null/reserved arguments default', () => {
    const bytes = encode([C.nat], [1n]);
    expect(decode([C.nat, C.opt(C.text), C.null, C.reserved], bytes)).toEqual([1n, [], null, null]);
  });

  test('a missing required argument is an error', () => {
    expect(() => decode([C.nat, C.nat], encode([C.nat], [1n]))).toThrow(/argument 1 .* missing/);
  });

  test('reserved accepts any wire value', () => {
    expect(decode([C.reserved, C.nat], encode([ValueT, C.nat], [{ Map: [['a', { Int: -1n }]] }, 2n]))).toEqual([null, 2n]);
  });
});

describe('function and service references', () => {
  const F = C.func([C.nat], [C.opt(C.text)], ['query']);
  test('a reference of a subtype decodes', () => {
    // fewer results on the expected side, an extra optional argument on the wire side
    const Wire = C.func([C.nat, C.opt(C.nat)], [C.opt(C.text), C.nat], ['query']);
    const bytes = encode([Wire], [[P1, 'm']]);
    expect(decode([F], bytes)).toEqual([[P1, 'm']]);
  });
  test('annotations must match', () => {
    const bytes = encode([C.func([C.nat], [C.opt(C.text)], [])], [[P1, 'm']]);
    expect(() => decode([F], bytes)).toThrow(/not a subtype/);
    // but inside an opt it is just []
    expect(decode([C.opt(F)], encode([C.opt(C.func([C.nat], [C.opt(C.text)], []))], [[[P1, 'm']]]))).toEqual([[]]);
  });
  test('services decode to a principal', () => {
    const S = C.service({ get: C.func([], [C.nat], ['query']) });
    const bytes = encode([S], [P1]);
    expect(decode([S], bytes)).toEqual([P1]);
    expect(IDL.decode([toIdl(S)], bytes)).toEqual([P1]);
  });
});

test('the decoder cache tells apart messages whose tables differ', () => {
  const E: Type[] = [C.record({ a: C.nat, b: C.opt(C.text) })];
  const w1 = encode([C.record({ a: C.nat, b: C.opt(C.text) })], [{ a: 1n, b: ['x'] }]);
  const w2 = encode([C.record({ a: C.nat })], [{ a: 2n }]);
  const w3 = encode([C.record({ a: C.nat, b: C.text })], [{ a: 3n, b: 'y' }]);
  for (let i = 0; i < 3; i++) {
    expect(decode(E, w1)).toEqual([{ a: 1n, b: ['x'] }]);
    expect(decode(E, w2)).toEqual([{ a: 2n, b: [] }]);
    expect(decode(E, w3)).toEqual([{ a: 3n, b: ['y'] }]);
  }
  // more distinct tables than the cache holds still decode correctly
  for (let n = 0; n < 12; n++) {
    const fields: { [k: string]: Type } = { a: C.nat };
    for (let j = 0; j < n; j++) fields['x' + j] = C.nat8;
    const v: { [k: string]: unknown } = { a: BigInt(n) };
    for (let j = 0; j < n; j++) v['x' + j] = j;
    expect(decode(E, encode([C.record(fields)], [v]))).toEqual([{ a: BigInt(n), b: [] }]);
  }
});
