/** The ledger client's parameters → the ICRC-1/2 Candid arguments, and the ledger's answers → the client's types. */
import type { Principal } from '@dfinity/principal';
import type { LedgerAllowance, ApproveParams, LedgerMetadata, TransferParams } from '../types/ledger';
import { fromCandidAccount, toCandidAccount } from './account';
import { opt } from './candid';

/** `icrc1_transfer`'s argument; `created_at_time` is always set, so that the ledger deduplicates a repeat. */
export function transferArg(a: TransferParams, createdAtTime: bigint) {
    return {
        from_subaccount: opt(a.fromSubaccount),
        to: toCandidAccount(a.to),
        amount: a.amount,
        fee: opt(a.fee),
        memo: opt(a.memo),
        created_at_time: [createdAtTime],
    };
}

/** `icrc2_approve`'s argument. */
export function approveArg(a: ApproveParams, createdAtTime: bigint) {
    return {
        fee: opt(a.fee),
        memo: opt(a.memo),
        from_subaccount: opt(a.fromSubaccount),
        created_at_time: [createdAtTime],
        amount: a.amount,
        expected_allowance: opt(a.expectedAllowance),
        expires_at: opt(a.expiresAt),
        spender: toCandidAccount(a.spender),
    };
}

/** `icrc1_metadata`, `icrc1_total_supply` and `icrc1_minting_account` → LedgerMetadata. */
export function metadataOf(entries: [string, Record<string, unknown>][], totalSupply: bigint, minting: [] | [{ owner: Principal; subaccount: [] | [Uint8Array] }]): LedgerMetadata {
    const get = (key: string): unknown => {
        const e = entries.find(([k]) => k === key);
        return e === undefined ? undefined : Object.values(e[1])[0];
    };
    return {
        name: get('icrc1:name') as string,
        symbol: get('icrc1:symbol') as string,
        decimals: Number(get('icrc1:decimals') as bigint),
        fee: get('icrc1:fee') as bigint,
        totalSupply,
        mintingAccount: minting.length === 1 ? fromCandidAccount(minting[0]) : undefined,
        entries: entries.map(([k, v]) => [k, Object.values(v)[0]]),
    };
}

export function allowanceOf(a: { allowance: bigint; expires_at: [] | [bigint] }): LedgerAllowance {
    return a.expires_at.length === 1 ? { allowance: a.allowance, expiresAt: a.expires_at[0] } : { allowance: a.allowance };
}
