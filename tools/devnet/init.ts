/**
 * `emc devnet init --state DIR --identity PATH [--json]`: deploys only a genesis in a new state
 * directory (no nodes, no epochs run): the protocol canister with the identity as governance, then
 * the ledger with GENESIS_BALANCE for the identity. Besides `emc devnet` (a whole devnet), this is
 * the only command that creates a state directory; every other command opens a saved one and
 * refuses a missing or mistyped path (tools/devnet/embedded-network.ts). DIR must be missing or empty.
 * Cost: one genesis deployment on the embedded replica (about as long as one `emc` command).
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadIdentity } from '../../src/client/identity';
import { emc } from '../../src/client/format/display';
import { EXIT, exitCodeOf } from '../../src/cli/exit-codes';
import { toJson } from '../../src/client/format/json';
import type { ClientError } from '../../src/client/errors/client-error';
import { connectEmbedded, GENESIS_BALANCE } from './embedded-network';
import { flag, parseArgs, type FlagSpec } from '../../src/cli/commands/args';
import { keyValues } from '../../src/cli/commands/format';

const FLAGS: FlagSpec[] = [
    { name: 'state', value: 'DIR', help: 'the new state directory (missing or empty; $EMC_STATE)' },
    { name: 'identity', value: 'PATH', help: 'the genesis owner: holds the genesis balance and is governance ($EMC_IDENTITY)' },
    { name: 'json', help: 'print {"ok":true,"value":…} or {"ok":false,"error":…}' },
    { name: 'help', help: 'this text' },
];

export const DEVNET_INIT_HELP = `emc devnet init --state DIR --identity PATH [--json]

Creates an embedded network with a genesis only (no nodes, no epochs run): emc_protocol with the
identity as governance, then emc_ledger with ${emc(GENESIS_BALANCE)} for the identity (enough for a
validator application and a router). DIR must be missing or empty. Every other emc command then
acts on it with --state DIR. (emc devnet --state DIR creates a whole running devnet instead.)

${FLAGS.map((f) => `  --${f.name}${f.value === undefined ? '' : ` ${f.value}`}`.padEnd(18) + f.help).join('\n')}

Exit codes: 0 created; 2 bad input (DIR not empty, no identity, unreadable key).
`;

export async function devnetInit(argv: string[], out: (s: string) => void, err: (s: string) => void, env: Record<string, string | undefined>): Promise<number> {
    const json = argv.includes('--json');
    const fail = (e: ClientError): number => {
        if (json) out(`${toJson({ ok: false, error: e })}\n`);
        else err(`error: ${e.message}\n`);
        return exitCodeOf(e);
    };
    const p = parseArgs(argv, FLAGS);
    if (!p.ok) return fail(p.error);
    if (p.value.switches.has('help')) {
        out(DEVNET_INIT_HELP);
        return EXIT.ok;
    }
    if (p.value.positional.length > 0) return fail(usage(`unexpected argument '${p.value.positional[0]}' (usage: emc devnet init --state DIR --identity PATH)`));
    const state = flag(p.value, 'state') ?? env.EMC_STATE;
    if (state === undefined) return fail(usage('--state DIR is missing (the directory the new network is kept in)'));
    const idPath = flag(p.value, 'identity') ?? env.EMC_IDENTITY;
    if (idPath === undefined) return fail(usage('--identity PATH is missing (the genesis owner: a PEM key or a seed-phrase file)'));
    if (existsSync(join(state, 'network.json'))) return fail(usage(`${resolve(state)} already holds an emc network; it was left as it is (a new network needs a missing or empty directory)`));
    const identity = loadIdentity(idPath);
    if (!identity.ok) return fail(identity.error);
    const conn = await connectEmbedded({ state, identity: identity.value, create: true });
    if (!conn.ok) return fail(conn.error);
    const net = conn.value.embedded;
    if (!net.created) {
        await net.close(false);
        return fail(usage(`${resolve(state)} already holds an emc network; it was left as it is (a new network needs a missing or empty directory)`));
    }
    try {
        const owner = conn.value.principal.toText();
        const value = { state: net.dir, governance: owner, genesis_balance: GENESIS_BALANCE, ledger: net.ledgerId.toText(), protocol: net.protocolId.toText() };
        out(
            json
                ? `${toJson({ ok: true, value })}\n`
                : `created an emc network in ${net.dir}\n${keyValues([
                      ['governance', owner],
                      ['genesis balance', `${emc(GENESIS_BALANCE)} for ${owner}`],
                      ['emc_ledger', value.ledger],
                      ['emc_protocol', value.protocol],
                  ])}\n`,
        );
        return EXIT.ok;
    } finally {
        await conn.value.close();
    }
}

function usage(message: string): ClientError {
    return { kind: 'BadInput', message: `BadInput: ${message}` };
}
