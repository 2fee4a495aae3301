/** The devnet's results as the run produces them and the report shows them. */
import type { Check } from './checks';
import type { Kind } from './plan';

export interface EpochRow {
    epoch: number;
    emitted: bigint;
    distributed: bigint;
    unallocated: bigint;
    claimed: bigint;
    claimedByKind: Record<Kind, bigint>;
    penalties: bigint;
    penaltiesByKind: Record<Kind | 'impeachment', bigint>;
    totalE: bigint;
    eligible: bigint;
    events: string[];
}

/** Cumulative rewards earned (claimed + claimable) by node type, sampled after an epoch. */
export interface Sample {
    epoch: number;
    earned: Record<Kind, bigint>;
}

export interface DevnetResult {
    ok: boolean;
    run: number;
    epochs: EpochRow[];
    samples: Sample[];
    checks: Check[];
    report: string;
    state?: string;
    protocol: string;
    ledger: string;
    seconds: number;
}

/** What the report shows of one node (read from the canisters at the end of the run). */
export interface NodeRow {
    nodeId: string;
    kind: Kind;
    status: string;
    stake: bigint;
    lockDays: number;
    eValue: bigint;
    claimed: bigint;
    claimable: bigint;
    penalized: bigint;
    suspended: boolean;
}
