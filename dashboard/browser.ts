/**
 * Headless Chromium for the dashboard's browser test and its screenshot script: Debian's
 * `chromium` package (/usr/bin/chromium, installed by .ci/run when missing) driven by
 * playwright-core (no browser download), with a fresh profile and nothing that reaches the network.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext } from 'playwright-core';

export const CHROMIUM = process.env.EMC_CHROMIUM ?? '/usr/bin/chromium';

/** A browser context in a fresh profile directory (removed again by `close`). */
export async function launchChromium(): Promise<{ browser: BrowserContext; close: () => Promise<void> }> {
    const { chromium } = await import('playwright-core');
    const profile = mkdtempSync(join(tmpdir(), 'emc-chromium-'));
    // --user-data-dir=<profile>: playwright passes the profile itself (launchPersistentContext)
    const args = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
    const browser = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, args, headless: true, viewport: { width: 1280, height: 1500 } });
    return {
        browser,
        close: async () => {
            await browser.close();
            rmSync(profile, { recursive: true, force: true });
        },
    };
}
