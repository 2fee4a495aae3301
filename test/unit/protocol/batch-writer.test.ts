/**
 * The batch status writer (src/protocol/api/batch-writer.ts) writes exactly the bytes of the generic
 * Candid encoder for `{ Ok: status }` of `propose_batch` / `vote_batch`, for any status its types
 * allow, and refuses a status outside them instead of writing wrong bytes.
 */
import fc from 'fast-check';
import { decode, encode } from '../../../src/lib/candid/candid';
import { batchStatusBytes } from '../../../src/protocol/api/batch-writer';
import { ProposeResultT, VoteResultT } from '../../../src/protocol/batches/payload';

const status = fc.record({
    digest: fc.uint8Array({ minLength: 0, maxLength: 127 }),
    votes: fc.nat({ max: 0xffffffff }),
    quorum: fc.nat({ max: 0xffffffff }),
    confirmed: fc.boolean(),
});

describe('batch status writer', () => {
    it('writes the generic encoder’s bytes for every status, and they decode back', () => {
        fc.assert(
            fc.property(status, (s) => {
                const bytes = batchStatusBytes(s);
                expect(Buffer.from(bytes).toString('hex')).toBe(Buffer.from(encode([VoteResultT], [{ Ok: s }])).toString('hex'));
                expect(Buffer.from(bytes).toString('hex')).toBe(Buffer.from(encode([ProposeResultT], [{ Ok: s }])).toString('hex'));
                expect(decode([VoteResultT], bytes)[0]).toEqual({ Ok: s });
            }),
            { numRuns: 300 },
        );
    });

    it('refuses a status outside its types', () => {
        const ok = { digest: new Uint8Array(32), votes: 3, quorum: 9, confirmed: false };
        expect(() => batchStatusBytes({ ...ok, digest: new Uint8Array(128) })).toThrow(RangeError);
        expect(() => batchStatusBytes({ ...ok, votes: -1 })).toThrow(RangeError);
        expect(() => batchStatusBytes({ ...ok, quorum: 2 ** 32 })).toThrow(RangeError);
        expect(() => batchStatusBytes({ ...ok, votes: 1.5 })).toThrow(RangeError);
    });

});
