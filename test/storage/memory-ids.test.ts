/**
 * The stable-memory id registry (src/lib/storage/memory-ids.ts) pinned: every id of both canisters,
 * the (node type, status) paging maps derived from TYPE_STATUS_BASE, and the order of the node
 * types and statuses those ids and the node records store.
 *
 * Why: a memory id is where an installed canister finds a map after an upgrade. Renumbering an id,
 * or giving an abandoned id to a new map, makes the upgraded code read another map's bytes as its
 * own (or lose the data). So ids are assigned once and never changed or reused; an abandoned id
 * stays in the registry as `DEPRECATED_…`. A new map takes a new id, added here and to
 * docs/storage.md in the same commit.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { LEDGER_MEMORY, PROTOCOL_MEMORY } from '../../src/lib/storage/memory-ids';
import { NODE_STATUSES, NODE_TYPES } from '../../src/protocol/nodes/record';
import { typeStatusIndex } from '../../src/protocol/nodes/registry';

const NEVER_REUSED =
    'stable-memory ids are never renumbered or reused: an upgraded canister finds each map by its id, so a changed id ' +
    'reads another map’s bytes (or loses the data). Give a new map a new id, keep an abandoned one as DEPRECATED_… ' +
    '(docs/storage.md, "The rules")';

/** The registry as released. Append new ids; never edit or remove a line. */
const LEDGER_SNAPSHOT: Record<string, number> = {
    CONFIG: 0,
    BALANCES: 1,
    ALLOWANCES: 2,
    SPENDERS: 3,
    APPROVAL_EXPIRIES: 4,
    BLOCKS: 5,
    DEDUP: 6,
};

const PROTOCOL_SNAPSHOT: Record<string, number> = {
    CONFIG: 32,
    PENDING_OPS: 33,
    NODES: 34,
    NODE_IDS: 35,
    EXPIRIES: 36,
    VALIDATORS: 37,
    BATCH_CONFIG: 38,
    BATCH_PROPOSALS: 39,
    BATCH_VOTES: 40,
    BATCH_CONFIRMED: 41,
    BATCH_PARTICIPATION: 42,
    REWARDS_STATE: 43,
    NODE_REWARDS: 44,
    EPOCHS: 45,
    LIVENESS_QUEUE: 46,
    LIVENESS_DUE: 47,
    FAULT_EPISODES: 48,
    DEDUCTIONS: 49,
    PENALTY_LOG: 50,
    PENALTY_STATE: 51,
    VOTES: 52,
    VOTE_BALLOTS: 53,
    VOTE_DEADLINES: 54,
    VOTE_OPEN: 55,
    VOTE_STATE: 56,
    GOVERNANCE_LOG: 57,
    PAYOUTS: 58,
    GOVERNANCE_STATE: 59,
    PAYOUT_RETRIES: 60,
    UNSTAKED_QUEUE: 61,
    UNSTAKED_BY_OPERATOR: 62,
    TYPE_STATUS_BASE: 64,
    MARKET_STATE: 112,
    MARKET_OFFERS: 113,
    MARKET_NODE_OFFERS: 114,
    MARKET_ORDERS: 115,
    MARKET_DEDUP: 116,
    MARKET_PENDING: 117,
    MARKET_MATURITY: 118,
    MARKET_EXPIRIES: 119,
    MARKET_DISPUTES: 120,
    MARKET_CREDITS: 121,
    MARKET_OPS: 122,
    MARKET_RETRIES: 123,
    MARKET_RECEIPTS: 124,
    MARKET_REFERENCE_PRICES: 125,
    OUTBOX: 140,
    OUTBOX_RETRIES: 141,
    OUTBOX_STATE: 142,
    VESTING_SCHEDULES: 143,
    VESTING_BY_OWNER: 144,
    VESTING_STATE: 145,
    LOCKUP_STATE: 146,
    LOCKUP_PERIODS: 147,
    LOCKUP_LOCKS: 148,
    LOCKUP_BY_OWNER: 149,
    MAPPINGS: 150,
    MAPPING_ENTRIES: 151,
    MAPPING_STATE: 152,
    PROJECTS: 153,
    PROJECT_HISTORY: 154,
    PROJECT_BY_PRINCIPAL: 155,
    PROJECT_BY_STATUS: 156,
    PROJECT_STATE: 157,
    LOG_BLOCKS: 160,
    LOG_STATE: 161,
};

/** Node types and statuses in stored order (their positions are stored and name memory ids): append only. */
const TYPES_SNAPSHOT = ['validator', 'router', 'compute'];
const STATUSES_SNAPSHOT = ['staking', 'candidate', 'awaiting_poc', 'active', 'expired', 'withdrawn', 'evicted', 'disqualified'];

/** Each (type, status) paging map's memory id: 64 + 16 × type + status (16 slots reserved per type). */
const TYPE_STATUS_SNAPSHOT: [string, string, number][] = [
    ['validator', 'staking', 64], ['validator', 'candidate', 65], ['validator', 'awaiting_poc', 66], ['validator', 'active', 67],
    ['validator', 'expired', 68], ['validator', 'withdrawn', 69], ['validator', 'evicted', 70], ['validator', 'disqualified', 71],
    ['router', 'staking', 80], ['router', 'candidate', 81], ['router', 'awaiting_poc', 82], ['router', 'active', 83],
    ['router', 'expired', 84], ['router', 'withdrawn', 85], ['router', 'evicted', 86], ['router', 'disqualified', 87],
    ['compute', 'staking', 96], ['compute', 'candidate', 97], ['compute', 'awaiting_poc', 98], ['compute', 'active', 99],
    ['compute', 'expired', 100], ['compute', 'withdrawn', 101], ['compute', 'evicted', 102], ['compute', 'disqualified', 103],
];

/** Ids ic-stable-structures and Azle keep for themselves. */
const RESERVED = new Map([
    [254, 'Azle’s WASI file system'],
    [255, 'the memory manager’s own header (ic-stable-structures)'],
]);

function pinned(canister: string, registry: Record<string, number>, snapshot: Record<string, number>): string[] {
    const problems: string[] = [];
    for (const [name, id] of Object.entries(snapshot)) {
        if (!(name in registry) && registry[`DEPRECATED_${name}`] === id) continue; // abandoned, its id kept
        if (!(name in registry)) problems.push(`${canister}.${name} (memory id ${id}) is gone from the registry: keep it, renamed DEPRECATED_${name}, so that id ${id} is never taken again — ${NEVER_REUSED}`);
        else if (registry[name] !== id) problems.push(`${canister}.${name} moved from memory id ${id} to ${registry[name]} — ${NEVER_REUSED}`);
    }
    for (const [name, id] of Object.entries(registry)) {
        if (name in snapshot) continue;
        const deprecated = name.startsWith('DEPRECATED_') ? name.slice('DEPRECATED_'.length) : undefined;
        if (deprecated !== undefined && snapshot[deprecated] === id) continue;
        const taken = Object.entries(snapshot).find(([, v]) => v === id);
        if (taken !== undefined) problems.push(`${canister}.${name} reuses memory id ${id}, which ${canister}.${taken[0]} had — ${NEVER_REUSED}`);
        else problems.push(`${canister}.${name} (memory id ${id}) is new: add it to this snapshot and to docs/storage.md in the same commit`);
    }
    return problems;
}

describe('the memory-id registry', () => {
    it('pins every id of emc_ledger', () => {
        expect(pinned('LEDGER_MEMORY', LEDGER_MEMORY, LEDGER_SNAPSHOT)).toEqual([]);
    });

    it('pins every id of emc_protocol', () => {
        expect(pinned('PROTOCOL_MEMORY', PROTOCOL_MEMORY, PROTOCOL_SNAPSHOT)).toEqual([]);
    });

    it('pins the order of node types and statuses (stored in records, naming the paging maps)', () => {
        expect({ types: [...NODE_TYPES], statuses: [...NODE_STATUSES] }).toEqual({ types: TYPES_SNAPSHOT, statuses: STATUSES_SNAPSHOT });
        expect(NODE_STATUSES.length).toBeLessThanOrEqual(16); // 16 paging maps reserved per node type
    });

    it('pins the memory id of every (node type, status) paging map', () => {
        const ids = NODE_TYPES.flatMap((t) => NODE_STATUSES.map((s) => [t, s, PROTOCOL_MEMORY.TYPE_STATUS_BASE + typeStatusIndex(t, s)] as [string, string, number]));
        expect(ids).toEqual(TYPE_STATUS_SNAPSHOT);
    });

    it('gives every map of a canister its own id, clear of the reserved ones and of the other canister', () => {
        const ledger = Object.entries(LEDGER_MEMORY).map(([n, id]) => [`LEDGER_MEMORY.${n}`, id] as [string, number]);
        const protocol = [
            ...Object.entries(PROTOCOL_MEMORY).filter(([n]) => n !== 'TYPE_STATUS_BASE').map(([n, id]) => [`PROTOCOL_MEMORY.${n}`, id] as [string, number]),
            // the whole reserved range of the paging maps, used or not
            ...Array.from({ length: 16 * NODE_TYPES.length }, (_, i) => [`PROTOCOL_MEMORY.TYPE_STATUS_BASE + ${i}`, PROTOCOL_MEMORY.TYPE_STATUS_BASE + i] as [string, number]),
        ];
        for (const list of [ledger, protocol]) {
            const seen = new Map<number, string>();
            for (const [name, id] of list) {
                expect({ name, id, ok: Number.isInteger(id) && id >= 0 && id <= 253 }).toEqual({ name, id, ok: true });
                expect({ name, alsoUsedBy: seen.get(id), reserved: RESERVED.get(id) }).toEqual({ name, alsoUsedBy: undefined, reserved: undefined });
                seen.set(id, name);
            }
        }
        // Ledger ids stay below 32, protocol ids at 32 and up: a review cannot confuse them.
        expect(ledger.filter(([, id]) => id >= 32)).toEqual([]);
        expect(protocol.filter(([, id]) => id < 32)).toEqual([]);
    });

    it('is documented: docs/storage.md names every id', () => {
        const doc = readFileSync(resolve(__dirname, '../../docs/storage.md'), 'utf8');
        const missing: string[] = [];
        for (const [canister, reg] of [['LEDGER_MEMORY', LEDGER_MEMORY], ['PROTOCOL_MEMORY', PROTOCOL_MEMORY]] as const) {
            for (const [name, id] of Object.entries(reg)) {
                const row = new RegExp(`\\|\\s*${id}\\s*\\|\\s*\`${name}\``);
                if (!row.test(doc)) missing.push(`${canister}.${name} = ${id}`);
            }
        }
        for (const [type, status, id] of TYPE_STATUS_SNAPSHOT) if (!doc.includes(`| ${id} | \`${type}/${status}\``)) missing.push(`paging map ${type}/${status} = ${id}`);
        expect(missing).toEqual([]);
    });
});
