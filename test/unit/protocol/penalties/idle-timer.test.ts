/**
 * The maintenance timer on an idle network (issue 13): windows without a confirmed batch are exempt
 * (spec §6), so while no batch was confirmed since the earliest queued window began the timer has
 * no liveness work and sleeps until the next epoch boundary; the next confirmation wakes it.
 * Property: a network whose timer runs only when `nextAt` says so charges exactly what a network
 * swept every 10 minutes charges, for any history of confirmations, absences and outages.
 */
import fc from 'fast-check';
import { HOUR, MINUTE, ROUTER_PENALTY, T0, VALIDATOR_PENALTY, VALIDATORS, all, network } from './helpers';

/** What happens in one 5-minute step: a batch by everyone, one without v13, one observing r21 offline, or none. */
type Step = 'all' | 'without13' | 'routerOff' | 'none';

/**
 * The canister's timer (canisters/protocol/lifecycle.ts), emulated on the domain: after a run it
 * arms the next `nextAt` unless a timer fires by then; after an update it re-arms only when the
 * update noted work due before every armed timer (the wake-ups); a timer fires at or after its time.
 */
function timer(n: Awaited<ReturnType<typeof network>>) {
    const armed = new Set<bigint>();
    let runs = 0;
    const schedule = (): void => {
        n.protocol.wakeups.take();
        const next = n.protocol.maintenance.nextAt();
        if (next === undefined) return;
        for (const at of armed) if (at <= next) return;
        armed.add(next > n.env.time ? next : n.env.time);
    };
    const afterUpdate = (): void => {
        const due = n.protocol.wakeups.take();
        if (due === undefined) return;
        for (const at of armed) if (at <= due) return;
        schedule();
    };
    /** Fires every timer due by now, in time order (each run arms the next). */
    const fire = async (): Promise<void> => {
        for (let i = 0; i < 100; i++) {
            const due = [...armed].filter((at) => at <= n.env.time).sort((a, b) => (a < b ? -1 : 1))[0];
            if (due === undefined) return;
            armed.delete(due);
            await n.protocol.maintenance.run();
            runs++;
            schedule();
        }
        throw new Error('the timer spins');
    };
    return { schedule, afterUpdate, fire, runs: () => runs };
}

async function play(steps: Step[], mode: 'every10min' | 'timer') {
    const n = await network({ routers: [21] });
    const t = timer(n);
    t.schedule();
    let runs = 0;
    let sinceSweep = 0n;
    for (const s of steps) {
        // Time passes in 1-minute ticks (timers fire within the minute they are due), then the step's batch.
        for (let m = 0; m < 5; m++) {
            n.env.time += MINUTE;
            if (mode === 'timer') await t.fire();
        }
        if (s === 'all') n.confirm(all());
        else if (s === 'without13') n.confirm(all([13]));
        else if (s === 'routerOff') n.observe(all(), [['r21', false]]);
        if (mode === 'timer') {
            t.afterUpdate();
            await t.fire();
            continue;
        }
        sinceSweep += 5n * MINUTE;
        if (sinceSweep >= 10n * MINUTE) {
            await n.protocol.maintenance.run();
            runs++;
            sinceSweep = 0n;
        }
    }
    // The end of the history: one last run in both, then the deductions move.
    await n.protocol.maintenance.run();
    await n.settle();
    const charged = Object.fromEntries([...VALIDATORS.map((i) => `v${i}`), 'r21'].map((id) => [id, n.node(id).penalized ?? 0n]));
    // The log may group windows differently (one evaluation charges several windows in one record).
    const { charged: total, moved, forgiven, records } = n.protocol.liveness.totals();
    const windows = n.protocol.liveness.records(0n, Number(records)).reduce((a, r) => a + r.windows, 0);
    return { charged, totals: { total, moved, forgiven, windows }, runs: mode === 'timer' ? t.runs() : runs };
}

describe('the maintenance timer sleeps while no batch is confirmed', () => {
    it('an idle network: no liveness wake-up until the epoch boundary, then one when a batch is confirmed', async () => {
        const n = await network();
        n.confirm(all());
        await n.protocol.maintenance.run();
        // A batch was confirmed at T0: the validators' first windows end at T0 + 1h and are due then.
        expect(n.protocol.maintenance.nextAt()).toBe(T0 + HOUR);
        // Nothing is confirmed for three hours; the windows ending at 1h, 2h, 3h are exempt.
        n.env.time = T0 + HOUR + MINUTE;
        await n.protocol.maintenance.run();
        n.env.time = T0 + 3n * HOUR;
        expect(n.protocol.liveness.nextWork(n.env.time)).toBeUndefined();
        const boundary = n.protocol.rewards.nextEpochBoundary(n.env.time);
        expect(n.protocol.maintenance.nextAt()).toBe(boundary);
        expect(boundary - n.env.time).toBeGreaterThan(HOUR);
        // A batch (without v13) is confirmed: the queue's windows are due again and v13 is charged for its window.
        n.env.time = T0 + 3n * HOUR + 30n * MINUTE;
        n.protocol.wakeups.take();
        n.confirm(all([13]));
        expect(n.protocol.wakeups.take()).toBe(n.env.time);
        // The queued windows are due at once: the timer runs within a minute (the interval).
        expect(n.protocol.maintenance.nextAt()).toBe(n.env.time + MINUTE);
        n.env.time = T0 + 5n * HOUR;
        await n.protocol.maintenance.run();
        await n.settle();
        expect(n.node('v13').penalized).toBe(VALIDATOR_PENALTY);
        for (let i = 1; i <= 12; i++) expect(n.node(`v${i}`).penalized ?? 0n).toBe(0n);
    });

    it('charges the same as a timer that sweeps every 10 minutes, for any history (property)', async () => {
        const step = fc.constantFrom<Step>('all', 'without13', 'routerOff', 'none');
        // Histories of 2 to 6 hours made of runs of the same step (outages, absences, reports).
        const history = fc.array(fc.tuple(step, fc.integer({ min: 1, max: 18 })), { minLength: 2, maxLength: 8 }).map((xs) => xs.flatMap(([s, k]) => Array<Step>(k).fill(s)));
        await fc.assert(
            fc.asyncProperty(history, async (steps) => {
                const swept = await play(steps, 'every10min');
                const timed = await play(steps, 'timer');
                expect(timed.charged).toEqual(swept.charged);
                expect(timed.totals).toEqual(swept.totals);
            }),
            { numRuns: 25 },
        );
    }, 600_000);

    it('an outage of 6 hours costs no timer run beyond the window holding the last batch, where sweeping cost 36', async () => {
        const steps: Step[] = ['all', ...Array<Step>(72).fill('none')];
        const timed = await play(steps, 'timer');
        const swept = await play(steps, 'every10min');
        // At most the window end that contains the batch and a first run after set-up; then none.
        expect(timed.runs).toBeLessThanOrEqual(2);
        expect(swept.runs).toBe(36);
        expect(timed.charged).toEqual(swept.charged);
    });

    it('a router reported offline is charged per 10-minute window only while batches are confirmed', async () => {
        const steps: Step[] = [...Array<Step>(2).fill('routerOff'), ...Array<Step>(6).fill('all'), ...Array<Step>(12).fill('none')];
        const r = await play(steps, 'timer');
        // Offline from the first report (5 min); the windows [5, 15), [15, 25), [25, 35), [35, 45) min contain
        // confirmed batches (every 5 minutes until 40 min); the outage after 40 min charges nothing.
        expect(r.charged.r21).toBe(4n * ROUTER_PENALTY);
        expect(r.charged).toEqual((await play(steps, 'every10min')).charged);
    });
});
