/**
 * `list_nodes`' answer transcoded straight from stored node records (formats 3 and 2) is byte for
 * byte what the generic encoder writes for the decoded records' views.
 */
import fc from 'fast-check';
import { encode } from '../../../src/lib/candid/candid';
import { NodePageT } from '../../../src/protocol/api/candid';
import { nodePageBytes } from '../../../src/protocol/api/node-writer';
import { nodeView } from '../../../src/protocol/api/views';
import { escrowSubaccount } from '../../../src/protocol/model/supply';
import { decodeNode, encodeNode, type NodeRecord } from '../../../src/protocol/nodes/record';
import { nodeRecord } from './node-arbitrary';

const SELF = Uint8Array.of(0, 0, 0, 0, 0, 0, 0, 1, 1, 1);
const escrowOf = (index: bigint) => ({ owner: SELF, subaccount: escrowSubaccount(index) });
// Node ids and the operation kind in views are texts: ids with any UTF-8 (the writer's text path).
const withText = fc.tuple(nodeRecord, fc.string({ unit: 'grapheme', minLength: 1, maxLength: 20 })).map(([n, id]) => ({ ...n, id }));

describe('node page writer', () => {
    it('writes the bytes encode([NodePageT]) writes, for any page of node records (property)', () => {
        fc.assert(
            fc.property(fc.array(fc.oneof(nodeRecord, withText), { maxLength: 8 }), fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), (records, total) => {
                const raws = records.map(encodeNode);
                // the views of the records as stored and read back (what list_nodes showed when it decoded them)
                const generic = encode([NodePageT], [{ nodes: raws.map((r) => decodeNode(r)).map((n) => nodeView(n, escrowOf(n.index))), total }]);
                expect(Buffer.from(nodePageBytes(raws, total, SELF)).toString('hex')).toBe(Buffer.from(generic).toString('hex'));
            }),
            { numRuns: 300 },
        );
    });

    it('writes an empty page', () => {
        expect(nodePageBytes([], 0n, SELF)).toEqual(encode([NodePageT], [{ nodes: [], total: 0n }]));
    });

    it('transcodes format-2 records (written before the liveness part) as decodeNode reads them', () => {
        // a format-2 record is a format-3 record of a node without liveness fields, minus its last byte
        const noLiveness = nodeRecord.map((n): NodeRecord => ({ ...n, suspended: undefined, frozen: undefined, fault: undefined, penaltyDue: undefined, penalized: undefined, stakeBasis: undefined }));
        fc.assert(
            fc.property(fc.array(noLiveness, { minLength: 1, maxLength: 6 }), (records) => {
                const raws = records.map((n) => {
                    const r = encodeNode(n);
                    expect(r[r.length - 1]).toBe(0);
                    const old = r.slice(0, r.length - 1);
                    old[0] = 2;
                    return old;
                });
                const generic = encode([NodePageT], [{ nodes: raws.map((r) => decodeNode(r)).map((n) => nodeView(n, escrowOf(n.index))), total: 7n }]);
                expect(Buffer.from(nodePageBytes(raws, 7n, SELF)).toString('hex')).toBe(Buffer.from(generic).toString('hex'));
            }),
            { numRuns: 100 },
        );
    });

    it('refuses a record whose layout does not end where it does', () => {
        fc.assert(
            fc.property(nodeRecord, (n) => {
                const r = encodeNode(n);
                expect(() => nodePageBytes([r.slice(0, r.length - 1)], 1n, SELF)).toThrow();
                expect(() => nodePageBytes([Uint8Array.from([...r, 0])], 1n, SELF)).toThrow(/layout/);
            }),
            { numRuns: 50 },
        );
    });
});
