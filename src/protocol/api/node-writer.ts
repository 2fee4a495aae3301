/**
 * `list_nodes`' answer (a `NodePage`) transcoded straight from the stored node records to Candid
 * bytes: the bytes `encode([NodePageT], [{ nodes: records.map(decodeNode).map(nodeView), total }])`
 * produces (a property test pins them for formats 3 and 2, test/unit/protocol/node-writer.test.ts),
 * without decoding the records (no bigints, principals or view objects: the record's layout is read
 * as offsets, src/protocol/nodes/record.ts `nodeLayout`, and its bytes copied or reordered) and
 * without the generic encoder's per-value dispatch. The writes follow the wire order of the Candid
 * types (fields sorted by id), checked against the types when the module loads: a field added to
 * `NodeViewT` without a write here stops the canister at install, not silently.
 * Storage: none (the records come from NODES). Cost: ~35 k instructions per node on top of its
 * read (decoding a record and writing its view cost ~240 k): a page of 100 active nodes ~12 M.
 */
import { utf8 } from '../../lib/storage/binary';
import { headerBytes } from '../../lib/candid/encode';
import type { RecordType, VariantType } from '../../lib/candid/types';
import { AT_ADMITTED, AT_E, AT_ID, AT_LIVE, AT_OP, AT_ONLINE, AT_OPERATOR, AT_PENALTY, AT_POC, AT_REGISTERED, AT_STAKE, AT_STATUS, AT_TYPE, AT_WALLET, LAYOUT_SLOTS, LIVE_FROZEN, LIVE_SUSPENDED, NODE_STATUSES, NODE_TYPES, nodeLayout, OPERATION_KINDS, STAKE_LOCK_DAYS, STAKE_OWNER, STAKE_RENEWALS, STAKE_TERM_END, STAKE_TERM_START } from '../nodes/record';
import { namedSubaccount } from '../model/supply';
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

function nat64(v: bigint): void {
    view.setBigUint64(at, v, true);
    at += 8;
}

function bytes(b: Uint8Array): void {
    leb(b.length);
    out.set(b, at);
    at += b.length;
}

/** The most bytes a node's parts take apart from its id (texts and blobs ≤ 255 bytes each; reserved per node). */
const NODE_ROOM = 2_048;

const layout = new Int32Array(LAYOUT_SLOTS);
// Candid tags by stored number (NODE_TYPES / NODE_STATUSES order → the variant's field-id order).
const TYPE_BY_STORED = NODE_TYPES.map((t) => TYPE_TAG.get(t) as number);
const STATUS_BY_STORED = NODE_STATUSES.map((t) => STATUS_TAG.get(t) as number);
const KIND_TEXT = OPERATION_KINDS.map((k) => utf8(k));
/** The escrow subaccount's first 24 bytes ("escrow" and zeros); the node index follows. */
const ESCROW_HEAD = namedSubaccount('escrow').slice(0, 24);

/** `len ‖ bytes` copied (a u8 length below 128 is its own LEB128). */
function copyLenBytes(r: Uint8Array, p: number): void {
    const n = r[p];
    if (n >= 128) {
        leb(n);
        out.set(r.subarray(p + 1, p + 1 + n), at);
        at += n;
        return;
    }
    out.set(r.subarray(p, p + 1 + n), at);
    at += 1 + n;
}

/** A stored account (u8 len ‖ owner ‖ opt(u8 len ‖ subaccount)) as a CAccount: the principal's reference flag, then the same bytes. */
function accountAt(r: Uint8Array, p: number): void {
    out[at++] = 1;
    copyLenBytes(r, p);
    p += 1 + r[p];
    if (r[p] !== 1) out[at++] = 0;
    else {
        out[at++] = 1;
        copyLenBytes(r, p + 1);
    }
}

/** nat64 (little-endian) from a stored u64 (big-endian). */
function nat64At(r: Uint8Array, p: number): void {
    const o = out;
    const a = at;
    o[a] = r[p + 7];
    o[a + 1] = r[p + 6];
    o[a + 2] = r[p + 5];
    o[a + 3] = r[p + 4];
    o[a + 4] = r[p + 3];
    o[a + 5] = r[p + 2];
    o[a + 6] = r[p + 1];
    o[a + 7] = r[p];
    at = a + 8;
}

/** nat (LEB128) from a stored u64 (big-endian), in two 32-bit halves: no bigint. */
function natAt(r: Uint8Array, p: number): void {
    let hi = ((r[p] << 24) | (r[p + 1] << 16) | (r[p + 2] << 8) | r[p + 3]) >>> 0;
    let lo = ((r[p + 4] << 24) | (r[p + 5] << 16) | (r[p + 6] << 8) | r[p + 7]) >>> 0;
    while (hi !== 0 || lo >= 128) {
        out[at++] = (lo & 127) | 128;
        lo = ((lo >>> 7) | ((hi & 127) << 25)) >>> 0;
        hi >>>= 7;
    }
    out[at++] = lo;
}

/** nat32 (little-endian) from a stored u16 or u32 (big-endian) of `width` bytes. */
function nat32At(r: Uint8Array, p: number, width: 2 | 4): void {
    const o = out;
    const a = at;
    if (width === 4) {
        o[a] = r[p + 3];
        o[a + 1] = r[p + 2];
        o[a + 2] = r[p + 1];
        o[a + 3] = r[p];
    } else {
        o[a] = r[p + 1];
        o[a + 1] = r[p];
        o[a + 2] = 0;
        o[a + 3] = 0;
    }
    at = a + 4;
}

/** One stored node record (format 3 or 2) as a NodeView, fields in wire order, escrow = (self, "escrow" ‖ index). */
function node(r: Uint8Array, self: Uint8Array): void {
    nodeLayout(r, layout);
    room(NODE_ROOM);
    const live = layout[AT_LIVE];
    leb(STATUS_BY_STORED[layout[AT_STATUS]]);
    leb(TYPE_BY_STORED[layout[AT_TYPE]]);
    copyLenBytes(r, layout[AT_ID]);
    out[at++] = 1;
    copyLenBytes(r, layout[AT_OPERATOR]);
    const pen = layout[AT_PENALTY];
    if (pen < 0) out[at++] = 0;
    else natAt(r, pen);
    const s = layout[AT_STAKE];
    if (s < 0) out[at++] = 0;
    else {
        out[at++] = 1;
        nat64At(r, s + STAKE_TERM_START);
        accountAt(r, s + STAKE_OWNER);
        nat32At(r, s + STAKE_RENEWALS, 2);
        nat32At(r, s + STAKE_LOCK_DAYS, 2);
        natAt(r, s);
        nat64At(r, s + STAKE_TERM_END);
    }
    natAt(r, layout[AT_E]);
    const op = layout[AT_OP];
    if (op < 0) out[at++] = 0;
    else {
        out[at++] = 1;
        bytes(KIND_TEXT[r[op] & 0x7f]);
    }
    out[at++] = (live & LIVE_FROZEN) !== 0 ? 1 : 0;
    accountAt(r, layout[AT_WALLET]);
    nat64At(r, layout[AT_REGISTERED]);
    out[at++] = (live & LIVE_SUSPENDED) !== 0 ? 1 : 0;
    const adm = layout[AT_ADMITTED];
    if (adm < 0) out[at++] = 0;
    else {
        out[at++] = 1;
        nat64At(r, adm);
    }
    // escrow: (self, "escrow", zeros, the index big-endian in the last 8 bytes)
    out[at++] = 1;
    bytes(self);
    out[at++] = 1;
    out[at++] = 32;
    out.set(ESCROW_HEAD, at);
    out.set(r.subarray(1, 9), at + 24);
    at += 32;
    const online = layout[AT_ONLINE];
    if (online < 0) out[at++] = 0;
    else {
        out[at++] = 1;
        nat64At(r, online + 1);
    }
    const poc = layout[AT_POC];
    if (poc < 0) out[at++] = 0;
    else {
        out[at++] = 1;
        nat32At(r, poc, 4);
    }
    if (pen < 0) out[at++] = 0;
    else natAt(r, pen + 8);
    if (online < 0) out[at++] = 0;
    else {
        out[at++] = 1;
        out[at++] = r[online] === 1 ? 1 : 0;
    }
}

let header: Uint8Array | undefined;

/**
 * The Candid reply of `list_nodes`: the stored node records `raws` as node views with their escrow
 * accounts (the protocol canister `self`, subaccount "escrow" ‖ index), and `total`.
 */
export function nodePageBytes(raws: readonly Uint8Array[], total: bigint, self: Uint8Array): Uint8Array {
    header ??= headerBytes([NodePageT]);
    at = 0;
    room(header.length + 16);
    out.set(header, 0);
    at = header.length;
    nat64(total);
    leb(raws.length);
    for (const r of raws) node(r, self);
    return out.slice(0, at);
}
