/**
 * The compute market's Candid types (spec §11, §11.1) and the views from its domain records: every
 * refusal is a named case of `MarketError`, each with a readable `message`.
 * Storage: none. Cost: conversions only.
 */
import { C, type ValueOf } from '../../lib/candid/candid';
import type { Type } from '../../lib/candid/types';
import { accountOut, CAccount, toOpt } from '../../ledger/api/candid';
import type { Receipt } from '../market/receipts';
import type { ClaimResult } from '../market/claims';
import { TRADING_REWARD_POOL_E8S } from '../model/supply';
import type { MarketState, Offer, Order, Pending } from '../market/model';

function msg<F extends Record<string, Type<unknown>>>(extra?: F) {
    return C.record({ message: C.text, ...(extra ?? ({} as F)) });
}

export const MarketErrorT = C.variant({
    NotAuthorized: msg(),
    InvalidArgument: msg(),
    Paused: msg(),
    NodeNotFound: msg({ node_id: C.text }),
    NodeCannotTakeOrders: msg({ node_id: C.text }),
    TooManyOffers: msg({ max: C.nat32 }),
    OfferNotFound: msg({ offer: C.nat64 }),
    OfferClosed: msg({ offer: C.nat64 }),
    PriceAboveMax: msg({ price: C.nat, max_price: C.nat }),
    UnitsOutOfRange: msg({ min: C.nat, max: C.nat }),
    ExpiryOutOfRange: msg({ latest: C.nat64 }),
    AmountOverflow: msg(),
    TooOld: msg(),
    CreatedInFuture: msg({ ledger_time: C.nat64 }),
    Duplicate: msg({ duplicate_of: C.nat64 }),
    OrderNotFound: msg({ order: C.nat64 }),
    OrderNotOpen: msg({ order: C.nat64, status: C.text }),
    NotDisputable: msg(),
    NothingToClaim: msg(),
    Busy: msg(),
    LedgerRefused: msg(),
    LedgerUnavailable: msg(),
    OperationPending: msg({ operation: C.nat64 }),
});

export const UnitT = C.variant({ task: C.null, second: C.null });

export const OfferArgsT = C.record({ node_id: C.text, service: C.text, unit: UnitT, price: C.nat, min_units: C.nat, max_units: C.nat });
export const OfferViewT = C.record({ id: C.nat64, node_id: C.text, service: C.text, unit: UnitT, price: C.nat, min_units: C.nat, max_units: C.nat, open: C.bool, created_at: C.nat64 });
export const OfferResultT = C.variant({ Ok: OfferViewT, Err: MarketErrorT });

export const OpenArgsT = C.record({ offer: C.nat64, units: C.nat, max_price: C.nat, expires_at: C.nat64, created_at_time: C.nat64, from_subaccount: C.opt(C.blob) });
export const OrderViewT = C.record({
    id: C.nat64, offer: C.nat64, node_id: C.text, service: C.text, price: C.nat, payer: CAccount,
    units_bought: C.nat, units_confirmed: C.nat, paid: C.nat, escrow: C.nat, pending: C.nat, settled: C.nat, refunded: C.nat,
    status: C.text, created_at: C.nat64, expires_at: C.nat64,
});
export const OrderResultT = C.variant({ Ok: OrderViewT, Err: MarketErrorT });

export const PendingViewT = C.record({ order: C.nat64, from_cum: C.nat64, to_cum: C.nat64, amount: C.nat, mature_at: C.nat64, status: C.text, deposit: C.nat, disputed_at: C.nat64 });
export const DisputeArgsT = C.record({ order: C.nat64, from_cum: C.nat64, from_subaccount: C.opt(C.blob) });
export const DisputeResultT = C.variant({ Ok: PendingViewT, Err: MarketErrorT });
export const PendingArgsT = C.record({ order: C.nat64, from_cum: C.nat64, count: C.nat32 });

export const MarketClaimResultT = C.variant({ Ok: C.record({ credit: C.nat, rewards: C.nat, pending: C.vec(C.text) }), Err: MarketErrorT });
export const MarketAccountT = C.record({ credit: C.nat, rewards: C.nat, claims_in_flight: C.nat32 });

export const ReceiptViewT = C.record({
    seq: C.nat64, kind: C.text, order: C.nat64, from_cum: C.nat64, to_cum: C.nat64, amount: C.nat, fee: C.nat, credit: C.nat,
    buyer_reward: C.nat, provider_reward: C.nat, period: C.nat32, time: C.nat64, prev_hash: C.blob, block: C.opt(C.nat64),
});

export const MarketSummaryT = C.record({
    offers: C.nat64, orders: C.nat64, receipts: C.nat64, receipt_tip: C.blob,
    escrow: C.nat, pending: C.nat, credit: C.nat, deposits: C.nat, outgoing: C.nat, fees_unmoved: C.nat, fees_moved: C.nat,
    rewards_granted: C.nat, rewards_minted: C.nat, rewards_pool: C.nat, settled_volume: C.nat, refunded_volume: C.nat,
    reward_start: C.opt(C.nat64), paused: C.opt(C.text),
    dispute_window_ns: C.nat64, dispute_timeout_ns: C.nat64, dispute_penalty_bp: C.nat32, job_batch: C.nat32,
});

export const TradingScheduleRowT = C.record({ period: C.nat32, p_num: C.nat, p_den: C.nat, df_num: C.nat, df_den: C.nat, buyer_per_emc: C.nat, provider_per_emc: C.nat });

export const MarketParamsUpdateT = C.record({ dispute_window_ns: C.opt(C.nat64), dispute_timeout_ns: C.opt(C.nat64), dispute_penalty_bp: C.opt(C.nat32), job_batch: C.opt(C.nat32) });
export const ReferencePricesT = C.vec(C.record({ service: C.text, price: C.nat }));
export const MarketGovResultT = C.variant({ Ok: C.text, Err: MarketErrorT });

export type MarketErrorV = ValueOf<typeof MarketErrorT>;

export function offerView(o: Offer): ValueOf<typeof OfferViewT> {
    return { id: o.id, node_id: o.nodeId, service: o.service, unit: o.unit === 'task' ? { task: null } : { second: null }, price: o.price, min_units: o.minUnits, max_units: o.maxUnits, open: o.open, created_at: o.createdAt };
}

export function orderView(o: Order, nodeId: string): ValueOf<typeof OrderViewT> {
    return {
        id: o.id, offer: o.offerId, node_id: nodeId, service: o.service, price: o.price, payer: accountOut(o.payer),
        units_bought: o.unitsBought, units_confirmed: o.unitsConfirmed, paid: o.paid, escrow: o.escrow, pending: o.pending, settled: o.settled, refunded: o.refunded,
        status: o.status, created_at: o.createdAt, expires_at: o.expiresAt,
    };
}

export function pendingView(p: Pending): ValueOf<typeof PendingViewT> {
    return { order: p.order, from_cum: p.fromCum, to_cum: p.toCum, amount: p.amount, mature_at: p.matureAt, status: p.status, deposit: p.deposit, disputed_at: p.disputedAt };
}

export function receiptView(r: Receipt): ValueOf<typeof ReceiptViewT> {
    return { seq: r.seq, kind: r.kind, order: r.order, from_cum: r.fromCum, to_cum: r.toCum, amount: r.amount, fee: r.fee, credit: r.credit, buyer_reward: r.buyerReward, provider_reward: r.providerReward, period: r.period, time: r.time, prev_hash: r.prev, block: toOpt(r.block) };
}

export function claimView(c: ClaimResult): { credit: bigint; rewards: bigint; pending: string[] } {
    return { credit: c.credit, rewards: c.rewards, pending: c.pending };
}

export function summaryView(s: MarketState): ValueOf<typeof MarketSummaryT> {
    return {
        offers: s.nextOffer, orders: s.nextOrder, receipts: s.nextReceipt, receipt_tip: s.receiptTip,
        escrow: s.escrow, pending: s.pending, credit: s.credit, deposits: s.deposits, outgoing: s.outgoing, fees_unmoved: s.feesUnmoved, fees_moved: s.feesMoved,
        rewards_granted: s.rewardsGranted, rewards_minted: s.rewardsMinted, rewards_pool: TRADING_REWARD_POOL_E8S, settled_volume: s.settledVolume, refunded_volume: s.refundedVolume,
        reward_start: toOpt(s.rewardStart), paused: toOpt(s.paused),
        dispute_window_ns: s.params.disputeWindowNs, dispute_timeout_ns: s.params.disputeTimeoutNs, dispute_penalty_bp: s.params.disputePenaltyBp, job_batch: s.params.jobBatch,
    };
}

/** The domain's error as its Candid case (the same shape). */
export function marketErr<T>(r: { Ok: T } | { Err: unknown }): { Ok: T } | { Err: MarketErrorV } {
    return r as { Ok: T } | { Err: MarketErrorV };
}

