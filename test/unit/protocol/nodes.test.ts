/** The node record's binary codec round-trips every field combination. */
import fc from 'fast-check';
import { decodeNode, encodeNode, nodeIdProblem, type NodeRecord } from '../../../src/protocol/nodes/record';
import { nodeRecord as node } from './node-arbitrary';

describe('node records', () => {
    it('round-trip through the binary codec', () => {
        fc.assert(fc.property(node, (n) => expect(decodeNode(encodeNode(n))).toEqual(n)));
    });

    it('still read format-2 records (written before liveness existed)', () => {
        fc.assert(
            fc.property(node, (n) => {
                const { suspended, frozen, fault, penaltyDue, penalized, stakeBasis, ...older } = n;
                void [suspended, frozen, fault, penaltyDue, penalized, stakeBasis];
                const v3 = encodeNode(older as NodeRecord);
                // Format 2 = format 3 without the trailing liveness byte (0 when nothing is set).
                expect(v3[v3.length - 1]).toBe(0);
                const v2 = v3.slice(0, v3.length - 1);
                v2[0] = 2;
                expect(decodeNode(v2)).toEqual(older);
            }),
        );
    });

    it('validate node ids as libp2p-style peer ids', () => {
        expect(nodeIdProblem('16Uiu2HAmQ7HqkCmV6Yy5kXgF9p1yWkXJvUC3pYdT7vq2ZQxX4mKp')).toBeUndefined();
        expect(nodeIdProblem('')).toBeDefined();
        expect(nodeIdProblem('a-b')).toBeDefined();
        expect(nodeIdProblem('x'.repeat(65))).toBeDefined();
    });
});
