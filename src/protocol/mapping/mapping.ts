/**
 * Spec §13.2, airdrop / mapping with a dust threshold. Governance creates a mapping (name, rate as
 * a rational num/den, dust threshold in source units, claim window), loads its entries (account,
 * source amount) in chunks of at most 1,000, and seals it with the expected count and the SHA-256
 * of the canonical entry list (refused on mismatch). Canonical list: the entries in load order, each
 * the 62-byte account key (owner length ‖ owner padded to 29 bytes ‖ subaccount or 32 zero bytes)
 * ‖ the source amount (u64 big-endian): 70 bytes. The hash runs across the chunks (running-hash.ts).
 *
 * - An entry under the threshold is not mapped: its source amount counts to `dust`, whose mapped
 *   value floor(dust × rate) goes to the ecosystem fund (the treasury) once the mapping is funded.
 *   Mapped amount = floor(source × rate). Σ mapped sources + dust = the source total, exactly.
 * - Funding at the seal: mapped total + dust value move from the treasury to the mapping's own
 *   subaccount ("mapping" ‖ id), counted against the DAO-airdrop pool (105 M) and refused past it.
 *   A mapping's funds are its own: no campaign can drain another's.
 * - Claims are bound to the entitled account's principal (nobody claims for another), within the
 *   window; the entry is marked claimed before the ledger call and restored on refusal; the transfer
 *   is the mapped amount less the ledger fee (the subaccount is debited exactly the mapped amount).
 * - After the window anyone (not anonymous) sweeps the unclaimed total to the ecosystem fund, once,
 *   when no claim is in flight.
 *
 * Storage: store.ts (ids 150–152) and the outbox. Cost: a claim O(1) records + one ledger call; a
 * chunk of 1,000 entries: 1,000 reads and writes and ~1,100 compressions.
 */
import { accountKey, accountProblem, isAnonymous, type Account } from '../../ledger/account';
import { utf8Length } from '../../lib/storage/binary';
import { concat, u64be } from '../../lib/storage/bytes';
import { MAX_AMOUNT_E8S, reasonProblem } from '../model/bounds';
import { invalid, notAuthorized, notFound, wrongState, type DistributionOutcome } from '../model/distribution-errors';
import { namedSubaccount, TREASURY_SUBACCOUNT } from '../model/supply';
import { formatAmount, type Check } from '../governance/params-check';
import type { Outbox, OutboxEntry } from '../treasury/outbox';
import { absorb, finish, initialHash } from './running-hash';
import type { Mapping, MappingStore } from './store';

export const MAX_ENTRIES_PER_CHUNK = 1_000;
export const MAX_NAME_BYTES = 64;
export const MAX_RATE_TERM = 1_000_000_000_000n;
const U64_MAX = (1n << 64n) - 1n;
const MAX_WINDOW_NS = 5n * 31_536_000n * 1_000_000_000n;

/** A mapping's own account: "mapping", zeros, then its id (u64 big-endian) in the last 8 bytes. */
export function mappingSubaccount(id: bigint): Uint8Array {
    const s = namedSubaccount('mapping');
    new DataView(s.buffer).setBigUint64(24, id);
    return s;
}

export interface CreateMappingArgs {
    name: string;
    rateNum: bigint;
    rateDen: bigint;
    dustThreshold: bigint;
    windowStart: bigint;
    windowEnd: bigint;
    reason: string;
}

export interface MappingHost {
    authorize(caller: Uint8Array): { NotAuthorized: { reason: string } } | undefined;
    paused(): string | undefined;
    ledgerFee(): bigint;
    now(): bigint;
    self(): Uint8Array;
    airdropPool: { left(): bigint; take(amount: bigint): void; giveBack(amount: bigint): void };
    logAction(caller: Uint8Array, method: string, after: string): void;
    /** Told when a mapping is sealed: its digest goes to the certified data (src/protocol/log/sealed-mappings.ts). */
    sealed?(id: bigint, digest: Uint8Array, entries: bigint): void;
}

export function entryBytes(a: Account, source: bigint): Uint8Array {
    return concat([accountKey(a), u64be(source)]);
}

export class Mappings {
    constructor(
        readonly store: MappingStore,
        private readonly outbox: Outbox,
        private readonly host: MappingHost,
    ) {
        outbox.onSettled('mapping_fund', (e) => this.fundSettled(e));
        outbox.onSettled('mapping_claim', (e) => this.claimSettled(e));
        outbox.onSettled('mapping_sweep', (e) => this.sweepSettled(e));
    }

    mapped(m: Mapping, source: bigint): bigint {
        return (source * m.rateNum) / m.rateDen;
    }

    checkCreate(a: CreateMappingArgs): Check<string> {
        if (typeof a.name !== 'string' || a.name.trim().length === 0 || utf8Length(a.name) > MAX_NAME_BYTES) return { Err: `the name is 1 to ${MAX_NAME_BYTES} bytes` };
        if (a.rateNum < 1n || a.rateNum > MAX_RATE_TERM || a.rateDen < 1n || a.rateDen > MAX_RATE_TERM) return { Err: `the rate's numerator and denominator are 1 to ${MAX_RATE_TERM}` };
        if (a.dustThreshold < 0n || a.dustThreshold > U64_MAX) return { Err: 'the dust threshold must fit 64 bits' };
        const now = this.host.now();
        if (a.windowStart < now || a.windowEnd <= a.windowStart || a.windowEnd - a.windowStart > MAX_WINDOW_NS || a.windowStart > now + MAX_WINDOW_NS) return { Err: 'the claim window starts now or later, ends after it starts, and lasts at most 5 years' };
        const bad = reasonProblem(a.reason);
        if (bad !== undefined) return { Err: bad };
        return { Ok: `Create the mapping "${a.name}": ${a.rateNum}/${a.rateDen} EMC e8s per source unit, dust under ${a.dustThreshold} source units to the ecosystem fund, claims from ${a.windowStart} to ${a.windowEnd} ns (${a.reason}).` };
    }

    create(caller: Uint8Array, a: CreateMappingArgs): DistributionOutcome<Mapping> {
        const denied = this.host.authorize(caller);
        if (denied !== undefined) return { Err: denied };
        const c = this.checkCreate(a);
        if ('Err' in c) return invalid(c.Err);
        const m: Mapping = { id: this.store.takeId(), name: a.name, status: 'loading', rateNum: a.rateNum, rateDen: a.rateDen, dustThreshold: a.dustThreshold, windowStart: a.windowStart, windowEnd: a.windowEnd, count: 0n, sourceTotal: 0n, dustSource: 0n, mappedTotal: 0n, claimed: 0n, pendingClaims: 0, hash: initialHash(), dustSent: false, sweptAmount: 0n, createdAt: this.host.now(), reason: a.reason };
        this.store.save(m);
        this.host.logAction(caller, 'create_mapping', `${c.Ok} Mapping ${m.id}.`);
        return { Ok: m };
    }

    checkLoad(id: bigint, entries: { account: Account; source: bigint }[]): Check<string> {
        const m = this.store.get(id);
        if (m === undefined) return { Err: `no mapping ${id}` };
        if (m.status !== 'loading') return { Err: `mapping ${id} is ${m.status}: no more entries` };
        if (entries.length === 0 || entries.length > MAX_ENTRIES_PER_CHUNK) return { Err: `a chunk holds 1 to ${MAX_ENTRIES_PER_CHUNK} entries` };
        const seen = new Set<string>();
        let mapped = m.mappedTotal;
        let sources = m.sourceTotal;
        for (let i = 0; i < entries.length; i++) {
            const e = entries[i];
            const bad = accountProblem(e.account);
            if (bad !== undefined) return { Err: `entry ${i}: ${bad}` };
            if (isAnonymous(e.account.owner)) return { Err: `entry ${i}: the anonymous principal cannot claim` };
            if (typeof e.source !== 'bigint' || e.source < 1n || e.source > U64_MAX) return { Err: `entry ${i}: the source amount is 1 to 2^64 − 1` };
            const key = accountKey(e.account);
            const k = key.join(',');
            if (seen.has(k) || this.store.hasEntry(id, key)) return { Err: `entry ${i}: the account is already in mapping ${id}` };
            seen.add(k);
            sources += e.source;
            if (e.source >= m.dustThreshold) mapped += this.mapped(m, e.source);
        }
        if (sources > U64_MAX) return { Err: 'the source total would exceed 2^64 − 1' };
        if (mapped > MAX_AMOUNT_E8S) return { Err: 'the mapped total would exceed the maximum supply' };
        return { Ok: `Load ${entries.length} entries into mapping ${id} ("${m.name}"), after its ${m.count} entries.` };
    }

    load(caller: Uint8Array, id: bigint, entries: { account: Account; source: bigint }[]): DistributionOutcome<Mapping> {
        const denied = this.host.authorize(caller);
        if (denied !== undefined) return { Err: denied };
        const c = this.checkLoad(id, entries);
        if ('Err' in c) return invalid(c.Err);
        const m = this.store.get(id) as Mapping;
        const bytes = new Uint8Array(entries.length * 70);
        let { sourceTotal, dustSource, mappedTotal } = m;
        for (let i = 0; i < entries.length; i++) {
            const e = entries[i];
            const key = accountKey(e.account);
            this.store.saveEntry(id, key, { source: e.source, claimed: false });
            bytes.set(key, i * 70);
            new DataView(bytes.buffer).setBigUint64(i * 70 + 62, e.source);
            sourceTotal += e.source;
            if (e.source < m.dustThreshold) dustSource += e.source;
            else mappedTotal += this.mapped(m, e.source);
        }
        const next: Mapping = { ...m, count: m.count + BigInt(entries.length), sourceTotal, dustSource, mappedTotal, hash: absorb(m.hash, bytes) };
        this.store.save(next);
        return { Ok: next };
    }

    /** What the seal moves from the treasury: the mapped total and the dust's value. */
    required(m: Mapping): bigint {
        return m.mappedTotal + this.mapped(m, m.dustSource);
    }

    checkSeal(id: bigint, count: bigint, digest: Uint8Array): Check<string> {
        const m = this.store.get(id);
        if (m === undefined) return { Err: `no mapping ${id}` };
        if (m.status !== 'loading') return { Err: `mapping ${id} is ${m.status}` };
        if (count !== m.count) return { Err: `mapping ${id} holds ${m.count} entries, not ${count}` };
        const actual = finish(m.hash);
        if (digest.length !== 32 || actual.some((b, i) => b !== digest[i])) return { Err: `the entries' SHA-256 is ${hex(actual)}, not ${hex(digest)}` };
        const need = this.required(m);
        const left = this.host.airdropPool.left();
        if (need > left) return { Err: `the DAO-airdrop pool has ${formatAmount(left)} EMC left; this mapping needs ${formatAmount(need)} EMC` };
        return { Ok: `Seal mapping ${id} ("${m.name}"): ${m.count} entries, SHA-256 ${hex(actual)}; move ${formatAmount(need)} EMC from the treasury (DAO-airdrop pool; ${formatAmount(this.mapped(m, m.dustSource))} EMC of it the dust's value, to the ecosystem fund).` };
    }

    async seal(caller: Uint8Array, id: bigint, count: bigint, digest: Uint8Array): Promise<DistributionOutcome<Mapping>> {
        const denied = this.host.authorize(caller);
        if (denied !== undefined) return { Err: denied };
        const c = this.checkSeal(id, count, digest);
        if ('Err' in c) return invalid(c.Err);
        const m = this.store.get(id) as Mapping;
        const need = this.required(m);
        this.store.save({ ...m, status: 'funding', digest: finish(m.hash) });
        this.host.sealed?.(id, finish(m.hash), m.count);
        this.host.airdropPool.take(need);
        this.host.logAction(caller, 'seal_mapping', c.Ok);
        const e = this.outbox.record({ kind: 'mapping_fund', ref: id, fromSubaccount: TREASURY_SUBACCOUNT, to: this.account(id), amount: need, fee: this.host.ledgerFee() });
        await this.outbox.send(e);
        return { Ok: this.store.get(id) as Mapping };
    }

    async claim(caller: Uint8Array, id: bigint, subaccount: Uint8Array | undefined): Promise<DistributionOutcome<{ mapping: Mapping; amount: bigint; entry: OutboxEntry }>> {
        if (isAnonymous(caller)) return notAuthorized('the anonymous principal cannot claim');
        const m = this.store.get(id);
        if (m === undefined) return notFound('mapping', id);
        const paused = this.host.paused();
        if (paused !== undefined) return { Err: { Paused: { reason: paused } } };
        const account: Account = subaccount === undefined ? { owner: caller } : { owner: caller, subaccount };
        const bad = accountProblem(account);
        if (bad !== undefined) return invalid(bad);
        if (m.status !== 'open') return wrongState(`mapping ${id} is ${m.status}`);
        const now = this.host.now();
        if (now < m.windowStart || now >= m.windowEnd) return wrongState(`mapping ${id}'s claim window is ${m.windowStart}..${m.windowEnd} ns`);
        const key = accountKey(account);
        const entry = this.store.entry(id, key);
        if (entry === undefined) return { Err: { NothingToClaim: { reason: `the caller's account is not in mapping ${id}` } } };
        if (entry.claimed) return { Err: { NothingToClaim: { reason: `already claimed from mapping ${id}` } } };
        if (entry.source < m.dustThreshold) return { Err: { NothingToClaim: { reason: `the entry is under the dust threshold (${m.dustThreshold}); its value went to the ecosystem fund` } } };
        const amount = this.mapped(m, entry.source);
        const fee = this.host.ledgerFee();
        if (amount <= fee) return { Err: { NothingToClaim: { reason: `the mapped amount (${formatAmount(amount)} EMC) does not exceed the ledger fee` } } };
        this.store.saveEntry(id, key, { ...entry, claimed: true });
        this.store.save({ ...m, claimed: m.claimed + amount, pendingClaims: m.pendingClaims + 1 });
        const e = this.outbox.record({ kind: 'mapping_claim', ref: id, fromSubaccount: mappingSubaccount(id), to: account, amount: amount - fee, fee });
        const out = await this.outbox.send(e);
        if (out.status === 'failed') return { Err: { LedgerRefused: { reason: out.error ?? 'the ledger refused the transfer' } } };
        return { Ok: { mapping: this.store.get(id) as Mapping, amount, entry: out } };
    }

    /** After the window, anyone sends the unclaimed total to the ecosystem fund, once. */
    async sweep(caller: Uint8Array, id: bigint): Promise<DistributionOutcome<Mapping>> {
        if (isAnonymous(caller)) return notAuthorized('the anonymous principal cannot sweep');
        const m = this.store.get(id);
        if (m === undefined) return notFound('mapping', id);
        if (m.status !== 'open') return wrongState(`mapping ${id} is ${m.status}`);
        if (this.host.now() < m.windowEnd) return wrongState(`mapping ${id}'s claim window ends at ${m.windowEnd} ns`);
        if (m.pendingClaims > 0) return wrongState(`${m.pendingClaims} claim(s) of mapping ${id} await the ledger; sweep after them`);
        const unclaimed = m.mappedTotal - m.claimed;
        const fee = this.host.ledgerFee();
        this.store.save({ ...m, status: 'swept', sweptAmount: unclaimed });
        if (unclaimed > fee) await this.outbox.send(this.outbox.record({ kind: 'mapping_sweep', ref: id, fromSubaccount: mappingSubaccount(id), to: this.treasury(), amount: unclaimed - fee, fee }));
        return { Ok: this.store.get(id) as Mapping };
    }

    account(id: bigint): Account {
        return { owner: this.host.self(), subaccount: mappingSubaccount(id) };
    }

    /** What the mapping's subaccount holds when no transfer is in flight. */
    expectedBalance(m: Mapping): bigint {
        if (m.status === 'loading' || m.status === 'funding' || m.status === 'cancelled') return 0n;
        const dust = this.mapped(m, m.dustSource);
        return m.mappedTotal + dust - m.claimed - (m.dustSent ? dust : 0n) - (m.status === 'swept' && m.sweptAmount > this.host.ledgerFee() ? m.sweptAmount : 0n);
    }

    private treasury(): Account {
        return { owner: this.host.self(), subaccount: TREASURY_SUBACCOUNT };
    }

    private fundSettled(e: OutboxEntry): void {
        const m = this.store.get(e.ref);
        if (m === undefined || m.status !== 'funding') return;
        if (e.status === 'failed') {
            this.store.save({ ...m, status: 'cancelled' });
            this.host.airdropPool.giveBack(this.required(m));
            return;
        }
        const dust = this.mapped(m, m.dustSource);
        const fee = this.host.ledgerFee();
        // The dust's value leaves for the ecosystem fund with the next maintenance run (a callback cannot await).
        if (dust > fee) this.outbox.queue({ kind: 'mapping_dust', ref: m.id, fromSubaccount: mappingSubaccount(m.id), to: this.treasury(), amount: dust - fee, fee });
        this.store.save({ ...m, status: 'open', dustSent: dust > fee });
    }

    private claimSettled(e: OutboxEntry): void {
        const m = this.store.get(e.ref);
        if (m === undefined) return;
        if (e.status === 'failed') {
            const key = accountKey(e.to);
            const entry = this.store.entry(m.id, key);
            if (entry !== undefined) this.store.saveEntry(m.id, key, { ...entry, claimed: false });
            this.store.save({ ...m, claimed: m.claimed - (e.amount + e.fee), pendingClaims: m.pendingClaims - 1 });
        } else this.store.save({ ...m, pendingClaims: m.pendingClaims - 1 });
    }

    private sweepSettled(e: OutboxEntry): void {
        const m = this.store.get(e.ref);
        // Refused: the mapping opens again for another sweep.
        if (m !== undefined && e.status === 'failed') this.store.save({ ...m, status: 'open', sweptAmount: 0n });
    }
}

function hex(b: Uint8Array): string {
    return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}
