/** Registry, stakes, terms, renewals, the validator set and the state-bit sink, on in-memory stores. */
import fc from 'fast-check';
import { computeBaseE, computeE, previewComputeE, requiredComputeStake, routerE, validatorE } from '../../../src/protocol/nodes/evalue';
import { escrowSubaccount } from '../../../src/protocol/model/supply';
import { memoFor } from '../../../src/protocol/stakes/operations';
import { admissionBatchSize, faultTolerance, nextSetSize, quorum } from '../../../src/protocol/validators/quorum';
import { DAY, EMC, GOVERNANCE, PROTOCOL_ID, T0, escrowInvariant, newProtocol, operator } from './helpers';

const wallet = (n: number) => ({ owner: operator(n + 500) });

describe('E-values (spec §2)', () => {
    it('matches the worked examples', () => {
        expect(computeBaseE(10_380n)).toBe(144_508_670n);
        expect(computeBaseE(30_218n)).toBe(49_639_287n);
        expect(previewComputeE(10_380n, 0n, 0)).toBe(144_508_670n);
        expect(previewComputeE(10_380n, 1_000_000n * EMC, 90)).toBe(895_953_754n);
        expect(validatorE(1_000_000n * EMC)).toBe(100n * 100_000_000n);
        expect(routerE(100_000n * EMC)).toBe(10n * 100_000_000n);
        expect(routerE(250_000n * EMC)).toBe(25n * 100_000_000n);
    });

    it('multiplies only the part of E_base the stake covers', () => {
        const base = computeBaseE(10_380n);
        const need = requiredComputeStake(10_380n);
        expect(need).toBe(1445n * EMC + 8_670_000n);
        // half covered: half ×6.2, half ×1
        const half = need / 2n;
        const covered = (half * 100_000_000n) / (1000n * EMC);
        expect(computeE(10_380n, half, 62n)).toBe((covered * 62n) / 10n + (base - covered));
        expect(computeE(10_380n, 10n * need, 62n)).toBe((base * 62n) / 10n);
        // a dust stake no longer buys the ×10 multiplier
        expect(previewComputeE(10_380n, 1n, 180)).toBe(base);
    });

    it('never exceeds the fully covered value and never falls below the unstaked one', () => {
        fc.assert(
            fc.property(fc.bigInt({ min: 1n, max: 10n ** 7n }), fc.bigInt({ min: 0n, max: 10n ** 16n }), fc.constantFrom(14n, 27n, 62n, 100n), (ms, stake, m) => {
                const e = computeE(ms, stake, m);
                const base = computeBaseE(ms);
                return e >= base && e <= (base * m) / 10n + 1n;
            }),
        );
    });
});

describe('quorum arithmetic (spec §3)', () => {
    it('needs floor(2n/3)+1 votes: strictly more than two thirds, and no more than needed', () => {
        for (let n = 4; n <= 100; n++) {
            const q = quorum(n);
            expect(3 * q).toBeGreaterThan(2 * n);
            expect(3 * (q - 1)).toBeLessThanOrEqual(2 * n);
            if (faultTolerance(n) !== undefined) expect(q).toBe(2 * (faultTolerance(n) as number) + 1);
        }
    });

    it('grows the set to 13 first, then by 3 to the next 3F+1', () => {
        expect(admissionBatchSize(0)).toBe(13);
        expect(nextSetSize(13)).toBe(16);
        expect(admissionBatchSize(13)).toBe(3);
        expect(admissionBatchSize(14)).toBe(2);
        expect(admissionBatchSize(10)).toBe(3);
        for (let n = 13; n < 100; n++) expect(faultTolerance(nextSetSize(n))).toBeDefined();
    });
});

describe('registration and stakes', () => {
    it('registers a router with its stake pulled into the node’s escrow', async () => {
        const { protocol, env, ledger } = newProtocol([[1, 200_000n * EMC]]);
        ledger.approve(operator(1), 150_000n * EMC);
        env.as(operator(1));
        const r = await protocol.stakes.registerNode({ node_id: 'router1', node_type: 'router', wallet: wallet(1), stake: { amount: 120_000n * EMC, lock_days: 180 } });
        expect('Ok' in r).toBe(true);
        const node = protocol.registry.byId('router1');
        expect(node).toMatchObject({ status: 'active', type: 'router', e: 12n * 100_000_000n });
        expect(node?.stake).toMatchObject({ amount: 120_000n * EMC, lockDays: 180, termEnd: T0 + 180n * DAY });
        expect(ledger.balance({ owner: PROTOCOL_ID, subaccount: escrowSubaccount(0n) })).toBe(120_000n * EMC);
        expect(ledger.balance({ owner: operator(1) })).toBe(80_000n * EMC - 2n * 100_000n); // the approve fee and the transfer_from fee
        expect(new TextDecoder().decode(ledger.calls[0].memo)).toBe('emc:stake:0:0');
        const inv = escrowInvariant(protocol, ledger);
        expect(inv.recorded).toBe(inv.onLedger);
    });

    it('refuses stakes below the minimum, terms too short, the anonymous principal and bad input, changing nothing', async () => {
        const { protocol, env } = newProtocol();
        env.as(operator(1));
        expect(await protocol.stakes.registerNode({ node_id: 'v1', node_type: 'validator', wallet: wallet(1), stake: { amount: 999_999n * EMC, lock_days: 360 } })).toMatchObject({ Err: { StakeTooLow: { minimum: 1_000_000n * EMC } } });
        expect(await protocol.stakes.registerNode({ node_id: 'v1', node_type: 'validator', wallet: wallet(1), stake: { amount: 1_000_000n * EMC, lock_days: 359 } })).toMatchObject({ Err: { TermTooShort: { minimum_days: 360 } } });
        expect(await protocol.stakes.registerNode({ node_id: 'r1', node_type: 'router', wallet: wallet(1), stake: { amount: 100_000n * EMC, lock_days: 179 } })).toMatchObject({ Err: { TermTooShort: { minimum_days: 180 } } });
        expect(await protocol.stakes.registerNode({ node_id: 'r1', node_type: 'router', wallet: wallet(1) })).toMatchObject({ Err: { StakeRequired: { node_type: 'router' } } });
        expect(await protocol.stakes.registerNode({ node_id: 'c1', node_type: 'compute', wallet: wallet(1), stake: { amount: 10n * EMC, lock_days: 60 } })).toMatchObject({ Err: { LockPeriodNotOffered: { lock_days: 60 } } });
        expect(await protocol.stakes.registerNode({ node_id: 'c 1', node_type: 'compute', wallet: wallet(1) })).toMatchObject({ Err: { InvalidNodeId: { node_id: 'c 1' } } });
        expect(await protocol.stakes.registerNode({ node_id: 'x'.repeat(65), node_type: 'compute', wallet: wallet(1) })).toMatchObject({ Err: { InvalidNodeId: {} } });
        expect(await protocol.stakes.registerNode({ node_id: 'c1', node_type: 'compute', wallet: { owner: operator(2), subaccount: new Uint8Array(3) } })).toMatchObject({ Err: { InvalidWallet: {} } });
        env.as(new Uint8Array([4]));
        expect(await protocol.stakes.registerNode({ node_id: 'c1', node_type: 'compute', wallet: wallet(1) })).toMatchObject({ Err: { AnonymousCaller: {} } });
        expect(protocol.config.nextIndex()).toBe(0n);
    });

    it('a ledger refusal (no allowance) registers nothing and frees the id', async () => {
        const { protocol, env, ledger } = newProtocol([[1, 200_000n * EMC]]);
        env.as(operator(1));
        const r = await protocol.stakes.registerNode({ node_id: 'router1', node_type: 'router', wallet: wallet(1), stake: { amount: 100_000n * EMC, lock_days: 180 } });
        expect(r).toMatchObject({ Err: { LedgerRefused: { ledger_error: 'InsufficientAllowance allowance=0' } } });
        expect(protocol.registry.byId('router1')).toBeUndefined();
        ledger.approve(operator(1), 150_000n * EMC);
        env.as(operator(1));
        expect('Ok' in (await protocol.stakes.registerNode({ node_id: 'router1', node_type: 'router', wallet: wallet(1), stake: { amount: 100_000n * EMC, lock_days: 180 } }))).toBe(true);
    });

    it('a call rejected before the ledger ran it is compensated; a lost response is retried with the same key and moves money once', async () => {
        const { protocol, env, ledger } = newProtocol([[1, 500_000n * EMC]]);
        ledger.approve(operator(1), 500_000n * EMC);
        env.as(operator(1));
        const args = { node_id: 'router1', node_type: 'router' as const, wallet: wallet(1), stake: { amount: 100_000n * EMC, lock_days: 180 } };
        ledger.faults.push({ when: 'before', code: 2 });
        expect(await protocol.stakes.registerNode(args)).toMatchObject({ Err: { LedgerUnavailable: {} } });
        expect(protocol.registry.byId('router1')).toBeUndefined();
        // the response is lost three times in a row: the outcome stays unknown, the node waits
        ledger.faults.push({ when: 'after', code: 6 }, { when: 'after', code: 6 });
        expect(await protocol.stakes.registerNode(args)).toMatchObject({ Err: { OperationPending: { node_id: 'router1', operation: 'stake' } } });
        expect(protocol.registry.byId('router1')?.status).toBe('staking');
        const inFlight = escrowInvariant(protocol, ledger);
        expect(inFlight).toEqual({ recorded: 0n, onLedger: 100_000n * EMC });
        // the retry (the same call again) is answered Duplicate by the ledger: done, nothing moved twice
        const retried = await protocol.stakes.registerNode(args);
        expect('Ok' in retried).toBe(true);
        expect(ledger.balance({ owner: operator(1) })).toBe(400_000n * EMC - 2n * 100_000n);
        const inv = escrowInvariant(protocol, ledger);
        expect(inv).toEqual({ recorded: 100_000n * EMC, onLedger: 100_000n * EMC });
        const memos = ledger.calls.map((c) => new TextDecoder().decode(c.memo));
        expect(memos.slice(1)).toEqual(['emc:stake:1:0', 'emc:stake:1:0', 'emc:stake:1:0']);
    });

    it('after an unknown outcome, a later rejected attempt does not undo the operation (regression)', async () => {
        const { protocol, env, ledger } = newProtocol([[3, 500_000n * EMC]]);
        ledger.approve(operator(3), 500_000n * EMC);
        env.as(operator(3));
        const args = { node_id: 'r1', node_type: 'router' as const, wallet: wallet(3), stake: { amount: 100_000n * EMC, lock_days: 180 } };
        ledger.faults.push({ when: 'after', code: 6 }, { when: 'after', code: 6 });
        expect(await protocol.stakes.registerNode(args)).toMatchObject({ Err: { OperationPending: {} } });
        ledger.faults.push({ when: 'before', code: 2 }, { when: 'before', code: 2 });
        expect(await protocol.stakes.registerNode(args)).toMatchObject({ Err: { OperationPending: {} } });
        expect(protocol.registry.byId('r1')).toMatchObject({ status: 'staking', op: { uncertain: true } });
        expect(await protocol.stakes.registerNode(args)).toMatchObject({ Ok: { status: 'active' } });
        expect(escrowInvariant(protocol, ledger)).toEqual({ recorded: 100_000n * EMC, onLedger: 100_000n * EMC });
    });

    it('guards a node against two concurrent operations', async () => {
        const { protocol, env, ledger } = newProtocol([[1, 500_000n * EMC]]);
        ledger.approve(operator(1), 500_000n * EMC);
        env.as(operator(1));
        await protocol.stakes.registerNode({ node_id: 'router1', node_type: 'router', wallet: wallet(1), stake: { amount: 100_000n * EMC, lock_days: 180 } });
        ledger.hold();
        const first = protocol.stakes.topUp('router1', 10_000n * EMC);
        const second = await protocol.stakes.topUp('router1', 20_000n * EMC);
        expect(second).toMatchObject({ Err: { NodeBusy: { node_id: 'router1', operation: 'top_up' } } });
        ledger.release();
        expect('Ok' in (await first)).toBe(true);
        expect(protocol.registry.byId('router1')?.stake?.amount).toBe(110_000n * EMC);
        expect(protocol.registry.byId('router1')?.e).toBe(11n * 100_000_000n);
        const inv = escrowInvariant(protocol, ledger);
        expect(inv.recorded).toBe(inv.onLedger);
    });

    it('releases the stake at term end, in bounded batches, and only then', async () => {
        const { protocol, env, ledger } = newProtocol([[1, 500_000n * EMC]]);
        ledger.approve(operator(1), 500_000n * EMC);
        env.as(operator(1));
        await protocol.stakes.registerNode({ node_id: 'router1', node_type: 'router', wallet: wallet(1), stake: { amount: 100_000n * EMC, lock_days: 180 } });
        env.time = T0 + 179n * DAY;
        expect(await protocol.maintenance.run()).toMatchObject({ released: 0, retried: 0 });
        env.time = T0 + 180n * DAY;
        expect(await protocol.maintenance.run()).toMatchObject({ released: 1, retried: 0 });
        const node = protocol.registry.byId('router1');
        expect(node?.status).toBe('expired');
        expect(node?.stake).toBeUndefined();
        expect(node?.e).toBe(0n);
        expect(ledger.balance({ owner: operator(1) })).toBe(500_000n * EMC - 3n * 100_000n); // approve, transfer_from, release fees
        expect(escrowInvariant(protocol, ledger)).toEqual({ recorded: 0n, onLedger: 0n });
        // the same operator may register the id again
        expect('Ok' in (await protocol.stakes.registerNode({ node_id: 'router1', node_type: 'router', wallet: wallet(1), stake: { amount: 100_000n * EMC, lock_days: 180 } }))).toBe(true);
    });

    it('renews: routers any number of times ≥ 90 days, validators once ≥ 180 days, before expiry', async () => {
        const { protocol, env, ledger } = newProtocol([[1, 2_000_000n * EMC]]);
        ledger.approve(operator(1), 2_000_000n * EMC);
        env.as(operator(1));
        await protocol.stakes.registerNode({ node_id: 'r1', node_type: 'router', wallet: wallet(1), stake: { amount: 100_000n * EMC, lock_days: 180 } });
        expect(await protocol.stakes.renew('r1', 89, 0n)).toMatchObject({ Err: { RenewalTooShort: { minimum_days: 90 } } });
        expect('Ok' in (await protocol.stakes.renew('r1', 90, 0n))).toBe(true);
        expect('Ok' in (await protocol.stakes.renew('r1', 90, 5_000n * EMC))).toBe(true);
        const r1 = protocol.registry.byId('r1');
        expect(r1?.stake).toMatchObject({ termEnd: T0 + 360n * DAY, renewals: 2, amount: 105_000n * EMC });
        env.time = T0 + 359n * DAY;
        expect(await protocol.maintenance.run()).toMatchObject({ released: 0, retried: 0 });
        env.time = T0 + 361n * DAY;
        expect(await protocol.stakes.renew('r1', 90, 0n)).toMatchObject({ Err: { TermEnded: { message: 'the term has already ended', node_id: 'r1' } } });
        expect(await protocol.maintenance.run()).toMatchObject({ released: 1, retried: 0 });
    });

    it('admits validators in 3F+1 batches; candidates not admitted can withdraw', async () => {
        const balances: [number, bigint][] = Array.from({ length: 18 }, (_, i) => [i + 1, 1_500_000n * EMC]);
        const { protocol, env, ledger } = newProtocol(balances);
        for (let i = 1; i <= 18; i++) {
            ledger.approve(operator(i), 1_100_000n * EMC);
            env.as(operator(i));
            const r = await protocol.stakes.registerNode({ node_id: `val${i}`, node_type: 'validator', wallet: wallet(i), stake: { amount: 1_000_000n * EMC, lock_days: 360 } });
            expect(r).toMatchObject({ Ok: { status: 'candidate', e: 0n } });
        }
        const ids = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => `val${from + i}`);
        expect(protocol.admission.admit(operator(1), ids(1, 13))).toMatchObject({ Err: { NotGovernance: {} } });
        expect(protocol.admission.admit(GOVERNANCE, ids(1, 12))).toMatchObject({ Err: { WrongBatchSize: { expected: 13, got: 12 } } });
        expect(protocol.admission.admit(GOVERNANCE, [...ids(1, 12), 'val3'])).toEqual({ Err: { DuplicateNodeId: { message: 'node id val3 appears twice in the batch', node_id: 'val3' } } });
        env.time = T0 + DAY;
        expect(protocol.admission.admit(GOVERNANCE, ids(1, 13))).toHaveProperty('Ok');
        expect(protocol.admission.set()).toMatchObject({ size: 13, f: 4, quorum: 9 });
        const v1 = protocol.registry.byId('val1');
        expect(v1).toMatchObject({ status: 'active', admittedAt: T0 + DAY, e: 100n * 100_000_000n });
        expect(v1?.stake?.termEnd).toBe(T0 + DAY + 360n * DAY);
        expect(protocol.admission.admit(GOVERNANCE, ids(14, 17))).toMatchObject({ Err: { WrongBatchSize: { expected: 3, got: 4 } } });
        expect(protocol.admission.admit(GOVERNANCE, ['val1', 'val14', 'val15'])).toMatchObject({ Err: { WrongStatus: { node_id: 'val1' } } });
        expect(protocol.admission.admit(GOVERNANCE, ids(14, 16))).toHaveProperty('Ok');
        expect(protocol.admission.set()).toMatchObject({ size: 16, f: 5, quorum: 11 });
        // val17 and val18 were not admitted: they withdraw
        env.as(operator(17));
        expect(await protocol.releases.withdrawCandidacy('val17')).toMatchObject({ Ok: { status: 'withdrawn' } });
        expect(ledger.balance({ owner: operator(17) })).toBe(1_500_000n * EMC - 3n * 100_000n);
        env.as(operator(1));
        expect(await protocol.releases.withdrawCandidacy('val1')).toMatchObject({ Err: { WrongStatus: {} } });
        // a validator renews once, for at least 180 days
        expect(await protocol.stakes.renew('val1', 179, 0n)).toMatchObject({ Err: { RenewalTooShort: { minimum_days: 180 } } });
        expect('Ok' in (await protocol.stakes.renew('val1', 180, 0n))).toBe(true);
        expect(await protocol.stakes.renew('val1', 180, 0n)).toMatchObject({ Err: { RenewalLimitReached: { message: 'a validator renews at most 1 time(s)', max_renewals: 1 } } });
        const inv = escrowInvariant(protocol, ledger);
        expect(inv.recorded).toBe(inv.onLedger);
    });
});

describe('compute nodes and PoC results', () => {
    it('become active only through a PoC result naming their node id and their operator', async () => {
        const { protocol, env } = newProtocol();
        env.as(operator(1));
        await protocol.stakes.registerNode({ node_id: 'peerA', node_type: 'compute', wallet: wallet(1) });
        expect(protocol.registry.byId('peerA')).toMatchObject({ status: 'awaiting_poc', e: 0n });
        expect(protocol.activation.applyPoc('peerA', operator(2), 10_380)).toBe('wrong_operator');
        expect(protocol.activation.applyPoc('peerZ', operator(1), 10_380)).toBe('unknown_node');
        expect(protocol.activation.applyPoc('peerA', operator(1), 0)).toBe('invalid_poc_ms');
        expect(protocol.registry.byId('peerA')?.status).toBe('awaiting_poc');
        expect(protocol.activation.applyPoc('peerA', operator(1), 10_380)).toBe('applied');
        expect(protocol.registry.byId('peerA')).toMatchObject({ status: 'active', pocMs: 10_380, e: 144_508_670n });
        expect(protocol.observations.applyObservation('peerA', false)).toBe('applied');
        expect(protocol.registry.byId('peerA')?.online).toBe(false);
    });

    it('a forged registration of someone else’s node id earns nothing, and is taken over after the grace period', async () => {
        const { protocol, env } = newProtocol();
        env.as(operator(66));
        await protocol.stakes.registerNode({ node_id: 'peerA', node_type: 'compute', wallet: wallet(66) });
        // validators see peerA run by operator 1, not by the squatter
        expect(protocol.activation.applyPoc('peerA', operator(1), 9_000)).toBe('wrong_operator');
        expect(protocol.registry.byId('peerA')).toMatchObject({ status: 'awaiting_poc', e: 0n });
        env.as(operator(1));
        expect(await protocol.stakes.registerNode({ node_id: 'peerA', node_type: 'compute', wallet: wallet(1) })).toMatchObject({ Err: { NodeIdTaken: { node_id: 'peerA' } } });
        env.time = T0 + DAY;
        expect(await protocol.stakes.registerNode({ node_id: 'peerA', node_type: 'compute', wallet: wallet(1) })).toMatchObject({ Ok: { index: 1n } });
        expect(protocol.registry.get(0n)?.status).toBe('evicted');
        expect(protocol.activation.applyPoc('peerA', operator(1), 9_000)).toBe('applied');
        expect(protocol.registry.byId('peerA')).toMatchObject({ index: 1n, status: 'active', e: 166_666_666n });
    });

    it('a staked compute node gets the multiplier on the covered part for its term, then reverts to ×1', async () => {
        const { protocol, env, ledger } = newProtocol([[1, 10_000n * EMC]]);
        ledger.approve(operator(1), 10_000n * EMC);
        env.as(operator(1));
        await protocol.stakes.registerNode({ node_id: 'gpu1', node_type: 'compute', wallet: wallet(1), stake: { amount: 2_000n * EMC, lock_days: 90 } });
        expect(protocol.activation.applyPoc('gpu1', operator(1), 10_380)).toBe('applied');
        expect(protocol.registry.byId('gpu1')?.e).toBe(895_953_754n);
        env.time = T0 + 90n * DAY;
        expect(await protocol.maintenance.run()).toMatchObject({ released: 1, retried: 0 });
        expect(protocol.registry.byId('gpu1')).toMatchObject({ status: 'active', e: 144_508_670n });
        expect(protocol.registry.byId('gpu1')?.stake).toBeUndefined();
        expect('Ok' in (await protocol.stakes.stakeCompute('gpu1', 1_000n * EMC, 7))).toBe(true);
        expect(new TextDecoder().decode(ledger.calls[ledger.calls.length - 1].memo)).toBe(new TextDecoder().decode(memoFor('stake', 0n, 2)));
    });
});

describe('escrow invariant under random operations', () => {
    it('Σ recorded stakes = Σ escrow balances after any sequence of registrations, top-ups, faults and releases', async () => {
        await fc.assert(
            fc.asyncProperty(
                fc.array(
                    fc.oneof(
                        fc.record({ k: fc.constant('register' as const), who: fc.integer({ min: 1, max: 4 }), id: fc.integer({ min: 0, max: 5 }), amount: fc.bigInt({ min: 100_000n, max: 300_000n }), fault: fc.constantFrom(undefined, 'before', 'after') }),
                        fc.record({ k: fc.constant('topup' as const), who: fc.integer({ min: 1, max: 4 }), id: fc.integer({ min: 0, max: 5 }), amount: fc.bigInt({ min: 1n, max: 50_000n }), fault: fc.constantFrom(undefined, 'before', 'after') }),
                        fc.record({ k: fc.constant('time' as const), days: fc.integer({ min: 0, max: 200 }) }),
                    ),
                    { maxLength: 25 },
                ),
                async (ops) => {
                    const { protocol, env, ledger } = newProtocol([1, 2, 3, 4].map((i) => [i, 10_000_000n * EMC] as [number, bigint]));
                    for (let i = 1; i <= 4; i++) ledger.approve(operator(i), 10_000_000n * EMC);
                    for (const o of ops) {
                        if (o.k === 'time') {
                            env.time += BigInt(o.days) * DAY;
                            await protocol.maintenance.run();
                        } else {
                            if (o.fault !== undefined) ledger.faults.push({ when: o.fault, code: o.fault === 'after' ? 6 : 2 }, { when: o.fault, code: o.fault === 'after' ? 6 : 2 });
                            env.as(operator(o.who));
                            if (o.k === 'register') await protocol.stakes.registerNode({ node_id: `r${o.id}`, node_type: 'router', wallet: wallet(o.who), stake: { amount: o.amount * EMC, lock_days: 180 } });
                            else await protocol.stakes.topUp(`r${o.id}`, o.amount * EMC);
                            ledger.faults.length = 0;
                        }
                    }
                    // settle everything that is still pending, then the books must balance exactly
                    await protocol.maintenance.run();
                    await protocol.maintenance.run();
                    const inv = escrowInvariant(protocol, ledger);
                    expect(inv.recorded).toBe(inv.onLedger);
                },
            ),
            { numRuns: 150 },
        );
    });
});
