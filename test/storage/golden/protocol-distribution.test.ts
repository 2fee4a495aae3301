/**
 * Golden bytes of the genesis distribution's records (emc_protocol memories 140–157,
 * docs/storage.md): the outbox (entries, retry marks, next id), the vesting schedules with their
 * owner index and totals, the lock-up game, periods, locks and owner index, the mappings, their
 * entries and next id, and the ecosystem projects (records, history, both indexes, state), written
 * by the domain's codecs (or by the protocol over in-memory maps) and read back from checked-in hex.
 * Format 1 of each (the first release).
 */
import { decodeEntry, encodeEntry, type OutboxEntry } from '../../../src/protocol/treasury/outbox';
import { decodeSchedule, encodeSchedule, type Schedule } from '../../../src/protocol/treasury/vesting';
import { decodeLock, encodeLock, type Lock } from '../../../src/protocol/lockup/store';
import { MappingStore } from '../../../src/protocol/mapping/store';
import { initialHash } from '../../../src/protocol/mapping/running-hash';
import { MemoryKV } from '../../../src/lib/storage/kv';
import { LockupStore, type Game, type PeriodRecord } from '../../../src/protocol/lockup/store';
import { Outbox } from '../../../src/protocol/treasury/outbox';
import { Projects } from '../../../src/protocol/projects/projects';
import { PROTOCOL_MEMORY as M } from '../../../src/lib/storage/memory-ids';
import { FakeLedgerClient } from '../../unit/protocol/fake-ledger';
import { distributionProtocol, EMC, GOVERNANCE, SEC, T0, operator } from '../../unit/protocol/distribution-helpers';
import { ascii, dump, h, hex, load, u64, unhex } from './golden';

const T = 1_750_000_000_000_000_000n;
const OWNER = Uint8Array.of(0xaa, 0xbb);
const SUB = new Uint8Array(32).fill(7);

describe('emc_protocol OUTBOX (140): outbox id (u64 BE) → transfer', () => {
    const e: OutboxEntry = { id: 5n, kind: 'lockup_lock', ref: 9n, fromSubaccount: new Uint8Array(0), pullFrom: { owner: OWNER }, to: { owner: Uint8Array.of(1), subaccount: SUB }, amount: 1_000n, fee: 10n, createdAt: T, status: 'sent', block: 42n };
    const GOLDEN = h(
        '01', '07' /* kind: lockup_lock */, u64(9), '00' /* from subaccount: empty */,
        '0101', '01', '20', hex(SUB), // to: owner, subaccount
        '01', '02aabb', '00', // pull from: present, owner, no subaccount
        u64(1_000), u64(10), u64(T), '01' /* sent */, '01', u64(42), '0000' /* no error */,
    );
    it('encodes and decodes format 1', () => {
        expect(hex(encodeEntry(e))).toBe(GOLDEN);
        expect(decodeEntry(5n, unhex(GOLDEN))).toEqual(e);
    });
});

describe('emc_protocol VESTING_SCHEDULES (143): schedule id (u64 BE) → schedule', () => {
    const s: Schedule = { id: 2n, source: 'governance', status: 'active', beneficiary: { owner: OWNER }, total: 3_000n * 100_000_000n, start: T, released: 62_430_000_000n, createdAt: T - 1n, offeredTo: { owner: Uint8Array.of(3), subaccount: SUB }, reason: 'team' };
    const GOLDEN = h('01', '01', '01', '02aabb', '00', u64(300_000_000_000n), u64(T), u64(62_430_000_000n), u64(T - 1n), '01', '0103', '01', '20', hex(SUB), '0004', ascii('team'));
    it('encodes and decodes format 1', () => {
        expect(hex(encodeSchedule(s))).toBe(GOLDEN);
        expect(decodeSchedule(2n, unhex(GOLDEN))).toEqual(s);
    });
});

describe('emc_protocol LOCKUP_LOCKS (148): lock id (u64 BE) → lock', () => {
    const l: Lock = { id: 4n, pool: 'A', status: 'released', owner: { owner: OWNER }, amount: 10n * 100_000_000n, period: 3, fifth: 2, createdAt: T, principalOut: true, rewardOut: true, reward: 77n, nodeId: 'router1' };
    const GOLDEN = h('01', '00' /* pool A */, '03' /* released */, '02aabb', '00', u64(1_000_000_000n), '03', '02', u64(T), '03' /* principal and reward out */, u64(77), '07', ascii('router1'));
    it('encodes and decodes format 1', () => {
        expect(hex(encodeLock(l))).toBe(GOLDEN);
        expect(decodeLock(4n, unhex(GOLDEN))).toEqual(l);
    });
});

describe('emc_protocol MAPPINGS (150) and MAPPING_ENTRIES (151)', () => {
    it('writes a mapping and an entry as documented', () => {
        const kv = { mappings: new MemoryKV(), entries: new MemoryKV(), state: new MemoryKV() };
        const st = new MappingStore(kv);
        const id = st.takeId();
        st.save({ id, name: 'm', status: 'open', rateNum: 1n, rateDen: 2n, dustThreshold: 3n, windowStart: T, windowEnd: T + 1n, count: 1n, sourceTotal: 8n, dustSource: 0n, mappedTotal: 4n, claimed: 0n, pendingClaims: 0, hash: initialHash(), digest: new Uint8Array(32).fill(9), dustSent: false, sweptAmount: 0n, createdAt: T, reason: 'r' });
        st.saveEntry(id, new Uint8Array(62).fill(1), { source: 8n, claimed: true });
        const IV = '6a09e667bb67ae853c6ef372a54ff53a510e527f9b05688c1f83d9ab5be0cd19';
        expect(dump(kv.mappings)).toEqual([
            [u64(0), h('01', '01', ascii('m'), '02' /* open */, u64(1), u64(2), u64(3), u64(T), u64(T + 1n), u64(1), u64(8), u64(0), u64(4), u64(0), '00000000', '20', IV, u64(0), '00', '01', '20', '09'.repeat(32), '00', u64(0), u64(T), '0001', ascii('r'))],
        ]);
        expect(dump(kv.entries)).toEqual([[h(u64(0), '01'.repeat(62)), h('01', u64(8), '01')]]);
        expect(dump(kv.state)).toEqual([['01', u64(1)]]);
        expect(st.get(0n)).toMatchObject({ name: 'm', status: 'open', digest: new Uint8Array(32).fill(9) });
    });
});

describe('emc_protocol OUTBOX_RETRIES (141) and OUTBOX_STATE (142)', () => {
    it('records an entry with its retry mark (13 bytes) and the next id (u64 BE, no format byte)', () => {
        const kv = { entries: new MemoryKV(), retries: new MemoryKV(), state: new MemoryKV() };
        const ledger = new FakeLedgerClient(Uint8Array.of(9), Uint8Array.of(9), [], () => T);
        const outbox = new Outbox(kv, ledger, () => T);
        outbox.record({ kind: 'vesting_claim', ref: 2n, fromSubaccount: SUB, to: { owner: OWNER }, amount: 5n, fee: 1n });
        outbox.queue({ kind: 'mapping_dust', ref: 0n, fromSubaccount: SUB, to: { owner: OWNER }, amount: 6n, fee: 1n });
        // retry mark: started_at u64 ‖ attempt u32 ‖ in flight u8 (the record reserves it; a queued entry is due at once)
        expect(dump(kv.retries)).toEqual([
            [u64(0), h(u64(T), '00000000', '01')],
            [u64(1), h(u64(T), '00000000', '00')],
        ]);
        expect(dump(kv.state)).toEqual([['01', u64(2)]]);
        expect(outbox.nextId()).toBe(2n);
        const read = new Outbox({ entries: kv.entries, retries: load(dump(kv.retries)), state: load([['01', u64(7)]]) }, ledger, () => T);
        expect(read.nextId()).toBe(7n);
        expect(read.pending()).toBe(2);
    });
});

describe('emc_protocol VESTING_BY_OWNER (144) and VESTING_STATE (145), written by the protocol', () => {
    it('indexes a genesis schedule by owner and keeps the totals; a claim moves Σ released', async () => {
        const B = operator(1);
        const { protocol, env, open } = distributionProtocol({ vesting: [{ beneficiary: { owner: B }, total: 10_000_000n * EMC, start: T0, reason: 'team' }] });
        expect(dump(open(M.VESTING_BY_OWNER))).toEqual([[h('1d', hex(B), u64(0)), '']]);
        expect(dump(open(M.VESTING_STATE))).toEqual([['01', h('01', u64(1), u64(10_000_000n * EMC), u64(0))]]);
        env.time = T0 + 100n * 86_400n * SEC;
        expect(await protocol.vesting.claim(B, 0n)).toMatchObject({ Ok: { amount: 570_000n * EMC } });
        expect(dump(open(M.VESTING_STATE))).toEqual([['01', h('01', u64(1), u64(10_000_000n * EMC), u64(570_000n * EMC))]]);
        // the claim's outbox entry reached its outcome: the next id moved on, no retry mark is left
        expect(dump(open(M.OUTBOX_STATE))).toEqual([['01', u64(1)]]);
        expect(dump(open(M.OUTBOX_RETRIES))).toEqual([]);
        expect(protocol.vesting.totals()).toEqual({ nextId: 1n, total: 10_000_000n * EMC, released: 570_000n * EMC });
        expect(protocol.vesting.byOwner(B, 0, 10).map((s) => s.id)).toEqual([0n]);
    });
});

describe('emc_protocol LOCKUP_STATE (146) and LOCKUP_PERIODS (147): the game and the periods', () => {
    const game: Game = { status: 'open', budget: 10_800_000n * EMC, output: 1_800_000n * EMC, start: T, periodNs: 3_600n * SEC, periods: 12, feesPaid: 20_000n, closed: 2, scan: { position: 2_000n, sharedA: 11n, sharedB: 12n, sharedK: 13n }, nextLock: 4_000n, remainderSent: false, createdAt: T - 1n, reason: 'game' };
    const GAME = h(
        '01', '01' /* open */, u64(10_800_000n * EMC), u64(1_800_000n * EMC), u64(T), u64(3_600n * SEC), '0c' /* periods */, u64(20_000), '02' /* closed */,
        '01', u64(2_000), u64(11), u64(12), u64(13) /* scan */, u64(4_000) /* next lock */, '00', u64(T - 1n), '0004', ascii('game'),
    );
    const period: PeriodRecord = {
        newA: [1n, 2n, 3n, 4n, 5n], newB: [6n, 7n, 8n, 9n, 10n], pending: 3,
        result: { locked: 100n, tier: 80, basic: 50n, competition: 5n, perPool: 20n, unearned: 10n, weightA: 30n, weightB: 40n, winner: 'B', newWinner: 40n, sharedA: 19n, sharedB: 18n, sharedK: 4n, toEcosystem: 14n, final: true },
    };
    const PERIOD = h(
        '01', u64(1), u64(2), u64(3), u64(4), u64(5), u64(6), u64(7), u64(8), u64(9), u64(10), '00000003',
        '01', u64(100), '50' /* tier 80 % */, u64(50), u64(5), u64(20), u64(10), u64(30), u64(40), '02' /* winner B */, u64(40), u64(19), u64(18), u64(4), u64(14), '01' /* final */,
    );

    it('encodes format 1 (a close in progress; a period with its final result)', () => {
        const kv = { state: new MemoryKV(), periods: new MemoryKV(), locks: new MemoryKV(), byOwner: new MemoryKV() };
        const st = new LockupStore(kv);
        st.saveGame(game);
        st.savePeriod(3, period);
        st.savePeriod(4, { newA: [0n, 0n, 0n, 0n, 0n], newB: [0n, 0n, 0n, 0n, 7n], pending: 0 });
        expect(dump(kv.state)).toEqual([['01', GAME]]);
        expect(dump(kv.periods)).toEqual([
            ['03', PERIOD],
            ['04', h('01', u64(0).repeat(9), u64(7), '00000000', '00' /* no result yet */)],
        ]);
    });

    it('decodes format 1 from the checked-in hex', () => {
        const st = new LockupStore({ state: load([['01', GAME]]), periods: load([['03', PERIOD]]), locks: new MemoryKV(), byOwner: new MemoryKV() });
        expect(st.game()).toEqual(game);
        expect(st.period(3)).toEqual(period);
        expect(st.period(5)).toEqual({ newA: [0n, 0n, 0n, 0n, 0n], newB: [0n, 0n, 0n, 0n, 0n], pending: 0 });
        const noScan = h('01', '02' /* ended */, u64(1), u64(2), u64(3), u64(4), '01', u64(0), '01', '00' /* no scan */, u64(9), '01', u64(5), '0000');
        expect(new LockupStore({ state: load([['01', noScan]]), periods: new MemoryKV(), locks: new MemoryKV(), byOwner: new MemoryKV() }).game()).toEqual({ status: 'ended', budget: 1n, output: 2n, start: 3n, periodNs: 4n, periods: 1, feesPaid: 0n, closed: 1, nextLock: 9n, remainderSent: true, createdAt: 5n, reason: '' });
    });
});

describe('emc_protocol LOCKUP_BY_OWNER (149), written by the protocol', () => {
    it('indexes a lock by u8 owner length ‖ owner ‖ lock id (empty value)', async () => {
        const P = operator(1);
        const { protocol, ledger, open } = distributionProtocol({ treasury: 20_000_000n * EMC, balances: [[1, 1_000n * EMC]] });
        ledger.approve(P, 1_000n * EMC);
        expect(await protocol.lockup.start(GOVERNANCE, { budget: 10_800_000n * EMC, output: 1_800_000n * EMC, start: T0 + 86_400n * SEC, periodEpochs: 1, periods: 12, reason: 'game' })).toMatchObject({ Ok: { status: 'open' } });
        expect(await protocol.lockup.lock(P, { amount: 10n * EMC, pool: 'B' })).toMatchObject({ Ok: { id: 0n, status: 'active', period: 0 } });
        expect(await protocol.lockup.lock(P, { amount: 20n * EMC, pool: 'B' })).toMatchObject({ Ok: { id: 1n } });
        expect(dump(open(M.LOCKUP_BY_OWNER))).toEqual([
            [h('1d', hex(P), u64(0)), ''],
            [h('1d', hex(P), u64(1)), ''],
        ]);
        expect(protocol.lockup.locksOf(P, 0, 10).map((l) => l.amount)).toEqual([10n * EMC, 20n * EMC]);
        // the game's next lock id and the period-0 totals (pool B, fifth 0), nothing pending
        expect(protocol.lockup.store.game()).toMatchObject({ nextLock: 2n, status: 'open' });
        expect(dump(open(M.LOCKUP_PERIODS))).toEqual([['00', h('01', u64(0).repeat(5), u64(30n * EMC), u64(0).repeat(4), '00000000', '00')]]);
    });
});

describe('emc_protocol PROJECTS (153), PROJECT_HISTORY (154), PROJECT_BY_PRINCIPAL (155), PROJECT_BY_STATUS (156), PROJECT_STATE (157)', () => {
    const GOV = Uint8Array.of(0x99);
    const P1 = Uint8Array.of(0xaa, 0xbb);
    const P2 = Uint8Array.of(0x01, 0x02, 0x03);
    const maps = () => ({ projects: new MemoryKV(), history: new MemoryKV(), byPrincipal: new MemoryKV(), byStatus: new MemoryKV(), state: new MemoryKV() });
    const host = { authorize: () => undefined, now: () => T, logAction: () => undefined };
    const PROJECT = h('01', '07', ascii('emc-dex'), '02', '02aabb', '03010203', '01' /* quality */, '0007', ascii('audited'), '01', u64(7) /* proposal */, u64(T), u64(T), '00000001');
    const HISTORY = h('01', '01' /* quality */, '0007', ascii('audited'), '01', u64(7), u64(T), '0199' /* caller */);

    it('writes a registration and a status change as documented', () => {
        const kv = maps();
        const projects = new Projects(kv, host);
        expect(projects.register(GOV, 'emc-dex', [P1, P2], 'first DEX')).toMatchObject({ Ok: { id: 0n, status: 'none' } });
        expect(dump(kv.projects)).toEqual([[u64(0), h('01', '07', ascii('emc-dex'), '02', '02aabb', '03010203', '00' /* none */, '0009', ascii('first DEX'), '00', u64(T), u64(T), '00000000')]]);
        expect(dump(kv.byStatus)).toEqual([[h('00', u64(0)), '']]);
        expect(projects.setStatus(GOV, 0n, 'quality', 'audited', 7n)).toMatchObject({ Ok: { status: 'quality', history: 1 } });
        expect(projects.setRestriction(GOV, true)).toHaveProperty('Ok');
        expect(dump(kv.projects)).toEqual([[u64(0), PROJECT]]);
        expect(dump(kv.history)).toEqual([[h(u64(0), '00000000'), HISTORY]]);
        expect(dump(kv.byPrincipal)).toEqual([
            [h('02', 'aabb', u64(0)), ''],
            [h('03', '010203', u64(0)), ''],
        ]);
        expect(dump(kv.byStatus)).toEqual([[h('01' /* quality */, u64(0)), '']]);
        expect(dump(kv.state)).toEqual([['01', h('01', u64(1), '01' /* grants restricted */)]]);
    });

    it('reads the checked-in hex back', () => {
        const kv = { projects: load([[u64(0), PROJECT]]), history: load([[h(u64(0), '00000000'), HISTORY]]), byPrincipal: load([[h('02', 'aabb', u64(0)), '']]), byStatus: load([[h('01', u64(0)), '']]), state: load([['01', h('01', u64(1), '01')]]) };
        const projects = new Projects(kv, host);
        expect(projects.get(0n)).toEqual({ id: 0n, name: 'emc-dex', principals: [P1, P2], status: 'quality', reason: 'audited', proposal: 7n, updatedAt: T, createdAt: T, history: 1 });
        expect(projects.history(0n, 0, 10)).toEqual([{ seq: 0, status: 'quality', reason: 'audited', proposal: 7n, time: T, caller: GOV }]);
        expect(projects.list('quality', 0, 10).map((p) => p.name)).toEqual(['emc-dex']);
        expect(projects.restricted()).toBe(true);
        expect(projects.grantProblem({ owner: P1 })).toBeUndefined();
        expect(projects.grantProblem({ owner: Uint8Array.of(5) })).toMatch(/quality-listed/);
    });
});
