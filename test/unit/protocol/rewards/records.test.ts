/**
 * The reward books' record codecs (src/protocol/rewards/records.ts): format 2 stores every number
 * as u64 limbs and reads back exactly what was written, for any number up to 2^256 − 1; a negative
 * number or one of 2^256 or more is refused, not wrapped; format-1 records (numbers as text) still
 * read as the same books.
 */
import fc from 'fast-check';
import { Writer } from '../../../../src/lib/storage/binary';
import { decodeNode, decodeState, encodeNode, encodeState, type NodeRewards, type RewardsState } from '../../../../src/protocol/rewards/records';

const num = fc.oneof(fc.constant(0n), fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), fc.bigInt({ min: 0n, max: (1n << 256n) - 1n }), fc.constant((1n << 64n) - 1n), fc.constant(1n << 64n), fc.constant((1n << 256n) - 1n));
const node = fc.record({ weight: num, snapshot: num, remainder: num, credited: num, claimed: num });
const state = fc.record({
    anchorEpoch: num, anchorTime: num, epochLength: num, prevStart: num, lastUpdate: num, index: num, totalWeight: num, eligible: num,
    distributedScaled: num, unallocatedScaled: num, claimed: num, epoch: num, epochEmitted: num, epochDistributedScaled: num,
});

function formatOne(values: bigint[]): Uint8Array {
    const w = new Writer(512).u8(1);
    for (const v of values) w.text(v.toString());
    return w.done();
}

describe('reward books records', () => {
    it('format 2 reads back every node’s books and state written, up to 2^256 − 1', () => {
        fc.assert(
            fc.property(node, state, (n: NodeRewards, s: RewardsState) => {
                const nb = encodeNode(n);
                expect(nb[0]).toBe(2);
                expect(decodeNode(nb)).toEqual(n);
                expect(decodeState(encodeState(s))).toEqual(s);
            }),
            { numRuns: 300 },
        );
    });

    it('refuses a negative number or one of 2^256 or more, instead of wrapping', () => {
        const ok: NodeRewards = { weight: 1n, snapshot: 2n, remainder: 3n, credited: 4n, claimed: 5n };
        expect(() => encodeNode({ ...ok, snapshot: 1n << 256n })).toThrow(RangeError);
        expect(() => encodeNode({ ...ok, credited: -1n })).toThrow(RangeError);
    });

    it('reads format-1 records as the same books', () => {
        fc.assert(
            fc.property(node, (n) => {
                expect(decodeNode(formatOne([n.weight, n.snapshot, n.remainder, n.credited, n.claimed]))).toEqual(n);
            }),
            { numRuns: 100 },
        );
    });
});
