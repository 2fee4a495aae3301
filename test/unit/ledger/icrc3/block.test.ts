import { createHash } from 'crypto';
import * as fc from 'fast-check';
import { Principal } from '@dfinity/principal';
import { Account, Block, blockToValue } from '../../../../src/ledger/icrc3/block';
import { AccountHashCache, TOP_KEY_HASH_ORDER, TX_KEY_HASH_ORDER, accountHash, accountKey, blockHash } from '../../../../src/ledger/icrc3/block-hash';
import { decodeBlock, encodeBlock } from '../../../../src/ledger/icrc3/codec';
import { tipHashTreeCbor, tipTreeRootHash } from '../../../../src/ledger/icrc3/tip-tree';
import { hashValue, Value } from '../../../../src/ledger/icrc3/value';
import { encodeTreeCbor } from '../../../../tools/replica/certification/cbor';
import { fork, labeled, leaf, reconstruct } from '../../../../tools/replica/certification/hashTree';
import { leb128 as refLeb128 } from '../../../../tools/replica/certification';
import { hex, refHash } from './reference';

const sha = (s: string): string => createHash('sha256').update(s).digest('hex');

// ---- arbitraries --------------------------------------------------------------------------------
const nat = fc.oneof(
  fc.bigInt({ min: 0n, max: 300n }),
  fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
  fc.constantFrom(0n, 10_000n, 2n ** 31n - 1n, 2n ** 31n, 2n ** 32n, 2n ** 53n + 1n, 2n ** 63n, 2n ** 64n - 1n),
  fc.bigInt({ min: 2n ** 64n, max: 2n ** 130n }),
);
const u64 = fc.oneof(fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), fc.constant(1_700_000_000_123_456_789n));
const subaccount = fc.oneof(
  fc.uint8Array({ minLength: 32, maxLength: 32 }),
  fc.constant(new Uint8Array(32)),
  fc.integer({ min: 0, max: 65535 }).map(i => Uint8Array.from({ length: 32 }, (_, k) => (k === 31 ? i & 255 : k === 30 ? i >> 8 : 0))),
  fc.uint8Array({ minLength: 1, maxLength: 29 }).map(p => Uint8Array.from({ length: 32 }, (_, k) => (k === 0 ? p.length : k <= p.length ? p[k - 1] : 0))),
);
const account: fc.Arbitrary<Account> = fc.record(
  { owner: fc.uint8Array({ minLength: 0, maxLength: 29 }), subaccount },
  { requiredKeys: ['owner'] },
);
const common = {
  fee: nat,
  memo: fc.uint8Array({ maxLength: 80 }),
  createdAtTime: u64,
};
const tx = fc.oneof(
  fc.record({ op: fc.constant('mint' as const), to: account, amount: nat, ...common }, { requiredKeys: ['op', 'to', 'amount'] }),
  fc.record({ op: fc.constant('burn' as const), from: account, amount: nat, spender: account, ...common }, { requiredKeys: ['op', 'from', 'amount'] }),
  fc.record({ op: fc.constant('xfer' as const), from: account, to: account, amount: nat, spender: account, ...common }, { requiredKeys: ['op', 'from', 'to', 'amount'] }),
  fc.record(
    { op: fc.constant('approve' as const), from: account, spender: account, amount: nat, expectedAllowance: nat, expiresAt: u64, ...common },
    { requiredKeys: ['op', 'from', 'spender', 'amount'] },
  ),
);
const block: fc.Arbitrary<Block> = fc.record(
  {
    tx,
    timestamp: u64,
    effectiveFee: nat,
    parentHash: fc.uint8Array({ minLength: 32, maxLength: 32 }),
    feeCollector: account,
    feeCollectorBlock: u64,
  },
  { requiredKeys: ['tx', 'timestamp'] },
) as fc.Arbitrary<Block>;

const principal = (t: string): Uint8Array => Principal.fromText(t).toUint8Array();
const alice: Account = { owner: principal('rrkah-fqaaa-aaaaa-aaaaq-cai') };
const bob: Account = { owner: principal('ryjl3-tyaaa-aaaaa-aaaba-cai'), subaccount: Uint8Array.from({ length: 32 }, (_, i) => (i === 31 ? 1 : 0)) };

// ---- tests --------------------------------------------------------------------------------------
describe('blockToValue (DFINITY legacy layout)', () => {
  it('a transfer with the ledger fee charged (no tx.fee) has a top-level fee', () => {
    const b: Block = {
      tx: { op: 'xfer', from: alice, to: bob, amount: 100n, memo: Uint8Array.of(1, 2), createdAtTime: 7n },
      timestamp: 1_700_000_000_000_000_000n,
      effectiveFee: 10_000n,
      parentHash: new Uint8Array(32).fill(0xaa),
    };
    expect(blockToValue(b)).toEqual({
      Map: [
        ['fee', { Nat: 10_000n }],
        ['phash', { Blob: new Uint8Array(32).fill(0xaa) }],
        ['ts', { Nat: 1_700_000_000_000_000_000n }],
        [
          'tx',
          {
            Map: [
              ['amt', { Nat: 100n }],
              ['from', { Array: [{ Blob: alice.owner }] }],
              ['memo', { Blob: Uint8Array.of(1, 2) }],
              ['op', { Text: 'xfer' }],
              ['to', { Array: [{ Blob: bob.owner }, { Blob: bob.subaccount }] }],
              ['ts', { Nat: 7n }],
            ],
          },
        ],
      ],
    });
  });

  it('keeps an all-zero subaccount (only None is omitted), transfer_from carries spender, tx.fee in tx', () => {
    const zero: Account = { owner: alice.owner, subaccount: new Uint8Array(32) };
    const v = blockToValue({ tx: { op: 'xfer', from: zero, to: bob, spender: alice, amount: 1n, fee: 10_000n }, timestamp: 5n });
    const tx = (v as { Map: [string, Value][] }).Map.find(([k]) => k === 'tx')![1] as { Map: [string, Value][] };
    expect(tx.Map.map(([k]) => k)).toEqual(['amt', 'fee', 'from', 'op', 'spender', 'to']);
    expect(tx.Map[2][1]).toEqual({ Array: [{ Blob: alice.owner }, { Blob: new Uint8Array(32) }] });
    expect((v as { Map: [string, Value][] }).Map.map(([k]) => k)).toEqual(['ts', 'tx']);
  });

  it('mint / burn / approve shapes', () => {
    const keys = (b: Block): string[][] => {
      const top = (blockToValue(b) as { Map: [string, Value][] }).Map;
      const tx = top.find(([k]) => k === 'tx')![1] as { Map: [string, Value][] };
      return [top.map(([k]) => k), tx.Map.map(([k]) => k)];
    };
    expect(keys({ tx: { op: 'mint', to: bob, amount: 5n }, timestamp: 1n, parentHash: new Uint8Array(32) })).toEqual([
      ['phash', 'ts', 'tx'],
      ['amt', 'op', 'to'],
    ]);
    expect(keys({ tx: { op: 'burn', from: bob, spender: alice, amount: 5n }, timestamp: 1n })).toEqual([
      ['ts', 'tx'],
      ['amt', 'from', 'op', 'spender'],
    ]);
    expect(
      keys({
        tx: { op: 'approve', from: bob, spender: alice, amount: 5n, expectedAllowance: 0n, expiresAt: 9n, createdAtTime: 3n },
        timestamp: 1n,
        effectiveFee: 10n,
        feeCollectorBlock: 4n,
      }),
    ).toEqual([
      ['fee', 'fee_col_block', 'ts', 'tx'],
      ['amt', 'expected_allowance', 'expires_at', 'from', 'op', 'spender', 'ts'],
    ]);
  });
});

describe('blockHash', () => {
  it('the hard-coded pair orders are the key-hash orders', () => {
    const sorted = (ks: string[]): string[] => [...ks].sort((a, b) => (sha(a) < sha(b) ? -1 : 1));
    expect(sorted(TX_KEY_HASH_ORDER)).toEqual(TX_KEY_HASH_ORDER);
    expect(sorted(TOP_KEY_HASH_ORDER)).toEqual(TOP_KEY_HASH_ORDER);
  });

  it('equals hashValue(blockToValue(b)) and the naive reference, for every kind and optional field', () => {
    const cache = new AccountHashCache(64);
    fc.assert(
      fc.property(block, b => {
        const expected = hex(refHash(blockToValue(b)));
        expect(hex(hashValue(blockToValue(b)))).toBe(expected);
        expect(hex(blockHash(b))).toBe(expected);
        expect(hex(blockHash(b, { accountHash: cache.hook }))).toBe(expected);
        expect(hex(blockHash(b, { accountHash: cache.hook }))).toBe(expected); // warm
      }),
      { numRuns: 3000 },
    );
    expect(cache.size).toBeLessThanOrEqual(64);
  });

  it('memoised fee / timestamp hashes follow value changes', () => {
    const mk = (fee: bigint, ts: bigint): Block => ({ tx: { op: 'xfer', from: alice, to: bob, amount: 1n, fee }, timestamp: ts, effectiveFee: fee });
    for (const [f, t] of [[1n, 1n], [1n, 2n], [2n, 2n], [2n, 2n], [1n, 1n]] as const) {
      expect(hex(blockHash(mk(f, t)))).toBe(hex(refHash(blockToValue(mk(f, t)))));
    }
  });

  it('account hashes and cache keys', () => {
    const zero: Account = { owner: alice.owner, subaccount: new Uint8Array(32) };
    expect(hex(accountHash(alice))).toBe(hex(refHash({ Array: [{ Blob: alice.owner }] })));
    expect(hex(accountHash(zero))).not.toBe(hex(accountHash(alice)));
    expect(accountKey(zero)).not.toBe(accountKey(alice));
    // the key is injective even when owner bytes could run into subaccount bytes
    const a: Account = { owner: Uint8Array.of(1, 2), subaccount: new Uint8Array(32) };
    const b2: Account = { owner: Uint8Array.of(1, 2, 0), subaccount: undefined };
    expect(accountKey(a)).not.toBe(accountKey(b2));
  });
});

describe('block codec', () => {
  it('round-trips every block shape', () => {
    fc.assert(
      fc.property(block, b => {
        const bytes = encodeBlock(b);
        expect(bytes[0]).toBe(1);
        expect(decodeBlock(bytes)).toEqual(b);
      }),
      { numRuns: 3000 },
    );
  });

  it('is compact', () => {
    const b: Block = {
      tx: { op: 'xfer', from: alice, to: bob, amount: 123_456_789n },
      timestamp: 1_700_000_000_123_456_789n,
      effectiveFee: 10_000n,
      parentHash: new Uint8Array(32).fill(7),
    };
    // 3 header + 9 ts + 32 phash + (1+10) + (1+10+2+1) accounts + 4 amt + 2 fee
    expect(encodeBlock(b).length).toBe(75);
  });

  it('rejects unknown formats, flags and truncation', () => {
    const bytes = encodeBlock({ tx: { op: 'mint', to: bob, amount: 1n }, timestamp: 1n });
    expect(() => decodeBlock(Uint8Array.of(2, ...bytes.subarray(1)))).toThrow(/format/);
    expect(() => decodeBlock(bytes.subarray(0, bytes.length - 1))).toThrow();
    expect(() => decodeBlock(Uint8Array.of(...bytes, 0))).toThrow(/trailing/);
    const bad = Uint8Array.from(bytes);
    bad[2] = 0x10;
    expect(() => decodeBlock(bad)).toThrow(/flags/);
  });
});

describe('tip certification', () => {
  const tree = (i: bigint, h: Uint8Array) =>
    fork(labeled('last_block_hash', leaf(h)), labeled('last_block_index', leaf(refLeb128(i))));

  it('root hash and CBOR equal the reference hash-tree implementation', () => {
    fc.assert(
      fc.property(u64, fc.uint8Array({ minLength: 32, maxLength: 32 }), (i, h) => {
        expect(hex(tipTreeRootHash(i, h))).toBe(hex(reconstruct(tree(i, h))));
        expect(hex(tipHashTreeCbor(i, h))).toBe(hex(encodeTreeCbor(tree(i, h))));
      }),
      { numRuns: 300 },
    );
  });

  it('CBOR layout', () => {
    const c = tipHashTreeCbor(0n, new Uint8Array(32));
    expect(hex(c.subarray(0, 6))).toBe('830183024f6c'); // [1, [2, bytes(15) "l…
    expect(hex(c.subarray(c.length - 4))).toBe('82034100'); // [3, bytes(1) 00]
  });
});
