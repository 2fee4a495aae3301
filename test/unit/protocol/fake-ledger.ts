/**
 * A LedgerClient backed by the real ledger domain on in-memory stores, with fault injection:
 * a call can be rejected before the ledger executes it, or after (the response is lost: SYS_UNKNOWN),
 * and responses can be held back to interleave concurrent operations.
 */
import { FakeEnv } from '../../../src/lib/env';
import type { Account } from '../../../src/ledger/account';
import { Ledger } from '../../../src/ledger/ledger';
import { LedgerState } from '../../../src/ledger/state';
import type { CallOutcome, LedgerPort, LedgerTransfer, LedgerTransferFrom } from '../../../src/protocol/model/ledger-port';
import { stores } from '../ledger/helpers';

export type Fault = { when: 'before' | 'after'; code: number; message?: string };

export class FakeLedgerClient implements LedgerPort {
    readonly env: FakeEnv;
    readonly ledger: Ledger;
    readonly faults: Fault[] = [];
    calls: { method: string; memo: Uint8Array; amount: bigint }[] = [];
    private gate: Promise<void> | undefined;
    private openGate: (() => void) | undefined;

    constructor(
        readonly protocolId: Uint8Array,
        minter: Uint8Array,
        balances: [Account, bigint][],
        timeSource: () => bigint,
    ) {
        this.env = new FakeEnv(minter, timeSource());
        Object.defineProperty(this.env, 'time', { get: timeSource, set: () => undefined });
        this.ledger = new Ledger(new LedgerState(stores()), this.env);
        this.ledger.init({ minting_account: { owner: minter }, transfer_fee: 100_000n, token_symbol: 'EMC', token_name: 'EMC', metadata: [], initial_balances: balances });
    }

    /** Holds every response until `release()` (to interleave concurrent operations). */
    hold(): void {
        this.gate = new Promise((r) => {
            this.openGate = r;
        });
    }

    release(): void {
        this.openGate?.();
        this.gate = undefined;
    }

    approve(owner: Uint8Array, amount: bigint): void {
        this.env.as(owner);
        const r = this.ledger.approve({ spender: { owner: this.protocolId }, amount });
        if (!('Ok' in r)) throw new Error(`approve failed: ${JSON.stringify(r, (_k, v) => (typeof v === 'bigint' ? v.toString() : v))}`);
    }

    balance(a: Account): bigint {
        return this.ledger.balanceOf(a);
    }

    async transferFrom(a: LedgerTransferFrom): Promise<CallOutcome<any>> {
        return this.run('transfer_from', a.memo, a.amount, () => {
            this.env.as(this.protocolId);
            return this.ledger.transferFrom({ from: a.from, to: a.to, amount: a.amount, memo: a.memo, created_at_time: a.created_at_time });
        });
    }

    async transfer(a: LedgerTransfer): Promise<CallOutcome<any>> {
        return this.run('transfer', a.memo, a.amount, () => {
            this.env.as(this.protocolId);
            return this.ledger.transfer({ from_subaccount: a.from_subaccount, to: a.to, amount: a.amount, memo: a.memo, created_at_time: a.created_at_time });
        });
    }

    async balanceOf(a: Account): Promise<CallOutcome<bigint>> {
        return { ok: this.ledger.balanceOf(a) };
    }

    private async run<T>(method: string, memo: Uint8Array, amount: bigint, execute: () => T): Promise<CallOutcome<T>> {
        this.calls.push({ method, memo, amount });
        await Promise.resolve();
        if (this.gate !== undefined) await this.gate;
        const fault = this.faults.shift();
        if (fault?.when === 'before') return { rejected: { code: fault.code, message: fault.message ?? 'injected fault before execution' } };
        const result = execute();
        if (fault?.when === 'after') return { rejected: { code: fault.code, message: fault.message ?? 'injected fault: the response was lost' } };
        return { ok: result };
    }
}
