/**
 * `emc devnet [--epochs N] [--state DIR] [--report FILE] [--json] [--serve [--port P]]`, also what
 * `npm start` runs. Builds the canisters if their Wasm is missing, runs the devnet
 * (tools/devnet/run.ts), and exits 0 when every invariant holds, 1 when one fails, 2 on bad input.
 * With --serve the network then keeps running in real time behind the IC HTTP interface until
 * Ctrl-C (SIGINT) or SIGTERM, which stop it after the slot in progress and save it with --state.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { StateError, WASM_PATHS } from './embedded-network';
import { EXIT } from '../../src/cli/exit-codes';
import { toJson } from '../../src/client/format/json';
import { parseArgs, flag, type FlagSpec } from '../../src/cli/commands/args';
import { DevnetError, runDevnet } from './run';
import { MIN_EPOCHS } from './plan';
import { DEFAULT_PORT } from '../replica/http/server';

export const DEVNET_FLAGS: FlagSpec[] = [
    { name: 'epochs', value: 'N', help: `epochs to run (default 30, at least ${MIN_EPOCHS}); each is one hour of network time` },
    { name: 'state', value: 'DIR', help: 'keep the network in DIR; run again to resume it (through both canisters’ upgrade path)' },
    { name: 'report', value: 'FILE', help: 'where the HTML report goes (default: DIR/devnet-report.html, else devnet-report.html in the system temp directory)' },
    { name: 'json', help: 'print the result (figures, invariants, report path) as JSON at the end' },
    { name: 'serve', help: 'then keep the network running in real time and serve the IC HTTP interface and the dashboard on 127.0.0.1 until Ctrl-C (--epochs 0: no scripted run first)' },
    { name: 'port', value: 'P', help: `the port --serve listens on (default 4943, dfx's; 0 picks a free one)` },
    { name: 'help', help: 'this text' },
];

export const DEVNET_HELP = `emc devnet — a whole EMC network on the embedded replica

Deploys the $EMC ledger and the protocol canister (building them if needed), then runs 13
validators, 20 routers and 200 compute nodes through the client SDK for 30 one-hour epochs with
faults: a validator down for 3 hours, routers dropping out (one at its minimum stake is suspended
and tops up), compute nodes failing PoC, an impeachment that passes, a key rotation. 40 buyers
trade compute on the market (task records confirmed in the batches, an offline provider, a dispute
that succeeds and one that fails, the trading-reward clock started part-way); a vesting schedule,
an airdrop mapping with dust and a 12-period lock-up game run beside it. Prints the
figures of each epoch and the invariants at the end, and writes a self-contained HTML report.

Usage: emc devnet [--epochs N] [--state DIR] [--report FILE] [--json] [--serve [--port P]]

${DEVNET_FLAGS.map((f) => `  --${f.name}${f.value === undefined ? '' : ` ${f.value}`}`.padEnd(18) + f.help).join('\n')}

Every emc command acts on a saved devnet with --network embedded --state DIR; the keys of
governance and of one node of each type are written to DIR/identities/*.pem. A served devnet is a
local IC network: emc --network local --host http://127.0.0.1:P, dfx canister call --network
http://127.0.0.1:P, agent-js HttpAgent (fetch the root key) and the dashboard at http://127.0.0.1:P/.
`;

export async function devnetMain(argv: string[], out: (s: string) => void = (s) => process.stdout.write(s), err: (s: string) => void = (s) => process.stderr.write(s)): Promise<number> {
    const p = parseArgs(argv, DEVNET_FLAGS);
    if (!p.ok) {
        err(`${p.error.message}\n`);
        return EXIT.usage;
    }
    if (p.value.switches.has('help')) {
        out(DEVNET_HELP);
        return EXIT.ok;
    }
    if (p.value.positional.length > 0) {
        err(`BadInput: unexpected argument '${p.value.positional[0]}' (see --help)\n`);
        return EXIT.usage;
    }
    const serve = p.value.switches.has('serve');
    const epochsText = flag(p.value, 'epochs');
    const epochs = epochsText === undefined ? 30 : /^\d{1,4}$/.test(epochsText) ? Number(epochsText) : NaN;
    if (!Number.isInteger(epochs) || ((epochs < MIN_EPOCHS || epochs > 1000) && !(serve && epochs === 0))) {
        err(`BadInput: --epochs '${epochsText}' must be a whole number from ${MIN_EPOCHS} to 1000${serve ? ', or 0 (serve without a scripted run)' : ''}\n`);
        return EXIT.usage;
    }
    const portText = flag(p.value, 'port');
    const port = portText === undefined ? DEFAULT_PORT : /^\d{1,5}$/.test(portText) ? Number(portText) : NaN;
    if (!(port >= 0 && port <= 65535) || (portText !== undefined && !serve)) {
        err(`BadInput: ${serve ? `--port '${portText}' must be a port number (0–65535)` : '--port is only for --serve'}\n`);
        return EXIT.usage;
    }
    const json = p.value.switches.has('json');
    const state = flag(p.value, 'state');
    const report = flag(p.value, 'report');
    const log = (l: string) => (json ? err : out)(`${l}\n`);
    const stop = new AbortController();
    const onSignal = () => {
        if (!stop.signal.aborted) log('devnet: stopping after the slot in progress …');
        stop.abort();
    };
    if (serve) {
        process.on('SIGINT', onSignal);
        process.on('SIGTERM', onSignal);
    }
    try {
        await ensureBuilt(log);
        const r = await runDevnet({ epochs, state: state === undefined ? undefined : resolve(state), report: report === undefined ? undefined : resolve(report), out: log, serve: serve ? { port, signal: stop.signal } : undefined });
        if (json) out(`${toJson({ ok: r.ok, run: r.run, report: r.report, state: r.state, seconds: r.seconds, epochs: r.epochs, samples: r.samples, checks: r.checks, distribution: r.distribution, sockets: r.sockets }, 1)}\n`);
        return r.ok ? EXIT.ok : EXIT.refused;
    } catch (e) {
        if (e instanceof DevnetError || e instanceof StateError) {
            err(`${e.name === 'StateError' ? 'BadInput' : 'DevnetFailed'}: ${e.message}\n`);
            return e instanceof StateError ? EXIT.usage : EXIT.refused;
        }
        throw e;
    } finally {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
    }
}

/** Builds the canisters whose Wasm is missing (what `npm run build` does). */
async function ensureBuilt(log: (l: string) => void): Promise<void> {
    const missing = (Object.keys(WASM_PATHS) as (keyof typeof WASM_PATHS)[]).filter((name) => !existsSync(WASM_PATHS[name]));
    if (missing.length === 0) return;
    // require, not import(): under bin/emc.js (tsx/cjs) a dynamic import() goes to Node's ESM
    // loader, which does not resolve a TypeScript file without its extension.
    const { buildCanister } = require('../../scripts/build') as typeof import('../../scripts/build');
    for (const name of missing) {
        log(`devnet: building ${name} …`);
        buildCanister(name);
    }
}
