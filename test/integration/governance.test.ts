/**
 * Governance and access control through both built canisters: every governance method refused for
 * anyone but the governance principal and accepted from it, each with its validate_m text; a
 * parameter change surviving an upgrade; the change log; and every state-changing method of the
 * protocol canister called as the anonymous principal and as an unrelated principal, changing nothing.
 */
import { AnonymousIdentity, type Identity } from '@dfinity/agent';
import { Principal } from '@dfinity/principal';
import { batchDigest, wirePayload } from '../../src/protocol/batches/payload';
import { PROTOCOL_METHODS } from '../../src/protocol/api/interface';
import { TREASURY_SUBACCOUNT } from '../../src/protocol/model/supply';
import { builtWasm } from '../helpers/wasm';
import { EMC, PROTOCOL_ID, T0, approveProtocol, deployNetwork, identity, principalOf, protocolUpgradeArg, wallet, type Network } from '../helpers/network';

const operator = identity(600);
const stranger = identity(601);
const grantee = identity(602);
const treasury = { owner: PROTOCOL_ID, subaccount: [TREASURY_SUBACCOUNT] as [Uint8Array] };
const show = (x: unknown) => JSON.stringify(x, (_k, v) => (typeof v === 'bigint' ? v.toString() : v instanceof Uint8Array ? Buffer.from(v).toString('hex') : v));

function deploy(): Promise<Network> {
    return deployNetwork([[operator, 300_000n * EMC]], { accounts: [[treasury, 1_000_000n * EMC]] });
}

describe('governance', () => {
    let net: Network;
    beforeAll(async () => {
        net = await deploy();
        await approveProtocol(net, operator, 100_000n * EMC);
        const r = (await net.protocol(operator).register_node({ node_id: 'router1', node_type: { router: null }, wallet: wallet(operator), stake: [{ amount: 100_000n * EMC, lock_days: 180, from_subaccount: [] }] })) as any;
        expect(r).toHaveProperty('Ok');
    }, 120_000);

    const account = (i: Identity) => ({ owner: principalOf(i), subaccount: [] as [] });
    const noParams = {
        epoch_seconds: [],
        validator_penalty_e8s: [],
        validator_window_seconds: [],
        router_penalty_e8s: [],
        router_window_seconds: [],
        compute_window_seconds: [],
        validator_min_stake_e8s: [],
        router_min_stake_e8s: [],
        validator_min_term_days: [],
        validator_renewal_min_days: [],
        validator_max_renewals: [],
        router_min_term_days: [],
        router_renewal_min_days: [],
        compute_multipliers: [],
        impeachment_window_seconds: [],
        key_rotation_window_seconds: [],
    };
    /** Each governance method with an argument that governance may execute now. */
    const cases: [string, () => unknown[]][] = [
        ['update_params', () => [{ ...noParams, router_penalty_e8s: [500_000_000n], router_window_seconds: [900n], compute_multipliers: [[{ days: 7, multiplier_tenths: 15 }, { days: 30, multiplier_tenths: 27 }, { days: 90, multiplier_tenths: 62 }, { days: 180, multiplier_tenths: 100 }]] }]],
        ['pay_grant', () => [{ to: account(grantee), amount: 1_000n * EMC, reason: 'SDK bounty #12' }]],
        ['airdrop_batch', () => [{ payments: [{ to: account(grantee), amount: 10n * EMC }, { to: account(stranger), amount: 20n * EMC }], reason: 'DAO airdrop batch 1' }]],
        ['pause', () => ['ledger incident 2026-11-21']],
        ['resume', () => []],
        ['set_governance', () => [principalOf(identity(201))]],
    ];

    it.each(cases)('%s is refused for the anonymous principal and an unrelated one, and changes nothing', async (method, args) => {
        const log = (await net.protocol().governance_log({ start: 0n, count: 100 })) as any[];
        // the anonymous principal: refused by canister_inspect_message, before execution
        const anon = await (net.protocol(new AnonymousIdentity()) as any)[method](...args()).catch((e: Error) => e);
        expect(String((anon as Error).message)).toContain(`emc_protocol refuses the message: ${method} refuses the anonymous principal`);
        expect(await (net.protocol(stranger) as any)[method](...args())).toMatchObject({ Err: { NotGovernance: { message: 'only the governance principal may call this method' } } });
        expect(((await net.protocol().governance_log({ start: 0n, count: 100 })) as any[]).length).toBe(log.length);
    });

    it.each(cases)('%s is accepted from governance, with its validator’s text, and logged', async (method, args) => {
        const validated = (await (net.protocol() as any)[`validate_${method}`](...args())) as any;
        expect(validated).toHaveProperty('Ok');
        expect(validated.Ok.length).toBeGreaterThan(10);
        const before = (await net.protocol().governance_log({ start: 0n, count: 100 })) as any[];
        const r = (await (net.protocol(net.governance) as any)[method](...args())) as any;
        if (!('Ok' in r)) throw new Error(`${method}: ${show(r)}`);
        if (method !== 'pay_grant' && method !== 'airdrop_batch') expect(r.Ok).toBe(validated.Ok);
        const log = (await net.protocol().governance_log({ start: 0n, count: 100 })) as any[];
        expect(log.length).toBe(before.length + 1);
        const entry = log[log.length - 1];
        expect(entry.method).toBe(method);
        expect(entry.caller.toText()).toBe(principalOf(net.governance).toText());
        if (method === 'set_governance') net.governance = identity(201);
    });

    it('explains refusals in validate_m and refuses the same argument when executed', async () => {
        const bad = { ...noParams, router_window_seconds: [1n] };
        expect((await net.protocol().validate_update_params(bad)) as any).toEqual({ Err: 'router_window_seconds must be between 60 and 604800' });
        expect((await net.protocol(net.governance).update_params(bad)) as any).toMatchObject({ Err: { ParamOutOfRange: { message: 'router_window_seconds must be between 60 and 604800', param: 'router_window_seconds' } } });
        expect((await net.protocol().validate_update_params(noParams)) as any).toEqual({ Err: 'the update changes no parameter' });
        expect((await net.protocol().validate_pay_grant({ to: account(grantee), amount: 300_000_000n * EMC, reason: 'too much' })) as any).toHaveProperty('Err');
        expect((await net.protocol().validate_resume()) as any).toEqual({ Err: 'the protocol is not paused' });
        expect((await net.protocol().validate_admit_validators(['nope'])) as any).toHaveProperty('Err');
        // The old governance principal lost its powers with set_governance.
        expect((await net.protocol(identity(200)).pause('x')) as any).toMatchObject({ Err: { NotGovernance: {} } });
    });

    it('paid the grant and the airdrop from the treasury', async () => {
        expect(await net.ledger().icrc1_balance_of(account(grantee))).toBe(1_010n * EMC);
        expect(await net.ledger().icrc1_balance_of(account(stranger))).toBe(20n * EMC);
        expect(await net.ledger().icrc1_balance_of(treasury)).toBe(1_000_000n * EMC - 1_030n * EMC - 3n * 100_000n);
        const p = ((await net.protocol().get_payout(0n)) as any[])[0];
        expect(p).toMatchObject({ kind: { grant: null }, status: { paid: null }, amount: 1_000n * EMC });
    });

    it('keeps a parameter change across an upgrade', async () => {
        await net.replica.upgradeCanister(PROTOCOL_ID, { wasm: builtWasm('protocol'), arg: protocolUpgradeArg() });
        const p = (await net.protocol().protocol_params()) as any;
        expect(p).toMatchObject({ router_penalty_e8s: 500_000_000n, router_window_seconds: 900n, validator_penalty_e8s: 11_570_000_000n });
        expect(p.compute_multipliers[0]).toEqual({ days: 7, multiplier_tenths: 15 });
        expect(((await net.protocol().governance_log({ start: 0n, count: 100 })) as any[]).map((e) => e.method)).toEqual(cases.map(([m]) => m));
    }, 120_000);

    it('pausing refuses registrations, claims and batches; resuming allows them again', async () => {
        expect((await net.protocol(net.governance).pause('drill')) as any).toHaveProperty('Ok');
        expect(((await net.protocol().protocol_info()) as any).paused).toEqual(['drill']);
        expect((await net.protocol(operator).claim_rewards('router1')) as any).toEqual({ Err: { Paused: { message: 'the protocol is paused by governance: drill', reason: 'drill' } } });
        expect((await net.protocol(operator).register_node({ node_id: 'gpu9', node_type: { compute: null }, wallet: wallet(operator), stake: [] })) as any).toEqual({ Err: { Paused: { message: 'the protocol is paused by governance: drill', reason: 'drill' } } });
        const payload = { poc_results: [], observations: [] };
        expect((await net.protocol(operator).propose_batch({ height: 1n, payload: wirePayload(payload), digest: batchDigest(payload) })) as any).toEqual({ Err: { Paused: { message: 'the protocol is paused by governance: drill', reason: 'drill' } } });
        expect((await net.protocol(net.governance).resume()) as any).toHaveProperty('Ok');
        expect((await net.protocol(operator).register_node({ node_id: 'gpu9', node_type: { compute: null }, wallet: wallet(operator), stake: [] })) as any).toHaveProperty('Ok');
    });
});

describe('access control: every state-changing method, as the anonymous principal and as an unrelated principal', () => {
    let net: Network;
    beforeAll(async () => {
        net = await deploy();
        await approveProtocol(net, operator, 100_000n * EMC);
        await net.protocol(operator).register_node({ node_id: 'router1', node_type: { router: null }, wallet: wallet(operator), stake: [{ amount: 100_000n * EMC, lock_days: 180, from_subaccount: [] }] });
    }, 120_000);

    const payload = { poc_results: [], observations: [] };
    const acct = { owner: Principal.fromText('aaaaa-aa'), subaccount: [] as [] };
    /** An argument for each update method, aimed at someone else's node or at governance powers. */
    const ARGS: Record<string, () => unknown[]> = {
        register_node: () => [{ node_id: 'router1', node_type: { router: null }, wallet: acct, stake: [{ amount: 100_000n * EMC, lock_days: 180, from_subaccount: [] }] }],
        stake_compute: () => [{ node_id: 'router1', amount: 1_000n * EMC, lock_days: 30, from_subaccount: [] }],
        top_up: () => [{ node_id: 'router1', amount: 1n, from_subaccount: [] }],
        renew: () => [{ node_id: 'router1', days: 90, top_up: 0n, from_subaccount: [] }],
        withdraw_candidacy: () => ['router1'],
        retry_operation: () => ['router1'],
        admit_validators: () => [['router1']],
        propose_batch: () => [{ height: 1n, payload: wirePayload(payload), digest: batchDigest(payload) }],
        vote_batch: () => [{ height: 1n, digest: batchDigest(payload) }],
        claim_rewards: () => ['router1'],
        open_impeachment: () => [{ accuser: 'router1', node_id: 'router1', reason: 'x' }],
        vote_impeachment: () => [{ id: 0n, voter: 'router1', yes: true }],
        report_key_compromise: () => [{ node_id: 'router1', new_operator: Principal.fromText('aaaaa-aa') }],
        answer_key_report: () => [{ id: 0n, voter: 'router1', confirm: true }],
        set_governance: () => [Principal.fromText('aaaaa-aa')],
        update_params: () => [{ epoch_seconds: [60n], validator_penalty_e8s: [], validator_window_seconds: [], router_penalty_e8s: [], router_window_seconds: [], compute_window_seconds: [], validator_min_stake_e8s: [], router_min_stake_e8s: [], validator_min_term_days: [], validator_renewal_min_days: [], validator_max_renewals: [], router_min_term_days: [], router_renewal_min_days: [], compute_multipliers: [], impeachment_window_seconds: [], key_rotation_window_seconds: [] }],
        pay_grant: () => [{ to: acct, amount: 1n, reason: 'x' }],
        airdrop_batch: () => [{ payments: [{ to: acct, amount: 1n }], reason: 'x' }],
        pause: () => ['x'],
        resume: () => [],
        market_offer: () => [{ node_id: 'router1', service: 'x', unit: { task: null }, price: 1n, min_units: 1n, max_units: 1n }],
        market_close_offer: () => [0n],
        market_open: () => [{ offer: 0n, units: 1n, max_price: 1n, expires_at: 0n, created_at_time: 0n, from_subaccount: [] }],
        market_close: () => [0n],
        market_dispute: () => [{ order: 0n, from_cum: 0n, from_subaccount: [] }],
        market_claim: () => [[]],
        market_set_params: () => [{ dispute_window_ns: [3_600_000_000_000n], dispute_timeout_ns: [], dispute_penalty_bp: [], job_batch: [] }],
        market_set_reference_prices: () => [[{ service: 'x', price: 1n }]],
        start_trading_rewards: () => [[]],
        market_pause: () => ['x'],
        market_resume: () => [],
        // the genesis distribution (issue 19, docs/distribution.md)
        add_vesting_schedule: () => [{ beneficiary: acct, total: 100n * EMC, start: T0, reason: 'x' }],
        claim_vesting: () => [0n],
        offer_vesting: () => [{ id: 0n, to: [acct] }],
        accept_vesting: () => [0n],
        start_lockup_game: () => [{ budget: 1_000n * EMC, output_per_period: 100n * EMC, start: T0 + 86_400n * 1_000_000_000n * 1_000n, period_epochs: 1, periods: 12, reason: 'x' }],
        lock_tokens: () => [{ amount: 10n * EMC, pool: { B: null }, node_id: [], from_subaccount: [] }],
        claim_lock: () => [0n],
        create_mapping: () => [{ name: 'm', rate_numerator: 1n, rate_denominator: 1n, dust_threshold: 0n, window_start: T0 * 2n, window_end: T0 * 2n + 1n, reason: 'x' }],
        load_mapping_entries: () => [{ id: 0n, entries: [{ account: acct, source: 1n }] }],
        seal_mapping: () => [{ id: 0n, count: 1n, sha256: new Uint8Array(32) }],
        claim_mapping: () => [{ id: 0n, subaccount: [] }],
        sweep_mapping: () => [0n],
        register_project: () => [{ name: 'p', principals: [Principal.fromText('aaaaa-aa')], reason: 'x' }],
        set_project_status: () => [{ id: 0n, status: { quality: null }, reason: 'x', proposal_id: [] }],
        restrict_grants_to_quality: () => [true],
        // compute sockets (issue 18, docs/sockets.md): socket 0, a stranger's approvals
        icrc7_transfer: () => [[{ to: acct, token_id: 0n, memo: [], from_subaccount: [], created_at_time: [] }]],
        icrc37_approve_tokens: () => [[{ token_id: 0n, approval_info: { spender: acct, from_subaccount: [], expires_at: [], memo: [], created_at_time: T0 } }]],
        icrc37_approve_collection: () => [[{ approval_info: { spender: acct, from_subaccount: [], expires_at: [], memo: [], created_at_time: T0 } }]],
        icrc37_revoke_token_approvals: () => [[{ token_id: 0n, spender: [], from_subaccount: [], memo: [], created_at_time: [] }]],
        icrc37_revoke_collection_approvals: () => [[{ spender: [], from_subaccount: [], memo: [], created_at_time: [] }]],
        icrc37_transfer_from: () => [[{ from: acct, to: acct, token_id: 0n, spender_subaccount: [], memo: [], created_at_time: [] }]],
    };
    const updates = Object.entries(PROTOCOL_METHODS)
        .filter(([, m]) => !m.query)
        .map(([name]) => name);

    it('has an argument for every update method of the protocol canister', () => {
        expect(updates.sort()).toEqual(Object.keys(ARGS).sort());
    });

    async function snapshot(): Promise<string> {
        const p = net.protocol();
        return show([
            await p.get_node('router1'),
            await p.protocol_info(),
            await p.protocol_params(),
            await p.penalties_summary(),
            await p.governance_log({ start: 0n, count: 100 }),
            await p.list_votes({ start: 0n, count: 100 }),
            await p.certified_tip(),
            await p.rewards_summary().then((r: any) => ({ ...r, emitted: 0n, distributed: 0n, unallocated: 0n })),
            await net.ledger().icrc1_balance_of(treasury),
            await net.ledger().icrc1_total_supply(),
            await p.market_summary(),
            await p.icrc7_total_supply(),
            await p.icrc3_get_blocks([{ start: 0n, length: 100n }]),
        ]);
    }

    it.each([
        ['the anonymous principal', () => new AnonymousIdentity() as Identity],
        ['an unrelated principal', () => stranger],
    ])('as %s: every call is refused (with a typed error, or before execution for the anonymous principal) and nothing changes', async (who_, who) => {
        const before = await snapshot();
        for (const method of updates) {
            const r = (await (net.protocol(who()) as any)[method](...ARGS[method]()).catch((e: Error) => e)) as any;
            // canister_inspect_message refuses the anonymous caller of every update method
            // ICRC-7/37 batch methods answer per item: every item refused (`opt` of an error, or of `Err`)
            const batchRefused = (xs: unknown[]) => xs.length > 0 && xs.every((x) => Array.isArray(x) && x.length === 1 && !('Ok' in (x[0] as object)));
            const refused = r instanceof Error ? who_ === 'the anonymous principal' && r.message.includes(`${method} refuses the anonymous principal`) : Array.isArray(r) ? batchRefused(r) : 'Err' in r;
            expect([method, refused]).toEqual([method, true]);
        }
        expect(await snapshot()).toBe(before);
    });
});
