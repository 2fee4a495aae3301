/**
 * The node-reward emission schedule (spec §5, §10) against an independent computation: Fibonacci by
 * 2×2 matrix exponentiation, epoch rewards re-derived per epoch, cumulative sums built by adding the
 * epochs one at a time with the cap checked at each step.
 */
import fc from 'fast-check';
import {
    E8S_PER_EMC,
    EPOCHS_PER_PERIOD,
    MAX_SCHEDULE_PERIODS,
    NODE_REWARD_CAP_E8S,
    emissionSchedule,
    emittedBefore,
    emittedWithin,
    epochReward,
    epochRewardInPeriod,
    fib,
    firstZeroPeriod,
    periodOfEpoch,
    periodReward,
    totalEmission,
} from '../../../../src/protocol/rewards/schedule';

const EMC = E8S_PER_EMC;
const DAY_NS = 86_400n * 1_000_000_000n;

// ---- independent model ------------------------------------------------------------------------------

type M2 = [bigint, bigint, bigint, bigint]; // [a b; c d]
const mul = (x: M2, y: M2): M2 => [
    x[0] * y[0] + x[1] * y[2],
    x[0] * y[1] + x[1] * y[3],
    x[2] * y[0] + x[3] * y[2],
    x[2] * y[1] + x[3] * y[3],
];
/** F(n) = top-right of [[1,1],[1,0]]^n, by square-and-multiply. */
function matrixFib(n: number): bigint {
    let result: M2 = [1n, 0n, 0n, 1n];
    let base: M2 = [1n, 1n, 1n, 0n];
    let k = n;
    while (k > 0) {
        if (k % 2 === 1) result = mul(result, base);
        base = mul(base, base);
        k = Math.floor(k / 2);
    }
    return result[1];
}

/** Per-epoch reward straight from the formula, for an epoch number (no table). */
function modelRate(epoch: bigint, perPeriod: bigint): bigint {
    const n = Number(epoch / perPeriod) + 1;
    return (64_800_000n * 100_000_000n) / matrixFib(n) / perPeriod;
}

interface ModelPeriod {
    rate: bigint;
    periodTotal: bigint;
    cumulative: bigint;
    epochRewards: bigint[];
}

/** Walks every epoch of the first `periods` periods one by one, cutting each at the cap. */
function modelSchedule(periods: number, cap: bigint, perPeriod = 90): ModelPeriod[] {
    const out: ModelPeriod[] = [];
    let cumulative = 0n;
    let epoch = 0n;
    for (let n = 1; n <= periods; n++) {
        let periodTotal = 0n;
        const epochRewards: bigint[] = [];
        for (let i = 0; i < perPeriod; i++, epoch++) {
            let r = modelRate(epoch, BigInt(perPeriod));
            if (cumulative + r > cap) r = cap - cumulative;
            cumulative += r;
            periodTotal += r;
            epochRewards.push(r);
        }
        out.push({ rate: modelRate(BigInt((n - 1) * perPeriod), BigInt(perPeriod)), periodTotal, cumulative, epochRewards });
    }
    return out;
}

const MODEL_70 = modelSchedule(70, NODE_REWARD_CAP_E8S);

// ---- tests ------------------------------------------------------------------------------------------

describe('Fibonacci', () => {
    it('matches the matrix computation for n = 0..300', () => {
        for (let n = 0; n <= 300; n++) expect(fib(n)).toBe(matrixFib(n));
    });
    it('starts 0, 1, 1, 2, 3, 5, 8 and is exact past 2^53', () => {
        expect([0, 1, 2, 3, 4, 5, 6].map(fib)).toEqual([0n, 1n, 1n, 2n, 3n, 5n, 8n]);
        expect(fib(100)).toBe(354224848179261915075n);
    });
    it('is exact beyond its memo table', () => {
        expect(fib(5000)).toBe(matrixFib(5000));
    });
    it('rejects bad indices', () => {
        expect(() => fib(-1)).toThrow(RangeError);
        expect(() => fib(1.5)).toThrow(RangeError);
        expect(() => periodReward(0)).toThrow(RangeError);
        expect(() => epochRewardInPeriod(0)).toThrow(RangeError);
    });
});

describe('spec check values (§5, §10)', () => {
    it('R(1) = R(2) = 64.8M EMC, R(3) = 32.4M EMC', () => {
        expect(periodReward(1)).toBe(64_800_000n * EMC);
        expect(periodReward(2)).toBe(64_800_000n * EMC);
        expect(periodReward(3)).toBe(32_400_000n * EMC);
    });
    it('per-epoch rewards of periods 1–7', () => {
        expect(epochRewardInPeriod(1)).toBe(720_000n * EMC);
        expect(epochRewardInPeriod(2)).toBe(720_000n * EMC);
        expect(epochRewardInPeriod(3)).toBe(360_000n * EMC);
        expect(epochRewardInPeriod(4)).toBe(240_000n * EMC);
        expect(epochRewardInPeriod(5)).toBe(144_000n * EMC);
        expect(epochRewardInPeriod(6)).toBe(90_000n * EMC);
        expect(epochRewardInPeriod(7)).toBe(5_538_461_538_461n); // 55,384.61538461 EMC
    });
    it('constants', () => {
        expect(EPOCHS_PER_PERIOD).toBe(90);
        expect(NODE_REWARD_CAP_E8S).toBe(42_000_000_000_000_000n);
    });
});

describe('periods 1–70 against the independent model', () => {
    it('R(n), r(n), period totals and cumulative totals agree', () => {
        const rows = emissionSchedule(70);
        expect(rows).toHaveLength(70);
        rows.forEach((row, i) => {
            const n = i + 1;
            const m = MODEL_70[i];
            expect(row.period).toBe(n);
            expect(periodReward(n)).toBe((64_800_000n * EMC) / matrixFib(n));
            expect(row.epoch_reward_e8s).toBe(m.rate);
            expect(epochRewardInPeriod(n)).toBe(m.rate);
            expect(row.period_total_e8s).toBe(m.periodTotal);
            expect(row.cumulative_e8s).toBe(m.cumulative);
        });
    });
    it('every epoch of periods 1–70: period, reward and emittedBefore agree', () => {
        let before = 0n;
        let epoch = 0n;
        MODEL_70.forEach((m, i) => {
            for (const r of m.epochRewards) {
                expect(periodOfEpoch(epoch)).toBe(i + 1);
                expect(emittedBefore(epoch)).toBe(before);
                expect(epochReward(epoch)).toBe(r);
                before += r;
                epoch++;
            }
        });
        expect(epoch).toBe(70n * 90n);
        expect(emittedBefore(epoch)).toBe(before);
    });
    it('periodOfEpoch at the boundaries', () => {
        expect(periodOfEpoch(0n)).toBe(1);
        expect(periodOfEpoch(89n)).toBe(1);
        expect(periodOfEpoch(90n)).toBe(2);
        expect(periodOfEpoch(179n)).toBe(2);
        expect(periodOfEpoch(180n)).toBe(3);
        expect(() => periodOfEpoch(-1n)).toThrow(RangeError);
        expect(() => epochReward(-1n)).toThrow(RangeError);
        expect(() => emittedBefore(-1n)).toThrow(RangeError);
    });
});

describe('the zero point and the total', () => {
    it('r(n) first reaches 0 in period 68 and stays 0', () => {
        expect(epochRewardInPeriod(67)).toBeGreaterThan(0n);
        expect(epochRewardInPeriod(68)).toBe(0n);
        expect(firstZeroPeriod()).toBe(68);
        for (let n = 68; n <= 1000; n++) expect(epochRewardInPeriod(n)).toBe(0n);
        const first = MODEL_70.findIndex((m) => m.rate === 0n) + 1;
        expect(first).toBe(68);
        expect(MODEL_70.slice(67).every((m) => m.rate === 0n && m.periodTotal === 0n)).toBe(true);
        expect(epochReward(67n * 90n - 1n)).toBeGreaterThan(0n);
        expect(epochReward(67n * 90n)).toBe(0n);
        expect(epochReward(10n ** 40n)).toBe(0n);
    });
    it('cumulative after period 70 = Σ of all epochs = 21,772,059,117,252,840 e8s ≈ 217,720,591.17 EMC', () => {
        const all = MODEL_70.flatMap((m) => m.epochRewards).reduce((a, b) => a + b, 0n);
        const rows = emissionSchedule(70);
        expect(rows[69].cumulative_e8s).toBe(all);
        expect(all).toBe(21_772_059_117_252_840n);
        expect(totalEmission()).toBe(all);
        expect(emittedBefore(10n ** 40n)).toBe(all);
        const approx = 21_772_059_117n * 1_000_000n; // 217,720,591.17 EMC in e8s
        const diff = all > approx ? all - approx : approx - all;
        expect(diff).toBeLessThan(EMC);
        // The 420M cap never binds with the real series.
        expect(all).toBeLessThan(NODE_REWARD_CAP_E8S);
    });
    it('emissionSchedule caps the number of periods at 1000', () => {
        const rows = emissionSchedule(5000);
        expect(rows).toHaveLength(MAX_SCHEDULE_PERIODS);
        expect(rows[999].cumulative_e8s).toBe(totalEmission());
        expect(emissionSchedule(0)).toEqual([]);
        expect(() => emissionSchedule(-1)).toThrow(RangeError);
    });
});

describe('the cap', () => {
    it('a cap inside an epoch truncates exactly at the cap and emits nothing afterwards', () => {
        // 100 full epochs of period 1–2 plus half an epoch: 100 × 720,000 + 360,000 EMC.
        const cap = 100n * 720_000n * EMC + 360_000n * EMC + 7n;
        const opts = { cap };
        const model = modelSchedule(70, cap);
        const rows = emissionSchedule(70, opts);
        rows.forEach((row, i) => {
            expect(row.period_total_e8s).toBe(model[i].periodTotal);
            expect(row.cumulative_e8s).toBe(model[i].cumulative);
        });
        expect(rows[0].period_total_e8s).toBe(90n * 720_000n * EMC);
        expect(rows[1].period_total_e8s).toBe(cap - 90n * 720_000n * EMC);
        expect(rows[1].cumulative_e8s).toBe(cap);
        expect(rows.slice(2).every((r) => r.period_total_e8s === 0n && r.cumulative_e8s === cap)).toBe(true);

        expect(epochReward(99n, opts)).toBe(720_000n * EMC);
        expect(epochReward(100n, opts)).toBe(360_000n * EMC + 7n);
        expect(emittedBefore(101n, opts)).toBe(cap);
        for (const e of [101n, 150n, 179n, 180n, 1000n, 10n ** 30n]) {
            expect(epochReward(e, opts)).toBe(0n);
            expect(emittedBefore(e, opts)).toBe(cap);
        }
        expect(totalEmission(opts)).toBe(cap);
        // The uncapped per-period rate is unchanged; only the emitted amounts are cut.
        expect(rows[2].epoch_reward_e8s).toBe(360_000n * EMC);
    });
    it('a cap on an epoch boundary, and a zero cap', () => {
        const cap = 90n * 720_000n * EMC;
        expect(epochReward(89n, { cap })).toBe(720_000n * EMC);
        expect(epochReward(90n, { cap })).toBe(0n);
        expect(emittedBefore(90n, { cap })).toBe(cap);
        expect(epochReward(0n, { cap: 0n })).toBe(0n);
        expect(emissionSchedule(3, { cap: 0n }).every((r) => r.cumulative_e8s === 0n)).toBe(true);
        expect(() => epochReward(0n, { cap: -1n })).toThrow(RangeError);
    });
    it('property: any cap — cumulative = min(uncapped, cap), never above it, epoch by epoch', () => {
        const uncapped = MODEL_70.flatMap((m) => m.epochRewards);
        fc.assert(
            fc.property(fc.bigInt({ min: 0n, max: 25_000_000_000_000_000n }), fc.integer({ min: 0, max: 70 * 90 - 1 }), (cap, e) => {
                let sum = 0n;
                for (let i = 0; i < e; i++) sum += uncapped[i];
                const before = sum < cap ? sum : cap;
                expect(emittedBefore(BigInt(e), { cap })).toBe(before);
                const next = sum + uncapped[e] < cap ? sum + uncapped[e] : cap;
                expect(epochReward(BigInt(e), { cap })).toBe(next - before);
                expect(next).toBeLessThanOrEqual(cap);
            }),
            { numRuns: 200 },
        );
    });
});

describe('epochs per period as a parameter', () => {
    it('30 epochs per period: r(n) = floor(R(n) / 30), periods of 30 epochs', () => {
        const opts = { epochsPerPeriod: 30 };
        expect(epochRewardInPeriod(1, opts)).toBe(2_160_000n * EMC);
        expect(periodOfEpoch(29n, opts)).toBe(1);
        expect(periodOfEpoch(30n, opts)).toBe(2);
        const model = modelSchedule(75, NODE_REWARD_CAP_E8S, 30);
        const rows = emissionSchedule(75, opts);
        rows.forEach((row, i) => {
            expect(row.epoch_reward_e8s).toBe(model[i].rate);
            expect(row.cumulative_e8s).toBe(model[i].cumulative);
        });
        expect(totalEmission(opts)).toBe(model[74].cumulative);
        expect(() => epochReward(0n, { epochsPerPeriod: 0 })).toThrow(RangeError);
    });
});

describe('emittedWithin', () => {
    const epochArb = fc.oneof(fc.bigInt({ min: 0n, max: 70n * 90n }), fc.constantFrom(0n, 89n, 90n, 540n, 6029n, 6030n));

    it('is 0 at the start, the full reward at the end', () => {
        for (const e of [0n, 100n, 540n, 6029n, 6030n]) {
            expect(emittedWithin(e, 0n, DAY_NS)).toBe(0n);
            expect(emittedWithin(e, DAY_NS, DAY_NS)).toBe(epochReward(e));
        }
        expect(emittedWithin(0n, DAY_NS / 2n, DAY_NS)).toBe(360_000n * EMC);
        expect(emittedWithin(540n, 1n, DAY_NS)).toBe((5_538_461_538_461n * 1n) / DAY_NS);
    });

    it('rejects elapsed outside [0, length] and a non-positive length', () => {
        expect(() => emittedWithin(0n, -1n, DAY_NS)).toThrow(RangeError);
        expect(() => emittedWithin(0n, DAY_NS + 1n, DAY_NS)).toThrow(RangeError);
        expect(() => emittedWithin(0n, 0n, 0n)).toThrow(RangeError);
    });

    it('property: differences over a random split telescope to exactly epochReward and are ≥ 0', () => {
        fc.assert(
            fc.property(
                epochArb,
                fc.bigInt({ min: 1n, max: 10n * DAY_NS }),
                fc.array(fc.bigInt({ min: 0n, max: 10n * DAY_NS }), { maxLength: 40 }),
                fc.option(fc.bigInt({ min: 1n, max: 30_000_000_000_000_000n }), { nil: undefined }),
                (epoch, length, rawCuts, cap) => {
                    const opts = { cap };
                    const cuts = rawCuts.map((c) => c % (length + 1n)).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
                    const points = [0n, ...cuts, length];
                    let sum = 0n;
                    for (let i = 1; i < points.length; i++) {
                        const d = emittedWithin(epoch, points[i], length, opts) - emittedWithin(epoch, points[i - 1], length, opts);
                        expect(d).toBeGreaterThanOrEqual(0n);
                        sum += d;
                    }
                    expect(sum).toBe(epochReward(epoch, opts));
                },
            ),
            { numRuns: 300 },
        );
    });

    it('property: monotone in elapsed and bounded by epochReward', () => {
        fc.assert(
            fc.property(epochArb, fc.bigInt({ min: 1n, max: 10n * DAY_NS }), fc.bigInt({ min: 0n }), fc.bigInt({ min: 0n }), (epoch, length, a0, b0) => {
                const a = a0 % (length + 1n);
                const b = b0 % (length + 1n);
                const [lo, hi] = a <= b ? [a, b] : [b, a];
                const wLo = emittedWithin(epoch, lo, length);
                const wHi = emittedWithin(epoch, hi, length);
                expect(wLo).toBeLessThanOrEqual(wHi);
                expect(wHi).toBeLessThanOrEqual(epochReward(epoch));
                expect(wLo).toBeGreaterThanOrEqual(0n);
            }),
            { numRuns: 300 },
        );
    });
});
