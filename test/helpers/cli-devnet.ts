/**
 * The `emc` CLI as a child process (bin/emc.js) on an embedded devnet in a fresh state directory,
 * with a fresh Ed25519 identity: `emc(args)` runs one command and answers its exit code, output
 * and (with --json) the parsed answer. `init()` (in beforeAll) makes the devnet; `cleanup()` (in
 * afterAll) removes the directory.
 */
import { spawnSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const EMC_BIN = resolve(__dirname, '..', '..', 'bin', 'emc.js');

export interface CliRun {
    code: number;
    out: string;
    err: string;
    /** The parsed --json answer (its shape is each command's). */
    json: any;
}

export function cliOnDevnet(prefix: string) {
    const dir = mkdtempSync(join(tmpdir(), prefix));
    const state = join(dir, 'state');
    const key = join(dir, 'a.pem');
    const emc = (args: string[]): CliRun => {
        const r = spawnSync(process.execPath, [EMC_BIN, ...args, '--state', state, '--identity', key], { encoding: 'utf8', env: { ...process.env, EMC_RETRY_DELAY_MS: '0' } });
        return { code: r.status ?? -1, out: r.stdout, err: r.stderr, json: args.includes('--json') ? JSON.parse(r.stdout) : undefined };
    };
    const init = (): number => {
        writeFileSync(key, generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }) as string);
        return spawnSync(process.execPath, [EMC_BIN, 'devnet', 'init', '--state', state, '--identity', key], { encoding: 'utf8' }).status ?? -1;
    };
    const cleanup = (): void => rmSync(dir, { recursive: true, force: true });
    return { dir, state, key, emc, init, cleanup };
}
