/**
 * The certified tip: the ICRC-3 tip hash tree over the last block's index and hash, its root hash
 * (the canister's certified data) and its CBOR encoding (the `hash_tree` that
 * `icrc3_get_tip_certificate` returns).
 *
 * What the DFINITY ledger does (read in dfinity/ic):
 *  - ledger/src/lib.rs `construct_hash_tree` (same crate, current main): the tip tree is
 *    fork(labeled("last_block_hash", leaf(hash)), labeled("last_block_index",
 *    leaf(LEB128(index)))), serialised with ciborium (ic-certification `HashTree` → CBOR arrays
 *    [1,l,r] / [2,label,t] / [3,value], labels and leaves as byte strings, no self-describe tag).
 *    (Older ledgers certified "tip_hash" + big-endian u64 index; ICRC-3 uses the above.)
 *
 * Storage: none (the tip hash is kept by state.ts). Cost: the root hash 8 compressions, into
 * message buffers whose constant prefix and padding are written once; the CBOR a few small
 * concatenations.
 * Runs inside the canister: no Node built-ins, no imports from tools/replica.
 */
import { SHA256_IV, compressBytes, digestToBytes, sha256Words } from '../../lib/crypto/sha256';
import { concat, leb128 } from '../../lib/storage/bytes';
import { utf8 } from './value';

const SEP_FORK = domainSep('ic-hashtree-fork');
const SEP_LABELED = domainSep('ic-hashtree-labeled');
const SEP_LEAF = domainSep('ic-hashtree-leaf');
const LABEL_HASH = utf8('last_block_hash');
const LABEL_INDEX = utf8('last_block_index');

function domainSep(name: string): Uint8Array {
  const b = utf8(name);
  return concat([Uint8Array.of(b.length), b]);
}


/**
 * A message buffer for a fixed-length message: constant prefix and SHA-256 padding written once;
 * each use only writes the variable bytes, then compresses the blocks.
 */
class FixedMessage {
  readonly buf: Uint8Array;
  private readonly blocks: number;
  constructor(prefix: Uint8Array, readonly length: number) {
    this.blocks = (length + 9 + 63) >> 6;
    this.buf = new Uint8Array(this.blocks * 64);
    this.buf.set(prefix);
    this.buf[length] = 0x80;
    const bits = length * 8;
    this.buf[this.buf.length - 2] = bits >> 8;
    this.buf[this.buf.length - 1] = bits;
  }
  hash(): Int32Array {
    const st = new Int32Array(SHA256_IV);
    for (let i = 0; i < this.blocks; i++) compressBytes(st, this.buf, i << 6);
    return st;
  }
}

// leaf(last_block_hash) = H(sep_leaf ‖ hash); labeled(l, t) = H(sep_labeled ‖ l ‖ t);
// fork(l, r) = H(sep_fork ‖ l ‖ r)
const MSG_LEAF_HASH = new FixedMessage(SEP_LEAF, SEP_LEAF.length + 32);
const MSG_LABELED_HASH = new FixedMessage(concat([SEP_LABELED, LABEL_HASH]), SEP_LABELED.length + LABEL_HASH.length + 32);
const MSG_LABELED_INDEX = new FixedMessage(concat([SEP_LABELED, LABEL_INDEX]), SEP_LABELED.length + LABEL_INDEX.length + 32);
const MSG_FORK = new FixedMessage(SEP_FORK, SEP_FORK.length + 64);

export { leb128 };

/**
 * Root hash of the ICRC-3 tip tree (the value for `certified_data`):
 *   fork(labeled("last_block_hash", leaf(hash)), labeled("last_block_index", leaf(leb128(index))))
 * Eight compressions.
 */
export function tipTreeRootHash(lastIndex: bigint, lastHash: Uint8Array): Uint8Array {
  if (lastHash.length !== 32) throw new RangeError('tipTreeRootHash: the block hash must be 32 bytes');
  const mLeaf = MSG_LEAF_HASH;
  mLeaf.buf.set(lastHash, SEP_LEAF.length);
  const mHash = MSG_LABELED_HASH;
  mHash.buf.set(digestToBytes(mLeaf.hash()), mHash.length - 32);
  const mIndex = MSG_LABELED_INDEX;
  mIndex.buf.set(digestToBytes(sha256Words(concat([SEP_LEAF, leb128(lastIndex)]))), mIndex.length - 32);
  const mFork = MSG_FORK;
  mFork.buf.set(digestToBytes(mHash.hash()), SEP_FORK.length);
  mFork.buf.set(digestToBytes(mIndex.hash()), SEP_FORK.length + 32);
  return digestToBytes(mFork.hash());
}

/** CBOR head (major type, length) for the small lengths used here. */
function cborHead(major: number, n: number): number[] {
  const m = major << 5;
  if (n < 24) return [m | n];
  if (n < 0x100) return [m | 24, n];
  return [m | 25, n >> 8, n & 0xff];
}

/**
 * The tip hash tree, CBOR-encoded as `icrc3_get_tip_certificate` returns it in `hash_tree`:
 *   [1, [2, "last_block_hash", [3, hash]], [2, "last_block_index", [3, leb128(index)]]]
 * (labels and leaves as byte strings).
 */
export function tipHashTreeCbor(lastIndex: bigint, lastHash: Uint8Array): Uint8Array {
  const idx = leb128(lastIndex);
  const bytes = (b: Uint8Array): Uint8Array => concat([Uint8Array.from(cborHead(2, b.length)), b]);
  return concat([
    Uint8Array.of(0x83, 0x01), // [1, l, r]
    Uint8Array.of(0x83, 0x02), // [2, label, t]
    bytes(LABEL_HASH),
    Uint8Array.of(0x82, 0x03), // [3, value]
    bytes(lastHash),
    Uint8Array.of(0x83, 0x02),
    bytes(LABEL_INDEX),
    Uint8Array.of(0x82, 0x03),
    bytes(idx),
  ]);
}
