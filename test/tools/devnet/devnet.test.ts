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
import { makeDistributionPlan, makeMarketPlan, makePlan, MIN_EPOCHS, SLOTS_PER_EPOCH } from '../../../tools/devnet/plan';

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

    it('fits the market and distribution scripts inside the run: distinct offer nodes, disputes and the reward clock in time, the game over before the end', () => {
        for (const [epochs, run] of [[MIN_EPOCHS, 0], [MIN_EPOCHS, 1], [30, 0]]) {
            const p = makePlan({ epochs, run });
            const m = makeMarketPlan(p, run);
            const d = makeDistributionPlan(p, m, epochs);
            const nodes = m.offers.map((o) => o.nodeId);
            expect(new Set(nodes).size).toBe(nodes.length);
            expect(nodes.length).toBe(12);
            expect(m.offers[0].nodeId).toBe(p.faults.computeFailing[0].nodeId);
            expect(m.buyers).toHaveLength(40);
            for (const s of [m.disputeWon.slot, m.rewardStartSlot, m.lastOpenSlot]) expect(s).toBeLessThan(p.slots);
            // settlements mature (2-hour window) before the clock starts, and the failed dispute (3-hour timeout) ends in the run
            expect(m.rewardStartSlot).toBeGreaterThanOrEqual(3 * SLOTS_PER_EPOCH);
            expect(m.disputeLost.slot + 3 * SLOTS_PER_EPOCH).toBeLessThan(p.slots - SLOTS_PER_EPOCH);
            const g = d.game as NonNullable<typeof d.game>;
            expect([g.periods, g.periodEpochs]).toEqual(epochs === 30 ? [12, 2] : [4, 1]);
            expect(g.startSlot + g.periods * g.periodEpochs * SLOTS_PER_EPOCH).toBeLessThan(p.slots);
            expect(d.locks.every((l) => l.slot >= 1 && l.slot < g.startSlot + g.periods * g.periodEpochs * SLOTS_PER_EPOCH)).toBe(true);
            expect(d.locks.filter((l) => l.pool === 'A').every((l) => l.nodeId !== undefined && !p.faults.computeFailing.some((c) => c.nodeId === l.nodeId))).toBe(true);
            expect(d.mapping.entries.filter((e) => e.source < d.mapping.dustThreshold)).toHaveLength(6);
            expect(d.mapping.windowEndSlot).toBeLessThan(p.slots - SLOTS_PER_EPOCH);
            // three socket resales inside the run (one by approval, one closed by its new holder), clear of buyers 0–2
            expect(m.resales).toHaveLength(3);
            expect(m.resales.filter((r) => r.close)).toHaveLength(1);
            expect(m.resales.map((r) => r.how)).toContain('icrc37_approve_tokens + icrc37_transfer_from');
            for (const r of m.resales) expect([r.slot + 1 < p.slots, r.from > 2, r.from !== r.to]).toEqual([true, true, true]);
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

        // ----- the compute market (issue 17): its invariants held, and what happened is what the script did
        const check = (prefix: string) => {
            const c = out.checks.find((x: { name: string }) => x.name.startsWith(prefix));
            if (c === undefined) throw new Error(`no check named ${prefix}…`);
            return c as { ok: boolean; detail: string };
        };
        for (const prefix of ['market: for every order paid =', 'market: the escrow’s ledger balance =', 'market: trading rewards minted ≤ 378 M', 'market: every receipt re-derives', 'market: governance started the trading-reward clock part-way', 'treasury: genesis + penalties moved']) expect(check(prefix).ok).toBe(true);
        // the offline provider's buyer got the unconfirmed rest back less one fee (0.001 EMC)
        const offline = out.checks.find((c: { name: string }) => /went offline mid-order/.test(c.name));
        const [, paid, confirmed, refunded, received] = /paid ([\d,.]+) EMC, confirmed ([\d,.]+) EMC, refunded ([\d,.]+) EMC, received ([\d,.]+) EMC/.exec(offline.detail) as RegExpExecArray;
        const e8s = (t: string) => BigInt(Math.round(Number(t.replace(/,/g, '')) * 1e8));
        expect(offline.ok).toBe(true);
        expect(e8s(refunded)).toBe(e8s(paid) - e8s(confirmed));
        expect(e8s(received)).toBe(e8s(refunded) - 100_000n);
        expect(e8s(confirmed)).toBeGreaterThan(0n);
        expect(out.checks.find((c: { name: string }) => /dispute of order \d+ .*succeeded/.test(c.name))).toMatchObject({ ok: true, detail: expect.stringMatching(/dispute_refunded/) });
        expect(out.checks.find((c: { name: string }) => /dispute of order \d+ failed/.test(c.name))).toMatchObject({ ok: true, detail: expect.stringMatching(/dispute_failed/) });
        // per epoch: settled volume with exactly 20 % fees; trading rewards only after the clock started, none before it
        const market = out.epochs.map((e: { market: Record<string, string> }) => e.market);
        const sum = (k: string) => market.reduce((s: bigint, m: Record<string, string>) => s + BigInt(m[k]), 0n);
        expect(sum('volume')).toBeGreaterThan(0n);
        expect(sum('fees') * 5n).toBeLessThanOrEqual(sum('volume'));
        // 20 % per settlement, each floored: at most 1 e8s lost per receipt
        expect(sum('fees') * 5n).toBeGreaterThan(sum('volume') - 5n * 10_000n);
        expect(sum('buyerRewards')).toBeGreaterThan(0n);
        expect(sum('providerRewards')).toBe(0n); // period 1 of the reward clock (spec §11.1)
        const firstRewarded = market.findIndex((m: Record<string, string>) => BigInt(m.buyerRewards) > 0n);
        const firstSettled = market.findIndex((m: Record<string, string>) => BigInt(m.volume) > 0n);
        expect(firstSettled).toBeGreaterThanOrEqual(0);
        expect(sum('orders')).toBeGreaterThanOrEqual(40);
        expect(sum('claimedRewards')).toBeGreaterThan(0n);
        expect(firstRewarded).toBeGreaterThanOrEqual(firstSettled);
        for (const title of ['Market volume per epoch', 'Trading rewards granted by side', 'Market escrow at each epoch’s close']) expect(html).toContain(title);

        // ----- the genesis distribution (issue 19)
        for (const prefix of ['vesting: the vesting account holds', 'mapping 0: mapped + dust = the source total', 'mapping 0: claimed within the window', 'lock-up: every period closed by the job', 'lock-up: the locks’ rewards add up']) expect(check(prefix).ok).toBe(true);
        const d = out.distribution;
        expect(BigInt(d.vesting.released)).toBeGreaterThan(0n);
        expect(d.mappings[0]).toMatchObject({ status: 'swept', entries: '60' });
        expect(BigInt(d.mappings[0].dustSource)).toBeGreaterThan(0n);
        expect(BigInt(d.mappings[0].claimed) + BigInt(d.mappings[0].swept)).toBe(BigInt(d.mappings[0].mappedTotal));
        expect(d.game).toMatchObject({ status: 'ended', periods: 4 });
        expect(d.periods).toHaveLength(4);
        for (const p of d.periods) expect(p.final).toBe(true);
        // the lock rate falls through the tiers; pool B wins period 2's competition (the whale's 12,000 EMC)
        expect(new Set(d.periods.map((p: { tier: number }) => p.tier)).size).toBeGreaterThan(1);
        expect(d.periods[1]).toMatchObject({ winner: 'B' });
        expect(BigInt(d.lockClaims.rewards)).toBe(d.periods.reduce((s: bigint, p: Record<string, string>) => s + BigInt(p.sharedA) + BigInt(p.sharedB) + BigInt(p.sharedCompetition), 0n));
        expect(html).toContain('Lock rate per period');
        expect(html.match(/<h2 id="market">|<h2 id="distribution">/g)).toHaveLength(2);

        // ----- the sockets (issue 18): three resales, the resold order's refund went to its new holder
        const sk = out.sockets as { resales: { token: string; from: string; to: string; how: string }[]; close: Record<string, string> };
        expect(sk.resales).toHaveLength(3);
        expect(sk.resales.map((r) => r.how).sort()).toEqual(['icrc37_approve_tokens + icrc37_transfer_from', 'icrc7_transfer', 'icrc7_transfer']);
        for (const r of sk.resales) expect(r.from).not.toBe(r.to);
        const c = sk.close;
        const closedResale = sk.resales.find((r) => r.token === c.order) as { from: string; to: string };
        expect([c.holder, c.payer]).toEqual([closedResale.to, closedResale.from]);
        expect(c.status).toBe('closed');
        expect(BigInt(c.refunded)).toBe(BigInt(c.escrowBefore));
        expect(BigInt(c.refunded)).toBeGreaterThan(100_000n);
        // the holder received the refund less one ledger fee; the payer nothing
        expect(BigInt(c.holderAfter) - BigInt(c.holderBefore)).toBe(BigInt(c.refunded) - 100_000n);
        expect(BigInt(c.payerAfter)).toBe(BigInt(c.payerBefore));
        for (const prefix of ['sockets: Σ icrc7_balance_of over the buyers = icrc7_total_supply', 'sockets: icrc7_owner_of agrees with icrc7_tokens_of', 'sockets: every resold socket is with its new holder', `sockets: ${c.holder} closed order ${c.order}`]) expect(check(prefix).ok).toBe(true);
        const [, supply, sumBalances] = /supply (\d+), Σ balances (\d+)/.exec(check('sockets: Σ icrc7_balance_of').detail) as RegExpExecArray;
        expect(Number(supply)).toBeGreaterThan(0);
        expect(sumBalances).toBe(supply);
        expect(check('sockets: icrc7_owner_of agrees').detail).toMatch(new RegExp(`^${supply} live sockets$`));
        const supplies = out.epochs.map((e: { market: { sockets: string } }) => Number(e.market.sockets));
        expect(supplies.every((x: number) => x > 0)).toBe(true);
        expect(html).toContain('<h2 id="sockets">');
        expect(html).toContain('Open sockets (icrc7_total_supply)');
        expect(html).toContain(`<td class="l">${closedResale.from}</td><td class="l">${closedResale.to}</td>`);
    }, 600_000);

    it('resumes the same network through the upgrade path and keeps every invariant', async () => {
        const lines: string[] = [];
        const r = await runDevnet({ epochs: MIN_EPOCHS, state, out: (l) => lines.push(l) });
        expect(lines[0]).toMatch(/resumed .* \(run 2, slot 36; both canisters went through post_upgrade\)/);
        expect(r.checks.filter((c) => !c.ok)).toEqual([]);
        expect(r.run).toBe(2);
        expect(r.epochs.map((e) => e.epoch)).toEqual(Array.from({ length: 2 * MIN_EPOCHS }, (_, i) => i));
        // the second run's script has its own targets
        expect(r.checks.some((c) => c.name.startsWith('validator val05 away'))).toBe(true);
        // the market and the distribution continue: a second mapping, the first run's game kept with its results
        expect(r.checks.some((c) => c.name.startsWith('mapping 1: claimed within the window') && c.ok)).toBe(true);
        expect(r.distribution?.mappings.map((m) => m.status)).toEqual(['swept', 'swept']);
        expect(r.distribution?.game?.status).toBe('ended');
        expect(r.epochs.slice(MIN_EPOCHS).some((e) => (e.market?.volume ?? 0n) > 0n)).toBe(true);
        // the second run resells three sockets of its own; its closed one's refund reached the holder
        expect(r.sockets?.resales).toHaveLength(3);
        const c = r.sockets?.close as NonNullable<NonNullable<typeof r.sockets>['close']>;
        expect(c.holderAfter - c.holderBefore).toBe(c.refunded - 100_000n);
        expect(c.payerAfter).toBe(c.payerBefore);
        expect(r.checks.filter((x) => x.name.startsWith('sockets:')).length).toBeGreaterThanOrEqual(4);
    }, 600_000);

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
