/**
 * How DFINITY's own tools read this ledger's blocks: a decoder written from the facts in DFINITY's
 * ICRC-1 ledger source (the files and commits are listed in docs/ledger.md § Blocks as DFINITY's
 * tools decode them), so that tests can check that every block kind this ledger writes is read
 * back as the same transaction, with the same hash.
 *
 *  1. index-ng (and DFINITY's ledger and archive, which store blocks the same way): the generic
 *     value (ICRC-3 `Value`, or the legacy one with `Nat64`) is turned into CBOR data
 *     (`generic_block_to_ciborium_value`: integers ≤ 2^64 − 1 plain, larger ones as bignum tags,
 *     the whole block under the self-describe tag 55799), then deserialised with serde into
 *     `Block<U64 tokens>` (`BlockWithFlattenedTransaction`, `FlattenedTransaction` →
 *     `Operation`). A field of the wrong CBOR type, a missing required field, an account that is
 *     not `[owner]` / `[owner, 32-byte subaccount]`, an unknown `op`: the block does not decode
 *     and index-ng stops there. Unknown keys are ignored (serde's default).
 *  2. ICRC Rosetta: the legacy value from `get_blocks` → `IcrcBlock` / `IcrcTransaction` /
 *     `IcrcOperation` (`TryFrom<Value>`: integers from Nat, Nat64 or a non-negative Int), and the
 *     block is re-hashed from Rosetta's own model (`Value::from(IcrcBlock).hash()`) to check the
 *     parent-hash chain and the certified tip: a field Rosetta does not model breaks the chain.
 *  3. DFINITY's `Transaction` view of a block (`get_transactions`, index-ng's account history).
 *  4. index-ng's balance book (`process_balance_changes`), to compare with the ledger's balances.
 *
 * Plain TypeScript for tests and tools; the canister does not import it.
 */
import { Principal } from '@dfinity/principal';
import type { LegacyValue } from '../../src/ledger/legacy/blocks';
import { hashValue, type Value } from '../../src/ledger/icrc3/value';

const U64_MAX = (1n << 64n) - 1n;
const I64_MAX = (1n << 63n) - 1n;
const I64_MIN = -(1n << 63n);
const SELF_DESCRIBED = 55799n;
const BIGNUM = 2n;
const NEG_BIGNUM = 3n;

export class DfinityDecodeError extends Error {}

const fail = (msg: string): never => {
    throw new DfinityDecodeError(msg);
};

export type GenericValue = Value | LegacyValue;

// ---------------------------------------------------------------------------------------------
// DFINITY's model of a block (rs/ledger_suite/icrc1/src/lib.rs: Block, Transaction, Operation)

export interface DAccount {
    owner: Uint8Array;
    subaccount?: Uint8Array;
}

export type DOperation =
    | { op: 'Mint'; to: DAccount; amount: bigint; fee?: bigint }
    | { op: 'Transfer'; from: DAccount; to: DAccount; spender?: DAccount; amount: bigint; fee?: bigint }
    | { op: 'Burn'; from: DAccount; spender?: DAccount; amount: bigint; fee?: bigint }
    | { op: 'Approve'; from: DAccount; spender: DAccount; amount: bigint; expected_allowance?: bigint; expires_at?: bigint; fee?: bigint }
    | { op: 'FeeCollector'; fee_collector?: DAccount; caller?: Uint8Array; name?: string };

export interface DTransaction {
    operation: DOperation;
    created_at_time?: bigint;
    memo?: Uint8Array;
}

export interface DBlock {
    parent_hash?: Uint8Array;
    transaction: DTransaction;
    effective_fee?: bigint;
    timestamp: bigint;
    fee_collector?: DAccount;
    fee_collector_block_index?: bigint;
    btype?: string;
}

// ---------------------------------------------------------------------------------------------
// 1. index-ng: generic value → CBOR data → serde Block

/** CBOR data items as ciborium::Value has them. */
export type CborItem =
    | { int: bigint }
    | { bytes: Uint8Array }
    | { text: string }
    | { array: CborItem[] }
    | { map: [CborItem, CborItem][] }
    | { tag: bigint; item: CborItem };

function bigBytes(n: bigint): Uint8Array {
    const out: number[] = [];
    while (n > 0n) {
        out.unshift(Number(n & 0xffn));
        n >>= 8n;
    }
    return Uint8Array.from(out);
}

function fromBigBytes(b: Uint8Array): bigint {
    let n = 0n;
    for (const x of b) n = (n << 8n) | BigInt(x);
    return n;
}

/** `generic_block_to_ciborium_value` (blocks.rs), without the outer tag. */
export function genericToCbor(v: GenericValue): CborItem {
    if ('Nat' in v) return v.Nat <= U64_MAX ? { int: v.Nat } : { tag: BIGNUM, item: { bytes: bigBytes(v.Nat) } };
    if ('Nat64' in v) return { int: v.Nat64 };
    if ('Int' in v) {
        if (v.Int >= I64_MIN && v.Int <= I64_MAX) return { int: v.Int };
        return v.Int > 0n ? { tag: BIGNUM, item: { bytes: bigBytes(v.Int) } } : { tag: NEG_BIGNUM, item: { bytes: bigBytes(-(v.Int + 1n)) } };
    }
    if ('Blob' in v) return { bytes: v.Blob };
    if ('Text' in v) return { text: v.Text };
    if ('Array' in v) return { array: (v.Array as GenericValue[]).map(genericToCbor) };
    return { map: (v.Map as [string, GenericValue][]).map(([k, x]) => [{ text: k }, genericToCbor(x)] as [CborItem, CborItem]) };
}

/** `encoded_block_to_generic_block` (blocks.rs): CBOR data back to the generic value (keys sorted, ints Nat64). */
export function cborToGeneric(c: CborItem): LegacyValue {
    if ('int' in c) return c.int >= 0n ? (c.int <= U64_MAX ? { Nat64: c.int } : { Nat: c.int }) : { Int: c.int };
    if ('bytes' in c) return { Blob: c.bytes };
    if ('text' in c) return { Text: c.text };
    if ('array' in c) return { Array: c.array.map(cborToGeneric) };
    if ('map' in c) {
        const entries = c.map.map(([k, x]) => {
            if (!('text' in k)) fail('unsupported CBOR map key (only text keys are allowed)');
            return [(k as { text: string }).text, cborToGeneric(x)] as [string, LegacyValue];
        });
        const byKey = new Map(entries);
        return { Map: [...byKey.keys()].sort(compareUtf8).map((k) => [k, byKey.get(k) as LegacyValue]) };
    }
    if (c.tag === SELF_DESCRIBED) return cborToGeneric(c.item);
    if (c.tag === BIGNUM && 'bytes' in c.item) return { Nat: fromBigBytes(c.item.bytes) };
    if (c.tag === NEG_BIGNUM && 'bytes' in c.item) return { Int: -1n - fromBigBytes(c.item.bytes) };
    return fail(`unsupported CBOR tag ${c.tag}`);
}

/** BTreeMap<String, _> order: by the UTF-8 bytes. */
function compareUtf8(a: string, b: string): number {
    return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

// serde (ciborium) readers for the field types DFINITY's Block uses.

function serdeU64(c: CborItem, what: string): bigint {
    if ('int' in c && c.int >= 0n && c.int <= U64_MAX) return c.int;
    if ('tag' in c && c.tag === BIGNUM && 'bytes' in c.item && fromBigBytes(c.item.bytes) <= U64_MAX) return fromBigBytes(c.item.bytes);
    return fail(`${what}: expected a u64`);
}

function serdeBytes(c: CborItem, what: string): Uint8Array {
    if ('bytes' in c) return c.bytes;
    return fail(`${what}: expected a byte string`);
}

function serdeText(c: CborItem, what: string): string {
    if ('text' in c) return c.text;
    return fail(`${what}: expected a text string`);
}

function principalBytes(b: Uint8Array, what: string): Uint8Array {
    if (b.length > 29) fail(`${what}: invalid principal: ${b.length} bytes`);
    return b;
}

/** compact_account.rs: `[owner]` or `[owner, subaccount]`, byte strings. */
function serdeAccount(c: CborItem, what: string): DAccount {
    if (!('array' in c)) return fail(`${what}: an account is an array`);
    const parts = c.array.map((x) => serdeBytes(x, what));
    if (parts.length === 0) fail(`${what}: account tuple must have at least one element`);
    if (parts.length > 2) fail(`${what}: account tuple must have at most two elements, got ${parts.length}`);
    const owner = principalBytes(parts[0], what);
    if (parts.length === 1) return { owner };
    if (parts[1].length !== 32) fail(`${what}: invalid subaccount: expected 32 bytes, got ${parts[1].length}`);
    return { owner, subaccount: parts[1] };
}

function fields(c: CborItem, what: string): Map<string, CborItem> {
    if (!('map' in c)) return fail(`${what}: expected a map`);
    const m = new Map<string, CborItem>();
    for (const [k, v] of c.map) m.set(serdeText(k, `${what} key`), v);
    return m;
}

function optional<T>(m: Map<string, CborItem>, key: string, read: (c: CborItem, what: string) => T, where: string): T | undefined {
    const c = m.get(key);
    return c === undefined ? undefined : read(c, `${where}.${key}`);
}

function required<T>(m: Map<string, CborItem>, key: string, read: (c: CborItem, what: string) => T, where: string): T {
    const c = m.get(key);
    if (c === undefined) fail(`${where}: missing field \`${key}\``);
    return read(c as CborItem, `${where}.${key}`);
}

/** `Operation::try_from(FlattenedTransaction)` and the `btype` rule of `Transaction::try_from`. */
function serdeOperation(t: Map<string, CborItem>, btype: string | undefined): DOperation {
    const op = optional(t, 'op', serdeText, 'tx');
    const acc = (k: string) => optional(t, k, serdeAccount, 'tx');
    const amount = optional(t, 'amt', serdeU64, 'tx');
    const fee = optional(t, 'fee', serdeU64, 'tx');
    const need = <T>(v: T | undefined, msg: string): T => (v === undefined ? fail(msg) : v);
    const feeCollector = (): DOperation => ({
        op: 'FeeCollector',
        ...opt('fee_collector', acc('fee_collector')),
        ...opt('caller', optional(t, 'caller', (c, w) => principalBytes(serdeBytes(c, w), w), 'tx')),
        ...opt('name', op),
    });
    if (btype === '107feecol') return feeCollector();
    switch (op) {
        case undefined:
            return fail('No operation specified');
        case 'burn':
            return { op: 'Burn', from: need(acc('from'), '`from` field required for `burn` operation'), amount: need(amount, '`amount` required for `burn` operations'), ...opt('spender', acc('spender')), ...opt('fee', fee) };
        case 'mint':
            return { op: 'Mint', to: need(acc('to'), '`to` field required for `mint` operation'), amount: need(amount, '`amount` required for `mint` operations'), ...opt('fee', fee) };
        case 'xfer':
            return {
                op: 'Transfer',
                from: need(acc('from'), '`from` field required for `xfer` operation'),
                to: need(acc('to'), '`to` field required for `xfer` operation'),
                amount: need(amount, '`amount` required for `xfer` operations'),
                ...opt('spender', acc('spender')),
                ...opt('fee', fee),
            };
        case 'approve':
            return {
                op: 'Approve',
                from: need(acc('from'), '`from` field required for `approve` operation'),
                spender: need(acc('spender'), '`spender` field required for `approve` operation'),
                amount: need(amount, '`amount` required for `approve` operations'),
                ...opt('expected_allowance', optional(t, 'expected_allowance', serdeU64, 'tx')),
                ...opt('expires_at', optional(t, 'expires_at', serdeU64, 'tx')),
                ...opt('fee', fee),
            };
        case '107set_fee_collector':
            return feeCollector();
        default:
            return fail(`Unknown operation name ${op}`);
    }
}

function opt<K extends string, V>(key: K, v: V | undefined): { [P in K]?: V } {
    return (v === undefined ? {} : { [key]: v }) as { [P in K]?: V };
}

/** `Block::decode` of the CBOR data (the block under tag 55799). */
export function serdeBlock(c: CborItem): DBlock {
    if (!('tag' in c) || c.tag !== SELF_DESCRIBED) fail('failed to decode a block: expected the self-describe tag 55799');
    const m = fields((c as { item: CborItem }).item, 'block');
    const btype = optional(m, 'btype', serdeText, 'block');
    const t = fields(required(m, 'tx', (x) => x, 'block'), 'tx');
    const phash = optional(m, 'phash', serdeBytes, 'block');
    if (phash !== undefined && phash.length !== 32) fail(`block.phash: expected 32 bytes, got ${phash.length}`);
    const memo = optional(t, 'memo', serdeBytes, 'tx');
    const created = optional(t, 'ts', serdeU64, 'tx');
    return {
        ...opt('parent_hash', phash),
        transaction: { operation: serdeOperation(t, btype), ...opt('created_at_time', created), ...opt('memo', memo) },
        ...opt('effective_fee', optional(m, 'fee', serdeU64, 'block')),
        timestamp: required(m, 'ts', serdeU64, 'block'),
        ...opt('fee_collector', optional(m, 'fee_col', serdeAccount, 'block')),
        ...opt('fee_collector_block_index', optional(m, 'fee_col_block', serdeU64, 'block')),
        ...opt('btype', btype),
    };
}

/** What index-ng does with a block it fetched (ICRC-3 or legacy value): the decoded Block, or DfinityDecodeError. */
export function indexNgDecode(v: GenericValue): DBlock {
    return serdeBlock({ tag: SELF_DESCRIBED, item: genericToCbor(v) });
}

function accountItem(a: DAccount): CborItem {
    return { array: a.subaccount === undefined ? [{ bytes: a.owner }] : [{ bytes: a.owner }, { bytes: a.subaccount }] };
}

/** `Block::encode` (serde → CBOR, struct field order) — the bytes DFINITY's ledger would hash and store. */
export function serdeEncode(b: DBlock): CborItem {
    const o = b.transaction.operation;
    const t: [string, CborItem | undefined][] = [
        ['ts', b.transaction.created_at_time === undefined ? undefined : { int: b.transaction.created_at_time }],
        ['memo', b.transaction.memo === undefined ? undefined : { bytes: b.transaction.memo }],
        ['op', o.op === 'FeeCollector' ? (o.name === undefined ? undefined : { text: o.name }) : { text: { Mint: 'mint', Burn: 'burn', Transfer: 'xfer', Approve: 'approve' }[o.op] }],
        ['from', o.op === 'Transfer' || o.op === 'Burn' || o.op === 'Approve' ? accountItem(o.from) : undefined],
        ['to', o.op === 'Mint' || o.op === 'Transfer' ? accountItem(o.to) : undefined],
        ['spender', o.op === 'Transfer' || o.op === 'Burn' || o.op === 'Approve' ? (o.spender === undefined ? undefined : accountItem(o.spender)) : undefined],
        ['amt', o.op === 'FeeCollector' ? undefined : { int: o.amount }],
        ['fee', o.op === 'FeeCollector' || o.fee === undefined ? undefined : { int: o.fee }],
        ['expected_allowance', o.op === 'Approve' && o.expected_allowance !== undefined ? { int: o.expected_allowance } : undefined],
        ['expires_at', o.op === 'Approve' && o.expires_at !== undefined ? { int: o.expires_at } : undefined],
        ['fee_collector', o.op === 'FeeCollector' && o.fee_collector !== undefined ? accountItem(o.fee_collector) : undefined],
        ['caller', o.op === 'FeeCollector' && o.caller !== undefined ? { bytes: o.caller } : undefined],
    ];
    const top: [string, CborItem | undefined][] = [
        ['phash', b.parent_hash === undefined ? undefined : { bytes: b.parent_hash }],
        ['tx', { map: present(t) }],
        ['fee', b.effective_fee === undefined ? undefined : { int: b.effective_fee }],
        ['ts', { int: b.timestamp }],
        ['fee_col', b.fee_collector === undefined ? undefined : accountItem(b.fee_collector)],
        ['fee_col_block', b.fee_collector_block_index === undefined ? undefined : { int: b.fee_collector_block_index }],
        ['btype', b.btype === undefined ? undefined : { text: b.btype }],
    ];
    return { tag: SELF_DESCRIBED, item: { map: present(top) } };
}

function present(entries: [string, CborItem | undefined][]): [CborItem, CborItem][] {
    return entries.filter((e) => e[1] !== undefined).map(([k, v]) => [{ text: k }, v as CborItem]);
}

/** The block DFINITY's ledger would serve for `b` from `get_blocks` (legacy value). */
export function dfinityLegacyValue(b: DBlock): LegacyValue {
    return cborToGeneric(serdeEncode(b));
}

/** The same as an ICRC-3 value (`ICRC3Value::from`: Nat64 → Nat). */
export function dfinityIcrc3Value(b: DBlock): Value {
    return toIcrc3(dfinityLegacyValue(b));
}

export function toIcrc3(v: GenericValue): Value {
    if ('Nat64' in v) return { Nat: v.Nat64 };
    if ('Array' in v) return { Array: (v.Array as GenericValue[]).map(toIcrc3) };
    if ('Map' in v) return { Map: (v.Map as [string, GenericValue][]).map(([k, x]) => [k, toIcrc3(x)] as [string, Value]) };
    return v as Value;
}

/** The representation-independent hash of a generic value (Nat64 hashes as Nat: LEB128). */
export function genericHash(v: GenericValue): Uint8Array {
    return hashValue(toIcrc3(v));
}

// ---------------------------------------------------------------------------------------------
// 2. ICRC Rosetta: TryFrom<Value> for IcrcBlock (rs/rosetta-api/icrc1/src/common/storage/types.rs)

export interface RosettaBlock {
    parent_hash?: Uint8Array;
    transaction: { operation: DOperation; created_at_time?: bigint; memo?: Uint8Array };
    effective_fee?: bigint;
    timestamp: bigint;
    fee_collector?: DAccount;
    fee_collector_block_index?: bigint;
    btype?: string;
}

/** `Value::as_nat`: Nat, Nat64, or an Int that is not negative. */
function asNat(v: GenericValue, what: string): bigint {
    if ('Nat' in v) return v.Nat;
    if ('Nat64' in v) return v.Nat64;
    if ('Int' in v && v.Int >= 0n) return v.Int;
    return fail(`${what}: Expecting variant Nat`);
}

function asU64(v: GenericValue, what: string): bigint {
    const n = asNat(v, what);
    if (n > U64_MAX) fail(`${what}: Unable to convert nat to u64`);
    return n;
}

function asBlob(v: GenericValue, what: string): Uint8Array {
    if ('Blob' in v) return v.Blob;
    return fail(`${what}: Expecting variant Blob`);
}

function asText(v: GenericValue, what: string): string {
    if ('Text' in v) return v.Text;
    return fail(`${what}: Expecting variant Text`);
}

/** `TryFrom<Value> for Account` (icrc-ledger-types generic_value.rs). */
function asAccount(v: GenericValue, what: string): DAccount {
    if (!('Array' in v)) return fail(`${what}: Expecting variant Array`);
    const a = v.Array as GenericValue[];
    if (a.length > 2) fail(`${what}: Account should be an array of either one or two elements`);
    if (a.length === 0) fail(`${what}: empty account array`); // Rosetta would panic here (remove(0))
    const owner = principalBytes(asBlob(a[0], what), what);
    if (a.length === 1) return { owner };
    const sub = asBlob(a[1], what);
    if (sub.length !== 32) fail(`${what}: Unable to decode the subaccount of the account`);
    return { owner, subaccount: sub };
}

function mapOf(v: GenericValue, what: string): Map<string, GenericValue> {
    if (!('Map' in v)) return fail(`${what}: expected a map`);
    return new Map(v.Map as [string, GenericValue][]);
}

function get<T>(m: Map<string, GenericValue>, key: string, read: (v: GenericValue, what: string) => T, where: string): T | undefined {
    const v = m.get(key);
    return v === undefined ? undefined : read(v, `${where}.${key}`);
}

/** `IcrcBlock::try_from(Value)`. */
export function rosettaDecode(v: GenericValue): RosettaBlock {
    const m = mapOf(v, 'block');
    const phash = get(m, 'phash', asBlob, 'block');
    if (phash !== undefined && phash.length !== 32) fail('phash should be 32 bytes');
    const ts = get(m, 'ts', asU64, 'block');
    if (ts === undefined) fail("Missing field '.ts'");
    const txv = m.get('tx');
    if (txv === undefined) return fail("Missing field 'tx'");
    const t = mapOf(txv, 'tx');
    const amount = get(t, 'amt', asNat, 'tx');
    const fee = get(t, 'fee', asNat, 'tx');
    const op = get(t, 'op', asText, 'tx');
    const acc = (k: string) => get(t, k, asAccount, 'tx');
    const need = <T>(x: T | undefined, msg: string): T => (x === undefined ? fail(msg) : x);
    let operation: DOperation;
    switch (op) {
        case undefined:
            return fail("Missing field 'tx.op'");
        case 'burn':
            operation = { op: 'Burn', from: need(acc('from'), "Missing field 'tx.from'"), ...opt('spender', acc('spender')), amount: need(amount, "Missing field 'amt' for Burn operation"), ...opt('fee', fee) };
            break;
        case 'mint':
            operation = { op: 'Mint', to: need(acc('to'), "Missing field 'tx.to'"), amount: need(amount, "Missing field 'amt' for Mint operation"), ...opt('fee', fee) };
            break;
        case 'xfer':
            operation = {
                op: 'Transfer',
                from: need(acc('from'), "Missing field 'tx.from'"),
                to: need(acc('to'), "Missing field 'tx.to'"),
                ...opt('spender', acc('spender')),
                amount: need(amount, "Missing field 'amt' for Transfer operation"),
                ...opt('fee', fee),
            };
            break;
        case 'approve':
            operation = {
                op: 'Approve',
                from: need(acc('from'), "Missing field 'tx.from'"),
                spender: need(acc('spender'), "Missing field 'tx.spender'"),
                amount: need(amount, "Missing field 'amt' for Approve operation"),
                ...opt('fee', fee),
                ...opt('expected_allowance', get(t, 'expected_allowance', asNat, 'tx')),
                ...opt('expires_at', get(t, 'expires_at', asU64, 'tx')),
            };
            break;
        case '107feecol':
            operation = {
                op: 'FeeCollector',
                ...opt('fee_collector', acc('fee_collector')),
                ...opt('caller', get(t, 'caller', (x, w) => principalBytes(asBlob(x, w), w), 'tx')),
                ...opt('name', get(t, 'mthd', asText, 'tx')),
            };
            break;
        default:
            return fail(`Expected field 'op' to be 'burn', 'mint', 'xfer' or 'approve' but found ${op}`);
    }
    return {
        ...opt('parent_hash', phash),
        transaction: { operation, ...opt('created_at_time', get(t, 'ts', asU64, 'tx')), ...opt('memo', get(t, 'memo', asBlob, 'tx')) },
        ...opt('effective_fee', get(m, 'fee', asNat, 'block')),
        timestamp: ts as bigint,
        ...opt('fee_collector', get(m, 'fee_col', asAccount, 'block')),
        ...opt('fee_collector_block_index', get(m, 'fee_col_block', asU64, 'block')),
        ...opt('btype', get(m, 'btype', asText, 'block')),
    };
}

function accountValue(a: DAccount): Value {
    return { Array: a.subaccount === undefined ? [{ Blob: a.owner }] : [{ Blob: a.owner }, { Blob: a.subaccount }] };
}

/** `Value::from(IcrcBlock)`: Rosetta's own re-encoding, whose hash must equal the block's. */
export function rosettaValue(b: RosettaBlock): Value {
    const o = b.transaction.operation;
    const t = new Map<string, Value>();
    switch (o.op) {
        case 'Approve':
            t.set('op', { Text: 'approve' }).set('from', accountValue(o.from)).set('spender', accountValue(o.spender)).set('amt', { Nat: o.amount });
            if (o.fee !== undefined) t.set('fee', { Nat: o.fee });
            if (o.expected_allowance !== undefined) t.set('expected_allowance', { Nat: o.expected_allowance });
            if (o.expires_at !== undefined) t.set('expires_at', { Nat: o.expires_at });
            break;
        case 'Burn':
            t.set('op', { Text: 'burn' }).set('from', accountValue(o.from));
            if (o.spender !== undefined) t.set('spender', accountValue(o.spender));
            t.set('amt', { Nat: o.amount });
            if (o.fee !== undefined) t.set('fee', { Nat: o.fee });
            break;
        case 'Mint':
            t.set('op', { Text: 'mint' }).set('to', accountValue(o.to)).set('amt', { Nat: o.amount });
            if (o.fee !== undefined) t.set('fee', { Nat: o.fee });
            break;
        case 'Transfer':
            t.set('op', { Text: 'xfer' }).set('from', accountValue(o.from)).set('to', accountValue(o.to));
            if (o.spender !== undefined) t.set('spender', accountValue(o.spender));
            t.set('amt', { Nat: o.amount });
            if (o.fee !== undefined) t.set('fee', { Nat: o.fee });
            break;
        case 'FeeCollector':
            t.set('op', { Text: '107feecol' });
            if (o.fee_collector !== undefined) t.set('fee_collector', accountValue(o.fee_collector));
            if (o.caller !== undefined) t.set('caller', { Blob: o.caller });
            if (o.name !== undefined) t.set('mthd', { Text: o.name });
            break;
    }
    if (b.transaction.created_at_time !== undefined) t.set('ts', { Nat: b.transaction.created_at_time });
    if (b.transaction.memo !== undefined) t.set('memo', { Blob: b.transaction.memo });
    const top = new Map<string, Value>();
    if (b.parent_hash !== undefined) top.set('phash', { Blob: b.parent_hash });
    top.set('tx', { Map: [...t] });
    if (b.effective_fee !== undefined) top.set('fee', { Nat: b.effective_fee });
    top.set('ts', { Nat: b.timestamp });
    if (b.fee_collector !== undefined) top.set('fee_col', accountValue(b.fee_collector));
    if (b.btype !== undefined) top.set('btype', { Text: b.btype });
    if (b.fee_collector_block_index !== undefined) top.set('fee_col_block', { Nat: b.fee_collector_block_index });
    return { Map: [...top] };
}

// ---------------------------------------------------------------------------------------------
// 3. DFINITY's Transaction view (endpoints.rs `From<Block> for Transaction`), in the Candid JS
// shape of ledger.did's `Transaction`.

type Opt<T> = [] | [T];
const o = <T>(v: T | undefined): Opt<T> => (v === undefined ? [] : [v]);
type CAcc = { owner: Principal; subaccount: Opt<Uint8Array> };
const cacc = (a: DAccount): CAcc => ({ owner: Principal.fromUint8Array(a.owner), subaccount: o(a.subaccount) });

export function dfinityTransaction(b: DBlock): Record<string, unknown> {
    const out: Record<string, unknown> = { kind: '', mint: [], burn: [], transfer: [], approve: [], fee_collector: [], timestamp: b.timestamp };
    const created_at_time = o(b.transaction.created_at_time);
    const memo = o(b.transaction.memo);
    const x = b.transaction.operation;
    switch (x.op) {
        case 'Mint':
            out.kind = 'mint';
            out.mint = [{ to: cacc(x.to), amount: x.amount, created_at_time, memo, fee: o(x.fee) }];
            break;
        case 'Burn':
            out.kind = 'burn';
            out.burn = [{ from: cacc(x.from), spender: x.spender === undefined ? [] : [cacc(x.spender)], amount: x.amount, created_at_time, memo, fee: o(x.fee) }];
            break;
        case 'Transfer':
            out.kind = 'transfer';
            out.transfer = [{ from: cacc(x.from), to: cacc(x.to), spender: x.spender === undefined ? [] : [cacc(x.spender)], amount: x.amount, fee: o(x.fee ?? b.effective_fee), created_at_time, memo }];
            break;
        case 'Approve':
            out.kind = 'approve';
            out.approve = [
                {
                    from: cacc(x.from),
                    spender: cacc(x.spender),
                    amount: x.amount,
                    expected_allowance: o(x.expected_allowance),
                    expires_at: o(x.expires_at),
                    fee: o(x.fee ?? b.effective_fee),
                    created_at_time,
                    memo,
                },
            ];
            break;
        case 'FeeCollector':
            out.kind = '107feecol';
            out.fee_collector = [{ fee_collector: x.fee_collector === undefined ? [] : [cacc(x.fee_collector)], caller: x.caller === undefined ? [] : [Principal.fromUint8Array(x.caller)], ts: created_at_time, mthd: o(x.name) }];
            break;
    }
    return out;
}

// ---------------------------------------------------------------------------------------------
// 4. index-ng's balance book (index-ng/src/main.rs `process_balance_changes`, `get_fee_collector`)

/** The account key index-ng keeps balances under: owner and effective subaccount (None = 32 zero bytes). */
export function indexAccountKey(a: DAccount): string {
    return `${Buffer.from(a.owner).toString('hex')}.${Buffer.from(a.subaccount ?? new Uint8Array(32)).toString('hex')}`;
}

/**
 * Replays blocks as index-ng does and returns the balances, or throws where index-ng would trap
 * (an underflow, a transfer without any fee, a fee_col_block naming a block without fee_col).
 */
export function indexNgBalances(blocks: DBlock[]): Map<string, bigint> {
    const balances = new Map<string, bigint>();
    let lastFee: bigint | undefined;
    const change = (a: DAccount, delta: bigint, i: number): void => {
        const k = indexAccountKey(a);
        const next = (balances.get(k) ?? 0n) + delta;
        if (next < 0n) fail(`Block ${i} caused an underflow for account ${k}`);
        balances.set(k, next);
    };
    const collector = (b: DBlock, i: number): DAccount | undefined => {
        if (b.fee_collector !== undefined) return b.fee_collector;
        if (b.fee_collector_block_index === undefined) return undefined;
        const named = blocks[Number(b.fee_collector_block_index)];
        if (named === undefined) fail(`Block at index ${i} has fee_collector_block_index ${b.fee_collector_block_index} but there is no block at that index`);
        if (named.fee_collector === undefined) fail(`Block at index ${i} has fee_collector_block_index ${b.fee_collector_block_index} but that block has no fee_collector set`);
        return named.fee_collector;
    };
    blocks.forEach((b, i) => {
        const x = b.transaction.operation;
        switch (x.op) {
            case 'Burn':
                change(x.from, -x.amount, i);
                break;
            case 'Mint':
                change(x.to, x.amount, i);
                break;
            case 'Transfer': {
                const fee = b.effective_fee ?? x.fee;
                if (fee === undefined) fail(`Block ${i} is of type Transfer but has no fee or effective fee!`);
                lastFee = fee;
                change(x.from, -(x.amount + (fee as bigint)), i);
                change(x.to, x.amount, i);
                const fc = collector(b, i);
                if (fc !== undefined) change(fc, fee as bigint, i);
                break;
            }
            case 'Approve': {
                const fee = x.fee ?? b.effective_fee ?? lastFee;
                if (fee === undefined) fail(`bug: index is stuck because block with index ${i} doesn't contain a fee and no fee has been recorded before`);
                change(x.spender, 0n, i);
                change(x.from, -(fee as bigint), i);
                break;
            }
            case 'FeeCollector':
                break;
        }
    });
    return balances;
}
