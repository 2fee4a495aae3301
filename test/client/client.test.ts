/**
 * The client SDK against both built canisters in the embedded replica, kept in a state directory:
 * every LedgerClient and ProtocolClient method, the one-line errors, retries after transient
 * failures (a repeat answered Duplicate counts as done and moves nothing twice; a non-idempotent
 * call with an unknown outcome is not repeated), and, in the middle, saving the network and opening
 * it again, which goes through both canisters' upgrade path.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CertifiedRejectErrorCode, HttpFetchErrorCode, RejectError, TransportError, type Identity } from '@dfinity/agent';
import { Ed25519KeyIdentity } from '@dfinity/identity';
import { Secp256k1KeyIdentity } from '@dfinity/identity-secp256k1';
import { Principal } from '@dfinity/principal';
import { EmbeddedNetwork, GENESIS_BALANCE } from '../../src/client/embedded';
import { LedgerClient } from '../../src/client/ledger';
import { ProtocolClient, type Node } from '../../src/client/protocol';
import type { Result } from '../../src/client/result';
import { batchDigest, type BatchPayload } from '../../src/protocol/batches';
import { run } from '../../src/cli/main';
import { writeFileSync } from 'node:fs';

const E8S = 100_000_000n;
const FEE = 100_000n;
const SECOND = 1_000_000_000n;
const DAY = 86_400n * SECOND;
/** Five days ago (whole seconds): the last test runs the CLI, which opens the saved network at the wall clock's time. */
const T0 = (BigInt(Date.now()) / 1000n - 5n * 86_400n) * SECOND;

const owner = Secp256k1KeyIdentity.generate(new Uint8Array(32).fill(7));
const validators = Array.from({ length: 14 }, (_, i) => Ed25519KeyIdentity.generate(new Uint8Array(32).fill(100 + i)));
const computeOp = Ed25519KeyIdentity.generate(new Uint8Array(32).fill(50));
const stranger = Ed25519KeyIdentity.generate(new Uint8Array(32).fill(51));

function principalOf(i: Identity): Principal {
    return Principal.fromUint8Array(i.getPrincipal().toUint8Array());
}

function value<T>(r: Result<T>): T {
    if (!r.ok) throw new Error(`expected ok, got ${r.error.message}`);
    return r.value;
}

function errorOf<T>(r: Result<T>): { kind: string; message: string } {
    if (r.ok) throw new Error('expected an error');
    return r.error;
}

type Fault = 'before' | 'after' | 'transient';

/**
 * An agent that fails update calls of the named methods the way a network does, one fault per call
 * in order: `before` (connection refused: nothing ran), `transient` (SYS_TRANSIENT: nothing ran),
 * `after` (the call ran and its response was lost).
 */
function flakyAgent(inner: object, faults: Record<string, Fault[]>): object {
    const sysErr = (code: string) => Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error(code), { code }) });
    return new Proxy(inner, {
        get(target, prop) {
            const v = Reflect.get(target, prop, target) as unknown;
            if (prop !== 'call') return typeof v === 'function' ? v.bind(target) : v;
            return async (canisterId: unknown, fields: { methodName: string }) => {
                const fault = faults[fields.methodName]?.shift();
                if (fault === 'before') throw TransportError.fromCode(new HttpFetchErrorCode(sysErr('ECONNREFUSED')));
                if (fault === 'transient') throw RejectError.fromCode(new CertifiedRejectErrorCode(new Uint8Array(32) as never, 2 as never, 'the canister queue is full', 'IC0515'));
                const r = await (v as (...a: unknown[]) => Promise<unknown>).call(target, canisterId, fields);
                if (fault === 'after') throw TransportError.fromCode(new HttpFetchErrorCode(sysErr('ECONNRESET')));
                return r;
            };
        },
    });
}

describe('client SDK against the built canisters (embedded network in a state directory)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'emc-client-'));
    let net: EmbeddedNetwork;
    const clients = (who: Identity, extra: { agent?: object } = {}) => {
        const agent = (extra.agent ?? net.agent(who)) as never;
        const now = () => net.now();
        const ledger = new LedgerClient({ agent, canisterId: net.ledgerId, now, retryDelayMs: 0 });
        return { ledger, protocol: new ProtocolClient({ agent, canisterId: net.protocolId, now, ledger, retryDelayMs: 0 }) };
    };
    const payload = (): BatchPayload => ({ poc_results: [{ node_id: 'gpu1', operator: principalOf(computeOp), poc_ms: 10_380 }], observations: [{ node_id: 'gpu1', online: true }] });

    beforeAll(async () => {
        net = await EmbeddedNetwork.open(dir, {
            genesisOwner: principalOf(owner),
            time: T0,
            balances: [...validators.map((v) => [principalOf(v), 1_100_000n * E8S] as [Principal, bigint]), [principalOf(computeOp), 1_000n * E8S]],
        });
    });
    afterAll(async () => {
        await net?.close(false);
        rmSync(dir, { recursive: true, force: true });
    });

    it('reads the ledger’s metadata, fee and balances', async () => {
        const { ledger } = clients(owner);
        expect(net.created).toBe(true);
        const m = value(await ledger.metadata());
        expect(m).toMatchObject({ name: 'EMC', symbol: 'EMC', decimals: 8, fee: FEE });
        expect(m.mintingAccount?.owner.toText()).toBe(net.protocolId.toText());
        expect(m.totalSupply).toBe(GENESIS_BALANCE + 14n * 1_100_000n * E8S + 1_000n * E8S);
        expect(value(await ledger.fee())).toBe(FEE);
        expect(value(await ledger.balance())).toBe(GENESIS_BALANCE);
        expect(value(await ledger.balance({ owner: principalOf(computeOp) }))).toBe(1_000n * E8S);
    });

    it('transfers with created_at_time: a repeat is answered Duplicate and moves nothing twice', async () => {
        const { ledger } = clients(owner);
        const to = { owner: principalOf(stranger) };
        const t = value(await ledger.transfer({ to, amount: 25n * E8S, memo: new Uint8Array([1, 2, 3]) }));
        expect(t).toMatchObject({ duplicate: false, createdAtTime: T0 });
        const again = value(await ledger.transfer({ to, amount: 25n * E8S, memo: new Uint8Array([1, 2, 3]), createdAtTime: t.createdAtTime }));
        expect(again).toEqual({ blockIndex: t.blockIndex, duplicate: true, createdAtTime: T0 });
        expect(value(await ledger.balance(to))).toBe(25n * E8S);
        expect(value(await ledger.balance())).toBe(GENESIS_BALANCE - 25n * E8S - FEE);
    });

    it('answers one-line errors with amounts in EMC, and changes nothing', async () => {
        const { ledger } = clients(stranger);
        const e = errorOf(await ledger.transfer({ to: { owner: principalOf(owner) }, amount: 30n * E8S }));
        expect(e).toEqual({ kind: 'InsufficientFunds', message: 'InsufficientFunds: balance 25 EMC, needed 30.001 EMC' });
        expect(errorOf(await ledger.transfer({ to: { owner: principalOf(owner) }, amount: E8S, fee: 1n })).message).toBe("BadFee: the ledger's fee is 0.001 EMC, not 0.00000001 EMC");
        expect(errorOf(await ledger.transfer({ to: { owner: principalOf(owner) }, amount: E8S, createdAtTime: T0 - 2n * DAY })).kind).toBe('TooOld');
        expect(value(await ledger.balance())).toBe(25n * E8S);
    });

    it('approves, reads the allowance, and deduplicates approvals', async () => {
        const { ledger } = clients(stranger);
        const spender = { owner: principalOf(owner), subaccount: new Uint8Array(32).fill(9) };
        const a = value(await ledger.approve({ spender, amount: 5n * E8S, expiresAt: T0 + DAY }));
        expect(value(await ledger.approve({ spender, amount: 5n * E8S, expiresAt: T0 + DAY, createdAtTime: a.createdAtTime }))).toMatchObject({ duplicate: true, blockIndex: a.blockIndex });
        expect(value(await ledger.allowance({ spender }))).toEqual({ allowance: 5n * E8S, expiresAt: T0 + DAY });
        expect(errorOf(await ledger.approve({ spender, amount: E8S, expectedAllowance: 1n })).message).toBe('AllowanceChanged: the current allowance is 5 EMC');
        expect(value(await ledger.balance())).toBe(25n * E8S - FEE);
    });

    it('retries: a lost transfer response is repeated and answered Duplicate; refused connections and SYS_TRANSIENT are retried', async () => {
        const faults: Record<string, Fault[]> = { icrc1_transfer: ['after', 'before', 'transient'] };
        const { ledger } = clients(owner, { agent: flakyAgent(net.agent(owner), faults) });
        const before = value(await ledger.balance({ owner: principalOf(stranger) }));
        const t = value(await ledger.transfer({ to: { owner: principalOf(stranger) }, amount: E8S }));
        expect(t.duplicate).toBe(true); // the first attempt ran, its answer was lost; the fourth was answered Duplicate
        expect(faults.icrc1_transfer).toEqual([]);
        expect(value(await ledger.balance({ owner: principalOf(stranger) }))).toBe(before + E8S);
        // Transient failures only (nothing ran), more than the retry budget: a Transport error, nothing changed.
        const down = clients(owner, { agent: flakyAgent(net.agent(owner), { icrc1_transfer: ['before', 'before', 'before', 'before'] }) });
        expect(errorOf(await down.ledger.transfer({ to: { owner: principalOf(stranger) }, amount: E8S }))).toMatchObject({ kind: 'Transport' });
        expect(value(await ledger.balance({ owner: principalOf(stranger) }))).toBe(before + E8S);
    });

    it('registers a router with its stake (approval included) and reports its status', async () => {
        const { ledger, protocol } = clients(owner);
        const before = value(await ledger.balance());
        const n = value(await protocol.registerNode({ nodeId: 'router1', type: 'router', stake: { amount: 100_000n * E8S, lockDays: 180 } }));
        expect(n).toMatchObject({ nodeId: 'router1', type: 'router', status: 'active', eValue: 10n * E8S });
        expect(n.stake).toMatchObject({ amount: 100_000n * E8S, lockDays: 180, termStart: T0, termEnd: T0 + 180n * DAY });
        expect(value(await ledger.balance(n.escrow))).toBe(100_000n * E8S);
        expect(value(await ledger.balance())).toBe(before - 100_000n * E8S - 2n * FEE); // approval fee + transfer fee
        const s = value(await protocol.nodeStatus('router1'));
        expect(s.operator.toText()).toBe(principalOf(owner).toText());
        expect(s.rewards).toEqual({ weight: 10n * E8S, credited: 0n, claimed: 0n, claimable: 0n });
        expect(errorOf(await protocol.registerNode({ nodeId: 'router1', type: 'compute' })).message).toBe('NodeIdTaken: node id "router1" is already registered');
    });

    it('refuses doomed stake operations before approving anything', async () => {
        const { ledger, protocol } = clients(computeOp);
        expect(value(await protocol.registerNode({ nodeId: 'gpu1', type: 'compute' }))).toMatchObject({ status: 'awaiting_poc', eValue: 0n });
        const before = value(await ledger.balance());
        expect(errorOf(await protocol.stakeCompute({ nodeId: 'gpu1', amount: 2_000n * E8S, lockDays: 30 })).message).toBe(
            'InsufficientFunds: balance 1000 EMC, needed 2000.002 EMC (stake 2000 EMC + 2 ledger fees)',
        );
        expect(errorOf(await protocol.topUp({ nodeId: 'router1', amount: E8S })).message).toMatch(/^NotAuthorized: node "router1" is operated by /);
        expect(errorOf(await protocol.topUp({ nodeId: 'nosuch', amount: E8S })).message).toBe('NodeNotFound: no node "nosuch"');
        expect(errorOf(await protocol.nodeStatus('nosuch'))).toEqual({ kind: 'NodeNotFound', message: 'NodeNotFound: no node "nosuch"' });
        expect(errorOf(await protocol.getNode('bad id!'))).toEqual({ kind: 'BadInput', message: "BadInput: node id 'bad id!' may only contain A-Z, a-z and 0-9" });
        expect(value(await ledger.balance())).toBe(before);
        expect(value(await protocol.getNode('nosuch'))).toBeUndefined();
    });

    it('stakes and tops up a compute node', async () => {
        const { protocol } = clients(computeOp);
        const s = value(await protocol.stakeCompute({ nodeId: 'gpu1', amount: 300n * E8S, lockDays: 30 }));
        expect(s.stake).toMatchObject({ amount: 300n * E8S, lockDays: 30 });
        // Without a ledger client given, the protocol client finds the ledger through protocol_info.
        const own = new ProtocolClient({ agent: net.agent(computeOp) as never, canisterId: net.protocolId, now: () => net.now() });
        const t = value(await own.topUp({ nodeId: 'gpu1', amount: 50n * E8S }));
        expect(value(await own.ledger()).canisterId.toText()).toBe(net.ledgerId.toText());
        expect(t.stake?.amount).toBe(350n * E8S);
        expect(errorOf(await protocol.stakeCompute({ nodeId: 'gpu1', amount: 10n * E8S, lockDays: 8 })).kind).not.toBe('BadInput');
    });

    it('validators apply, governance admits them, and the set is 13 with quorum 9', async () => {
        for (let i = 0; i < 13; i++) {
            const n = value(await clients(validators[i]).protocol.applyValidator({ nodeId: `val${i}` }));
            expect(n).toMatchObject({ status: 'candidate', type: 'validator', stake: { amount: 1_000_000n * E8S, lockDays: 360 } });
        }
        // Governance methods come later; the generic typed call reaches any method of the service table.
        const admitted = value(await clients(owner).protocol.call<{ Ok: unknown[] }>('admit_validators', [Array.from({ length: 13 }, (_, i) => `val${i}`)]));
        expect(admitted.Ok).toHaveLength(13);
        const set = value(await clients(stranger).protocol.validatorSet());
        expect(set).toMatchObject({ size: 13, f: 4, quorum: 9 });
        expect(set.validators.map((v: Node) => v.status)).toEqual(Array(13).fill('active'));
    });

    it('a 14th candidate withdraws and gets its stake back', async () => {
        const { ledger, protocol } = clients(validators[13]);
        value(await protocol.applyValidator({ nodeId: 'val13', stake: 1_000_000n * E8S }));
        const w = value(await protocol.withdrawCandidacy('val13'));
        expect(w.status).toBe('withdrawn');
        // paid: two fees going in (approval, transfer_from); the release comes back less one fee
        expect(value(await ledger.balance())).toBe(1_100_000n * E8S - 3n * FEE);
        expect(errorOf(await protocol.withdrawCandidacy('val13')).kind).toBe('WrongStatus');
    });

    it('validators propose and vote on a batch (digest computed by the client); the tip is certified', async () => {
        const p = payload();
        const digest = batchDigest(p);
        const proposed = value(await clients(validators[0]).protocol.proposeBatch({ height: 1n, payload: p }));
        expect(proposed).toEqual({ digest, votes: 1, quorum: 9, confirmed: false });
        expect(value(await clients(validators[0]).protocol.proposeBatch({ height: 1n, payload: p }))).toMatchObject({ votes: 1 }); // a repeat is idempotent
        for (let i = 1; i < 8; i++) expect(value(await clients(validators[i]).protocol.voteBatch({ height: 1n, digest }))).toMatchObject({ votes: i + 1, confirmed: false });
        expect(value(await clients(validators[8]).protocol.voteBatch({ height: 1n, digest }))).toMatchObject({ votes: 9, confirmed: true });
        expect(errorOf(await clients(stranger).protocol.voteBatch({ height: 1n, digest }))).toEqual({ kind: 'NotAValidator', message: 'NotAValidator: the caller is not an active validator' });
        expect(errorOf(await clients(validators[9]).protocol.voteBatch({ height: 1n, digest: new Uint8Array(32) })).kind).toBe('ConflictingVote');
        expect(errorOf(await clients(validators[9]).protocol.voteBatch({ height: 1n, digest: new Uint8Array(3) })).kind).toBe('BadInput');
        const tip = value(await clients(stranger).protocol.certifiedTip());
        expect(tip).toEqual({ height: 1n, digest, verified: true });
        const gpu = value(await clients(stranger).protocol.getNode('gpu1')) as Node;
        expect(gpu).toMatchObject({ status: 'active', pocMs: 10_380, online: true });
        expect(gpu.eValue).toBe(value(await clients(stranger).protocol.previewEValue({ pocMs: 10_380n, stake: 350n * E8S, lockDays: 30 })));
    });

    it('lists nodes and reads the protocol’s information', async () => {
        const { protocol } = clients(stranger);
        const page = value(await protocol.listNodes({ type: 'validator', status: 'active', limit: 5 }));
        expect(page.total).toBe(13n);
        expect(page.nodes).toHaveLength(5);
        expect(value(await protocol.listNodes({ type: 'compute', status: 'active' })).nodes.map((n) => n.nodeId)).toEqual(['gpu1']);
        const info = value(await protocol.protocolInfo());
        expect(info.governance.toText()).toBe(principalOf(owner).toText());
        expect(info.ledger.toText()).toBe(net.ledgerId.toText());
        expect(info).toMatchObject({ ledgerFee: FEE, validators: 13 });
    });

    it('is saved and opened again through the upgrade path, with every node, balance and the tip intact', async () => {
        const before = value(await clients(stranger).protocol.nodeStatus('router1'));
        const balance = value(await clients(owner).ledger.balance());
        const tip = value(await clients(stranger).protocol.certifiedTip());
        const t = net.now();
        await net.close();
        await expect(EmbeddedNetwork.open(dir, { time: t + DAY, ledgerId: net.protocolId })).rejects.toThrow(/holds the ledger canister vhljx-suaaa-aaaab-aaaba-cai, not voicl/);
        net = await EmbeddedNetwork.open(dir, { time: t + DAY });
        expect(net.created).toBe(false);
        expect(net.now()).toBe(t + DAY);
        const after = value(await clients(stranger).protocol.nodeStatus('router1'));
        expect({ ...after, rewards: undefined }).toEqual({ ...before, rewards: undefined });
        expect(value(await clients(owner).ledger.balance())).toBe(balance);
        expect(value(await clients(stranger).protocol.certifiedTip())).toEqual(tip);
        // The epoch-close timer ran for the day that passed while the network was closed.
        const summary = value(await clients(stranger).protocol.rewardsSummary());
        expect(summary.epoch).toBe(1n);
        expect(summary.emitted).toBe(720_000n * E8S);
    });

    it('claims rewards: the wallet receives exactly the claimed amount, and the books agree', async () => {
        const { ledger, protocol } = clients(owner);
        const r = value(await protocol.nodeRewards('router1'));
        expect(r.claimable).toBeGreaterThan(0n);
        const before = value(await ledger.balance());
        const c = value(await protocol.claimRewards('router1'));
        expect(c).toMatchObject({ nodeId: 'router1', amount: r.claimable });
        expect(c.wallet.owner.toText()).toBe(principalOf(owner).toText());
        expect(value(await ledger.balance())).toBe(before + c.amount);
        expect(value(await protocol.rewardsSummary()).claimed).toBe(c.amount);
        expect(errorOf(await protocol.claimRewards('router1'))).toEqual({ kind: 'NothingToClaim', message: 'NothingToClaim: node "router1" has no rewards to claim yet' });
    });

    it('renews a router with a top-up', async () => {
        const { protocol } = clients(owner);
        const n = value(await protocol.renew({ nodeId: 'router1', days: 90, topUp: 10_000n * E8S }));
        expect(n.stake).toMatchObject({ amount: 110_000n * E8S, termEnd: T0 + 270n * DAY, renewals: 1 });
        expect(errorOf(await protocol.renew({ nodeId: 'router1', days: 10 })).message).toMatch(/^RenewalNotAllowed: .*90/);
    });

    it('a stake whose ledger outcome stays unknown is OperationPending, and retryOperation finishes it once', async () => {
        const { ledger, protocol } = clients(owner);
        net.replica.injectFault({ canister: net.ledgerId, method: 'icrc2_transfer_from', when: 'after', times: 2 });
        const e = errorOf(await protocol.registerNode({ nodeId: 'router2', type: 'router', stake: { amount: 100_000n * E8S, lockDays: 180 } }));
        expect(e.kind).toBe('OperationPending');
        expect(e.message).toMatch(/^OperationPending: node "router2": the stake is pending \(.*\); run `emc node retry router2`$/);
        const n = value(await protocol.retryOperation('router2'));
        expect(n).toMatchObject({ status: 'active', stake: { amount: 100_000n * E8S } });
        expect(n.pendingOperation).toBeUndefined();
        expect(value(await ledger.balance(n.escrow))).toBe(100_000n * E8S);
        expect(value(await protocol.retryOperation('router2')).status).toBe('active'); // nothing pending: answered as is
    });

    it('does not repeat a non-idempotent update whose outcome is unknown; a lost registration is recognised as done', async () => {
        const before = value(await clients(computeOp).ledger.balance());
        const gpuBefore = value(await clients(computeOp).protocol.getNode('gpu1')) as Node;
        // The approval goes through; the top-up runs but its answer is lost.
        const flaky = clients(computeOp, { agent: flakyAgent(net.agent(computeOp), { top_up: ['after'], register_node: ['after'] }) });
        const pending = flaky.protocol.topUp({ nodeId: 'gpu1', amount: 10n * E8S });
        const e = errorOf(await pending);
        expect(e.kind).toBe('UnknownOutcome');
        const gpu = value(await clients(computeOp).protocol.getNode('gpu1')) as Node;
        expect(gpu.stake?.amount).toBe((gpuBefore.stake?.amount as bigint) + 10n * E8S); // it ran exactly once
        expect(value(await clients(computeOp).ledger.balance())).toBe(before - 10n * E8S - 2n * FEE);
        // register_node whose answer is lost: the repeat finds the id taken by the same operator, which is success.
        const n = value(await flaky.protocol.registerNode({ nodeId: 'gpu2', type: 'compute' }));
        expect(n).toMatchObject({ nodeId: 'gpu2', status: 'awaiting_poc' });
    });

    it('the CLI proposes and votes on the same saved network (in process); a second open of a directory in use is refused', async () => {
        await expect(EmbeddedNetwork.open(dir)).rejects.toThrow(/is in use by process \d+ \(this one\)/);
        await net.close();
        const pem = (i: number) => {
            const file = join(dir, `val${i}.pem`);
            const der = Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), Buffer.alloc(32, 100 + i)]);
            writeFileSync(file, `-----BEGIN PRIVATE KEY-----\n${der.toString('base64')}\n-----END PRIVATE KEY-----\n`);
            return file;
        };
        const cli = async (args: string[]) => {
            let out = '';
            let err = '';
            const code = await run(args, { out: (s) => (out += s), err: (s) => (err += s), env: { EMC_RETRY_DELAY_MS: '0' } });
            return { code, out, err };
        };
        const p: BatchPayload = { poc_results: [], observations: [{ node_id: 'gpu1', online: false }] };
        const digest = Buffer.from(batchDigest(p)).toString('hex');
        const proposed = await cli(['validator', 'propose', '2', '--offline', 'gpu1', '--state', dir, '--identity', pem(0)]);
        expect(proposed).toEqual({ code: 0, err: '', out: `height     2\ndigest     ${digest}\nvotes      1 of 9 needed\nconfirmed  no\n` });
        const voted = await cli(['validator', 'vote', '2', digest, '--state', dir, '--identity', pem(1), '--json']);
        expect(voted.code).toBe(0);
        expect(JSON.parse(voted.out)).toEqual({ ok: true, value: { height: '2', digest, votes: 2, quorum: 9, confirmed: false } });
        net = await EmbeddedNetwork.open(dir);
        expect(value(await clients(stranger).protocol.call<{ proposals: { voters: bigint[] }[] }>('get_batch', [2n])).proposals[0].voters).toHaveLength(2);
    });
});
