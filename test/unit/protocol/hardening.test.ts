/**
 * Regression tests of the outside audit's domain defects (issue 12), with the IC's commit-at-await
 * semantics where a trap after an await matters (./ic-semantics.ts):
 *  1. lock terms and amounts that would wrap in storage are refused at the boundary;
 *  4. a ledger operation whose callback traps is retried by maintenance and settles exactly once;
 *  5. the maintenance deadline never lies in the past after a run that made no progress;
 *  6. an impeachment holds the stake: a release cannot erase a passed impeachment;
 *  7. unstaked registrations are capped and swept after the grace period;
 *  8. texts that validate are stored: validate_m is Ok exactly when m succeeds.
 */
import fc from 'fast-check';
import { OPERATION_LEASE_NS, MAX_REASON_BYTES, MAX_TERM_DAYS, MAX_UNSTAKED_PER_OPERATOR } from '../../../src/protocol/model/bounds';
import { TREASURY_SUBACCOUNT } from '../../../src/protocol/model/supply';
import { Reader, Writer, utf8Length } from '../../../src/lib/storage/binary';
import { PROTOCOL_MEMORY as M } from '../../../src/lib/storage/memory-ids';
import { DAY, EMC, GOVERNANCE, PROTOCOL_ID, T0, escrowInvariant, newProtocol, operator } from './helpers';
import { icProtocol } from './ic-semantics';

const wallet = (n: number) => ({ owner: operator(n + 500) });
const treasury = { owner: PROTOCOL_ID, subaccount: TREASURY_SUBACCOUNT };
const U64 = 1n << 64n;

function fundTreasury(ledger: { env: { as(p: Uint8Array): unknown }; ledger: { transfer(a: unknown): unknown } }, amount: bigint): void {
    ledger.env.as(PROTOCOL_ID);
    ledger.ledger.transfer({ to: treasury, amount });
}

describe('1. values that would wrap in storage are refused', () => {
    it('the writer throws instead of wrapping, and round-trips every value that fits (property)', () => {
        expect(() => new Writer().u16(65_536)).toThrow(RangeError);
        expect(() => new Writer().u16(-1)).toThrow(RangeError);
        expect(() => new Writer().u8(256)).toThrow(RangeError);
        expect(() => new Writer().u32(2 ** 32)).toThrow(RangeError);
        expect(() => new Writer().u32(1.5)).toThrow(RangeError);
        expect(() => new Writer().u64(U64)).toThrow(RangeError);
        expect(() => new Writer().u64(-1n)).toThrow(RangeError);
        expect(() => new Writer().text('x'.repeat(256))).toThrow(RangeError);
        expect(() => new Writer().longText('x'.repeat(65_536))).toThrow(RangeError);
        fc.assert(
            fc.property(fc.integer({ min: 0, max: 65_535 }), fc.bigInt({ min: 0n, max: U64 - 1n }), fc.string({ unit: 'binary', maxLength: 300 }), (d, a, s) => {
                const r = new Reader(new Writer().u16(d).u64(a).longText(s).done());
                return r.u16() === d && r.u64() === a && r.longText() === s;
            }),
        );
    });

    it('refuses a 65,536-day term (it was stored as 0 days) and an amount of 2^64 before any ledger call', async () => {
        const { protocol, env, ledger } = newProtocol([[1, 2_000_000n * EMC]]);
        ledger.approve(operator(1), 1_500_000n * EMC);
        env.as(operator(1));
        for (const [type, days, amount, refusal] of [
            ['router', 65_536, 100_000n * EMC, 'DaysOutOfRange'],
            ['validator', 65_536 + 360, 1_000_000n * EMC, 'DaysOutOfRange'],
            ['router', MAX_TERM_DAYS + 1, 100_000n * EMC, 'DaysOutOfRange'],
            ['router', 180, U64, 'AmountOutOfRange'],
            ['router', 180, U64 + 100_000n * EMC, 'AmountOutOfRange'],
        ] as const) {
            const r = await protocol.stakes.registerNode({ node_id: `n${days}x${amount}`, node_type: type, wallet: wallet(1), stake: { amount, lock_days: days } });
            expect(r).toMatchObject({ Err: { [refusal]: {} } });
        }
        expect(ledger.calls).toEqual([]);
        expect(protocol.config.nextIndex()).toBe(0n);
        // The longest term is accepted and kept exactly.
        const ok = await protocol.stakes.registerNode({ node_id: 'router1', node_type: 'router', wallet: wallet(1), stake: { amount: 100_000n * EMC, lock_days: MAX_TERM_DAYS } });
        expect(ok).toMatchObject({ Ok: { stake: { lockDays: MAX_TERM_DAYS, termEnd: T0 + BigInt(MAX_TERM_DAYS) * DAY } } });
    });

    it('refuses renewals that would wrap or push the term beyond the bound, and top-ups beyond the supply', async () => {
        const { protocol, env, ledger } = newProtocol([[1, 300_000n * EMC]]);
        ledger.approve(operator(1), 250_000n * EMC);
        env.as(operator(1));
        expect(await protocol.stakes.registerNode({ node_id: 'router1', node_type: 'router', wallet: wallet(1), stake: { amount: 100_000n * EMC, lock_days: 180 } })).toHaveProperty('Ok');
        const calls = ledger.calls.length;
        expect(await protocol.stakes.renew('router1', 65_536, 0n)).toMatchObject({ Err: { DaysOutOfRange: { minimum: 1, maximum: MAX_TERM_DAYS } } });
        expect(await protocol.stakes.renew('router1', MAX_TERM_DAYS, 0n)).toMatchObject({ Err: { RenewalTooLong: { message: `a renewal may leave at most ${MAX_TERM_DAYS} days of term`, maximum_days: MAX_TERM_DAYS } } });
        expect(await protocol.stakes.renew('router1', 90, U64)).toMatchObject({ Err: { AmountOutOfRange: {} } });
        expect(await protocol.stakes.topUp('router1', U64)).toMatchObject({ Err: { AmountOutOfRange: { minimum: 1n } } });
        expect(await protocol.stakes.topUp('router1', 1n, new Uint8Array(40))).toMatchObject({ Err: { InvalidSubaccount: {} } });
        expect(ledger.calls.length).toBe(calls);
        expect(protocol.registry.byId('router1')?.stake).toMatchObject({ termEnd: T0 + 180n * DAY, renewals: 0 });
        expect(await protocol.stakes.renew('router1', 90, 0n)).toMatchObject({ Ok: { stake: { termEnd: T0 + 270n * DAY, renewals: 1 } } });
    });
});

describe('4. a trap after the await leaves an operation that maintenance retries safely', () => {
    it('a governance payout batch whose callback traps is paid once, every payment of the batch', async () => {
        const t = icProtocol();
        fundTreasury(t.ledger, 1_000n * EMC);
        t.trapInCallback(M.PAYOUTS);
        const r = await t.message((s) => s.treasury.pay(GOVERNANCE, 'airdrop', [{ to: { owner: operator(5) }, amount: 7n * EMC }, { to: { owner: operator(6) }, amount: 8n * EMC }], 'batch 1'));
        expect(r).toHaveProperty('trapped');
        // The first transfer executed at the ledger; the callback's writes were rolled back.
        expect(t.ledger.balance({ owner: operator(5) })).toBe(7n * EMC);
        expect(t.sys.treasury.payout(0n)).toMatchObject({ status: 'pending' });
        // Within the lease the attempt may still be in flight: maintenance leaves it alone.
        await t.message((s) => s.maintenance.run());
        expect(t.sys.treasury.payout(0n)).toMatchObject({ status: 'pending' });
        t.env.time += OPERATION_LEASE_NS;
        await t.message((s) => s.maintenance.run());
        expect(t.sys.treasury.payout(0n)).toMatchObject({ status: 'paid' });
        expect(t.sys.treasury.payout(1n)).toMatchObject({ status: 'paid' });
        expect(t.ledger.balance({ owner: operator(5) })).toBe(7n * EMC);
        expect(t.ledger.balance({ owner: operator(6) })).toBe(8n * EMC);
        expect(t.sys.governanceLog.totals().airdropped).toBe(15n * EMC);
        expect(t.sys.maintenance.nextAt()).toBeGreaterThan(t.env.time + 60n * 1_000_000_000n - 1n);
    });

    it('a payout refused with the long reject text the IC produces is recorded as failed and its amount returns to the pool', async () => {
        const t = icProtocol();
        fundTreasury(t.ledger, 1_000n * EMC);
        t.ledger.faults.push({ when: 'before', code: 5, message: `IC0503: Error from Canister ${'x'.repeat(2_000)}` });
        const r = await t.message((s) => s.treasury.pay(GOVERNANCE, 'grant', [{ to: { owner: operator(5) }, amount: 7n * EMC }], 'grant 1'));
        expect(r).toMatchObject({ ok: { Ok: [{ status: 'failed' }] } });
        const p = t.sys.treasury.payout(0n);
        expect(p).toMatchObject({ status: 'failed' });
        expect(utf8Length(p?.error ?? '')).toBeLessThanOrEqual(1_000);
        expect(t.sys.governanceLog.totals().granted).toBe(0n);
    });

    it('a top-up whose callback traps is not stuck NodeBusy: it is retried after the lease and lands once', async () => {
        const t = icProtocol([[1, 300_000n * EMC]]);
        t.ledger.approve(operator(1), 200_000n * EMC);
        t.env.as(operator(1));
        await t.message((s) => s.stakes.registerNode({ node_id: 'router1', node_type: 'router', wallet: wallet(1), stake: { amount: 100_000n * EMC, lock_days: 180 } }));
        t.trapInCallback(M.NODES);
        expect(await t.message((s) => s.stakes.topUp('router1', 5_000n * EMC))).toHaveProperty('trapped');
        expect(t.sys.registry.byId('router1')).toMatchObject({ op: { kind: 'top_up' }, stake: { amount: 100_000n * EMC } });
        expect(await t.message((s) => s.stakes.retryOperation('router1'))).toMatchObject({ ok: { Err: { NodeBusy: {} } } });
        t.env.time += OPERATION_LEASE_NS;
        t.env.as(GOVERNANCE);
        await t.message((s) => s.maintenance.run());
        const n = t.sys.registry.byId('router1');
        expect(n?.op).toBeUndefined();
        expect(n?.stake?.amount).toBe(105_000n * EMC);
        const inv = escrowInvariant(t.sys, t.ledger);
        expect(inv.recorded).toBe(inv.onLedger);
        expect(t.sys.ops.marks.size()).toBe(0);
    });

    it('an older attempt’s late answer changes nothing once a later attempt owns the outcome', async () => {
        const { protocol, env, ledger } = newProtocol([[1, 300_000n * EMC]]);
        ledger.approve(operator(1), 200_000n * EMC);
        env.as(operator(1));
        await protocol.stakes.registerNode({ node_id: 'router1', node_type: 'router', wallet: wallet(1), stake: { amount: 100_000n * EMC, lock_days: 180 } });
        ledger.hold();
        const first = protocol.stakes.topUp('router1', 5_000n * EMC);
        await Promise.resolve();
        env.time += OPERATION_LEASE_NS;
        const second = protocol.stakes.retryOperation('router1');
        ledger.release();
        const [a, b] = await Promise.all([first, second]);
        expect(a).toMatchObject({ Err: { OperationPending: {} } });
        expect(b).toMatchObject({ Ok: { stake: { amount: 105_000n * EMC } } });
        expect(protocol.registry.byId('router1')?.stake?.amount).toBe(105_000n * EMC);
        const inv = escrowInvariant(protocol, ledger);
        expect(inv.recorded).toBe(inv.onLedger);
    });
});

describe('5. the maintenance timer never spins', () => {
    /** Runs maintenance the way the canister's timer does (delay 0 for a deadline in the past) over `span` ns; returns the runs. */
    async function drive(p: ReturnType<typeof newProtocol>['protocol'], env: ReturnType<typeof newProtocol>['env'], span: bigint): Promise<number> {
        const end = env.time + span;
        let runs = 0;
        while (env.time <= end && runs < 200) {
            await p.maintenance.run();
            runs++;
            const next = p.maintenance.nextAt() as bigint;
            if (next > env.time) env.time = next;
        }
        return runs;
    }

    it('a term-end release waiting for a stopped ledger is tried once per maintenance interval', async () => {
        const { protocol, env, ledger } = newProtocol([[1, 300_000n * EMC]]);
        ledger.approve(operator(1), 200_000n * EMC);
        env.as(operator(1));
        await protocol.stakes.registerNode({ node_id: 'router1', node_type: 'router', wallet: wallet(1), stake: { amount: 100_000n * EMC, lock_days: 180 } });
        env.time = T0 + 180n * DAY + 1n;
        for (let i = 0; i < 500; i++) ledger.faults.push({ when: 'before', code: 5, message: 'IC0508: canister is stopping' });
        const calls = ledger.calls.length;
        const runs = await drive(protocol, env, 2n * 1_000_000_000n);
        expect(runs).toBe(1);
        expect(ledger.calls.length - calls).toBe(1);
        // Over ten minutes: one try a minute.
        const ten = await drive(protocol, env, 600n * 1_000_000_000n);
        expect(ten).toBeLessThanOrEqual(11);
        ledger.faults.length = 0;
        await drive(protocol, env, 60n * 1_000_000_000n);
        expect(protocol.registry.byId('router1')).toMatchObject({ status: 'expired' });
    });

    it('a term end with a penalty due during a pause waits without spinning', async () => {
        const { protocol, env, ledger, governance } = newProtocol([[1, 300_000n * EMC]]);
        ledger.approve(operator(1), 200_000n * EMC);
        env.as(operator(1));
        await protocol.stakes.registerNode({ node_id: 'router1', node_type: 'router', wallet: wallet(1), stake: { amount: 100_000n * EMC, lock_days: 180 } });
        const n = protocol.registry.byId('router1')!;
        protocol.book.save({ ...n, penaltyDue: 386_000_000n }, n);
        expect(governance.pause(GOVERNANCE, 'ledger upgrade')).toHaveProperty('Ok');
        env.time = T0 + 180n * DAY + 1n;
        expect(await drive(protocol, env, 2n * 1_000_000_000n)).toBe(1);
    });
});

describe('6. an impeachment holds the stake', () => {
    /** Router r1 with a 180-day term, the others with 360 days. */
    async function routers(n: number) {
        const t = newProtocol(Array.from({ length: n }, (_, i) => [i + 1, 200_000n * EMC] as [number, bigint]));
        for (let i = 1; i <= n; i++) {
            t.ledger.approve(operator(i), 150_000n * EMC);
            t.env.as(operator(i));
            expect(await t.protocol.stakes.registerNode({ node_id: `r${i}`, node_type: 'router', wallet: { owner: operator(i) }, stake: { amount: 100_000n * EMC, lock_days: i === 1 ? 180 : 360 } })).toHaveProperty('Ok');
        }
        return t;
    }

    it('a vote opened before the term end keeps the stake until it closes; passed, the whole stake goes to the treasury', async () => {
        const t = await routers(3);
        t.env.time = T0 + 179n * DAY;
        t.env.as(operator(2));
        const v = t.votes.openImpeachment(operator(2), 'r2', 'r1', 'served forged results');
        expect(v).toHaveProperty('Ok');
        expect(t.registry.byId('r1')?.stake?.termEnd).toBe(T0 + 179n * DAY + 7n * DAY);
        // The original term end passes: nothing is released while the vote is open.
        t.env.time = T0 + 181n * DAY;
        await t.protocol.maintenance.run();
        expect(t.registry.byId('r1')).toMatchObject({ status: 'active', stake: { amount: 100_000n * EMC } });
        t.env.as(operator(3));
        expect(t.votes.voteImpeachment(operator(3), (v as { Ok: { id: bigint } }).Ok.id, 'r3', true)).toMatchObject({ Ok: { status: 'passed' } });
        await t.protocol.maintenance.run();
        expect(t.registry.byId('r1')).toMatchObject({ status: 'disqualified' });
        expect(t.ledger.balance(treasury)).toBe(100_000n * EMC - 100_000n);
        const s = t.protocol.liveness.totals();
        expect(s.charged).toBe(s.moved + s.forgiven);
        // The id stays taken: the impeached operator cannot register it again.
        t.env.as(operator(1));
        expect(await t.protocol.stakes.registerNode({ node_id: 'r1', node_type: 'router', wallet: { owner: operator(1) }, stake: { amount: 100_000n * EMC, lock_days: 180 } })).toMatchObject({ Err: { NodeIdTaken: {} } });
    });

    it('refuses to open a vote once the term has ended, and a release never turns a disqualified node back into expired', async () => {
        const t = await routers(3);
        t.env.time = T0 + 180n * DAY + 1n;
        t.ledger.hold();
        const release = t.protocol.maintenance.run();
        await Promise.resolve();
        expect(t.registry.byId('r1')?.op?.kind).toBe('release');
        expect(t.votes.openImpeachment(operator(2), 'r2', 'r1', 'late')).toMatchObject({ Err: { WrongStatus: {} } });
        // Even if a decision lands while the transfer is in flight, the outcome stays disqualified and the books add up.
        t.protocol.effects.disqualify(0n);
        t.ledger.release();
        await release;
        expect(t.registry.byId('r1')).toMatchObject({ status: 'disqualified' });
        expect(t.registry.byId('r1')?.stake).toBeUndefined();
        const s = t.protocol.liveness.totals();
        expect(s.charged).toBe(s.moved + s.forgiven);
        expect(t.protocol.liveness.pendingDeductions()).toBe(0);
    });
});

describe('7. free registrations are bounded', () => {
    it(`caps an operator at ${MAX_UNSTAKED_PER_OPERATOR} unstaked registrations, never a staked one, and sweeps them after the grace period`, async () => {
        const { protocol, env, ledger } = newProtocol([[1, 1_000n * EMC]]);
        env.as(operator(1));
        for (let i = 0; i < MAX_UNSTAKED_PER_OPERATOR; i++) expect(await protocol.stakes.registerNode({ node_id: `gpu${i}`, node_type: 'compute', wallet: wallet(1) })).toHaveProperty('Ok');
        expect(await protocol.stakes.registerNode({ node_id: 'gpuX', node_type: 'compute', wallet: wallet(1) })).toMatchObject({ Err: { TooManyUnstaked: { maximum: MAX_UNSTAKED_PER_OPERATOR } } });
        ledger.approve(operator(1), 100n * EMC);
        expect(await protocol.stakes.registerNode({ node_id: 'gpuS', node_type: 'compute', wallet: wallet(1), stake: { amount: 10n * EMC, lock_days: 7 } })).toHaveProperty('Ok');
        // A PoC confirmation frees a place.
        expect(protocol.activation.applyPoc('gpu0', operator(1), 9_000)).toBe('applied');
        expect(await protocol.stakes.registerNode({ node_id: 'gpuY', node_type: 'compute', wallet: wallet(1) })).toHaveProperty('Ok');
        // After the grace period, maintenance removes the unconfirmed ones and frees their ids.
        env.time += DAY;
        await protocol.maintenance.run();
        expect(protocol.registry.byId('gpu1')).toBeUndefined();
        expect(protocol.registry.byId('gpuY')).toBeUndefined();
        expect(protocol.registry.byId('gpu0')).toMatchObject({ status: 'active' });
        expect(protocol.registry.byId('gpuS')).toMatchObject({ status: 'awaiting_poc' });
        expect(protocol.book.unstaked.total()).toBe(0);
        expect(protocol.book.unstaked.countOf(operator(1))).toBe(0);
        env.as(operator(2));
        expect(await protocol.stakes.registerNode({ node_id: 'gpu1', node_type: 'compute', wallet: wallet(2) })).toHaveProperty('Ok');
    });
});

describe('8. what validates executes: one text rule for validate_m and m', () => {
    const reasons = fc.oneof(
        fc.string({ unit: 'grapheme', maxLength: 400 }),
        fc.string({ unit: 'binary', minLength: 900, maxLength: 1_100 }),
        fc.integer({ min: 0, max: 1_100 }).map((n) => 'a'.repeat(n)),
        fc.integer({ min: 320, max: 380 }).map((n) => '€'.repeat(n)),
    );

    it('pay_grant, airdrop_batch and pause: validate_m is Ok exactly when m succeeds (property)', async () => {
        await fc.assert(
            fc.asyncProperty(reasons, fc.bigInt({ min: 1n, max: 50n * EMC }), async (reason, amount) => {
                const t = newProtocol();
                fundTreasury(t.ledger, 1_000n * EMC);
                const payment = [{ to: { owner: operator(5) }, amount }];
                for (const kind of ['grant', 'airdrop'] as const) {
                    const check = t.treasury.checkPayout(kind, payment, reason);
                    const run = await t.treasury.pay(GOVERNANCE, kind, payment, reason);
                    expect('Ok' in run).toBe('Ok' in check);
                    if ('Ok' in run) expect(t.treasury.payout(run.Ok[0].id)?.reason).toBe(reason);
                }
                const check = t.governance.checkPause(reason);
                const run = t.governance.pause(GOVERNANCE, reason);
                expect('Ok' in run).toBe('Ok' in check);
                expect('Ok' in check).toBe(reason.trim().length > 0 && utf8Length(reason) <= MAX_REASON_BYTES);
            }),
            { numRuns: 60 },
        );
    });

    it(`an impeachment reason of ${MAX_REASON_BYTES} bytes is stored whole; one byte more is refused`, async () => {
        const t = newProtocol([[1, 200_000n * EMC], [2, 200_000n * EMC]]);
        for (const i of [1, 2]) {
            t.ledger.approve(operator(i), 150_000n * EMC);
            t.env.as(operator(i));
            await t.protocol.stakes.registerNode({ node_id: `r${i}`, node_type: 'router', wallet: { owner: operator(i) }, stake: { amount: 100_000n * EMC, lock_days: 180 } });
        }
        const long = `${'é'.repeat(499)}xx`;
        expect(utf8Length(long)).toBe(MAX_REASON_BYTES);
        expect(t.votes.openImpeachment(operator(2), 'r2', 'r1', `${long}x`)).toMatchObject({ Err: { InvalidReason: {} } });
        const v = t.votes.openImpeachment(operator(2), 'r2', 'r1', long);
        expect(v).toHaveProperty('Ok');
        expect(t.votes.get(0n)?.reason).toBe(long);
    });

    it('admitting 13 validators with 64-character ids is logged', async () => {
        const t = newProtocol(Array.from({ length: 13 }, (_, i) => [i + 1, 1_100_000n * EMC] as [number, bigint]));
        const ids: string[] = [];
        for (let i = 1; i <= 13; i++) {
            const id = `v${String(i).padStart(2, '0')}${'Q'.repeat(61)}`;
            ids.push(id);
            t.ledger.approve(operator(i), 1_000_001n * EMC);
            t.env.as(operator(i));
            expect(await t.protocol.stakes.registerNode({ node_id: id, node_type: 'validator', wallet: { owner: operator(i) }, stake: { amount: 1_000_000n * EMC, lock_days: 360 } })).toHaveProperty('Ok');
        }
        expect(t.protocol.admission.check(ids)).toHaveProperty('Ok');
        expect(t.protocol.admission.admit(GOVERNANCE, ids)).toHaveProperty('Ok');
        expect(t.governance.log(0n, 10)[0].after).toBe(`admitted ${ids.join(', ')}`);
    });
});
