/**
 * emc_protocol and emc_ledger, both built Wasm, together in the embedded replica through agent-js:
 * the whole registry lifecycle, a forged registration, a ledger call failing halfway, concurrent
 * operations on one node, an upgrade in the middle, and the escrow invariant after every step.
 */
import { Certificate, Cbor, type Identity } from '@dfinity/agent';
import { Principal } from '@dfinity/principal';
import { fromAgentHashTree, lookupPath, reconstruct } from '../../tools/replica/certification';
import { wirePayload, type BatchPayload } from '../../src/protocol/batches/payload';
import { builtWasm } from '../helpers/wasm';
import { DAY, EMC, FEE, LEDGER_ID, PROTOCOL_ID, T0, approveProtocol, clientDigest, deployNetwork, identity, payloadDigest, principalOf, protocolUpgradeArg, wallet, type Network } from '../helpers/network';

const validators = Array.from({ length: 16 }, (_, i) => identity(10 + i));
const routerOps = [identity(40), identity(41)];
const computeOps = [identity(50), identity(51)];
const squatter = identity(60);

/** Σ stakes recorded by the protocol = Σ balances of the nodes' escrow accounts on the ledger. */
async function checkEscrow(net: Network, ids: string[]): Promise<bigint> {
    let recorded = 0n;
    let onLedger = 0n;
    for (const id of ids) {
        const [n] = (await net.protocol().get_node(id)) as [any] | [];
        if (n === undefined) continue;
        if (n.stake.length === 1) recorded += n.stake[0].amount;
        onLedger += (await net.ledger().icrc1_balance_of(n.escrow)) as bigint;
    }
    expect(recorded).toBe(onLedger);
    return recorded;
}

function ok<T>(r: { Ok: T } | { Err: unknown }): T {
    if (!('Ok' in r)) throw new Error(`expected Ok, got ${JSON.stringify(r, (_k, v) => (typeof v === 'bigint' ? v.toString() : v instanceof Principal ? v.toText() : v))}`);
    return r.Ok;
}

async function registerValidator(net: Network, who: Identity, id: string): Promise<void> {
    await approveProtocol(net, who, 1_000_000n * EMC);
    const r = await net.protocol(who).register_node({ node_id: id, node_type: { validator: null }, wallet: wallet(who), stake: [{ amount: 1_000_000n * EMC, lock_days: 360, from_subaccount: [] }] });
    expect(ok(r)).toMatchObject({ status: { candidate: null } });
}

describe('emc_protocol with emc_ledger: registry, stakes, validator set, state-bit batches', () => {
    let net: Network;
    const allIds: string[] = [];

    beforeAll(async () => {
        net = await deployNetwork([
            ...validators.map((v) => [v, 1_100_000n * EMC] as [Identity, bigint]),
            ...routerOps.map((r) => [r, 300_000n * EMC] as [Identity, bigint]),
            ...computeOps.map((c) => [c, 5_000n * EMC] as [Identity, bigint]),
        ]);
    });

    it('13 validators apply with their stakes and governance admits them as the first batch', async () => {
        for (let i = 0; i < 13; i++) {
            await registerValidator(net, validators[i], `val${i}`);
            allIds.push(`val${i}`);
        }
        await checkEscrow(net, allIds);
        const ids = allIds.slice(0, 13);
        expect(await net.protocol(validators[0]).admit_validators(ids)).toMatchObject({ Err: { NotGovernance: {} } });
        expect(await net.protocol(net.governance).admit_validators(ids.slice(0, 12))).toMatchObject({ Err: { WrongBatchSize: { expected: 13, got: 12 } } });
        const admitted = ok(await net.protocol(net.governance).admit_validators(ids)) as any[];
        expect(admitted).toHaveLength(13);
        const set = (await net.protocol().validator_set()) as any;
        expect(set).toMatchObject({ size: 13, f: [4], quorum: 9 });
        expect(set.validators[0].e_value).toBe(100n * 100_000_000n);
        await checkEscrow(net, allIds);
    });

    it('routers register with stake; compute nodes with and without stake', async () => {
        for (const [i, r] of routerOps.entries()) {
            await approveProtocol(net, r, 150_000n * EMC);
            const node = ok(await net.protocol(r).register_node({ node_id: `router${i}`, node_type: { router: null }, wallet: wallet(r), stake: [{ amount: 150_000n * EMC, lock_days: 180, from_subaccount: [] }] })) as any;
            expect(node).toMatchObject({ status: { active: null }, e_value: 15n * 100_000_000n });
            allIds.push(`router${i}`);
        }
        await approveProtocol(net, computeOps[0], 2_000n * EMC);
        expect(ok(await net.protocol(computeOps[0]).register_node({ node_id: 'gpuA', node_type: { compute: null }, wallet: wallet(computeOps[0]), stake: [{ amount: 2_000n * EMC, lock_days: 90, from_subaccount: [] }] }))).toMatchObject({ status: { awaiting_poc: null }, e_value: 0n });
        expect(ok(await net.protocol(computeOps[1]).register_node({ node_id: 'gpuB', node_type: { compute: null }, wallet: wallet(computeOps[1]), stake: [] }))).toMatchObject({ status: { awaiting_poc: null } });
        allIds.push('gpuA', 'gpuB');
        await checkEscrow(net, allIds);
        const page = (await net.protocol().list_nodes({ node_type: { compute: null }, status: { awaiting_poc: null }, start: 0n, limit: 1000 })) as any;
        expect(page.total).toBe(2n);
        expect(page.nodes.map((n: any) => n.node_id).sort()).toEqual(['gpuA', 'gpuB']);
    });

    it('a forged registration of someone else’s node id earns nothing', async () => {
        ok(await net.protocol(squatter).register_node({ node_id: 'gpuC', node_type: { compute: null }, wallet: wallet(squatter), stake: [] }));
        allIds.push('gpuC');
        // gpuC is really run by computeOps[1]; the validators' PoC result names that operator
        const payload: BatchPayload = {
            poc_results: [
                { node_id: 'gpuA', operator: principalOf(computeOps[0]), poc_ms: 10_380 },
                { node_id: 'gpuB', operator: principalOf(computeOps[1]), poc_ms: 30_218 },
                { node_id: 'gpuC', operator: principalOf(computeOps[1]), poc_ms: 9_000 },
            ],
            observations: [{ node_id: 'router1', online: false }],
        };
        const digest = payloadDigest(payload);
        expect(Buffer.from(digest).equals(Buffer.from(clientDigest(payload)))).toBe(true);
        expect(await net.protocol(computeOps[0]).propose_batch({ height: 100n, payload: wirePayload(payload), digest })).toEqual({ Err: { NotAValidator: { message: `the caller ${principalOf(computeOps[0]).toText()} is not the operator of an active validator: only active validators propose and vote on batches, with their current operator key` } } });
        expect(await net.protocol(validators[0]).propose_batch({ height: 100n, payload: wirePayload(payload), digest: new Uint8Array(32) })).toMatchObject({
            Err: { DigestMismatch: { message: `the digest sent (${'00'.repeat(32)}) is not the SHA-256 of the payload's Candid encoding (${Buffer.from(digest).toString('hex')}): recompute it from the payload as sent` } },
        });
        const proposed = ok(await net.protocol(validators[0]).propose_batch({ height: 100n, payload: wirePayload(payload), digest })) as any;
        expect(proposed).toMatchObject({ votes: 1, quorum: 9, confirmed: false });
        for (let i = 1; i < 8; i++) expect(ok(await net.protocol(validators[i]).vote_batch({ height: 100n, digest }))).toMatchObject({ votes: i + 1, confirmed: false });
        // gpuA is not active before the ninth vote
        expect((((await net.protocol().get_node('gpuA')) as any[])[0] as any).status).toEqual({ awaiting_poc: null });
        expect(ok(await net.protocol(validators[8]).vote_batch({ height: 100n, digest }))).toMatchObject({ votes: 9, confirmed: true });
        expect(ok(await net.protocol(validators[9]).vote_batch({ height: 100n, digest }))).toMatchObject({ confirmed: true });
        const [gpuA] = (await net.protocol().get_node('gpuA')) as any[];
        expect(gpuA).toMatchObject({ status: { active: null }, poc_ms: [10_380], e_value: 895_953_754n });
        const [gpuB] = (await net.protocol().get_node('gpuB')) as any[];
        expect(gpuB).toMatchObject({ status: { active: null }, e_value: 49_639_287n });
        const [gpuC] = (await net.protocol().get_node('gpuC')) as any[];
        expect(gpuC).toMatchObject({ status: { awaiting_poc: null }, e_value: 0n });
        const [router1] = (await net.protocol().get_node('router1')) as any[];
        expect(router1.online).toEqual([false]);
        const batch = (await net.protocol().get_batch(100n)) as any;
        expect(batch.confirmed[0].applied[0].outcomes).toEqual(['applied', 'applied', 'wrong_operator', 'applied']);
    });

    it('puts the latest confirmed (height, digest) in certified data, verifiable with the replica’s root key', async () => {
        const tip = (await net.protocol().certified_tip()) as any;
        expect(tip.height).toEqual([100n]);
        const cert = await Certificate.create({ certificate: tip.certificate[0], rootKey: net.replica.rootKey, canisterId: PROTOCOL_ID, agent: net.replica.createAgent() as never } as never);
        const certified = new Uint8Array((cert.lookup_path(['canister', PROTOCOL_ID.toUint8Array(), 'certified_data']) as { value: Uint8Array }).value);
        const tree = fromAgentHashTree(Cbor.decode(tip.hash_tree) as never);
        expect(Buffer.from(reconstruct(tree)).equals(Buffer.from(certified))).toBe(true);
        expect(Buffer.from(lookupPath(tree, ['last_batch_digest']) as Uint8Array).equals(Buffer.from(tip.digest[0]))).toBe(true);
        expect(lookupPath(tree, ['last_batch_height'])).toEqual(new Uint8Array([100]));
    });

    it('a ledger call failing halfway loses nothing, and the retry succeeds exactly once', async () => {
        const op = routerOps[0];
        await approveProtocol(net, op, 10_000n * EMC);
        const before = (await net.ledger().icrc1_balance_of(wallet(op))) as bigint;
        // the transfer executes on the ledger but both responses the protocol waits for are lost
        net.replica.injectFault({ canister: LEDGER_ID, method: 'icrc2_transfer_from', when: 'after', times: 2 });
        const first = await net.protocol(op).top_up({ node_id: 'router0', amount: 10_000n * EMC, from_subaccount: [] });
        expect(first).toMatchObject({ Err: { OperationPending: { node_id: 'router0', operation: 'top_up' } } });
        expect(((await net.protocol().get_node('router0')) as any[])[0].pending_operation).toEqual(['top_up']);
        // another operation on the node waits for this one
        expect(await net.protocol(op).top_up({ node_id: 'router0', amount: 1n, from_subaccount: [] })).toMatchObject({ Err: { NodeBusy: {} } });
        const retried = ok(await net.protocol(op).retry_operation('router0')) as any;
        expect(retried.stake[0].amount).toBe(160_000n * EMC);
        expect(retried.pending_operation).toEqual([]);
        expect(await net.ledger().icrc1_balance_of(wallet(op))).toBe(before - 10_000n * EMC - FEE);
        expect(await net.protocol(op).retry_operation('router0')).toMatchObject({ Ok: { stake: [{ amount: 160_000n * EMC }] } });
        await checkEscrow(net, allIds);
        // a call that never reached the ledger is compensated: nothing recorded, nothing moved
        net.replica.injectFault({ canister: LEDGER_ID, method: 'icrc2_transfer_from', when: 'before' });
        expect(await net.protocol(op).top_up({ node_id: 'router0', amount: 5n * EMC, from_subaccount: [] })).toMatchObject({ Err: { LedgerUnavailable: {} } });
        await checkEscrow(net, allIds);
    });

    it('two concurrent operations on one node: one proceeds, the other is refused', async () => {
        const op = routerOps[1];
        await approveProtocol(net, op, 20_000n * EMC);
        const [a, b] = await Promise.all([
            net.protocol(op).top_up({ node_id: 'router1', amount: 5_000n * EMC, from_subaccount: [] }),
            net.protocol(op).top_up({ node_id: 'router1', amount: 7_000n * EMC, from_subaccount: [] }),
        ]);
        const results = [a, b] as any[];
        expect(results.filter((r) => 'Ok' in r)).toHaveLength(1);
        expect(results.filter((r) => 'Err' in r)[0]).toMatchObject({ Err: { NodeBusy: { node_id: 'router1', operation: 'top_up' } } });
        expect(((await net.protocol().get_node('router1')) as any[])[0].stake[0].amount).toBe(155_000n * EMC);
        await checkEscrow(net, allIds);
    });

    it('renews a router; an upgrade in the middle keeps every node, stake, vote and the certified tip', async () => {
        ok(await net.protocol(routerOps[1]).renew({ node_id: 'router1', days: 90, top_up: 0n, from_subaccount: [] }));
        const snapshot = async () => ({
            nodes: await Promise.all(allIds.map((id) => net.protocol().get_node(id))),
            set: await net.protocol().validator_set(),
            batch: await net.protocol().get_batch(100n),
            certified: net.replica.certifiedData(PROTOCOL_ID),
        });
        const before = await snapshot();
        await net.replica.upgradeCanister(PROTOCOL_ID, { wasm: builtWasm('protocol'), arg: protocolUpgradeArg() });
        const after = await snapshot();
        expect(after).toEqual(before);
        // the next batch still needs its quorum and follows the tip
        const payload: BatchPayload = { poc_results: [], observations: [{ node_id: 'router1', online: true }] };
        const digest = payloadDigest(payload);
        expect(await net.protocol(validators[0]).propose_batch({ height: 100n, payload: wirePayload(payload), digest })).toEqual({ Err: { StaleHeight: { message: 'height 100 is at or below the last confirmed height 100: propose at height 101 or above', last_confirmed: 100n } } });
        ok(await net.protocol(validators[0]).propose_batch({ height: 101n, payload: wirePayload(payload), digest }));
        for (let i = 1; i < 9; i++) ok(await net.protocol(validators[i]).vote_batch({ height: 101n, digest }));
        expect(((await net.protocol().certified_tip()) as any).height).toEqual([101n]);
        await checkEscrow(net, allIds);
    });

    it('releases stakes at term end through the timer (re-armed after the upgrade), and not before', async () => {
        const routerBalance = (await net.ledger().icrc1_balance_of(wallet(routerOps[0]))) as bigint;
        await net.replica.advanceTime(90n * DAY - 60n * 1_000_000_000n);
        expect(((await net.protocol().get_node('gpuA')) as any[])[0].stake).toHaveLength(1);
        await net.replica.advanceTime(2n * 60n * 1_000_000_000n);
        const [gpuA] = (await net.protocol().get_node('gpuA')) as any[];
        expect(gpuA).toMatchObject({ stake: [], status: { active: null }, e_value: 144_508_670n });
        expect(await net.ledger().icrc1_balance_of(gpuA.escrow)).toBe(0n);
        await checkEscrow(net, allIds);
        await net.replica.advanceTime(90n * DAY);
        const [router0] = (await net.protocol().get_node('router0')) as any[];
        expect(router0).toMatchObject({ status: { expired: null }, stake: [], e_value: 0n });
        expect(await net.ledger().icrc1_balance_of(wallet(routerOps[0]))).toBe(routerBalance + 160_000n * EMC - FEE);
        // router1 renewed for 90 more days
        expect(((await net.protocol().get_node('router1')) as any[])[0].status).toEqual({ active: null });
        await checkEscrow(net, allIds);
    }, 900_000); // 180 simulated days of timer messages: ~100 s alone, slower on a shared machine

    it('validator candidates that were not admitted withdraw their stake', async () => {
        await registerValidator(net, validators[13], 'val13');
        allIds.push('val13');
        const balance = (await net.ledger().icrc1_balance_of(wallet(validators[13]))) as bigint;
        expect(await net.protocol(validators[0]).withdraw_candidacy('val13')).toMatchObject({ Err: { NotNodeOperator: { node_id: 'val13' } } });
        expect(ok(await net.protocol(validators[13]).withdraw_candidacy('val13'))).toMatchObject({ status: { withdrawn: null }, stake: [] });
        expect(await net.ledger().icrc1_balance_of(wallet(validators[13]))).toBe(balance + 1_000_000n * EMC - FEE);
        await checkEscrow(net, allIds);
    });

    it('previews a compute node’s E-value for operators', async () => {
        expect(await net.protocol().preview_e_value({ poc_ms: 10_380n, stake_e8s: 0n, lock_days: 0 })).toBe(144_508_670n);
        expect(await net.protocol().preview_e_value({ poc_ms: 10_380n, stake_e8s: 10_000n * EMC, lock_days: 90 })).toBe(895_953_754n);
    });

    it('never lets the anonymous principal change anything', async () => {
        // refused by canister_inspect_message before execution (test/integration/hostile-input.test.ts
        // shows that each method's execution refuses the anonymous principal as well)
        const refused = /refuses the anonymous principal/;
        await expect(net.protocol().register_node({ node_id: 'anon1', node_type: { compute: null }, wallet: wallet(squatter), stake: [] })).rejects.toThrow(refused);
        await expect(net.protocol().top_up({ node_id: 'router1', amount: 1n, from_subaccount: [] })).rejects.toThrow(refused);
        await expect(net.protocol().admit_validators([])).rejects.toThrow(refused);
        await expect(net.protocol().vote_batch({ height: 102n, digest: new Uint8Array(32) })).rejects.toThrow(refused);
        expect(await net.protocol().get_node('anon1')).toEqual([]);
    });
});

export { T0 };
