/**
 * Reward costs with 100 and with 100,000 eligible compute nodes: closing an epoch (the timer),
 * a claim (protocol side), and the schedule query. The networks come from the protocol benchmark's
 * cache; their compute nodes are activated here by confirmed PoC batches (cached again afterwards).
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Principal } from '@dfinity/principal';
import { decode, encode } from '../../src/candid/candid';
import { batchDigest, MAX_STATE_BITS, type BatchPayload } from '../../src/protocol/batches';
import { PROTOCOL_METHODS, ProposeArgsT, VoteArgsT } from '../../src/protocol/interface';
import { EmbeddedReplica, readStableSnapshot, writeStableSnapshot } from '../../src/replica';
import { ledgerUpgradeArg } from '../helpers/ledger';
import { LEDGER_ID, PROTOCOL_ID, protocolUpgradeArg } from '../helpers/network';
import { builtWasm } from '../helpers/wasm';
import { measure, type BenchResult, type BenchSuite } from './harness';
import { buildNetwork, computeOp, validator, VALIDATORS } from './protocol.bench';

const STATE_VERSION = 1;
const DAY = 86_400n * 1_000_000_000n;
let requests = 0;

async function call(replica: EmbeddedReplica, sender: Principal, method: keyof typeof PROTOCOL_METHODS, arg: Uint8Array): Promise<unknown> {
    const s = await replica.submitUpdate({ canisterId: PROTOCOL_ID, method, arg, sender, requestId: `rbench-${++requests}` });
    if (s.status !== 'replied') throw new Error(`${method}: ${JSON.stringify(s)}`);
    const v = decode([PROTOCOL_METHODS[method].ret], s.reply)[0] as Record<string, unknown>;
    if (v !== null && typeof v === 'object' && 'Err' in v) throw new Error(`${method}: ${JSON.stringify(v.Err, (_k, x) => (typeof x === 'bigint' ? x.toString() : x))}`);
    return v;
}

/** Confirms PoC results for every compute node, MAX_STATE_BITS per batch. */
async function activateAll(replica: EmbeddedReplica, nodes: number, log: (s: string) => void): Promise<void> {
    let height = 1_000n;
    for (let first = 0; first < nodes; first += MAX_STATE_BITS) {
        const count = Math.min(MAX_STATE_BITS, nodes - first);
        const payload: BatchPayload = { poc_results: Array.from({ length: count }, (_, i) => ({ node_id: `c${first + i}`, operator: computeOp(first + i), poc_ms: 8_000 + ((first + i) % 7_000) })), observations: [] };
        const digest = batchDigest(payload);
        await call(replica, validator(0), 'propose_batch', encode([ProposeArgsT], [{ height, payload, digest }]));
        for (let v = 1; v < 9; v++) await call(replica, validator(v), 'vote_batch', encode([VoteArgsT], [{ height, digest }]));
        height++;
        if ((first + count) % 10_000 === 0) log(`  ${first + count} compute nodes active`);
    }
}

async function activeNetwork(nodes: number, log: (s: string) => void): Promise<EmbeddedReplica> {
    const dir = resolve(__dirname, '..', '..', '.bench');
    const base = join(dir, `rewards-${nodes}-v${STATE_VERSION}`);
    const replica = await EmbeddedReplica.create({ time: 1_760_000_000n * 1_000_000_000n });
    if (existsSync(`${base}.protocol.stable`)) {
        log(`loading the cached network ${base}.*`);
        await replica.loadCanister({ wasm: builtWasm('protocol'), stable: readStableSnapshot(`${base}.protocol.stable`), arg: protocolUpgradeArg(), canisterId: PROTOCOL_ID });
        await replica.loadCanister({ wasm: builtWasm('ledger'), stable: readStableSnapshot(`${base}.ledger.stable`), arg: ledgerUpgradeArg(undefined), canisterId: LEDGER_ID });
        return replica;
    }
    await buildNetwork(replica, nodes, log);
    log(`activating ${nodes} compute nodes by PoC batches (cached afterwards in ${base}.*) …`);
    await activateAll(replica, nodes, log);
    writeStableSnapshot(`${base}.protocol.stable`, replica.canisterMemory(PROTOCOL_ID).stable);
    writeStableSnapshot(`${base}.ledger.stable`, replica.canisterMemory(LEDGER_ID).stable);
    return replica;
}

async function measureRewards(prefix: string, nodes: number, report: (key: string, r: BenchResult) => void, log: (s: string) => void): Promise<void> {
    const replica = await activeNetwork(nodes, log);
    const note = `${nodes} eligible compute nodes and ${VALIDATORS} validators`;
    const summary = () => decode([PROTOCOL_METHODS.rewards_summary.ret], (replica.query({ canisterId: PROTOCOL_ID, method: 'rewards_summary', arg: encode([], []), sender: Principal.anonymous() }) as { reply: Uint8Array }).reply)[0] as { epoch_end: bigint; eligible: bigint };
    const s = summary();
    if (s.eligible < BigInt(nodes)) throw new Error(`only ${s.eligible} eligible nodes`);
    // let one whole epoch pass first, then measure the close of the next one
    await replica.advanceTime(s.epoch_end - replica.time() + 1n);
    const next = summary();
    const close = await measure(replica, PROTOCOL_ID, () => replica.advanceTime(next.epoch_end - replica.time() + 1n));
    report(`${prefix}.close_epoch`, { ...close, note: `the epoch-boundary timer (its messages summed): advances the index and records the epoch; ${note}` });
    const claim = await measure(replica, PROTOCOL_ID, () => call(replica, computeOp(0), 'claim_rewards', encode([PROTOCOL_METHODS.claim_rewards.args[0]], ['c0'])));
    report(`${prefix}.claim_rewards`, { ...claim, note: `settle the node and mint through the ledger (protocol side, callback included); ${note}` });
    const schedule = await measure(replica, PROTOCOL_ID, async () => replica.query({ canisterId: PROTOCOL_ID, method: 'emission_schedule', arg: encode([PROTOCOL_METHODS.emission_schedule.args[0]], [70]), sender: Principal.anonymous() }));
    report(`${prefix}.emission_schedule_70`, { ...schedule, note: 'query of the first 70 periods' });
    void DAY;
}

export const rewardsSuite: BenchSuite = {
    name: 'rewards',
    async run(report) {
        const log = (s: string): void => {
            process.stdout.write(`${s}\n`);
        };
        await measureRewards('rewards.small', 100, report, log);
        await measureRewards('rewards', Number(process.env.PROTOCOL_BENCH_NODES ?? 100_000), report, log);
    },
};
