/**
 * The CLI's extension point (src/cli/extensions.ts), in process: without extensions `emc` knows only
 * the HTTP networks and no `devnet`; a network an extension adds is chosen by `--network NAME` or by
 * its own options, its options are refused with another network, and it receives the parsed command
 * line; a command group an extension adds gets everything after its name. bin/emc.js's wiring
 * (tools/devnet/cli.ts) is what the CLI tests run as a process.
 */
import { Principal } from '@dfinity/principal';
import { run, type Io } from '../../src/cli/main';
import type { CliExtensions, CliConnectOptions } from '../../src/cli/extensions';
import { connectAgent, DEFAULT_LEDGER_ID, DEFAULT_PROTOCOL_ID } from '../../src/client/network';
import { DEVNET_EXTENSIONS } from '../../tools/devnet/cli';

async function emc(argv: string[], extensions: CliExtensions = {}, env: Record<string, string> = {}): Promise<{ code: number; out: string; err: string }> {
    let out = '';
    let err = '';
    const io: Io = { out: (s) => (out += s), err: (s) => (err += s), env };
    const code = await run(argv, extensions, io);
    return { code, out, err };
}

describe('emc without extensions', () => {
    it('knows local and ic only: no embedded network, no --state, no devnet', async () => {
        const help = await emc(['--help']);
        expect(help.code).toBe(0);
        expect(help.out).toContain('Networks: local (http://127.0.0.1:4943), ic (https://icp-api.io).\n');
        expect(help.out).toContain('--network local|ic');
        expect(help.out).toContain('(default: $EMC_NETWORK, else local)');
        expect(help.out).not.toMatch(/devnet|--state DIR|embedded/); // (exit code 4 names the --state directory: the exit codes are one table for every emc)
        expect(await emc(['whoami', '--network', 'embedded'])).toEqual({ code: 2, out: '', err: "error: BadInput: --network 'embedded' is not one of local, ic\n" });
        expect(await emc(['whoami', '--state', '/tmp'])).toEqual({ code: 2, out: '', err: "error: BadInput: unknown option '--state' (see --help)\n" });
        expect(await emc(['devnet'])).toEqual({ code: 2, out: '', err: "error: BadInput: unknown command 'devnet' (see emc --help)\n" });
    });
});

describe('emc with extensions', () => {
    const calls: CliConnectOptions[] = [];
    let closed = 0;
    const groupCalls: string[][] = [];
    const ext: CliExtensions = {
        networks: [
            {
                name: 'fake',
                describe: 'a test network in --where DIR',
                flags: [{ name: 'where', value: 'DIR', help: 'where the fake network is' }],
                implied: { when: (p, env) => p.flags.has('where') || env.FAKE_WHERE !== undefined, help: 'with --where' },
                problem: (p, env) => (p.flags.has('where') || env.FAKE_WHERE !== undefined ? undefined : '--network fake needs --where DIR'),
                async connect(o) {
                    calls.push(o);
                    const c = await connectAgent({ network: 'fake', agent: { getPrincipal: async () => Principal.anonymous() }, ledgerId: DEFAULT_LEDGER_ID, protocolId: DEFAULT_PROTOCOL_ID, state: o.options.flags.get('where')?.[0] ?? o.env.FAKE_WHERE, close: async () => void closed++ });
                    return { ok: true, value: c };
                },
            },
        ],
        groups: [{ name: 'tool', help: [['tool', 'a test tool'], ['tool sub', 'its subcommand']], run: async (argv, io) => (groupCalls.push(argv), io.out('tool ran\n'), 5) }],
    };

    it('lists the extension’s network, its options and its commands in the help', async () => {
        const help = await emc(['--help'], ext);
        expect(help.out).toContain('Networks: fake (a test network in --where DIR), local (http://127.0.0.1:4943), ic (https://icp-api.io).\n');
        expect(help.out).toMatch(/--network fake\|local\|ic +where the canisters run \(default: fake with --where, else \$EMC_NETWORK, else local\)\n/);
        expect(help.out).toMatch(/\n  --identity PATH +.*\n  --where DIR +where the fake network is\n  --host URL/);
        expect(help.out).toMatch(/\n  tool +a test tool\n  tool sub +its subcommand\n/);
        expect((await emc(['whoami', '--help'], ext)).out).toContain('--where DIR');
    });

    it('chooses the network by its option or by name, hands it the parsed command line, and closes it', async () => {
        const byOption = await emc(['--where', '/x', 'whoami', '--json'], ext);
        expect(byOption).toEqual({ code: 0, err: '', out: `{"ok":true,"value":{"principal":"2vxsx-fae","network":"fake","ledger":"${DEFAULT_LEDGER_ID.toText()}","protocol":"${DEFAULT_PROTOCOL_ID.toText()}","state":"/x"}}\n` });
        expect(calls.at(-1)?.options.flags.get('where')).toEqual(['/x']);
        expect(closed).toBe(1);
        const byEnv = await emc(['whoami', '--json'], ext, { FAKE_WHERE: '/y', EMC_LEDGER_ID: 'aaaaa-aa' });
        expect(JSON.parse(byEnv.out).value).toMatchObject({ network: 'fake', state: '/y' });
        expect(calls.at(-1)?.ledgerId?.toText()).toBe('aaaaa-aa');
        expect(closed).toBe(2);
    });

    it('refuses the network without what it needs, and its options with another network, before opening anything', async () => {
        const before = calls.length;
        expect(await emc(['whoami', '--network', 'fake'], ext)).toEqual({ code: 2, out: '', err: 'error: BadInput: --network fake needs --where DIR\n' });
        expect(await emc(['whoami', '--network', 'local', '--where', '/x'], ext)).toEqual({ code: 2, out: '', err: 'error: BadInput: --where is only for --network fake\n' });
        expect(await emc(['whoami', '--network', 'nosuch'], ext)).toEqual({ code: 2, out: '', err: "error: BadInput: --network 'nosuch' is not one of fake, local, ic\n" });
        expect(calls.length).toBe(before);
    });

    it('hands a command group everything after its name, and answers its exit code', async () => {
        expect(await emc(['tool', 'sub', '--x', '1'], ext)).toEqual({ code: 5, out: 'tool ran\n', err: '' });
        expect(groupCalls.at(-1)).toEqual(['sub', '--x', '1']);
    });

    it('bin/emc.js’s extensions (tools/devnet/cli.ts) are the embedded network and emc devnet', async () => {
        const help = await emc(['--help'], DEVNET_EXTENSIONS);
        expect(help.out).toContain('Networks: embedded (in-process replica, state in --state DIR), local (http://127.0.0.1:4943), ic (https://icp-api.io).\n');
        expect(help.out).toMatch(/\n  devnet +run a whole EMC network on the embedded replica/);
        expect(help.out).toMatch(/\n  devnet init +create an embedded network with a genesis only/);
        expect(await emc(['whoami', '--network', 'embedded'], DEVNET_EXTENSIONS)).toEqual({ code: 2, out: '', err: 'error: BadInput: --network embedded needs --state DIR (the network is kept there)\n' });
    });
});
