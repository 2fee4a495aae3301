/**
 * The collection's metadata (ICRC-7 `icrc7_collection_metadata` and its one-value queries, the
 * ICRC-37 limits, `icrc10_supported_standards`) and each token's metadata (spec §12, namespace
 * `emc:`): offer, node_id, service, unit, price, units_bought, units_confirmed, escrow, expires_at,
 * status — read live from the order behind the token, so it is never stale.
 * Storage: none (the order's). Cost: constants; a token's metadata is one order read.
 */
import { MAX_APPROVALS, MAX_MEMO_SIZE, MAX_QUERY_BATCH_SIZE, MAX_REVOKE_APPROVALS, MAX_TAKE_VALUE, MAX_UPDATE_BATCH_SIZE, DEFAULT_TAKE_VALUE, PERMITTED_DRIFT_S, TX_WINDOW_S } from './model';
import type { SocketOrder, Value } from './ports';

export const COLLECTION = {
    symbol: 'EMCS',
    name: 'EMC compute sockets',
    description: 'Each EMC compute-market order as a transferable NFT: the token id is the order id; the holder may close the order, receive its refund and dispute its pending amounts (spec §11–§12).',
    /** A small SVG data URL (a socket outline), so the collection shows without any hosting. */
    logo: 'data:image/svg+xml;base64,' + 'PHN2ZyB4bWxucz0iaHR0cDovL3d3dy53My5vcmcvMjAwMC9zdmciIHZpZXdCb3g9IjAgMCA2NCA2NCI+PHJlY3QgeD0iOCIgeT0iOCIgd2lkdGg9IjQ4IiBoZWlnaHQ9IjQ4IiByeD0iMTAiIGZpbGw9IiMxYTFhMmUiLz48cmVjdCB4PSIyMiIgeT0iMjIiIHdpZHRoPSI2IiBoZWlnaHQ9IjE0IiBmaWxsPSIjZmZjYzAwIi8+PHJlY3QgeD0iMzYiIHk9IjIyIiB3aWR0aD0iNiIgaGVpZ2h0PSIxNCIgZmlsbD0iI2ZmY2MwMCIvPjxjaXJjbGUgY3g9IjMyIiBjeT0iNDQiIHI9IjMiIGZpbGw9IiNmZmNjMDAiLz48L3N2Zz4=',
} as const;

/** What icrc10_supported_standards lists (ICRC-7 and ICRC-37 require their own entries and ICRC-10's). */
export const SUPPORTED_STANDARDS: { name: string; url: string }[] = [
    { name: 'ICRC-3', url: 'https://github.com/dfinity/ICRC-1/tree/main/standards/ICRC-3' },
    { name: 'ICRC-7', url: 'https://github.com/dfinity/ICRC/ICRCs/ICRC-7' },
    { name: 'ICRC-10', url: 'https://github.com/dfinity/ICRC/ICRCs/ICRC-10' },
    { name: 'ICRC-37', url: 'https://github.com/dfinity/ICRC/ICRCs/ICRC-37' },
];

/** The icrc37:* entries (also answered alone by icrc37_metadata). */
export function icrc37Metadata(): [string, Value][] {
    return [
        ['icrc37:max_approvals_per_token_or_collection', { Nat: BigInt(MAX_APPROVALS) }],
        ['icrc37:max_revoke_approvals', { Nat: BigInt(MAX_REVOKE_APPROVALS) }],
    ];
}

/** Every collection entry; each agrees with its one-value query (the conformance suite checks it). */
export function collectionMetadata(totalSupply: bigint): [string, Value][] {
    return [
        ['icrc7:symbol', { Text: COLLECTION.symbol }],
        ['icrc7:name', { Text: COLLECTION.name }],
        ['icrc7:description', { Text: COLLECTION.description }],
        ['icrc7:logo', { Text: COLLECTION.logo }],
        ['icrc7:total_supply', { Nat: totalSupply }],
        ['icrc7:max_query_batch_size', { Nat: BigInt(MAX_QUERY_BATCH_SIZE) }],
        ['icrc7:max_update_batch_size', { Nat: BigInt(MAX_UPDATE_BATCH_SIZE) }],
        ['icrc7:default_take_value', { Nat: BigInt(DEFAULT_TAKE_VALUE) }],
        ['icrc7:max_take_value', { Nat: BigInt(MAX_TAKE_VALUE) }],
        ['icrc7:max_memo_size', { Nat: BigInt(MAX_MEMO_SIZE) }],
        // ICRC-7 defines this attribute as `bool`; Value has no Bool, so it is Nat 0 (false), as other ledgers answer.
        ['icrc7:atomic_batch_transfers', { Nat: 0n }],
        ['icrc7:tx_window', { Nat: TX_WINDOW_S }],
        ['icrc7:permitted_drift', { Nat: PERMITTED_DRIFT_S }],
        ...icrc37Metadata(),
    ];
}

/** The token metadata of spec §12 (namespace emc:); amounts in e8s, expires_at in ns. */
export function tokenMetadata(o: SocketOrder): [string, Value][] {
    return [
        ['emc:offer', { Nat: o.offer }],
        ['emc:node_id', { Text: o.nodeId }],
        ['emc:service', { Text: o.service }],
        ['emc:unit', { Text: o.unit }],
        ['emc:price', { Nat: o.price }],
        ['emc:units_bought', { Nat: o.unitsBought }],
        ['emc:units_confirmed', { Nat: o.unitsConfirmed }],
        ['emc:escrow', { Nat: o.escrow }],
        ['emc:expires_at', { Nat: o.expiresAt }],
        ['emc:status', { Text: o.status }],
    ];
}
