/**
 * The codec's bounds against hostile input (issue 12, defects 2 and 3): integers of at most
 * MAX_INT_BYTES bytes of LEB128 (decoded, skipped and encoded), type tables of at most
 * MAX_TABLE_ENTRIES entries, MAX_TABLE_REFERENCES references and MAX_TABLE_NAME_BYTES bytes of
 * method names. At and below each bound everything decodes as before, exactly as @dfinity/candid
 * does; above it the message is refused with a CandidError that names the bound.
 * (Their cost through the built Wasm is asserted in test/integration/hostile-input.test.ts.)
 */
import { IDL } from '@dfinity/candid';
import { Principal } from '@dfinity/principal';
import fc from 'fast-check';
import { C, CandidError, decode, encode, MAX_INT_BYTES, MAX_TABLE_ENTRIES, MAX_TABLE_NAME_BYTES, MAX_TABLE_REFERENCES, type Type } from '../../../../src/lib/candid/candid';
import { toIdl } from '../../../../src/lib/candid/to-idl';
import { TransferArg } from '../../../../src/ledger/api/candid';

const DIDL = [0x44, 0x49, 0x44, 0x4c];

function leb(v: bigint): number[] {
  const out: number[] = [];
  do {
    let b = Number(v & 127n);
    v >>= 7n;
    if (v > 0n) b |= 128;
    out.push(b);
  } while (v > 0n);
  return out;
}

function sleb(v: bigint): number[] {
  const out: number[] = [];
  for (;;) {
    const b = Number(v & 127n);
    v >>= 7n;
    if ((v === 0n && (b & 64) === 0) || (v === -1n && (b & 64) !== 0)) {
      out.push(b);
      return out;
    }
    out.push(b | 128);
  }
}

const u = (n: number): number[] => leb(BigInt(n));
const bytes = (...parts: number[][]): Uint8Array => new Uint8Array(([] as number[]).concat(...parts));

/** The message of the CandidError that refuses `msg` (malformed input unless `coercion`). */
function refusal(types: Type[], msg: Uint8Array, coercion = false): string {
  try {
    decode(types, msg);
  } catch (e) {
    expect(e).toBeInstanceOf(CandidError);
    expect((e as CandidError).coercion).toBe(coercion);
    return (e as Error).message;
  }
  throw new Error('the message was accepted');
}

/** The largest nat of `n` LEB128 bytes, and the smallest of `n` + 1. */
const natOfBytes = (n: number): bigint => (1n << BigInt(7 * n)) - 1n;

describe('integers: at most MAX_INT_BYTES bytes of LEB128', () => {
  test('the bound holds any amount a ledger or the protocol can accept (256-bit tokens need 37 bytes)', () => {
    expect(MAX_INT_BYTES).toBe(64);
    expect(leb((1n << 256n) - 1n).length).toBeLessThan(MAX_INT_BYTES);
    expect(sleb(-(1n << 255n)).length).toBeLessThan(MAX_INT_BYTES);
  });

  test('nat and int at the bound decode, one byte more is refused (as values, skipped, and inside opt)', () => {
    const natMax = natOfBytes(MAX_INT_BYTES);
    const intMax = (1n << BigInt(7 * MAX_INT_BYTES - 1)) - 1n;
    const intMin = -(1n << BigInt(7 * MAX_INT_BYTES - 1));
    expect(leb(natMax).length).toBe(MAX_INT_BYTES);
    expect(sleb(intMax).length).toBe(MAX_INT_BYTES);
    expect(sleb(intMin).length).toBe(MAX_INT_BYTES);
    expect(decode([C.nat], bytes(DIDL, [0, 1, 0x7d], leb(natMax)))).toEqual([natMax]);
    expect(decode([C.int], bytes(DIDL, [0, 1, 0x7c], sleb(intMax)))).toEqual([intMax]);
    expect(decode([C.int], bytes(DIDL, [0, 1, 0x7c], sleb(intMin)))).toEqual([intMin]);
    expect(decode([C.int], bytes(DIDL, [0, 1, 0x7d], leb(natMax)))).toEqual([natMax]);
    expect(decode([C.opt(C.nat)], bytes(DIDL, [1, 0x6e, 0x7d, 1, 0, 1], leb(natMax)))).toEqual([[natMax]]);
    expect(decode([], bytes(DIDL, [0, 2, 0x7d, 0x7c], leb(natMax), sleb(intMin)))).toEqual([]);

    const natOver = natOfBytes(MAX_INT_BYTES + 1);
    const intOver = 1n << BigInt(7 * MAX_INT_BYTES - 1);
    const tooLong = /nat\/int longer than 64 bytes of LEB128/;
    expect(refusal([C.nat], bytes(DIDL, [0, 1, 0x7d], leb(natOver)))).toMatch(tooLong);
    expect(refusal([C.int], bytes(DIDL, [0, 1, 0x7c], sleb(intOver)))).toMatch(tooLong);
    expect(refusal([C.int], bytes(DIDL, [0, 1, 0x7c], sleb(-intOver - 1n)))).toMatch(tooLong);
    expect(refusal([C.int], bytes(DIDL, [0, 1, 0x7d], leb(natOver)))).toMatch(tooLong);
    expect(refusal([C.opt(C.nat)], bytes(DIDL, [1, 0x6e, 0x7d, 1, 0, 1], leb(natOver)))).toMatch(tooLong);
    expect(refusal([C.opt(C.int)], bytes(DIDL, [1, 0x6e, 0x7c, 1, 0, 1], sleb(intOver)))).toMatch(tooLong);
    // skipped: an extra argument, a record field the receiver does not know, a reserved value
    expect(refusal([], bytes(DIDL, [0, 1, 0x7d], leb(natOver)))).toMatch(tooLong);
    expect(refusal([C.record({})], bytes(DIDL, [1, 0x6c, 1, 0, 0x7c, 1, 0], sleb(intOver)))).toMatch(tooLong);
    expect(refusal([C.reserved], bytes(DIDL, [0, 1, 0x7d], leb(natOver)))).toMatch(tooLong);
  });

  test('the refusal comes before the rest of a long integer is read (10 KB and 1 MB nats)', () => {
    for (const n of [10_000, 1_000_000]) {
      const body = new Uint8Array(n).fill(0xff);
      body[n - 1] = 0x7f;
      expect(refusal([C.nat], bytes(DIDL, [0, 1, 0x7d], [...body]))).toMatch(/starting at byte 7/);
    }
    for (const n of [100, 10_000]) {
      const tx = { from_subaccount: [], to: { owner: Principal.anonymous(), subaccount: [] }, amount: natOfBytes(n), fee: [], memo: [], created_at_time: [] };
      expect(refusal([TransferArg], new Uint8Array(IDL.encode([toIdl(IDL as never, TransferArg) as IDL.Type], [tx])))).toMatch(/longer than 64 bytes/);
    }
  });

  test('redundant LEB128 bytes (non-canonical encodings) count towards the bound', () => {
    const padded = (v: bigint, n: number): number[] => {
      const b = leb(v);
      while (b.length < n) {
        b[b.length - 1] |= 128;
        b.push(0);
      }
      return b;
    };
    expect(decode([C.nat], bytes(DIDL, [0, 1, 0x7d], padded(5n, MAX_INT_BYTES)))).toEqual([5n]);
    expect(refusal([C.nat], bytes(DIDL, [0, 1, 0x7d], padded(5n, MAX_INT_BYTES + 1)))).toMatch(/longer than 64 bytes/);
  });

  test('round trips at and around the bound agree with @dfinity/candid (fast-check)', () => {
    const lengthArb = fc.integer({ min: MAX_INT_BYTES - 10, max: MAX_INT_BYTES + 3 });
    const natArb = lengthArb.chain((n) => fc.bigInt({ min: n === 1 ? 0n : natOfBytes(n - 1) + 1n, max: natOfBytes(n) }));
    const intArb = fc.tuple(natArb, fc.boolean()).map(([v, neg]) => (neg ? -v - 1n : v));
    fc.assert(
      fc.property(natArb, intArb, (nat, int) => {
        const theirs = new Uint8Array(IDL.encode([IDL.Nat, IDL.Opt(IDL.Int), IDL.Vec(IDL.Nat)], [nat, [int], [nat, 1n]]));
        const types = [C.nat, C.opt(C.int), C.vec(C.nat)];
        if (leb(nat).length <= MAX_INT_BYTES && sleb(int).length <= MAX_INT_BYTES) {
          expect(decode(types, theirs)).toEqual([nat, [int], [nat, 1n]]);
          expect(Buffer.from(encode(types, [nat, [int], [nat, 1n]])).equals(Buffer.from(theirs))).toBe(true);
          expect(decode([], theirs)).toEqual([]);
        } else {
          expect(refusal(types, theirs)).toMatch(/longer than 64 bytes/);
          expect(refusal([], theirs)).toMatch(/longer than 64 bytes/);
          expect(() => encode(types, [nat, [int], [nat, 1n]])).toThrow(/longer than 64 bytes of LEB128/);
        }
      }),
      { numRuns: 300 },
    );
  });

  test('every length from 1 to the bound decodes exactly (nat and int, positive and negative)', () => {
    for (let n = 1; n <= MAX_INT_BYTES; n++) {
      const v = natOfBytes(n) - 12345n * BigInt(n > 3 ? 1 : 0);
      expect(decode([C.nat], bytes(DIDL, [0, 1, 0x7d], leb(v)))).toEqual([v]);
      for (const i of [v >> 1n, -(v >> 1n) - 1n]) expect(decode([C.int], bytes(DIDL, [0, 1, 0x7c], sleb(i)))).toEqual([i]);
    }
  });

  test('the encoder refuses integers above the bound, with a short message', () => {
    const huge = 1n << 100_000n;
    expect(() => encode([C.nat], [huge])).toThrow(/cannot encode a 100004-bit integer as nat: longer than 64 bytes/);
    expect(() => encode([C.int], [-huge])).toThrow(/longer than 64 bytes/);
    expect(() => encode([C.nat], [natOfBytes(MAX_INT_BYTES) + 1n])).toThrow(/longer than 64 bytes/);
    expect(decode([C.nat], encode([C.nat], [natOfBytes(MAX_INT_BYTES)]))).toEqual([natOfBytes(MAX_INT_BYTES)]);
  });
});

describe('type tables: entries, references and method names are capped', () => {
  const emptyRecords = (n: number): Uint8Array => {
    const t: number[] = [...DIDL, ...u(n)];
    for (let i = 0; i < n; i++) t.push(0x6c, 0);
    t.push(1, 0);
    return new Uint8Array(t);
  };

  test('the caps are far above this project\'s own tables', () => {
    expect(MAX_TABLE_ENTRIES).toBe(256);
    expect(MAX_TABLE_REFERENCES).toBe(1024);
    expect(MAX_TABLE_NAME_BYTES).toBe(16384);
  });

  test(`at most ${MAX_TABLE_ENTRIES} entries`, () => {
    expect(decode([C.record({})], emptyRecords(MAX_TABLE_ENTRIES))).toEqual([{}]);
    expect(refusal([C.record({})], emptyRecords(MAX_TABLE_ENTRIES + 1))).toMatch(/type table has 257 entries; at most 256 are accepted/);
    expect(refusal([C.record({})], emptyRecords(950_000))).toMatch(/type table has 950000 entries/);
  });

  test(`at most ${MAX_TABLE_REFERENCES} references in the whole table`, () => {
    const fields = (perRecord: number[], args = 1): Uint8Array => {
      const t: number[] = [...DIDL, ...u(perRecord.length)];
      for (const m of perRecord) {
        t.push(0x6c, ...u(m));
        for (let j = 0; j < m; j++) t.push(...u(j), 0x7f);
      }
      t.push(...u(args));
      for (let i = 0; i < args; i++) t.push(0);
      return new Uint8Array(t);
    };
    expect(decode([C.record({})], fields([MAX_TABLE_REFERENCES - 1]))).toEqual([{}]);
    expect(decode([C.record({})], fields([500, 500, 23]))).toEqual([{}]);
    expect(refusal([C.record({})], fields([MAX_TABLE_REFERENCES]))).toMatch(/more than 1024 references/);
    expect(refusal([C.record({})], fields([500, 500, 24]))).toMatch(/more than 1024 references/);
    expect(refusal([C.record({})], fields([1000], 25))).toMatch(/more than 1024 references/);
    // function argument lists count as well
    const func = bytes(DIDL, [1, 0x6a], u(MAX_TABLE_REFERENCES + 1), new Array(MAX_TABLE_REFERENCES + 1).fill(0x7f), [0, 0, 0]);
    expect(refusal([], func)).toMatch(/more than 1024 references/);
  });

  test(`at most ${MAX_TABLE_NAME_BYTES} bytes of service method names, refused before they are decoded; errors show few of them`, () => {
    const service = (names: string[]): Uint8Array => {
      const t: number[] = [...DIDL, 2, 0x6a, 0, 0, 0, 0x69, ...u(names.length)];
      for (const n of names) t.push(...u(Buffer.byteLength(n)), ...Buffer.from(n), 0);
      t.push(1, 1, 1, 1, 4);
      return new Uint8Array(t);
    };
    const names = (count: number, len: number): string[] => Array.from({ length: count }, (_, i) => String(i).padStart(len, 'm'));
    const atCap = names(16, MAX_TABLE_NAME_BYTES / 16);
    expect(decode([C.service({})], service(atCap)).length).toBe(1);
    const over = names(16, MAX_TABLE_NAME_BYTES / 16);
    over[15] += 'x';
    expect(refusal([C.service({})], service(over))).toMatch(/more than 16384 bytes of method names/);
    // a mismatch with a large service type on the wire: the message stays short
    const mismatch = refusal([C.nat], service(names(1000, 12)), true);
    expect(mismatch).toMatch(/type mismatch: service \{ m+0; .*…/);
    expect(mismatch.length).toBeLessThan(400);
  });
});
