/** Liveness windows (spec §6): each complete window counted once; windows without any confirmed batch exempt. */
import fc from 'fast-check';
import { computePenalty, evaluateWindows, type ConfirmationTimes } from '../../../../src/protocol/penalties/windows';

const W = 3_600n;

/** Confirmation times, sorted. */
function times(ts: bigint[]): ConfirmationTimes & { searches: number } {
    const sorted = [...ts].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const t = {
        searches: 0,
        firstConfirmationAtOrAfter(x: bigint) {
            t.searches++;
            return sorted.find((c) => c >= x);
        },
    };
    return t;
}

/** The rule, stated directly: complete windows with at least one confirmation inside. */
function bruteForce(from: bigint, until: bigint, w: bigint, ts: bigint[]): number {
    let n = 0;
    for (let s = from; s + w <= until; s += w) if (ts.some((c) => c >= s && c < s + w && c !== from)) n++;
    return n;
}

describe('liveness windows', () => {
    it('count a window only once it is complete: the boundary is the window’s end', () => {
        const every5 = times(Array.from({ length: 100 }, (_, i) => BigInt(i) * 300n + 1n));
        expect(evaluateWindows(0n, 0, 3n * W - 1n, W, 100, every5)).toMatchObject({ charged: 2, k: 2 });
        expect(evaluateWindows(0n, 0, 3n * W, W, 100, every5)).toMatchObject({ charged: 3, k: 3 });
        expect(evaluateWindows(0n, 0, W - 1n, W, 100, every5)).toMatchObject({ charged: 0, k: 0 });
    });

    it('charge nothing for windows in which no batch was confirmed at all (the network was down)', () => {
        // Batches in the first hour and the fourth only.
        const t = times([100n, 2_000n, 3n * W + 10n]);
        expect(evaluateWindows(0n, 0, 5n * W, W, 100, t)).toEqual({ charged: 2, k: 5, firstCharged: 0n, lastCharged: 3n * W });
        // A long outage costs one search, not one per window.
        const sparse = times([10n, 1_000n * W + 5n]);
        const r = evaluateWindows(0n, 0, 1_001n * W, W, 100, sparse);
        expect(r).toMatchObject({ charged: 2, k: 1_001 });
        expect(sparse.searches).toBeLessThanOrEqual(3);
        expect(evaluateWindows(0n, 0, 10n * W, W, 100, times([]))).toMatchObject({ charged: 0, k: 10 });
        // The batch at the fault's first instant (the last sign of life) is no evidence for the first window.
        expect(evaluateWindows(0n, 0, 3n * W, W, 100, times([0n, 2n * W + 1n]))).toMatchObject({ charged: 1, k: 3, firstCharged: 2n * W });
    });

    it('continue from k: evaluating again charges nothing twice (repeated evaluation, repeated offences)', () => {
        const t = times(Array.from({ length: 60 }, (_, i) => BigInt(i) * 600n + 1n));
        const first = evaluateWindows(0n, 0, 4n * W, W, 100, t);
        expect(first.charged).toBe(4);
        expect(evaluateWindows(0n, first.k, 4n * W, W, 100, t)).toMatchObject({ charged: 0, k: 4 });
        expect(evaluateWindows(0n, first.k, 6n * W, W, 100, t)).toMatchObject({ charged: 2, k: 6 });
    });

    it('split into bounded evaluations, charge exactly what the rule says (property)', () => {
        fc.assert(
            fc.property(
                fc.array(fc.bigInt({ min: 0n, max: 40n * W }), { maxLength: 60 }),
                fc.bigInt({ min: 0n, max: 10n * W }),
                fc.bigInt({ min: 0n, max: 40n * W }),
                fc.integer({ min: 1, max: 5 }),
                fc.constantFrom(600n, W),
                (ts, from, len, cap, w) => {
                    const until = from + len;
                    const t = times(ts);
                    let k = 0;
                    let total = 0;
                    for (let guard = 0; guard < 1000; guard++) {
                        const r = evaluateWindows(from, k, until, w, cap, t);
                        expect(r.charged).toBeLessThanOrEqual(cap);
                        total += r.charged;
                        if (r.k === k && r.charged === 0) break;
                        k = r.k;
                    }
                    expect(total).toBe(bruteForce(from, until, w, ts));
                    expect(k).toBe(Number(len / w));
                },
            ),
        );
    });

    it('charge a staked compute node stake / stake_days / 24 per 60-minute window', () => {
        expect(computePenalty(7_200n * 100_000_000n, 30, 3_600n * 1_000_000_000n)).toBe(10n * 100_000_000n);
        expect(computePenalty(1_000n, 7, 3_600n * 1_000_000_000n)).toBe(5n); // floor(1000 / 168)
        expect(computePenalty(1_000n, 0, 3_600n * 1_000_000_000n)).toBe(0n);
    });
});
