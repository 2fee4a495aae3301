/**
 * Malformed input is rejected with a CandidError saying why, and arbitrary bytes never make the
 * decoder throw anything else (or hang).
 */
import { Principal } from '@dfinity/principal';
import fc from 'fast-check';
import { C, CandidError, decode, encode, MAX_DEPTH, type Type } from '../../../../src/lib/candid/candid';
import { argsArb, typeArb, unhex, ValueT } from './arbitraries';
import { TransferArg, TransferResult } from '../../../../src/ledger/api/candid';

const DIDL = '4449444c';

function rejects(types: Type[], hexBytes: string, message: RegExp): void {
  let err: unknown;
  try {
    decode(types, unhex(hexBytes));
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(CandidError);
  expect((err as Error).message).toMatch(message);
}

describe('malformed messages', () => {
  test('bad magic', () => {
    rejects([], '4449444d0000', /magic/);
    rejects([], '444944', /magic/);
    rejects([], '', /magic/);
  });

  test('LEB128 overflow', () => {
    rejects([], DIDL + 'ffffffffff01', /overflows 32 bits/); // type table length
    rejects([C.blob], DIDL + '016d7b01 00 8080808080808001', /overflows 32 bits/); // vec length
    rejects([C.nat], DIDL + '0001 7d', /end of input/);
  });

  test('LEB128 truncation', () => {
    rejects([C.nat], DIDL + '00017d 8080', /end of input/);
    rejects([C.int], DIDL + '00017c ff', /end of input/);
    rejects([C.record({ a: C.nat })], DIDL + '016c01', /end of input/);
  });

  test('out of bounds', () => {
    rejects([C.text], DIDL + '000171 05 6162', /end of input/);
    rejects([C.blob], DIDL + '016d7b0100 20 0102', /end of input/);
    rejects([C.nat64], DIDL + '000178 01020304', /end of input/);
    rejects([C.vec(C.nat)], DIDL + '016d7d0100 ffffff0f 01', /end of input/);
  });

  test('invalid UTF-8 in text', () => {
    rejects([C.text], DIDL + '000171 02 c328', /invalid UTF-8/); // bad continuation
    rejects([C.text], DIDL + '000171 02 c080', /invalid UTF-8/); // overlong
    rejects([C.text], DIDL + '000171 03 eda080', /invalid UTF-8/); // surrogate
    rejects([C.text], DIDL + '000171 04 f4908080', /invalid UTF-8/); // above U+10FFFF
    rejects([C.text], DIDL + '000171 02 e282', /invalid UTF-8/); // truncated sequence
    rejects([C.text], DIDL + '000171 01 ff', /invalid UTF-8/);
    // also when the text is skipped
    rejects([], DIDL + '000171 02 c328', /invalid UTF-8/);
  });

  test('principal longer than 29 bytes, bad tag, opaque reference', () => {
    rejects([C.principal], DIDL + '000168 01 1e' + '00'.repeat(30), /at most 29/);
    rejects([C.principal], DIDL + '000168 02 00', /principal tag/);
    rejects([C.principal], DIDL + '000168 00', /opaque/);
    rejects([C.opt(C.principal)], DIDL + '016e680100 01 01 1e' + '00'.repeat(30), /at most 29/);
  });

  test('skipped vectors validate every element (text, nat/int, bool, opt null fast paths)', () => {
    // as extra arguments: vec text, vec nat, vec int, vec bool, vec opt null
    expect(decode([], unhex(DIDL + '016d71 0100 03 00 02 6162 00'))).toEqual([]);
    rejects([], DIDL + '016d71 0100 02 00 02 c328', /invalid UTF-8/);
    rejects([], DIDL + '016d71 0100 02 00 05 61', /end of input/);
    expect(decode([], unhex(DIDL + '016d7d 0100 03 00 ff01 7f'))).toEqual([]);
    rejects([], DIDL + '016d7c 0100 02 00 ff', /end of input/);
    rejects([], DIDL + '016d7d 0100 02 00', /end of input/);
    expect(decode([], unhex(DIDL + '016d7e 0100 03 000101'))).toEqual([]);
    rejects([], DIDL + '016d7e 0100 03 000102', /bool must be 0 or 1, got 2/);
    rejects([], DIDL + '016d7e 0100 03 0001', /end of input/);
    expect(decode([], unhex(DIDL + '026d016e7f 0100 03 000101'))).toEqual([]);
    rejects([], DIDL + '026d016e7f 0100 02 0102', /opt tag must be 0 or 1, got 2/);
    // the same as record fields the receiver does not know
    expect(decode([C.record({})], unhex(DIDL + '026c01 00 01 6d7e 0100 02 0100'))).toEqual([{}]);
    rejects([C.record({})], DIDL + '026c01 00 01 6d7e 0100 02 0103', /bool must be 0 or 1/);
  });

  test('bool not 0/1', () => {
    rejects([C.bool], DIDL + '00017e 02', /bool must be 0 or 1/);
  });

  test('opt tag not 0/1', () => {
    rejects([C.opt(C.nat)], DIDL + '016e7d0100 02', /opt tag/);
    rejects([], DIDL + '016e7d0100 02', /opt tag/);
  });

  test('variant index out of range', () => {
    rejects([C.variant({ _0_: C.null })], DIDL + '016b01007f0100 05', /variant index 5 out of range/);
    rejects([], DIDL + '016b01007f0100 01', /variant index 1 out of range/);
  });

  test('record cycles that are not well-founded', () => {
    rejects([C.reserved], DIDL + '016c0100000100', /contains itself/);
    // through two records
    rejects([C.reserved], DIDL + '026c010001 6c010000 0100', /contains itself/);
    // a cycle through opt is fine (finite values exist)
    const T: Type = C.rec((self) => C.record({ _0_: C.opt(self) }) as any);
    expect(decode([T], unhex(DIDL + '02 6c010001 6e00 0100 01 00'))).toEqual([{ _0_: [{ _0_: [] }] }]);
  });

  test('field ids not strictly increasing', () => {
    rejects([C.reserved], DIDL + '016c02 017d 017d 0100 0102', /not strictly increasing/);
    rejects([C.reserved], DIDL + '016b02 027d 017d 0100 00 01', /not strictly increasing/);
  });

  test('trailing bytes after the last value', () => {
    rejects([C.nat], DIDL + '00017d 05 00', /1 trailing byte/);
    rejects([], DIDL + '0000 ff', /trailing/);
  });

  test('wire type incompatible with the expected type', () => {
    rejects([C.nat], DIDL + '000171 00', /text on the wire, nat expected/);
    rejects([C.record({ a: C.nat })], DIDL + '00017d 00', /nat on the wire, record/);
    rejects([C.vec(C.nat)], DIDL + '016e7d0100 00', /type mismatch/);
  });

  test('bad type table', () => {
    rejects([C.nat], DIDL + '000105', /type index 5 out of range/);
    rejects([C.nat], DIDL + '017d0100', /invalid type opcode -3 in type table/);
    rejects([C.bool], DIDL + '00017e', /end of input/);
    rejects([C.nat], DIDL + '000150 00', /invalid type reference/);
    rejects([C.nat], DIDL + '016a00000105 0100', /unknown function annotation/);
  });

  test('empty values cannot occur', () => {
    rejects([C.reserved], DIDL + '00016f', /type empty/);
    rejects([C.opt(C.nat)], DIDL + '00016f', /type empty/);
  });

  test('vectors of zero-sized values are bounded', () => {
    rejects([C.vec(C.null)], DIDL + '016d7f0100 ffffffff0f', /zero-sized/);
    rejects([], DIDL + '016d700100 ffffffff0f', /zero-sized/);
    expect(decode([C.vec(C.null)], unhex(DIDL + '016d7f0100 03'))).toEqual([[null, null, null]]);
  });

  test('nesting depth is bounded (recursive expected type, and skipped values)', () => {
    const Deep: Type = C.rec((self) => C.variant({ leaf: C.null, node: C.vec(self) }) as any);
    // node [node [node [... leaf]]] nested 5000 deep
    const make = (n: number) => {
      let v: unknown = { leaf: null };
      for (let i = 0; i < n; i++) v = { node: [v] };
      return v;
    };
    const shallow = encode([Deep], [make(10)]);
    expect(decode([Deep], shallow)).toEqual([make(10)]);
    // build a deep message by hand: the table of `Deep` then the value bytes
    const header = encode([Deep], [{ leaf: null }]);
    const hdrLen = header.length - 1; // minus the value byte (variant index)
    const leafIndex = header[header.length - 1];
    const nodeIndex = 1 - leafIndex;
    const n = 5000;
    const body: number[] = [];
    for (let i = 0; i < n; i++) body.push(nodeIndex, 1);
    body.push(leafIndex);
    const deep = new Uint8Array([...header.subarray(0, hdrLen), ...body]);
    expect(() => decode([Deep], deep)).toThrow(new RegExp(`deeper than ${MAX_DEPTH}`));
    expect(() => decode([], deep)).toThrow(new RegExp(`deeper than ${MAX_DEPTH}`));
    expect(() => decode([C.opt(C.nat)], deep)).toThrow(new RegExp(`deeper than ${MAX_DEPTH}`));
  });

  test('a long chain of distinct nested record types is fine (no recursion in the checks)', () => {
    // T0 = record { T1 }, ..., T(n-1) = record { nat }
    const n = 20000;
    const parts: string[] = [];
    const leb = (x: number) => {
      const out: number[] = [];
      do {
        let b = x & 127;
        x >>>= 7;
        if (x) b |= 128;
        out.push(b);
      } while (x);
      return Buffer.from(out).toString('hex');
    };
    for (let i = 0; i < n; i++) parts.push('6c0100' + (i + 1 < n ? leb(i + 1) : '7d'));
    // the chain nests values deeper than the limit when decoded/skipped
    const bytes = unhex(DIDL + leb(n) + parts.join('') + '0100' + '05');
    expect(() => decode([C.reserved], bytes)).toThrow(CandidError);
  });
});

describe('fuzz', () => {
  const targets: Type[][] = [[TransferArg], [TransferResult], [ValueT], [C.nat, C.opt(C.text)], [], [C.reserved]];

  function onlyCandidErrors(types: Type[], bytes: Uint8Array): void {
    try {
      decode(types, bytes);
    } catch (e) {
      if (!(e instanceof CandidError)) throw e;
    }
  }

  test('random bytes after the magic never throw anything but CandidError', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.constantFrom(...targets), (tail, types) => {
        onlyCandidErrors(types, new Uint8Array([0x44, 0x49, 0x44, 0x4c, ...tail]));
        onlyCandidErrors(types, tail);
      }),
      { numRuns: Number(process.env.CANDID_FUZZ_RUNS ?? 3000) },
    );
  });

  test('mutated valid messages never throw anything but CandidError', () => {
    const valid = fc.oneof(
      argsArb(typeArb).map(([ts, vs]) => encode(ts, vs)),
      fc.constant(encode([TransferArg], [{ from_subaccount: [], to: { owner: Principal.fromText('aaaaa-aa'), subaccount: [new Uint8Array(32)] }, amount: 5n, fee: [], memo: [], created_at_time: [1n] }])),
      fc.constant(encode([ValueT], [{ Map: [['a', { Array: [{ Nat: 1n }, { Text: 'x' }] }]] }])),
    );
    const mutation = fc.oneof(
      fc.record({ kind: fc.constant('set' as const), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
      fc.record({ kind: fc.constant('cut' as const), at: fc.nat(), byte: fc.constant(0) }),
      fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
    );
    fc.assert(
      fc.property(valid, fc.array(mutation, { minLength: 1, maxLength: 4 }), fc.constantFrom(...targets), (bytes, ms, types) => {
        let b = Array.from(bytes);
        for (const m of ms) {
          const at = b.length === 0 ? 0 : m.at % b.length;
          if (m.kind === 'set') b[at] = m.byte;
          else if (m.kind === 'cut') b = b.slice(0, at);
          else b.splice(at, 0, m.byte);
        }
        onlyCandidErrors(types, new Uint8Array(b));
      }),
      { numRuns: Number(process.env.CANDID_FUZZ_RUNS ?? 3000) },
    );
  });
});
