/**
 * The protocol canister, as a node operator uses it: register and stake, top up, renew, look up
 * nodes, claim rewards; validators apply, propose and vote on state-bit batches; any active node
 * takes part in impeachments, validators in key-compromise reports; governance (on a devnet, the
 * genesis owner; on the IC, an SNS) checks and executes its methods; everyone reads penalties,
 * epochs, the emission schedule, parameters and the governance log.
 *
 * Every method is a thin typed wrapper of one entry of PROTOCOL_METHODS (src/protocol/api/interface.ts),
 * which this client's Actor is built from: the arguments are checked (checks.ts) and converted
 * (converters/), the answer converted back, the error cases described (errors/protocol.ts):
 * `this.node(...)` for a `variant { Ok : NodeView; Err : StakeError }` answer, `this.variant(...)`
 * for another `variant { Ok; Err }` (each section answers its own error variant, all described by
 * errors/protocol.ts), `this.validation` for a governance `validate_m` (protocol-governance.ts,
 * where the governance methods are),
 * `this.call(...)` for a plain reply. Operations that move a stake check first and approve the
 * stake on the ledger (staking.ts); `certifiedTip` verifies the certificate (certified-tip.ts).
 */
import type { Principal } from '@dfinity/principal';
import type { ValueOf } from '../lib/candid/candid';
import { batchDigest, wirePayload, type BatchPayload } from '../protocol/batches/payload';
import type * as P from '../protocol/api/candid';
import type { NodeView } from '../protocol/api/candid';
import type { CertifiedTipT, PROTOCOL_METHODS } from '../protocol/api/interface';
import type { ClientOptions } from './canister';
import { ProtocolGovernanceClient } from './protocol-governance';
import { verifyCertifiedTip, verifyLogTip } from './certified-tip';
import { checkNodeId, checkNodeIds, checkRange, checkU64, notFound } from './checks';
import { opt } from './converters/candid';
import { batchStatusOf, claimOf, epochRecordOf, nodeOf, penaltiesSummaryOf, penaltyLogEntryOf, protocolInfoOf, registerArg, rewardsSummaryOf, emissionScheduleRowOf, validatorSetOf, voteOf } from './converters/protocol';
import { describeProtocolError } from './errors/protocol';
import { LedgerClient } from './ledger';
import { MarketClient } from './market';
import { SocketsClient } from './sockets';
import { stakeOperationProblem, type PrecheckContext } from './precheck';
import { badInput, mapResult, ok, type ClientResult } from './result';
import { afterApproval, approveStake, precheckContext, precheckNode, type Approval, type StakeHost } from './staking';
import type { IcrcAccount } from './types/account';
import { NODE_TYPES, type BatchStatus, type CertifiedTip, type LogTip, type Claim, type EpochRecord, type Node, type NodeRewardsSummary, type NodeStatus, type NodeType, type PenaltiesSummary, type PenaltyLogEntry, type ProtocolInfo, type RegisterNodeParams, type RewardsSummary, type EmissionScheduleRow, type StakeParams, type ValidatorSet, type Vote } from './types/protocol';

export interface ProtocolClientOptions extends ClientOptions {
    /** The ledger client used for stake approvals (default: one for the ledger `protocol_info` names, on the same agent). */
    ledger?: LedgerClient;
    /** How long a stake approval stays valid (default 1 hour). */
    approvalTtlNs?: bigint;
}

const HOUR_NS = 3_600_000_000_000n;

type Err = Record<string, unknown>;

export class ProtocolClient extends ProtocolGovernanceClient {
    private ledgerClient: LedgerClient | undefined;
    private marketClient: MarketClient | undefined;
    private socketsClient: SocketsClient | undefined;
    private readonly opts: ClientOptions;
    private readonly stakes: StakeHost;

    constructor(opts: ProtocolClientOptions) {
        super(opts);
        this.opts = opts;
        this.ledgerClient = opts.ledger;
        this.stakes = {
            canisterId: this.canisterId,
            principal: () => this.principal(),
            now: () => this.now(),
            approvalTtlNs: opts.approvalTtlNs ?? HOUR_NS,
            protocolParams: () => this.protocolParams(),
            protocolInfo: () => this.protocolInfo(),
            getNode: (id) => this.getNode(id),
            ledger: () => this.ledger(),
        };
    }

    // ----- nodes --------------------------------------------------------------------------

    /**
     * Registers a node (a validator candidate, a router, a compute node), approving its stake first
     * if it has one. Everything the protocol checks is checked first (src/client/precheck.ts): a
     * registration it would refuse is answered with its error case, `checkedBeforeSending`, and
     * nothing is approved or spent.
     */
    async registerNode(a: RegisterNodeParams): Promise<ClientResult<Node>> {
        const bad = checkNodeId(a.nodeId);
        if (bad !== undefined) return bad;
        if (!(NODE_TYPES as readonly string[]).includes(a.type)) return badInput(`node type '${a.type}' is not one of ${NODE_TYPES.join(', ')}`);
        const ctx = await precheckContext(this.stakes);
        if (!ctx.ok) return ctx;
        return this.register(a, ctx.value);
    }

    private async register(a: RegisterNodeParams, ctx: PrecheckContext): Promise<ClientResult<Node>> {
        const me = ctx.caller;
        const wallet = a.wallet ?? { owner: me };
        const existing = await this.getNode(a.nodeId);
        if (!existing.ok) return existing;
        const problem = stakeOperationProblem({ op: 'register', nodeId: a.nodeId, type: a.type, wallet, stake: a.stake, existing: existing.value }, ctx);
        if (problem !== undefined) return { ok: false, error: problem };
        let approval: Approval | undefined;
        if (a.stake !== undefined) {
            const approved = await approveStake(this.stakes, a.stake.amount, a.stake.fromSubaccount);
            if (!approved.ok) return approved;
            approval = approved.value;
        }
        // Safe to repeat after a lost response: a repeat resumes a pending stake with the same ledger
        // key, or finds the node already registered — by this caller, which is success.
        const r = await this.invoke<{ Ok: NodeView } | { Err: Err }>('register_node', [registerArg(a, wallet)], { idempotent: true });
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
    async applyValidator(a: { nodeId: string; stake?: bigint; lockDays?: number; wallet?: IcrcAccount; fromSubaccount?: Uint8Array }): Promise<ClientResult<Node>> {
        const bad = checkNodeId(a.nodeId);
        if (bad !== undefined) return bad;
        const ctx = await precheckContext(this.stakes);
        if (!ctx.ok) return ctx;
        const p = ctx.value.params;
        return this.register({ nodeId: a.nodeId, type: 'validator', wallet: a.wallet, stake: { amount: a.stake ?? p.validatorMinStakeE8s, lockDays: a.lockDays ?? p.validatorMinTermDays, fromSubaccount: a.fromSubaccount } }, ctx.value);
    }

    /** Stakes a compute node (for one of the lock periods of `compute_multipliers`). */
    async stakeCompute(a: { nodeId: string } & StakeParams): Promise<ClientResult<Node>> {
        const pre = await precheckNode(this.stakes, a.nodeId, (node) => ({ op: 'stake', node, amount: a.amount, lockDays: a.lockDays, fromSubaccount: a.fromSubaccount }));
        if (!pre.ok) return pre;
        const approved = await approveStake(this.stakes, a.amount, a.fromSubaccount);
        if (!approved.ok) return approved;
        return afterApproval(await this.node('stake_compute', [{ node_id: a.nodeId, amount: a.amount, lock_days: a.lockDays, from_subaccount: opt(a.fromSubaccount) }]), approved.value);
    }

    /** Adds to a running stake. */
    async topUp(a: { nodeId: string; amount: bigint; fromSubaccount?: Uint8Array }): Promise<ClientResult<Node>> {
        const pre = await precheckNode(this.stakes, a.nodeId, (node) => ({ op: 'top_up', node, amount: a.amount, fromSubaccount: a.fromSubaccount }));
        if (!pre.ok) return pre;
        const approved = await approveStake(this.stakes, a.amount, a.fromSubaccount);
        if (!approved.ok) return approved;
        return afterApproval(await this.node('top_up', [{ node_id: a.nodeId, amount: a.amount, from_subaccount: opt(a.fromSubaccount) }]), approved.value);
    }

    /** Extends a validator's or router's term by `days` (before it ends), optionally adding stake. */
    async renew(a: { nodeId: string; days: number; topUp?: bigint; fromSubaccount?: Uint8Array }): Promise<ClientResult<Node>> {
        const topUp = a.topUp ?? 0n;
        const pre = await precheckNode(this.stakes, a.nodeId, (node) => ({ op: 'renew', node, days: a.days, topUp, fromSubaccount: a.fromSubaccount }));
        if (!pre.ok) return pre;
        let approval: Approval | undefined;
        if (topUp > 0n) {
            const approved = await approveStake(this.stakes, topUp, a.fromSubaccount);
            if (!approved.ok) return approved;
            approval = approved.value;
        }
        return afterApproval(await this.node('renew', [{ node_id: a.nodeId, days: a.days, top_up: topUp, from_subaccount: opt(a.fromSubaccount) }]), approval);
    }

    async withdrawCandidacy(nodeId: string): Promise<ClientResult<Node>> {
        return checkNodeId(nodeId) ?? this.node('withdraw_candidacy', [nodeId]);
    }

    /** Retries a stake movement whose outcome was unknown (same idempotency key: it moves at most once). */
    async retryOperation(nodeId: string): Promise<ClientResult<Node>> {
        return checkNodeId(nodeId) ?? this.node('retry_operation', [nodeId], true);
    }

    /** The node, or `undefined` if no node has this id. */
    async getNode(nodeId: string): Promise<ClientResult<Node | undefined>> {
        const bad = checkNodeId(nodeId);
        if (bad !== undefined) return bad;
        const r = await this.call<[] | [NodeView]>('get_node', [nodeId]);
        return r.ok ? ok(r.value.length === 1 ? nodeOf(r.value[0]) : undefined) : r;
    }

    /** The node and its rewards; `NodeNotFound` if no node has this id. */
    async nodeStatus(nodeId: string): Promise<ClientResult<Node & { rewards?: NodeRewardsSummary }>> {
        const n = await this.getNode(nodeId);
        if (!n.ok) return n;
        if (n.value === undefined) return notFound(nodeId);
        const rw = await this.nodeRewards(nodeId);
        if (!rw.ok && rw.error.kind !== 'NodeNotFound') return rw;
        return ok(rw.ok ? { ...n.value, rewards: rw.value } : n.value);
    }

    async listNodes(a: { type: NodeType; status: NodeStatus; start?: bigint; limit?: number }): Promise<ClientResult<{ nodes: Node[]; total: bigint }>> {
        const r = await this.call<ValueOf<typeof P.NodePageT>>('list_nodes', [{ node_type: { [a.type]: null }, status: { [a.status]: null }, start: a.start ?? 0n, limit: a.limit ?? 100 }]);
        return mapResult(r, (page) => ({ nodes: page.nodes.map((n) => nodeOf(n as NodeView)), total: page.total }));
    }

    async validatorSet(): Promise<ClientResult<ValidatorSet>> {
        return mapResult(await this.call<ValueOf<typeof P.ValidatorSetT>>('validator_set', []), validatorSetOf);
    }

    // ----- rewards ------------------------------------------------------------------------

    /** Mints the node's claimable reward to its wallet (safe to repeat: a repeat claims only what is claimable then). */
    async claimRewards(nodeId: string): Promise<ClientResult<Claim>> {
        return checkNodeId(nodeId) ?? this.variant('claim_rewards', [nodeId], claimOf, describeProtocolError, { idempotent: true });
    }

    async nodeRewards(nodeId: string): Promise<ClientResult<NodeRewardsSummary>> {
        const bad = checkNodeId(nodeId);
        if (bad !== undefined) return bad;
        const r = await this.call<[] | [NodeRewardsSummary]>('node_rewards', [nodeId]);
        if (!r.ok) return r;
        return r.value.length === 1 ? ok({ ...r.value[0] }) : notFound(nodeId);
    }

    async rewardsSummary(): Promise<ClientResult<RewardsSummary>> {
        return mapResult(await this.call<ValueOf<typeof P.RewardsSummaryT>>('rewards_summary', []), rewardsSummaryOf);
    }

    /** E × 10^8 a compute node would have with this PoC time and stake. */
    previewEValue(a: { pocMs: bigint; stake: bigint; lockDays: number }): Promise<ClientResult<bigint>> {
        return this.call<bigint>('preview_e_value', [{ poc_ms: a.pocMs, stake_e8s: a.stake, lock_days: a.lockDays }]);
    }

    /** Epoch records from `start` (at most 100; stops at the first epoch not closed yet). */
    async epochRecords(a: { start: bigint; count: number }): Promise<ClientResult<EpochRecord[]>> {
        const bad = checkRange(a.start, a.count);
        if (bad !== undefined) return bad;
        return mapResult(await this.call<ValueOf<typeof P.EpochRecordT>[]>('epoch_records', [{ start: a.start, count: a.count }]), (rows) => rows.map(epochRecordOf));
    }

    /** The first `periods` decay periods of the emission schedule (the canister answers at most 1,000). */
    async emissionSchedule(periods: number): Promise<ClientResult<EmissionScheduleRow[]>> {
        if (!Number.isInteger(periods) || periods < 0 || periods > 0xffffffff) return badInput(`periods must be a whole number from 0, got ${periods}`);
        return mapResult(await this.call<ValueOf<typeof P.ScheduleRowT>[]>('emission_schedule', [periods]), (rows) => rows.map(emissionScheduleRowOf));
    }

    // ----- batches ------------------------------------------------------------------------

    /** Proposes a batch; the digest is computed here, exactly as the canister recomputes it. */
    proposeBatch(a: { height: bigint; payload: BatchPayload }): Promise<ClientResult<BatchStatus>> {
        const digest = batchDigest(a.payload);
        return this.variant('propose_batch', [{ height: a.height, payload: wirePayload(a.payload), digest }], batchStatusOf, describeProtocolError, { idempotent: true });
    }

    voteBatch(a: { height: bigint; digest: Uint8Array }): Promise<ClientResult<BatchStatus>> {
        if (a.digest.length !== 32) return Promise.resolve(badInput(`a batch digest is 32 bytes (64 hex digits), got ${a.digest.length}`));
        return this.variant('vote_batch', [{ height: a.height, digest: a.digest }], batchStatusOf, describeProtocolError, { idempotent: true });
    }

    /** The last confirmed (height, digest), verified against the certificate when the network provides one. */
    async certifiedTip(): Promise<ClientResult<CertifiedTip>> {
        const r = await this.call<ValueOf<typeof CertifiedTipT>>('certified_tip', []);
        return r.ok ? verifyCertifiedTip(r.value, { agent: this.agent, canisterId: this.canisterId, now: () => this.now() }) : r;
    }

    /** The last block of the protocol's ICRC-3 log (index, hash), read from the verified tip certificate (`icrc3_get_tip_certificate`). */
    async logTip(): Promise<ClientResult<LogTip>> {
        const r = await this.call<[] | [{ certificate: Uint8Array; hash_tree: Uint8Array }]>('icrc3_get_tip_certificate', []);
        return r.ok ? verifyLogTip(r.value, { agent: this.agent, canisterId: this.canisterId, now: () => this.now() }) : r;
    }

    async protocolInfo(): Promise<ClientResult<ProtocolInfo>> {
        return mapResult(await this.call<ValueOf<typeof P.ProtocolInfoT>>('protocol_info', []), protocolInfoOf);
    }

    // ----- impeachment and key compromise (spec §7) ---------------------------------------

    /** Opens an impeachment of `nodeId` by the caller's own node `accuser` of the same type (the accuser's yes counts). */
    openImpeachment(a: { nodeId: string; accuser: string; reason: string }): Promise<ClientResult<Vote>> {
        return checkNodeIds(a.nodeId, a.accuser) ?? this.variant('open_impeachment', [{ accuser: a.accuser, node_id: a.nodeId, reason: a.reason }], voteOf, describeProtocolError);
    }

    /** The caller's node `voter` votes yes or no on impeachment `id`. */
    voteImpeachment(a: { id: bigint; voter: string; yes: boolean }): Promise<ClientResult<Vote>> {
        return checkNodeIds(a.voter) ?? checkU64(a.id, 'vote id') ?? this.variant('vote_impeachment', [{ id: a.id, voter: a.voter, yes: a.yes }], voteOf, describeProtocolError);
    }

    /** The operator of validator `nodeId` reports its key compromised and names the new operator; the node is frozen until decided. */
    reportKeyCompromise(a: { nodeId: string; newOperator: Principal }): Promise<ClientResult<Vote>> {
        return checkNodeIds(a.nodeId) ?? this.variant('report_key_compromise', [{ node_id: a.nodeId, new_operator: a.newOperator }], voteOf, describeProtocolError);
    }

    /** The caller's validator `voter` confirms (or denies) key report `id`. */
    answerKeyReport(a: { id: bigint; voter: string; confirm: boolean }): Promise<ClientResult<Vote>> {
        return checkNodeIds(a.voter) ?? checkU64(a.id, 'vote id') ?? this.variant('answer_key_report', [{ id: a.id, voter: a.voter, confirm: a.confirm }], voteOf, describeProtocolError);
    }

    /** The vote, or `undefined` if no vote has this id. */
    async getVote(id: bigint): Promise<ClientResult<Vote | undefined>> {
        const bad = checkU64(id, 'vote id');
        if (bad !== undefined) return bad;
        const r = await this.call<[] | [ValueOf<typeof P.VoteViewT>]>('get_vote', [id]);
        return mapResult(r, (v) => (v.length === 1 ? voteOf(v[0]) : undefined));
    }

    /** Votes by id from `start` (default 0), at most `count` (default and maximum 100). */
    async listVotes(a: { start?: bigint; count?: number } = {}): Promise<ClientResult<Vote[]>> {
        const range = { start: a.start ?? 0n, count: a.count ?? 100 };
        const bad = checkRange(range.start, range.count);
        if (bad !== undefined) return bad;
        return mapResult(await this.call<ValueOf<typeof P.VoteViewT>[]>('list_votes', [range]), (vs) => vs.map(voteOf));
    }

    // ----- penalties (spec §6) ------------------------------------------------------------

    /** Penalty records by sequence number from `start` (default 0), at most `count` (default and maximum 100). */
    async penaltyLog(a: { start?: bigint; count?: number } = {}): Promise<ClientResult<PenaltyLogEntry[]>> {
        const range = { start: a.start ?? 0n, count: a.count ?? 100 };
        const bad = checkRange(range.start, range.count);
        if (bad !== undefined) return bad;
        return mapResult(await this.call<ValueOf<typeof P.PenaltyRecordT>[]>('penalty_log', [range]), (rs) => rs.map(penaltyLogEntryOf));
    }

    async penaltiesSummary(): Promise<ClientResult<PenaltiesSummary>> {
        return mapResult(await this.call<ValueOf<typeof P.PenaltiesSummaryT>>('penalties_summary', []), penaltiesSummaryOf);
    }

    // ----- the pattern --------------------------------------------------------------------

    /** A node method: `variant { Ok : NodeView; Err : StakeError }`. */
    protected node(method: keyof typeof PROTOCOL_METHODS, args: unknown[], idempotent = false): Promise<ClientResult<Node>> {
        return this.variant(method, args, nodeOf, describeProtocolError, { idempotent });
    }

    /** The ledger client for approvals (built from `protocol_info` on first use). */
    /** The compute market on this canister (src/client/market.ts), with this client's agent and ledger. */
    market(): MarketClient {
        if (this.marketClient === undefined) this.marketClient = new MarketClient(this.opts, () => this.ledger());
        return this.marketClient;
    }

    /** The compute sockets on this canister, every order an ICRC-7 NFT (src/client/sockets.ts), with this client's agent. */
    sockets(): SocketsClient {
        if (this.socketsClient === undefined) this.socketsClient = new SocketsClient(this.opts);
        return this.socketsClient;
    }

    async ledger(): Promise<ClientResult<LedgerClient>> {
        if (this.ledgerClient !== undefined) return ok(this.ledgerClient);
        const info = await this.protocolInfo();
        if (!info.ok) return info;
        this.ledgerClient = new LedgerClient({ ...this.opts, canisterId: info.value.ledger });
        return ok(this.ledgerClient);
    }
}
