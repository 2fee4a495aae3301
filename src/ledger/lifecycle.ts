/**
 * Installing and upgrading the ledger: what a deployer may set (DFINITY's InitArgs and UpgradeArgs,
 * plus this ledger's `max_supply`), how it is checked — a bad argument refuses the install or
 * upgrade (`LedgerConfigError`: the canister traps) — and the settings saved. `Ledger.init` then
 * mints the initial balances (apply.ts) and both certify the tip (certification.ts).
 * Storage: the settings (state.ts `saveSettings`, encoded by settings.ts). Cost: once per install
 * or upgrade; the checks are linear in the initial balances (at most MAX_INITIAL_BALANCES).
 */
import { accountProblem, isDefaultSubaccount, sameAccount, type Account } from './account';
import { MAX_TOKENS } from './calls';
import { EMC_DEFAULTS, type ArchiveOptions, type MetadataValue } from './settings';
import type { LedgerState } from './state';

/** A genesis larger than this would not fit the install message's instruction budget. */
export const MAX_INITIAL_BALANCES = 20_000;
/** Reserved metadata keys (computed by the ledger; a deployer may not set them). */
export const RESERVED_METADATA = ['icrc1:decimals', 'icrc1:name', 'icrc1:symbol', 'icrc1:fee', 'icrc1:max_memo_length', 'icrc103:public_allowances', 'icrc103:max_take_value', 'icrc106:index_principal'];

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

/** Checks an install argument and saves the settings it gives (the ledger must not be initialized yet). */
export function saveInitSettings(state: LedgerState, args: InitSettings): void {
    if (state.isInitialized()) throw new LedgerConfigError('the ledger is already initialized');
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
    state.saveSettings({
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
}

/** Checks an upgrade argument and saves the settings it changes (none without one). */
export function saveUpgradeSettings(state: LedgerState, args: UpgradeSettings | undefined): void {
    if (!state.isInitialized()) throw new LedgerConfigError('cannot upgrade a ledger that was never initialized');
    const s = { ...state.settings() };
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
            state.setFeeCollectorBlock(undefined);
        }
        if (args.feature_flags !== undefined) s.featureFlags = args.feature_flags;
        if (args.change_archive_options !== undefined) {
            if (s.archiveOptions === undefined) throw new LedgerConfigError('there are no archive options to change');
            const patch = Object.fromEntries(Object.entries(args.change_archive_options).filter(([, v]) => v !== undefined));
            s.archiveOptions = { ...s.archiveOptions, ...patch };
        }
        if (args.index_principal !== undefined) s.indexPrincipal = args.index_principal;
    }
    state.saveSettings(s);
}

function checkMetadata(entries: [string, MetadataValue][]): void {
    for (const [key] of entries) {
        if (RESERVED_METADATA.includes(key)) throw new LedgerConfigError(`metadata key ${key} is reserved: the ledger computes it`);
    }
}

function canonical(a: Account): Account {
    return isDefaultSubaccount(a.subaccount) ? { owner: a.owner } : a;
}
