/** What the SocketsClient takes and answers (src/client/sockets.ts; spec §12, ICRC-7 + ICRC-37). */
import type { IcrcAccount } from './account';

/** An ICRC-3 `Value` as agent-js decodes it. */
export type SocketValue = { Nat: bigint } | { Int: bigint } | { Text: string } | { Blob: Uint8Array } | { Array: SocketValue[] } | { Map: [string, SocketValue][] };

/** A socket: its id (= the order id), its holder and its order as the token metadata shows it. */
export interface Socket {
    id: bigint;
    owner: IcrcAccount;
    offer: bigint;
    nodeId: string;
    service: string;
    unit: string;
    price: bigint;
    unitsBought: bigint;
    unitsConfirmed: bigint;
    escrow: bigint;
    expiresAt: bigint;
    status: string;
}

export interface SocketCollection {
    symbol: string;
    name: string;
    description?: string;
    totalSupply: bigint;
    /** Every icrc7:* and icrc37:* entry as answered. */
    metadata: [string, SocketValue][];
}

export interface SocketTransferParams {
    tokenId: bigint;
    to: IcrcAccount;
    fromSubaccount?: Uint8Array;
    memo?: Uint8Array;
    /** Set it to make a retry safe (deduplicated for 24 h); default: the client's clock. */
    createdAtTime?: bigint;
}

export interface SocketTransferFromParams {
    tokenId: bigint;
    from: IcrcAccount;
    to: IcrcAccount;
    spenderSubaccount?: Uint8Array;
    memo?: Uint8Array;
    createdAtTime?: bigint;
}

export interface SocketApproval {
    spender: IcrcAccount;
    fromSubaccount?: Uint8Array;
    expiresAt?: bigint;
    memo?: Uint8Array;
    createdAtTime: bigint;
}

export interface SocketApproveParams {
    /** undefined: a collection-level approval (every socket the account holds at transfer time). */
    tokenId?: bigint;
    spender: IcrcAccount;
    fromSubaccount?: Uint8Array;
    expiresAt?: bigint;
    memo?: Uint8Array;
    createdAtTime?: bigint;
}

export interface SocketRevokeParams {
    /** undefined: revoke collection-level approvals. */
    tokenId?: bigint;
    /** undefined: every spender. */
    spender?: IcrcAccount;
    fromSubaccount?: Uint8Array;
    memo?: Uint8Array;
    createdAtTime?: bigint;
}
