/**
 * `list_nodes`' answer (a `NodePage`) written straight from node records to Candid bytes: the
 * bytes `encode([NodePageT], [{ nodes: records.map(nodeView), total }])` produces (a property test
 * pins them, test/unit/protocol/node-writer.test.ts), without building the view objects and their
 * principals, and without the generic encoder's per-value dispatch. The writes follow the wire
 * order of the Candid types (fields sorted by id), checked against the types when the module
 * loads: a field added to `NodeViewT` without a write here stops the canister at install, not
 * silently.
 * Storage: none. Cost: ~0.19 M instructions per node, escrow account included (view + generic
 * encoding: ~0.36 M); a page of 100 active nodes: 38.7 M instead of 57.4 M (100 nodes).
 */
import { utf8 } from '../../lib/storage/binary';
import { headerBytes } from '../../lib/candid/encode';
import type { RecordType, VariantType } from '../../lib/candid/types';
import type { Account } from '../../ledger/account';
import type { NodeRecord } from '../nodes/record';
import { CAccount } from '../../ledger/api/candid';
import { NodePageT, NodeStatusT, NodeTypeT, NodeViewT, StakeTermT } from './candid';

const NODE_ORDER = 'status,node_type,node_id,operator,penalty_due,stake,e_value,pending_operation,frozen,wallet,registered_at,suspended,admitted_at,escrow,observed_at,poc_ms,penalized,online';
const STAKE_ORDER = 'term_start,owner,renewals,lock_days,amount,term_end';
const names = (t: unknown): string => (t as RecordType).names.join();
// The writes below follow these wire orders (fields sorted by id); a changed type fails here, at load.
if (names(NodeViewT) !== NODE_ORDER || names(StakeTermT) !== STAKE_ORDER || names(NodePageT) !== 'total,nodes' || names(CAccount) !== 'owner,subaccount') {
    throw new Error('node-writer: NodeView, StakeTerm, NodePage or CAccount changed: update the writer');
}
const TYPE_TAG = new Map((NodeTypeT as unknown as VariantType).names.map((n, i) => [n, i]));
const STATUS_TAG = new Map((NodeStatusT as unknown as VariantType).names.map((n, i) => [n, i]));

let out = new Uint8Array(16_384);
let view = new DataView(out.buffer);
let at = 0;

function room(k: number): void {
    if (at + k <= out.length) return;
    let size = out.length * 2;
    while (size < at + k) size *= 2;
    const next = new Uint8Array(size);
    next.set(out.subarray(0, at));
    out = next;
    view = new DataView(out.buffer);
}

/** Unsigned LEB128 of a length or a tag (an integer below 2^31: shifts, no division). */
function leb(x: number): void {
    while (x >= 128) {
        out[at++] = (x & 127) | 128;
        x >>>= 7;
    }
    out[at++] = x;
}

/** `nat`: LEB128 of a bigint ≥ 0 (small values through `leb`). */
function nat(v: bigint): void {
    if (v < 0x8000_0000n) {
        leb(Number(v));
        return;
    }
    while (v >= 128n) {
        out[at++] = Number(v & 127n) | 128;
        v >>= 7n;
    }
    out[at++] = Number(v);
}

function nat64(v: bigint): void {
    view.setBigUint64(at, v, true);
    at += 8;
}

function optNat64(v: bigint | undefined): void {
    if (v === undefined) out[at++] = 0;
    else {
        out[at++] = 1;
        nat64(v);
    }
}

function bytes(b: Uint8Array): void {
    leb(b.length);
    out.set(b, at);
    at += b.length;
}

function text(s: string): void {
    const b = utf8(s);
    room(b.length + 8);
    bytes(b);
}

/** CAccount: owner (reference flag, bytes), then opt subaccount. */
function account(a: Account): void {
    out[at++] = 1;
    bytes(a.owner);
    if (a.subaccount === undefined) out[at++] = 0;
    else {
        out[at++] = 1;
        bytes(a.subaccount);
    }
}

/** The most bytes a node's fixed-size parts and accounts take (texts reserve their own room). */
const NODE_ROOM = 1_024;

function node(n: NodeRecord, escrow: Account): void {
    room(NODE_ROOM);
    leb(STATUS_TAG.get(n.status) as number);
    leb(TYPE_TAG.get(n.type) as number);
    text(n.id);
    room(NODE_ROOM);
    out[at++] = 1;
    bytes(n.operator);
    nat(n.penaltyDue ?? 0n);
    const s = n.stake;
    if (s === undefined) out[at++] = 0;
    else {
        out[at++] = 1;
        nat64(s.termStart);
        account(s.owner);
        view.setUint32(at, s.renewals, true);
        view.setUint32(at + 4, s.lockDays, true);
        at += 8;
        nat(s.amount);
        nat64(s.termEnd);
    }
    nat(n.e);
    if (n.op === undefined) out[at++] = 0;
    else {
        out[at++] = 1;
        text(n.op.kind);
        room(NODE_ROOM);
    }
    out[at++] = n.frozen === true ? 1 : 0;
    account(n.wallet);
    nat64(n.registeredAt);
    out[at++] = n.suspended === true ? 1 : 0;
    optNat64(n.admittedAt);
    account(escrow);
    optNat64(n.observedAt);
    if (n.pocMs === undefined) out[at++] = 0;
    else {
        out[at++] = 1;
        view.setUint32(at, n.pocMs, true);
        at += 4;
    }
    nat(n.penalized ?? 0n);
    if (n.online === undefined) out[at++] = 0;
    else {
        out[at++] = 1;
        out[at++] = n.online ? 1 : 0;
    }
}

let header: Uint8Array | undefined;

/** The Candid reply of `list_nodes`: `records` as node views with their escrow accounts, and `total`. */
export function nodePageBytes(records: readonly NodeRecord[], total: bigint, escrowOf: (index: bigint) => Account): Uint8Array {
    header ??= headerBytes([NodePageT]);
    at = 0;
    room(header.length + 16);
    out.set(header, 0);
    at = header.length;
    nat64(total);
    leb(records.length);
    for (const n of records) node(n, escrowOf(n.index));
    return out.slice(0, at);
}
