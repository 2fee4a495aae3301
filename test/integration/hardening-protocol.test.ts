/**
 * The audit's protocol defects (issue 12) through the built Wasm in the embedded replica, with an
 * upgrade in the middle: terms and amounts that wrapped in storage are refused; texts that validate
 * are stored (a 1,000-byte reason for a grant, a pause and an impeachment); unstaked registrations
 * are capped per operator; a term-end release while the ledger refuses every call tries once per
 * maintenance interval instead of spinning.
 */
import { MAX_REASON_BYTES, MAX_UNSTAKED_PER_OPERATOR } from '../../src/protocol/model/bounds';
import { TREASURY_SUBACCOUNT } from '../../src/protocol/model/supply';
import { builtWasm } from '../helpers/wasm';
import { DAY, EMC, FEE, LEDGER_ID, PROTOCOL_ID, SECOND, approveProtocol, deployNetwork, identity, protocolUpgradeArg, wallet, type Network } from '../helpers/network';

const r1 = identity(700);
const r2 = identity(701);
const r3 = identity(704);
const squatter = identity(702);
const grantee = identity(703);
const treasury = { owner: PROTOCOL_ID, subaccount: [TREASURY_SUBACCOUNT] as [Uint8Array] };
const U64 = 1n << 64n;
const stake = (amount: bigint, lock_days: number) => [{ amount, lock_days, from_subaccount: [] as [] }];

describe('hardening: the protocol canister refuses what would break its books', () => {
    let net: Network;
    beforeAll(async () => {
        net = await deployNetwork([[r1, 300_000n * EMC], [r2, 300_000n * EMC], [r3, 300_000n * EMC]], { accounts: [[treasury, 10_000n * EMC]] });
    }, 120_000);

    it('refuses a 65,536-day term and a 2^64 amount without touching the ledger', async () => {
        await approveProtocol(net, r1, 200_000n * EMC);
        const balance = (await net.ledger().icrc1_balance_of(wallet(r1))) as bigint;
        for (const [lock_days, amount, refusal] of [[65_536, 100_000n * EMC, 'DaysOutOfRange'], [65_536 + 180, 100_000n * EMC, 'DaysOutOfRange'], [180, U64, 'AmountOutOfRange'], [180, U64 + 100_000n * EMC, 'AmountOutOfRange']] as const) {
            const r = (await net.protocol(r1).register_node({ node_id: 'router1', node_type: { router: null }, wallet: wallet(r1), stake: stake(amount, lock_days) })) as any;
            expect(r).toMatchObject({ Err: { [refusal]: { message: expect.any(String) } } });
        }
        expect(await net.ledger().icrc1_balance_of(wallet(r1))).toBe(balance);
        expect(await net.protocol().get_node('router1')).toEqual([]);
        const ok = (await net.protocol(r1).register_node({ node_id: 'router1', node_type: { router: null }, wallet: wallet(r1), stake: stake(100_000n * EMC, 180) })) as any;
        expect(ok.Ok.stake[0]).toMatchObject({ lock_days: 180, term_end: ok.Ok.stake[0].term_start + 180n * DAY });
        expect(await net.protocol(r1).renew({ node_id: 'router1', days: 65_536, top_up: 0n, from_subaccount: [] })).toMatchObject({ Err: { DaysOutOfRange: {} } });
        expect(await net.protocol(r1).top_up({ node_id: 'router1', amount: U64, from_subaccount: [] })).toMatchObject({ Err: { AmountOutOfRange: {} } });
    });

    it(`caps unstaked compute registrations at ${MAX_UNSTAKED_PER_OPERATOR} per operator`, async () => {
        for (let i = 0; i < MAX_UNSTAKED_PER_OPERATOR; i++) {
            expect(await net.protocol(squatter).register_node({ node_id: `free${i}`, node_type: { compute: null }, wallet: wallet(squatter), stake: [] })).toHaveProperty('Ok');
        }
        const r = (await net.protocol(squatter).register_node({ node_id: 'free99', node_type: { compute: null }, wallet: wallet(squatter), stake: [] })) as any;
        expect(r.Err.TooManyUnstaked).toMatchObject({ maximum: MAX_UNSTAKED_PER_OPERATOR });
        expect(r.Err.TooManyUnstaked.message).toContain(`at most ${MAX_UNSTAKED_PER_OPERATOR}`);
    });

    it('stores every text that validates: a grant, a pause and an impeachment with a 1,000-byte reason', async () => {
        const reason = `${'ü'.repeat(MAX_REASON_BYTES / 2 - 1)}ok`;
        const grant = { to: wallet(grantee), amount: 5n * EMC, reason };
        expect(await net.protocol().validate_pay_grant(grant)).toHaveProperty('Ok');
        const paid = (await net.protocol(net.governance).pay_grant(grant)) as any;
        expect(paid.Ok[0]).toMatchObject({ status: { paid: null }, reason });
        // The ~90-character reason that used to trap pay_grant.
        const short = { ...grant, reason: 'x'.repeat(90) };
        expect(await net.protocol().validate_pay_grant(short)).toHaveProperty('Ok');
        expect(await net.protocol(net.governance).pay_grant(short)).toHaveProperty('Ok');
        expect(await net.protocol().validate_pay_grant({ ...grant, reason: `${reason}x` })).toHaveProperty('Err');
        expect(await net.protocol(net.governance).pay_grant({ ...grant, reason: `${reason}x` })).toMatchObject({ Err: { InvalidReason: {} } });

        for (const [who, id] of [[r2, 'router2'], [r3, 'router3']] as const) {
            await approveProtocol(net, who, 100_000n * EMC);
            expect(await net.protocol(who).register_node({ node_id: id, node_type: { router: null }, wallet: wallet(who), stake: stake(100_000n * EMC, 360) })).toHaveProperty('Ok');
        }
        const v = (await net.protocol(r2).open_impeachment({ accuser: 'router2', node_id: 'router1', reason })) as any;
        expect(v.Ok.reason).toBe(reason);

        expect(await net.protocol().validate_pause(reason)).toHaveProperty('Ok');
        expect(await net.protocol(net.governance).pause(reason)).toHaveProperty('Ok');
        expect(await net.protocol(net.governance).resume()).toHaveProperty('Ok');
        const log = (await net.protocol().governance_log({ start: 0n, count: 10 })) as any[];
        expect(log.find((e) => e.method === 'pause').after).toBe(`paused: ${reason}`);
    });

    it('keeps all of it across an upgrade', async () => {
        await net.replica.upgradeCanister(PROTOCOL_ID, { wasm: builtWasm('protocol'), arg: protocolUpgradeArg() });
        expect(((await net.protocol().get_vote(0n)) as any[])[0].reason).toHaveLength(MAX_REASON_BYTES / 2 + 1);
        expect(((await net.protocol().get_node('router1')) as any[])[0].stake[0].lock_days).toBe(180);
    });

    it('a term-end release while the ledger refuses every call is tried once per interval, not in a loop', async () => {
        // The impeachment fails at its deadline; router1's term ends at day 180 and its stake goes home.
        await net.replica.advanceTime(180n * DAY);
        expect(((await net.protocol().get_node('router1')) as any[])[0].status).toEqual({ expired: null });
        // The terms of router2 and router3 (360 days) end while the ledger is stopped: two releases per run.
        await net.replica.advanceTime(180n * DAY - 10n * SECOND);
        net.replica.injectFault({ canister: LEDGER_ID, method: 'icrc1_transfer', when: 'before', code: 5, times: 30 });
        const start = net.replica.executionLog().length;
        const timers = () => net.replica.executionLog().slice(start).filter((e) => String(e.canister) === PROTOCOL_ID.toText() && e.kind === 'timer').length;
        await net.replica.advanceTime(12n * SECOND);
        expect(timers()).toBeLessThanOrEqual(2);
        expect(30 - net.replica.pendingFaults()).toBe(2);
        await net.replica.advanceTime(600n * SECOND);
        expect(timers()).toBeLessThanOrEqual(13);
        expect(30 - net.replica.pendingFaults()).toBeLessThanOrEqual(2 * 11);
        expect(((await net.protocol().get_node('router2')) as any[])[0].status).toEqual({ active: null });
        // The ledger comes back (the injected refusals run out): the stake goes home.
        await net.replica.advanceTime(3_600n * SECOND);
        expect(net.replica.pendingFaults()).toBe(0);
        expect(((await net.protocol().get_node('router2')) as any[])[0].status).toEqual({ expired: null });
        expect(await net.ledger().icrc1_balance_of(wallet(r2))).toBe(300_000n * EMC - 3n * FEE);
    });
});
