/**
 * The ledger's service interface, one table that both the canister's decorators (and so its .did)
 * and clients use: method name → argument types, result type, query or update; and next to it the
 * ingress rules of its `canister_inspect_message`: the length bounds of every text, blob and
 * vector in the arguments, from which each method's argument limit is derived (docs/security.md).
 */
import { C } from '../../lib/candid/candid';
import { ingressPolicy, ingressRules, type IngressPolicy, type IngressRules } from '../../lib/candid/inspect';
import { maxArgBytes, type SizeBounds } from '../../lib/candid/size';
import { idlFactoryOf, queryMethod as q, serviceOf, updateMethod as u, type MethodSig } from '../../lib/candid/service';
import { toIdl, type IdlLike } from '../../lib/candid/to-idl';
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

/** ICRC-1 subaccounts are 32 bytes (the ledger refuses any other length). */
export const SUBACCOUNT_BYTES = 32;
/** icrc3_get_blocks: ranges one request may ask for, as many as the blocks one response carries. */
export const MAX_BLOCK_RANGES = 100;
/** BCP 47 language tags: implementations should handle at least 35 characters (RFC 5646 §4.4.1). */
export const MAX_LANGUAGE_TAG = 35;

const TAKES_ACCOUNTS = new Set<string>(['icrc1_balance_of', 'icrc1_transfer', 'icrc2_approve', 'icrc2_transfer_from', 'icrc2_allowance', 'icrc103_get_allowances']);
const MOVES_TOKENS = new Set<string>(['icrc1_transfer', 'icrc2_approve', 'icrc2_transfer_from']);

/**
 * The bound of every text, blob and vector of `method`'s argument (paths as in `maxArgBytes`), for
 * a ledger whose memos may be `maxMemoLength` bytes (its setting: 32 by default, it can only
 * grow). The ICRC-21 request carries another method's argument: at most the largest of theirs.
 */
export function ledgerArgBoundsOf(method: LedgerMethod, maxMemoLength: number): SizeBounds {
    const accounts = { subaccount: SUBACCOUNT_BYTES, from_subaccount: SUBACCOUNT_BYTES, spender_subaccount: SUBACCOUNT_BYTES, memo: maxMemoLength };
    if (TAKES_ACCOUNTS.has(method)) return accounts;
    if (method === 'icrc3_get_blocks') return { '': MAX_BLOCK_RANGES };
    if (method === 'icrc21_canister_call_consent_message') {
        const described = [...MOVES_TOKENS].map((m) => maxArgBytes(LEDGER_METHODS[m as LedgerMethod].args, accounts));
        return { method: Math.max(...Object.keys(LEDGER_METHODS).map((m) => m.length)), arg: Math.max(...described), language: MAX_LANGUAGE_TAG };
    }
    return {};
}

/** Every method's bounds (for tests and documentation). */
export function ledgerArgBounds(maxMemoLength: number): Record<LedgerMethod, SizeBounds> {
    return Object.fromEntries((Object.keys(LEDGER_METHODS) as LedgerMethod[]).map((m) => [m, ledgerArgBoundsOf(m, maxMemoLength)])) as Record<LedgerMethod, SizeBounds>;
}

/**
 * The ledger's inspect policy: every method's argument limit; the anonymous principal refused by
 * the methods that move tokens (they refuse it when they execute: ANONYMOUS_CALLER); queries and
 * the ICRC-21 consent message (read-only, declared update for certification) accept it.
 * `maxMemoLength` is read when a limit is computed (the setting changes only by upgrade).
 */
export function ledgerIngressPolicy(maxMemoLength: () => number): IngressPolicy {
    return ingressPolicy(LEDGER_METHODS, (m) => ledgerArgBoundsOf(m, maxMemoLength()), (m) => !MOVES_TOKENS.has(m));
}

/** Every rule, for a given memo length (tests, documentation). */
export function ledgerIngressRules(maxMemoLength: number): IngressRules {
    return ingressRules(ledgerIngressPolicy(() => maxMemoLength), LEDGER_METHODS);
}

export const ledgerService = serviceOf(LEDGER_METHODS);

/** An agent-js idlFactory for the ledger (works with @dfinity/candid and @icp-sdk/core IDL). */
export const ledgerServiceIdl = idlFactoryOf(ledgerService);

export function ledgerInitIdl({ IDL }: { IDL: IdlLike }): unknown[] {
    return [toIdl(IDL, T.LedgerArg)];
}
