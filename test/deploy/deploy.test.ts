/**
 * scripts/deploy.ts as a process in a fresh dfx project, against a fake `dfx` on PATH
 * (test/deploy/fake-dfx.ts: records its arguments, answers as dfx does, enforces dfx's order):
 * the commands and their order, the encoded install arguments decoded again with the published
 * interfaces and compared with the config, refusals that change nothing; then the very same
 * arguments installed on the embedded replica, both canisters answering and pointing at each other,
 * the deployer governing on local — and an upgrade with the recorded upgrade arguments.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Actor, type Identity } from '@dfinity/agent';
import { IDL } from '@dfinity/candid';
import { Ed25519KeyIdentity } from '@dfinity/identity';
import { Principal } from '@dfinity/principal';
import { ledgerServiceIdl } from '../../src/ledger/api/interface';
import { protocolServiceIdl } from '../../src/protocol/api/interface';
import { NNS_GOVERNANCE } from '../../src/protocol/api/candid';
import { EmbeddedReplica } from '../../tools/replica';
import { parseDid } from '../helpers/did';
import { builtWasm } from '../helpers/wasm';

const ROOT = resolve(__dirname, '..', '..');
const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');
const SCRIPT = join(ROOT, 'scripts', 'deploy.ts');
const FAKE_BIN = join(__dirname, 'bin');
const E8S = 100_000_000n;
const deployer = Ed25519KeyIdentity.generate(new Uint8Array(32).fill(77));
const DEPLOYER = deployer.getPrincipal().toText();

const protocolDid = parseDid(readFileSync(join(ROOT, 'candid', 'emc_protocol.did'), 'utf8'));
const ledgerDid = parseDid(readFileSync(join(ROOT, 'candid', 'emc_ledger.did'), 'utf8'));
const dfinityDid = parseDid(readFileSync(join(ROOT, 'test', 'dfinity', 'ledger.did'), 'utf8'));

let bundle: string;

beforeAll(() => {
    // plain node starts the fake in a fraction of tsx's time (esbuild comes with tsx)
    bundle = join(mkdtempSync(join(tmpdir(), 'fake-dfx-')), 'fake-dfx.js');
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require('esbuild').buildSync({ entryPoints: [join(__dirname, 'fake-dfx.ts')], bundle: true, platform: 'node', format: 'cjs', outfile: bundle, logLevel: 'warning' });
});

interface Project {
    dir: string;
    run(args: string[]): { code: number; stdout: string; stderr: string; calls: string[][] };
    /** Every dfx call so far. */
    calls(): string[][];
}

/** A fresh dfx project: this repository's dfx.json and the given (or the repository's) deploy.json. */
function project(config?: unknown): Project {
    const dir = mkdtempSync(join(tmpdir(), 'emc-deploy-'));
    copyFileSync(join(ROOT, 'dfx.json'), join(dir, 'dfx.json'));
    if (config === undefined) copyFileSync(join(ROOT, 'deploy.json'), join(dir, 'deploy.json'));
    else writeFileSync(join(dir, 'deploy.json'), JSON.stringify(config));
    const log = join(dir, 'dfx-calls.jsonl');
    const calls = (): string[][] => {
        try {
            return readFileSync(log, 'utf8').trim().split('\n').filter((l) => l !== '').map((l) => JSON.parse(l).args as string[]);
        } catch {
            return [];
        }
    };
    return {
        dir,
        calls,
        run(args) {
            const before = calls().length;
            const r = spawnSync(process.execPath, [TSX, SCRIPT, ...args], {
                cwd: dir,
                encoding: 'utf8',
                env: { ...process.env, PATH: `${FAKE_BIN}:${process.env.PATH}`, FAKE_DFX_BUNDLE: bundle, FAKE_DFX_STATE: join(dir, 'dfx-state.json'), FAKE_DFX_LOG: log, FAKE_DFX_PRINCIPAL: DEPLOYER },
            });
            return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr, calls: calls().slice(before) };
        },
    };
}

const PARAM_KEYS = [
    'epoch_seconds', 'validator_penalty_e8s', 'validator_window_seconds', 'router_penalty_e8s', 'router_window_seconds', 'compute_window_seconds',
    'validator_min_stake_e8s', 'router_min_stake_e8s', 'validator_min_term_days', 'validator_renewal_min_days', 'validator_max_renewals',
    'router_min_term_days', 'router_renewal_min_days', 'compute_multipliers', 'impeachment_window_seconds', 'key_rotation_window_seconds',
];
const WITH_VALUE = new Set(['--network', '--mode', '--argument-type', '--argument', '--output', '--with-cycles']);

/** A dfx call without its options: `canister install emc_ledger`, `version`. */
function verb(c: string[]): string {
    const out: string[] = [];
    for (let i = 0; i < c.length; i++) {
        if (c[i] === '--version') out.push('version');
        else if (WITH_VALUE.has(c[i])) i++;
        else if (!c[i].startsWith('--') && c[i] !== '()') out.push(c[i]);
    }
    return out.join(' ');
}
const argOf = (c: string[]): Uint8Array => new Uint8Array(Buffer.from(c[c.indexOf('--argument') + 1], 'hex'));
const installs = (calls: string[][]) => calls.filter((c) => c[0] === 'canister' && c[1] === 'install');

function decodeWith(types: any[], bytes: Uint8Array): any {
    return IDL.decode(types, bytes)[0];
}

describe('npm run deploy -- --network local (fake dfx on PATH)', () => {
    let p: Project;
    let first: ReturnType<Project['run']>;
    beforeAll(() => {
        p = project();
        first = p.run(['--network', 'local']);
    });

    it('creates both canisters, builds, installs the protocol with the ledger’s id, then the ledger with the protocol as minting account, and checks both', () => {
        expect(first.stderr).toBe('');
        expect(first.code).toBe(0);
        expect(first.calls.map(verb)).toEqual([
            'version',
            'identity whoami',
            'identity get-principal',
            'canister id emc_ledger',
            'canister id emc_protocol',
            'canister id emc_ledger',
            'canister create emc_ledger',
            'canister id emc_protocol',
            'canister create emc_protocol',
            'canister id emc_ledger',
            'canister id emc_protocol',
            'build emc_ledger',
            'build emc_protocol',
            'canister install emc_protocol',
            'canister install emc_ledger',
            'canister call emc_ledger icrc1_minting_account',
            'canister call emc_protocol protocol_info',
        ]);
        for (const c of first.calls.slice(3)) expect(c.slice(c.indexOf('--network'), c.indexOf('--network') + 2)).toEqual(['--network', 'local']);
        expect(first.stdout).toContain('emc_ledger    bkyz2-fmaaa-aaaaa-qaaaq-cai');
        expect(first.stdout).toContain('emc_protocol  bd3sg-teaaa-aaaaa-qaaba-cai');
        expect(first.stdout).toContain(`governance = ${DEPLOYER} (your dfx identity 'default')`);
        expect(first.stdout).toContain(`dfx canister call emc_ledger icrc1_balance_of '(record { owner = principal "${DEPLOYER}" })' --network local`);
        expect(first.stdout).toContain('npm run deploy -- --network local --upgrade');
    });

    it('passes the config’s arguments, encoded: decoded again with the published interfaces they are what deploy.json says', () => {
        const [protocolInstall, ledgerInstall] = installs(first.calls);
        expect(protocolInstall).toEqual(expect.arrayContaining(['--mode', 'install', '--argument-type', 'raw']));
        const pa = decodeWith(protocolDid.init({ IDL }), argOf(protocolInstall));
        expect(pa.Init.ledger.toText()).toBe('bkyz2-fmaaa-aaaaa-qaaaq-cai');
        expect(pa.Init.governance.map((x: Principal) => x.toText())).toEqual([DEPLOYER]);
        expect(pa.Init.genesis_time).toEqual([]);
        expect(pa.Init.epoch_seconds).toEqual([]);
        expect(pa.Init.vesting).toEqual([]);
        // DFINITY's own LedgerArg reads the ledger's argument (our one extra field, max_supply, is skipped) …
        const la = decodeWith(dfinityDid.init({ IDL }), argOf(ledgerInstall));
        expect(la.Init.minting_account.owner.toText()).toBe('bd3sg-teaaa-aaaaa-qaaba-cai');
        expect(la.Init.minting_account.subaccount).toEqual([]);
        expect(la.Init.initial_balances.map(([a, n]: [{ owner: Principal }, bigint]) => [a.owner.toText(), n])).toEqual([[DEPLOYER, 1_000_000n * E8S]]);
        expect(la.Init.transfer_fee).toBe(100_000n);
        expect([la.Init.token_symbol, la.Init.token_name]).toEqual(['EMC', 'EMC']);
        expect(la.Init.feature_flags).toEqual([{ icrc2: true }]);
        // … and so does ours, with max_supply left to the default
        expect(decodeWith(ledgerDid.init({ IDL }), argOf(ledgerInstall)).Init.max_supply).toEqual([]);
        // the Candid text printed for people is the same value
        expect(first.stdout).toContain('installing emc_protocol with (variant {Init=record {vesting=null; ledger=principal "bkyz2-fmaaa-aaaaa-qaaaq-cai"');
    });

    it('the same arguments on the embedded replica: both canisters answer, point at each other, and the deployer governs', async () => {
        const replica = await EmbeddedReplica.create({ time: 1_760_000_000_000_000_000n });
        const [protocolInstall, ledgerInstall] = installs(first.calls);
        const protocolId = Principal.fromText('bd3sg-teaaa-aaaaa-qaaba-cai');
        const ledgerId = Principal.fromText('bkyz2-fmaaa-aaaaa-qaaaq-cai');
        await replica.installCanister({ wasm: builtWasm('protocol'), arg: argOf(protocolInstall), canisterId: protocolId });
        await replica.installCanister({ wasm: builtWasm('ledger'), arg: argOf(ledgerInstall), canisterId: ledgerId });
        const ledger = (who?: Identity) => Actor.createActor(ledgerServiceIdl as never, { agent: replica.createAgent(who) as never, canisterId: ledgerId }) as any;
        const protocol = (who?: Identity) => Actor.createActor(protocolServiceIdl as never, { agent: replica.createAgent(who) as never, canisterId: protocolId }) as any;
        expect((await ledger().icrc1_minting_account())[0].owner.toText()).toBe(protocolId.toText());
        expect(await ledger().icrc1_balance_of({ owner: deployer.getPrincipal(), subaccount: [] })).toBe(1_000_000n * E8S);
        const info = await protocol().protocol_info();
        expect(info.ledger.toText()).toBe(ledgerId.toText());
        expect(info.governance.toText()).toBe(DEPLOYER);
        expect(info.ledger_fee).toBe(100_000n);
        // a local developer can govern: change a parameter, pause and resume; nobody else can
        const noChange = Object.fromEntries(PARAM_KEYS.map((k) => [k, []]));
        expect(await protocol(deployer).update_params({ ...noChange, epoch_seconds: [3_600n] })).toHaveProperty('Ok');
        expect(await protocol(Ed25519KeyIdentity.generate(new Uint8Array(32).fill(78))).update_params({ ...noChange, epoch_seconds: [7_200n] })).toHaveProperty('Err.NotGovernance');
        expect(await protocol(deployer).pause('local test')).toHaveProperty('Ok');
        expect(await protocol(Ed25519KeyIdentity.generate(new Uint8Array(32).fill(78))).resume()).toHaveProperty('Err.NotGovernance');
        expect(await protocol(deployer).resume()).toHaveProperty('Ok');

        // running it again refuses to install over code, and runs nothing but reads
        const again = p.run(['--network', 'local']);
        expect(again.code).toBe(1);
        expect(again.stderr).toContain('emc_ledger on local already has code: run with --upgrade');
        expect(again.calls.filter((c) => ['create', 'install', 'build'].includes(c[1]) || c[0] === 'build')).toEqual([]);

        // --upgrade: builds, upgrades both with Upgrade arguments, checks them; the replica takes the same bytes
        const up = p.run(['--network', 'local', '--upgrade']);
        expect(up.code).toBe(0);
        expect(up.calls.map(verb).slice(3)).toEqual([
            'canister id emc_ledger',
            'canister id emc_protocol',
            'canister info emc_ledger',
            'canister info emc_protocol',
            'build emc_ledger',
            'build emc_protocol',
            'canister install emc_protocol',
            'canister install emc_ledger',
            'canister call emc_ledger icrc1_minting_account',
            'canister call emc_protocol protocol_info',
        ]);
        const [protocolUp, ledgerUp] = installs(up.calls);
        expect(protocolUp).toEqual(expect.arrayContaining(['--mode', 'upgrade', '--yes']));
        expect(decodeWith(protocolDid.init({ IDL }), argOf(protocolUp))).toEqual({ Upgrade: [] });
        expect(decodeWith(dfinityDid.init({ IDL }), argOf(ledgerUp))).toEqual({ Upgrade: [] });
        expect(up.stdout).toContain('Upgraded on local');
        await replica.upgradeCanister(protocolId, { wasm: builtWasm('protocol'), arg: argOf(protocolUp) });
        await replica.upgradeCanister(ledgerId, { wasm: builtWasm('ledger'), arg: argOf(ledgerUp) });
        expect(await ledger().icrc1_balance_of({ owner: deployer.getPrincipal(), subaccount: [] })).toBe(1_000_000n * E8S);
        expect((await protocol().protocol_params()).epoch_seconds).toBe(3_600n);
        expect((await protocol().protocol_info()).ledger.toText()).toBe(ledgerId.toText());
    });
});

describe('npm run deploy -- --network ic', () => {
    const icConfig = (over: object) => ({ ic: { initial_balances: [{ account: DEPLOYER, amount: '1000' }], ...over } });

    it('refuses without an explicit governance, and refuses "deployer" there, creating nothing', () => {
        for (const [config, message] of [
            [icConfig({}), 'deploy config ic.governance is not set'],
            [icConfig({ governance: 'deployer' }), '"deployer" is only accepted on local'],
            [icConfig({ governance: NNS_GOVERNANCE, initial_balances: [{ account: DEPLOYER, amount: '1302000000.00000001' }] }), 'more than the 1302000000 EMC'],
        ] as const) {
            const p = project(config);
            const r = p.run(['--network', 'ic']);
            expect(r.code).toBe(1);
            expect(r.stderr).toContain(message);
            expect(r.calls.filter((c) => c[1] === 'create' || c[1] === 'install' || c[0] === 'build')).toEqual([]);
        }
    });

    it('with the NNS governance canister and cycles: creates with --with-cycles, installs governance = NNS', () => {
        const p = project(icConfig({ governance: NNS_GOVERNANCE, cycles: '2000000000000' }));
        const r = p.run(['--network', 'ic']);
        expect(r.stderr).toBe('');
        expect(r.code).toBe(0);
        const creates = r.calls.filter((c) => c[1] === 'create');
        expect(creates).toEqual([
            ['canister', 'create', 'emc_ledger', '--network', 'ic', '--with-cycles', '2000000000000'],
            ['canister', 'create', 'emc_protocol', '--network', 'ic', '--with-cycles', '2000000000000'],
        ]);
        const pa = decodeWith(protocolDid.init({ IDL }), argOf(installs(r.calls)[0]));
        expect(pa.Init.governance.map((x: Principal) => x.toText())).toEqual([NNS_GOVERNANCE]);
        expect(r.stdout).toContain('docs/deploy.md');
    });

    it('--dry-run prints both Candid arguments and creates nothing', () => {
        const p = project(icConfig({ governance: NNS_GOVERNANCE }));
        const r = p.run(['--network', 'ic', '--dry-run']);
        expect(r.code).toBe(0);
        expect(r.calls.map(verb)).toEqual(['version', 'identity whoami', 'identity get-principal', 'canister id emc_ledger', 'canister id emc_protocol']);
        expect(r.stdout).toContain(`governance=opt principal "${NNS_GOVERNANCE}"`);
        expect(r.stdout).toContain('minting_account=record {owner=principal "aaaaa-aa"');
        expect(r.stdout).toContain('dry run: nothing was created or installed');
    });

    it('usage errors', () => {
        const p = project();
        expect(p.run([]).stderr).toContain('--network is required');
        expect(p.run(['--network', 'staging']).stderr).toContain("no section for network 'staging'");
        expect(p.run(['--network', 'local', '--bogus']).code).toBe(2);
    });
});
