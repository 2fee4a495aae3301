/**
 * emc_protocol instruction counts with 100 and with 100,000 active compute nodes: registering
 * a node (with and without stake), one vote, confirming and applying a batch of 100 state bits, a
 * node query, a page of 1,000 nodes, and the upgrade. The network is built as a real one grows:
 * compute nodes register unstaked (at most 20,000 may await their first PoC at a time) and are
 * activated by confirmed PoC batches, 10,000 at a time. The large network's stable memory is
 * cached in .bench/ (building it takes minutes) and reloaded through the upgrade path.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Principal } from '@dfinity/principal';
import { decode, encode, type Type } from '../../src/lib/candid/candid';
import * as L from '../../src/ledger/api/candid';
import { batchDigest, MAX_STATE_BITS, wirePayload, type BatchPayload } from '../../src/protocol/batches/payload';
import { PROTOCOL_METHODS, ProposeArgsT, VoteArgsT, type ProtocolMethod } from '../../src/protocol/api/interface';
import * as P from '../../src/protocol/api/candid';
import { EmbeddedReplica, readStableSnapshot, writeStableSnapshot } from '../../tools/replica';
import { E8S, FEE, ledgerInitArg, ledgerUpgradeArg } from '../helpers/ledger';
import { LEDGER_ID, PROTOCOL_ID, protocolInitArg, protocolUpgradeArg } from '../helpers/network';
import { builtWasm } from '../helpers/wasm';
import { measure, upgradeRows, type BenchResult, type BenchSuite, benchLog } from './harness';

const STATE_VERSION = 2;
/** Batch heights the network's activation uses; measurements use heights above them. */
const MEASURE_HEIGHT = 1_000_000n;
const SECOND = 1_000_000_000n;
const T0 = 1_760_000_000n * SECOND;
export const VALIDATORS = 13;

export function principal(kind: number, i: number): Principal {
    const b = new Uint8Array(29);
    b[0] = kind;
    new DataView(b.buffer).setUint32(1, i);
    b[28] = 2;
    return Principal.fromUint8Array(b);
}

export const GOVERNANCE = principal(9, 0);
export const validator = (i: number) => principal(1, i);
export const computeOp = (i: number) => principal(2, i);
export const routerOp = (i: number) => principal(3, i);

let requests = 0;

/** An ingress update through the replica's own API (setup speed: no certificate), checked for `Err`. */
export async function update(replica: EmbeddedReplica, canisterId: Principal, sender: Principal, method: string, arg: Uint8Array): Promise<void> {
    const s = await replica.submitUpdate({ canisterId, method, arg, sender, requestId: `pbench-${++requests}` });
    if (s.status !== 'replied') throw new Error(`${method} failed: ${JSON.stringify(s)}`);
    const ret = canisterId.toText() === LEDGER_ID.toText() ? L.ApproveResult : PROTOCOL_METHODS[method as ProtocolMethod].ret;
    const v = decode([ret], s.reply)[0] as Record<string, unknown>;
    if (v !== null && typeof v === 'object' && 'Err' in v) throw new Error(`${method}: ${JSON.stringify(v.Err, (_k, x) => (typeof x === 'bigint' ? x.toString() : x))}`);
}

export const arg = (t: Type, v: unknown) => encode([t], [v]);

function registerCompute(i: number): Uint8Array {
    return arg(P.RegisterNodeArgsT, { node_id: `c${i}`, node_type: { compute: null }, wallet: { owner: computeOp(i), subaccount: [] }, stake: [] });
}

export async function approve(replica: EmbeddedReplica, owner: Principal, amount: bigint): Promise<void> {
    await update(replica, LEDGER_ID, owner, 'icrc2_approve', arg(L.ApproveArgsT, { fee: [], memo: [], from_subaccount: [], created_at_time: [], amount: amount + FEE, expected_allowance: [], expires_at: [], spender: { owner: PROTOCOL_ID, subaccount: [] } }));
}

export async function buildNetwork(replica: EmbeddedReplica, nodes: number, log: (s: string) => void): Promise<void> {
    const dir = resolve(__dirname, '..', '..', '.bench');
    mkdirSync(dir, { recursive: true });
    const base = join(dir, `protocol-${nodes}-v${STATE_VERSION}`);
    if (existsSync(`${base}.protocol.stable`)) {
        log(`loading the cached network ${base}.*`);
        await replica.loadCanister({ wasm: builtWasm('protocol'), stable: readStableSnapshot(`${base}.protocol.stable`), arg: protocolUpgradeArg(), canisterId: PROTOCOL_ID });
        await replica.loadCanister({ wasm: builtWasm('ledger'), stable: readStableSnapshot(`${base}.ledger.stable`), arg: ledgerUpgradeArg(undefined), canisterId: LEDGER_ID });
        return;
    }
    log(`building a network with ${nodes} compute nodes (cached afterwards in ${base}.*) …`);
    await replica.installCanister({ wasm: builtWasm('protocol'), arg: protocolInitArg(GOVERNANCE), canisterId: PROTOCOL_ID });
    const balances: [L.CAccount, bigint][] = [];
    for (let i = 0; i < VALIDATORS; i++) balances.push([{ owner: validator(i), subaccount: [] }, 1_100_000n * E8S]);
    for (let i = 0; i < 200; i++) balances.push([{ owner: routerOp(i), subaccount: [] }, 200_000n * E8S]);
    await replica.installCanister({ wasm: builtWasm('ledger'), arg: ledgerInitArg({ minting: PROTOCOL_ID, balances }), canisterId: LEDGER_ID });
    for (let i = 0; i < VALIDATORS; i++) {
        await approve(replica, validator(i), 1_000_000n * E8S);
        await update(replica, PROTOCOL_ID, validator(i), 'register_node', arg(P.RegisterNodeArgsT, { node_id: `v${i}`, node_type: { validator: null }, wallet: { owner: validator(i), subaccount: [] }, stake: [{ amount: 1_000_000n * E8S, lock_days: 360, from_subaccount: [] }] }));
    }
    await update(replica, PROTOCOL_ID, GOVERNANCE, 'admit_validators', arg(PROTOCOL_METHODS.admit_validators.args[0], Array.from({ length: VALIDATORS }, (_, i) => `v${i}`)));
    const CHUNK = 10_000;
    let height = 1_000n;
    for (let first = 0; first < nodes; first += CHUNK) {
        const count = Math.min(CHUNK, nodes - first);
        for (let i = first; i < first + count; i++) await update(replica, PROTOCOL_ID, computeOp(i), 'register_node', registerCompute(i));
        height = await activate(replica, first, count, height);
        log(`  ${first + count} compute nodes, active`);
    }
    writeStableSnapshot(`${base}.protocol.stable`, replica.canisterMemory(PROTOCOL_ID).stable);
    writeStableSnapshot(`${base}.ledger.stable`, replica.canisterMemory(LEDGER_ID).stable);
    log(`  saved ${base}.*`);
}

/** Confirms PoC results for compute nodes first … first + count − 1, MAX_STATE_BITS per batch; returns the next height. */
async function activate(replica: EmbeddedReplica, first: number, count: number, height: bigint): Promise<bigint> {
    for (let at = first; at < first + count; at += MAX_STATE_BITS) {
        const n = Math.min(MAX_STATE_BITS, first + count - at);
        const payload: BatchPayload = { poc_results: Array.from({ length: n }, (_, i) => ({ node_id: `c${at + i}`, operator: computeOp(at + i), poc_ms: 8_000 + ((at + i) % 7_000) })), observations: [] };
        const digest = batchDigest(payload);
        await update(replica, PROTOCOL_ID, validator(0), 'propose_batch', arg(ProposeArgsT, { height, payload: wirePayload(payload), digest }));
        for (let v = 1; v < 9; v++) await update(replica, PROTOCOL_ID, validator(v), 'vote_batch', arg(VoteArgsT, { height, digest }));
        height++;
    }
    return height;
}

async function measureNetwork(prefix: string, nodes: number, report: (key: string, r: BenchResult) => void, log: (s: string) => void): Promise<void> {
    const replica = await EmbeddedReplica.create({ time: T0 });
    await buildNetwork(replica, nodes, log);
    const note = `${nodes} compute nodes, ${VALIDATORS} validators`;
    const protocolSide = async (key: string, what: string, action: () => Promise<unknown>): Promise<void> => {
        const m = await measure(replica, PROTOCOL_ID, action);
        report(`${prefix}.${key}`, { ...m, note: `${what}; protocol canister only; ${note}` });
    };

    const runs = 10;
    /**
     * Steady state: `op(runs)` runs once unmeasured first, so that the one-time work of a method's
     * first call in an instance (building its Candid decoder plan and result type table, ~0.3-7 M,
     * paid once after each install or upgrade) is not averaged into every row; the upgrade rows
     * count the upgrade itself.
     */
    const mean = async (key: string, what: string, op: (i: number) => Promise<unknown>): Promise<void> => {
        let total = 0;
        let messages = 0;
        await op(runs);
        for (let i = 0; i < runs; i++) {
            const m = await measure(replica, PROTOCOL_ID, () => op(i));
            total += m.instructions;
            messages += m.messages;
        }
        report(`${prefix}.${key}`, { instructions: Math.round(total / runs), messages: messages / runs, note: `${what}; mean of ${runs}; protocol canister only; ${note}` });
    };
    await mean('register_node_compute', 'register an unstaked compute node', (i) => update(replica, PROTOCOL_ID, computeOp(nodes + 1 + i), 'register_node', registerCompute(nodes + 1 + i)));
    for (let i = 0; i <= runs; i++) await approve(replica, routerOp(i), 100_000n * E8S);
    const ledgerBefore = replica.executionLog().length;
    await mean('register_node_staked', 'register a router with its stake (the icrc2_transfer_from call and its callback included)', (i) =>
        update(replica, PROTOCOL_ID, routerOp(i), 'register_node', arg(P.RegisterNodeArgsT, { node_id: `r${i}`, node_type: { router: null }, wallet: { owner: routerOp(i), subaccount: [] }, stake: [{ amount: 100_000n * E8S, lock_days: 180, from_subaccount: [] }] })),
    );
    const ledgerPart = replica.executionLog().slice(ledgerBefore).filter((e) => e.canister === LEDGER_ID.toText());
    report(`${prefix}.register_node_staked.ledger_side`, { instructions: Math.round(Number(ledgerPart.reduce((s, e) => s + e.instructions, 0n)) / runs), messages: ledgerPart.length / runs, note: `the ledger's icrc2_transfer_from for that registration; mean of ${runs}; ${note}` });

    // A batch of 100 PoC results for existing compute nodes.
    const payload: BatchPayload = { poc_results: Array.from({ length: 100 }, (_, i) => ({ node_id: `c${i}`, operator: computeOp(i), poc_ms: 10_000 + i })), observations: [] };
    const digest = batchDigest(payload);
    // Warm-up (steady state, as `mean` does): the same proposal one height above, unmeasured.
    await update(replica, PROTOCOL_ID, validator(0), 'propose_batch', arg(ProposeArgsT, { height: MEASURE_HEIGHT + 1n, payload: wirePayload(payload), digest }));
    await protocolSide('propose_batch_100', 'propose a batch of 100 state bits (digest recomputed)', () => update(replica, PROTOCOL_ID, validator(0), 'propose_batch', arg(ProposeArgsT, { height: MEASURE_HEIGHT, payload: wirePayload(payload), digest })));
    // The first vote (validator 1) warms vote_batch up; the second is measured; the ninth confirms.
    await update(replica, PROTOCOL_ID, validator(1), 'vote_batch', arg(VoteArgsT, { height: MEASURE_HEIGHT, digest }));
    await protocolSide('vote', 'one vote that does not confirm', () => update(replica, PROTOCOL_ID, validator(2), 'vote_batch', arg(VoteArgsT, { height: MEASURE_HEIGHT, digest })));
    for (let v = 3; v < 8; v++) await update(replica, PROTOCOL_ID, validator(v), 'vote_batch', arg(VoteArgsT, { height: MEASURE_HEIGHT, digest }));
    await protocolSide('confirm_apply_batch_100', 'the ninth vote: confirms and applies 100 state bits, certifies the tip', () => update(replica, PROTOCOL_ID, validator(8), 'vote_batch', arg(VoteArgsT, { height: MEASURE_HEIGHT, digest })));

    const query = (method: ProtocolMethod, a: Uint8Array) => async () => {
        const r = replica.query({ canisterId: PROTOCOL_ID, method, arg: a, sender: GOVERNANCE });
        if (!('reply' in r)) throw new Error(`${method} rejected: ${r.reject.message}`);
    };
    await protocolSide('get_node', 'query one node by id', query('get_node', arg(PROTOCOL_METHODS.get_node.args[0], `c${Math.floor(nodes / 2)}`)));
    await protocolSide('list_nodes_100', 'query a page of 100 active compute nodes', query('list_nodes', arg(P.ListNodesArgsT, { node_type: { compute: null }, status: { active: null }, start: 0n, limit: 100 })));
    if (nodes >= 1000) {
        await protocolSide('list_nodes_1000', 'query the first page of 1,000 nodes', query('list_nodes', arg(P.ListNodesArgsT, { node_type: { compute: null }, status: { active: null }, start: 0n, limit: 1000 })));
        await protocolSide('list_nodes_1000_last', 'query the last page of 1,000 nodes (the offset is skipped inside the B-tree)', query('list_nodes', arg(P.ListNodesArgsT, { node_type: { compute: null }, status: { active: null }, start: BigInt(nodes - 1100), limit: 1000 })));
    }
    await upgradeRows(report, prefix, replica, PROTOCOL_ID, () => replica.upgradeCanister(PROTOCOL_ID, { wasm: builtWasm('protocol'), arg: protocolUpgradeArg() }), `protocol canister only; ${note}`);
}

export const protocolSuite: BenchSuite = {
    name: 'protocol',
    async run(report) {
        const log = benchLog;
        await measureNetwork('protocol.small', 100, report, log);
        await measureNetwork('protocol', Number(process.env.PROTOCOL_BENCH_NODES ?? 100_000), report, log);
    },
};
