/**
 * `npm run deploy -- --network local|ic [--config deploy.json] [--upgrade] [--dry-run]`:
 * creates emc_ledger and emc_protocol with dfx, installs them pointing at each other with the
 * network's section of the config file, and prints their ids and the next commands
 * (src/deploy/deploy.ts; docs/deploy.md). Run it in the project directory (where dfx.json is).
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { DeployConfigError } from '../src/deploy/config';
import { deploy, DeployError, LEDGER, PROTOCOL, systemDfx } from '../src/deploy/deploy';

const USAGE = `usage: npm run deploy -- --network <local|ic|…> [--config FILE] [--upgrade] [--dry-run]

  --network NAME   the dfx network (a section of the config file); required
  --config FILE    the deployment configuration (default: deploy.json)
  --upgrade        upgrade both canisters (their state is kept) instead of installing them
  --dry-run        print what would be installed (the Candid arguments); create and install nothing`;

function main(argv: string[]): number {
    let network: string | undefined;
    let configFile = 'deploy.json';
    let upgrade = false;
    let dryRun = false;
    for (let i = 0; i < argv.length; i++) {
        const a = argv[i];
        if (a === '--network' || a === '--config') {
            const v = argv[++i];
            if (v === undefined || v.startsWith('--')) return usage(`${a} needs a value`);
            if (a === '--network') network = v;
            else configFile = v;
        } else if (a === '--upgrade') upgrade = true;
        else if (a === '--dry-run') dryRun = true;
        else if (a === '--help' || a === '-h') {
            process.stdout.write(`${USAGE}\n`);
            return 0;
        } else return usage(`unknown option '${a}'`);
    }
    if (network === undefined) return usage('--network is required (local or ic)');
    let config: unknown;
    try {
        config = JSON.parse(readFileSync(resolve(configFile), 'utf8'));
    } catch (e) {
        process.stderr.write(`cannot read the deploy config ${configFile}: ${e instanceof Error ? e.message : String(e)}\n`);
        return 2;
    }
    try {
        const s = deploy(systemDfx(process.cwd()), { network, config, upgrade, dryRun, log: (line) => process.stdout.write(`${line}\n`) });
        if (s.mode === 'dry-run') {
            process.stdout.write('\ndry run: nothing was created or installed\n');
            return 0;
        }
        const ids = s as Required<typeof s>;
        process.stdout.write(`\n${s.mode === 'install' ? 'Deployed' : 'Upgraded'} on ${s.network}:\n`);
        process.stdout.write(`  ${LEDGER.padEnd(13)} ${ids.ledger.toText()}   minting account = ${PROTOCOL}\n`);
        process.stdout.write(`  ${PROTOCOL.padEnd(13)} ${ids.protocol.toText()}   ledger = ${LEDGER}, governance = ${s.governance.toText()}${s.governance.toText() === s.deployer.toText() ? ` (your dfx identity '${s.identity}')` : ''}\n`);
        process.stdout.write(`\nNext:\n${s.next.map((c) => `  ${c}`).join('\n')}\n`);
        if (s.network !== 'local') process.stdout.write(`\nHanding the canisters to an SNS, and upgrades by proposal: docs/deploy.md\n`);
        return 0;
    } catch (e) {
        if (e instanceof DeployError || e instanceof DeployConfigError) {
            process.stderr.write(`deploy: ${e.message}\n`);
            return 1;
        }
        throw e;
    }
}

function usage(message: string): number {
    process.stderr.write(`deploy: ${message}\n\n${USAGE}\n`);
    return 2;
}

process.exitCode = main(process.argv.slice(2));
