/**
 * The compute market's model (spec §11): offers, orders and their books, pending amounts, credits,
 * its parameters with their bounds, its named errors, its subaccount. The rules live in the files
 * named after them (offers.ts, orders.ts, task-records.ts, settlement.ts, disputes.ts,
 * trading-rewards.ts, claims.ts); this file only names things.
 * Storage: none (store.ts). Cost: constants.
 */
import type { Account } from '../../ledger/account';
import { DAY_NS, HOUR_NS } from '../model/params';
import { namedSubaccount } from '../model/supply';

/** The one market escrow: the protocol's account under subaccount "market" (spec §11). */
export const MARKET_SUBACCOUNT = namedSubaccount('market');

export const UNITS = ['task', 'second'] as const;
export type Unit = (typeof UNITS)[number];

/** Services are named by text of 1..64 bytes (spec §11). */
export const MAX_SERVICE_BYTES = 64;
/** Open offers per node (spec §11). */
export const MAX_OPEN_OFFERS_PER_NODE = 16;
/** Units of one offer or order: 1..10^12 (a bound of ours: a second-priced order of 31,000 years). */
export const MAX_UNITS = 1_000_000_000_000n;
/** Orders expire at most 180 days after they open (spec §11). */
export const MAX_ORDER_NS = 180n * DAY_NS;
/** Reference prices governance may set in one call. */
export const MAX_REFERENCE_PRICES = 32;
/** A dispute's deposit: max(1 EMC, 1 % of the disputed amount) (spec §11). */
export const MIN_DISPUTE_DEPOSIT = 100_000_000n;
/** The deduplication window of market_open (as ICRC-1: 24 h, 2 minutes of drift). */
export const DEDUP_WINDOW_NS = DAY_NS;
export const PERMITTED_DRIFT_NS = 120n * 1_000_000_000n;

export interface MarketParams {
    /** Pending amounts mature this long after their task record is applied (spec: 72 h). */
    disputeWindowNs: bigint;
    /** A dispute without a confirmed rejection fails after this long (spec: 7 days). */
    disputeTimeoutNs: bigint;
    /** Charged from the node's stake on a confirmed rejection, in basis points of the amount (spec: 0). */
    disputePenaltyBp: number;
    /** Settlements, expiries and dispute timeouts handled per maintenance run (each). */
    jobBatch: number;
}

export const DEFAULT_MARKET_PARAMS: MarketParams = { disputeWindowNs: 72n * HOUR_NS, disputeTimeoutNs: 7n * DAY_NS, disputePenaltyBp: 0, jobBatch: 50 };

/** Governance's bounds of the parameters (checked by validate_ and by the method alike). */
export const PARAM_BOUNDS = {
    disputeWindowNs: [HOUR_NS, 30n * DAY_NS],
    disputeTimeoutNs: [HOUR_NS, 90n * DAY_NS],
    disputePenaltyBp: [0, 10_000],
    jobBatch: [1, 500],
} as const;

export interface Offer {
    id: bigint;
    nodeIndex: bigint;
    nodeId: string;
    service: string;
    unit: Unit;
    price: bigint;
    minUnits: bigint;
    maxUnits: bigint;
    open: boolean;
    createdAt: bigint;
}

export const ORDER_STATUSES = ['opening', 'open', 'closing', 'closed', 'failed'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

/**
 * An order's books: paid = refunded + settled + pending + escrow (spec §11's invariant); `paid` is
 * what the pull brought in (0 until it landed).
 */
export interface Order {
    id: bigint;
    offerId: bigint;
    nodeIndex: bigint;
    service: string;
    price: bigint;
    payer: Account;
    unitsBought: bigint;
    unitsConfirmed: bigint;
    paid: bigint;
    escrow: bigint;
    pending: bigint;
    settled: bigint;
    refunded: bigint;
    status: OrderStatus;
    createdAt: bigint;
    expiresAt: bigint;
    /** The market operation in flight on this order (its pull or its refund), if any. */
    op?: bigint;
}

export const PENDING_STATUSES = ['pending', 'disputing', 'disputed', 'done'] as const;
export type PendingStatus = (typeof PENDING_STATUSES)[number];

/** An amount confirmed by a task record: units (fromCum, toCum] of its order, maturing at `matureAt`. */
export interface Pending {
    order: bigint;
    fromCum: bigint;
    toCum: bigint;
    amount: bigint;
    matureAt: bigint;
    status: PendingStatus;
    /** The dispute's deposit (pulled or being pulled), its opening time and its operation. */
    deposit: bigint;
    disputedAt: bigint;
    op?: bigint;
}

/** What an account may claim from the market: provider credit (from the escrow) and trading rewards (minted). */
export interface Credit {
    credit: bigint;
    rewards: bigint;
    /** Claims in flight (operation ids). */
    creditOp?: bigint;
    rewardOp?: bigint;
}

/** Market totals (the invariant's terms) and clocks. */
export interface MarketState {
    nextOffer: bigint;
    nextOrder: bigint;
    nextOp: bigint;
    nextReceipt: bigint;
    escrow: bigint;
    pending: bigint;
    credit: bigint;
    deposits: bigint;
    /** Booked out of a bucket into a transfer from the escrow that has not completed yet. */
    outgoing: bigint;
    /** Fees and forfeited deposits not yet moved to the treasury, and what was moved. */
    feesUnmoved: bigint;
    feesMoved: bigint;
    /** Trading rewards granted (claimable or claimed) and minted. */
    rewardsGranted: bigint;
    rewardsMinted: bigint;
    /** Matured volume and refunds, for the reports. */
    settledVolume: bigint;
    refundedVolume: bigint;
    /** The reward clock (spec §11.1), absent until governance starts it. */
    rewardStart?: bigint;
    paused?: string;
    params: MarketParams;
    /** The hash of the last receipt (the receipt log's tip). */
    receiptTip: Uint8Array;
    /** The sweep of fees to the treasury in flight. */
    sweepOp?: bigint;
}

export const OP_KINDS = ['pull_order', 'pull_deposit', 'refund', 'dispute_refund', 'deposit_back', 'credit', 'reward', 'sweep'] as const;
export type MarketOpKind = (typeof OP_KINDS)[number];

/** A ledger movement of the market, written before its await (the retry mark next to it). */
export interface MarketOp {
    id: bigint;
    kind: MarketOpKind;
    /** The payer (pulls) or the receiver (everything else). */
    account: Account;
    /** What the books move (a transfer sends amount − fee; a pull or a mint moves amount). */
    amount: bigint;
    createdAt: bigint;
    /** The order (pulls, refunds) or 0. */
    order: bigint;
    /** The pending amount's fromCum (deposits, dispute refunds). */
    cum: bigint;
    /** The ledger fee a transfer from the escrow pays (sent = amount − fee); 0 for pulls and mints. */
    fee: bigint;
    uncertain?: boolean;
}

/** The market's refusals, each with a readable message (Candid `MarketError`). */
export type MarketError =
    | { NotAuthorized: { message: string } }
    | { InvalidArgument: { message: string } }
    | { Paused: { message: string } }
    | { NodeNotFound: { message: string; node_id: string } }
    | { NodeCannotTakeOrders: { message: string; node_id: string } }
    | { TooManyOffers: { message: string; max: number } }
    | { OfferNotFound: { message: string; offer: bigint } }
    | { OfferClosed: { message: string; offer: bigint } }
    | { PriceAboveMax: { message: string; price: bigint; max_price: bigint } }
    | { UnitsOutOfRange: { message: string; min: bigint; max: bigint } }
    | { ExpiryOutOfRange: { message: string; latest: bigint } }
    | { AmountOverflow: { message: string } }
    | { TooOld: { message: string } }
    | { CreatedInFuture: { message: string; ledger_time: bigint } }
    | { Duplicate: { message: string; duplicate_of: bigint } }
    | { OrderNotFound: { message: string; order: bigint } }
    | { OrderNotOpen: { message: string; order: bigint; status: string } }
    | { NotDisputable: { message: string } }
    | { NothingToClaim: { message: string } }
    | { Busy: { message: string } }
    | { LedgerRefused: { message: string } }
    | { LedgerUnavailable: { message: string } }
    | { OperationPending: { message: string; operation: bigint } };

export type MarketOutcome<T> = { Ok: T } | { Err: MarketError };

export function fail(e: MarketError): { Err: MarketError } {
    return { Err: e };
}

export function invalid(message: string): { Err: MarketError } {
    return { Err: { InvalidArgument: { message } } };
}
