/**
 * Liveness windows (spec §6), the pure part.
 *
 * A fault that started at `from` is cut into consecutive windows [from + jW, from + (j+1)W). A
 * window counts only once it is complete, and then exactly once: it is charged if at least one
 * batch was confirmed inside it (the network was up, so the fault was the node's own), and exempt
 * otherwise. A confirmation at exactly `from` does not count for the first window: it is the
 * batch the validator last took part in, or the report that opened the fault. The caller keeps
 * `k`, the number of windows already evaluated.
 *
 * The answer needs one search of the confirmation-time index per *charged* window: a search for
 * the first confirmation at or after a window's start either lands inside that window (charged)
 * or jumps over every empty window up to the window it lands in. So a network outage of any
 * length costs one search, and the work per call is bounded by `maxCharged`.
 */

/** The confirmation-time index of the state-bit batches (src/protocol/batches/batches.ts). */
export interface ConfirmationTimes {
    /** The time of the first batch confirmed at or after `t`, if any. */
    firstConfirmationAtOrAfter(t: bigint): bigint | undefined;
}

export interface WindowCount {
    /** Windows charged in this evaluation. */
    charged: number;
    /** Windows evaluated in total after this evaluation (the new `k`). */
    k: number;
    /** Windows whose start the charges cover: the start of each charged window (for the log). */
    firstCharged?: bigint;
    lastCharged?: bigint;
}

/**
 * Evaluates the complete windows of the fault starting at `from` that end at or before `until`,
 * beginning with window `k`, charging at most `maxCharged` of them.
 */
export function evaluateWindows(from: bigint, k: number, until: bigint, window: bigint, maxCharged: number, times: ConfirmationTimes): WindowCount {
    if (window <= 0n) throw new RangeError('a liveness window must be positive');
    if (until <= from) return { charged: 0, k };
    const complete = Number((until - from) / window);
    let j = k;
    let charged = 0;
    let firstCharged: bigint | undefined;
    let lastCharged: bigint | undefined;
    while (j < complete && charged < maxCharged) {
        const start = from + BigInt(j) * window;
        // The batch at the very instant the fault starts is the node's last sign of life (or the
        // report that opened the fault): it is no evidence that the network was up afterwards.
        const c = times.firstConfirmationAtOrAfter(j === 0 ? start + 1n : start);
        const end = from + BigInt(complete) * window;
        if (c === undefined || c >= end) {
            // No confirmation in any of the remaining complete windows: all exempt.
            j = complete;
            break;
        }
        const hit = Number((c - from) / window);
        charged++;
        if (firstCharged === undefined) firstCharged = from + BigInt(hit) * window;
        lastCharged = from + BigInt(hit) * window;
        j = hit + 1;
    }
    return { charged, k: j, firstCharged, lastCharged };
}

/** A staked compute node's charge per window: stake × window / term length (floor). 60-minute windows: stake / days / 24. */
export function computePenalty(stake: bigint, lockDays: number, window: bigint): bigint {
    if (lockDays <= 0) return 0n;
    return (stake * window) / (BigInt(lockDays) * 86_400_000_000_000n);
}
