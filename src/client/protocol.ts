/**
 * The protocol canister, as a node operator uses it: register and stake, top up, renew, look up
 * nodes, claim rewards; validators apply, propose and vote on state-bit batches; any active node
 * takes part in impeachments, validators in key-compromise reports; governance (on a devnet, the
 * genesis owner; on the IC, an SNS) checks and executes its methods; everyone reads penalties,
 * epochs, the emission schedule, parameters and the governance log.
 *
 * Operations that move a stake do what the operator would do by hand: check first everything the
 * protocol will check, with its own parameters (src/client/precheck.ts), and the balance, so that
 * a doomed call sends nothing and costs no fee; approve the protocol canister on the ledger for
 * amount + fee (expiring after an hour); then call the protocol, which pulls the stake with
 * `icrc2_transfer_from`. If the protocol still refuses (its state changed in between), the error
 * says that the approval stays until it lapses and that its fee was spent.
 *
 * Every method is a typed wrapper of one entry of PROTOCOL_METHODS (src/protocol/interface.ts),
 * which this client's Actor is built from: `this.node(...)` for a `variant { Ok : NodeView; Err }`
 * answer, `this.variant(...)` for another `variant { Ok; Err : ProtocolError }`, `this.validation`
 * for a governance `validate_m`, `this.call(...)` for a plain reply.
 */
import { Cbor, Certificate, lookup_path, LookupPathStatus, reconstruct } from '@dfinity/agent';
import { Principal } from '@dfinity/principal';
import type { ValueOf } from '../lib/candid/candid';
import { batchDigest, type BatchPayload } from '../protocol/batches/payload';
import type { NodeView } from '../protocol/api/candid';
import { CertifiedTipT, PROTOCOL_METHODS, protocolServiceIdl } from '../protocol/api/interface';
import { nodeIdProblem, NODE_STATUSES, NODE_TYPES, type NodeStatus, type NodeType, type StakeTerm } from '../protocol/nodes/record';
import type * as P from '../protocol/api/candid';
import type { EpochRecord } from '../protocol/rewards/rewards';
import { bytesEqual, decodeLeb128, toHex } from '../lib/storage/bytes';
import { fromCandidAccount, toCandidAccount, type Account } from './account';
import { CanisterClient, genericDetails, type ClientOptions } from './canister';
import { LedgerClient } from './ledger';
import { refused, stakeOperationProblem, type PrecheckContext, type StakeOperation } from './precheck';
import { badInput, emc, fail, mapResult, ok, type Result } from './result';

export { NODE_STATUSES, NODE_TYPES, type NodeStatus, type NodeType };

/** A node's stake term as the canister records it (src/protocol/nodes/record.ts), with the owner as the client's Account. */
export type Stake = Omit<StakeTerm, 'owner'> & {
    /** Where the stake came from and goes back to at term end. */
    owner: Account;
};

export interface Node {
    nodeId: string;
    type: NodeType;
    status: NodeStatus;
    operator: Principal;
    wallet: Account;
    registeredAt: bigint;
    admittedAt?: bigint;
    stake?: Stake;
    /** E × 10^8 */
    eValue: bigint;
    pocMs?: number;
    online?: boolean;
    observedAt?: bigint;
    escrow: Account;
    /** A stake movement in flight (`stake`, `top_up`, `renew`, `release`, …). */
    pendingOperation?: string;
    /** Below its type's minimum stake after penalties: no reward weight, no votes, until a top-up covers it. */
    suspended: boolean;
    /** Its key is reported compromised: no votes, claims or changes until the report is decided. */
    frozen: boolean;
    /** e8s charged and not yet moved to the treasury. */
    penaltyDue: bigint;
    /** e8s moved to the treasury so far. */
    penalized: bigint;
}

export interface NodeRewards {
    weight: bigint;
    credited: bigint;
    claimed: bigint;
    claimable: bigint;
}

export interface Claim {
    nodeId: string;
    /** e8s minted to the wallet */
    amount: bigint;
    wallet: Account;
}

export interface StakeArgs {
    /** e8s */
    amount: bigint;
    lockDays: number;
    fromSubaccount?: Uint8Array;
}

export interface RegisterArgs {
    nodeId: string;
    type: NodeType;
    /** Where rewards are minted; default: the caller's default account. */
    wallet?: Account;
    stake?: StakeArgs;
}

export interface BatchStatus {
    digest: Uint8Array;
    votes: number;
    quorum: number;
    confirmed: boolean;
}

export interface CertifiedTip {
    height?: bigint;
    digest?: Uint8Array;
    /** The certificate verified against the network's root key and the tree's root equals the canister's certified data. */
    verified: boolean;
}

export interface ProtocolInfo {
    governance: Principal;
    ledger: Principal;
    treasury: Account;
    ledgerFee: bigint;
    validators: number;
    pendingReleases: bigint;
    /** Why governance paused the protocol, while it is paused. */
    paused?: string;
}

export interface RewardsSummary {
    epoch: bigint;
    epochStart: bigint;
    epochEnd: bigint;
    epochSeconds: bigint;
    emitted: bigint;
    distributed: bigint;
    unallocated: bigint;
    claimed: bigint;
    totalE: bigint;
    eligible: bigint;
}

export interface ValidatorSet {
    validators: Node[];
    size: number;
    f?: number;
    quorum: number;
}

/** An impeachment or a key-compromise report (spec §7). */
export interface Vote {
    id: bigint;
    kind: 'impeachment' | 'key_rotation';
    /** The accused node, or the validator whose key is reported. */
    nodeId: string;
    nodeType: NodeType;
    status: 'open' | 'passed' | 'failed';
    /** The deadline passed (a decided vote stays open for late key-report answers until then). */
    closed: boolean;
    yes: number;
    no: number;
    /** How many voters it has: more than half of them saying yes decides it. */
    electorate: number;
    openedAt: bigint;
    closesAt: bigint;
    /** The accuser's node id (a key report: the reported node itself). */
    openedBy: string;
    reason: string;
    /** Key reports: the operator that takes over when confirmed. */
    newOperator?: Principal;
    decidedAt?: bigint;
    /** Key reports: the validators that never answered (recorded at the deadline). */
    nonResponders: string[];
}

export interface PenaltyRecord {
    seq: bigint;
    nodeId: string;
    kind: 'liveness' | 'impeachment';
    time: bigint;
    /** e8s charged */
    amount: bigint;
    /** Liveness: how many complete windows were charged (an impeachment: 0). */
    windows: number;
    /** The start (ns) of the first and of the last window charged (an impeachment: its time). */
    firstWindow: bigint;
    lastWindow: bigint;
}

export interface PenaltiesSummary {
    /** e8s charged in total, moved to the treasury, and forgiven (what an escrow could no longer cover). */
    charged: bigint;
    moved: bigint;
    forgiven: bigint;
    /** Nodes with a penalty waiting to be moved. */
    pendingDeductions: bigint;
    /** Records in the penalty log. */
    records: bigint;
}

/** An epoch's record, as the canister keeps it (src/protocol/rewards/rewards.ts). */
export type { EpochRecord };

export interface ScheduleRow {
    /** Decay period, from 1 (90 epochs each). */
    period: number;
    /** What each epoch of the period emits, e8s. */
    epochReward: bigint;
    periodTotal: bigint;
    /** Emitted from genesis through the end of the period. */
    cumulative: bigint;
}

export interface ComputeMultiplier {
    days: number;
    /** The multiplier × 10 (12 = 1.2). */
    multiplierTenths: number;
}

/** The protocol's parameters (`protocol_params`); amounts in e8s, windows in seconds. */
export interface Params {
    epochSeconds: bigint;
    validatorPenaltyE8s: bigint;
    validatorWindowSeconds: bigint;
    routerPenaltyE8s: bigint;
    routerWindowSeconds: bigint;
    computeWindowSeconds: bigint;
    validatorMinStakeE8s: bigint;
    routerMinStakeE8s: bigint;
    validatorMinTermDays: number;
    validatorRenewalMinDays: number;
    validatorMaxRenewals: number;
    routerMinTermDays: number;
    routerRenewalMinDays: number;
    computeMultipliers: ComputeMultiplier[];
    impeachmentWindowSeconds: bigint;
    keyRotationWindowSeconds: bigint;
    ledgerFeeE8s: bigint;
    /** Fixed bounds the protocol checks (not governable), so that a client checks them before it pays. */
    computeMinStakeE8s: bigint;
    squatterGraceSeconds: bigint;
    maxTermDays: number;
    maxAmountE8s: bigint;
    maxReasonBytes: number;
    maxUnstakedPerOperator: number;
    maxUnstakedTotal: number;
}

/** The fields of Params that are bounds, not governance parameters. */
export type FixedBound = 'ledgerFeeE8s' | 'computeMinStakeE8s' | 'squatterGraceSeconds' | 'maxTermDays' | 'maxAmountE8s' | 'maxReasonBytes' | 'maxUnstakedPerOperator' | 'maxUnstakedTotal';

/** What `update_params` may change: only the fields present change. */
export type ParamsUpdate = Partial<Omit<Params, FixedBound>>;

/** A treasury payment (a developer grant or an airdrop payment). */
export interface Payout {
    id: bigint;
    kind: 'grant' | 'airdrop';
    to: Account;
    amount: bigint;
    reason: string;
    createdAt: bigint;
    /** `pending` while the ledger's answer is unknown (the timer retries it with the same key). */
    status: 'pending' | 'paid' | 'failed';
    block?: bigint;
    error?: string;
}

export interface GovernanceLogEntry {
    seq: bigint;
    time: bigint;
    caller: Principal;
    method: string;
    before: string;
    after: string;
}

export interface ProtocolClientOptions extends ClientOptions {
    /** The ledger client used for stake approvals (default: one for the ledger `protocol_info` names, on the same agent). */
    ledger?: LedgerClient;
    /** How long a stake approval stays valid (default 1 hour). */
    approvalTtlNs?: bigint;
}

const HOUR_NS = 3_600_000_000_000n;
/** How far a certified tip's certificate time may be from the network's clock (agent-js's default for responses). */
export const MAX_CERTIFICATE_AGE_NS = 5n * 60n * 1_000_000_000n;

type Err = Record<string, unknown>;

export class ProtocolClient extends CanisterClient<typeof PROTOCOL_METHODS> {
    private ledgerClient: LedgerClient | undefined;
    private readonly approvalTtlNs: bigint;
    private readonly opts: ClientOptions;

    constructor(opts: ProtocolClientOptions) {
        super(PROTOCOL_METHODS, protocolServiceIdl, opts);
        this.opts = opts;
        this.ledgerClient = opts.ledger;
        this.approvalTtlNs = opts.approvalTtlNs ?? HOUR_NS;
    }

    // ----- nodes --------------------------------------------------------------------------

    /**
     * Registers a node (a validator candidate, a router, a compute node), approving its stake first
     * if it has one. Everything the protocol checks is checked first (src/client/precheck.ts): a
     * registration it would refuse is answered with its error case, `checkedBeforeSending`, and
     * nothing is approved or spent.
     */
    async registerNode(a: RegisterArgs): Promise<Result<Node>> {
        const bad = checkNodeId(a.nodeId);
        if (bad !== undefined) return bad;
        if (!(NODE_TYPES as readonly string[]).includes(a.type)) return badInput(`node type '${a.type}' is not one of ${NODE_TYPES.join(', ')}`);
        const ctx = await this.precheckContext();
        if (!ctx.ok) return ctx;
        return this.register(a, ctx.value);
    }

    private async register(a: RegisterArgs, ctx: PrecheckContext): Promise<Result<Node>> {
        const me = ctx.caller;
        const wallet = a.wallet ?? { owner: me };
        const existing = await this.getNode(a.nodeId);
        if (!existing.ok) return existing;
        const problem = stakeOperationProblem({ op: 'register', nodeId: a.nodeId, type: a.type, wallet, stake: a.stake, existing: existing.value }, ctx);
        if (problem !== undefined) return { ok: false, error: problem };
        let approval: Approval | undefined;
        if (a.stake !== undefined) {
            const approved = await this.approveStake(a.stake.amount, a.stake.fromSubaccount);
            if (!approved.ok) return approved;
            approval = approved.value;
        }
        const arg = {
            node_id: a.nodeId,
            node_type: { [a.type]: null },
            wallet: toCandidAccount(wallet),
            stake: a.stake === undefined ? [] : [{ amount: a.stake.amount, lock_days: a.stake.lockDays, from_subaccount: opt(a.stake.fromSubaccount) }],
        };
        // Safe to repeat after a lost response: a repeat resumes a pending stake with the same ledger
        // key, or finds the node already registered — by this caller, which is success.
        const r = await this.invoke<{ Ok: NodeView } | { Err: Err }>('register_node', [arg], { idempotent: true });
        if (r.retriedAfterUnknown && r.result.ok && 'Err' in r.result.value && 'NodeIdTaken' in r.result.value.Err) {
            const n = await this.getNode(a.nodeId);
            if (n.ok && n.value !== undefined && n.value.operator.toText() === me.toText()) return ok(n.value);
        }
        return afterApproval(await this.settle(r, nodeOf, describeProtocolError), approval);
    }

    /**
     * A validator applies: registers as a candidate with its stake (default: the protocol's
     * minimum stake and minimum term, `validator_min_stake_e8s` and `validator_min_term_days`).
     */
    async applyValidator(a: { nodeId: string; stake?: bigint; lockDays?: number; wallet?: Account; fromSubaccount?: Uint8Array }): Promise<Result<Node>> {
        const bad = checkNodeId(a.nodeId);
        if (bad !== undefined) return bad;
        const ctx = await this.precheckContext();
        if (!ctx.ok) return ctx;
        const p = ctx.value.params;
        return this.register({ nodeId: a.nodeId, type: 'validator', wallet: a.wallet, stake: { amount: a.stake ?? p.validatorMinStakeE8s, lockDays: a.lockDays ?? p.validatorMinTermDays, fromSubaccount: a.fromSubaccount } }, ctx.value);
    }

    /** Stakes a compute node (for one of the lock periods of `compute_multipliers`). */
    async stakeCompute(a: { nodeId: string } & StakeArgs): Promise<Result<Node>> {
        const pre = await this.precheckNode(a.nodeId, (node) => ({ op: 'stake', node, amount: a.amount, lockDays: a.lockDays, fromSubaccount: a.fromSubaccount }));
        if (!pre.ok) return pre;
        const approved = await this.approveStake(a.amount, a.fromSubaccount);
        if (!approved.ok) return approved;
        return afterApproval(await this.node('stake_compute', [{ node_id: a.nodeId, amount: a.amount, lock_days: a.lockDays, from_subaccount: opt(a.fromSubaccount) }]), approved.value);
    }

    /** Adds to a running stake. */
    async topUp(a: { nodeId: string; amount: bigint; fromSubaccount?: Uint8Array }): Promise<Result<Node>> {
        const pre = await this.precheckNode(a.nodeId, (node) => ({ op: 'top_up', node, amount: a.amount, fromSubaccount: a.fromSubaccount }));
        if (!pre.ok) return pre;
        const approved = await this.approveStake(a.amount, a.fromSubaccount);
        if (!approved.ok) return approved;
        return afterApproval(await this.node('top_up', [{ node_id: a.nodeId, amount: a.amount, from_subaccount: opt(a.fromSubaccount) }]), approved.value);
    }

    /** Extends a validator's or router's term by `days` (before it ends), optionally adding stake. */
    async renew(a: { nodeId: string; days: number; topUp?: bigint; fromSubaccount?: Uint8Array }): Promise<Result<Node>> {
        const topUp = a.topUp ?? 0n;
        const pre = await this.precheckNode(a.nodeId, (node) => ({ op: 'renew', node, days: a.days, topUp, fromSubaccount: a.fromSubaccount }));
        if (!pre.ok) return pre;
        let approval: Approval | undefined;
        if (topUp > 0n) {
            const approved = await this.approveStake(topUp, a.fromSubaccount);
            if (!approved.ok) return approved;
            approval = approved.value;
        }
        return afterApproval(await this.node('renew', [{ node_id: a.nodeId, days: a.days, top_up: topUp, from_subaccount: opt(a.fromSubaccount) }]), approval);
    }

    async withdrawCandidacy(nodeId: string): Promise<Result<Node>> {
        return checkNodeId(nodeId) ?? this.node('withdraw_candidacy', [nodeId]);
    }

    /** Retries a stake movement whose outcome was unknown (same idempotency key: it moves at most once). */
    async retryOperation(nodeId: string): Promise<Result<Node>> {
        return checkNodeId(nodeId) ?? this.node('retry_operation', [nodeId], true);
    }

    /** The node, or `undefined` if no node has this id. */
    async getNode(nodeId: string): Promise<Result<Node | undefined>> {
        const bad = checkNodeId(nodeId);
        if (bad !== undefined) return bad;
        const r = await this.call<[] | [NodeView]>('get_node', [nodeId]);
        return r.ok ? ok(r.value.length === 1 ? nodeOf(r.value[0]) : undefined) : r;
    }

    /** The node and its rewards; `NodeNotFound` if no node has this id. */
    async nodeStatus(nodeId: string): Promise<Result<Node & { rewards?: NodeRewards }>> {
        const n = await this.getNode(nodeId);
        if (!n.ok) return n;
        if (n.value === undefined) return notFound(nodeId);
        const rw = await this.nodeRewards(nodeId);
        if (!rw.ok && rw.error.kind !== 'NodeNotFound') return rw;
        return ok(rw.ok ? { ...n.value, rewards: rw.value } : n.value);
    }

    async listNodes(a: { type: NodeType; status: NodeStatus; start?: bigint; limit?: number }): Promise<Result<{ nodes: Node[]; total: bigint }>> {
        const r = await this.call<ValueOf<typeof P.NodePageT>>('list_nodes', [{ node_type: { [a.type]: null }, status: { [a.status]: null }, start: a.start ?? 0n, limit: a.limit ?? 100 }]);
        return r.ok ? ok({ nodes: r.value.nodes.map((n) => nodeOf(n as NodeView)), total: r.value.total }) : r;
    }

    async validatorSet(): Promise<Result<ValidatorSet>> {
        const r = await this.call<ValueOf<typeof P.ValidatorSetT>>('validator_set', []);
        if (!r.ok) return r;
        const v = r.value;
        return ok({ validators: v.validators.map((n) => nodeOf(n as NodeView)), size: v.size, f: v.f.length === 1 ? v.f[0] : undefined, quorum: v.quorum });
    }

    // ----- rewards ------------------------------------------------------------------------

    /** Mints the node's claimable reward to its wallet (safe to repeat: a repeat claims only what is claimable then). */
    async claimRewards(nodeId: string): Promise<Result<Claim>> {
        return (
            checkNodeId(nodeId) ??
            this.variant('claim_rewards', [nodeId], (c: { node_id: string; amount: bigint; wallet: { owner: Principal; subaccount: [] | [Uint8Array] } }) => ({ nodeId: c.node_id, amount: c.amount, wallet: fromCandidAccount(c.wallet) }), describeProtocolError, { idempotent: true })
        );
    }

    async nodeRewards(nodeId: string): Promise<Result<NodeRewards>> {
        const bad = checkNodeId(nodeId);
        if (bad !== undefined) return bad;
        const r = await this.call<[] | [NodeRewards]>('node_rewards', [nodeId]);
        if (!r.ok) return r;
        return r.value.length === 1 ? ok({ ...r.value[0] }) : notFound(nodeId);
    }

    async rewardsSummary(): Promise<Result<RewardsSummary>> {
        const r = await this.call<ValueOf<typeof P.RewardsSummaryT>>('rewards_summary', []);
        if (!r.ok) return r;
        const s = r.value;
        return ok({ epoch: s.epoch, epochStart: s.epoch_start, epochEnd: s.epoch_end, epochSeconds: s.epoch_seconds, emitted: s.emitted, distributed: s.distributed, unallocated: s.unallocated, claimed: s.claimed, totalE: s.total_e, eligible: s.eligible });
    }

    // ----- batches ------------------------------------------------------------------------

    /** Proposes a batch; the digest is computed here, exactly as the canister recomputes it. */
    proposeBatch(a: { height: bigint; payload: BatchPayload }): Promise<Result<BatchStatus>> {
        const digest = batchDigest(a.payload);
        return this.variant('propose_batch', [{ height: a.height, payload: a.payload, digest }], batchStatus, describeProtocolError, { idempotent: true });
    }

    voteBatch(a: { height: bigint; digest: Uint8Array }): Promise<Result<BatchStatus>> {
        if (a.digest.length !== 32) return Promise.resolve(badInput(`a batch digest is 32 bytes (64 hex digits), got ${a.digest.length}`));
        return this.variant('vote_batch', [{ height: a.height, digest: a.digest }], batchStatus, describeProtocolError, { idempotent: true });
    }

    /** The last confirmed (height, digest), verified against the certificate when the network provides one. */
    async certifiedTip(): Promise<Result<CertifiedTip>> {
        const r = await this.call<ValueOf<typeof CertifiedTipT>>('certified_tip', []);
        if (!r.ok) return r;
        const t = r.value;
        const height = t.height.length === 1 ? t.height[0] : undefined;
        const digest = t.digest.length === 1 ? new Uint8Array(t.digest[0]) : undefined;
        const rootKey = (this.agent as { rootKey?: Uint8Array | null }).rootKey;
        if (t.certificate.length === 0 || rootKey === undefined || rootKey === null) return ok({ height, digest, verified: false });
        try {
            const cert = await Certificate.create({ certificate: new Uint8Array(t.certificate[0]), rootKey, canisterId: this.canisterId, agent: this.agent as never, disableTimeVerification: true });
            const certified = cert.lookup_path(['canister', this.canisterId.toUint8Array(), 'certified_data']);
            const tree = Cbor.decode(new Uint8Array(t.hash_tree)) as never;
            const root = await reconstruct(tree);
            const found = certified.status === LookupPathStatus.Found ? (certified as { value: Uint8Array }).value : undefined;
            if (found === undefined || !bytesEqual(new Uint8Array(root), new Uint8Array(found))) return fail('Unverified', 'the tip does not match the certified data');
            const d = lookup_path(['last_batch_digest'], tree);
            if (digest !== undefined && (d.status !== LookupPathStatus.Found || !bytesEqual(new Uint8Array((d as { value: Uint8Array }).value), digest))) {
                return fail('Unverified', 'the digest is not the certified one');
            }
            const h = lookup_path(['last_batch_height'], tree);
            const certifiedHeight = h.status === LookupPathStatus.Found ? decodeLeb128(new Uint8Array((h as { value: Uint8Array }).value)) : undefined;
            if (certifiedHeight !== height) return fail('Unverified', `the height is not the certified one (answered ${height ?? 'none'}, certified ${certifiedHeight ?? 'none'})`);
            // Freshness against the network's clock (agent-js's own check uses this machine's
            // clock, which is wrong for an embedded network whose time is simulated): a replica
            // must not pass off an old certificate, and with it an old tip, as the current one.
            const time = cert.lookup_path(['time']);
            if (time.status !== LookupPathStatus.Found) return fail('Unverified', 'the certificate has no time');
            const age = this.now() - decodeLeb128(new Uint8Array((time as { value: Uint8Array }).value));
            if (age > MAX_CERTIFICATE_AGE_NS || -age > MAX_CERTIFICATE_AGE_NS) return fail('Unverified', `the certificate's time is ${age / 1_000_000_000n} s from the network's clock (at most ${MAX_CERTIFICATE_AGE_NS / 1_000_000_000n} s either way)`);
            return ok({ height, digest, verified: true });
        } catch (e) {
            return fail('Unverified', `the certificate does not verify: ${(e instanceof Error ? e.message : String(e)).split('\n')[0]}`);
        }
    }

    async protocolInfo(): Promise<Result<ProtocolInfo>> {
        const r = await this.call<ValueOf<typeof P.ProtocolInfoT>>('protocol_info', []);
        if (!r.ok) return r;
        const i = r.value;
        const info: ProtocolInfo = { governance: principal(i.governance), ledger: principal(i.ledger), treasury: fromCandidAccount(i.treasury as never), ledgerFee: i.ledger_fee, validators: i.validators, pendingReleases: i.pending_releases };
        if (i.paused.length === 1) info.paused = i.paused[0];
        return ok(info);
    }

    /** E × 10^8 a compute node would have with this PoC time and stake. */
    previewEValue(a: { pocMs: bigint; stake: bigint; lockDays: number }): Promise<Result<bigint>> {
        return this.call<bigint>('preview_e_value', [{ poc_ms: a.pocMs, stake_e8s: a.stake, lock_days: a.lockDays }]);
    }

    /** Epoch records from `start` (at most 100; stops at the first epoch not closed yet). */
    async epochRecords(a: { start: bigint; count: number }): Promise<Result<EpochRecord[]>> {
        const bad = checkRange(a.start, a.count);
        if (bad !== undefined) return bad;
        const r = await this.call<ValueOf<typeof P.EpochRecordT>[]>('epoch_records', [{ start: a.start, count: a.count }]);
        return mapResult(r, (rows) => rows.map((e) => ({ epoch: e.epoch, start: e.start, end: e.end, emitted: e.emitted, distributed: e.distributed, unallocated: e.unallocated, totalE: e.total_e, eligible: e.eligible })));
    }

    /** The first `periods` decay periods of the emission schedule (the canister answers at most 1,000). */
    async emissionSchedule(periods: number): Promise<Result<ScheduleRow[]>> {
        if (!Number.isInteger(periods) || periods < 0 || periods > 0xffffffff) return badInput(`periods must be a whole number from 0, got ${periods}`);
        const r = await this.call<ValueOf<typeof P.ScheduleRowT>[]>('emission_schedule', [periods]);
        return mapResult(r, (rows) => rows.map((x) => ({ period: x.period, epochReward: x.epoch_reward_e8s, periodTotal: x.period_total_e8s, cumulative: x.cumulative_e8s })));
    }

    // ----- impeachment and key compromise (spec §7) ---------------------------------------

    /** Opens an impeachment of `nodeId` by the caller's own node `accuser` of the same type (the accuser's yes counts). */
    openImpeachment(a: { nodeId: string; accuser: string; reason: string }): Promise<Result<Vote>> {
        return checkNodeIds(a.nodeId, a.accuser) ?? this.variant('open_impeachment', [{ accuser: a.accuser, node_id: a.nodeId, reason: a.reason }], voteOf, describeProtocolError);
    }

    /** The caller's node `voter` votes yes or no on impeachment `id`. */
    voteImpeachment(a: { id: bigint; voter: string; yes: boolean }): Promise<Result<Vote>> {
        return checkNodeIds(a.voter) ?? checkU64(a.id, 'vote id') ?? this.variant('vote_impeachment', [{ id: a.id, voter: a.voter, yes: a.yes }], voteOf, describeProtocolError);
    }

    /** The operator of validator `nodeId` reports its key compromised and names the new operator; the node is frozen until decided. */
    reportKeyCompromise(a: { nodeId: string; newOperator: Principal }): Promise<Result<Vote>> {
        return checkNodeIds(a.nodeId) ?? this.variant('report_key_compromise', [{ node_id: a.nodeId, new_operator: a.newOperator }], voteOf, describeProtocolError);
    }

    /** The caller's validator `voter` confirms (or denies) key report `id`. */
    answerKeyReport(a: { id: bigint; voter: string; confirm: boolean }): Promise<Result<Vote>> {
        return checkNodeIds(a.voter) ?? checkU64(a.id, 'vote id') ?? this.variant('answer_key_report', [{ id: a.id, voter: a.voter, confirm: a.confirm }], voteOf, describeProtocolError);
    }

    /** The vote, or `undefined` if no vote has this id. */
    async getVote(id: bigint): Promise<Result<Vote | undefined>> {
        const bad = checkU64(id, 'vote id');
        if (bad !== undefined) return bad;
        const r = await this.call<[] | [ValueOf<typeof P.VoteViewT>]>('get_vote', [id]);
        return mapResult(r, (v) => (v.length === 1 ? voteOf(v[0]) : undefined));
    }

    /** Votes by id from `start` (default 0), at most `count` (default and maximum 100). */
    async listVotes(a: { start?: bigint; count?: number } = {}): Promise<Result<Vote[]>> {
        const range = { start: a.start ?? 0n, count: a.count ?? 100 };
        const bad = checkRange(range.start, range.count);
        if (bad !== undefined) return bad;
        return mapResult(await this.call<ValueOf<typeof P.VoteViewT>[]>('list_votes', [range]), (vs) => vs.map(voteOf));
    }

    // ----- penalties (spec §6) ------------------------------------------------------------

    /** Penalty records by sequence number from `start` (default 0), at most `count` (default and maximum 100). */
    async penaltyLog(a: { start?: bigint; count?: number } = {}): Promise<Result<PenaltyRecord[]>> {
        const range = { start: a.start ?? 0n, count: a.count ?? 100 };
        const bad = checkRange(range.start, range.count);
        if (bad !== undefined) return bad;
        const r = await this.call<ValueOf<typeof P.PenaltyRecordT>[]>('penalty_log', [range]);
        return mapResult(r, (rs) => rs.map((x) => ({ seq: x.seq, nodeId: x.node_id, kind: tag(x.kind) as PenaltyRecord['kind'], time: x.time, amount: x.amount, windows: x.windows, firstWindow: x.first_window, lastWindow: x.last_window })));
    }

    async penaltiesSummary(): Promise<Result<PenaltiesSummary>> {
        const r = await this.call<ValueOf<typeof P.PenaltiesSummaryT>>('penalties_summary', []);
        return mapResult(r, (s) => ({ charged: s.charged, moved: s.moved, forgiven: s.forgiven, pendingDeductions: s.pending_deductions, records: s.records }));
    }

    // ----- governance (spec §8) -----------------------------------------------------------
    // Each method m has a query validate_m with the same argument: its Ok text is the summary an
    // SNS proposal shows, and m answers the same text when it executes (payouts and admissions
    // answer what they created). A validation's refusal is `{ kind: 'Invalid', message: 'Invalid: …' }`.

    async protocolParams(): Promise<Result<Params>> {
        return mapResult(await this.call<ValueOf<typeof P.ParamsViewT>>('protocol_params', []), paramsOf);
    }

    setGovernance(p: Principal): Promise<Result<string>> {
        return this.variant('set_governance', [p], (t: string) => t, describeProtocolError);
    }

    validateSetGovernance(p: Principal): Promise<Result<string>> {
        return this.validation('validate_set_governance', [p]);
    }

    updateParams(u: ParamsUpdate): Promise<Result<string>> {
        return this.variant('update_params', [paramsUpdateArg(u)], (t: string) => t, describeProtocolError);
    }

    validateUpdateParams(u: ParamsUpdate): Promise<Result<string>> {
        return this.validation('validate_update_params', [paramsUpdateArg(u)]);
    }

    /** Admits exactly the candidates that bring the validator set to its next 3F+1 size. */
    admitValidators(ids: string[]): Promise<Result<Node[]>> {
        return checkNodeIds(...ids) ?? this.variant('admit_validators', [ids], (ns: NodeView[]) => ns.map(nodeOf), describeProtocolError);
    }

    validateAdmitValidators(ids: string[]): Promise<Result<string>> {
        return checkNodeIds(...ids) ?? this.validation('validate_admit_validators', [ids]);
    }

    /** A developer grant from the treasury (one account). */
    payGrant(a: { to: Account; amount: bigint; reason: string }): Promise<Result<Payout[]>> {
        return this.variant('pay_grant', [grantArg(a)], payoutsOf, describeProtocolError);
    }

    validatePayGrant(a: { to: Account; amount: bigint; reason: string }): Promise<Result<string>> {
        return this.validation('validate_pay_grant', [grantArg(a)]);
    }

    /** Up to 100 airdrop payments from the treasury. */
    airdropBatch(a: { payments: { to: Account; amount: bigint }[]; reason: string }): Promise<Result<Payout[]>> {
        return this.variant('airdrop_batch', [airdropArg(a)], payoutsOf, describeProtocolError);
    }

    validateAirdropBatch(a: { payments: { to: Account; amount: bigint }[]; reason: string }): Promise<Result<string>> {
        return this.validation('validate_airdrop_batch', [airdropArg(a)]);
    }

    pause(reason: string): Promise<Result<string>> {
        return this.variant('pause', [reason], (t: string) => t, describeProtocolError);
    }

    validatePause(reason: string): Promise<Result<string>> {
        return this.validation('validate_pause', [reason]);
    }

    resume(): Promise<Result<string>> {
        return this.variant('resume', [], (t: string) => t, describeProtocolError);
    }

    validateResume(): Promise<Result<string>> {
        return this.validation('validate_resume', []);
    }

    /** Executed governance changes by sequence number from `start` (default 0), at most `count` (default and maximum 100). */
    async governanceLog(a: { start?: bigint; count?: number } = {}): Promise<Result<GovernanceLogEntry[]>> {
        const range = { start: a.start ?? 0n, count: a.count ?? 100 };
        const bad = checkRange(range.start, range.count);
        if (bad !== undefined) return bad;
        const r = await this.call<ValueOf<typeof P.LogEntryT>[]>('governance_log', [range]);
        return mapResult(r, (es) => es.map((e) => ({ seq: e.seq, time: e.time, caller: principal(e.caller), method: e.method, before: e.before, after: e.after })));
    }

    /** The payout, or `undefined` if no payout has this id. */
    async getPayout(id: bigint): Promise<Result<Payout | undefined>> {
        const bad = checkU64(id, 'payout id');
        if (bad !== undefined) return bad;
        const r = await this.call<[] | [ValueOf<typeof P.PayoutT>]>('get_payout', [id]);
        return mapResult(r, (p) => (p.length === 1 ? payoutOf(p[0]) : undefined));
    }

    // ----- the pattern --------------------------------------------------------------------

    /** A governance `validate_m` query: `variant { Ok : text; Err : text }`; Err → kind `Invalid`. */
    protected async validation(method: keyof typeof PROTOCOL_METHODS, args: unknown[]): Promise<Result<string>> {
        const r = await this.call<{ Ok: string } | { Err: string }>(method, args);
        if (!r.ok) return r;
        return 'Ok' in r.value ? ok(r.value.Ok) : fail('Invalid', r.value.Err);
    }

    /** A method answering `variant { Ok : NodeView; Err : ProtocolError }`. */
    protected node(method: keyof typeof PROTOCOL_METHODS, args: unknown[], idempotent = false): Promise<Result<Node>> {
        return this.variant(method, args, nodeOf, describeProtocolError, { idempotent });
    }

    /** The ledger client for approvals (built from `protocol_info` on first use). */
    async ledger(): Promise<Result<LedgerClient>> {
        if (this.ledgerClient !== undefined) return ok(this.ledgerClient);
        const info = await this.protocolInfo();
        if (!info.ok) return info;
        this.ledgerClient = new LedgerClient({ ...this.opts, canisterId: info.value.ledger });
        return ok(this.ledgerClient);
    }

    /** What the pre-check needs: the protocol's parameters and pause state, the caller, the network's clock. */
    private async precheckContext(): Promise<Result<PrecheckContext>> {
        const params = await this.protocolParams();
        if (!params.ok) return params;
        const info = await this.protocolInfo();
        if (!info.ok) return info;
        return ok({ params: params.value, paused: info.value.paused, caller: await this.principal(), now: this.now() });
    }

    /** The node exists, and the protocol would accept `op` on it (so that a stake is not approved for nothing). */
    private async precheckNode(nodeId: string, op: (node: Node) => StakeOperation): Promise<Result<Node>> {
        const bad = checkNodeId(nodeId);
        if (bad !== undefined) return bad;
        const n = await this.getNode(nodeId);
        if (!n.ok) return n;
        if (n.value === undefined) return { ok: false, error: refused('NodeNotFound', `no node "${nodeId}"`) };
        const ctx = await this.precheckContext();
        if (!ctx.ok) return ctx;
        const problem = stakeOperationProblem(op(n.value), ctx.value);
        return problem === undefined ? ok(n.value) : { ok: false, error: problem };
    }

    /** Checks the balance covers amount + 2 fees (the approval's and the transfer's), then approves amount + fee. */
    private async approveStake(amount: bigint, fromSubaccount?: Uint8Array): Promise<Result<Approval>> {
        const l = await this.ledger();
        if (!l.ok) return l;
        const ledger = l.value;
        const fee = await ledger.fee();
        if (!fee.ok) return fee;
        const me = await this.principal();
        const bal = await ledger.balance({ owner: me, subaccount: fromSubaccount });
        if (!bal.ok) return bal;
        const needed = amount + 2n * fee.value;
        if (bal.value < needed) return { ok: false, error: refused('InsufficientFunds', `balance ${emc(bal.value)}, needed ${emc(needed)} (stake ${emc(amount)} + 2 ledger fees)`) };
        const expiresAt = this.now() + this.approvalTtlNs;
        const r = await ledger.approve({ spender: { owner: this.canisterId }, amount: amount + fee.value, expiresAt, fromSubaccount });
        return r.ok ? ok({ amount: amount + fee.value, fee: fee.value, expiresAt, block: r.value.blockIndex }) : r;
    }
}

/** A stake approval the client made (amount includes the transfer's fee). */
interface Approval {
    amount: bigint;
    fee: bigint;
    expiresAt: bigint;
    block: bigint;
}

/** A definite refusal after an approval says that the approval (and its spent fee) stays until it lapses. */
function afterApproval(r: Result<Node>, a: Approval | undefined): Result<Node> {
    if (r.ok || a === undefined || ['UnknownOutcome', 'Transport', 'OperationPending'].includes(r.error.kind)) return r;
    const until = new Date(Number(a.expiresAt / 1_000_000n)).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
    return { ok: false, error: { ...r.error, message: `${r.error.message} (the approval of ${emc(a.amount)} for the protocol made for it, ledger block ${a.block}, stays until ${until}; its fee of ${emc(a.fee)} was spent)` } };
}

// ----- conversions ------------------------------------------------------------------------

export function nodeOf(v: NodeView): Node {
    const n: Node = {
        nodeId: v.node_id,
        type: Object.keys(v.node_type)[0] as NodeType,
        status: Object.keys(v.status)[0] as NodeStatus,
        operator: Principal.fromUint8Array((v.operator as Principal).toUint8Array()),
        wallet: fromCandidAccount(v.wallet as never),
        registeredAt: v.registered_at,
        eValue: v.e_value,
        escrow: fromCandidAccount(v.escrow as never),
        suspended: v.suspended,
        frozen: v.frozen,
        penaltyDue: v.penalty_due,
        penalized: v.penalized,
    };
    if (v.admitted_at.length === 1) n.admittedAt = v.admitted_at[0];
    if (v.stake.length === 1) {
        const s = v.stake[0];
        n.stake = { amount: s.amount, lockDays: s.lock_days, termStart: s.term_start, termEnd: s.term_end, renewals: s.renewals, owner: fromCandidAccount(s.owner as never) };
    }
    if (v.poc_ms.length === 1) n.pocMs = v.poc_ms[0];
    if (v.online.length === 1) n.online = v.online[0];
    if (v.observed_at.length === 1) n.observedAt = v.observed_at[0];
    if (v.pending_operation.length === 1) n.pendingOperation = v.pending_operation[0];
    return n;
}

export function voteOf(v: ValueOf<typeof P.VoteViewT>): Vote {
    const out: Vote = {
        id: v.id,
        kind: tag(v.kind) as Vote['kind'],
        nodeId: v.node_id,
        nodeType: tag(v.node_type) as NodeType,
        status: tag(v.status) as Vote['status'],
        closed: v.closed,
        yes: v.yes,
        no: v.no,
        electorate: v.electorate,
        openedAt: v.opened_at,
        closesAt: v.closes_at,
        openedBy: v.opened_by,
        reason: v.reason,
        nonResponders: [...v.non_responders],
    };
    if (v.new_operator.length === 1) out.newOperator = principal(v.new_operator[0]);
    if (v.decided_at.length === 1) out.decidedAt = v.decided_at[0];
    return out;
}

export function payoutOf(p: ValueOf<typeof P.PayoutT>): Payout {
    const out: Payout = { id: p.id, kind: tag(p.kind) as Payout['kind'], to: fromCandidAccount(p.to as never), amount: p.amount, reason: p.reason, createdAt: p.created_at, status: tag(p.status) as Payout['status'] };
    if (p.block.length === 1) out.block = p.block[0];
    if (p.error.length === 1) out.error = p.error[0];
    return out;
}

function payoutsOf(ps: ValueOf<typeof P.PayoutT>[]): Payout[] {
    return ps.map(payoutOf);
}

export function paramsOf(p: ValueOf<typeof P.ParamsViewT>): Params {
    return {
        epochSeconds: p.epoch_seconds,
        validatorPenaltyE8s: p.validator_penalty_e8s,
        validatorWindowSeconds: p.validator_window_seconds,
        routerPenaltyE8s: p.router_penalty_e8s,
        routerWindowSeconds: p.router_window_seconds,
        computeWindowSeconds: p.compute_window_seconds,
        validatorMinStakeE8s: p.validator_min_stake_e8s,
        routerMinStakeE8s: p.router_min_stake_e8s,
        validatorMinTermDays: p.validator_min_term_days,
        validatorRenewalMinDays: p.validator_renewal_min_days,
        validatorMaxRenewals: p.validator_max_renewals,
        routerMinTermDays: p.router_min_term_days,
        routerRenewalMinDays: p.router_renewal_min_days,
        computeMultipliers: p.compute_multipliers.map((m) => ({ days: m.days, multiplierTenths: m.multiplier_tenths })),
        impeachmentWindowSeconds: p.impeachment_window_seconds,
        keyRotationWindowSeconds: p.key_rotation_window_seconds,
        ledgerFeeE8s: p.ledger_fee_e8s,
        computeMinStakeE8s: p.compute_min_stake_e8s,
        squatterGraceSeconds: p.squatter_grace_seconds,
        maxTermDays: p.max_term_days,
        maxAmountE8s: p.max_amount_e8s,
        maxReasonBytes: p.max_reason_bytes,
        maxUnstakedPerOperator: p.max_unstaked_per_operator,
        maxUnstakedTotal: p.max_unstaked_total,
    };
}

/** ParamsUpdate → the Candid record (absent fields are `[]`, i.e. unchanged). */
function paramsUpdateArg(u: ParamsUpdate): ValueOf<typeof P.ParamsUpdateT> {
    return {
        epoch_seconds: opt(u.epochSeconds),
        validator_penalty_e8s: opt(u.validatorPenaltyE8s),
        validator_window_seconds: opt(u.validatorWindowSeconds),
        router_penalty_e8s: opt(u.routerPenaltyE8s),
        router_window_seconds: opt(u.routerWindowSeconds),
        compute_window_seconds: opt(u.computeWindowSeconds),
        validator_min_stake_e8s: opt(u.validatorMinStakeE8s),
        router_min_stake_e8s: opt(u.routerMinStakeE8s),
        validator_min_term_days: opt(u.validatorMinTermDays),
        validator_renewal_min_days: opt(u.validatorRenewalMinDays),
        validator_max_renewals: opt(u.validatorMaxRenewals),
        router_min_term_days: opt(u.routerMinTermDays),
        router_renewal_min_days: opt(u.routerRenewalMinDays),
        compute_multipliers: opt(u.computeMultipliers?.map((m) => ({ days: m.days, multiplier_tenths: m.multiplierTenths }))),
        impeachment_window_seconds: opt(u.impeachmentWindowSeconds),
        key_rotation_window_seconds: opt(u.keyRotationWindowSeconds),
    };
}

function grantArg(a: { to: Account; amount: bigint; reason: string }) {
    return { to: toCandidAccount(a.to), amount: a.amount, reason: a.reason };
}

function airdropArg(a: { payments: { to: Account; amount: bigint }[]; reason: string }) {
    return { payments: a.payments.map((p) => ({ to: toCandidAccount(p.to), amount: p.amount })), reason: a.reason };
}

/** The case name of a Candid variant of nulls (`{ passed: null }` → `passed`). */
function tag(v: unknown): string {
    return Object.keys(v as object)[0];
}

/** A principal as this module's Principal class (agent-js may decode with another copy of it). */
function principal(p: unknown): Principal {
    return Principal.fromUint8Array((p as Principal).toUint8Array());
}

function batchStatus(s: { digest: Uint8Array; votes: number; quorum: number; confirmed: boolean }): BatchStatus {
    return { digest: new Uint8Array(s.digest), votes: s.votes, quorum: s.quorum, confirmed: s.confirmed };
}

function opt<T>(v: T | undefined): [] | [T] {
    return v === undefined ? [] : [v];
}

/** A node id the canister would refuse (1–64 characters of A-Z, a-z, 0-9), as a BadInput error. */
function checkNodeId(nodeId: string): Result<never> | undefined {
    const p = nodeIdProblem(nodeId);
    return p === undefined ? undefined : badInput(`node id '${nodeId}' ${p}`);
}

/** The first malformed node id among `ids`, as a resolved BadInput answer. */
function checkNodeIds(...ids: string[]): Promise<Result<never>> | undefined {
    for (const id of ids) {
        const bad = checkNodeId(id);
        if (bad !== undefined) return Promise.resolve(bad);
    }
    return undefined;
}

function checkU64(n: bigint, what: string): Promise<Result<never>> | undefined {
    return typeof n === 'bigint' && n >= 0n && n < 2n ** 64n ? undefined : Promise.resolve(badInput(`${what} ${String(n)} is not a whole number below 2^64`));
}

function checkRange(start: bigint, count: number): Promise<Result<never>> | undefined {
    return checkU64(start, 'start') ?? (Number.isInteger(count) && count >= 0 && count <= 0xffffffff ? undefined : Promise.resolve(badInput(`count ${count} is not a whole number from 0`)));
}

function notFound<T>(nodeId: string): Result<T> {
    return { ok: false, error: { kind: 'NodeNotFound', message: `NodeNotFound: no node "${nodeId}"` } };
}

const hex = (b: unknown): string => toHex(b as Uint8Array);

/** One-line messages for the protocol's error cases (and the batch errors); others fall back to the generic form. */
export function describeProtocolError(e: Err): string | undefined {
    const [kind] = Object.keys(e);
    const v = (e[kind] ?? {}) as Record<string, unknown>;
    switch (kind) {
        case 'NodeIdTaken':
            return `node id "${v.node_id}" is already registered`;
        case 'NodeNotFound':
            return `no node "${v.node_id}"`;
        case 'NodeBusy':
            return `node "${v.node_id}" has a ${v.operation} operation in progress; try again shortly`;
        case 'WrongStatus':
            return `node "${v.node_id}" is ${v.status}, expected ${v.expected}`;
        case 'StakeTooLow':
            return `the minimum stake is ${emc(v.minimum as bigint)}`;
        case 'TermTooShort':
            return `the minimum term is ${v.minimum_days} days`;
        case 'WrongBatchSize':
            return `expected ${v.expected} validators, got ${v.got}`;
        case 'OperationPending':
            return `node "${v.node_id}": the ${v.operation} is pending (${v.reason}); run \`emc node retry ${v.node_id}\``;
        case 'NothingToClaim':
            return `node "${v.node_id}" has no rewards to claim yet`;
        case 'LedgerRefused':
            return `the ledger refused: ${String(v.reason).replace(/\b(balance|expected_fee|allowance|current_allowance|min_burn_amount)=(\d+)/g, (_m, k: string, n: string) => `${k.replace(/_/g, ' ')} ${emc(BigInt(n))}`)}`;
        case 'NotAValidator':
            return 'the caller is not an active validator';
        case 'StaleHeight':
            return `height is at or below the last confirmed height ${v.last_confirmed}`;
        case 'DigestMismatch':
            return `the canister computed digest ${hex(v.computed)}, the call claimed ${hex(v.expected)}`;
        case 'PayloadTooLarge':
            return `at most ${v.max} state bits per batch`;
        case 'InvalidStateBit':
            return `state bit ${v.index}: ${v.reason}`;
        case 'AlreadyProposed':
            return `the caller already proposed digest ${hex(v.digest)} at this height`;
        case 'TooManyPendingProposals':
            return `at most ${v.max} unconfirmed proposals per validator`;
        case 'ConflictingVote':
            return `the caller already backs digest ${hex(v.voted)} at this height`;
        case 'UnknownProposal':
            return 'no proposal with this digest at this height';
        case 'Paused':
            return `the protocol is paused by governance (${v.reason}); try again after it resumes`;
        case 'NotFound':
            return `no ${v.what} ${/^\d+$/.test(String(v.id)) ? String(v.id) : `"${v.id}"`}`;
        case 'VoteClosed':
            return `vote ${v.id} is closed (${v.outcome})`;
        case 'AlreadyVoted':
            return `this node already voted in vote ${v.id}`;
        case 'NotAuthorized':
        case 'InvalidArgument':
        case 'RenewalNotAllowed':
            return String(v.reason);
        case 'LedgerUnavailable':
            return `the ledger did not answer (${v.reason}); nothing was moved, try again later`;
        default:
            return genericDetails(e[kind]);
    }
}

