/**
 * Stable memory written by the previous build (test/storage/upgrade-fixture/: commit 4f01ebd,
 * main before the house move, made by test/storage/make-upgrade-fixture.ts) loads into today's
 * built Wasm through post_upgrade, and every query of both canisters answers what that build
 * answered (decoded at its types; fields naming the instance masked, see upgrade-fixture.ts).
 * Then the network keeps working: the pending batch is confirmed, a transfer and a claim go through,
 * and hours of IC time run the maintenance timer over the old state.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Actor, type ActorSubclass, type Identity } from '@dfinity/agent';
import { Principal } from '@dfinity/principal';
import { ledgerServiceIdl } from '../../src/ledger/api/interface';
import { protocolServiceIdl } from '../../src/protocol/api/interface';
import { EmbeddedReplica } from '../../tools/replica';
import { identity, ledgerUpgradeArg } from '../helpers/ledger';
import { protocolUpgradeArg } from '../helpers/network';
import { builtWasm } from '../helpers/wasm';
import { answer, CANISTERS, FIXTURE_DIR, loadInterface, readAnswers, readManifest, stableOf, unhex, type CanisterName, type Interface } from './upgrade-fixture';

const manifest = readManifest();
const recorded = readAnswers(manifest);
const old: Record<CanisterName, Interface> = {
    ledger: loadInterface(readFileSync(join(FIXTURE_DIR, manifest.canisters.ledger.did), 'utf8')),
    protocol: loadInterface(readFileSync(join(FIXTURE_DIR, manifest.canisters.protocol.did), 'utf8')),
};
const today: Record<CanisterName, Interface> = {
    ledger: loadInterface(readFileSync(resolve(__dirname, '../../candid/emc_ledger.did'), 'utf8')),
    protocol: loadInterface(readFileSync(resolve(__dirname, '../../candid/emc_protocol.did'), 'utf8')),
};
const ids: Record<CanisterName, Principal> = { ledger: Principal.fromText(manifest.canisters.ledger.id), protocol: Principal.fromText(manifest.canisters.protocol.id) };
const show = (x: unknown) => JSON.stringify(x, (_k, v) => (typeof v === 'bigint' ? `${v}n` : v));

describe(`stable memory of the previous build (${manifest.commit.slice(0, 7)}) in today's build`, () => {
    let replica: EmbeddedReplica;
    const P = (who?: Identity): ActorSubclass<any> => Actor.createActor(protocolServiceIdl as never, { agent: replica.createAgent(who) as never, canisterId: ids.protocol });
    const L = (who?: Identity): ActorSubclass<any> => Actor.createActor(ledgerServiceIdl as never, { agent: replica.createAgent(who) as never, canisterId: ids.ledger });

    beforeAll(async () => {
        replica = await EmbeddedReplica.create({ time: BigInt(manifest.time) });
        await replica.loadCanister({ wasm: builtWasm('protocol'), stable: stableOf(manifest, 'protocol'), arg: protocolUpgradeArg(), canisterId: ids.protocol });
        await replica.loadCanister({ wasm: builtWasm('ledger'), stable: stableOf(manifest, 'ledger'), arg: ledgerUpgradeArg(undefined), canisterId: ids.ledger });
    }, 120_000);

    it('the fixture asks every query of the previous build, and today’s build still has each of them as a query', () => {
        for (const name of CANISTERS) {
            const asked = new Set(recorded.filter((q) => q.canister === name).map((q) => q.method));
            const queries = [...old[name].methods].filter(([, m]) => m.query).map(([n]) => n);
            expect({ name, notAsked: queries.filter((m) => !asked.has(m)) }).toEqual({ name, notAsked: [] });
            expect({ name, goneOrNoLongerQuery: queries.filter((m) => today[name].methods.get(m)?.query !== true) }).toEqual({ name, goneOrNoLongerQuery: [] });
        }
        expect(recorded.length).toBe(manifest.answers.count);
        expect(recorded.length).toBeGreaterThan(100);
    });

    it('answers every recorded query as the previous build did', () => {
        const differences: string[] = [];
        for (const q of recorded) {
            const r = replica.query({ canisterId: ids[q.canister], method: q.method, arg: unhex(q.arg), sender: Principal.anonymous() });
            const before = show(answer(old[q.canister], q, q));
            const now = show(answer(old[q.canister], q, r));
            if (before !== now) differences.push(`${q.canister}.${q.method}(${q.arg})\n  previous build: ${before}\n  today:          ${now}`);
        }
        expect(differences).toEqual([]);
    });

    it('keeps working on the old state: the pending batch confirms, a transfer and a claim go through, the timer runs', async () => {
        type Summary = { charged: bigint; moved: bigint; forgiven: bigint; pending_deductions: bigint; records: bigint };
        const summary = async () => (await P().penalties_summary()) as Summary;
        const s0 = await summary();
        const vals = Array.from({ length: 13 }, (_, i) => identity(10 + i));
        const tip = (await P().certified_tip()) as { height: [] | [bigint] };
        const pending = ((tip.height[0] ?? 0n) as bigint) + 1n;
        const batch = (await P().get_batch(pending)) as { proposals: { digest: Uint8Array; voters: BigUint64Array }[] };
        expect(batch.proposals.length).toBe(1);
        const digest = batch.proposals[0].digest;
        let confirmed = false;
        for (let i = 2; i < 13 && !confirmed; i++) {
            const r = (await P(vals[i]).vote_batch({ height: pending, digest })) as { Ok?: { confirmed: boolean } };
            expect(r).toHaveProperty('Ok');
            confirmed = r.Ok?.confirmed === true;
        }
        expect(confirmed).toBe(true);
        expect(((await P().certified_tip()) as { height: bigint[] }).height).toEqual([pending]);

        const alice = identity(50);
        const bob = { owner: Principal.fromUint8Array(identity(51).getPrincipal().toUint8Array()), subaccount: [] };
        const before = (await L().icrc1_balance_of(bob)) as bigint;
        expect(await L(alice).icrc1_transfer({ from_subaccount: [], to: bob, amount: 100_000_000n, fee: [], memo: [], created_at_time: [] })).toHaveProperty('Ok');
        expect(await L().icrc1_balance_of(bob)).toBe(before + 100_000_000n);

        // An hour later: v9–v12 took no part in the batch just confirmed, so each is charged the
        // window it falls in (115.7 EMC), and the timer has moved the charges to the treasury.
        await replica.advanceTime(3_600_000_000_000n);
        const s1 = await summary();
        expect({ charged: s1.charged - s0.charged, records: s1.records - s0.records, moved: s1.moved - s0.moved, pending: s1.pending_deductions }).toEqual({ charged: 4n * 11_570_000_000n, records: 4n, moved: 4n * 11_570_000_000n, pending: 0n });
        const claim = (await P(vals[1]).claim_rewards('v1')) as { Ok?: { amount: bigint } };
        expect(claim.Ok?.amount).toBeGreaterThan(0n);

        // Six more hours of maintenance (liveness sweeps, epochs closing) without batches: every
        // window is exempt, nothing more is charged, the epochs advance.
        for (let h = 0; h < 6; h++) await replica.advanceTime(3_600_000_000_000n);
        expect(await summary()).toEqual(s1);
        expect(((await P().rewards_summary()) as { epoch: bigint }).epoch).toBeGreaterThan(9n);
    }, 300_000);
});
