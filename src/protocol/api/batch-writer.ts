/**
 * `propose_batch` and `vote_batch`'s answer when it is `Ok` (a `BatchStatus`: every validator sends
 * one vote per batch, the most frequent update) written straight to Candid bytes: exactly the bytes
 * `encode([VoteResultT], [{ Ok: status }])` produces (a property test pins them,
 * test/unit/protocol/batch-writer.test.ts), without the generic encoder's per-value dispatch. The
 * header (magic, type table, argument type) is the generic encoder's own, taken once; the writes
 * follow the wire order of the types (fields sorted by id), checked when the module loads: a field
 * added to `BatchStatusT` without a write here stops the canister at install, not silently.
 * Refusals (`Err`) go through the generic encoder.
 * Storage: none. Cost: a few thousand instructions (a vote message: 0.78 → 0.75 M).
 */
import { headerBytes } from '../../lib/candid/encode';
import type { RecordType, VariantType } from '../../lib/candid/types';
import { BatchStatusT, VoteResultT, ProposeResultT, type BatchStatus } from '../batches/payload';

const HEADER = headerBytes([VoteResultT]);
const OK_TAG = (VoteResultT as unknown as VariantType).names.indexOf('Ok');
if ((BatchStatusT as unknown as RecordType).names.join() !== 'votes,digest,confirmed,quorum' || OK_TAG < 0 || OK_TAG > 127 || ProposeResultT !== VoteResultT) {
    throw new Error('batch-writer: BatchStatus or the batch result changed: update the writer');
}

function u32le(out: Uint8Array, at: number, n: number): void {
    out[at] = n & 255;
    out[at + 1] = (n >>> 8) & 255;
    out[at + 2] = (n >>> 16) & 255;
    out[at + 3] = (n >>> 24) & 255;
}

/** The Candid bytes of `{ Ok: s }` as a `VoteResult` (= `ProposeResult`). */
export function batchStatusBytes(s: BatchStatus): Uint8Array {
    const d = s.digest;
    if (d.length > 127 || !Number.isInteger(s.votes) || !Number.isInteger(s.quorum) || s.votes < 0 || s.quorum < 0 || s.votes > 0xffffffff || s.quorum > 0xffffffff) {
        throw new RangeError('batch-writer: a status out of its types');
    }
    // wire order (field ids): votes, digest, confirmed, quorum
    const out = new Uint8Array(HEADER.length + 1 + 4 + 1 + d.length + 1 + 4);
    out.set(HEADER, 0);
    let at = HEADER.length;
    out[at++] = OK_TAG;
    u32le(out, at, s.votes);
    at += 4;
    out[at++] = d.length;
    out.set(d, at);
    at += d.length;
    out[at++] = s.confirmed ? 1 : 0;
    u32le(out, at, s.quorum);
    return out;
}

