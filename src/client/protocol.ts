/**
 * The protocol canister, as a node operator uses it: register and stake, top up, renew, look up
 * nodes, claim rewards; validators apply, propose and vote on state-bit batches.
 *
 * Operations that move a stake do what the operator would do by hand: check the node and the
 * balance first (so that a doomed call changes nothing and costs no fee), approve the protocol
 * canister on the ledger for amount + fee (expiring after an hour), then call the protocol, which
 * pulls the stake with `icrc2_transfer_from`.
 *
 * Adding a method (governance, impeachment, key rotation …) is one line in the same pattern:
 *     setParams(p: Params) { return this.node('set_params', [p]); }                 // → Result<Node>
 *     openImpeachment(a: A) { return this.variant('impeach', [a], (v: V) => v, describeProtocolError); }
 * after the method is in PROTOCOL_METHODS (src/protocol/interface.ts), which this client's Actor
 * is built from.
 */
import { Cbor, Certificate, lookup_path, LookupPathStatus, reconstruct } from '@dfinity/agent';
import { Principal } from '@dfinity/principal';
import type { ValueOf } from '../candid/candid';
import { batchDigest, type BatchPayload } from '../protocol/batches';
import type { NodeView } from '../protocol/candid';
import { CertifiedTipT, PROTOCOL_METHODS, protocolServiceIdl } from '../protocol/interface';
import { nodeIdProblem, NODE_STATUSES, NODE_TYPES, type NodeStatus, type NodeType } from '../protocol/nodes';
import type * as P from '../protocol/candid';
import { fromCandidAccount, toCandidAccount, type Account } from './account';
import { CanisterClient, genericDetails, type ClientOptions } from './canister';
import { LedgerClient } from './ledger';
import { badInput, emc, fail, ok, type Result } from './result';

export { NODE_STATUSES, NODE_TYPES, type NodeStatus, type NodeType };

export interface Stake {
    /** e8s in the node's escrow */
    amount: bigint;
    lockDays: number;
    termStart: bigint;
    termEnd: bigint;
    renewals: number;
    /** Where the stake came from and goes back to at term end. */
    owner: Account;
}

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

export interface ProtocolClientOptions extends ClientOptions {
    /** The ledger client used for stake approvals (default: one for the ledger `protocol_info` names, on the same agent). */
    ledger?: LedgerClient;
    /** How long a stake approval stays valid (default 1 hour). */
    approvalTtlNs?: bigint;
}

const HOUR_NS = 3_600_000_000_000n;

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

    /** Registers a node (a validator candidate, a router, a compute node), approving its stake first if it has one. */
    async registerNode(a: RegisterArgs): Promise<Result<Node>> {
        const bad = checkNodeId(a.nodeId);
        if (bad !== undefined) return bad;
        if (!(NODE_TYPES as readonly string[]).includes(a.type)) return badInput(`node type '${a.type}' is not one of ${NODE_TYPES.join(', ')}`);
        const me = await this.principal();
        const wallet = a.wallet ?? { owner: me };
        if (a.stake !== undefined) {
            const approved = await this.approveStake(a.stake.amount, a.stake.fromSubaccount);
            if (!approved.ok) return approved;
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
        return this.settle(r, nodeOf, describeProtocolError);
    }

    /** A validator applies: registers as a candidate with its stake (default 1,000,000 EMC for 360 days). */
    applyValidator(a: { nodeId: string; stake?: bigint; lockDays?: number; wallet?: Account; fromSubaccount?: Uint8Array }): Promise<Result<Node>> {
        return this.registerNode({ nodeId: a.nodeId, type: 'validator', wallet: a.wallet, stake: { amount: a.stake ?? 1_000_000n * 100_000_000n, lockDays: a.lockDays ?? 360, fromSubaccount: a.fromSubaccount } });
    }

    /** Stakes a compute node (7, 30, 90 or 180 days). */
    async stakeCompute(a: { nodeId: string } & StakeArgs): Promise<Result<Node>> {
        const pre = await this.ownNode(a.nodeId);
        if (!pre.ok) return pre;
        const approved = await this.approveStake(a.amount, a.fromSubaccount);
        if (!approved.ok) return approved;
        return this.node('stake_compute', [{ node_id: a.nodeId, amount: a.amount, lock_days: a.lockDays, from_subaccount: opt(a.fromSubaccount) }]);
    }

    /** Adds to a running stake. */
    async topUp(a: { nodeId: string; amount: bigint; fromSubaccount?: Uint8Array }): Promise<Result<Node>> {
        const pre = await this.ownNode(a.nodeId);
        if (!pre.ok) return pre;
        const approved = await this.approveStake(a.amount, a.fromSubaccount);
        if (!approved.ok) return approved;
        return this.node('top_up', [{ node_id: a.nodeId, amount: a.amount, from_subaccount: opt(a.fromSubaccount) }]);
    }

    /** Extends a validator's or router's term by `days` (before it ends), optionally adding stake. */
    async renew(a: { nodeId: string; days: number; topUp?: bigint; fromSubaccount?: Uint8Array }): Promise<Result<Node>> {
        const pre = await this.ownNode(a.nodeId);
        if (!pre.ok) return pre;
        const topUp = a.topUp ?? 0n;
        if (topUp > 0n) {
            const approved = await this.approveStake(topUp, a.fromSubaccount);
            if (!approved.ok) return approved;
        }
        return this.node('renew', [{ node_id: a.nodeId, days: a.days, top_up: topUp, from_subaccount: opt(a.fromSubaccount) }]);
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
            if (found === undefined || Buffer.compare(Buffer.from(root), Buffer.from(found)) !== 0) return fail('Unverified', 'the tip does not match the certified data');
            const d = lookup_path(['last_batch_digest'], tree);
            if (digest !== undefined && (d.status !== LookupPathStatus.Found || Buffer.compare(Buffer.from((d as { value: Uint8Array }).value), Buffer.from(digest)) !== 0)) {
                return fail('Unverified', 'the digest is not the certified one');
            }
            return ok({ height, digest, verified: true });
        } catch (e) {
            return fail('Unverified', `the certificate does not verify: ${(e instanceof Error ? e.message : String(e)).split('\n')[0]}`);
        }
    }

    async protocolInfo(): Promise<Result<ProtocolInfo>> {
        const r = await this.call<ValueOf<typeof P.ProtocolInfoT>>('protocol_info', []);
        if (!r.ok) return r;
        const i = r.value;
        return ok({ governance: i.governance as Principal, ledger: i.ledger as Principal, treasury: fromCandidAccount(i.treasury as never), ledgerFee: i.ledger_fee, validators: i.validators, pendingReleases: i.pending_releases });
    }

    /** E × 10^8 a compute node would have with this PoC time and stake. */
    previewEValue(a: { pocMs: bigint; stake: bigint; lockDays: number }): Promise<Result<bigint>> {
        return this.call<bigint>('preview_e_value', [{ poc_ms: a.pocMs, stake_e8s: a.stake, lock_days: a.lockDays }]);
    }

    // ----- the pattern --------------------------------------------------------------------

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

    /** The node exists and the caller operates it (so that a stake is not approved for nothing). */
    private async ownNode(nodeId: string): Promise<Result<Node>> {
        const n = await this.getNode(nodeId);
        if (!n.ok) return n;
        if (n.value === undefined) return notFound(nodeId);
        const me = await this.principal();
        if (n.value.operator.toText() !== me.toText()) return fail('NotAuthorized', `node "${nodeId}" is operated by ${n.value.operator.toText()}, not by ${me.toText()}`);
        return ok(n.value);
    }

    /** Checks the balance covers amount + 2 fees (the approval's and the transfer's), then approves amount + fee. */
    private async approveStake(amount: bigint, fromSubaccount?: Uint8Array): Promise<Result<void>> {
        const l = await this.ledger();
        if (!l.ok) return l;
        const ledger = l.value;
        const fee = await ledger.fee();
        if (!fee.ok) return fee;
        const me = await this.principal();
        const bal = await ledger.balance({ owner: me, subaccount: fromSubaccount });
        if (!bal.ok) return bal;
        const needed = amount + 2n * fee.value;
        if (bal.value < needed) return fail('InsufficientFunds', `balance ${emc(bal.value)}, needed ${emc(needed)} (stake ${emc(amount)} + 2 ledger fees)`);
        const r = await ledger.approve({ spender: { owner: this.canisterId }, amount: amount + fee.value, expiresAt: this.now() + this.approvalTtlNs, fromSubaccount });
        return r.ok ? ok(undefined) : r;
    }
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

function notFound<T>(nodeId: string): Result<T> {
    return { ok: false, error: { kind: 'NodeNotFound', message: `NodeNotFound: no node "${nodeId}"` } };
}

const hex = (b: unknown): string => Buffer.from(b as Uint8Array).toString('hex');

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
        default:
            return genericDetails(e[kind]);
    }
}

