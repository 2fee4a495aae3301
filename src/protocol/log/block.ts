/**
 * A block of the protocol's ICRC-3 log (spec §11–§12): the ICRC-3 `Value`
 *   Map { btype: Text, ts: Nat, tx: Map, phash: Blob }   (no phash in block 0)
 * and its hash, the ICRC-3 representation-independent hash of that value (the next block's phash;
 * the last block's is the certified `last_block_hash`). Entries are written in key order (btype,
 * phash, ts, tx), as DFINITY's ledgers answer; the hash does not depend on the order.
 * Rules: btype is 1..MAX_BTYPE_BYTES bytes; tx keys are unique (a duplicate key is a bug of the
 * caller and throws: in the canister the message traps and nothing is written).
 * Storage: none; on the heap, the hashes of the map keys seen (at most 512), of the block types'
 * Text values (at most 64) and of the values a section `remember`s (sockets/blocks.ts: accounts).
 * Cost: the hash is one compression per 64 bytes of each leaf value not remembered plus one per map
 * entry (a market receipt: ~36; a socket transfer between accounts seen before: ~14).
 * Runs inside the canister: no Node built-ins.
 */
import { digestToBytes, sha256Words } from '../../lib/crypto/sha256';
import { compareDigests, hashDigestPairs, hashValueWords, utf8, type Value } from '../../ledger/icrc3/value';

export const MAX_BTYPE_BYTES = 32;

export function makeBlock(btype: string, ts: bigint, tx: [string, Value][], phash: Uint8Array | undefined): Value {
    if (btype.length === 0 || btype.length > MAX_BTYPE_BYTES) throw new RangeError(`log: block type must be 1..${MAX_BTYPE_BYTES} characters`);
    const seen = new Set<string>();
    for (const [k] of tx) {
        if (seen.has(k)) throw new Error(`log: duplicate tx key ${k}`);
        seen.add(k);
    }
    if (phash !== undefined && phash.length !== 32) throw new RangeError('log: phash must be 32 bytes');
    const m: [string, Value][] = [['btype', btypeValue(btype)]];
    if (phash !== undefined) m.push(['phash', { Blob: phash }]);
    m.push(['ts', { Nat: ts }], ['tx', { Map: tx }]);
    return { Map: m };
}

// Map keys repeat from block to block (a receipt's twelve, the block's four): their hashes are
// memoised on the heap (bounded), one compression saved per key.
const MAX_CACHED_KEYS = 512;
const keyHashes = new Map<string, Int32Array>();

function keyWords(k: string): Int32Array {
    let h = keyHashes.get(k);
    if (h === undefined) {
        h = sha256Words(utf8(k));
        if (keyHashes.size < MAX_CACHED_KEYS) keyHashes.set(k, h);
    }
    return h;
}

// Values that recur from block to block (a block type's Text, an account seen again) can carry
// their hash: `remember` hashes a value once and keeps the hash with the object (a WeakMap: it
// goes when the value does), so a block holding the same object hashes it for free. The caller
// must not mutate a remembered value.
const remembered = new WeakMap<Value, Int32Array>();

/** Hashes `v` now and keeps its hash with it; returns `v` (never mutate it afterwards). */
export function remember(v: Value): Value {
    if (!remembered.has(v)) remembered.set(v, valueWords(v));
    return v;
}

// The block types are a fixed set (each section's few), so their Text values are kept, bounded.
const MAX_BTYPES = 64;
const btypes = new Map<string, Value>();

function btypeValue(btype: string): Value {
    let v = btypes.get(btype);
    if (v === undefined) {
        v = { Text: btype };
        if (btypes.size < MAX_BTYPES) btypes.set(btype, remember(v));
    }
    return v;
}

/** ICRC-3 hash words of a value, maps with memoised key hashes (= `hashValueWords`). */
function valueWords(v: Value): Int32Array {
    const known = remembered.get(v);
    if (known !== undefined) return known;
    if (!('Map' in v)) return hashValueWords(v);
    const pairs: [Int32Array, Int32Array][] = v.Map.map(([k, x]) => [keyWords(k), valueWords(x)]);
    pairs.sort((p, q) => compareDigests(p[0], q[0]) || compareDigests(p[1], q[1]));
    return hashDigestPairs(pairs);
}

/** The block's ICRC-3 hash (= `hashValue(block)` of src/ledger/icrc3/value.ts). */
export function blockHash(block: Value): Uint8Array {
    return digestToBytes(valueWords(block));
}

/** A field of a block map (or of its tx map), if present. */
export function field(v: Value, key: string): Value | undefined {
    if (!('Map' in v)) return undefined;
    for (const [k, x] of v.Map) if (k === key) return x;
    return undefined;
}
