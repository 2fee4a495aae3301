/**
 * The ledger's Candid interface: the types of DFINITY's ICRC ledger `.did` (as bundled by
 * @icp-sdk/canisters, IC commit 606cab7), plus this ledger's extension `InitArgs.max_supply`, and
 * the conversions between Candid values and the domain's.
 */
import { Principal } from '@dfinity/principal';
import { C, type Type } from '../../lib/candid/candid';
import type { Account } from '../account';
import type { ApproveArgs, TransferArgs, TransferFromArgs } from '../calls';
import type { InitSettings, UpgradeSettings } from '../lifecycle';
import type { ArchiveOptions, MetadataValue } from '../settings';

// ----- types ---------------------------------------------------------------------------------

export const Subaccount = C.blob;
export const Timestamp = C.nat64;
export const CAccount = C.record({ owner: C.principal, subaccount: C.opt(Subaccount) });
export type CAccount = { owner: Principal; subaccount: [] | [Uint8Array] };

export const TransferArg = C.record({
    from_subaccount: C.opt(Subaccount),
    to: CAccount,
    amount: C.nat,
    fee: C.opt(C.nat),
    memo: C.opt(C.blob),
    created_at_time: C.opt(Timestamp),
});

const GenericError = C.record({ error_code: C.nat, message: C.text });

export const TransferError = C.variant({
    BadFee: C.record({ expected_fee: C.nat }),
    BadBurn: C.record({ min_burn_amount: C.nat }),
    InsufficientFunds: C.record({ balance: C.nat }),
    TooOld: C.null,
    CreatedInFuture: C.record({ ledger_time: Timestamp }),
    TemporarilyUnavailable: C.null,
    Duplicate: C.record({ duplicate_of: C.nat }),
    GenericError,
});
export const TransferResult = C.variant({ Ok: C.nat, Err: TransferError });

export const MetadataValueT = C.variant({ Nat: C.nat, Int: C.int, Text: C.text, Blob: C.blob });
export const Metadata = C.vec(C.tuple(C.text, MetadataValueT));
export const FeatureFlags = C.record({ icrc2: C.bool });

export const ArchiveOptionsT = C.record({
    num_blocks_to_archive: C.nat64,
    max_transactions_per_response: C.opt(C.nat64),
    trigger_threshold: C.nat64,
    max_message_size_bytes: C.opt(C.nat64),
    cycles_for_archive_creation: C.opt(C.nat64),
    node_max_memory_size_bytes: C.opt(C.nat64),
    controller_id: C.principal,
    more_controller_ids: C.opt(C.vec(C.principal)),
});

export const InitArgs = C.record({
    minting_account: CAccount,
    fee_collector_account: C.opt(CAccount),
    transfer_fee: C.nat,
    decimals: C.opt(C.nat8),
    max_memo_length: C.opt(C.nat16),
    token_symbol: C.text,
    token_name: C.text,
    metadata: Metadata,
    initial_balances: C.vec(C.tuple(CAccount, C.nat)),
    feature_flags: C.opt(FeatureFlags),
    archive_options: ArchiveOptionsT,
    index_principal: C.opt(C.principal),
    /** $EMC extension: the maximum total supply in e8s (default 2.1 billion EMC). */
    max_supply: C.opt(C.nat),
});

export const ChangeFeeCollector = C.variant({ Unset: C.null, SetTo: CAccount });
export const ChangeArchiveOptions = C.record({
    num_blocks_to_archive: C.opt(C.nat64),
    max_transactions_per_response: C.opt(C.nat64),
    trigger_threshold: C.opt(C.nat64),
    max_message_size_bytes: C.opt(C.nat64),
    cycles_for_archive_creation: C.opt(C.nat64),
    node_max_memory_size_bytes: C.opt(C.nat64),
    controller_id: C.opt(C.principal),
    more_controller_ids: C.opt(C.vec(C.principal)),
});
export const UpgradeArgs = C.record({
    metadata: C.opt(Metadata),
    token_symbol: C.opt(C.text),
    token_name: C.opt(C.text),
    transfer_fee: C.opt(C.nat),
    change_fee_collector: C.opt(ChangeFeeCollector),
    max_memo_length: C.opt(C.nat16),
    feature_flags: C.opt(FeatureFlags),
    change_archive_options: C.opt(ChangeArchiveOptions),
    index_principal: C.opt(C.principal),
});
export const LedgerArg = C.variant({ Init: InitArgs, Upgrade: C.opt(UpgradeArgs) });

export const Allowance = C.record({ allowance: C.nat, expires_at: C.opt(Timestamp) });
export const AllowanceArgs = C.record({ account: CAccount, spender: CAccount });
export const ApproveArgsT = C.record({
    fee: C.opt(C.nat),
    memo: C.opt(C.blob),
    from_subaccount: C.opt(C.blob),
    created_at_time: C.opt(Timestamp),
    amount: C.nat,
    expected_allowance: C.opt(C.nat),
    expires_at: C.opt(Timestamp),
    spender: CAccount,
});
export const ApproveError = C.variant({
    GenericError,
    TemporarilyUnavailable: C.null,
    Duplicate: C.record({ duplicate_of: C.nat }),
    BadFee: C.record({ expected_fee: C.nat }),
    AllowanceChanged: C.record({ current_allowance: C.nat }),
    CreatedInFuture: C.record({ ledger_time: Timestamp }),
    TooOld: C.null,
    Expired: C.record({ ledger_time: Timestamp }),
    InsufficientFunds: C.record({ balance: C.nat }),
});
export const ApproveResult = C.variant({ Ok: C.nat, Err: ApproveError });

export const TransferFromArgsT = C.record({
    spender_subaccount: C.opt(Subaccount),
    from: CAccount,
    to: CAccount,
    amount: C.nat,
    fee: C.opt(C.nat),
    memo: C.opt(C.blob),
    created_at_time: C.opt(Timestamp),
});
export const TransferFromError = C.variant({
    BadFee: C.record({ expected_fee: C.nat }),
    BadBurn: C.record({ min_burn_amount: C.nat }),
    InsufficientFunds: C.record({ balance: C.nat }),
    InsufficientAllowance: C.record({ allowance: C.nat }),
    TooOld: C.null,
    CreatedInFuture: C.record({ ledger_time: Timestamp }),
    Duplicate: C.record({ duplicate_of: C.nat }),
    TemporarilyUnavailable: C.null,
    GenericError,
});
export const TransferFromResult = C.variant({ Ok: C.nat, Err: TransferFromError });

export const StandardRecord = C.record({ url: C.text, name: C.text });
export const BlockTypeRecord = C.record({ block_type: C.text, url: C.text });

export const ICRC3Value: Type = C.rec((self) =>
    C.variant({ Blob: C.blob, Text: C.text, Nat: C.nat, Int: C.int, Array: C.vec(self), Map: C.vec(C.tuple(C.text, self)) }),
);
export const GetBlocksArgs = C.record({ start: C.nat, length: C.nat });
export const GetBlocksResult: Type = C.rec((self) =>
    C.record({
        log_length: C.nat,
        blocks: C.vec(C.record({ id: C.nat, block: ICRC3Value })),
        archived_blocks: C.vec(C.record({ args: C.vec(GetBlocksArgs), callback: C.func([C.vec(GetBlocksArgs)], [self], ['query']) })),
    }),
);
export const GetArchivesArgs = C.record({ from: C.opt(C.principal) });
export const GetArchivesResult = C.vec(C.record({ canister_id: C.principal, start: C.nat, end: C.nat }));
export const ICRC3DataCertificate = C.record({ certificate: C.blob, hash_tree: C.blob });
export const ArchiveInfo = C.record({ canister_id: C.principal, block_range_start: C.nat, block_range_end: C.nat });

// Legacy (pre-ICRC-3) block access, as DFINITY's ledger.did keeps it for ICRC Rosetta, the old
// index and explorers: get_blocks, get_transactions, get_data_certificate.

/** The legacy generic value: ICRC3Value plus `Nat64` (every integer ≤ 2^64 − 1 in a legacy block). */
export const LegacyValue: Type = C.rec((self) =>
    C.variant({ Blob: C.blob, Text: C.text, Nat: C.nat, Nat64: C.nat64, Int: C.int, Array: C.vec(self), Map: C.vec(C.tuple(C.text, self)) }),
);
export const BlockRange = C.record({ blocks: C.vec(LegacyValue) });
export const GetBlocksResponse = C.record({
    first_index: C.nat,
    chain_length: C.nat64,
    certificate: C.opt(C.blob),
    blocks: C.vec(LegacyValue),
    archived_blocks: C.vec(C.record({ start: C.nat, length: C.nat, callback: C.func([GetBlocksArgs], [BlockRange], ['query']) })),
});
export const DataCertificate = C.record({ certificate: C.opt(C.blob), hash_tree: C.blob });

const TxMint = C.record({ to: CAccount, memo: C.opt(C.blob), created_at_time: C.opt(Timestamp), amount: C.nat, fee: C.opt(C.nat) });
const TxBurn = C.record({ from: CAccount, memo: C.opt(C.blob), created_at_time: C.opt(Timestamp), amount: C.nat, spender: C.opt(CAccount), fee: C.opt(C.nat) });
const TxTransfer = C.record({
    to: CAccount,
    fee: C.opt(C.nat),
    from: CAccount,
    memo: C.opt(C.blob),
    created_at_time: C.opt(Timestamp),
    amount: C.nat,
    spender: C.opt(CAccount),
});
const TxApprove = C.record({
    fee: C.opt(C.nat),
    from: CAccount,
    memo: C.opt(C.blob),
    created_at_time: C.opt(Timestamp),
    amount: C.nat,
    expected_allowance: C.opt(C.nat),
    expires_at: C.opt(Timestamp),
    spender: CAccount,
});
const TxFeeCollector = C.record({ caller: C.opt(C.principal), fee_collector: C.opt(CAccount), ts: C.opt(C.nat64), mthd: C.opt(C.text) });
export const LegacyTransaction = C.record({
    burn: C.opt(TxBurn),
    kind: C.text,
    mint: C.opt(TxMint),
    approve: C.opt(TxApprove),
    fee_collector: C.opt(TxFeeCollector),
    timestamp: Timestamp,
    transfer: C.opt(TxTransfer),
});
export const TransactionRange = C.record({ transactions: C.vec(LegacyTransaction) });
export const GetTransactionsResponse = C.record({
    log_length: C.nat,
    transactions: C.vec(LegacyTransaction),
    first_index: C.nat,
    archived_transactions: C.vec(C.record({ start: C.nat, length: C.nat, callback: C.func([GetBlocksArgs], [TransactionRange], ['query']) })),
});

export const ConsentMessageMetadata = C.record({ language: C.text, utc_offset_minutes: C.opt(C.int16) });
export const ConsentMessageSpec = C.record({
    metadata: ConsentMessageMetadata,
    device_spec: C.opt(C.variant({ GenericDisplay: C.null, FieldsDisplay: C.null })),
});
export const ConsentMessageRequest = C.record({ method: C.text, arg: C.blob, user_preferences: ConsentMessageSpec });
export const Icrc21Value = C.variant({
    TokenAmount: C.record({ decimals: C.nat8, amount: C.nat64, symbol: C.text }),
    TimestampSeconds: C.record({ amount: C.nat64 }),
    DurationSeconds: C.record({ amount: C.nat64 }),
    Text: C.record({ content: C.text }),
});
export const FieldsDisplay = C.record({ intent: C.text, fields: C.vec(C.tuple(C.text, Icrc21Value)) });
export const ConsentMessage = C.variant({ GenericDisplayMessage: C.text, FieldsDisplayMessage: FieldsDisplay });
export const ConsentInfo = C.record({ consent_message: ConsentMessage, metadata: ConsentMessageMetadata });
const ErrorInfo = C.record({ description: C.text });
export const Icrc21Error = C.variant({
    UnsupportedCanisterCall: ErrorInfo,
    ConsentMessageUnavailable: ErrorInfo,
    InsufficientPayment: ErrorInfo,
    GenericError: C.record({ error_code: C.nat, description: C.text }),
});
export const ConsentMessageResponse = C.variant({ Ok: ConsentInfo, Err: Icrc21Error });

export const GetAllowancesArgs = C.record({ from_account: C.opt(CAccount), prev_spender: C.opt(CAccount), take: C.opt(C.nat) });
export const Allowance103 = C.record({ from_account: CAccount, to_spender: CAccount, allowance: C.nat, expires_at: C.opt(C.nat64) });
export const GetAllowancesError = C.variant({ AccessDenied: C.record({ reason: C.text }), GenericError });
export const GetAllowancesResponse = C.variant({ Ok: C.vec(Allowance103), Err: GetAllowancesError });
export const GetIndexPrincipalResult = C.variant({
    Ok: C.principal,
    Err: C.variant({ IndexPrincipalNotSet: C.null, GenericError: C.record({ error_code: C.nat, description: C.text }) }),
});

// ----- conversions -------------------------------------------------------------------------

export function opt<T>(v: [] | [T]): T | undefined {
    return v.length === 0 ? undefined : v[0];
}

export function toOpt<T>(v: T | undefined): [] | [T] {
    return v === undefined ? [] : [v];
}

export function accountIn(a: CAccount): Account {
    const sub = opt(a.subaccount);
    return sub === undefined ? { owner: a.owner.toUint8Array() } : { owner: a.owner.toUint8Array(), subaccount: sub };
}

export function accountOut(a: Account): CAccount {
    return { owner: Principal.fromUint8Array(a.owner), subaccount: toOpt(a.subaccount) };
}

type In<T> = T extends Type<infer V> ? V : never;

export function transferArgsIn(a: In<typeof TransferArg>): TransferArgs {
    return {
        from_subaccount: opt(a.from_subaccount),
        to: accountIn(a.to as CAccount),
        amount: a.amount,
        fee: opt(a.fee),
        memo: opt(a.memo),
        created_at_time: opt(a.created_at_time),
    };
}

export function approveArgsIn(a: In<typeof ApproveArgsT>): ApproveArgs {
    return {
        from_subaccount: opt(a.from_subaccount),
        spender: accountIn(a.spender as CAccount),
        amount: a.amount,
        expected_allowance: opt(a.expected_allowance),
        expires_at: opt(a.expires_at),
        fee: opt(a.fee),
        memo: opt(a.memo),
        created_at_time: opt(a.created_at_time),
    };
}

export function transferFromArgsIn(a: In<typeof TransferFromArgsT>): TransferFromArgs {
    return {
        spender_subaccount: opt(a.spender_subaccount),
        from: accountIn(a.from as CAccount),
        to: accountIn(a.to as CAccount),
        amount: a.amount,
        fee: opt(a.fee),
        memo: opt(a.memo),
        created_at_time: opt(a.created_at_time),
    };
}

function archiveOptionsIn(a: In<typeof ArchiveOptionsT>): ArchiveOptions {
    return {
        num_blocks_to_archive: a.num_blocks_to_archive,
        max_transactions_per_response: opt(a.max_transactions_per_response),
        trigger_threshold: a.trigger_threshold,
        max_message_size_bytes: opt(a.max_message_size_bytes),
        cycles_for_archive_creation: opt(a.cycles_for_archive_creation),
        node_max_memory_size_bytes: opt(a.node_max_memory_size_bytes),
        controller_id: (a.controller_id as Principal).toUint8Array(),
        more_controller_ids: opt(a.more_controller_ids)?.map((p) => (p as Principal).toUint8Array()),
    };
}

export function initArgsIn(a: In<typeof InitArgs>): InitSettings {
    const fc = opt(a.fee_collector_account);
    const index = opt(a.index_principal);
    return {
        minting_account: accountIn(a.minting_account as CAccount),
        fee_collector_account: fc === undefined ? undefined : accountIn(fc as CAccount),
        transfer_fee: a.transfer_fee,
        decimals: opt(a.decimals),
        max_memo_length: opt(a.max_memo_length),
        token_symbol: a.token_symbol,
        token_name: a.token_name,
        metadata: a.metadata as [string, MetadataValue][],
        initial_balances: a.initial_balances.map(([acc, amount]) => [accountIn(acc as CAccount), amount] as [Account, bigint]),
        feature_flags: opt(a.feature_flags),
        archive_options: archiveOptionsIn(a.archive_options),
        index_principal: index === undefined ? undefined : (index as Principal).toUint8Array(),
        max_supply: opt(a.max_supply),
    };
}

export function upgradeArgsIn(a: In<typeof UpgradeArgs>): UpgradeSettings {
    const fc = opt(a.change_fee_collector);
    const archive = opt(a.change_archive_options);
    const index = opt(a.index_principal);
    return {
        metadata: opt(a.metadata) as [string, MetadataValue][] | undefined,
        token_symbol: opt(a.token_symbol),
        token_name: opt(a.token_name),
        transfer_fee: opt(a.transfer_fee),
        change_fee_collector: fc === undefined ? undefined : 'Unset' in fc ? { Unset: null } : { SetTo: accountIn((fc as { SetTo: CAccount }).SetTo) },
        max_memo_length: opt(a.max_memo_length),
        feature_flags: opt(a.feature_flags),
        change_archive_options:
            archive === undefined
                ? undefined
                : {
                      num_blocks_to_archive: opt(archive.num_blocks_to_archive),
                      max_transactions_per_response: opt(archive.max_transactions_per_response),
                      trigger_threshold: opt(archive.trigger_threshold),
                      max_message_size_bytes: opt(archive.max_message_size_bytes),
                      cycles_for_archive_creation: opt(archive.cycles_for_archive_creation),
                      node_max_memory_size_bytes: opt(archive.node_max_memory_size_bytes),
                      controller_id: opt(archive.controller_id as [] | [Principal])?.toUint8Array(),
                      more_controller_ids: opt(archive.more_controller_ids as [] | [Principal[]])?.map((p) => p.toUint8Array()),
                  },
        index_principal: index === undefined ? undefined : (index as Principal).toUint8Array(),
    };
}

// ----- method-level shapes ----------------------------------------------------------------------

export const C_TEXT = C.text;
export const C_NAT = C.nat;
export const C_NAT8 = C.nat8;
export const C_BOOL = C.bool;
export const OptAccount = C.opt(CAccount);
export const Standards = C.vec(StandardRecord);
export const BlockTypes = C.vec(BlockTypeRecord);
export const GetBlocksArgsVec = C.vec(GetBlocksArgs);
export const OptDataCertificate = C.opt(ICRC3DataCertificate);
export const ArchiveInfos = C.vec(ArchiveInfo);

export function principalOut(bytes: Uint8Array): Principal {
    return Principal.fromUint8Array(bytes);
}
