/**
 * Builds the dashboard into `dashboard/dist/`: `index.html`, `app.css` and one bundled, minified
 * `app.js` (agent-js and the SDK included; no CDN, no network at run time) — the static files a
 * dfx asset canister ships (`emc_dashboard` in dfx.json) and the devnet's `--serve` serves.
 * esbuild (an npm dependency) bundles in about a second, so `--serve` rebuilds at every start.
 * `npm run build:dashboard` runs it alone; `npm run build` builds it with the canisters.
 */
import { copyFileSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const DASHBOARD_ROOT = resolve(__dirname);
export const DASHBOARD_DIST = join(DASHBOARD_ROOT, 'dist');

/** Bundles the dashboard into `out` (default dashboard/dist); resolves with the directory. */
export async function buildDashboard(out: string = DASHBOARD_DIST): Promise<string> {
    const esbuild = await import('esbuild');
    mkdirSync(out, { recursive: true });
    await esbuild.build({
        entryPoints: [join(DASHBOARD_ROOT, 'src', 'app.ts')],
        bundle: true,
        format: 'esm',
        platform: 'browser',
        target: 'es2022',
        minify: true,
        legalComments: 'none',
        outfile: join(out, 'app.js'),
        define: { 'process.env.NODE_ENV': '"production"', global: 'globalThis' },
        logLevel: 'warning',
    });
    copyFileSync(join(DASHBOARD_ROOT, 'index.html'), join(out, 'index.html'));
    copyFileSync(join(DASHBOARD_ROOT, 'src', 'app.css'), join(out, 'app.css'));
    return out;
}

/** The directory to serve: freshly built. */
export async function dashboardDir(): Promise<string> {
    return buildDashboard();
}

if (require.main === module) {
    buildDashboard().then(
        (dir) => process.stdout.write(`built the dashboard -> ${dir}\n`),
        (e: unknown) => {
            process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
            process.exit(1);
        },
    );
}
