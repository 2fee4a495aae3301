/**
 * The served devnet and its dashboard in a real browser: `emc devnet --serve` runs as a process (a
 * 6-epoch script, then live), headless Chromium (Debian's package, driven by playwright-core)
 * opens the dashboard, and every figure it shows is compared with the canisters' own answers read
 * here through agent-js `HttpAgent` over the same HTTP interface; the certified tips are verified
 * in the browser, a node page loads, no console error is logged. Then SIGINT stops the devnet and
 * its state directory holds the network.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { HttpAgent } from '@dfinity/agent';
import { LedgerClient } from '../../src/client/ledger';
import { ProtocolClient } from '../../src/client/protocol';
import { DEFAULT_LEDGER_ID, DEFAULT_PROTOCOL_ID } from '../../src/client/network';
import { launchChromium } from '../../dashboard/browser';
import type { BrowserContext, Page } from 'playwright-core';

const BIN = resolve(__dirname, '..', '..', 'bin', 'emc.js');

let dir: string;
let child: ChildProcess;
let output = '';
let url: string;
let browser: BrowserContext;
let closeBrowser: () => Promise<void>;
let protocol: ProtocolClient;
let ledger: LedgerClient;

function get<T>(r: { ok: true; value: T } | { ok: false; error: { message: string } }): T {
    if (!r.ok) throw new Error(r.error.message);
    return r.value;
}

beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'emc-dashboard-'));
    child = spawn(process.execPath, [BIN, 'devnet', '--epochs', '6', '--state', join(dir, 'state'), '--serve', '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    url = await new Promise<string>((ok, fail) => {
        const onData = (b: Buffer) => {
            output += b.toString();
            const m = /serving the IC HTTP interface and the dashboard on (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
            if (m !== null) ok(m[1]);
        };
        child.stdout?.on('data', onData);
        child.stderr?.on('data', onData);
        child.on('exit', (code) => fail(new Error(`the devnet exited (${code}) before serving:\n${output.slice(-3000)}`)));
    });
    const agent = await HttpAgent.create({ host: url, shouldFetchRootKey: true });
    ledger = new LedgerClient({ agent, canisterId: DEFAULT_LEDGER_ID });
    protocol = new ProtocolClient({ agent, canisterId: DEFAULT_PROTOCOL_ID, ledger });
    ({ browser, close: closeBrowser } = await launchChromium());
}, 600_000);

afterAll(async () => {
    await closeBrowser?.();
    if (child !== undefined && child.exitCode === null) child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
});

/** The figures the overview page shows, keyed by data-testid, from their exact data-value. */
async function figures(page: Page): Promise<Record<string, string>> {
    return page.$$eval('[data-testid][data-value]', (els) => Object.fromEntries(els.map((e) => [e.getAttribute('data-testid') as string, e.getAttribute('data-value') as string])));
}

/** What the canisters answer, in the same form. */
async function answers(): Promise<Record<string, string>> {
    const count = async (type: 'validator' | 'router' | 'compute') => String(get(await protocol.listNodes({ type, status: 'active', limit: 1 })).total);
    const r = get(await protocol.rewardsSummary());
    const info = get(await protocol.protocolInfo());
    const tip = get(await protocol.certifiedTip());
    return {
        validators: await count('validator'),
        routers: await count('router'),
        compute: await count('compute'),
        'total-e': String(r.totalE),
        eligible: String(r.eligible),
        epoch: String(r.epoch),
        claimed: String(r.claimed),
        'tip-height': String(tip.height ?? ''),
        'total-supply': String(get(await ledger.metadata()).totalSupply),
        treasury: String(get(await ledger.balance(info.treasury))),
        fee: String(get(await ledger.fee())),
    };
}

describe('the dashboard in headless Chromium, against a served devnet', () => {
    const errors: string[] = [];

    it('shows the figures the canisters answer, with both certified tips verified in the browser', async () => {
        const page = await browser.newPage();
        page.on('console', (m) => {
            if (m.type() === 'error') errors.push(m.text());
        });
        page.on('pageerror', (e) => errors.push(e.message));
        await page.goto(url);
        await page.waitForSelector('[data-testid=nodes-table]', { timeout: 180_000 });
        // a batch or a claim may land between the two reads (a slot every 10 minutes): read again then
        let shown = await figures(page);
        let truth = await answers();
        for (let attempt = 0; attempt < 3 && Object.keys(truth).some((k) => shown[k] !== truth[k]); attempt++) {
            await page.reload();
            await page.waitForSelector('[data-testid=nodes-table]', { timeout: 180_000 });
            shown = await figures(page);
            truth = await answers();
        }
        for (const [k, v] of Object.entries(truth)) expect([k, shown[k]]).toEqual([k, v]);
        expect(shown['tip-status']).toBe('verified');
        expect(shown['ledger-tip-status']).toBe('verified');
        // the network: 13 validators, 19 routers (one impeached), 200 compute nodes, 6 scripted epochs closed
        expect(shown.validators).toBe('13');
        expect(Number(shown.epoch)).toBeGreaterThanOrEqual(6);
        // the emission of the closed epochs equals the schedule (each epoch emitted r(1))
        expect(shown['emitted-closed']).toBe(shown['schedule-so-far']);
        // 2 decimals shown, the exact amount in the tooltip
        const supply = await page.$eval('[data-testid=total-supply]', (e) => [e.textContent, e.getAttribute('title')]);
        expect(supply[0]).toMatch(/^\d{1,3}(,\d{3})*\.\d{2}$/);
        expect(supply[1]).toMatch(/ EMC$/);
        // the nodes table lists every node
        expect(await page.$$eval('[data-testid=nodes-table] tr', (rows) => rows.length - 1)).toBe(233);
        await page.close();
    }, 600_000);

    it('a node page loads with the node’s status, stake, E-value and rewards', async () => {
        const page = await browser.newPage();
        page.on('console', (m) => {
            if (m.type() === 'error') errors.push(m.text());
        });
        page.on('pageerror', (e) => errors.push(e.message));
        await page.goto(`${url}/#/node/rtr02`);
        await page.waitForSelector('[data-page=node]', { timeout: 120_000 });
        const shown = await figures(page);
        const node = get(await protocol.getNode('rtr02'));
        const rewards = get(await protocol.nodeRewards('rtr02'));
        expect(node).toBeDefined();
        expect(shown['node-status']).toBe(node?.status);
        expect(shown['node-stake']).toBe(String(node?.stake?.amount));
        expect(shown['node-e']).toBe(String(node?.eValue));
        expect(shown['node-claimed']).toBe(String(rewards.claimed));
        expect(BigInt(shown['node-claimable'])).toBeLessThanOrEqual(rewards.claimable);
        await page.close();
    }, 300_000);

    it('logged no console error', () => {
        expect(errors).toEqual([]);
    });

    it('Ctrl-C (SIGINT) stops the served devnet and saves its network', async () => {
        const code = await new Promise<number | null>((ok) => {
            child.on('exit', (c) => ok(c));
            child.kill('SIGINT');
        });
        expect(code).toBe(0);
        expect(output).toMatch(/devnet: stopped; the network is saved in /);
        const saved = JSON.parse(readFileSync(join(dir, 'state', 'devnet.json'), 'utf8'));
        expect(saved.slot).toBeGreaterThanOrEqual(36);
        expect(existsSync(join(dir, 'state', 'emc_protocol.stable'))).toBe(true);
        expect(existsSync(join(dir, 'state', 'lock'))).toBe(false);
    }, 120_000);
});
