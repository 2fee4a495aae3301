/**
 * A state-bit batch's payload (spec §4): its Candid types, its limits, its validation and its
 * digest. The digest is SHA-256 of the payload's Candid encoding (`IDL.encode` of @dfinity/candid,
 * byte for byte), what validators sign off-chain and vote on. Payload validation runs once, when a
 * batch is proposed; every error names the first state bit that breaks a rule.
 * Storage: none. Cost: validation is linear in the payload; the digest ~1 SHA-256 compression per
 * 64 payload bytes.
 */
import { C, encode, prime, type ValueOf } from '../../lib/candid/candid';
import { sha256 } from '../../lib/crypto/sha256';
import { MAX_NODE_ID_LENGTH, nodeIdProblem } from '../nodes/record';

// ---------------------------------------------------------------------------------------------
// Candid types

export const PocResultT = C.record({ node_id: C.text, operator: C.principal, poc_ms: C.nat32 });
export const ObservationT = C.record({ node_id: C.text, online: C.bool });
/** `record { poc_results : vec record { node_id : text; operator : principal; poc_ms : nat32 }; observations : vec record { node_id : text; online : bool } }` */
export const BatchPayloadT = C.record({ poc_results: C.vec(PocResultT), observations: C.vec(ObservationT) });

export type PocResult = ValueOf<typeof PocResultT>;
export type Observation = ValueOf<typeof ObservationT>;
export type BatchPayload = ValueOf<typeof BatchPayloadT>;

export const BatchErrorT = C.variant({
    NotAValidator: C.null,
    StaleHeight: C.record({ last_confirmed: C.nat64 }),
    /** `expected`: the digest the caller claimed; `computed`: the canister's. */
    DigestMismatch: C.record({ expected: C.blob, computed: C.blob }),
    PayloadTooLarge: C.record({ max: C.nat32 }),
    /** `index`: position of the state bit in payload order (poc_results first, then observations). */
    InvalidStateBit: C.record({ index: C.nat32, reason: C.text }),
    /** The caller already proposed `digest` at this height. */
    AlreadyProposed: C.record({ digest: C.blob }),
    UnknownProposal: C.null,
    /** The caller already backs `voted` at this height (or it is the height's confirmed digest). */
    ConflictingVote: C.record({ voted: C.blob }),
    TooManyPendingProposals: C.record({ max: C.nat32 }),
    /** Governance paused the protocol. */
    Paused: C.record({ reason: C.text }),
});
export type BatchError = ValueOf<typeof BatchErrorT>;

export const BatchStatusT = C.record({ digest: C.blob, votes: C.nat32, quorum: C.nat32, confirmed: C.bool });
export type BatchStatus = ValueOf<typeof BatchStatusT>;

export const ProposeResultT = C.variant({ Ok: BatchStatusT, Err: BatchErrorT });
export const VoteResultT = ProposeResultT;
export type Result<T, E> = { Ok: T } | { Err: E };
export type BatchResult = Result<BatchStatus, BatchError>;

export const OutcomesT = C.vec(C.text);

export const BatchInfoT = C.record({
    height: C.nat64,
    proposals: C.vec(C.record({ digest: C.blob, proposer: C.nat64, payload: BatchPayloadT, voters: C.vec(C.nat64) })),
    confirmed: C.opt(
        C.record({
            digest: C.blob,
            confirmed_at: C.nat64,
            /** Votes for the digest when it was confirmed. */
            votes: C.nat32,
            /** The payload and the sink's outcome codes (one per state bit, payload order); [] once pruned. */
            applied: C.opt(C.record({ payload: BatchPayloadT, outcomes: OutcomesT })),
        }),
    ),
});
export type BatchInfo = ValueOf<typeof BatchInfoT>;

/** Moves the one-time set-up of the codecs used here to the caller (e.g. canister init). */
export function primeBatchCodecs(): void {
    prime([BatchPayloadT]);
    prime([OutcomesT]);
}

// ---------------------------------------------------------------------------------------------
// Limits

/** At most this many state bits (poc_results + observations) per batch. */
export const MAX_STATE_BITS = 500;
export { MAX_NODE_ID_LENGTH };
/** Confirmed payloads (and outcome codes) are kept for this many heights below the tip. */
export const KEEP_CONFIRMED_PAYLOADS = 10_000;
/** Proposal records one validator may hold at a time (pending or not yet pruned). */
export const MAX_PENDING_PROPOSALS = 16;
/** Entries each store's pruning looks at per successful update. */
export const PRUNE_PER_CALL = 4;


/** The first rule the payload breaks, or undefined. */
export function validatePayload(payload: BatchPayload): BatchError | undefined {
    const poc = payload?.poc_results;
    const obs = payload?.observations;
    if (!Array.isArray(poc)) return invalid(0, 'poc_results is not a vector');
    if (!Array.isArray(obs)) return invalid(poc.length, 'observations is not a vector');
    if (poc.length + obs.length > MAX_STATE_BITS) return { PayloadTooLarge: { max: MAX_STATE_BITS } };
    for (let i = 0; i < poc.length; i++) {
        const p = poc[i];
        const where = `poc_results[${i}]`;
        const idProblem = nodeIdProblem(p?.node_id);
        if (idProblem !== undefined) return invalid(i, `${where}.node_id ${idProblem}`);
        const op = p.operator as unknown as { _isPrincipal?: boolean; toUint8Array?: () => Uint8Array } | null;
        if (op === null || typeof op !== 'object' || op._isPrincipal !== true || typeof op.toUint8Array !== 'function') {
            return invalid(i, `${where}.operator is not a principal`);
        }
        if (op.toUint8Array().length > 29) return invalid(i, `${where}.operator is longer than 29 bytes`);
        const ms = p.poc_ms;
        if (typeof ms !== 'number' || !Number.isInteger(ms) || ms > 0xffffffff) return invalid(i, `${where}.poc_ms is not a nat32`);
        if (ms < 1) return invalid(i, `${where}.poc_ms must be at least 1`);
    }
    for (let j = 0; j < obs.length; j++) {
        const o = obs[j];
        const where = `observations[${j}]`;
        const idProblem = nodeIdProblem(o?.node_id);
        if (idProblem !== undefined) return invalid(poc.length + j, `${where}.node_id ${idProblem}`);
        if (typeof o.online !== 'boolean') return invalid(poc.length + j, `${where}.online is not a bool`);
    }
    return undefined;
}


function invalid(index: number, reason: string): BatchError {
    return { InvalidStateBit: { index, reason } };
}

/** SHA-256 of the payload's Candid encoding (the digest validators sign off-chain and vote on). */
export function batchDigest(payload: BatchPayload): Uint8Array {
    return sha256(encode([BatchPayloadT], [payload]));
}

