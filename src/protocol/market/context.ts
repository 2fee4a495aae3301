/**
 * What the market's rules share: its store, its ledger movements, its receipt log, and its narrow
 * ports to the rest of the protocol (nodes, the ledger fee, the protocol's pause, the epoch length,
 * governance). Each port is one function, so the market could move to its own canister with each
 * port becoming a call (docs/market.md). Storage: none. Cost: none.
 */
import type { Account } from '../../ledger/account';
import type { Env } from '../../lib/env';
import type { MarketOps } from './operations';
import type { Receipts } from './receipts';
import type { MarketStore } from './store';

/** A node as the market sees it. */
export interface MarketNode {
    index: bigint;
    id: string;
    operator: Uint8Array;
    wallet: Account;
    /** Active compute node, not suspended, frozen or disqualified, with a valid state (spec §11). */
    canTakeOrders: boolean;
    /** Why it cannot take orders (when it cannot). */
    why?: string;
}

/**
 * The socket NFTs (spec §12, src/protocol/sockets/market-hooks.ts): who holds an order's socket now
 * (refunds and disputes follow the holder), and the market's changes of its orders (mint, updates,
 * burn), told in the message that makes them.
 */
export interface MarketSockets {
    holder(order: bigint): Account | undefined;
    opened(order: bigint, payer: Account): void;
    orderSaved(order: bigint): void;
}

export interface MarketPorts {
    nodeById(id: string): MarketNode | undefined;
    node(index: bigint): MarketNode | undefined;
    ledgerFee(): bigint;
    setLedgerFee(fee: bigint): void;
    /** Why the whole protocol is paused, if it is. */
    protocolPaused(): string | undefined;
    /** The epoch length (the reward clock's periods are 90 epochs). */
    epochNs(): bigint;
    /** Governance's check of the caller: why it may not call a governance method, or undefined. */
    authorize(caller: Uint8Array): string | undefined;
    /** Appends to the governance log. */
    log(caller: Uint8Array, method: string, before: string, after: string): void;
    /** Charges `amount` from a node's stake to the treasury (a confirmed rejection, dispute_penalty_bp); returns what was charged. */
    chargeStake(index: bigint, amount: bigint): bigint;
    /** The socket NFTs; without them (a market alone) the payer holds every order. */
    sockets?: MarketSockets;
}

/** The account an order's refunds go to and whose principal may close and dispute it: its socket's holder (spec §12). */
export function holderOf(ctx: { ports: MarketPorts }, order: { id: bigint; payer: Account }): Account {
    return ctx.ports.sockets?.holder(order.id) ?? order.payer;
}

export interface MarketContext {
    store: MarketStore;
    ops: MarketOps;
    receipts: Receipts;
    ports: MarketPorts;
    env: Env;
}
