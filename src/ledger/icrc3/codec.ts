/**
 * Compact binary codec for blocks in stable memory (the block model: `block.ts`).
 *
 * Format 1 (all integers unsigned LEB128 unless noted):
 *   u8  format = 1
 *   u8  flags: bits 0-1 op (0 mint, 1 burn, 2 xfer, 3 approve); 2 parentHash; 3 effectiveFee;
 *              4 tx.fee; 5 memo; 6 createdAtTime; 7 spender
 *   u8  flags2: bit 0 expectedAllowance, bit 1 expiresAt (approve only); bit 2 feeCollector;
 *              bit 3 feeCollectorBlock
 *   timestamp
 *   [32 bytes parentHash]
 *   accounts: from (burn, xfer, approve), to (mint, xfer), [spender]
 *   amount, [effectiveFee], [fee], [memo: length, bytes], [createdAtTime],
 *   [expectedAllowance], [expiresAt], [feeCollector account], [feeCollectorBlock]
 * An account: u8 (owner length 0-29 | 0x20 if it has a subaccount), owner bytes, and for a
 * subaccount: u8 leading zero bytes z (0-32), if z < 32 u8 trailing zero bytes t, then the
 * 32 - z - t middle bytes (the all-zero subaccount takes 1 byte; a small index a few).
 * Unknown formats or flags are rejected, so the layout can evolve under a new format byte.
 */
import type { Account, Block, Tx, TxCommon } from './block';

export const BLOCK_FORMAT = 1;

const OPS = ['mint', 'burn', 'xfer', 'approve'] as const;

let buf = new Uint8Array(512);
let pos = 0;

function ensure(n: number): void {
  if (pos + n <= buf.length) return;
  const b = new Uint8Array(Math.max(buf.length * 2, pos + n));
  b.set(buf.subarray(0, pos));
  buf = b;
}

function putBytes(b: Uint8Array): void {
  ensure(b.length);
  buf.set(b, pos);
  pos += b.length;
}

/** LEB128 of a non-negative bigint; u64 values without BigInt loops. */
function putNat(n: bigint): void {
  ensure(20);
  if (n < 0n) throw new RangeError('encodeBlock: negative number');
  if (n <= 0x7fffffffn) {
    putLeb32(Number(n));
    return;
  }
  if (n >= 0x10000000000000000n) {
    do {
      ensure(1);
      let b = Number(n & 0x7fn);
      n >>= 7n;
      if (n !== 0n) b |= 0x80;
      buf[pos++] = b;
    } while (n !== 0n);
    return;
  }
  let hi = Number(n >> 32n);
  let lo = Number(n & 0xffffffffn) | 0;
  while (hi !== 0 || lo >>> 7 !== 0) {
    buf[pos++] = (lo & 0x7f) | 0x80;
    lo = (lo >>> 7) | (hi << 25);
    hi >>>= 7;
  }
  buf[pos++] = lo;
}

function putLeb32(x: number): void {
  while (x > 0x7f) {
    buf[pos++] = (x & 0x7f) | 0x80;
    x >>>= 7;
  }
  buf[pos++] = x;
}

function putAccount(a: Account): void {
  const o = a.owner;
  if (o.length > 29) throw new RangeError('encodeBlock: principal longer than 29 bytes');
  const s = a.subaccount;
  ensure(1 + o.length + 34);
  buf[pos++] = o.length | (s !== undefined ? 0x20 : 0);
  buf.set(o, pos);
  pos += o.length;
  if (s === undefined) return;
  if (s.length !== 32) throw new RangeError('encodeBlock: subaccount must be 32 bytes');
  let z = 0;
  while (z < 32 && s[z] === 0) z++;
  buf[pos++] = z;
  if (z === 32) return;
  let t = 0;
  while (s[31 - t] === 0) t++;
  buf[pos++] = t;
  buf.set(s.subarray(z, 32 - t), pos);
  pos += 32 - z - t;
}

type AnyTx = Tx & TxCommon & { to?: Account; from?: Account; spender?: Account; expectedAllowance?: bigint; expiresAt?: bigint };

/** Serialise a block (format 1). */
export function encodeBlock(b: Block): Uint8Array {
  const tx = b.tx as AnyTx;
  const op = OPS.indexOf(tx.op);
  if (op < 0) throw new Error(`encodeBlock: unknown op ${String(tx.op)}`);
  pos = 0;
  ensure(4);
  buf[pos++] = BLOCK_FORMAT;
  buf[pos++] =
    op |
    (b.parentHash !== undefined ? 4 : 0) |
    (b.effectiveFee !== undefined ? 8 : 0) |
    (tx.fee !== undefined ? 16 : 0) |
    (tx.memo !== undefined ? 32 : 0) |
    (tx.createdAtTime !== undefined ? 64 : 0) |
    (tx.spender !== undefined ? 128 : 0);
  buf[pos++] =
    (tx.op === 'approve' && tx.expectedAllowance !== undefined ? 1 : 0) |
    (tx.op === 'approve' && tx.expiresAt !== undefined ? 2 : 0) |
    (b.feeCollector !== undefined ? 4 : 0) |
    (b.feeCollectorBlock !== undefined ? 8 : 0);
  putNat(b.timestamp);
  if (b.parentHash !== undefined) {
    if (b.parentHash.length !== 32) throw new RangeError('encodeBlock: parentHash must be 32 bytes');
    putBytes(b.parentHash);
  }
  if (tx.op !== 'mint') putAccount(tx.from!);
  if (tx.op === 'mint' || tx.op === 'xfer') putAccount(tx.to!);
  if (tx.spender !== undefined) putAccount(tx.spender);
  putNat(tx.amount);
  if (b.effectiveFee !== undefined) putNat(b.effectiveFee);
  if (tx.fee !== undefined) putNat(tx.fee);
  if (tx.memo !== undefined) {
    putLeb32(tx.memo.length);
    putBytes(tx.memo);
  }
  if (tx.createdAtTime !== undefined) putNat(tx.createdAtTime);
  if (tx.op === 'approve') {
    if (tx.expectedAllowance !== undefined) putNat(tx.expectedAllowance);
    if (tx.expiresAt !== undefined) putNat(tx.expiresAt);
  }
  if (b.feeCollector !== undefined) putAccount(b.feeCollector);
  if (b.feeCollectorBlock !== undefined) putNat(b.feeCollectorBlock);
  return buf.slice(0, pos);
}

// ---------------------------------------------------------------------------------------------

let rd: Uint8Array = buf;
let rp = 0;

function fail(msg: string): never {
  throw new Error(`decodeBlock: ${msg}`);
}

function getByte(): number {
  if (rp >= rd.length) fail('truncated');
  return rd[rp++];
}

function getBytes(n: number): Uint8Array {
  if (rp + n > rd.length) fail('truncated');
  const b = rd.slice(rp, rp + n);
  rp += n;
  return b;
}

function getNat(): bigint {
  // Up to 52 bits in a double, then BigInt for the rest.
  let x = 0;
  let mul = 1;
  let i = 0;
  for (;;) {
    const b = getByte();
    x += (b & 0x7f) * mul;
    mul *= 128;
    i++;
    if ((b & 0x80) === 0) return BigInt(x);
    if (i === 7) break; // 49 bits so far
  }
  let n = BigInt(x);
  let shift = 49n;
  for (;;) {
    const b = getByte();
    n |= BigInt(b & 0x7f) << shift;
    shift += 7n;
    if ((b & 0x80) === 0) return n;
  }
}

function getLeb32(): number {
  let x = 0;
  let mul = 1;
  for (let i = 0; i < 5; i++) {
    const b = getByte();
    x += (b & 0x7f) * mul;
    if ((b & 0x80) === 0) return x;
    mul *= 128;
  }
  return fail('length too large');
}

function getAccount(): Account {
  const h = getByte();
  if (h & 0xc0 || (h & 0x1f) > 29) fail('bad account header');
  const owner = getBytes(h & 0x1f);
  if ((h & 0x20) === 0) return { owner };
  const subaccount = new Uint8Array(32);
  const z = getByte();
  if (z > 32) fail('bad subaccount');
  if (z < 32) {
    const t = getByte();
    if (z + t > 32) fail('bad subaccount');
    subaccount.set(getBytes(32 - z - t), z);
  }
  return { owner, subaccount };
}

/** Deserialise a block written by `encodeBlock`. */
export function decodeBlock(bytes: Uint8Array): Block {
  rd = bytes;
  rp = 0;
  const format = getByte();
  if (format !== BLOCK_FORMAT) fail(`unknown format ${format}`);
  const flags = getByte();
  const op = OPS[flags & 3];
  const flags2 = getByte();
  if (flags2 & ~15 || (op !== 'approve' && flags2 & 3)) fail('unknown flags');
  const timestamp = getNat();
  const parentHash = flags & 4 ? getBytes(32) : undefined;
  const from = op !== 'mint' ? getAccount() : undefined;
  const to = op === 'mint' || op === 'xfer' ? getAccount() : undefined;
  const spender = flags & 128 ? getAccount() : undefined;
  if (op === 'mint' && spender) fail('mint with spender');
  if (op === 'approve' && !spender) fail('approve without spender');
  const amount = getNat();
  const effectiveFee = flags & 8 ? getNat() : undefined;
  const fee = flags & 16 ? getNat() : undefined;
  const memo = flags & 32 ? getBytes(getLeb32()) : undefined;
  const createdAtTime = flags & 64 ? getNat() : undefined;
  const expectedAllowance = flags2 & 1 ? getNat() : undefined;
  const expiresAt = flags2 & 2 ? getNat() : undefined;
  const feeCollector = flags2 & 4 ? getAccount() : undefined;
  const feeCollectorBlock = flags2 & 8 ? getNat() : undefined;
  if (rp !== bytes.length) fail('trailing bytes');

  let tx: Tx;
  switch (op) {
    case 'mint':
      tx = { op, to: to!, amount };
      break;
    case 'burn':
      tx = { op, from: from!, amount };
      if (spender) tx.spender = spender;
      break;
    case 'xfer':
      tx = { op, from: from!, to: to!, amount };
      if (spender) tx.spender = spender;
      break;
    case 'approve':
      tx = { op, from: from!, spender: spender!, amount };
      if (expectedAllowance !== undefined) tx.expectedAllowance = expectedAllowance;
      if (expiresAt !== undefined) tx.expiresAt = expiresAt;
      break;
  }
  const t = tx as Tx & TxCommon;
  if (fee !== undefined) t.fee = fee;
  if (memo !== undefined) t.memo = memo;
  if (createdAtTime !== undefined) t.createdAtTime = createdAtTime;
  const b: Block = { tx: t, timestamp };
  if (effectiveFee !== undefined) b.effectiveFee = effectiveFee;
  if (parentHash !== undefined) b.parentHash = parentHash;
  if (feeCollector !== undefined) b.feeCollector = feeCollector;
  if (feeCollectorBlock !== undefined) b.feeCollectorBlock = feeCollectorBlock;
  return b;
}
