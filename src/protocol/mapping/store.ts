/**
 * Airdrop / mapping records and their binary codecs (spec §13.2; docs/storage.md ids 150–152): the
 * mapping (MAPPINGS, id u64 BE →), its entries (MAPPING_ENTRIES, id u64 BE ‖ account key (62) →)
 * and the next id (MAPPING_STATE [1]). Values open with format byte 1; writers throw on values that
 * do not fit (never wrap). Cost: one map read or write per record.
 */
import { Reader, Writer } from '../../lib/storage/binary';
import { concat, readU64be, u64be } from '../../lib/storage/bytes';
import type { KV } from '../../lib/storage/kv';
import type { HashState } from './running-hash';

export const MAPPING_STATUSES = ['loading', 'funding', 'open', 'swept', 'cancelled'] as const;
export type MappingStatus = (typeof MAPPING_STATUSES)[number];

export interface Mapping {
    id: bigint;
    name: string;
    status: MappingStatus;
    rateNum: bigint;
    rateDen: bigint;
    /** Entries with a source amount below this are dust (source units). */
    dustThreshold: bigint;
    windowStart: bigint;
    windowEnd: bigint;
    count: bigint;
    sourceTotal: bigint;
    dustSource: bigint;
    /** Σ floor(source × rate) of the entries above the threshold (e8s). */
    mappedTotal: bigint;
    claimed: bigint;
    /** Claims whose ledger transfer has no outcome yet (the sweep waits for them). */
    pendingClaims: number;
    hash: HashState;
    digest?: Uint8Array;
    dustSent: boolean;
    sweptAmount: bigint;
    createdAt: bigint;
    reason: string;
}

export interface Entry {
    source: bigint;
    claimed: boolean;
}

const FMT = 1;
const NEXT = Uint8Array.of(1);

export class MappingStore {
    constructor(readonly kv: { mappings: KV; entries: KV; state: KV }) {}

    nextId(): bigint {
        const raw = this.kv.state.get(NEXT);
        return raw === undefined ? 0n : readU64be(raw);
    }

    takeId(): bigint {
        const id = this.nextId();
        this.kv.state.set(NEXT, u64be(id + 1n));
        return id;
    }

    get(id: bigint): Mapping | undefined {
        const raw = this.kv.mappings.get(u64be(id));
        if (raw === undefined) return undefined;
        const r = new Reader(raw);
        if (r.u8() !== FMT) throw new Error('unknown mapping format');
        const m: Mapping = {
            id,
            name: r.text(),
            status: MAPPING_STATUSES[r.u8()],
            rateNum: r.u64(),
            rateDen: r.u64(),
            dustThreshold: r.u64(),
            windowStart: r.u64(),
            windowEnd: r.u64(),
            count: r.u64(),
            sourceTotal: r.u64(),
            dustSource: r.u64(),
            mappedTotal: r.u64(),
            claimed: r.u64(),
            pendingClaims: r.u32(),
            hash: { state: r.bytes(), length: r.u64(), tail: r.bytes() },
            dustSent: false,
            sweptAmount: 0n,
            createdAt: 0n,
            reason: '',
        };
        if (r.u8() === 1) m.digest = r.bytes();
        m.dustSent = r.u8() === 1;
        m.sweptAmount = r.u64();
        m.createdAt = r.u64();
        m.reason = r.longText();
        return m;
    }

    save(m: Mapping): void {
        const w = new Writer(256);
        w.u8(FMT).text(m.name).u8(MAPPING_STATUSES.indexOf(m.status)).u64(m.rateNum).u64(m.rateDen).u64(m.dustThreshold).u64(m.windowStart).u64(m.windowEnd);
        w.u64(m.count).u64(m.sourceTotal).u64(m.dustSource).u64(m.mappedTotal).u64(m.claimed).u32(m.pendingClaims);
        w.bytes(m.hash.state).u64(m.hash.length).bytes(m.hash.tail);
        if (m.digest === undefined) w.u8(0);
        else w.u8(1).bytes(m.digest);
        w.u8(m.dustSent ? 1 : 0).u64(m.sweptAmount).u64(m.createdAt).longText(m.reason);
        this.kv.mappings.set(u64be(m.id), w.done());
    }

    entry(id: bigint, accountKey: Uint8Array): Entry | undefined {
        const raw = this.kv.entries.get(concat([u64be(id), accountKey]));
        if (raw === undefined) return undefined;
        const r = new Reader(raw);
        if (r.u8() !== FMT) throw new Error('unknown mapping entry format');
        return { source: r.u64(), claimed: r.u8() === 1 };
    }

    hasEntry(id: bigint, accountKey: Uint8Array): boolean {
        return this.kv.entries.has(concat([u64be(id), accountKey]));
    }

    saveEntry(id: bigint, accountKey: Uint8Array, e: Entry): void {
        this.kv.entries.set(concat([u64be(id), accountKey]), new Writer(10).u8(FMT).u64(e.source).u8(e.claimed ? 1 : 0).done());
    }
}
