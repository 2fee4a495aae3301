/**
 * A stand-in for `dfx` (test/deploy/bin/dfx runs it), for testing scripts/deploy.ts where no dfx
 * replica can run. It records every invocation (FAKE_DFX_LOG, JSON lines) and answers the commands
 * the deploy script uses as dfx 0.29 does — same output shapes and errors, and dfx's rules: a
 * canister must be created before it is built, built before it is installed, `--mode install`
 * refuses a canister that has code, `--mode upgrade` one that has none, `--argument-type` needs
 * `--argument`, raw arguments are hex. Canister ids are handed out as a fresh local replica does.
 * Queries answer from what was installed: `icrc1_minting_account` from the ledger's init argument,
 * `protocol_info` from the protocol's (the test then checks the real canisters answer the same).
 * State: FAKE_DFX_STATE (JSON). Identity: FAKE_DFX_PRINCIPAL.
 */
import { createHash } from 'node:crypto';
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Principal } from '@dfinity/principal';
import { decode, encode } from '../../src/lib/candid/candid';
import * as L from '../../src/ledger/api/candid';
import * as P from '../../src/protocol/api/candid';

/** The ids a fresh `dfx start` hands out, in order. */
const LOCAL_IDS = ['bkyz2-fmaaa-aaaaa-qaaaq-cai', 'bd3sg-teaaa-aaaaa-qaaba-cai', 'be2us-64aaa-aaaaa-qaabq-cai'];
const IC_IDS = ['ryjl3-tyaaa-aaaaa-aaaba-cai', 'r7inp-6aaaa-aaaaa-aaabq-cai', 'rkp4c-7iaaa-aaaaa-aaaca-cai'];

interface Canister {
    id: string;
    built: boolean;
    moduleHash?: string;
    installArg?: string;
}
interface State {
    networks: Record<string, Record<string, Canister>>;
}

const statePath = process.env.FAKE_DFX_STATE as string;
const logPath = process.env.FAKE_DFX_LOG as string;
const args = process.argv.slice(2);
appendFileSync(logPath, `${JSON.stringify({ args, cwd: process.cwd() })}\n`);

const state: State = existsSync(statePath) ? JSON.parse(readFileSync(statePath, 'utf8')) : { networks: {} };
const save = () => writeFileSync(statePath, JSON.stringify(state, null, 2));

function exit(code: number, stdout = '', stderr = ''): never {
    if (stdout !== '') process.stdout.write(stdout.endsWith('\n') ? stdout : `${stdout}\n`);
    if (stderr !== '') process.stderr.write(stderr.endsWith('\n') ? stderr : `${stderr}\n`);
    process.exit(code);
}

function option(name: string): string | undefined {
    const i = args.indexOf(name);
    return i < 0 ? undefined : args[i + 1];
}

const network = option('--network') ?? 'local';
const dfxJson = JSON.parse(readFileSync(join(process.cwd(), 'dfx.json'), 'utf8')) as { canisters: Record<string, unknown>; networks?: Record<string, unknown> };
if (network !== 'ic' && !(network in (dfxJson.networks ?? {})) && network !== 'local') exit(255, '', `Error: Network not found: ${network}`);
const canisters = (state.networks[network] ??= {});

function known(name: string): void {
    if (!(name in dfxJson.canisters)) exit(255, '', `Error: Cannot find canister '${name}' in dfx.json.`);
}

function created(name: string): Canister {
    known(name);
    const c = canisters[name];
    if (c === undefined) exit(255, '', `Error: Cannot find canister id. Please issue 'dfx canister create ${name}${network === 'local' ? '' : ` --network ${network}`}'.`);
    return c as Canister;
}

const [cmd, sub, name, method] = args;
if (cmd === '--version') exit(0, 'dfx 0.29.2');
if (cmd === 'identity' && sub === 'whoami') exit(0, 'default');
if (cmd === 'identity' && sub === 'get-principal') exit(0, process.env.FAKE_DFX_PRINCIPAL as string);

if (cmd === 'canister' && sub === 'id') exit(0, created(name).id);

if (cmd === 'canister' && sub === 'create') {
    known(name);
    const existing = canisters[name];
    if (existing !== undefined) exit(0, '', `${name} canister was already created on network ${network} and has canister id: ${existing.id}`);
    if (network === 'ic' && option('--with-cycles') === undefined && process.env.FAKE_DFX_NO_WALLET === '1') exit(255, '', 'Error: Failed to create canister: no cycles wallet and no --with-cycles');
    const ids = network === 'local' ? LOCAL_IDS : IC_IDS;
    const id = ids[Object.keys(canisters).length];
    canisters[name] = { id, built: false };
    save();
    exit(0, '', `Creating canister ${name}...\n${name} canister created${network === 'local' ? '' : ` on network ${network}`} with canister id: ${id}`);
}

if (cmd === 'canister' && sub === 'info') {
    const c = created(name);
    exit(0, `Controllers: ${process.env.FAKE_DFX_PRINCIPAL}\nModule hash: ${c.moduleHash === undefined ? 'None' : `0x${c.moduleHash}`}`);
}

if (cmd === 'build') {
    const c = created(sub);
    c.built = true;
    save();
    exit(0, '', `Building canister '${sub}'.\nExecuting 'npx tsx scripts/build.ts ${sub}'`);
}

if (cmd === 'canister' && sub === 'install') {
    const c = created(name);
    if (!c.built) exit(255, '', `Error: Failed to install wasm module to canister '${name}'.\nCaused by: The canister must be built before install. Please run \`dfx build\`.`);
    const mode = option('--mode') ?? 'install';
    const type = option('--argument-type');
    const arg = option('--argument');
    if (type !== undefined && arg === undefined) exit(2, '', "error: the following required arguments were not provided:\n  --argument <ARGUMENT>");
    if (type !== 'raw') exit(255, '', 'fake dfx: only raw arguments are supported here');
    if (!/^([0-9a-f]{2})*$/i.test(arg as string)) exit(255, '', 'Error: Failed to create argument blob.\nCaused by: Invalid argument: Argument is not a valid hex string');
    if (mode === 'install' && c.moduleHash !== undefined) exit(255, '', `Error: Failed to install wasm module to canister '${name}'.\nCaused by: Canister ${c.id} is already installed. Please try with \`dfx canister install --mode upgrade\` or \`--mode reinstall\`.`);
    if (mode === 'upgrade' && c.moduleHash === undefined) exit(255, '', `Error: Failed to install wasm module to canister '${name}'.\nCaused by: Canister ${c.id} has no code to upgrade.`);
    c.moduleHash = createHash('sha256').update(`${name}-wasm`).digest('hex');
    if (mode === 'install') c.installArg = arg;
    save();
    exit(0, `${mode === 'upgrade' ? 'Upgrading' : 'Installing'} code for canister ${name}, with canister ID ${c.id}`);
}

if (cmd === 'canister' && sub === 'call') {
    const c = created(name);
    if (c.moduleHash === undefined) exit(255, '', `Error: Failed query call.\nCaused by: The replica returned a rejection error: reject code CanisterError, reject message Canister ${c.id} is empty.`);
    if (option('--output') !== 'raw') exit(255, '', 'fake dfx: only --output raw is supported here');
    const init = (n: string) => Buffer.from(canisters[n]?.installArg ?? '', 'hex');
    if (name === 'emc_ledger' && method === 'icrc1_minting_account') {
        const [a] = decode([L.LedgerArg], init('emc_ledger')) as [{ Init: { minting_account: L.CAccount } }];
        exit(0, Buffer.from(encode([L.OptAccount], [[a.Init.minting_account]])).toString('hex'));
    }
    if (name === 'emc_protocol' && method === 'protocol_info') {
        const [a] = decode([P.ProtocolArgT], init('emc_protocol')) as [{ Init: { ledger: Principal; governance: [] | [Principal] } }];
        const info = {
            governance: a.Init.governance[0] ?? Principal.fromText(P.NNS_GOVERNANCE),
            ledger: a.Init.ledger,
            treasury: { owner: Principal.fromText(c.id), subaccount: [new Uint8Array(32)] },
            ledger_fee: 100_000n,
            validators: 0,
            pending_releases: 0n,
            paused: [],
        };
        exit(0, Buffer.from(encode([P.ProtocolInfoT], [info])).toString('hex'));
    }
    exit(255, '', `Error: Failed query call.\nCaused by: Canister ${c.id} has no query method '${method}'`);
}

exit(2, '', `error: unrecognized subcommand '${args.join(' ')}'`);
