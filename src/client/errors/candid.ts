/**
 * A canister's `Err` variant → a ClientError: the case's name is the kind, the message
 * `Kind: details` on one line (details from the canister's own describer, else generic).
 */
import { toHex } from '../../lib/storage/bytes';
import type { ClientError } from './client-error';

/** The error case's name is the kind; the message is `Kind: details` on one line. */
export async function errorOf(err: Record<string, unknown>, describe: (err: Record<string, unknown>) => Promise<string | undefined> | string | undefined): Promise<ClientError> {
    const kind = Object.keys(err)[0];
    const text = (await describe(err)) ?? genericDetails(err[kind]);
    return { kind, message: text === '' ? kind : `${kind}: ${text}` };
}

/** `record { reason = "x" }` → `x`; other records → `field value, field value`; null → ''. */
export function genericDetails(v: unknown): string {
    if (v === null || v === undefined) return '';
    if (typeof v !== 'object' || v instanceof Uint8Array) return showValue(v);
    const entries = Object.entries(v as Record<string, unknown>);
    if (entries.length === 1 && (entries[0][0] === 'reason' || entries[0][0] === 'message')) return showValue(entries[0][1]);
    return entries.map(([k, x]) => `${k.replace(/_/g, ' ')} ${showValue(x)}`).join(', ');
}

function showValue(v: unknown): string {
    if (v instanceof Uint8Array) return toHex(v);
    if (Array.isArray(v)) return v.length === 0 ? 'none' : v.map(showValue).join(' ');
    if (v !== null && typeof v === 'object' && (v as { _isPrincipal?: boolean })._isPrincipal === true) return (v as { toText(): string }).toText();
    if (v !== null && typeof v === 'object') {
        const keys = Object.keys(v);
        if (keys.length === 1 && (v as Record<string, unknown>)[keys[0]] === null) return keys[0];
        return `{${genericDetails(v)}}`;
    }
    return String(v);
}
