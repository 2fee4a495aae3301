/**
 * The SDK's DistributionClient against both built canisters in the embedded replica: vesting claims
 * and their refusals as one-line errors, a lock with its ledger approval made by the client, a
 * mapping loaded in chunks and sealed with the client's digest, and the projects' lists.
 */
import { DistributionClient, mappingDigest } from '../../src/client/distribution';
import { LedgerClient } from '../../src/client/ledger';
import { TREASURY_SUBACCOUNT } from '../../src/protocol/model/supply';
import { VESTING_SUBACCOUNT } from '../../src/protocol/treasury/vesting';
import { DAY, EMC, LEDGER_ID, PROTOCOL_ID, SECOND, T0, deployNetwork, identity, principalOf, type Network } from '../helpers/network';
import type { Identity } from '@dfinity/agent';

const team = identity(91);
const player = identity(92);
const HOUR = 3_600n * SECOND;

describe('DistributionClient', () => {
    let net: Network;
    const client = (who: Identity) => {
        const agent = net.replica.createAgent(who) as never;
        const now = () => net.replica.time();
        return new DistributionClient({ agent, canisterId: PROTOCOL_ID, now, retryDelayMs: 0 }, new LedgerClient({ agent, canisterId: LEDGER_ID, now, retryDelayMs: 0 }));
    };
    beforeAll(async () => {
        net = await deployNetwork([[player, 10_000n * EMC]], {
            genesis: T0,
            epochSeconds: 3_600n,
            vesting: [{ beneficiary: { owner: principalOf(team), subaccount: [] }, total: 10_000_000n * EMC, start: [], reason: 'team' }],
            accounts: [
                [{ owner: PROTOCOL_ID, subaccount: [VESTING_SUBACCOUNT] }, 10_000_000n * EMC],
                [{ owner: PROTOCOL_ID, subaccount: [TREASURY_SUBACCOUNT] }, 1_000_000n * EMC],
            ],
        });
    });

    it('vesting: tranches, a claim, refusals as one-line errors', async () => {
        const c = client(team);
        expect(await c.vestingTranches(0n, 0n, 2)).toMatchObject({ ok: true, value: [{ index: 0n, amount: 1_000n * EMC }, { index: 1n }] });
        await net.replica.advanceTime(T0 + 100n * DAY - net.replica.time());
        expect(await client(player).claimVesting(0n)).toMatchObject({ ok: false, error: { kind: 'NotAuthorized', message: 'NotAuthorized: only the beneficiary of schedule 0 may do this' } });
        expect(await c.claimVesting(0n)).toMatchObject({ ok: true, value: { amount: 570_000n * EMC } });
        expect(await c.getVesting(7n)).toEqual({ ok: true, value: undefined });
        expect(await c.claimVesting(-1n)).toMatchObject({ ok: false, error: { kind: 'BadInput' } });
    });

    it('lock-up: governance starts a game; a lock approves the protocol first', async () => {
        const gov = client(net.governance);
        const game = { budget: 100_000n * EMC, outputPerPeriod: 1_000n * EMC, start: net.replica.time() + HOUR, periodEpochs: 1, periods: 1, reason: 'sdk game' };
        expect(await gov.validateStartLockupGame({ ...game, periods: 0 })).toMatchObject({ ok: false, error: { kind: 'Invalid' } });
        expect(await gov.startLockupGame(game)).toMatchObject({ ok: true, value: { status: { open: null } } });
        expect(await client(player).lock({ amount: 100n * EMC, pool: 'B' })).toMatchObject({ ok: true, value: { amount: 100n * EMC, status: { active: null } } });
        expect(await client(player).listLocks(principalOf(player))).toMatchObject({ ok: true, value: [{ id: 0n }] });
    });

    it('mapping: load in chunks, seal with the client-side digest, claim; projects: register and list', async () => {
        const gov = client(net.governance);
        const now = net.replica.time();
        const m = await gov.createMapping({ name: 'sdk', rateNumerator: 1n, rateDenominator: 1n, dustThreshold: 0n, windowStart: now, windowEnd: now + DAY, reason: 'sdk mapping' });
        expect(m).toMatchObject({ ok: true, value: { id: 0n } });
        const entries = [{ account: { owner: principalOf(player) }, source: 50n * EMC }, { account: { owner: principalOf(team) }, source: 5n * EMC }];
        expect(await gov.loadMapping(0n, entries)).toMatchObject({ ok: true, value: { entries: 2n } });
        expect(await gov.sealMapping(0n, 2n, mappingDigest(entries))).toMatchObject({ ok: true, value: { status: { open: null } } });
        expect(await client(player).claimMapping(0n)).toMatchObject({ ok: true, value: { amount: 50n * EMC } });
        expect(await gov.registerProject('dex', [principalOf(player)], 'a DEX')).toMatchObject({ ok: true, value: { id: 0n } });
        expect(await gov.setProjectStatus(0n, 'quality', 'audited', 3n)).toMatchObject({ ok: true });
        expect(await client(player).listProjects('quality')).toMatchObject({ ok: true, value: [{ name: 'dex' }] });
        expect(await client(player).setProjectStatus(0n, 'risk', 'x')).toMatchObject({ ok: false, error: { kind: 'NotAuthorized' } });
    });
});
