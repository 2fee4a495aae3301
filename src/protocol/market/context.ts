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
}

export interface MarketContext {
    store: MarketStore;
    ops: MarketOps;
    receipts: Receipts;
    ports: MarketPorts;
    env: Env;
}
