/**
 * The ledger's calls in its domain: the arguments of ICRC-1 `icrc1_transfer`, ICRC-2
 * `icrc2_approve` and `icrc2_transfer_from`, their results and error variants (DFINITY's; the
 * Candid interface api/candid.ts converts them), this ledger's GenericError codes (docs/ledger.md)
 * and the bound of token amounts. The rules that answer the calls: ledger.ts.
 * Storage: none. Cost: none (types and constants).
 */
import type { Account } from './account';

export type Result<T, E> = { Ok: T } | { Err: E };

export type TransferError =
    | { BadFee: { expected_fee: bigint } }
    | { BadBurn: { min_burn_amount: bigint } }
    | { InsufficientFunds: { balance: bigint } }
    | { TooOld: null }
    | { CreatedInFuture: { ledger_time: bigint } }
    | { TemporarilyUnavailable: null }
    | { Duplicate: { duplicate_of: bigint } }
    | { GenericError: { error_code: bigint; message: string } };

export type ApproveError =
    | { BadFee: { expected_fee: bigint } }
    | { InsufficientFunds: { balance: bigint } }
    | { AllowanceChanged: { current_allowance: bigint } }
    | { Expired: { ledger_time: bigint } }
    | { TooOld: null }
    | { CreatedInFuture: { ledger_time: bigint } }
    | { Duplicate: { duplicate_of: bigint } }
    | { TemporarilyUnavailable: null }
    | { GenericError: { error_code: bigint; message: string } };

export type TransferFromError =
    | { BadFee: { expected_fee: bigint } }
    | { BadBurn: { min_burn_amount: bigint } }
    | { InsufficientFunds: { balance: bigint } }
    | { InsufficientAllowance: { allowance: bigint } }
    | { TooOld: null }
    | { CreatedInFuture: { ledger_time: bigint } }
    | { Duplicate: { duplicate_of: bigint } }
    | { TemporarilyUnavailable: null }
    | { GenericError: { error_code: bigint; message: string } };

export interface TransferArgs {
    from_subaccount?: Uint8Array;
    to: Account;
    amount: bigint;
    fee?: bigint;
    memo?: Uint8Array;
    created_at_time?: bigint;
}

export interface ApproveArgs {
    from_subaccount?: Uint8Array;
    spender: Account;
    amount: bigint;
    expected_allowance?: bigint;
    expires_at?: bigint;
    fee?: bigint;
    memo?: Uint8Array;
    created_at_time?: bigint;
}

export interface TransferFromArgs {
    spender_subaccount?: Uint8Array;
    from: Account;
    to: Account;
    amount: bigint;
    fee?: bigint;
    memo?: Uint8Array;
    created_at_time?: bigint;
}

/** GenericError codes of this ledger (docs/ledger.md). */
export const ErrorCodes = {
    ANONYMOUS_CALLER: 1001n,
    INVALID_ACCOUNT: 1002n,
    MEMO_TOO_LONG: 1003n,
    SUPPLY_CAP: 1004n,
    SELF_APPROVAL: 1005n,
    MINTER_NOT_ALLOWED: 1006n,
} as const;

/** Allowances are capped at what the ledger's u64 balances can hold. */
export const MAX_TOKENS = (1n << 64n) - 1n;
