/**
 * The devnet, shortened to the fewest epochs that fit its whole fault script: first as the real
 * `emc devnet` process with a state directory (its --json result parsed), then resumed in process
 * from that directory (both canisters go through their upgrade path) for a second run with new
 * fault targets. Every invariant must hold after each run; the saved network then answers an `emc`
 * command, and the report is one self-contained HTML file with its charts.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runDevnet } from '../../../tools/devnet/run';
import { expectedWindows } from '../../../tools/devnet/checks';
import { makePlan, MIN_EPOCHS, SLOTS_PER_EPOCH } from '../../../tools/devnet/plan';

const BIN = resolve(__dirname, '..', '..', '..', 'bin', 'emc.js');
const MIN = 60_000_000_000n;

function emc(args: string[]) {
    return spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: { ...process.env, EMC_RETRY_DELAY_MS: '0' } });
}

describe('the devnet plan and the window rule its checks use', () => {
    it('fits every scripted fault inside the shortest run, with distinct targets', () => {
        for (const run of [0, 1, 2]) {
            const p = makePlan({ epochs: MIN_EPOCHS, run });
            const f = p.faults;
            expect(p.slots).toBe(MIN_EPOCHS * SLOTS_PER_EPOCH);
            const ends = [f.validatorDown.slot + f.validatorDown.minutes / 10, ...f.routersOffline.map((r) => r.slot + r.minutes / 10), ...f.computeFailing.map((c) => c.slot + c.minutes / 10), f.impeachment.slot, f.keyRotation.slot];
            expect(Math.max(...ends)).toBeLessThan(p.slots);
            const targets = [f.validatorDown.nodeId, f.keyRotation.nodeId, f.impeachment.nodeId, ...f.routersOffline.map((r) => r.nodeId), ...f.computeFailing.map((c) => c.nodeId)];
            expect(new Set(targets).size).toBe(targets.length);
            expect(f.routersOffline.map((r) => r.nodeId)).not.toContain(f.impeachment.accuser);
        }
    });

    it('counts complete windows holding a confirmation other than the opening one', () => {
        const confs = Array.from({ length: 20 }, (_, i) => BigInt(i) * 10n * MIN);
        // router: 60 minutes, batches every 10: window 0 holds only the opening batch
        expect(expectedWindows(0n, 60n * MIN, 10n * MIN, confs)).toBe(5);
        // validator: 190 minutes away, 60-minute windows
        expect(expectedWindows(0n, 190n * MIN, 60n * MIN, confs)).toBe(3);
        // no confirmation inside a window (network down): nobody is charged for it
        expect(expectedWindows(0n, 60n * MIN, 10n * MIN, [0n, 50n * MIN])).toBe(1);
        expect(expectedWindows(0n, 9n * MIN, 10n * MIN, confs)).toBe(0);
    });
});

describe(`a ${MIN_EPOCHS}-epoch devnet, then resumed from its state directory`, () => {
    const dir = mkdtempSync(join(tmpdir(), 'emc-devnet-'));
    const state = join(dir, 'state');
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('runs as `emc devnet --json`: every invariant holds and the report has its charts', () => {
        const r = emc(['devnet', '--epochs', String(MIN_EPOCHS), '--state', state, '--json']);
        if (r.status !== 0) throw new Error(`exit ${r.status}\n${r.stderr.slice(-3000)}`);
        const out = JSON.parse(r.stdout);
        expect(out.ok).toBe(true);
        expect(out.run).toBe(1);
        expect(out.epochs).toHaveLength(MIN_EPOCHS);
        const failed = out.checks.filter((c: { ok: boolean }) => !c.ok);
        expect(failed).toEqual([]);
        const names: string[] = out.checks.map((c: { name: string }) => c.name);
        for (const must of ['ledger: the balances', 'penalties: charged =', 'impeachment of', 'key rotation of', 'suspension:', 'validator val04 away']) expect(names.some((n) => n.startsWith(must))).toBe(true);
        // the 3-hour outage costs exactly three validator windows
        expect(out.checks.find((c: { name: string }) => c.name.startsWith('validator val04 away')).detail).toBe('charged 347.1 EMC');
        // progress and per-epoch figures went to stderr (stdout is the JSON)
        expect(r.stderr).toMatch(/epoch +0 \( 1\/6\) +emitted 720,000\.00/);
        const html = readFileSync(out.report, 'utf8');
        expect(html.startsWith('<!doctype html>')).toBe(true);
        expect(html.match(/<svg /g)?.length).toBeGreaterThanOrEqual(6);
        for (const title of ['Emission schedule', 'Rewards earned by node type', 'Liveness penalties per epoch']) expect(html).toContain(title);
        expect(html).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org)/);
    }, 300_000);

    it('resumes the same network through the upgrade path and keeps every invariant', async () => {
        const lines: string[] = [];
        const r = await runDevnet({ epochs: MIN_EPOCHS, state, out: (l) => lines.push(l) });
        expect(lines[0]).toMatch(/resumed .* \(run 2, slot 36; both canisters went through post_upgrade\)/);
        expect(r.checks.filter((c) => !c.ok)).toEqual([]);
        expect(r.run).toBe(2);
        expect(r.epochs.map((e) => e.epoch)).toEqual(Array.from({ length: 2 * MIN_EPOCHS }, (_, i) => i));
        // the second run's script has its own targets
        expect(r.checks.some((c) => c.name.startsWith('validator val05 away'))).toBe(true);
    }, 300_000);

    it('the saved network answers emc commands with the keys the devnet wrote', () => {
        const r = emc(['node', 'status', 'val10', '--network', 'embedded', '--state', state, '--json']);
        expect(r.status).toBe(0);
        const node = JSON.parse(r.stdout).value;
        expect(node).toMatchObject({ nodeId: 'val10', type: 'validator', status: 'active' });
        const bad = emc(['devnet', '--epochs', '2', '--state', state]);
        expect(bad.status).toBe(2);
        expect(bad.stderr).toMatch(/--epochs '2' must be a whole number from 6/);
    }, 120_000);
});
