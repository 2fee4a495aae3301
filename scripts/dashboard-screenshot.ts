/**
 * `npm run screenshot`: runs a 6-epoch devnet in process with --serve on a free port, opens the
 * dashboard in headless Chromium (dashboard/browser.ts) once every figure and the node table are
 * there, and writes docs/img/dashboard.png (the README's picture) and docs/img/dashboard-node.png.
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { runDevnet } from '../tools/devnet/run';
import { launchChromium } from '../dashboard/browser';

const OUT = resolve(__dirname, '..', 'docs', 'img');

async function main(): Promise<void> {
    mkdirSync(OUT, { recursive: true });
    const stop = new AbortController();
    let shot: Promise<void> = Promise.resolve();
    const run = runDevnet({
        epochs: 6,
        out: (l) => process.stderr.write(`${l}\n`),
        serve: {
            port: 0,
            signal: stop.signal,
            onListening: (url) => {
                shot = (async () => {
                    const { browser, close } = await launchChromium();
                    try {
                        const page = await browser.newPage();
                        await page.goto(url);
                        await page.waitForSelector('[data-testid=nodes-table]', { timeout: 180_000 });
                        await page.screenshot({ path: join(OUT, 'dashboard.png') });
                        await page.goto(`${url}/#/node/val04`);
                        await page.waitForSelector('[data-page=node]', { timeout: 60_000 });
                        await page.screenshot({ path: join(OUT, 'dashboard-node.png') });
                        process.stderr.write(`screenshots written to ${OUT}\n`);
                    } finally {
                        await close();
                        stop.abort();
                    }
                })();
            },
        },
    });
    await run;
    await shot;
}

main().then(
    () => process.exit(0),
    (e: unknown) => {
        process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
        process.exit(1);
    },
);
