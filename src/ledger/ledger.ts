/**
 * The $EMC ledger's rules: ICRC-1 transfers (with mint and burn through the minting account),
 * ICRC-2 approvals and transfers from, and the queries, following the DFINITY ICRC ledger's
 * behaviour (../shared/reference/icrc.md §2) except where docs/ledger.md says otherwise. Every
 * error leaves the state untouched: all checks (here, and the deduplication window: dedup.ts) come
 * before the first write (apply.ts). Install and upgrade: lifecycle.ts; the certified tip:
 * certification.ts; the calls' arguments, errors and error codes: calls.ts.
 * Storage: src/ledger/state.ts. Cost per token move (docs/ledger.md § Cost): the block's ICRC-3
 * hash (13-15 SHA-256 compressions; account hashes come from the entries read) and ~10 stable-map
 * operations, each entry read once; the tip is certified once per round (`certifyTip`, from the
 * canister's timer), not once per move.
 */
import type { Env } from '../lib/env';
import { concat } from '../lib/storage/bytes';
import { accountKey, accountProblem, isAnonymous, isDefaultSubaccount, sameAccount, type Account } from './account';
import { active, Applier } from './apply';
import { ErrorCodes, MAX_TOKENS, type ApproveArgs, type ApproveError, type Result, type TransferArgs, type TransferError, type TransferFromArgs, type TransferFromError } from './calls';
import { TipCertification } from './certification';
import { timeChecks } from './dedup';
import type { Tx } from './icrc3/block';
import { saveInitSettings, saveUpgradeSettings, type InitSettings, type UpgradeSettings } from './lifecycle';
import type { LedgerSettings } from './settings';
import type { AllowanceEntry, BalanceEntry, LedgerState } from './state';

export const MAX_TAKE_ALLOWANCES = 500n;

export class Ledger {
    readonly state: LedgerState;
    /** The writes of validated transactions and of the genesis (and the account-hash memos they use). */
    private readonly writer: Applier;
    private readonly certification: TipCertification;

    constructor(
        state: LedgerState,
        private readonly env: Env,
    ) {
        this.state = state;
        this.writer = new Applier(state, env);
        this.certification = new TipCertification(state, env);
    }

    settings(): LedgerSettings {
        return this.state.settings();
    }

    // ----- lifecycle ------------------------------------------------------------------------

    init(args: InitSettings): void {
        saveInitSettings(this.state, args);
        this.writer.genesis(args.initial_balances);
        this.certifyTip();
    }

    upgrade(args: UpgradeSettings | undefined): void {
        saveUpgradeSettings(this.state, args);
        this.certifyTip();
    }

    // ----- ICRC-1 ---------------------------------------------------------------------------

    transfer(args: TransferArgs): Result<bigint, TransferError> {
        const s = this.settings();
        const caller = this.env.caller();
        const pre = this.commonChecks(caller, args.memo, [args.to], [args.from_subaccount]);
        if (pre !== undefined) return { Err: pre };
        const from: Account = args.from_subaccount === undefined ? { owner: caller } : { owner: caller, subaccount: args.from_subaccount };
        const isMint = sameAccount(from, s.mintingAccount);
        const isBurn = sameAccount(args.to, s.mintingAccount);
        if (isMint && isBurn) return { Err: generic(ErrorCodes.MINTER_NOT_ALLOWED, 'the minting account cannot transfer to itself') };
        let tx: Tx;
        let effectiveFee: bigint | undefined;
        let debit = args.amount;
        let source: BalanceEntry | undefined;
        if (isMint || isBurn) {
            if (args.fee !== undefined && args.fee !== 0n) return { Err: { BadFee: { expected_fee: 0n } } };
            if (isBurn) {
                source = this.state.balanceEntry(from);
                const balance = source.balance;
                const minBurn = s.fee < balance ? s.fee : balance;
                if (args.amount === 0n || args.amount < minBurn) return { Err: { BadBurn: { min_burn_amount: minBurn } } };
                tx = { op: 'burn', from, amount: args.amount };
            } else {
                tx = { op: 'mint', to: args.to, amount: args.amount };
                debit = 0n;
            }
        } else {
            if (args.fee !== undefined && args.fee !== s.fee) return { Err: { BadFee: { expected_fee: s.fee } } };
            tx = { op: 'xfer', from, to: args.to, amount: args.amount };
            effectiveFee = s.fee;
            debit = args.amount + s.fee;
        }
        // As DFINITY's ledger: a mint or burn records no fee, even a fee of 0 the caller gave.
        const full = withUserFields(tx, isMint || isBurn ? { memo: args.memo, created_at_time: args.created_at_time } : args);
        const timing = timeChecks(this.env, this.state, args.created_at_time, full);
        if ('Err' in timing) return timing;
        if (tx.op === 'mint') {
            const supply = this.state.totalSupply();
            if (supply + args.amount > s.maxSupply) {
                return { Err: generic(ErrorCodes.SUPPLY_CAP, `minting ${args.amount} e8s would raise the total supply to ${supply + args.amount} e8s, above the maximum ${s.maxSupply}`) };
            }
        } else {
            source ??= this.state.balanceEntry(from);
            const balance = source.balance;
            if (balance < debit) return { Err: { InsufficientFunds: { balance } } };
        }
        return { Ok: this.writer.apply(full, args.fee === undefined ? effectiveFee : undefined, { dedupKey: timing.key, from: source }) };
    }

    // ----- ICRC-2 ---------------------------------------------------------------------------

    approve(args: ApproveArgs): Result<bigint, ApproveError> {
        const s = this.settings();
        const caller = this.env.caller();
        const pre = this.commonChecks(caller, args.memo, [args.spender], [args.from_subaccount]);
        if (pre !== undefined) return { Err: pre };
        const from: Account = args.from_subaccount === undefined ? { owner: caller } : { owner: caller, subaccount: args.from_subaccount };
        if (sameAccount(from, s.mintingAccount)) return { Err: generic(ErrorCodes.MINTER_NOT_ALLOWED, 'the minting account cannot approve') };
        if (bytesEq(args.spender.owner, caller)) return { Err: generic(ErrorCodes.SELF_APPROVAL, 'self approval is not allowed: the spender is owned by the caller') };
        if (args.fee !== undefined && args.fee !== s.fee) return { Err: { BadFee: { expected_fee: s.fee } } };
        const now = this.env.now();
        if (args.expires_at !== undefined && args.expires_at <= now) return { Err: { Expired: { ledger_time: now } } };
        const amount = args.amount > MAX_TOKENS ? MAX_TOKENS : args.amount;
        const tx = withUserFields(
            {
                op: 'approve',
                from,
                spender: args.spender,
                amount,
                ...(args.expected_allowance === undefined ? {} : { expectedAllowance: args.expected_allowance }),
                ...(args.expires_at === undefined ? {} : { expiresAt: args.expires_at }),
            },
            args,
        );
        const timing = timeChecks(this.env, this.state, args.created_at_time, tx);
        if ('Err' in timing) return timing;
        const allowance = this.state.allowanceEntry(from, args.spender);
        const current = active(allowance.record, now);
        if (args.expected_allowance !== undefined && args.expected_allowance !== current.amount) {
            return { Err: { AllowanceChanged: { current_allowance: current.amount } } };
        }
        const source = this.state.balanceEntry(from);
        const balance = source.balance;
        if (balance < s.fee) return { Err: { InsufficientFunds: { balance } } };
        return { Ok: this.writer.apply(tx, args.fee === undefined ? s.fee : undefined, { dedupKey: timing.key, from: source, allowance }) };
    }

    transferFrom(args: TransferFromArgs): Result<bigint, TransferFromError> {
        const s = this.settings();
        const caller = this.env.caller();
        const pre = this.commonChecks(caller, args.memo, [args.from, args.to], [args.spender_subaccount]);
        if (pre !== undefined) return { Err: pre };
        const spender: Account = args.spender_subaccount === undefined ? { owner: caller } : { owner: caller, subaccount: args.spender_subaccount };
        if (sameAccount(args.from, s.mintingAccount)) return { Err: generic(ErrorCodes.MINTER_NOT_ALLOWED, 'the minter account cannot delegate mints') };
        const isBurn = sameAccount(args.to, s.mintingAccount);
        const selfSpend = sameAccount(args.from, spender);
        let tx: Tx;
        let need: bigint;
        let effectiveFee: bigint | undefined;
        let source: BalanceEntry | undefined;
        if (isBurn) {
            if (args.fee !== undefined && args.fee !== 0n) return { Err: { BadFee: { expected_fee: 0n } } };
            source = this.state.balanceEntry(args.from);
            const balance = source.balance;
            const minBurn = s.fee < balance ? s.fee : balance;
            if (args.amount === 0n || args.amount < minBurn) return { Err: { BadBurn: { min_burn_amount: minBurn } } };
            // DFINITY records the spender of every icrc2_transfer_from, even when it is `from` itself.
            tx = { op: 'burn', from: args.from, amount: args.amount, spender };
            need = args.amount;
        } else {
            if (args.fee !== undefined && args.fee !== s.fee) return { Err: { BadFee: { expected_fee: s.fee } } };
            tx = { op: 'xfer', from: args.from, to: args.to, amount: args.amount, spender };
            need = args.amount + s.fee;
            effectiveFee = s.fee;
        }
        const full = withUserFields(tx, isBurn ? { memo: args.memo, created_at_time: args.created_at_time } : args);
        const timing = timeChecks(this.env, this.state, args.created_at_time, full);
        if ('Err' in timing) return timing;
        const now = this.env.now();
        let allowance: AllowanceEntry | undefined;
        if (!selfSpend) {
            allowance = this.state.allowanceEntry(args.from, spender);
            const available = active(allowance.record, now).amount;
            if (available < need) return { Err: { InsufficientAllowance: { allowance: available } } };
        }
        source ??= this.state.balanceEntry(args.from);
        const balance = source.balance;
        if (balance < need) return { Err: { InsufficientFunds: { balance } } };
        return { Ok: this.writer.apply(full, args.fee === undefined ? effectiveFee : undefined, { dedupKey: timing.key, from: source, allowance }) };
    }

    // ----- queries ----------------------------------------------------------------------------

    balanceOf(a: Account): bigint {
        return this.state.balance(a);
    }

    allowanceOf(from: Account, spender: Account): { allowance: bigint; expires_at?: bigint } {
        const a = this.activeAllowance(from, spender, this.env.now());
        return a.expiresAt === 0n || a.amount === 0n ? { allowance: a.amount } : { allowance: a.amount, expires_at: a.expiresAt };
    }

    /** ICRC-103: the owner's active approvals in (from, spender) order after `prevSpender`. */
    listAllowances(from: Account, prevSpender: Account | undefined, take: bigint | undefined): { from_account: Account; to_spender: Account; allowance: bigint; expires_at?: bigint }[] {
        const limit = Number(take === undefined || take > MAX_TAKE_ALLOWANCES ? MAX_TAKE_ALLOWANCES : take);
        const fromSub = from.subaccount ?? new Uint8Array(32);
        const after = prevSpender === undefined ? undefined : concat([fromSub, accountKey(prevSpender)]);
        const now = this.env.now();
        const out: { from_account: Account; to_spender: Account; allowance: bigint; expires_at?: bigint }[] = [];
        let cursor = after;
        while (out.length < limit) {
            const batch = this.state.spenderEntries(from.owner, fromSub, cursor, limit - out.length);
            if (batch.length === 0) break;
            for (const e of batch) {
                const fromAccount: Account = isDefaultSubaccount(e.fromSub) ? { owner: from.owner } : { owner: from.owner, subaccount: e.fromSub };
                const spender = accountFromKeyBytes(e.spenderKey);
                const a = this.activeAllowance(fromAccount, spender, now);
                if (a.amount > 0n) out.push({ from_account: fromAccount, to_spender: spender, allowance: a.amount, ...(a.expiresAt === 0n ? {} : { expires_at: a.expiresAt }) });
                cursor = concat([e.fromSub, e.spenderKey]);
            }
        }
        return out;
    }

    totalSupply(): bigint {
        return this.state.totalSupply();
    }

    // ----- internals --------------------------------------------------------------------------

    private commonChecks(caller: Uint8Array, memo: Uint8Array | undefined, accounts: Account[], subaccounts: (Uint8Array | undefined)[]): { GenericError: { error_code: bigint; message: string } } | undefined {
        if (isAnonymous(caller)) return generic(ErrorCodes.ANONYMOUS_CALLER, 'the anonymous principal cannot send, approve or spend tokens');
        for (const a of accounts) {
            const p = accountProblem(a);
            if (p !== undefined) return generic(ErrorCodes.INVALID_ACCOUNT, `invalid account: ${p}`);
        }
        for (const sub of subaccounts) {
            if (sub !== undefined && sub.length !== 32) return generic(ErrorCodes.INVALID_ACCOUNT, `invalid subaccount: must be 32 bytes, got ${sub.length}`);
        }
        const max = this.settings().maxMemoLength;
        if (memo !== undefined && memo.length > max) return generic(ErrorCodes.MEMO_TOO_LONG, `the memo is ${memo.length} bytes; at most ${max} are allowed`);
        return undefined;
    }

    private activeAllowance(from: Account, spender: Account, now: bigint): { amount: bigint; expiresAt: bigint } {
        return active(this.state.allowance(from, spender), now);
    }

    // ----- the certified tip (certification.ts) -------------------------------------------------

    /** Certifies the tip (init, upgrade, and the canister's timer after blocks were appended). */
    certifyTip(): void {
        this.certification.certifyTip();
    }

    /** Whether blocks were appended since this heap last certified the tip. */
    certificationPending(): boolean {
        return this.certification.certificationPending();
    }

    /** The (last block index, last block hash) the certified data commits to; undefined for the empty tree. */
    certifiedTip(): { index: bigint; hash: Uint8Array } | undefined {
        return this.certification.certifiedTip();
    }
}

function generic(code: bigint, message: string): { GenericError: { error_code: bigint; message: string } } {
    return { GenericError: { error_code: code, message } };
}

function bytesEq(a: Uint8Array, b: Uint8Array): boolean {
    return a.length === b.length && a.every((x, i) => x === b[i]);
}

function accountFromKeyBytes(key: Uint8Array): Account {
    const owner = key.slice(1, 1 + key[0]);
    const sub = key.slice(30, 62);
    return isDefaultSubaccount(sub) ? { owner } : { owner, subaccount: sub };
}

function withUserFields<T extends Tx>(tx: T, args: { fee?: bigint; memo?: Uint8Array; created_at_time?: bigint }): T & { fee?: bigint; memo?: Uint8Array; createdAtTime?: bigint } {
    return {
        ...tx,
        ...(args.fee === undefined ? {} : { fee: args.fee }),
        ...(args.memo === undefined ? {} : { memo: args.memo }),
        ...(args.created_at_time === undefined ? {} : { createdAtTime: args.created_at_time }),
    };
}
