/**
 * The $EMC ledger's rules: ICRC-1 transfers (with mint and burn through the minting account),
 * ICRC-2 approvals and transfers from, deduplication, blocks and the certified tip, following the
 * DFINITY ICRC ledger's behaviour (../shared/reference/icrc.md §2) except where docs/ledger.md says
 * otherwise. Every error leaves the state untouched: all checks come before the first write.
 * Storage: src/ledger/state.ts. Cost per token move (docs/ledger.md § Cost): the block's ICRC-3
 * hash (13-15 SHA-256 compressions; account hashes come from the entries read) and ~10 stable-map
 * operations, each entry read once; the tip is certified once per round (`certifyTip`, from the
 * canister's timer), not once per move.
 */
import type { Env } from '../lib/env';
import { concat, leb128, u64be } from '../lib/storage/bytes';
import { accountKey, accountProblem, isAnonymous, isDefaultSubaccount, sameAccount, type Account } from './account';
import { bytesToDigest, digestToBytes } from '../lib/crypto/sha256';
import { AccountHashCache, blockHash, encodeBlock, tipTreeRootHash, type Block, type Tx } from './icrc3/block';
import { EMC_DEFAULTS, type LedgerSettings, type MetadataValue, type ArchiveOptions } from './settings';
import { LedgerState, type AllowanceEntry, type AllowanceRecord, type BalanceEntry } from './state';

export type Result<T, E> = { Ok: T } | { Err: E };

export type TransferError =
    | { BadFee: { expected_fee: bigint } }
    | { BadBurn: { min_burn_amount: bigint } }
    | { InsufficientFunds: { balance: bigint } }
    | { TooOld: null }
    | { CreatedInFuture: { ledger_time: bigint } }
    | { TemporarilyUnavailable: null }
    | { Duplicate: { duplicate_of: bigint } }
    | { GenericError: { error_code: bigint; message: string } };

export type ApproveError =
    | { BadFee: { expected_fee: bigint } }
    | { InsufficientFunds: { balance: bigint } }
    | { AllowanceChanged: { current_allowance: bigint } }
    | { Expired: { ledger_time: bigint } }
    | { TooOld: null }
    | { CreatedInFuture: { ledger_time: bigint } }
    | { Duplicate: { duplicate_of: bigint } }
    | { TemporarilyUnavailable: null }
    | { GenericError: { error_code: bigint; message: string } };

export type TransferFromError =
    | { BadFee: { expected_fee: bigint } }
    | { BadBurn: { min_burn_amount: bigint } }
    | { InsufficientFunds: { balance: bigint } }
    | { InsufficientAllowance: { allowance: bigint } }
    | { TooOld: null }
    | { CreatedInFuture: { ledger_time: bigint } }
    | { Duplicate: { duplicate_of: bigint } }
    | { TemporarilyUnavailable: null }
    | { GenericError: { error_code: bigint; message: string } };

export interface TransferArgs {
    from_subaccount?: Uint8Array;
    to: Account;
    amount: bigint;
    fee?: bigint;
    memo?: Uint8Array;
    created_at_time?: bigint;
}

export interface ApproveArgs {
    from_subaccount?: Uint8Array;
    spender: Account;
    amount: bigint;
    expected_allowance?: bigint;
    expires_at?: bigint;
    fee?: bigint;
    memo?: Uint8Array;
    created_at_time?: bigint;
}

export interface TransferFromArgs {
    spender_subaccount?: Uint8Array;
    from: Account;
    to: Account;
    amount: bigint;
    fee?: bigint;
    memo?: Uint8Array;
    created_at_time?: bigint;
}

/** GenericError codes of this ledger (docs/ledger.md). */
export const ErrorCodes = {
    ANONYMOUS_CALLER: 1001n,
    INVALID_ACCOUNT: 1002n,
    MEMO_TOO_LONG: 1003n,
    SUPPLY_CAP: 1004n,
    SELF_APPROVAL: 1005n,
    MINTER_NOT_ALLOWED: 1006n,
} as const;

/** Deduplication window and permitted clock drift (DFINITY: 24 h and 60 s). */
export const TX_WINDOW_NS = 24n * 3600n * 1_000_000_000n;
export const PERMITTED_DRIFT_NS = 60n * 1_000_000_000n;
/** Allowances are capped at what the ledger's u64 balances can hold. */
export const MAX_TOKENS = (1n << 64n) - 1n;
/** Lazily removed stale entries per state-changing call (dedup window, expired approvals). */
const PRUNE_PER_CALL = 2;
/** A genesis larger than this would not fit the install message's instruction budget. */
export const MAX_INITIAL_BALANCES = 20_000;
/** Reserved metadata keys (computed by the ledger; a deployer may not set them). */
export const RESERVED_METADATA = ['icrc1:decimals', 'icrc1:name', 'icrc1:symbol', 'icrc1:fee', 'icrc1:max_memo_length', 'icrc103:public_allowances', 'icrc103:max_take_value', 'icrc106:index_principal'];
export const MAX_TAKE_ALLOWANCES = 500n;

export interface InitSettings {
    minting_account: Account;
    fee_collector_account?: Account;
    transfer_fee: bigint;
    decimals?: number;
    max_memo_length?: number;
    token_symbol: string;
    token_name: string;
    metadata: [string, MetadataValue][];
    initial_balances: [Account, bigint][];
    feature_flags?: { icrc2: boolean };
    archive_options?: ArchiveOptions;
    index_principal?: Uint8Array;
    max_supply?: bigint;
}

export interface UpgradeSettings {
    metadata?: [string, MetadataValue][];
    token_symbol?: string;
    token_name?: string;
    transfer_fee?: bigint;
    change_fee_collector?: { Unset: null } | { SetTo: Account };
    max_memo_length?: number;
    feature_flags?: { icrc2: boolean };
    change_archive_options?: Partial<ArchiveOptions>;
    index_principal?: Uint8Array;
}

/** A configuration error: the install or upgrade is refused (the canister traps with this message). */
export class LedgerConfigError extends Error {}

export class Ledger {
    readonly state: LedgerState;
    /** Heap-only memo of account hashes for block hashing (a cache: rebuilt after an upgrade). */
    private readonly accountHashes = new AccountHashCache(20_000);
    /** The account hashes of the transaction being applied, by account object (see `know`). */
    private readonly known = new Map<Account, Int32Array>();
    private readonly knownHook = (a: Account): Int32Array => this.known.get(a) ?? this.accountHashes.get(a);
    /** What the certified data commits to, and the block count when it was set (-1: not yet in this heap). */
    private certified: { index: bigint; hash: Uint8Array } | undefined = undefined;
    private certifiedCount = -1n;

    constructor(
        state: LedgerState,
        private readonly env: Env,
    ) {
        this.state = state;
    }

    settings(): LedgerSettings {
        return this.state.settings();
    }

    // ----- lifecycle ------------------------------------------------------------------------

    init(args: InitSettings): void {
        if (this.state.isInitialized()) throw new LedgerConfigError('the ledger is already initialized');
        const problem = accountProblem(args.minting_account);
        if (problem !== undefined) throw new LedgerConfigError(`minting_account: ${problem}`);
        if (args.fee_collector_account !== undefined) {
            const p = accountProblem(args.fee_collector_account);
            if (p !== undefined) throw new LedgerConfigError(`fee_collector_account: ${p}`);
            if (sameAccount(args.fee_collector_account, args.minting_account)) throw new LedgerConfigError('the fee collector must not be the minting account');
        }
        checkMetadata(args.metadata);
        const maxSupply = args.max_supply ?? EMC_DEFAULTS.maxSupply;
        if (args.initial_balances.length > MAX_INITIAL_BALANCES) {
            throw new LedgerConfigError(`at most ${MAX_INITIAL_BALANCES} initial balances fit one install; got ${args.initial_balances.length}`);
        }
        let total = 0n;
        for (const [account, amount] of args.initial_balances) {
            const p = accountProblem(account);
            if (p !== undefined) throw new LedgerConfigError(`initial balance account: ${p}`);
            if (sameAccount(account, args.minting_account)) throw new LedgerConfigError('the minting account cannot hold an initial balance');
            if (amount < 0n) throw new LedgerConfigError('initial balances must not be negative');
            total += amount;
        }
        if (total > maxSupply) throw new LedgerConfigError(`initial balances total ${total} e8s, more than the maximum supply ${maxSupply}`);
        if (args.transfer_fee < 0n || args.transfer_fee > MAX_TOKENS) throw new LedgerConfigError('transfer_fee out of range');
        const memo = args.max_memo_length ?? EMC_DEFAULTS.maxMemoLength;
        if (memo < 32) throw new LedgerConfigError('max_memo_length must be at least 32');
        this.state.saveSettings({
            name: args.token_name,
            symbol: args.token_symbol,
            decimals: args.decimals ?? EMC_DEFAULTS.decimals,
            fee: args.transfer_fee,
            maxMemoLength: memo,
            mintingAccount: canonical(args.minting_account),
            feeCollector: args.fee_collector_account === undefined ? undefined : canonical(args.fee_collector_account),
            metadata: args.metadata,
            maxSupply,
            archiveOptions: args.archive_options,
            indexPrincipal: args.index_principal,
            featureFlags: args.feature_flags ?? { icrc2: true },
        });
        this.state.setTotalSupply(0n);
        const now = this.env.now();
        for (const [to, amount] of args.initial_balances) {
            if (amount === 0n) continue;
            const entry = this.state.balanceEntry(to);
            this.known.clear();
            this.know(to, entry);
            this.state.setBalanceEntry(entry, entry.balance + amount);
            this.state.setTotalSupply(this.state.totalSupply() + amount);
            this.appendBlock({ tx: { op: 'mint', to, amount }, timestamp: now });
        }
        this.certifyTip();
    }

    upgrade(args: UpgradeSettings | undefined): void {
        if (!this.state.isInitialized()) throw new LedgerConfigError('cannot upgrade a ledger that was never initialized');
        const s = { ...this.state.settings() };
        if (args !== undefined) {
            if (args.metadata !== undefined) {
                checkMetadata(args.metadata);
                s.metadata = args.metadata;
            }
            if (args.token_symbol !== undefined) s.symbol = args.token_symbol;
            if (args.token_name !== undefined) s.name = args.token_name;
            if (args.transfer_fee !== undefined) {
                if (args.transfer_fee < 0n || args.transfer_fee > MAX_TOKENS) throw new LedgerConfigError('transfer_fee out of range');
                s.fee = args.transfer_fee;
            }
            if (args.max_memo_length !== undefined) {
                if (args.max_memo_length < s.maxMemoLength) throw new LedgerConfigError(`max_memo_length can only grow (is ${s.maxMemoLength}, asked ${args.max_memo_length})`);
                s.maxMemoLength = args.max_memo_length;
            }
            if (args.change_fee_collector !== undefined) {
                if ('Unset' in args.change_fee_collector) {
                    s.feeCollector = undefined;
                } else {
                    const p = accountProblem(args.change_fee_collector.SetTo);
                    if (p !== undefined) throw new LedgerConfigError(`fee collector: ${p}`);
                    if (sameAccount(args.change_fee_collector.SetTo, s.mintingAccount)) throw new LedgerConfigError('the fee collector must not be the minting account');
                    s.feeCollector = canonical(args.change_fee_collector.SetTo);
                }
                this.state.setFeeCollectorBlock(undefined);
            }
            if (args.feature_flags !== undefined) s.featureFlags = args.feature_flags;
            if (args.change_archive_options !== undefined) {
                if (s.archiveOptions === undefined) throw new LedgerConfigError('there are no archive options to change');
                const patch = Object.fromEntries(Object.entries(args.change_archive_options).filter(([, v]) => v !== undefined));
                s.archiveOptions = { ...s.archiveOptions, ...patch };
            }
            if (args.index_principal !== undefined) s.indexPrincipal = args.index_principal;
        }
        this.state.saveSettings(s);
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
        const timing = this.timeChecks(args.created_at_time, full);
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
        return { Ok: this.apply(full, args.fee === undefined ? effectiveFee : undefined, { dedupKey: timing.key, from: source }) };
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
        const timing = this.timeChecks(args.created_at_time, tx);
        if ('Err' in timing) return timing;
        const allowance = this.state.allowanceEntry(from, args.spender);
        const current = active(allowance.record, now);
        if (args.expected_allowance !== undefined && args.expected_allowance !== current.amount) {
            return { Err: { AllowanceChanged: { current_allowance: current.amount } } };
        }
        const source = this.state.balanceEntry(from);
        const balance = source.balance;
        if (balance < s.fee) return { Err: { InsufficientFunds: { balance } } };
        return { Ok: this.apply(tx, args.fee === undefined ? s.fee : undefined, { dedupKey: timing.key, from: source, allowance }) };
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
        const timing = this.timeChecks(args.created_at_time, full);
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
        return { Ok: this.apply(full, args.fee === undefined ? effectiveFee : undefined, { dedupKey: timing.key, from: source, allowance }) };
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

    /** The window checks of created_at_time; on success the deduplication key (built once per message). */
    private timeChecks(createdAt: bigint | undefined, tx: Tx & { fee?: bigint; memo?: Uint8Array; createdAtTime?: bigint }): { Err: { TooOld: null } | { CreatedInFuture: { ledger_time: bigint } } | { Duplicate: { duplicate_of: bigint } } } | { key: Uint8Array | undefined } {
        if (createdAt === undefined) return { key: undefined };
        const now = this.env.now();
        if (createdAt + TX_WINDOW_NS < now) return { Err: { TooOld: null } };
        if (createdAt > now + PERMITTED_DRIFT_NS) return { Err: { CreatedInFuture: { ledger_time: now } } };
        const key = dedupKey(createdAt, tx);
        const duplicate = this.state.duplicateOf(key);
        if (duplicate !== undefined) return { Err: { Duplicate: { duplicate_of: duplicate } } };
        return { key };
    }

    private activeAllowance(from: Account, spender: Account, now: bigint): { amount: bigint; expiresAt: bigint } {
        return active(this.state.allowance(from, spender), now);
    }

    /**
     * The words of `a`'s ICRC-3 hash for the block being built, taken from the entry the message
     * read when it holds the hash of this representation of the account, else computed (a bounded
     * heap memo first) and put in the entry so that the entry's next write stores it.
     */
    private know(a: Account, entry: { hash: Uint8Array | undefined } | undefined): Int32Array {
        const canonical = canonicalForm(a);
        let words: Int32Array;
        if (entry !== undefined && entry.hash !== undefined && canonical) {
            words = bytesToDigest(entry.hash);
        } else {
            words = this.accountHashes.get(a);
            if (entry !== undefined && canonical) entry.hash = digestToBytes(words);
        }
        this.known.set(a, words);
        return words;
    }

    /**
     * Applies a validated transaction: balances, allowance, supply, block, dedup entry. Entries the
     * checks read come in `prep` and are not read again. The tip is certified later, once for all
     * the transactions of a round (`certifyTip`, from the canister's timer).
     */
    private apply(tx: Tx & { fee?: bigint; memo?: Uint8Array; createdAtTime?: bigint }, effectiveFee: bigint | undefined, prep: Prepared): bigint {
        const s = this.settings();
        const now = this.env.now();
        const fee = tx.fee ?? effectiveFee ?? 0n;
        let supply = this.state.totalSupply();
        let feeCollected = false;
        this.known.clear();
        switch (tx.op) {
            case 'mint': {
                const to = this.state.balanceEntry(tx.to);
                this.know(tx.to, to);
                this.state.setBalanceEntry(to, to.balance + tx.amount);
                supply += tx.amount;
                break;
            }
            case 'burn': {
                const from = prep.from ?? this.state.balanceEntry(tx.from);
                this.know(tx.from, from);
                this.state.setBalanceEntry(from, from.balance - tx.amount);
                supply -= tx.amount;
                if (tx.spender !== undefined) this.spendOrKnow(tx.from, tx.spender, prep.allowance, tx.amount, now);
                break;
            }
            case 'xfer': {
                const from = prep.from ?? this.state.balanceEntry(tx.from);
                this.know(tx.from, from);
                this.state.setBalanceEntry(from, from.balance - tx.amount - fee);
                // read after the debit: `to` may be `from`
                const to = this.state.balanceEntry(tx.to);
                this.know(tx.to, to);
                this.state.setBalanceEntry(to, to.balance + tx.amount);
                if (s.feeCollector !== undefined) {
                    const collector = this.state.balanceEntry(s.feeCollector);
                    this.state.setBalanceEntry(collector, collector.balance + fee);
                    feeCollected = true;
                } else {
                    supply -= fee;
                }
                if (tx.spender !== undefined) this.spendOrKnow(tx.from, tx.spender, prep.allowance, tx.amount + fee, now);
                break;
            }
            case 'approve': {
                const from = prep.from ?? this.state.balanceEntry(tx.from);
                this.know(tx.from, from);
                this.state.setBalanceEntry(from, from.balance - fee);
                supply -= fee;
                const allowance = prep.allowance ?? this.state.allowanceEntry(tx.from, tx.spender);
                const held = { hash: allowance.record?.spenderHash };
                // a new spender: its balance entry may hold its hash (one read instead of 2-4 compressions)
                if (held.hash === undefined && canonicalForm(tx.spender)) held.hash = this.state.balanceEntry(tx.spender).hash;
                this.know(tx.spender, held);
                this.state.writeAllowance(allowance, tx.amount === 0n ? undefined : { amount: tx.amount, expiresAt: tx.expiresAt ?? 0n, ...(held.hash === undefined ? {} : { spenderHash: held.hash }) });
                break;
            }
        }
        if (supply !== this.state.totalSupply()) this.state.setTotalSupply(supply);
        const block: Block = { tx, timestamp: now, ...(effectiveFee === undefined ? {} : { effectiveFee }) };
        if (feeCollected && s.feeCollector !== undefined) {
            const named = this.state.feeCollectorBlock();
            if (named === undefined) block.feeCollector = s.feeCollector;
            else block.feeCollectorBlock = named;
        }
        const index = this.appendBlock(block);
        if (block.feeCollector !== undefined) this.state.setFeeCollectorBlock(index);
        if (prep.dedupKey !== undefined) {
            this.state.recordTransaction(prep.dedupKey, index);
            this.state.pruneDedup(now - TX_WINDOW_NS - PERMITTED_DRIFT_NS, PRUNE_PER_CALL);
        }
        this.state.pruneExpiredAllowances(now, PRUNE_PER_CALL);
        return index;
    }

    /**
     * The spender of a transfer_from: spends its allowance (unless it spends from its own account)
     * and knows its account hash, from the allowance entry when it holds it.
     */
    private spendOrKnow(from: Account, spender: Account, allowance: AllowanceEntry | undefined, amount: bigint, now: bigint): void {
        if (sameAccount(from, spender)) {
            this.know(spender, undefined);
            return;
        }
        const entry = allowance ?? this.state.allowanceEntry(from, spender);
        const a = active(entry.record, now);
        const held = { hash: entry.record?.spenderHash };
        this.know(spender, held);
        const left = a.amount - amount;
        this.state.writeAllowance(entry, left === 0n ? undefined : { amount: left, expiresAt: a.expiresAt, ...(held.hash === undefined ? {} : { spenderHash: held.hash }) });
    }

    private appendBlock(block: Block): bigint {
        const index = this.state.blockCount();
        const parent = this.state.tipHash();
        if (parent !== undefined) block.parentHash = parent;
        const hash = blockHash(block, { accountHash: this.knownHook });
        this.state.appendBlockBytes(index, encodeBlock(block));
        this.state.setTipHash(hash);
        return index;
    }

    /**
     * Certified data = root hash of the tip tree (last_block_index, last_block_hash), or of the
     * empty tree. Called by init and upgrade, and by the canister's timer after blocks were
     * appended (so once per round, not once per transaction: docs/ledger.md, "Certification").
     */
    certifyTip(): void {
        const count = this.state.blockCount();
        const tip = this.state.tipHash();
        if (count === 0n || tip === undefined) {
            this.env.certify(EMPTY_TREE_HASH);
            this.certified = undefined;
        } else {
            this.env.certify(tipTreeRootHash(count - 1n, tip));
            this.certified = { index: count - 1n, hash: tip };
        }
        this.certifiedCount = count;
    }

    /** Whether blocks were appended since this heap last certified the tip. */
    certificationPending(): boolean {
        return this.certifiedCount !== this.state.blockCount();
    }

    /**
     * The (last block index, last block hash) the certified data commits to — what
     * `icrc3_get_tip_certificate` and `get_data_certificate` answer with the certificate — or
     * undefined for the empty tree. A heap copy of what `certifyTip` last certified (init and
     * post_upgrade certify, so it always matches the certified data).
     */
    certifiedTip(): { index: bigint; hash: Uint8Array } | undefined {
        return this.certified;
    }
}

/** reconstruct(Empty) = SHA-256("\x11ic-hashtree-empty"). */
export const EMPTY_TREE_HASH = new Uint8Array([0x4e, 0x3e, 0xd3, 0x5c, 0x4e, 0x2d, 0x1e, 0xe8, 0x99, 0x96, 0x48, 0x3f, 0xb6, 0x26, 0x0a, 0x64, 0xcf, 0xfb, 0x6c, 0x47, 0xdb, 0xab, 0x21, 0x6e, 0x79, 0x30, 0xe8, 0x2f, 0x81, 0x90, 0xd1, 0x20]);

/** What the checks read, handed to `apply` so that it does not read it again. */
interface Prepared {
    dedupKey?: Uint8Array;
    /** The balance entry of the account debited (from; the approver). */
    from?: BalanceEntry;
    /** The allowance spent or replaced. */
    allowance?: AllowanceEntry;
}

/** Whether `a` is written in its canonical form (no explicit zero subaccount): the form whose hash entries keep. */
function canonicalForm(a: Account): boolean {
    return a.subaccount === undefined || !isDefaultSubaccount(a.subaccount);
}

/** An allowance as it counts at `now`: 0 when absent or expired. */
function active(a: AllowanceRecord | undefined, now: bigint): AllowanceRecord {
    if (a === undefined || (a.expiresAt !== 0n && a.expiresAt <= now)) return { amount: 0n, expiresAt: 0n };
    return a;
}

function generic(code: bigint, message: string): { GenericError: { error_code: bigint; message: string } } {
    return { GenericError: { error_code: code, message } };
}

function canonical(a: Account): Account {
    return isDefaultSubaccount(a.subaccount) ? { owner: a.owner } : a;
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

function checkMetadata(entries: [string, MetadataValue][]): void {
    for (const [key] of entries) {
        if (RESERVED_METADATA.includes(key)) throw new LedgerConfigError(`metadata key ${key} is reserved: the ledger computes it`);
    }
}

/**
 * The deduplication key: created_at_time first (so the oldest entries come first and can be
 * pruned), then every user-given field of the transaction, in an injective encoding that tells an
 * absent subaccount from the zero subaccount (as the DFINITY ledger's transaction hash does):
 *   u64be(created_at_time) ‖ op code ‖ account(from) ‖ account(to) ‖ account(spender)
 *   ‖ nat(amount) ‖ nat(fee) ‖ memo ‖ nat(expected_allowance) ‖ nat(expires_at)
 * where account(none) = 0, account(a) = (1 | 2 with a subaccount) ‖ owner length ‖ owner ‖ [sub],
 * nat(none) = 0, nat(n) = 1 ‖ LEB128(n), memo(none) = 0, memo(m) = 1 ‖ LEB128(|m|) ‖ m.
 * Built once per message into a reused buffer (numbers below 2^31 without BigInt arithmetic).
 */
export function dedupKey(createdAt: bigint, tx: Tx & { fee?: bigint; memo?: Uint8Array }): Uint8Array {
    kp = 0;
    keyRoom(9);
    keyView.setBigUint64(0, createdAt);
    kb[8] = OP_CODES[tx.op];
    kp = 9;
    keyAccount('from' in tx ? tx.from : undefined);
    keyAccount('to' in tx ? tx.to : undefined);
    keyAccount('spender' in tx ? tx.spender : undefined);
    keyNat(tx.amount);
    keyNat(tx.fee);
    if (tx.memo === undefined) keyByte(0);
    else {
        keyByte(1);
        keyLeb(BigInt(tx.memo.length));
        keyRoom(tx.memo.length);
        kb.set(tx.memo, kp);
        kp += tx.memo.length;
    }
    keyNat(tx.op === 'approve' ? tx.expectedAllowance : undefined);
    keyNat(tx.op === 'approve' ? tx.expiresAt : undefined);
    return kb.slice(0, kp);
}

let kb = new Uint8Array(256);
let keyView = new DataView(kb.buffer);
let kp = 0;

function keyRoom(n: number): void {
    if (kp + n <= kb.length) return;
    const grown = new Uint8Array(Math.max(kb.length * 2, kp + n));
    grown.set(kb.subarray(0, kp));
    kb = grown;
    keyView = new DataView(kb.buffer);
}

function keyByte(b: number): void {
    keyRoom(1);
    kb[kp++] = b;
}

function keyAccount(a: Account | undefined): void {
    if (a === undefined) {
        keyByte(0);
        return;
    }
    const sub = a.subaccount;
    keyRoom(2 + a.owner.length + (sub === undefined ? 0 : sub.length));
    kb[kp++] = sub === undefined ? 1 : 2;
    kb[kp++] = a.owner.length;
    kb.set(a.owner, kp);
    kp += a.owner.length;
    if (sub !== undefined) {
        kb.set(sub, kp);
        kp += sub.length;
    }
}

function keyNat(n: bigint | undefined): void {
    if (n === undefined) keyByte(0);
    else {
        keyByte(1);
        keyLeb(n);
    }
}

function keyLeb(n: bigint): void {
    if (n < 0n || n > 0x7fffffffn) {
        const b = leb128(n);
        keyRoom(b.length);
        kb.set(b, kp);
        kp += b.length;
        return;
    }
    let x = Number(n);
    keyRoom(5);
    while (x > 0x7f) {
        kb[kp++] = (x & 0x7f) | 0x80;
        x >>>= 7;
    }
    kb[kp++] = x;
}

const OP_CODES = { mint: 1, burn: 2, xfer: 3, approve: 4 } as const;
