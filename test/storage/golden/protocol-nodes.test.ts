/**
 * Golden bytes of emc_protocol's configuration, node records and node indexes, retry marks and
 * unstaked registrations (docs/storage.md, "emc_protocol"): known values encoded and compared with
 * checked-in hex, checked-in hex decoded back, old formats included. A failure means an installed
 * protocol would read its stable memory differently after an upgrade.
 */
import { FakeEnv } from '../../../src/lib/env';
import { MemoryKV, type KV } from '../../../src/lib/storage/kv';
import { PROTOCOL_MEMORY as M } from '../../../src/lib/storage/memory-ids';
import { DEFAULT_PARAMS } from '../../../src/protocol/model/params';
import { OperationMarks } from '../../../src/protocol/model/operation-marks';
import { decodeNode, encodeNode, type NodeRecord, type NodeStatus, type NodeType } from '../../../src/protocol/nodes/record';
import { Registry, typeStatusIndex } from '../../../src/protocol/nodes/registry';
import { UnstakedRegistrations } from '../../../src/protocol/nodes/unstaked';
import { protocolSystem } from '../../../src/protocol/system';
import { FakeLedgerClient } from '../../unit/protocol/fake-ledger';
import { ascii, dump, h, hex, load, u64, unhex } from './golden';

const T = 1_750_000_000_000_000_000n;
const GOVERNANCE = Uint8Array.of(0x99);
const LEDGER = Uint8Array.of(0x88);
const SELF = Uint8Array.of(0x77);
const OPERATOR = Uint8Array.of(0xaa, 0xbb);
const sub7 = new Uint8Array(32);
sub7[31] = 7;

/** The protocol's domain over in-memory maps opened by memory id (what the canister opens as StableBTreeMaps). */
function system(preloaded: Map<number, KV> = new Map()) {
    const maps = new Map<number, KV>(preloaded);
    const open = (id: number): KV => {
        let kv = maps.get(id);
        if (kv === undefined) maps.set(id, (kv = new MemoryKV()));
        return kv;
    };
    const env = new FakeEnv(GOVERNANCE, T, SELF);
    const ledger = new FakeLedgerClient(SELF, SELF, [], () => env.time);
    return { ...protocolSystem(open, env, ledger), env, open };
}

describe('emc_protocol CONFIG (memory 32)', () => {
    const PARAMS_JSON =
        '{"validatorMinStake":"100000000000000","validatorMinTermDays":360,"validatorRenewalMinDays":180,"validatorMaxRenewals":1,' +
        '"routerMinStake":"10000000000000","routerMinTermDays":180,"routerRenewalMinDays":90,' +
        '"computeMultipliers":[[7,"14"],[30,"27"],[90,"62"],[180,"100"]],"squatterGraceNs":"86400000000000","ledgerFee":"100000",' +
        '"releaseBatch":20,"maintenanceIntervalSeconds":60,"validatorPenalty":"11570000000","validatorWindowNs":"3600000000000",' +
        '"routerPenalty":"386000000","routerWindowNs":"600000000000","computeWindowNs":"3600000000000","livenessBatch":50,' +
        '"livenessSweepSeconds":600,"maxWindowsPerEvaluation":64,"impeachmentWindowNs":"604800000000000","keyRotationWindowNs":"7200000000000"}';
    const CONFIG_JSON = `{"format":1,"governance":"99","ledger":"88","params":${PARAMS_JSON}}`;
    const PAUSED_JSON = `{"format":1,"governance":"99","ledger":"88","params":${PARAMS_JSON},"paused":{"reason":"audit","since":"1750000000000000000"}}`;
    /** Written by the builds from d6b1e6e until liveness penalties (843f322) added parameters: they take their defaults. */
    const LEGACY_JSON =
        '{"format":1,"governance":"99","ledger":"88","params":{"validatorMinStake":"100000000000000","validatorMinTermDays":400,' +
        '"validatorRenewalMinDays":180,"validatorMaxRenewals":1,"routerMinStake":"10000000000000","routerMinTermDays":180,' +
        '"routerRenewalMinDays":90,"computeMultipliers":[[7,"14"],[30,"27"],[90,"62"],[180,"100"]],"squatterGraceNs":"86400000000000",' +
        '"ledgerFee":"200000","releaseBatch":20,"maintenanceIntervalSeconds":60}}';
    const utf8 = (s: string): string => hex(new TextEncoder().encode(s));

    it('stores the configuration under key 01 as format-1 JSON and the next node index under key 02 (u64 BE)', async () => {
        const s = system();
        s.init({ governance: GOVERNANCE, ledger: LEDGER });
        expect(dump(s.open(M.CONFIG))).toEqual([['01', utf8(CONFIG_JSON)]]);
        s.config.save({ ...s.config.get(), paused: { reason: 'audit', since: String(T) } });
        expect(dump(s.open(M.CONFIG))).toEqual([['01', utf8(PAUSED_JSON)]]);
        // A registration takes the next index (an unstaked compute node: no ledger call).
        s.env.as(OPERATOR);
        s.config.save({ ...s.config.get(), paused: undefined });
        expect(await s.stakes.registerNode({ node_id: 'c1', node_type: 'compute', wallet: { owner: OPERATOR } })).toHaveProperty('Ok');
        expect(dump(s.open(M.CONFIG))).toEqual([
            ['01', utf8(CONFIG_JSON)],
            ['02', u64(1)],
        ]);
    });

    it('reads the configuration back, an older one with the parameters it lacks at their defaults', () => {
        const read = (json: string, next?: bigint) => {
            const entries: [string, string][] = [['01', utf8(json)]];
            if (next !== undefined) entries.push(['02', u64(next)]);
            const s = system(new Map([[M.CONFIG, load(entries)]]));
            return { config: s.config.get(), next: s.config.nextIndex() };
        };
        expect(read(CONFIG_JSON, 3n)).toEqual({ config: { governance: GOVERNANCE, ledger: LEDGER, params: DEFAULT_PARAMS }, next: 3n });
        expect(read(PAUSED_JSON).config.paused).toEqual({ reason: 'audit', since: String(T) });
        expect(read(LEGACY_JSON)).toEqual({ config: { governance: GOVERNANCE, ledger: LEDGER, params: { ...DEFAULT_PARAMS, validatorMinTermDays: 400, ledgerFee: 200_000n } }, next: 0n });
        expect(() => read(CONFIG_JSON.replace('"format":1', '"format":2'))).toThrow(/unknown protocol config format 2/);
    });
});

describe('emc_protocol NODES (memory 34): node index (u64 BE) → node record', () => {
    /** Every optional field present. */
    const full: NodeRecord = {
        index: 5n,
        id: 'r1',
        type: 'router',
        status: 'active',
        operator: OPERATOR,
        wallet: { owner: Uint8Array.of(0xcc), subaccount: sub7 },
        registeredAt: T,
        admittedAt: T + 1n,
        stake: { amount: 10n ** 13n, lockDays: 180, termStart: T + 1n, termEnd: T + 2n, renewals: 1, owner: { owner: OPERATOR } },
        requestedLockDays: 180,
        pocMs: 10_380,
        pocHeight: 7n,
        online: true,
        observedAt: T + 3n,
        e: 1_200_000_000n,
        op: { kind: 'claim', amount: 42n, createdAt: T + 4n, memo: new TextEncoder().encode('emc:claim:5:3'), days: 0, account: { owner: Uint8Array.of(0xcc) }, uncertain: true },
        opSeq: 3,
        suspended: true,
        frozen: true,
        fault: { from: T + 5n, k: 2 },
        penaltyDue: 7n,
        penalized: 9n,
        stakeBasis: 10n ** 13n,
    };
    const FULL_BEFORE_LIVENESS = h(
        u64(5), // index
        '01', // type: validator 0, router 1, compute 2
        '03', // status: staking 0, candidate 1, awaiting_poc 2, active 3, expired 4, withdrawn 5, evicted 6, disqualified 7
        '02', ascii('r1'), // id (u8 length)
        '02', 'aabb', // operator
        '01', 'cc', '01', '20', h('00'.repeat(31), '07'), // wallet: owner, has subaccount, subaccount
        u64(T), // registered_at
        u64(1_200_000_000n), // E × 10^8
        '00000003', // operations started (u32)
        '3f', // present: admitted 1, stake 2, requested lock 4, PoC 8, online 16, operation 32
        u64(T + 1n), // admitted_at
        u64(10n ** 13n), '00b4', u64(T + 1n), u64(T + 2n), '0001', '02', 'aabb', '00', // stake: amount, lock days u16, term start, term end, renewals u16, owner
        '00b4', // requested lock days
        '0000288c', u64(7), // PoC ms u32, PoC height
        '01', u64(T + 3n), // online, observed_at
        '85', u64(42), u64(T + 4n), '0d', ascii('emc:claim:5:3'), '0000', '01', 'cc', '00', // operation: kind claim 5 | uncertain 0x80, amount, created_at, memo, days, account
    );
    const FULL_V3 = h(
        '03',
        FULL_BEFORE_LIVENESS,
        '1f', // liveness bits: suspended 1, frozen 2, fault 4, penalty 8, stake basis 16
        u64(T + 5n), '00000002', // fault: from, windows evaluated
        u64(7), u64(9), // penalty due, penalized
        u64(10n ** 13n), // stake basis
    );
    /** Format 2 (before liveness penalties): the same record without the liveness part. */
    const FULL_V2 = h('02', FULL_BEFORE_LIVENESS);
    const { suspended: _s, frozen: _f, fault: _fa, penaltyDue: _p, penalized: _pz, stakeBasis: _b, ...fullV2 } = full;

    const minimal: NodeRecord = { index: 0n, id: 'c1', type: 'compute', status: 'awaiting_poc', operator: OPERATOR, wallet: { owner: OPERATOR }, registeredAt: T, e: 0n, opSeq: 0 };
    const MINIMAL_V3 = h('03', u64(0), '02', '02', '02', ascii('c1'), '02aabb', '02aabb00', u64(T), u64(0), '00000000', '00', '00');

    it('encodes format 3', () => {
        expect(hex(encodeNode(full))).toBe(FULL_V3);
        expect(hex(encodeNode(minimal))).toBe(MINIMAL_V3);
        // A penalty part is written only when something was charged.
        expect(hex(encodeNode({ ...minimal, penaltyDue: 0n, penalized: 0n }))).toBe(MINIMAL_V3);
    });

    it('decodes format 3 and format 2', () => {
        expect(decodeNode(unhex(FULL_V3))).toEqual(full);
        expect(decodeNode(unhex(MINIMAL_V3))).toEqual(minimal);
        expect(decodeNode(unhex(FULL_V2))).toEqual(fullV2);
        expect(decodeNode(unhex(h('02', MINIMAL_V3.slice(2, -2))))).toEqual(minimal);
        // A PoC height of 0 is not stored as a height.
        expect(decodeNode(unhex(FULL_V3.replace(h('0000288c', u64(7)), h('0000288c', u64(0))))).pocHeight).toBeUndefined();
    });

    it('refuses a format it does not know (format 1, JSON, is no longer read)', () => {
        expect(() => decodeNode(unhex(h('01', MINIMAL_V3.slice(2))))).toThrow(/unknown node record format 1/);
        expect(() => decodeNode(new TextEncoder().encode('{"f":1}'))).toThrow(/unknown node record format 123/);
    });
});

describe('emc_protocol node indexes: NODE_IDS (35), EXPIRIES (36), VALIDATORS (37), the (type, status) maps (64 + 16 × type + status)', () => {
    const validator: NodeRecord = {
        index: 2n,
        id: 'v1',
        type: 'validator',
        status: 'active',
        operator: OPERATOR,
        wallet: { owner: OPERATOR },
        registeredAt: T,
        admittedAt: T,
        stake: { amount: 10n ** 14n, lockDays: 360, termStart: T, termEnd: T + 100n, renewals: 0, owner: { owner: OPERATOR } },
        e: 10_000_000_000n,
        opSeq: 1,
    };

    function registry() {
        const stores = { nodes: new MemoryKV(), ids: new MemoryKV(), expiries: new MemoryKV(), validators: new MemoryKV(), paging: new Map<number, MemoryKV>() };
        const r = new Registry({
            nodes: stores.nodes,
            ids: stores.ids,
            expiries: stores.expiries,
            validators: stores.validators,
            byTypeStatus: (t: NodeType, s: NodeStatus) => {
                const id = M.TYPE_STATUS_BASE + typeStatusIndex(t, s);
                let kv = stores.paging.get(id);
                if (kv === undefined) stores.paging.set(id, (kv = new MemoryKV()));
                return kv;
            },
        });
        return { r, stores };
    }

    const golden = {
        nodes: [[u64(2), hex(encodeNode(validator))]],
        ids: [[ascii('v1'), u64(2)]], // node id (UTF-8) → node index
        validators: [['aabb', u64(2)]], // operator principal → node index of its active validator
        expiries: [[h(u64(T + 100n), u64(2)), '']], // term end ‖ node index → empty
        paging: [[67, [[u64(2), '']]]], // validator/active = 64 + 16 × 0 + 3: node index → empty
    };

    it('writes a node and every index', () => {
        const { r, stores } = registry();
        r.put(validator, undefined);
        r.scheduleExpiry(validator);
        expect({
            nodes: dump(stores.nodes),
            ids: dump(stores.ids),
            validators: dump(stores.validators),
            expiries: dump(stores.expiries),
            paging: [...stores.paging].map(([id, kv]) => [id, dump(kv)]),
        }).toEqual(golden);
    });

    it('moves a node between (type, status) maps and out of the validator index', () => {
        const { r, stores } = registry();
        r.put(validator, undefined);
        r.put({ ...validator, status: 'expired' }, validator);
        expect([...stores.paging].map(([id, kv]) => [id, dump(kv)])).toEqual([
            [67, []],
            [68, [[u64(2), '']]], // validator/expired
        ]);
        expect(dump(stores.validators)).toEqual([]);
    });

    it('reads them back', () => {
        const paging = new Map([[67, load(golden.paging[0][1] as [string, string][])]]);
        const r = new Registry({
            nodes: load(golden.nodes as [string, string][]),
            ids: load(golden.ids as [string, string][]),
            expiries: load(golden.expiries as [string, string][]),
            validators: load(golden.validators as [string, string][]),
            byTypeStatus: (t, s) => paging.get(M.TYPE_STATUS_BASE + typeStatusIndex(t, s)) ?? new MemoryKV(),
        });
        expect(r.byId('v1')).toEqual(validator);
        expect(r.validatorIndex(OPERATOR)).toBe(2n);
        expect(r.dueExpiries(T + 100n, 10)).toEqual([{ termEnd: T + 100n, index: 2n }]);
        expect(r.page('validator', 'active', 0, 10)).toEqual([validator]);
        expect(r.count('validator', 'active')).toBe(1);
    });
});

describe('emc_protocol PENDING_OPS (33) and PAYOUT_RETRIES (60): id (u64 BE) → retry mark', () => {
    const LEASE = 300n * 1_000_000_000n;

    it('writes u64 started_at ‖ u32 attempt ‖ u8 in flight (13 bytes)', () => {
        const kv = new MemoryKV();
        const marks = new OperationMarks(kv, LEASE);
        marks.reserve(4n, T);
        expect(dump(kv)).toEqual([[u64(4), h(u64(T), '00000000', '01')]]);
        expect(marks.start(4n, T + 1n)).toBe(1);
        marks.start(9n, T + 2n);
        marks.unknown(9n);
        expect(dump(kv)).toEqual([
            [u64(4), h(u64(T + 1n), '00000001', '01')],
            [u64(9), h(u64(T + 2n), '00000001', '00')],
        ]);
        marks.done(4n);
        expect(dump(kv).map(([k]) => k)).toEqual([u64(9)]);
    });

    it('reads the 13-byte form, and the empty value of the builds before numbered attempts as attempt 0, not in flight', () => {
        const marks = new OperationMarks(
            load([
                [u64(4), h(u64(T + 1n), '00000001', '01')],
                [u64(7), ''],
                [u64(9), h(u64(T + 2n), '00000003', '00')],
            ]),
            LEASE,
        );
        expect([marks.get(4n), marks.get(7n), marks.get(9n)]).toEqual([
            { startedAt: T + 1n, attempt: 1, inFlight: true },
            { startedAt: 0n, attempt: 0, inFlight: false },
            { startedAt: T + 2n, attempt: 3, inFlight: false },
        ]);
        expect(marks.due(T + 10n, 10)).toEqual([7n, 9n]);
        expect(marks.start(7n, T + 10n)).toBe(1);
    });
});

describe('emc_protocol UNSTAKED_QUEUE (61) and UNSTAKED_BY_OPERATOR (62)', () => {
    const node = (index: bigint, registeredAt: bigint): NodeRecord => ({ index, id: `c${index}`, type: 'compute', status: 'awaiting_poc', operator: OPERATOR, wallet: { owner: OPERATOR }, registeredAt, e: 0n, opSeq: 0 });

    it('queues registered_at ‖ node index → empty and counts per operator (u32 BE)', () => {
        const queue = new MemoryKV();
        const perOperator = new MemoryKV();
        const u = new UnstakedRegistrations(queue, perOperator);
        u.track(node(3n, T + 5n), undefined);
        u.track(node(4n, T), undefined);
        expect({ queue: dump(queue), perOperator: dump(perOperator) }).toEqual({
            queue: [
                [h(u64(T), u64(4)), ''],
                [h(u64(T + 5n), u64(3)), ''],
            ],
            perOperator: [['aabb', '00000002']],
        });
    });

    it('reads them back', () => {
        const u = new UnstakedRegistrations(load([[h(u64(T), u64(4)), '']]), load([['aabb', '00000001']]));
        expect([u.due(T, 10), u.countOf(OPERATOR), u.total(), u.oldest()]).toEqual([[{ registeredAt: T, index: 4n }], 1, 1, T]);
        u.track({ ...node(4n, T), status: 'active', pocMs: 1 }, node(4n, T));
        expect([u.total(), u.countOf(OPERATOR)]).toEqual([0, 0]);
    });
});
