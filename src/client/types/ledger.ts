/** The ledger client's parameters and answers (src/client/ledger.ts); amounts in e8s, times in ns since the Unix epoch. */
import type { IcrcAccount } from './account';

export interface TransferParams {
    to: IcrcAccount;
    /** e8s */
    amount: bigint;
    memo?: Uint8Array;
    fromSubaccount?: Uint8Array;
    /** Default: the ledger's fee (omitted from the call). */
    fee?: bigint;
    /** Default: the network's clock now. Reuse it to repeat the same transfer safely. */
    createdAtTime?: bigint;
    /** A transfer of 0 moves nothing and still costs the fee: refused (BadInput) unless this is true. */
    allowZero?: boolean;
}

export interface ApproveParams {
    spender: IcrcAccount;
    /** e8s the spender may take (fees included). */
    amount: bigint;
    expectedAllowance?: bigint;
    /** ns since the Unix epoch */
    expiresAt?: bigint;
    memo?: Uint8Array;
    fromSubaccount?: Uint8Array;
    fee?: bigint;
    createdAtTime?: bigint;
}

export interface BlockReceipt {
    blockIndex: bigint;
    /** The ledger had already executed this very transaction (a repeat): nothing moved twice. */
    duplicate: boolean;
    createdAtTime: bigint;
}

export interface LedgerMetadata {
    name: string;
    symbol: string;
    decimals: number;
    /** e8s */
    fee: bigint;
    totalSupply: bigint;
    mintingAccount?: IcrcAccount;
    /** Every ICRC-1 metadata entry (`icrc1:logo`, …). */
    entries: [string, unknown][];
}

export interface LedgerAllowance {
    allowance: bigint;
    expiresAt?: bigint;
}
