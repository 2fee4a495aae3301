/**
 * Accounts as operators type them: a principal (`aaaaa-aa`), or the ICRC-1 textual encoding
 * `principal-checksum.subaccount` (checksum = base32 of the CRC-32 of principal ‖ subaccount,
 * subaccount in hex without leading zeros). Only the canonical form is accepted, as ICRC-1 requires:
 * the text must equal the encoding of what it decodes to.
 */
import { Principal } from '@dfinity/principal';
import { accountText } from '../ledger/consent';
import { badInput, ok, type ClientResult } from './result';
import type { IcrcAccount } from './types/account';
import { fromHex } from '../lib/storage/bytes';

export function parsePrincipal(text: string, what = 'principal'): ClientResult<Principal> {
    const t = text.trim();
    if (t === '') return badInput(`${what} is empty`);
    try {
        const p = Principal.fromText(t);
        if (p.toText() !== t) return badInput(`malformed ${what} '${text}'`);
        return ok(p);
    } catch (e) {
        const why = (e instanceof Error ? e.message : String(e)).split('\n')[0];
        return badInput(`malformed ${what} '${text}': ${/checksum/i.test(why) ? 'not a principal (its checksum does not match)' : /length|decode|character/i.test(why) ? 'not a principal text' : why}`);
    }
}

/** A 32-byte subaccount from hex (up to 64 digits, left-padded with zeros). */
export function parseSubaccount(hex: string): ClientResult<Uint8Array> {
    const h = hex.trim().toLowerCase().replace(/^0x/, '');
    if (!/^[0-9a-f]{1,64}$/.test(h)) return badInput(`malformed subaccount '${hex}': expected up to 64 hex digits`);
    return ok(fromHex(h.padStart(64, '0')));
}

export function parseAccount(text: string): ClientResult<IcrcAccount> {
    const t = text.trim();
    const dot = t.lastIndexOf('.');
    if (dot < 0) {
        const p = parsePrincipal(t, 'account');
        return p.ok ? ok({ owner: p.value }) : p;
    }
    const head = t.slice(0, dot);
    const dash = head.lastIndexOf('-');
    if (dash < 0) return badInput(`malformed account '${text}': expected principal-checksum.subaccount`);
    const owner = parsePrincipal(head.slice(0, dash), 'account owner');
    if (!owner.ok) return badInput(`malformed account '${text}': ${owner.error.message.replace(/^BadInput: /, '')}`);
    const sub = t.slice(dot + 1);
    if (sub.startsWith('0')) return badInput(`malformed account '${text}': the subaccount must not have leading zeros`);
    const subaccount = parseSubaccount(sub);
    if (!subaccount.ok) return badInput(`malformed account '${text}': ${subaccount.error.message.replace(/^BadInput: /, '')}`);
    const account = { owner: owner.value, subaccount: subaccount.value };
    if (formatAccount(account) !== t) {
        if (subaccount.value.every((b) => b === 0)) return badInput(`malformed account '${text}': a default subaccount is written as the plain principal`);
        return badInput(`malformed account '${text}': wrong checksum`);
    }
    return ok(account);
}

export function formatAccount(a: IcrcAccount): string {
    return accountText({ owner: a.owner.toUint8Array(), subaccount: a.subaccount });
}
