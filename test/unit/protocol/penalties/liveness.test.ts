/** Liveness penalties (spec §6) through the protocol, the batches and the ledger (fake ledger = the real ledger domain). */
import { escrowInvariant } from '../helpers';
import { EMC, HOUR, MINUTE, ROUTER_PENALTY, T0, VALIDATOR_PENALTY, all, network, operator } from './helpers';

describe('validators: 115.7 EMC per 60 minutes without taking part in a confirmed batch', () => {
    // Batches every 5 minutes; v13 takes part until T0+55m, is down for 3 hours, and is back at T0+4h.
    const down = (t: bigint) => (t >= T0 + 60n * MINUTE && t < T0 + 240n * MINUTE ? all([13]) : all());

    it('a validator down for 3 hours loses exactly 3 × 115.7 EMC to the treasury (maintenance timer)', async () => {
        const n = await network();
        const before = n.treasury();
        await n.run(T0 + 5n * HOUR, down);
        await n.settle();
        expect(n.node('v13').penalized).toBe(3n * VALIDATOR_PENALTY);
        expect(n.node('v13').penaltyDue).toBe(0n);
        expect(n.treasury() - before).toBe(3n * VALIDATOR_PENALTY);
        // The escrow paid the penalty and one ledger fee per deduction; records and ledger agree.
        const inv = escrowInvariant(n.protocol, n.ledger);
        expect(inv.recorded).toBe(inv.onLedger);
        expect(n.node('v13').suspended).toBeUndefined();
        // Nobody else was charged.
        for (let i = 1; i <= 12; i++) expect(n.node(`v${i}`).penalized ?? 0n).toBe(0n);
        const log = n.protocol.liveness.records(0n, 10);
        expect(log.reduce((a, r) => a + r.windows, 0)).toBe(3);
        expect(log.every((r) => r.nodeId === 'v13' && r.kind === 'liveness')).toBe(true);
    });

    it('charges the same 3 windows when only its return settles the gap (no timer ran)', async () => {
        const n = await network();
        await n.run(T0 + 5n * HOUR, down, 5n * MINUTE, 0n);
        expect(n.node('v13').penaltyDue).toBe(3n * VALIDATOR_PENALTY);
        // Evaluating again charges nothing twice.
        await n.protocol.maintenance.run();
        await n.protocol.maintenance.run();
        await n.settle();
        expect(n.node('v13').penalized).toBe(3n * VALIDATOR_PENALTY);
        expect(n.protocol.liveness.totals()).toMatchObject({ charged: 3n * VALIDATOR_PENALTY, moved: 3n * VALIDATOR_PENALTY, forgiven: 0n });
    });

    it('59 minutes away costs nothing; 60 minutes costs one window', async () => {
        const n = await network();
        // last part at 55m; absent at 60..110 (back at 115: 60 minutes later)
        await n.run(T0 + 2n * HOUR, (t) => (t >= T0 + 60n * MINUTE && t < T0 + 115n * MINUTE ? all([13]) : all()), 5n * MINUTE, 0n);
        expect(n.node('v13').penaltyDue).toBe(VALIDATOR_PENALTY);
        const m = await network();
        await m.run(T0 + 2n * HOUR, (t) => (t >= T0 + 60n * MINUTE && t < T0 + 110n * MINUTE ? all([13]) : all()), 5n * MINUTE, 0n);
        expect(m.node('v13').penaltyDue ?? 0n).toBe(0n);
    });

    it('charges nobody for windows in which no batch was confirmed at all (the network was down)', async () => {
        const n = await network();
        // Everyone takes part for an hour, then nothing is confirmed for 5 hours, then everyone again.
        await n.run(T0 + 8n * HOUR, (t) => (t >= T0 + 60n * MINUTE && t < T0 + 6n * HOUR ? [] : all()));
        await n.settle();
        for (let i = 1; i <= 13; i++) expect(n.node(`v${i}`).penalized ?? 0n).toBe(0n);
        expect(n.protocol.liveness.totals().charged).toBe(0n);
    });

    it('counts a window in which batches were confirmed without it, even if the network was down around it', async () => {
        const n = await network();
        // v13 last takes part at 55m; the network is down except for one batch at 2h30 (without v13).
        await n.run(T0 + 6n * HOUR, (t) => (t < T0 + 60n * MINUTE ? all() : t === T0 + 150n * MINUTE ? all([13]) : []));
        await n.settle();
        expect(n.node('v13').penalized).toBe(VALIDATOR_PENALTY);
        expect(n.node('v1').penalized ?? 0n).toBe(0n);
    });

    it('repeated offences are each charged, each window once', async () => {
        const n = await network();
        // Away 2h (60m..175m: back at 180m), present an hour, away 2h again (240m..355m: back at 360m).
        const away = (t: bigint) => (t >= T0 + 60n * MINUTE && t < T0 + 180n * MINUTE) || (t >= T0 + 240n * MINUTE && t < T0 + 360n * MINUTE);
        await n.run(T0 + 7n * HOUR, (t) => (away(t) ? all([13]) : all()));
        await n.settle();
        expect(n.node('v13').penalized).toBe(4n * VALIDATOR_PENALTY);
        expect(n.protocol.liveness.records(0n, 10).reduce((a, r) => a + r.windows, 0)).toBe(4);
    });

    it('suspends a validator whose stake falls below the minimum: it cannot vote or earn until it tops up', async () => {
        const n = await network({ validatorStake: (i) => (i === 13 ? 1_000_000n * EMC : 1_001_000n * EMC) });
        await n.run(T0 + 4n * HOUR, (t) => (t >= T0 + 60n * MINUTE ? all([13]) : all()));
        const v = n.node('v13');
        expect(v.suspended).toBe(true);
        // Suspended: charged once only (it is not judged while suspended), no reward weight, no vote.
        await n.settle();
        expect(n.node('v13').penalized).toBe(VALIDATOR_PENALTY);
        expect(n.protocol.book.weight(n.node('v13'))).toBe(0n);
        n.env.as(operator(1));
        n.batches.propose(1000n, { poc_results: [], observations: [] }, (await import('../../../../src/protocol/batches/payload')).batchDigest({ poc_results: [], observations: [] }));
        n.env.as(operator(13));
        expect(n.batches.vote(1000n, (await import('../../../../src/protocol/batches/payload')).batchDigest({ poc_results: [], observations: [] }))).toEqual({ Err: { NotAValidator: { message: expect.stringContaining('not the operator of an active validator') } } });
        expect(n.protocol.admission.set()).toMatchObject({ size: 13, quorum: 9 });
        // Topping up what was deducted (and the fee) brings it back; its windows start again now.
        const r = await n.protocol.stakes.topUp('v13', VALIDATOR_PENALTY + 100_000n);
        expect(r).toMatchObject({ Ok: { suspended: undefined } });
        expect(n.node('v13').fault).toEqual({ from: n.env.time, k: 0 });
        expect(n.protocol.book.weight(n.node('v13'))).toBeGreaterThan(0n);
        const inv = escrowInvariant(n.protocol, n.ledger);
        expect(inv.recorded).toBe(inv.onLedger);
    });
});

describe('routers: 3.86 EMC per 10 minutes reported offline', () => {
    it('a router offline 25 minutes loses 2 × 3.86 EMC; 9 minutes costs nothing', async () => {
        const n = await network({ routers: [21, 22] });
        const before = n.treasury();
        n.env.time += 2n * MINUTE;
        n.observe(all(), [['r21', false], ['r22', false]]);
        n.env.time += 9n * MINUTE;
        n.observe(all(), [['r22', true]]);
        await n.run(n.env.time + 16n * MINUTE - 1n, () => all(), MINUTE);
        n.env.time = T0 + 27n * MINUTE;
        n.observe(all(), [['r21', true]]);
        await n.settle();
        expect(n.node('r21').penalized).toBe(2n * ROUTER_PENALTY);
        expect(n.node('r22').penalized ?? 0n).toBe(0n);
        expect(n.treasury() - before).toBe(2n * ROUTER_PENALTY);
        expect(n.node('r21').suspended).toBeUndefined();
        const inv = escrowInvariant(n.protocol, n.ledger);
        expect(inv.recorded).toBe(inv.onLedger);
    });
});

describe('routers at their minimum stake', () => {
    it('are suspended by the first charge and not charged while suspended', async () => {
        const n = await network({ routers: [21], routerStake: 100_000n * EMC });
        n.env.time += MINUTE;
        n.observe(all(), [['r21', false]]);
        await n.run(n.env.time + 60n * MINUTE, () => all());
        await n.settle();
        expect(n.node('r21')).toMatchObject({ suspended: true, penalized: ROUTER_PENALTY });
        expect(n.protocol.book.weight(n.node('r21'))).toBe(0n);
    });
});

describe('staked compute nodes: stake / stake_days / 24 per 60 minutes without a valid state', () => {
    it('charges 7,200 EMC staked for 30 days 10 EMC per hour offline; an unstaked node only stops earning', async () => {
        const n = await network({ compute: [41] });
        n.env.time += MINUTE;
        n.confirmPoc(all(), [41]);
        expect(n.node('c41').status).toBe('active');
        n.env.time += MINUTE;
        n.observe(all(), [['c41', false]]);
        expect(n.protocol.book.weight(n.node('c41'))).toBe(0n);
        await n.run(n.env.time + 150n * MINUTE, () => all());
        n.observe(all(), [['c41', true]]);
        await n.settle();
        expect(n.node('c41').penalized).toBe(2n * 10n * EMC);
        expect(n.protocol.book.weight(n.node('c41'))).toBeGreaterThan(0n);
        const inv = escrowInvariant(n.protocol, n.ledger);
        expect(inv.recorded).toBe(inv.onLedger);
    });

    it('a confirmed PoC is a valid state: it ends the outage like an online report, and the node earns again', async () => {
        const n = await network({ compute: [42] });
        n.env.time += MINUTE;
        n.confirmPoc(all(), [42]);
        n.env.time += MINUTE;
        n.observe(all(), [['c42', false]]);
        expect(n.protocol.book.weight(n.node('c42'))).toBe(0n);
        await n.run(n.env.time + 130n * MINUTE, () => all());
        n.confirmPoc(all(), [42]); // back after 130 min: 2 complete windows
        expect(n.node('c42').online).toBe(true);
        expect(n.node('c42').fault).toBeUndefined();
        expect(n.protocol.book.weight(n.node('c42'))).toBeGreaterThan(0n);
        await n.run(n.env.time + 300n * MINUTE, () => all());
        await n.settle();
        expect(n.node('c42').penalized).toBe(2n * 10n * EMC);
    });
});
