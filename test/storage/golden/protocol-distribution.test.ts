/**
 * Golden bytes of the genesis distribution's records (emc_protocol memories 140–157,
 * docs/storage.md): the outbox entry, the vesting schedule, the lock and the project state, written
 * by the domain's codecs and read back from checked-in hex. Format 1 of each (the first release).
 */
import { decodeEntry, encodeEntry, type OutboxEntry } from '../../../src/protocol/treasury/outbox';
import { decodeSchedule, encodeSchedule, type Schedule } from '../../../src/protocol/treasury/vesting';
import { decodeLock, encodeLock, type Lock } from '../../../src/protocol/lockup/store';
import { MappingStore } from '../../../src/protocol/mapping/store';
import { initialHash } from '../../../src/protocol/mapping/running-hash';
import { MemoryKV } from '../../../src/lib/storage/kv';
import { ascii, dump, h, hex, u64, unhex } from './golden';

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
