/** The ledger's rules, on in-memory stores: ICRC-1/2 semantics as the DFINITY ledger has them. */
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { ErrorCodes, MAX_TOKENS } from '../../../src/ledger/calls';
import { EMPTY_TREE_HASH } from '../../../src/ledger/certification';
import { PERMITTED_DRIFT_NS, TX_WINDOW_NS } from '../../../src/ledger/dedup';
import { decodeBlock } from '../../../src/ledger/icrc3/codec';
import type { Ledger } from '../../../src/ledger/ledger';
import type { LedgerStores } from '../../../src/ledger/state';
import { ANONYMOUS, E8S, FEE, MINTER, SECOND, T0, account, newLedger, principal, reopen, sub, sumOfBalances, verifyChain } from './helpers';

const alice = account(1);
const bob = account(2);
const carol = account(3);

function fund(amounts: [ReturnType<typeof account>, bigint][] = [[alice, 1000n * E8S]]) {
    return newLedger({ initial_balances: amounts });
}

/** Every KV entry, for "an error changes nothing" assertions. */
function dump(kv: LedgerStores): string {
    return Object.entries(kv)
        .map(([name, store]) => `${name}:${store.entries(0, 1_000_000).map(([k, v]: [Uint8Array, Uint8Array]) => `${Buffer.from(k).toString('hex')}=${Buffer.from(v).toString('hex')}`).join(',')}`)
        .join('\n');
}

function expectUnchanged(kv: LedgerStores, f: () => unknown): unknown {
    const before = dump(kv);
    const r = f();
    expect(dump(kv)).toBe(before);
    return r;
}

describe('init', () => {
    it('mints initial balances as blocks and certifies the tip', () => {
        const { ledger, env } = fund([
            [alice, 10n * E8S],
            [bob, 5n * E8S],
        ]);
        expect(ledger.balanceOf(alice)).toBe(10n * E8S);
        expect(ledger.totalSupply()).toBe(15n * E8S);
        expect(ledger.state.blockCount()).toBe(2n);
        expect(decodeBlock(ledger.state.blockBytes(1n) as Uint8Array).tx).toMatchObject({ op: 'mint', amount: 5n * E8S });
        expect(verifyChain(ledger)).toBe(2n);
        expect(env.certified.length).toBe(32);
        expect(Buffer.from(env.certified).equals(Buffer.from(EMPTY_TREE_HASH))).toBe(false);
    });

    it('certifies the empty tree before the first block', () => {
        const { env } = newLedger();
        expect(Buffer.from(env.certified).toString('hex')).toBe(createHash('sha256').update(Buffer.concat([Buffer.from([17]), Buffer.from('ic-hashtree-empty')])).digest('hex'));
    });

    it('refuses reserved metadata, a fee collector equal to the minter, and a genesis above the maximum supply', () => {
        expect(() => newLedger({ metadata: [['icrc1:fee', { Nat: 1n }]] })).toThrow('reserved');
        expect(() => newLedger({ fee_collector_account: { owner: MINTER } })).toThrow('minting account');
        expect(() => newLedger({ initial_balances: [[alice, 2_100_000_001n * E8S]] })).toThrow('maximum supply');
        expect(() => newLedger({ max_memo_length: 16 })).toThrow('at least 32');
    });
});

describe('icrc1_transfer', () => {
    it('moves amount, charges and burns the fee, and appends a block', () => {
        const { ledger, env } = fund();
        env.as(alice.owner);
        expect(ledger.transfer({ to: bob, amount: 100n * E8S })).toEqual({ Ok: 1n });
        expect(ledger.balanceOf(alice)).toBe(900n * E8S - FEE);
        expect(ledger.balanceOf(bob)).toBe(100n * E8S);
        expect(ledger.totalSupply()).toBe(1000n * E8S - FEE);
        expect(sumOfBalances(ledger)).toBe(ledger.totalSupply());
        const block = decodeBlock(ledger.state.blockBytes(1n) as Uint8Array);
        expect(block.effectiveFee).toBe(FEE);
        expect(block.tx).toMatchObject({ op: 'xfer', amount: 100n * E8S });
        expect(block.tx.fee).toBeUndefined();
        verifyChain(ledger);
    });

    it('records a user-given fee in the transaction and not at the top level', () => {
        const { ledger, env } = fund();
        env.as(alice.owner);
        expect(ledger.transfer({ to: bob, amount: 1n, fee: FEE })).toEqual({ Ok: 1n });
        const block = decodeBlock(ledger.state.blockBytes(1n) as Uint8Array);
        expect(block.tx.fee).toBe(FEE);
        expect(block.effectiveFee).toBeUndefined();
    });

    it('refuses a wrong fee, insufficient funds, the anonymous caller, oversized memos and malformed accounts, changing nothing', () => {
        const { ledger, env, kv } = fund();
        env.as(alice.owner);
        expect(expectUnchanged(kv, () => ledger.transfer({ to: bob, amount: 1n, fee: 1n }))).toEqual({ Err: { BadFee: { expected_fee: FEE } } });
        expect(expectUnchanged(kv, () => ledger.transfer({ to: bob, amount: 1000n * E8S }))).toEqual({ Err: { InsufficientFunds: { balance: 1000n * E8S } } });
        expect(expectUnchanged(kv, () => ledger.transfer({ to: bob, amount: 2n ** 80n }))).toEqual({ Err: { InsufficientFunds: { balance: 1000n * E8S } } });
        const memo = expectUnchanged(kv, () => ledger.transfer({ to: bob, amount: 1n, memo: new Uint8Array(33) })) as { Err: { GenericError: { error_code: bigint } } };
        expect(memo.Err.GenericError.error_code).toBe(ErrorCodes.MEMO_TOO_LONG);
        expect(ledger.transfer({ to: bob, amount: 1n, memo: new Uint8Array(32) })).toEqual({ Ok: 1n });
        const badSub = expectUnchanged(kv, () => ledger.transfer({ to: { owner: bob.owner, subaccount: new Uint8Array(31) }, amount: 1n })) as { Err: { GenericError: { error_code: bigint } } };
        expect(badSub.Err.GenericError.error_code).toBe(ErrorCodes.INVALID_ACCOUNT);
        const badFrom = expectUnchanged(kv, () => ledger.transfer({ from_subaccount: new Uint8Array(33), to: bob, amount: 1n })) as { Err: { GenericError: { error_code: bigint } } };
        expect(badFrom.Err.GenericError.error_code).toBe(ErrorCodes.INVALID_ACCOUNT);
        const badOwner = expectUnchanged(kv, () => ledger.transfer({ to: { owner: new Uint8Array(30) }, amount: 1n })) as { Err: { GenericError: { error_code: bigint } } };
        expect(badOwner.Err.GenericError.error_code).toBe(ErrorCodes.INVALID_ACCOUNT);
        env.as(ANONYMOUS);
        const anon = expectUnchanged(kv, () => ledger.transfer({ to: bob, amount: 0n })) as { Err: { GenericError: { error_code: bigint } } };
        expect(anon.Err.GenericError.error_code).toBe(ErrorCodes.ANONYMOUS_CALLER);
    });

    it('treats an absent and a zero subaccount as one balance', () => {
        const { ledger, env } = fund();
        env.as(alice.owner);
        ledger.transfer({ to: { owner: bob.owner, subaccount: new Uint8Array(32) }, amount: 7n });
        expect(ledger.balanceOf(bob)).toBe(7n);
        env.as(bob.owner);
        expect(ledger.transfer({ from_subaccount: new Uint8Array(32), to: alice, amount: 0n })).toEqual({ Err: { InsufficientFunds: { balance: 7n } } });
    });

    it('mints from the minting account without a fee, up to the maximum supply', () => {
        const { ledger, env, kv } = newLedger({ max_supply: 1000n * E8S, initial_balances: [[alice, 900n * E8S]] });
        env.as(MINTER);
        expect(ledger.transfer({ to: bob, amount: 50n * E8S })).toEqual({ Ok: 1n });
        expect(ledger.totalSupply()).toBe(950n * E8S);
        expect(decodeBlock(ledger.state.blockBytes(1n) as Uint8Array).effectiveFee).toBeUndefined();
        expect(expectUnchanged(kv, () => ledger.transfer({ to: bob, amount: 1n, fee: FEE }))).toEqual({ Err: { BadFee: { expected_fee: 0n } } });
        const cap = expectUnchanged(kv, () => ledger.transfer({ to: bob, amount: 50n * E8S + 1n })) as { Err: { GenericError: { error_code: bigint; message: string } } };
        expect(cap.Err.GenericError.error_code).toBe(ErrorCodes.SUPPLY_CAP);
        expect(ledger.transfer({ to: bob, amount: 50n * E8S, fee: 0n })).toEqual({ Ok: 2n });
        expect(ledger.totalSupply()).toBe(1000n * E8S);
    });

    it('records no fee in mint and burn blocks, so a mint with fee 0 and one without are the same transaction (as DFINITY)', () => {
        const { ledger, env } = newLedger({ initial_balances: [[alice, 10n * E8S]] });
        env.as(MINTER);
        expect(ledger.transfer({ to: bob, amount: E8S, fee: 0n, created_at_time: T0 })).toEqual({ Ok: 1n });
        expect(decodeBlock(ledger.state.blockBytes(1n) as Uint8Array).tx).toEqual({ op: 'mint', to: bob, amount: E8S, createdAtTime: T0 });
        expect(ledger.transfer({ to: bob, amount: E8S, created_at_time: T0 })).toEqual({ Err: { Duplicate: { duplicate_of: 1n } } });
        env.as(alice.owner);
        expect(ledger.transfer({ to: { owner: MINTER }, amount: E8S, fee: 0n })).toEqual({ Ok: 2n });
        expect(decodeBlock(ledger.state.blockBytes(2n) as Uint8Array).tx).toEqual({ op: 'burn', from: alice, amount: E8S });
    });

    it('burns to the minting account without a fee; BadBurn below min(fee, balance) and at zero', () => {
        const { ledger, env, kv } = fund([
            [alice, 10n * E8S],
            [bob, 50_000n],
        ]);
        env.as(alice.owner);
        expect(expectUnchanged(kv, () => ledger.transfer({ to: { owner: MINTER }, amount: FEE - 1n }))).toEqual({ Err: { BadBurn: { min_burn_amount: FEE } } });
        expect(expectUnchanged(kv, () => ledger.transfer({ to: { owner: MINTER }, amount: FEE, fee: FEE }))).toEqual({ Err: { BadFee: { expected_fee: 0n } } });
        expect(ledger.transfer({ to: { owner: MINTER }, amount: FEE })).toEqual({ Ok: 2n });
        expect(ledger.balanceOf(alice)).toBe(10n * E8S - FEE);
        expect(ledger.totalSupply()).toBe(10n * E8S + 50_000n - FEE);
        env.as(bob.owner);
        expect(expectUnchanged(kv, () => ledger.transfer({ to: { owner: MINTER }, amount: 0n }))).toEqual({ Err: { BadBurn: { min_burn_amount: 50_000n } } });
        expect(ledger.transfer({ to: { owner: MINTER }, amount: 50_000n })).toEqual({ Ok: 3n });
        expect(ledger.balanceOf(bob)).toBe(0n);
        expect(sumOfBalances(ledger)).toBe(ledger.totalSupply());
    });
});

describe('deduplication', () => {
    it('answers Duplicate for the same transaction within 24 h, and not for a different memo or without created_at_time', () => {
        const { ledger, env, kv } = fund();
        env.as(alice.owner);
        const args = { to: bob, amount: 5n, created_at_time: T0, memo: new Uint8Array([1]) };
        expect(ledger.transfer(args)).toEqual({ Ok: 1n });
        env.time = T0 + 3600n * SECOND;
        expect(expectUnchanged(kv, () => ledger.transfer(args))).toEqual({ Err: { Duplicate: { duplicate_of: 1n } } });
        expect(ledger.transfer({ ...args, memo: new Uint8Array([2]) })).toEqual({ Ok: 2n });
        expect(ledger.transfer({ to: bob, amount: 5n })).toEqual({ Ok: 3n });
        expect(ledger.transfer({ to: bob, amount: 5n })).toEqual({ Ok: 4n });
    });

    it('tells an absent from a zero subaccount', () => {
        const { ledger, env } = fund();
        env.as(alice.owner);
        expect(ledger.transfer({ to: bob, amount: 5n, created_at_time: T0 })).toEqual({ Ok: 1n });
        expect(ledger.transfer({ to: { owner: bob.owner, subaccount: new Uint8Array(32) }, amount: 5n, created_at_time: T0 })).toEqual({ Ok: 2n });
    });

    it('TooOld past 24 h, CreatedInFuture beyond 60 s of drift, with exact boundaries', () => {
        const { ledger, env, kv } = fund();
        env.as(alice.owner);
        expect(expectUnchanged(kv, () => ledger.transfer({ to: bob, amount: 1n, created_at_time: T0 - TX_WINDOW_NS - 1n }))).toEqual({ Err: { TooOld: null } });
        expect(ledger.transfer({ to: bob, amount: 1n, created_at_time: T0 - TX_WINDOW_NS })).toEqual({ Ok: 1n });
        expect(expectUnchanged(kv, () => ledger.transfer({ to: bob, amount: 1n, created_at_time: T0 + PERMITTED_DRIFT_NS + 1n }))).toEqual({ Err: { CreatedInFuture: { ledger_time: T0 } } });
        expect(ledger.transfer({ to: bob, amount: 1n, created_at_time: T0 + PERMITTED_DRIFT_NS })).toEqual({ Ok: 2n });
    });

    it('prunes the window as time passes, keeping it bounded', () => {
        const { ledger, env } = fund();
        env.as(alice.owner);
        for (let i = 0n; i < 10n; i++) ledger.transfer({ to: bob, amount: 1n, created_at_time: T0 + i });
        expect(ledger.state.dedupSize()).toBe(10);
        env.time = T0 + TX_WINDOW_NS + PERMITTED_DRIFT_NS + 100n;
        for (let i = 0n; i < 5n; i++) expect(ledger.transfer({ to: bob, amount: 1n + i, created_at_time: env.time })).toHaveProperty("Ok");
        expect(ledger.state.dedupSize()).toBe(5);
    });
});

describe('icrc2', () => {
    it('approve replaces, burns its fee, honours expected_allowance and expiry', () => {
        const { ledger, env, kv } = fund();
        env.as(alice.owner);
        expect(ledger.approve({ spender: bob, amount: 100n })).toEqual({ Ok: 1n });
        expect(ledger.balanceOf(alice)).toBe(1000n * E8S - FEE);
        expect(ledger.totalSupply()).toBe(1000n * E8S - FEE);
        expect(ledger.approve({ spender: bob, amount: 40n })).toEqual({ Ok: 2n });
        expect(ledger.allowanceOf(alice, bob)).toEqual({ allowance: 40n });
        expect(expectUnchanged(kv, () => ledger.approve({ spender: bob, amount: 10n, expected_allowance: 41n }))).toEqual({ Err: { AllowanceChanged: { current_allowance: 40n } } });
        expect(ledger.approve({ spender: bob, amount: 10n, expected_allowance: 40n, expires_at: T0 + 10n * SECOND })).toEqual({ Ok: 3n });
        expect(ledger.allowanceOf(alice, bob)).toEqual({ allowance: 10n, expires_at: T0 + 10n * SECOND });
        expect(expectUnchanged(kv, () => ledger.approve({ spender: bob, amount: 1n, expires_at: T0 }))).toEqual({ Err: { Expired: { ledger_time: T0 } } });
        env.time = T0 + 10n * SECOND;
        expect(ledger.allowanceOf(alice, bob)).toEqual({ allowance: 0n });
        // an expired allowance counts as 0 for expected_allowance
        expect(ledger.approve({ spender: bob, amount: 5n, expected_allowance: 0n })).toEqual({ Ok: 4n });
        expect(ledger.approve({ spender: bob, amount: 0n })).toEqual({ Ok: 5n });
        expect(ledger.state.allowanceCount()).toBe(0);
        expect(ledger.approve({ spender: bob, amount: 2n ** 100n })).toEqual({ Ok: 6n });
        expect(ledger.allowanceOf(alice, bob).allowance).toBe(MAX_TOKENS);
        verifyChain(ledger);
    });

    it('refuses self-approval, approval by the minter, a wrong fee and an unpayable fee', () => {
        const { ledger, env, kv } = fund([[alice, 1n]]);
        env.as(alice.owner);
        const self = expectUnchanged(kv, () => ledger.approve({ spender: { owner: alice.owner, subaccount: sub(1) }, amount: 1n })) as { Err: { GenericError: { error_code: bigint } } };
        expect(self.Err.GenericError.error_code).toBe(ErrorCodes.SELF_APPROVAL);
        expect(expectUnchanged(kv, () => ledger.approve({ spender: bob, amount: 1n, fee: 1n }))).toEqual({ Err: { BadFee: { expected_fee: FEE } } });
        expect(expectUnchanged(kv, () => ledger.approve({ spender: bob, amount: 1n }))).toEqual({ Err: { InsufficientFunds: { balance: 1n } } });
        env.as(MINTER);
        const minter = expectUnchanged(kv, () => ledger.approve({ spender: bob, amount: 1n })) as { Err: { GenericError: { error_code: bigint } } };
        expect(minter.Err.GenericError.error_code).toBe(ErrorCodes.MINTER_NOT_ALLOWED);
    });

    it('transfer_from checks the allowance before the balance and charges amount + fee to from', () => {
        const { ledger, env, kv } = fund([[alice, 10n * E8S]]);
        env.as(alice.owner);
        ledger.approve({ spender: bob, amount: 3n * E8S });
        env.as(bob.owner);
        expect(expectUnchanged(kv, () => ledger.transferFrom({ from: alice, to: carol, amount: 100n * E8S }))).toEqual({ Err: { InsufficientAllowance: { allowance: 3n * E8S } } });
        expect(expectUnchanged(kv, () => ledger.transferFrom({ from: alice, to: carol, amount: 3n * E8S }))).toEqual({ Err: { InsufficientAllowance: { allowance: 3n * E8S } } });
        expect(ledger.transferFrom({ from: alice, to: carol, amount: 2n * E8S })).toEqual({ Ok: 2n });
        expect(ledger.balanceOf(alice)).toBe(10n * E8S - FEE - 2n * E8S - FEE);
        expect(ledger.balanceOf(carol)).toBe(2n * E8S);
        expect(ledger.allowanceOf(alice, bob)).toEqual({ allowance: 3n * E8S - 2n * E8S - FEE });
        const left = 3n * E8S - 2n * E8S - FEE;
        expect(ledger.transferFrom({ from: alice, to: carol, amount: left - FEE })).toEqual({ Ok: 3n });
        expect(ledger.allowanceOf(alice, bob)).toEqual({ allowance: 0n });
        expect(ledger.state.allowanceCount()).toBe(0);
        const block = decodeBlock(ledger.state.blockBytes(2n) as Uint8Array);
        expect(block.tx).toMatchObject({ op: 'xfer', spender: { owner: bob.owner } });
        expect(sumOfBalances(ledger)).toBe(ledger.totalSupply());
    });

    it('transfer_from with balance below amount + fee is InsufficientFunds once the allowance suffices', () => {
        const { ledger, env, kv } = fund([[alice, 2n * E8S]]);
        env.as(alice.owner);
        ledger.approve({ spender: bob, amount: 10n * E8S });
        env.as(bob.owner);
        expect(expectUnchanged(kv, () => ledger.transferFrom({ from: alice, to: carol, amount: 2n * E8S }))).toEqual({ Err: { InsufficientFunds: { balance: 2n * E8S - FEE } } });
    });

    it('a spender equal to from needs no allowance; a burn through transfer_from spends only the amount', () => {
        const { ledger, env } = fund([[alice, 10n * E8S]]);
        env.as(alice.owner);
        expect(ledger.transferFrom({ from: alice, to: carol, amount: E8S })).toEqual({ Ok: 1n });
        ledger.approve({ spender: bob, amount: 5n * E8S });
        env.as(bob.owner);
        expect(ledger.transferFrom({ from: alice, to: { owner: MINTER }, amount: 2n * E8S })).toEqual({ Ok: 3n });
        expect(ledger.allowanceOf(alice, bob)).toEqual({ allowance: 3n * E8S });
        expect(decodeBlock(ledger.state.blockBytes(3n) as Uint8Array).tx).toMatchObject({ op: 'burn', spender: { owner: bob.owner } });
        const minter = ledger.transferFrom({ from: { owner: MINTER }, to: carol, amount: 1n }) as { Err: { GenericError: { error_code: bigint } } };
        expect(minter.Err.GenericError.error_code).toBe(ErrorCodes.MINTER_NOT_ALLOWED);
    });

    it('lists allowances (ICRC-103) across subaccounts after prev_spender, skipping expired ones', () => {
        const { ledger, env } = fund([
            [alice, 10n * E8S],
            [account(1, 1), 10n * E8S],
        ]);
        env.as(alice.owner);
        ledger.approve({ spender: carol, amount: 3n });
        ledger.approve({ spender: bob, amount: 2n });
        ledger.approve({ spender: account(9), amount: 9n, expires_at: T0 + SECOND });
        ledger.approve({ from_subaccount: sub(1), spender: bob, amount: 7n });
        const all = ledger.listAllowances(alice, undefined, undefined);
        expect(all.map((a) => [a.to_spender.owner[0], a.allowance, a.from_account.subaccount === undefined ? 0 : 1])).toEqual([
            [2, 2n, 0],
            [3, 3n, 0],
            [9, 9n, 0],
            [2, 7n, 1],
        ]);
        expect(ledger.listAllowances(alice, bob, 2n).map((a) => a.allowance)).toEqual([3n, 9n]);
        env.time = T0 + SECOND;
        expect(ledger.listAllowances(alice, undefined, undefined).map((a) => a.allowance)).toEqual([2n, 3n, 7n]);
        expect(ledger.listAllowances({ owner: alice.owner, subaccount: sub(1) }, undefined, undefined).map((a) => a.allowance)).toEqual([7n]);
    });
});

describe('fee collector', () => {
    it('credits transfer fees to the collector, naming it in the first block and pointing to that block afterwards', () => {
        const collector = account(77);
        const { ledger, env } = newLedger({ fee_collector_account: collector, initial_balances: [[alice, 10n * E8S]] });
        env.as(alice.owner);
        ledger.transfer({ to: bob, amount: 1n });
        ledger.transfer({ to: bob, amount: 1n });
        ledger.approve({ spender: bob, amount: 1n });
        expect(ledger.balanceOf(collector)).toBe(2n * FEE);
        expect(ledger.totalSupply()).toBe(10n * E8S - FEE);
        expect(decodeBlock(ledger.state.blockBytes(1n) as Uint8Array).feeCollector).toEqual({ owner: collector.owner });
        expect(decodeBlock(ledger.state.blockBytes(2n) as Uint8Array).feeCollectorBlock).toBe(1n);
        expect(sumOfBalances(ledger)).toBe(ledger.totalSupply());
        verifyChain(ledger);
    });
});

describe('upgrade', () => {
    it('keeps state in the stores, changes settings, and refuses to shrink the memo limit', () => {
        const { ledger, env, kv } = fund();
        env.as(alice.owner);
        ledger.transfer({ to: bob, amount: 5n, created_at_time: T0 });
        const again = reopen(kv, env);
        again.upgrade({ transfer_fee: 2n * FEE, token_name: 'EdgeMatrix', max_memo_length: 64, metadata: [['icrc1:logo', { Text: 'data:,' }]] });
        expect(again.settings()).toMatchObject({ fee: 2n * FEE, name: 'EdgeMatrix', symbol: 'EMC', maxMemoLength: 64 });
        expect(again.balanceOf(bob)).toBe(5n);
        expect(again.transfer({ to: bob, amount: 5n, created_at_time: T0 })).toEqual({ Err: { Duplicate: { duplicate_of: 1n } } });
        expect(again.transfer({ to: bob, amount: 5n, fee: FEE })).toEqual({ Err: { BadFee: { expected_fee: 2n * FEE } } });
        expect(() => again.upgrade({ max_memo_length: 40 })).toThrow('only grow');
        expect(() => again.upgrade({ metadata: [['icrc1:name', { Text: 'x' }]] })).toThrow('reserved');
        expect(() => again.upgrade({ change_fee_collector: { SetTo: { owner: MINTER } } })).toThrow('minting account');
        verifyChain(again);
    });
});

describe('invariants under random operations', () => {
    const who = fc.integer({ min: 1, max: 4 });
    const op = fc.oneof(
        fc.record({ kind: fc.constant('transfer' as const), from: who, to: who, toSub: fc.boolean(), amount: fc.bigInt({ min: 0n, max: 300n * E8S }), withTime: fc.boolean(), feeGiven: fc.boolean() }),
        fc.record({ kind: fc.constant('mint' as const), to: who, amount: fc.bigInt({ min: 0n, max: 100n * E8S }) }),
        fc.record({ kind: fc.constant('burn' as const), from: who, amount: fc.bigInt({ min: 0n, max: 50n * E8S }) }),
        fc.record({ kind: fc.constant('approve' as const), from: who, spender: who, amount: fc.bigInt({ min: 0n, max: 100n * E8S }), expires: fc.boolean() }),
        fc.record({ kind: fc.constant('transferFrom' as const), spender: who, from: who, to: who, amount: fc.bigInt({ min: 0n, max: 100n * E8S }) }),
        fc.record({ kind: fc.constant('tick' as const), seconds: fc.integer({ min: 0, max: 100_000 }) }),
    );

    function run(ledger: Ledger, env: ReturnType<typeof newLedger>['env'], kv: LedgerStores, o: any): void {
        const before = dump(kv);
        let r: { Ok: bigint } | { Err: unknown } = { Ok: 0n };
        switch (o.kind) {
            case 'transfer':
                env.as(principal(o.from));
                r = ledger.transfer({ to: account(o.to, o.toSub ? 5 : undefined), amount: o.amount, ...(o.withTime ? { created_at_time: env.time } : {}), ...(o.feeGiven ? { fee: FEE } : {}) });
                break;
            case 'mint':
                env.as(MINTER);
                r = ledger.transfer({ to: account(o.to), amount: o.amount });
                break;
            case 'burn':
                env.as(principal(o.from));
                r = ledger.transfer({ to: { owner: MINTER }, amount: o.amount });
                break;
            case 'approve':
                env.as(principal(o.from));
                r = ledger.approve({ spender: account(o.spender, 3), amount: o.amount, ...(o.expires ? { expires_at: env.time + 50_000n * SECOND } : {}) });
                break;
            case 'transferFrom':
                env.as(principal(o.spender));
                r = ledger.transferFrom({ spender_subaccount: sub(3), from: account(o.from), to: account(o.to), amount: o.amount });
                break;
            case 'tick':
                env.time += BigInt(o.seconds) * SECOND;
                return;
        }
        if ('Err' in r) expect(dump(kv)).toBe(before);
        expect(sumOfBalances(ledger)).toBe(ledger.totalSupply());
        expect(ledger.totalSupply()).toBeLessThanOrEqual(ledger.settings().maxSupply);
    }

    it('total supply = Σ balances, errors change nothing, and the parent hashes chain, after any sequence', () => {
        fc.assert(
            fc.property(fc.array(op, { maxLength: 40 }), (ops) => {
                const { ledger, env, kv } = newLedger({
                    initial_balances: [
                        [account(1), 500n * E8S],
                        [account(2), 50n * E8S],
                    ],
                });
                for (const o of ops) run(ledger, env, kv, o);
                verifyChain(ledger);
            }),
            { numRuns: 60 },
        );
    });
});
