/**
 * The client SDK against both built canisters in the embedded replica, kept in a state directory:
 * every LedgerClient and ProtocolClient method, the one-line errors, retries after transient
 * failures (a repeat answered Duplicate counts as done and moves nothing twice; a non-idempotent
 * call with an unknown outcome is not repeated), and, in the middle, saving the network and opening
 * it again, which goes through both canisters' upgrade path. Then, on the same network at the wall
 * clock's time: epoch records and the emission schedule, an impeachment and a key report decided by
 * the validators, liveness penalties after a confirmed batch, and every governance method (the
 * genesis owner is governance) with its validate_m text.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CertifiedRejectErrorCode, HttpFetchErrorCode, RejectError, TransportError, type Identity } from '@dfinity/agent';
import { Ed25519KeyIdentity } from '@dfinity/identity';
import { Secp256k1KeyIdentity } from '@dfinity/identity-secp256k1';
import { Principal } from '@dfinity/principal';
import { EmbeddedNetwork, GENESIS_BALANCE } from '../../tools/devnet/embedded-network';
import { LedgerClient } from '../../src/client/ledger';
import { ProtocolClient } from '../../src/client/protocol';
import type { Node, Vote } from '../../src/client/types/protocol';
import type { ClientResult } from '../../src/client/result';
import { batchDigest, type BatchPayload } from '../../src/protocol/batches/payload';
import { treeCbor } from '../../src/lib/crypto/hash-tree';
import { logPart } from '../../src/protocol/log/certified-tree';
import { run } from '../../src/cli/main';
import { DEVNET_EXTENSIONS } from '../../tools/devnet/cli';
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
/** val11's operator after its key report. */
const newKey = Ed25519KeyIdentity.generate(new Uint8Array(32).fill(60));

function principalOf(i: Identity): Principal {
    return Principal.fromUint8Array(i.getPrincipal().toUint8Array());
}

function value<T>(r: ClientResult<T>): T {
    if (!r.ok) throw new Error(`expected ok, got ${r.error.message}`);
    return r.value;
}

function errorOf<T>(r: ClientResult<T>): { kind: string; message: string } {
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
        expect(errorOf(await protocol.registerNode({ nodeId: 'router1', type: 'compute' }))).toEqual({ kind: 'NodeIdTaken', message: `NodeIdTaken: node id "router1" is already registered (router, active, operator ${principalOf(owner).toText()}); nothing was sent`, checkedBeforeSending: true });
    });

    it('refuses doomed stake operations before approving anything', async () => {
        const { ledger, protocol } = clients(computeOp);
        expect(value(await protocol.registerNode({ nodeId: 'gpu1', type: 'compute' }))).toMatchObject({ status: 'awaiting_poc', eValue: 0n });
        const before = value(await ledger.balance());
        expect(errorOf(await protocol.stakeCompute({ nodeId: 'gpu1', amount: 2_000n * E8S, lockDays: 30 }))).toEqual({
            kind: 'InsufficientFunds',
            message: 'InsufficientFunds: balance 1000 EMC, needed 2000.002 EMC (stake 2000 EMC + 2 ledger fees); nothing was sent',
            checkedBeforeSending: true,
        });
        expect(errorOf(await protocol.stakeCompute({ nodeId: 'gpu1', amount: 100n * E8S, lockDays: 31 }))).toMatchObject({ kind: 'LockPeriodNotOffered', checkedBeforeSending: true });
        expect(errorOf(await protocol.topUp({ nodeId: 'router1', amount: E8S })).message).toMatch(/^NotNodeOperator: node "router1" is operated by .*; nothing was sent$/);
        expect(errorOf(await protocol.topUp({ nodeId: 'nosuch', amount: E8S }))).toEqual({ kind: 'NodeNotFound', message: 'NodeNotFound: no node "nosuch"; nothing was sent', checkedBeforeSending: true });
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
        // Governance (the genesis owner) checks the proposal first; nobody else may admit.
        const ids = Array.from({ length: 13 }, (_, i) => `val${i}`);
        expect(value(await clients(stranger).protocol.validateAdmitValidators(ids))).toBe(`Admit 13 validator(s): ${ids.join(', ')}; the set grows to 13.`);
        expect(errorOf(await clients(owner).protocol.validateAdmitValidators(['val0']))).toEqual({ kind: 'Invalid', message: 'Invalid: WrongBatchSize expected=13 got=1' });
        expect(errorOf(await clients(stranger).protocol.admitValidators(ids))).toEqual({ kind: 'NotGovernance', message: 'NotGovernance: only the governance principal may call this method' });
        const admitted = value(await clients(owner).protocol.admitValidators(ids));
        expect(admitted.map((n) => [n.nodeId, n.status, n.suspended, n.frozen, n.penaltyDue, n.penalized])).toEqual(ids.map((id) => [id, 'active', false, false, 0n, 0n]));
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
        expect(errorOf(await clients(stranger).protocol.voteBatch({ height: 1n, digest }))).toEqual({ kind: 'NotAValidator', message: `NotAValidator: the caller ${stranger.getPrincipal().toText()} is not the operator of an active validator: only active validators propose and vote on batches, with their current operator key` });
        expect(errorOf(await clients(validators[9]).protocol.voteBatch({ height: 1n, digest: new Uint8Array(32) }))).toEqual({
            kind: 'ConflictingVote',
            message: `ConflictingVote: height 1 is confirmed with digest ${Buffer.from(digest).toString('hex')}: a vote there can only name that digest`,
        });
        expect(errorOf(await clients(validators[9]).protocol.voteBatch({ height: 1n, digest: new Uint8Array(3) })).kind).toBe('BadInput');
        const tip = value(await clients(stranger).protocol.certifiedTip());
        expect(tip).toEqual({ height: 1n, digest, verified: true });
        const gpu = value(await clients(stranger).protocol.getNode('gpu1')) as Node;
        expect(gpu).toMatchObject({ status: 'active', pocMs: 10_380, online: true });
        expect(gpu.eValue).toBe(value(await clients(stranger).protocol.previewEValue({ pocMs: 10_380n, stake: 350n * E8S, lockDays: 30 })));
    });

    it('refuses a certified tip whose certificate is stale for the network’s clock, or whose height is not the certified one', async () => {
        const agent = net.agent(stranger) as never;
        const at = (skew: bigint) => new ProtocolClient({ agent, canisterId: net.protocolId, now: () => net.now() + skew, retryDelayMs: 0 });
        expect(value(await at(4n * 60n * SECOND).certifiedTip())).toMatchObject({ height: 1n, verified: true });
        expect(errorOf(await at(6n * 60n * SECOND).certifiedTip())).toEqual({ kind: 'Unverified', message: "Unverified: the certificate's time is 360 s from the network's clock (at most 300 s either way)" });
        expect(errorOf(await at(-6n * 60n * SECOND).certifiedTip()).kind).toBe('Unverified');
        /** A replica (or a proxy) that answers another height with a genuine certificate and tree. */
        class ForgedHeight extends ProtocolClient {
            override async call<R>(method: never, args: unknown[], opts?: object): Promise<ClientResult<R>> {
                const r = await super.call<R>(method, args, opts);
                if (method === 'certified_tip' && r.ok) (r.value as { height: bigint[] }).height = [7n];
                return r;
            }
        }
        const forged = new ForgedHeight({ agent, canisterId: net.protocolId, now: () => net.now(), retryDelayMs: 0 });
        expect(errorOf(await forged.certifiedTip())).toEqual({ kind: 'Unverified', message: 'Unverified: the height is not the certified one (answered 7, certified 1)' });
    });

    it('reads the log tip from the verified ICRC-3 tip certificate; refuses a forged tree or a stale certificate', async () => {
        // nothing appended to the log in this network yet: verified, no last block
        expect(value(await clients(stranger).protocol.logTip())).toEqual({ verified: true });
        const agent = net.agent(stranger) as never;
        expect(errorOf(await new ProtocolClient({ agent, canisterId: net.protocolId, now: () => net.now() + 6n * 60n * SECOND, retryDelayMs: 0 }).logTip()).kind).toBe('Unverified');
        /** A replica (or a proxy) that answers a tree claiming a last block, with a genuine certificate. */
        class ForgedTree extends ProtocolClient {
            override async call<R>(method: never, args: unknown[], opts?: object): Promise<ClientResult<R>> {
                const r = await super.call<R>(method, args, opts);
                if (method === 'icrc3_get_tip_certificate' && r.ok) (r.value as { hash_tree: Uint8Array }[])[0].hash_tree = treeCbor(logPart(5n, new Uint8Array(32)));
                return r;
            }
        }
        const forged = new ForgedTree({ agent, canisterId: net.protocolId, now: () => net.now(), retryDelayMs: 0 });
        expect(errorOf(await forged.logTip())).toEqual({ kind: 'Unverified', message: 'Unverified: the tip does not match the certified data' });
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
        expect(errorOf(await protocol.renew({ nodeId: 'router1', days: 10 })).message).toMatch(/^RenewalTooShort: .*90/);
    });

    it('a stake whose ledger outcome stays unknown is OperationPending, and retryOperation finishes it once', async () => {
        const { ledger, protocol } = clients(owner);
        net.replica.injectFault({ canister: net.ledgerId, method: 'icrc2_transfer_from', when: 'after', times: 2 });
        const e = errorOf(await protocol.registerNode({ nodeId: 'router2', type: 'router', stake: { amount: 100_000n * E8S, lockDays: 180 } }));
        expect(e.kind).toBe('OperationPending');
        expect(e.message).toMatch(/^OperationPending: the stake on node router2 is pending \(.*\); run `emc node retry router2`$/);
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
            const code = await run(args, DEVNET_EXTENSIONS, { out: (s) => (out += s), err: (s) => (err += s), env: { EMC_RETRY_DELAY_MS: '0' } });
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

    // ----- epochs, penalties, peer votes and governance (the network is at the wall clock's time now) -----

    it('reads closed epochs, the emission schedule and the protocol’s parameters', async () => {
        const { protocol } = clients(stranger);
        const epochs = value(await protocol.epochRecords({ start: 0n, count: 3 }));
        expect(epochs.map((e) => [e.epoch, e.start, e.end, e.emitted])).toEqual([0n, 1n, 2n].map((e) => [e, T0 + e * DAY, T0 + (e + 1n) * DAY, 720_000n * E8S]));
        expect(epochs[0].distributed + epochs[0].unallocated).toBe(epochs[0].emitted);
        expect(value(await protocol.epochRecords({ start: 1_000n, count: 5 }))).toEqual([]); // not closed yet
        // R(n) = 64.8M EMC / F(n) per 90-epoch period: F = 1, 1, 2.
        expect(value(await protocol.emissionSchedule(3))).toEqual([
            { period: 1, epochReward: 720_000n * E8S, periodTotal: 64_800_000n * E8S, cumulative: 64_800_000n * E8S },
            { period: 2, epochReward: 720_000n * E8S, periodTotal: 64_800_000n * E8S, cumulative: 129_600_000n * E8S },
            { period: 3, epochReward: 360_000n * E8S, periodTotal: 32_400_000n * E8S, cumulative: 162_000_000n * E8S },
        ]);
        expect(errorOf(await protocol.emissionSchedule(-1))).toEqual({ kind: 'BadInput', message: 'BadInput: periods must be a whole number from 0, got -1' });
        const params = value(await protocol.protocolParams());
        expect(params).toMatchObject({
            epochSeconds: 86_400n,
            validatorPenaltyE8s: 11_570_000_000n,
            validatorWindowSeconds: 3_600n,
            routerPenaltyE8s: 386_000_000n,
            routerWindowSeconds: 600n,
            validatorMinStakeE8s: 1_000_000n * E8S,
            routerMinStakeE8s: 100_000n * E8S,
            validatorMinTermDays: 360,
            routerRenewalMinDays: 90,
            impeachmentWindowSeconds: 7n * 86_400n,
            keyRotationWindowSeconds: 7_200n,
            ledgerFeeE8s: FEE,
        });
        expect(params.computeMultipliers).toEqual([
            { days: 7, multiplierTenths: 14 },
            { days: 30, multiplierTenths: 27 },
            { days: 90, multiplierTenths: 62 },
            { days: 180, multiplierTenths: 100 },
        ]);
        // No batch was confirmed since the first one, so no window counted: nobody was charged.
        expect(value(await protocol.penaltiesSummary())).toEqual({ charged: 0n, moved: 0n, forgiven: 0n, pendingDeductions: 0n, records: 0n });
        expect(value(await protocol.penaltyLog())).toEqual([]);
    });

    it('an impeachment passes with a majority of the validators: disqualified, its whole stake to the treasury', async () => {
        const v = (i: number) => clients(validators[i]).protocol;
        const treasury = value(await v(0).protocolInfo()).treasury;
        const before = value(await clients(stranger).ledger.balance(treasury));
        const stake = (value(await v(0).getNode('val12')) as Node).stake?.amount as bigint;
        expect(errorOf(await clients(stranger).protocol.openImpeachment({ nodeId: 'val12', accuser: 'val0', reason: 'x' })).message).toBe('NotNodeOperator: only the node’s operator can act for it');
        expect(errorOf(await v(0).openImpeachment({ nodeId: 'router1', accuser: 'val0', reason: 'x' })).message).toBe('WrongNodeType: a validator can only impeach another validator');
        expect(errorOf(await v(0).openImpeachment({ nodeId: 'val12', accuser: 'val 0', reason: 'x' })).kind).toBe('BadInput');
        const opened = value(await v(0).openImpeachment({ nodeId: 'val12', accuser: 'val0', reason: 'signed two digests at height 1' }));
        expect(opened).toMatchObject({ kind: 'impeachment', nodeId: 'val12', nodeType: 'validator', status: 'open', closed: false, yes: 1, no: 0, electorate: 12, openedBy: 'val0', reason: 'signed two digests at height 1', nonResponders: [] });
        expect(opened.closesAt - opened.openedAt).toBe(7n * DAY);
        const id = opened.id;
        expect(errorOf(await v(12).voteImpeachment({ id, voter: 'val12', yes: false })).message).toBe('AccusedCannotVote: the accused cannot vote on its own impeachment');
        expect(value(await v(1).voteImpeachment({ id, voter: 'val1', yes: false }))).toMatchObject({ yes: 1, no: 1, status: 'open' });
        expect(errorOf(await v(1).voteImpeachment({ id, voter: 'val1', yes: true }))).toEqual({ kind: 'AlreadyVoted', message: `AlreadyVoted: node val1 already voted in vote ${id}` });
        for (let i = 2; i < 7; i++) expect(value(await v(i).voteImpeachment({ id, voter: `val${i}`, yes: true }))).toMatchObject({ yes: i, status: 'open' });
        const passed = value(await v(7).voteImpeachment({ id, voter: 'val7', yes: true }));
        expect(passed).toMatchObject({ yes: 7, no: 1, status: 'passed' });
        expect(passed.decidedAt).toBe(net.now());
        expect(errorOf(await v(8).voteImpeachment({ id, voter: 'val8', yes: true }))).toEqual({ kind: 'VoteClosed', message: `VoteClosed: vote ${id} is closed (passed)` });
        expect(errorOf(await v(8).voteImpeachment({ id: 99n, voter: 'val8', yes: true }))).toEqual({ kind: 'VoteNotFound', message: 'VoteNotFound: no impeachment 99' });
        await net.replica.advanceTime(2n * 60n * SECOND); // the maintenance timer moves the stake
        const val12 = value(await v(0).getNode('val12')) as Node;
        expect(val12.status).toBe('disqualified');
        expect(val12.stake).toBeUndefined();
        expect(value(await clients(stranger).ledger.balance(treasury)) - before).toBe(stake - FEE);
        expect(value(await v(0).validatorSet()).size).toBe(12);
        expect(value(await v(0).getVote(id))).toEqual(passed);
        expect(value(await v(0).getVote(99n))).toBeUndefined();
        expect(value(await v(0).listVotes())).toEqual([passed]);
        expect(value(await v(0).listVotes({ start: 1n }))).toEqual([]);
    });

    it('a key report answered by a majority of the validators: the new operator takes over', async () => {
        const v = (i: number) => clients(validators[i]).protocol;
        expect(errorOf(await clients(stranger).protocol.reportKeyCompromise({ nodeId: 'val11', newOperator: principalOf(stranger) })).message).toBe('NotNodeOperator: only the node’s operator can act for it');
        expect(errorOf(await clients(owner).protocol.reportKeyCompromise({ nodeId: 'router1', newOperator: principalOf(stranger) })).message).toBe('WrongStatus: node "router1" is router, expected an active validator');
        const report = value(await v(11).reportKeyCompromise({ nodeId: 'val11', newOperator: principalOf(newKey) }));
        expect(report).toMatchObject({ kind: 'key_rotation', nodeId: 'val11', status: 'open', electorate: 11, yes: 0, no: 0, openedBy: 'val11' });
        expect(report.newOperator?.toText()).toBe(principalOf(newKey).toText());
        expect(report.closesAt - report.openedAt).toBe(2n * 3_600n * SECOND);
        expect(value(await v(0).getNode('val11'))).toMatchObject({ frozen: true, status: 'active' });
        expect(errorOf(await v(11).claimRewards('val11')).message).toBe('NodeFrozen: node val11 is frozen: its key is reported compromised');
        expect(value(await v(0).answerKeyReport({ id: report.id, voter: 'val0', confirm: false }))).toMatchObject({ yes: 0, no: 1, status: 'open' });
        for (let i = 1; i < 6; i++) expect(value(await v(i).answerKeyReport({ id: report.id, voter: `val${i}`, confirm: true }))).toMatchObject({ yes: i, status: 'open' });
        const passed = value(await v(6).answerKeyReport({ id: report.id, voter: 'val6', confirm: true }));
        expect(passed).toMatchObject({ yes: 6, no: 1, status: 'passed', closed: false });
        const val11 = value(await v(0).getNode('val11')) as Node;
        expect(val11.operator.toText()).toBe(principalOf(newKey).toText());
        expect(val11.frozen).toBe(false);
        expect(errorOf(await v(7).answerKeyReport({ id: 0n, voter: 'val7', confirm: true }))).toEqual({ kind: 'VoteNotFound', message: 'VoteNotFound: no key report 0' });
        // At the deadline the validators that never answered are recorded.
        await net.replica.advanceTime(2n * 3_600n * SECOND + SECOND);
        const closed = value(await v(0).getVote(report.id)) as Vote;
        expect(closed.closed).toBe(true);
        expect([...closed.nonResponders].sort()).toEqual(['val10', 'val7', 'val8', 'val9']);
    });

    it('validators absent from a window with a confirmed batch lose 115.7 EMC each, moved to the treasury', async () => {
        const v = (i: number) => clients(i === 11 ? newKey : validators[i]).protocol;
        const treasury = value(await v(0).protocolInfo()).treasury;
        const before = value(await clients(stranger).ledger.balance(treasury));
        const set = value(await v(0).validatorSet());
        const active = set.validators.map((n) => Number(n.nodeId.slice(3)));
        const voters = active.slice(0, set.quorum);
        const absent = active.slice(set.quorum);
        expect(absent.length).toBeGreaterThan(0);
        const payload: BatchPayload = { poc_results: [], observations: [] };
        const digest = batchDigest(payload);
        value(await v(voters[0]).proposeBatch({ height: 3n, payload }));
        for (const i of voters.slice(1)) value(await v(i).voteBatch({ height: 3n, digest }));
        expect(value(await v(0).certifiedTip()).height).toBe(3n);
        // The window containing the batch completes within the hour; the timer charges and moves the penalties.
        await net.replica.advanceTime(61n * 60n * SECOND);
        await net.replica.advanceTime(11n * 60n * SECOND);
        const P = 11_570_000_000n;
        for (const i of absent) expect(value(await v(0).getNode(`val${i}`))).toMatchObject({ penalized: P, penaltyDue: 0n, suspended: true });
        for (const i of voters) expect(value(await v(0).getNode(`val${i}`))).toMatchObject({ penalized: 0n, penaltyDue: 0n, suspended: false });
        expect(value(await clients(stranger).ledger.balance(treasury)) - before).toBe(BigInt(absent.length) * P);
        // The log: val12's impeachment (its whole stake; the escrow could not cover the transfer fee on top,
        // so that fee is forgiven), then one window for each absent validator.
        const log = value(await v(0).penaltyLog());
        expect(log[0]).toMatchObject({ seq: 0n, nodeId: 'val12', kind: 'impeachment', amount: 1_000_000n * E8S, windows: 0 });
        const liveness = log.slice(1);
        expect(liveness.map((r) => [r.nodeId, r.kind, r.amount, r.windows])).toEqual(absent.map((i) => [`val${i}`, 'liveness', P, 1]));
        for (const r of liveness) {
            expect(r.lastWindow).toBe(r.firstWindow);
            expect(r.time).toBeGreaterThanOrEqual(r.firstWindow + 3_600n * SECOND);
        }
        expect(value(await v(0).penaltyLog({ start: 1n, count: 1 }))).toEqual([log[1]]);
        expect(value(await v(0).penaltiesSummary())).toEqual({
            charged: 1_000_000n * E8S + BigInt(absent.length) * P,
            moved: 1_000_000n * E8S - FEE + BigInt(absent.length) * P,
            forgiven: FEE,
            pendingDeductions: 0n,
            records: BigInt(log.length),
        });
    });

    it('governance: every method is refused (NotGovernance) to others and accepted from governance with its validate text', async () => {
        const gov = clients(owner).protocol;
        const other = clients(stranger).protocol;
        const notAuthorized = { kind: 'NotGovernance', message: 'NotGovernance: only the governance principal may call this method' };

        // update_params
        const u = { impeachmentWindowSeconds: 14n * 86_400n, routerRenewalMinDays: 120 };
        const proposal = value(await other.validateUpdateParams(u));
        expect(proposal).toBe('Change protocol parameters: impeachment_window_seconds 604800 → 1209600; router_renewal_min_days 90 → 120.');
        expect(errorOf(await other.updateParams(u))).toEqual(notAuthorized);
        expect(value(await gov.updateParams(u))).toBe(proposal);
        expect(value(await other.protocolParams())).toMatchObject({ impeachmentWindowSeconds: 1_209_600n, routerRenewalMinDays: 120 });
        expect(errorOf(await gov.validateUpdateParams({}))).toEqual({ kind: 'Invalid', message: 'Invalid: the update changes no parameter' });
        expect(errorOf(await gov.updateParams({}))).toEqual({ kind: 'NoParamChange', message: 'NoParamChange: the update changes no parameter' });
        expect(errorOf(await gov.validateUpdateParams({ epochSeconds: 1n }))).toEqual({ kind: 'Invalid', message: 'Invalid: epoch_seconds must be between 60 and 2592000' });

        // pay_grant and airdrop_batch, from the treasury (which holds val12's stake and the penalties)
        const { ledger } = clients(stranger);
        const treasury = value(await other.protocolInfo()).treasury;
        const t0 = value(await ledger.balance(treasury));
        const s0 = value(await ledger.balance());
        const c0 = value(await ledger.balance({ owner: principalOf(computeOp) }));
        const grant = { to: { owner: principalOf(stranger) }, amount: 1_000n * E8S, reason: 'SDK bounty #12' };
        const grantText = value(await other.validatePayGrant(grant));
        expect(grantText).toBe(`Pay a developer grant of 1000 EMC to ${principalOf(stranger).toText()} from the treasury (SDK bounty #12). The grant pool keeps 251999000 EMC.`);
        expect(errorOf(await other.payGrant(grant))).toEqual(notAuthorized);
        const [paid] = value(await gov.payGrant(grant));
        expect(paid).toMatchObject({ id: 0n, kind: 'grant', amount: 1_000n * E8S, reason: 'SDK bounty #12', status: 'paid', createdAt: net.now() });
        expect(paid.to.owner.toText()).toBe(principalOf(stranger).toText());
        expect(paid.block).toBeDefined();
        expect(value(await other.getPayout(0n))).toEqual(paid);
        expect(value(await other.getPayout(99n))).toBeUndefined();
        expect(errorOf(await gov.validatePayGrant({ ...grant, amount: 0n }))).toEqual({ kind: 'Invalid', message: 'Invalid: payment 0: the amount must be positive' });
        const drop = { payments: [{ to: { owner: principalOf(stranger) }, amount: 10n * E8S }, { to: { owner: principalOf(computeOp) }, amount: 20n * E8S }], reason: 'DAO airdrop batch 1' };
        const dropText = value(await other.validateAirdropBatch(drop));
        expect(dropText).toBe('Pay a developer ecosystem airdrop of 30 EMC to 2 accounts from the treasury (DAO airdrop batch 1). The airdrop pool keeps 104999970 EMC.');
        expect(errorOf(await other.airdropBatch(drop))).toEqual(notAuthorized);
        const payouts = value(await gov.airdropBatch(drop));
        expect(payouts.map((p) => [p.id, p.kind, p.amount, p.status])).toEqual([
            [1n, 'airdrop', 10n * E8S, 'paid'],
            [2n, 'airdrop', 20n * E8S, 'paid'],
        ]);
        expect(value(await ledger.balance())).toBe(s0 + 1_010n * E8S);
        expect(value(await ledger.balance({ owner: principalOf(computeOp) }))).toBe(c0 + 20n * E8S);
        expect(value(await ledger.balance(treasury))).toBe(t0 - 1_030n * E8S - 3n * FEE);

        // pause and resume: while paused, a registration is refused with kind Paused
        const pauseText = value(await other.validatePause('upgrade to 1.1'));
        expect(pauseText).toBe('Pause the EMC protocol (upgrade to 1.1): registrations, stakes, claims, batches and votes are refused until resumed; stake releases go on.');
        expect(errorOf(await other.pause('upgrade to 1.1'))).toEqual(notAuthorized);
        expect(value(await gov.pause('upgrade to 1.1'))).toBe(pauseText);
        expect(value(await other.protocolInfo()).paused).toBe('upgrade to 1.1');
        expect(errorOf(await other.registerNode({ nodeId: 'gpu9', type: 'compute' }))).toEqual({ kind: 'Paused', message: 'Paused: the protocol is paused by governance (upgrade to 1.1); try again after it resumes; nothing was sent', checkedBeforeSending: true });
        expect(errorOf(await clients(validators[0]).protocol.openImpeachment({ nodeId: 'val1', accuser: 'val0', reason: 'x' })).kind).toBe('Paused');
        expect(errorOf(await gov.validatePause('again'))).toEqual({ kind: 'Invalid', message: 'Invalid: the protocol is already paused' });
        const resumeText = value(await other.validateResume());
        expect(resumeText).toMatch(/^Resume the EMC protocol \(paused since \d+ ns: upgrade to 1\.1\)\.$/);
        expect(errorOf(await other.resume())).toEqual(notAuthorized);
        expect(value(await gov.resume())).toBe(resumeText);
        expect(value(await other.protocolInfo()).paused).toBeUndefined();
        expect(errorOf(await other.validateResume())).toEqual({ kind: 'Invalid', message: 'Invalid: the protocol is not paused' });
        expect(value(await other.registerNode({ nodeId: 'gpu9', type: 'compute' })).status).toBe('awaiting_poc');

        // set_governance: handed to the stranger and back
        const hand = value(await gov.validateSetGovernance(principalOf(stranger)));
        expect(hand).toBe(`Hand governance of the EMC protocol from ${principalOf(owner).toText()} to ${principalOf(stranger).toText()}.`);
        expect(errorOf(await other.setGovernance(principalOf(stranger)))).toEqual(notAuthorized);
        expect(value(await gov.setGovernance(principalOf(stranger)))).toBe(hand);
        expect(value(await gov.protocolInfo()).governance.toText()).toBe(principalOf(stranger).toText());
        expect(errorOf(await gov.pause('x'))).toEqual(notAuthorized);
        expect(errorOf(await gov.validateSetGovernance(principalOf(stranger)))).toEqual({ kind: 'Invalid', message: 'Invalid: that principal already is the governance principal' });
        const back = value(await other.validateSetGovernance(principalOf(owner)));
        expect(value(await other.setGovernance(principalOf(owner)))).toBe(back);
        expect(value(await gov.protocolInfo()).governance.toText()).toBe(principalOf(owner).toText());

        // every executed change is in the log, with its caller
        const log = value(await other.governanceLog());
        expect(log.map((e) => [e.seq, e.method, e.caller.toText()])).toEqual(
            [
                ['admit_validators', owner],
                ['update_params', owner],
                ['pay_grant', owner],
                ['airdrop_batch', owner],
                ['pause', owner],
                ['resume', owner],
                ['set_governance', owner],
                ['set_governance', stranger],
            ].map(([m, who], i) => [BigInt(i), m, principalOf(who as Identity).toText()]),
        );
        expect(log[1]).toMatchObject({ before: 'impeachment_window_seconds=604800; router_renewal_min_days=90', after: 'impeachment_window_seconds=1209600; router_renewal_min_days=120' });
        expect(log[2].after).toBe(`${grantText} Payouts 0..0.`);
        expect(log[3].after).toBe(`${dropText} Payouts 1..2.`);
        expect(value(await other.governanceLog({ start: 7n }))).toEqual([log[7]]);
    });

    it('a stake refused after its approval (the state changed in between) says that the approval and its fee remain', async () => {
        const gov = clients(owner).protocol;
        expect(value(await clients(stranger).protocol.getNode('gpu9'))?.stake).toBeUndefined();
        // The protocol's state changes between the pre-check and the call (governance pauses in between):
        // the canister's refusal says that the approval made for it, and its fee, remain.
        const inner = net.agent(stranger);
        const racing = new Proxy(inner, {
            get(target, prop) {
                const v = Reflect.get(target, prop, target) as unknown;
                if (prop !== 'call') return typeof v === 'function' ? v.bind(target) : v;
                return async (canisterId: unknown, fields: { methodName: string }) => {
                    if (fields.methodName === 'stake_compute') value(await gov.pause('a race'));
                    return (v as (...a: unknown[]) => Promise<unknown>).call(target, canisterId, fields);
                };
            },
        });
        const raced = clients(stranger, { agent: racing });
        const sBefore = value(await raced.ledger.balance());
        const lost = errorOf(await raced.protocol.stakeCompute({ nodeId: 'gpu9', amount: 10n * E8S, lockDays: 30 }));
        expect(lost.kind).toBe('Paused');
        expect(lost.message).toMatch(/^Paused: the protocol is paused by governance \(a race\); try again after it resumes \(the approval of 10\.001 EMC for the protocol made for it, ledger block \d+, stays until \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC; its fee of 0\.001 EMC was spent\)$/);
        expect(value(await raced.ledger.balance())).toBe(sBefore - FEE);
        expect(value(await raced.ledger.allowance({ spender: { owner: net.protocolId } })).allowance).toBe(10n * E8S + FEE);
        expect(value(await gov.resume())).toMatch(/^Resume the EMC protocol/);
    });
});
