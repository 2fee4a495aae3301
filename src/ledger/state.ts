/**
 * The ledger's persistent state over KV stores (stable memory in the canister, memory in tests):
 * configuration, balances, allowances and their indexes, blocks, and the deduplication window.
 * Heap fields here are caches of stable values only; every write goes through to a KV.
 *
 * A balance is stored as u64 big-endian, followed by the ICRC-3 hash of the account's canonical
 * value (`[owner]`, or `[owner, subaccount]` for a non-zero subaccount; 32 bytes) once the
 * ledger has computed it: every block names its accounts, and hashing an account costs 2-4
 * SHA-256 compressions that the balance read then saves. An allowance is stored as amount and
 * expiry (u64 each), followed likewise by the spender's account hash. Entries written before the
 * hashes were kept (8 and 16 bytes) are read the same way and gain the hash when next written.
 */
import type { KV } from '../lib/storage/kv';
import { concat, readU64be, u64be, writeU64be } from '../lib/storage/bytes';
import { ACCOUNT_KEY_LENGTH, accountFromKey, accountKey, MAX_PRINCIPAL_LENGTH, SUBACCOUNT_LENGTH, type Account } from './account';
import { decodeSettings, encodeSettings, type LedgerSettings } from './settings';

export interface LedgerStores {
    config: KV;
    balances: KV;
    allowances: KV;
    spenders: KV;
    expiries: KV;
    blocks: KV;
    dedup: KV;
}

export interface AllowanceRecord {
    amount: bigint;
    /** 0n when the approval does not expire. */
    expiresAt: bigint;
    /** The ICRC-3 hash of the spender's canonical account value, once computed. */
    spenderHash?: Uint8Array;
}

/** A balance as one message read it: the storage key, the balance, the account hash if stored. */
export interface BalanceEntry {
    readonly key: Uint8Array;
    balance: bigint;
    /** ICRC-3 hash of the account's canonical value (32 bytes). */
    hash: Uint8Array | undefined;
}

/** An allowance as one message read it. */
export interface AllowanceEntry {
    readonly key: Uint8Array;
    readonly fromKey: Uint8Array;
    readonly spenderKey: Uint8Array;
    record: AllowanceRecord | undefined;
}

/** Stored lengths of a balance and of an allowance that carry the account hash. */
const BALANCE_WITH_HASH = 8 + 32;
const ALLOWANCE_WITH_HASH = 16 + 32;

const KEY_SETTINGS = new Uint8Array([1]);
const KEY_SUPPLY = new Uint8Array([2]);
const KEY_TIP = new Uint8Array([3]);
/** Index of the block that last named the fee collector (ICRC-107 style `fee_col_block`). */
const KEY_FEE_COLLECTOR_BLOCK = new Uint8Array([4]);

/** One entry of an owner's spender index: the from-subaccount followed by the spender's account key. */
export const SPENDER_ENTRY_LENGTH = SUBACCOUNT_LENGTH + ACCOUNT_KEY_LENGTH;

export class LedgerState {
    private settingsCache: LedgerSettings | undefined;
    private supplyCache: bigint | undefined;
    private countCache: bigint | undefined;
    /** The tip hash; null before the first block, undefined when not read yet. */
    private tipCache: Uint8Array | null | undefined;
    /**
     * A lower bound of the created_at_time of the oldest deduplication entry (null: there is none),
     * or undefined when not known: the per-message pruning reads the window only when an entry
     * may be stale. Likewise the earliest approval expiry.
     */
    private oldestDedup: bigint | null | undefined;
    private earliestExpiry: bigint | null | undefined;

    constructor(readonly kv: LedgerStores) {}

    // ----- settings and counters --------------------------------------------------------

    isInitialized(): boolean {
        return this.kv.config.has(KEY_SETTINGS);
    }

    settings(): LedgerSettings {
        if (this.settingsCache === undefined) {
            const raw = this.kv.config.get(KEY_SETTINGS);
            if (raw === undefined) throw new Error('the ledger is not initialized');
            this.settingsCache = decodeSettings(raw);
        }
        return this.settingsCache;
    }

    saveSettings(s: LedgerSettings): void {
        this.kv.config.set(KEY_SETTINGS, encodeSettings(s));
        this.settingsCache = s;
    }

    totalSupply(): bigint {
        if (this.supplyCache === undefined) {
            const raw = this.kv.config.get(KEY_SUPPLY);
            this.supplyCache = raw === undefined ? 0n : readU64be(raw);
        }
        return this.supplyCache;
    }

    setTotalSupply(v: bigint): void {
        this.kv.config.set(KEY_SUPPLY, u64be(v));
        this.supplyCache = v;
    }

    /** Hash of the last block, undefined before the first block. */
    tipHash(): Uint8Array | undefined {
        if (this.tipCache === undefined) this.tipCache = this.kv.config.get(KEY_TIP) ?? null;
        return this.tipCache ?? undefined;
    }

    setTipHash(h: Uint8Array): void {
        this.kv.config.set(KEY_TIP, h);
        this.tipCache = h;
    }

    feeCollectorBlock(): bigint | undefined {
        const raw = this.kv.config.get(KEY_FEE_COLLECTOR_BLOCK);
        return raw === undefined ? undefined : readU64be(raw);
    }

    setFeeCollectorBlock(index: bigint | undefined): void {
        if (index === undefined) this.kv.config.delete(KEY_FEE_COLLECTOR_BLOCK);
        else this.kv.config.set(KEY_FEE_COLLECTOR_BLOCK, u64be(index));
    }

    // ----- balances -------------------------------------------------------------------------

    balance(a: Account): bigint {
        const raw = this.kv.balances.get(accountKey(a));
        return raw === undefined ? 0n : readU64be(raw);
    }

    /** Sets a balance (0 removes the entry). Keeps no account hash: the ledger writes through `setBalanceEntry`. */
    setBalance(a: Account, v: bigint): void {
        const key = accountKey(a);
        if (v === 0n) this.kv.balances.delete(key);
        else this.kv.balances.set(key, u64be(v));
    }

    /** An account's balance entry, read once: its key, balance and stored account hash. */
    balanceEntry(a: Account): BalanceEntry {
        const key = accountKey(a);
        const raw = this.kv.balances.get(key);
        if (raw === undefined) return { key, balance: 0n, hash: undefined };
        return { key, balance: readU64be(raw), hash: raw.length >= BALANCE_WITH_HASH ? raw.subarray(8, BALANCE_WITH_HASH) : undefined };
    }

    /** Writes the entry's new balance, with its account hash when known (0 removes the entry). */
    setBalanceEntry(e: BalanceEntry, v: bigint): void {
        e.balance = v;
        if (v === 0n) {
            this.kv.balances.delete(e.key);
            return;
        }
        if (e.hash === undefined) {
            this.kv.balances.set(e.key, u64be(v));
            return;
        }
        const raw = new Uint8Array(BALANCE_WITH_HASH);
        writeU64be(raw, 0, v);
        raw.set(e.hash, 8);
        this.kv.balances.set(e.key, raw);
    }

    accountCount(): number {
        return this.kv.balances.size();
    }

    /** Balances in account-key order (for audits and the supply invariant; paged). */
    balancesPage(start: number, count: number): [Account, bigint][] {
        return this.kv.balances.entries(start, count).map(([k, v]) => [accountFromKey(k), readU64be(v)]);
    }

    // ----- allowances ------------------------------------------------------------------------

    allowance(from: Account, spender: Account): AllowanceRecord | undefined {
        return this.allowanceEntry(from, spender).record;
    }

    /** The (from, spender) allowance as read once: its keys and record (with the spender's hash if stored). */
    allowanceEntry(from: Account, spender: Account): AllowanceEntry {
        const fromKey = accountKey(from);
        const spenderKey = accountKey(spender);
        const key = concat([fromKey, spenderKey]);
        const raw = this.kv.allowances.get(key);
        if (raw === undefined) return { key, fromKey, spenderKey, record: undefined };
        return {
            key,
            fromKey,
            spenderKey,
            record: { amount: readU64be(raw, 0), expiresAt: readU64be(raw, 8), ...(raw.length >= ALLOWANCE_WITH_HASH ? { spenderHash: raw.subarray(16, ALLOWANCE_WITH_HASH) } : {}) },
        };
    }

    setAllowance(from: Account, spender: Account, record: AllowanceRecord | undefined): void {
        this.writeAllowance(this.allowanceEntry(from, spender), record);
    }

    /** Replaces the entry's allowance (undefined removes it), keeping the expiry and spender indexes. */
    writeAllowance(e: AllowanceEntry, record: AllowanceRecord | undefined): void {
        const previous = e.record;
        if (previous !== undefined && previous.expiresAt !== 0n && previous.expiresAt !== record?.expiresAt) {
            this.kv.expiries.delete(concat([u64be(previous.expiresAt), e.key]));
        }
        e.record = record;
        if (record === undefined) {
            if (previous !== undefined) {
                this.kv.allowances.delete(e.key);
                this.updateSpenderIndex(e.fromKey, e.spenderKey, false);
            }
            return;
        }
        const hash = record.spenderHash;
        const raw = new Uint8Array(hash === undefined ? 16 : ALLOWANCE_WITH_HASH);
        writeU64be(raw, 0, record.amount);
        writeU64be(raw, 8, record.expiresAt);
        if (hash !== undefined) raw.set(hash, 16);
        this.kv.allowances.set(e.key, raw);
        if (record.expiresAt !== 0n && record.expiresAt !== previous?.expiresAt) {
            this.kv.expiries.set(concat([u64be(record.expiresAt), e.key]), new Uint8Array(0));
            if (this.earliestExpiry === null || (this.earliestExpiry !== undefined && record.expiresAt < this.earliestExpiry)) this.earliestExpiry = record.expiresAt;
        }
        if (previous === undefined) this.updateSpenderIndex(e.fromKey, e.spenderKey, true);
    }

    allowanceCount(): number {
        return this.kv.allowances.size();
    }

    /** Removes up to `max` approvals that expired at or before `now`; returns how many. */
    pruneExpiredAllowances(now: bigint, max: number): number {
        if (this.earliestExpiry === null || (this.earliestExpiry !== undefined && this.earliestExpiry > now)) return 0;
        let removed = 0;
        const first = this.kv.expiries.entries(0, max + 1);
        for (const [key] of first) {
            if (removed === max) break;
            if (readU64be(key) > now) break;
            const pair = key.subarray(8);
            const from = accountFromKey(pair.subarray(0, ACCOUNT_KEY_LENGTH));
            const spender = accountFromKey(pair.subarray(ACCOUNT_KEY_LENGTH));
            this.setAllowance(from, spender, undefined);
            removed++;
        }
        this.earliestExpiry = removed < first.length ? readU64be(first[removed][0]) : null;
        return removed;
    }

    /**
     * The owner's approvals in (from subaccount, spender) order, starting after `after` (an entry as
     * built by `spenderEntry`) or at `from` when `after` is undefined.
     */
    spenderEntries(owner: Uint8Array, fromSub: Uint8Array, after: Uint8Array | undefined, take: number): { fromSub: Uint8Array; spenderKey: Uint8Array }[] {
        const list = this.kv.spenders.get(ownerKey(owner));
        if (list === undefined) return [];
        const n = list.length / SPENDER_ENTRY_LENGTH;
        const probe = after ?? concat([fromSub, new Uint8Array(ACCOUNT_KEY_LENGTH)]);
        let lo = 0;
        let hi = n;
        // First entry > probe (strictly after), or ≥ probe when starting at the from-subaccount.
        while (lo < hi) {
            const mid = (lo + hi) >> 1;
            const c = compareAt(list, mid * SPENDER_ENTRY_LENGTH, probe);
            if (c < 0 || (after !== undefined && c === 0)) lo = mid + 1;
            else hi = mid;
        }
        const out: { fromSub: Uint8Array; spenderKey: Uint8Array }[] = [];
        for (let i = lo; i < n && out.length < take; i++) {
            const at = i * SPENDER_ENTRY_LENGTH;
            out.push({ fromSub: list.slice(at, at + SUBACCOUNT_LENGTH), spenderKey: list.slice(at + SUBACCOUNT_LENGTH, at + SPENDER_ENTRY_LENGTH) });
        }
        return out;
    }

    private updateSpenderIndex(fromKey: Uint8Array, spenderKey: Uint8Array, add: boolean): void {
        const owner = fromKey.subarray(1, 1 + fromKey[0]);
        const key = ownerKey(owner);
        const entry = concat([fromKey.subarray(1 + MAX_PRINCIPAL_LENGTH), spenderKey]);
        const list = this.kv.spenders.get(key) ?? new Uint8Array(0);
        const n = list.length / SPENDER_ENTRY_LENGTH;
        let lo = 0;
        let hi = n;
        while (lo < hi) {
            const mid = (lo + hi) >> 1;
            if (compareAt(list, mid * SPENDER_ENTRY_LENGTH, entry) < 0) lo = mid + 1;
            else hi = mid;
        }
        const at = lo * SPENDER_ENTRY_LENGTH;
        const present = lo < n && compareAt(list, at, entry) === 0;
        if (add && !present) {
            this.kv.spenders.set(key, concat([list.subarray(0, at), entry, list.subarray(at)]));
        } else if (!add && present) {
            const next = concat([list.subarray(0, at), list.subarray(at + SPENDER_ENTRY_LENGTH)]);
            if (next.length === 0) this.kv.spenders.delete(key);
            else this.kv.spenders.set(key, next);
        }
    }

    // ----- blocks ----------------------------------------------------------------------------

    blockCount(): bigint {
        if (this.countCache === undefined) this.countCache = BigInt(this.kv.blocks.size());
        return this.countCache;
    }

    blockBytes(index: bigint): Uint8Array | undefined {
        return this.kv.blocks.get(u64be(index));
    }

    appendBlockBytes(index: bigint, bytes: Uint8Array): void {
        this.kv.blocks.set(u64be(index), bytes);
        this.countCache = index === this.countCache ? index + 1n : undefined;
    }

    // ----- deduplication ---------------------------------------------------------------------

    duplicateOf(key: Uint8Array): bigint | undefined {
        const raw = this.kv.dedup.get(key);
        return raw === undefined ? undefined : readU64be(raw);
    }

    recordTransaction(key: Uint8Array, blockIndex: bigint): void {
        this.kv.dedup.set(key, u64be(blockIndex));
        const at = readU64be(key);
        if (this.oldestDedup === null || (this.oldestDedup !== undefined && at < this.oldestDedup)) this.oldestDedup = at;
    }

    /** Removes up to `max` entries whose created_at_time is before `oldest`. */
    pruneDedup(oldest: bigint, max: number): number {
        if (this.oldestDedup === null || (this.oldestDedup !== undefined && this.oldestDedup >= oldest)) return 0;
        let removed = 0;
        const first = this.kv.dedup.entries(0, max + 1);
        for (const [key] of first) {
            if (removed === max) break;
            if (readU64be(key) >= oldest) break;
            this.kv.dedup.delete(key);
            removed++;
        }
        this.oldestDedup = removed < first.length ? readU64be(first[removed][0]) : null;
        return removed;
    }

    dedupSize(): number {
        return this.kv.dedup.size();
    }
}

function ownerKey(owner: Uint8Array): Uint8Array {
    const key = new Uint8Array(1 + owner.length);
    key[0] = owner.length;
    key.set(owner, 1);
    return key;
}

function compareAt(list: Uint8Array, at: number, probe: Uint8Array): number {
    for (let i = 0; i < probe.length; i++) {
        const d = list[at + i] - probe[i];
        if (d !== 0) return d;
    }
    return 0;
}
