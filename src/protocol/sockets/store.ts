/**
 * The socket NFTs' storage (docs/storage.md, "Socket records"; PROTOCOL_MEMORY.SOCKET_*, ids 170–174)
 * and the compact binary records in them, each with a leading format byte:
 *   SOCKET_TOKENS       token id u64 BE → u8 1 ‖ owner ‖ units_confirmed u64 ‖ escrow u64 ‖ status text ‖
 *                       u8 n ‖ n × approval                       (the token and its token-level approvals)
 *   SOCKET_OWNED        account key (62) ‖ 00 → directory; account key ‖ 01 ‖ bucket u32 BE → 128-byte bitmap (1,024 ids)
 *   SOCKET_ALL          00 → directory; 01 ‖ bucket u32 BE → 128-byte bitmap (tokens.ts: the id sets)
 *   SOCKET_COLLECTION   u8 length ‖ principal → u8 1 ‖ u8 n ‖ n × approval (the principal's collection approvals)
 *   SOCKET_DEDUP        created_at_time u64 BE ‖ SHA-256 of the call → block index u64 BE (dedup.ts)
 * An account is owner bytes ‖ u8 0 | u8 1 ‖ subaccount; an approval is spender account ‖ opt
 * from_subaccount ‖ opt64 expires_at ‖ opt memo ‖ created_at_time u64.
 * The writers refuse values that do not fit (src/lib/storage/binary.ts): boundaries check first.
 * Cost: one map read or write per record.
 */
import type { Account } from '../../ledger/account';
import { Reader, Writer } from '../../lib/storage/binary';
import { concat, u64be } from '../../lib/storage/bytes';
import type { KV } from '../../lib/storage/kv';
import type { ApprovalRecord, Token } from './model';

export interface SocketMaps {
    tokens: KV;
    owned: KV;
    all: KV;
    collection: KV;
    dedup: KV;
}

const FMT = 1;




function writeApproval(w: Writer, a: ApprovalRecord): void {
    w.account(a.spender);
    w.optBytes(a.fromSubaccount);
    if (a.expiresAt === undefined) w.u8(0);
    else w.u8(1).u64(a.expiresAt);
    w.optBytes(a.memo);
    w.u64(a.createdAt);
}

function readApproval(r: Reader): ApprovalRecord {
    const a: ApprovalRecord = { spender: r.account(), createdAt: 0n };
    const from = r.optBytes();
    if (from !== undefined) a.fromSubaccount = from;
    if (r.u8() === 1) a.expiresAt = r.u64();
    const memo = r.optBytes();
    if (memo !== undefined) a.memo = memo;
    a.createdAt = r.u64();
    return a;
}

function format(r: Reader, what: string): void {
    const f = r.u8();
    if (f !== FMT) throw new Error(`unknown ${what} format ${f}`);
}

export function encodeToken(t: Token): Uint8Array {
    const w = new Writer(128 + 120 * t.approvals.length);
    w.u8(FMT);
    w.account(t.owner);
    w.u64(t.shown.unitsConfirmed).u64(t.shown.escrow).text(t.shown.status).u8(t.approvals.length);
    for (const a of t.approvals) writeApproval(w, a);
    return w.done();
}

export function decodeToken(raw: Uint8Array, id: bigint): Token {
    const r = new Reader(raw);
    format(r, 'socket token');
    const owner = r.account();
    const shown = { unitsConfirmed: r.u64(), escrow: r.u64(), status: r.text() };
    const n = r.u8();
    const approvals: ApprovalRecord[] = [];
    for (let i = 0; i < n; i++) approvals.push(readApproval(r));
    return { id, owner, approvals, shown };
}

export function encodeApprovals(list: ApprovalRecord[]): Uint8Array {
    const w = new Writer(8 + 120 * list.length);
    w.u8(FMT).u8(list.length);
    for (const a of list) writeApproval(w, a);
    return w.done();
}

export function decodeApprovals(raw: Uint8Array): ApprovalRecord[] {
    const r = new Reader(raw);
    format(r, 'collection approvals');
    const n = r.u8();
    const out: ApprovalRecord[] = [];
    for (let i = 0; i < n; i++) out.push(readApproval(r));
    return out;
}

/** The collection-approval key of a principal: u8 length ‖ bytes. */
export function principalKey(owner: Uint8Array): Uint8Array {
    return concat([Uint8Array.of(owner.length), owner]);
}

/** Typed access to the token and approval records. */
export class SocketStore {
    constructor(readonly maps: SocketMaps) {}

    token(id: bigint): Token | undefined {
        if (id < 0n || id >= 1n << 64n) return undefined;
        const raw = this.maps.tokens.get(u64be(id));
        return raw === undefined ? undefined : decodeToken(raw, id);
    }

    saveToken(t: Token): void {
        this.maps.tokens.set(u64be(t.id), encodeToken(t));
    }

    deleteToken(id: bigint): void {
        this.maps.tokens.delete(u64be(id));
    }

    collectionApprovals(owner: Uint8Array): ApprovalRecord[] {
        const raw = this.maps.collection.get(principalKey(owner));
        return raw === undefined ? [] : decodeApprovals(raw);
    }

    saveCollectionApprovals(owner: Uint8Array, list: ApprovalRecord[]): void {
        if (list.length === 0) this.maps.collection.delete(principalKey(owner));
        else this.maps.collection.set(principalKey(owner), encodeApprovals(list));
    }
}
