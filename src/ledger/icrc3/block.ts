/**
 * $EMC ledger blocks: the block model, in the DFINITY ICRC-1 ledger's legacy block layout, and the
 * block as the ICRC-3 `Value` that `icrc3_get_blocks` returns. The block's ICRC-3 hash is in
 * block-hash.ts, its stable-memory codec in codec.ts, the certified tip's hash tree in tip-tree.ts.
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
 *
 * Storage: none (codec.ts writes blocks to stable memory). Cost: `blockToValue` builds one object
 * per map entry (the block replies do not use it: they are written from the stored bytes,
 * candid-blocks.ts).
 * Runs inside the canister: no Node built-ins, no imports from tools/replica.
 */
import type { Value } from './value';

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

export type AnyTx = Tx &
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
