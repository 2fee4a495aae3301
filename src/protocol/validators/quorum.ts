/**
 * Validator-set arithmetic (spec §3): the set grows in steps of 3F+1 (4, 7, 10, 13, …; the first
 * batch is 13) and anything validators decide needs 2F+1 = floor(2n/3) + 1 votes, i.e. strictly
 * more than two thirds of the active set.
 */
export const FIRST_VALIDATOR_BATCH = 13;

/** Votes needed among `n` active validators: floor(2n/3) + 1 (n ≥ 1); 0 validators can decide nothing. */
export function quorum(n: number): number {
    if (n <= 0) return Number.POSITIVE_INFINITY;
    return (2 * n - ((2 * n) % 3)) / 3 + 1; // floor(2n/3) in integers
}

/** F such that n = 3F + 1, or undefined when n is not of that form. */
export function faultTolerance(n: number): number | undefined {
    return n >= 1 && (n - 1) % 3 === 0 ? (n - 1) / 3 : undefined;
}

/** The size the next admission batch must bring the set to. */
export function nextSetSize(current: number): number {
    if (current < FIRST_VALIDATOR_BATCH) return FIRST_VALIDATOR_BATCH;
    const f = (current - 1 - ((current - 1) % 3)) / 3; // floor((current − 1)/3), current ≥ 13
    return 3 * (f + 1) + 1;
}

/** How many validators the next admission batch must admit, exactly. */
export function admissionBatchSize(current: number): number {
    return nextSetSize(current) - current;
}
