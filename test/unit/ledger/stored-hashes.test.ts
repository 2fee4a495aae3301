/**
 * What the ledger keeps so that a token move hashes less (issue 13), on in-memory stores:
 *  - each balance entry carries the ICRC-3 hash of its account's canonical value, each allowance
 *    the spender's: after any sequence of operations over accounts given with an absent, a zero
 *    or a non-zero subaccount — and over stores whose entries were written before the hashes were
 *    kept, as an upgraded ledger has them — the blocks, their hashes and the balances are exactly
 *    those of a ledger that never reads a stored hash, and every stored hash is the account's;
 *  - the deduplication key is built once, with the layout existing entries were written in;
 *  - the tip is certified when asked (the canister asks once per round), always as a consistent
 *    (index, hash) pair.
 */
import fc from 'fast-check';
import { accountFromKey, type Account } from '../../../src/ledger/account';
import { accountToValue } from '../../../src/ledger/icrc3/block';
import { tipTreeRootHash } from '../../../src/ledger/icrc3/tip-tree';
import { hashValue } from '../../../src/ledger/icrc3/value';
import { EMPTY_TREE_HASH } from '../../../src/ledger/certification';
import { dedupKey } from '../../../src/ledger/dedup';
import type { Ledger } from '../../../src/ledger/ledger';
import type { LedgerStores } from '../../../src/ledger/state';
import { concat, leb128, u64be } from '../../../src/lib/storage/bytes';
import { E8S, MINTER, newLedger, principal, reopen, stores, sub, sumOfBalances, T0, verifyChain } from './helpers';

const hex = (b: Uint8Array | undefined): string => (b === undefined ? '-' : Buffer.from(b).toString('hex'));

/** Accounts in every representation: absent subaccount, the zero subaccount, non-zero ones. */
function accountOf(owner: number, form: number): Account {
    if (form === 0) return { owner: principal(owner) };
    if (form === 1) return { owner: principal(owner), subaccount: new Uint8Array(32) };
    return { owner: principal(owner), subaccount: sub(form) };
}

type Op =
    | { k: 'transfer'; from: number; fromForm: number; to: number; toForm: number; amount: bigint; created: boolean }
    | { k: 'approve'; from: number; spender: number; spenderForm: number; amount: bigint }
    | { k: 'transferFrom'; from: number; spender: number; spenderForm: number; to: number; amount: bigint }
    | { k: 'burn'; from: number; amount: bigint }
    | { k: 'mint'; to: number; toForm: number; amount: bigint }
    | { k: 'strip' }
    | { k: 'time' };

const who = fc.integer({ min: 1, max: 5 });
const form = fc.integer({ min: 0, max: 3 });
const amount = fc.bigInt({ min: 1n, max: 50n * E8S });
const op: fc.Arbitrary<Op> = fc.oneof(
    { weight: 5, arbitrary: fc.record({ k: fc.constant('transfer' as const), from: who, fromForm: form, to: who, toForm: form, amount, created: fc.boolean() }) },
    { weight: 2, arbitrary: fc.record({ k: fc.constant('approve' as const), from: who, spender: who, spenderForm: form, amount }) },
    { weight: 3, arbitrary: fc.record({ k: fc.constant('transferFrom' as const), from: who, spender: who, spenderForm: form, to: who, amount }) },
    { weight: 1, arbitrary: fc.record({ k: fc.constant('burn' as const), from: who, amount }) },
    { weight: 1, arbitrary: fc.record({ k: fc.constant('mint' as const), to: who, toForm: form, amount }) },
    { weight: 1, arbitrary: fc.constant({ k: 'strip' as const }) },
    { weight: 1, arbitrary: fc.constant({ k: 'time' as const }) },
);

/** Rewrites every balance and allowance entry as it was stored before the hashes were kept. */
function strip(kv: LedgerStores): void {
    for (const [store, length] of [[kv.balances, 8], [kv.allowances, 16]] as const) {
        for (const [k, v] of store.entries(0, 1_000_000)) if (v.length > length) store.set(k, v.slice(0, length));
    }
}

function run(ledger: Ledger, env: ReturnType<typeof newLedger>['env'], o: Op, i: number): unknown {
    switch (o.k) {
        case 'transfer':
            env.as(principal(o.from));
            return ledger.transfer({ ...(o.fromForm === 0 ? {} : { from_subaccount: accountOf(o.from, o.fromForm).subaccount }), to: accountOf(o.to, o.toForm), amount: o.amount, ...(o.created ? { created_at_time: env.time - BigInt(i) } : {}) });
        case 'approve':
            env.as(principal(o.from));
            return ledger.approve({ spender: accountOf(o.spender + 10, o.spenderForm), amount: o.amount, created_at_time: env.time });
        case 'transferFrom':
            env.as(principal(o.spender + 10));
            return ledger.transferFrom({ ...(o.spenderForm === 0 ? {} : { spender_subaccount: accountOf(o.spender + 10, o.spenderForm).subaccount }), from: { owner: principal(o.from) }, to: { owner: principal(o.to) }, amount: o.amount });
        case 'burn':
            env.as(principal(o.from));
            return ledger.transfer({ to: { owner: MINTER }, amount: o.amount });
        case 'mint':
            env.as(MINTER);
            return ledger.transfer({ to: accountOf(o.to, o.toForm), amount: o.amount });
        case 'time':
            env.time += 3_600_000_000_000n;
            return undefined;
        case 'strip':
            return undefined;
    }
}

describe('account hashes kept with balances and allowances', () => {
    it('blocks, hashes and balances are those of a ledger that never reads a stored hash, from any starting format', () => {
        fc.assert(
            fc.property(fc.array(op, { maxLength: 40 }), (ops) => {
                const genesis: [Account, bigint][] = [1, 2, 3, 4, 5].map((n) => [accountOf(n, n % 3), 1_000n * E8S]);
                const a = newLedger({ initial_balances: genesis });
                const b = newLedger({ initial_balances: genesis });
                strip(b.kv);
                let la = a.ledger;
                let lb = b.ledger;
                ops.forEach((o, i) => {
                    if (o.k === 'strip') {
                        // an upgrade from before the hashes were kept: old-format entries, a fresh heap
                        strip(a.kv);
                        la = reopen(a.kv, a.env);
                        return;
                    }
                    const ra = run(la, a.env, o, i);
                    b.env.time = a.env.time;
                    const rb = run(lb, b.env, o, i);
                    expect(ra).toEqual(rb);
                    strip(b.kv);
                    lb = reopen(b.kv, b.env);
                });
                expect(la.state.blockCount()).toBe(lb.state.blockCount());
                for (let i = 0n; i < la.state.blockCount(); i++) expect(hex(la.state.blockBytes(i))).toBe(hex(lb.state.blockBytes(i)));
                expect(hex(la.state.tipHash())).toBe(hex(lb.state.tipHash()));
                expect(verifyChain(la)).toBe(la.state.blockCount());
                expect(sumOfBalances(la)).toBe(la.totalSupply());
                // every hash kept is the account's (canonical value: no subaccount for the zero one)
                for (const [k, v] of a.kv.balances.entries(0, 1_000_000)) {
                    if (v.length === 8) continue;
                    expect(v.length).toBe(40);
                    const acc = accountFromKey(k);
                    expect(hex(v.subarray(8))).toBe(hex(hashValue(accountToValue(acc))));
                }
                for (const [k, v] of a.kv.allowances.entries(0, 1_000_000)) {
                    if (v.length === 16) continue;
                    expect(v.length).toBe(48);
                    const spender = accountFromKey(k.subarray(62));
                    expect(hex(v.subarray(16))).toBe(hex(hashValue(accountToValue(spender))));
                }
            }),
            { numRuns: 150 },
        );
    });

    it('stores the hash of a new account and reads it back instead of hashing again', () => {
        const { ledger, env, kv } = newLedger({ initial_balances: [[{ owner: principal(1) }, 10n * E8S]] });
        env.as(principal(1));
        const bob = { owner: principal(2), subaccount: sub(7) };
        expect(ledger.transfer({ to: bob, amount: E8S })).toEqual({ Ok: 1n });
        const entry = ledger.state.balanceEntry(bob);
        expect(hex(entry.hash)).toBe(hex(hashValue(accountToValue(bob))));
        // a hash that is stored is used: with a wrong one the next block's hash would change
        kv.balances.set(entry.key, concat([u64be(entry.balance), new Uint8Array(32).fill(0xab)]));
        const tip = ledger.state.tipHash() as Uint8Array;
        env.as(principal(2));
        expect(reopen(kv, env).transfer({ from_subaccount: sub(7), to: { owner: principal(1) }, amount: 1n })).toEqual({ Ok: 2n });
        expect(() => verifyChain(reopen(kv, env))).toThrow('the stored tip is not the last block hash');
        expect(hex(reopen(kv, env).state.tipHash())).not.toBe(hex(tip));
        // the zero subaccount is written as given, so its block hashes [owner, zeros], not the stored [owner]
        const c = newLedger({ initial_balances: [[{ owner: principal(1) }, 10n * E8S]] });
        c.env.as(principal(1));
        expect(c.ledger.transfer({ to: { owner: principal(3), subaccount: new Uint8Array(32) }, amount: E8S })).toEqual({ Ok: 1n });
        expect(c.ledger.transfer({ to: { owner: principal(3) }, amount: E8S })).toEqual({ Ok: 2n });
        expect(c.ledger.transfer({ to: { owner: principal(3), subaccount: new Uint8Array(32) }, amount: E8S })).toEqual({ Ok: 3n });
        expect(verifyChain(c.ledger)).toBe(4n);
        expect(hex(c.ledger.state.balanceEntry({ owner: principal(3) }).hash)).toBe(hex(hashValue(accountToValue({ owner: principal(3) }))));
    });
});

/** The deduplication key as entries in stable memory were written before issue 13 (the layout). */
function referenceKey(createdAt: bigint, tx: Parameters<typeof dedupKey>[1]): Uint8Array {
    const codes = { mint: 1, burn: 2, xfer: 3, approve: 4 } as const;
    const parts: Uint8Array[] = [u64be(createdAt), Uint8Array.of(codes[tx.op])];
    const account = (a: Account | undefined): void => {
        if (a === undefined) parts.push(Uint8Array.of(0));
        else parts.push(Uint8Array.of(a.subaccount === undefined ? 1 : 2, a.owner.length), a.owner, ...(a.subaccount === undefined ? [] : [a.subaccount]));
    };
    const nat = (n: bigint | undefined): void => {
        parts.push(...(n === undefined ? [Uint8Array.of(0)] : [Uint8Array.of(1), leb128(n)]));
    };
    account('from' in tx ? tx.from : undefined);
    account('to' in tx ? tx.to : undefined);
    account('spender' in tx ? tx.spender : undefined);
    nat(tx.amount);
    nat(tx.fee);
    parts.push(...(tx.memo === undefined ? [Uint8Array.of(0)] : [Uint8Array.of(1), leb128(BigInt(tx.memo.length)), tx.memo]));
    nat(tx.op === 'approve' ? tx.expectedAllowance : undefined);
    nat(tx.op === 'approve' ? tx.expiresAt : undefined);
    return concat(parts);
}

describe('the deduplication key', () => {
    const acc = fc.record({ owner: fc.uint8Array({ maxLength: 29 }), subaccount: fc.uint8Array({ minLength: 32, maxLength: 32 }) }, { requiredKeys: ['owner'] });
    const n = fc.oneof(fc.bigInt({ min: 0n, max: 300n }), fc.bigInt({ min: 0n, max: 2n ** 31n + 5n }), fc.bigInt({ min: 0n, max: 2n ** 200n }));
    const common = { fee: n, memo: fc.uint8Array({ maxLength: 600 }) };
    const tx = fc.oneof(
        fc.record({ op: fc.constant('mint' as const), to: acc, amount: n, ...common }, { requiredKeys: ['op', 'to', 'amount'] }),
        fc.record({ op: fc.constant('burn' as const), from: acc, amount: n, spender: acc, ...common }, { requiredKeys: ['op', 'from', 'amount'] }),
        fc.record({ op: fc.constant('xfer' as const), from: acc, to: acc, amount: n, spender: acc, ...common }, { requiredKeys: ['op', 'from', 'to', 'amount'] }),
        fc.record({ op: fc.constant('approve' as const), from: acc, spender: acc, amount: n, expectedAllowance: n, expiresAt: n, ...common }, { requiredKeys: ['op', 'from', 'spender', 'amount'] }),
    );
    it('has the layout existing entries were written in, for any transaction', () => {
        fc.assert(
            fc.property(fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), tx, (at, t) => {
                expect(hex(dedupKey(at, t as never))).toBe(hex(referenceKey(at, t as never)));
            }),
            { numRuns: 1000 },
        );
    });

    it('finds a duplicate recorded in the old layout by an upgraded ledger', () => {
        const { ledger, env, kv } = newLedger({ initial_balances: [[{ owner: principal(1) }, 10n * E8S]] });
        env.as(principal(1));
        const t = { op: 'xfer' as const, from: { owner: principal(1) }, to: { owner: principal(2) }, amount: 5n, memo: Uint8Array.of(1, 2) };
        kv.dedup.set(referenceKey(T0, t), u64be(0n));
        expect(reopen(kv, env).transfer({ to: t.to, amount: 5n, memo: t.memo, created_at_time: T0 })).toEqual({ Err: { Duplicate: { duplicate_of: 0n } } });
    });
});

describe('certifying the tip', () => {
    it('certifies when asked, once for many blocks, always a consistent (index, hash) pair', () => {
        const { ledger, env } = newLedger({ initial_balances: [[{ owner: principal(1) }, 10n * E8S]] });
        expect(ledger.certificationPending()).toBe(false);
        const first = ledger.certifiedTip();
        expect(first?.index).toBe(0n);
        expect(hex(env.certified)).toBe(hex(tipTreeRootHash(0n, first?.hash as Uint8Array)));
        env.as(principal(1));
        for (let i = 0; i < 5; i++) ledger.transfer({ to: { owner: principal(2) }, amount: 1n });
        // nothing certified yet: the old pair is still the one the certified data commits to
        expect(ledger.certificationPending()).toBe(true);
        expect(ledger.certifiedTip()).toEqual(first);
        expect(hex(env.certified)).toBe(hex(tipTreeRootHash(0n, first?.hash as Uint8Array)));
        ledger.certifyTip();
        expect(ledger.certificationPending()).toBe(false);
        expect(ledger.certifiedTip()).toEqual({ index: 5n, hash: ledger.state.tipHash() });
        expect(hex(env.certified)).toBe(hex(tipTreeRootHash(5n, ledger.state.tipHash() as Uint8Array)));
        // a refused move appends nothing and leaves nothing to certify
        expect(ledger.transfer({ to: { owner: principal(2) }, amount: 100n * E8S })).toHaveProperty('Err');
        expect(ledger.certificationPending()).toBe(false);
    });

    it('a fresh heap (an upgrade) has certified nothing until it certifies; an empty ledger certifies the empty tree', () => {
        const kv = stores();
        const { ledger, env } = newLedger({}, kv);
        expect(ledger.certifiedTip()).toBeUndefined();
        expect(hex(env.certified)).toBe(hex(EMPTY_TREE_HASH));
        const again = reopen(kv, env);
        expect(again.certificationPending()).toBe(true);
        again.certifyTip();
        expect(again.certificationPending()).toBe(false);
        expect(again.certifiedTip()).toBeUndefined();
    });
});
