/** The JSON form of client values (what `emc --json` prints). */
import { Principal } from '@dfinity/principal';
import { toHex } from '../../lib/storage/bytes';

/** JSON with bigints as decimal strings, principals as text, bytes as hex (what `--json` prints). */
export function toJson(value: unknown, indent?: number): string {
    // The replacer reads the raw value (`this[key]`): Principal's own toJSON runs before a replacer sees it.
    return JSON.stringify(
        value,
        function (this: Record<string, unknown>, key: string) {
            return jsonValue(this[key]);
        },
        indent,
    );
}

function jsonValue(v: unknown): unknown {
    if (typeof v === 'bigint') return v.toString();
    if (v instanceof Uint8Array) return toHex(v);
    if (v !== null && typeof v === 'object' && (v as { _isPrincipal?: boolean })._isPrincipal === true) return Principal.from(v).toText();
    return v;
}
