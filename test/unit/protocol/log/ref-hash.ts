/**
 * An independent ICRC-3 value hash for tests (Node's SHA-256, straight from HASHINGVALUES.md: no
 * code shared with src/), the reference the canister's hashers are checked against.
 */
import { createHash } from 'crypto';
import type { Value } from '../../../../src/ledger/icrc3/value';

/** An independent ICRC-3 value hash (node's SHA-256; HASHINGVALUES.md). */
export function refHash(v: Value): Buffer {
    const h = (b: Uint8Array) => createHash('sha256').update(b).digest();
    const leb = (n: bigint) => {
        const out: number[] = [];
        do {
            let b = Number(n & 0x7fn);
            n >>= 7n;
            if (n !== 0n) b |= 0x80;
            out.push(b);
        } while (n !== 0n);
        return Buffer.from(out);
    };
    if ('Nat' in v) return h(leb(v.Nat));
    if ('Text' in v) return h(Buffer.from(v.Text, 'utf8'));
    if ('Blob' in v) return h(v.Blob);
    if ('Array' in v) return h(Buffer.concat(v.Array.map(refHash)));
    if ('Map' in v) {
        const pairs = v.Map.map(([k, x]) => Buffer.concat([h(Buffer.from(k, 'utf8')), refHash(x)]));
        pairs.sort(Buffer.compare);
        return h(Buffer.concat(pairs));
    }
    throw new Error('Int not generated');
}
