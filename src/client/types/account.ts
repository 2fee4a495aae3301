/** An ICRC-1 account as the SDK takes and answers it: the owner as a Principal (the ledger's domain keeps its bytes, src/ledger/account.ts). */
import type { Principal } from '@dfinity/principal';

export interface IcrcAccount {
    owner: Principal;
    /** 32 bytes; absent = the default (all-zero) subaccount. */
    subaccount?: Uint8Array;
}
