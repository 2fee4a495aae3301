/** Spec §11.1's reward arithmetic: the whitepaper example exactly, the formula as rationals, the cap. */
import fc from 'fast-check';
import { fib } from '../../../../src/protocol/rewards/schedule';
import { capRewards, marketFee, rewardBase, rewardPeriod, tradingRewards, tradingSchedule } from '../../../../src/protocol/market/trading-rewards';

const EMC = 100_000_000n;
const DAY = 86_400n * 1_000_000_000n;

describe('trading rewards (spec §11.1)', () => {
    it('gives the whitepaper example exactly: period 4, 1000 EMC → buyer 44.44444444, provider 22.22222222, treasury 200', () => {
        expect(tradingRewards(1000n * EMC, 4)).toEqual({ buyer: 4_444_444_444n, provider: 2_222_222_222n });
        expect(marketFee(1000n * EMC)).toBe(200n * EMC);
    });

    it('pays the buyer 20 % and the provider nothing in period 1; period 2 too (F(0) = 0)', () => {
        expect(tradingRewards(1000n * EMC, 1)).toEqual({ buyer: 200n * EMC, provider: 0n });
        expect(tradingRewards(1000n * EMC, 2)).toEqual({ buyer: 200n * EMC, provider: 0n });
        expect(tradingRewards(1000n * EMC, 3)).toEqual({ buyer: 50n * EMC, provider: 50n * EMC });
    });

    it('floors each reward independently: 1000 EMC in period 8 → provider 3.62811791', () => {
        expect(tradingRewards(1000n * EMC, 8).provider).toBe(362_811_791n);
    });

    it('matches buyer = floor(M·20·F(n−1)/(100·F(n)²)) and provider = floor(M·20·F(n−2)/(100·F(n)²)) for every M and n', () => {
        fc.assert(
            fc.property(fc.bigInt({ min: 0n, max: 2_100_000_000n * EMC }), fc.integer({ min: 2, max: 90 }), (m, n) => {
                const r = tradingRewards(m, n);
                const f = fib(n);
                // floor(a/b) = q ⇔ q·b ≤ a < (q+1)·b
                const a1 = m * 20n * fib(n - 1);
                const a2 = m * 20n * fib(n - 2);
                const b = 100n * f * f;
                expect(r.buyer * b <= a1 && a1 < (r.buyer + 1n) * b).toBe(true);
                expect(r.provider * b <= a2 && a2 < (r.provider + 1n) * b).toBe(true);
                // P(n) = 1/F(n): together at most the fee × P(n), short by at most 2 e8s of rounding
                const total = (m * 20n) / (100n * f);
                expect(r.buyer + r.provider <= total && total - (r.buyer + r.provider) <= 2n).toBe(true);
            }),
        );
    });

    it('never grows with the period', () => {
        fc.assert(
            fc.property(fc.bigInt({ min: 0n, max: 10n ** 15n }), fc.integer({ min: 1, max: 89 }), (m, n) => {
                const a = tradingRewards(m, n);
                const b = tradingRewards(m, n + 1);
                expect(b.buyer + b.provider <= a.buyer + a.provider).toBe(true);
            }),
        );
    });

    it('numbers periods from the reward start in 90-epoch steps, 0 before it', () => {
        const start = 1_000n * DAY;
        expect(rewardPeriod(start - 1n, start, DAY)).toBe(0);
        expect(rewardPeriod(start, undefined, DAY)).toBe(0);
        expect(rewardPeriod(start, start, DAY)).toBe(1);
        expect(rewardPeriod(start + 90n * DAY - 1n, start, DAY)).toBe(2 - 1);
        expect(rewardPeriod(start + 90n * DAY, start, DAY)).toBe(2);
        expect(rewardPeriod(start + 270n * DAY, start, DAY)).toBe(4);
    });

    it('caps the base at units × reference price and pays nothing without a reference price', () => {
        expect(rewardBase(1000n * EMC, 50n, 30n * EMC)).toBe(1000n * EMC);
        expect(rewardBase(1000n * EMC, 50n, 10n * EMC)).toBe(500n * EMC);
        expect(rewardBase(1000n * EMC, 50n, undefined)).toBe(0n);
    });

    it('pays the rest of the pool pro rata at the settlement that crosses the cap, then nothing', () => {
        const cap = 378_000_000n * EMC;
        expect(capRewards({ buyer: 40n, provider: 20n }, cap - 30n)).toEqual({ buyer: 20n, provider: 10n });
        expect(capRewards({ buyer: 40n, provider: 20n }, cap)).toEqual({ buyer: 0n, provider: 0n });
        fc.assert(
            fc.property(fc.bigInt({ min: 0n, max: 10n ** 12n }), fc.bigInt({ min: 0n, max: 10n ** 12n }), fc.bigInt({ min: 0n, max: 2n * 10n ** 12n }), (b, p, rest) => {
                const r = capRewards({ buyer: b, provider: p }, cap - rest);
                const sum = r.buyer + r.provider;
                expect(sum <= rest || sum === b + p).toBe(true);
                expect(sum).toBe(b + p <= rest ? b + p : rest);
                if (b + p > rest && b + p > 0n) expect(r.buyer).toBe((rest * b) / (b + p));
            }),
        );
    });

    it('publishes the schedule as exact fractions', () => {
        const rows = tradingSchedule(5);
        expect(rows.map((r) => [r.period, r.p_den, r.df_num, r.df_den])).toEqual([[1, 1n, 1n, 1n], [2, 1n, 1n, 1n], [3, 2n, 1n, 2n], [4, 3n, 2n, 3n], [5, 5n, 3n, 5n]]);
        expect(rows[3].buyer_per_emc).toBe(4_444_444n);
        expect(tradingSchedule(1000)).toHaveLength(100);
        for (const bad of [0, -1, 2.5, Number.NaN]) expect(tradingSchedule(bad)).toEqual([]);
    });
});
