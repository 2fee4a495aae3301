/**
 * A state-bit batch's payload (spec §4): its Candid types, its limits, its validation and its
 * digest. The digest is SHA-256 of the payload's Candid encoding (`IDL.encode` of @dfinity/candid,
 * byte for byte), what validators sign off-chain and vote on. Payload validation runs once, when a
 * batch is proposed; every error names the first state bit that breaks a rule.
 *
 * Versions: version 1 is `record { poc_results; observations }`. Version 2 adds the market's state
 * bits (spec §11) as two optional vectors, `tasks` and `task_rejections`. A payload without market
 * bits (both absent or empty) is encoded — and digested — exactly as version 1, so its digest never
 * changed (test/unit/protocol/market/payload-version.test.ts pins one); a payload with market bits
 * is encoded with the version-2 type. Validators that still send the version-1 record are decoded
 * with both vectors absent (Candid's missing optional fields).
 * Storage: none. Cost: validation is linear in the payload; the digest ~1 SHA-256 compression per
 * 64 payload bytes.
 */
import { C, encode, prime, type ValueOf } from '../../lib/candid/candid';
import { sha256 } from '../../lib/crypto/sha256';
import { MAX_NODE_ID_LENGTH, nodeIdProblem } from '../nodes/record';
import { BatchErrorT, type BatchError, invalidStateBit, payloadTooLarge } from './errors';

// ---------------------------------------------------------------------------------------------
// Candid types

export const PocResultT = C.record({ node_id: C.text, operator: C.principal, poc_ms: C.nat32 });
export const ObservationT = C.record({ node_id: C.text, online: C.bool });
/** Version 1: `record { poc_results : vec record { node_id : text; operator : principal; poc_ms : nat32 }; observations : vec record { node_id : text; online : bool } }` */
export const BatchPayloadV1T = C.record({ poc_results: C.vec(PocResultT), observations: C.vec(ObservationT) });
/** A market task record (spec §11): cumulative units confirmed for the order so far. */
export const TaskT = C.record({ order: C.nat64, node_id: C.text, cum_units: C.nat64, result_hash: C.blob });
/** Validators reject a disputed amount (spec §11): units (from_cum, to_cum] of the order. */
export const TaskRejectedT = C.record({ order: C.nat64, from_cum: C.nat64, to_cum: C.nat64 });
/** Version 2: version 1 and the market's optional vectors. */
export const BatchPayloadT = C.record({ poc_results: C.vec(PocResultT), observations: C.vec(ObservationT), tasks: C.opt(C.vec(TaskT)), task_rejections: C.opt(C.vec(TaskRejectedT)) });

export type PocResult = ValueOf<typeof PocResultT>;
export type Observation = ValueOf<typeof ObservationT>;
export type Task = ValueOf<typeof TaskT>;
export type TaskRejected = ValueOf<typeof TaskRejectedT>;
/** A payload as callers write it: the market's vectors may be left out (version 1). */
export type BatchPayload = ValueOf<typeof BatchPayloadV1T> & { tasks?: [] | [Task[]]; task_rejections?: [] | [TaskRejected[]] };

/** A payload as decoded (every field present). */
export type DecodedBatchPayload = ValueOf<typeof BatchPayloadT>;

/** The payload as the version-2 Candid type writes it (absent market vectors as none): what a client sends. */
export function wirePayload(p: BatchPayload): DecodedBatchPayload {
    return { poc_results: p.poc_results, observations: p.observations, tasks: p.tasks ?? [], task_rejections: p.task_rejections ?? [] };
}

/** The market bits of a payload (empty when absent). */
export function tasksOf(p: BatchPayload): Task[] {
    return p.tasks?.[0] ?? [];
}

export function rejectionsOf(p: BatchPayload): TaskRejected[] {
    return p.task_rejections?.[0] ?? [];
}

/**
 * The payload's canonical encoding: version 1 when it carries no market bits (its digest is the one
 * it always had), else version 2 with empty vectors written as absent.
 */
export function encodePayload(p: BatchPayload): Uint8Array {
    const tasks = tasksOf(p);
    const rejections = rejectionsOf(p);
    if (tasks.length === 0 && rejections.length === 0) return encode([BatchPayloadV1T], [{ poc_results: p.poc_results, observations: p.observations }]);
    return encode([BatchPayloadT], [{ poc_results: p.poc_results, observations: p.observations, tasks: tasks.length === 0 ? [] : [tasks], task_rejections: rejections.length === 0 ? [] : [rejections] }]);
}

/** The refusals (`BatchError`) and their messages are in ./errors.ts. */
export { BatchErrorT, type BatchError } from './errors';

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
    prime([BatchPayloadV1T]);
    prime([OutcomesT]);
}

// ---------------------------------------------------------------------------------------------
// Limits

/** At most this many state bits (poc_results + observations + tasks + task_rejections) per batch. */
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
    const tasks = payload.tasks ?? [];
    const rejections = payload.task_rejections ?? [];
    if (!Array.isArray(tasks) || tasks.length > 1 || (tasks.length === 1 && !Array.isArray(tasks[0]))) return invalid(poc.length + obs.length, 'tasks is not an optional vector');
    if (!Array.isArray(rejections) || rejections.length > 1 || (rejections.length === 1 && !Array.isArray(rejections[0]))) return invalid(poc.length + obs.length, 'task_rejections is not an optional vector');
    const ts = tasksOf(payload);
    const rs = rejectionsOf(payload);
    const bits = poc.length + obs.length + ts.length + rs.length;
    if (bits > MAX_STATE_BITS) return payloadTooLarge(bits, MAX_STATE_BITS);
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
    const base = poc.length + obs.length;
    for (let k = 0; k < ts.length; k++) {
        const t = ts[k];
        const where = `tasks[${k}]`;
        const idProblem = nodeIdProblem(t?.node_id);
        if (idProblem !== undefined) return invalid(base + k, `${where}.node_id ${idProblem}`);
        if (!isU64(t.order)) return invalid(base + k, `${where}.order is not a nat64`);
        if (!isU64(t.cum_units)) return invalid(base + k, `${where}.cum_units is not a nat64`);
        if (!(t.result_hash instanceof Uint8Array) || t.result_hash.length > MAX_RESULT_HASH_BYTES) return invalid(base + k, `${where}.result_hash must be at most ${MAX_RESULT_HASH_BYTES} bytes`);
    }
    for (let k = 0; k < rs.length; k++) {
        const r = rs[k];
        const where = `task_rejections[${k}]`;
        if (!isU64(r?.order) || !isU64(r.from_cum) || !isU64(r.to_cum)) return invalid(base + ts.length + k, `${where} has a field that is not a nat64`);
        if (r.to_cum <= r.from_cum) return invalid(base + ts.length + k, `${where}.to_cum must be above from_cum`);
    }
    return undefined;
}


/** A task record's result hash: at most a SHA-256 (32 bytes; keeps a batch of 500 task records under 64 KiB). */
export const MAX_RESULT_HASH_BYTES = 32;

function isU64(v: unknown): v is bigint {
    return typeof v === 'bigint' && v >= 0n && v < 1n << 64n;
}

function invalid(index: number, problem: string): BatchError {
    return invalidStateBit(index, problem);
}

/** SHA-256 of the payload's Candid encoding (the digest validators sign off-chain and vote on). */
export function batchDigest(payload: BatchPayload): Uint8Array {
    return sha256(encodePayload(payload));
}

