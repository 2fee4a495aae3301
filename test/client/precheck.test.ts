/**
 * The client's stake pre-check (src/client/precheck.ts) against the protocol's own domain code
 * (src/protocol/stakes/stakes.ts on in-memory stores and the real ledger domain): for random
 * parameters, pause states, clocks, callers and stake operations on nodes of every type and state,
 * the pre-check refuses exactly when the protocol refuses, with the same error case. So an
 * operation that passes the pre-check is not refused by the protocol (its approval is not wasted),
 * and one the pre-check refuses would have been refused (nothing is kept from the operator).
 */
import fc from 'fast-check';
import { Principal } from '@dfinity/principal';
import { stakeOperationProblem, type StakeOperation } from '../../src/client/precheck';
import { nodeOf } from '../../src/client/converters/protocol';
import { paramsOf } from '../../src/client/converters/governance';
import type { Node, NodeType } from '../../src/client/types/protocol';
import { nodeView, paramsView } from '../../src/protocol/api/views';
import { DAY, EMC, newProtocol, operator } from '../unit/protocol/helpers';

const ANONYMOUS = new Uint8Array([4]);
const AMOUNTS = [0n, 1n, 1_000_000n, 1_000_001n, 100n * EMC, 1_000n * EMC - 1n, 1_000n * EMC, 100_000n * EMC - 1n, 100_000n * EMC, 150_000n * EMC, 1_000_000n * EMC - 1n, 1_000_000n * EMC];
const DAYS = [0, 1, 7, 8, 14, 30, 89, 90, 91, 179, 180, 200, 359, 360, 400];
const IDS = ['r1', 'c1', 's1', 'v1', 'o1', 'n1'];

type Op =
    | { op: 'register'; nodeId: string; type: NodeType; stake?: { amount: bigint; lockDays: number } }
    | { op: 'stake'; nodeId: string; amount: bigint; lockDays: number }
    | { op: 'top_up'; nodeId: string; amount: bigint }
    | { op: 'renew'; nodeId: string; days: number; topUp: bigint };

const amount = fc.constantFrom(...AMOUNTS);
const days = fc.constantFrom(...DAYS);
const id = fc.constantFrom(...IDS);
const opArb: fc.Arbitrary<Op> = fc.oneof(
    fc.record({ op: fc.constant('register' as const), nodeId: id, type: fc.constantFrom<NodeType>('validator', 'router', 'compute'), stake: fc.option(fc.record({ amount, lockDays: days }), { nil: undefined }) }),
    fc.record({ op: fc.constant('stake' as const), nodeId: id, amount, lockDays: days }),
    fc.record({ op: fc.constant('top_up' as const), nodeId: id, amount }),
    fc.record({ op: fc.constant('renew' as const), nodeId: id, days, topUp: fc.constantFrom(0n, 5n * EMC) }),
);
const paramsArb = fc.record({
    validatorMinStake: fc.constantFrom(1_000_000n * EMC, 100_000n * EMC),
    validatorMinTermDays: fc.constantFrom(360, 180),
    validatorRenewalMinDays: fc.constantFrom(180, 90),
    validatorMaxRenewals: fc.constantFrom(0, 1, 2),
    routerMinStake: fc.constantFrom(100_000n * EMC, 150_000n * EMC, 1_000n * EMC),
    routerMinTermDays: fc.constantFrom(180, 90),
    routerRenewalMinDays: fc.constantFrom(90, 30),
    computeMultipliers: fc.constantFrom<[number, bigint][][]>(
        [
            [7, 14n],
            [30, 27n],
            [90, 62n],
            [180, 100n],
        ],
        [
            [14, 20n],
            [30, 27n],
            [365, 120n],
        ],
    ),
});

describe('the client’s stake pre-check agrees with the protocol', () => {
    it('refuses exactly what the protocol refuses, with the same error case (random parameters, pause, clock, caller, node states)', async () => {
        await fc.assert(
            fc.asyncProperty(paramsArb, fc.boolean(), fc.constantFrom(0n, 2n * DAY, 100n * DAY, 400n * DAY), fc.constantFrom(1, 1, 1, 2, 0), opArb, async (params, paused, advance, who, op) => {
                const { protocol, env, ledger } = newProtocol([
                    [1, 10_000_000n * EMC],
                    [2, 10_000_000n * EMC],
                ]);
                // Nodes in several states, made under the default parameters by operator 1 (o1: operator 2).
                ledger.approve(operator(1), 10_000_000n * EMC);
                ledger.approve(operator(2), 10_000_000n * EMC);
                const reg = async (n: number, nodeId: string, type: NodeType, stake?: { amount: bigint; lock_days: number }) => {
                    env.as(operator(n));
                    const r = await protocol.stakes.registerNode({ node_id: nodeId, node_type: type, wallet: { owner: operator(n) }, stake });
                    if (!('Ok' in r)) throw new Error(`setup ${nodeId} failed`);
                };
                await reg(1, 'r1', 'router', { amount: 120_000n * EMC, lock_days: 180 });
                await reg(1, 'c1', 'compute');
                await reg(1, 's1', 'compute', { amount: 100n * EMC, lock_days: 30 });
                await reg(1, 'v1', 'validator', { amount: 1_000_000n * EMC, lock_days: 360 });
                await reg(2, 'o1', 'compute');
                // v1 as if governance had admitted it (its term starts now), so that the validator renewal rules apply.
                const v = protocol.registry.byId('v1');
                if (v?.stake === undefined) throw new Error('setup v1 failed');
                protocol.book.save({ ...v, status: 'active', admittedAt: env.time, stake: { ...v.stake, termStart: env.time, termEnd: env.time + 360n * DAY } }, v);
                protocol.config.save({ ...protocol.config.get(), params: { ...protocol.config.params(), ...params }, paused: paused ? { reason: 'upgrade', since: '0' } : undefined });
                env.time += advance;

                const caller = who === 0 ? ANONYMOUS : operator(who);
                const record = protocol.registry.byId(op.nodeId);
                const node: Node | undefined = record === undefined ? undefined : nodeOf(nodeView(record, protocol.config.escrowAccount(record.index)));
                const ctx = { params: paramsOf(paramsView(protocol.config.params(), 86_400n * 1_000_000_000n)), paused: paused ? 'upgrade' : undefined, caller: Principal.fromUint8Array(caller), now: env.time };
                // What the client answers (for a missing node: NodeNotFound, before the rules).
                let expected: string | undefined;
                if (op.op !== 'register' && node === undefined) expected = 'NodeNotFound';
                else {
                    const o: StakeOperation =
                        op.op === 'register'
                            ? { op: 'register', nodeId: op.nodeId, type: op.type, wallet: { owner: Principal.fromUint8Array(caller) }, stake: op.stake, existing: node }
                            : op.op === 'stake'
                              ? { op: 'stake', node: node as Node, amount: op.amount, lockDays: op.lockDays }
                              : op.op === 'top_up'
                                ? { op: 'top_up', node: node as Node, amount: op.amount }
                                : { op: 'renew', node: node as Node, days: op.days, topUp: op.topUp };
                    expected = stakeOperationProblem(o, ctx)?.kind;
                }
                if (expected === 'NodeNotFound' && who === 0) return; // the client needs an identity for these anyway
                // What the protocol answers (with an allowance and funds that cover anything).
                if (who !== 0) ledger.approve(caller, 10_000_000n * EMC);
                env.as(caller);
                const r =
                    op.op === 'register'
                        ? await protocol.stakes.registerNode({ node_id: op.nodeId, node_type: op.type, wallet: { owner: caller }, stake: op.stake === undefined ? undefined : { amount: op.stake.amount, lock_days: op.stake.lockDays } })
                        : op.op === 'stake'
                          ? await protocol.stakes.stakeCompute(op.nodeId, op.amount, op.lockDays)
                          : op.op === 'top_up'
                            ? await protocol.stakes.topUp(op.nodeId, op.amount)
                            : await protocol.stakes.renew(op.nodeId, op.days, op.topUp);
                const actual = 'Ok' in r ? undefined : Object.keys(r.Err)[0];
                expect({ op, who, paused, advance, params, answer: actual }).toEqual({ op, who, paused, advance, params, answer: expected });
            }),
            { numRuns: 1_500 },
        );
    });
});
