/**
 * An account as an ICRC-3 value in the protocol's log (ICRC-3 / ICRC-7 / ICRC-37 block schemas):
 * `Array [Blob owner, Blob subaccount]`, the subaccount only when given. The market's receipts
 * (`payer`, `to`) and the socket blocks (`from`, `to`, `spender`) name the same few accounts again
 * and again, and an account's hash costs two or three SHA-256 compressions (≈ 0.5 M instructions
 * each in QuickJS), so the values of recent accounts are shared objects whose hash is remembered
 * (block.ts `remember`): a block naming an account seen recently hashes it for free.
 * Storage: none; on the heap, the last MAX_ACCOUNTS accounts' values with their hashes (the oldest
 * goes first). Cost: building a short string key; on a miss, the value and its hash.
 */
import type { Account } from '../../ledger/account';
import type { Value } from '../../ledger/icrc3/value';
import { remember } from './block';

const MAX_ACCOUNTS = 4096;
const accounts = new Map<string, Value>();

/** One char per byte: owner length ‖ owner ‖ subaccount (if any); distinct accounts, distinct keys. */
function cacheKey(a: Account): string {
    const bytes = (b: Uint8Array): string => String.fromCharCode.apply(null, b as unknown as number[]);
    const k = String.fromCharCode(a.owner.length) + bytes(a.owner);
    return a.subaccount === undefined ? k : k + bytes(a.subaccount);
}

/** The account as an ICRC-3 value: a shared object with its hash (never mutate it). */
export function accountValue(a: Account): Value {
    const key = cacheKey(a);
    let v = accounts.get(key);
    if (v === undefined) {
        v = remember({ Array: a.subaccount === undefined ? [{ Blob: a.owner.slice() }] : [{ Blob: a.owner.slice() }, { Blob: a.subaccount.slice() }] });
        if (accounts.size >= MAX_ACCOUNTS) accounts.delete(accounts.keys().next().value as string);
        accounts.set(key, v);
    }
    return v;
}
