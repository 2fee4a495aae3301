/**
 * What the devnet adds to `emc` (src/cli/extensions.ts; bin/emc.js wires it in):
 *  - the `embedded` network: the two built canisters in the in-process replica, kept in `--state
 *    DIR` (tools/devnet/embedded-network.ts), chosen by default when a state directory is given;
 *  - `emc devnet` (a whole devnet, tools/devnet/main.ts) and `emc devnet init` (a genesis only,
 *    tools/devnet/init.ts).
 * The replica and the devnet are loaded only when a command uses them, so that a command on an
 * HTTP network does not load them. Storage: none here. Cost: loading those modules on first use.
 */
import { flag } from '../../src/cli/commands/args';
import type { CliCommandGroup, CliExtensions, CliNetwork } from '../../src/cli/extensions';

// Loaded on first use (require: what tsx and jest resolve for a TypeScript file without its extension).
const embeddedNetwork = () => require('./embedded-network') as typeof import('./embedded-network');
const devnetInit = () => require('./init') as typeof import('./init');
const devnetMain = () => require('./main') as typeof import('./main');

const embedded: CliNetwork = {
    name: 'embedded',
    describe: 'in-process replica, state in --state DIR',
    flags: [{ name: 'state', value: 'DIR', help: 'a saved embedded network (made by emc devnet or emc devnet init; never created here) ($EMC_STATE)' }],
    implied: { when: (p, env) => (flag(p, 'state') ?? env.EMC_STATE) !== undefined, help: 'with --state' },
    problem: (p, env) => ((flag(p, 'state') ?? env.EMC_STATE) === undefined ? '--network embedded needs --state DIR (the network is kept there)' : undefined),
    async connect(o) {
        return embeddedNetwork().connectEmbedded({ state: flag(o.options, 'state') ?? o.env.EMC_STATE, identity: o.identity, ledgerId: o.ledgerId, protocolId: o.protocolId, retryDelayMs: o.retryDelayMs });
    },
};

const devnet: CliCommandGroup = {
    name: 'devnet',
    help: [
        ['devnet', 'run a whole EMC network on the embedded replica (what npm start runs; emc devnet --help)'],
        ['devnet init', 'create an embedded network with a genesis only: 2,000,000 EMC for --identity, which is governance'],
    ],
    async run(argv, io) {
        if (argv[0] === 'init') {
            return devnetInit().devnetInit(argv.slice(1), (s) => io.out(s), (s) => io.err(s), io.env);
        }
        const code = await devnetMain().devnetMain(argv, (s) => io.out(s), (s) => io.err(s));
        if (argv.includes('--help') || argv.includes('-h')) io.out(`\nemc devnet init --state DIR --identity PATH deploys a genesis only (no nodes): the identity holds 2,000,000 EMC and is governance (emc devnet init --help).\n`);
        return code;
    },
};

/** The embedded network and `emc devnet`, as bin/emc.js runs them. */
export const DEVNET_EXTENSIONS: CliExtensions = { networks: [embedded], groups: [devnet] };
