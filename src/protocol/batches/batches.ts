/**
 * State-bit batch consensus (spec §4). The EMC validators run IBFT off-chain; this is the anchor:
 * any active validator proposes a batch for one EMC state-machine height (payload + claimed
 * digest), validators vote by (height, digest), and a digest backed by quorum(active) =
 * floor(2n/3)+1 distinct active validators is confirmed and applied exactly once, in height order.
 *
 * Rules
 *  - digest = SHA-256 of the payload's Candid encoding (`encode([BatchPayloadT], [payload])`, byte
 *    for byte `IDL.encode` of @dfinity/candid); the canister recomputes it once, at propose time,
 *    and keeps the encoded bytes (apply decodes them again, cheaper than re-hashing).
 *  - A validator backs at most one digest per height: its proposal counts as its vote, a second
 *    proposal is `AlreadyProposed`, a vote for another digest `ConflictingVote`; repeating the same
 *    proposal or vote is idempotent (Ok, nothing written). Two validators proposing the same
 *    payload make one proposal (the first proposer's) with two votes.
 *  - Votes are counted when cast (the caller is active then); the quorum is that of the active
 *    set at the time of the counting call, so a shrinking set can confirm on a repeated
 *    (idempotent) propose or vote.
 *  - Confirming height h applies its state bits to the sink (poc_results, then observations, in
 *    payload order), stores the outcome codes, records every counted voter's participation
 *    (h, time), makes h the tip (certified) and every unconfirmed height ≤ h stale. A vote at a
 *    confirmed height naming the confirmed digest only records participation (never lowering a
 *    validator's recorded height); naming another digest it is `ConflictingVote` (`voted` = the
 *    caller's recorded vote at that height if any, else the confirmed digest); at a stale,
 *    never-confirmed height it is `StaleHeight`.
 *  - Every error is returned before the first write. The sink must not throw (in the canister a
 *    throw traps and rolls the whole message back).
 *  - Each validator has at most `MAX_PENDING_PROPOSALS` proposal records (not yet pruned) at a
 *    time, which bounds what a faulty validator can store at far-future heights.
 *
 * Storage (all state in the five KVs; heap fields are caches; keys fixed width, big-endian, so
 * `entries(0, n)` yields the lowest heights first; every value starts with a format byte, 1):
 *   config         [0x01]                  → fmt ‖ height u64 ‖ digest 32 ‖ confirmed_at u64 ‖ count u64
 *                                            (the tip: last confirmed batch; count = confirmations)
 *   proposals      h ‖ 0x00                → fmt ‖ digest 32 × k       (the digests proposed at h)
 *                  h ‖ 0x01 ‖ digest       → fmt ‖ proposer u64 ‖ voter u64 × m  (proposer first)
 *                  h ‖ 0x02 ‖ digest       → fmt ‖ Candid payload bytes
 *   votes          h ‖ validator u64       → fmt ‖ digest 32
 *   confirmed      0x00 ‖ h                → fmt ‖ u32 n ‖ Candid `vec text` outcomes (n bytes) ‖ Candid payload
 *                                            (kept for the last KEEP_CONFIRMED_PAYLOADS heights)
 *                  0x01 ‖ h                → fmt ‖ digest 32 ‖ confirmed_at u64 ‖ votes u32   (forever)
 *                  0x02 ‖ seq u64          → fmt ‖ confirmed_at u64 ‖ h u64   (forever; seq = 0, 1, …)
 *   participation  0x00 ‖ validator u64    → fmt ‖ height u64 ‖ time u64   (last counted participation)
 *                  0x01 ‖ validator u64    → fmt ‖ u32 proposal records of this validator
 * Pruning (a few entries per successful update, from the front of each store): proposals and
 * votes at heights below the tip; confirmed payloads at heights ≤ tip − KEEP_CONFIRMED_PAYLOADS.
 * A heap flag per store skips the probe once a store is clean for the current tip.
 *
 * confirmedBetween(t0, t1): confirmation times are non-decreasing in confirmation order (IC time
 * is monotonic; a clock that went back is clamped to the previous confirmation's time), so the
 * `0x02 ‖ seq` index is sorted by time. The answer is "the first confirmation at or after t0 is
 * before t1": O(1) when the tip's time is in [t0, t1) or before t0 (the usual questions about
 * the current window), otherwise a galloping search back from the newest confirmation:
 * O(log k) point reads, k = confirmations since t0.
 *
 * Cost (QuickJS: ~0.1 M instructions per KV operation, ~0.55 M per SHA-256 compression): a vote
 * is ~5 KV operations plus pruning, no scans; a propose adds the payload encoding and its
 * digest (~1 compression per 64 payload bytes); a confirmation adds one payload read and decode,
 * the sink calls, 4 writes, one participation write per counted voter, and 8 compressions for
 * the certified tip.
 */
import { MAX_NODE_ID_LENGTH, nodeIdProblem } from '../nodes/record';
import { C, decode, encode, prime, type ValueOf } from '../../lib/candid/candid';
import { sha256 } from '../../lib/crypto/sha256';
import type { Env } from '../../lib/env';
import { bytesEqual, concat, readU32be, readU64be, u32be, u64be } from '../../lib/storage/bytes';
import type { KV } from '../../lib/storage/kv';
import { batchCertifiedData, batchTipRootHash } from './certified-tip';
import { quorum } from '../validators/quorum';

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

const U64_LIMIT = 1n << 64n;

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

// ---------------------------------------------------------------------------------------------
// Dependencies

/** The validator registry as the batch consensus sees it. */
export interface ValidatorView {
    /** The validator node index of `operator` (principal bytes) if it is an active validator allowed to vote. */
    activeValidator(operator: Uint8Array): bigint | undefined;
    /** Number of active validators (the quorum's n). */
    activeCount(): number;
    /** Why the protocol is paused, if it is (nothing is proposed or voted then). */
    paused?(): string | undefined;
}

/** Where confirmed state bits go (the node registry). Each call returns a short outcome code. */
export interface StateBitSink {
    applyPoc(nodeId: string, operator: Uint8Array, pocMs: number, height: bigint): string;
    applyObservation(nodeId: string, online: boolean, height: bigint): string;
    /**
     * Validator `validatorIndex` takes part in a confirmed batch at `at`; its previous participation
     * was at `previous` (called before the new one is recorded: liveness settles the gap first).
     */
    participated?(validatorIndex: bigint, previous: bigint | undefined, at: bigint): void;
}

export interface BatchStores {
    config: KV;
    proposals: KV;
    votes: KV;
    confirmed: KV;
    participation: KV;
}

export interface BatchOptions {
    keepConfirmedPayloads?: number;
    maxPendingProposals?: number;
    prunePerCall?: number;
}

export interface ConfirmedTip {
    height: bigint;
    digest: Uint8Array;
    /** IC time (ns) of the confirmation. */
    confirmedAt: bigint;
}

interface Tip extends ConfirmedTip {
    /** Number of confirmations so far (the next time-index sequence number). */
    count: bigint;
}

interface Meta {
    proposer: bigint;
    voters: bigint[];
}

// ---------------------------------------------------------------------------------------------
// Keys and values

const FMT = 1;
const TIP_KEY = Uint8Array.of(0x01);
const TAG_HEADER = 0x00;
const TAG_META = 0x01;
const TAG_PAYLOAD = 0x02;
const C_PAYLOAD = 0x00;
const C_RECORD = 0x01;
const C_TIME = 0x02;
const P_LAST = 0x00;
const P_PENDING = 0x01;

function heightTagKey(h: bigint, tag: number, digest?: Uint8Array): Uint8Array {
    const key = new Uint8Array(digest === undefined ? 9 : 41);
    key.set(u64be(h), 0);
    key[8] = tag;
    if (digest !== undefined) key.set(digest, 9);
    return key;
}

function prefixedU64(prefix: number, n: bigint): Uint8Array {
    const key = new Uint8Array(9);
    key[0] = prefix;
    key.set(u64be(n), 1);
    return key;
}

function voteKey(h: bigint, v: bigint): Uint8Array {
    const key = new Uint8Array(16);
    key.set(u64be(h), 0);
    key.set(u64be(v), 8);
    return key;
}


function body(value: Uint8Array | undefined, what: string): Uint8Array | undefined {
    if (value === undefined) return undefined;
    if (value[0] !== FMT) throw new Error(`batches: unknown format ${value[0]} of a ${what} record`);
    return value;
}

function encodeMeta(m: Meta): Uint8Array {
    const out = new Uint8Array(9 + 8 * m.voters.length);
    out[0] = FMT;
    out.set(u64be(m.proposer), 1);
    for (let i = 0; i < m.voters.length; i++) out.set(u64be(m.voters[i]), 9 + 8 * i);
    return out;
}

function decodeMeta(v: Uint8Array): Meta {
    const voters: bigint[] = [];
    for (let at = 9; at + 8 <= v.length; at += 8) voters.push(readU64be(v, at));
    return { proposer: readU64be(v, 1), voters };
}


function checkU64(n: bigint, what: string): void {
    if (typeof n !== 'bigint' || n < 0n || n >= U64_LIMIT) throw new RangeError(`batches: ${what} must be a nat64`);
}

// ---------------------------------------------------------------------------------------------
// The consensus

export class Batches {
    private readonly keep: bigint;
    private readonly maxPending: number;
    private readonly prunePerCall: number;
    /** Heap cache of the tip: undefined = not loaded yet, null = nothing confirmed. */
    private tipCache: Tip | null | undefined;
    /** Heap hints: the tip height at which each store was found to have nothing left to prune. */
    private cleanProposals: bigint | undefined;
    private cleanVotes: bigint | undefined;
    private cleanPayloads: bigint | undefined;

    constructor(
        private readonly stores: BatchStores,
        private readonly validators: ValidatorView,
        private readonly sink: StateBitSink,
        private readonly env: Env,
        options: BatchOptions = {},
    ) {
        this.keep = BigInt(options.keepConfirmedPayloads ?? KEEP_CONFIRMED_PAYLOADS);
        this.maxPending = options.maxPendingProposals ?? MAX_PENDING_PROPOSALS;
        this.prunePerCall = options.prunePerCall ?? PRUNE_PER_CALL;
    }

    /** Sets certified data to the current tip tree (the empty tree before any confirmation). Call from init and post_upgrade. */
    certifyTip(): void {
        this.env.certify(batchCertifiedData(this.tip()));
    }

    /** The last confirmed batch, if any. */
    lastConfirmed(): ConfirmedTip | undefined {
        const t = this.tip();
        return t === undefined ? undefined : { height: t.height, digest: t.digest.slice(), confirmedAt: t.confirmedAt };
    }

    // ----- updates ---------------------------------------------------------------------------

    /** Propose `payload` for `height`; the proposal is the caller's vote. */
    propose(height: bigint, payload: BatchPayload, claimedDigest: Uint8Array): BatchResult {
        checkU64(height, 'height');
        const paused = this.validators.paused?.();
        if (paused !== undefined) return { Err: { Paused: { reason: paused } } };
        const v = this.validators.activeValidator(this.env.caller());
        if (v === undefined) return { Err: { NotAValidator: null } };
        const tip = this.tip();
        if (tip !== undefined && height <= tip.height) return { Err: { StaleHeight: { last_confirmed: tip.height } } };
        const problem = validatePayload(payload);
        if (problem !== undefined) return { Err: problem };
        const bytes = encode([BatchPayloadT], [payload]);
        const digest = sha256(bytes);
        if (!(claimedDigest instanceof Uint8Array) || !bytesEqual(digest, claimedDigest)) {
            return { Err: { DigestMismatch: { expected: Uint8Array.from(claimedDigest ?? []), computed: digest } } };
        }
        const { proposals, votes, participation } = this.stores;
        const metaKey = heightTagKey(height, TAG_META, digest);
        const metaBytes = body(proposals.get(metaKey), 'proposal');
        const vKey = voteKey(height, v);
        const prior = this.readVote(vKey);
        if (prior !== undefined) {
            if (!bytesEqual(prior, digest)) {
                const priorMeta = body(proposals.get(heightTagKey(height, TAG_META, prior)), 'proposal');
                if (priorMeta !== undefined && readU64be(priorMeta, 1) === v) return { Err: { AlreadyProposed: { digest: prior } } };
                return { Err: { ConflictingVote: { voted: prior } } };
            }
            // The caller already backs this digest: nothing to record (but the quorum may have dropped).
            return this.finish(this.settle(height, digest, decodeMeta(metaBytes!), payload, bytes));
        }
        let meta: Meta;
        if (metaBytes === undefined) {
            const pendingKey = prefixedU64(P_PENDING, v);
            const pendingBytes = body(participation.get(pendingKey), 'pending-count');
            const pending = pendingBytes === undefined ? 0 : readU32be(pendingBytes, 1);
            if (pending >= this.maxPending) return { Err: { TooManyPendingProposals: { max: this.maxPending } } };
            // ---- writes from here on
            const headerKey = heightTagKey(height, TAG_HEADER);
            const header = body(proposals.get(headerKey), 'proposal-header') ?? Uint8Array.of(FMT);
            proposals.set(headerKey, concat([header, digest]));
            proposals.set(heightTagKey(height, TAG_PAYLOAD, digest), concat([Uint8Array.of(FMT), bytes]));
            participation.set(pendingKey, concat([Uint8Array.of(FMT), u32be(pending + 1)]));
            meta = { proposer: v, voters: [v] };
        } else {
            meta = decodeMeta(metaBytes);
            meta.voters.push(v);
        }
        proposals.set(metaKey, encodeMeta(meta));
        votes.set(vKey, concat([Uint8Array.of(FMT), digest]));
        return this.finish(this.settle(height, digest, meta, payload, bytes));
    }

    /** Vote for the proposal (height, digest). */
    vote(height: bigint, digest: Uint8Array): BatchResult {
        checkU64(height, 'height');
        const paused = this.validators.paused?.();
        if (paused !== undefined) return { Err: { Paused: { reason: paused } } };
        const v = this.validators.activeValidator(this.env.caller());
        if (v === undefined) return { Err: { NotAValidator: null } };
        const tip = this.tip();
        if (tip !== undefined && height <= tip.height) return this.voteConfirmed(v, height, digest, tip);
        if (!(digest instanceof Uint8Array) || digest.length !== 32) return { Err: { UnknownProposal: null } };
        const metaKey = heightTagKey(height, TAG_META, digest);
        const metaBytes = body(this.stores.proposals.get(metaKey), 'proposal');
        if (metaBytes === undefined) return { Err: { UnknownProposal: null } };
        const meta = decodeMeta(metaBytes);
        const vKey = voteKey(height, v);
        const prior = this.readVote(vKey);
        if (prior !== undefined) {
            if (!bytesEqual(prior, digest)) return { Err: { ConflictingVote: { voted: prior } } };
            return this.finish(this.settle(height, digest, meta));
        }
        meta.voters.push(v);
        this.stores.proposals.set(metaKey, encodeMeta(meta));
        this.stores.votes.set(vKey, concat([Uint8Array.of(FMT), digest]));
        return this.finish(this.settle(height, digest, meta));
    }

    /** A vote at a height ≤ the tip: participation only, and only for the confirmed digest. */
    private voteConfirmed(v: bigint, height: bigint, digest: Uint8Array, tip: Tip): BatchResult {
        const rec = body(this.stores.confirmed.get(prefixedU64(C_RECORD, height)), 'confirmed');
        if (rec === undefined) return { Err: { StaleHeight: { last_confirmed: tip.height } } };
        const confirmedDigest = rec.slice(1, 33);
        const q = this.quorumNow();
        const atTip = height === tip.height;
        const vKey = voteKey(height, v);
        const prior = atTip ? this.readVote(vKey) : undefined;
        const metaKey = heightTagKey(height, TAG_META, confirmedDigest);
        const metaBytes = atTip ? body(this.stores.proposals.get(metaKey), 'proposal') : undefined;
        const meta = metaBytes === undefined ? undefined : decodeMeta(metaBytes);
        const votesNow = (): number => (meta !== undefined ? meta.voters.length : readU32be(rec, 41));
        if (prior !== undefined) {
            if (!bytesEqual(prior, digest)) return { Err: { ConflictingVote: { voted: prior } } };
            return { Ok: { digest: confirmedDigest, votes: votesNow(), quorum: q, confirmed: true } };
        }
        if (!(digest instanceof Uint8Array) || !bytesEqual(digest, confirmedDigest)) {
            return { Err: { ConflictingVote: { voted: confirmedDigest } } };
        }
        // ---- writes from here on
        if (atTip) {
            if (meta !== undefined) {
                meta.voters.push(v);
                this.stores.proposals.set(metaKey, encodeMeta(meta));
            }
            this.stores.votes.set(vKey, concat([Uint8Array.of(FMT), confirmedDigest]));
        }
        const partKey = prefixedU64(P_LAST, v);
        const last = body(this.stores.participation.get(partKey), 'participation');
        if (last === undefined || readU64be(last, 1) < height) {
            const now = this.env.now();
            this.sink.participated?.(v, last === undefined ? undefined : readU64be(last, 9), now);
            this.stores.participation.set(partKey, participationValue(height, now));
        }
        return this.finish({ digest: confirmedDigest, votes: votesNow(), quorum: q, confirmed: true });
    }

    /** Confirms (height, digest) if its votes reach the quorum now. */
    private settle(height: bigint, digest: Uint8Array, meta: Meta, payload?: BatchPayload, bytes?: Uint8Array): BatchStatus {
        const q = this.quorumNow();
        const votes = meta.voters.length;
        if (votes < q) return { digest, votes, quorum: q, confirmed: false };
        this.confirm(height, digest, meta, payload, bytes);
        return { digest, votes, quorum: q, confirmed: true };
    }

    private quorumNow(): number {
        // The caller is active, so the set is never empty when this matters.
        return quorum(Math.max(1, this.validators.activeCount()));
    }

    private confirm(height: bigint, digest: Uint8Array, meta: Meta, payload?: BatchPayload, bytes?: Uint8Array): void {
        const { confirmed, config, participation } = this.stores;
        if (bytes === undefined) {
            const stored = body(this.stores.proposals.get(heightTagKey(height, TAG_PAYLOAD, digest)), 'payload');
            if (stored === undefined) throw new Error(`batches: the payload of proposal ${height} is missing`);
            bytes = stored.subarray(1);
        }
        if (payload === undefined) payload = (decode([BatchPayloadT], bytes) as [BatchPayload])[0];
        // Apply, in payload order.
        const outcomes: string[] = [];
        const poc = payload.poc_results;
        for (let i = 0; i < poc.length; i++) {
            const p = poc[i];
            outcomes.push(String(this.sink.applyPoc(p.node_id, p.operator.toUint8Array(), p.poc_ms, height)));
        }
        const obs = payload.observations;
        for (let j = 0; j < obs.length; j++) {
            outcomes.push(String(this.sink.applyObservation(obs[j].node_id, obs[j].online, height)));
        }
        // Record.
        const prev = this.tip();
        const now = this.env.now();
        const at = prev !== undefined && prev.confirmedAt > now ? prev.confirmedAt : now;
        const seq = prev === undefined ? 0n : prev.count;
        const outcomeBytes = encode([OutcomesT], [outcomes]);
        confirmed.set(prefixedU64(C_PAYLOAD, height), concat([Uint8Array.of(FMT), u32be(outcomeBytes.length), outcomeBytes, bytes]));
        confirmed.set(prefixedU64(C_RECORD, height), concat([Uint8Array.of(FMT), digest, u64be(at), u32be(meta.voters.length)]));
        confirmed.set(prefixedU64(C_TIME, seq), concat([Uint8Array.of(FMT), u64be(at), u64be(height)]));
        const tip: Tip = { height, digest: digest.slice(), confirmedAt: at, count: seq + 1n };
        config.set(TIP_KEY, concat([Uint8Array.of(FMT), u64be(height), digest, u64be(at), u64be(tip.count)]));
        this.tipCache = tip;
        const part = participationValue(height, at);
        const hook = this.sink.participated;
        for (let i = 0; i < meta.voters.length; i++) {
            const key = prefixedU64(P_LAST, meta.voters[i]);
            if (hook !== undefined) {
                const last = body(participation.get(key), 'participation');
                hook.call(this.sink, meta.voters[i], last === undefined ? undefined : readU64be(last, 9), at);
            }
            participation.set(key, part);
        }
        this.env.certify(batchTipRootHash(height, digest));
    }

    private finish(status: BatchStatus): BatchResult {
        this.prune();
        return { Ok: status };
    }

    // ----- pruning ---------------------------------------------------------------------------

    /** Removes a few stale entries from the front of each store (bounded work per call). */
    prune(): void {
        const tip = this.tip();
        if (tip === undefined) return;
        const h = tip.height;
        if (this.cleanProposals !== h && this.pruneFront(this.stores.proposals, (key) => readU64be(key, 0) < h, (key, value) => {
            if (key[8] === TAG_META) this.releasePending(readU64be(body(value, 'proposal')!, 1));
        })) this.cleanProposals = h;
        if (this.cleanVotes !== h && this.pruneFront(this.stores.votes, (key) => readU64be(key, 0) < h)) this.cleanVotes = h;
        if (this.cleanPayloads !== h && this.pruneFront(this.stores.confirmed, (key) => key[0] === C_PAYLOAD && readU64be(key, 1) + this.keep <= h)) this.cleanPayloads = h;
    }

    /**
     * Deletes up to `prunePerCall` entries from the front of `kv` while `stale(key)` holds (calling
     * `before` on each first); true when the front is clean (nothing stale is left up front).
     */
    private pruneFront(kv: KV, stale: (key: Uint8Array) => boolean, before?: (key: Uint8Array, value: Uint8Array) => void): boolean {
        const n = this.prunePerCall;
        let removed = 0;
        for (const [key, value] of kv.entries(0, n)) {
            if (!stale(key)) break;
            before?.(key, value);
            kv.delete(key);
            removed++;
        }
        return removed < n;
    }

    private releasePending(v: bigint): void {
        const key = prefixedU64(P_PENDING, v);
        const cur = body(this.stores.participation.get(key), 'pending-count');
        const n = cur === undefined ? 0 : readU32be(cur, 1);
        if (n <= 1) this.stores.participation.delete(key);
        else this.stores.participation.set(key, concat([Uint8Array.of(FMT), u32be(n - 1)]));
    }

    // ----- queries ---------------------------------------------------------------------------

    /** Proposals at `height` (until pruned) and its confirmation, if any. */
    getBatch(height: bigint): BatchInfo {
        checkU64(height, 'height');
        const { proposals, confirmed } = this.stores;
        const list: BatchInfo['proposals'] = [];
        const header = body(proposals.get(heightTagKey(height, TAG_HEADER)), 'proposal-header');
        if (header !== undefined) {
            for (let at = 1; at + 32 <= header.length; at += 32) {
                const digest = header.slice(at, at + 32);
                const metaBytes = body(proposals.get(heightTagKey(height, TAG_META, digest)), 'proposal');
                const payloadBytes = body(proposals.get(heightTagKey(height, TAG_PAYLOAD, digest)), 'payload');
                if (metaBytes === undefined || payloadBytes === undefined) continue; // mid-pruning
                const meta = decodeMeta(metaBytes);
                const [payload] = decode([BatchPayloadT], payloadBytes.subarray(1)) as [BatchPayload];
                list.push({ digest, proposer: meta.proposer, payload, voters: BigUint64Array.from(meta.voters) });
            }
        }
        const rec = body(confirmed.get(prefixedU64(C_RECORD, height)), 'confirmed');
        let conf: BatchInfo['confirmed'] = [];
        if (rec !== undefined) {
            const stored = body(confirmed.get(prefixedU64(C_PAYLOAD, height)), 'confirmed-payload');
            let applied: [] | [{ payload: BatchPayload; outcomes: string[] }] = [];
            if (stored !== undefined) {
                const n = readU32be(stored, 1);
                const [outcomes] = decode([OutcomesT], stored.subarray(5, 5 + n)) as [string[]];
                const [payload] = decode([BatchPayloadT], stored.subarray(5 + n)) as [BatchPayload];
                applied = [{ payload, outcomes }];
            }
            conf = [{ digest: rec.slice(1, 33), confirmed_at: readU64be(rec, 33), votes: readU32be(rec, 41), applied }];
        }
        return { height, proposals: list, confirmed: conf };
    }

    /** The confirmation time of `height`, if it was confirmed. */
    confirmedAt(height: bigint): bigint | undefined {
        checkU64(height, 'height');
        const rec = body(this.stores.confirmed.get(prefixedU64(C_RECORD, height)), 'confirmed');
        return rec === undefined ? undefined : readU64be(rec, 33);
    }

    /** The last confirmed batch validator `validatorIndex` took part in, and when its part counted. */
    participation(validatorIndex: bigint): { height: bigint; time: bigint } | undefined {
        checkU64(validatorIndex, 'validator index');
        const v = body(this.stores.participation.get(prefixedU64(P_LAST, validatorIndex)), 'participation');
        return v === undefined ? undefined : { height: readU64be(v, 1), time: readU64be(v, 9) };
    }

    /** Was any batch confirmed at a time in [t0, t1)? */
    confirmedBetween(t0: bigint, t1: bigint): boolean {
        if (t0 >= t1) return false;
        const tip = this.tip();
        if (tip !== undefined && tip.confirmedAt >= t0 && tip.confirmedAt < t1) return true;
        const c = this.firstConfirmationAtOrAfter(t0);
        return c !== undefined && c < t1;
    }

    /**
     * The time of the first confirmation at or after `t`: O(1) when the tip is before `t` or the
     * one before the tip is, otherwise a galloping search back from the newest confirmation,
     * O(log k) point reads for the k confirmations since `t`.
     */
    firstConfirmationAtOrAfter(t: bigint): bigint | undefined {
        const tip = this.tip();
        if (tip === undefined || tip.confirmedAt < t) return undefined;
        let hi = tip.count - 1n; // time(hi) ≥ t
        let lo = -1n; // time(lo) < t, or lo = -1
        let step = 1n;
        for (;;) {
            const probe = hi - step;
            if (probe < 0n) break;
            if (this.timeAt(probe) >= t) {
                hi = probe;
                step *= 2n;
            } else {
                lo = probe;
                break;
            }
        }
        while (hi - lo > 1n) {
            const mid = (lo + hi) >> 1n;
            if (this.timeAt(mid) >= t) hi = mid;
            else lo = mid;
        }
        return hi === tip.count - 1n ? tip.confirmedAt : this.timeAt(hi);
    }

    /** Number of confirmations so far. */
    confirmationCount(): bigint {
        return this.tip()?.count ?? 0n;
    }

    // ----- internals -------------------------------------------------------------------------

    private timeAt(seq: bigint): bigint {
        const v = body(this.stores.confirmed.get(prefixedU64(C_TIME, seq)), 'time-index');
        if (v === undefined) throw new Error(`batches: time index entry ${seq} is missing`);
        return readU64be(v, 1);
    }

    private readVote(key: Uint8Array): Uint8Array | undefined {
        const v = body(this.stores.votes.get(key), 'vote');
        return v === undefined ? undefined : v.slice(1, 33);
    }

    private tip(): Tip | undefined {
        if (this.tipCache === undefined) {
            const v = body(this.stores.config.get(TIP_KEY), 'tip');
            this.tipCache =
                v === undefined ? null : { height: readU64be(v, 1), digest: v.slice(9, 41), confirmedAt: readU64be(v, 41), count: readU64be(v, 49) };
        }
        return this.tipCache ?? undefined;
    }
}

function participationValue(height: bigint, time: bigint): Uint8Array {
    return concat([Uint8Array.of(FMT), u64be(height), u64be(time)]);
}
