/** A ledger over in-memory stores with a hand-driven clock, for unit tests of the domain. */
import { FakeEnv } from '../../../src/lib/env';
import type { Account } from '../../../src/ledger/account';
import { blockHash } from '../../../src/ledger/icrc3/block-hash';
import { decodeBlock } from '../../../src/ledger/icrc3/codec';
import { Ledger } from '../../../src/ledger/ledger';
import type { InitSettings } from '../../../src/ledger/lifecycle';
import { LedgerState, type LedgerStores } from '../../../src/ledger/state';
import { MemoryKV } from '../../../src/lib/storage/kv';

export const E8S = 100_000_000n;
export const FEE = 100_000n;
export const T0 = 1_750_000_000_000_000_000n;
export const SECOND = 1_000_000_000n;

/** A principal's bytes: self-authenticating-looking 29 bytes derived from `n`. */
export function principal(n: number): Uint8Array {
    const p = new Uint8Array(29);
    p[0] = n & 255;
    p[1] = n >> 8;
    p[28] = 0x02;
    return p;
}

export function sub(n: number): Uint8Array {
    const s = new Uint8Array(32);
    s[31] = n;
    return s;
}

export const MINTER = principal(1000);
export const ANONYMOUS = new Uint8Array([4]);

export function stores(): LedgerStores {
    return { config: new MemoryKV(), balances: new MemoryKV(), allowances: new MemoryKV(), spenders: new MemoryKV(), expiries: new MemoryKV(), blocks: new MemoryKV(), dedup: new MemoryKV() };
}

export function newLedger(init: Partial<InitSettings> = {}, kv: LedgerStores = stores()): { ledger: Ledger; env: FakeEnv; kv: LedgerStores } {
    const env = new FakeEnv(MINTER, T0);
    const ledger = new Ledger(new LedgerState(kv), env);
    ledger.init({
        minting_account: { owner: MINTER },
        transfer_fee: FEE,
        token_symbol: 'EMC',
        token_name: 'EMC',
        metadata: [],
        initial_balances: [],
        ...init,
    });
    return { ledger, env, kv };
}

/** The same stores seen by a fresh Ledger object (what an upgrade does to the heap). */
export function reopen(kv: LedgerStores, env: FakeEnv): Ledger {
    return new Ledger(new LedgerState(kv), env);
}

export function account(n: number, subaccount?: number): Account {
    return subaccount === undefined ? { owner: principal(n) } : { owner: principal(n), subaccount: sub(subaccount) };
}

/** Σ balances over every account (the supply invariant's right-hand side). */
export function sumOfBalances(ledger: Ledger): bigint {
    let total = 0n;
    for (let start = 0; ; start += 500) {
        const page = ledger.state.balancesPage(start, 500);
        for (const [, b] of page) total += b;
        if (page.length < 500) return total;
    }
}

/** Checks every block's parent hash against the hash of the block before it; returns the chain length. */
export function verifyChain(ledger: Ledger): bigint {
    const n = ledger.state.blockCount();
    let previous: Uint8Array | undefined;
    for (let i = 0n; i < n; i++) {
        const block = decodeBlock(ledger.state.blockBytes(i) as Uint8Array);
        if (previous === undefined) {
            if (block.parentHash !== undefined) throw new Error(`block 0 has a parent hash`);
        } else if (block.parentHash === undefined || Buffer.compare(Buffer.from(block.parentHash), Buffer.from(previous)) !== 0) {
            throw new Error(`block ${i}: parent hash does not match block ${i - 1n}`);
        }
        previous = blockHash(block);
    }
    const tip = ledger.state.tipHash();
    if (n > 0n && (tip === undefined || Buffer.compare(Buffer.from(tip), Buffer.from(previous as Uint8Array)) !== 0)) throw new Error('the stored tip is not the last block hash');
    return n;
}
