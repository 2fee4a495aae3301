/**
 * Compute-socket costs (ICRC-7 / ICRC-37, docs/sockets.md; issue 18's targets: `icrc7_transfer` of
 * one token ≤ 8 M instructions, `icrc7_tokens_of` page of 100 ≤ 20 M) on the market benchmark's
 * staged state: 100 (and 10,000) open orders opened by real `market_open` messages, each order a
 * socket minted to its payer (order k by buyer k mod 100).
 *
 * Updates: one unmeasured call (the method's first in this instance), then the mean of 10, each one
 * token per message, protocol canister only (inspect apart). Queries: 100 ids (`owner_of`) and a page
 * of 100 (`tokens_of`) of a holder of 100 sockets: the first 100 moved to one collector account by real
 * transfers (contiguous ids), and at 10,000 orders also a staged buyer's own 100 (ids interleaved).
 * `npm run bench -- --only sockets` (`PROTOCOL_BENCH_NODES=100` for the small network).
 */
import type { Principal } from '@dfinity/principal';
import type { EmbeddedReplica } from '../../tools/replica';
import { PROTOCOL_ID } from '../helpers/network';
import { measure, measureByKind, type BenchResult, type BenchSuite, benchLog } from './harness';
import { buyer, call, marketWith, query, submit } from './market.bench';
import { routerOp, VALIDATORS } from './protocol.bench';

interface Account {
    owner: Principal;
    subaccount: [] | [Uint8Array];
}
const acct = (owner: Principal, sub?: number): Account => ({ owner, subaccount: sub === undefined ? [] : [new Uint8Array(32).fill(sub)] });
/** An account holding no socket: the collector of the 100-order state (its own principal). */
const COLLECTOR = acct(routerOp(900));
/** The spender of the ICRC-37 rows (a principal holding nothing). */
const SPENDER = routerOp(901);
const RUNS = 10;

/** Every item of an ICRC-7/37 batch answer is `opt Ok`; throws otherwise. */
function allOk(method: string, v: unknown): void {
    const items = v as ([] | [Record<string, unknown>])[];
    for (const item of items) if (item.length !== 1 || !('Ok' in item[0])) throw new Error(`${method}: ${JSON.stringify(item, (_k, x) => (typeof x === 'bigint' ? x.toString() : x))}`);
}

async function update(replica: EmbeddedReplica, sender: Principal, method: 'icrc7_transfer' | 'icrc37_approve_tokens' | 'icrc37_transfer_from', item: unknown): Promise<void> {
    allOk(method, await call(replica, sender, method, [[item]]));
}

const tokensOf = (replica: EmbeddedReplica, a: Account, take = 100n): bigint[] => query(replica, 'icrc7_tokens_of', [a, [], [take]]) as bigint[];

/** The messages `action` caused on the protocol canister: the `method` updates apart from the others (the certification timer's). */
async function messagesOf(replica: EmbeddedReplica, method: string, action: () => Promise<unknown>): Promise<{ own: number; ownCount: number; others: number; othersCount: number; inspect: number }> {
    const before = replica.executionLog().length;
    await action();
    await replica.idle();
    const r = { own: 0, ownCount: 0, others: 0, othersCount: 0, inspect: 0 };
    for (const e of replica.executionLog().slice(before)) {
        if (e.canister !== PROTOCOL_ID.toText()) continue;
        if (e.kind === 'inspect_message') r.inspect += Number(e.instructions);
        else if (e.kind === 'update' && e.method === method) {
            r.own += Number(e.instructions);
            r.ownCount += 1;
        } else {
            r.others += Number(e.instructions);
            r.othersCount += 1;
        }
    }
    return r;
}

/**
 * One unmeasured `run(RUNS)`, then `run(0)` … `run(RUNS − 1)`, one per round: `alone` is the mean of
 * the `method` update message itself; `timer` the mean of what each round added (the certification
 * of the log tip, from a timer, once per round whatever the number of blocks: lifecycle.ts `certifySoon`).
 */
async function meanOf(replica: EmbeddedReplica, method: string, run: (i: number) => Promise<unknown>): Promise<{ alone: number; timer: number; inspect: number; note: string }> {
    await run(RUNS);
    let alone = 0;
    let timer = 0;
    let timerMessages = 0;
    let inspect = 0;
    for (let i = 0; i < RUNS; i++) {
        await replica.advanceTime(1_000_000_000n);
        const m = await messagesOf(replica, method, () => run(i));
        if (m.ownCount !== 1) throw new Error(`${method}: ${m.ownCount} messages`);
        alone += m.own;
        timer += m.others;
        timerMessages += m.othersCount;
        inspect += m.inspect;
    }
    const r = { alone: Math.round(alone / RUNS), timer: Math.round(timer / RUNS), inspect: Math.round(inspect / RUNS) };
    return { ...r, note: `the update message alone, one per round, mean of ${RUNS}; each round also ran ${(timerMessages / RUNS).toFixed(1)} timer messages, ${(r.timer / 1e6).toFixed(2)} M (the log tip's certification, once per round)` };
}

/** `k` calls submitted together (one round) and the timer they caused, per call. */
async function perRound(replica: EmbeddedReplica, method: string, calls: (() => Promise<unknown>)[]): Promise<{ instructions: number; note: string }> {
    await replica.advanceTime(1_000_000_000n);
    const m = await messagesOf(replica, method, () => Promise.all(calls.map((c) => c())));
    if (m.ownCount !== calls.length) throw new Error(`${method}: ${m.ownCount} of ${calls.length} messages`);
    return { instructions: Math.round((m.own + m.others) / calls.length), note: `${calls.length} in one round plus the certification timer (${m.others.toLocaleString('en-US')} instructions), per call` };
}

async function measureSockets(prefix: string, nodes: number, orders: number, report: (key: string, r: BenchResult) => void, log: (s: string) => void): Promise<void> {
    const replica = await marketWith(nodes, orders, log);
    const supply = query(replica, 'icrc7_total_supply', []) as bigint;
    if (supply < BigInt(orders)) throw new Error(`only ${supply} sockets`);
    const note = `${supply} sockets (${orders} open orders), ${nodes} compute nodes, ${VALIDATORS} validators; protocol canister only`;
    /** The first socket buyer b holds (the staging minted order k to buyer k mod 100). */
    const tokenOf = (b: number): bigint => {
        const t = tokensOf(replica, acct(buyer(b)), 1n)[0];
        if (t === undefined) throw new Error(`buyer ${b} holds no socket`);
        return t;
    };

    // icrc7_transfer: buyer i's socket to buyer 50 + i, created_at_time set (deduplicated).
    /** The sockets of buyers first … first + RUNS, looked up before the measured messages. */
    const held = (first: number): bigint[] => Array.from({ length: RUNS + 1 }, (_, i) => tokenOf(first + i));
    const t0 = held(0);
    const xfer = await meanOf(replica, 'icrc7_transfer', (i) => {
        const token = t0[i];
        return update(replica, buyer(i), 'icrc7_transfer', { from_subaccount: [], to: acct(buyer(50 + i)), token_id: token, memo: [], created_at_time: [replica.time()] });
    });
    report(`${prefix}.icrc7_transfer`, { instructions: xfer.alone, messages: 1, inspect: xfer.inspect, note: `icrc7_transfer of one token, buyer → another buyer, created_at_time set: dedup, the move, the 7xfer block; ${xfer.note}; ${note}` });
    // Ten transfers in one round (buyers 35 … 44 to 85 … 94), created_at_time set: the certification shared.
    const t35 = Array.from({ length: 10 }, (_, i) => tokenOf(35 + i));
    const xfer10 = await perRound(replica, 'icrc7_transfer', t35.map((token, i) => async () => allOk('icrc7_transfer', await submit(replica, buyer(35 + i), 'icrc7_transfer', [[{ from_subaccount: [], to: acct(buyer(85 + i)), token_id: token, memo: [], created_at_time: [replica.time()] }]]))));
    report(`${prefix}.icrc7_transfer.per_round_10`, { instructions: xfer10.instructions, messages: 1.1, note: `icrc7_transfer of one token, created_at_time set; ${xfer10.note}; ${note}` });

    // The same without created_at_time (no time bounds, no deduplication): the difference is dedup's share.
    const t50 = held(50);
    const plain = await meanOf(replica, 'icrc7_transfer', (i) => {
        const token = t50[i];
        return update(replica, buyer(50 + i), 'icrc7_transfer', { from_subaccount: [], to: acct(buyer(i)), token_id: token, memo: [], created_at_time: [] });
    });
    report(`${prefix}.icrc7_transfer_no_dedup`, { instructions: plain.alone, messages: 1, inspect: plain.inspect, note: `${plain.note}; icrc7_transfer of one token without created_at_time (not deduplicated), buyer → another buyer; the difference to icrc7_transfer is deduplication's share; mean of ${RUNS}; ${note}` });

    // icrc37_approve_tokens: buyer 20 + i approves SPENDER on its socket (created_at_time is required, not deduplicated).
    const approved = held(20);
    const appr = await meanOf(replica, 'icrc37_approve_tokens', (i) => {
        const token = approved[i];
        return update(replica, buyer(20 + i), 'icrc37_approve_tokens', { token_id: token, approval_info: { spender: acct(SPENDER), from_subaccount: [], expires_at: [], memo: [], created_at_time: replica.time() } });
    });
    report(`${prefix}.icrc37_approve_tokens`, { instructions: appr.alone, messages: 1, inspect: appr.inspect, note: `icrc37_approve_tokens, one token, one spender: the token record rewritten, the 37approve block; ${appr.note}; ${note}` });

    // icrc37_transfer_from: SPENDER moves each approved socket from buyer 20 + i to buyer 70 + i.
    const from = await meanOf(replica, 'icrc37_transfer_from', (i) => update(replica, SPENDER, 'icrc37_transfer_from', { spender_subaccount: [], from: acct(buyer(20 + i)), to: acct(buyer(70 + i)), token_id: approved[i], memo: [], created_at_time: [replica.time()] }));
    report(`${prefix}.icrc37_transfer_from`, { instructions: from.alone, messages: 1, inspect: from.inspect, note: `icrc37_transfer_from of one token by a token-level approved spender, created_at_time set: dedup, the approval check, the move (clearing the approvals), the 37xfer block; ${from.note}; ${note}` });

    /** How many 1,024-id buckets of the owner's id set a page touches (a page reads one stable entry per bucket). */
    const span = (ids: bigint[]): string => `ids ${ids[0]} … ${ids[ids.length - 1]}, ${new Set(ids.map((t) => t / 1024n)).size} buckets of 1,024`;

    // Spread holdings: at 10,000 orders buyer 95 (untouched above) holds orders 95, 195, … (one id in 100).
    const spread = acct(buyer(95));
    const spreadPage = tokensOf(replica, spread);
    if (spreadPage.length === 100) {
        const m = await measure(replica, PROTOCOL_ID, async () => tokensOf(replica, spread));
        report(`${prefix}.icrc7_tokens_of_100_spread`, { ...m, note: `query icrc7_tokens_of, a page of 100 of a staged buyer (its orders interleaved with 99 others': ${span(spreadPage)}); ${note}` });
    }

    // Contiguous holdings: the first 100 sockets moved to COLLECTOR by real transfers (one per message, one round).
    const all = query(replica, 'icrc7_tokens', [[], [100n]]) as bigint[];
    const owners = query(replica, 'icrc7_owner_of', [all]) as ([] | [Account])[];
    const moves = all.map((token, k) => {
        const o = owners[k]?.[0];
        if (o === undefined) throw new Error(`socket ${token} has no owner`);
        return async () => allOk('icrc7_transfer', await submit(replica, o.owner, 'icrc7_transfer', [[{ from_subaccount: o.subaccount, to: COLLECTOR, token_id: token, memo: [], created_at_time: [] }]]));
    });
    const moved = await perRound(replica, 'icrc7_transfer', moves);
    report(`${prefix}.icrc7_transfer_no_dedup.per_round_100`, { instructions: moved.instructions, messages: 1.01, note: `icrc7_transfer of one token without created_at_time, 100 holders to one collector; ${moved.note}; ${note}` });
    const page = tokensOf(replica, COLLECTOR);
    if (page.length !== 100) throw new Error(`the collector's page has ${page.length} sockets`);
    const tokensOfM = await measure(replica, PROTOCOL_ID, async () => tokensOf(replica, COLLECTOR));
    report(`${prefix}.icrc7_tokens_of_100`, { ...tokensOfM, note: `query icrc7_tokens_of, a page of 100 (prev null, take 100) of an account holding 100 sockets (${span(page)}); ${note}` });
    const ownerOf = await measure(replica, PROTOCOL_ID, async () => {
        const o = query(replica, 'icrc7_owner_of', [page]) as unknown[];
        if (o.length !== 100) throw new Error(`owner_of answered ${o.length}`);
    });
    report(`${prefix}.icrc7_owner_of_100`, { ...ownerOf, note: `query icrc7_owner_of of 100 existing ids; ${note}` });
}

export const socketsSuite: BenchSuite = {
    name: 'sockets',
    async run(report) {
        const log = benchLog;
        const nodes = Number(process.env.PROTOCOL_BENCH_NODES ?? 100_000);
        await measureSockets('sockets.o100', nodes, 100, report, log);
        if (process.env.SOCKETS_BENCH_SMALL === undefined) await measureSockets('sockets.o10000', nodes, Number(process.env.MARKET_BENCH_ORDERS ?? 10_000), report, log);
    },
};
