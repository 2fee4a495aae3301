/**
 * ICRC accounts in the ledger's domain: the owner principal as raw bytes and an optional 32-byte
 * subaccount. `subaccount` absent and 32 zero bytes name the same account (one balance), but are
 * distinct in transaction contents (deduplication, block encoding), as on the DFINITY ledger.
 */
import { bytesEqual } from '../lib/storage/bytes';

export interface Account {
    owner: Uint8Array;
    subaccount?: Uint8Array;
}

export const SUBACCOUNT_LENGTH = 32;
export const MAX_PRINCIPAL_LENGTH = 29;
/** Fixed-length storage key: owner length, owner padded to 29 bytes, 32-byte subaccount. */
export const ACCOUNT_KEY_LENGTH = 1 + MAX_PRINCIPAL_LENGTH + SUBACCOUNT_LENGTH;

const ANONYMOUS = 0x04;

/** Why an account is malformed, or undefined when it is valid. */
export function accountProblem(a: Account): string | undefined {
    if (a.owner.length > MAX_PRINCIPAL_LENGTH) return `principal is ${a.owner.length} bytes, at most ${MAX_PRINCIPAL_LENGTH} allowed`;
    if (a.subaccount !== undefined && a.subaccount.length !== SUBACCOUNT_LENGTH) {
        return `subaccount must be ${SUBACCOUNT_LENGTH} bytes, got ${a.subaccount.length}`;
    }
    return undefined;
}

export function isAnonymous(owner: Uint8Array): boolean {
    return owner.length === 1 && owner[0] === ANONYMOUS;
}

export function isDefaultSubaccount(sub: Uint8Array | undefined): boolean {
    if (sub === undefined) return true;
    for (let i = 0; i < sub.length; i++) if (sub[i] !== 0) return false;
    return true;
}

/** The balance key: the same for an absent and an all-zero subaccount. */
export function accountKey(a: Account): Uint8Array {
    const key = new Uint8Array(ACCOUNT_KEY_LENGTH);
    key[0] = a.owner.length;
    key.set(a.owner, 1);
    if (a.subaccount !== undefined) key.set(a.subaccount, 1 + MAX_PRINCIPAL_LENGTH);
    return key;
}

export function accountFromKey(key: Uint8Array): Account {
    const owner = key.slice(1, 1 + key[0]);
    const sub = key.slice(1 + MAX_PRINCIPAL_LENGTH, ACCOUNT_KEY_LENGTH);
    return isDefaultSubaccount(sub) ? { owner } : { owner, subaccount: sub };
}

/** Same account (an absent subaccount equals the zero subaccount). */
export function sameAccount(a: Account, b: Account): boolean {
    if (!bytesEqual(a.owner, b.owner)) return false;
    const da = isDefaultSubaccount(a.subaccount);
    const db = isDefaultSubaccount(b.subaccount);
    if (da || db) return da && db;
    return bytesEqual(a.subaccount as Uint8Array, b.subaccount as Uint8Array);
}
