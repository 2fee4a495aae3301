/**
 * $EMC ledger blocks in the DFINITY ICRC-1 ledger's legacy block layout, their ICRC-3 hash, a
 * compact stable-memory codec, and the certified tip.
 *
 * What the DFINITY ledger does (read in dfinity/ic; file @ commit):
 *  - rs/ledger_suite/icrc1/src/lib.rs @ 0584a72073d893e5c65e79932e87921724496d6b
 *    `Block` serialises (serde → CBOR) as a map with `phash` (skipped when None — block 0), `tx`,
 *    `fee` (= `effective_fee`, skipped when None), `ts`, and `fee_col` / `fee_col_block` / `btype`
 *    (all skipped when None). `from_transaction` sets `effective_fee` = the ledger fee only for
 *    Transfer and Approve whose `tx.fee` is None (i.e. the caller gave no fee), None for Mint and
 *    Burn; `btype` is always None for these four operations (it is only set for ICRC-107
 *    fee-collector blocks). With a fee collector configured, a block carries either `fee_col`
 *    (the account, compact form) when the collector's block index is not yet known, or
 *    `fee_col_block` (u64: the index of the block that named it) — `Block.feeCollector` /
 *    `Block.feeCollectorBlock` here; the ledger decides which.
 *    The transaction (`FlattenedTransaction`) is a map of: `ts` (created_at_time), `memo` (bytes),
 *    `op` ("mint" | "burn" | "xfer" | "approve"), `from`, `to`, `spender`, `amt`, `fee`,
 *    `expected_allowance`, `expires_at` — each skipped when None. Transfer has spender: Option
 *    (Some for icrc2_transfer_from), Burn has spender: Option, Approve's spender is required.
 *  - rs/ledger_suite/icrc1/ledger/src/main.rs @ a24cfb7314daeb0d9bbe85cebf7f2094d9984b44
 *    `execute_transfer_not_async`: to == minting account → Burn { from, spender, amount,
 *    fee: None } (so a burn via icrc2_transfer_from is `op = "burn"` with `spender`); from ==
 *    minting account → Mint { fee: None } (a spender traps); otherwise Transfer with
 *    `fee: arg.fee.map(|_| ledger_fee)` — tx.fee is present iff the caller passed a fee.
 *    `icrc2_transfer_from` always passes `spender = Some(Account { owner: caller,
 *    subaccount: arg.spender_subaccount })`, even when spender == from. Approve likewise has
 *    `fee: arg.fee.map(..)`, `expected_allowance`, `expires_at`, `created_at_time`, `memo`.
 *    Accounts are recorded exactly as given (`Account { owner: caller, subaccount:
 *    arg.from_subaccount }`): no normalisation of `Some([0; 32])` to None.
 *  - rs/ledger_suite/icrc1/src/compact_account.rs @ 572edfc7b9fd4f486dc560972b66e39c88747630
 *    an account is the array [owner bytes] when subaccount is None and [owner, subaccount] when
 *    Some — including Some(all zeros): the element is omitted only for None.
 *  - rs/ledger_suite/icrc1/src/blocks.rs @ 4c3385d69fc000fcd4a1adf42d70bae32406da9c and
 *    ledger/src/lib.rs (`icrc3_get_blocks`): blocks are decoded from CBOR into a
 *    `BTreeMap<String, Value>`, so the ICRC-3 `Value` maps list their entries sorted by key; u64
 *    integers (Nat64) become `Nat`; byte strings `Blob`, `op` `Text`, accounts `Array [Blob…]`.
 *  - rs/ledger_suite/icrc1/src/hash.rs @ 295141f4f90fcab809790e428ba726488e0747ba
 *    the block hash is the representation-independent hash of that CBOR value (Nat as LEB128,
 *    maps as sorted (key hash, value hash) pairs) = ICRC-3 `hash_value` of the block `Value`.
 *  - ledger/src/lib.rs `construct_hash_tree` (same crate, current main): the tip tree is
 *    fork(labeled("last_block_hash", leaf(hash)), labeled("last_block_index",
 *    leaf(LEB128(index)))), serialised with ciborium (ic-certification `HashTree` → CBOR arrays
 *    [1,l,r] / [2,label,t] / [3,value], labels and leaves as byte strings, no self-describe tag).
 *    (Older ledgers certified "tip_hash" + big-endian u64 index; ICRC-3 uses the above.)
 *
 * Runs inside the canister: no Node built-ins, no imports from tools/replica.
 */
import {
  COMPRESS_PAD,
  SHA256_IV,
  compress32Bytes,
  compressBytes,
  compressPair,
  digestToBytes,
  hash32,
  hashNatLeb,
  hashPair,
  sha256Words,
} from '../../lib/crypto/sha256';
import { concat, leb128 } from '../../lib/storage/bytes';
import { Value, utf8 } from './value';

export { BLOCK_FORMAT, decodeBlock, encodeBlock } from './codec';

// ---------------------------------------------------------------------------------------------
// Model

export type Account = { owner: Uint8Array /* principal bytes, ≤ 29 */; subaccount?: Uint8Array /* 32 bytes */ };

export type Tx =
  | { op: 'mint'; to: Account; amount: bigint }
  | { op: 'burn'; from: Account; amount: bigint; spender?: Account }
  | { op: 'xfer'; from: Account; to: Account; amount: bigint; spender?: Account }
  | {
      op: 'approve';
      from: Account;
      spender: Account;
      amount: bigint;
      expectedAllowance?: bigint;
      expiresAt?: bigint;
    };

export type TxCommon = {
  /** The fee the caller gave (→ `tx.fee`). */
  fee?: bigint;
  memo?: Uint8Array;
  /** The caller's created_at_time (→ `tx.ts`). */
  createdAtTime?: bigint;
};

export type Block = {
  tx: Tx & TxCommon;
  /** Block time, ns (→ `ts`). */
  timestamp: bigint;
  /** The fee charged when the caller gave none (→ top-level `fee`). */
  effectiveFee?: bigint;
  /** Hash of the previous block (→ `phash`); absent for block 0. */
  parentHash?: Uint8Array;
  /** The fee collector, on the first block that pays it (→ `fee_col`). */
  feeCollector?: Account;
  /** Index of the block that named the fee collector, on later fee-paying blocks (→ `fee_col_block`). */
  feeCollectorBlock?: bigint;
};

type AnyTx = Tx &
  TxCommon & { to?: Account; from?: Account; spender?: Account; expectedAllowance?: bigint; expiresAt?: bigint };

// ---------------------------------------------------------------------------------------------
// Block → ICRC-3 Value (what DFINITY's icrc3_get_blocks returns)

export function accountToValue(a: Account): Value {
  const parts: Value[] = [{ Blob: a.owner }];
  if (a.subaccount !== undefined) parts.push({ Blob: a.subaccount });
  return { Array: parts };
}

/** The block as the DFINITY ICRC-1 ledger's `icrc3_get_blocks` returns it (map keys sorted). */
export function blockToValue(b: Block): Value {
  const tx = b.tx as AnyTx;
  const t: [string, Value][] = [];
  t.push(['amt', { Nat: tx.amount }]);
  if (tx.expectedAllowance !== undefined) t.push(['expected_allowance', { Nat: tx.expectedAllowance }]);
  if (tx.expiresAt !== undefined) t.push(['expires_at', { Nat: tx.expiresAt }]);
  if (tx.fee !== undefined) t.push(['fee', { Nat: tx.fee }]);
  if (tx.from !== undefined) t.push(['from', accountToValue(tx.from)]);
  if (tx.memo !== undefined) t.push(['memo', { Blob: tx.memo }]);
  t.push(['op', { Text: tx.op }]);
  if (tx.spender !== undefined) t.push(['spender', accountToValue(tx.spender)]);
  if (tx.to !== undefined) t.push(['to', accountToValue(tx.to)]);
  if (tx.createdAtTime !== undefined) t.push(['ts', { Nat: tx.createdAtTime }]);
  const top: [string, Value][] = [];
  if (b.effectiveFee !== undefined) top.push(['fee', { Nat: b.effectiveFee }]);
  if (b.feeCollector !== undefined) top.push(['fee_col', accountToValue(b.feeCollector)]);
  if (b.feeCollectorBlock !== undefined) top.push(['fee_col_block', { Nat: b.feeCollectorBlock }]);
  if (b.parentHash !== undefined) top.push(['phash', { Blob: b.parentHash }]);
  top.push(['ts', { Nat: b.timestamp }]);
  top.push(['tx', { Map: t }]);
  return { Map: top };
}

// ---------------------------------------------------------------------------------------------
// Hashing
//
// hash(Map) = SHA-256 of its (H(key) ‖ H(value)) pairs sorted by key hash: each pair is exactly
// one 64-byte block, i.e. one compression, and the pair order of a block is fixed. The key
// hashes sort as (hex prefixes):
//   tx map:  op 037a < ts 44ad < to 663e < from 7585 < spender 8b97 < memo 9c22 < amt 9ff6
//            < expires_at a2d0 < fee b80c < expected_allowance da7a
//   top map: tx 1b5b < fee_col_block 1d22 < ts 44ad < phash 8864 < fee_col a070 < fee b80c
// `op` always comes first and its value is one of four constants, so the tx map starts from a
// precomputed midstate; every map ends with a constant padding block (no message schedule).
// A typical transfer then costs: tx map 3 pairs + pad, top map 4 pairs + pad, H(amt), H(ts),
// H(phash) = 12 compressions, with the account hashes cached and the fee hash memoised.

const keyHash = (k: string): Int32Array => sha256Words(utf8(k));
const K_OP = keyHash('op');
const K_TS = keyHash('ts');
const K_TO = keyHash('to');
const K_FROM = keyHash('from');
const K_SPENDER = keyHash('spender');
const K_MEMO = keyHash('memo');
const K_AMT = keyHash('amt');
const K_EXPIRES_AT = keyHash('expires_at');
const K_FEE = keyHash('fee');
const K_EXPECTED_ALLOWANCE = keyHash('expected_allowance');
const K_TX = keyHash('tx');
const K_PHASH = keyHash('phash');
const K_FEE_COL = keyHash('fee_col');
const K_FEE_COL_BLOCK = keyHash('fee_col_block');

/** Key order of the tx map / top map by key hash (checked by tests against the hashes). */
export const TX_KEY_HASH_ORDER = ['op', 'ts', 'to', 'from', 'spender', 'memo', 'amt', 'expires_at', 'fee', 'expected_allowance'];
export const TOP_KEY_HASH_ORDER = ['tx', 'fee_col_block', 'ts', 'phash', 'fee_col', 'fee'];

function opMidstate(op: string): Int32Array {
  const st = new Int32Array(SHA256_IV);
  compressPair(st, K_OP, sha256Words(utf8(op)));
  return st;
}
const MID_MINT = opMidstate('mint');
const MID_BURN = opMidstate('burn');
const MID_XFER = opMidstate('xfer');
const MID_APPROVE = opMidstate('approve');

/** ICRC-3 hash of an account value (`Array [Blob owner; Blob subaccount?]`), as words. */
export function accountHashWords(a: Account): Int32Array {
  const ho = sha256Words(a.owner);
  return a.subaccount === undefined ? hash32(ho) : hashPair(ho, sha256Words(a.subaccount));
}

export function accountHash(a: Account): Uint8Array {
  return digestToBytes(accountHashWords(a));
}

/**
 * A bounded memo of account hashes (3-4 compressions each), keyed by the account bytes.
 * Pass `cache.hook` as `BlockHashOptions.accountHash`.
 */
export class AccountHashCache {
  private readonly map = new Map<string, Int32Array>();
  readonly hook = (a: Account): Int32Array => this.get(a);
  constructor(private readonly maxEntries = 4096) {}

  get(a: Account): Int32Array {
    const key = accountKey(a);
    let h = this.map.get(key);
    if (h === undefined) {
      h = accountHashWords(a);
      if (this.map.size >= this.maxEntries) this.map.delete(this.map.keys().next().value as string);
      this.map.set(key, h);
    }
    return h;
  }

  get size(): number {
    return this.map.size;
  }
}

/** An injective string key for an account: length-prefixed owner, then the subaccount if any. */
export function accountKey(a: Account): string {
  const o = a.owner;
  const s = String.fromCharCode(o.length) + String.fromCharCode.apply(null, o as unknown as number[]);
  return a.subaccount === undefined ? s : s + String.fromCharCode.apply(null, a.subaccount as unknown as number[]);
}

export interface BlockHashOptions {
  /**
   * Returns `accountHashWords(a)` — typically memoised (e.g. `new AccountHashCache().hook`, or a
   * cache kept next to the balances). The returned array must not be mutated.
   */
  accountHash?: (a: Account) => Int32Array;
}

// One-entry memos for values that repeat from block to block (the fee; the block time within a
// message), compared by value.
let memoFeeN = -1n;
let memoFeeH: Int32Array = new Int32Array(8);
let memoTsN = -1n;
let memoTsH: Int32Array = new Int32Array(8);
function feeHash(n: bigint): Int32Array {
  if (n !== memoFeeN) {
    memoFeeH = hashNatLeb(n);
    memoFeeN = n;
  }
  return memoFeeH;
}
function tsHash(n: bigint): Int32Array {
  if (n !== memoTsN) {
    memoTsH = hashNatLeb(n);
    memoTsN = n;
  }
  return memoTsH;
}

/** H(Blob b) for a 32-byte hash, read straight from the bytes. */
function blob32Hash(b: Uint8Array): Int32Array {
  if (b.length !== 32) return sha256Words(b);
  const st = new Int32Array(SHA256_IV);
  compress32Bytes(st, b, 0);
  return st;
}

/** The hash of the block's `tx` map, as words. */
export function txHashWords(tx: Tx & TxCommon, opts?: BlockHashOptions): Int32Array {
  const t = tx as AnyTx;
  const acct = (opts && opts.accountHash) || accountHashWords;
  const op = t.op;
  const st = new Int32Array(op === 'xfer' ? MID_XFER : op === 'approve' ? MID_APPROVE : op === 'mint' ? MID_MINT : MID_BURN);
  let n = 1;
  if (t.createdAtTime !== undefined) {
    compressPair(st, K_TS, hashNatLeb(t.createdAtTime));
    n++;
  }
  if (t.to !== undefined) {
    compressPair(st, K_TO, acct(t.to));
    n++;
  }
  if (t.from !== undefined) {
    compressPair(st, K_FROM, acct(t.from));
    n++;
  }
  if (t.spender !== undefined) {
    compressPair(st, K_SPENDER, acct(t.spender));
    n++;
  }
  if (t.memo !== undefined) {
    compressPair(st, K_MEMO, sha256Words(t.memo));
    n++;
  }
  compressPair(st, K_AMT, hashNatLeb(t.amount));
  n++;
  if (t.expiresAt !== undefined) {
    compressPair(st, K_EXPIRES_AT, hashNatLeb(t.expiresAt));
    n++;
  }
  if (t.fee !== undefined) {
    compressPair(st, K_FEE, feeHash(t.fee));
    n++;
  }
  if (t.expectedAllowance !== undefined) {
    compressPair(st, K_EXPECTED_ALLOWANCE, hashNatLeb(t.expectedAllowance));
    n++;
  }
  COMPRESS_PAD[n](st);
  return st;
}

/** `hashValue(blockToValue(b))`, computed directly; as words. */
export function blockHashWords(b: Block, opts?: BlockHashOptions): Int32Array {
  const st = new Int32Array(SHA256_IV);
  compressPair(st, K_TX, txHashWords(b.tx, opts));
  let n = 2;
  if (b.feeCollectorBlock !== undefined) {
    compressPair(st, K_FEE_COL_BLOCK, hashNatLeb(b.feeCollectorBlock));
    n++;
  }
  compressPair(st, K_TS, tsHash(b.timestamp));
  if (b.parentHash !== undefined) {
    compressPair(st, K_PHASH, blob32Hash(b.parentHash));
    n++;
  }
  if (b.feeCollector !== undefined) {
    compressPair(st, K_FEE_COL, ((opts && opts.accountHash) || accountHashWords)(b.feeCollector));
    n++;
  }
  if (b.effectiveFee !== undefined) {
    compressPair(st, K_FEE, feeHash(b.effectiveFee));
    n++;
  }
  COMPRESS_PAD[n](st);
  return st;
}

/** The block's ICRC-3 hash (= `hashValue(blockToValue(b))`), the next block's `parentHash`. */
export function blockHash(b: Block, opts?: BlockHashOptions): Uint8Array {
  return digestToBytes(blockHashWords(b, opts));
}

// ---------------------------------------------------------------------------------------------
// The certified tip

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
