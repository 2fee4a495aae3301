/**
 * ICRC-21 consent messages for icrc1_transfer, icrc2_approve and icrc2_transfer_from: what a
 * signer shows its user before signing. English only (other languages get English and say so in
 * the returned metadata); GenericDisplay (Markdown) or FieldsDisplay.
 */
import { Principal } from '@dfinity/principal';
import { CandidError } from '../lib/candid/error';
import { decode } from '../lib/candid/decode';
import { isAnonymous, type Account } from './account';
import { ApproveArgsT, TransferArg, TransferFromArgsT, approveArgsIn, transferArgsIn, transferFromArgsIn } from './api/candid';
import type { LedgerSettings } from './settings';

export interface ConsentRequest {
    method: string;
    arg: Uint8Array;
    user_preferences: {
        metadata: { language: string; utc_offset_minutes: [] | [number] };
        device_spec: [] | [{ GenericDisplay: null } | { FieldsDisplay: null }];
    };
}

export type Icrc21Value =
    | { TokenAmount: { decimals: number; amount: bigint; symbol: string } }
    | { TimestampSeconds: { amount: bigint } }
    | { DurationSeconds: { amount: bigint } }
    | { Text: { content: string } };

export type ConsentResponse =
    | {
          Ok: {
              consent_message: { GenericDisplayMessage: string } | { FieldsDisplayMessage: { intent: string; fields: [string, Icrc21Value][] } };
              metadata: { language: string; utc_offset_minutes: [] | [number] };
          };
      }
    | {
          Err:
              | { UnsupportedCanisterCall: { description: string } }
              | { ConsentMessageUnavailable: { description: string } }
              | { InsufficientPayment: { description: string } }
              | { GenericError: { error_code: bigint; description: string } };
      };

const U64_MAX = (1n << 64n) - 1n;

interface Line {
    label: string;
    value: Icrc21Value;
    /** Extra sentence under the value in the Markdown form. */
    note?: string;
}

export function consentMessage(s: LedgerSettings, caller: Uint8Array, req: ConsentRequest): ConsentResponse {
    const offset = req.user_preferences.metadata.utc_offset_minutes;
    const metadata = { language: 'en', utc_offset_minutes: offset };
    let intent: string;
    let lines: Line[];
    try {
        const built = build(s, caller, req.method, req.arg);
        if (built === undefined) {
            return { Err: { UnsupportedCanisterCall: { description: `no consent message for method '${req.method}': this ledger describes icrc1_transfer, icrc2_approve and icrc2_transfer_from` } } };
        }
        [intent, lines] = built;
    } catch (e) {
        if (e instanceof CandidError) return { Err: { UnsupportedCanisterCall: { description: `the argument is not a valid ${req.method} argument: ${e.message}` } } };
        throw e;
    }
    for (const l of lines) {
        if ('TokenAmount' in l.value && l.value.TokenAmount.amount > U64_MAX) {
            return { Err: { ConsentMessageUnavailable: { description: `${l.label.toLowerCase()} exceeds what a consent message can display` } } };
        }
    }
    const spec = req.user_preferences.device_spec;
    if (spec.length === 1 && 'FieldsDisplay' in spec[0]) {
        return { Ok: { consent_message: { FieldsDisplayMessage: { intent, fields: lines.map((l) => [l.label, l.value]) } }, metadata } };
    }
    const minutes = offset.length === 1 ? offset[0] : 0;
    const body = lines.map((l) => `**${l.label}:**\n${render(l.value, minutes)}${l.note === undefined ? '' : `\n${l.note}`}`).join('\n\n');
    return { Ok: { consent_message: { GenericDisplayMessage: `# ${intent}\n\n${body}` }, metadata } };
}

function build(s: LedgerSettings, caller: Uint8Array, method: string, arg: Uint8Array): [string, Line[]] | undefined {
    const token = (amount: bigint): Icrc21Value => ({ TokenAmount: { decimals: s.decimals, amount, symbol: s.symbol } });
    const text = (content: string): Icrc21Value => ({ Text: { content } });
    const from = (sub: Uint8Array | undefined): Icrc21Value => text(isAnonymous(caller) ? 'the account of the signing identity' : accountText({ owner: caller, subaccount: sub }));
    if (method === 'icrc1_transfer') {
        const a = transferArgsIn(decode([TransferArg], arg)[0] as never);
        const lines: Line[] = [
            { label: 'From', value: from(a.from_subaccount) },
            { label: 'Amount', value: token(a.amount) },
            { label: 'To', value: text(accountText(a.to)) },
            { label: 'Fees', value: token(a.fee ?? s.fee), note: 'Charged for processing the transfer.' },
        ];
        if (a.memo !== undefined) lines.push({ label: 'Memo', value: text(memoText(a.memo)) });
        return [`Send ${s.symbol}`, lines];
    }
    if (method === 'icrc2_approve') {
        const a = approveArgsIn(decode([ApproveArgsT], arg)[0] as never);
        const lines: Line[] = [
            { label: 'From', value: from(a.from_subaccount) },
            { label: 'Approve to spender', value: text(accountText(a.spender)) },
            { label: 'Requested withdrawal allowance', value: token(a.amount), note: `The spender may withdraw up to this amount of ${s.symbol} from your account.` },
        ];
        if (a.expected_allowance !== undefined) lines.push({ label: 'Current withdrawal allowance', value: token(a.expected_allowance) });
        lines.push({ label: 'Expiration date', value: a.expires_at === undefined ? text('This approval does not have an expiration.') : { TimestampSeconds: { amount: a.expires_at / 1_000_000_000n } } });
        lines.push({ label: 'Approval fees', value: token(a.fee ?? s.fee), note: 'Charged to your account for processing the approval.' });
        if (a.memo !== undefined) lines.push({ label: 'Memo', value: text(memoText(a.memo)) });
        return ['Approve spender', lines];
    }
    if (method === 'icrc2_transfer_from') {
        const a = transferFromArgsIn(decode([TransferFromArgsT], arg)[0] as never);
        const lines: Line[] = [
            { label: 'From', value: text(accountText(a.from)) },
            { label: 'Amount', value: token(a.amount) },
            { label: 'Spender', value: from(a.spender_subaccount) },
            { label: 'To', value: text(accountText(a.to)) },
            { label: 'Fees', value: token(a.fee ?? s.fee), note: 'Charged to the source account for processing the transfer.' },
        ];
        if (a.memo !== undefined) lines.push({ label: 'Memo', value: text(memoText(a.memo)) });
        return [`Spend ${s.symbol}`, lines];
    }
    return undefined;
}

function render(v: Icrc21Value, offsetMinutes: number): string {
    if ('TokenAmount' in v) return `\`${formatAmount(v.TokenAmount.amount, v.TokenAmount.decimals)} ${v.TokenAmount.symbol}\``;
    if ('TimestampSeconds' in v) return formatTime(v.TimestampSeconds.amount, offsetMinutes);
    if ('DurationSeconds' in v) return `${v.DurationSeconds.amount} seconds`;
    return v.Text.content;
}

/** An integer amount in base units, shown with `decimals` digits after the point, trailing zeros dropped. */
export function formatAmount(amount: bigint, decimals: number): string {
    const unit = 10n ** BigInt(decimals);
    const whole = amount / unit;
    const frac = (amount % unit).toString().padStart(decimals, '0').replace(/0+$/, '');
    return frac === '' ? whole.toString() : `${whole}.${frac}`;
}

function formatTime(seconds: bigint, offsetMinutes: number): string {
    const local = Number(seconds) + offsetMinutes * 60;
    const iso = new Date(local * 1000).toISOString().replace('T', ' ').replace(/\.\d+Z$/, '');
    const sign = offsetMinutes < 0 ? '-' : '+';
    const abs = Math.abs(offsetMinutes);
    return `${iso} UTC${sign}${String((abs - (abs % 60)) / 60).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

function memoText(memo: Uint8Array): string {
    const decoded = tryUtf8(memo);
    return decoded !== undefined && /^[\x20-\x7e]*$/.test(decoded) ? decoded : `0x${hex(memo)}`;
}

function tryUtf8(b: Uint8Array): string | undefined {
    try {
        return new TextDecoder('utf-8', { fatal: true }).decode(b);
    } catch {
        return undefined;
    }
}

function hex(b: Uint8Array): string {
    let s = '';
    for (let i = 0; i < b.length; i++) s += (b[i] < 16 ? '0' : '') + b[i].toString(16);
    return s;
}

/** ICRC-1 textual account encoding: `principal` or `principal-checksum.subaccount-hex`. */
export function accountText(a: Account): string {
    const owner = Principal.fromUint8Array(a.owner).toText();
    const sub = a.subaccount;
    if (sub === undefined || sub.every((x) => x === 0)) return owner;
    const data = new Uint8Array(a.owner.length + sub.length);
    data.set(a.owner);
    data.set(sub, a.owner.length);
    const crc = crc32(data);
    const checksum = base32(new Uint8Array([crc >>> 24, (crc >>> 16) & 255, (crc >>> 8) & 255, crc & 255]));
    return `${owner}-${checksum}.${hex(sub).replace(/^0+/, '')}`;
}

const CRC_TABLE = (() => {
    const t = new Int32Array(256);
    for (let n = 0; n < 256; n++) {
        let c = n;
        for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
        t[n] = c;
    }
    return t;
})();

function crc32(data: Uint8Array): number {
    let c = -1;
    for (let i = 0; i < data.length; i++) c = CRC_TABLE[(c ^ data[i]) & 255] ^ (c >>> 8);
    return (c ^ -1) >>> 0;
}

function base32(data: Uint8Array): string {
    const alphabet = 'abcdefghijklmnopqrstuvwxyz234567';
    let out = '';
    let bits = 0;
    let value = 0;
    for (let i = 0; i < data.length; i++) {
        value = (value << 8) | data[i];
        bits += 8;
        while (bits >= 5) {
            out += alphabet[(value >>> (bits - 5)) & 31];
            bits -= 5;
        }
    }
    if (bits > 0) out += alphabet[(value << (5 - bits)) & 31];
    return out;
}
