/**
 * The ICRC-3 hash of a block (= `hashValue(blockToValue(b))`: the next block's `phash` and, for
 * the last block, what the certified tip commits to), computed from the block model without
 * building its `Value`, and the hash of an account value.
 *
 * What the DFINITY ledger does (read in dfinity/ic; file @ commit):
 *  - rs/ledger_suite/icrc1/src/hash.rs @ 295141f4f90fcab809790e428ba726488e0747ba
 *    the block hash is the representation-independent hash of that CBOR value (Nat as LEB128,
 *    maps as sorted (key hash, value hash) pairs) = ICRC-3 `hash_value` of the block `Value`.
 *
 * Storage: none (the ledger keeps account hashes with balances and allowances: state.ts); on the
 * heap, `AccountHashCache` (bounded) and one-entry memos of the fee's and the block time's hash.
 * Cost: a typical transfer's block 12 compressions (below), each uncached account 3-4 more.
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
import type { Account, AnyTx, Block, Tx, TxCommon } from './block';
import { utf8 } from './value';

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
