/** `emc validator`: apply, withdraw a candidacy, propose and vote on state-bit batches, the set. */
import { readFileSync } from 'node:fs';
import { parseAccount, parsePrincipal, parseSubaccount } from '../../client/account';
import type { IcrcAccount } from '../../client/types/account';
import { badInput, mapResult, ok, type ClientResult } from '../../client/result';
import type { BatchPayload } from '../../protocol/batches/payload';
import { flag, flags, type Parsed } from './args';
import { jsonNode, keyValues, nodeRows, nodeTable } from './format';
import { command, type Command } from './command';
import { amountArg, daysArg, nodeIdArg, heightArg, optional, all, STAKE_NOTES, FROM_SUBACCOUNT, WALLET } from './inputs';

const validatorApply = command<{ nodeId: string; stake?: bigint; days?: number; wallet?: IcrcAccount; fromSubaccount?: Uint8Array }>({
    group: 'validator',
    name: 'apply',
    summary: 'apply as a validator candidate, staking at least the protocol’s minimum for at least its minimum term (governance admits)',
    args: [{ name: 'NODE_ID', help: 'the validator’s network id' }],
    flags: [
        { name: 'stake', value: 'AMOUNT', help: 'EMC to stake (default: the protocol’s validator minimum, see emc gov params)' },
        { name: 'days', value: 'N', help: 'lock days (default: the protocol’s validator minimum term)' },
        WALLET,
        FROM_SUBACCOUNT,
    ],
    update: true,
    notes: STAKE_NOTES,
    input: (p) =>
        mapResult(
            all(nodeIdArg(p.positional[0] ?? ''), optional(flag(p, 'stake'), (t) => amountArg(t, '--stake')), optional(flag(p, 'days'), (t) => daysArg(t)), optional(flag(p, 'wallet'), parseAccount), optional(flag(p, 'from-subaccount'), parseSubaccount)),
            ([nodeId, stake, days, wallet, fromSubaccount]) => ({ nodeId, stake, days, wallet, fromSubaccount }),
        ),
    async run(c, i) {
        const r = await c.protocol.applyValidator({ nodeId: i.nodeId, stake: i.stake, lockDays: i.days, wallet: i.wallet, fromSubaccount: i.fromSubaccount });
        return mapResult(r, (n) => ({ json: jsonNode(n), human: `applied as validator ${n.nodeId}: ${n.status}\n${nodeTable(n)}` }));
    },
});

const validatorWithdraw = command<{ nodeId: string }>({
    group: 'validator',
    name: 'withdraw',
    summary: 'withdraw a candidacy that was not admitted; the stake goes back',
    args: [{ name: 'NODE_ID', help: 'your candidate' }],
    flags: [],
    update: true,
    input: (p) => mapResult(nodeIdArg(p.positional[0] ?? ''), (nodeId) => ({ nodeId })),
    async run(c, i) {
        const r = await c.protocol.withdrawCandidacy(i.nodeId);
        return mapResult(r, (n) => ({ json: jsonNode(n), human: `withdrew ${n.nodeId}: ${n.status}` }));
    },
});

function payloadOf(p: Parsed): ClientResult<BatchPayload> {
    const file = flag(p, 'payload');
    const pocs = flags(p, 'poc');
    const on = flags(p, 'online');
    const off = flags(p, 'offline');
    if (file !== undefined && pocs.length + on.length + off.length > 0) return badInput('give --payload FILE or --poc/--online/--offline, not both');
    if (file !== undefined) {
        let raw: unknown;
        try {
            raw = JSON.parse(file === '-' ? readFileSync(0, 'utf8') : readFileSync(file, 'utf8'));
        } catch (e) {
            return badInput(`--payload ${file}: ${(e as Error).message.split('\n')[0]}`);
        }
        const o = raw as { poc_results?: unknown; observations?: unknown };
        if (o === null || typeof o !== 'object' || !Array.isArray(o.poc_results ?? []) || !Array.isArray(o.observations ?? [])) return badInput('--payload must be {"poc_results": [...], "observations": [...]}');
        const pr = ((o.poc_results ?? []) as { node_id?: unknown; operator?: unknown; poc_ms?: unknown }[]).map((x) => pocOf(String(x?.node_id), String(x?.operator), String(x?.poc_ms)));
        const ob = ((o.observations ?? []) as { node_id?: unknown; online?: unknown }[]).map((x) => (typeof x?.online !== 'boolean' ? badInput(`observation of '${String(x?.node_id)}': online must be true or false`) : mapResult(nodeIdArg(String(x.node_id)), (node_id) => ({ node_id, online: x.online as boolean }))));
        return collect(pr, ob);
    }
    const pr = pocs.map((s) => {
        const parts = s.split(':');
        return parts.length !== 3 ? badInput(`--poc '${s}' is not NODE_ID:OPERATOR:POC_MS`) : pocOf(parts[0], parts[1], parts[2]);
    });
    const ob = [...on.map((n) => ({ n, online: true })), ...off.map((n) => ({ n, online: false }))].map(({ n, online }) => mapResult(nodeIdArg(n), (node_id) => ({ node_id, online })));
    return collect(pr, ob);
}

function pocOf(node: string, operator: string, ms: string): ClientResult<BatchPayload['poc_results'][number]> {
    const r = all(nodeIdArg(node), parsePrincipal(operator, 'operator'));
    if (!r.ok) return r;
    if (!/^\d{1,10}$/.test(ms) || Number(ms) < 1 || Number(ms) > 0xffffffff) return badInput(`PoC time '${ms}' is not a whole number of milliseconds`);
    return ok({ node_id: r.value[0], operator: r.value[1], poc_ms: Number(ms) });
}

function collect(pr: ClientResult<BatchPayload['poc_results'][number]>[], ob: ClientResult<BatchPayload['observations'][number]>[]): ClientResult<BatchPayload> {
    for (const r of [...pr, ...ob]) if (!r.ok) return r as ClientResult<never>;
    return ok({ poc_results: pr.map((r) => (r as { value: BatchPayload['poc_results'][number] }).value), observations: ob.map((r) => (r as { value: BatchPayload['observations'][number] }).value) });
}

const validatorPropose = command<{ height: bigint; payload: BatchPayload }>({
    group: 'validator',
    name: 'propose',
    summary: 'propose the state-bit batch for a height (counts as your vote); prints its digest',
    args: [{ name: 'HEIGHT', help: 'the EMC state-machine height' }],
    flags: [
        { name: 'payload', value: 'FILE', help: 'JSON {"poc_results":[{"node_id","operator","poc_ms"}],"observations":[{"node_id","online"}]} (- = stdin)' },
        { name: 'poc', value: 'NODE:OPERATOR:MS', help: 'a PoC result (repeatable)', multiple: true },
        { name: 'online', value: 'NODE_ID', help: 'an online observation (repeatable)', multiple: true },
        { name: 'offline', value: 'NODE_ID', help: 'an offline observation (repeatable)', multiple: true },
    ],
    update: true,
    input: (p) => mapResult(all(heightArg(p.positional[0] ?? ''), payloadOf(p)), ([height, payload]) => ({ height, payload })),
    async run(c, i) {
        const r = await c.protocol.proposeBatch(i);
        return mapResult(r, (s) => ({ json: { height: i.height, ...s }, human: batchText(i.height, s) }));
    },
});

const validatorVote = command<{ height: bigint; digest: Uint8Array }>({
    group: 'validator',
    name: 'vote',
    summary: 'vote for the batch with this digest at this height',
    args: [
        { name: 'HEIGHT', help: 'the height' },
        { name: 'DIGEST', help: 'the batch digest, 64 hex digits (as `propose` prints it)' },
    ],
    flags: [],
    update: true,
    input(p) {
        const h = heightArg(p.positional[0] ?? '');
        if (!h.ok) return h;
        const d = p.positional[1] ?? '';
        if (!/^[0-9a-fA-F]{64}$/.test(d)) return badInput(`digest '${d}' is not 64 hex digits`);
        return ok({ height: h.value, digest: new Uint8Array(Buffer.from(d, 'hex')) });
    },
    async run(c, i) {
        const r = await c.protocol.voteBatch(i);
        return mapResult(r, (s) => ({ json: { height: i.height, ...s }, human: batchText(i.height, s) }));
    },
});

function batchText(height: bigint, s: { digest: Uint8Array; votes: number; quorum: number; confirmed: boolean }): string {
    return keyValues([['height', height.toString()], ['digest', Buffer.from(s.digest).toString('hex')], ['votes', `${s.votes} of ${s.quorum} needed`], ['confirmed', s.confirmed ? 'yes' : 'no']]);
}

const validatorSet = command<Record<string, never>>({
    group: 'validator',
    name: 'set',
    summary: 'the active validator set, its size, F and quorum, and the certified batch tip',
    args: [],
    flags: [],
    update: false,
    input: () => ok({}),
    async run(c) {
        const r = await c.protocol.validatorSet();
        if (!r.ok) return r;
        const tip = await c.protocol.certifiedTip();
        if (!tip.ok) return tip;
        const v = r.value;
        const t = tip.value;
        return ok({
            json: { size: v.size, f: v.f, quorum: v.quorum, validators: v.validators.map(jsonNode), tip: t },
            human: [
                keyValues([['size', String(v.size)], ['F', v.f === undefined ? '-' : String(v.f)], ['quorum', String(v.quorum)], ['tip', t.height === undefined ? 'no confirmed batch yet' : `height ${t.height}, digest ${Buffer.from(t.digest as Uint8Array).toString('hex')}${t.verified ? ' (certified)' : ''}`]]),
                v.validators.length === 0 ? '' : nodeRows(v.validators),
            ]
                .filter((s) => s !== '')
                .join('\n'),
        });
    },
});

export const VALIDATOR_COMMANDS: Command[] = [validatorApply, validatorWithdraw, validatorPropose, validatorVote, validatorSet];
