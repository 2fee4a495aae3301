/**
 * A registered node: its identity (network node id, operator principal, reward wallet), its stake
 * term, its PoC and liveness facts, its E-value, and the ledger operation in flight on it (the
 * per-node guard). Stored as versioned JSON.
 */
import { Reader, Writer } from '../../lib/storage/binary';
import type { Account } from '../../ledger/account';

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
 * - disqualified: impeached by its peers (spec §7); its whole stake went to the treasury
 * (Append only: the position of a status is stored in records and names a paging index.)
 */
export const NODE_STATUSES = ['staking', 'candidate', 'awaiting_poc', 'active', 'expired', 'withdrawn', 'evicted', 'disqualified'] as const;
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

export type OperationKind = 'stake' | 'top_up' | 'renew' | 'release' | 'withdraw' | 'claim' | 'penalty';

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
    /** An attempt's outcome was unknown: a later rejection no longer proves that nothing moved. */
    uncertain?: boolean;
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
    /** A validator or router whose stake (less penalties due) fell below its type's minimum (spec §6). */
    suspended?: boolean;
    /** A validator that reported its key compromised, until the rotation is decided (spec §7). */
    frozen?: boolean;
    /**
     * Liveness windows (spec §6): windows of the current fault start at `from` (a validator's last
     * sign of life, a router's or compute node's first offline report); the first `k` complete
     * windows have been evaluated (charged or exempt).
     */
    fault?: { from: bigint; k: number };
    /** Penalties charged and not yet moved to the treasury, and the total moved so far (e8s). */
    penaltyDue?: bigint;
    penalized?: bigint;
    /** A compute node's stake as staked and topped up in this term, before penalties: its per-window charge is based on it. */
    stakeBasis?: bigint;
}

const FORMAT = 3;
const KINDS: OperationKind[] = ['stake', 'top_up', 'renew', 'release', 'withdraw', 'claim', 'penalty'];

// Presence bits of the optional fields.
const HAS_ADMITTED = 1;
const HAS_STAKE = 2;
const HAS_LOCK = 4;
const HAS_POC = 8;
const HAS_ONLINE = 16;
const HAS_OP = 32;
// Format 3 adds a second presence byte.
const SUSPENDED = 1;
const FROZEN = 2;
const HAS_FAULT = 4;
const HAS_PENALTY = 8;
const HAS_BASIS = 16;

/**
 * Binary record (format 3): u8 format, u64 index, u8 type, u8 status, id, operator, wallet,
 * u64 registered_at, u64 E, u32 operation count, u8 presence bits, then the optional fields, then
 * u8 liveness bits and their fields (fault: u64 from, u32 k; penalty: u64 due, u64 penalized).
 * Format 2 (no liveness part) is still read: records migrate when next written.
 */
export function encodeNode(n: NodeRecord): Uint8Array {
    const w = new Writer(256);
    w.u8(FORMAT).u64(n.index).u8(NODE_TYPES.indexOf(n.type)).u8(NODE_STATUSES.indexOf(n.status)).text(n.id).bytes(n.operator);
    w.account(n.wallet);
    w.u64(n.registeredAt).u64(n.e).u32(n.opSeq);
    let bits = 0;
    if (n.admittedAt !== undefined) bits |= HAS_ADMITTED;
    if (n.stake !== undefined) bits |= HAS_STAKE;
    if (n.requestedLockDays !== undefined) bits |= HAS_LOCK;
    if (n.pocMs !== undefined) bits |= HAS_POC;
    if (n.online !== undefined) bits |= HAS_ONLINE;
    if (n.op !== undefined) bits |= HAS_OP;
    w.u8(bits);
    if (n.admittedAt !== undefined) w.u64(n.admittedAt);
    if (n.stake !== undefined) {
        w.u64(n.stake.amount).u16(n.stake.lockDays).u64(n.stake.termStart).u64(n.stake.termEnd).u16(n.stake.renewals);
        w.account(n.stake.owner);
    }
    if (n.requestedLockDays !== undefined) w.u16(n.requestedLockDays);
    if (n.pocMs !== undefined) w.u32(n.pocMs).u64(n.pocHeight ?? 0n);
    if (n.online !== undefined) w.u8(n.online ? 1 : 0).u64(n.observedAt ?? 0n);
    if (n.op !== undefined) {
        w.u8(KINDS.indexOf(n.op.kind) | (n.op.uncertain === true ? 0x80 : 0)).u64(n.op.amount).u64(n.op.createdAt).bytes(n.op.memo).u16(n.op.days);
        w.account(n.op.account);
    }
    const penalty = (n.penaltyDue ?? 0n) !== 0n || (n.penalized ?? 0n) !== 0n;
    w.u8((n.suspended === true ? SUSPENDED : 0) | (n.frozen === true ? FROZEN : 0) | (n.fault !== undefined ? HAS_FAULT : 0) | (penalty ? HAS_PENALTY : 0) | (n.stakeBasis !== undefined ? HAS_BASIS : 0));
    if (n.fault !== undefined) w.u64(n.fault.from).u32(n.fault.k);
    if (penalty) w.u64(n.penaltyDue ?? 0n).u64(n.penalized ?? 0n);
    if (n.stakeBasis !== undefined) w.u64(n.stakeBasis);
    return w.done();
}

export function decodeNode(bytes: Uint8Array): NodeRecord {
    const r = new Reader(bytes);
    const format = r.u8();
    if (format !== FORMAT && format !== 2) throw new Error(`unknown node record format ${format}`);
    const n: NodeRecord = {
        index: r.u64(),
        type: NODE_TYPES[r.u8()],
        status: NODE_STATUSES[r.u8()],
        id: r.text(),
        operator: r.bytes(),
        wallet: r.account(),
        registeredAt: r.u64(),
        e: r.u64(),
        opSeq: r.u32(),
    };
    const bits = r.u8();
    if (bits & HAS_ADMITTED) n.admittedAt = r.u64();
    if (bits & HAS_STAKE) n.stake = { amount: r.u64(), lockDays: r.u16(), termStart: r.u64(), termEnd: r.u64(), renewals: r.u16(), owner: r.account() };
    if (bits & HAS_LOCK) n.requestedLockDays = r.u16();
    if (bits & HAS_POC) {
        n.pocMs = r.u32();
        const h = r.u64();
        if (h !== 0n) n.pocHeight = h;
    }
    if (bits & HAS_ONLINE) {
        n.online = r.u8() === 1;
        n.observedAt = r.u64();
    }
    if (bits & HAS_OP) {
        const k = r.u8();
        n.op = { kind: KINDS[k & 0x7f], amount: r.u64(), createdAt: r.u64(), memo: r.bytes(), days: r.u16(), account: r.account() };
        if (k & 0x80) n.op.uncertain = true;
    }
    if (format === 2) return n;
    const live = r.u8();
    if (live & SUSPENDED) n.suspended = true;
    if (live & FROZEN) n.frozen = true;
    if (live & HAS_FAULT) n.fault = { from: r.u64(), k: r.u32() };
    if (live & HAS_PENALTY) {
        n.penaltyDue = r.u64();
        n.penalized = r.u64();
    }
    if (live & HAS_BASIS) n.stakeBasis = r.u64();
    return n;
}



/**
 * Where each field of a stored node record starts (list_nodes transcodes records to Candid without
 * decoding them: src/protocol/api/node-writer.ts). `at` receives the offsets, -1 for an absent
 * optional field; the fixed fields follow from them. The one place besides decodeNode that knows
 * the layout: both read it from the constants above.
 */
export const AT_TYPE = 0;
export const AT_STATUS = 1;
export const AT_ID = 2;
export const AT_OPERATOR = 3;
export const AT_WALLET = 4;
export const AT_REGISTERED = 5;
export const AT_E = 6;
export const AT_ADMITTED = 7;
export const AT_STAKE = 8;
export const AT_POC = 9;
export const AT_ONLINE = 10;
export const AT_OP = 11;
export const AT_PENALTY = 12;
/** The liveness bits as a value (not an offset): SUSPENDED | FROZEN | …, 0 in format 2. */
export const AT_LIVE = 13;
export const LAYOUT_SLOTS = 14;
export const LIVE_SUSPENDED = SUSPENDED;
export const LIVE_FROZEN = FROZEN;
/** The stake term's parts, relative to its offset: amount u64, lock days u16, term start u64, term end u64, renewals u16, owner. */
export const STAKE_LOCK_DAYS = 8;
export const STAKE_TERM_START = 10;
export const STAKE_TERM_END = 18;
export const STAKE_RENEWALS = 26;
export const STAKE_OWNER = 28;
/** The operation kinds, by their stored number. */
export const OPERATION_KINDS: readonly OperationKind[] = KINDS;

function skipAccount(b: Uint8Array, p: number): number {
    p += 1 + b[p];
    return b[p] === 1 ? p + 2 + b[p + 1] : p + 1;
}

/** Fills `at` with the offsets of `raw`'s fields (see AT_*); throws on a record that does not parse to its end. */
export function nodeLayout(raw: Uint8Array, at: Int32Array): void {
    const format = raw[0];
    if (format !== FORMAT && format !== 2) throw new Error(`unknown node record format ${format}`);
    let p = 9;
    at[AT_TYPE] = raw[p++];
    at[AT_STATUS] = raw[p++];
    at[AT_ID] = p;
    p += 1 + raw[p];
    at[AT_OPERATOR] = p;
    p += 1 + raw[p];
    at[AT_WALLET] = p;
    p = skipAccount(raw, p);
    at[AT_REGISTERED] = p;
    at[AT_E] = p + 8;
    p += 20;
    const bits = raw[p++];
    at[AT_ADMITTED] = at[AT_STAKE] = at[AT_POC] = at[AT_ONLINE] = at[AT_OP] = at[AT_PENALTY] = -1;
    if (bits & HAS_ADMITTED) {
        at[AT_ADMITTED] = p;
        p += 8;
    }
    if (bits & HAS_STAKE) {
        at[AT_STAKE] = p;
        p = skipAccount(raw, p + STAKE_OWNER);
    }
    if (bits & HAS_LOCK) p += 2;
    if (bits & HAS_POC) {
        at[AT_POC] = p;
        p += 12;
    }
    if (bits & HAS_ONLINE) {
        at[AT_ONLINE] = p;
        p += 9;
    }
    if (bits & HAS_OP) {
        at[AT_OP] = p;
        p += 17;
        p += 1 + raw[p] + 2;
        p = skipAccount(raw, p);
    }
    let live = 0;
    if (format === FORMAT) {
        live = raw[p++];
        if (live & HAS_FAULT) p += 12;
        if (live & HAS_PENALTY) {
            at[AT_PENALTY] = p;
            p += 16;
        }
        if (live & HAS_BASIS) p += 8;
    }
    at[AT_LIVE] = live;
    if (p !== raw.length) throw new Error('node record: the layout does not end where the record does');
}

const NODE_ID = /^[A-Za-z0-9]+$/;
export const MAX_NODE_ID_LENGTH = 64;

/**
 * Network node ids are libp2p peer ids: 1..64 characters of [A-Za-z0-9]. Returns what is wrong
 * ("is empty", …) or undefined.
 */
export function nodeIdProblem(id: unknown): string | undefined {
    if (typeof id !== 'string') return 'is not text';
    if (id.length === 0) return 'is empty';
    if (id.length > MAX_NODE_ID_LENGTH) return `is longer than ${MAX_NODE_ID_LENGTH} characters`;
    if (!NODE_ID.test(id)) return 'may only contain A-Z, a-z and 0-9';
    return undefined;
}
