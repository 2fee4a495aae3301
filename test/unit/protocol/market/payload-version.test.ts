/**
 * The batch payload is versioned (spec §11): adding task records did not change the digest of a
 * payload without them (digests pinned from main before the change, and re-derived with
 * @dfinity/candid's encoder of the version-1 type), old-form bytes still decode, and a payload
 * with market bits has its own digest.
 */
import { IDL } from '@dfinity/candid';
import { Principal } from '@dfinity/principal';
import { decode } from '../../../../src/lib/candid/candid';
import { sha256 } from '../../../../src/lib/crypto/sha256';
import { toHex } from '../../../../src/lib/storage/bytes';
import { batchDigest, BatchPayloadT, encodePayload, validatePayload, type BatchPayload } from '../../../../src/protocol/batches/payload';

const sample: BatchPayload = {
    poc_results: [{ node_id: 'node1', operator: Principal.fromUint8Array(new Uint8Array([1, 2, 3])), poc_ms: 10380 }],
    observations: [{ node_id: 'router7', online: false }],
};
/** Computed on main (9d593f4) before the market existed. */
const PINNED = 'a48e68766b8bac9b9c0332a2a55066f8eb7af746666cf415dedbcd6d2ba465d2';
const PINNED_EMPTY = '137cb643cfa4ba8c433138dc63e477097f8da128d4f939bdae5968f926f16ae6';

const V1 = IDL.Record({
    poc_results: IDL.Vec(IDL.Record({ node_id: IDL.Text, operator: IDL.Principal, poc_ms: IDL.Nat32 })),
    observations: IDL.Vec(IDL.Record({ node_id: IDL.Text, online: IDL.Bool })),
});

describe('the versioned batch payload', () => {
    it('keeps the digest of a payload without market bits (pinned from main)', () => {
        expect(toHex(batchDigest(sample))).toBe(PINNED);
        expect(toHex(batchDigest({ poc_results: [], observations: [] }))).toBe(PINNED_EMPTY);
        // absent and empty market vectors are the same version-1 payload
        expect(toHex(batchDigest({ ...sample, tasks: [], task_rejections: [] }))).toBe(PINNED);
        expect(toHex(batchDigest({ ...sample, tasks: [[]], task_rejections: [[]] }))).toBe(PINNED);
        // and it is what an old validator computes with the version-1 type
        expect(toHex(sha256(new Uint8Array(IDL.encode([V1], [sample]))))).toBe(PINNED);
    });

    it('decodes the old form with the market vectors absent', () => {
        const bytes = new Uint8Array(IDL.encode([V1], [sample]));
        const [p] = decode([BatchPayloadT], bytes) as [BatchPayload];
        expect(p.tasks).toEqual([]);
        expect(p.task_rejections).toEqual([]);
        expect(encodePayload(p)).toEqual(bytes);
    });

    it('gives a payload with task records its own digest, stable across a decode', () => {
        const withTasks: BatchPayload = { ...sample, tasks: [[{ order: 3n, node_id: 'gpu1', cum_units: 5n, result_hash: new Uint8Array(32) }]] };
        const d = batchDigest(withTasks);
        expect(toHex(d)).not.toBe(PINNED);
        const [back] = decode([BatchPayloadT], encodePayload(withTasks)) as [BatchPayload];
        expect(batchDigest(back)).toEqual(d);
        expect(validatePayload(withTasks)).toBeUndefined();
    });

    it('names the first bad market bit', () => {
        const bad: BatchPayload = { poc_results: [], observations: [], tasks: [[{ order: 1n, node_id: 'bad id!', cum_units: 1n, result_hash: new Uint8Array(0) }]] };
        expect(validatePayload(bad)).toEqual({ InvalidStateBit: { index: 0, message: expect.stringContaining('tasks[0].node_id') } });
        const rej: BatchPayload = { poc_results: [], observations: [{ node_id: 'r1', online: true }], task_rejections: [[{ order: 1n, from_cum: 5n, to_cum: 5n }]] };
        expect(validatePayload(rej)).toEqual({ InvalidStateBit: { index: 1, message: 'task_rejections[0].to_cum must be above from_cum' } });
        const big: BatchPayload = { poc_results: [], observations: [], tasks: [[{ order: 1n, node_id: 'g', cum_units: 1n, result_hash: new Uint8Array(33) }]] };
        expect(validatePayload(big)).toEqual({ InvalidStateBit: { index: 0, message: 'tasks[0].result_hash must be at most 32 bytes' } });
    });
});
