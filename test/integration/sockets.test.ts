/**
 * The socket NFTs end to end (spec §11–§12, ICRC-7 + ICRC-37): both built canisters in the embedded
 * replica, every call through agent-js with the standards' Candid. Orders opened by ICRC-2 are
 * minted as sockets; validators' task records update them (one 7update_token per order per batch);
 * a socket is approved, resold by transfer_from and transferred; the protocol is upgraded in the
 * middle (owners, pages, approvals and deduplication survive); the new holder closes the order and
 * receives the refund, the payer cannot; settlement burns the socket. After every step Σ
 * icrc7_balance_of over the holders = icrc7_total_supply, owner_of agrees with tokens_of, and the
 * market escrow's ledger balance equals its books. Instructions of a one-token icrc7_transfer and of
 * a 100-token icrc7_tokens_of page are measured (issue 18's targets: ≤ 8 M, not met — see below — and ≤ 20 M).
 */
import { Cbor, type Identity } from '@dfinity/agent';
import { fromAgentHashTree, lookupPath } from '../../tools/replica/certification';
import { batchDigest, type BatchPayload } from '../../src/protocol/batches/payload';
import { MARKET_SUBACCOUNT } from '../../src/protocol/market/model';
import { builtWasm } from '../helpers/wasm';
import { DAY, EMC, FEE, PROTOCOL_ID, SECOND, approveProtocol, deployNetwork, identity, principalOf, protocolUpgradeArg, wallet, type Network } from '../helpers/network';

const HOUR = 3_600n * SECOND;
const vals = Array.from({ length: 13 }, (_, i) => identity(700 + i));
const provider = identity(800);
const providerWallet = identity(801);
const [alice, bob, carol] = [identity(810), identity(811), identity(812)];
const market = { owner: PROTOCOL_ID, subaccount: [MARKET_SUBACCOUNT] as [Uint8Array] };
const show = (x: unknown) => JSON.stringify(x, (_k, v) => (typeof v === 'bigint' ? v.toString() : v));
const acct = (i: Identity) => ({ owner: principalOf(i), subaccount: [] as [] });
const field = (m: [string, any][], k: string) => m.find(([key]) => key === k)?.[1];

describe('socket NFTs through the built canisters', () => {
    let net: Network;
    let height = 0n;
    const measured: Record<string, bigint> = {};
    let resale: { arg: unknown; block: bigint } | undefined;

    async function batch(payload: BatchPayload): Promise<void> {
        height += 1n;
        const digest = batchDigest(payload);
        const p = (await net.protocol(vals[0]).propose_batch({ height, payload: { tasks: [], task_rejections: [], ...payload }, digest })) as any;
        if (!('Ok' in p)) throw new Error(`propose ${height}: ${show(p)}`);
        for (let v = 1; v < 9; v++) await net.protocol(vals[v]).vote_batch({ height, digest });
    }
    const now = async () => (await net.replica.time()) as bigint;
    const task = (order: bigint, cum: bigint) => ({ order, node_id: 'gpu1', cum_units: cum, result_hash: new Uint8Array(32) });
    const blocks = async () => {
        const r = (await net.protocol().icrc3_get_blocks([{ start: 0n, length: 100n }])) as any;
        return r.blocks.map((b: any) => Object.fromEntries(b.block.Map)) as { btype: { Text: string }; tx: { Map: [string, any][] } }[];
    };
    /** The ICRC-7 consistency from the outside, and the market's books. */
    async function check(holders: Identity[]): Promise<void> {
        const p = net.protocol();
        const supply = (await p.icrc7_total_supply()) as bigint;
        const balances = (await p.icrc7_balance_of(holders.map(acct))) as bigint[];
        expect(balances.reduce((a, b) => a + b, 0n)).toBe(supply);
        const all = (await p.icrc7_tokens([], [])) as bigint[];
        expect(BigInt(all.length)).toBe(supply);
        for (const [i, h] of holders.entries()) {
            const mine = (await p.icrc7_tokens_of(acct(h), [], [])) as bigint[];
            expect(BigInt(mine.length)).toBe(balances[i]);
            const owners = (await p.icrc7_owner_of(mine)) as any[];
            for (const o of owners) expect(o[0].owner.toText()).toBe(principalOf(h).toText());
        }
        const s = (await p.market_summary()) as any;
        expect(await net.ledger().icrc1_balance_of(market)).toBe(s.escrow + s.pending + s.credit + s.deposits + s.fees_unmoved + s.outgoing);
    }

    beforeAll(async () => {
        net = await deployNetwork([...vals.map((v) => [v, 1_002_000n * EMC] as [Identity, bigint]), [provider, 1_000n * EMC], ...[alice, bob, carol].map((b) => [b, 10_000n * EMC] as [Identity, bigint])]);
        for (let i = 0; i < 13; i++) {
            await approveProtocol(net, vals[i], 1_001_000n * EMC);
            const r = (await net.protocol(vals[i]).register_node({ node_id: `v${i}`, node_type: { validator: null }, wallet: wallet(vals[i]), stake: [{ amount: 1_001_000n * EMC, lock_days: 360, from_subaccount: [] }] })) as any;
            expect(r).toHaveProperty('Ok');
        }
        expect(await net.protocol(net.governance).admit_validators(vals.map((_, i) => `v${i}`))).toHaveProperty('Ok');
        expect(await net.protocol(provider).register_node({ node_id: 'gpu1', node_type: { compute: null }, wallet: wallet(providerWallet), stake: [] })).toHaveProperty('Ok');
        await batch({ poc_results: [{ node_id: 'gpu1', operator: principalOf(provider), poc_ms: 10_000 }], observations: [] });
        expect(await net.protocol(provider).market_offer({ node_id: 'gpu1', service: 'sdxl-1.0', unit: { task: null }, price: 2n * EMC, min_units: 1n, max_units: 1_000n })).toHaveProperty('Ok');
        for (const b of [alice, bob, carol]) await approveProtocol(net, b, 5_000n * EMC);
    }, 600_000);

    it('mints each order as a socket with the standards’ metadata and discovery', async () => {
        const t = await now();
        for (const [b, units] of [[alice, 100n], [bob, 50n], [alice, 20n]] as const) {
            expect(await net.protocol(b).market_open({ offer: 0n, units, max_price: 100n * EMC, expires_at: t + 30n * DAY, created_at_time: t, from_subaccount: [] })).toMatchObject({ Ok: { status: 'open' } });
        }
        const p = net.protocol();
        expect(await p.icrc7_symbol()).toBe('EMCS');
        expect(await p.icrc7_max_update_batch_size()).toEqual([20n]);
        expect(await p.icrc7_atomic_batch_transfers()).toEqual([false]);
        expect((await p.icrc10_supported_standards()) as any[]).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'ICRC-7' }), expect.objectContaining({ name: 'ICRC-37' }), expect.objectContaining({ name: 'ICRC-3' }), expect.objectContaining({ name: 'ICRC-10' })]));
        expect(await p.icrc7_tokens_of(acct(alice), [], [])).toEqual([0n, 2n]);
        const [m] = (await p.icrc7_token_metadata([1n, 9n])) as any[];
        expect(field(m[0], 'emc:units_bought')).toEqual({ Nat: 50n });
        expect(((await p.icrc7_token_metadata([9n])) as any[])[0]).toEqual([]);
        expect((await blocks()).filter((b) => b.btype.Text === '7mint')).toHaveLength(3);
        await check([alice, bob, carol]);
    });

    it('a batch of task records updates each socket once', async () => {
        const before = (await blocks()).length;
        await batch({ poc_results: [], observations: [], tasks: [[task(0n, 10n), task(0n, 30n), task(1n, 5n)]] });
        const added = (await blocks()).slice(before);
        expect(added.map((b) => b.btype.Text)).toEqual(['7update_token', '7update_token']);
        const [m] = (await net.protocol().icrc7_token_metadata([0n])) as any[];
        expect(field(m[0], 'emc:units_confirmed')).toEqual({ Nat: 30n });
    });

    it('approves, resells by transfer_from, transfers; deduplicates with created_at_time; answers prefixes', async () => {
        const t = await now();
        const approve = (await net.protocol(alice).icrc37_approve_tokens([{ token_id: 0n, approval_info: { spender: acct(bob), from_subaccount: [], expires_at: [], memo: [], created_at_time: t } }])) as any[];
        expect(approve[0][0]).toHaveProperty('Ok');
        expect(await net.protocol().icrc37_is_approved([{ spender: acct(bob), from_subaccount: [], token_id: 0n }])).toEqual([true]);
        expect(await net.protocol(alice).icrc37_approve_collection([{ approval_info: { spender: acct(alice), from_subaccount: [], expires_at: [], memo: [], created_at_time: t } }])).toEqual([[{ InvalidSpender: null }]]);
        const arg = { spender_subaccount: [], from: acct(alice), to: acct(carol), token_id: 0n, memo: [], created_at_time: [t] };
        const r = (await net.protocol(bob).icrc37_transfer_from([arg])) as any[];
        expect(r[0][0]).toHaveProperty('Ok');
        expect(await net.protocol(bob).icrc37_transfer_from([arg])).toEqual([[{ Err: { Duplicate: { duplicate_of: r[0][0].Ok } } }]]);
        resale = { arg, block: r[0][0].Ok };
        expect(await net.protocol().icrc37_get_token_approvals(0n, [], [])).toEqual([]);
        // a one-token icrc7_transfer, measured
        const from = net.replica.executionLog().length;
        const x = (await net.protocol(alice).icrc7_transfer([{ from_subaccount: [], to: acct(bob), token_id: 2n, memo: [], created_at_time: [t] }])) as any[];
        expect(x[0][0]).toHaveProperty('Ok');
        measured.transfer = net.replica.executionLog().slice(from).filter((e) => e.method === 'icrc7_transfer' && e.kind === 'update').reduce((n, e) => n + e.instructions, 0n);
        // the transfer itself does not certify: a timer does, once for the round (lifecycle.ts certifySoon);
        // by the time the call returned it has run, and the certified tip is the transfer's block
        const after = net.replica.executionLog().slice(from).filter((e) => e.canister === PROTOCOL_ID.toText() && e.kind !== 'inspect_message');
        expect(after.filter((e) => e.kind === 'timer')).toHaveLength(1);
        const [tip] = (await net.protocol().icrc3_get_tip_certificate()) as any[];
        const tree = fromAgentHashTree(Cbor.decode(tip.hash_tree) as never);
        const leb = lookupPath(tree, ['last_block_index']) as Uint8Array;
        let index = 0n;
        for (let i = leb.length - 1; i >= 0; i--) index = (index << 7n) | BigInt(leb[i] & 0x7f);
        expect(index).toBe(x[0][0].Ok);
        // 21 items: answered with 20
        const many = Array.from({ length: 21 }, () => ({ from_subaccount: [], to: acct(alice), token_id: 99n, memo: [], created_at_time: [] }));
        expect(((await net.protocol(bob).icrc7_transfer(many)) as any[]).length).toBe(20);
        await check([alice, bob, carol]);
    });

    it('keeps owners, pages, approvals and deduplication across an upgrade', async () => {
        const p = net.protocol();
        const t = await now();
        expect((await net.protocol(bob).icrc37_approve_tokens([{ token_id: 2n, approval_info: { spender: acct(carol), from_subaccount: [], expires_at: [], memo: [], created_at_time: t } }])) as any[]).toHaveLength(1);
        const state = [await p.icrc7_tokens([], []), await p.icrc7_owner_of([0n, 1n, 2n]), await p.icrc7_tokens_of(acct(bob), [], []), await p.icrc37_get_token_approvals(2n, [], []), await p.icrc3_get_blocks([{ start: 0n, length: 100n }])];
        await net.replica.upgradeCanister(PROTOCOL_ID, { wasm: builtWasm('protocol'), arg: protocolUpgradeArg() });
        expect([await p.icrc7_tokens([], []), await p.icrc7_owner_of([0n, 1n, 2n]), await p.icrc7_tokens_of(acct(bob), [], []), await p.icrc37_get_token_approvals(2n, [], []), await p.icrc3_get_blocks([{ start: 0n, length: 100n }])]).toEqual(state);
        // the transfer_from before the upgrade is still answered Duplicate (the window is stable)
        expect(await net.protocol(bob).icrc37_transfer_from([resale?.arg])).toEqual([[{ Err: { Duplicate: { duplicate_of: resale?.block } } }]]);
        await check([alice, bob, carol]);
    });

    it('the new holder closes the order and receives the refund; settlement burns the socket', async () => {
        // socket 0 is Carol's: Alice (the payer) may not close it
        expect(await net.protocol(alice).market_close(0n)).toMatchObject({ Err: { NotAuthorized: {} } });
        const before = (await net.ledger().icrc1_balance_of(acct(carol))) as bigint;
        const closed = (await net.protocol(carol).market_close(0n)) as any;
        expect(closed).toMatchObject({ Ok: { status: 'closed', refunded: 140n * EMC } });
        expect(await net.ledger().icrc1_balance_of(acct(carol))).toBe(before + 140n * EMC - FEE);
        const [[owner]] = (await net.protocol().icrc7_owner_of([0n])) as any[];
        expect(owner.owner.toText()).toBe(principalOf(carol).toText());
        await check([alice, bob, carol]);
        // the 30 confirmed units mature: the order is closed and settled, its socket burned
        await net.replica.advanceTime(72n * HOUR + 60n * SECOND);
        expect(await net.protocol().icrc7_owner_of([0n])).toEqual([[]]);
        const bs = await blocks();
        const burn = bs.find((b) => b.btype.Text === '7burn');
        expect(burn?.tx.Map.find(([k]) => k === 'tid')?.[1]).toEqual({ Nat: 0n });
        expect(await net.protocol().icrc7_total_supply()).toBe(2n);
        await check([alice, bob, carol]);
    });

    it('measures a 100-token icrc7_tokens_of page', async () => {
        const t = await now();
        for (let i = 0; i < 100; i++) await net.protocol(alice).market_open({ offer: 0n, units: 1n, max_price: 100n * EMC, expires_at: t + 30n * DAY, created_at_time: t + BigInt(i), from_subaccount: [] });
        const from = net.replica.executionLog().length;
        const page = (await net.protocol().icrc7_tokens_of(acct(alice), [], [100n])) as bigint[];
        expect(page).toHaveLength(100);
        measured.tokensOf = net.replica.executionLog().slice(from).filter((e) => e.method === 'icrc7_tokens_of').reduce((n, e) => n + e.instructions, 0n);
        // eslint-disable-next-line no-console
        console.log(`instructions: icrc7_transfer of one token ${measured.transfer}, icrc7_tokens_of page of 100 ${measured.tokensOf}`);
        expect(measured.transfer).toBeGreaterThan(0n);
        // Issue 18's target for a one-token transfer is 8 M; it is NOT met: about 13 M, more than half of it
        // SHA-256 (≈ 0.53 M per compression in QuickJS) hashing the 7xfer block for the ICRC-3 log
        // (docs/sockets.md "Performance"). This bound keeps the figure from growing unnoticed.
        expect(measured.transfer).toBeLessThanOrEqual(17_000_000n);
        expect(measured.tokensOf).toBeLessThanOrEqual(20_000_000n);
    }, 600_000);
});
