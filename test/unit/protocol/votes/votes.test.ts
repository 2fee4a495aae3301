/** Impeachment and key-compromise votes (spec §7) on the in-memory protocol. */
import { escrowInvariant } from '../helpers';
import { HOUR, MINUTE, all, network, operator } from '../penalties/helpers';
import { isVotingValidator } from '../../../../src/protocol/nodes/registry';

const DAY = 24n * HOUR;

describe('impeachment', () => {
    it('passes with more than half of the other active nodes of the type: disqualified, whole stake to the treasury', async () => {
        const n = await network();
        const stake = n.node('v13').stake!.amount;
        const before = n.treasury();
        n.env.as(operator(1));
        const opened = n.votes.openImpeachment(operator(1), 'v1', 'v13', 'signed two conflicting batches at height 9');
        expect(opened).toMatchObject({ Ok: { id: 0n, electorate: 12, yes: 1, no: 0, status: 'open' } });
        // The accused cannot vote; each voter once.
        expect(n.votes.voteImpeachment(operator(13), 0n, 'v13', false)).toMatchObject({ Err: { AccusedCannotVote: { node_id: 'v13' } } });
        expect(n.votes.voteImpeachment(operator(1), 0n, 'v1', true)).toMatchObject({ Err: { AlreadyVoted: { id: 0n } } });
        // Someone else's node cannot be voted with.
        expect(n.votes.voteImpeachment(operator(2), 0n, 'v3', true)).toMatchObject({ Err: { NotNodeOperator: { node_id: 'v3' } } });
        for (const i of [2, 3, 4, 5, 6]) expect(n.votes.voteImpeachment(operator(i), 0n, `v${i}`, true)).toMatchObject({ Ok: { status: 'open' } });
        // 7 of 12 > half: passed at once.
        expect(n.votes.voteImpeachment(operator(7), 0n, 'v7', true)).toMatchObject({ Ok: { status: 'passed', yes: 7 } });
        expect(n.node('v13')).toMatchObject({ status: 'disqualified', e: 0n, penaltyDue: stake });
        expect(isVotingValidator(n.node('v13'))).toBe(false);
        expect(n.votes.voteImpeachment(operator(8), 0n, 'v8', true)).toMatchObject({ Err: { VoteClosed: { id: 0n, outcome: 'passed' } } });
        await n.settle();
        // The escrow pays the fee, the treasury gets the rest of the stake; the escrow is empty.
        expect(n.treasury() - before).toBe(stake - 100_000n);
        expect(n.node('v13').stake).toBeUndefined();
        const inv = escrowInvariant(n.protocol, n.ledger);
        expect(inv.recorded).toBe(inv.onLedger);
        expect(n.protocol.liveness.records(0n, 5)).toMatchObject([{ nodeId: 'v13', kind: 'impeachment', amount: stake }]);
    });

    it('fails at the deadline without a majority, or as soon as a majority is out of reach', async () => {
        const n = await network({ routers: [21, 22, 23, 24, 25] });
        expect(n.votes.openImpeachment(operator(21), 'r21', 'r22', 'offline for days')).toMatchObject({ Ok: { electorate: 4, yes: 1 } });
        expect(n.votes.voteImpeachment(operator(23), 0n, 'r23', true)).toMatchObject({ Ok: { status: 'open', yes: 2 } });
        // Routers vote on routers only.
        expect(n.votes.voteImpeachment(operator(1), 0n, 'v1', true)).toMatchObject({ Err: { WrongNodeType: { node_type: 'validator', expected: 'router' } } });
        n.env.time += 7n * DAY;
        expect(n.votes.voteImpeachment(operator(24), 0n, 'r24', true)).toMatchObject({ Err: { VoteClosed: { outcome: 'failed' } } });
        await n.protocol.maintenance.run();
        expect(n.votes.get(0n)).toMatchObject({ status: 'failed', closed: true });
        expect(n.node('r22').status).toBe('active');
        // A new vote may be opened; two no votes of four make a majority impossible.
        expect(n.votes.openImpeachment(operator(21), 'r21', 'r22', 'again')).toMatchObject({ Ok: { id: 1n } });
        expect(n.votes.voteImpeachment(operator(23), 1n, 'r23', false)).toMatchObject({ Ok: { status: 'open' } });
        expect(n.votes.voteImpeachment(operator(24), 1n, 'r24', false)).toMatchObject({ Ok: { status: 'failed' } });
        // Bad input changes nothing.
        expect(n.votes.openImpeachment(operator(21), 'r21', 'v2', 'x')).toMatchObject({ Err: { WrongNodeType: { node_type: 'validator', expected: 'router' } } });
        expect(n.votes.openImpeachment(operator(21), 'r21', 'r21', 'x')).toMatchObject({ Err: { SelfImpeachment: { node_id: 'r21' } } });
        expect(n.votes.openImpeachment(operator(21), 'r21', 'r22', '')).toMatchObject({ Err: { InvalidReason: {} } });
        expect(n.votes.openImpeachment(new Uint8Array([4]), 'r21', 'r22', 'anon')).toMatchObject({ Err: { AnonymousCaller: {} } });
        expect(n.votes.count()).toBe(2n);
    });
});

describe('key compromise', () => {
    const NEW_KEY = operator(77);

    it('within 2 hours: frozen at once, operator replaced on a majority, non-responders recorded at the deadline', async () => {
        const n = await network();
        const r = n.votes.reportKeyCompromise(operator(13), 'v13', NEW_KEY);
        expect(r).toMatchObject({ Ok: { electorate: 12, status: 'open' } });
        expect(n.node('v13').frozen).toBe(true);
        expect(n.protocol.admission.set()).toMatchObject({ size: 13 });
        expect(n.registry.validatorIndex(operator(13))).toBeUndefined();
        // Frozen: no claims, no changes.
        n.env.as(operator(13));
        expect(await n.protocol.claims.claim('v13')).toMatchObject({ Err: { NodeFrozen: { node_id: 'v13' } } });
        expect(await n.protocol.stakes.topUp('v13', 1n)).toMatchObject({ Err: { NodeFrozen: { node_id: 'v13' } } });
        n.env.time += HOUR;
        for (const i of [1, 2, 3, 4, 5, 6]) expect(n.votes.answerKeyReport(operator(i), 0n, `v${i}`, true)).toMatchObject({ Ok: { status: 'open' } });
        expect(n.votes.answerKeyReport(operator(7), 0n, 'v7', false)).toMatchObject({ Ok: { status: 'open' } });
        // 7 of 12 confirm: more than half.
        expect(n.votes.answerKeyReport(operator(8), 0n, 'v8', true)).toMatchObject({ Ok: { status: 'passed', yes: 7, no: 1 } });
        expect(n.node('v13').operator).toEqual(NEW_KEY);
        expect(n.node('v13').frozen).toBeUndefined();
        expect(n.registry.validatorIndex(NEW_KEY)).toBe(n.node('v13').index);
        expect(n.registry.validatorIndex(operator(13))).toBeUndefined();
        // The old key controls nothing any more; the new one does.
        n.env.as(operator(13));
        expect(await n.protocol.stakes.topUp('v13', 1n)).toMatchObject({ Err: { NotNodeOperator: { node_id: 'v13' } } });
        // Late answers (before the deadline) are recorded; at the deadline the silent ones are listed.
        expect(n.votes.answerKeyReport(operator(9), 0n, 'v9', true)).toMatchObject({ Ok: { status: 'passed', yes: 8 } });
        n.env.time += HOUR;
        await n.protocol.maintenance.run();
        const v = n.votes.get(0n)!;
        expect(v.closed).toBe(true);
        expect(v.nonResponders.map((i) => n.registry.get(i)!.id).sort()).toEqual(['v10', 'v11', 'v12']);
        // The rotated validator takes part again under its new key.
        expect(n.confirm([...all([13]), 13].map((i) => i))).toBe(true);
    });

    it('after 2 hours: answers are refused, the report fails and the node resumes with its old key', async () => {
        const n = await network();
        n.votes.reportKeyCompromise(operator(13), 'v13', NEW_KEY);
        n.env.time += 2n * HOUR;
        expect(n.votes.answerKeyReport(operator(1), 0n, 'v1', true)).toMatchObject({ Err: { VoteClosed: {} } });
        await n.protocol.maintenance.run();
        expect(n.votes.get(0n)).toMatchObject({ status: 'failed', closed: true });
        expect(n.votes.get(0n)!.nonResponders).toHaveLength(12);
        expect(n.node('v13').frozen).toBeUndefined();
        expect(n.node('v13').operator).toEqual(operator(13));
        expect(n.registry.validatorIndex(operator(13))).toBe(n.node('v13').index);
        // A frozen validator was not charged for the time it could not vote; its windows restart now.
        expect(n.node('v13').penaltyDue ?? 0n).toBe(0n);
        expect(n.node('v13').fault).toEqual({ from: n.env.time, k: 0 });
        void MINUTE;
    });

    it('refuses bad reports and changes nothing', async () => {
        const n = await network();
        expect(n.votes.reportKeyCompromise(operator(12), 'v13', NEW_KEY)).toMatchObject({ Err: { NotNodeOperator: { node_id: 'v13' } } });
        expect(n.votes.reportKeyCompromise(operator(13), 'v13', operator(13))).toMatchObject({ Err: { InvalidNewOperator: { message: 'the new operator is the current one' } } });
        expect(n.votes.reportKeyCompromise(operator(13), 'v13', operator(1))).toMatchObject({ Err: { InvalidNewOperator: { message: 'the new operator already runs a validator' } } });
        expect(n.votes.reportKeyCompromise(operator(13), 'v13', new Uint8Array([4]))).toMatchObject({ Err: { InvalidNewOperator: { message: 'the new operator must be a non-anonymous principal' } } });
        expect(n.node('v13').frozen).toBeUndefined();
        expect(n.votes.count()).toBe(0n);
    });
});
