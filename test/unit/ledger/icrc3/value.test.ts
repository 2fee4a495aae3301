import * as fc from 'fast-check';
import { Value, hashValue, utf8 } from '../../../../src/ledger/icrc3/value';
import { hex, refHash } from './reference';

const b = (h: string): Uint8Array => Uint8Array.from(Buffer.from(h, 'hex'));

describe('ICRC-3 representation-independent hash', () => {
  // dfinity/ICRC-1 standards/ICRC-3/HASHINGVALUES.md @ 9f6dc65d4c410410fbf74c417fc322ce77af7e19
  it.each<[string, Value, string]>([
    ['Nat(42)', { Nat: 42n }, '684888c0ebb17f374298b65ee2807526c066094c701bcc7ebbe1c1095f494fc1'],
    ['Int(-42)', { Int: -42n }, 'de5a6f78116eca62d7fc5ce159d23ae6b889b365a1739ad2cf36f925a140d0cc'],
    ['Text("Hello, World!")', { Text: 'Hello, World!' }, 'dffd6021bb2bd5b0af676290809ec3a53191dd81c7f70a4b28688a362182986f'],
    ['Blob(01020304)', { Blob: b('01020304') }, '9f64a747e1b97f131fabb6b447296c9b6f0201e79fb3c5356e6c77e89b6a806a'],
    [
      'Array([Nat 3, Text "foo", Blob 0506])',
      { Array: [{ Nat: 3n }, { Text: 'foo' }, { Blob: b('0506') }] },
      '514a04011caa503990d446b7dec5d79e19c221ae607fb08b2848c67734d468d6',
    ],
    [
      'Map(from, to, amount, created_at, memo)',
      {
        Map: [
          ['from', { Blob: b('00abcdef0012340056789a00bcdef000012345678900abcdef01') }],
          ['to', { Blob: b('00ab0def0012340056789a00bcdef000012345678900abcdef01') }],
          ['amount', { Nat: 42n }],
          ['created_at', { Nat: 1699218263n }],
          ['memo', { Nat: 0n }],
        ],
      },
      'c56ece650e1de4269c5bdeff7875949e3e2033f85b2d193c2ff4f7f78bdcfc75',
    ],
  ])('test vector %s', (_name, v, expected) => {
    expect(hex(hashValue(v))).toBe(expected);
  });

  it('IC interface spec example (request id of a call)', () => {
    // The same algorithm as the interface specification's hash of a map (DFINITY's own test).
    const v: Value = {
      Map: [
        ['request_type', { Text: 'call' }],
        ['canister_id', { Blob: b('00000000000004d2') }],
        ['method_name', { Text: 'hello' }],
        ['arg', { Blob: b('4449444c00fd2a') }],
      ],
    };
    expect(hex(hashValue(v))).toBe('8781291c347db32a9d8c10eb62b710fce5a93be676474c42babc74c51858f94b');
  });

  it('matches a naive reference on random values', () => {
    const { value } = fc.letrec<{ value: Value }>(tie => ({
      value: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        fc.bigInt({ min: 0n, max: 2n ** 100n }).map(n => ({ Nat: n })),
        fc.bigInt({ min: -(2n ** 80n), max: 2n ** 80n }).map(n => ({ Int: n })),
        fc.string({ unit: 'binary', maxLength: 40 }).map(s => ({ Text: s })),
        fc.uint8Array({ maxLength: 140 }).map(x => ({ Blob: x })),
        fc.array(tie('value'), { maxLength: 13 }).map(a => ({ Array: a })),
        fc
          .uniqueArray(fc.tuple(fc.string({ maxLength: 12 }), tie('value')), { maxLength: 12, selector: ([k]) => k })
          .map(m => ({ Map: m })),
      ),
    }));
    fc.assert(
      fc.property(value, v => {
        expect(hex(hashValue(v))).toBe(hex(refHash(v)));
      }),
      { numRuns: 1500 },
    );
  });

  it('utf8 agrees with Buffer', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 60 }), s => {
        expect(hex(utf8(s))).toBe(Buffer.from(s, 'utf8').toString('hex'));
      }),
    );
    expect(hex(utf8('\ud800x'))).toBe(Buffer.from('\ud800x', 'utf8').toString('hex'));
  });

  it('Int uses SLEB128 (per the standard)', () => {
    expect(hex(hashValue({ Int: 64n }))).toBe(hex(refHash({ Int: 64n })));
    expect(hex(hashValue({ Int: 64n }))).not.toBe(hex(hashValue({ Nat: 64n })));
    expect(hex(hashValue({ Int: 63n }))).toBe(hex(hashValue({ Nat: 63n })));
  });
});
