/** What the ledger says about itself: ICRC-1 metadata, supported standards and block types. */
import { Principal } from '@dfinity/principal';
import { MAX_TAKE_ALLOWANCES } from './ledger';
import type { LedgerSettings, MetadataValue } from './settings';

/** The deployer's entries first, then the computed ones (as the DFINITY ledger orders them). */
export function metadataEntries(s: LedgerSettings): [string, MetadataValue][] {
    const out: [string, MetadataValue][] = [
        ...s.metadata,
        ['icrc1:decimals', { Nat: BigInt(s.decimals) }],
        ['icrc1:name', { Text: s.name }],
        ['icrc1:symbol', { Text: s.symbol }],
        ['icrc1:fee', { Nat: s.fee }],
        ['icrc1:max_memo_length', { Nat: BigInt(s.maxMemoLength) }],
        ['icrc103:public_allowances', { Text: 'true' }],
        ['icrc103:max_take_value', { Nat: MAX_TAKE_ALLOWANCES }],
    ];
    if (s.indexPrincipal !== undefined) out.push(['icrc106:index_principal', { Text: Principal.fromUint8Array(s.indexPrincipal).toText() }]);
    return out;
}

export const SUPPORTED_STANDARDS: { name: string; url: string }[] = [
    { name: 'ICRC-1', url: 'https://github.com/dfinity/ICRC-1/tree/main/standards/ICRC-1' },
    { name: 'ICRC-2', url: 'https://github.com/dfinity/ICRC-1/tree/main/standards/ICRC-2' },
    { name: 'ICRC-3', url: 'https://github.com/dfinity/ICRC-1/tree/main/standards/ICRC-3' },
    { name: 'ICRC-10', url: 'https://github.com/dfinity/ICRC/blob/main/ICRCs/ICRC-10/ICRC-10.md' },
    { name: 'ICRC-21', url: 'https://github.com/dfinity/wg-identity-authentication/blob/main/topics/ICRC-21/icrc_21_consent_msg.md' },
    { name: 'ICRC-103', url: 'https://github.com/dfinity/ICRC/blob/main/ICRCs/ICRC-103/ICRC-103.md' },
    { name: 'ICRC-106', url: 'https://github.com/dfinity/ICRC/blob/main/ICRCs/ICRC-106/ICRC-106.md' },
];

const ICRC3_URL = 'https://github.com/dfinity/ICRC-1/tree/main/standards/ICRC-3';
export const SUPPORTED_BLOCK_TYPES: { block_type: string; url: string }[] = ['1burn', '1mint', '1xfer', '2approve', '2xfer'].map((block_type) => ({ block_type, url: ICRC3_URL }));
