/** `list_nodes`' answer written straight from node records is byte for byte what the generic encoder writes for the views. */
import fc from 'fast-check';
import { encode } from '../../../src/lib/candid/candid';
import { NodePageT } from '../../../src/protocol/api/candid';
import { nodePageBytes } from '../../../src/protocol/api/node-writer';
import { nodeView } from '../../../src/protocol/api/views';
import { escrowSubaccount } from '../../../src/protocol/model/supply';
import { nodeRecord } from './node-arbitrary';

const SELF = Uint8Array.of(0, 0, 0, 0, 0, 0, 0, 1, 1, 1);
const escrowOf = (index: bigint) => ({ owner: SELF, subaccount: escrowSubaccount(index) });
// Node ids and the operation kind in views are texts: ids with any UTF-8 (the writer's text path).
const withText = fc.tuple(nodeRecord, fc.string({ unit: 'grapheme', minLength: 1, maxLength: 20 })).map(([n, id]) => ({ ...n, id }));

describe('node page writer', () => {
    it('writes the bytes encode([NodePageT]) writes, for any page of node records (property)', () => {
        fc.assert(
            fc.property(fc.array(fc.oneof(nodeRecord, withText), { maxLength: 8 }), fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), (records, total) => {
                const generic = encode([NodePageT], [{ nodes: records.map((n) => nodeView(n, escrowOf(n.index))), total }]);
                expect(Buffer.from(nodePageBytes(records, total, escrowOf)).toString('hex')).toBe(Buffer.from(generic).toString('hex'));
            }),
            { numRuns: 300 },
        );
    });

    it('writes an empty page', () => {
        expect(nodePageBytes([], 0n, escrowOf)).toEqual(encode([NodePageT], [{ nodes: [], total: 0n }]));
    });
});
