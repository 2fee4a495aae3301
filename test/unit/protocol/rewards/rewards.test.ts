/** The reward index: time-weighted shares, epoch records, exact books under any sequence. */
import fc from 'fast-check';
import { INDEX_SCALE, Rewards } from '../../../../src/protocol/rewards/rewards';
import { epochReward } from '../../../../src/protocol/rewards/schedule';
import { MemoryKV } from '../../../../src/lib/storage/kv';

const DAY = 86_400n * 1_000_000_000n;
const G = 1_760_000_000n * 1_000_000_000n;
const R0 = epochReward(0n); // 720,000 EMC

function fresh(): Rewards {
    const r = new Rewards({ state: new MemoryKV(), nodes: new MemoryKV(), epochs: new MemoryKV() });
    r.init(G, DAY);
    return r;
}

/** Σ over nodes of what they are owed, in SCALE units, plus the unallocated: must equal emitted × SCALE. */
function books(r: Rewards, nodes: bigint[]): { owedScaled: bigint; unallocatedScaled: bigint; emittedScaled: bigint } {
    const s = r.state();
    let owed = 0n;
    for (const i of nodes) {
        const n = r.node(i);
        owed += n.credited * INDEX_SCALE + n.remainder + n.weight * (s.index - n.snapshot);
    }
    return { owedScaled: owed, unallocatedScaled: s.unallocatedScaled, emittedScaled: r.emittedUntil(s.lastUpdate) * INDEX_SCALE };
}

describe('reward index', () => {
    it('gives one node a whole epoch, less at most one e8s of rounding', () => {
        const r = fresh();
        r.setWeight(0n, 144_508_670n, G);
        expect(r.claimable(0n, G + DAY)).toBeLessThanOrEqual(R0);
        expect(R0 - r.claimable(0n, G + DAY)).toBeLessThanOrEqual(1n);
        const [record] = r.advance(G + DAY);
        expect(record).toMatchObject({ epoch: 0n, emitted: R0, totalE: 144_508_670n, eligible: 1n });
        expect(record.distributed + record.unallocated).toBe(R0);
    });

    it('splits by weight, and by time: a node that joins for the last minute gets a last-minute share', () => {
        const r = fresh();
        r.setWeight(0n, 100n, G);
        r.setWeight(1n, 300n, G);
        r.setWeight(2n, 100n, G + DAY / 2n);
        r.setWeight(2n, 0n, G + DAY / 2n + DAY / 4n);
        const minute = 60n * 1_000_000_000n;
        r.setWeight(3n, 400n, G + DAY - minute);
        r.advance(G + DAY);
        const c = [0n, 1n, 2n, 3n].map((i) => r.claimable(i, G + DAY));
        // first half: 100:300; third quarter: 100:300:100; last quarter minus a minute 100:300; last minute 100:300:400
        const half = R0 / 2n;
        const q = R0 / 4n;
        const m = (R0 * minute) / DAY;
        const expect0 = half / 4n + q / 5n + (q - m) / 4n + m / 8n;
        expect(c[0] - expect0).toBeLessThanOrEqual(4n);
        expect(expect0 - c[0]).toBeLessThanOrEqual(4n);
        expect(c[2] * 5n - q).toBeLessThanOrEqual(5n);
        expect(c[3]).toBeLessThan(m);
        expect(c[3] * 2n - m).toBeLessThanOrEqual(2n);
        const b = books(r, [0n, 1n, 2n, 3n]);
        expect(b.owedScaled + b.unallocatedScaled).toBe(b.emittedScaled);
    });

    it('books time with no eligible node as unallocated', () => {
        const r = fresh();
        r.setWeight(0n, 10n, G + DAY / 2n);
        const [record] = r.advance(G + DAY);
        const claimable = r.claimable(0n, G + DAY);
        // the first half of the epoch had nobody to pay
        expect(record.unallocated).toBeGreaterThanOrEqual(R0 / 2n);
        expect(record.unallocated - R0 / 2n).toBeLessThanOrEqual(1n);
        expect(claimable + record.unallocated).toBe(R0);
    });

    it('catches up over several epochs in one advance, recording each', () => {
        const r = fresh();
        r.setWeight(0n, 5n, G);
        const closed = r.advance(G + 3n * DAY + DAY / 3n);
        expect(closed.map((e) => e.epoch)).toEqual([0n, 1n, 2n]);
        expect(closed.every((e) => e.emitted === R0)).toBe(true);
        expect(r.epochRecord(1n)?.emitted).toBe(R0);
        expect(r.nextEpochBoundary(G + 3n * DAY + DAY / 3n)).toBe(G + 4n * DAY);
        expect(r.emittedUntil(G + 3n * DAY)).toBe(3n * R0);
    });

    it('changes the epoch length from the next boundary on', () => {
        const r = fresh();
        r.setWeight(0n, 5n, G);
        r.changeEpochLength(DAY / 2n, G + DAY / 4n);
        expect(r.nextEpochBoundary(G + DAY / 4n)).toBe(G + DAY);
        const closed = r.advance(G + 2n * DAY);
        expect(closed.map((e) => [e.epoch, e.end - e.start])).toEqual([
            [0n, DAY],
            [1n, DAY / 2n],
            [2n, DAY / 2n],
        ]);
    });

    it('defers writing the global state to the end of a group of changes, with the same result', () => {
        const kv = { state: new MemoryKV(), nodes: new MemoryKV(), epochs: new MemoryKV() };
        const a = new Rewards(kv);
        a.init(G, DAY);
        const b = fresh();
        a.deferred(() => {
            for (let i = 0n; i < 5n; i++) a.setWeight(i, 10n + i, G + DAY / 3n);
        });
        for (let i = 0n; i < 5n; i++) b.setWeight(i, 10n + i, G + DAY / 3n);
        // a fresh object over the same stores sees what was written
        const again = new Rewards(kv);
        expect(again.state()).toEqual(b.state());
        expect(again.claimable(3n, G + DAY)).toBe(b.claimable(3n, G + DAY));
    });

    it('refuses to book a claim beyond what a node earned', () => {
        const r = fresh();
        r.setWeight(0n, 5n, G);
        const owed = r.settle(0n, G + DAY);
        r.recordClaim(0n, owed);
        expect(r.claimable(0n, G + DAY)).toBe(0n);
        expect(() => r.recordClaim(0n, 1n)).toThrow('exceeds');
        expect(r.state().claimed).toBe(owed);
    });

    it('keeps exact books after any sequence of joins, leaves, E changes, time and claims', () => {
        const op = fc.oneof(
            fc.record({ k: fc.constant('w' as const), node: fc.integer({ min: 0, max: 5 }), w: fc.bigInt({ min: 0n, max: 10n ** 12n }) }),
            fc.record({ k: fc.constant('t' as const), dt: fc.bigInt({ min: 0n, max: 3n * DAY }) }),
            fc.record({ k: fc.constant('c' as const), node: fc.integer({ min: 0, max: 5 }) }),
        );
        fc.assert(
            fc.property(fc.array(op, { maxLength: 40 }), (ops) => {
                const r = fresh();
                let now = G;
                const nodes = [0n, 1n, 2n, 3n, 4n, 5n];
                let claimed = 0n;
                for (const o of ops) {
                    if (o.k === 't') now += o.dt;
                    else if (o.k === 'w') r.setWeight(BigInt(o.node), o.w, now);
                    else {
                        const a = r.settle(BigInt(o.node), now);
                        r.recordClaim(BigInt(o.node), a);
                        claimed += a;
                    }
                }
                r.advance(now);
                const b = books(r, nodes);
                expect(b.owedScaled + b.unallocatedScaled).toBe(b.emittedScaled);
                const emitted = r.emittedUntil(now);
                let claimable = 0n;
                for (const i of nodes) claimable += r.claimable(i, now);
                const unallocated = r.state().unallocatedScaled / INDEX_SCALE;
                // claimed + claimable + unallocated = emitted, up to less than one e8s of rounding per node
                const gap = emitted - claimed - claimable - unallocated;
                expect(gap >= 0n && gap <= BigInt(nodes.length)).toBe(true);
                expect(r.state().claimed).toBe(claimed);
                expect(emitted).toBeLessThanOrEqual(420_000_000n * 10n ** 8n);
            }),
            { numRuns: 200 },
        );
    });
});
