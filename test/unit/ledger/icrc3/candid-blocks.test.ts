/**
 * Blocks written as Candid from their stored bytes (src/ledger/icrc3/candid-blocks.ts) against the
 * generic path they replace: for any block (every op, optional field, account shape and integer
 * size), the `icrc3_get_blocks` and legacy `get_blocks` replies are byte for byte what the generic
 * encoder writes for `blockToValue(decodeBlock(bytes))` (and its legacy form), and they decode,
 * with agent-js's decoder and the .did types, to those values.
 */
import { IDL } from '@dfinity/candid';
import fc from 'fast-check';
import { decode, encode } from '../../../../src/lib/candid/candid';
import * as T from '../../../../src/ledger/api/candid';
import { CandidBlocks } from '../../../../src/ledger/icrc3/candid-blocks';
import { blockToValue, type Account, type Block } from '../../../../src/ledger/icrc3/block';
import { decodeBlock, encodeBlock } from '../../../../src/ledger/icrc3/codec';
import { legacyBlockValue } from '../../../../src/ledger/legacy/blocks';
import { toIdl } from '../../../../src/lib/candid/to-idl';

const nat = fc.oneof(
    fc.bigInt({ min: 0n, max: 300n }),
    fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
    fc.constantFrom(0n, 127n, 128n, 2n ** 28n - 1n, 2n ** 28n, 2n ** 31n - 1n, 2n ** 31n, 2n ** 32n, 2n ** 35n, 2n ** 53n + 1n, 2n ** 56n, 2n ** 63n, 2n ** 64n - 1n, 2n ** 64n),
    fc.bigInt({ min: 2n ** 64n, max: 2n ** 130n }),
);
const u64 = fc.oneof(fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), fc.constant(1_700_000_000_123_456_789n));
const subaccount = fc.oneof(
    fc.uint8Array({ minLength: 32, maxLength: 32 }),
    fc.constant(new Uint8Array(32)),
    fc.integer({ min: 0, max: 65535 }).map((i) => Uint8Array.from({ length: 32 }, (_, k) => (k === 31 ? i & 255 : k === 30 ? i >> 8 : 0))),
    fc.uint8Array({ minLength: 1, maxLength: 29 }).map((p) => Uint8Array.from({ length: 32 }, (_, k) => (k === 0 ? p.length : k <= p.length ? p[k - 1] : 0))),
);
const account: fc.Arbitrary<Account> = fc.record({ owner: fc.uint8Array({ minLength: 0, maxLength: 29 }), subaccount }, { requiredKeys: ['owner'] });
const common = { fee: nat, memo: fc.uint8Array({ maxLength: 300 }), createdAtTime: u64 };
const tx = fc.oneof(
    fc.record({ op: fc.constant('mint' as const), to: account, amount: nat, ...common }, { requiredKeys: ['op', 'to', 'amount'] }),
    fc.record({ op: fc.constant('burn' as const), from: account, amount: nat, spender: account, ...common }, { requiredKeys: ['op', 'from', 'amount'] }),
    fc.record({ op: fc.constant('xfer' as const), from: account, to: account, amount: nat, spender: account, ...common }, { requiredKeys: ['op', 'from', 'to', 'amount'] }),
    fc.record({ op: fc.constant('approve' as const), from: account, spender: account, amount: nat, expectedAllowance: nat, expiresAt: u64, ...common }, { requiredKeys: ['op', 'from', 'spender', 'amount'] }),
);
const block = fc.record(
    { tx, timestamp: u64, effectiveFee: nat, parentHash: fc.uint8Array({ minLength: 32, maxLength: 32 }), feeCollector: account, feeCollectorBlock: u64 },
    { requiredKeys: ['tx', 'timestamp'] },
) as fc.Arbitrary<Block>;

const writer = new CandidBlocks({ icrc3Result: T.GetBlocksResult, icrc3Value: T.ICRC3Value, legacyResponse: T.GetBlocksResponse, legacyValue: T.LegacyValue });
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

describe('blocks written as Candid from their stored bytes', () => {
    it('icrc3_get_blocks: byte for byte the generic encoding of the blocks’ ICRC-3 values', () => {
        fc.assert(
            fc.property(fc.array(block, { maxLength: 6 }), fc.bigInt({ min: 0n, max: 2n ** 64n }), fc.bigInt({ min: 0n, max: 2n ** 40n }), (blocks, logLength, first) => {
                const stored = blocks.map((b, i) => ({ id: first + BigInt(i), bytes: encodeBlock(b) }));
                const expected = encode([T.GetBlocksResult], [{ log_length: logLength, blocks: stored.map((s) => ({ id: s.id, block: blockToValue(decodeBlock(s.bytes)) })), archived_blocks: [] }]);
                expect(hex(writer.icrc3Reply(logLength, stored))).toBe(hex(expected));
            }),
            { numRuns: 400 },
        );
    });

    it('get_blocks (legacy): byte for byte the generic encoding of the legacy values, Nat64 where it fits', () => {
        fc.assert(
            fc.property(fc.array(block, { maxLength: 6 }), fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), u64, fc.option(fc.uint8Array({ maxLength: 200 }), { nil: undefined }), (blocks, first, chain, certificate) => {
                const stored = blocks.map(encodeBlock);
                const expected = encode([T.GetBlocksResponse], [{ first_index: first, chain_length: chain, certificate: certificate === undefined ? [] : [certificate], blocks: stored.map((s) => legacyBlockValue(decodeBlock(s))), archived_blocks: [] }]);
                expect(hex(writer.legacyReply(first, chain, certificate, stored))).toBe(hex(expected));
            }),
            { numRuns: 400 },
        );
    });

    it('decodes with agent-js and with our decoder to the blocks’ values', () => {
        const idl = toIdl(IDL as never, T.GetBlocksResult);
        fc.assert(
            fc.property(fc.array(block, { minLength: 1, maxLength: 3 }), (blocks) => {
                const stored = blocks.map((b, i) => ({ id: BigInt(i), bytes: encodeBlock(b) }));
                const reply = writer.icrc3Reply(BigInt(blocks.length), stored);
                const ours = decode([T.GetBlocksResult], reply)[0] as { blocks: { block: unknown }[] };
                expect(ours.blocks.map((x) => x.block)).toEqual(stored.map((s) => blockToValue(decodeBlock(s.bytes))));
                const theirs = IDL.decode([idl], reply)[0] as { blocks: unknown[] };
                expect(theirs.blocks.length).toBe(blocks.length);
            }),
            { numRuns: 100 },
        );
    });

    it('refuses stored bytes that are not a block', () => {
        const good = encodeBlock({ tx: { op: 'xfer', from: { owner: Uint8Array.of(1) }, to: { owner: Uint8Array.of(2) }, amount: 5n }, timestamp: 9n });
        for (const bad of [good.subarray(0, good.length - 1), Uint8Array.of(...good, 0), Uint8Array.of(2, ...good.subarray(1)), Uint8Array.of(good[0], good[1], 0x10, ...good.subarray(3))]) {
            expect(() => writer.icrc3Reply(1n, [{ id: 0n, bytes: bad }])).toThrow(/candid-blocks/);
        }
    });
});
