/**
 * Golden bytes of the reward books (emc_protocol memories 43–45) and the liveness-penalty stores
 * (46–51; docs/storage.md): written through the domain and compared with checked-in hex, then read
 * back from that hex.
 */
import { MemoryKV } from '../../../src/lib/storage/kv';
import { DEFAULT_PARAMS, type ProtocolParams } from '../../../src/protocol/model/params';
import type { NodeRecord } from '../../../src/protocol/nodes/record';
import { Liveness, type LivenessStores } from '../../../src/protocol/penalties/liveness';
import { INDEX_SCALE, Rewards, type RewardsStores } from '../../../src/protocol/rewards/rewards';
import { epochReward } from '../../../src/protocol/rewards/schedule';
import { ascii, dump, h, load, u64 } from './golden';

const T = 1_750_000_000_000_000_000n;
const HOUR = 3_600_000_000_000n;
const MINUTE = 60_000_000_000n;

/** Format 1: numbers stored as text: u8 length ‖ ASCII decimal digits, one after another. */
function texts(...values: (bigint | number)[]): string {
    return h(...values.map((v) => h(String(v).length.toString(16).padStart(2, '0'), ascii(String(v)))));
}

/** Format 2: numbers as u8 k ‖ k u64 big-endian limbs, most significant first (k = 0 for zero). */
function limbs(...values: (bigint | number)[]): string {
    return h(
        ...values.map((v) => {
            const parts: string[] = [];
            for (let x = BigInt(v); x > 0n; x >>= 64n) parts.unshift((x & ((1n << 64n) - 1n)).toString(16).padStart(16, '0'));
            return h(parts.length.toString(16).padStart(2, '0'), ...parts);
        }),
    );
}

describe('emc_protocol REWARDS_STATE (43), NODE_REWARDS (44), EPOCHS (45)', () => {
    const stores = (): RewardsStores => ({ state: new MemoryKV(), nodes: new MemoryKV(), epochs: new MemoryKV() });
    const E0 = epochReward(0n);

    it('writes the state and a node’s books in format 2 (numbers as u64 limbs) under key 01 and u64 BE keys, an epoch record in format 1 (numbers as text)', () => {
        const kv = stores();
        const r = new Rewards(kv);
        r.init(T, HOUR);
        // anchor epoch, anchor time, epoch length, previous start, last update, index, ΣW, eligible,
        // distributed and unallocated (×10^24), claimed, current epoch, its emitted and distributed (×10^24)
        expect(dump(kv.state)).toEqual([['01', h('02', limbs(0, T, HOUR, T, T, 0, 0, 0, 0, 0, 0, 0, 0, 0))]]);
        r.setWeight(3n, 100_000_000n, T);
        // weight, snapshot of the index, remainder (×10^24), credited, claimed
        expect(dump(kv.nodes)).toEqual([[u64(3), h('02', limbs(100_000_000n, 0, 0, 0, 0))]]);
        r.advance(T + HOUR);
        const index = (E0 * INDEX_SCALE) / 100_000_000n;
        expect(dump(kv.state)).toEqual([['01', h('02', limbs(0, T, HOUR, T, T + HOUR, index, 100_000_000n, 1, E0 * INDEX_SCALE, 0, 0, 1, 0, 0))]]);
        // epoch, start, end, emitted, distributed, unallocated (e8s), ΣE, eligible nodes
        expect(dump(kv.epochs)).toEqual([[u64(0), h('01', texts(0, T, T + HOUR, E0, E0, 0, 100_000_000n, 1))]]);
        r.settle(3n, T + HOUR);
        r.recordClaim(3n, 5n);
        expect(dump(kv.nodes)).toEqual([[u64(3), h('02', limbs(100_000_000n, index, 0, E0, 5))]]);
        expect(dump(kv.state)[0][1]).toBe(h('02', limbs(0, T, HOUR, T, T + HOUR, index, 100_000_000n, 1, E0 * INDEX_SCALE, 0, 5, 1, 0, 0)));
    });

    it('reads format 2 back, and an index above 2^128 (three limbs)', () => {
        const big = (1n << 130n) + 7n;
        const r = new Rewards({
            state: load([['01', h('02', limbs(2, T + 10n, 600, T + 5n, T + 11n, big, 13, 14, 15, 16, 17, 18, 19, 20))]]),
            nodes: load([[u64(3), h('02', limbs(21, big, 23, 0, 25))]]),
            epochs: load([]),
        });
        expect(r.state().index).toBe(big);
        expect(r.state().epochDistributedScaled).toBe(20n);
        expect(r.node(3n)).toEqual({ weight: 21n, snapshot: big, remainder: 23n, credited: 0n, claimed: 25n });
        expect(() => new Rewards({ ...stores(), nodes: load([[u64(3), h('02', '05', '00'.repeat(40))]]) }).node(3n)).toThrow(/5 limbs/);
    });

    it('reads format 1 back (records written before format 2)', () => {
        const r = new Rewards({
            state: load([['01', h('01', texts(2, T + 10n, 600, T + 5n, T + 11n, 12, 13, 14, 15, 16, 17, 18, 19, 20))]]),
            nodes: load([[u64(3), h('01', texts(21, 22, 23, 24, 25))]]),
            epochs: load([[u64(4), h('01', texts(4, T, T + 1n, 26, 27, 28, 29, 30))]]),
        });
        expect(r.state()).toEqual({
            anchorEpoch: 2n, anchorTime: T + 10n, epochLength: 600n, prevStart: T + 5n, lastUpdate: T + 11n, index: 12n, totalWeight: 13n, eligible: 14n,
            distributedScaled: 15n, unallocatedScaled: 16n, claimed: 17n, epoch: 18n, epochEmitted: 19n, epochDistributedScaled: 20n,
        });
        expect(r.node(3n)).toEqual({ weight: 21n, snapshot: 22n, remainder: 23n, credited: 24n, claimed: 25n });
        expect(r.epochRecord(4n)).toEqual({ epoch: 4n, start: T, end: T + 1n, emitted: 26n, distributed: 27n, unallocated: 28n, totalE: 29n, eligible: 30n });
        expect(() => new Rewards({ ...stores(), state: load([['01', h('03', texts(0))]]) }).state()).toThrow(/unknown rewards state format/);
    });
});

describe('emc_protocol LIVENESS_QUEUE (46), LIVENESS_DUE (47), FAULT_EPISODES (48), DEDUCTIONS (49), PENALTY_LOG (50), PENALTY_STATE (51)', () => {
    const stores = (): LivenessStores => ({ queue: new MemoryKV(), due: new MemoryKV(), episodes: new MemoryKV(), deductions: new MemoryKV(), log: new MemoryKV(), state: new MemoryKV() });
    const OP = Uint8Array.of(0xaa);
    const validator: NodeRecord = {
        index: 2n, id: 'v1', type: 'validator', status: 'active', operator: OP, wallet: { owner: OP }, registeredAt: T, admittedAt: T,
        stake: { amount: 2n * 10n ** 14n, lockDays: 360, termStart: T, termEnd: T + 1000n * HOUR, renewals: 0, owner: { owner: OP } }, e: 10n ** 10n, opSeq: 1,
    };
    const router: NodeRecord = {
        index: 5n, id: 'r1', type: 'router', status: 'active', operator: OP, wallet: { owner: OP }, registeredAt: T,
        stake: { amount: 2n * 10n ** 13n, lockDays: 180, termStart: T, termEnd: T + 1000n * HOUR, renewals: 0, owner: { owner: OP } }, e: 10n ** 9n, opSeq: 1,
    };

    function setup(kv: LivenessStores = stores(), params: ProtocolParams = DEFAULT_PARAMS) {
        const nodes = new Map<bigint, NodeRecord>();
        const clock = { now: T };
        const live: Liveness = new Liveness(kv, {
            params: () => params,
            now: () => clock.now,
            get: (i) => nodes.get(i),
            save: (next, previous) => {
                nodes.set(next.index, next);
                live.track(next, previous);
            },
            participationTime: () => undefined,
            // A batch was confirmed at every instant: no window is exempt.
            times: { firstConfirmationAtOrAfter: (t) => t },
        });
        const put = (n: NodeRecord) => {
            nodes.set(n.index, n);
            live.track(n, undefined);
        };
        return { live, kv, nodes, clock, put };
    }

    it('queues each judged node by the end of its next window (due ‖ node → empty, node → due)', () => {
        const t = setup();
        t.put(validator);
        expect({ queue: dump(t.kv.queue), due: dump(t.kv.due) }).toEqual({ queue: [[h(u64(T + HOUR), u64(2)), '']], due: [[u64(2), u64(T + HOUR)]] });
        expect(setup(t.kv).live.nextDue(T)).toBe(T + HOUR);
    });

    it('logs each charge (format 1), marks the node for a deduction, and keeps the totals under key 01', () => {
        const t = setup();
        t.put(validator);
        t.clock.now = T + 3n * HOUR + 7n;
        const charged = t.live.evaluate(validator, T + 3n * HOUR);
        t.nodes.set(2n, charged);
        t.live.chargeAll(charged, 'impeachment');
        t.live.booked(30n, 4n);
        const liveness = 3n * 11_570_000_000n;
        const rest = 2n * 10n ** 14n - liveness;
        const golden = {
            // u8 format 1, u64 node, node id, u8 kind (liveness 0, impeachment 1), u32 windows, u64 first and last window start, u64 amount, u64 time
            log: [
                [u64(0), h('01', u64(2), '02', ascii('v1'), '00', '00000003', u64(T), u64(T + 2n * HOUR), u64(liveness), u64(T + 3n * HOUR + 7n))],
                [u64(1), h('01', u64(2), '02', ascii('v1'), '01', '00000000', u64(T + 3n * HOUR + 7n), u64(T + 3n * HOUR + 7n), u64(rest), u64(T + 3n * HOUR + 7n))],
            ],
            deductions: [[u64(2), '']],
            // u8 1, charged, moved, forgiven, records
            state: [['01', h('01', u64(liveness + rest), u64(30), u64(4), u64(2))]],
        };
        expect({ log: dump(t.kv.log), deductions: dump(t.kv.deductions), state: dump(t.kv.state) }).toEqual(golden);
        const back = setup({ ...stores(), log: load(golden.log as [string, string][]), deductions: load(golden.deductions as [string, string][]), state: load(golden.state as [string, string][]) }).live;
        expect(back.records(0n, 10)).toEqual([
            { seq: 0n, nodeIndex: 2n, nodeId: 'v1', kind: 'liveness', windows: 3, from: T, to: T + 2n * HOUR, amount: liveness, time: T + 3n * HOUR + 7n },
            { seq: 1n, nodeIndex: 2n, nodeId: 'v1', kind: 'impeachment', windows: 0, from: T + 3n * HOUR + 7n, to: T + 3n * HOUR + 7n, amount: rest, time: T + 3n * HOUR + 7n },
        ]);
        expect(back.totals()).toEqual({ charged: liveness + rest, moved: 30n, forgiven: 4n, records: 2n });
        expect(back.dueDeductions(10)).toEqual([2n]);
        expect(() => setup({ ...stores(), log: load([[u64(0), h('02', golden.log[0][1].slice(2))]]) }).live.records(0n, 1)).toThrow(/unknown penalty record format/);
    });

    it('keeps an ended fault with windows left to evaluate as an episode (node ‖ from → until ‖ windows evaluated)', () => {
        const t = setup(stores(), { ...DEFAULT_PARAMS, maxWindowsPerEvaluation: 2 });
        const offline = t.live.observed(router, false, T);
        t.put(offline);
        t.clock.now = T + 50n * MINUTE;
        t.nodes.set(5n, t.live.observed(offline, true, T + 50n * MINUTE));
        const golden: [string, string][] = [[h(u64(5), u64(T)), h(u64(T + 50n * MINUTE), '00000002')]];
        expect(dump(t.kv.episodes)).toEqual(golden);
        // The timer finishes it: two more windows, then the last one.
        const back = setup({ ...stores(), episodes: load(golden) }, { ...DEFAULT_PARAMS, maxWindowsPerEvaluation: 2 });
        back.nodes.set(5n, t.nodes.get(5n) as NodeRecord);
        back.clock.now = T + 51n * MINUTE;
        expect(back.live.sweep(T + 51n * MINUTE)).toBe(1);
        expect(dump(back.kv.episodes)).toEqual([[h(u64(5), u64(T)), h(u64(T + 50n * MINUTE), '00000004')]]);
        expect(back.live.records(0n, 10).map((r) => [r.kind, r.windows, r.from, r.to])).toEqual([['liveness', 2, T + 20n * MINUTE, T + 30n * MINUTE]]);
    });
});
