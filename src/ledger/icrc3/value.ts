/**
 * The ICRC-3 `Value` (in the JS shape Candid decoders produce) and its representation-independent
 * hash, as specified in dfinity/ICRC-1 `standards/ICRC-3/HASHINGVALUES.md`:
 *
 *   Nat   → SHA-256(LEB128(n))         Int  → SHA-256(SLEB128(i))
 *   Text  → SHA-256(UTF-8(s))          Blob → SHA-256(bytes)
 *   Array → SHA-256(H(e1) ‖ H(e2) ‖ …)
 *   Map   → SHA-256 of the pairs H(UTF-8 key) ‖ H(value), sorted lexicographically by (key hash,
 *           value hash) as byte strings, concatenated.
 *
 * Note: DFINITY's Rust `Value::hash` (icrc-ledger-types `icrc/generic_value.rs`) hashes a
 * *non-negative* `Int` with plain LEB128 (a TODO there); we follow the standard (SLEB128). The two
 * differ only for non-negative Ints whose top LEB group has bit 6 set (e.g. 64); ICRC-1 ledger
 * blocks contain no `Int`, so block hashes are unaffected.
 *
 * Runs inside the canister: no Node built-ins.
 */
import { COMPRESS_PAD, MAX_PAD_BLOCKS, Sha256, compressPair, digestToBytes, hashNatLeb, sha256Words, slebBytes, SHA256_IV } from '../../lib/crypto/sha256';

export type Value =
  | { Blob: Uint8Array }
  | { Text: string }
  | { Nat: bigint }
  | { Int: bigint }
  | { Array: Value[] }
  | { Map: [string, Value][] };

/** UTF-8 encoding (no dependency on a TextEncoder global). Lone surrogates become U+FFFD. */
export function utf8(s: string): Uint8Array {
  let ascii = true;
  for (let i = 0; i < s.length; i++) {
    if (s.charCodeAt(i) > 0x7f) {
      ascii = false;
      break;
    }
  }
  if (ascii) {
    const out = new Uint8Array(s.length);
    for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
    return out;
  }
  const out: number[] = [];
  for (let i = 0; i < s.length; i++) {
    let c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
        i++;
      } else c = 0xfffd;
    } else if (c >= 0xd800 && c <= 0xdfff) c = 0xfffd;
    if (c < 0x80) out.push(c);
    else if (c < 0x800) out.push(0xc0 | (c >> 6), 0x80 | (c & 63));
    else if (c < 0x10000) out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
    else out.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
  }
  return Uint8Array.from(out);
}

/** Compare two 8-word digests as big-endian byte strings (i.e. as unsigned words). */
export function compareDigests(x: Int32Array, y: Int32Array): number {
  for (let i = 0; i < 8; i++) {
    if (x[i] !== y[i]) return (x[i] ^ -0x80000000) < (y[i] ^ -0x80000000) ? -1 : 1;
  }
  return 0;
}

/**
 * SHA-256 of a concatenation of 64-byte units, each given as two 8-word digests (map pairs, or
 * array elements two by two); uses the constant-padding compression when it can.
 */
export function hashDigestPairs(pairs: readonly (readonly [Int32Array, Int32Array])[]): Int32Array {
  const n = pairs.length;
  if (n === 0 || n > MAX_PAD_BLOCKS) {
    const h = new Sha256();
    for (const [k, v] of pairs) h.updateDigest(k).updateDigest(v);
    return h.digestWords();
  }
  const st = new Int32Array(SHA256_IV);
  for (let i = 0; i < n; i++) compressPair(st, pairs[i][0], pairs[i][1]);
  COMPRESS_PAD[n](st);
  return st;
}

/** The representation-independent hash of `v` as 8 big-endian words. */
export function hashValueWords(v: Value): Int32Array {
  if ('Nat' in v) return hashNatLeb(v.Nat);
  if ('Blob' in v) return sha256Words(v.Blob);
  if ('Text' in v) return sha256Words(utf8(v.Text));
  if ('Int' in v) return sha256Words(slebBytes(v.Int));
  if ('Array' in v) {
    const a = v.Array;
    if (a.length % 2 === 0) {
      const pairs: [Int32Array, Int32Array][] = [];
      for (let i = 0; i < a.length; i += 2) pairs.push([hashValueWords(a[i]), hashValueWords(a[i + 1])]);
      return hashDigestPairs(pairs);
    }
    const h = new Sha256();
    for (const e of a) h.updateDigest(hashValueWords(e));
    return h.digestWords();
  }
  if ('Map' in v) {
    const pairs: [Int32Array, Int32Array][] = v.Map.map(([k, x]) => [sha256Words(utf8(k)), hashValueWords(x)]);
    pairs.sort((p, q) => compareDigests(p[0], q[0]) || compareDigests(p[1], q[1]));
    return hashDigestPairs(pairs);
  }
  throw new Error('hashValue: unsupported value');
}

/** The representation-independent hash of `v` (ICRC-3). */
export function hashValue(v: Value): Uint8Array {
  return digestToBytes(hashValueWords(v));
}
