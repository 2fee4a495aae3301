/**
 * The genesis distribution through the built Wasm in the embedded replica (spec §13–§14): genesis
 * vesting schedules from the init argument (their Σ minted by the ledger's init argument to the
 * vesting subaccount), claims by the beneficiary, the two-step hand-over, a schedule added by
 * governance, and an upgrade in the middle of a release; after every step the vesting subaccount
 * holds exactly Σ (total − released). A short lock-up game (3 periods of 1 one-hour epoch) with an
 * upgrade in the middle of a period: locks by ICRC-2, each period closed by the maintenance timer,
 * the results queried, locks and rewards claimed at the end, both lock-up accounts left empty. A
 * mapping: 1,000 entries loaded in one message (its cost measured), dust, the seal with count and
 * SHA-256, an upgrade in the middle of the claim window, claims, the sweep after the window.
 */
import { Principal } from '@dfinity/principal';
import { sha256 as nobleSha256 } from '@noble/hashes/sha2';
import { entryBytes, mappingSubaccount } from '../../src/protocol/mapping/mapping';
import { TREASURY_SUBACCOUNT } from '../../src/protocol/model/supply';
import { VESTING_SUBACCOUNT } from '../../src/protocol/treasury/vesting';
import { YEAR_NS } from '../../src/protocol/treasury/vesting-schedule';
import { builtWasm } from '../helpers/wasm';
import { CLOSE_CHUNK, LOCKUP_REWARDS_SUBACCOUNT, LOCKUP_SUBACCOUNT } from '../../src/protocol/lockup/lockup';
import { DAY, EMC, FEE, PROTOCOL_ID, SECOND, T0, approveProtocol, deployNetwork, identity, principalOf, protocolUpgradeArg, type Network } from '../helpers/network';

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

describe('the lock-up game through both canisters (spec §14)', () => {
    const HOUR = 3_600n * SECOND;
    const players = [identity(41), identity(42), identity(43)];
    const lockupAccount = acct(PROTOCOL_ID, LOCKUP_SUBACCOUNT);
    const rewardsAccount = acct(PROTOCOL_ID, LOCKUP_REWARDS_SUBACCOUNT);
    let net: Network;
    let start: bigint;
    beforeAll(async () => {
        net = await deployNetwork(players.map((p) => [p, 2_000_000n * EMC]), { genesis: T0, epochSeconds: 3_600n, accounts: [[treasury, 20_000_000n * EMC]] });
        for (const p of players) await approveProtocol(net, p, 1_900_000n * EMC);
        start = net.replica.time() + HOUR;
    });

    it('governance starts the game: validate_ first, the budget moves to the rewards account', async () => {
        const arg = { budget: 10_800_000n * EMC, output_per_period: 1_800_000n * EMC, start, period_epochs: 1, periods: 3, reason: 'majority game on the devnet' };
        expect(await net.protocol().validate_start_lockup_game({ ...arg, periods: 13 })).toHaveProperty('Err');
        expect(((await net.protocol().validate_start_lockup_game(arg)) as any).Ok).toMatch(/^Start the lock-up game/);
        expect(await net.protocol(players[0]).start_lockup_game(arg)).toMatchObject({ Err: { NotAuthorized: {} } });
        expect(await net.protocol(net.governance).start_lockup_game(arg)).toMatchObject({ Ok: { status: { open: null }, periods: 3, period_seconds: 3_600n } });
        expect(await balance(net, rewardsAccount)).toBe(10_800_000n * EMC);
    });

    it('locks before the start and in period 1, with an upgrade in the middle of the period; the timer closes it', async () => {
        expect(await net.protocol(players[0]).lock_tokens({ amount: 1_000_000n * EMC, pool: { B: null }, node_id: [], from_subaccount: [] })).toMatchObject({ Ok: { period: 0, status: { active: null } } });
        expect(await net.protocol(players[1]).lock_tokens({ amount: 9n * EMC, pool: { B: null }, node_id: [], from_subaccount: [] })).toMatchObject({ Err: { InvalidArgument: {} } });
        expect(await net.protocol(players[1]).lock_tokens({ amount: 10n * EMC, pool: { A: null }, node_id: ['nobody'], from_subaccount: [] })).toMatchObject({ Err: { InvalidArgument: { reason: 'no node nobody' } } });
        await net.replica.advanceTime(HOUR + (2n * HOUR) / 5n);
        expect(await net.protocol(players[1]).lock_tokens({ amount: 500_000n * EMC, pool: { B: null }, node_id: [], from_subaccount: [] })).toMatchObject({ Ok: { period: 1, fifth: 2 } });
        await net.replica.upgradeCanister(PROTOCOL_ID, { wasm: builtWasm('protocol'), arg: protocolUpgradeArg() });
        expect(await net.protocol(players[2]).lock_tokens({ amount: 200_000n * EMC, pool: { B: null }, node_id: [], from_subaccount: [] })).toMatchObject({ Ok: { period: 1 } });
        expect(await balance(net, lockupAccount)).toBe(1_700_000n * EMC);
        const from = net.replica.executionLog().length;
        await net.replica.advanceTime(HOUR);
        const [p1] = (await net.protocol().lockup_period(1)) as any[];
        // L = 1,700,000 ≥ 50 % of O × 1 → 100 % of B_1 = floor(floor(10,800,000 × 2 / 100) × 90 / 100) = 194,400, 97,200 per pool.
        expect(p1.result[0]).toMatchObject({ locked: 1_700_000n * EMC, tier_percent: 100, basic: 194_400n * EMC, per_pool: 97_200n * EMC, shared_a: 0n, final: true });
        // Pool A is empty: its part goes to the ecosystem fund with the competition reward (B won it).
        expect(p1.result[0].winner).toEqual([{ B: null }]);
        const costliest = net.replica.executionLog().slice(from).filter((e) => e.canister === PROTOCOL_ID.toText()).reduce((m, e) => (e.instructions > m ? e.instructions : m), 0n);
        expect(costliest).toBeLessThan(2_000_000_000n);
    });

    it('closes the last periods, then releases every lock with its reward; both accounts end empty', async () => {
        await net.replica.advanceTime(2n * HOUR);
        expect(await net.protocol().lockup_game()).toMatchObject([{ status: { ended: null }, periods_closed: 3 }]);
        const locks = (await net.protocol().list_locks({ owner: principalOf(players[0]), start: 0, count: 10 })) as any[];
        expect(locks).toHaveLength(1);
        expect(await net.protocol(players[1]).claim_lock(locks[0].id)).toMatchObject({ Err: { NotAuthorized: {} } });
        for (let i = 0; i < 3; i++) {
            const [mine] = (await net.protocol().list_locks({ owner: principalOf(players[i]), start: 0, count: 10 })) as any[];
            const before = await balance(net, acct(principalOf(players[i])));
            const r = (await net.protocol(players[i]).claim_lock(mine.id)) as any;
            expect(r).toMatchObject({ Ok: { status: { released: null } } });
            expect(await balance(net, acct(principalOf(players[i])))).toBe(before + mine.amount + r.Ok.reward - 2n * FEE);
        }
        expect(await balance(net, lockupAccount)).toBe(0n);
        expect(await balance(net, rewardsAccount)).toBe(0n);
    });
});

describe('a lock-up close is bounded per message (spec §14: 100k locks in messages of ≤ 2 B instructions)', () => {
    it('the scan costs so little per lock that a chunk of CLOSE_CHUNK locks stays far below 2 B instructions', async () => {
        const HOUR = 3_600n * SECOND;
        const p = identity(51);
        const net = await deployNetwork([[p, 100_000n * EMC]], { genesis: T0, epochSeconds: 3_600n, accounts: [[treasury, 1_000_000n * EMC]] });
        await approveProtocol(net, p, 90_000n * EMC);
        const start = net.replica.time() + HOUR;
        await net.protocol(net.governance).start_lockup_game({ budget: 100_000n * EMC, output_per_period: 1_000n * EMC, start, period_epochs: 1, periods: 1, reason: 'bench' });
        const N = 150;
        for (let i = 0; i < N; i++) await net.protocol(p).lock_tokens({ amount: 10n * EMC, pool: { B: null }, node_id: [], from_subaccount: [] });
        const from = net.replica.executionLog().length;
        await net.replica.advanceTime(2n * HOUR);
        expect(await net.protocol().lockup_game()).toMatchObject([{ status: { ended: null } }]);
        const runs = net.replica.executionLog().slice(from).filter((e) => e.canister === PROTOCOL_ID.toText()).map((e) => e.instructions);
        const costliest = runs.reduce((m, x) => (x > m ? x : m), 0n);
        // An upper bound per lock: the whole costliest message (the scan of all N locks and its fixed part) over N.
        const perLock = costliest / BigInt(N);
        console.log(`lock-up close: costliest message ${costliest} instructions for ${N} locks (≤ ${perLock} per lock); a chunk of ${CLOSE_CHUNK} ≤ ${perLock * BigInt(CLOSE_CHUNK)}`);
        expect(perLock * BigInt(CLOSE_CHUNK)).toBeLessThan(2_000_000_000n);
    });
});

describe('an airdrop / mapping through both canisters (spec §13.2)', () => {
    it('loads 1,000 entries in one message well within 40 B, seals, survives an upgrade in the window, claims, sweeps', async () => {
        const HOUR = 3_600n * SECOND;
        const claimer = identity(61);
        const other = identity(62);
        const net = await deployNetwork([], { genesis: T0, accounts: [[treasury, 10_000_000n * EMC]] });
        const now = net.replica.time();
        const gov = net.protocol(net.governance);
        const create = { name: 'genesis mapping', rate_numerator: 3n, rate_denominator: 2n, dust_threshold: 5n * EMC, window_start: now + HOUR, window_end: now + 10n * HOUR, reason: 'map the testnet balances 3:2' };
        expect(((await net.protocol().validate_create_mapping(create)) as any).Ok).toMatch(/^Create the mapping/);
        expect(await net.protocol(claimer).create_mapping(create)).toMatchObject({ Err: { NotAuthorized: {} } });
        expect(await gov.create_mapping(create)).toMatchObject({ Ok: { id: 0n, status: { loading: null } } });
        const filler = Array.from({ length: 1_000 }, (_, i) => ({ account: acct(Principal.fromUint8Array(new Uint8Array([0, 0, 0, 0, 0, 0x10, i >> 8, i & 255, 1, 1]))), source: 10n * EMC + BigInt(i) }));
        const from = net.replica.executionLog().length;
        expect(await gov.load_mapping_entries({ id: 0n, entries: filler })).toMatchObject({ Ok: { entries: 1_000n } });
        const cost = net.replica.executionLog().slice(from).filter((e) => e.method === 'load_mapping_entries').reduce((n, e) => n + e.instructions, 0n);
        console.log(`load_mapping_entries: 1,000 entries in ${cost} instructions`);
        expect(cost).toBeLessThan(4_000_000_000n); // a tenth of the 40 B limit
        const rest = [
            { account: acct(principalOf(claimer)), source: 100n * EMC },
            { account: acct(principalOf(other)), source: 4n * EMC }, // dust
        ];
        expect(await gov.load_mapping_entries({ id: 0n, entries: rest })).toMatchObject({ Ok: { entries: 1_002n, dust_source: 4n * EMC } });
        const all = [...filler, ...rest];
        const bytes = new Uint8Array(all.length * 70);
        all.forEach((e, i) => bytes.set(entryBytes({ owner: e.account.owner.toUint8Array() }, e.source), i * 70));
        const sha256 = nobleSha256(bytes);
        expect(await net.protocol().validate_seal_mapping({ id: 0n, count: 1_001n, sha256 })).toHaveProperty('Err');
        expect(await gov.seal_mapping({ id: 0n, count: 1_002n, sha256 })).toMatchObject({ Ok: { status: { open: null }, sha256: [sha256], dust_value: 6n * EMC } });
        const sub = acct(PROTOCOL_ID, mappingSubaccount(0n));
        await net.replica.advanceTime(HOUR);
        expect(await balance(net, sub)).toBe(((await net.protocol().get_mapping(0n)) as any[])[0].mapped_total);
        await net.replica.upgradeCanister(PROTOCOL_ID, { wasm: builtWasm('protocol'), arg: protocolUpgradeArg() });
        expect(await net.protocol(other).claim_mapping({ id: 0n, subaccount: [] })).toMatchObject({ Err: { NothingToClaim: {} } });
        expect(await net.protocol(claimer).claim_mapping({ id: 0n, subaccount: [] })).toMatchObject({ Ok: { amount: 150n * EMC } });
        expect(await balance(net, acct(principalOf(claimer)))).toBe(150n * EMC - FEE);
        expect(await net.protocol().mapping_entry({ id: 0n, account: acct(principalOf(claimer)) })).toEqual([{ source: 100n * EMC, mapped: 150n * EMC, dust: false, claimed: true }]);
        expect(await net.protocol(other).sweep_mapping(0n)).toMatchObject({ Err: { WrongState: {} } });
        await net.replica.advanceTime(9n * HOUR);
        expect(await net.protocol(claimer).claim_mapping({ id: 0n, subaccount: [] })).toMatchObject({ Err: { WrongState: {} } });
        expect(await net.protocol(other).sweep_mapping(0n)).toMatchObject({ Ok: { status: { swept: null } } });
        expect(await balance(net, sub)).toBe(0n);
    });
});

describe('ecosystem projects through both canisters (spec §13.3)', () => {
    it('governance lists a project as quality, restricts grants to quality projects; the history is kept', async () => {
        const dev = identity(71);
        const outsider = identity(72);
        const net = await deployNetwork([], { genesis: T0, accounts: [[treasury, 1_000_000n * EMC]] });
        const gov = net.protocol(net.governance);
        const reg = { name: 'emc-dex', principals: [principalOf(dev)], reason: 'first DEX' };
        expect(((await net.protocol().validate_register_project(reg)) as any).Ok).toMatch(/^Register the ecosystem project/);
        expect(await net.protocol(dev).register_project(reg)).toMatchObject({ Err: { NotAuthorized: {} } });
        expect(await gov.register_project(reg)).toMatchObject({ Ok: { id: 0n, status: { none: null } } });
        expect(await gov.restrict_grants_to_quality(true)).toHaveProperty('Ok');
        const grant = (who: Principal) => ({ to: acct(who), amount: 1_000n * EMC, reason: 'grant' });
        expect(await net.protocol().validate_pay_grant(grant(principalOf(dev)))).toHaveProperty('Err');
        const status = { id: 0n, status: { quality: null }, reason: 'audited', proposal_id: [7n] as [bigint] };
        expect(((await net.protocol().validate_set_project_status(status)) as any).Ok).toMatch(/to the quality list \(proposal 7\)/);
        expect(await gov.set_project_status(status)).toMatchObject({ Ok: { status: { quality: null }, proposal_id: [7n], changes: 1 } });
        expect(await gov.pay_grant(grant(principalOf(dev)))).toMatchObject({ Ok: [{ status: { paid: null } }] });
        expect(await gov.pay_grant(grant(principalOf(outsider)))).toMatchObject({ Err: { GrantNotAllowed: {} } });
        expect(await net.protocol().list_projects({ status: { quality: null }, start: 0, count: 10 })).toMatchObject([{ name: 'emc-dex' }]);
        expect(await net.protocol().project_history({ id: 0n, start: 0, count: 10 })).toMatchObject([{ seq: 0, status: { quality: null }, reason: 'audited', proposal_id: [7n] }]);
        expect(await net.protocol().projects_summary()).toEqual({ projects: 1n, grants_restricted_to_quality: true });
    });
});
