/** The socket NFTs (spec §12: ICRC-7, ICRC-37, ICRC-10): one line per endpoint; the rules are in src/protocol/sockets. */
import { accountIn, accountOut, opt, toOpt } from '../../../src/ledger/api/candid';
import { approvalIn, approvalOut, batchOut, revokeCollectionIn, revokeTokenIn, tokenApprovalOut, transferFromIn, transferIn } from '../../../src/protocol/api/sockets-candid';
import { COLLECTION, icrc37Metadata, SUPPORTED_STANDARDS } from '../../../src/protocol/sockets/collection';
import * as L from '../../../src/protocol/sockets/model';
import { icEnv } from '../../common/env';
import type { Handlers } from '../handlers';
import { sys } from '../lifecycle';

const s = () => sys.sockets;
const some = (n: number | bigint): [bigint] => [BigInt(n)];

export const socketHandlers: Handlers<
    | 'icrc7_collection_metadata' | 'icrc7_symbol' | 'icrc7_name' | 'icrc7_description' | 'icrc7_logo' | 'icrc7_total_supply' | 'icrc7_supply_cap'
    | 'icrc7_max_query_batch_size' | 'icrc7_max_update_batch_size' | 'icrc7_default_take_value' | 'icrc7_max_take_value' | 'icrc7_max_memo_size'
    | 'icrc7_atomic_batch_transfers' | 'icrc7_tx_window' | 'icrc7_permitted_drift' | 'icrc7_token_metadata' | 'icrc7_owner_of' | 'icrc7_balance_of'
    | 'icrc7_tokens' | 'icrc7_tokens_of' | 'icrc7_transfer' | 'icrc37_metadata' | 'icrc37_max_approvals_per_token_or_collection' | 'icrc37_max_revoke_approvals'
    | 'icrc37_approve_tokens' | 'icrc37_approve_collection' | 'icrc37_revoke_token_approvals' | 'icrc37_revoke_collection_approvals' | 'icrc37_is_approved'
    | 'icrc37_get_token_approvals' | 'icrc37_get_collection_approvals' | 'icrc37_transfer_from' | 'icrc10_supported_standards'
> = {
    icrc7_collection_metadata: () => s().collectionMetadata(),
    icrc7_symbol: () => COLLECTION.symbol,
    icrc7_name: () => COLLECTION.name,
    icrc7_description: () => [COLLECTION.description],
    icrc7_logo: () => [COLLECTION.logo],
    icrc7_total_supply: () => s().tokens.totalSupply(),
    icrc7_supply_cap: () => [],
    icrc7_max_query_batch_size: () => some(L.MAX_QUERY_BATCH_SIZE),
    icrc7_max_update_batch_size: () => some(L.MAX_UPDATE_BATCH_SIZE),
    icrc7_default_take_value: () => some(L.DEFAULT_TAKE_VALUE),
    icrc7_max_take_value: () => some(L.MAX_TAKE_VALUE),
    icrc7_max_memo_size: () => some(L.MAX_MEMO_SIZE),
    icrc7_atomic_batch_transfers: () => [false],
    icrc7_tx_window: () => some(L.TX_WINDOW_S),
    icrc7_permitted_drift: () => some(L.PERMITTED_DRIFT_S),
    icrc7_token_metadata: (ids) => s().tokenMetadata(ids).map(toOpt),
    icrc7_owner_of: (ids) => s().ownerOf(ids).map((a) => toOpt(a === undefined ? undefined : accountOut(a))),
    icrc7_balance_of: (accounts) => s().balanceOf(accounts.map(accountIn)),
    icrc7_tokens: (prev, take) => s().tokensPage(opt(prev), opt(take)),
    icrc7_tokens_of: (a, prev, take) => s().tokensOf(accountIn(a), opt(prev), opt(take)),
    icrc7_transfer: (items) => batchOut(s().transfers.transfer(icEnv.caller(), items.map(transferIn))),
    icrc37_metadata: () => icrc37Metadata(),
    icrc37_max_approvals_per_token_or_collection: () => some(L.MAX_APPROVALS),
    icrc37_max_revoke_approvals: () => some(L.MAX_REVOKE_APPROVALS),
    icrc37_approve_tokens: (items) => batchOut(s().approvals.approveTokens(icEnv.caller(), items.map((i) => ({ token_id: i.token_id, approval_info: approvalIn(i.approval_info) })))),
    icrc37_approve_collection: (items) => s().approvals.approveCollection(icEnv.caller(), items.map((i) => ({ approval_info: approvalIn(i.approval_info) }))).map(toOpt),
    icrc37_revoke_token_approvals: (items) => batchOut(s().approvals.revokeTokenApprovals(icEnv.caller(), items.map(revokeTokenIn))),
    icrc37_revoke_collection_approvals: (items) => batchOut(s().approvals.revokeCollectionApprovals(icEnv.caller(), items.map(revokeCollectionIn))),
    icrc37_is_approved: (items) => s().approvals.isApproved(items.map((i) => ({ spender: accountIn(i.spender), from_subaccount: opt(i.from_subaccount), token_id: i.token_id }))),
    icrc37_get_token_approvals: (id, prev, take) => {
        const p = opt(prev);
        return s().approvals.tokenApprovals(id, p === undefined ? undefined : { token_id: p.token_id, approval: approvalIn(p.approval_info) }, opt(take)).map(tokenApprovalOut);
    },
    icrc37_get_collection_approvals: (owner, prev, take) => {
        const p = opt(prev);
        return s().approvals.collectionApprovals(accountIn(owner), p === undefined ? undefined : approvalIn(p), opt(take)).map(approvalOut);
    },
    icrc37_transfer_from: (items) => batchOut(s().transfers.transferFrom(icEnv.caller(), items.map(transferFromIn))),
    icrc10_supported_standards: () => SUPPORTED_STANDARDS,
};
