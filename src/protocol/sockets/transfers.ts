/**
 * Socket transfers (ICRC-7 `icrc7_transfer`, ICRC-37 `icrc37_transfer_from`; spec §12): a transfer
 * moves the order's remaining entitlement — its refund, its disputes — to the new holder (the
 * market asks the holder, market-hooks.ts); buyer trading rewards stay with the payer.
 * Each item, in this order (the first failing check answers):
 *   1. arguments in bounds (memo ≤ MAX_MEMO_SIZE, 32-byte subaccounts)      → GenericError(InvalidArgument)
 *   2. created_at_time set: TooOld / CreatedInFuture; an equal call in the window → Duplicate (dedup.ts;
 *      before the ownership checks, so a retry of a transfer that happened learns its block)
 *   3. the token exists                                                      → NonExistingTokenId
 *   4. transfer: the token is on (caller, from_subaccount); transfer_from: it is on `from` and the
 *      caller is from's principal or an active token/collection approval names (caller, spender_subaccount) → Unauthorized
 *   5. to ≠ from (as accounts: null ≡ zero subaccount), to not anonymous      → InvalidRecipient
 *   6. the order is not closing (its refund is on its way to the holder)     → GenericError(OrderClosing)
 * then the move (tokens.ts: index both ways, token approvals cleared), its block (7xfer / 37xfer)
 * and the dedup entry, with no await. Batches: positional, at most MAX_UPDATE_BATCH_SIZE items
 * (a prefix beyond), not atomic; the anonymous caller or a paused protocol is a GenericBatchError.
 * Storage: SOCKET_TOKENS, SOCKET_OWNED, SOCKET_ALL (read), SOCKET_DEDUP, SOCKET_COLLECTION (read).
 * Cost per item: ~8 map operations, one SHA-256 when deduplicated, one block.
 */
import { isAnonymous, sameAccount, type Account } from '../../ledger/account';
import type { Approvals } from './approvals';
import type { SocketBlocks } from './blocks';
import { dedupKey, timeError, type Dedup } from './dedup';
import { argumentProblem, batchError, generic, MAX_TOKEN_ID, MAX_UPDATE_BATCH_SIZE, runBatch, SocketError, type ItemOutcome, type TransferError } from './model';
import type { SocketPorts } from './ports';
import type { Tokens } from './tokens';

export interface TransferInput {
    from_subaccount?: Uint8Array;
    to: Account;
    token_id: bigint;
    memo?: Uint8Array;
    created_at_time?: bigint;
}

export interface TransferFromInput {
    spender_subaccount?: Uint8Array;
    from: Account;
    to: Account;
    token_id: bigint;
    memo?: Uint8Array;
    created_at_time?: bigint;
}

export class Transfers {
    constructor(
        private readonly tokens: Tokens,
        private readonly approvals: Approvals,
        private readonly dedup: Dedup,
        private readonly blocks: SocketBlocks,
        private readonly ports: SocketPorts,
        private readonly now: () => bigint,
    ) {}

    private refuse(caller: Uint8Array): { Err: TransferError } | undefined {
        if (isAnonymous(caller)) return { Err: batchError(SocketError.Anonymous, 'the anonymous principal cannot transfer sockets') };
        const p = this.ports.paused();
        if (p !== undefined) return { Err: batchError(SocketError.Paused, `the protocol is paused: ${p}`) };
        return undefined;
    }

    transfer(caller: Uint8Array, items: readonly TransferInput[]): ItemOutcome<TransferError>[] {
        return runBatch(items, MAX_UPDATE_BATCH_SIZE, () => this.refuse(caller), (i) => {
            this.dedup.prune();
            const from: Account = { owner: caller, subaccount: i.from_subaccount };
            return this.one(caller, i, from, undefined, (owner) => sameAccount(owner, from));
        });
    }

    transferFrom(caller: Uint8Array, items: readonly TransferFromInput[]): ItemOutcome<TransferError>[] {
        return runBatch(items, MAX_UPDATE_BATCH_SIZE, () => this.refuse(caller), (i) => {
            this.dedup.prune();
            const spender: Account = { owner: caller, subaccount: i.spender_subaccount };
            const held = (owner: Account, id: bigint) => sameAccount(owner, i.from) && (sameAccount({ owner: caller }, { owner: i.from.owner }) || this.approvals.approvedFor(spender, i.from, id));
            return this.one(caller, { ...i, from_subaccount: i.spender_subaccount }, i.from, spender, held);
        });
    }

    /** One item of either method; `spender` is set for transfer_from. */
    private one(caller: Uint8Array, i: TransferInput, from: Account, spender: Account | undefined, allowed: (owner: Account, id: bigint) => boolean): ItemOutcome<TransferError> {
        const bad = argumentProblem({ accounts: [i.to, from], subaccounts: [i.from_subaccount], memo: i.memo });
        if (bad !== undefined) return { Err: generic(SocketError.InvalidArgument, bad) };
        const te = timeError(i.created_at_time, this.now());
        if (te !== undefined) return { Err: te };
        if (i.token_id < 0n || i.token_id > MAX_TOKEN_ID) return { Err: { NonExistingTokenId: null } };
        const key =
            i.created_at_time === undefined
                ? undefined
                : dedupKey({ method: spender === undefined ? 'icrc7_transfer' : 'icrc37_transfer_from', caller, subaccount: i.from_subaccount, from: spender === undefined ? undefined : from, to: i.to, tokenId: i.token_id, memo: i.memo, createdAt: i.created_at_time });
        if (key !== undefined) {
            const seen = this.dedup.seen(key);
            if (seen !== undefined) return { Err: { Duplicate: { duplicate_of: seen } } };
        }
        const t = this.tokens.get(i.token_id);
        if (t === undefined) return { Err: { NonExistingTokenId: null } };
        if (!allowed(t.owner, i.token_id)) return { Err: { Unauthorized: null } };
        if (sameAccount(i.to, from) || isAnonymous(i.to.owner)) return { Err: { InvalidRecipient: null } };
        const o = this.ports.order(i.token_id);
        if (o !== undefined && o.status === 'closing') return { Err: generic(SocketError.OrderClosing, `order ${i.token_id} is closing: its refund is on its way to the holder`) };
        this.tokens.moveFrom(t, t, i.to);
        const block = spender === undefined ? this.blocks.transfer(i.token_id, from, i.to, i.memo, i.created_at_time) : this.blocks.transferFrom(i.token_id, spender, from, i.to, i.memo, i.created_at_time);
        if (key !== undefined) this.dedup.record(key, block);
        return { Ok: block };
    }
}
