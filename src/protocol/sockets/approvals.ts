/**
 * ICRC-37 approvals of the sockets (spec §12):
 *  - token-level: one per (token, spender), from the subaccount the token is held on, at most
 *    MAX_APPROVALS active per token; a new one for the same spender replaces the old one; kept in
 *    the token's record, so a transfer clears them by rewriting that record (tokens.ts `move`);
 *  - collection-level: one per (owner principal, from_subaccount, spender), at most MAX_APPROVALS
 *    active per principal; they cover the tokens the owner holds on from_subaccount *at transfer
 *    time* (transfers.ts reads them then), never translated into token approvals; creating one
 *    needs the account to hold a socket (a bound on state, ICRC-7 "Security Considerations");
 *  - expiry: an approval whose expires_at has passed is inactive: reads skip it, the next write
 *    of its record drops it (no job walks approvals); expires_at must be in the future when set;
 *  - InvalidSpender when the spender's principal is the caller; approve and revoke check the
 *    created_at_time bounds (TooOld / CreatedInFuture) but are not deduplicated (their error types
 *    have no Duplicate); revocations: ApprovalDoesNotExist when no active approval matches, at most
 *    MAX_REVOKE_APPROVALS requests per call (a prefix beyond);
 *  - pages (get_token_approvals, get_collection_approvals) are ordered by the spender's account key.
 * Every success appends its block (blocks.ts) in the same message.
 * Storage: SOCKET_TOKENS (token approvals), SOCKET_COLLECTION. Cost: per item one record read and
 * write (≤ MAX_APPROVALS entries) and one block.
 */
import { accountKey, isAnonymous, sameAccount, type Account } from '../../ledger/account';
import { compareBytes } from '../../lib/storage/bytes';
import type { SocketBlocks } from './blocks';
import { timeError } from './dedup';
import {
    argumentProblem, batchError, generic, MAX_APPROVALS, MAX_QUERY_BATCH_SIZE, MAX_REVOKE_APPROVALS, MAX_UPDATE_BATCH_SIZE, queryBatch, runBatch, SocketError, takeOf,
    type ApprovalRecord, type ApproveCollectionError, type ApproveTokenError, type ItemOutcome, type RevokeCollectionError, type RevokeTokenError,
} from './model';
import type { SocketStore } from './store';
import type { Tokens } from './tokens';

export interface ApprovalInput {
    spender: Account;
    from_subaccount?: Uint8Array;
    expires_at?: bigint;
    memo?: Uint8Array;
    created_at_time: bigint;
}

export interface RevokeTokenInput {
    spender?: Account;
    from_subaccount?: Uint8Array;
    token_id: bigint;
    memo?: Uint8Array;
    created_at_time?: bigint;
}

export type RevokeCollectionInput = Omit<RevokeTokenInput, 'token_id'>;

export interface TokenApprovalView {
    token_id: bigint;
    approval: ApprovalInput;
}

export function isActive(a: ApprovalRecord, now: bigint): boolean {
    return a.expiresAt === undefined || a.expiresAt > now;
}

function byFromThenSpender(a: ApprovalRecord, b: ApprovalRecord): number {
    return compareBytes(accountKey({ owner: new Uint8Array(0), subaccount: a.fromSubaccount }), accountKey({ owner: new Uint8Array(0), subaccount: b.fromSubaccount })) || compareBytes(accountKey(a.spender), accountKey(b.spender));
}

export function approvalView(a: ApprovalRecord): ApprovalInput {
    const v: ApprovalInput = { spender: a.spender, created_at_time: a.createdAt };
    if (a.fromSubaccount !== undefined) v.from_subaccount = a.fromSubaccount;
    if (a.expiresAt !== undefined) v.expires_at = a.expiresAt;
    if (a.memo !== undefined) v.memo = a.memo;
    return v;
}

function toApproval(i: ApprovalInput): ApprovalRecord {
    const a: ApprovalRecord = { spender: i.spender, createdAt: i.created_at_time };
    if (i.from_subaccount !== undefined) a.fromSubaccount = i.from_subaccount;
    if (i.expires_at !== undefined) a.expiresAt = i.expires_at;
    if (i.memo !== undefined) a.memo = i.memo;
    return a;
}

const sameSub = (a: Uint8Array | undefined, b: Uint8Array | undefined) => sameAccount({ owner: new Uint8Array(0), subaccount: a }, { owner: new Uint8Array(0), subaccount: b });

export class Approvals {
    constructor(
        private readonly store: SocketStore,
        private readonly tokens: Tokens,
        private readonly blocks: SocketBlocks,
        private readonly now: () => bigint,
        private readonly paused: () => string | undefined,
    ) {}

    /** The batch error of a caller that may not change anything. */
    private refuse(caller: Uint8Array): { Err: { GenericBatchError: { error_code: bigint; message: string } } } | undefined {
        if (isAnonymous(caller)) return { Err: batchError(SocketError.Anonymous, 'the anonymous principal cannot change approvals') };
        const p = this.paused();
        if (p !== undefined) return { Err: batchError(SocketError.Paused, `the protocol is paused: ${p}`) };
        return undefined;
    }

    /** Checks shared by both approve methods (argument bounds, time, spender, expiry). */
    private checkApproval(caller: Uint8Array, i: ApprovalInput): ApproveCollectionError | undefined {
        const bad = argumentProblem({ accounts: [i.spender], subaccounts: [i.from_subaccount], memo: i.memo });
        if (bad !== undefined) return generic(SocketError.InvalidArgument, bad);
        const now = this.now();
        const t = timeError(i.created_at_time, now);
        if (t !== undefined) return t;
        if (compareBytes(i.spender.owner, caller) === 0) return { InvalidSpender: null };
        if (i.expires_at !== undefined && i.expires_at <= now) return generic(SocketError.AlreadyExpired, 'expires_at must be in the future');
        return undefined;
    }

    approveTokens(caller: Uint8Array, items: readonly { token_id: bigint; approval_info: ApprovalInput }[]): ItemOutcome<ApproveTokenError>[] {
        return runBatch(items, MAX_UPDATE_BATCH_SIZE, () => this.refuse(caller), (it) => this.approveToken(caller, it.token_id, it.approval_info));
    }

    private approveToken(caller: Uint8Array, id: bigint, i: ApprovalInput): ItemOutcome<ApproveTokenError> {
        const e = this.checkApproval(caller, i);
        if (e !== undefined) return { Err: e };
        const t = this.tokens.get(id);
        if (t === undefined) return { Err: { NonExistingTokenId: null } };
        const from: Account = { owner: caller, subaccount: i.from_subaccount };
        if (!sameAccount(t.owner, from)) return { Err: { Unauthorized: null } };
        const now = this.now();
        const kept = t.approvals.filter((a) => isActive(a, now) && !sameAccount(a.spender, i.spender));
        if (kept.length >= MAX_APPROVALS) return { Err: generic(SocketError.TooManyApprovals, `token ${id} already has ${MAX_APPROVALS} active approvals`) };
        kept.push(toApproval(i));
        kept.sort(byFromThenSpender);
        this.store.saveToken({ ...t, approvals: kept });
        return { Ok: this.blocks.approve(id, from, i.spender, i.expires_at, i.memo, i.created_at_time) };
    }

    /** ICRC-37's .did answers `vec opt ApproveCollectionError`: null is a success (its block is in the log). */
    approveCollection(caller: Uint8Array, items: readonly { approval_info: ApprovalInput }[]): (ApproveCollectionError | undefined)[] {
        return runBatch(items, MAX_UPDATE_BATCH_SIZE, () => this.refuse(caller)?.Err, (it) => {
            const r = this.approveOneCollection(caller, it.approval_info);
            return 'Err' in r ? r.Err : undefined;
        });
    }

    private approveOneCollection(caller: Uint8Array, i: ApprovalInput): ItemOutcome<ApproveCollectionError> {
        const e = this.checkApproval(caller, i);
        if (e !== undefined) return { Err: e };
        const from: Account = { owner: caller, subaccount: i.from_subaccount };
        if (this.tokens.balanceOf(from) === 0n) return { Err: generic(SocketError.NoSocketHeld, 'a collection approval needs the account to hold a socket') };
        const now = this.now();
        const kept = this.store.collectionApprovals(caller).filter((a) => isActive(a, now) && !(sameSub(a.fromSubaccount, i.from_subaccount) && sameAccount(a.spender, i.spender)));
        if (kept.length >= MAX_APPROVALS) return { Err: generic(SocketError.TooManyApprovals, `this principal already has ${MAX_APPROVALS} active collection approvals`) };
        kept.push(toApproval(i));
        kept.sort(byFromThenSpender);
        this.store.saveCollectionApprovals(caller, kept);
        return { Ok: this.blocks.approveCollection(from, i.spender, i.expires_at, i.memo, i.created_at_time) };
    }

    revokeTokenApprovals(caller: Uint8Array, items: readonly RevokeTokenInput[]): ItemOutcome<RevokeTokenError>[] {
        return runBatch(items, Math.min(MAX_UPDATE_BATCH_SIZE, MAX_REVOKE_APPROVALS), () => this.refuse(caller), (i) => this.revokeToken(caller, i));
    }

    private revokeToken(caller: Uint8Array, i: RevokeTokenInput): ItemOutcome<RevokeTokenError> {
        const bad = argumentProblem({ accounts: [i.spender], subaccounts: [i.from_subaccount], memo: i.memo });
        if (bad !== undefined) return { Err: generic(SocketError.InvalidArgument, bad) };
        const now = this.now();
        const te = timeError(i.created_at_time, now);
        if (te !== undefined) return { Err: te };
        const t = this.tokens.get(i.token_id);
        if (t === undefined) return { Err: { NonExistingTokenId: null } };
        const from: Account = { owner: caller, subaccount: i.from_subaccount };
        if (!sameAccount(t.owner, from)) return { Err: { Unauthorized: null } };
        const active = t.approvals.filter((a) => isActive(a, now));
        const spender = i.spender;
        const kept = spender === undefined ? [] : active.filter((a) => !sameAccount(a.spender, spender));
        if (kept.length === active.length) return { Err: { ApprovalDoesNotExist: null } };
        this.store.saveToken({ ...t, approvals: kept });
        return { Ok: this.blocks.revoke(i.token_id, from, i.spender, i.memo, i.created_at_time) };
    }

    revokeCollectionApprovals(caller: Uint8Array, items: readonly RevokeCollectionInput[]): ItemOutcome<RevokeCollectionError>[] {
        return runBatch(items, Math.min(MAX_UPDATE_BATCH_SIZE, MAX_REVOKE_APPROVALS), () => this.refuse(caller), (i) => this.revokeCollection(caller, i));
    }

    private revokeCollection(caller: Uint8Array, i: RevokeCollectionInput): ItemOutcome<RevokeCollectionError> {
        const bad = argumentProblem({ accounts: [i.spender], subaccounts: [i.from_subaccount], memo: i.memo });
        if (bad !== undefined) return { Err: generic(SocketError.InvalidArgument, bad) };
        const now = this.now();
        const te = timeError(i.created_at_time, now);
        if (te !== undefined) return { Err: te };
        const active = this.store.collectionApprovals(caller).filter((a) => isActive(a, now));
        const spender = i.spender;
        const kept = active.filter((a) => !sameSub(a.fromSubaccount, i.from_subaccount) || (spender !== undefined && !sameAccount(a.spender, spender)));
        if (kept.length === active.length) return { Err: { ApprovalDoesNotExist: null } };
        this.store.saveCollectionApprovals(caller, kept);
        return { Ok: this.blocks.revokeCollection({ owner: caller, subaccount: i.from_subaccount }, i.spender, i.memo, i.created_at_time) };
    }

    /** Whether `spender` may move token `id` from `from` now by an approval (token- or collection-level). */
    approvedFor(spender: Account, from: Account, id: bigint): boolean {
        const t = this.tokens.get(id);
        if (t === undefined || !sameAccount(t.owner, from)) return false;
        const now = this.now();
        if (t.approvals.some((a) => isActive(a, now) && sameAccount(a.spender, spender))) return true;
        return this.store.collectionApprovals(from.owner).some((a) => isActive(a, now) && sameSub(a.fromSubaccount, from.subaccount) && sameAccount(a.spender, spender));
    }

    isApproved(items: readonly { spender: Account; from_subaccount?: Uint8Array; token_id: bigint }[]): boolean[] {
        return queryBatch(items, MAX_QUERY_BATCH_SIZE, (i) => {
            if (argumentProblem({ accounts: [i.spender], subaccounts: [i.from_subaccount] }) !== undefined) return false;
            const owner = this.tokens.ownerOf(i.token_id);
            return owner !== undefined && this.approvedFor(i.spender, { owner: owner.owner, subaccount: i.from_subaccount }, i.token_id);
        });
    }

    tokenApprovals(id: bigint, prev: TokenApprovalView | undefined, take: bigint | undefined): TokenApprovalView[] {
        const t = this.tokens.get(id);
        if (t === undefined) return [];
        const now = this.now();
        const after = prev === undefined ? undefined : accountKey(prev.approval.spender);
        return t.approvals
            .filter((a) => isActive(a, now) && (after === undefined || compareBytes(accountKey(a.spender), after) > 0))
            .slice(0, takeOf(take))
            .map((a) => ({ token_id: id, approval: approvalView(a) }));
    }

    collectionApprovals(owner: Account, prev: ApprovalInput | undefined, take: bigint | undefined): ApprovalInput[] {
        if (argumentProblem({ accounts: [owner] }) !== undefined) return [];
        const now = this.now();
        const after = prev === undefined ? undefined : accountKey(prev.spender);
        return this.store
            .collectionApprovals(owner.owner)
            .filter((a) => isActive(a, now) && sameSub(a.fromSubaccount, owner.subaccount) && (after === undefined || compareBytes(accountKey(a.spender), after) > 0))
            .slice(0, takeOf(take))
            .map(approvalView);
    }
}
