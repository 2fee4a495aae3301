/**
 * What the socket NFTs (spec §12) need from the rest of the protocol, each one function, so the
 * collection could move to its own canister with each port becoming a call:
 *  - `BlockLog`: the protocol's ICRC-3 log (src/protocol/log/log.ts, `system.log`), where every
 *    socket block is appended;
 *  - `SocketOrders`: the market's order behind a token (its metadata, whether it is closing);
 *  - the protocol's pause.
 * Storage: none. Cost: none.
 */
import type { BlockLog, Value } from '../log/log';

export type { BlockLog, Value };
/** An account as an ICRC-3 value, shared with its hash remembered (the log's memo for recurring accounts). */
export { accountValue } from '../log/account-value';

/** The market order behind a socket, as the collection shows it (spec §12's token metadata). */
export interface SocketOrder {
    id: bigint;
    offer: bigint;
    nodeId: string;
    service: string;
    unit: string;
    price: bigint;
    unitsBought: bigint;
    unitsConfirmed: bigint;
    escrow: bigint;
    pending: bigint;
    expiresAt: bigint;
    status: string;
}

export interface SocketPorts {
    /** The order behind token `id`, if it exists. */
    order(id: bigint): SocketOrder | undefined;
    /** Why the protocol refuses changes now (paused), or undefined. */
    paused(): string | undefined;
}
