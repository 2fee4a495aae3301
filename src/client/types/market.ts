/** The compute market as the SDK shows it (spec §11; docs/market.md). Amounts in e8s, times in ns. */
import type { IcrcAccount } from './account';

export type MarketUnit = 'task' | 'second';

export interface MarketOffer {
    id: bigint;
    nodeId: string;
    service: string;
    unit: MarketUnit;
    price: bigint;
    minUnits: bigint;
    maxUnits: bigint;
    open: boolean;
    createdAt: bigint;
}

export interface MarketOrder {
    id: bigint;
    offer: bigint;
    nodeId: string;
    service: string;
    price: bigint;
    payer: IcrcAccount;
    unitsBought: bigint;
    unitsConfirmed: bigint;
    paid: bigint;
    escrow: bigint;
    pending: bigint;
    settled: bigint;
    refunded: bigint;
    status: string;
    createdAt: bigint;
    expiresAt: bigint;
}

export interface MarketPendingAmount {
    order: bigint;
    fromCum: bigint;
    toCum: bigint;
    amount: bigint;
    matureAt: bigint;
    status: string;
    deposit: bigint;
    disputedAt: bigint;
}

export interface MarketReceipt {
    seq: bigint;
    kind: string;
    order: bigint;
    fromCum: bigint;
    toCum: bigint;
    amount: bigint;
    fee: bigint;
    credit: bigint;
    buyerReward: bigint;
    providerReward: bigint;
    period: number;
    time: bigint;
    /** Its block in the protocol's ICRC-3 log (`icrc3_get_blocks`); absent for receipts written before the log existed. */
    block?: bigint;
    /** Who paid (an order's opening), from the block. */
    payer?: IcrcAccount;
    /** Who received the money (a refund, a dispute's refund: the socket's holder at the time), from the block. */
    to?: IcrcAccount;
}

export interface MarketClaimable {
    credit: bigint;
    rewards: bigint;
    claimsInFlight: number;
}

export interface MarketClaimPaid {
    credit: bigint;
    rewards: bigint;
    pending: string[];
}

export interface MarketTotals {
    offers: bigint;
    orders: bigint;
    receipts: bigint;
    escrow: bigint;
    pending: bigint;
    credit: bigint;
    deposits: bigint;
    /** Amounts leaving the escrow by a ledger transfer whose outcome is not recorded yet (part of the escrow invariant). */
    outgoing: bigint;
    feesUnmoved: bigint;
    feesMoved: bigint;
    rewardsGranted: bigint;
    rewardsMinted: bigint;
    rewardsPool: bigint;
    settledVolume: bigint;
    refundedVolume: bigint;
    rewardStart?: bigint;
    paused?: string;
    disputeWindowNs: bigint;
    disputeTimeoutNs: bigint;
}

export interface TradingRewardPeriod {
    period: number;
    /** P(n) = pNum / pDen, df(n) = dfNum / dfDen. */
    pNum: bigint;
    pDen: bigint;
    dfNum: bigint;
    dfDen: bigint;
    buyerPerEmc: bigint;
    providerPerEmc: bigint;
}
