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
 *  - Every error (`BatchError`, each case with its message: ./errors.ts) is returned before the
 *    first write. The sink must not throw (in the canister a throw traps and rolls the whole
 *    message back).
 *  - Each validator has at most `MAX_PENDING_PROPOSALS` proposal records (not yet pruned) at a
 *    time, which bounds what a faulty validator can store at far-future heights.
 *
 * Storage: the five maps, their keys and formats in src/protocol/batches/store.ts (which also
 * answers the queries: a height's batch, confirmation times, participation).
 * Pruning (a few entries per successful update, from the front of each store): proposals and
 * votes at heights below the tip; confirmed payloads at heights ≤ tip − KEEP_CONFIRMED_PAYLOADS.
 * A heap flag per store skips the probe once a store is clean for the current tip.
 *
 * Cost (QuickJS: ~0.1 M instructions per KV operation, ~0.55 M per SHA-256 compression): a vote
 * is ~5 KV operations plus pruning, no scans; a propose adds the payload encoding and its
 * digest (~1 compression per 64 payload bytes); a confirmation adds one payload read and decode,
 * the sink calls, 4 writes, one participation write per counted voter, and the certified tip: 8
 * compressions for the batch part, plus the forks above it in the protocol's certified tree
 * (src/protocol/log/certified-tree.ts, through the `certify` option).
 */
import { decode, encode } from '../../lib/candid/candid';
import { sha256 } from '../../lib/crypto/sha256';
import { BatchRecords, type BatchStores, body, C_PAYLOAD, C_RECORD, C_TIME, checkU64, type ConfirmedTip, decodeMeta, encodeMeta, FMT, heightTagKey, type Meta, P_LAST, P_PENDING, participationValue, prefixedU64, TAG_HEADER, TAG_META, TAG_PAYLOAD, type Tip, TIP_KEY, voteKey, voteValue } from './store';
import { type BatchPayload, BatchPayloadT, encodePayload, rejectionsOf, tasksOf, type BatchResult, type BatchStatus, KEEP_CONFIRMED_PAYLOADS, MAX_PENDING_PROPOSALS, OutcomesT, PRUNE_PER_CALL, validatePayload } from './payload';
import type { Env } from '../../lib/env';
import { bytesEqual, concat, readU32be, readU64be, u32be, u64be } from '../../lib/storage/bytes';
import type { KV } from '../../lib/storage/kv';
import { batchCertifiedData, batchTipRootHash } from './certified-tip';
import { alreadyProposed, batchPaused, conflictingVote, digestMismatch, notAValidator, notConfirmedDigest, skippedHeight, staleHeight, tooManyPendingProposals, unknownProposal } from './errors';
import { quorum } from '../validators/quorum';

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
    /** Market task records and rejections (spec §11), after the observations, in payload order. */
    applyTask?(order: bigint, nodeId: string, cumUnits: bigint, resultHash: Uint8Array, height: bigint): string;
    applyTaskRejected?(order: bigint, fromCum: bigint, toCum: bigint, height: bigint): string;
    /**
     * Validator `validatorIndex` takes part in a confirmed batch at `at`; its previous participation
     * was at `previous` (called before the new one is recorded: liveness settles the gap first).
     */
    participated?(validatorIndex: bigint, previous: bigint | undefined, at: bigint): void;
    /** Every bit of batch `height` is applied (the socket NFTs write one block per changed order, spec §12). */
    batchApplied?(height: bigint): void;
}


export interface BatchOptions {
    keepConfirmedPayloads?: number;
    maxPendingProposals?: number;
    prunePerCall?: number;
    /**
     * Sets the certified data after the tip moved (and from `certifyTip`). In the canister the batch
     * tip is one part of the protocol's certified tree (src/protocol/log/certified-tree.ts); without
     * it the certified data is the batch tip tree alone (certified-tip.ts).
     */
    certify?: () => void;
}




// ---------------------------------------------------------------------------------------------
// The consensus

export class Batches extends BatchRecords {
    private readonly keep: bigint;
    private readonly maxPending: number;
    private readonly prunePerCall: number;
    private readonly certifyHook: (() => void) | undefined;
    /** Heap hints: the tip height at which each store was found to have nothing left to prune. */
    private cleanProposals: bigint | undefined;
    private cleanVotes: bigint | undefined;
    private cleanPayloads: bigint | undefined;

    constructor(
        stores: BatchStores,
        private readonly validators: ValidatorView,
        private readonly sink: StateBitSink,
        private readonly env: Env,
        options: BatchOptions = {},
    ) {
        super(stores);
        this.keep = BigInt(options.keepConfirmedPayloads ?? KEEP_CONFIRMED_PAYLOADS);
        this.maxPending = options.maxPendingProposals ?? MAX_PENDING_PROPOSALS;
        this.prunePerCall = options.prunePerCall ?? PRUNE_PER_CALL;
        this.certifyHook = options.certify;
    }

    /** Sets certified data to the current tip tree (the empty tree before any confirmation). Call from init and post_upgrade. */
    certifyTip(): void {
        if (this.certifyHook !== undefined) this.certifyHook();
        else this.env.certify(batchCertifiedData(this.tip()));
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
        if (paused !== undefined) return { Err: batchPaused(paused) };
        const caller = this.env.caller();
        const v = this.validators.activeValidator(caller);
        if (v === undefined) return { Err: notAValidator(caller) };
        const tip = this.tip();
        if (tip !== undefined && height <= tip.height) return { Err: staleHeight(height, tip.height) };
        const problem = validatePayload(payload);
        if (problem !== undefined) return { Err: problem };
        const bytes = encodePayload(payload);
        const digest = sha256(bytes);
        if (!(claimedDigest instanceof Uint8Array) || !bytesEqual(digest, claimedDigest)) {
            return { Err: digestMismatch(Uint8Array.from(claimedDigest ?? []), digest) };
        }
        const { proposals, votes, participation } = this.stores;
        const metaKey = heightTagKey(height, TAG_META, digest);
        const metaBytes = body(proposals.get(metaKey), 'proposal');
        const vKey = voteKey(height, v);
        const prior = this.readVote(vKey);
        if (prior !== undefined) {
            if (!bytesEqual(prior, digest)) {
                const priorMeta = body(proposals.get(heightTagKey(height, TAG_META, prior)), 'proposal');
                if (priorMeta !== undefined && readU64be(priorMeta, 1) === v) return { Err: alreadyProposed(height, prior) };
                return { Err: conflictingVote(height, prior) };
            }
            // The caller already backs this digest: nothing to record (but the quorum may have dropped).
            return this.finish(this.settle(height, digest, decodeMeta(metaBytes!), payload, bytes));
        }
        let meta: Meta;
        if (metaBytes === undefined) {
            const pendingKey = prefixedU64(P_PENDING, v);
            const pendingBytes = body(participation.get(pendingKey), 'pending-count');
            const pending = pendingBytes === undefined ? 0 : readU32be(pendingBytes, 1);
            if (pending >= this.maxPending) return { Err: tooManyPendingProposals(this.maxPending) };
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
        votes.set(vKey, voteValue(digest));
        return this.finish(this.settle(height, digest, meta, payload, bytes));
    }

    /** Vote for the proposal (height, digest). */
    vote(height: bigint, digest: Uint8Array): BatchResult {
        checkU64(height, 'height');
        const paused = this.validators.paused?.();
        if (paused !== undefined) return { Err: batchPaused(paused) };
        const caller = this.env.caller();
        const v = this.validators.activeValidator(caller);
        if (v === undefined) return { Err: notAValidator(caller) };
        const tip = this.tip();
        if (tip !== undefined && height <= tip.height) return this.voteConfirmed(v, height, digest, tip);
        if (!(digest instanceof Uint8Array) || digest.length !== 32) return { Err: unknownProposal(height, digest) };
        const metaKey = heightTagKey(height, TAG_META, digest);
        const metaBytes = body(this.stores.proposals.get(metaKey), 'proposal');
        if (metaBytes === undefined) return { Err: unknownProposal(height, digest) };
        const meta = decodeMeta(metaBytes);
        const vKey = voteKey(height, v);
        const prior = this.readVote(vKey);
        if (prior !== undefined) {
            if (!bytesEqual(prior, digest)) return { Err: conflictingVote(height, prior) };
            return this.finish(this.settle(height, digest, meta));
        }
        meta.voters.push(v);
        this.stores.proposals.set(metaKey, encodeMeta(meta));
        this.stores.votes.set(vKey, voteValue(digest));
        return this.finish(this.settle(height, digest, meta));
    }

    /** A vote at a height ≤ the tip: participation only, and only for the confirmed digest. */
    private voteConfirmed(v: bigint, height: bigint, digest: Uint8Array, tip: Tip): BatchResult {
        const rec = body(this.stores.confirmed.get(prefixedU64(C_RECORD, height)), 'confirmed');
        if (rec === undefined) return { Err: skippedHeight(height, tip.height) };
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
            if (!bytesEqual(prior, digest)) return { Err: conflictingVote(height, prior) };
            return { Ok: { digest: confirmedDigest, votes: votesNow(), quorum: q, confirmed: true } };
        }
        if (!(digest instanceof Uint8Array) || !bytesEqual(digest, confirmedDigest)) {
            return { Err: notConfirmedDigest(height, confirmedDigest) };
        }
        // ---- writes from here on
        if (atTip) {
            if (meta !== undefined) {
                meta.voters.push(v);
                this.stores.proposals.set(metaKey, encodeMeta(meta));
            }
            this.stores.votes.set(vKey, voteValue(confirmedDigest));
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
        const tasks = tasksOf(payload);
        for (let k = 0; k < tasks.length; k++) {
            const t = tasks[k];
            outcomes.push(this.sink.applyTask === undefined ? 'no-market' : String(this.sink.applyTask(t.order, t.node_id, t.cum_units, t.result_hash, height)));
        }
        const rejections = rejectionsOf(payload);
        for (let k = 0; k < rejections.length; k++) {
            const r = rejections[k];
            outcomes.push(this.sink.applyTaskRejected === undefined ? 'no-market' : String(this.sink.applyTaskRejected(r.order, r.from_cum, r.to_cum, height)));
        }
        this.sink.batchApplied?.(height);
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
        if (this.certifyHook !== undefined) this.certifyHook();
        else this.env.certify(batchTipRootHash(height, digest));
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
}
