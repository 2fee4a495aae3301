/** One-line messages for the genesis distribution's error cases (`DistributionError`, docs/distribution.md). */
type Err = Record<string, unknown>;

export function describeDistributionError(e: Err): string | undefined {
    const [kind] = Object.keys(e);
    const v = (e[kind] ?? {}) as Record<string, unknown>;
    if (kind === 'NotFound') return `no ${String(v.what)} ${String(v.id)}`;
    if (typeof v.reason === 'string') return v.reason;
    return undefined;
}
