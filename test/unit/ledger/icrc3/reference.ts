/** An independent, naive ICRC-3 value hash (node:crypto) used to cross-check the implementation. */
import { createHash } from 'crypto';
import type { Value } from '../../../../src/ledger/icrc3/value';

const H = (b: Uint8Array): Buffer => createHash('sha256').update(b).digest();

function leb(n: bigint): Buffer {
  const out: number[] = [];
  do {
    let b = Number(n % 128n);
    n /= 128n;
    if (n > 0n) b |= 0x80;
    out.push(b);
  } while (n > 0n);
  return Buffer.from(out);
}

function sleb(n: bigint): Buffer {
  const out: number[] = [];
  for (;;) {
    const b = Number(BigInt.asUintN(7, n));
    n = n >> 7n;
    if ((n === 0n && (b & 0x40) === 0) || (n === -1n && (b & 0x40) !== 0)) {
      out.push(b);
      return Buffer.from(out);
    }
    out.push(b | 0x80);
  }
}

export function refHash(v: Value): Buffer {
  if ('Nat' in v) return H(leb(v.Nat));
  if ('Int' in v) return H(sleb(v.Int));
  if ('Text' in v) return H(Buffer.from(v.Text, 'utf8'));
  if ('Blob' in v) return H(v.Blob);
  if ('Array' in v) return H(Buffer.concat(v.Array.map(refHash)));
  const pairs = v.Map.map(([k, x]) => Buffer.concat([H(Buffer.from(k, 'utf8')), refHash(x)]));
  pairs.sort(Buffer.compare);
  return H(Buffer.concat(pairs));
}

export const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
