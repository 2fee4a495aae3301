/**
 * The compute market end to end (spec §11, §11.1): both built canisters in the embedded replica,
 * every call through agent-js. 13 validators confirm a compute node's PoC and then task records in
 * their batches; buyers open orders by ICRC-2; a dispute is opened; the protocol is upgraded in the
 * middle of open orders, pending settlements and an open dispute; time passes and the maintenance
 * timer matures settlements, closes expired orders and fails the unanswered dispute; claims pay the
 * provider and mint trading rewards. After every step the market escrow's ledger balance equals
 * Σ escrow + Σ pending + unclaimed credit + open deposits + fees not yet moved, and every order's
 * paid = refunded + settled + pending + escrow. Every receipt is a block of the protocol's ICRC-3 log:
 * `icrc3_get_tip_certificate` verifies against the replica's root key and commits to the hash of the
 * last block `icrc3_get_blocks` returns, the batch tip (`certified_tip`) verifies under the same
 * certified tree, and an upgrade keeps the log and its certified tip.
 */
import { Cbor, Certificate, type Identity } from '@dfinity/agent';
import { hashValue, type Value } from '../../src/ledger/icrc3/value';
import { verifyLogTip } from '../../src/client/certified-tip';
import { fromAgentHashTree, lookupPath, reconstruct } from '../../tools/replica/certification';
import { batchDigest, type BatchPayload } from '../../src/protocol/batches/payload';
import { MARKET_SUBACCOUNT } from '../../src/protocol/market/model';
import { builtWasm } from '../helpers/wasm';
import { DAY, EMC, FEE, PROTOCOL_ID, SECOND, approveProtocol, deployNetwork, identity, principalOf, protocolUpgradeArg, wallet, type Network } from '../helpers/network';

const HOUR = 3_600n * SECOND;
const vals = Array.from({ length: 13 }, (_, i) => identity(500 + i));
const provider = identity(600);
const providerWallet = identity(601);
const buyers = [identity(610), identity(611), identity(612)];
const market = { owner: PROTOCOL_ID, subaccount: [MARKET_SUBACCOUNT] as [Uint8Array] };
const show = (x: unknown) => JSON.stringify(x, (_k, v) => (typeof v === 'bigint' ? v.toString() : v));
const hex = (b: Uint8Array | number[]) => Buffer.from(b).toString('hex');
const lebValue = (b: Uint8Array) => {
    let n = 0n;
    for (let i = b.length - 1; i >= 0; i--) n = (n << 7n) | BigInt(b[i] & 0x7f);
    return n;
};
/** A decoded ICRC-3 value with its blobs as Uint8Array (agent-js may answer number arrays). */
function asValue(v: any): Value {
    if ('Blob' in v) return { Blob: new Uint8Array(v.Blob) };
    if ('Array' in v) return { Array: v.Array.map(asValue) };
    if ('Map' in v) return { Map: v.Map.map(([k, x]: [string, unknown]) => [k, asValue(x)]) };
    return v;
}
const fieldOf = (v: any, k: string): any => (v.Map as [string, any][]).find(([x]) => x === k)?.[1];

describe('the compute market through both canisters', () => {
    let net: Network;
    let height = 0n;

    async function batch(payload: BatchPayload): Promise<void> {
        height += 1n;
        const digest = batchDigest(payload);
        const p = (await net.protocol(vals[0]).propose_batch({ height, payload: { tasks: [], task_rejections: [], ...payload }, digest })) as any;
        if (!('Ok' in p)) throw new Error(`propose ${height}: ${show(p)}`);
        for (let v = 1; v < 9; v++) await net.protocol(vals[v]).vote_batch({ height, digest });
        expect(((await net.protocol().certified_tip()) as any).height).toEqual([height]);
    }
    const summary = async () => (await net.protocol().market_summary()) as any;
    const balance = async (a: unknown) => (await net.ledger().icrc1_balance_of(a)) as bigint;
    const task = (order: bigint, cum: bigint) => ({ order, node_id: 'gpu1', cum_units: cum, result_hash: new Uint8Array(32) });

    /** The certified data of emc_protocol from a certificate verified with the replica's root key. */
    async function certifiedData(certificate: Uint8Array): Promise<Uint8Array> {
        const cert = await Certificate.create({ certificate: new Uint8Array(certificate), rootKey: net.replica.rootKey, canisterId: PROTOCOL_ID, agent: net.replica.createAgent() as never } as never);
        return new Uint8Array((cert.lookup_path(['canister', PROTOCOL_ID.toUint8Array(), 'certified_data']) as { value: Uint8Array }).value);
    }
    /** The log's certified tip (icrc3_get_tip_certificate, verified) and the last block icrc3_get_blocks returns. */
    async function logTip(): Promise<{ index: bigint; hash: string; lastBlockHash: string; length: bigint; tree: string }> {
        const [c] = (await net.protocol().icrc3_get_tip_certificate()) as any[];
        const tree = fromAgentHashTree(Cbor.decode(new Uint8Array(c.hash_tree)) as never);
        expect(hex(reconstruct(tree))).toBe(hex(await certifiedData(c.certificate)));
        const head = (await net.protocol().icrc3_get_blocks([{ start: 0n, length: 0n }])) as any;
        const last = (await net.protocol().icrc3_get_blocks([{ start: head.log_length - 1n, length: 1n }])) as any;
        return {
            index: lebValue(lookupPath(tree, ['last_block_index']) as Uint8Array),
            hash: hex(lookupPath(tree, ['last_block_hash']) as Uint8Array),
            lastBlockHash: hex(hashValue(asValue(last.blocks[0].block))),
            length: head.log_length,
            tree: hex(c.hash_tree),
        };
    }
    /** The batch tip (certified_tip) verified under the same certified data. */
    async function batchTipVerifies(): Promise<void> {
        const t = (await net.protocol().certified_tip()) as any;
        const tree = fromAgentHashTree(Cbor.decode(new Uint8Array(t.hash_tree)) as never);
        expect(hex(reconstruct(tree))).toBe(hex(await certifiedData(t.certificate[0])));
        expect(hex(lookupPath(tree, ['last_batch_digest']) as Uint8Array)).toBe(hex(t.digest[0]));
        expect(lebValue(lookupPath(tree, ['last_batch_height']) as Uint8Array)).toBe(height);
    }

    async function checkBooks(): Promise<void> {
        const s = await summary();
        expect(await balance(market)).toBe(s.escrow + s.pending + s.credit + s.deposits + s.fees_unmoved + s.outgoing);
        const orders = (await net.protocol().market_orders({ start: 0n, count: 100 })) as any[];
        let escrow = 0n;
        for (const o of orders) {
            expect([o.id, o.paid]).toEqual([o.id, o.refunded + o.settled + o.pending + o.escrow]);
            escrow += o.escrow;
        }
        expect(escrow).toBe(s.escrow);
        expect(s.rewards_minted <= s.rewards_granted && s.rewards_granted <= 378_000_000n * EMC).toBe(true);
    }

    async function open(b: Identity, offer: bigint, units: bigint, extra: { max_price?: bigint; expires_at?: bigint } = {}): Promise<any> {
        const now = (await net.replica.time()) as bigint;
        return net.protocol(b).market_open({ offer, units, max_price: extra.max_price ?? 100n * EMC, expires_at: extra.expires_at ?? now + 30n * DAY, created_at_time: now, from_subaccount: [] });
    }

    beforeAll(async () => {
        net = await deployNetwork([...vals.map((v) => [v, 1_002_000n * EMC] as [Identity, bigint]), [provider, 1_000n * EMC], ...buyers.map((b) => [b, 10_000n * EMC] as [Identity, bigint])]);
        for (let i = 0; i < 13; i++) {
            await approveProtocol(net, vals[i], 1_001_000n * EMC);
            const r = (await net.protocol(vals[i]).register_node({ node_id: `v${i}`, node_type: { validator: null }, wallet: wallet(vals[i]), stake: [{ amount: 1_001_000n * EMC, lock_days: 360, from_subaccount: [] }] })) as any;
            expect(r).toHaveProperty('Ok');
        }
        expect(await net.protocol(net.governance).admit_validators(vals.map((_, i) => `v${i}`))).toHaveProperty('Ok');
        const r = (await net.protocol(provider).register_node({ node_id: 'gpu1', node_type: { compute: null }, wallet: wallet(providerWallet), stake: [] })) as any;
        expect(r).toHaveProperty('Ok');
        await batch({ poc_results: [{ node_id: 'gpu1', operator: principalOf(provider), poc_ms: 10_000 }], observations: [] });
        for (const b of buyers) await approveProtocol(net, b, 5_000n * EMC);
    }, 600_000);

    it('publishes offers and opens orders by ICRC-2; refusals pull nothing', async () => {
        await expect(net.protocol().market_offer({ node_id: 'gpu1', service: 'sdxl-1.0', unit: { task: null }, price: 2n * EMC, min_units: 1n, max_units: 1_000n })).rejects.toThrow(/market_offer refuses the anonymous principal/);
        expect(await net.protocol(buyers[0]).market_offer({ node_id: 'gpu1', service: 'sdxl-1.0', unit: { task: null }, price: 2n * EMC, min_units: 1n, max_units: 1_000n })).toMatchObject({ Err: { NotAuthorized: {} } });
        const o = (await net.protocol(provider).market_offer({ node_id: 'gpu1', service: 'sdxl-1.0', unit: { task: null }, price: 2n * EMC, min_units: 1n, max_units: 1_000n })) as any;
        expect(o.Ok).toMatchObject({ id: 0n, node_id: 'gpu1', price: 2n * EMC, open: true });
        // governance: reference price and the reward clock, each checked by its validate_ twin first
        expect(await net.protocol().validate_market_set_reference_prices([{ service: 'sdxl-1.0', price: 2n * EMC }])).toHaveProperty('Ok');
        expect(await net.protocol(net.governance).market_set_reference_prices([{ service: 'sdxl-1.0', price: 2n * EMC }])).toHaveProperty('Ok');
        expect(await net.protocol(buyers[0]).start_trading_rewards([])).toMatchObject({ Err: { NotAuthorized: {} } });
        expect(await net.protocol(net.governance).start_trading_rewards([])).toHaveProperty('Ok');
        const before = await balance(wallet(buyers[0]));
        expect(await open(buyers[0], 0n, 10n, { max_price: EMC })).toMatchObject({ Err: { PriceAboveMax: { price: 2n * EMC, max_price: EMC } } });
        expect(await open(buyers[0], 0n, 1_001n)).toMatchObject({ Err: { UnitsOutOfRange: {} } });
        expect(await open(buyers[0], 7n, 1n)).toMatchObject({ Err: { OfferNotFound: {} } });
        expect(await balance(wallet(buyers[0]))).toBe(before);
        for (const [i, units] of [[0, 100n], [1, 50n], [2, 20n]] as const) expect(await open(buyers[i], 0n, units)).toMatchObject({ Ok: { status: 'open', paid: units * 2n * EMC } });
        expect(await balance(wallet(buyers[0]))).toBe(before - 200n * EMC - FEE);
        expect(await balance(market)).toBe(340n * EMC);
        await checkBooks();
    });

    it('charges only the units validators confirm, once (replays do nothing)', async () => {
        await batch({ poc_results: [], observations: [], tasks: [[task(0n, 30n), task(1n, 50n), task(0n, 30n), task(0n, 10n)]] });
        const info = (await net.protocol().get_batch(height)) as any;
        expect(info.confirmed[0].applied[0].outcomes).toEqual(['ok', 'ok', 'no-new-units', 'no-new-units']);
        const [o0] = (await net.protocol().market_get_order(0n)) as any[];
        expect(o0).toMatchObject({ units_confirmed: 30n, escrow: 140n * EMC, pending: 60n * EMC });
        const p = (await net.protocol().market_pending({ order: 1n, from_cum: 0n, count: 10 })) as any[];
        expect(p).toMatchObject([{ from_cum: 0n, to_cum: 50n, amount: 100n * EMC, status: 'pending' }]);
        await checkBooks();
    });

    it('takes a dispute with its deposit', async () => {
        await approveProtocol(net, buyers[1], 2n * EMC);
        const d = (await net.protocol(buyers[1]).market_dispute({ order: 1n, from_cum: 0n, from_subaccount: [] })) as any;
        expect(d.Ok).toMatchObject({ status: 'disputed', deposit: EMC });
        expect((await summary()).deposits).toBe(EMC);
        await checkBooks();
    });

    it('keeps open orders, pending settlements and the dispute across an upgrade, and matures after it', async () => {
        const s = await summary();
        const orders = await net.protocol().market_orders({ start: 0n, count: 100 });
        await net.replica.upgradeCanister(PROTOCOL_ID, { wasm: builtWasm('protocol'), arg: protocolUpgradeArg() });
        expect(await summary()).toEqual(s);
        expect(await net.protocol().market_orders({ start: 0n, count: 100 })).toEqual(orders);
        await checkBooks();
        // the dispute window passes: order 0's 60 EMC matures, order 1's disputed 100 EMC does not
        await net.replica.advanceTime(72n * HOUR + 60n * SECOND);
        const receipts = (await net.protocol().market_receipts({ start: 0n, count: 10 })) as any[];
        expect(receipts).toMatchObject([{ kind: 'settled', order: 0n, amount: 60n * EMC, fee: 12n * EMC, credit: 48n * EMC, buyer_reward: 12n * EMC, provider_reward: 0n, period: 1, block: [0n] }]);
        await checkBooks();
    });

    it('puts the settlement in the ICRC-3 log; the certified tip is its last block; the batch tip verifies under the same tree', async () => {
        expect(await net.protocol().icrc3_get_archives({ from: [] })).toEqual([]);
        const types = ((await net.protocol().icrc3_supported_block_types()) as any[]).map((t) => t.block_type);
        expect(types).toEqual(expect.arrayContaining(['emc_settle', 'emc_refund', 'emc_dispute_refund', 'emc_dispute_fail', '7mint', '37xfer']));
        const r = (await net.protocol().icrc3_get_blocks([{ start: 0n, length: 10n }])) as any;
        expect(r.log_length).toBe(1n);
        expect(r.archived_blocks).toEqual([]);
        const b = asValue(r.blocks[0].block);
        expect(fieldOf(b, 'btype')).toEqual({ Text: 'emc_settle' });
        expect(fieldOf(b, 'phash')).toBeUndefined();
        const tx = fieldOf(b, 'tx');
        expect([fieldOf(tx, 'order'), fieldOf(tx, 'amt'), fieldOf(tx, 'fee'), fieldOf(tx, 'credit'), fieldOf(tx, 'buyer_reward')]).toEqual([{ Nat: 0n }, { Nat: 60n * EMC }, { Nat: 12n * EMC }, { Nat: 48n * EMC }, { Nat: 12n * EMC }]);
        expect(hex(fieldOf(tx, 'to').Array[0].Blob)).toBe(hex(principalOf(providerWallet).toUint8Array()));
        const t = await logTip();
        expect({ index: t.index, hash: t.hash }).toEqual({ index: 0n, hash: t.lastBlockHash });
        await batchTipVerifies();
        // the bound: at most 100 blocks an answer (here block 0 asked 100 and 150 times; ranges past the 100th are not read)
        const many = (await net.protocol().icrc3_get_blocks(Array.from({ length: 100 }, () => ({ start: 0n, length: 1_000n })))) as any;
        expect(many.blocks.length).toBe(100);
        expect(((await net.protocol().icrc3_get_blocks(Array.from({ length: 150 }, () => ({ start: 0n, length: 1n })))) as any).blocks.length).toBe(100);
    });

    it('pays by claim: the provider credit less a fee, the buyer reward minted', async () => {
        const c = (await net.protocol(providerWallet).market_claim([])) as any;
        expect(c).toEqual({ Ok: { credit: 48n * EMC - FEE, rewards: 0n, pending: [] } });
        expect(await balance(wallet(providerWallet))).toBe(48n * EMC - FEE);
        const b = (await net.protocol(buyers[0]).market_claim([])) as any;
        expect(b).toEqual({ Ok: { credit: 0n, rewards: 12n * EMC, pending: [] } });
        expect((await summary()).rewards_minted).toBe(12n * EMC);
        await checkBooks();
    });

    it('refunds on close less one fee; the unanswered dispute fails after 7 days and its deposit goes to the treasury', async () => {
        const before = await balance(wallet(buyers[2]));
        expect(await net.protocol(buyers[0]).market_close(2n)).toMatchObject({ Err: { NotAuthorized: {} } });
        expect(await net.protocol(buyers[2]).market_close(2n)).toMatchObject({ Ok: { status: 'closed', refunded: 40n * EMC } });
        expect(await balance(wallet(buyers[2]))).toBe(before + 40n * EMC - FEE);
        await net.replica.advanceTime(7n * DAY + 60n * SECOND);
        const receipts = (await net.protocol().market_receipts({ start: 0n, count: 10 })) as any[];
        expect(receipts.map((r: any) => r.kind)).toEqual(['settled', 'refunded', 'dispute_failed']);
        expect(receipts.map((r: any) => r.block)).toEqual([[0n], [1n], [2n]]);
        const s = await summary();
        expect(s.deposits).toBe(0n);
        await checkBooks();
        const blocks = ((await net.protocol().icrc3_get_blocks([{ start: 0n, length: 10n }])) as any).blocks.map((x: any) => asValue(x.block));
        expect(blocks.map((x: Value) => fieldOf(x, 'btype').Text)).toEqual(['emc_settle', 'emc_refund', 'emc_dispute_fail']);
        for (let i = 1; i < blocks.length; i++) expect(hex(fieldOf(blocks[i], 'phash').Blob)).toBe(hex(hashValue(blocks[i - 1])));
        const t = await logTip();
        expect({ index: t.index, hash: t.hash }).toEqual({ index: 2n, hash: t.lastBlockHash });
        // the SDK reads the same tip from the verified certificate
        const answer = (await net.protocol().icrc3_get_tip_certificate()) as never;
        const now = (await net.replica.time()) as bigint;
        const v = await verifyLogTip(answer, { agent: net.replica.createAgent() as never, canisterId: PROTOCOL_ID, now: () => now });
        expect(v.ok && { index: v.value.index, hash: hex(v.value.hash as Uint8Array), verified: v.value.verified }).toEqual({ index: 2n, hash: t.lastBlockHash, verified: true });
    });

    it('keeps the log and its certified tip across an upgrade; the batch tip still verifies', async () => {
        const before = await logTip();
        const blocks = await net.protocol().icrc3_get_blocks([{ start: 0n, length: 10n }]);
        await net.replica.upgradeCanister(PROTOCOL_ID, { wasm: builtWasm('protocol'), arg: protocolUpgradeArg() });
        expect(await net.protocol().icrc3_get_blocks([{ start: 0n, length: 10n }])).toEqual(blocks);
        expect(await logTip()).toEqual(before);
        await batchTipVerifies();
        // a confirmation after the upgrade moves the batch part; the log's tip stays certified
        await batch({ poc_results: [], observations: [] });
        await batchTipVerifies();
        const after = await logTip();
        expect({ index: after.index, hash: after.hash }).toEqual({ index: before.index, hash: before.hash });
    });
});
