/**
 * The ledger's service interface, one table that both the canister's decorators (and so its .did)
 * and clients use: method name → argument types, result type, query or update.
 */
import { C } from '../candid/candid';
import { idlFactoryOf, queryMethod as q, serviceOf, updateMethod as u, type MethodSig } from '../candid/service';
import { toIdl, type IdlLike } from '../candid/to-idl';
import * as T from './candid';

export type { MethodSig };

export const LEDGER_METHODS = {
    icrc1_name: q([], C.text),
    icrc1_symbol: q([], C.text),
    icrc1_decimals: q([], C.nat8),
    icrc1_fee: q([], C.nat),
    icrc1_metadata: q([], T.Metadata),
    icrc1_total_supply: q([], C.nat),
    icrc1_minting_account: q([], T.OptAccount),
    icrc1_balance_of: q([T.CAccount], C.nat),
    icrc1_transfer: u([T.TransferArg], T.TransferResult),
    icrc1_supported_standards: q([], T.Standards),
    icrc2_approve: u([T.ApproveArgsT], T.ApproveResult),
    icrc2_transfer_from: u([T.TransferFromArgsT], T.TransferFromResult),
    icrc2_allowance: q([T.AllowanceArgs], T.Allowance),
    icrc3_get_blocks: q([T.GetBlocksArgsVec], T.GetBlocksResult),
    icrc3_get_archives: q([T.GetArchivesArgs], T.GetArchivesResult),
    icrc3_get_tip_certificate: q([], T.OptDataCertificate),
    icrc3_supported_block_types: q([], T.BlockTypes),
    icrc10_supported_standards: q([], T.Standards),
    icrc21_canister_call_consent_message: u([T.ConsentMessageRequest], T.ConsentMessageResponse),
    icrc103_get_allowances: q([T.GetAllowancesArgs], T.GetAllowancesResponse),
    icrc106_get_index_principal: q([], T.GetIndexPrincipalResult),
    is_ledger_ready: q([], C.bool),
    archives: q([], T.ArchiveInfos),
    get_blocks: q([T.GetBlocksArgs], T.GetBlocksResponse),
    get_transactions: q([T.GetBlocksArgs], T.GetTransactionsResponse),
    get_data_certificate: q([], T.DataCertificate),
} satisfies Record<string, MethodSig>;

export type LedgerMethod = keyof typeof LEDGER_METHODS;

export const ledgerService = serviceOf(LEDGER_METHODS);

/** An agent-js idlFactory for the ledger (works with @dfinity/candid and @icp-sdk/core IDL). */
export const ledgerServiceIdl = idlFactoryOf(ledgerService);

export function ledgerInitIdl({ IDL }: { IDL: IdlLike }): unknown[] {
    return [toIdl(IDL, T.LedgerArg)];
}
