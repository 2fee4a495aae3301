/**
 * The socket NFTs' model (spec §12, ICRC-7 and ICRC-37 as accepted): the collection's limits, the
 * approval record, the standards' error variants and the codes of our GenericError answers. The
 * rules live in the files named after them (collection.ts, tokens.ts, approvals.ts, transfers.ts,
 * dedup.ts, blocks.ts, market-hooks.ts); this file only names things.
 * Storage: none (store.ts). Cost: constants.
 */
import type { Account } from '../../ledger/account';

/** ICRC-7 limits (icrc7:* metadata; docs/sockets.md gives the reasons for each value). */
export const MAX_QUERY_BATCH_SIZE = 100;
export const MAX_UPDATE_BATCH_SIZE = 20;
export const DEFAULT_TAKE_VALUE = 100;
export const MAX_TAKE_VALUE = 500;
export const MAX_MEMO_SIZE = 32;
/** Deduplication window and drift, in seconds (icrc7:tx_window, icrc7:permitted_drift). */
export const TX_WINDOW_S = 86_400n;
export const PERMITTED_DRIFT_S = 120n;
export const TX_WINDOW_NS = TX_WINDOW_S * 1_000_000_000n;
export const PERMITTED_DRIFT_NS = PERMITTED_DRIFT_S * 1_000_000_000n;
/** ICRC-37 limits: active approvals per token and per principal (collection-level); revocations per call. */
export const MAX_APPROVALS = 10;
export const MAX_REVOKE_APPROVALS = 10;
/**
 * How many items of a batch argument the boundary lets through (the inspect table): a request
 * longer than the max_* limit is answered with a prefix (ICRC-7 "Error Handling"), so the
 * boundary bound is larger than the limit; beyond it the argument is refused before decoding.
 */
export const MAX_BATCH_ARG_ITEMS = 200;
export const MAX_QUERY_ARG_ITEMS = 1_000;

/** Token ids are order ids (u64); the ownership index keeps ids below 2^39 (market orders never get near). */
export const MAX_TOKEN_ID = (1n << 39n) - 1n;

/** An ICRC-37 approval (token-level or collection-level). */
export interface ApprovalRecord {
    spender: Account;
    /** The owner's subaccount the approval applies to (as given; compared as an account). */
    fromSubaccount?: Uint8Array;
    expiresAt?: bigint;
    memo?: Uint8Array;
    createdAt: bigint;
}

/** A token: its holder, its approvals, and the order figures its last block showed. */
export interface Token {
    id: bigint;
    owner: Account;
    approvals: ApprovalRecord[];
    /** units_confirmed, escrow and status as of the last 7mint / 7update_token (a change emits one). */
    shown: { unitsConfirmed: bigint; escrow: bigint; status: string };
}

/** The codes of our `GenericError` / `GenericBatchError` answers (docs/sockets.md "Errors"). */
export const SocketError = {
    /** An argument out of its bounds: memo over max_memo_size, a subaccount not 32 bytes, a principal over 29 bytes. */
    InvalidArgument: 1n,
    /** The socket's order is closing: its refund is on its way to the holder (spec §12). */
    OrderClosing: 2n,
    /** Already max_approvals_per_token_or_collection active approvals. */
    TooManyApprovals: 3n,
    /** expires_at is not in the future. */
    AlreadyExpired: 4n,
    /** approve_collection needs the account to hold a socket (a bound on approval state, ICRC-7 §Security). */
    NoSocketHeld: 5n,
    /** Batch errors: the anonymous principal changes nothing; the protocol is paused. */
    Anonymous: 100n,
    Paused: 101n,
} as const;

export type Generic = { GenericError: { error_code: bigint; message: string } } | { GenericBatchError: { error_code: bigint; message: string } };
type TimeErrors = { TooOld: null } | { CreatedInFuture: { ledger_time: bigint } };

export type TransferError = { NonExistingTokenId: null } | { InvalidRecipient: null } | { Unauthorized: null } | TimeErrors | { Duplicate: { duplicate_of: bigint } } | Generic;
export type TransferFromError = TransferError;
export type ApproveTokenError = { InvalidSpender: null } | { Unauthorized: null } | { NonExistingTokenId: null } | TimeErrors | Generic;
export type ApproveCollectionError = { InvalidSpender: null } | TimeErrors | Generic;
export type RevokeTokenError = { ApprovalDoesNotExist: null } | { Unauthorized: null } | { NonExistingTokenId: null } | TimeErrors | Generic;
export type RevokeCollectionError = { ApprovalDoesNotExist: null } | TimeErrors | Generic;

export type ItemOutcome<E> = { Ok: bigint } | { Err: E };

export function generic(code: bigint, message: string): { GenericError: { error_code: bigint; message: string } } {
    return { GenericError: { error_code: code, message } };
}

export function batchError(code: bigint, message: string): { GenericBatchError: { error_code: bigint; message: string } } {
    return { GenericBatchError: { error_code: code, message } };
}

/** Why an account, subaccount or memo of a request item is out of bounds, or undefined. */
export function argumentProblem(p: { accounts?: (Account | undefined)[]; subaccounts?: (Uint8Array | undefined)[]; memo?: Uint8Array }): string | undefined {
    if (p.memo !== undefined && p.memo.length > MAX_MEMO_SIZE) return `memo is ${p.memo.length} bytes, at most ${MAX_MEMO_SIZE} allowed`;
    for (const s of p.subaccounts ?? []) if (s !== undefined && s.length !== 32) return `a subaccount must be 32 bytes, got ${s.length}`;
    for (const a of p.accounts ?? []) {
        if (a === undefined) continue;
        if (a.owner.length > 29) return `a principal is at most 29 bytes, got ${a.owner.length}`;
        if (a.subaccount !== undefined && a.subaccount.length !== 32) return `a subaccount must be 32 bytes, got ${a.subaccount.length}`;
    }
    return undefined;
}

/**
 * A batch as ICRC-7 "Batch Update Methods" says: positional answers, items processed in order,
 * at most `max` of them (a longer request is answered with the prefix of `max` answers, never a
 * trap); a batch error (`refuse`) answers the first item and stops.
 */
export function runBatch<T, R>(items: readonly T[], max: number, refuse: () => R | undefined, each: (item: T) => R): R[] {
    if (items.length === 0) return [];
    const stop = refuse();
    if (stop !== undefined) return [stop];
    const out: R[] = [];
    for (let i = 0; i < items.length && i < max; i++) out.push(each(items[i]));
    return out;
}

/** A query batch: the prefix of at most `max` answers. */
export function queryBatch<T, R>(items: readonly T[], max: number, each: (item: T) => R): R[] {
    const out: R[] = [];
    for (let i = 0; i < items.length && i < max; i++) out.push(each(items[i]));
    return out;
}

/** The page size: `take` (default DEFAULT_TAKE_VALUE) capped at MAX_TAKE_VALUE. */
export function takeOf(take: bigint | undefined): number {
    if (take === undefined) return DEFAULT_TAKE_VALUE;
    return take > BigInt(MAX_TAKE_VALUE) ? MAX_TAKE_VALUE : Number(take);
}
