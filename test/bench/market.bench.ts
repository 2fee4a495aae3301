/**
 * Compute-market costs (issue 17) on the protocol benchmark's network (100,000 active compute
 * nodes; `PROTOCOL_BENCH_NODES` to change), with 100 and with 10,000 open orders: `market_open`
 * (protocol side, the ledger's callback included), applying task records (per record: the
 * confirming vote of a batch of 100 task records less that of a batch of 1, over 99), maturing
 * settlements in the maintenance job (per settlement), and a claim (protocol side).
 *
 * Staging: the network comes from the protocol benchmark's cache (.bench/); 100 compute nodes
 * publish one offer each; 100 buyers (funded at the ledger's genesis) approve once and open their
 * orders by real `market_open` messages (each an ICRC-2 pull), submitted 100 per round. The
 * 10,000-order state is cached in .bench/ like the network (it takes minutes to build) and reloaded
 * through the upgrade path. Every measured message is a real message through the replica.
 * `npm run bench -- --only market`.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Principal } from '@dfinity/principal';
import { decode, encode } from '../../src/lib/candid/candid';
import { batchDigest, wirePayload, type BatchPayload } from '../../src/protocol/batches/payload';
import { PROTOCOL_METHODS, type ProtocolMethod } from '../../src/protocol/api/interface';
import { EmbeddedReplica, readStableSnapshot, writeStableSnapshot } from '../../tools/replica';
import { LEDGER_ID, PROTOCOL_ID, protocolUpgradeArg } from '../helpers/network';
import { E8S, ledgerUpgradeArg } from '../helpers/ledger';
import { builtWasm } from '../helpers/wasm';
import { measure, measureByKind, type BenchResult, type BenchSuite, benchLog } from './harness';
import { approve, buildNetwork, computeOp, GOVERNANCE, routerOp, validator, VALIDATORS } from './protocol.bench';

/** Bump when the way the cached market state is built changes (2: built with sockets, every order a token; 3: 1,024-id buckets). */
const STATE_VERSION = 3;
const SECOND = 1_000_000_000n;
const HOUR = 3_600n * SECOND;
const DAY = 24n * HOUR;
const T0 = 1_760_000_000n * SECOND;
/** Offers (one per compute node c0 … c99) and buyers (router operators 100 … 199, funded at genesis). */
const OFFERS = 100;
export const BUYERS = 100;
export const buyer = (b: number) => routerOp(100 + b);
const PRICE = E8S;
const UNITS = 100n;
const SERVICE = 'llm-inference';
/** Heights of the measured batches (the network's activation used heights from 1,000). */
const BASE_HEIGHT = 2_000_000n;

let requests = 0;

function show(x: unknown): string {
    return JSON.stringify(x, (_k, v) => (typeof v === 'bigint' ? v.toString() : v instanceof Uint8Array ? `0x${Buffer.from(v).toString('hex')}` : v));
}

/** An ingress update to the protocol through the replica's API; the decoded `Ok` (throws on `Err`). */
export async function call(replica: EmbeddedReplica, sender: Principal, method: ProtocolMethod, args: unknown[]): Promise<unknown> {
    const s = await replica.submitUpdate({ canisterId: PROTOCOL_ID, method, arg: encode(PROTOCOL_METHODS[method].args, args), sender, requestId: `mbench-${++requests}` });
    if (s.status !== 'replied') throw new Error(`${method}: ${show(s)}`);
    const v = decode([PROTOCOL_METHODS[method].ret], s.reply)[0] as Record<string, unknown>;
    if (v !== null && typeof v === 'object' && 'Err' in v) throw new Error(`${method}: ${show(v.Err)}`);
    return v !== null && typeof v === 'object' && 'Ok' in v ? v.Ok : v;
}

/** Submits without waiting (messages submitted together run in one round); resolves to the decoded result. */
export function submit(replica: EmbeddedReplica, sender: Principal, method: ProtocolMethod, args: unknown[]): Promise<unknown> {
    const s = replica.submitIngress({ canisterId: PROTOCOL_ID, method, arg: encode(PROTOCOL_METHODS[method].args, args), sender, requestId: `mbench-${++requests}` });
    if ('refused' in s) throw new Error(`${method} refused: ${s.refused.message}`);
    return s.done.then((r) => {
        if (r.status !== 'replied') throw new Error(`${method}: ${show(r)}`);
        const v = decode([PROTOCOL_METHODS[method].ret], r.reply)[0] as Record<string, unknown>;
        if (v !== null && typeof v === 'object' && 'Err' in v) throw new Error(`${method}: ${show(v.Err)}`);
        return v;
    });
}

export function query(replica: EmbeddedReplica, method: ProtocolMethod, args: unknown[]): unknown {
    const r = replica.query({ canisterId: PROTOCOL_ID, method, arg: encode(PROTOCOL_METHODS[method].args, args), sender: GOVERNANCE });
    if (!('reply' in r)) throw new Error(`${method} rejected: ${r.reject.message}`);
    return decode([PROTOCOL_METHODS[method].ret], r.reply)[0];
}

const summary = (replica: EmbeddedReplica) => query(replica, 'market_summary', []) as { orders: bigint; receipts: bigint; escrow: bigint; pending: bigint; credit: bigint };

const openArgs = (offer: number, createdAt: bigint, expiresAt: bigint) => ({ offer: BigInt(offer), units: UNITS, max_price: PRICE, expires_at: expiresAt, created_at_time: createdAt, from_subaccount: [] });

/** Opens orders `from` … `to − 1`: order k by buyer k mod 100 on offer k mod 100, 100 per round. */
async function openOrders(replica: EmbeddedReplica, from: number, to: number, log: (s: string) => void): Promise<void> {
    const now = replica.time();
    for (let at = from; at < to; at += BUYERS) {
        const n = Math.min(BUYERS, to - at);
        // created_at_time differs per order (the deduplication key), within the 24-hour window
        await Promise.all(Array.from({ length: n }, (_, j) => submit(replica, buyer((at + j) % BUYERS), 'market_open', [openArgs((at + j) % OFFERS, now - BigInt(at + j), now + 30n * DAY)])));
        if ((at + n) % 1_000 === 0) log(`  ${at + n} orders open`);
    }
}

/** The network with the market's offers, its reference price, the reward clock, the buyers' approvals. */
async function stageMarket(replica: EmbeddedReplica, nodes: number, log: (s: string) => void): Promise<void> {
    await buildNetwork(replica, nodes, log);
    await call(replica, GOVERNANCE, 'market_set_reference_prices', [[{ service: SERVICE, price: PRICE }]]);
    await call(replica, GOVERNANCE, 'start_trading_rewards', [[]]);
    for (let i = 0; i < OFFERS; i++) await call(replica, computeOp(i), 'market_offer', [{ node_id: `c${i}`, service: SERVICE, unit: { task: null }, price: PRICE, min_units: 1n, max_units: 1_000n }]);
    for (let b = 0; b < BUYERS; b++) await approve(replica, buyer(b), 150_000n * E8S);
}

/** A replica whose market holds `orders` open orders (the large state cached in .bench/). */
export async function marketWith(nodes: number, orders: number, log: (s: string) => void): Promise<EmbeddedReplica> {
    const replica = await EmbeddedReplica.create({ time: T0 });
    if (orders < 1_000) {
        await stageMarket(replica, nodes, log);
        await openOrders(replica, 0, orders, log);
        return replica;
    }
    const base = join(resolve(__dirname, '..', '..', '.bench'), `market-${nodes}-${orders}-v${STATE_VERSION}`);
    if (existsSync(`${base}.protocol.stable`)) {
        log(`loading the cached market ${base}.*`);
        await replica.loadCanister({ wasm: builtWasm('protocol'), stable: readStableSnapshot(`${base}.protocol.stable`), arg: protocolUpgradeArg(), canisterId: PROTOCOL_ID });
        await replica.loadCanister({ wasm: builtWasm('ledger'), stable: readStableSnapshot(`${base}.ledger.stable`), arg: ledgerUpgradeArg(undefined), canisterId: LEDGER_ID });
        return replica;
    }
    log(`opening ${orders} orders on the network of ${nodes} nodes (cached afterwards in ${base}.*) …`);
    await stageMarket(replica, nodes, log);
    await openOrders(replica, 0, orders, log);
    writeStableSnapshot(`${base}.protocol.stable`, replica.canisterMemory(PROTOCOL_ID).stable);
    writeStableSnapshot(`${base}.ledger.stable`, replica.canisterMemory(LEDGER_ID).stable);
    log(`  saved ${base}.*`);
    return replica;
}

/** Proposes `payload` at `height` and sends the votes before the confirming one; returns the confirming vote. */
async function proposeAndVote(replica: EmbeddedReplica, height: bigint, payload: BatchPayload): Promise<() => Promise<unknown>> {
    const digest = batchDigest(payload);
    await call(replica, validator(0), 'propose_batch', [{ height, payload: wirePayload(payload), digest }]);
    for (let v = 1; v < 8; v++) await call(replica, validator(v), 'vote_batch', [{ height, digest }]);
    return () => call(replica, validator(8), 'vote_batch', [{ height, digest }]);
}

/** Task records of staged orders (order k is on offer k mod 100, node c(k mod 100)). */
const tasks = (orders: number[], cum: bigint): BatchPayload => ({ poc_results: [], observations: [], tasks: [orders.map((o) => ({ order: BigInt(o), node_id: `c${o % OFFERS}`, cum_units: cum, result_hash: new Uint8Array(32).fill(o % 251) }))] });

async function measureMarket(prefix: string, nodes: number, orders: number, report: (key: string, r: BenchResult) => void, log: (s: string) => void): Promise<void> {
    const replica = await marketWith(nodes, orders, log);
    const s0 = summary(replica);
    if (s0.orders < BigInt(orders)) throw new Error(`only ${s0.orders} orders`);
    const note = `${orders} open orders, ${nodes} compute nodes, ${VALIDATORS} validators; protocol canister only`;
    const runs = 10;

    // market_open: one unmeasured (the method's first call in this instance), then the mean of 10.
    const now = replica.time();
    const open = (i: number) => call(replica, buyer(i % BUYERS), 'market_open', [openArgs(i % OFFERS, now + 1n + BigInt(i), now + 30n * DAY)]);
    await open(runs);
    let total = 0;
    let messages = 0;
    let inspect = 0;
    for (let i = 0; i < runs; i++) {
        const m = await measure(replica, PROTOCOL_ID, () => open(i));
        total += m.instructions;
        messages += m.messages;
        inspect += m.inspect ?? 0;
    }
    report(`${prefix}.open`, { instructions: Math.round(total / runs), messages: messages / runs, inspect: Math.round(inspect / runs), note: `market_open: checks, dedup, the order, the ICRC-2 pull's callback; mean of ${runs}; ${note}` });

    // Task records: a warm-up batch of 1, a measured batch of 1, a measured batch of 100 (distinct open orders).
    let height = BASE_HEIGHT;
    await (await proposeAndVote(replica, height++, tasks([0], 10n)))();
    const one = await measure(replica, PROTOCOL_ID, await proposeAndVote(replica, height++, tasks([1], 10n)));
    // orders 0 and 1 get 10 more units, the 98 others their first 20 (orders 0 … 99 are the staged ones, on offers 0 … 99)
    const hundred = await measure(replica, PROTOCOL_ID, await proposeAndVote(replica, height++, tasks(Array.from({ length: 100 }, (_, i) => i), 20n)));
    for (const [h, n] of [[height - 2n, 1], [height - 1n, 100]] as const) {
        const info = query(replica, 'get_batch', [h]) as { confirmed: { applied: { outcomes: string[] }[] }[] };
        const outcomes = info.confirmed[0]?.applied[0]?.outcomes ?? [];
        if (outcomes.length !== n || outcomes.some((o) => o !== 'ok')) throw new Error(`batch ${h}: outcomes ${outcomes.join(',')}`);
    }
    report(`${prefix}.task_record_per_record`, { instructions: Math.round((hundred.instructions - one.instructions) / 99), messages: 1, note: `applying one Task record: (confirming vote of a batch of 100 task records − that of a batch of 1) / 99; ${note}` });
    report(`${prefix}.confirm_apply_batch_100_tasks`, { ...hundred, note: `the ninth vote: confirms and applies a batch of 100 task records (each a new pending amount), certifies the tip; ${note}` });
    report(`${prefix}.confirm_apply_batch_1_task`, { ...one, note: `the ninth vote of a batch of 1 task record; ${note}` });

    // Maturity: 102 pending amounts mature together after the 72-hour window; every timer message in that step is summed.
    const matureAt = now + 72n * HOUR;
    await replica.advanceTime(matureAt - replica.time() - 60n * SECOND);
    await replica.idle();
    const before = summary(replica).receipts;
    const traceFrom = replica.executionLog().length;
    const mature = await measureByKind(replica, PROTOCOL_ID, () => replica.advanceTime(120n * SECOND));
    if (process.env.MARKET_BENCH_TRACE !== undefined) for (const e of replica.executionLog().slice(traceFrom)) log(`  trace ${e.canister === PROTOCOL_ID.toText() ? 'protocol' : 'ledger'} ${e.kind} ${e.method} ${e.instructions}`);
    const settled = Number(summary(replica).receipts - before);
    if (settled < 100) throw new Error(`only ${settled} settlements matured`);
    report(`${prefix}.maturity_per_settlement`, { instructions: Math.round(mature.instructions / settled), messages: mature.messages / settled, note: `the maintenance job's messages (timer) in the 2 minutes around mature_at, over the ${settled} settlements they matured (fee, credit, trading rewards, receipt); ${note}` });
    report(`${prefix}.maturity_job_total`, { instructions: mature.instructions, messages: mature.messages, note: `all protocol messages of that step (${settled} settlements, job_batch 50 per run); ${note}` });

    // Claims: provider wallets (their credit; period 1 gives providers no trading reward), one unmeasured first.
    await call(replica, computeOp(3), 'market_claim', [[]]);
    total = 0;
    messages = 0;
    for (let i = 0; i < runs; i++) {
        const m = await measure(replica, PROTOCOL_ID, () => call(replica, computeOp(4 + i), 'market_claim', [[]]));
        total += m.instructions;
        messages += m.messages;
    }
    report(`${prefix}.claim`, { instructions: Math.round(total / runs), messages: messages / runs, note: `market_claim by a provider's wallet: its credit (one transfer from the escrow; in reward period 1 the provider's trading reward is 0), callback included; mean of ${runs}; ${note}` });
    const buyerClaim = await measure(replica, PROTOCOL_ID, () => call(replica, buyer(20), 'market_claim', [[]]));
    report(`${prefix}.claim_buyer`, { ...buyerClaim, note: `market_claim by a buyer: its trading rewards (one mint), callback included; ${note}` });
}

export const marketSuite: BenchSuite = {
    name: 'market',
    async run(report) {
        const log = benchLog;
        const nodes = Number(process.env.PROTOCOL_BENCH_NODES ?? 100_000);
        await measureMarket('market.o100', nodes, 100, report, log);
        await measureMarket('market.o10000', nodes, Number(process.env.MARKET_BENCH_ORDERS ?? 10_000), report, log);
    },
};
