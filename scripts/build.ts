/**
 * `npm run build`: builds every canister offline (no dfx needed) with Azle's build steps, driven by
 * scripts/build-canister.ts (a leaner bundle: no legacy text-encoding tables, minified).
 * Output: .azle/<name>/<name>.wasm and .did (the fixture's under test/fixture/.azle/); without
 * names, the dashboard's static bundle too (dashboard/dist/, dashboard/build.ts).
 * Usage: npm run build [-- name ...]
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const CANISTERS: { name: string; root: string }[] = [
    { name: 'emc_ledger', root: '.' },
    { name: 'emc_protocol', root: '.' },
    { name: 'fixture', root: 'test/fixture' },
];

export function wasmPath(name: string): string {
    const c = CANISTERS.find((x) => x.name === name);
    if (c === undefined) throw new Error(`unknown canister ${name}`);
    return resolve(__dirname, '..', c.root, '.azle', name, `${name}.wasm`);
}

export function buildCanister(name: string): void {
    const c = CANISTERS.find((x) => x.name === name);
    if (c === undefined) throw new Error(`unknown canister ${name}`);
    const root = resolve(__dirname, '..', c.root);
    const tsx = resolve(__dirname, '..', 'node_modules', '.bin', 'tsx');
    execFileSync(tsx, [join(__dirname, 'build-canister.ts'), name], {
        cwd: root,
        stdio: ['ignore', 'inherit', 'inherit'],
        env: { ...process.env, AZLE_DFX_ROOT: root, CANISTER_CANDID_PATH: join(root, '.azle', name, `${name}.did`) },
    });
    if (!existsSync(wasmPath(name))) throw new Error(`azle build ${name} produced no wasm`);
}

if (require.main === module) {
    const wanted = process.argv.slice(2);
    const names = wanted.length > 0 ? wanted : CANISTERS.map((c) => c.name);
    for (const name of names) {
        const t0 = Date.now();
        buildCanister(name);
        process.stdout.write(`built ${name} -> ${wasmPath(name)} (${((Date.now() - t0) / 1000).toFixed(1)} s)\n`);
    }
    if (wanted.length === 0) {
        // the dashboard's static bundle (dashboard/build.ts), what an asset canister ships
        import('../dashboard/build').then(
            (d) => d.buildDashboard().then((dir) => process.stdout.write(`built the dashboard -> ${dir}\n`)),
            (e: unknown) => {
                process.stderr.write(`dashboard: ${e instanceof Error ? e.message : String(e)}\n`);
                process.exitCode = 1;
            },
        );
    }
}
