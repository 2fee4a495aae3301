/** A small EMC network on the in-memory protocol: 13 admitted validators, routers, compute nodes, and a batch clock. */
import { batchDigest, type BatchPayload } from '../../../../src/protocol/batches/payload';
import type { NodeRecord } from '../../../../src/protocol/nodes/record';
import { TREASURY_SUBACCOUNT } from '../../../../src/protocol/model/supply';
import { Principal } from '@dfinity/principal';
import { EMC, GOVERNANCE, PROTOCOL_ID, T0, newProtocol, operator } from '../helpers';

export const MINUTE = 60n * 1_000_000_000n;
export const HOUR = 60n * MINUTE;
export const VALIDATOR_PENALTY = 11_570_000_000n;
export const ROUTER_PENALTY = 386_000_000n;
export { EMC, GOVERNANCE, T0, operator };

export const wallet = (n: number) => ({ owner: operator(n + 500) });
/** Validators are operators 1..13 (node ids v1..v13), routers 21.. (r21..), compute nodes 41.. (c41..). */
export const VALIDATORS = Array.from({ length: 13 }, (_, i) => i + 1);

export async function network(opts: { validatorStake?: (i: number) => bigint; routerStake?: bigint; routers?: number[]; compute?: number[] } = {}) {
    const stakeOf = opts.validatorStake ?? (() => 1_001_000n * EMC);
    const routers = opts.routers ?? [];
    const compute = opts.compute ?? [];
    const t = newProtocol([
        ...VALIDATORS.map((i) => [i, 2_000_000n * EMC] as [number, bigint]),
        ...routers.map((i) => [i, 500_000n * EMC] as [number, bigint]),
        ...compute.map((i) => [i, 100_000n * EMC] as [number, bigint]),
    ]);
    const { protocol, env, ledger, batches } = t;
    for (const i of [...VALIDATORS, ...routers, ...compute]) ledger.approve(operator(i), 1_000_000_000n * EMC);
    for (const i of VALIDATORS) {
        env.as(operator(i));
        const r = await protocol.stakes.registerNode({ node_id: `v${i}`, node_type: 'validator', wallet: wallet(i), stake: { amount: stakeOf(i), lock_days: 360 } });
        if (!('Ok' in r)) throw new Error(`validator ${i}: ${JSON.stringify(r, (_k, v) => (typeof v === 'bigint' ? v.toString() : v))}`);
    }
    const admitted = protocol.admission.admit(GOVERNANCE, VALIDATORS.map((i) => `v${i}`));
    if (!('Ok' in admitted)) throw new Error('admission failed');
    for (const i of routers) {
        env.as(operator(i));
        const r = await protocol.stakes.registerNode({ node_id: `r${i}`, node_type: 'router', wallet: wallet(i), stake: { amount: (opts.routerStake ?? 100_100n * EMC), lock_days: 180 } });
        if (!('Ok' in r)) throw new Error(`router ${i}`);
    }
    for (const i of compute) {
        env.as(operator(i));
        const r = await protocol.stakes.registerNode({ node_id: `c${i}`, node_type: 'compute', wallet: wallet(i), stake: { amount: 7_200n * EMC, lock_days: 30 } });
        if (!('Ok' in r)) throw new Error(`compute ${i}`);
    }
    let height = 0n;
    /** Confirms one batch at the current time with these validators' votes (proposer first). */
    const confirm = (voters: number[], payload: BatchPayload = { poc_results: [], observations: [] }) => {
        height += 1n;
        const digest = batchDigest(payload);
        env.as(operator(voters[0]));
        const first = batches.propose(height, payload, digest);
        if (!('Ok' in first)) throw new Error(`propose: ${JSON.stringify(first)}`);
        for (const v of voters.slice(1)) {
            env.as(operator(v));
            batches.vote(height, digest);
        }
        return batches.lastConfirmed()?.height === height;
    };
    const confirmPoc = (voters: number[], ids: number[]) =>
        confirm(voters, { poc_results: ids.map((i) => ({ node_id: `c${i}`, operator: Principal.fromUint8Array(operator(i)), poc_ms: 10_000 })), observations: [] });
    const observe = (voters: number[], obs: [string, boolean][]) => confirm(voters, { poc_results: [], observations: obs.map(([node_id, online]) => ({ node_id, online })) });
    /**
     * Runs the clock from now to `until` in `step`s: a batch confirmed by `voters(t)` at each step
     * (none when it returns []), the maintenance timer every `sweep` (0: never).
     */
    const run = async (until: bigint, voters: (t: bigint) => number[], step = 5n * MINUTE, sweep = 10n * MINUTE) => {
        let nextSweep = env.time + sweep;
        while (env.time + step <= until) {
            env.time += step;
            const vs = voters(env.time);
            if (vs.length > 0) confirm(vs);
            if (sweep > 0n && env.time >= nextSweep) {
                await protocol.maintenance.run();
                nextSweep += sweep;
            }
        }
    };
    const node = (id: string) => protocol.registry.byId(id) as NodeRecord;
    const treasury = () => ledger.balance({ owner: PROTOCOL_ID, subaccount: TREASURY_SUBACCOUNT });
    /** Runs maintenance until no deduction is left (each run moves a bounded batch). */
    const settle = async () => {
        for (let i = 0; i < 20 && protocol.liveness.pendingDeductions() > 0; i++) await protocol.maintenance.run();
    };
    return { ...t, confirm, confirmPoc, observe, run, node, treasury, settle, T0 };
}

export const all = (except: number[] = []) => VALIDATORS.filter((v) => !except.includes(v));
