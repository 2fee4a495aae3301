/** Instruction counts of the fixture canister's methods (the replica's own reference points). */
import { Actor } from '@dfinity/agent';
import { IDL } from '@dfinity/candid';
import { Ed25519KeyIdentity } from '@dfinity/identity';
import { EmbeddedReplica } from '../../tools/replica';
import { fixtureIdl, fixtureInit, type FixtureService } from '../fixture/idl';
import { builtWasm } from '../helpers/wasm';
import { measure, upgradeRows, type BenchSuite } from './harness';

export const fixtureSuite: BenchSuite = {
    name: 'fixture',
    async run(report) {
        const replica = await EmbeddedReplica.create();
        const wasm = builtWasm('fixture');
        const arg = new Uint8Array(IDL.encode(fixtureInit({ IDL }), [{ greeting: 'bench' }]));
        const a = await replica.installCanister({ wasm, arg });
        report('fixture.init', { instructions: Number(replica.executionLog().find((e) => e.canister === a.toText() && e.kind === 'init')?.instructions ?? 0n), note: 'canister_init incl. evaluating the JS bundle' });
        const b = await replica.installCanister({ wasm, arg });
        const actor = Actor.createActor<FixtureService>(fixtureIdl, { agent: replica.createAgent(Ed25519KeyIdentity.generate(new Uint8Array(32).fill(9))) as never, canisterId: a });
        const bActor = Actor.createActor<FixtureService>(fixtureIdl, { agent: replica.createAgent() as never, canisterId: b });
        await bActor.put('k', 'v');

        const cases: [string, () => Promise<unknown>, string][] = [
            ['put', () => actor.put('key', 'value'), 'insert into a StableBTreeMap'],
            ['get', () => actor.get('key'), 'read from a StableBTreeMap'],
            ['bump', () => actor.bump(), 'increment a heap field (trivial update)'],
            ['field', () => actor.field(), 'trivial query'],
            ['whoami', () => actor.whoami(), 'return the caller'],
            ['spin', () => actor.spin(1000), '1,000 loop iterations of JS arithmetic'],
            ['getFrom', () => actor.getFrom(b, 'k'), 'one inter-canister call, caller side (request + callback)'],
        ];
        for (const [method, action, note] of cases) {
            const m = await measure(replica, a, action);
            report(`fixture.${method}`, { ...m, note });
        }
        await upgradeRows(report, 'fixture', replica, a, () => replica.upgradeCanister(a, { wasm, arg }), 'the test fixture');
    },
};
