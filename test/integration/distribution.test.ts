/**
 * The genesis distribution through the built Wasm in the embedded replica (spec §13–§14): genesis
 * vesting schedules from the init argument (their Σ minted by the ledger's init argument to the
 * vesting subaccount), claims by the beneficiary, the two-step hand-over, a schedule added by
 * governance, and an upgrade in the middle of a release; after every step the vesting subaccount
 * holds exactly Σ (total − released).
 */
import { Principal } from '@dfinity/principal';
import { TREASURY_SUBACCOUNT } from '../../src/protocol/model/supply';
import { VESTING_SUBACCOUNT } from '../../src/protocol/treasury/vesting';
import { YEAR_NS } from '../../src/protocol/treasury/vesting-schedule';
import { builtWasm } from '../helpers/wasm';
import { DAY, EMC, FEE, PROTOCOL_ID, T0, deployNetwork, identity, principalOf, protocolUpgradeArg, type Network } from '../helpers/network';

const team = identity(31);
const heir = identity(32);
const advisor = identity(33);
const stranger = identity(34);
const acct = (p: Principal, sub?: Uint8Array) => ({ owner: p, subaccount: sub === undefined ? ([] as []) : ([sub] as [Uint8Array]) });
const vestingAccount = acct(PROTOCOL_ID, VESTING_SUBACCOUNT);
const treasury = acct(PROTOCOL_ID, TREASURY_SUBACCOUNT);
const TEAM_TOTAL = 10_000_000n * EMC;
const ADVISOR_TOTAL = 3_000n * EMC;

async function balance(net: Network, a: ReturnType<typeof acct>): Promise<bigint> {
    return (await net.ledger().icrc1_balance_of(a)) as bigint;
}

async function checkVestingBalance(net: Network): Promise<void> {
    const s = (await net.protocol().vesting_summary()) as any;
    expect(await balance(net, vestingAccount)).toBe(s.required_balance);
}

describe('linear release through both canisters (spec §13.1)', () => {
    let net: Network;
    beforeAll(async () => {
        net = await deployNetwork([], {
            genesis: T0,
            vesting: [
                { beneficiary: acct(principalOf(team)), total: TEAM_TOTAL, start: [], reason: 'team' },
                { beneficiary: acct(principalOf(advisor)), total: ADVISOR_TOTAL, start: [T0], reason: 'advisor' },
            ],
            accounts: [
                [vestingAccount, TEAM_TOTAL + ADVISOR_TOTAL],
                [treasury, 100_000n * EMC],
            ],
        });
    });

    it('starts with the genesis schedules and the vesting account holding their Σ', async () => {
        const s = (await net.protocol().vesting_summary()) as any;
        expect(s).toMatchObject({ schedules: 2n, total: TEAM_TOTAL + ADVISOR_TOTAL, released: 0n, required_balance: TEAM_TOTAL + ADVISOR_TOTAL });
        await checkVestingBalance(net);
        const [v] = (await net.protocol().get_vesting(0n)) as any[];
        expect(v).toMatchObject({ total: TEAM_TOTAL, start: T0, tranches: 4n * 2_081n + 1_676n, claimable: 0n, source: { genesis: null }, status: { active: null } });
        const tr = (await net.protocol().vesting_tranches({ id: 1n, start: 0n, count: 10 })) as any[];
        expect(tr.map((t) => t.amount)).toEqual([62_430_000_000n, 62_430_000_000n, 62_430_000_000n, 62_430_000_000n, 50_280_000_000n]);
        expect(tr.map((t) => t.unlocks_at)).toEqual([1n, 2n, 3n, 4n, 5n].map((y) => T0 + y * YEAR_NS));
    });

    it('after 100 days the team claims 570,000 EMC (one claim within 8 M instructions); others cannot', async () => {
        await net.replica.advanceTime(T0 + 100n * DAY - (await net.replica.time()));
        expect(await net.protocol(stranger).claim_vesting(0n)).toMatchObject({ Err: { NotAuthorized: {} } });
        const from = net.replica.executionLog().length;
        const r = (await net.protocol(team).claim_vesting(0n)) as any;
        expect(r).toMatchObject({ Ok: { amount: 570_000n * EMC, transfer: { status: { sent: null } } } });
        const cost = net.replica.executionLog().slice(from).filter((e) => e.method === 'claim_vesting').reduce((n, e) => n + e.instructions, 0n);
        expect(cost).toBeGreaterThan(0n);
        expect(cost).toBeLessThan(8_000_000n);
        expect(await balance(net, acct(principalOf(team)))).toBe(570_000n * EMC - FEE);
        expect(await net.protocol(team).claim_vesting(0n)).toMatchObject({ Err: { NothingToClaim: {} } });
        await checkVestingBalance(net);
    });

    it('hands the schedule on in two steps, survives an upgrade in the middle of the release', async () => {
        expect(await net.protocol(team).offer_vesting({ id: 0n, to: [acct(principalOf(heir))] })).toMatchObject({ Ok: { offered_to: [{ owner: principalOf(heir) }] } });
        expect(await net.protocol(stranger).accept_vesting(0n)).toMatchObject({ Err: { NotAuthorized: {} } });
        await net.replica.upgradeCanister(PROTOCOL_ID, { wasm: builtWasm('protocol'), arg: protocolUpgradeArg() });
        expect(await net.protocol(heir).accept_vesting(0n)).toMatchObject({ Ok: { beneficiary: { owner: principalOf(heir) }, offered_to: [], released: 570_000n * EMC } });
        expect((await net.protocol().list_vesting({ owner: principalOf(heir), start: 0, count: 10 })) as any[]).toHaveLength(1);
        await net.replica.advanceTime(YEAR_NS - 100n * DAY);
        expect(await net.protocol(team).claim_vesting(0n)).toMatchObject({ Err: { NotAuthorized: {} } });
        expect(await net.protocol(heir).claim_vesting(0n)).toMatchObject({ Ok: { amount: 2_081_000n * EMC - 570_000n * EMC } });
        expect(await net.protocol(advisor).claim_vesting(1n)).toMatchObject({ Ok: { amount: 62_430_000_000n } });
        await checkVestingBalance(net);
    });

    it('governance adds a schedule funded from the treasury; validate_ says what it would do; others are refused', async () => {
        const arg = { beneficiary: acct(principalOf(stranger)), total: 5_000n * EMC, start: await net.replica.time(), reason: 'ecosystem grant, vested' };
        expect(await net.protocol(stranger).add_vesting_schedule(arg)).toMatchObject({ Err: { NotAuthorized: {} } });
        expect(await net.protocol().validate_add_vesting_schedule({ ...arg, total: 0n })).toHaveProperty('Err');
        expect(((await net.protocol().validate_add_vesting_schedule(arg)) as any).Ok).toMatch(/^Move 5,?000 EMC from the treasury/);
        expect(await net.protocol(net.governance).add_vesting_schedule(arg)).toMatchObject({ Ok: { id: 2n, status: { active: null }, source: { governance: null } } });
        expect(await balance(net, treasury)).toBe(95_000n * EMC - FEE);
        await checkVestingBalance(net);
        await net.replica.advanceTime(YEAR_NS);
        expect(await net.protocol(stranger).claim_vesting(2n)).toMatchObject({ Ok: { amount: 104_050_000_000n } });
        await checkVestingBalance(net);
    });
});
