/**
 * The two Candid dialects of a block's generic value, as the block writer (candid-block-writer.ts)
 * needs them: the variant indices of ICRC-3's `Value` (integers as `Nat`) or of the legacy
 * `get_blocks` value (integers that fit 64 bits as `Nat64`), read from the reply's Candid type,
 * and the constant byte strings of a block's map entries (key, then value tag) in that dialect.
 * Storage: none. Cost: computed once per dialect (when `CandidBlocks` is built), a few hundred
 * bytes; nothing per block.
 * Runs inside the canister: no Node built-ins.
 */
import type { Type, VariantType } from '../../lib/candid/types';
import { utf8 } from './value';

/** Variant indices of a generic value type (ICRC-3 `Value` or the legacy one). */
export interface Dialect {
  blob: number;
  text: number;
  nat: number;
  /** -1: none (ICRC-3) — integers stay `Nat`. */
  nat64: number;
  array: number;
  map: number;
}

export function dialectOf(t: Type): Dialect {
  const v = t as VariantType;
  const at = (name: string): number => {
    const i = v.names.indexOf(name);
    if (i < 0 && name !== 'Nat64') throw new Error(`candid-blocks: the value type has no ${name}`);
    return i;
  };
  return { blob: at('Blob'), text: at('Text'), nat: at('Nat'), nat64: at('Nat64'), array: at('Array'), map: at('Map') };
}

/** A map key as written in an entry (`record { text; Value }`): LEB128 length, UTF-8, then `tail`. */
function entry(k: string, ...tail: number[]): Uint8Array {
  const b = utf8(k);
  return Uint8Array.of(b.length, ...b, ...tail);
}

/** The constant byte strings of one dialect. */
export interface Prefixes {
  /** Entries whose value is an integer: key, then the `Nat` tag unless the dialect may use `Nat64`. */
  fee: Uint8Array;
  feeColBlock: Uint8Array;
  ts: Uint8Array;
  amt: Uint8Array;
  expectedAllowance: Uint8Array;
  expiresAt: Uint8Array;
  /** Entries whose value is an account: key, `Array` tag. */
  feeCol: Uint8Array;
  from: Uint8Array;
  spender: Uint8Array;
  to: Uint8Array;
  /** key, `Blob` tag, length 32. */
  phash: Uint8Array;
  /** key, `Blob` tag (the length follows). */
  memo: Uint8Array;
  /** key, `Map` tag (the count follows). */
  tx: Uint8Array;
  /** The whole `op` entry, by stored op code (0 mint, 1 burn, 2 xfer, 3 approve). */
  op: Uint8Array[];
}

export function prefixesOf(d: Dialect): Prefixes {
  const nat = d.nat64 < 0 ? [d.nat] : [];
  const opEntry = (name: string): Uint8Array => {
    const t = utf8(name);
    return entry('op', d.text, t.length, ...t);
  };
  return {
    fee: entry('fee', ...nat),
    feeColBlock: entry('fee_col_block', ...nat),
    ts: entry('ts', ...nat),
    amt: entry('amt', ...nat),
    expectedAllowance: entry('expected_allowance', ...nat),
    expiresAt: entry('expires_at', ...nat),
    feeCol: entry('fee_col', d.array),
    from: entry('from', d.array),
    spender: entry('spender', d.array),
    to: entry('to', d.array),
    phash: entry('phash', d.blob, 32),
    memo: entry('memo', d.blob),
    tx: entry('tx', d.map),
    op: ['mint', 'burn', 'xfer', 'approve'].map(opEntry),
  };
}
