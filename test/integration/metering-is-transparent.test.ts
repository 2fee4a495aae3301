/**
 * Instruction metering must never touch canister state: the same messages, run once with the
 * metered module and once with only the host exports added, leave byte-identical heaps and stable
 * memory and give identical replies.
 */
import { Actor } from '@dfinity/agent';
import { IDL } from '@dfinity/candid';
import { Ed25519KeyIdentity } from '@dfinity/identity';
import type { Principal } from '@dfinity/principal';
import { EmbeddedReplica } from '../../tools/replica';
import { fixtureIdl, fixtureInit, type FixtureService } from '../fixture/idl';
import { builtWasm } from '../helpers/wasm';

const SECOND = 1_000_000_000n;
const seed = new Uint8Array(32).fill(42);
const user = Ed25519KeyIdentity.generate(new Uint8Array(32).fill(3));

async function scenario(metering: boolean) {
    const replica = await EmbeddedReplica.create({ time: 1_750_000_000n * SECOND, seed, metering });
    const wasm = builtWasm('fixture');
    const arg = (g: string) => new Uint8Array(IDL.encode(fixtureInit({ IDL }), [{ greeting: g }]));
    const a = await replica.installCanister({ wasm, arg: arg('a') });
    const b = await replica.installCanister({ wasm, arg: arg('b') });
    const actor = (id: Principal) => Actor.createActor<FixtureService>(fixtureIdl, { agent: replica.createAgent(user) as never, canisterId: id });
    const replies: unknown[] = [];
    // A reject is compared by its code and text (the error message also embeds the certificate, which differs by nonce).
    const rejectOf = (e: Error) => /Reject code: (\d+)\n\s*Reject text: ([\s\S]*?)\n\s*Error code: (\w+)/.exec(e.message)?.slice(1) ?? e.message;
    const settle = async (p: Promise<unknown>) => replies.push(await p.then((v) => ['ok', v], (e: Error) => ['err', rejectOf(e)]));
    await settle(actor(a).put('x', '1'));
    await settle(actor(a).bump());
    await settle(actor(a).putThenTrap('y', '2'));
    await settle(actor(a).allocateThenTrap(8));
    await settle(actor(b).put('z', '3'));
    await settle(actor(a).getFrom(b, 'z'));
    await settle(actor(a).putAwaitTrap(b, 'w'));
    await settle(actor(a).schedule(5, 'timer'));
    await replica.advanceTime(10n * SECOND);
    await settle(actor(a).spin(5000));
    await replica.upgradeCanister(a, { wasm, arg: arg('a2') });
    await settle(actor(a).put('after', 'upgrade'));
    await settle(actor(a).get('timer'));
    return { replies, a: replica.canisterMemory(a), b: replica.canisterMemory(b), instructions: replica.instructions(a) };
}

describe('instruction metering is transparent to the canister', () => {
    it('leaves heap, stable memory and replies byte-identical to an unmetered run', async () => {
        const metered = await scenario(true);
        const plain = await scenario(false);
        expect(metered.instructions).toBeGreaterThan(0n);
        // Unmetered, only the host-side system API charges remain.
        expect(plain.instructions * 100n).toBeLessThan(metered.instructions);
        expect(metered.replies).toEqual(plain.replies);
        for (const c of ['a', 'b'] as const) {
            expect(metered[c].heap.length).toBe(plain[c].heap.length);
            expect(Buffer.compare(Buffer.from(metered[c].heap), Buffer.from(plain[c].heap))).toBe(0);
            expect(metered[c].stable.sizePages).toBe(plain[c].stable.sizePages);
            const m = new Map(metered[c].stable.pages.map(([i, p]) => [i, Buffer.from(p).toString('base64')]));
            const p = new Map(plain[c].stable.pages.map(([i, pg]) => [i, Buffer.from(pg).toString('base64')]));
            expect(m.size).toBeGreaterThan(0);
            expect(m).toEqual(p);
        }
    }, 120_000);
});
