/**
 * Epoch rewards end to end, both built canisters in the embedded replica: time-weighted shares
 * (joining mid-epoch, joining in the last minute), several epochs passing between timer runs, an
 * upgrade between epochs, a ledger failure during a claim, and the books after every step:
 * claimed + claimable + unallocated = emitted, and the ledger minted exactly what was claimed.
 */
import { Principal } from '@dfinity/principal';
import { epochReward } from '../../src/protocol/rewards/schedule';
import { builtWasm } from '../helpers/wasm';
import { DAY, EMC, LEDGER_ID, PROTOCOL_ID, SECOND, T0, approveProtocol, deployNetwork, identity, principalOf, protocolUpgradeArg, type Network } from '../helpers/network';

const R0 = epochReward(0n);
const ops = [identity(70), identity(71), identity(72)];
const wallets = [identity(80), identity(81), identity(82)];

function walletOf(i: number) {
    return { owner: principalOf(wallets[i]), subaccount: [] as [] };
}

function deploy(): Promise<Network> {
    return deployNetwork(ops.map((o) => [o, 200_000n * EMC]), { genesis: T0, epochSeconds: 86_400n });
}

async function registerRouter(net: Network, i: number, stake: bigint): Promise<void> {
    await approveProtocol(net, ops[i], stake);
    const r = (await net.protocol(ops[i]).register_node({ node_id: `router${i}`, node_type: { router: null }, wallet: walletOf(i), stake: [{ amount: stake, lock_days: 180, from_subaccount: [] }] })) as any;
    if (!('Ok' in r)) throw new Error(JSON.stringify(r, (_k, v) => (typeof v === 'bigint' ? v.toString() : v)));
}

async function claimable(net: Network, i: number): Promise<bigint> {
    const [r] = (await net.protocol().node_rewards(`router${i}`)) as any[];
    return r.claimable as bigint;
}

/** claimed + Σ claimable + unallocated = emitted (within a rounding e8s per node), and minted = claimed. */
async function checkBooks(net: Network): Promise<void> {
    const s = (await net.protocol().rewards_summary()) as any;
    let sumClaimable = 0n;
    let minted = 0n;
    for (let i = 0; i < 3; i++) {
        sumClaimable += await claimable(net, i);
        minted += (await net.ledger().icrc1_balance_of(walletOf(i))) as bigint;
    }
    const gap: bigint = (s.emitted as bigint) - (s.claimed as bigint) - sumClaimable - (s.unallocated as bigint);
    expect(gap >= 0n && gap <= 3n).toBe(true);
    expect(minted).toBe(s.claimed);
    expect(s.emitted).toBeLessThanOrEqual(420_000_000n * EMC);
}

describe('epoch rewards through both canisters', () => {
    let net: Network;
    beforeAll(async () => {
        net = await deploy();
    });

    it('publishes the emission schedule', async () => {
        const rows = (await net.protocol().emission_schedule(7)) as any[];
        expect(rows.map((r) => r.epoch_reward_e8s)).toEqual([720_000n * EMC, 720_000n * EMC, 360_000n * EMC, 240_000n * EMC, 144_000n * EMC, 90_000n * EMC, 5_538_461_538_461n]);
        expect(rows[1].cumulative_e8s).toBe(2n * 64_800_000n * EMC);
    });

    it('splits an epoch by E and by time: a mid-epoch joiner gets its time share, a last-minute joiner a last-minute share', async () => {
        await registerRouter(net, 0, 150_000n * EMC); // E = 15 from T0
        await net.replica.advanceTime(DAY / 2n);
        await registerRouter(net, 1, 150_000n * EMC); // E = 15 for the second half
        await net.replica.advanceTime(DAY / 2n - 60n * SECOND);
        await registerRouter(net, 2, 150_000n * EMC); // E = 15 for the last minute
        await net.replica.advanceTime(60n * SECOND);
        const [record] = (await net.protocol().epoch_records({ start: 0n, count: 10 })) as any[];
        expect(record).toMatchObject({ epoch: 0n, emitted: R0, eligible: 3n, total_e: 45n * 100_000_000n });
        const c = [await claimable(net, 0), await claimable(net, 1), await claimable(net, 2)];
        const minute = (R0 * 60n) / 86_400n;
        const secondHalf = R0 / 2n - minute;
        // router0: first half alone, then half of the second half, then a third of the last minute
        const expected0 = R0 / 2n + secondHalf / 2n + minute / 3n;
        expect(c[0] > expected0 - 5n && c[0] < expected0 + 5n).toBe(true);
        expect(c[2] > minute / 3n - 5n && c[2] < minute / 3n + 5n).toBe(true);
        // every e8s is either owed to a node or unallocated, up to one e8s of rounding per node
        const dust = R0 - (c[0] + c[1] + c[2] + (record.unallocated as bigint));
        expect(dust >= 0n && dust <= 3n).toBe(true);
        await checkBooks(net);
    });

    it('claims mint to the wallet; the operator or the wallet may claim, nobody else', async () => {
        expect(await net.protocol(ops[1]).claim_rewards('router0')).toMatchObject({ Err: { NotClaimant: { node_id: 'router0' } } });
        await expect(net.protocol().claim_rewards('router0')).rejects.toThrow(/claim_rewards refuses the anonymous principal/); // canister_inspect_message
        const owed = await claimable(net, 0);
        const r = (await net.protocol(ops[0]).claim_rewards('router0')) as any;
        expect(r.Ok.amount).toBe(owed);
        expect(r.Ok.node_id).toBe('router0');
        expect(r.Ok.wallet.owner.toText()).toBe(walletOf(0).owner.toText());
        expect(await net.ledger().icrc1_balance_of(walletOf(0))).toBe(owed);
        expect(await net.protocol(wallets[0]).claim_rewards('router0')).toEqual({ Err: { NothingToClaim: { message: 'node router0 has no rewards to claim yet', node_id: 'router0' } } });
        await checkBooks(net);
    });

    it('two concurrent claims pay once', async () => {
        await net.replica.advanceTime(DAY / 4n);
        const owed = await claimable(net, 2);
        const before = (await net.ledger().icrc1_balance_of(walletOf(2))) as bigint;
        const results = (await Promise.all([net.protocol(ops[2]).claim_rewards('router2'), net.protocol(wallets[2]).claim_rewards('router2')])) as any[];
        expect(results.filter((r) => 'Ok' in r).map((r) => r.Ok.amount)).toEqual([owed]);
        expect(results.filter((r) => 'Err' in r)[0]).toMatchObject({ Err: { NodeBusy: { node_id: 'router2', operation: 'claim' } } });
        expect(await net.ledger().icrc1_balance_of(walletOf(2))).toBe(before + owed);
        await checkBooks(net);
    });

    it('catches up when several epochs pass between timer runs', async () => {
        const before = ((await net.protocol().epoch_records({ start: 0n, count: 100 })) as any[]).length;
        await net.replica.advanceTime(3n * DAY + DAY / 3n);
        const records = (await net.protocol().epoch_records({ start: 0n, count: 100 })) as any[];
        expect(records.length).toBe(before + 3);
        expect(records.slice(1).every((r: any) => r.emitted === R0 && r.eligible === 3n)).toBe(true);
        await checkBooks(net);
    });

    it('keeps every reward across an upgrade between epochs, and the epoch timer runs again after it', async () => {
        const owed = [await claimable(net, 0), await claimable(net, 1), await claimable(net, 2)];
        const summary = (await net.protocol().rewards_summary()) as any;
        await net.replica.upgradeCanister(PROTOCOL_ID, { wasm: builtWasm('protocol'), arg: protocolUpgradeArg() });
        expect([await claimable(net, 0), await claimable(net, 1), await claimable(net, 2)]).toEqual(owed);
        expect(((await net.protocol().rewards_summary()) as any).claimed).toBe(summary.claimed);
        const records = ((await net.protocol().epoch_records({ start: 0n, count: 100 })) as any[]).length;
        await net.replica.advanceTime(DAY);
        expect(((await net.protocol().epoch_records({ start: 0n, count: 100 })) as any[]).length).toBe(records + 1);
        await checkBooks(net);
    });

    it('a ledger failure during a claim leaves the reward claimable; a lost response is retried and mints once', async () => {
        const owed = await claimable(net, 1);
        net.replica.injectFault({ canister: LEDGER_ID, method: 'icrc1_transfer', when: 'before' });
        expect(await net.protocol(ops[1]).claim_rewards('router1')).toMatchObject({ Err: { LedgerUnavailable: {} } });
        expect(await claimable(net, 1)).toBe(owed);
        expect(await net.ledger().icrc1_balance_of(walletOf(1))).toBe(0n);
        net.replica.injectFault({ canister: LEDGER_ID, method: 'icrc1_transfer', when: 'after', times: 2 });
        expect(await net.protocol(ops[1]).claim_rewards('router1')).toMatchObject({ Err: { OperationPending: { operation: 'claim' } } });
        // a second claim while the first is unresolved resumes it instead of paying twice
        const retried = (await net.protocol(ops[1]).claim_rewards('router1')) as any;
        expect(retried.Ok.amount).toBe(owed);
        expect(await net.ledger().icrc1_balance_of(walletOf(1))).toBe(owed);
        expect(await claimable(net, 1)).toBe(0n);
        await checkBooks(net);
    });
});

export { Principal };
