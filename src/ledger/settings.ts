/**
 * The ledger's configuration (what DFINITY's InitArgs/UpgradeArgs set), stored as versioned JSON:
 * read once per canister instance and cached, so its encoding is not on the hot path.
 */
import { fromHex, toHex } from '../lib/storage/bytes';
import type { Account } from './account';

export type MetadataValue = { Nat: bigint } | { Int: bigint } | { Text: string } | { Blob: Uint8Array };

export interface ArchiveOptions {
    num_blocks_to_archive: bigint;
    max_transactions_per_response?: bigint;
    trigger_threshold: bigint;
    max_message_size_bytes?: bigint;
    cycles_for_archive_creation?: bigint;
    node_max_memory_size_bytes?: bigint;
    controller_id: Uint8Array;
    more_controller_ids?: Uint8Array[];
}

export interface LedgerSettings {
    name: string;
    symbol: string;
    decimals: number;
    fee: bigint;
    maxMemoLength: number;
    mintingAccount: Account;
    feeCollector?: Account;
    /** Metadata entries given by the deployer (the computed icrc1:* entries are added on read). */
    metadata: [string, MetadataValue][];
    maxSupply: bigint;
    archiveOptions?: ArchiveOptions;
    indexPrincipal?: Uint8Array;
    featureFlags: { icrc2: boolean };
}

/** $EMC defaults (spec §1): fee 0.001 EMC, 8 decimals, memo 32 bytes, max supply 2.1 billion EMC. */
export const EMC_DEFAULTS = {
    fee: 100_000n,
    decimals: 8,
    maxMemoLength: 32,
    maxSupply: 2_100_000_000n * 100_000_000n,
    symbol: 'EMC',
    name: 'EMC',
} as const;

const FORMAT = 1;

export function encodeSettings(s: LedgerSettings): Uint8Array {
    const json = {
        format: FORMAT,
        name: s.name,
        symbol: s.symbol,
        decimals: s.decimals,
        fee: s.fee.toString(),
        maxMemoLength: s.maxMemoLength,
        mintingAccount: accountJson(s.mintingAccount),
        feeCollector: s.feeCollector === undefined ? null : accountJson(s.feeCollector),
        metadata: s.metadata.map(([k, v]) => [k, metadataJson(v)]),
        maxSupply: s.maxSupply.toString(),
        archiveOptions: s.archiveOptions === undefined ? null : archiveJson(s.archiveOptions),
        indexPrincipal: s.indexPrincipal === undefined ? null : toHex(s.indexPrincipal),
        featureFlags: s.featureFlags,
    };
    return new TextEncoder().encode(JSON.stringify(json));
}

export function decodeSettings(bytes: Uint8Array): LedgerSettings {
    const j = JSON.parse(new TextDecoder().decode(bytes));
    if (j.format !== FORMAT) throw new Error(`unknown ledger settings format ${j.format}`);
    return {
        name: j.name,
        symbol: j.symbol,
        decimals: j.decimals,
        fee: BigInt(j.fee),
        maxMemoLength: j.maxMemoLength,
        mintingAccount: accountFromJson(j.mintingAccount),
        feeCollector: j.feeCollector === null ? undefined : accountFromJson(j.feeCollector),
        metadata: j.metadata.map(([k, v]: [string, { t: string; v: string }]) => [k, metadataFromJson(v)]),
        maxSupply: BigInt(j.maxSupply),
        archiveOptions: j.archiveOptions === null ? undefined : archiveFromJson(j.archiveOptions),
        indexPrincipal: j.indexPrincipal === null ? undefined : fromHex(j.indexPrincipal),
        featureFlags: j.featureFlags,
    };
}

function accountJson(a: Account): { owner: string; subaccount: string | null } {
    return { owner: toHex(a.owner), subaccount: a.subaccount === undefined ? null : toHex(a.subaccount) };
}

function accountFromJson(j: { owner: string; subaccount: string | null }): Account {
    return j.subaccount === null ? { owner: fromHex(j.owner) } : { owner: fromHex(j.owner), subaccount: fromHex(j.subaccount) };
}

function metadataJson(v: MetadataValue): { t: string; v: string } {
    if ('Nat' in v) return { t: 'Nat', v: v.Nat.toString() };
    if ('Int' in v) return { t: 'Int', v: v.Int.toString() };
    if ('Text' in v) return { t: 'Text', v: v.Text };
    return { t: 'Blob', v: toHex(v.Blob) };
}

function metadataFromJson(j: { t: string; v: string }): MetadataValue {
    if (j.t === 'Nat') return { Nat: BigInt(j.v) };
    if (j.t === 'Int') return { Int: BigInt(j.v) };
    if (j.t === 'Text') return { Text: j.v };
    return { Blob: fromHex(j.v) };
}

function opt(v: bigint | undefined): string | null {
    return v === undefined ? null : v.toString();
}

function unopt(v: string | null): bigint | undefined {
    return v === null ? undefined : BigInt(v);
}

function archiveJson(a: ArchiveOptions): Record<string, unknown> {
    return {
        num_blocks_to_archive: a.num_blocks_to_archive.toString(),
        max_transactions_per_response: opt(a.max_transactions_per_response),
        trigger_threshold: a.trigger_threshold.toString(),
        max_message_size_bytes: opt(a.max_message_size_bytes),
        cycles_for_archive_creation: opt(a.cycles_for_archive_creation),
        node_max_memory_size_bytes: opt(a.node_max_memory_size_bytes),
        controller_id: toHex(a.controller_id),
        more_controller_ids: a.more_controller_ids === undefined ? null : a.more_controller_ids.map(toHex),
    };
}

function archiveFromJson(j: Record<string, never>): ArchiveOptions {
    return {
        num_blocks_to_archive: BigInt(j.num_blocks_to_archive),
        max_transactions_per_response: unopt(j.max_transactions_per_response),
        trigger_threshold: BigInt(j.trigger_threshold),
        max_message_size_bytes: unopt(j.max_message_size_bytes),
        cycles_for_archive_creation: unopt(j.cycles_for_archive_creation),
        node_max_memory_size_bytes: unopt(j.node_max_memory_size_bytes),
        controller_id: fromHex(j.controller_id),
        more_controller_ids: j.more_controller_ids === null ? undefined : (j.more_controller_ids as string[]).map(fromHex),
    };
}
