/**
 * The $EMC ledger, as an operator uses it: balances, transfers, approvals, allowances, metadata.
 *
 * Transfers and approvals always carry `created_at_time` (the network's clock), so the ledger
 * deduplicates them: the client may repeat one after an unknown outcome, and the repeat is answered
 * `Duplicate`, which counts as success (`duplicate: true`, the original block index).
 */
import type { Principal } from '@dfinity/principal';
import { LEDGER_METHODS, ledgerServiceIdl } from '../ledger/api/interface';
import { fromCandidAccount, toCandidAccount, type Account } from './account';
import { CanisterClient, type ClientOptions } from './canister';
import { badInput, emc, ok, type Result } from './result';

export interface TransferArgs {
    to: Account;
    /** e8s */
    amount: bigint;
    memo?: Uint8Array;
    fromSubaccount?: Uint8Array;
    /** Default: the ledger's fee (omitted from the call). */
    fee?: bigint;
    /** Default: the network's clock now. Reuse it to repeat the same transfer safely. */
    createdAtTime?: bigint;
    /** A transfer of 0 moves nothing and still costs the fee: refused (BadInput) unless this is true. */
    allowZero?: boolean;
}

export interface ApproveArgs {
    spender: Account;
    /** e8s the spender may take (fees included). */
    amount: bigint;
    expectedAllowance?: bigint;
    /** ns since the Unix epoch */
    expiresAt?: bigint;
    memo?: Uint8Array;
    fromSubaccount?: Uint8Array;
    fee?: bigint;
    createdAtTime?: bigint;
}

export interface BlockReceipt {
    blockIndex: bigint;
    /** The ledger had already executed this very transaction (a repeat): nothing moved twice. */
    duplicate: boolean;
    createdAtTime: bigint;
}

export interface LedgerMetadata {
    name: string;
    symbol: string;
    decimals: number;
    /** e8s */
    fee: bigint;
    totalSupply: bigint;
    mintingAccount?: Account;
    /** Every ICRC-1 metadata entry (`icrc1:logo`, …). */
    entries: [string, unknown][];
}

export interface Allowance {
    allowance: bigint;
    expiresAt?: bigint;
}

type Err = Record<string, unknown>;

export class LedgerClient extends CanisterClient<typeof LEDGER_METHODS> {
    private cachedFee: bigint | undefined;

    constructor(opts: ClientOptions) {
        super(LEDGER_METHODS, ledgerServiceIdl, opts);
    }

    /** The balance of `account` (default: the caller's default account), in e8s. */
    async balance(account?: Account): Promise<Result<bigint>> {
        const a = account ?? { owner: await this.principal() };
        return this.call<bigint>('icrc1_balance_of', [toCandidAccount(a)]);
    }

    async fee(): Promise<Result<bigint>> {
        if (this.cachedFee !== undefined) return ok(this.cachedFee);
        const r = await this.call<bigint>('icrc1_fee', []);
        if (r.ok) this.cachedFee = r.value;
        return r;
    }

    async metadata(): Promise<Result<LedgerMetadata>> {
        const entries = await this.call<[string, Record<string, unknown>][]>('icrc1_metadata', []);
        if (!entries.ok) return entries;
        const supply = await this.call<bigint>('icrc1_total_supply', []);
        if (!supply.ok) return supply;
        const minting = await this.call<[] | [{ owner: Principal; subaccount: [] | [Uint8Array] }]>('icrc1_minting_account', []);
        if (!minting.ok) return minting;
        const get = (key: string): unknown => {
            const e = entries.value.find(([k]) => k === key);
            return e === undefined ? undefined : Object.values(e[1])[0];
        };
        const fee = get('icrc1:fee') as bigint;
        this.cachedFee = fee;
        return ok({
            name: get('icrc1:name') as string,
            symbol: get('icrc1:symbol') as string,
            decimals: Number(get('icrc1:decimals') as bigint),
            fee,
            totalSupply: supply.value,
            mintingAccount: minting.value.length === 1 ? fromCandidAccount(minting.value[0]) : undefined,
            entries: entries.value.map(([k, v]) => [k, Object.values(v)[0]]),
        });
    }

    async transfer(a: TransferArgs): Promise<Result<BlockReceipt>> {
        if (a.amount === 0n && a.allowZero !== true) return badInput('a transfer of 0 EMC moves nothing and still costs the ledger fee (allowZero: true sends it anyway)');
        const createdAtTime = a.createdAtTime ?? this.now();
        const arg = {
            from_subaccount: opt(a.fromSubaccount),
            to: toCandidAccount(a.to),
            amount: a.amount,
            fee: opt(a.fee),
            memo: opt(a.memo),
            created_at_time: [createdAtTime],
        };
        return this.receipt('icrc1_transfer', arg, createdAtTime, (e) => this.describe(e, a.amount, a.fee));
    }

    /** Lets `spender` take up to `amount` e8s from the caller's account (an approval replaces the previous one). */
    async approve(a: ApproveArgs): Promise<Result<BlockReceipt>> {
        const createdAtTime = a.createdAtTime ?? this.now();
        const arg = {
            fee: opt(a.fee),
            memo: opt(a.memo),
            from_subaccount: opt(a.fromSubaccount),
            created_at_time: [createdAtTime],
            amount: a.amount,
            expected_allowance: opt(a.expectedAllowance),
            expires_at: opt(a.expiresAt),
            spender: toCandidAccount(a.spender),
        };
        // An approval's fee is what the balance must cover.
        return this.receipt('icrc2_approve', arg, createdAtTime, (e) => this.describe(e, 0n, a.fee));
    }

    async allowance(a: { spender: Account; account?: Account }): Promise<Result<Allowance>> {
        const account = a.account ?? { owner: await this.principal() };
        const r = await this.call<{ allowance: bigint; expires_at: [] | [bigint] }>('icrc2_allowance', [{ account: toCandidAccount(account), spender: toCandidAccount(a.spender) }]);
        if (!r.ok) return r;
        return ok(r.value.expires_at.length === 1 ? { allowance: r.value.allowance, expiresAt: r.value.expires_at[0] } : { allowance: r.value.allowance });
    }

    private async receipt(method: 'icrc1_transfer' | 'icrc2_approve', arg: unknown, createdAtTime: bigint, describe: (e: Err) => Promise<string | undefined>): Promise<Result<BlockReceipt>> {
        const r = await this.invoke<{ Ok: bigint } | { Err: Err }>(method, [arg], { idempotent: true });
        if (r.result.ok && 'Err' in r.result.value && 'Duplicate' in r.result.value.Err) {
            const d = r.result.value.Err.Duplicate as { duplicate_of: bigint };
            return ok({ blockIndex: d.duplicate_of, duplicate: true, createdAtTime });
        }
        return this.settle(r, (blockIndex: bigint) => ({ blockIndex, duplicate: false, createdAtTime }), describe);
    }

    /** One-line messages for the ledger's error cases; `amount` + fee is what the account needed. */
    private async describe(e: Err, amount: bigint, fee: bigint | undefined): Promise<string | undefined> {
        const [kind] = Object.keys(e);
        const v = e[kind] as Record<string, bigint> | null;
        switch (kind) {
            case 'InsufficientFunds': {
                const f = fee ?? (await this.fee());
                const needed = amount + (typeof f === 'bigint' ? f : f.ok ? f.value : 0n);
                return `balance ${emc((v as Record<string, bigint>).balance)}, needed ${emc(needed)}`;
            }
            case 'BadFee':
                return `the ledger's fee is ${emc((v as Record<string, bigint>).expected_fee)}${fee === undefined ? '' : `, not ${emc(fee)}`}`;
            case 'BadBurn':
                return `a burn must be at least ${emc((v as Record<string, bigint>).min_burn_amount)}`;
            case 'TooOld':
                return 'created_at_time is more than 24 hours old; send it again as a new transaction';
            case 'CreatedInFuture':
                return `created_at_time is ahead of the ledger's clock (${isoTime((v as Record<string, bigint>).ledger_time)})`;
            case 'TemporarilyUnavailable':
                return 'the ledger is temporarily unavailable; nothing was changed';
            case 'AllowanceChanged':
                return `the current allowance is ${emc((v as Record<string, bigint>).current_allowance)}`;
            case 'Expired':
                return `expires_at is in the past (ledger time ${isoTime((v as Record<string, bigint>).ledger_time)})`;
            case 'GenericError': {
                const g = v as unknown as { error_code: bigint; message: string };
                return `${g.message} (code ${g.error_code})`;
            }
            default:
                return undefined;
        }
    }
}

function opt<T>(v: T | undefined): [] | [T] {
    return v === undefined ? [] : [v];
}

export function isoTime(ns: bigint): string {
    return new Date(Number(ns / 1_000_000n)).toISOString();
}
