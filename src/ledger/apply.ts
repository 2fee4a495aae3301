/**
 * Applying a validated transaction — the checks (ledger.ts, dedup.ts) all come first, so an error
 * never gets here: the balances, the allowance, the total supply, the block appended (its ICRC-3
 * hash becomes the tip hash), the deduplication entry; then lazy pruning of the dedup window and of
 * expired approvals. Also the genesis mints of an install.
 * Storage: src/ledger/state.ts (balance and allowance entries, which keep the accounts' ICRC-3
 * hashes; blocks; the tip hash; the dedup map). Cost per token move (docs/ledger.md § Cost): the
 * block's ICRC-3 hash (13-15 SHA-256 compressions; account hashes come from the entries read) and
 * ~10 stable-map operations, each entry read once.
 */
import type { Env } from '../lib/env';
import { bytesToDigest, digestToBytes } from '../lib/crypto/sha256';
import { isDefaultSubaccount, sameAccount, type Account } from './account';
import { PERMITTED_DRIFT_NS, TX_WINDOW_NS } from './dedup';
import type { Block, Tx } from './icrc3/block';
import { AccountHashCache, blockHash } from './icrc3/block-hash';
import { encodeBlock } from './icrc3/codec';
import type { AllowanceEntry, AllowanceRecord, BalanceEntry, LedgerState } from './state';

/** Lazily removed stale entries per state-changing call (dedup window, expired approvals). */
const PRUNE_PER_CALL = 2;

/** What the checks read, handed to `apply` so that it does not read it again. */
export interface Prepared {
    dedupKey?: Uint8Array;
    /** The balance entry of the account debited (from; the approver). */
    from?: BalanceEntry;
    /** The allowance spent or replaced. */
    allowance?: AllowanceEntry;
}

export class Applier {
    /** Heap-only memo of account hashes for block hashing (a cache: rebuilt after an upgrade). */
    private readonly accountHashes = new AccountHashCache(20_000);
    /** The account hashes of the transaction being applied, by account object (see `know`). */
    private readonly known = new Map<Account, Int32Array>();
    private readonly knownHook = (a: Account): Int32Array => this.known.get(a) ?? this.accountHashes.get(a);

    constructor(
        private readonly state: LedgerState,
        private readonly env: Env,
    ) {}

    /** The genesis of an install: the initial balances minted, one block each (none for a zero balance). */
    genesis(initialBalances: [Account, bigint][]): void {
        this.state.setTotalSupply(0n);
        const now = this.env.now();
        for (const [to, amount] of initialBalances) {
            if (amount === 0n) continue;
            const entry = this.state.balanceEntry(to);
            this.known.clear();
            this.know(to, entry);
            this.state.setBalanceEntry(entry, entry.balance + amount);
            this.state.setTotalSupply(this.state.totalSupply() + amount);
            this.appendBlock({ tx: { op: 'mint', to, amount }, timestamp: now });
        }
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
    apply(tx: Tx & { fee?: bigint; memo?: Uint8Array; createdAtTime?: bigint }, effectiveFee: bigint | undefined, prep: Prepared): bigint {
        const s = this.state.settings();
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
}

/** Whether `a` is written in its canonical form (no explicit zero subaccount): the form whose hash entries keep. */
export function canonicalForm(a: Account): boolean {
    return a.subaccount === undefined || !isDefaultSubaccount(a.subaccount);
}

/** An allowance as it counts at `now`: 0 when absent or expired. */
export function active(a: AllowanceRecord | undefined, now: bigint): AllowanceRecord {
    if (a === undefined || (a.expiresAt !== 0n && a.expiresAt <= now)) return { amount: 0n, expiresAt: 0n };
    return a;
}
