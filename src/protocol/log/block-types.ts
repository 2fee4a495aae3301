/**
 * The block types of the protocol's log (`icrc3_supported_block_types`): the market's receipts
 * (spec §11, this canister's own types, schema in docs/market.md "Receipts as blocks") and the
 * socket NFTs' ICRC-7 / ICRC-37 blocks (spec §12, appended by src/protocol/sockets/).
 * A receipt type's url is its heading in docs/market.md of this repository (docs/market.md#emc_settle…;
 * a path: the repository has no public address yet).
 * Storage: none. Cost: constants.
 */

/** Market receipt kind → block type. */
export const RECEIPT_BTYPES = {
    settled: 'emc_settle',
    refunded: 'emc_refund',
    dispute_refunded: 'emc_dispute_refund',
    dispute_failed: 'emc_dispute_fail',
    dust: 'emc_dust',
} as const;

export const MARKET_DOCS_URL = 'docs/market.md';
export const ICRC7_URL = 'https://github.com/dfinity/ICRC/blob/main/ICRCs/ICRC-7/ICRC-7.md';
export const ICRC37_URL = 'https://github.com/dfinity/ICRC/blob/main/ICRCs/ICRC-37/ICRC-37.md';

/** A sealed mapping's digest (sealed-mappings.ts; docs/storage.md "Certified data"). */
export const MAPPING_SEAL_TYPE = { block_type: 'emc_mapping_seal', url: 'docs/storage.md#emc_mapping_seal' };

export const SOCKET_BTYPES_ICRC7 = ['7mint', '7burn', '7xfer', '7update_token'] as const;
export const SOCKET_BTYPES_ICRC37 = ['37approve', '37approve_coll', '37revoke', '37revoke_coll', '37xfer'] as const;

export const LOG_BLOCK_TYPES: { block_type: string; url: string }[] = [
    ...Object.values(RECEIPT_BTYPES).map((block_type) => ({ block_type, url: `${MARKET_DOCS_URL}#${block_type}` })),
    MAPPING_SEAL_TYPE,
    ...SOCKET_BTYPES_ICRC7.map((block_type) => ({ block_type, url: ICRC7_URL })),
    ...SOCKET_BTYPES_ICRC37.map((block_type) => ({ block_type, url: ICRC37_URL })),
];
