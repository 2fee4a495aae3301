/**
 * The maintenance timer after an update (src/protocol/jobs/wakeups.ts, src/lib/storage/edge-cache.ts):
 * - the deadline queues' cache answers exactly what the map answers, for any sequence of writes;
 * - soundness: whenever an update makes maintenance due earlier than before, the wakeups noted
 *   during it say so (a time no later than the new deadline), so the canister never skips arming a
 *   timer it needs; and updates that create no earlier work note nothing (the cheap path).
 */
import fc from 'fast-check';
import { EdgeCachedKV } from '../../../src/lib/storage/edge-cache';
import { MemoryKV } from '../../../src/lib/storage/kv';
import { DAY, EMC, GOVERNANCE, T0, newProtocol, operator } from './helpers';

describe('EdgeCachedKV', () => {
    it('answers size and the first entry exactly as its map does, for any writes (property)', () => {
        const op = fc.oneof(
            fc.record({ k: fc.constant('set' as const), key: fc.integer({ min: 0, max: 20 }), value: fc.integer({ min: 0, max: 255 }) }),
            fc.record({ k: fc.constant('delete' as const), key: fc.integer({ min: 0, max: 20 }) }),
            fc.record({ k: fc.constant('read' as const), start: fc.integer({ min: 0, max: 3 }), count: fc.integer({ min: 0, max: 3 }) }),
        );
        fc.assert(
            fc.property(fc.array(op, { maxLength: 60 }), (ops) => {
                const plain = new MemoryKV();
                const writes: string[] = [];
                const cached = new EdgeCachedKV(new MemoryKV(), { set: (k) => writes.push(`set ${k[0]}`), delete: (k) => writes.push(`delete ${k[0]}`) });
                const expected: string[] = [];
                for (const o of ops) {
                    if (o.k === 'set') {
                        plain.set(Uint8Array.of(o.key), Uint8Array.of(o.value));
                        cached.set(Uint8Array.of(o.key), Uint8Array.of(o.value));
                        expected.push(`set ${o.key}`);
                    } else if (o.k === 'delete') {
                        expect(cached.delete(Uint8Array.of(o.key))).toBe(plain.delete(Uint8Array.of(o.key)));
                        expected.push(`delete ${o.key}`);
                    } else {
                        expect(cached.size()).toBe(plain.size());
                        expect(cached.entries(0, 1)).toEqual(plain.entries(0, 1));
                        expect(cached.entries(o.start, o.count)).toEqual(plain.entries(o.start, o.count));
                    }
                }
                expect(writes).toEqual(expected);
            }),
        );
    });

    it('hands out copies: a caller that changes an answer does not change the next one', () => {
        const kv = new EdgeCachedKV(new MemoryKV());
        kv.set(Uint8Array.of(1), Uint8Array.of(7));
        kv.entries(0, 1)[0][1][0] = 99;
        expect(kv.entries(0, 1)[0][1]).toEqual(Uint8Array.of(7));
    });
});

const wallet = (n: number) => ({ owner: operator(n + 500) });

describe('wakeups', () => {
    it('an unstaked registration notes the end of its grace period; a settled stake notes its term end, not its retry mark', async () => {
        const { protocol, env, ledger } = newProtocol([[2, 300_000n * EMC]]);
        protocol.wakeups.take();
        env.as(operator(1));
        expect(await protocol.stakes.registerNode({ node_id: 'c1', node_type: 'compute', wallet: wallet(1) })).toHaveProperty('Ok');
        expect(protocol.wakeups.take()).toBe(T0 + protocol.config.params().squatterGraceNs);
        expect(protocol.wakeups.take()).toBeUndefined();

        ledger.approve(operator(2), 200_000n * EMC);
        env.as(operator(2));
        expect(await protocol.stakes.registerNode({ node_id: 'r1', node_type: 'router', wallet: wallet(2), stake: { amount: 100_000n * EMC, lock_days: 180 } })).toHaveProperty('Ok');
        const noted = protocol.wakeups.take() as bigint;
        // The retry mark was written before the ledger call and deleted after its outcome: it is
        // withdrawn, so what remains is work of the stake itself (liveness window, term end), never "now".
        expect(noted).toBeGreaterThan(T0);
        expect(noted).toBeLessThanOrEqual(T0 + 180n * DAY);
    });

    it('a parameter change notes "now": every deadline may have moved', () => {
        const { protocol, env } = newProtocol();
        protocol.wakeups.take();
        env.as(GOVERNANCE);
        expect(protocol.governance.updateParams(GOVERNANCE, { routerWindowSeconds: 1_200n })).toHaveProperty('Ok');
        expect(protocol.wakeups.take()).toBe(T0);
    });

    it('soundness: an update that brings the next deadline forward always notes a time no later than it (property)', async () => {
        const step = fc.oneof(
            fc.record({ k: fc.constant('compute' as const), n: fc.integer({ min: 1, max: 40 }) }),
            fc.record({ k: fc.constant('router' as const), n: fc.integer({ min: 41, max: 44 }), days: fc.integer({ min: 180, max: 400 }) }),
            fc.record({ k: fc.constant('claim' as const), n: fc.integer({ min: 41, max: 44 }) }),
            fc.record({ k: fc.constant('renew' as const), n: fc.integer({ min: 41, max: 44 }), days: fc.integer({ min: 1, max: 200 }) }),
            fc.record({ k: fc.constant('time' as const), hours: fc.integer({ min: 0, max: 72 }) }),
            // The ledger executes the next call but its response is lost, and the escrow cannot be read to
            // learn the outcome: the operation stays marked for a retry.
            fc.record({ k: fc.constant('lost' as const) }),
        );
        await fc.assert(
            fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 25 }), async (steps) => {
                const balances: [number, bigint][] = [41, 42, 43, 44].map((n) => [n, 1_000_000n * EMC]);
                const { protocol, env, ledger } = newProtocol(balances);
                for (const n of [41, 42, 43, 44]) ledger.approve(operator(n), 900_000n * EMC);
                let armed = protocol.maintenance.nextAt() as bigint;
                protocol.wakeups.take();
                for (const s of steps) {
                    if (s.k === 'time') {
                        env.time += BigInt(s.hours) * 3_600_000_000_000n;
                        if (env.time >= armed) {
                            await protocol.maintenance.run();
                            armed = protocol.maintenance.nextAt() as bigint;
                            protocol.wakeups.take();
                        }
                        continue;
                    }
                    if (s.k === 'lost') {
                        ledger.faults.push({ when: 'after', code: 6 }, { when: 'before', code: 2 });
                        continue;
                    }
                    env.as(operator(s.n));
                    if (s.k === 'compute') await protocol.stakes.registerNode({ node_id: `c${s.n}`, node_type: 'compute', wallet: wallet(s.n) });
                    else if (s.k === 'router') await protocol.stakes.registerNode({ node_id: `r${s.n}`, node_type: 'router', wallet: wallet(s.n), stake: { amount: 100_000n * EMC, lock_days: s.days } });
                    else if (s.k === 'claim') await protocol.claims.claim(`r${s.n}`);
                    else await protocol.stakes.renew(`r${s.n}`, s.days, 0n);
                    const after = protocol.maintenance.nextAt() as bigint;
                    const noted = protocol.wakeups.take();
                    if (after < armed) {
                        expect(noted).toBeDefined();
                        expect(noted as bigint).toBeLessThanOrEqual(after);
                    }
                    // What the canister does: arm when the noted time is before the armed timer.
                    if (noted !== undefined && noted < armed && after < armed) armed = after;
                }
            }),
            { numRuns: 40 },
        );
    });
});
