/**
 * Liveness penalties, impeachment and key rotation end to end: both built canisters in the
 * embedded replica, every call through agent-js. 13 validators, two routers; batches are proposed
 * and voted by the validators' own identities; time moves with advanceTime (the maintenance timer
 * evaluates liveness and moves penalties to the treasury). An upgrade happens in the middle.
 */
import type { Identity } from '@dfinity/agent';
import { Principal } from '@dfinity/principal';
import { batchDigest, wirePayload, type BatchPayload } from '../../src/protocol/batches/payload';
import { TREASURY_SUBACCOUNT } from '../../src/protocol/model/supply';
import { builtWasm } from '../helpers/wasm';
import { EMC, PROTOCOL_ID, SECOND, approveProtocol, deployNetwork, identity, principalOf, protocolUpgradeArg, wallet, type Network } from '../helpers/network';

const MINUTE = 60n * SECOND;
const HOUR = 60n * MINUTE;
const VALIDATOR_PENALTY = 11_570_000_000n;
const ROUTER_PENALTY = 386_000_000n;
const vals = Array.from({ length: 13 }, (_, i) => identity(300 + i));
const routers = [identity(400), identity(401)];
const treasury = { owner: PROTOCOL_ID, subaccount: [TREASURY_SUBACCOUNT] as [Uint8Array] };
const show = (x: unknown) => JSON.stringify(x, (_k, v) => (typeof v === 'bigint' ? v.toString() : v));

describe('penalties and peer votes through both canisters', () => {
    let net: Network;
    let height = 0n;

    /** One batch confirmed by validators `voters` (indexes into vals; the first proposes). */
    async function batch(voters: number[], payload: BatchPayload = { poc_results: [], observations: [] }): Promise<void> {
        height += 1n;
        const digest = batchDigest(payload);
        const p = (await net.protocol(vals[voters[0]]).propose_batch({ height, payload: wirePayload(payload), digest })) as any;
        if (!('Ok' in p)) throw new Error(`propose ${height}: ${show(p)}`);
        for (const v of voters.slice(1)) await net.protocol(vals[v]).vote_batch({ height, digest });
        const tip = (await net.protocol().certified_tip()) as any;
        expect(tip.height).toEqual([height]);
    }
    const all = (except: number[] = []) => vals.map((_, i) => i).filter((i) => !except.includes(i));
    const node = async (id: string) => ((await net.protocol().get_node(id)) as any[])[0];
    const balance = async (a: unknown) => (await net.ledger().icrc1_balance_of(a)) as bigint;

    beforeAll(async () => {
        net = await deployNetwork([...vals.map((v) => [v, 1_002_000n * EMC] as [Identity, bigint]), ...routers.map((r) => [r, 200_000n * EMC] as [Identity, bigint])]);
        for (let i = 0; i < 13; i++) {
            await approveProtocol(net, vals[i], 1_001_000n * EMC);
            const r = (await net.protocol(vals[i]).register_node({ node_id: `v${i}`, node_type: { validator: null }, wallet: wallet(vals[i]), stake: [{ amount: 1_001_000n * EMC, lock_days: 360, from_subaccount: [] }] })) as any;
            expect(r).toHaveProperty('Ok');
        }
        // Governance checks the proposal with validate_admit_validators first.
        expect((await net.protocol().validate_admit_validators(vals.map((_, i) => `v${i}`))) as any).toEqual({ Ok: `Admit 13 validator(s): ${vals.map((_, i) => `v${i}`).join(', ')}; the set grows to 13.` });
        expect((await net.protocol().validate_admit_validators(['v0'])) as any).toEqual({ Err: 'WrongBatchSize expected=13 got=1' });
        const admitted = (await net.protocol(net.governance).admit_validators(vals.map((_, i) => `v${i}`))) as any;
        const log = (await net.protocol().governance_log({ start: 0n, count: 10 })) as any[];
        expect(log.map((e) => [e.method, e.after])).toEqual([['admit_validators', `admitted ${vals.map((_, i) => `v${i}`).join(', ')}`]]);
        expect(admitted).toHaveProperty('Ok');
        for (let i = 0; i < 2; i++) {
            await approveProtocol(net, routers[i], 100_100n * EMC);
            const r = (await net.protocol(routers[i]).register_node({ node_id: `r${i}`, node_type: { router: null }, wallet: wallet(routers[i]), stake: [{ amount: 100_100n * EMC, lock_days: 180, from_subaccount: [] }] })) as any;
            expect(r).toHaveProperty('Ok');
        }
    }, 300_000);

    it('a validator down for 3 hours loses exactly 3 × 115.7 EMC to the treasury', async () => {
        const before = await balance(treasury);
        // Batches every 20 minutes; v12 takes part in the first (t = 0), then is down for 3 hours.
        await batch(all());
        for (let t = 20n; t < 180n; t += 20n) {
            await net.replica.advanceTime(20n * MINUTE);
            await batch(all([12]));
        }
        await net.replica.advanceTime(20n * MINUTE);
        // t = 180 minutes: back, and takes part again.
        await batch(all());
        await net.replica.advanceTime(10n * MINUTE);
        const v = await node('v12');
        expect(v.penalized).toBe(3n * VALIDATOR_PENALTY);
        expect(v.penalty_due).toBe(0n);
        expect(v.suspended).toBe(false);
        expect((await balance(treasury)) - before).toBe(3n * VALIDATOR_PENALTY);
        // The escrow on the ledger is what the protocol records (stake less penalties and fees).
        expect(await balance(v.escrow)).toBe(v.stake[0].amount);
        for (const i of all([12])) expect((await node(`v${i}`)).penalized).toBe(0n);
        const log = (await net.protocol().penalty_log({ start: 0n, count: 10 })) as any[];
        expect(log.length).toBeGreaterThan(0);
        expect(log.every((r) => r.node_id === 'v12' && 'liveness' in r.kind && r.amount === BigInt(r.windows) * VALIDATOR_PENALTY)).toBe(true);
        expect(log.reduce((a, r) => a + r.windows, 0)).toBe(3);
        const s = (await net.protocol().penalties_summary()) as any;
        expect(s).toMatchObject({ charged: 3n * VALIDATOR_PENALTY, moved: 3n * VALIDATOR_PENALTY, forgiven: 0n, pending_deductions: 0n });
    }, 300_000);

    it('survives an upgrade with its penalty books and liveness queue', async () => {
        await net.replica.upgradeCanister(PROTOCOL_ID, { wasm: builtWasm('protocol'), arg: protocolUpgradeArg() });
        expect((await node('v12')).penalized).toBe(3n * VALIDATOR_PENALTY);
        expect(((await net.protocol().penalties_summary()) as any).records).toBe(BigInt(((await net.protocol().penalty_log({ start: 0n, count: 10 })) as any[]).length));
    }, 120_000);

    it('a router reported offline for 25 minutes loses 2 × 3.86 EMC', async () => {
        const before = await balance(treasury);
        await net.replica.advanceTime(5n * MINUTE);
        await batch(all(), { poc_results: [], observations: [{ node_id: 'r0', online: false }] });
        for (let i = 0; i < 5; i++) {
            await net.replica.advanceTime(5n * MINUTE);
            await batch(all(), i === 4 ? { poc_results: [], observations: [{ node_id: 'r0', online: true }] } : { poc_results: [], observations: [] });
        }
        await net.replica.advanceTime(2n * MINUTE);
        const r = await node('r0');
        expect(r.penalized).toBe(2n * ROUTER_PENALTY);
        expect(r.online).toEqual([true]);
        expect((await node('r1')).penalized).toBe(0n);
        expect((await balance(treasury)) - before).toBe(2n * ROUTER_PENALTY);
        expect(await balance(r.escrow)).toBe(r.stake[0].amount);
    }, 300_000);

    it('an impeachment that fails, and one that passes: disqualified, whole stake to the treasury', async () => {
        // v0 accuses v11; six say no: a majority of the 12 is out of reach.
        const opened = (await net.protocol(vals[0]).open_impeachment({ accuser: 'v0', node_id: 'v11', reason: 'equivocation at height 3' })) as any;
        expect(opened.Ok).toMatchObject({ electorate: 12, yes: 1, status: { open: null } });
        const id = opened.Ok.id as bigint;
        for (const i of [1, 2, 3, 4, 5]) expect((await net.protocol(vals[i]).vote_impeachment({ id, voter: `v${i}`, yes: false })) as any).toHaveProperty('Ok');
        const last = (await net.protocol(vals[6]).vote_impeachment({ id, voter: 'v6', yes: false })) as any;
        expect(last.Ok.status).toEqual({ failed: null });
        expect((await node('v11')).status).toEqual({ active: null });
        // v0 accuses v10; seven say yes.
        const before = await balance(treasury);
        const stake = (await node('v10')).stake[0].amount as bigint;
        const second = (await net.protocol(vals[0]).open_impeachment({ accuser: 'v0', node_id: 'v10', reason: 'signs for another operator' })) as any;
        const id2 = second.Ok.id as bigint;
        expect((await net.protocol(vals[10]).vote_impeachment({ id: id2, voter: 'v10', yes: false })) as any).toMatchObject({ Err: { AccusedCannotVote: { node_id: 'v10' } } });
        for (const i of [1, 2, 3, 4, 5]) await net.protocol(vals[i]).vote_impeachment({ id: id2, voter: `v${i}`, yes: true });
        expect((await net.protocol(vals[1]).vote_impeachment({ id: id2, voter: 'v1', yes: true })) as any).toMatchObject({ Err: { AlreadyVoted: { id: id2 } } });
        const passed = (await net.protocol(vals[6]).vote_impeachment({ id: id2, voter: 'v6', yes: true })) as any;
        expect(passed.Ok).toMatchObject({ status: { passed: null }, yes: 7 });
        await net.replica.advanceTime(2n * MINUTE);
        const v10 = await node('v10');
        expect(v10.status).toEqual({ disqualified: null });
        expect(v10.stake).toEqual([]);
        expect((await balance(treasury)) - before).toBe(stake - 100_000n);
        expect(await balance(v10.escrow)).toBe(0n);
        expect(((await net.protocol().validator_set()) as any).size).toBe(12);
    }, 300_000);

    it('a key rotation within the 2-hour window, and one after it', async () => {
        const newKey = identity(500);
        const r = (await net.protocol(vals[9]).report_key_compromise({ node_id: 'v9', new_operator: principalOf(newKey) })) as any;
        expect(r.Ok).toMatchObject({ status: { open: null }, electorate: 11 });
        expect((await node('v9')).frozen).toBe(true);
        expect((await net.protocol(vals[9]).claim_rewards('v9')) as any).toMatchObject({ Err: { NodeFrozen: { node_id: 'v9' } } });
        await net.replica.advanceTime(30n * MINUTE);
        for (const i of [0, 1, 2, 3, 4, 5]) await net.protocol(vals[i]).answer_key_report({ id: r.Ok.id, voter: `v${i}`, confirm: true });
        const v9 = await node('v9');
        expect(v9.operator.toText()).toBe(principalOf(newKey).toText());
        expect(v9.frozen).toBe(false);
        // The new key votes in batches; the old one no longer does.
        height += 1n;
        const payload = { poc_results: [], observations: [] };
        await net.protocol(vals[0]).propose_batch({ height, payload: wirePayload(payload), digest: batchDigest(payload) });
        expect((await net.protocol(vals[9]).vote_batch({ height, digest: batchDigest(payload) })) as any).toEqual({ Err: { NotAValidator: { message: `the caller ${principalOf(vals[9]).toText()} is not the operator of an active validator: only active validators propose and vote on batches, with their current operator key` } } });
        expect((await net.protocol(newKey).vote_batch({ height, digest: batchDigest(payload) })) as any).toHaveProperty('Ok');
        for (const i of [1, 2, 3, 4, 5, 6, 7]) await net.protocol(vals[i]).vote_batch({ height, digest: batchDigest(payload) });
        // After the window: non-responders recorded.
        await net.replica.advanceTime(2n * HOUR);
        const closed = ((await net.protocol().get_vote(r.Ok.id)) as any[])[0];
        expect(closed.closed).toBe(true);
        expect(closed.non_responders.sort()).toEqual(['v11', 'v12', 'v6', 'v7', 'v8'].sort());
        // A second report, answered too late: refused, the report fails, the old key stays.
        const late = (await net.protocol(vals[8]).report_key_compromise({ node_id: 'v8', new_operator: Principal.fromUint8Array(new Uint8Array([9, 9, 9])) })) as any;
        await net.replica.advanceTime(2n * HOUR + MINUTE);
        expect((await net.protocol(vals[0]).answer_key_report({ id: late.Ok.id, voter: 'v0', confirm: true })) as any).toMatchObject({ Err: { VoteClosed: {} } });
        const v8 = await node('v8');
        expect(v8.frozen).toBe(false);
        expect(v8.operator.toText()).toBe(principalOf(vals[8]).toText());
        expect(((await net.protocol().get_vote(late.Ok.id)) as any[])[0].status).toEqual({ failed: null });
    }, 300_000);
});
