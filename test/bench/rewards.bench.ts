/**
 * Reward costs with 100 and with 100,000 eligible compute nodes: closing an epoch (the timer),
 * a claim (protocol side), and the schedule query. The networks (every compute node active by a
 * confirmed PoC) come from the protocol benchmark's cache.
 */
import { Principal } from '@dfinity/principal';
import { decode, encode } from '../../src/lib/candid/candid';
import { PROTOCOL_METHODS } from '../../src/protocol/api/interface';
import { EmbeddedReplica } from '../../tools/replica';
import { PROTOCOL_ID } from '../helpers/network';
import { measure, type BenchResult, type BenchSuite, benchLog } from './harness';
import { buildNetwork, computeOp, VALIDATORS } from './protocol.bench';

const DAY = 86_400n * 1_000_000_000n;
let requests = 0;

async function call(replica: EmbeddedReplica, sender: Principal, method: keyof typeof PROTOCOL_METHODS, arg: Uint8Array): Promise<unknown> {
    const s = await replica.submitUpdate({ canisterId: PROTOCOL_ID, method, arg, sender, requestId: `rbench-${++requests}` });
    if (s.status !== 'replied') throw new Error(`${method}: ${JSON.stringify(s)}`);
    const v = decode([PROTOCOL_METHODS[method].ret], s.reply)[0] as Record<string, unknown>;
    if (v !== null && typeof v === 'object' && 'Err' in v) throw new Error(`${method}: ${JSON.stringify(v.Err, (_k, x) => (typeof x === 'bigint' ? x.toString() : x))}`);
    return v;
}

async function activeNetwork(nodes: number, log: (s: string) => void): Promise<EmbeddedReplica> {
    const replica = await EmbeddedReplica.create({ time: 1_760_000_000n * 1_000_000_000n });
    await buildNetwork(replica, nodes, log);
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
    // Steady state: a first claim (c1) warms claim_rewards up; c0's is measured.
    await call(replica, computeOp(1), 'claim_rewards', encode([PROTOCOL_METHODS.claim_rewards.args[0]], ['c1']));
    const claim = await measure(replica, PROTOCOL_ID, () => call(replica, computeOp(0), 'claim_rewards', encode([PROTOCOL_METHODS.claim_rewards.args[0]], ['c0'])));
    report(`${prefix}.claim_rewards`, { ...claim, note: `settle the node and mint through the ledger (protocol side, callback included); ${note}` });
    const schedule = await measure(replica, PROTOCOL_ID, async () => replica.query({ canisterId: PROTOCOL_ID, method: 'emission_schedule', arg: encode([PROTOCOL_METHODS.emission_schedule.args[0]], [70]), sender: Principal.anonymous() }));
    report(`${prefix}.emission_schedule_70`, { ...schedule, note: 'query of the first 70 periods' });
    void DAY;
}

export const rewardsSuite: BenchSuite = {
    name: 'rewards',
    async run(report) {
        const log = benchLog;
        await measureRewards('rewards.small', 100, report, log);
        await measureRewards('rewards', Number(process.env.PROTOCOL_BENCH_NODES ?? 100_000), report, log);
    },
};
