/** The devnet's results as the run produces them and the report shows them. */
import type { Check } from './checks';
import type { Kind } from './plan';
import type { SocketsRecord } from './sockets';

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
    /** The market in this epoch (absent in rows saved before the market was in the devnet). */
    market?: MarketRow;
}

/** The compute market in one epoch, from the canister's receipts and summary. */
export interface MarketRow {
    /** orders opened, and what their buyers paid into escrow */
    orders: number;
    opened: bigint;
    /** settled amounts (receipts `settled` and `dispute_failed`) and their 20 % fees */
    volume: bigint;
    fees: bigint;
    buyerRewards: bigint;
    providerRewards: bigint;
    /** refunds (close, expiry, rejected disputes) */
    refunded: bigint;
    /** market_summary at the epoch's close */
    escrow: bigint;
    pending: bigint;
    claimedCredit: bigint;
    claimedRewards: bigint;
    /** icrc7_total_supply (open sockets) at the epoch's close (absent in rows saved before the sockets were in the devnet) */
    sockets?: bigint;
}

/** One lock-up period's result as `lockup_period` answers it. */
export interface LockupRow {
    period: number;
    locked: bigint;
    rateBps: bigint;
    tier: number;
    basic: bigint;
    perPool: bigint;
    competition: bigint;
    winner: string;
    sharedA: bigint;
    sharedB: bigint;
    sharedCompetition: bigint;
    unearned: bigint;
    toEcosystem: bigint;
    newA: bigint;
    newB: bigint;
    final: boolean;
}

/** The genesis distribution at the end of the run (read from the canister). */
export interface DistributionSummary {
    vesting: { total: bigint; released: bigint; claims: { epoch: number; amount: bigint }[]; tranches: bigint };
    mappings: { id: bigint; name: string; status: string; entries: bigint; sourceTotal: bigint; dustSource: bigint; mappedTotal: bigint; dustValue: bigint; claimed: bigint; swept: bigint }[];
    game?: { status: string; budget: bigint; output: bigint; periods: number; periodEpochs: number; locks: bigint };
    periods: LockupRow[];
    lockClaims: { locks: number; amount: bigint; rewards: bigint };
}

/** Cumulative rewards earned (claimed + claimable) by node type, sampled after an epoch. */
export interface Sample {
    epoch: number;
    earned: Record<Kind, bigint>;
}

export interface DevnetResult {
    ok: boolean;
    distribution?: DistributionSummary;
    run: number;
    epochs: EpochRow[];
    samples: Sample[];
    checks: Check[];
    /** This run's socket resales and the resold order its new holder closed (issue 18). */
    sockets?: SocketsRecord;
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
