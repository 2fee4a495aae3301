/** The codec's API surface: hashing, descriptors, caches, priming. */
import { idlLabelToId, IDL } from '@dfinity/candid';
import fc from 'fast-check';
import { C, CandidError, decode, encode, idlHash, labelToId, prime, type Type } from '../../../../src/lib/candid/candid';
import { hex } from './arbitraries';
import { TransferArg, TransferResult } from '../../../../src/ledger/api/candid';

test('idlHash: the Candid field hash', () => {
  expect(idlHash('')).toBe(0);
  expect(idlHash('a')).toBe(97);
  // the id of `amount` in the ICRC-1 type table (leb128 d8a38ca80d)
  expect(idlHash('amount')).toBe(3573748184);
  fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 30 }), (s) => idlHash(s) === idlLabelToId(s) || /^_(\d+|0x[0-9a-fA-F]+)_$/.test(s)));
});

test('labelToId: numeric labels as @dfinity/candid reads them', () => {
  for (const l of ['_0_', '_7_', '_4294967295_', '_4294967296_', '_0x1f_', '_0xFF_', '_x_', '__', '_1a_', 'foo']) {
    expect(labelToId(l)).toBe(idlLabelToId(l));
  }
});

test('records reject colliding field ids; types validate their parts', () => {
  expect(() => C.record({ _97_: C.nat, a: C.nat })).toThrow(CandidError);
  expect(() => C.variant({ x: 5 as unknown as Type })).toThrow(/not a Candid type/);
  expect(() => C.func([], [], ['pure'])).toThrow(/annotation/);
  expect(() => C.rec((self) => self)).toThrow(/rec/);
});

test('a fresh [T] array per call shares the caches of T', () => {
  const v = { Ok: 5n };
  const a = encode([TransferResult], [v]);
  const b = encode([TransferResult], [v]);
  expect(hex(a)).toBe(hex(b));
  expect(decode([TransferResult], a)).toEqual([v]);
  expect(decode([TransferResult], b)).toEqual([v]);
});

test('encode returns a fresh array each time', () => {
  const a = encode([C.nat], [1n]);
  const b = encode([C.nat], [2n]);
  expect(hex(a)).not.toBe(hex(b));
  expect(decode([C.nat], a)).toEqual([1n]);
});

test('decoding from a view at an odd offset of a larger buffer', () => {
  const msg = encode([TransferResult], [{ Err: { GenericError: { error_code: 1n, message: 'odd' } } }]);
  for (const offset of [1, 2, 3]) {
    const big = new Uint8Array(msg.length + offset + 5);
    big.set(msg, offset);
    expect(decode([TransferResult], big.subarray(offset, offset + msg.length))).toEqual([{ Err: { GenericError: { error_code: 1n, message: 'odd' } } }]);
  }
});

test('text: cached short strings, long strings, non-ASCII', () => {
  const texts = ['ab', 'abc', 'insufficient funds', 'x'.repeat(64), 'y'.repeat(65), 'é'.repeat(40), '𝄞'.repeat(20), 'a'.repeat(5000), 'ü'.repeat(3000)];
  for (let round = 0; round < 2; round++) {
    for (const t of texts) {
      const b = encode([C.text], [t]);
      expect(hex(b)).toBe(hex(IDL.encode([IDL.Text], [t])));
      expect(decode([C.text], b)).toEqual([t]);
    }
  }
});

test('prime: a primed type decodes and encodes the same', () => {
  const T: Type = C.record({ a: C.nat, b: C.opt(C.vec(C.record({ c: C.text }))) });
  prime([T]);
  prime([T]); // idempotent
  const v = { a: 1n, b: [[{ c: 'x' }]] };
  expect(decode([T], encode([T], [v]))).toEqual([v]);
  prime([TransferArg]);
  prime([TransferResult]);
  expect(decode([TransferResult], encode([TransferResult], [{ Ok: 3n }]))).toEqual([{ Ok: 3n }]);
});

test('decode rejects non-Uint8Array input with a CandidError', () => {
  expect(() => decode([C.nat], [0x44, 0x49, 0x44, 0x4c] as unknown as Uint8Array)).toThrow(CandidError);
});
