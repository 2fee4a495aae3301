/**
 * The refusals of `propose_batch` and `vote_batch` (./batches.ts, the payload rules of ./payload.ts):
 * one Candid variant, `BatchError`, each case named after the rule that refused, with a readable
 * `message` built where it refuses (in words a validator operator can act on) and its data. Digests
 * in messages are hex.
 * Storage: none. Cost: none on success; a refusal builds one short string.
 */
import { Principal } from '@dfinity/principal';
import { C, type ValueOf } from '../../lib/candid/candid';
import { toHex } from '../../lib/storage/bytes';
import { msg, PAUSED_CASE, paused } from '../model/errors';

export const BatchErrorT = C.variant({
    /** The caller's principal operates no active validator. */
    NotAValidator: msg(),
    /** The height is at or below the last confirmed height (`last_confirmed`). */
    StaleHeight: msg({ last_confirmed: C.nat64 }),
    /** `expected`: the digest the caller claimed; `computed`: the canister's. */
    DigestMismatch: msg({ expected: C.blob, computed: C.blob }),
    /** More than `max` state bits in the payload. */
    PayloadTooLarge: msg({ max: C.nat32 }),
    /** `index`: position of the state bit in payload order (poc_results, observations, tasks, task_rejections); `message` names the field and the rule. */
    InvalidStateBit: msg({ index: C.nat32 }),
    /** The caller already proposed `digest` at this height. */
    AlreadyProposed: msg({ digest: C.blob }),
    /** No proposal with this digest at this height (or the digest is not 32 bytes). */
    UnknownProposal: msg(),
    /** The caller already backs `voted` at this height (or it is the height's confirmed digest). */
    ConflictingVote: msg({ voted: C.blob }),
    /** The caller holds `max` proposal records already. */
    TooManyPendingProposals: msg({ max: C.nat32 }),
    /** Governance paused the protocol (`reason`: governance's own words). */
    ...PAUSED_CASE,
});
export type BatchError = ValueOf<typeof BatchErrorT>;

const hex = (b: Uint8Array): string => toHex(b);

export const batchPaused = (reason: string): BatchError => paused(reason);

/** `caller`: the principal bytes the call came from (named in the message: the wrong identity is the usual cause). */
export const notAValidator = (caller: Uint8Array): BatchError => ({
    NotAValidator: { message: `the caller ${Principal.fromUint8Array(caller).toText()} is not the operator of an active validator: only active validators propose and vote on batches, with their current operator key` },
});

export const staleHeight = (height: bigint, lastConfirmed: bigint): BatchError => ({
    StaleHeight: { message: `height ${height} is at or below the last confirmed height ${lastConfirmed}: propose at height ${lastConfirmed + 1n} or above`, last_confirmed: lastConfirmed },
});

/** A vote at a height below the tip that was never confirmed (its proposals are void). */
export const skippedHeight = (height: bigint, lastConfirmed: bigint): BatchError => ({
    StaleHeight: { message: `height ${height} was never confirmed and the last confirmed height is ${lastConfirmed}: its proposals are void, vote at height ${lastConfirmed + 1n} or above`, last_confirmed: lastConfirmed },
});

export const digestMismatch = (expected: Uint8Array, computed: Uint8Array): BatchError => ({
    DigestMismatch: {
        message: `the digest sent (${expected.length === 0 ? 'empty' : hex(expected)}) is not the SHA-256 of the payload's Candid encoding (${hex(computed)}): recompute it from the payload as sent`,
        expected,
        computed,
    },
});

export const payloadTooLarge = (stateBits: number, max: number): BatchError => ({
    PayloadTooLarge: { message: `the payload has ${stateBits} state bits, at most ${max} fit in one batch: spread them over several heights`, max },
});

/** `problem`: the field and the rule it breaks, e.g. `poc_results[1].poc_ms must be at least 1`. */
export const invalidStateBit = (index: number, problem: string): BatchError => ({ InvalidStateBit: { message: problem, index } });

export const alreadyProposed = (height: bigint, digest: Uint8Array): BatchError => ({
    AlreadyProposed: { message: `this validator already proposed digest ${hex(digest)} at height ${height}: a validator backs one digest per height`, digest },
});

export const unknownProposal = (height: bigint, digest: unknown): BatchError => ({
    UnknownProposal: {
        message: digest instanceof Uint8Array && digest.length === 32
            ? `no proposal with digest ${hex(digest)} at height ${height}: propose it (propose_batch) before voting, or check the height and digest`
            : `a batch digest is 32 bytes, got ${digest instanceof Uint8Array ? digest.length : 'none'}: no proposal at height ${height} has it`,
    },
});

export const conflictingVote = (height: bigint, voted: Uint8Array): BatchError => ({
    ConflictingVote: { message: `this validator already backs digest ${hex(voted)} at height ${height}: a validator backs one digest per height`, voted },
});

/** A vote at a confirmed height naming another digest than the confirmed one. */
export const notConfirmedDigest = (height: bigint, confirmed: Uint8Array): BatchError => ({
    ConflictingVote: { message: `height ${height} is confirmed with digest ${hex(confirmed)}: a vote there can only name that digest`, voted: confirmed },
});

export const tooManyPendingProposals = (max: number): BatchError => ({
    TooManyPendingProposals: { message: `this validator holds ${max} proposals not yet confirmed or pruned, the most it may: vote for existing proposals, or wait for the tip to pass them`, max },
});
