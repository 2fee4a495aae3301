/**
 * The protocol canister's registry rules (spec §2–§3): node registration with stakes escrowed on
 * the ledger, top-ups, renewals, release at term end, the validator set and its admissions, and the
 * state-bit sink that PoC results and liveness observations land in.
 *
 * Money moves only through the ledger client, and always the same way: the intended operation is
 * written to the node before the `await` (which also guards the node against a second concurrent
 * operation), the transfer carries an idempotency key (created_at_time + a per-operation memo), and
 * the result is applied — or compensated — after it. An operation whose outcome stayed unknown is
 * retried with the same key (by the caller or by the maintenance timer) and can never move money twice.
 */
import type { Env } from '../../lib/env';
import { accountProblem, isAnonymous, sameAccount, type Account } from '../../ledger/account';
import type { Result } from '../../ledger/ledger';
import type { KV } from '../../lib/storage/kv';
import { bytesEqual, describeVariant, readU64be, u64be } from '../../lib/storage/bytes';
import { amountProblem, clipText, daysProblem, MAX_AMOUNT_E8S, MAX_TERM_DAYS, MIN_COMPUTE_STAKE_FEES, MAX_UNSTAKED_PER_OPERATOR, MAX_UNSTAKED_TOTAL, OPERATION_LEASE_NS } from '../model/bounds';
import { computeE, DEFAULT_MULTIPLIERS_TENTHS, routerE, validatorE } from '../nodes/evalue';
import { settle, type LedgerClient, type Movement } from '../model/ledger-port';
import { nodeIdProblem, type NodeRecord, type NodeType, type OperationKind, type PendingOperation } from '../nodes/record';
import { OperationMarks } from '../model/operation-marks';
import { isUnstakedAwaiting, UnstakedRegistrations } from '../nodes/unstaked';
import { BIGINT_PARAMS, DAY_NS, DEFAULT_PARAMS, type ProtocolParams } from '../model/params';
import { admissionBatchSize, quorum } from '../validators/quorum';
import { Registry } from '../nodes/registry';
import { Rewards } from '../rewards/rewards';
import { Liveness, type LivenessStores } from '../penalties/liveness';
import type { ConfirmationTimes } from '../penalties/windows';

/** Epochs last a day by default (spec §5; a governance parameter). */
export const DEFAULT_EPOCH_NS = 86_400n * 1_000_000_000n;

export type ProtocolError =
    | { NotAuthorized: { reason: string } }
    | { InvalidArgument: { reason: string } }
    | { NodeIdTaken: { node_id: string } }
    | { NodeNotFound: { node_id: string } }
    | { NodeBusy: { node_id: string; operation: string } }
    | { WrongStatus: { node_id: string; status: string; expected: string } }
    | { StakeTooLow: { minimum: bigint } }
    | { TermTooShort: { minimum_days: number } }
    | { RenewalNotAllowed: { reason: string } }
    | { WrongBatchSize: { expected: number; got: number } }
    | { LedgerRefused: { reason: string } }
    | { LedgerUnavailable: { reason: string } }
    | { OperationPending: { node_id: string; operation: string; reason: string } }
    | { NothingToClaim: { node_id: string } }
    | { Paused: { reason: string } }
    | { NotFound: { what: string; id: string } }
    | { VoteClosed: { id: bigint; outcome: string } }
    | { AlreadyVoted: { id: bigint } };

export interface RegisterArgs {
    node_id: string;
    node_type: NodeType;
    wallet: Account;
    stake?: { amount: bigint; lock_days: number; from_subaccount?: Uint8Array };
}

export interface ProtocolConfig {
    governance: Uint8Array;
    ledger: Uint8Array;
    params: ProtocolParams;
    /** Set while governance has paused the protocol: why, and since when. */
    paused?: { reason: string; since: string };
}

const KEY_CONFIG = new Uint8Array([1]);
/** The next node index, kept apart from the configuration so that a registration writes 8 bytes. */
const KEY_NEXT_INDEX = new Uint8Array([2]);
const ESCROW_TAG = new TextEncoder().encode('escrow');
/** The treasury: an account of the protocol canister under this named subaccount (spec §1). */
export const TREASURY_SUBACCOUNT = (() => {
    const s = new Uint8Array(32);
    s.set(new TextEncoder().encode('treasury'));
    return s;
})();
export { MIN_COMPUTE_STAKE_FEES };

export interface ProtocolStores {
    config: KV;
    /** Node index → the retry mark of its ledger operation in flight (src/protocol/model/operation-marks.ts). */
    pendingOps: KV;
    liveness: LivenessStores;
    /** Unstaked compute registrations awaiting their first PoC (src/protocol/nodes/unstaked.ts). */
    unstaked: { queue: KV; perOperator: KV };
}

/** Governance payouts whose ledger transfer waits for a retry (part of maintenance). */
export interface PayoutRetries {
    /** Retries those that may be retried now (at most `max`); returns how many reached an outcome. */
    retryPayouts(max: number, now: bigint): Promise<number>;
    nextRetryAt(now: bigint, max: number): bigint | undefined;
}

/** What the protocol reads from the state-bit batches (attached after both exist). */
export interface BatchView extends ConfirmationTimes {
    participationTime(validatorIndex: bigint): bigint | undefined;
}

export class Protocol {
    private configCache: ProtocolConfig | undefined;
    private batchView: BatchView | undefined;
    private payoutsView: PayoutRetries | undefined;
    private votesView: { closeDue(now: bigint, max: number): number; nextDeadline(): bigint | undefined } | undefined;
    readonly liveness: Liveness;
    /** Retry marks of the node operations in flight. */
    readonly marks: OperationMarks;
    readonly unstaked: UnstakedRegistrations;
    /** The last maintenance run (heap: an upgrade starts afresh): when, and whether it made progress. */
    private lastRun: { at: bigint; progress: boolean } | undefined;

    constructor(
        readonly registry: Registry,
        private readonly stores: ProtocolStores,
        private readonly env: Env,
        private readonly ledger: LedgerClient,
        readonly rewards: Rewards,
    ) {
        this.marks = new OperationMarks(stores.pendingOps, OPERATION_LEASE_NS);
        this.unstaked = new UnstakedRegistrations(stores.unstaked.queue, stores.unstaked.perOperator);
        this.liveness = new Liveness(stores.liveness, {
            params: () => this.params(),
            now: () => this.env.now(),
            get: (i) => this.registry.get(i),
            save: (next, prev) => this.save(next, prev),
            participationTime: (i) => this.batches().participationTime(i),
            times: { firstConfirmationAtOrAfter: (t) => this.batches().firstConfirmationAtOrAfter(t) },
        });
    }

    /** Connects governance payouts (their retries are part of maintenance). */
    attachPayouts(payouts: PayoutRetries): void {
        this.payoutsView = payouts;
    }

    /** Connects the peer votes (their deadlines are part of maintenance). */
    attachVotes(votes: { closeDue(now: bigint, max: number): number; nextDeadline(): bigint | undefined }): void {
        this.votesView = votes;
    }

    /** Connects the state-bit batches (which feed the protocol as their sink). */
    attachBatches(view: BatchView): void {
        this.batchView = view;
    }

    private batches(): BatchView {
        if (this.batchView === undefined) throw new Error('the protocol has no batches attached');
        return this.batchView;
    }

    /** Refuses while governance has the protocol paused. */
    pausedError(): ProtocolError | undefined {
        const p = this.config().paused;
        return p === undefined ? undefined : { Paused: { reason: p.reason } };
    }

    // ----- configuration ----------------------------------------------------------------------

    isInitialized(): boolean {
        return this.stores.config.has(KEY_CONFIG);
    }

    init(cfg: { governance: Uint8Array; ledger: Uint8Array; params?: Partial<ProtocolParams>; genesis?: bigint; epochLength?: bigint }): void {
        if (this.isInitialized()) throw new Error('the protocol is already initialized');
        this.saveConfig({ governance: cfg.governance, ledger: cfg.ledger, params: { ...DEFAULT_PARAMS, ...cfg.params } });
        this.rewards.init(cfg.genesis ?? this.env.now(), cfg.epochLength ?? DEFAULT_EPOCH_NS);
    }

    /** For a protocol installed before rewards existed: start the reward clock now. */
    ensureRewards(): void {
        if (!this.rewards.isInitialized()) this.rewards.init(this.env.now(), DEFAULT_EPOCH_NS);
    }

    config(): ProtocolConfig {
        if (this.configCache === undefined) {
            const raw = this.stores.config.get(KEY_CONFIG);
            if (raw === undefined) throw new Error('the protocol is not initialized');
            this.configCache = decodeConfig(raw);
        }
        return this.configCache;
    }

    /** How many node records exist (the next node index). */
    nextIndex(): bigint {
        const raw = this.stores.config.get(KEY_NEXT_INDEX);
        return raw === undefined ? 0n : readU64be(raw);
    }

    params(): ProtocolParams {
        return this.config().params;
    }

    saveConfig(c: ProtocolConfig): void {
        this.stores.config.set(KEY_CONFIG, encodeConfig(c));
        this.configCache = c;
    }

    escrowAccount(index: bigint): Account {
        return { owner: this.env.self(), subaccount: escrowSubaccount(index) };
    }

    treasuryAccount(): Account {
        return { owner: this.env.self(), subaccount: TREASURY_SUBACCOUNT };
    }

    // ----- registration and stakes --------------------------------------------------------------

    async registerNode(args: RegisterArgs): Promise<Result<NodeRecord, ProtocolError>> {
        const caller = this.env.caller();
        const p = this.params();
        if (isAnonymous(caller)) return err({ NotAuthorized: { reason: 'the anonymous principal cannot register nodes' } });
        const paused = this.pausedError();
        if (paused !== undefined) return err(paused);
        const idProblem = nodeIdProblem(args.node_id);
        if (idProblem !== undefined) return err({ InvalidArgument: { reason: `the node id ${idProblem}` } });
        const walletProblem = accountProblem(args.wallet);
        if (walletProblem !== undefined) return err({ InvalidArgument: { reason: `wallet: ${walletProblem}` } });
        const stakeProblem = this.checkFirstStake(args, p);
        if (stakeProblem !== undefined) return err(stakeProblem);

        const existing = this.registry.byId(args.node_id);
        if (existing !== undefined) {
            const sameOperator = bytesEqual(existing.operator, caller);
            if (sameOperator && existing.status === 'staking' && existing.op !== undefined) {
                // A retry of a registration whose stake transfer has an unknown outcome.
                if (!this.marks.retryable(existing.index, this.env.now())) return err({ NodeBusy: { node_id: existing.id, operation: existing.op.kind } });
                return this.resume(existing);
            }
            if (!this.evictable(existing, caller)) return err({ NodeIdTaken: { node_id: args.node_id } });
            if (existing.status !== 'evicted' && existing.status !== 'withdrawn' && existing.status !== 'expired') this.save({ ...existing, status: 'evicted' }, existing);
        }

        if (args.stake === undefined) {
            const full = this.unstaked.refusal(caller);
            if (full !== undefined) return err({ InvalidArgument: { reason: full } });
        }
        const index = this.nextIndex();
        this.stores.config.set(KEY_NEXT_INDEX, u64be(index + 1n));
        const now = this.env.now();
        const node: NodeRecord = {
            index,
            id: args.node_id,
            type: args.node_type,
            status: args.stake === undefined ? 'awaiting_poc' : 'staking',
            operator: caller,
            wallet: args.wallet,
            registeredAt: now,
            requestedLockDays: args.stake?.lock_days,
            e: 0n,
            opSeq: 0,
        };
        if (args.stake === undefined) {
            this.save(node, undefined);
            if (existing !== undefined) this.registry.rebindId(args.node_id, index);
            return { Ok: node };
        }
        node.op = this.newOperation(node, 'stake', args.stake.amount, { owner: caller, subaccount: args.stake.from_subaccount }, args.stake.lock_days);
        node.opSeq += 1;
        this.save(node, undefined);
        if (existing !== undefined) this.registry.rebindId(args.node_id, index);
        return this.finishStake(node);
    }

    /** A compute node's new stake term (after the previous one was released, or for an unstaked node). */
    async stakeCompute(nodeId: string, amount: bigint, lockDays: number, fromSubaccount?: Uint8Array): Promise<Result<NodeRecord, ProtocolError>> {
        const found = this.ownedNode(nodeId);
        if ('Err' in found) return found;
        const node = found.Ok;
        if (node.type !== 'compute') return err({ WrongStatus: { node_id: nodeId, status: node.type, expected: 'a compute node (validators and routers renew instead)' } });
        if (node.stake !== undefined) return err({ WrongStatus: { node_id: nodeId, status: 'staked', expected: 'no active stake term (top up or wait for the term to end)' } });
        if (node.status !== 'active' && node.status !== 'awaiting_poc') return err({ WrongStatus: { node_id: nodeId, status: node.status, expected: 'active or awaiting_poc' } });
        const problem = this.checkComputeStake(amount, lockDays, this.params()) ?? subaccountError(fromSubaccount);
        if (problem !== undefined) return err(problem);
        const next = { ...node, op: this.newOperation(node, 'stake', amount, { owner: node.operator, subaccount: fromSubaccount }, lockDays), opSeq: node.opSeq + 1 };
        this.save(next, node);
        return this.finishStake(next);
    }

    async topUp(nodeId: string, amount: bigint, fromSubaccount?: Uint8Array): Promise<Result<NodeRecord, ProtocolError>> {
        const found = this.ownedNode(nodeId);
        if ('Err' in found) return found;
        const node = found.Ok;
        if (node.stake === undefined) return err({ WrongStatus: { node_id: nodeId, status: node.status, expected: 'a node with a stake' } });
        const bad = amountProblem('the top-up amount', amount, 1n);
        if (bad !== undefined) return err({ InvalidArgument: { reason: bad } });
        const sub = subaccountError(fromSubaccount);
        if (sub !== undefined) return err(sub);
        if (node.stake.amount + amount > MAX_AMOUNT_E8S) return err({ InvalidArgument: { reason: 'the stake would exceed the maximum supply' } });
        const next = { ...node, op: this.newOperation(node, 'top_up', amount, { owner: node.operator, subaccount: fromSubaccount }, 0), opSeq: node.opSeq + 1 };
        this.save(next, node);
        return this.finishTopUp(next);
    }

    async renew(nodeId: string, days: number, topUpAmount: bigint, fromSubaccount?: Uint8Array): Promise<Result<NodeRecord, ProtocolError>> {
        const found = this.ownedNode(nodeId);
        if ('Err' in found) return found;
        const node = found.Ok;
        const p = this.params();
        const now = this.env.now();
        const bad = daysProblem('the renewal', days, 1) ?? amountProblem('the top-up amount', topUpAmount);
        if (bad !== undefined) return err({ InvalidArgument: { reason: bad } });
        const sub = subaccountError(fromSubaccount);
        if (sub !== undefined) return err(sub);
        const problem = renewalProblem(node, days, now, p);
        if (problem !== undefined) return err({ RenewalNotAllowed: { reason: problem } });
        if ((node.stake?.amount ?? 0n) + topUpAmount > MAX_AMOUNT_E8S) return err({ InvalidArgument: { reason: 'the stake would exceed the maximum supply' } });
        if (topUpAmount === 0n) {
            const next = extendTerm(node, days, 0n);
            this.registry.unscheduleExpiry(node.index, (node.stake as NonNullable<NodeRecord['stake']>).termEnd);
            this.save(next, node);
            this.registry.scheduleExpiry(next);
            return { Ok: next };
        }
        const next = { ...node, op: this.newOperation(node, 'renew', topUpAmount, { owner: node.operator, subaccount: fromSubaccount }, days), opSeq: node.opSeq + 1 };
        this.save(next, node);
        return this.finishTopUp(next);
    }

    /** A validator candidate that was not admitted takes its stake back. */
    async withdrawCandidacy(nodeId: string): Promise<Result<NodeRecord, ProtocolError>> {
        const found = this.ownedNode(nodeId);
        if ('Err' in found) return found;
        const node = found.Ok;
        if (node.type !== 'validator' || node.status !== 'candidate') return err({ WrongStatus: { node_id: nodeId, status: node.status, expected: 'candidate' } });
        const stake = node.stake as NonNullable<NodeRecord['stake']>;
        const next = { ...node, op: this.newOperation(node, 'withdraw', stake.amount, stake.owner, 0), opSeq: node.opSeq + 1 };
        this.save(next, node);
        return this.finishRelease(next);
    }

    /** Retries the operation whose outcome is unknown on one of the caller's nodes. */
    async retryOperation(nodeId: string): Promise<Result<NodeRecord, ProtocolError>> {
        const caller = this.env.caller();
        if (isAnonymous(caller)) return err({ NotAuthorized: { reason: 'the anonymous principal cannot change nodes' } });
        const node = this.registry.byId(nodeId);
        if (node === undefined) return err({ NodeNotFound: { node_id: nodeId } });
        if (!bytesEqual(node.operator, caller) && !bytesEqual(caller, this.config().governance)) return err({ NotAuthorized: { reason: 'only the node’s operator (or governance) can retry its operation' } });
        if (node.op === undefined) return { Ok: node };
        if (!this.marks.retryable(node.index, this.env.now())) return err({ NodeBusy: { node_id: nodeId, operation: node.op.kind } });
        return this.resume(node);
    }

    // ----- validator set ------------------------------------------------------------------------

    /** The checks of an admission, without writing (validate_admit_validators uses them too). */
    checkAdmission(nodeIds: string[]): Result<NodeRecord[], ProtocolError> {
        const paused = this.pausedError();
        if (paused !== undefined) return err(paused);
        const distinct = new Set(nodeIds);
        if (distinct.size !== nodeIds.length) return err({ InvalidArgument: { reason: 'a node id appears twice in the batch' } });
        const expected = admissionBatchSize(this.registry.count('validator', 'active'));
        if (nodeIds.length !== expected) return err({ WrongBatchSize: { expected, got: nodeIds.length } });
        const nodes: NodeRecord[] = [];
        for (const id of nodeIds) {
            const n = this.registry.byId(id);
            if (n === undefined) return err({ NodeNotFound: { node_id: id } });
            if (n.type !== 'validator' || n.status !== 'candidate') return err({ WrongStatus: { node_id: id, status: n.status, expected: 'candidate' } });
            if (n.op !== undefined) return err({ NodeBusy: { node_id: id, operation: n.op.kind } });
            nodes.push(n);
        }
        return { Ok: nodes };
    }

    /** Governance admits exactly the batch that brings the set to its next 3F+1 size. */
    admitValidators(caller: Uint8Array, nodeIds: string[]): Result<NodeRecord[], ProtocolError> {
        if (isAnonymous(caller) || !bytesEqual(caller, this.config().governance)) return err({ NotAuthorized: { reason: 'only governance admits validators' } });
        const checked = this.checkAdmission(nodeIds);
        if ('Err' in checked) return checked;
        const nodes = checked.Ok;
        const now = this.env.now();
        return {
            Ok: nodes.map((n) => {
                const stake = n.stake as NonNullable<NodeRecord['stake']>;
                const lockDays = n.requestedLockDays ?? this.params().validatorMinTermDays;
                const admitted: NodeRecord = { ...n, status: 'active', admittedAt: now, stake: { ...stake, lockDays, termStart: now, termEnd: now + BigInt(lockDays) * DAY_NS } };
                admitted.e = this.eValue(admitted);
                this.save(admitted, n);
                this.registry.scheduleExpiry(admitted);
                return admitted;
            }),
        };
    }

    validatorSet(): { validators: NodeRecord[]; size: number; f: number | undefined; quorum: number } {
        const size = this.registry.count('validator', 'active');
        const voting = this.registry.activeValidatorCount();
        const validators = this.registry.page('validator', 'active', 0, 1000);
        return { validators, size, f: (size - 1) % 3 === 0 && size > 0 ? (size - 1) / 3 : undefined, quorum: voting === 0 ? 0 : quorum(voting) };
    }

    // ----- state bits (the sink of confirmed batches) ---------------------------------------------

    applyPoc(nodeId: string, operator: Uint8Array, pocMs: number): string {
        const n = this.registry.byId(nodeId);
        if (n === undefined) return 'unknown_node';
        if (n.type !== 'compute') return 'not_compute';
        if (!bytesEqual(n.operator, operator)) return 'wrong_operator';
        if (n.status !== 'active' && n.status !== 'awaiting_poc') return `status_${n.status}`;
        if (!Number.isInteger(pocMs) || pocMs < 1) return 'invalid_poc_ms';
        let next: NodeRecord = { ...n, status: 'active', pocMs };
        if (n.online === false || n.fault !== undefined) {
            // A confirmed PoC is a valid state: it ends an outage as an online report would (spec §6).
            const now = this.env.now();
            next = this.liveness.observed({ ...next, online: true, observedAt: now }, true, now);
        }
        next.e = this.eValue(next);
        this.save(next, n);
        return 'applied';
    }

    applyObservation(nodeId: string, online: boolean): string {
        const n = this.registry.byId(nodeId);
        if (n === undefined) return 'unknown_node';
        if (n.type === 'validator') return 'not_observable';
        const now = this.env.now();
        this.save(this.liveness.observed({ ...n, online, observedAt: now }, online, now), n);
        return 'applied';
    }

    // ----- peer votes (spec §7): what a decided vote does ---------------------------------------------

    /** Why node `n` cannot be impeached now (its stake is already on its way back), or undefined. */
    impeachmentProblem(n: NodeRecord): string | undefined {
        if (n.op !== undefined && (n.op.kind === 'release' || n.op.kind === 'withdraw')) return 'its stake is being released';
        if (n.stake !== undefined && n.stake.termEnd <= this.env.now()) return 'its term has ended and its stake is being released';
        return undefined;
    }

    /**
     * An open impeachment holds the accused's stake until the vote closes (spec §7: the whole stake
     * goes to the treasury if it passes): a term that would end sooner is extended to the close.
     */
    holdStake(index: bigint, until: bigint): void {
        const n = this.registry.get(index);
        if (n === undefined || n.stake === undefined || n.stake.termEnd >= until) return;
        this.registry.unscheduleExpiry(index, n.stake.termEnd);
        const next = { ...n, stake: { ...n.stake, termEnd: until } };
        this.save(next, n);
        this.registry.scheduleExpiry(next);
    }

    /** An impeachment passed: the node is out and its whole stake goes to the treasury. */
    disqualify(index: bigint): void {
        const n = this.registry.get(index);
        if (n === undefined || n.status !== 'active') return;
        if (n.stake !== undefined && n.op === undefined) this.registry.unscheduleExpiry(index, n.stake.termEnd);
        let next: NodeRecord = { ...n, status: 'disqualified', suspended: undefined, frozen: undefined, fault: undefined };
        next = this.liveness.chargeAll(next, 'impeachment');
        next.e = 0n;
        this.save(next, n);
    }

    /** A validator reported its key compromised: no votes, claims or changes until the report is decided. */
    freeze(index: bigint): void {
        const n = this.registry.get(index);
        if (n !== undefined) this.save({ ...n, frozen: true }, n);
    }

    /** The report was decided: the node resumes, with the new operator if the validators confirmed it. */
    unfreeze(index: bigint, newOperator?: Uint8Array): void {
        const n = this.registry.get(index);
        if (n === undefined || n.frozen !== true) return;
        const next = this.liveness.restart({ ...n, frozen: undefined, operator: newOperator ?? n.operator });
        this.save(next, n);
    }

    /** Validator `index` takes part in a confirmed batch (the batches' sink hook). */
    participated(index: bigint, previous: bigint | undefined, at: bigint): void {
        this.liveness.participated(index, previous, at);
    }

    // ----- maintenance (timer) ---------------------------------------------------------------------

    /**
     * Releases stakes whose term ended and retries operations with unknown outcomes, at most
     * `releaseBatch` of each per run. Returns how many releases completed.
     */
    async runMaintenance(): Promise<{ released: number; retried: number; evaluated: number; deducted: number; swept: number; closed: number }> {
        const p = this.params();
        const now = this.env.now();
        this.rewards.advance(now);
        let released = 0;
        let retried = 0;
        let deducted = 0;
        let swept = 0;
        const evaluated = this.rewards.deferred(() => this.liveness.sweep(now));
        const closed = this.votesView?.closeDue(now, p.releaseBatch) ?? 0;
        if (this.config().paused === undefined) {
            for (const index of this.liveness.dueDeductions(p.releaseBatch)) {
                const n = this.registry.get(index);
                if (n === undefined) {
                    this.liveness.deductionDone(index);
                    continue;
                }
                const r = await this.startDeduction(n);
                if (r !== undefined && 'Ok' in r) deducted++;
            }
        }
        for (const { termEnd, index } of this.registry.dueExpiries(now, p.releaseBatch)) {
            const n = this.registry.get(index);
            if (n === undefined || n.stake === undefined || n.stake.termEnd !== termEnd) {
                // A stale entry (the stake left another way): drop it, or it would hold a place forever.
                this.registry.unscheduleExpiry(index, termEnd);
                swept++;
                continue;
            }
            if (n.op !== undefined) continue;
            if ((n.penaltyDue ?? 0n) > 0n) {
                // Penalties are paid before the stake goes back (the release comes on the next run).
                if (this.config().paused === undefined) {
                    const r = await this.startDeduction(n);
                    if (r !== undefined && 'Ok' in r) deducted++;
                }
                continue;
            }
            const next = { ...n, op: this.newOperation(n, 'release', n.stake.amount, n.stake.owner, 0), opSeq: n.opSeq + 1 };
            this.save(next, n);
            const r = await this.finishRelease(next);
            if ('Ok' in r) released++;
        }
        for (const index of this.marks.due(now, p.releaseBatch)) {
            const n = this.registry.get(index);
            if (n === undefined || n.op === undefined) {
                this.marks.done(index);
                continue;
            }
            const r = await this.resume(n);
            if (!('Err' in r && 'OperationPending' in r.Err)) retried++;
        }
        if (this.payoutsView !== undefined) retried += await this.payoutsView.retryPayouts(p.releaseBatch, now);
        swept += this.sweepUnstaked(now, p);
        this.lastRun = { at: now, progress: released + retried + evaluated + deducted + swept + closed > 0 };
        return { released, retried, evaluated, deducted, swept, closed };
    }

    /** Removes unstaked compute registrations that outlived the grace period without a PoC (at most `releaseBatch`). */
    private sweepUnstaked(now: bigint, p: ProtocolParams): number {
        if (now < p.squatterGraceNs) return 0;
        let swept = 0;
        for (const { registeredAt, index } of this.unstaked.due(now - p.squatterGraceNs, p.releaseBatch)) {
            const n = this.registry.get(index);
            if (!isUnstakedAwaiting(n) || n.registeredAt !== registeredAt) {
                this.unstaked.forget(registeredAt, index);
                swept++;
                continue;
            }
            if (n.op !== undefined) continue; // a stake in flight decides first
            this.remove(n);
            swept++;
        }
        return swept;
    }

    /**
     * When the maintenance timer should run next: the earliest term end, vote deadline, liveness
     * window, epoch boundary or grace-period end, or soon when an operation waits for a retry.
     * Work that is overdue but that the last run could not advance (a release whose retry waits, a
     * penalty during a pause) waits one maintenance interval: the timer never spins.
     */
    nextMaintenanceAt(): bigint | undefined {
        const now = this.env.now();
        const p = this.params();
        const interval = BigInt(p.maintenanceIntervalSeconds) * 1_000_000_000n;
        const soon = now + interval;
        const candidates: bigint[] = [this.rewards.nextEpochBoundary(now)];
        const expiry = this.registry.nextExpiry();
        if (expiry !== undefined) candidates.push(expiry);
        for (const retry of [this.marks.nextRetryAt(now, p.releaseBatch), this.payoutsView?.nextRetryAt(now, p.releaseBatch)]) {
            if (retry !== undefined) candidates.push(retry > soon ? retry : soon);
        }
        if (this.liveness.pendingDeductions() > 0 && this.config().paused === undefined) candidates.push(soon);
        const deadline = this.votesView?.nextDeadline();
        if (deadline !== undefined) candidates.push(deadline);
        const liveness = this.liveness.nextDue(now);
        if (liveness !== undefined) candidates.push(liveness > soon ? liveness : soon);
        const oldest = this.unstaked.oldest();
        if (oldest !== undefined) candidates.push(oldest + p.squatterGraceNs);
        let next = candidates.reduce((a, b) => (a < b ? a : b));
        if (next <= now && this.lastRun !== undefined && !this.lastRun.progress && this.lastRun.at + interval > next) next = this.lastRun.at + interval;
        return next;
    }

    // ----- E-values ---------------------------------------------------------------------------------

    eValue(n: NodeRecord): bigint {
        if (n.status !== 'active') return 0n;
        if (n.type === 'validator') return validatorE(n.stake?.amount ?? 0n);
        if (n.type === 'router') return routerE(n.stake?.amount ?? 0n);
        if (n.pocMs === undefined) return 0n;
        const table = new Map(this.params().computeMultipliers);
        const stake = n.stake?.amount ?? 0n;
        const m = n.stake === undefined ? 10n : (table.get(n.stake.lockDays) ?? DEFAULT_MULTIPLIERS_TENTHS.get(n.stake.lockDays) ?? 10n);
        return computeE(BigInt(n.pocMs), stake, m);
    }

    // ----- rewards ------------------------------------------------------------------------------------

    /** The node's reward weight: its E while eligible (active; compute nodes also online), else 0. */
    weight(n: NodeRecord): bigint {
        if (n.status !== 'active' || n.suspended === true || n.frozen === true) return 0n;
        if (n.type === 'compute' && (n.online === false || n.pocMs === undefined)) return 0n;
        return n.e;
    }

    /**
     * The operator or the reward wallet's owner claims a node's rewards: the protocol (the ledger's
     * minting account) mints them to the node's wallet. Safe to retry; a failed mint leaves the
     * reward claimable; a second claim while one is in flight is refused (NodeBusy).
     */
    async claimRewards(nodeId: string): Promise<Result<{ node: NodeRecord; amount: bigint }, ProtocolError>> {
        const caller = this.env.caller();
        if (isAnonymous(caller)) return err({ NotAuthorized: { reason: 'the anonymous principal cannot claim' } });
        const node = this.registry.byId(nodeId);
        if (node === undefined) return err({ NodeNotFound: { node_id: nodeId } });
        if (!bytesEqual(node.operator, caller) && !bytesEqual(node.wallet.owner, caller)) return err({ NotAuthorized: { reason: 'only the node’s operator or its reward wallet’s owner can claim' } });
        const paused = this.pausedError();
        if (paused !== undefined) return err(paused);
        if (node.frozen === true) return err({ WrongStatus: { node_id: nodeId, status: 'frozen', expected: 'a node whose key is not reported compromised' } });
        if (node.op !== undefined) {
            if (node.op.kind === 'claim' && this.marks.retryable(node.index, this.env.now())) {
                const r = await this.resume(node);
                return 'Ok' in r ? { Ok: { node: r.Ok, amount: (node.op as PendingOperation).amount } } : r;
            }
            return err({ NodeBusy: { node_id: nodeId, operation: node.op.kind } });
        }
        const amount = this.rewards.settle(node.index, this.env.now());
        if (amount === 0n) return err({ NothingToClaim: { node_id: nodeId } });
        const next = { ...node, op: this.newOperation(node, 'claim', amount, node.wallet, 0), opSeq: node.opSeq + 1 };
        this.save(next, node);
        const r = await this.finishClaim(next);
        return 'Ok' in r ? { Ok: { node: r.Ok, amount } } : r;
    }

    private async finishClaim(node: NodeRecord): Promise<Result<NodeRecord, ProtocolError>> {
        const op = node.op as PendingOperation;
        const a = await this.attempt(node, (uncertain) => settle(() => this.ledger.transfer({ to: op.account, amount: op.amount, memo: op.memo, created_at_time: op.createdAt }), 2, uncertain));
        if ('settled' in a) return a.settled;
        const { current } = a;
        let m = a.m;
        // TooOld answers only a retry more than 24 h after the first attempt, whose outcome was never
        // known: the mint may have executed, and minting again could pay twice. It counts as paid
        // (docs/security.md: the mint's memo finds it in the ledger's blocks if in doubt).
        if ('refused' in m && 'TooOld' in (m.refused as object)) m = { done: 0n };
        if ('done' in m) {
            this.rewards.recordClaim(node.index, op.amount);
            const next = { ...current, op: undefined };
            this.save(next, current);
            this.marks.done(node.index);
            return { Ok: next };
        }
        if ('unknown' in m) return this.pending(current, m.unknown);
        // A refused mint leaves the reward claimable.
        this.save({ ...current, op: undefined }, current);
        this.marks.done(node.index);
        return 'refused' in m ? err({ LedgerRefused: { reason: describeVariant(m.refused) } }) : err({ LedgerUnavailable: { reason: m.notExecuted } });
    }

    /** Writes a node and keeps its indexes, liveness queue and reward weight in step (the index is advanced first). */
    save(next: NodeRecord, previous: NodeRecord | undefined): void {
        this.registry.put(next, previous);
        this.liveness.track(next, previous);
        this.unstaked.track(next, previous);
        const before = previous === undefined ? 0n : this.weight(previous);
        const after = this.weight(next);
        if (before !== after) this.rewards.setWeight(next.index, after, this.env.now());
    }

    // ----- internals -----------------------------------------------------------------------------------

    private checkFirstStake(args: RegisterArgs, p: ProtocolParams): ProtocolError | undefined {
        const s = args.stake;
        if (args.node_type === 'validator' || args.node_type === 'router') {
            if (s === undefined) return { InvalidArgument: { reason: `a ${args.node_type} registers with its stake` } };
            const min = args.node_type === 'validator' ? p.validatorMinStake : p.routerMinStake;
            const days = args.node_type === 'validator' ? p.validatorMinTermDays : p.routerMinTermDays;
            if (s.amount < min) return { StakeTooLow: { minimum: min } };
            if (s.lock_days < days) return { TermTooShort: { minimum_days: days } };
            const bad = amountProblem('the stake', s.amount) ?? daysProblem('lock_days', s.lock_days, days);
            if (bad !== undefined) return { InvalidArgument: { reason: bad } };
        } else if (args.node_type === 'compute') {
            if (s !== undefined) {
                const problem = this.checkComputeStake(s.amount, s.lock_days, p);
                if (problem !== undefined) return problem;
            }
        } else {
            return { InvalidArgument: { reason: `unknown node type ${String(args.node_type)}` } };
        }
        return s === undefined ? undefined : subaccountError(s.from_subaccount);
    }

    private checkComputeStake(amount: bigint, lockDays: number, p: ProtocolParams): ProtocolError | undefined {
        const periods = p.computeMultipliers.map(([d]) => d);
        if (!periods.includes(lockDays)) return { InvalidArgument: { reason: `a compute stake locks for one of ${periods.join(', ')} days` } };
        const min = MIN_COMPUTE_STAKE_FEES * p.ledgerFee + 1n;
        if (amount < min) return { StakeTooLow: { minimum: min } };
        const bad = amountProblem('the stake', amount);
        if (bad !== undefined) return { InvalidArgument: { reason: bad } };
        return undefined;
    }

    /** An ended registration, or a squatted one: unstaked, never confirmed by a PoC, older than the grace period. */
    private evictable(n: NodeRecord, caller: Uint8Array): boolean {
        // A node that ended (expired, withdrew, was evicted) frees its id for anyone, its operator included.
        if (n.status === 'evicted' || n.status === 'withdrawn' || n.status === 'expired') return n.op === undefined && n.stake === undefined;
        if (bytesEqual(n.operator, caller)) return false;
        return n.type === 'compute' && n.status === 'awaiting_poc' && n.stake === undefined && n.op === undefined && n.pocMs === undefined && this.env.now() - n.registeredAt >= this.params().squatterGraceNs;
    }

    private ownedNode(nodeId: string): Result<NodeRecord, ProtocolError> {
        const caller = this.env.caller();
        if (isAnonymous(caller)) return err({ NotAuthorized: { reason: 'the anonymous principal cannot change nodes' } });
        const node = this.registry.byId(nodeId);
        if (node === undefined) return err({ NodeNotFound: { node_id: nodeId } });
        if (!bytesEqual(node.operator, caller)) return err({ NotAuthorized: { reason: 'only the node’s operator can change it' } });
        const paused = this.pausedError();
        if (paused !== undefined) return err(paused);
        if (node.frozen === true) return err({ WrongStatus: { node_id: nodeId, status: 'frozen', expected: 'a node whose key is not reported compromised' } });
        if (node.op !== undefined) return err({ NodeBusy: { node_id: nodeId, operation: node.op.kind } });
        return { Ok: node };
    }

    /** A new operation on `node` (callers store the node with it and `opSeq` + 1 before awaiting). */
    private newOperation(node: NodeRecord, kind: OperationKind, amount: bigint, account: Account, days: number): PendingOperation {
        return { kind, amount, createdAt: this.env.now(), memo: memoFor(kind, node.index, node.opSeq), account, days };
    }

    /** Retries an operation whose outcome was unknown (or whose attempt was lost): a new attempt with the same key. */
    private resume(node: NodeRecord): Promise<Result<NodeRecord, ProtocolError>> {
        const kind = (node.op as PendingOperation).kind;
        if (kind === 'stake') return this.finishStake(node);
        if (kind === 'top_up' || kind === 'renew') return this.finishTopUp(node);
        if (kind === 'claim') return this.finishClaim(node);
        if (kind === 'penalty') return this.finishDeduction(node);
        return this.finishRelease(node);
    }

    /**
     * One attempt of the node's operation (src/protocol/model/operation-marks.ts): the attempt is marked
     * before the await; after it, only the latest attempt of the same operation records an outcome.
     * `escrow` (the escrow balance before and after the operation) settles a TooOld answer.
     */
    private async attempt<E>(
        node: NodeRecord,
        call: (uncertain: boolean) => Promise<Movement<E>>,
        escrow?: { before: bigint; after: bigint },
    ): Promise<{ m: Movement<E>; current: NodeRecord } | { settled: Result<NodeRecord, ProtocolError> }> {
        const op = node.op as PendingOperation;
        const attempt = this.marks.start(node.index, this.env.now());
        let m = await call(attempt > 1 || op.uncertain === true);
        if (escrow !== undefined) m = (await this.viaEscrow(m, node, escrow.before, escrow.after)) as Movement<E>;
        const current = this.registry.get(node.index);
        if (current === undefined) return { settled: err({ NodeNotFound: { node_id: node.id } }) };
        const same = current.op !== undefined && bytesEqual(current.op.memo, op.memo);
        if (same && this.marks.isLatest(node.index, attempt)) return { m, current };
        // Another attempt owns the outcome: report the node as it stands.
        return { settled: same ? err({ OperationPending: { node_id: node.id, operation: op.kind, reason: 'a later attempt of this operation settles it' } }) : { Ok: current } };
    }

    /**
     * Moves a node's penalty due from its escrow to the treasury. The escrow pays the ledger fee, so
     * the treasury receives exactly the penalty; what the escrow cannot cover any more is forgiven
     * (recorded). Started by the maintenance timer, guarded and idempotent like every operation.
     */
    async startDeduction(n: NodeRecord): Promise<Result<NodeRecord, ProtocolError> | undefined> {
        // A disqualified node owes its whole stake (a top-up that landed after the vote included).
        const due = n.status === 'disqualified' && n.stake !== undefined ? n.stake.amount : (n.penaltyDue ?? 0n);
        if (n.op !== undefined) return undefined; // after the operation in flight
        if (due === 0n || n.stake === undefined) {
            this.liveness.deductionDone(n.index);
            return undefined;
        }
        const fee = this.params().ledgerFee;
        const send = n.stake.amount > fee ? (due < n.stake.amount - fee ? due : n.stake.amount - fee) : 0n;
        if (send === 0n) {
            // Nothing the escrow can pay: the rest is forgiven.
            this.liveness.booked(0n, due);
            this.liveness.deductionDone(n.index);
            const next = { ...n, penaltyDue: 0n };
            this.save(next, n);
            return { Ok: next };
        }
        if (due !== n.penaltyDue) n = { ...n, penaltyDue: due };
        const next = { ...n, op: this.newOperation(n, 'penalty', send, this.treasuryAccount(), 0), opSeq: n.opSeq + 1 };
        this.save(next, n);
        return this.finishDeduction(next);
    }

    private async finishDeduction(node: NodeRecord): Promise<Result<NodeRecord, ProtocolError>> {
        const op = node.op as PendingOperation;
        const fee = this.params().ledgerFee;
        const held = (node.stake as NonNullable<NodeRecord['stake']>).amount;
        const a = await this.attempt(
            node,
            (uncertain) => settle(() => this.ledger.transfer({ from_subaccount: escrowSubaccount(node.index), to: op.account, amount: op.amount, memo: op.memo, created_at_time: op.createdAt }), 2, uncertain),
            { before: held, after: held - op.amount - fee },
        );
        if ('settled' in a) return a.settled;
        const { m, current } = a;
        if ('done' in m) {
            const stake = current.stake as NonNullable<NodeRecord['stake']>;
            const due = current.penaltyDue ?? 0n;
            const left = stake.amount - op.amount - fee;
            // Whatever is still due and more than the escrow can pay is forgiven.
            const forgiven = due - op.amount > 0n && left <= fee ? due - op.amount : 0n;
            const next: NodeRecord = { ...current, op: undefined, stake: { ...stake, amount: left }, penaltyDue: due - op.amount - forgiven, penalized: (current.penalized ?? 0n) + op.amount };
            this.liveness.booked(op.amount, forgiven);
            if (next.penaltyDue === 0n) this.liveness.deductionDone(node.index);
            if (left === 0n && current.status === 'disqualified') {
                this.registry.unscheduleExpiry(current.index, stake.termEnd);
                next.stake = undefined;
            }
            next.e = this.eValue(next);
            this.liveness.checkSuspension(next);
            this.save(next, current);
            this.marks.done(node.index);
            return { Ok: next };
        }
        return this.escrowTransferFailed(current, m);
    }

    private pullStake(node: NodeRecord, uncertain: boolean): Promise<Movement<unknown>> {
        const op = node.op as PendingOperation;
        return settle(() => this.ledger.transferFrom({ from: op.account, to: this.escrowAccount(node.index), amount: op.amount, memo: op.memo, created_at_time: op.createdAt }), 2, uncertain);
    }

    private async finishStake(node: NodeRecord): Promise<Result<NodeRecord, ProtocolError>> {
        const held = node.stake?.amount ?? 0n;
        const a = await this.attempt(node, (uncertain) => this.pullStake(node, uncertain), { before: held, after: held + (node.op as PendingOperation).amount });
        if ('settled' in a) return a.settled;
        const { m, current } = a;
        const op = current.op as PendingOperation;
        const first = current.status === 'staking';
        if ('done' in m) {
            const now = this.env.now();
            const next: NodeRecord = { ...current, op: undefined };
            next.stake = { amount: op.amount, lockDays: op.days, termStart: now, termEnd: now + BigInt(op.days) * DAY_NS, renewals: 0, owner: op.account };
            if (next.type === 'compute') next.stakeBasis = op.amount;
            if (first) next.status = current.type === 'validator' ? 'candidate' : current.type === 'router' ? 'active' : 'awaiting_poc';
            next.e = this.eValue(next);
            this.save(next, current);
            // A validator's term starts at admission; routers' and compute nodes' now.
            if (next.type !== 'validator') this.registry.scheduleExpiry(next);
            this.marks.done(node.index);
            return { Ok: next };
        }
        if ('unknown' in m) return this.pending(current, m.unknown);
        if (first) this.remove(current);
        else this.save({ ...current, op: undefined }, current);
        this.marks.done(node.index);
        return 'refused' in m ? err({ LedgerRefused: { reason: describeVariant(m.refused) } }) : err({ LedgerUnavailable: { reason: m.notExecuted } });
    }

    private async finishTopUp(node: NodeRecord): Promise<Result<NodeRecord, ProtocolError>> {
        const held = node.stake?.amount ?? 0n;
        const a = await this.attempt(node, (uncertain) => this.pullStake(node, uncertain), { before: held, after: held + (node.op as PendingOperation).amount });
        if ('settled' in a) return a.settled;
        const { m, current } = a;
        const op = current.op as PendingOperation;
        if ('done' in m) {
            let next: NodeRecord = { ...current, op: undefined };
            const stake = next.stake as NonNullable<NodeRecord['stake']>;
            if (op.kind === 'renew') {
                this.registry.unscheduleExpiry(current.index, stake.termEnd);
                next = extendTerm(next, op.days, op.amount);
            } else {
                next.stake = { ...stake, amount: stake.amount + op.amount };
                next.e = this.eValue(next);
                if (next.type === 'compute') next.stakeBasis = (next.stakeBasis ?? stake.amount) + op.amount;
            }
            // A top-up that covers the minimum again ends a suspension (its windows start again now).
            next = this.liveness.resumeIfCovered(this.liveness.evaluate(next, this.env.now()));
            this.save(next, current);
            if (op.kind === 'renew') this.registry.scheduleExpiry(next);
            this.marks.done(node.index);
            return { Ok: next };
        }
        if ('unknown' in m) return this.pending(current, m.unknown);
        this.save({ ...current, op: undefined }, current);
        this.marks.done(node.index);
        return 'refused' in m ? err({ LedgerRefused: { reason: describeVariant(m.refused) } }) : err({ LedgerUnavailable: { reason: m.notExecuted } });
    }

    /** Sends a node's stake (less the ledger fee) from its escrow back to its owner. */
    private async finishRelease(node: NodeRecord): Promise<Result<NodeRecord, ProtocolError>> {
        const op = node.op as PendingOperation;
        const fee = this.params().ledgerFee;
        const a = await this.attempt(
            node,
            (uncertain) => settle(() => this.ledger.transfer({ from_subaccount: escrowSubaccount(node.index), to: op.account, amount: op.amount > fee ? op.amount - fee : 0n, memo: op.memo, created_at_time: op.createdAt }), 2, uncertain),
            { before: op.amount, after: 0n },
        );
        if ('settled' in a) return a.settled;
        const { m, current } = a;
        if ('done' in m) {
            const stake = current.stake as NonNullable<NodeRecord['stake']>;
            if (op.kind === 'release') this.registry.unscheduleExpiry(current.index, stake.termEnd);
            const next: NodeRecord = { ...current, op: undefined, stake: undefined, stakeBasis: undefined, penaltyDue: current.penaltyDue === undefined ? undefined : 0n };
            if (current.status === 'disqualified') {
                // Impeached while its stake was on its way back (spec §7): the node stays disqualified
                // and what it was charged but the escrow no longer holds is forgiven, on the books.
                this.liveness.booked(0n, current.penaltyDue ?? 0n);
                this.liveness.deductionDone(current.index);
            } else if (op.kind === 'withdraw') next.status = 'withdrawn';
            else if (current.type !== 'compute') next.status = 'expired';
            next.e = this.eValue(next);
            this.save(next, current);
            this.marks.done(node.index);
            return { Ok: next };
        }
        return this.escrowTransferFailed(current, m);
    }

    /**
     * An escrow transfer (release, withdrawal, penalty) that did not complete: still unknown → pending
     * for a retry; refused or not executed → the operation is dropped (a BadFee answer updates the fee).
     */
    private escrowTransferFailed(current: NodeRecord, m: Exclude<Movement<unknown>, { done: bigint }>): Result<NodeRecord, ProtocolError> {
        if ('unknown' in m) return this.pending(current, m.unknown);
        if ('refused' in m) {
            const e = m.refused as { BadFee?: { expected_fee: bigint } };
            if (e.BadFee !== undefined) this.saveConfig({ ...this.config(), params: { ...this.params(), ledgerFee: e.BadFee.expected_fee } });
        }
        this.save({ ...current, op: undefined }, current);
        this.marks.done(current.index);
        return 'refused' in m ? err({ LedgerRefused: { reason: describeVariant(m.refused) } }) : err({ LedgerUnavailable: { reason: m.notExecuted } });
    }

    /**
     * A retry answered TooOld: the ledger's 24-hour deduplication window has passed, so it cannot say
     * whether the first attempt executed. The escrow tells: only this operation can have moved it
     * (the node is guarded), so its balance is either the amount before or the amount after.
     */
    private async viaEscrow(m: Movement<unknown>, node: NodeRecord, before: bigint, after: bigint): Promise<Movement<unknown>> {
        if (!('refused' in m) || !('TooOld' in (m.refused as object))) return m;
        const r = await this.ledger.balanceOf(this.escrowAccount(node.index));
        if (!('ok' in r)) return { unknown: `the escrow balance could not be read: ${r.rejected.message}` };
        if (r.ok === after) return { done: 0n };
        if (r.ok === before) return { notExecuted: 'the transfer was never executed (checked against the escrow balance after the deduplication window)' };
        return { unknown: `the escrow holds ${r.ok} e8s, neither ${before} nor ${after}: governance must look at this node` };
    }

    /** The attempt ended without a known outcome: the operation stays, marked uncertain, retryable now. */
    private pending(node: NodeRecord, reason: string): Result<NodeRecord, ProtocolError> {
        const op = node.op as PendingOperation;
        if (op.uncertain !== true) this.save({ ...node, op: { ...op, uncertain: true } }, node);
        this.marks.unknown(node.index);
        return err({ OperationPending: { node_id: node.id, operation: op.kind, reason: clipText(reason) } });
    }

    /** Removes a registration that never became a node (its first stake failed), with its indexes. */
    private remove(n: NodeRecord): void {
        this.registry.delete(n);
        this.unstaked.track(undefined, n);
    }
}

function err(e: ProtocolError): { Err: ProtocolError } {
    return { Err: e };
}

function subaccountError(sub: Uint8Array | undefined): ProtocolError | undefined {
    return sub !== undefined && sub.length !== 32 ? { InvalidArgument: { reason: 'from_subaccount must be 32 bytes' } } : undefined;
}

function renewalProblem(n: NodeRecord, days: number, now: bigint, p: ProtocolParams): string | undefined {
    if (n.stake === undefined) return 'the node has no stake term';
    if (n.type === 'compute') return 'compute nodes re-stake when their term ends';
    if (n.status !== 'active') return `the node is ${n.status}`;
    if (now >= n.stake.termEnd) return 'the term has already ended';
    if (n.type === 'validator') {
        if (n.stake.renewals >= p.validatorMaxRenewals) return `a validator renews at most ${p.validatorMaxRenewals} time(s)`;
        if (days < p.validatorRenewalMinDays) return `a validator renews for at least ${p.validatorRenewalMinDays} days`;
    } else if (days < p.routerRenewalMinDays) {
        return `a router renews for at least ${p.routerRenewalMinDays} days`;
    }
    if (n.stake.termEnd + BigInt(days) * DAY_NS - now > BigInt(MAX_TERM_DAYS) * DAY_NS) return `a renewal may leave at most ${MAX_TERM_DAYS} days of term`;
    return undefined;
}

function extendTerm(n: NodeRecord, days: number, extra: bigint): NodeRecord {
    const stake = n.stake as NonNullable<NodeRecord['stake']>;
    const next: NodeRecord = { ...n, stake: { ...stake, amount: stake.amount + extra, termEnd: stake.termEnd + BigInt(days) * DAY_NS, renewals: stake.renewals + 1 } };
    next.e = n.type === 'validator' ? validatorE(next.stake!.amount) : n.type === 'router' ? routerE(next.stake!.amount) : n.e;
    return next;
}

/** The escrow subaccount of node `index`: "escrow", zeros, then the index (u64 big-endian). */
export function escrowSubaccount(index: bigint): Uint8Array {
    const s = new Uint8Array(32);
    s.set(ESCROW_TAG);
    s.set(u64be(index), 24);
    return s;
}

/** A readable memo, unique per operation: "emc:<kind>:<node index>:<operation number>" (≤ 32 bytes). */
export function memoFor(kind: OperationKind, index: bigint, seq: number): Uint8Array {
    return new TextEncoder().encode(`emc:${kind}:${index}:${seq}`);
}



function encodeConfig(c: ProtocolConfig): Uint8Array {
    const params: Record<string, unknown> = { ...c.params, computeMultipliers: c.params.computeMultipliers.map(([d, m]) => [d, m.toString()]) };
    for (const k of BIGINT_PARAMS) params[k] = c.params[k].toString();
    const j: Record<string, unknown> = { format: 1, governance: hex(c.governance), ledger: hex(c.ledger), params };
    if (c.paused !== undefined) j.paused = c.paused;
    return new TextEncoder().encode(JSON.stringify(j));
}

/** Parameters added after a configuration was written take their defaults. */
function decodeConfig(bytes: Uint8Array): ProtocolConfig {
    const j = JSON.parse(new TextDecoder().decode(bytes));
    if (j.format !== 1) throw new Error(`unknown protocol config format ${j.format}`);
    const params: Record<string, unknown> = { ...DEFAULT_PARAMS, ...j.params };
    for (const k of BIGINT_PARAMS) params[k] = BigInt(params[k] as string | bigint);
    params.computeMultipliers = (params.computeMultipliers as [number, string | bigint][]).map(([d, m]) => [d, BigInt(m)]);
    const c: ProtocolConfig = { governance: unhex(j.governance), ledger: unhex(j.ledger), params: params as unknown as ProtocolParams };
    if (j.paused !== undefined) c.paused = j.paused;
    return c;
}

function hex(b: Uint8Array): string {
    let s = '';
    for (let i = 0; i < b.length; i++) s += (b[i] < 16 ? '0' : '') + b[i].toString(16);
    return s;
}

function unhex(h: string): Uint8Array {
    const out = new Uint8Array(h.length / 2);
    for (let i = 0; i < out.length; i++) out[i] = parseInt(h.substr(i * 2, 2), 16);
    return out;
}

export { sameAccount };
