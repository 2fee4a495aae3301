/**
 * Properties over random types and values: our encoder against @dfinity/candid's decoder, its
 * encoder against our decoder, our own round trip, and byte-identical output.
 */
import { IDL } from '@dfinity/candid';
import fc from 'fast-check';
import { C, decode, encode, type Type } from '../../../../src/lib/candid/candid';
import { argsArb, hex, recTypeArb, toIdl, typeArb, valueArb, ValueT } from './arbitraries';

const RUNS = Number(process.env.CANDID_RUNS ?? 300);

function idlTypes(ts: Type[]): IDL.Type[] {
  const memo = new Map();
  return ts.map((t) => toIdl(t, memo));
}

describe('random types and values', () => {
  test('ours.encode -> IDL.decode gives the same value', () => {
    fc.assert(
      fc.property(argsArb(typeArb), ([ts, vs]) => {
        const bytes = encode(ts, vs);
        expect(IDL.decode(idlTypes(ts), bytes)).toEqual(vs);
      }),
      { numRuns: RUNS },
    );
  });

  test('IDL.encode -> ours.decode gives the same value', () => {
    fc.assert(
      fc.property(argsArb(typeArb), ([ts, vs]) => {
        const bytes = IDL.encode(idlTypes(ts), vs);
        expect(decode(ts, bytes)).toEqual(vs);
      }),
      { numRuns: RUNS },
    );
  });

  test('ours round-trips, twice through the caches', () => {
    fc.assert(
      fc.property(argsArb(typeArb), ([ts, vs]) => {
        const bytes = encode(ts, vs);
        expect(decode(ts, bytes)).toEqual(vs);
        // second time: cached header and cached decode plan
        const again = encode(ts, vs);
        expect(hex(again)).toBe(hex(bytes));
        expect(decode(ts, again)).toEqual(vs);
      }),
      { numRuns: RUNS },
    );
  });

  test('ours.encode is byte-identical to IDL.encode', () => {
    fc.assert(
      fc.property(argsArb(typeArb), ([ts, vs]) => {
        expect(hex(encode(ts, vs))).toBe(hex(IDL.encode(idlTypes(ts), vs)));
      }),
      { numRuns: RUNS },
    );
  });

  test('recursive types: both directions, round trip and identical bytes', () => {
    fc.assert(
      fc.property(
        recTypeArb.chain((t) => fc.tuple(fc.constant(t), valueArb(t))),
        ([t, v]) => {
          const ours = encode([t], [v]);
          const theirs = IDL.encode(idlTypes([t]), [v]);
          expect(IDL.decode(idlTypes([t]), ours)).toEqual([v]);
          expect(decode([t], theirs)).toEqual([v]);
          expect(decode([t], ours)).toEqual([v]);
          expect(hex(ours)).toBe(hex(theirs));
        },
      ),
      { numRuns: RUNS },
    );
  });

  test('ICRC-3 Value: both directions and identical bytes', () => {
    const valueArbIcrc = fc.letrec<{ v: unknown }>((tie) => ({
      v: fc.oneof(
        { depthSize: 'small', maxDepth: 4 },
        fc.uint8Array({ maxLength: 8 }).map((b) => ({ Blob: b })),
        fc.string({ unit: 'binary', maxLength: 8 }).map((s) => ({ Text: s })),
        fc.bigInt({ min: 0n, max: 2n ** 80n }).map((n) => ({ Nat: n })),
        fc.bigInt({ min: -(2n ** 80n), max: 2n ** 80n }).map((n) => ({ Int: n })),
        fc.array(tie('v'), { maxLength: 3 }).map((a) => ({ Array: a })),
        fc.array(fc.tuple(fc.string({ maxLength: 6 }), tie('v')), { maxLength: 3 }).map((m) => ({ Map: m })),
      ),
    })).v;
    const IValue = toIdl(ValueT);
    fc.assert(
      fc.property(valueArbIcrc, (v) => {
        const ours = encode([ValueT], [v]);
        expect(hex(ours)).toBe(hex(IDL.encode([IValue], [v])));
        expect(IDL.decode([IValue], ours)).toEqual([v]);
        expect(decode([ValueT], ours)).toEqual([v]);
      }),
      { numRuns: RUNS },
    );
  });
});

describe('fixed values', () => {
  const cases: [string, Type[], unknown[]][] = [
    ['no arguments', [], []],
    ['nat edge values', [C.nat, C.nat, C.nat, C.nat], [0n, 127n, 128n, 2n ** 200n]],
    ['int edge values', [C.int, C.int, C.int, C.int, C.int], [0n, -1n, -64n, 64n, -(2n ** 100n)]],
    ['fixed ints at their limits', [C.nat8, C.nat16, C.nat32, C.nat64, C.int8, C.int16, C.int32, C.int64], [255, 65535, 4294967295, 2n ** 64n - 1n, -128, -32768, -2147483648, -(2n ** 63n)]],
    ['floats', [C.float32, C.float64, C.float64], [1.5, -0, Number.MAX_VALUE]],
    ['text with all UTF-8 lengths', [C.text], ['a é € 𝄞 ✓ 中文']],
    ['empty text and blob', [C.text, C.blob], ['', new Uint8Array(0)]],
    ['nested opt', [C.opt(C.opt(C.opt(C.nat)))], [[[[5n]]]]],
    ['vec of records', [C.vec(C.record({ a: C.nat8, b: C.text }))], [[{ a: 1, b: 'x' }, { a: 2, b: 'y' }]]],
    ['tuple', [C.tuple(C.nat, C.text, C.bool)], [[1n, 'two', true]]],
    ['numeric field ids', [C.record({ _0_: C.nat, _7_: C.text, _0x10_: C.bool })], [{ _0_: 1n, _7_: 'x', _0x10_: false }]],
  ];
  test.each(cases)('%s: byte-identical and decodes on both sides', (_name, ts, vs) => {
    const mine = encode(ts, vs);
    const theirs = IDL.encode(idlTypes(ts), vs);
    expect(hex(mine)).toBe(hex(theirs));
    expect(decode(ts, mine)).toEqual(vs);
    expect(IDL.decode(idlTypes(ts), mine)).toEqual(vs);
  });

  test('numbers are accepted for nat/int/nat64 on encode (decoded as bigint)', () => {
    const ts = [C.nat, C.int, C.nat64, C.int64, C.nat8];
    const b = encode(ts, [5, -5, 2 ** 60, -(2 ** 60), 7n]);
    expect(decode(ts, b)).toEqual([5n, -5n, 2n ** 60n, -(2n ** 60n), 7]);
    expect(hex(b)).toBe(hex(IDL.encode(idlTypes(ts), [5, -5, 2 ** 60, -(2 ** 60), 7n])));
  });

  test('blob encodes from number[] as from Uint8Array', () => {
    expect(hex(encode([C.blob], [[1, 2, 255]]))).toBe(hex(encode([C.blob], [new Uint8Array([1, 2, 255])])));
  });

  test('typed arrays for fixed-size int vectors, like @dfinity/candid', () => {
    const ts = [C.vec(C.nat16), C.vec(C.int32), C.vec(C.nat64)];
    const vs = [new Uint16Array([1, 65535]), new Int32Array([-1, 5]), new BigUint64Array([2n ** 64n - 1n])];
    const b = encode(ts, vs);
    expect(decode(ts, b)).toEqual(vs);
    // plain arrays are accepted on encode
    expect(hex(encode(ts, [[1, 65535], [-1, 5], [2n ** 64n - 1n]]))).toBe(hex(b));
  });
});
