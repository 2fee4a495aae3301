/**
 * The node registry's storage: node records by index, the node-id index, one index per
 * (type, status) for paging, the stake-term expiry queue, and active validators by operator.
 * Every write goes through to a KV (stable memory in the canister).
 */
import { utf8 } from '../../lib/storage/binary';
import type { KV } from '../../lib/storage/kv';
import { bytesEqual, concat, readU64be, u64be } from '../../lib/storage/bytes';
import { decodeNode, encodeNode, NODE_STATUSES, NODE_TYPES, type NodeRecord, type NodeStatus, type NodeType } from './record';

export interface RegistryStores {
    nodes: KV;
    ids: KV;
    expiries: KV;
    validators: KV;
    /** One KV per (type, status), see `typeStatusIndex`. */
    byTypeStatus: (type: NodeType, status: NodeStatus) => KV;
}

const EMPTY = new Uint8Array(0);

export class Registry {
    constructor(private readonly kv: RegistryStores) {}

    get(index: bigint): NodeRecord | undefined {
        const raw = this.kv.nodes.get(u64be(index));
        return raw === undefined ? undefined : decodeNode(raw);
    }

    indexOf(id: string): bigint | undefined {
        const raw = this.kv.ids.get(utf8(id));
        return raw === undefined ? undefined : readU64be(raw);
    }

    byId(id: string): NodeRecord | undefined {
        const index = this.indexOf(id);
        return index === undefined ? undefined : this.get(index);
    }

    /** Writes a node, keeping every index in step with its (type, status) and validator role. */
    put(n: NodeRecord, previous: NodeRecord | undefined): void {
        const key = u64be(n.index);
        this.kv.nodes.set(key, encodeNode(n));
        if (previous === undefined) this.kv.ids.set(utf8(n.id), key);
        if (previous === undefined || previous.status !== n.status || previous.type !== n.type) {
            if (previous !== undefined) this.kv.byTypeStatus(previous.type, previous.status).delete(key);
            this.kv.byTypeStatus(n.type, n.status).set(key, EMPTY);
        }
        const wasValidator = previous !== undefined && isVotingValidator(previous);
        if (wasValidator && (!isVotingValidator(n) || !bytesEqual(previous.operator, n.operator))) this.kv.validators.delete(previous.operator);
        if (isVotingValidator(n)) this.kv.validators.set(n.operator, key);
    }

    /** Removes a registration that never became a node (a failed first stake). */
    delete(n: NodeRecord): void {
        const key = u64be(n.index);
        this.kv.nodes.delete(key);
        const idIndex = this.kv.ids.get(utf8(n.id));
        if (idIndex !== undefined && readU64be(idIndex) === n.index) this.kv.ids.delete(utf8(n.id));
        this.kv.byTypeStatus(n.type, n.status).delete(key);
        if (isVotingValidator(n)) this.kv.validators.delete(n.operator);
    }

    /** Points a node id at another record (a takeover of an evicted registration). */
    rebindId(id: string, index: bigint): void {
        this.kv.ids.set(utf8(id), u64be(index));
    }

    count(type: NodeType, status: NodeStatus): number {
        return this.kv.byTypeStatus(type, status).size();
    }

    /** The stored records of a page, not decoded (list_nodes transcodes them to Candid: src/protocol/api/node-writer.ts). */
    pageRaw(type: NodeType, status: NodeStatus, start: number, count: number): Uint8Array[] {
        const out: Uint8Array[] = [];
        for (const [key] of this.kv.byTypeStatus(type, status).entries(start, count)) {
            const raw = this.kv.nodes.get(key);
            if (raw !== undefined) out.push(raw);
        }
        return out;
    }

    page(type: NodeType, status: NodeStatus, start: number, count: number): NodeRecord[] {
        const out: NodeRecord[] = [];
        for (const [key] of this.kv.byTypeStatus(type, status).entries(start, count)) {
            const n = this.get(readU64be(key));
            if (n !== undefined) out.push(n);
        }
        return out;
    }

    /** The active validator run by `operator`, if any. */
    validatorIndex(operator: Uint8Array): bigint | undefined {
        const raw = this.kv.validators.get(operator);
        return raw === undefined ? undefined : readU64be(raw);
    }

    activeValidatorCount(): number {
        return this.kv.validators.size();
    }

    scheduleExpiry(n: NodeRecord): void {
        if (n.stake !== undefined) this.kv.expiries.set(concat([u64be(n.stake.termEnd), u64be(n.index)]), EMPTY);
    }

    unscheduleExpiry(index: bigint, termEnd: bigint): void {
        this.kv.expiries.delete(concat([u64be(termEnd), u64be(index)]));
    }

    /** Up to `max` (termEnd, node index) pairs due at `now`, earliest first. */
    dueExpiries(now: bigint, max: number): { termEnd: bigint; index: bigint }[] {
        const out: { termEnd: bigint; index: bigint }[] = [];
        for (const [key] of this.kv.expiries.entries(0, max)) {
            const termEnd = readU64be(key, 0);
            if (termEnd > now) break;
            out.push({ termEnd, index: readU64be(key, 8) });
        }
        return out;
    }

    /** The earliest scheduled term end, if any. */
    nextExpiry(): bigint | undefined {
        const first = this.kv.expiries.entries(0, 1)[0];
        return first === undefined ? undefined : readU64be(first[0], 0);
    }

    pendingExpiries(): number {
        return this.kv.expiries.size();
    }
}

/** An active (admitted) validator that may vote: not suspended (spec §6), not frozen (spec §7). */
export function isVotingValidator(n: NodeRecord): boolean {
    return n.type === 'validator' && n.status === 'active' && n.suspended !== true && n.frozen !== true;
}

/** The memory-id offset of a (type, status) index: 16 statuses per type. */
export function typeStatusIndex(type: NodeType, status: NodeStatus): number {
    return NODE_TYPES.indexOf(type) * 16 + NODE_STATUSES.indexOf(status);
}

