/** Vesting schedules on the in-memory protocol and the real ledger domain behind the fake client (spec §13.1). */
import fc from 'fast-check';
import { TREASURY_SUBACCOUNT } from '../../../../src/protocol/model/supply';
import { VESTING_SUBACCOUNT } from '../../../../src/protocol/treasury/vesting';
import { unlockedAt, YEAR_NS } from '../../../../src/protocol/treasury/vesting-schedule';
import { distributionProtocol, EMC, GOVERNANCE, PROTOCOL_ID, SEC, T0, operator } from '../distribution-helpers';

const DAY = 86_400n * SEC;
const FEE = 100_000n;
const ANON = new Uint8Array([4]);
const vestingAccount = { owner: PROTOCOL_ID, subaccount: VESTING_SUBACCOUNT };

function genesis(total = 10_000_000n * EMC) {
    return distributionProtocol({ vesting: [{ beneficiary: { owner: operator(1) }, total, start: T0, reason: 'team' }, { beneficiary: { owner: operator(2) }, total: 3_000n * EMC, start: T0, reason: 'advisor' }] });
}

describe('vesting (spec §13.1)', () => {
    it('genesis schedules: the beneficiary claims what unlocked (570,000 EMC after 100 days), nobody else, never the anonymous principal', async () => {
        const { protocol, env, ledger } = genesis();
        const v = protocol.vesting;
        expect(v.required()).toBe(10_003_000n * EMC);
        expect(ledger.balance(vestingAccount)).toBe(v.required());
        env.time = T0 + 100n * DAY;
        for (const who of [operator(2), ANON, GOVERNANCE]) expect(await v.claim(who, 0n)).toMatchObject({ Err: { NotAuthorized: {} } });
        const r = await v.claim(operator(1), 0n);
        expect(r).toMatchObject({ Ok: { amount: 570_000n * EMC, entry: { status: 'sent' } } });
        expect(ledger.balance({ owner: operator(1) })).toBe(570_000n * EMC - FEE);
        expect(ledger.balance(vestingAccount)).toBe(v.required());
        expect(await v.claim(operator(1), 0n)).toMatchObject({ Err: { NothingToClaim: {} } });
        // The 3,000 EMC schedule has nothing before its first year ends.
        expect(await v.claim(operator(2), 1n)).toMatchObject({ Err: { NothingToClaim: {} } });
        env.time = T0 + YEAR_NS;
        expect(await v.claim(operator(2), 1n)).toMatchObject({ Ok: { amount: 62_430_000_000n } });
        expect(await v.claim(operator(1), 99n)).toMatchObject({ Err: { NotFound: { what: 'vesting schedule', id: '99' } } });
    });

    it('a refused transfer gives the amount back; an unknown one is retried by maintenance with the same key', async () => {
        const { protocol, env, ledger } = genesis();
        const v = protocol.vesting;
        env.time = T0 + 100n * DAY;
        ledger.faults.push({ when: 'before', code: 4 });
        expect(await v.claim(operator(1), 0n)).toMatchObject({ Err: { LedgerRefused: {} } });
        expect(v.schedule(0n)!.released).toBe(0n);
        expect(v.required()).toBe(ledger.balance(vestingAccount));
        ledger.faults.push({ when: 'after', code: 6 }, { when: 'after', code: 6 });
        const r = await v.claim(operator(1), 0n);
        expect(r).toMatchObject({ Ok: { entry: { status: 'pending' } } });
        expect(v.schedule(0n)!.released).toBe(570_000n * EMC);
        expect(protocol.outbox.pending()).toBe(1);
        await protocol.maintenance.run();
        expect(protocol.outbox.pending()).toBe(0);
        expect(protocol.outbox.get(1n)).toMatchObject({ status: 'sent' });
        // Executed once: the retry was answered Duplicate.
        expect(ledger.balance({ owner: operator(1) })).toBe(570_000n * EMC - FEE);
        expect(ledger.balance(vestingAccount)).toBe(v.required());
    });

    it('two-step hand-over: offer, accept by the offered owner only; the old beneficiary can no longer claim', async () => {
        const { protocol, env } = genesis();
        const v = protocol.vesting;
        expect(v.accept(operator(3), 0n)).toMatchObject({ Err: { NotAuthorized: {} } });
        expect(v.offer(operator(3), 0n, { owner: operator(3) })).toMatchObject({ Err: { NotAuthorized: {} } });
        expect(v.offer(operator(1), 0n, { owner: ANON })).toMatchObject({ Err: { InvalidArgument: {} } });
        expect(v.offer(operator(1), 0n, { owner: operator(3) })).toMatchObject({ Ok: { offeredTo: { owner: operator(3) } } });
        expect(v.accept(operator(4), 0n)).toMatchObject({ Err: { NotAuthorized: {} } });
        expect(v.accept(ANON, 0n)).toMatchObject({ Err: { NotAuthorized: {} } });
        expect(v.accept(operator(3), 0n)).toMatchObject({ Ok: { beneficiary: { owner: operator(3) } } });
        expect(v.schedule(0n)!.offeredTo).toBeUndefined();
        expect(v.byOwner(operator(1), 0, 10)).toEqual([]);
        expect(v.byOwner(operator(3), 0, 10).map((s) => s.id)).toEqual([0n]);
        env.time = T0 + 100n * DAY;
        expect(await v.claim(operator(1), 0n)).toMatchObject({ Err: { NotAuthorized: {} } });
        expect(await v.claim(operator(3), 0n)).toMatchObject({ Ok: { amount: 570_000n * EMC } });
    });

    it('governance adds a schedule funded from the treasury within the developer pool; validate_ and execution agree', async () => {
        const { protocol, env, ledger } = distributionProtocol({ treasury: 50_000n * EMC });
        const v = protocol.vesting;
        const s = { beneficiary: { owner: operator(5) }, total: 20_000n * EMC, start: T0, reason: 'grant to a project team' };
        expect(v.checkAdd(s)).toHaveProperty('Ok');
        expect(await v.add(operator(5), s)).toMatchObject({ Err: { NotAuthorized: {} } });
        expect(v.checkAdd({ ...s, total: 1n })).toHaveProperty('Err');
        expect(await v.add(GOVERNANCE, { ...s, total: 1n })).toMatchObject({ Err: { InvalidArgument: {} } });
        expect(await v.add(GOVERNANCE, { ...s, beneficiary: { owner: ANON } })).toMatchObject({ Err: { InvalidArgument: {} } });
        expect(await v.add(GOVERNANCE, s)).toMatchObject({ Ok: { id: 0n, status: 'active', source: 'governance' } });
        expect(ledger.balance(vestingAccount)).toBe(20_000n * EMC);
        expect(ledger.balance({ owner: PROTOCOL_ID, subaccount: TREASURY_SUBACCOUNT })).toBe(30_000n * EMC - FEE);
        expect(protocol.governanceLog.totals().granted).toBe(20_000n * EMC);
        expect(protocol.governance.log(0n, 5)).toMatchObject([{ method: 'add_vesting_schedule' }]);
        // A funding the treasury cannot pay is cancelled and the pool gets it back.
        expect(await v.add(GOVERNANCE, { ...s, total: 40_000n * EMC })).toMatchObject({ Ok: { id: 1n, status: 'cancelled' } });
        expect(protocol.governanceLog.totals().granted).toBe(20_000n * EMC);
        env.time = T0 + YEAR_NS;
        expect(await v.claim(operator(5), 1n)).toMatchObject({ Err: { WrongState: {} } });
        expect(await v.claim(operator(5), 0n)).toMatchObject({ Ok: { amount: 4_162n * EMC } });
        expect(ledger.balance(vestingAccount)).toBe(v.required());
    });

    it('refuses genesis schedules out of bounds', () => {
        expect(() => distributionProtocol({ vesting: [{ beneficiary: { owner: operator(1) }, total: 1_302_000_001n * EMC, start: T0, reason: 'x' }] })).toThrow(/at most/);
        expect(() => distributionProtocol({ vesting: [{ beneficiary: { owner: ANON }, total: EMC, start: T0, reason: 'x' }] })).toThrow(/anonymous/);
        expect(() => distributionProtocol({ vesting: [{ beneficiary: { owner: operator(1) }, total: EMC, start: T0, reason: '' }] })).toThrow(/reason/);
    });

    it('the state survives a reopening of the maps (an upgrade) in the middle of a release', async () => {
        const { protocol, env, reopen } = genesis();
        env.time = T0 + 100n * DAY;
        await protocol.vesting.claim(operator(1), 0n);
        const again = reopen();
        expect(again.vesting.schedule(0n)).toEqual(protocol.vesting.schedule(0n));
        env.time = T0 + 200n * DAY;
        expect(await again.vesting.claim(operator(1), 0n)).toMatchObject({ Ok: { amount: unlockedAt({ total: 10_000_000n * EMC, start: T0 }, T0 + 200n * DAY) - 570_000n * EMC } });
    });

    it('no claim ever exceeds what has unlocked, whatever the claim times, refusals and hand-overs (property)', async () => {
        await fc.assert(
            fc.asyncProperty(
                fc.bigInt({ min: EMC, max: 50_000_000n * EMC }),
                fc.array(fc.record({ dt: fc.bigInt({ min: 0n, max: 400n * DAY }), fault: fc.boolean(), handOver: fc.boolean() }), { maxLength: 12 }),
                async (total, steps) => {
                    const { protocol, env, ledger } = distributionProtocol({ vesting: [{ beneficiary: { owner: operator(1) }, total, start: T0, reason: 'x' }] });
                    const v = protocol.vesting;
                    let holder = operator(1);
                    let received = 0n;
                    let n = 10;
                    for (const s of steps) {
                        env.time += s.dt;
                        if (s.handOver) {
                            const to = operator(n++);
                            v.offer(holder, 0n, { owner: to });
                            v.accept(to, 0n);
                            holder = to;
                        }
                        if (s.fault) ledger.faults.push({ when: 'before', code: 4 });
                        const r = await v.claim(holder, 0n);
                        if ('Ok' in r) received += r.Ok.amount;
                        const sch = v.schedule(0n)!;
                        expect(sch.released).toBe(received);
                        expect(sch.released).toBeLessThanOrEqual(unlockedAt(sch, env.time));
                        expect(ledger.balance(vestingAccount)).toBe(v.required());
                    }
                },
            ),
            { numRuns: 60 },
        );
    });
});
