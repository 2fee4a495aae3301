/** The SDK's IcrcAccount ↔ the Candid `Account` record (ICRC-1). */
import { Principal } from '@dfinity/principal';
import type { CAccount } from '../../ledger/api/candid';
import type { IcrcAccount } from '../types/account';

export function toCandidAccount(a: IcrcAccount): CAccount {
    return { owner: a.owner, subaccount: a.subaccount === undefined ? [] : [a.subaccount] };
}

export function fromCandidAccount(a: { owner: Principal; subaccount: [] | [Uint8Array] }): IcrcAccount {
    const owner = Principal.fromUint8Array(a.owner.toUint8Array());
    return a.subaccount.length === 1 ? { owner, subaccount: new Uint8Array(a.subaccount[0]) } : { owner };
}
