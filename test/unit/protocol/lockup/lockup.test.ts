/** The majority-game lock-up (spec §14) on the in-memory protocol and the real ledger domain behind the fake client. */
import fc from 'fast-check';
import { CLOSE_CHUNK, LOCKUP_REWARDS_SUBACCOUNT, LOCKUP_SUBACCOUNT } from '../../../../src/protocol/lockup/lockup';
import { basicSplit, competitionWinner, periodBudget, rateBps, tierPercent, timeWeight } from '../../../../src/protocol/lockup/rules';
import { TREASURY_SUBACCOUNT } from '../../../../src/protocol/model/supply';
import { distributionProtocol, EMC, GOVERNANCE, PROTOCOL_ID, SEC, T0, operator } from '../distribution-helpers';

const DAY = 86_400n * SEC;
const FEE = 100_000n;
const ANON = new Uint8Array([4]);
const rewardsAccount = { owner: PROTOCOL_ID, subaccount: LOCKUP_REWARDS_SUBACCOUNT };
const lockupAccount = { owner: PROTOCOL_ID, subaccount: LOCKUP_SUBACCOUNT };
const treasury = { owner: PROTOCOL_ID, subaccount: TREASURY_SUBACCOUNT };

describe('the lock-up rules (spec §14)', () => {
    it("the seed's example: AV 10,800,000, O 1,800,000, period 3, L 2,200,000 → 40.74 % → 80 % of 388,800 = 311,040, 155,520 per pool", () => {
        const { c, basic, competition } = periodBudget(10_800_000n * EMC, 3);
        expect([c, basic, competition]).toEqual([432_000n * EMC, 388_800n * EMC, 43_200n * EMC]);
        expect(rateBps(2_200_000n * EMC, 1_800_000n * EMC, 3)).toBe(4_074n);
        expect(tierPercent(2_200_000n * EMC, 1_800_000n * EMC, 3)).toBe(80);
        expect(basicSplit(basic, 80)).toEqual({ earned: 311_040n * EMC, perPool: 155_520n * EMC, unearned: 388_800n * EMC - 311_040n * EMC });
    });

    it('tiers at exact boundaries, time weights by fifth, the competition needs more than 10,000 EMC', () => {
        const O = 1_000n * EMC;
        expect([tierPercent(250n * EMC - 1n, O, 1), tierPercent(250n * EMC, O, 1), tierPercent(400n * EMC, O, 1), tierPercent(500n * EMC, O, 1), tierPercent(1_000n * EMC, O, 2)]).toEqual([38, 50, 80, 100, 100]);
        expect([0, 1, 2, 3, 4].map((f) => timeWeight(3, f, 3))).toEqual([5n, 4n, 3n, 2n, 1n]);
        expect([timeWeight(0, 4, 1), timeWeight(2, 4, 3), timeWeight(4, 0, 3)]).toEqual([5n, 5n, 0n]);
        expect(competitionWinner(20_000n * EMC, 10_000n * EMC)).toBeUndefined();
        expect(competitionWinner(20_000n * EMC + 1n, 10_000n * EMC)).toBe('A');
        expect(competitionWinner(0n, 10_000n * EMC + 1n)).toBe('B');
    });
});

async function startGame(o: { periods?: number; budget?: bigint; output?: bigint; users?: number } = {}) {
    const users = o.users ?? 6;
    const t = distributionProtocol({ treasury: 20_000_000n * EMC, balances: Array.from({ length: users }, (_, i) => [i + 1, 10_000_000n * EMC] as [number, bigint]) });
    for (let i = 1; i <= users; i++) t.ledger.approve(operator(i), 10_000_000n * EMC);
    const args = { budget: o.budget ?? 10_800_000n * EMC, output: o.output ?? 1_800_000n * EMC, start: T0 + DAY, periodEpochs: 1, periods: o.periods ?? 12, reason: 'the majority game' };
    expect(t.protocol.lockup.checkStart(args)).toHaveProperty('Ok');
    expect(await t.protocol.lockup.start(operator(1), args)).toMatchObject({ Err: { NotAuthorized: {} } });
    expect(await t.protocol.lockup.start(GOVERNANCE, args)).toMatchObject({ Ok: { status: 'open' } });
    expect(t.ledger.balance(rewardsAccount)).toBe(args.budget);
    return t;
}

/** Runs maintenance until the lock-up job has nothing left to do now. */
async function runJobs(p: ReturnType<typeof distributionProtocol>['protocol']): Promise<number> {
    let runs = 0;
    while (p.lockup.nextAt(p.maintenance['x'].env.now()) === p.maintenance['x'].env.now()) {
        await p.maintenance.run();
        if (++runs > 10_000) throw new Error('the close never ends');
    }
    return runs;
}

describe('the lock-up game (spec §14)', () => {
    it('refuses the anonymous principal, locks under 10 EMC, pool A without an active staked node of the caller', async () => {
        const { protocol } = await startGame();
        expect(await protocol.lockup.lock(ANON, { amount: 10n * EMC, pool: 'B' })).toMatchObject({ Err: { NotAuthorized: {} } });
        expect(await protocol.lockup.lock(operator(1), { amount: 10n * EMC - 1n, pool: 'B' })).toMatchObject({ Err: { InvalidArgument: {} } });
        expect(await protocol.lockup.lock(operator(1), { amount: 10n * EMC, pool: 'A' })).toMatchObject({ Err: { InvalidArgument: {} } });
        expect(await protocol.lockup.lock(operator(1), { amount: 10n * EMC, pool: 'A', nodeId: 'router9' })).toMatchObject({ Err: { InvalidArgument: { reason: 'no node router9' } } });
        expect(await protocol.lockup.lock(operator(1), { amount: 10n * EMC, pool: 'B' })).toMatchObject({ Ok: { status: 'active', period: 0, pool: 'B' } });
    });

    it('pool A takes the operator of an active staked node, nobody else', async () => {
        const { protocol, env } = await startGame();
        env.as(operator(2));
        const r = await protocol.stakes.registerNode({ node_id: 'router1', node_type: 'router', wallet: { owner: operator(2) }, stake: { amount: 100_000n * EMC, lock_days: 180 } });
        expect(r).toMatchObject({ Ok: { status: 'active' } });
        expect(await protocol.lockup.lock(operator(3), { amount: 10n * EMC, pool: 'A', nodeId: 'router1' })).toMatchObject({ Err: { InvalidArgument: { reason: 'the caller does not operate node router1' } } });
        expect(await protocol.lockup.lock(operator(2), { amount: 10n * EMC, pool: 'A', nodeId: 'router1' })).toMatchObject({ Ok: { pool: 'A', nodeId: 'router1' } });
    });

    it("plays the seed's period 3 exactly (311,040 earned, 155,520 per pool), keeps each result, releases locks and rewards at the end", async () => {
        const { protocol, env, ledger } = await startGame({ periods: 3 });
        const lk = protocol.lockup;
        // Before the start (weight 5 in period 1): 1,100,000 in each pool... A is "guard": here both pools are played through B and A by the same rules.
        env.as(operator(2));
        await protocol.stakes.registerNode({ node_id: 'router1', node_type: 'router', wallet: { owner: operator(2) }, stake: { amount: 100_000n * EMC, lock_days: 180 } });
        expect(await lk.lock(operator(2), { amount: 1_100_000n * EMC, pool: 'A', nodeId: 'router1' })).toHaveProperty('Ok');
        expect(await lk.lock(operator(3), { amount: 1_000_000n * EMC, pool: 'B' })).toHaveProperty('Ok');
        // Period 3, fifth 2: 100,000 more in B → L = 2,200,000 at the end of period 3.
        env.time = T0 + DAY + 2n * DAY + (2n * DAY) / 5n + 1n;
        expect(await lk.lock(operator(4), { amount: 100_000n * EMC, pool: 'B' })).toMatchObject({ Ok: { period: 3, fifth: 2 } });
        env.time = T0 + 4n * DAY;
        await runJobs(protocol);
        const p3 = lk.store.period(3).result!;
        expect(p3).toMatchObject({ locked: 2_200_000n * EMC, tier: 80, basic: 388_800n * EMC, perPool: 155_520n * EMC, unearned: 77_760n * EMC, final: true });
        // Competition: B's 100,000 new locks beat A's 0 by more than 10,000: B's new lock takes all of K_3.
        expect(p3).toMatchObject({ winner: 'B', competition: 43_200n * EMC, sharedK: 43_200n * EMC });
        expect(lk.store.game()).toMatchObject({ status: 'ended', closed: 3 });
        // Pool A holds one lock: it takes all of A's basic in every period.
        const a = lk.store.lock(0n)!;
        expect(lk.periodShare(a, 3, p3)).toEqual({ basic: 155_520n * EMC, competition: 0n });
        // Pool B in period 3: weights 5 × 1,000,000 and 3 × 100,000.
        const b1 = lk.store.lock(1n)!;
        const b2 = lk.store.lock(2n)!;
        expect(lk.periodShare(b1, 3, p3).basic).toBe((155_520n * EMC * 5_000_000n) / 5_300_000n);
        expect(lk.periodShare(b2, 3, p3)).toEqual({ basic: (155_520n * EMC * 300_000n) / 5_300_000n, competition: 43_200n * EMC });
        // Claims: only the owner, and everything leaves both accounts.
        expect(await lk.claim(operator(3), 0n)).toMatchObject({ Err: { NotAuthorized: {} } });
        const before = ledger.balance({ owner: operator(3) });
        const c = await lk.claim(operator(3), 1n);
        expect(c).toMatchObject({ Ok: { status: 'released', reward: lk.rewardOf(b1) } });
        expect(ledger.balance({ owner: operator(3) })).toBe(before + 1_000_000n * EMC + lk.rewardOf(b1) - 2n * FEE);
        await lk.claim(operator(2), 0n);
        await lk.claim(operator(4), 2n);
        expect(await lk.claim(operator(4), 2n)).toMatchObject({ Err: { WrongState: {} } });
        expect(ledger.balance(lockupAccount)).toBe(0n);
        expect(ledger.balance(rewardsAccount)).toBe(0n);
    });

    it('a close with more locks than a chunk takes several bounded runs; the result survives a reopening (upgrade) in the middle', async () => {
        const n = CLOSE_CHUNK * 2 + 7;
        const { protocol, env, reopen } = await startGame({ periods: 1, users: 3 });
        for (let i = 0; i < n; i++) await protocol.lockup.lock(operator(1 + (i % 3)), { amount: 10n * EMC + BigInt(i), pool: 'B' });
        env.time = T0 + 2n * DAY;
        await protocol.maintenance.run(); // provisional result
        await protocol.maintenance.run(); // first chunk
        expect(protocol.lockup.store.game()!.scan).toMatchObject({ position: BigInt(CLOSE_CHUNK) });
        const again = reopen();
        const runs = await runJobs(again);
        expect(runs).toBe(2);
        const r = again.lockup.store.period(1).result!;
        let sum = 0n;
        for (let i = 0n; i < BigInt(n); i++) sum += again.lockup.periodShare(again.lockup.store.lock(i)!, 1, r).basic;
        expect(r.sharedB).toBe(sum);
        expect(r.final).toBe(true);
    });

    it('pool shares + dust = pool reward, the scan pays what claims pay, and the accounts end exactly empty (property)', async () => {
        await fc.assert(
            fc.asyncProperty(
                fc.array(fc.record({ user: fc.integer({ min: 1, max: 4 }), amount: fc.bigInt({ min: 10n * EMC, max: 400_000n * EMC }), at: fc.bigInt({ min: 0n, max: 4n * DAY - 1n }), guard: fc.boolean() }), { minLength: 0, maxLength: 12 }),
                fc.bigInt({ min: 1_000n * EMC, max: 5_000_000n * EMC }),
                async (locks, output) => {
                    const { protocol, env, ledger } = await startGame({ periods: 3, budget: 1_000_000n * EMC + 7n, output, users: 4 });
                    const lockedBefore = ledger.balance(lockupAccount);
                    const lk = protocol.lockup;
                    // Every player operates a staked router, so it may lock in pool A too.
                    for (let u = 1; u <= 4; u++) {
                        env.as(operator(u));
                        await protocol.stakes.registerNode({ node_id: `r${u}`, node_type: 'router', wallet: { owner: operator(u) }, stake: { amount: 100_000n * EMC, lock_days: 180 } });
                    }
                    const sorted = [...locks].sort((a, b) => (a.at < b.at ? -1 : 1));
                    for (const l of sorted) {
                        env.time = T0 + l.at;
                        await protocol.maintenance.run();
                        const r = await lk.lock(operator(l.user), l.guard ? { amount: l.amount, pool: 'A', nodeId: `r${l.user}` } : { amount: l.amount, pool: 'B' });
                        expect(r).toHaveProperty('Ok');
                    }
                    env.time = T0 + 5n * DAY;
                    await runJobs(protocol);
                    const g = lk.store.game()!;
                    expect(g.status).toBe('ended');
                    let forfeited = 0n;
                    let paidToEcosystem = 0n;
                    for (let x = 1; x <= 3; x++) {
                        const r = lk.store.period(x).result!;
                        const basic = { A: 0n, B: 0n };
                        let k = 0n;
                        for (let i = 0n; i < g.nextLock; i++) {
                            const l = lk.store.lock(i)!;
                            const s = lk.periodShare(l, x, r);
                            basic[l.pool] += s.basic;
                            k += s.competition;
                        }
                        // Pool shares + dust = pool reward, in each pool; the competition's shares never pass K.
                        expect([basic.A, basic.B, k]).toEqual([r.sharedA, r.sharedB, r.sharedK]);
                        expect(basic.A).toBeLessThanOrEqual(r.perPool);
                        expect(basic.B).toBeLessThanOrEqual(r.perPool);
                        expect(k).toBeLessThanOrEqual(r.competition);
                        expect(r.toEcosystem).toBe(r.basic - basic.A - basic.B + r.competition - k);
                        paidToEcosystem += r.toEcosystem;
                    }
                    for (let i = 0n; i < g.nextLock; i++) {
                        const l = lk.store.lock(i)!;
                        const reward = lk.rewardOf(l);
                        if (reward <= FEE) forfeited += reward;
                        await lk.claim(l.owner.owner, i);
                    }
                    expect(ledger.balance(lockupAccount)).toBe(lockedBefore);
                    expect(ledger.balance(rewardsAccount)).toBe(forfeited);
                    expect(ledger.balance(treasury)).toBeGreaterThanOrEqual(20_000_000n * EMC - 1_000_000n * EMC - 7n - FEE + paidToEcosystem);
                },
            ),
            { numRuns: 25 },
        );
    });
});
