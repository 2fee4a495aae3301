/**
 * Deploys emc_ledger and emc_protocol with dfx on a fresh project, or upgrades them
 * (`npm run deploy -- --network local|ic [--upgrade] [--dry-run] [--config FILE]`, docs/deploy.md).
 *
 * The id cycle — the protocol needs the ledger's id, the ledger's minting account is the protocol —
 * is resolved by creating both canisters first (ids are known before any code runs), then
 * installing the protocol with `Init.ledger` = the ledger's id, then the ledger with
 * `minting_account` = the protocol. Install arguments are encoded here (src/deploy/config.ts, the
 * same bytes the embedded replica installs in the tests) and passed to dfx as hex
 * (`--argument-type raw`), so dfx does not re-interpret them; the Candid text of each is printed.
 * After installing, both canisters are asked (`icrc1_minting_account`, `protocol_info`) whether
 * they point at each other. Nothing is installed over existing code without `--upgrade`.
 * Every dfx call goes through `Dfx.run`, so tests can put a fake dfx in its place.
 * Storage: none of its own (dfx keeps the canister ids). Cost: a handful of dfx calls.
 */
import { spawnSync } from 'node:child_process';
import { Principal } from '@dfinity/principal';
import { decode } from '../lib/candid/candid';
import * as L from '../ledger/api/candid';
import * as P from '../protocol/api/candid';
import { candidText, ledgerInstallArg, ledgerUpgradeArg, protocolInitArg, protocolUpgradeArg, resolveConfig, toHex, type DeployConfig } from './config';

export const LEDGER = 'emc_ledger';
export const PROTOCOL = 'emc_protocol';

export interface DfxResult {
    code: number;
    stdout: string;
    stderr: string;
}

export interface Dfx {
    run(args: string[]): DfxResult;
}

export class DeployError extends Error {}

/** The real dfx on PATH, run in `cwd` (the project with dfx.json). */
export function systemDfx(cwd: string, env: NodeJS.ProcessEnv = process.env): Dfx {
    return {
        run(args) {
            const r = spawnSync('dfx', args, { cwd, env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
            if (r.error !== undefined) {
                const missing = (r.error as NodeJS.ErrnoException).code === 'ENOENT';
                throw new DeployError(missing ? 'dfx is not on PATH: install it (https://internetcomputer.org/docs/building-apps/getting-started/install) and run this again' : `dfx could not be run: ${r.error.message}`);
            }
            return { code: r.status ?? 1, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
        },
    };
}

export interface DeployOptions {
    network: string;
    /** deploy.json, parsed. */
    config: unknown;
    upgrade?: boolean;
    /** Print the plan and the arguments; create and install nothing. */
    dryRun?: boolean;
    log?: (line: string) => void;
}

export interface DeploySummary {
    network: string;
    deployer: Principal;
    identity: string;
    ledger?: Principal;
    protocol?: Principal;
    governance: Principal;
    mode: 'install' | 'upgrade' | 'dry-run';
    /** Commands a developer runs next. */
    next: string[];
}

function must(dfx: Dfx, args: string[], why: string): string {
    const r = dfx.run(args);
    if (r.code !== 0) throw new DeployError(`${why} failed: dfx ${args.join(' ')}\n${(r.stderr || r.stdout).trim()}`);
    return r.stdout.trim();
}

function canisterId(dfx: Dfx, name: string, network: string): Principal | undefined {
    const r = dfx.run(['canister', 'id', name, '--network', network]);
    if (r.code !== 0) return undefined;
    const text = r.stdout.trim().split(/\s+/).pop() ?? '';
    try {
        return Principal.fromText(text);
    } catch {
        throw new DeployError(`dfx canister id ${name} answered '${r.stdout.trim()}', which is not a canister id`);
    }
}

/** Whether the canister has code (`dfx canister info`: "Module hash: None" before the first install). */
function hasCode(dfx: Dfx, name: string, network: string): boolean {
    const out = must(dfx, ['canister', 'info', name, '--network', network], `reading ${name}'s status`);
    const m = /Module hash:\s*(\S+)/.exec(out);
    if (m === null) throw new DeployError(`dfx canister info ${name} did not say the module hash:\n${out}`);
    return m[1] !== 'None';
}

function query(dfx: Dfx, name: string, method: string, network: string): Uint8Array {
    const hex = must(dfx, ['canister', 'call', name, method, '()', '--query', '--network', network, '--output', 'raw'], `asking ${name}.${method}`);
    if (!/^([0-9a-f]{2})+$/i.test(hex)) throw new DeployError(`${name}.${method} answered '${hex.slice(0, 80)}', not raw Candid`);
    return new Uint8Array(Buffer.from(hex, 'hex'));
}

/** Both canisters answer, and point at each other. */
function verify(dfx: Dfx, network: string, ledger: Principal, protocol: Principal): Principal {
    const [minting] = decode([L.OptAccount], query(dfx, LEDGER, 'icrc1_minting_account', network)) as [[] | [L.CAccount]];
    if (minting.length !== 1 || minting[0].owner.toText() !== protocol.toText() || minting[0].subaccount.length !== 0) {
        throw new DeployError(`${LEDGER}'s minting account is ${minting.length === 0 ? 'not set' : minting[0].owner.toText()}, not ${PROTOCOL} (${protocol.toText()})`);
    }
    const [info] = decode([P.ProtocolInfoT], query(dfx, PROTOCOL, 'protocol_info', network)) as [{ ledger: Principal; governance: Principal }];
    if (info.ledger.toText() !== ledger.toText()) throw new DeployError(`${PROTOCOL} uses the ledger ${info.ledger.toText()}, not ${LEDGER} (${ledger.toText()})`);
    return info.governance;
}

function nextCommands(network: string, identity: string, deployer: Principal, ledger: string, protocol: string): string[] {
    const net = `--network ${network}`;
    const emc = `./bin/emc.js ${net} --identity ~/.config/dfx/identity/${identity}/identity.pem --ledger ${ledger} --protocol ${protocol}`;
    return [
        `dfx canister call ${LEDGER} icrc1_balance_of '(record { owner = principal "${deployer.toText()}" })' ${net}`,
        `dfx canister call ${PROTOCOL} protocol_info ${net}`,
        `${emc} gov params`,
        `${emc} ledger balance`,
        `npm run deploy -- ${net} --upgrade      # after changing the canisters' code`,
    ];
}

export function deploy(dfx: Dfx, opts: DeployOptions): DeploySummary {
    const log = opts.log ?? (() => undefined);
    const network = opts.network;
    const version = must(dfx, ['--version'], 'checking dfx');
    log(`${version} · network ${network}`);
    const identity = must(dfx, ['identity', 'whoami'], 'reading the dfx identity');
    const deployer = Principal.fromText(must(dfx, ['identity', 'get-principal'], 'reading the dfx identity'));
    if (deployer.isAnonymous()) throw new DeployError('the dfx identity is the anonymous one: create or select an identity (dfx identity new / dfx identity use)');
    log(`deployer: ${deployer.toText()} (dfx identity '${identity}')`);

    let ledger = canisterId(dfx, LEDGER, network);
    let protocol = canisterId(dfx, PROTOCOL, network);
    const config: DeployConfig = resolveConfig(opts.config, network, deployer, protocol);
    log(`governance: ${config.governance.toText()}${config.governanceIsDeployer ? ' (the deployer)' : config.governance.toText() === P.NNS_GOVERNANCE ? ' (the NNS governance canister)' : ''}`);

    if (opts.upgrade) {
        if (ledger === undefined || protocol === undefined) throw new DeployError(`nothing to upgrade on ${network}: ${ledger === undefined ? LEDGER : PROTOCOL} has no canister id there (deploy without --upgrade first)`);
        const mode = opts.dryRun ? 'dry-run' : 'upgrade';
        log(`protocol upgrade argument: ${candidText('protocol', protocolUpgradeArg())}`);
        log(`ledger upgrade argument: ${candidText('ledger', ledgerUpgradeArg())}`);
        if (!opts.dryRun) {
            for (const name of [LEDGER, PROTOCOL]) if (!hasCode(dfx, name, network)) throw new DeployError(`${name} on ${network} has no code to upgrade (deploy without --upgrade)`);
            must(dfx, ['build', LEDGER, '--network', network], `building ${LEDGER}`);
            must(dfx, ['build', PROTOCOL, '--network', network], `building ${PROTOCOL}`);
            must(dfx, ['canister', 'install', PROTOCOL, '--network', network, '--mode', 'upgrade', '--yes', '--argument-type', 'raw', '--argument', toHex(protocolUpgradeArg())], `upgrading ${PROTOCOL}`);
            log(`upgraded ${PROTOCOL} ${protocol.toText()}`);
            must(dfx, ['canister', 'install', LEDGER, '--network', network, '--mode', 'upgrade', '--yes', '--argument-type', 'raw', '--argument', toHex(ledgerUpgradeArg())], `upgrading ${LEDGER}`);
            log(`upgraded ${LEDGER} ${ledger.toText()}`);
        }
        const governance = opts.dryRun ? config.governance : verify(dfx, network, ledger, protocol);
        return { network, deployer, identity, ledger, protocol, governance, mode, next: nextCommands(network, identity, deployer, ledger.toText(), protocol.toText()) };
    }

    if (opts.dryRun) {
        const l = ledger ?? Principal.fromText('aaaaa-aa');
        const p = protocol ?? Principal.fromText('aaaaa-aa');
        const placeholder = (id: Principal | undefined, name: string) => (id === undefined ? ` (${name} is not created yet: aaaaa-aa stands for its id)` : '');
        log(`protocol install argument${placeholder(ledger, LEDGER)}:\n${candidText('protocol', protocolInitArg(config, l))}`);
        log(`ledger install argument${placeholder(protocol, PROTOCOL)}:\n${candidText('ledger', ledgerInstallArg(config, p))}`);
        return { network, deployer, identity, ...(ledger === undefined ? {} : { ledger }), ...(protocol === undefined ? {} : { protocol }), governance: config.governance, mode: 'dry-run', next: [] };
    }

    // 1. create both canisters: their ids exist before any code runs
    const cycles = network !== 'local' && config.cycles !== undefined ? ['--with-cycles', config.cycles.toString()] : [];
    for (const name of [LEDGER, PROTOCOL]) {
        if (canisterId(dfx, name, network) !== undefined) {
            if (hasCode(dfx, name, network)) throw new DeployError(`${name} on ${network} already has code: run with --upgrade to upgrade it${network === 'local' ? `, or start afresh (dfx canister uninstall-code ${name} --network local, or dfx start --clean)` : ''}`);
            log(`${name}: already created, empty`);
            continue;
        }
        must(dfx, ['canister', 'create', name, '--network', network, ...cycles], `creating ${name}`);
    }
    ledger = canisterId(dfx, LEDGER, network);
    protocol = canisterId(dfx, PROTOCOL, network);
    if (ledger === undefined || protocol === undefined) throw new DeployError('dfx created the canisters but does not know their ids');
    log(`${LEDGER}: ${ledger.toText()}`);
    log(`${PROTOCOL}: ${protocol.toText()}`);
    const checked = resolveConfig(opts.config, network, deployer, protocol);

    // 2. build, then install the protocol with the ledger's id and the ledger with the protocol as minting account
    must(dfx, ['build', LEDGER, '--network', network], `building ${LEDGER}`);
    must(dfx, ['build', PROTOCOL, '--network', network], `building ${PROTOCOL}`);
    const protocolArg = protocolInitArg(checked, ledger);
    log(`installing ${PROTOCOL} with ${candidText('protocol', protocolArg)}`);
    must(dfx, ['canister', 'install', PROTOCOL, '--network', network, '--mode', 'install', '--argument-type', 'raw', '--argument', toHex(protocolArg)], `installing ${PROTOCOL}`);
    const ledgerArg = ledgerInstallArg(checked, protocol);
    log(`installing ${LEDGER} with ${candidText('ledger', ledgerArg)}`);
    must(dfx, ['canister', 'install', LEDGER, '--network', network, '--mode', 'install', '--argument-type', 'raw', '--argument', toHex(ledgerArg)], `installing ${LEDGER}`);

    // 3. both answer and point at each other
    const governance = verify(dfx, network, ledger, protocol);
    if (governance.toText() !== checked.governance.toText()) throw new DeployError(`${PROTOCOL}'s governance is ${governance.toText()}, not ${checked.governance.toText()}`);
    return { network, deployer, identity, ledger, protocol, governance, mode: 'install', next: nextCommands(network, identity, deployer, ledger.toText(), protocol.toText()) };
}
