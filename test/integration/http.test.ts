/**
 * The IC HTTP interface in front of the embedded replica (tools/replica/http), driven by unmodified
 * agents over real HTTP on 127.0.0.1:
 *  - agent-js `HttpAgent` (root key fetched, query signatures verified, v3 certificates verified)
 *    runs the ledger and protocol calls the SDK runs in process, with Ed25519, secp256k1 and
 *    delegated identities; v2 calls are polled through read_state; `emc --network local` works;
 *  - requests are refused as the IC refuses them — bad signature, sender that is not its key's
 *    principal, missing signature, expired or too-late ingress_expiry, expired or mis-targeted
 *    delegation, canister id that is not the URL's, missing canister or method, someone else's
 *    request status — and a refused call changes nothing;
 *  - the replica's clock follows the wall clock and timers fire.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Cbor, HttpAgent, pollForResponse, requestIdOf, type Identity } from '@dfinity/agent';
import { IDL } from '@dfinity/candid';
import { DelegationChain, DelegationIdentity, Ed25519KeyIdentity } from '@dfinity/identity';
import { Secp256k1KeyIdentity } from '@dfinity/identity-secp256k1';
import { Principal } from '@dfinity/principal';
import * as icp from '@icp-sdk/core/agent';
import { EmbeddedNetwork } from '../../tools/devnet/embedded-network';
import { connect } from '../../src/client/network';
import { LedgerClient } from '../../src/client/ledger';
import { ProtocolClient } from '../../src/client/protocol';
import { serveReplica, type ReplicaHttpServer } from '../../tools/replica/http';
import { identityOf, pemOf } from '../../tools/devnet/plan';

const E8S = 100_000_000n;
const BIN = resolve(__dirname, '..', '..', 'bin', 'emc.js');
const MINUTE_NS = 60_000_000_000n;

const gov = identityOf('http-test-governance');
const secp = Secp256k1KeyIdentity.generate(new Uint8Array(32).fill(7));
const other = Ed25519KeyIdentity.generate(new Uint8Array(32).fill(9));

let net: EmbeddedNetwork;
let server: ReplicaHttpServer;
let dir: string;

beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'emc-http-'));
    net = await EmbeddedNetwork.inMemory({ genesisOwner: gov.getPrincipal(), balances: [[secp.getPrincipal(), 1_000n * E8S]] });
    const did = (name: string) => new Uint8Array(readFileSync(resolve(__dirname, '..', '..', 'candid', `${name}.did`)));
    server = await serveReplica(net.replica, { port: 0, metadata: (id, name) => (name !== 'candid:service' ? undefined : id.toText() === net.ledgerId.toText() ? did('emc_ledger') : id.toText() === net.protocolId.toText() ? did('emc_protocol') : undefined) });
}, 120_000);

afterAll(async () => {
    await server?.close();
    await net?.close(false);
    rmSync(dir, { recursive: true, force: true });
});

async function httpAgent(identity?: Identity): Promise<HttpAgent> {
    return HttpAgent.create({ host: server.url, identity, shouldFetchRootKey: true, retryTimes: 0 });
}

/** The balance as the in-process SDK sees it (not through HTTP). */
async function embeddedBalance(owner: Principal): Promise<bigint> {
    const r = await new LedgerClient({ agent: net.agent(), canisterId: net.ledgerId }).balance({ owner });
    if (!r.ok) throw new Error(r.error.message);
    return r.value;
}

async function post(path: string, body: unknown): Promise<{ status: number; text: string; cbor?: Record<string, unknown> }> {
    const res = await fetch(`${server.url}${path}`, { method: 'POST', headers: { 'Content-Type': 'application/cbor' }, body: (body instanceof Uint8Array ? body : Cbor.encode(body)) as BodyInit });
    const bytes = new Uint8Array(await res.arrayBuffer());
    const type = res.headers.get('content-type') ?? '';
    return { status: res.status, text: type.includes('cbor') ? '' : new TextDecoder().decode(bytes), cbor: type.includes('cbor') ? (Cbor.decode(bytes) as Record<string, unknown>) : undefined };
}

const transferArg = (to: Principal, amount: bigint) => IDL.encode([IDL.Record({ to: IDL.Record({ owner: IDL.Principal, subaccount: IDL.Opt(IDL.Vec(IDL.Nat8)) }), fee: IDL.Opt(IDL.Nat), memo: IDL.Opt(IDL.Vec(IDL.Nat8)), from_subaccount: IDL.Opt(IDL.Vec(IDL.Nat8)), created_at_time: IDL.Opt(IDL.Nat64), amount: IDL.Nat })], [{ to: { owner: to, subaccount: [] }, fee: [], memo: [], from_subaccount: [], created_at_time: [], amount }]);

/** A signed call/query/read_state envelope made by agent-js's own identity code, then `tamper`ed. */
async function envelope(identity: Identity, content: Record<string, unknown>, tamper: (body: Record<string, unknown>) => void = () => {}): Promise<Uint8Array> {
    const signed = (await identity.transformRequest({ request: {}, endpoint: content.request_type, body: content } as never)) as { body: Record<string, unknown> };
    tamper(signed.body);
    return Cbor.encode(signed.body);
}

function callContent(o: { sender: Principal; canister: Principal; method?: string; arg?: Uint8Array; expiry?: bigint; type?: 'call' | 'query' }) {
    return { request_type: o.type ?? 'call', canister_id: o.canister, method_name: o.method ?? 'icrc1_transfer', arg: o.arg ?? transferArg(other.getPrincipal(), E8S), sender: o.sender, ingress_expiry: o.expiry ?? net.now() + 4n * MINUTE_NS, nonce: new Uint8Array(crypto.getRandomValues(new Uint8Array(16))) };
}

describe('the IC HTTP interface serves unmodified agents', () => {
    it('GET /api/v2/status answers CBOR with the root key that signs every certificate', async () => {
        const res = await fetch(`${server.url}/api/v2/status`);
        expect(res.status).toBe(200);
        expect(res.headers.get('content-type')).toBe('application/cbor');
        const status = Cbor.decode(new Uint8Array(await res.arrayBuffer())) as Record<string, unknown>;
        expect(new Uint8Array(status.root_key as Uint8Array)).toEqual(net.replica.rootKey);
        expect(status).toMatchObject({ ic_api_version: '0.18.0', replica_health_status: 'healthy' });
    });

    it('agent-js HttpAgent with the fetched root key runs the ledger and protocol calls the SDK makes in process', async () => {
        const conn = await connect({ network: 'local', host: server.url, identity: gov, retries: 0 });
        if (!conn.ok) throw new Error(conn.error.message);
        const { ledger, protocol } = conn.value;
        const to = Ed25519KeyIdentity.generate(new Uint8Array(32).fill(3)).getPrincipal();
        const meta = await ledger.metadata();
        expect(meta.ok && meta.value.symbol).toBe('EMC');
        const before = await ledger.balance();
        expect(before).toEqual({ ok: true, value: await embeddedBalance(gov.getPrincipal()) });
        const sent = await ledger.transfer({ to: { owner: to }, amount: 12n * E8S });
        expect(sent.ok).toBe(true);
        expect(await embeddedBalance(to)).toBe(12n * E8S);
        const approved = await ledger.approve({ spender: { owner: to }, amount: 5n * E8S });
        expect(approved.ok).toBe(true);
        const allowance = await ledger.allowance({ spender: { owner: to } });
        expect(allowance.ok && allowance.value.allowance).toBe(5n * E8S);
        // the protocol: a router registers with its stake (an approval and the protocol's transfer_from), then reads
        const reg = await protocol.registerNode({ nodeId: 'httprtr', type: 'router', stake: { amount: 100_000n * E8S, lockDays: 180 } });
        if (!reg.ok) throw new Error(reg.error.message);
        expect(reg.value).toMatchObject({ nodeId: 'httprtr', type: 'router', status: 'active' });
        const viaEmbedded = await new ProtocolClient({ agent: net.agent(), canisterId: net.protocolId }).getNode('httprtr');
        expect(viaEmbedded.ok && viaEmbedded.value?.stake?.amount).toBe(100_000n * E8S);
        const listed = await protocol.listNodes({ type: 'router', status: 'active' });
        expect(listed.ok && listed.value.nodes.map((n) => n.nodeId)).toEqual(['httprtr']);
        // the router has earned since it registered (emission accrues continuously): the claim mints it
        const claim = await protocol.claimRewards('httprtr');
        if (!claim.ok) throw new Error(claim.error.message);
        expect(claim.value.amount).toBeGreaterThan(0n);
        const tip = await protocol.certifiedTip();
        expect(tip).toEqual({ ok: true, value: { height: undefined, digest: undefined, verified: true } });
        const validate = await protocol.validateAdmitValidators(['nobody']);
        expect(validate.ok).toBe(false);
        // four fees: the transfer, the approval, the stake's own approval and its transfer_from; the claim paid the wallet
        const after = await ledger.balance();
        expect(after).toEqual({ ok: true, value: await embeddedBalance(gov.getPrincipal()) });
        expect(after.ok && before.ok && after.value).toBe(before.ok ? before.value - 12n * E8S - 100_000n * E8S - 4n * 100_000n + claim.value.amount : -1n);
    }, 120_000);

    it('secp256k1 and delegated identities are accepted; v2 calls are polled through read_state', async () => {
        const agent = await httpAgent(secp);
        const ledger = new LedgerClient({ agent, canisterId: net.ledgerId, retries: 0 });
        expect((await ledger.transfer({ to: { owner: other.getPrincipal() }, amount: 2n * E8S })).ok).toBe(true);
        // a session key delegated by secp (as Internet Identity and auth-client do), limited to the ledger
        const session = Ed25519KeyIdentity.generate(new Uint8Array(32).fill(11));
        const chain = await DelegationChain.create(secp, session.getPublicKey(), new Date(Date.now() + 10 * 60_000), { targets: [net.ledgerId] });
        const delegated = DelegationIdentity.fromDelegation(session, chain);
        expect(delegated.getPrincipal().toText()).toBe(secp.getPrincipal().toText());
        const viaDelegation = new LedgerClient({ agent: await httpAgent(delegated), canisterId: net.ledgerId, retries: 0 });
        expect((await viaDelegation.transfer({ to: { owner: other.getPrincipal() }, amount: 3n * E8S })).ok).toBe(true);
        // the asynchronous v2 call: 202, then read_state until the certified status is there
        const v2 = await agent.call(net.ledgerId, { methodName: 'icrc1_transfer', arg: transferArg(other.getPrincipal(), E8S), callSync: false });
        expect(v2.response.status).toBe(202);
        const polled = await pollForResponse(agent, net.ledgerId, v2.requestId);
        expect(IDL.decode([IDL.Variant({ Ok: IDL.Nat, Err: IDL.Reserved })], polled.reply as Uint8Array)[0]).toHaveProperty('Ok');
        expect(await embeddedBalance(other.getPrincipal())).toBe(6n * E8S);
    }, 60_000);

    it('@icp-sdk/core HttpAgent (v4 calls, v3 queries and read_state) reads and writes too', async () => {
        const agent = await icp.HttpAgent.create({ host: server.url, identity: other as never, shouldFetchRootKey: true });
        const q = await agent.query(net.ledgerId.toText(), { methodName: 'icrc1_balance_of', arg: IDL.encode([IDL.Record({ owner: IDL.Principal, subaccount: IDL.Opt(IDL.Vec(IDL.Nat8)) })], [{ owner: other.getPrincipal(), subaccount: [] }]) });
        expect(q.status).toBe('replied');
        expect(IDL.decode([IDL.Nat], (q as { reply: { arg: Uint8Array } }).reply.arg)[0]).toBe(await embeddedBalance(other.getPrincipal()));
        const sent = await agent.call(net.ledgerId.toText(), { methodName: 'icrc1_transfer', arg: transferArg(gov.getPrincipal(), E8S), effectiveCanisterId: net.ledgerId.toText() });
        expect(sent.response.status).toBe(200);
        expect(await embeddedBalance(other.getPrincipal())).toBe(5n * E8S - 100_000n);
    }, 60_000);

    it('`emc --network local --host` commands work against the served network', async () => {
        writeFileSync(join(dir, 'gov.pem'), pemOf('http-test-governance'));
        // asynchronously: the server answering the CLI runs in this process
        const run = (args: string[]) =>
            new Promise<{ status: number; stdout: string; stderr: string }>((ok) => {
                execFile(process.execPath, [BIN, ...args, '--network', 'local', '--host', server.url, '--json'], { encoding: 'utf8', env: { ...process.env, EMC_RETRY_DELAY_MS: '0' }, timeout: 60_000 }, (e, stdout, stderr) => ok({ status: e === null ? 0 : typeof e.code === 'number' ? e.code : -1, stdout, stderr }));
            });
        const bal = await run(['ledger', 'balance', '--identity', join(dir, 'gov.pem')]);
        expect(bal.status).toBe(0);
        expect(JSON.stringify(JSON.parse(bal.stdout).value)).toContain(String(await embeddedBalance(gov.getPrincipal())));
        const list = await run(['node', 'list', '--type', 'router']);
        expect(list.status).toBe(0);
        expect(JSON.stringify(JSON.parse(list.stdout).value)).toContain('httprtr');
        const sent = await run(['ledger', 'transfer', other.getPrincipal().toText(), '1.5', '--identity', join(dir, 'gov.pem')]);
        expect(sent.status).toBe(0);
    }, 120_000);
});

describe('requests are authenticated as the IC does', () => {
    const url = () => `/api/v3/canister/${net.ledgerId.toText()}/call`;

    it('a flipped signature bit is refused with 403 and nothing executes (v2, v3, query, read_state)', async () => {
        const before = await embeddedBalance(other.getPrincipal());
        const flip = (b: Record<string, unknown>) => {
            const sig = new Uint8Array(b.sender_sig as Uint8Array);
            sig[5] ^= 1;
            b.sender_sig = sig;
        };
        for (const path of [url(), `/api/v2/canister/${net.ledgerId.toText()}/call`]) {
            const r = await post(path, await envelope(gov, callContent({ sender: gov.getPrincipal(), canister: net.ledgerId }), flip));
            expect(r.status).toBe(403);
            expect(r.text).toMatch(/^Failed to authenticate request 0x[0-9a-f]{64} due to: Invalid Ed25519 signature$/);
        }
        const secpRefused = await post(url(), await envelope(secp, callContent({ sender: secp.getPrincipal(), canister: net.ledgerId }), flip));
        expect(secpRefused.status).toBe(403);
        expect(secpRefused.text).toMatch(/Invalid ECDSA secp256k1 signature/);
        const query = await post(`/api/v2/canister/${net.ledgerId.toText()}/query`, await envelope(gov, callContent({ type: 'query', method: 'icrc1_total_supply', arg: IDL.encode([], []), sender: gov.getPrincipal(), canister: net.ledgerId }), flip));
        expect(query.status).toBe(403);
        const rs = await post(`/api/v2/canister/${net.ledgerId.toText()}/read_state`, await envelope(gov, { request_type: 'read_state', paths: [[new TextEncoder().encode('time')]], sender: gov.getPrincipal(), ingress_expiry: net.now() + MINUTE_NS }, flip));
        expect(rs.status).toBe(403);
        expect(await embeddedBalance(other.getPrincipal())).toBe(before);
    });

    it('a sender that is not its key’s principal, or an unsigned non-anonymous request, is refused with 403', async () => {
        const wrongSender = await post(url(), await envelope(gov, callContent({ sender: other.getPrincipal(), canister: net.ledgerId })));
        expect(wrongSender.status).toBe(403);
        expect(wrongSender.text).toMatch(/the sender .* is not the principal of the public key/);
        const unsigned = await post(url(), { content: callContent({ sender: gov.getPrincipal(), canister: net.ledgerId }) });
        expect(unsigned.status).toBe(403);
        expect(unsigned.text).toMatch(/has no sender_pubkey/);
        // the anonymous principal needs no signature (and may not change state: the canister decides)
        const anon = await post(`/api/v2/canister/${net.ledgerId.toText()}/query`, { content: callContent({ type: 'query', method: 'icrc1_total_supply', arg: IDL.encode([], []), sender: Principal.anonymous(), canister: net.ledgerId }) });
        expect(anon.status).toBe(200);
        expect(anon.cbor?.status).toBe('replied');
    });

    it('an expired or too-late ingress_expiry is refused with 400 "Invalid request expiry"', async () => {
        for (const expiry of [net.now() - 1n, net.now() + 7n * MINUTE_NS]) {
            const r = await post(url(), await envelope(gov, callContent({ sender: gov.getPrincipal(), canister: net.ledgerId, expiry })));
            expect(r.status).toBe(400);
            expect(r.text).toMatch(/^Invalid request expiry: Specified ingress_expiry not within expected range/);
        }
    });

    it('delegations: an expired one, one not targeting the canister, or one signed by another key is refused', async () => {
        const session = Ed25519KeyIdentity.generate(new Uint8Array(32).fill(12));
        const id = async (chain: DelegationChain) => DelegationIdentity.fromDelegation(session, chain);
        const expired = await id(await DelegationChain.create(gov, session.getPublicKey(), new Date(Number(net.now() / 1_000_000n) - 1000)));
        const protocolOnly = await id(await DelegationChain.create(gov, session.getPublicKey(), new Date(Date.now() + 600_000), { targets: [net.protocolId] }));
        const forged = await id(await DelegationChain.create(other, session.getPublicKey(), new Date(Date.now() + 600_000)));
        const cases: [DelegationIdentity, RegExp][] = [
            [expired, /delegation 0 expired/],
            [protocolOnly, /is not one of the delegation's targets/],
        ];
        for (const [identity, why] of cases) {
            const r = await post(url(), await envelope(identity, callContent({ sender: gov.getPrincipal(), canister: net.ledgerId })));
            expect(r.status).toBe(403);
            expect(r.text).toMatch(why);
        }
        // a chain from another key, presented under gov's public key: the delegation's signature fails
        const r = await post(url(), await envelope(forged, callContent({ sender: gov.getPrincipal(), canister: net.ledgerId }), (b) => {
            b.sender_pubkey = gov.getPublicKey().toDer();
        }));
        expect(r.status).toBe(403);
        expect(r.text).toMatch(/delegation 0: Invalid Ed25519 signature/);
    });

    it('a wrong canister id: another canister than the URL’s is 400; a missing canister is a non-replicated rejection (reject code 3), an unknown method refused by inspect (reject code 5)', async () => {
        const mismatch = await post(url(), await envelope(gov, callContent({ sender: gov.getPrincipal(), canister: net.protocolId })));
        expect(mismatch.status).toBe(400);
        expect(mismatch.text).toBe(`Specified CanisterId ${net.protocolId.toText()} does not match effective canister id in URL ${net.ledgerId.toText()}`);
        const missing = Principal.fromText('ryjl3-tyaaa-aaaaa-aaaba-cai');
        const noCanister = await post(`/api/v3/canister/${missing.toText()}/call`, await envelope(gov, callContent({ sender: gov.getPrincipal(), canister: missing })));
        expect(noCanister.status).toBe(200);
        expect(noCanister.cbor).toMatchObject({ status: 'non_replicated_rejection', reject_code: 3, error_code: 'IC0301' });
        const noMethod = await post(url(), await envelope(gov, callContent({ sender: gov.getPrincipal(), canister: net.ledgerId, method: 'no_such_method' })));
        // Our canisters' canister_inspect_message refuses unknown methods (docs/security.md §3): it traps with
        // the reason, which the IC answers as the canister's error (reject code 5, IC0503), not as a missing method.
        expect(noMethod.cbor).toMatchObject({ status: 'non_replicated_rejection', reject_code: 5, error_code: 'IC0503' });
        expect(String((noMethod.cbor as { reject_message: string }).reject_message)).toContain('no_such_method');
        const query = await post(`/api/v2/canister/${missing.toText()}/query`, await envelope(gov, callContent({ type: 'query', sender: gov.getPrincipal(), canister: missing })));
        expect(query.cbor).toMatchObject({ status: 'rejected', reject_code: 3, error_code: 'IC0301' });
        // agent-js surfaces the same through its errors
        const agent = await httpAgent(gov);
        await expect(agent.call(missing, { methodName: 'x', arg: IDL.encode([], []) }).then((r) => r.response.body)).resolves.toMatchObject({ reject_code: 3 });
    });

    it('read_state: only the sender reads its request’s status; unknown paths are 404; malformed bodies 400', async () => {
        const body = await envelope(gov, callContent({ sender: gov.getPrincipal(), canister: net.ledgerId, arg: transferArg(other.getPrincipal(), 1n) }));
        const done = await post(url(), body);
        expect(done.status).toBe(200);
        const requestId = new Uint8Array(requestIdOf((Cbor.decode(body) as { content: Record<string, unknown> }).content as never));
        const path = [new TextEncoder().encode('request_status'), requestId];
        const rs = (who: Identity, p: Uint8Array[][]) => envelope(who, { request_type: 'read_state', paths: p, sender: who.getPrincipal(), ingress_expiry: net.now() + MINUTE_NS });
        const mine = await post(`/api/v2/canister/${net.ledgerId.toText()}/read_state`, await rs(gov, [path]));
        expect(mine.status).toBe(200);
        const theirs = await post(`/api/v2/canister/${net.ledgerId.toText()}/read_state`, await rs(other, [path]));
        expect(theirs.status).toBe(403);
        const bad = await post(`/api/v2/canister/${net.ledgerId.toText()}/read_state`, await rs(gov, [[new TextEncoder().encode('canister'), net.ledgerId.toUint8Array(), new TextEncoder().encode('certified_data_x')]]));
        expect(bad.status).toBe(404);
        const otherCanister = await post(`/api/v2/canister/${net.ledgerId.toText()}/read_state`, await rs(gov, [[new TextEncoder().encode('canister'), net.protocolId.toUint8Array(), new TextEncoder().encode('module_hash')]]));
        expect(otherCanister.status).toBe(400);
        const garbage = await post(url(), Uint8Array.of(0xa1, 0x61));
        expect(garbage.status).toBe(400);
        // the candid:service metadata dfx reads to call a canister without its .did
        const candid = await post(`/api/v2/canister/${net.ledgerId.toText()}/read_state`, await rs(gov, [[new TextEncoder().encode('canister'), net.ledgerId.toUint8Array(), new TextEncoder().encode('metadata'), new TextEncoder().encode('candid:service')]]));
        expect(candid.status).toBe(200);
    });
});

describe('the served clock', () => {
    it('follows the wall clock, and canister timers fire in real time', async () => {
        const owner = identityOf('http-clock');
        const small = await EmbeddedNetwork.inMemory({ genesisOwner: owner.getPrincipal(), epochSeconds: 1n });
        const s = await serveReplica(small.replica, { port: 0 });
        try {
            expect(Number(small.now() / 1_000_000n) - Date.now()).toBeLessThan(2000);
            const agent = await HttpAgent.create({ host: s.url, shouldFetchRootKey: true });
            const protocol = new ProtocolClient({ agent, canisterId: small.protocolId });
            const first = await protocol.rewardsSummary();
            await new Promise((r) => setTimeout(r, 3_500));
            const later = await protocol.rewardsSummary();
            if (!first.ok || !later.ok) throw new Error('rewards_summary failed');
            // one-second epochs: the close timer ran at least twice while we waited
            expect(later.value.epoch - first.value.epoch).toBeGreaterThanOrEqual(2n);
            expect(Math.abs(Number(small.now() / 1_000_000n) - Date.now())).toBeLessThan(2000);
        } finally {
            await s.close();
            await small.close(false);
        }
    }, 60_000);
});
