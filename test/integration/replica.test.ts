/**
 * The embedded replica against the real Azle Wasm of the fixture canister, through unmodified
 * agent-js Actors (@dfinity/agent 3.x and @icp-sdk/core), with certificate verification on.
 */
import { Actor, Certificate } from '@dfinity/agent';
import { IDL } from '@dfinity/candid';
import { Ed25519KeyIdentity } from '@dfinity/identity';
import { Principal } from '@dfinity/principal';
import * as icp from '@icp-sdk/core/agent';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_CONTROLLER, DEFAULT_CONTROLLER_IDENTITY, EmbeddedReplica, executionFee, IC_INSTRUCTION_LIMITS, ingressInductionFee, readStableSnapshot, writeStableSnapshot, type ExecutionRecord } from '../../tools/replica';
import { fixtureIdl, fixtureInit, type FixtureService } from '../fixture/idl';
import { builtWasm } from '../helpers/wasm';

const SECOND = 1_000_000_000n;
const alice = Ed25519KeyIdentity.generate(new Uint8Array(32).fill(1));
const bob = Ed25519KeyIdentity.generate(new Uint8Array(32).fill(2));

function initArg(greeting: string): Uint8Array {
    return new Uint8Array(IDL.encode(fixtureInit({ IDL }), [{ greeting }]));
}

async function setup(opts: ConstructorParameters<typeof Object>[0] = {}) {
    const replica = await EmbeddedReplica.create({ time: 1_700_000_000n * SECOND, ...(opts as object) });
    const wasm = builtWasm('fixture');
    const a = await replica.installCanister({ wasm, arg: initArg('hello') });
    const b = await replica.installCanister({ wasm, arg: initArg('hello from b') });
    const actor = (id: Principal, identity = alice) => Actor.createActor<FixtureService>(fixtureIdl, { agent: replica.createAgent(identity) as never, canisterId: id });
    return { replica, wasm, a, b, actor };
}

describe('embedded replica: fixture canister through @dfinity/agent', () => {
    let env: Awaited<ReturnType<typeof setup>>;
    beforeAll(async () => {
        env = await setup();
    });

    it('installs with the init argument and assigns dfx-style canister ids', async () => {
        expect(env.a.toText()).toBe('bkyz2-fmaaa-aaaaa-qaaaq-cai');
        expect(await env.actor(env.a).get('greeting')).toEqual(['hello']);
        expect(await env.actor(env.b).get('greeting')).toEqual(['hello from b']);
        expect(env.replica.controllers(env.a).map((p) => p.toText())).toEqual([DEFAULT_CONTROLLER.toText()]);
    });

    it("answers raw_rand, so Azle's install-time seeding timer gives each canister its own randomness", async () => {
        const ra = await env.actor(env.a).random();
        const rb = await env.actor(env.b).random();
        expect(ra.length).toBe(8);
        expect(Buffer.from(ra).equals(Buffer.from(rb))).toBe(false);
        expect(env.replica.executionLog().some((e) => e.canister === env.a.toText() && e.kind === 'reply_callback')).toBe(true);
    });

    it('the canister sees the identity principal as caller, in queries and updates', async () => {
        const who = await env.actor(env.a).whoami();
        expect(who.toText()).toBe(alice.getPrincipal().toText());
        expect((await env.actor(env.a, bob).whoamiUpdate()).toText()).toBe(bob.getPrincipal().toText());
        const anon = Actor.createActor<FixtureService>(fixtureIdl, { agent: env.replica.createAgent() as never, canisterId: env.a });
        expect((await anon.whoami()).toText()).toBe('2vxsx-fae');
    });

    it('an update commits; a query never commits', async () => {
        expect(await env.actor(env.a).put('k1', 'v1')).toEqual([]);
        expect(await env.actor(env.a).put('k1', 'v2')).toEqual(['v1']);
        expect(await env.actor(env.a).get('k1')).toEqual(['v2']);
        expect(await env.actor(env.a).bump()).toBe(1n);
        expect(await env.actor(env.a).field()).toBe(1n);
    });

    it('a write followed by a trap leaves no trace, and the caller gets the IC reject', async () => {
        const before = await env.actor(env.a).field();
        const err = await env.actor(env.a).putThenTrap('ghost', 'boo').then(
            () => undefined,
            (e: unknown) => e,
        );
        expect(err).toBeDefined();
        const message = String((err as Error).message);
        expect(message).toContain('Reject code: 5');
        expect(message).toContain('trap after writing ghost');
        expect(message).toContain('IC0503');
        expect(await env.actor(env.a).get('ghost')).toEqual([]);
        expect(await env.actor(env.a).field()).toBe(before);
        // The canister is fully usable afterwards.
        expect(await env.actor(env.a).bump()).toBe(before + 1n);
    });

    it('a trap after growing the Wasm heap restores the heap as it was', async () => {
        const before = await env.actor(env.a).field();
        const err = await env.actor(env.a).allocateThenTrap(48).catch((e: Error) => e);
        expect(String((err as Error).message)).toContain('allocated 50331648 bytes');
        expect(await env.actor(env.a).get('big')).toEqual([]);
        expect(await env.actor(env.a).field()).toBe(before);
        expect(await env.actor(env.a).bump()).toBe(before + 1n);
    });

    it('a query that writes keeps nothing, called as a query or as an update', async () => {
        const asUpdate = Actor.createActor<FixtureService>(({ IDL: I }: { IDL: any }) => I.Service({ writeInQuery: I.Func([I.Text], [I.Nat64], []) }), {
            agent: env.replica.createAgent(alice) as never,
            canisterId: env.a,
        });
        const field = await env.actor(env.a).field();
        const n1 = await env.actor(env.a).writeInQuery('q1');
        const n2 = await asUpdate.writeInQuery('q2');
        expect(n2).toBe(n1);
        expect(await env.actor(env.a).get('q1')).toEqual([]);
        expect(await env.actor(env.a).get('q2')).toEqual([]);
        expect(await env.actor(env.a).field()).toBe(field);
    });

    it('a query call to an update method is rejected', async () => {
        const asQuery = Actor.createActor(({ IDL: I }: { IDL: any }) => I.Service({ bump: I.Func([], [I.Nat], ['query']) }), { agent: env.replica.createAgent(alice) as never, canisterId: env.a });
        await expect((asQuery as unknown as { bump(): Promise<bigint> }).bump()).rejects.toThrow(`has no query method 'bump'`);
    });

    it('concurrent calls interleave at their awaits in a deterministic order, each message on its own', async () => {
        await env.actor(env.b).put('order', 'b1');
        const start = env.replica.executionLog().length;
        const [got, prev] = await Promise.all([env.actor(env.a).getFrom(env.b, 'order'), env.actor(env.b).put('order', 'b2')]);
        // a's request to b is queued behind the ingress message to b, so it reads the new value.
        expect(got).toEqual(['b2']);
        expect(prev).toEqual(['b1']);
        const trace = env.replica
            .executionLog()
            .slice(start)
            .filter((e) => e.kind !== 'inspect_message') // the ingress filter, before each ingress message is queued
            .map((e) => `${e.canister === env.a.toText() ? 'a' : 'b'}:${e.kind}:${e.method}`);
        expect(trace).toEqual(['a:update:getFrom', 'b:update:put', 'b:replicated_query:get', 'a:reply_callback:']);
    });

    it('runs the cleanup callback when a callback traps, so Azle leaks no pending promise', async () => {
        await env.actor(env.a).putAwaitTrap(env.b, 'cleanup-check').catch(() => undefined);
        const internal = Actor.createActor<{ _azle_resolve_callbacks_len(): Promise<number>; _azle_reject_callbacks_len(): Promise<number> }>(
            ({ IDL: I }: { IDL: any }) => I.Service({ _azle_resolve_callbacks_len: I.Func([], [I.Nat32], ['query']), _azle_reject_callbacks_len: I.Func([], [I.Nat32], ['query']) }),
            { agent: env.replica.createAgent(DEFAULT_CONTROLLER_IDENTITY) as never, canisterId: env.a },
        );
        expect(await internal._azle_resolve_callbacks_len()).toBe(0);
        expect(await internal._azle_reject_callbacks_len()).toBe(0);
        expect(env.replica.executionLog().some((e) => e.canister === env.a.toText() && e.kind === 'cleanup' && e.ok)).toBe(true);
    });

    it('a timer fires when advanceTime reaches its deadline, not before', async () => {
        const t0 = env.replica.time();
        await env.actor(env.a).schedule(60, 'tick');
        await env.replica.advanceTime(59n * SECOND);
        expect(await env.actor(env.a).get('tick')).toEqual([]);
        await env.replica.advanceTime(2n * SECOND);
        expect(await env.actor(env.a).get('tick')).toEqual([`fired at ${t0 + 60n * SECOND}`]);
        expect(env.replica.time()).toBe(t0 + 61n * SECOND);
        expect(await env.actor(env.a).now()).toBe(t0 + 61n * SECOND);
    });

    it('an inter-canister call round-trips', async () => {
        await env.actor(env.b).put('shared', 'from b');
        expect(await env.actor(env.a).getFrom(env.b, 'shared')).toEqual(['from b']);
        expect(await env.actor(env.a).getFrom(env.b, 'absent')).toEqual([]);
    });

    it('a trap in the callback keeps what was written before the await', async () => {
        const err = await env.actor(env.a).putAwaitTrap(env.b, 'pre').catch((e: Error) => e);
        expect(String((err as Error).message)).toContain('trap in callback');
        expect(await env.actor(env.a).get('pre')).toEqual(['written before await']);
        expect(await env.actor(env.a).get('pre-after')).toEqual([]);
    });

    it('calls to a missing canister or method are rejected as on the IC', async () => {
        const missing = Principal.fromText('rrkah-fqaaa-aaaaa-aaaaq-cai');
        expect(await env.actor(env.a).callAndReport(missing, 'anything')).toBe(`reject 3: Canister ${missing.toText()} not found`);
        expect(await env.actor(env.a).callAndReport(env.b, 'noSuchMethod')).toBe(`reject 3: Canister ${env.b.toText()} has no update method 'noSuchMethod'`);
        const direct = await Actor.createActor(({ IDL: I }: { IDL: any }) => I.Service({ nope: I.Func([], [], []) }), { agent: env.replica.createAgent(alice) as never, canisterId: env.a })
            .nope()
            .catch((e: Error) => e);
        expect(String((direct as Error).message)).toContain(`has no update method 'nope'`);
    });

    it('injects faults into inter-canister calls: not delivered, or executed with the response lost', async () => {
        const before = await env.actor(env.b).field();
        env.replica.injectFault({ canister: env.b, method: 'bump', when: 'before' });
        expect(await env.actor(env.a).callAndReport(env.b, 'bump')).toBe(`reject 2: injected fault: the call to ${env.b.toText()}.bump was not delivered`);
        expect(await env.actor(env.b).field()).toBe(before);
        env.replica.injectFault({ canister: env.b, method: 'bump', when: 'after' });
        expect(await env.actor(env.a).callAndReport(env.b, 'bump')).toBe(`reject 6: injected fault: the response of ${env.b.toText()}.bump was lost`);
        expect(await env.actor(env.b).field()).toBe(before + 1n);
        expect(env.replica.pendingFaults()).toBe(0);
    });

    it('the controller check follows the canister settings', async () => {
        expect(await env.actor(env.a).callerIsController()).toBe(false);
        env.replica.setControllers(env.a, [alice.getPrincipal()]);
        expect(await env.actor(env.a).callerIsController()).toBe(true);
        expect(await env.actor(env.a, bob).callerIsController()).toBe(false);
    });

    it('identical ingress messages (same nonce) execute once', async () => {
        const nonce = new Uint8Array(16).fill(7);
        const actor = env.actor(env.b) as unknown as { bump: { withOptions(o: object): () => Promise<bigint> }; field(): Promise<bigint> };
        const first = await actor.bump.withOptions({ nonce })();
        const second = await actor.bump.withOptions({ nonce })();
        expect(second).toBe(first);
        expect(await actor.field()).toBe(first);
    });

    it('certified data is readable in a query through a verifiable data certificate', async () => {
        const data = new Uint8Array(32).map((_, i) => i);
        await env.actor(env.a).certify(data);
        expect(env.replica.certifiedData(env.a)).toEqual(data);
        const [cert] = await env.actor(env.a).certificate();
        expect(cert).toBeDefined();
        const verified = await Certificate.create({ certificate: cert as Uint8Array, rootKey: env.replica.rootKey, canisterId: env.a, agent: env.replica.createAgent() as never } as never);
        const leaf = verified.lookup_path(['canister', env.a.toUint8Array(), 'certified_data']);
        expect(new Uint8Array((leaf as { value: Uint8Array }).value)).toEqual(data);
    });

    it('counts instructions per message, and the canister reads its own counter', async () => {
        await env.actor(env.a).put('counted', 'x');
        const update = env.replica.instructions(env.a);
        expect(update).toBeGreaterThan(100_000n);
        expect(update).toBeLessThan(IC_INSTRUCTION_LIMITS.update);
        await env.actor(env.a).spin(10);
        const small = env.replica.instructions(env.a);
        await env.actor(env.a).spin(10_000);
        const large = env.replica.instructions(env.a);
        expect(large).toBeGreaterThan(small + 1_000_000n);
        expect(await env.actor(env.a).instructionsSoFar()).toBeGreaterThan(0n);
    });

    it('holds a plausible cycles balance that execution draws down', async () => {
        const before = env.replica.cycleBalance(env.a);
        expect(await env.actor(env.a).cycles()).toBe(before);
        await env.actor(env.a).put('cost', 'x');
        expect(env.replica.cycleBalance(env.a)).toBeLessThan(before);
        expect(env.replica.cycleBalance(env.a)).toBeGreaterThan(99_000_000_000_000n);
    });

    it('charges cycles as the IC does: a message that traps pays its instructions and the base fee; inspect_message and the messages it refuses cost nothing', async () => {
        const { replica, a } = env;
        const lastOf = (method: string, kind: ExecutionRecord['kind']): ExecutionRecord => replica.executionLog().filter((e) => e.method === method && e.kind === kind).at(-1) as ExecutionRecord;

        // An update that writes, then traps: rolled back, but charged (issue 12, defect 9).
        let before = replica.cycleBalance(a);
        await expect(env.actor(a).putThenTrap('charged', 'v')).rejects.toThrow(/trap after writing charged/);
        const trapped = lastOf('putThenTrap', 'update');
        expect(trapped.ok).toBe(false);
        expect(trapped.instructions).toBeGreaterThan(0n);
        const arg = new Uint8Array(IDL.encode([IDL.Text, IDL.Text], ['charged', 'v']));
        expect(before - replica.cycleBalance(a)).toBe(executionFee(trapped.instructions) + ingressInductionFee('putThenTrap', arg));
        expect(await env.actor(a).get('charged')).toEqual([]);

        // Refused by canister_inspect_message: never executed, nothing charged, though inspect ran.
        before = replica.cycleBalance(a);
        const refused = await env.actor(a).refusedByInspect().catch((e: Error) => e);
        expect(String((refused as Error).message)).toContain('rejected the message');
        expect(replica.cycleBalance(a)).toBe(before);
        expect(lastOf('refusedByInspect', 'inspect_message').instructions).toBeGreaterThan(0n);
        expect(lastOf('refusedByInspect', 'update')).toBeUndefined();
        expect(await env.actor(a).get('refused')).toEqual([]);

        // A method the canister does not export: inspect runs first (as on the IC), then the
        // inducted message fails when executed and pays the induction and the base fee.
        before = replica.cycleBalance(a);
        const none = new Uint8Array(IDL.encode([], []));
        const s = await replica.submitUpdate({ canisterId: a, method: 'noSuchMethod', arg: none, sender: alice.getPrincipal(), requestId: 'charge-unknown-method' });
        expect(s).toMatchObject({ status: 'rejected', reject: { errorCode: 'IC0536' } });
        expect(lastOf('noSuchMethod', 'inspect_message')).toBeDefined();
        expect(before - replica.cycleBalance(a)).toBe(ingressInductionFee('noSuchMethod', none) + executionFee(0n));

        // A query called as an update runs replicated and is charged like an update.
        before = replica.cycleBalance(a);
        const q = new Uint8Array(IDL.encode([IDL.Text], ['greeting']));
        expect((await replica.submitUpdate({ canisterId: a, method: 'get', arg: q, sender: alice.getPrincipal(), requestId: 'charge-replicated-query' })).status).toBe('replied');
        expect(before - replica.cycleBalance(a)).toBe(ingressInductionFee('get', q) + executionFee(lastOf('get', 'replicated_query').instructions));
    });

    it('hashes stable memory: unchanged by queries, traps and refused messages, changed by a write, equal again after the same write is undone', async () => {
        const { replica, a } = env;
        const hash = () => Buffer.from(replica.stableMemoryHash(a)).toString('hex');
        const before = hash();
        await env.actor(a).get('greeting');
        await expect(env.actor(a).putThenTrap('hashed', 'v')).rejects.toThrow(/trap after writing/);
        await env.actor(a).refusedByInspect().catch(() => undefined);
        expect(hash()).toBe(before);
        await env.actor(a).put('hashed', 'v');
        const written = hash();
        expect(written).not.toBe(before);
        await env.actor(a).put('hashed', 'w');
        expect(hash()).not.toBe(written);
        await env.actor(a).put('hashed', 'v');
        expect(hash()).toBe(written);
    });

    it('an upgrade keeps stable-map data and resets class fields; a failed upgrade changes nothing', async () => {
        await env.actor(env.a).put('durable', 'yes');
        await env.actor(env.a).bump();
        expect(await env.actor(env.a).field()).toBeGreaterThan(0n);
        await env.replica.upgradeCanister(env.a, { wasm: env.wasm, arg: initArg('upgraded') });
        expect(await env.actor(env.a).get('durable')).toEqual(['yes']);
        expect(await env.actor(env.a).get('greeting')).toEqual(['upgraded']);
        expect(await env.actor(env.a).get('installs')).toEqual(['2']);
        expect(await env.actor(env.a).field()).toBe(0n);
        await env.actor(env.a).bump();
        await expect(env.replica.upgradeCanister(env.a, { wasm: env.wasm, arg: initArg('trap in post_upgrade') })).rejects.toThrow('refusing to upgrade');
        expect(await env.actor(env.a).get('greeting')).toEqual(['upgraded']);
        expect(await env.actor(env.a).get('installs')).toEqual(['2']);
        expect(await env.actor(env.a).field()).toBe(1n);
        // Reinstall wipes everything and runs init again.
        const c = await env.replica.installCanister({ wasm: env.wasm, arg: initArg('c') });
        await env.actor(c).put('wiped', 'soon');
        await env.replica.reinstallCanister(c, { wasm: env.wasm, arg: initArg('fresh') });
        expect(await env.actor(c).get('wiped')).toEqual([]);
        expect(await env.actor(c).get('greeting')).toEqual(['fresh']);
        expect(await env.actor(c).get('installs')).toEqual(['1']);
        // Still works, timers too.
        await env.actor(env.a).schedule(1, 'after-upgrade');
        await env.replica.advanceTime(SECOND);
        expect((await env.actor(env.a).get('after-upgrade'))[0]).toMatch(/^fired at /);
    });
});

describe('embedded replica: saved state', () => {
    it('saves a canister’s stable memory to a file and loads it into another replica through post_upgrade', async () => {
        const { replica, wasm, a, actor } = await setup();
        await actor(a).put('kept', 'on disk');
        await actor(a).bump();
        const file = join(mkdtempSync(join(tmpdir(), 'emc-snap-')), 'fixture.stable');
        writeStableSnapshot(file, replica.canisterMemory(a).stable);
        const other = await EmbeddedReplica.create({ time: replica.time() });
        const loaded = await other.loadCanister({ wasm, stable: readStableSnapshot(file), arg: initArg('reloaded'), canisterId: a });
        expect(loaded.toText()).toBe(a.toText());
        const again = Actor.createActor<FixtureService>(fixtureIdl, { agent: other.createAgent(alice) as never, canisterId: loaded });
        expect(await again.get('kept')).toEqual(['on disk']);
        expect(await again.get('greeting')).toEqual(['reloaded']);
        expect(await again.get('installs')).toEqual(['2']);
        expect(await again.field()).toBe(0n);
    });
});

describe('embedded replica: instruction limits', () => {
    it('uses the IC limits by default', async () => {
        const replica = await EmbeddedReplica.create();
        expect(replica.limits).toEqual({ update: 40_000_000_000n, query: 5_000_000_000n, install: 300_000_000_000n, inspectMessage: 200_000_000n });
    });

    it('a query over 5 billion instructions is rejected (IC0522)', async () => {
        const { a, actor } = await setup();
        const err = await actor(a).spin(50_000_000).catch((e: Error) => e);
        expect(String((err as Error).message)).toContain('Canister exceeded the limit of 5000000000 instructions for single message execution.');
        expect(String((err as Error).message)).toContain('IC0522');
    }, 600_000);

    it('an update over its limit is rejected and rolled back', async () => {
        const { replica, a, actor } = await setup({ instructionLimits: { update: 200_000_000n } } as never);
        const before = replica.cycleBalance(a);
        const err = await actor(a).spinAndPut(5_000_000, 'spun').catch((e: Error) => e);
        expect(String((err as Error).message)).toContain('Canister exceeded the limit of 200000000 instructions');
        expect(await actor(a).get('spun')).toEqual([]);
        expect(replica.instructions(a)).toBeLessThan(1_000_000_000n);
        // The overrun is charged: its whole limit and the base fee, as the IC charges it.
        const overrun = replica.executionLog().filter((e) => e.method === 'spinAndPut').at(-1) as ExecutionRecord;
        expect(overrun.ok).toBe(false);
        expect(overrun.instructions).toBeGreaterThanOrEqual(200_000_000n);
        const arg = new Uint8Array(IDL.encode([IDL.Nat32, IDL.Text], [5_000_000, 'spun']));
        expect(before - replica.cycleBalance(a)).toBe(executionFee(overrun.instructions) + ingressInductionFee('spinAndPut', arg));
        expect(await actor(a).spinAndPut(10, 'spun')).toBeGreaterThan(0);
        expect(await actor(a).get('spun')).toEqual(['spun']);
    });
});

describe('embedded replica: @icp-sdk/core Actor', () => {
    it('calls queries and updates, verifying certificates, and surfaces rejects as RejectError', async () => {
        const { replica, a } = await setup();
        const actor = icp.Actor.createActor<FixtureService>(fixtureIdl as never, { agent: replica.createAgent(alice) as never, canisterId: a as never });
        expect((await actor.whoami()).toText()).toBe(alice.getPrincipal().toText());
        expect((await actor.whoamiUpdate()).toText()).toBe(alice.getPrincipal().toText());
        expect(await actor.put('icp', 'sdk')).toEqual([]);
        expect(await actor.get('icp')).toEqual(['sdk']);
        const err = await actor.putThenTrap('x', 'y').catch((e: unknown) => e);
        expect(err).toBeInstanceOf(icp.RejectError);
        expect(((err as icp.RejectError).cause.code as unknown as { rejectCode: number }).rejectCode).toBe(5);
    });

    it('refuses a certificate signed by another replica (verification is on)', async () => {
        const { replica, a } = await setup();
        const other = await EmbeddedReplica.create();
        const agent = replica.createAgent(alice);
        Object.defineProperty(agent, 'rootKey', { get: () => other.rootKey });
        const viaDfinity = Actor.createActor<FixtureService>(fixtureIdl, { agent: agent as never, canisterId: a });
        await expect(viaDfinity.put('forged', 'no')).rejects.toThrow(/signature|verif/i);
        const viaIcp = icp.Actor.createActor<FixtureService>(fixtureIdl as never, { agent: agent as never, canisterId: a as never });
        await expect(viaIcp.put('forged2', 'no')).rejects.toThrow(/signature|verif/i);
    });

    it('refuses an Actor that brings its own blsVerify, before the call reaches the canister', async () => {
        const { replica, a } = await setup();
        const agent = replica.createAgent(alice);
        const lax = icp.Actor.createActor<FixtureService>(fixtureIdl as never, { agent: agent as never, canisterId: a as never, blsVerify: async () => true } as never);
        await expect(lax.put('lax', 'no')).rejects.toThrow(/blsVerify/);
        const strict = icp.Actor.createActor<FixtureService>(fixtureIdl as never, { agent: agent as never, canisterId: a as never });
        expect(await strict.get('lax')).toEqual([]);
    });
});
