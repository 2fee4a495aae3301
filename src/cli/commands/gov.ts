/** `emc gov`: governance (spec §8). Each change first runs its validate_ query and prints the text an SNS proposal shows, then (unless --validate-only) calls the method. */
import { readFileSync } from 'node:fs';
import type { Principal } from '@dfinity/principal';
import { parseAccount, parsePrincipal } from '../../client/account';
import type { IcrcAccount } from '../../client/types/account';
import type { ComputeMultiplier, ParamsChange } from '../../client/types/governance';
import { badInput, fail, mapResult, ok, type ClientResult } from '../../client/result';
import { parseAmount } from '../../client/amount';
import { flag, type FlagSpec, type Parsed } from './args';
import { governanceLogRows, jsonNode, jsonPayout, nodeRows, paramsTable, payoutRows, payoutTable } from './format';
import { command, type Command, type Output } from './command';
import { amountArg, nodeIdArg, durationNs, all, idArg, RANGE, rangeArgs, pages } from './inputs';

const VALIDATE_ONLY: FlagSpec = { name: 'validate-only', help: 'only run the validate_ check (the text an SNS proposal shows); call nothing' };
const GOV_NOTES =
    'Prints the validation (the text a governance proposal shows), then, unless --validate-only, calls the method as your identity and prints the outcome. Only the governance principal may execute (on a devnet: the genesis owner; on the IC: the SNS, through a proposal). A refused validation exits 1 and changes nothing.';

/**
 * The shape of every governance command: validate, then (unless validate-only) execute. On a refused
 * execution the validation text is said to the human first, then the error is the result.
 */
async function governed<T>(validateOnly: boolean, validate: () => Promise<ClientResult<string>>, execute: () => Promise<ClientResult<T>>, show: (t: T) => { json: unknown; human?: string }, say: (line: string) => void): Promise<ClientResult<Output>> {
    const v = await validate();
    if (!v.ok) return v;
    if (validateOnly) return ok({ json: { proposal: v.value, executed: false }, human: `proposal  ${v.value}\n(validated only; nothing was called)` });
    const r = await execute();
    if (!r.ok) {
        say(`proposal  ${v.value}`);
        return r;
    }
    const o = show(r.value);
    return ok({ json: { proposal: v.value, executed: true, result: o.json }, human: `proposal  ${v.value}\nexecuted${o.human === undefined ? `  ${String(o.json)}` : `\n${o.human}`}` });
}

const govParams = command<Record<string, never>>({
    group: 'gov',
    name: 'params',
    summary: 'the protocol’s parameters (what `gov update-params` changes)',
    args: [],
    flags: [],
    update: false,
    input: () => ok({}),
    async run(c) {
        return mapResult(await c.protocol.protocolParams(), (p) => ({ json: p, human: paramsTable(p) }));
    },
});

const govLog = command<{ start?: bigint; count: number }>({
    group: 'gov',
    name: 'log',
    summary: 'executed governance changes: time, method, caller, before → after',
    args: [],
    flags: RANGE,
    update: false,
    input: rangeArgs,
    async run(c, i) {
        // Without --start: the latest entries. The log has no count query, so it is read from 0 (100 per call).
        const r = await pages(i.start ?? 0n, i.start === undefined ? Number.MAX_SAFE_INTEGER : i.count, (a) => c.protocol.governanceLog(a));
        return mapResult(r, (all) => {
            const es = i.start === undefined ? all.slice(-i.count) : all;
            return { json: es, human: es.length === 0 ? 'no governance changes in this range' : governanceLogRows(es) };
        });
    },
});

const govSetGovernance = command<{ to: Principal; validateOnly: boolean }>({
    group: 'gov',
    name: 'set-governance',
    summary: 'hand governance to another principal (an SNS, a new NNS canister)',
    args: [{ name: 'PRINCIPAL', help: 'the new governance principal' }],
    flags: [VALIDATE_ONLY],
    update: true,
    notes: GOV_NOTES,
    input: (p) => mapResult(parsePrincipal(p.positional[0] ?? '', 'governance principal'), (to) => ({ to, validateOnly: p.switches.has('validate-only') })),
    run: (c, i, say) =>
        governed(
            i.validateOnly,
            () => c.protocol.validateSetGovernance(i.to),
            () => c.protocol.setGovernance(i.to),
            (t) => ({ json: t }),
            say,
        ),
});

/** `3600`, or a duration `60m`, `1h`, `7d` → seconds. */
function secondsArg(text: string, what: string): ClientResult<bigint> {
    if (/^\d{1,12}$/.test(text)) return ok(BigInt(text));
    const d = durationNs(text);
    return d.ok ? ok(d.value / 1_000_000_000n) : badInput(`${what} '${text}' is not a number of seconds or a duration like 30m, 12h, 7d`);
}

function countNat(text: string, what: string): ClientResult<number> {
    if (!/^\d{1,10}$/.test(text) || Number(text) > 0xffffffff) return badInput(`${what} '${text}' is not a whole number`);
    return ok(Number(text));
}

/** `7:1.4,30:2.7` → days and multipliers in tenths. */
function multipliersArg(text: string): ClientResult<ComputeMultiplier[]> {
    const out: ComputeMultiplier[] = [];
    for (const part of text.split(',')) {
        const m = /^(\d{1,5}):(\d{1,3})(?:\.(\d))?$/.exec(part.trim());
        if (m === null) return badInput(`--compute-multipliers: '${part}' is not DAYS:MULTIPLIER (e.g. 30:2.7, one decimal)`);
        out.push({ days: Number(m[1]), multiplierTenths: Number(m[2]) * 10 + Number(m[3] ?? '0') });
    }
    return ok(out);
}

/** update-params' flags: the ParamsChange field, its flag, and how the value is read. */
const PARAM_FLAGS: { key: keyof ParamsChange; flag: string; value: string; help: string; parse: (t: string, what: string) => ClientResult<unknown> }[] = [
    { key: 'epochSeconds', flag: 'epoch-seconds', value: 'SECONDS', help: 'epoch length, from the next epoch boundary (60 s – 30 d)', parse: secondsArg },
    { key: 'validatorPenaltyE8s', flag: 'validator-penalty', value: 'AMOUNT', help: 'EMC a validator loses per missed window', parse: amountArg },
    { key: 'validatorWindowSeconds', flag: 'validator-window', value: 'SECONDS', help: 'a validator’s liveness window (60 s – 7 d)', parse: secondsArg },
    { key: 'routerPenaltyE8s', flag: 'router-penalty', value: 'AMOUNT', help: 'EMC a router loses per offline window', parse: amountArg },
    { key: 'routerWindowSeconds', flag: 'router-window', value: 'SECONDS', help: 'a router’s liveness window (60 s – 7 d)', parse: secondsArg },
    { key: 'computeWindowSeconds', flag: 'compute-window', value: 'SECONDS', help: 'a staked compute node’s liveness window (60 s – 7 d)', parse: secondsArg },
    { key: 'validatorMinStakeE8s', flag: 'validator-min-stake', value: 'AMOUNT', help: 'a validator’s minimum stake in EMC', parse: amountArg },
    { key: 'routerMinStakeE8s', flag: 'router-min-stake', value: 'AMOUNT', help: 'a router’s minimum stake in EMC', parse: amountArg },
    { key: 'validatorMinTermDays', flag: 'validator-min-term-days', value: 'N', help: 'a validator’s minimum term', parse: countNat },
    { key: 'validatorRenewalMinDays', flag: 'validator-renewal-min-days', value: 'N', help: 'a validator’s minimum renewal', parse: countNat },
    { key: 'validatorMaxRenewals', flag: 'validator-max-renewals', value: 'N', help: 'renewals a validator may make (0–100)', parse: countNat },
    { key: 'routerMinTermDays', flag: 'router-min-term-days', value: 'N', help: 'a router’s minimum term', parse: countNat },
    { key: 'routerRenewalMinDays', flag: 'router-renewal-min-days', value: 'N', help: 'a router’s minimum renewal', parse: countNat },
    { key: 'computeMultipliers', flag: 'compute-multipliers', value: 'DAYS:X,…', help: 'the compute lock periods and multipliers, e.g. 7:1.4,30:2.7,90:6.2,180:10', parse: multipliersArg },
    { key: 'impeachmentWindowSeconds', flag: 'impeachment-window', value: 'SECONDS', help: 'how long an impeachment stays open (1 h – 90 d)', parse: secondsArg },
    { key: 'keyRotationWindowSeconds', flag: 'key-rotation-window', value: 'SECONDS', help: 'how long validators have to answer a key report (10 min – 7 d)', parse: secondsArg },
];

const govUpdateParams = command<{ update: ParamsChange; validateOnly: boolean }>({
    group: 'gov',
    name: 'update-params',
    summary: 'change protocol parameters (only those given; each bounded, the validation names the bounds)',
    args: [],
    flags: [...PARAM_FLAGS.map((f) => ({ name: f.flag, value: f.value, help: f.help })), VALIDATE_ONLY],
    update: true,
    notes: `Windows take seconds or a duration (90m, 2h, 14d); amounts are EMC. ${GOV_NOTES}`,
    input(p) {
        const update: Record<string, unknown> = {};
        for (const f of PARAM_FLAGS) {
            const t = flag(p, f.flag);
            if (t === undefined) continue;
            const r = f.parse(t, `--${f.flag}`);
            if (!r.ok) return r;
            update[f.key] = r.value;
        }
        if (Object.keys(update).length === 0) return badInput('no parameter to change: give at least one of the parameter options (see emc gov update-params --help)');
        return ok({ update: update as ParamsChange, validateOnly: p.switches.has('validate-only') });
    },
    run: (c, i, say) =>
        governed(
            i.validateOnly,
            () => c.protocol.validateUpdateParams(i.update),
            () => c.protocol.updateParams(i.update),
            (t) => ({ json: t }),
            say,
        ),
});

const govAdmit = command<{ ids: string[]; validateOnly: boolean }>({
    group: 'gov',
    name: 'admit',
    summary: 'admit validator candidates: exactly the batch that brings the set to its next 3F+1 size',
    args: [{ name: 'NODE_ID', help: 'the candidates to admit', many: true }],
    flags: [VALIDATE_ONLY],
    update: true,
    notes: GOV_NOTES,
    input(p) {
        for (const id of p.positional) {
            const r = nodeIdArg(id);
            if (!r.ok) return r;
        }
        return ok({ ids: [...p.positional], validateOnly: p.switches.has('validate-only') });
    },
    run: (c, i, say) =>
        governed(
            i.validateOnly,
            () => c.protocol.validateAdmitValidators(i.ids),
            () => c.protocol.admitValidators(i.ids),
            (ns) => ({ json: ns.map(jsonNode), human: nodeRows(ns) }),
            say,
        ),
});

function reasonArg(p: Parsed): ClientResult<string> {
    const r = flag(p, 'reason');
    return r === undefined || r.trim() === '' ? badInput('--reason TEXT is missing') : ok(r);
}

const REASON: FlagSpec = { name: 'reason', value: 'TEXT', help: 'why (1–1000 characters; recorded with the payout and in the governance log)' };

const govGrant = command<{ to: IcrcAccount; amount: bigint; reason: string; validateOnly: boolean }>({
    group: 'gov',
    name: 'grant',
    summary: 'pay a developer grant from the treasury (the ecosystem pool: 252,000,000 EMC in all)',
    args: [
        { name: 'TO', help: 'a principal or an ICRC-1 account text' },
        { name: 'AMOUNT', help: 'EMC' },
    ],
    flags: [REASON, VALIDATE_ONLY],
    update: true,
    notes: GOV_NOTES,
    input: (p) => mapResult(all(parseAccount(p.positional[0] ?? ''), amountArg(p.positional[1], 'AMOUNT'), reasonArg(p)), ([to, amount, reason]) => ({ to, amount, reason, validateOnly: p.switches.has('validate-only') })),
    run: (c, i, say) =>
        governed(
            i.validateOnly,
            () => c.protocol.validatePayGrant(i),
            () => c.protocol.payGrant(i),
            (ps) => ({ json: ps.map(jsonPayout), human: payoutRows(ps) }),
            say,
        ),
});

/** `account,amount` lines; blank lines, `#` comments and an `account,amount` header are skipped. */
function airdropFile(file: string): ClientResult<{ to: IcrcAccount; amount: bigint }[]> {
    let text: string;
    try {
        text = readFileSync(file === '-' ? 0 : file, 'utf8');
    } catch (e) {
        return badInput(`--file ${file}: ${(e as Error).message.split('\n')[0]}`);
    }
    const out: { to: IcrcAccount; amount: bigint }[] = [];
    const lines = text.split(/\r?\n/);
    for (let n = 0; n < lines.length; n++) {
        const line = lines[n].trim();
        if (line === '' || line.startsWith('#') || (out.length === 0 && /^account\s*,\s*amount$/i.test(line))) continue;
        const cells = line.split(',').map((x) => x.trim());
        const where = `--file ${file} line ${n + 1}`;
        if (cells.length !== 2) return badInput(`${where}: expected ACCOUNT,AMOUNT, got '${line}'`);
        const to = parseAccount(cells[0]);
        if (!to.ok) return badInput(`${where}: ${to.error.message.replace(/^BadInput: /, '')}`);
        const amount = parseAmount(cells[1]);
        if (!amount.ok) return badInput(`${where}: ${amount.error.message.replace(/^BadInput: /, '')}`);
        out.push({ to: to.value, amount: amount.value });
    }
    if (out.length === 0) return badInput(`--file ${file} has no payments (ACCOUNT,AMOUNT lines)`);
    return ok(out);
}

const govAirdrop = command<{ payments: { to: IcrcAccount; amount: bigint }[]; reason: string; validateOnly: boolean }>({
    group: 'gov',
    name: 'airdrop',
    summary: 'pay an airdrop batch (up to 100 accounts) from the treasury (the airdrop pool: 105,000,000 EMC in all)',
    args: [],
    flags: [{ name: 'file', value: 'CSV', help: 'ACCOUNT,AMOUNT lines (amounts in EMC; # comments; - = stdin)' }, REASON, VALIDATE_ONLY],
    update: true,
    notes: GOV_NOTES,
    input(p) {
        const file = flag(p, 'file');
        if (file === undefined) return badInput('--file CSV is missing');
        return mapResult(all(airdropFile(file), reasonArg(p)), ([payments, reason]) => ({ payments, reason, validateOnly: p.switches.has('validate-only') }));
    },
    run: (c, i, say) =>
        governed(
            i.validateOnly,
            () => c.protocol.validateAirdropBatch(i),
            () => c.protocol.airdropBatch(i),
            (ps) => ({ json: ps.map(jsonPayout), human: payoutRows(ps) }),
            say,
        ),
});

const govPause = command<{ reason: string; validateOnly: boolean }>({
    group: 'gov',
    name: 'pause',
    summary: 'pause the protocol: registrations, stakes, claims, batches and votes are refused until resumed',
    args: [],
    flags: [{ name: 'reason', value: 'TEXT', help: 'why (shown in every refusal and in `emc info`)' }, VALIDATE_ONLY],
    update: true,
    notes: GOV_NOTES,
    input: (p) => mapResult(reasonArg(p), (reason) => ({ reason, validateOnly: p.switches.has('validate-only') })),
    run: (c, i, say) =>
        governed(
            i.validateOnly,
            () => c.protocol.validatePause(i.reason),
            () => c.protocol.pause(i.reason),
            (t) => ({ json: t }),
            say,
        ),
});

const govResume = command<{ validateOnly: boolean }>({
    group: 'gov',
    name: 'resume',
    summary: 'resume a paused protocol',
    args: [],
    flags: [VALIDATE_ONLY],
    update: true,
    notes: GOV_NOTES,
    input: (p) => ok({ validateOnly: p.switches.has('validate-only') }),
    run: (c, i, say) =>
        governed(
            i.validateOnly,
            () => c.protocol.validateResume(),
            () => c.protocol.resume(),
            (t) => ({ json: t }),
            say,
        ),
});

const govPayout = command<{ id: bigint }>({
    group: 'gov',
    name: 'payout',
    summary: 'a grant or airdrop payout: recipient, amount, status, ledger block',
    args: [{ name: 'ID', help: 'the payout id (as grant and airdrop print it)' }],
    flags: [],
    update: false,
    input: (p) => mapResult(idArg(p.positional[0] ?? '', 'payout id'), (id) => ({ id })),
    async run(c, i) {
        const r = await c.protocol.getPayout(i.id);
        if (!r.ok) return r;
        if (r.value === undefined) return fail('NotFound', `no payout ${i.id}`);
        return ok({ json: jsonPayout(r.value), human: payoutTable(r.value) });
    },
});

export const GOV_COMMANDS: Command[] = [govParams, govLog, govSetGovernance, govUpdateParams, govAdmit, govGrant, govAirdrop, govPause, govResume, govPayout];
