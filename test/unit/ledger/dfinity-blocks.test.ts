/**
 * Every block kind this ledger writes, read back as DFINITY's tools read it (src/ledger/dfinity-decoder.ts):
 * index-ng's serde path from the ICRC-3 and from the legacy value, ICRC Rosetta's path with its own
 * re-hash, DFINITY's Transaction view against our get_transactions, and index-ng's balance book
 * against the ledger's balances. Plus the legacy encodings and the range rule of get_blocks.
 */
import fc from 'fast-check';
import {
    DfinityDecodeError,
    dfinityIcrc3Value,
    dfinityLegacyValue,
    dfinityTransaction,
    genericHash,
    indexAccountKey,
    indexNgBalances,
    indexNgDecode,
    rosettaDecode,
    rosettaValue,
    type DBlock,
    type DOperation,
} from '../../helpers/dfinity-decoder';
import { blockToValue, type Block } from '../../../src/ledger/icrc3/block';
import { blockHash } from '../../../src/ledger/icrc3/block-hash';
import { decodeBlock } from '../../../src/ledger/icrc3/codec';
import { hashValue, type Value } from '../../../src/ledger/icrc3/value';
import { LegacyRangeError, legacyBlockValue, legacyRange, legacyTransaction, toLegacyValue, U64_MAX } from '../../../src/ledger/legacy/blocks';
import type { Account } from '../../../src/ledger/account';
import type { Ledger } from '../../../src/ledger/ledger';
import { E8S, FEE, MINTER, SECOND, T0, account, newLedger, principal, sub } from './helpers';

const minter: Account = { owner: MINTER };
const alice = account(1);
const aliceSub = account(1, 7);
const aliceZeroSub: Account = { owner: principal(1), subaccount: new Uint8Array(32) };
const bob = account(2);
const carol = account(3);
const carolSub = account(3, 9);
const collector = account(40);
const collector2 = account(41, 1);

/** A block's fields in the words of the table in docs/ledger.md, to check coverage. */
function features(v: Value): string[] {
    const top = new Map((v as { Map: [string, Value][] }).Map);
    const tx = new Map((top.get('tx') as { Map: [string, Value][] }).Map);
    const op = (tx.get('op') as { Text: string }).Text;
    return [`${op}`, ...[...tx.keys()].filter((k) => k !== 'op').map((k) => `${op}.tx.${k}`), ...[...top.keys()].filter((k) => k !== 'tx').map((k) => `${op}.${k}`)];
}

/** Checks one stored block through every DFINITY reader; returns DFINITY's decoded block. */
function roundTrip(b: Block, previousHash: Uint8Array | undefined): DBlock {
    const icrc3 = blockToValue(b);
    const legacy = legacyBlockValue(b);
    const hash = blockHash(b);
    // index-ng reads the ICRC-3 value; the old index and DFINITY's archive tooling read the legacy one
    const d = indexNgDecode(icrc3);
    expect(indexNgDecode(legacy)).toEqual(d);
    // DFINITY would serve exactly these values for the decoded block: same keys, order, types
    expect(dfinityIcrc3Value(d)).toEqual(icrc3);
    expect(dfinityLegacyValue(d)).toEqual(legacy);
    expect(Buffer.from(genericHash(legacy)).equals(Buffer.from(hash))).toBe(true);
    expect(Buffer.from(hashValue(icrc3)).equals(Buffer.from(hash))).toBe(true);
    // Rosetta: its own model re-hashes to the block hash, and the chain links
    const r = rosettaDecode(legacy);
    expect(Buffer.from(hashValue(rosettaValue(r))).toString('hex')).toBe(Buffer.from(hash).toString('hex'));
    if (previousHash === undefined) expect(r.parent_hash).toBeUndefined();
    else expect(Buffer.from(r.parent_hash as Uint8Array).equals(Buffer.from(previousHash))).toBe(true);
    expect(r.transaction.operation).toEqual(d.transaction.operation);
    // get_transactions: ours (from our block model) equals DFINITY's (from its decoded block)
    expect(legacyTransaction(b)).toEqual(dfinityTransaction(d));
    return d;
}

/** Decodes the whole chain, checks each block, compares index-ng's balance book with the ledger's. */
function checkChain(ledger: Ledger, accounts: Account[]): { decoded: DBlock[]; seen: Set<string> } {
    const decoded: DBlock[] = [];
    const seen = new Set<string>();
    let previous: Uint8Array | undefined;
    for (let i = 0n; i < ledger.state.blockCount(); i++) {
        const b = decodeBlock(ledger.state.blockBytes(i) as Uint8Array);
        decoded.push(roundTrip(b, previous));
        features(blockToValue(b)).forEach((f) => seen.add(f));
        previous = blockHash(b);
    }
    const book = indexNgBalances(decoded);
    for (const a of accounts) expect(book.get(indexAccountKey(a)) ?? 0n).toBe(ledger.balanceOf(a));
    let total = 0n;
    for (const v of book.values()) total += v;
    expect(total).toBe(ledger.totalSupply());
    return { decoded, seen };
}

const ok = (r: { Ok: bigint } | { Err: unknown }): bigint => {
    if (!('Ok' in r)) throw new Error(`expected Ok, got ${JSON.stringify(r, (_k, v) => (typeof v === 'bigint' ? v.toString() : v))}`);
    return r.Ok;
};

describe('every block kind the ledger writes, through DFINITY’s decoders', () => {
    it('genesis and minting-account mints, burns, transfers, approvals, transfer_from, memo and created_at_time variants, fee collector named then referenced', () => {
        const { ledger, env } = newLedger({ initial_balances: [[alice, 1_000n * E8S], [bob, 50n * E8S]], fee_collector_account: collector });
        const memo = new TextEncoder().encode('invoice 42');
        const at = (s: number): bigint => T0 + BigInt(s) * SECOND;
        // the minting account (the protocol canister) mints: plain, with memo, with created_at_time, to subaccounts
        env.as(MINTER);
        ok(ledger.transfer({ to: carol, amount: 7n * E8S }));
        ok(ledger.transfer({ to: carolSub, amount: 3n * E8S, memo, created_at_time: at(0) }));
        ok(ledger.transfer({ to: aliceZeroSub, amount: 1n, fee: 0n }));
        // transfers: the ledger's fee (top-level fee), the caller's fee (tx.fee), memo, created_at_time, subaccounts
        env.as(alice.owner);
        ok(ledger.transfer({ to: bob, amount: E8S }));
        ok(ledger.transfer({ to: carolSub, amount: 2n * E8S, fee: FEE, memo, created_at_time: at(1) }));
        ok(ledger.transfer({ from_subaccount: new Uint8Array(32), to: aliceSub, amount: 5n * E8S }));
        // burns to the minting account: plain, memo + created_at_time
        ok(ledger.transfer({ to: minter, amount: 2n * E8S }));
        ok(ledger.transfer({ to: minter, amount: FEE, memo, created_at_time: at(2) }));
        // approvals: ledger fee / caller fee, expected_allowance, expires_at, capped amount, removal
        ok(ledger.approve({ spender: carol, amount: 100n * E8S }));
        ok(ledger.approve({ spender: carolSub, amount: 10n * E8S, fee: FEE, memo, created_at_time: at(3), expires_at: at(86_400) }));
        ok(ledger.approve({ spender: bob, amount: 1n << 70n, expected_allowance: 0n }));
        ok(ledger.approve({ spender: bob, amount: 0n, expected_allowance: U64_MAX }));
        // transfer_from: a spender, a spender's subaccount, the spender being `from`, burns through it
        env.as(carol.owner);
        ok(ledger.transferFrom({ from: alice, to: bob, amount: E8S }));
        ok(ledger.transferFrom({ from: alice, to: carol, amount: E8S, fee: FEE, memo, created_at_time: at(4) }));
        ok(ledger.transferFrom({ from: alice, to: minter, amount: 3n * E8S }));
        env.as(carolSub.owner);
        ok(ledger.transferFrom({ spender_subaccount: carolSub.subaccount, from: alice, to: bob, amount: E8S }));
        ok(ledger.transferFrom({ spender_subaccount: carolSub.subaccount, from: alice, to: minter, amount: E8S, memo }));
        env.as(bob.owner);
        ok(ledger.transferFrom({ from: bob, to: carol, amount: E8S }));
        ok(ledger.transferFrom({ from: bob, to: minter, amount: E8S, created_at_time: at(5) }));
        // a new fee collector (upgrade): named again on its first fee, then referenced; then none
        ledger.upgrade({ change_fee_collector: { SetTo: collector2 } });
        env.as(alice.owner);
        ok(ledger.transfer({ to: bob, amount: 1n }));
        ok(ledger.transfer({ to: bob, amount: 2n }));
        ledger.upgrade({ change_fee_collector: { Unset: null } });
        ok(ledger.transfer({ to: bob, amount: 3n }));

        const { decoded, seen } = checkChain(ledger, [alice, aliceSub, aliceZeroSub, bob, carol, carolSub, collector, collector2]);
        const ops = decoded.map((d) => d.transaction.operation.op);
        expect(ops).toEqual([
            'Mint', 'Mint', 'Mint', 'Mint', 'Mint',
            'Transfer', 'Transfer', 'Transfer', 'Burn', 'Burn',
            'Approve', 'Approve', 'Approve', 'Approve',
            'Transfer', 'Transfer', 'Burn', 'Transfer', 'Burn', 'Transfer', 'Burn',
            'Transfer', 'Transfer', 'Transfer',
        ]);
        // the block table of docs/ledger.md, every row present
        for (const f of [
            'mint', 'mint.tx.to', 'mint.tx.amt', 'mint.tx.memo', 'mint.tx.ts', 'mint.ts', 'mint.phash',
            'xfer.tx.from', 'xfer.tx.to', 'xfer.tx.amt', 'xfer.tx.fee', 'xfer.fee', 'xfer.tx.memo', 'xfer.tx.ts', 'xfer.tx.spender', 'xfer.fee_col', 'xfer.fee_col_block',
            'burn.tx.from', 'burn.tx.amt', 'burn.tx.spender', 'burn.tx.memo', 'burn.tx.ts',
            'approve.tx.from', 'approve.tx.spender', 'approve.tx.amt', 'approve.tx.fee', 'approve.fee', 'approve.tx.expected_allowance', 'approve.tx.expires_at', 'approve.tx.memo', 'approve.tx.ts',
        ]) {
            expect(seen).toContain(f);
        }
        // specific decodings DFINITY's tools rely on
        const at0 = (i: number) => decoded[i];
        expect(at0(0)).toMatchObject({ transaction: { operation: { op: 'Mint', amount: 1_000n * E8S } }, timestamp: T0 });
        expect(at0(0).parent_hash).toBeUndefined();
        expect(at0(4).transaction.operation).toEqual({ op: 'Mint', to: { owner: aliceZeroSub.owner, subaccount: new Uint8Array(32) }, amount: 1n });
        expect(at0(5)).toMatchObject({ effective_fee: FEE, fee_collector: collector, transaction: { operation: { op: 'Transfer', amount: E8S } } });
        expect((at0(5).transaction.operation as { fee?: bigint }).fee).toBeUndefined();
        expect(at0(6)).toMatchObject({ fee_collector_block_index: 5n, transaction: { operation: { op: 'Transfer', fee: FEE }, memo, created_at_time: at(1) } });
        expect(at0(6).effective_fee).toBeUndefined();
        expect(at0(7).transaction.operation).toMatchObject({ from: { owner: alice.owner, subaccount: new Uint8Array(32) }, to: aliceSub });
        expect(at0(12).transaction.operation).toEqual({ op: 'Approve', from: alice, spender: bob, amount: U64_MAX, expected_allowance: 0n });
        expect(at0(16).transaction.operation).toEqual({ op: 'Burn', from: alice, spender: carol, amount: 3n * E8S });
        expect(at0(17).transaction.operation).toMatchObject({ op: 'Transfer', spender: carolSub });
        expect(at0(19).transaction.operation).toMatchObject({ op: 'Transfer', from: bob, spender: bob });
        expect(at0(21)).toMatchObject({ fee_collector: collector2 });
        expect(at0(22)).toMatchObject({ fee_collector_block_index: 21n });
        expect(at0(23).fee_collector).toBeUndefined();
        expect(at0(23).fee_collector_block_index).toBeUndefined();
    });

    it('random sequences of operations round-trip, block by block, and index-ng’s balance book equals the ledger’s (property)', () => {
        const people = [alice, aliceSub, bob, carol, carolSub];
        const arbAccount = fc.constantFrom(...people);
        const arbMemo = fc.option(fc.uint8Array({ minLength: 0, maxLength: 32 }), { nil: undefined });
        const arbFee = fc.option(fc.constant(FEE), { nil: undefined });
        const arbOp = fc.oneof(
            fc.record({ k: fc.constant('transfer' as const), from: arbAccount, to: fc.oneof(arbAccount, fc.constant(minter)), amount: fc.bigInt(1n, 20n * E8S), fee: arbFee, memo: arbMemo, dedup: fc.boolean() }),
            fc.record({ k: fc.constant('mint' as const), to: arbAccount, amount: fc.bigInt(1n, 20n * E8S), memo: arbMemo, dedup: fc.boolean() }),
            fc.record({ k: fc.constant('approve' as const), from: arbAccount, to: arbAccount, amount: fc.bigInt(0n, 1n << 66n), fee: arbFee, memo: arbMemo, dedup: fc.boolean(), expires: fc.boolean() }),
            fc.record({ k: fc.constant('spend' as const), spender: arbAccount, from: arbAccount, to: fc.oneof(arbAccount, fc.constant(minter)), amount: fc.bigInt(1n, 5n * E8S), fee: arbFee, memo: arbMemo, dedup: fc.boolean() }),
        );
        fc.assert(
            fc.property(fc.boolean(), fc.array(arbOp, { minLength: 1, maxLength: 25 }), (withCollector, ops) => {
                const { ledger, env } = newLedger({ initial_balances: people.map((p) => [p, 100n * E8S] as [Account, bigint]), ...(withCollector ? { fee_collector_account: collector } : {}) });
                ops.forEach((o, i) => {
                    env.time = T0 + BigInt(i) * SECOND;
                    const created_at_time = o.dedup ? env.time : undefined;
                    const memo = o.memo;
                    if (o.k === 'mint') {
                        env.as(MINTER);
                        ledger.transfer({ to: o.to, amount: o.amount, memo, created_at_time });
                    } else if (o.k === 'transfer') {
                        env.as(o.from.owner);
                        ledger.transfer({ from_subaccount: o.from.subaccount, to: o.to, amount: o.amount, fee: o.to === minter ? undefined : o.fee, memo, created_at_time });
                    } else if (o.k === 'approve') {
                        env.as(o.from.owner);
                        ledger.approve({ from_subaccount: o.from.subaccount, spender: o.to, amount: o.amount, fee: o.fee, memo, created_at_time, expires_at: o.expires ? env.time + 3_600n * SECOND : undefined });
                    } else {
                        env.as(o.spender.owner);
                        ledger.transferFrom({ spender_subaccount: o.spender.subaccount, from: o.from, to: o.to, amount: o.amount, fee: o.to === minter ? undefined : o.fee, memo, created_at_time });
                    }
                });
                checkChain(ledger, [...people, collector]);
            }),
            { numRuns: 60 },
        );
    });
});

describe('the decoders refuse what DFINITY’s tools refuse', () => {
    const { ledger, env } = newLedger({ initial_balances: [[alice, 10n * E8S]] });
    env.as(alice.owner);
    ok(ledger.transfer({ to: bob, amount: E8S, memo: new Uint8Array([1]) }));
    const good = blockToValue(decodeBlock(ledger.state.blockBytes(1n) as Uint8Array)) as { Map: [string, Value][] };
    const withTx = (f: (tx: [string, Value][]) => [string, Value][]): Value => ({
        Map: good.Map.map(([k, v]) => [k, k === 'tx' ? { Map: f((v as { Map: [string, Value][] }).Map) } : v] as [string, Value]),
    });
    const withTop = (f: (top: [string, Value][]) => [string, Value][]): Value => ({ Map: f(good.Map) });

    it('decodes the unmodified block', () => {
        expect(indexNgDecode(good).transaction.operation).toMatchObject({ op: 'Transfer', amount: E8S });
        expect(rosettaDecode(toLegacyValue(good)).transaction.operation).toMatchObject({ op: 'Transfer', amount: E8S });
    });

    it.each([
        ['an amount of the wrong type', withTx((t) => t.map(([k, v]) => [k, k === 'amt' ? { Text: '1' } : v]))],
        ['a 31-byte subaccount', withTx((t) => t.map(([k, v]) => [k, k === 'to' ? { Array: [{ Blob: bob.owner }, { Blob: new Uint8Array(31) }] } : v]))],
        ['an account of three parts', withTx((t) => t.map(([k, v]) => [k, k === 'to' ? { Array: [{ Blob: bob.owner }, { Blob: sub(1) }, { Blob: sub(2) }] } : v]))],
        ['a memo that is not a blob', withTx((t) => t.map(([k, v]) => [k, k === 'memo' ? { Nat: 1n } : v]))],
        ['an unknown op', withTx((t) => t.map(([k, v]) => [k, k === 'op' ? { Text: 'send' } : v]))],
        ['no op', withTx((t) => t.filter(([k]) => k !== 'op'))],
        ['a transfer without `to`', withTx((t) => t.filter(([k]) => k !== 'to'))],
        ['no block time', withTop((m) => m.filter(([k]) => k !== 'ts'))],
        ['a 31-byte parent hash', withTop((m) => m.map(([k, v]) => [k, k === 'phash' ? { Blob: new Uint8Array(31) } : v]))],
    ])('index-ng and Rosetta both refuse %s', (_what, bad) => {
        expect(() => indexNgDecode(bad)).toThrow(DfinityDecodeError);
        expect(() => rosettaDecode(toLegacyValue(bad))).toThrow(DfinityDecodeError);
    });

    it('an amount above 64 bits stops index-ng (u64 tokens) while Rosetta, which keeps Nat amounts, reads it', () => {
        const big = withTx((t) => t.map(([k, v]) => [k, k === 'amt' ? { Nat: 1n << 64n } : v]));
        expect(() => indexNgDecode(big)).toThrow('expected a u64');
        expect(rosettaDecode(toLegacyValue(big)).transaction.operation).toMatchObject({ amount: 1n << 64n });
    });

    it('an extra field decodes in index-ng but breaks Rosetta’s hash chain (Rosetta re-hashes its own model)', () => {
        const extra = withTx((t) => [...t, ['note', { Text: 'x' }]]);
        expect(indexNgDecode(extra).transaction.operation).toMatchObject({ op: 'Transfer' });
        expect(Buffer.from(hashValue(rosettaValue(rosettaDecode(toLegacyValue(extra))))).equals(Buffer.from(hashValue(extra)))).toBe(false);
        expect(Buffer.from(hashValue(rosettaValue(rosettaDecode(toLegacyValue(good))))).equals(Buffer.from(hashValue(good)))).toBe(true);
    });

    it('index-ng’s book traps on a transfer without any fee and on a fee_col_block naming a block without fee_col', () => {
        const d = indexNgDecode(good);
        const noFee: DBlock = { ...d, effective_fee: undefined };
        expect(() => indexNgBalances([indexNgDecode(blockToValue(decodeBlock(ledger.state.blockBytes(0n) as Uint8Array))), noFee])).toThrow('no fee or effective fee');
        const dangling: DBlock = { ...d, fee_collector_block_index: 0n };
        expect(() => indexNgBalances([indexNgDecode(blockToValue(decodeBlock(ledger.state.blockBytes(0n) as Uint8Array))), dangling])).toThrow('has no fee_collector set');
    });

    it('a block with ICRC-107 btype decodes as a fee-collector operation (which this ledger never writes)', () => {
        const d = indexNgDecode({ Map: [['btype', { Text: '107feecol' }], ['ts', { Nat: T0 }], ['tx', { Map: [['fee_collector', { Array: [{ Blob: collector.owner }] }]] }]] });
        expect(d.transaction.operation).toEqual({ op: 'FeeCollector', fee_collector: { owner: collector.owner } } as DOperation);
        expect(dfinityTransaction(d).kind).toBe('107feecol');
    });
});

describe('legacy encodings', () => {
    it('get_blocks values are the ICRC-3 values with every Nat ≤ 2^64 − 1 as Nat64, and hash alike', () => {
        const v: Value = { Map: [['a', { Nat: 5n }], ['b', { Array: [{ Nat: U64_MAX }, { Nat: U64_MAX + 1n }, { Int: -1n }, { Blob: new Uint8Array([1]) }, { Text: 't' }] }]] };
        const l = toLegacyValue(v);
        expect(l).toEqual({ Map: [['a', { Nat64: 5n }], ['b', { Array: [{ Nat64: U64_MAX }, { Nat: U64_MAX + 1n }, { Int: -1n }, { Blob: new Uint8Array([1]) }, { Text: 't' }] }]] });
        expect(Buffer.from(genericHash(l)).equals(Buffer.from(hashValue(v)))).toBe(true);
    });

    it('the range rule of DFINITY’s query_blocks (no archives, at most 2000 blocks)', () => {
        expect(legacyRange(0n, 10n, 5n)).toEqual({ first: 0n, end: 5n });
        expect(legacyRange(2n, 2n, 5n)).toEqual({ first: 2n, end: 4n });
        expect(legacyRange(5n, 10n, 5n)).toEqual({ first: 5n, end: 5n });
        expect(legacyRange(6n, 10n, 5n)).toEqual({ first: 0n, end: 0n });
        expect(legacyRange(3n, 0n, 5n)).toEqual({ first: 3n, end: 3n });
        expect(legacyRange(10n, U64_MAX, 5_000n)).toEqual({ first: 10n, end: 2_010n });
        expect(legacyRange(0n, 5_000n, 5_000n, 100n)).toEqual({ first: 0n, end: 100n });
        expect(() => legacyRange(U64_MAX + 1n, 1n, 5n)).toThrow(new LegacyRangeError(`transaction index ${U64_MAX + 1n} is too large, max allowed: ${U64_MAX}`));
        expect(() => legacyRange(0n, U64_MAX + 1n, 5n)).toThrow(LegacyRangeError);
        fc.assert(
            fc.property(fc.bigInt(0n, 3_000n), fc.bigInt(0n, 3_000n), fc.bigInt(0n, 3_000n), (start, length, chain) => {
                const { first, end } = legacyRange(start, length, chain);
                if (start > chain) return first === 0n && end === 0n;
                const want = start + length < chain ? start + length : chain;
                return first === start && end === (want - start > 2_000n ? start + 2_000n : want);
            }),
        );
    });
});
