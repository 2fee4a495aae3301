/**
 * The $EMC ledger, as an operator uses it: balances, transfers, approvals, allowances, metadata.
 * Each method is a thin wrapper of one ICRC-1/2 method: its parameters go through
 * converters/ledger.ts, its error cases through errors/ledger.ts; the types are in types/ledger.ts.
 *
 * Transfers and approvals always carry `created_at_time` (the network's clock), so the ledger
 * deduplicates them: the client may repeat one after an unknown outcome, and the repeat is answered
 * `Duplicate`, which counts as success (`duplicate: true`, the original block index).
 */
import type { Principal } from '@dfinity/principal';
import { LEDGER_METHODS, ledgerServiceIdl } from '../ledger/api/interface';
import { CanisterClient, type ClientOptions } from './canister';
import { toCandidAccount } from './converters/account';
import { allowanceOf, approveArg, metadataOf, transferArg } from './converters/ledger';
import { describeLedgerError } from './errors/ledger';
import { badInput, ok, type ClientResult } from './result';
import type { IcrcAccount } from './types/account';
import type { LedgerAllowance, ApproveParams, BlockReceipt, LedgerMetadata, TransferParams } from './types/ledger';

type Err = Record<string, unknown>;

export class LedgerClient extends CanisterClient<typeof LEDGER_METHODS> {
    private cachedFee: bigint | undefined;

    constructor(opts: ClientOptions) {
        super(LEDGER_METHODS, ledgerServiceIdl, opts);
    }

    /** The balance of `account` (default: the caller's default account), in e8s. */
    async balance(account?: IcrcAccount): Promise<ClientResult<bigint>> {
        const a = account ?? { owner: await this.principal() };
        return this.call<bigint>('icrc1_balance_of', [toCandidAccount(a)]);
    }

    async fee(): Promise<ClientResult<bigint>> {
        if (this.cachedFee !== undefined) return ok(this.cachedFee);
        const r = await this.call<bigint>('icrc1_fee', []);
        if (r.ok) this.cachedFee = r.value;
        return r;
    }

    /** The ledger's fee for an error message, undefined if it cannot be read. */
    private async knownFee(): Promise<bigint | undefined> {
        const f = await this.fee();
        return f.ok ? f.value : undefined;
    }

    async metadata(): Promise<ClientResult<LedgerMetadata>> {
        const entries = await this.call<[string, Record<string, unknown>][]>('icrc1_metadata', []);
        if (!entries.ok) return entries;
        const supply = await this.call<bigint>('icrc1_total_supply', []);
        if (!supply.ok) return supply;
        const minting = await this.call<[] | [{ owner: Principal; subaccount: [] | [Uint8Array] }]>('icrc1_minting_account', []);
        if (!minting.ok) return minting;
        const m = metadataOf(entries.value, supply.value, minting.value);
        this.cachedFee = m.fee;
        return ok(m);
    }

    async transfer(a: TransferParams): Promise<ClientResult<BlockReceipt>> {
        if (a.amount === 0n && a.allowZero !== true) return badInput('a transfer of 0 EMC moves nothing and still costs the ledger fee (allowZero: true sends it anyway)');
        const createdAtTime = a.createdAtTime ?? this.now();
        return this.receipt('icrc1_transfer', transferArg(a, createdAtTime), createdAtTime, (e) => describeLedgerError(e, a.amount, a.fee, () => this.knownFee()));
    }

    /** Lets `spender` take up to `amount` e8s from the caller's account (an approval replaces the previous one). */
    async approve(a: ApproveParams): Promise<ClientResult<BlockReceipt>> {
        const createdAtTime = a.createdAtTime ?? this.now();
        // An approval's fee is what the balance must cover.
        return this.receipt('icrc2_approve', approveArg(a, createdAtTime), createdAtTime, (e) => describeLedgerError(e, 0n, a.fee, () => this.knownFee()));
    }

    async allowance(a: { spender: IcrcAccount; account?: IcrcAccount }): Promise<ClientResult<LedgerAllowance>> {
        const account = a.account ?? { owner: await this.principal() };
        const r = await this.call<{ allowance: bigint; expires_at: [] | [bigint] }>('icrc2_allowance', [{ account: toCandidAccount(account), spender: toCandidAccount(a.spender) }]);
        return r.ok ? ok(allowanceOf(r.value)) : r;
    }

    /** A transfer or approval: Ok and a repeat answered `Duplicate` are receipts; other errors are described. */
    private async receipt(method: 'icrc1_transfer' | 'icrc2_approve', arg: unknown, createdAtTime: bigint, describe: (e: Err) => Promise<string | undefined>): Promise<ClientResult<BlockReceipt>> {
        const r = await this.invoke<{ Ok: bigint } | { Err: Err }>(method, [arg], { idempotent: true });
        if (r.result.ok && 'Err' in r.result.value && 'Duplicate' in r.result.value.Err) {
            const d = r.result.value.Err.Duplicate as { duplicate_of: bigint };
            return ok({ blockIndex: d.duplicate_of, duplicate: true, createdAtTime });
        }
        return this.settle(r, (blockIndex: bigint) => ({ blockIndex, duplicate: false, createdAtTime }), describe);
    }
}
