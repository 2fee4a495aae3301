/**
 * Blocks written as Candid straight from their stored bytes, for `icrc3_get_blocks` (the ICRC-3
 * `Value`) and the legacy `get_blocks` (the same value with `Nat64` for every integer that fits 64
 * bits): the reply is byte for byte what encoding `blockToValue(decodeBlock(bytes))` (or its
 * legacy form) with the generic Candid encoder gives (test/unit/ledger/icrc3/candid-blocks.test.ts),
 * without building the block, its value or any BigInt.
 *
 * Why: encoding 100 blocks as generic values cost ~38 M instructions, decoding them ~16 M and
 * building the values ~11 M. Here each stored block (codec.ts, format 1) is read once, its fields
 * located, and its map written in key order (the order DFINITY's ledger gives: a BTreeMap).
 * Integers are unsigned LEB128 in both the stored format and Candid's `nat`, so they are copied as
 * bytes; `Nat64` is little-endian, converted from the LEB128 groups with 32-bit arithmetic.
 * Here: the two replies; one block and the output buffer in candid-block-writer.ts, the constants
 * of the two value dialects in candid-dialect.ts.
 * Storage: none. Cost: proportional to the reply's bytes.
 * Runs inside the canister: no Node built-ins.
 */
import type { RecordType, Type, VecType } from '../../lib/candid/types';
import { headerBytes } from '../../lib/candid/encode';
import { begin, put, putLeb, putLebBig, putRaw, putU64, take, writeBlock } from './candid-block-writer';
import { dialectOf, prefixesOf, type Dialect, type Prefixes } from './candid-dialect';

/** A record's field names in wire order (checked against what the writers below assume). */
function expectFields(t: Type, names: string[], what: string): void {
  const got = (t as RecordType).names.join(',');
  if (got !== names.join(',')) throw new Error(`candid-blocks: ${what} fields are ${got}, expected ${names.join(',')}`);
}

/** The reply types: the header (type table and argument type) is computed once, by the generic encoder. */
export interface BlockReplyTypes {
  /** `GetBlocksResult`: record { log_length: nat; blocks: vec record { id: nat; block: Value }; archived_blocks: vec … }. */
  icrc3Result: Type;
  icrc3Value: Type;
  /** `GetBlocksResponse`: record { first_index: nat; chain_length: nat64; certificate: opt blob; blocks: vec Value; archived_blocks: vec … }. */
  legacyResponse: Type;
  legacyValue: Type;
}

export class CandidBlocks {
  private readonly icrc3: Dialect;
  private readonly legacy: Dialect;
  private readonly icrc3Prefixes: Prefixes;
  private readonly legacyPrefixes: Prefixes;
  private icrc3Header: Uint8Array | undefined;
  private legacyHeader: Uint8Array | undefined;

  constructor(private readonly types: BlockReplyTypes) {
    this.icrc3 = dialectOf(types.icrc3Value);
    this.legacy = dialectOf(types.legacyValue);
    this.icrc3Prefixes = prefixesOf(this.icrc3);
    this.legacyPrefixes = prefixesOf(this.legacy);
    // the writers below emit the fields in this (wire) order
    const r = types.icrc3Result as RecordType;
    expectFields(r, ['log_length', 'blocks', 'archived_blocks'], 'GetBlocksResult');
    expectFields((r.types[1] as VecType).t, ['id', 'block'], 'GetBlocksResult.blocks');
    expectFields(types.legacyResponse, ['certificate', 'first_index', 'blocks', 'chain_length', 'archived_blocks'], 'GetBlocksResponse');
  }

  /** The `icrc3_get_blocks` reply: `log_length`, the blocks (index and stored bytes), no archives. */
  icrc3Reply(logLength: bigint, blocks: readonly { id: bigint; bytes: Uint8Array }[]): Uint8Array {
    this.icrc3Header ??= headerBytes([this.types.icrc3Result]);
    begin(this.icrc3Header);
    putLebBig(logLength);
    putLeb(blocks.length);
    for (const b of blocks) {
      putLebBig(b.id);
      writeBlock(b.bytes, this.icrc3, this.icrc3Prefixes);
    }
    put(0);
    return take();
  }

  /** The legacy `get_blocks` reply (the blocks from `firstIndex`, all local). */
  legacyReply(firstIndex: bigint, chainLength: bigint, certificate: Uint8Array | undefined, blocks: readonly Uint8Array[]): Uint8Array {
    this.legacyHeader ??= headerBytes([this.types.legacyResponse]);
    begin(this.legacyHeader);
    if (certificate === undefined) put(0);
    else {
      put(1);
      putLeb(certificate.length);
      putRaw(certificate);
    }
    putLebBig(firstIndex);
    putLeb(blocks.length);
    for (const b of blocks) writeBlock(b, this.legacy, this.legacyPrefixes);
    putU64(chainLength);
    put(0);
    return take();
  }

  /** Builds both reply headers now (post_upgrade), so that queries do not pay for them. */
  prime(): void {
    this.icrc3Header ??= headerBytes([this.types.icrc3Result]);
    this.legacyHeader ??= headerBytes([this.types.legacyResponse]);
  }
}
