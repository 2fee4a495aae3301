/**
 * `emc`: the node operator's command line (docs/client.md). `bin/emc.js` runs `run(argv, extensions)`
 * through tsx, with tools/devnet's extensions (src/cli/extensions.ts): the embedded network and `emc devnet`.
 */
import type { Identity } from '@dfinity/agent';
import type { Principal } from '@dfinity/principal';
import { parsePrincipal } from '../client/account';
import { loadIdentity } from '../client/identity';
import { connect, HOSTS, NETWORKS, type Connection, type NetworkName } from '../client/network';
import type { ClientResult } from '../client/result';
import { EXIT, exitCodeOf } from './exit-codes';
import { toJson } from '../client/format/json';
import type { ClientError } from '../client/errors/client-error';
import { flag, parseArgs, type FlagSpec } from './commands/args';
import { COMMANDS, GROUPS, type Command } from './commands';
import type { CliExtensions, CliNetwork, Io } from './extensions';

export type { Io } from './extensions';

/** The global options of `emc` without extensions; `globalFlags` adds the extensions' networks and their options. */
export const GLOBAL_FLAGS: FlagSpec[] = globalFlags({});

function globalFlags(x: CliExtensions): FlagSpec[] {
    const networks = x.networks ?? [];
    const implied = networks.filter((n) => n.implied !== undefined).map((n) => `${n.name} ${n.implied?.help}, else `);
    return [
        { name: 'network', value: [...networks.map((n) => n.name), ...NETWORKS].join('|'), help: `where the canisters run (default: ${implied.join('')}$EMC_NETWORK, else local)` },
        { name: 'identity', value: 'PATH', help: 'a PEM key (dfx identity export) or a BIP-39 seed-phrase file ($EMC_IDENTITY)' },
        ...networks.flatMap((n) => n.flags),
        { name: 'host', value: 'URL', help: 'local replica URL (default http://127.0.0.1:4943)' },
        { name: 'ledger', value: 'PRINCIPAL', help: 'emc_ledger canister id ($EMC_LEDGER_ID; default vhljx-suaaa-aaaab-aaaba-cai)' },
        { name: 'protocol', value: 'PRINCIPAL', help: 'emc_protocol canister id ($EMC_PROTOCOL_ID; default voicl-e4aaa-aaaab-aaaaq-cai)' },
        { name: 'json', help: 'print {"ok":true,"value":…} or {"ok":false,"error":{kind,message}} (amounts: e8s as strings)' },
        { name: 'help', help: 'show help for the command' },
    ];
}

const EXIT_CODES = `Exit codes:
  0  done
  1  the canister refused (insufficient funds, unknown node, not authorized …); nothing changed
  2  bad input or usage (malformed principal, account, amount, node id; unknown command or option); nothing sent
  3  network or transport error (unreachable, overloaded, outcome unknown after retries)
  4  the --state directory holds a network that cannot be loaded (a truncated or corrupt file); nothing written`;

const processIo: Io = { out: (s) => process.stdout.write(s), err: (s) => process.stderr.write(s), env: process.env };

/** Runs one command line; answers the exit code. */
export async function run(argv: string[], extensions: CliExtensions = {}, io: Io = processIo): Promise<number> {
    // A group an extension adds (`emc devnet`) runs a whole program rather than one call on a connection.
    const extra = (extensions.groups ?? []).find((g) => g.name === argv[0]);
    if (extra !== undefined) return extra.run(argv.slice(1), io);
    const globals = globalFlags(extensions);
    const { words, rest } = splitCommand(argv, globals);
    const group = words[0] !== undefined && GROUPS[words[0]] !== undefined ? words[0] : '';
    const name = group === '' ? words[0] : words[1];
    const cmd = COMMANDS.find((c) => c.group === group && c.name === name);
    const json = argv.includes('--json');
    const fail = (e: ClientError): number => {
        if (json) io.out(`${toJson({ ok: false, error: e })}\n`);
        else io.err(`error: ${e.message}\n`);
        return exitCodeOf(e);
    };

    if (cmd === undefined) {
        const parsed = parseArgs(argv, globals);
        const wantsHelp = !parsed.ok || parsed.value.switches.has('help') || argv.length === 0;
        if (name === undefined && wantsHelp) {
            io.out(group === '' ? mainHelp(extensions) : groupHelp(group));
            return EXIT.ok;
        }
        if (name === undefined && group === '') return fail(usageError('no command given (see emc --help)'));
        if (group !== '' && name === undefined) {
            io.out(groupHelp(group));
            return parsed.ok && parsed.value.switches.has('help') ? EXIT.ok : EXIT.usage;
        }
        return fail(usageError(`unknown command '${[group, name].filter((x) => x).join(' ')}' (see emc ${group === '' ? '' : `${group} `}--help)`));
    }

    const parsed = parseArgs(rest, [...globals, ...cmd.flags]);
    if (!parsed.ok) return fail(parsed.error);
    const p = parsed.value;
    if (p.switches.has('help')) {
        io.out(commandHelp(cmd, globals));
        return EXIT.ok;
    }
    const required = cmd.args.filter((a) => a.optional !== true).length;
    if (p.positional.length < required) return fail(usageError(`missing ${cmd.args[p.positional.length].name} (usage: ${usage(cmd)})`));
    if (p.positional.length > cmd.args.length && cmd.args[cmd.args.length - 1]?.many !== true) return fail(usageError(`unexpected argument '${p.positional[cmd.args.length]}' (usage: ${usage(cmd)})`));

    // Everything is checked before anything is opened or sent.
    const input = cmd.input(p);
    if (!input.ok) return fail(input.error);
    const env = io.env;
    const networks = extensions.networks ?? [];
    const network = flag(p, 'network') ?? networks.find((n) => n.implied?.when(p, env) === true)?.name ?? env.EMC_NETWORK ?? 'local';
    const names = [...networks.map((n) => n.name), ...NETWORKS];
    if (!names.includes(network)) return fail(usageError(`--network '${network}' is not one of ${names.join(', ')}`));
    const chosen: CliNetwork | undefined = networks.find((n) => n.name === network);
    const problem = chosen?.problem?.(p, env);
    if (problem !== undefined) return fail(usageError(problem));
    for (const other of networks) {
        if (other === chosen) continue;
        const given = other.flags.find((f) => flag(p, f.name) !== undefined);
        if (given !== undefined) return fail(usageError(`--${given.name} is only for --network ${other.name}`));
    }
    const ids: { ledger?: Principal; protocol?: Principal } = {};
    for (const [key, envName] of [['ledger', 'EMC_LEDGER_ID'], ['protocol', 'EMC_PROTOCOL_ID']] as const) {
        const text = flag(p, key) ?? env[envName];
        if (text === undefined) continue;
        const pr = parsePrincipal(text, `--${key} canister id`);
        if (!pr.ok) return fail(pr.error);
        ids[key] = pr.value;
    }
    let identity: Identity | undefined;
    const idPath = flag(p, 'identity') ?? env.EMC_IDENTITY;
    if (idPath !== undefined) {
        const r = loadIdentity(idPath);
        if (!r.ok) return fail(r.error);
        identity = r.value;
    } else if (cmd.update && !p.switches.has('validate-only')) {
        return fail(usageError(`'emc ${[cmd.group, cmd.name].filter((x) => x).join(' ')}' changes state: give --identity PATH (a PEM key or a seed-phrase file)`));
    }

    const retryDelayMs = env.EMC_RETRY_DELAY_MS === undefined ? undefined : Number(env.EMC_RETRY_DELAY_MS);
    const conn: ClientResult<Connection> =
        chosen !== undefined
            ? await chosen.connect({ options: p, env, identity, ledgerId: ids.ledger, protocolId: ids.protocol, retryDelayMs })
            : await connect({ network: network as NetworkName, identity, host: flag(p, 'host'), ledgerId: ids.ledger, protocolId: ids.protocol, retryDelayMs });
    if (!conn.ok) return fail(conn.error);
    let code: number;
    try {
        const r = await cmd.run(conn.value, input.value, (line) => {
            if (!json) io.err(`${line}\n`);
        });
        if (r.ok) {
            io.out(json ? `${toJson({ ok: true, value: r.value.json })}\n` : `${r.value.human}\n`);
            code = EXIT.ok;
        } else code = fail(r.error);
    } finally {
        await conn.value.close();
    }
    return code;
}

/** The command words (a group and a command, or a command) wherever they are among global options; the rest is left for the parser. */
function splitCommand(argv: string[], globals: FlagSpec[]): { words: string[]; rest: string[] } {
    const takesValue = new Set(globals.filter((f) => f.value !== undefined).map((f) => `--${f.name}`));
    const words: string[] = [];
    const rest: string[] = [];
    for (let i = 0; i < argv.length; i++) {
        const tok = argv[i];
        const wantWord = words.length === 0 || (words.length === 1 && GROUPS[words[0]] !== undefined);
        if (tok === '--') {
            rest.push(...argv.slice(i));
            break;
        }
        if (wantWord && !tok.startsWith('-')) {
            words.push(tok);
            continue;
        }
        rest.push(tok);
        if (takesValue.has(tok) && i + 1 < argv.length) rest.push(argv[++i]);
    }
    return { words, rest };
}

function usageError(message: string): ClientError {
    return { kind: 'BadInput', message: `BadInput: ${message}` };
}

function usage(c: Command): string {
    const args = c.args.map((a) => (a.optional === true ? `[${a.name}${a.many === true ? ' …' : ''}]` : `${a.name}${a.many === true ? ' …' : ''}`)).join(' ');
    return ['emc', c.group, c.name, args, c.flags.length > 0 ? '[options]' : ''].filter((x) => x !== '').join(' ');
}

function flagLines(fs: FlagSpec[]): string {
    const label = (f: FlagSpec) => `--${f.name}${f.value === undefined ? '' : ` ${f.value}`}`;
    const w = Math.max(...fs.map((f) => label(f).length));
    return fs.map((f) => `  ${label(f).padEnd(w)}  ${f.help}`).join('\n');
}

function commandHelp(c: Command, globals: FlagSpec[]): string {
    const parts = [`${usage(c)}\n\n${c.summary}.`];
    if (c.args.length > 0) {
        const w = Math.max(...c.args.map((a) => a.name.length));
        parts.push(`Arguments:\n${c.args.map((a) => `  ${a.name.padEnd(w)}  ${a.help}${a.optional === true ? ' (optional)' : ''}`).join('\n')}`);
    }
    if (c.flags.length > 0) parts.push(`Options:\n${flagLines(c.flags)}`);
    if (c.notes !== undefined) parts.push(c.notes);
    parts.push(`Global options:\n${flagLines(globals)}`, EXIT_CODES);
    return `${parts.join('\n\n')}\n`;
}

function groupHelp(group: string): string {
    const cmds = COMMANDS.filter((c) => c.group === group);
    const w = Math.max(...cmds.map((c) => c.name.length));
    return `emc ${group} COMMAND [options]: ${GROUPS[group]}\n\nCommands:\n${cmds.map((c) => `  ${c.name.padEnd(w)}  ${c.summary}`).join('\n')}\n\nemc ${group} COMMAND --help shows a command's arguments and options.\n\n${EXIT_CODES}\n`;
}

function mainHelp(x: CliExtensions): string {
    const lines = [...COMMANDS.map((c) => [[c.group, c.name].filter((w) => w).join(' '), c.summary]), ...(x.groups ?? []).flatMap((g) => g.help)];
    const w = Math.max(...lines.map(([n]) => n.length));
    const networks = [...(x.networks ?? []).map((n) => `${n.name} (${n.describe})`), `local (${HOSTS.local})`, `ic (${HOSTS.ic})`];
    return `emc: the EMC node operator's command line (ledger, nodes, validators, peer votes, governance)

Usage: emc [GROUP] COMMAND [ARGS] [options]

Commands:
${lines.map(([n, s]) => `  ${n.padEnd(w)}  ${s}`).join('\n')}

Amounts are EMC with up to 8 decimals after a '.' (1.5, 1000000, 1_000_000, 1,000,000.5) or e8s with a suffix
(150000000e8s); a single ',' without a '.' (1,5 or 1,500) is refused as ambiguous.
Accounts are principals or ICRC-1 account texts (principal-checksum.subaccount).

Global options:
${flagLines(globalFlags(x))}

Networks: ${networks.join(', ')}.

${EXIT_CODES}
`;
}
