/**
 * Genesis-distribution costs (issue 19), each on its own fresh network: a vesting claim (protocol
 * side, the ledger's callback included), loading 1,000 mapping entries in one message, and closing a
 * lock-up period: every message of the close job (the provisional result, then the scan of the locks
 * in chunks of CLOSE_CHUNK), the costliest one reported.
 *
 * Staging: the locks are real `lock_tokens` messages (each an ICRC-2 pull), 100 per round, from 100
 * players funded at the ledger's genesis. `LOCKUP_BENCH_LOCKS` sets their number (default 10,000; the
 * issue's 100,000 takes ~N × 25 M instructions of staging). The locked state is cached in .bench/.
 * `npm run bench -- --only distribution`.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Principal } from '@dfinity/principal';
import { decode, encode } from '../../src/lib/candid/candid';
import * as L from '../../src/ledger/api/candid';
import { PROTOCOL_METHODS, type ProtocolMethod } from '../../src/protocol/api/interface';
import { CLOSE_CHUNK } from '../../src/protocol/lockup/lockup';
import { TREASURY_SUBACCOUNT } from '../../src/protocol/model/supply';
import { VESTING_SUBACCOUNT } from '../../src/protocol/treasury/vesting';
import { EmbeddedReplica, readStableSnapshot, writeStableSnapshot } from '../../tools/replica';
import { E8S, FEE, ledgerInitArg, ledgerUpgradeArg } from '../helpers/ledger';
import { LEDGER_ID, PROTOCOL_ID, protocolInitArg, protocolUpgradeArg, T0 } from '../helpers/network';
import { builtWasm } from '../helpers/wasm';
import { measure, type BenchResult, type BenchSuite, benchLog } from './harness';
import { principal } from './protocol.bench';

const STATE_VERSION = 1;
const SECOND = 1_000_000_000n;
const HOUR = 3_600n * SECOND;
const DAY = 24n * HOUR;
const GOVERNANCE = principal(9, 1);
const player = (i: number) => principal(4, i);
const beneficiary = (i: number) => principal(5, i);
const PLAYERS = 100;

let requests = 0;

function show(x: unknown): string {
    return JSON.stringify(x, (_k, v) => (typeof v === 'bigint' ? v.toString() : v instanceof Uint8Array ? `0x${Buffer.from(v).toString('hex')}` : v));
}

function check(method: ProtocolMethod, status: { status: string; reply?: Uint8Array }): unknown {
    if (status.status !== 'replied' || status.reply === undefined) throw new Error(`${method}: ${show(status)}`);
    const v = decode([PROTOCOL_METHODS[method].ret], status.reply)[0] as Record<string, unknown>;
    if (v !== null && typeof v === 'object' && 'Err' in v) throw new Error(`${method}: ${show(v.Err)}`);
    return v !== null && typeof v === 'object' && 'Ok' in v ? v.Ok : v;
}

async function call(replica: EmbeddedReplica, sender: Principal, method: ProtocolMethod, args: unknown[]): Promise<unknown> {
    return check(method, (await replica.submitUpdate({ canisterId: PROTOCOL_ID, method, arg: encode(PROTOCOL_METHODS[method].args, args), sender, requestId: `dbench-${++requests}` })) as never);
}

function submit(replica: EmbeddedReplica, sender: Principal, method: ProtocolMethod, args: unknown[]): Promise<unknown> {
    const s = replica.submitIngress({ canisterId: PROTOCOL_ID, method, arg: encode(PROTOCOL_METHODS[method].args, args), sender, requestId: `dbench-${++requests}` });
    if ('refused' in s) throw new Error(`${method} refused: ${s.refused.message}`);
    return s.done.then((r) => check(method, r as never));
}

function query(replica: EmbeddedReplica, method: ProtocolMethod, args: unknown[]): unknown {
    const r = replica.query({ canisterId: PROTOCOL_ID, method, arg: encode(PROTOCOL_METHODS[method].args, args), sender: GOVERNANCE });
    if (!('reply' in r)) throw new Error(`${method} rejected: ${r.reject.message}`);
    return decode([PROTOCOL_METHODS[method].ret], r.reply)[0];
}

const acct = (owner: Principal, sub?: Uint8Array) => ({ owner, subaccount: sub === undefined ? ([] as []) : ([sub] as [Uint8Array]) });

async function network(opts: { epochSeconds?: bigint; vesting?: { beneficiary: ReturnType<typeof acct>; total: bigint; start: [] | [bigint]; reason: string }[]; balances: [ReturnType<typeof acct>, bigint][] }): Promise<EmbeddedReplica> {
    const replica = await EmbeddedReplica.create({ time: T0 });
    await replica.installCanister({ wasm: builtWasm('protocol'), arg: protocolInitArg(GOVERNANCE, T0, opts.epochSeconds, opts.vesting), canisterId: PROTOCOL_ID });
    await replica.installCanister({ wasm: builtWasm('ledger'), arg: ledgerInitArg({ minting: PROTOCOL_ID, balances: opts.balances as [L.CAccount, bigint][] }), canisterId: LEDGER_ID });
    return replica;
}

async function approve(replica: EmbeddedReplica, owner: Principal, amount: bigint): Promise<void> {
    const s = await replica.submitUpdate({
        canisterId: LEDGER_ID, method: 'icrc2_approve', sender: owner, requestId: `dbench-${++requests}`,
        arg: encode([L.ApproveArgsT], [{ fee: [], memo: [], from_subaccount: [], created_at_time: [], amount: amount + FEE, expected_allowance: [], expires_at: [], spender: acct(PROTOCOL_ID) }]),
    });
    if (s.status !== 'replied') throw new Error(`approve: ${show(s)}`);
}

async function vestingRows(report: (key: string, r: BenchResult) => void): Promise<void> {
    const total = 10_000_000n * E8S;
    const vesting = [0, 1, 2].map((i) => ({ beneficiary: acct(beneficiary(i)), total, start: [] as [], reason: `team ${i}` }));
    const replica = await network({ vesting, balances: [[acct(PROTOCOL_ID, VESTING_SUBACCOUNT), 3n * total]] });
    await replica.advanceTime(T0 + 100n * DAY - replica.time());
    await replica.idle();
    await call(replica, beneficiary(0), 'claim_vesting', [0n]);
    const m = await measure(replica, PROTOCOL_ID, () => call(replica, beneficiary(1), 'claim_vesting', [1n]));
    report('distribution.vesting_claim', { ...m, note: 'claim_vesting of a genesis schedule after 100 days (570,000 EMC of 10,000,000): the tranches, the outbox transfer and its callback; the method warmed up by another claim; protocol canister only' });
}

async function mappingRows(report: (key: string, r: BenchResult) => void): Promise<void> {
    const replica = await network({ balances: [[acct(PROTOCOL_ID, TREASURY_SUBACCOUNT), 10_000_000n * E8S]] });
    const now = replica.time();
    await call(replica, GOVERNANCE, 'create_mapping', [{ name: 'bench mapping', rate_numerator: 3n, rate_denominator: 2n, dust_threshold: 5n * E8S, window_start: now + HOUR, window_end: now + 10n * HOUR, reason: 'bench' }]);
    const chunk = (c: number) => Array.from({ length: 1_000 }, (_, i) => ({ account: acct(principal(6, c * 1_000 + i)), source: (i % 10 === 0 ? 4n : 10n) * E8S + BigInt(i) }));
    const first = await measure(replica, PROTOCOL_ID, () => call(replica, GOVERNANCE, 'load_mapping_entries', [{ id: 0n, entries: chunk(0) }]));
    report('distribution.mapping_load_1000_first', { ...first, note: 'load_mapping_entries, 1,000 entries (a tenth of them dust), the method’s first call in this instance (its Candid plan built); the limit is 40 B' });
    let total = 0;
    const runs = 3;
    for (let c = 1; c <= runs; c++) total += (await measure(replica, PROTOCOL_ID, () => call(replica, GOVERNANCE, 'load_mapping_entries', [{ id: 0n, entries: chunk(c) }]))).instructions;
    report('distribution.mapping_load_1000', { instructions: Math.round(total / runs), messages: 1, note: `load_mapping_entries, 1,000 entries (a tenth of them dust) onto 1,000 … 3,000 loaded; mean of ${runs}; the limit is 40 B` });
}

/** A network with a lock-up game of 1 period of 1 one-hour epoch and `locks` locks in pool B (cached). */
async function lockedNetwork(locks: number, log: (s: string) => void): Promise<EmbeddedReplica> {
    const dir = resolve(__dirname, '..', '..', '.bench');
    mkdirSync(dir, { recursive: true });
    const base = join(dir, `lockup-${locks}-v${STATE_VERSION}`);
    if (existsSync(`${base}.protocol.stable`)) {
        log(`loading the cached lock-up game ${base}.*`);
        const replica = await EmbeddedReplica.create({ time: T0 + HOUR / 2n });
        await replica.loadCanister({ wasm: builtWasm('protocol'), stable: readStableSnapshot(`${base}.protocol.stable`), arg: protocolUpgradeArg(), canisterId: PROTOCOL_ID });
        await replica.loadCanister({ wasm: builtWasm('ledger'), stable: readStableSnapshot(`${base}.ledger.stable`), arg: ledgerUpgradeArg(undefined), canisterId: LEDGER_ID });
        return replica;
    }
    log(`locking ${locks} times (cached afterwards in ${base}.*) …`);
    const perPlayer = BigInt(Math.ceil(locks / PLAYERS)) * 11n * E8S;
    const replica = await network({ epochSeconds: 3_600n, balances: [[acct(PROTOCOL_ID, TREASURY_SUBACCOUNT), 1_000_000n * E8S], ...Array.from({ length: PLAYERS }, (_, i) => [acct(player(i)), perPlayer + E8S] as [ReturnType<typeof acct>, bigint])] });
    for (let i = 0; i < PLAYERS; i++) await approve(replica, player(i), perPlayer);
    await call(replica, GOVERNANCE, 'start_lockup_game', [{ budget: 100_000n * E8S, output_per_period: 1_000n * E8S, start: replica.time() + HOUR / 4n, period_epochs: 1, periods: 1, reason: 'bench' }]);
    await replica.advanceTime(HOUR / 2n - (replica.time() - T0));
    for (let at = 0; at < locks; at += PLAYERS) {
        const n = Math.min(PLAYERS, locks - at);
        await Promise.all(Array.from({ length: n }, (_, j) => submit(replica, player(j), 'lock_tokens', [{ amount: 10n * E8S + BigInt((at + j) % 1_000), pool: { B: null }, node_id: [], from_subaccount: [] }])));
        if ((at + n) % 1_000 === 0) log(`  ${at + n} locks`);
    }
    writeStableSnapshot(`${base}.protocol.stable`, replica.canisterMemory(PROTOCOL_ID).stable);
    writeStableSnapshot(`${base}.ledger.stable`, replica.canisterMemory(LEDGER_ID).stable);
    log(`  saved ${base}.*`);
    return replica;
}

async function lockupRows(report: (key: string, r: BenchResult) => void, log: (s: string) => void): Promise<void> {
    const locks = Number(process.env.LOCKUP_BENCH_LOCKS ?? 10_000);
    const replica = await lockedNetwork(locks, log);
    const game = (query(replica, 'lockup_game', []) as { periods_closed: number }[])[0];
    if (game === undefined) throw new Error('no lock-up game');
    const from = replica.executionLog().length;
    // the period ends at start + 1 hour (start = T0 + 15 min): every message the close causes
    await replica.advanceTime(T0 + 2n * HOUR - replica.time());
    await replica.idle();
    const runs = replica.executionLog().slice(from).filter((e) => e.canister === PROTOCOL_ID.toText() && e.kind !== 'inspect_message');
    const closed = (query(replica, 'lockup_game', []) as { periods_closed: number; status: Record<string, null> }[])[0];
    if (closed.periods_closed !== 1) throw new Error(`the period did not close: ${show(closed)}`);
    const max = runs.reduce((m, e) => (e.instructions > m ? e.instructions : m), 0n);
    const total = runs.reduce((s, e) => s + e.instructions, 0n);
    const chunks = Math.ceil(locks / CLOSE_CHUNK);
    report(`distribution.lockup_close_period_${locks}_max_message`, { instructions: Number(max), messages: 1, note: `the costliest protocol message while a period with ${locks} locks closes (the scan: ${CLOSE_CHUNK} locks per message, ${chunks} chunks); the limit is 2 B` });
    report(`distribution.lockup_close_period_${locks}_total`, { instructions: Number(total), messages: runs.length, note: `every protocol message from the period's end until the close is final (timers, the unearned part's transfer and its callback)` });
    // The scan messages, in order: the full chunks (CLOSE_CHUNK locks each, from positions 0, CLOSE_CHUNK, …).
    const scans = runs.filter((e) => e.instructions > 100_000_000n).map((e) => Number(e.instructions));
    const full = Math.floor(locks / CLOSE_CHUNK);
    if (full >= 2 && scans.length >= full) {
        const first = scans[0];
        const last = scans[full - 1];
        report(`distribution.lockup_close_chunk_first`, { instructions: first, messages: 1, note: `the scan message of locks 0 … ${CLOSE_CHUNK - 1}; ${locks} locks` });
        report(`distribution.lockup_close_chunk_last_full`, { instructions: last, messages: 1, note: `the scan message of locks ${(full - 1) * CLOSE_CHUNK} … ${full * CLOSE_CHUNK - 1} (the B-tree skips ${(full - 1) * CLOSE_CHUNK} entries to reach its position); ${locks} locks` });
        report(`distribution.lockup_close_chunk_growth_per_1000_position`, { instructions: Math.round(((last - first) / ((full - 1) * CLOSE_CHUNK)) * 1_000), note: `how much a scan message grows per 1,000 locks before its position (last full chunk − first) / positions × 1,000: what the 100,000-lock close adds to its last chunk, linearly` });
    }
    log(`  close messages: ${runs.map((e) => `${e.kind} ${(Number(e.instructions) / 1e6).toFixed(1)} M`).join(', ')}`);
}

export const distributionSuite: BenchSuite = {
    name: 'distribution',
    async run(report) {
        const log = benchLog;
        await vestingRows(report);
        await mappingRows(report);
        await lockupRows(report, log);
    },
};
