/**
 * A registered node: its identity (network node id, operator principal, reward wallet), its stake
 * term, its PoC and liveness facts, its E-value, and the ledger operation in flight on it (the
 * per-node guard). Stored as versioned JSON.
 */
import { fromHex, toHex } from '../storage/bytes';
import type { Account } from '../ledger/account';

export const NODE_TYPES = ['validator', 'router', 'compute'] as const;
export type NodeType = (typeof NODE_TYPES)[number];

/**
 * - staking: the first stake transfer is in flight (or its outcome is unknown); not yet a node
 * - candidate: a validator that applied with its stake and awaits admission by governance
 * - awaiting_poc: a compute node registered but not yet confirmed by a PoC result
 * - active: an admitted validator, a staked router, a compute node with a confirmed PoC
 * - expired: a validator or router whose term ended; its stake went back to its owner
 * - withdrawn: a validator candidate that withdrew before admission
 * - evicted: a never-activated, unstaked compute registration taken over by another operator
 */
export const NODE_STATUSES = ['staking', 'candidate', 'awaiting_poc', 'active', 'expired', 'withdrawn', 'evicted'] as const;
export type NodeStatus = (typeof NODE_STATUSES)[number];

export interface StakeTerm {
    /** e8s held in the node's escrow subaccount. */
    amount: bigint;
    lockDays: number;
    termStart: bigint;
    termEnd: bigint;
    renewals: number;
    /** Where the stake came from, and where it goes back at term end. */
    owner: Account;
}

export type OperationKind = 'stake' | 'top_up' | 'renew' | 'release' | 'withdraw';

/** A ledger movement in flight: its idempotency key (created_at_time + memo) makes retries safe. */
export interface PendingOperation {
    kind: OperationKind;
    amount: bigint;
    createdAt: bigint;
    memo: Uint8Array;
    /** For stake/top_up/renew: the paying account; for release/withdraw: the receiving account. */
    account: Account;
    /** renew: the days added when the top-up lands; stake: the lock days of the new term. */
    days: number;
}

export interface NodeRecord {
    index: bigint;
    id: string;
    type: NodeType;
    status: NodeStatus;
    operator: Uint8Array;
    wallet: Account;
    registeredAt: bigint;
    admittedAt?: bigint;
    stake?: StakeTerm;
    /** The lock days asked for at registration (validators: the term starts at admission). */
    requestedLockDays?: number;
    pocMs?: number;
    pocHeight?: bigint;
    online?: boolean;
    observedAt?: bigint;
    /** Current E × 10^8. */
    e: bigint;
    op?: PendingOperation;
    /** Operations started on this node so far: makes every operation's memo unique. */
    opSeq: number;
}

const FORMAT = 1;

export function encodeNode(n: NodeRecord): Uint8Array {
    return new TextEncoder().encode(
        JSON.stringify({
            f: FORMAT,
            i: n.index.toString(),
            id: n.id,
            t: n.type,
            s: n.status,
            o: toHex(n.operator),
            w: acct(n.wallet),
            r: n.registeredAt.toString(),
            a: n.admittedAt?.toString(),
            k: n.stake === undefined ? undefined : { a: n.stake.amount.toString(), d: n.stake.lockDays, s: n.stake.termStart.toString(), e: n.stake.termEnd.toString(), n: n.stake.renewals, o: acct(n.stake.owner) },
            rl: n.requestedLockDays,
            p: n.pocMs,
            ph: n.pocHeight?.toString(),
            on: n.online,
            ob: n.observedAt?.toString(),
            e: n.e.toString(),
            q: n.opSeq,
            op: n.op === undefined ? undefined : { k: n.op.kind, a: n.op.amount.toString(), c: n.op.createdAt.toString(), m: toHex(n.op.memo), t: acct(n.op.account), d: n.op.days },
        }),
    );
}

export function decodeNode(bytes: Uint8Array): NodeRecord {
    const j = JSON.parse(new TextDecoder().decode(bytes));
    if (j.f !== FORMAT) throw new Error(`unknown node record format ${j.f}`);
    const n: NodeRecord = {
        index: BigInt(j.i),
        id: j.id,
        type: j.t,
        status: j.s,
        operator: fromHex(j.o),
        wallet: unacct(j.w),
        registeredAt: BigInt(j.r),
        e: BigInt(j.e),
        opSeq: j.q ?? 0,
    };
    if (j.a !== undefined) n.admittedAt = BigInt(j.a);
    if (j.k !== undefined) n.stake = { amount: BigInt(j.k.a), lockDays: j.k.d, termStart: BigInt(j.k.s), termEnd: BigInt(j.k.e), renewals: j.k.n, owner: unacct(j.k.o) };
    if (j.rl !== undefined) n.requestedLockDays = j.rl;
    if (j.p !== undefined) n.pocMs = j.p;
    if (j.ph !== undefined) n.pocHeight = BigInt(j.ph);
    if (j.on !== undefined) n.online = j.on;
    if (j.ob !== undefined) n.observedAt = BigInt(j.ob);
    if (j.op !== undefined) n.op = { kind: j.op.k, amount: BigInt(j.op.a), createdAt: BigInt(j.op.c), memo: fromHex(j.op.m), account: unacct(j.op.t), days: j.op.d };
    return n;
}

function acct(a: Account): { o: string; s?: string } {
    return a.subaccount === undefined ? { o: toHex(a.owner) } : { o: toHex(a.owner), s: toHex(a.subaccount) };
}

function unacct(j: { o: string; s?: string }): Account {
    return j.s === undefined ? { owner: fromHex(j.o) } : { owner: fromHex(j.o), subaccount: fromHex(j.s) };
}

const NODE_ID = /^[A-Za-z0-9]{1,64}$/;

/** Network node ids are libp2p peer ids: 1..64 characters of [A-Za-z0-9]. */
export function nodeIdProblem(id: string): string | undefined {
    return NODE_ID.test(id) ? undefined : `node id must be 1 to 64 characters of [A-Za-z0-9]; got ${JSON.stringify(id.slice(0, 80))}`;
}
