/** Spec §13.1's release rule, exactly: the worked checks and properties over any total. */
import fc from 'fast-check';
import { annualRelease, nextUnlockAfter, shape, tranche, trancheCount, tranches, TRANCHE_E8S, unlockedAt, YEAR_NS, yearRelease } from '../../../../src/protocol/treasury/vesting-schedule';

const EMC = 100_000_000n;
const DAY = 86_400n * 1_000_000_000n;
const START = 1_000n * DAY;

describe('linear release (spec §13.1)', () => {
    it('10,000,000 EMC: 2,081 tranches a year, 570,000 EMC after 100 days, fully released after 4 years + 1,676 tranches', () => {
        const s = { total: 10_000_000n * EMC, start: START };
        expect(annualRelease(s.total)).toBe(2_081_000n * EMC);
        expect(shape(s.total)).toEqual({ annual: 2_081_000n * EMC, piece: TRANCHE_E8S, slots: 2_081n, years: 5n });
        expect(unlockedAt(s, START + 100n * DAY)).toBe(570_000n * EMC);
        expect(trancheCount(s.total)).toBe(4n * 2_081n + 1_676n);
        const last = tranche(s, trancheCount(s.total) - 1n)!;
        expect(last).toEqual({ index: 4n * 2_081n + 1_675n, year: 5n, slot: 1_676n, amount: TRANCHE_E8S, unlocksAt: START + 4n * YEAR_NS + (1_676n * YEAR_NS + 2_080n) / 2_081n });
        expect(unlockedAt(s, last.unlocksAt - 1n)).toBe(s.total - TRANCHE_E8S);
        expect(unlockedAt(s, last.unlocksAt)).toBe(s.total);
        expect(yearRelease(s.total, 5n)).toBe(1_676_000n * EMC);
    });

    it('3,000 EMC: 624.3 EMC at the end of years 1–4, 502.8 in year 5', () => {
        const s = { total: 3_000n * EMC, start: START };
        expect(tranches(s, 0n, 10)).toEqual([1n, 2n, 3n, 4n, 5n].map((y) => ({ index: y - 1n, year: y, slot: 1n, amount: y < 5n ? 62_430_000_000n : 50_280_000_000n, unlocksAt: START + y * YEAR_NS })));
        expect(unlockedAt(s, START + YEAR_NS - 1n)).toBe(0n);
        expect(unlockedAt(s, START + YEAR_NS)).toBe(62_430_000_000n);
        expect(unlockedAt(s, START + 5n * YEAR_NS)).toBe(s.total);
        expect(nextUnlockAfter(s, START)).toBe(START + YEAR_NS);
        expect(nextUnlockAfter(s, START + 5n * YEAR_NS)).toBeUndefined();
    });

    const totals = fc.bigInt({ min: EMC, max: 1_302_000_000n * EMC });

    it('the tranches sum to the total exactly, for any total (property)', () => {
        fc.assert(
            fc.property(totals, (total) => {
                const { piece, slots, years } = shape(total);
                let sum = 0n;
                for (let y = 1n; y <= years; y++) sum += yearRelease(total, y);
                expect(sum).toBe(total);
                // Year by year: full years have k tranches of P (the last the remainder), the last year ceil(a_y / P).
                const n = trancheCount(total);
                expect(n).toBe((years - 1n) * slots + (yearRelease(total, years) + piece - 1n) / piece);
                // Spot-check the tranches of the first and the last year add up to those years' releases.
                const s = { total, start: 0n };
                const firstYear = slots < 3000n ? tranches(s, 0n, Number(slots)) : [];
                if (firstYear.length > 0) expect(firstYear.reduce((a, t) => a + t.amount, 0n)).toBe(yearRelease(total, 1n));
                const lastCount = n - (years - 1n) * slots;
                if (lastCount < 3000n) expect(tranches(s, (years - 1n) * slots, Number(lastCount)).reduce((a, t) => a + t.amount, 0n)).toBe(yearRelease(total, years));
                expect(unlockedAt(s, years * YEAR_NS)).toBe(total);
            }),
            { numRuns: 300 },
        );
    });

    it('the closed form equals the sum of the tranches unlocked by then, and never decreases (property)', () => {
        fc.assert(
            fc.property(fc.bigInt({ min: EMC, max: 30_000_000n * EMC }), fc.bigInt({ min: 0n, max: 6n * YEAR_NS }), (total, t) => {
                const s = { total, start: 0n };
                const n = trancheCount(total);
                let sum = 0n;
                for (let i = 0n; i < n; i++) {
                    const tr = tranche(s, i)!;
                    if (tr.unlocksAt <= t) sum += tr.amount;
                }
                expect(unlockedAt(s, t)).toBe(sum);
                expect(unlockedAt(s, t + 1n)).toBeGreaterThanOrEqual(sum);
                const next = nextUnlockAfter(s, t);
                if (next !== undefined) {
                    expect(next).toBeGreaterThan(t);
                    expect(unlockedAt(s, next - 1n)).toBe(sum);
                    expect(unlockedAt(s, next)).toBeGreaterThan(sum);
                } else expect(sum).toBe(total);
            }),
            { numRuns: 150 },
        );
    });
});
