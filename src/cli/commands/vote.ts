/** `emc vote`: peer votes (spec §7): impeach a node of your type, report a validator key compromised, vote, answer, show, list. */
import type { Principal } from '@dfinity/principal';
import { parsePrincipal } from '../../client/account';
import type { Vote } from '../../client/types/protocol';
import { badInput, fail, mapResult, ok, type ClientResult } from '../../client/result';
import { flag, type FlagSpec, type Parsed } from './args';
import { majority, voteRows, voteTable } from './format';
import { command, type Command, type Output } from './command';
import { nodeIdArg, all, idArg, rangeArgs, pages } from './inputs';

const AS: FlagSpec = { name: 'as', value: 'MY_NODE', help: 'your node that votes (active, of the accused node’s type)' };

function asArg(p: Parsed): ClientResult<string> {
    const t = flag(p, 'as');
    return t === undefined ? badInput('--as MY_NODE is missing (the node of yours that takes part)') : nodeIdArg(t);
}

/** Exactly one of two switches. */
function choice(p: Parsed, yes: string, no: string): ClientResult<boolean> {
    const y = p.switches.has(yes);
    const n = p.switches.has(no);
    if (y === n) return badInput(`give --${yes} or --${no}`);
    return ok(y);
}

function voteOut(v: Vote, headline: string): Output {
    return { json: v, human: `${headline}\n${voteTable(v)}` };
}

function decided(v: Vote): string {
    if (v.status === 'passed') return v.kind === 'impeachment' ? `passed: ${v.nodeId} is disqualified, its stake goes to the treasury` : `passed: ${v.nodeId} now answers to ${v.newOperator?.toText()}`;
    if (v.status === 'failed') return v.kind === 'impeachment' ? 'failed: a majority is out of reach' : `failed: ${v.nodeId} resumes with its old key`;
    return `open: ${Math.max(0, majority(v.electorate) - v.yes)} more ${v.kind === 'impeachment' ? 'yes votes' : 'confirmations'} decide it`;
}

const voteImpeach = command<{ nodeId: string; accuser: string; reason: string }>({
    group: 'vote',
    name: 'impeach',
    summary: 'open an impeachment of an active node of your node’s type (your vote is the first yes)',
    args: [{ name: 'NODE_ID', help: 'the accused node' }],
    flags: [{ ...AS, help: 'your node that accuses (active, of the same type)' }, { name: 'reason', value: 'TEXT', help: 'why (1–1000 characters; shown to the voters)' }],
    update: true,
    notes: 'The electorate is the other active nodes of that type; more than half voting yes disqualifies the node and sends its whole stake to the treasury.',
    input(p) {
        const reason = flag(p, 'reason');
        if (reason === undefined || reason.trim() === '') return badInput('--reason TEXT is missing');
        return mapResult(all(nodeIdArg(p.positional[0] ?? ''), asArg(p)), ([nodeId, accuser]) => ({ nodeId, accuser, reason }));
    },
    async run(c, i) {
        return mapResult(await c.protocol.openImpeachment(i), (v) => voteOut(v, `opened impeachment ${v.id} of ${v.nodeId}: ${decided(v)}`));
    },
});

const voteCast = command<{ id: bigint; voter: string; yes: boolean }>({
    group: 'vote',
    name: 'cast',
    summary: 'vote yes or no on an open impeachment as your node',
    args: [{ name: 'ID', help: 'the impeachment’s vote id' }],
    flags: [AS, { name: 'yes', help: 'disqualify the node' }, { name: 'no', help: 'keep the node' }],
    update: true,
    input: (p) => mapResult(all(idArg(p.positional[0] ?? '', 'vote id'), asArg(p), choice(p, 'yes', 'no')), ([id, voter, yes]) => ({ id, voter, yes })),
    async run(c, i) {
        return mapResult(await c.protocol.voteImpeachment(i), (v) => voteOut(v, `${i.voter} voted ${i.yes ? 'yes' : 'no'} on ${v.id}: ${decided(v)}`));
    },
});

const voteReportKey = command<{ nodeId: string; newOperator: Principal }>({
    group: 'vote',
    name: 'report-key',
    summary: 'report your validator’s key compromised and name its new operator (it is frozen until decided)',
    args: [{ name: 'NODE_ID', help: 'your validator' }],
    flags: [{ name: 'new-operator', value: 'PRINCIPAL', help: 'the principal that takes over if the validators confirm' }],
    update: true,
    notes: 'Call it with the current (compromised) key. The other validators confirm or deny within the key-rotation window (2 hours by default).',
    input(p) {
        const op = flag(p, 'new-operator');
        if (op === undefined) return badInput('--new-operator PRINCIPAL is missing');
        return mapResult(all(nodeIdArg(p.positional[0] ?? ''), parsePrincipal(op, 'new operator')), ([nodeId, newOperator]) => ({ nodeId, newOperator }));
    },
    async run(c, i) {
        return mapResult(await c.protocol.reportKeyCompromise(i), (v) => voteOut(v, `reported the key of ${v.nodeId} (vote ${v.id}): ${decided(v)}`));
    },
});

const voteAnswer = command<{ id: bigint; voter: string; confirm: boolean }>({
    group: 'vote',
    name: 'answer',
    summary: 'confirm or deny a key report as your validator',
    args: [{ name: 'ID', help: 'the key report’s vote id' }],
    flags: [{ ...AS, help: 'your validator (one of the electorate listed when the key was reported)' }, { name: 'confirm', help: 'the new operator takes over' }, { name: 'deny', help: 'keep the old key' }],
    update: true,
    input: (p) => mapResult(all(idArg(p.positional[0] ?? '', 'vote id'), asArg(p), choice(p, 'confirm', 'deny')), ([id, voter, confirm]) => ({ id, voter, confirm })),
    async run(c, i) {
        return mapResult(await c.protocol.answerKeyReport(i), (v) => voteOut(v, `${i.voter} ${i.confirm ? 'confirmed' : 'denied'} key report ${v.id}: ${decided(v)}`));
    },
});

const voteShow = command<{ id: bigint }>({
    group: 'vote',
    name: 'show',
    summary: 'an impeachment or key report: status, votes, deadline',
    args: [{ name: 'ID', help: 'the vote id' }],
    flags: [],
    update: false,
    input: (p) => mapResult(idArg(p.positional[0] ?? '', 'vote id'), (id) => ({ id })),
    async run(c, i) {
        const r = await c.protocol.getVote(i.id);
        if (!r.ok) return r;
        if (r.value === undefined) return fail('NotFound', `no vote ${i.id}`);
        return ok({ json: r.value, human: voteTable(r.value) });
    },
});

const voteList = command<{ start?: bigint; count: number }>({
    group: 'vote',
    name: 'list',
    summary: 'impeachments and key reports by id (default: the first 100)',
    args: [],
    flags: [
        { name: 'start', value: 'ID', help: 'the first vote id (default 0)' },
        { name: 'count', value: 'N', help: 'how many (default 100, at most 1000)' },
    ],
    update: false,
    input: rangeArgs,
    async run(c, i) {
        const r = await pages(i.start ?? 0n, i.count, (a) => c.protocol.listVotes(a));
        return mapResult(r, (vs) => ({ json: vs, human: vs.length === 0 ? 'no votes' : voteRows(vs) }));
    },
});

export const VOTE_COMMANDS: Command[] = [voteImpeach, voteCast, voteReportKey, voteAnswer, voteShow, voteList];
