/**
 * Candid of the socket NFTs (spec §12): the types of the accepted ICRC-7 and ICRC-37 .did files
 * (dfinity/ICRC, ICRCs/ICRC-7/ICRC-7.did and ICRCs/ICRC-37/ICRC-37.did, identical names and shapes,
 * so clients generated from the standards decode our answers) and the conversions between their
 * values and the domain's (src/protocol/sockets/). `icrc37_approve_collection` answers
 * `vec opt ApproveCollectionError` exactly as the standard's .did does (null: done).
 * Storage: none. Cost: conversions only.
 */
import { C, type ValueOf } from '../../lib/candid/candid';
import { accountIn, accountOut, CAccount, ICRC3Value, opt, toOpt } from '../../ledger/api/candid';
import type { ApprovalInput, RevokeCollectionInput, RevokeTokenInput, TokenApprovalView } from '../sockets/approvals';
import type { ItemOutcome } from '../sockets/model';
import type { TransferFromInput, TransferInput } from '../sockets/transfers';

export const SocketValueT = ICRC3Value;
export const MetadataT = C.vec(C.tuple(C.text, ICRC3Value));
const GenericT = C.record({ error_code: C.nat, message: C.text });
const LedgerTimeT = C.record({ ledger_time: C.nat64 });

// ----- ICRC-7 -----
export const TransferArgT = C.record({ from_subaccount: C.opt(C.blob), to: CAccount, token_id: C.nat, memo: C.opt(C.blob), created_at_time: C.opt(C.nat64) });
export const TransferErrorT = C.variant({
    NonExistingTokenId: C.null, InvalidRecipient: C.null, Unauthorized: C.null, TooOld: C.null, CreatedInFuture: LedgerTimeT,
    Duplicate: C.record({ duplicate_of: C.nat }), GenericError: GenericT, GenericBatchError: GenericT,
});
export const TransferResultT = C.variant({ Ok: C.nat, Err: TransferErrorT });

// ----- ICRC-37 -----
export const ApprovalInfoT = C.record({ spender: CAccount, from_subaccount: C.opt(C.blob), expires_at: C.opt(C.nat64), memo: C.opt(C.blob), created_at_time: C.nat64 });
export const ApproveTokenArgT = C.record({ token_id: C.nat, approval_info: ApprovalInfoT });
export const ApproveTokenErrorT = C.variant({
    InvalidSpender: C.null, Unauthorized: C.null, NonExistingTokenId: C.null, TooOld: C.null, CreatedInFuture: LedgerTimeT, GenericError: GenericT, GenericBatchError: GenericT,
});
export const ApproveTokenResultT = C.variant({ Ok: C.nat, Err: ApproveTokenErrorT });
export const ApproveCollectionArgT = C.record({ approval_info: ApprovalInfoT });
export const ApproveCollectionErrorT = C.variant({ InvalidSpender: C.null, TooOld: C.null, CreatedInFuture: LedgerTimeT, GenericError: GenericT, GenericBatchError: GenericT });
export const RevokeTokenApprovalArgT = C.record({ spender: C.opt(CAccount), from_subaccount: C.opt(C.blob), token_id: C.nat, memo: C.opt(C.blob), created_at_time: C.opt(C.nat64) });
export const RevokeTokenApprovalErrorT = C.variant({
    ApprovalDoesNotExist: C.null, Unauthorized: C.null, NonExistingTokenId: C.null, TooOld: C.null, CreatedInFuture: LedgerTimeT, GenericError: GenericT, GenericBatchError: GenericT,
});
export const RevokeTokenApprovalResponseT = C.variant({ Ok: C.nat, Err: RevokeTokenApprovalErrorT });
export const RevokeCollectionApprovalArgT = C.record({ spender: C.opt(CAccount), from_subaccount: C.opt(C.blob), memo: C.opt(C.blob), created_at_time: C.opt(C.nat64) });
export const RevokeCollectionApprovalErrorT = C.variant({ ApprovalDoesNotExist: C.null, TooOld: C.null, CreatedInFuture: LedgerTimeT, GenericError: GenericT, GenericBatchError: GenericT });
export const RevokeCollectionApprovalResultT = C.variant({ Ok: C.nat, Err: RevokeCollectionApprovalErrorT });
export const IsApprovedArgT = C.record({ spender: CAccount, from_subaccount: C.opt(C.blob), token_id: C.nat });
export const TokenApprovalT = C.record({ token_id: C.nat, approval_info: ApprovalInfoT });
export const CollectionApprovalT = ApprovalInfoT;
export const TransferFromArgT = C.record({ spender_subaccount: C.opt(C.blob), from: CAccount, to: CAccount, token_id: C.nat, memo: C.opt(C.blob), created_at_time: C.opt(C.nat64) });
export const TransferFromErrorT = TransferErrorT;
export const TransferFromResultT = C.variant({ Ok: C.nat, Err: TransferFromErrorT });

// ----- ICRC-10 -----
export const SupportedStandardsT = C.vec(C.record({ name: C.text, url: C.text }));

// ----- conversions -----
export function transferIn(a: ValueOf<typeof TransferArgT>): TransferInput {
    return { from_subaccount: opt(a.from_subaccount), to: accountIn(a.to), token_id: a.token_id, memo: opt(a.memo), created_at_time: opt(a.created_at_time) };
}

export function transferFromIn(a: ValueOf<typeof TransferFromArgT>): TransferFromInput {
    return { spender_subaccount: opt(a.spender_subaccount), from: accountIn(a.from), to: accountIn(a.to), token_id: a.token_id, memo: opt(a.memo), created_at_time: opt(a.created_at_time) };
}

export function approvalIn(a: ValueOf<typeof ApprovalInfoT>): ApprovalInput {
    return { spender: accountIn(a.spender), from_subaccount: opt(a.from_subaccount), expires_at: opt(a.expires_at), memo: opt(a.memo), created_at_time: a.created_at_time };
}

export function approvalOut(a: ApprovalInput): ValueOf<typeof ApprovalInfoT> {
    return { spender: accountOut(a.spender), from_subaccount: toOpt(a.from_subaccount), expires_at: toOpt(a.expires_at), memo: toOpt(a.memo), created_at_time: a.created_at_time };
}

export function tokenApprovalOut(t: TokenApprovalView): ValueOf<typeof TokenApprovalT> {
    return { token_id: t.token_id, approval_info: approvalOut(t.approval) };
}

export function revokeTokenIn(a: ValueOf<typeof RevokeTokenApprovalArgT>): RevokeTokenInput {
    const s = opt(a.spender);
    return { spender: s === undefined ? undefined : accountIn(s), from_subaccount: opt(a.from_subaccount), token_id: a.token_id, memo: opt(a.memo), created_at_time: opt(a.created_at_time) };
}

export function revokeCollectionIn(a: ValueOf<typeof RevokeCollectionApprovalArgT>): RevokeCollectionInput {
    const s = opt(a.spender);
    return { spender: s === undefined ? undefined : accountIn(s), from_subaccount: opt(a.from_subaccount), memo: opt(a.memo), created_at_time: opt(a.created_at_time) };
}

/** A batch answer: each outcome as `opt` (every answered item was processed). */
export function batchOut<E>(rs: ItemOutcome<E>[]): ([] | [ItemOutcome<E>])[] {
    return rs.map((r) => [r]);
}
