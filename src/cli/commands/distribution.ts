/**
 * `emc vesting|lockup|mapping|projects`: the genesis distribution (spec §13–§14,
 * docs/distribution.md) through the SDK's DistributionClient. Governance commands print their
 * validate_ text first and execute unless --validate-only, like `emc gov`. Answers print as JSON
 * (numbers exact, e8s); --json wraps them as every command does.
 */
import { readFileSync } from 'node:fs';
import type { Principal } from '@dfinity/principal';
import { parseAccount, parsePrincipal, parseSubaccount } from '../../client/account';
import { DistributionClient, mappingDigest, type MappingEntryInput, type ProjectStatusName } from '../../client/distribution';
import { toJson } from '../../client/format/json';
import type { Connection } from '../../client/network';
import { badInput, mapResult, ok, type ClientResult } from '../../client/result';
import type { IcrcAccount } from '../../client/types/account';
import { flag, type FlagSpec, type Parsed } from './args';
import { command, type Command, type Output } from './command';
import { all, amountArg, countArg, durationNs, idArg, optional } from './inputs';

const VALIDATE_ONLY: FlagSpec = { name: 'validate-only', help: 'only run the validate_ check (the text an SNS proposal shows); call nothing' };
const REASON: FlagSpec = { name: 'reason', value: 'TEXT', help: 'why (1 to 1,000 bytes), recorded in the governance log' };
const PAGE: FlagSpec[] = [
    { name: 'start', value: 'N', help: 'the first position (default 0)' },
    { name: 'count', value: 'N', help: 'how many (default 100, at most 100)' },
];

const dist = (c: Connection) => new DistributionClient({ agent: c.protocol.agent, canisterId: c.protocol.canisterId, now: () => c.now() }, c.ledger);
const shown = (v: unknown): Output => ({ json: v, human: toJson(v, 2) });
const showResult = <T>(r: ClientResult<T>): ClientResult<Output> => mapResult(r, shown);

async function governed<T>(validateOnly: boolean, validate: () => Promise<ClientResult<string>>, execute: () => Promise<ClientResult<T>>, say: (line: string) => void): Promise<ClientResult<Output>> {
    const v = await validate();
    if (!v.ok) return v;
    if (validateOnly) return ok({ json: { proposal: v.value, executed: false }, human: `proposal  ${v.value}\n(validated only; nothing was called)` });
    const r = await execute();
    if (!r.ok) {
        say(`proposal  ${v.value}`);
        return r;
    }
    return ok({ json: { proposal: v.value, executed: true, result: r.value }, human: `proposal  ${v.value}\nexecuted\n${toJson(r.value, 2)}` });
}

function reasonArg(p: Parsed): ClientResult<string> {
    const r = flag(p, 'reason');
    return r === undefined ? badInput('--reason is missing') : ok(r);
}

function intArg(text: string | undefined, what: string, min: number, max: number): ClientResult<number> {
    if (text === undefined || !/^\d{1,10}$/.test(text) || Number(text) < min || Number(text) > max) return badInput(`${what} '${String(text)}' is not a whole number from ${min} to ${max}`);
    return ok(Number(text));
}

function page(p: Parsed): ClientResult<{ start: number; count: number }> {
    return mapResult(all(intArg(flag(p, 'start') ?? '0', '--start', 0, 0xffffffff), countArg(flag(p, 'count'), '--count', 100, 100)), ([start, count]) => ({ start, count }));
}

function ownerArg(p: Parsed, c?: Connection): ClientResult<Principal | undefined> {
    const t = p.positional[0];
    return t === undefined ? ok(c?.principal) : parsePrincipal(t, 'owner');
}

function nsArg(text: string | undefined, what: string): ClientResult<bigint> {
    if (text === undefined || !/^\d{1,20}$/.test(text) || BigInt(text) >= 2n ** 64n) return badInput(`${what} '${String(text)}' is not a time in ns since the Unix epoch`);
    return ok(BigInt(text));
}

// ----- vesting -----------------------------------------------------------------------------------

const ID_ARG = (what: string) => [{ name: 'ID', help: `the ${what} id` }];

const vesting: Command[] = [
    command<{ id: bigint }>({ group: 'vesting', name: 'show', summary: 'a schedule: total, released, unlocked, claimable now, next unlock', args: ID_ARG('schedule'), flags: [], update: false, input: (p) => mapResult(idArg(p.positional[0], 'schedule id'), (id) => ({ id })), run: async (c, i) => showResult(await dist(c).getVesting(i.id)) }),
    command<{ owner?: Principal; start: number; count: number }>({
        group: 'vesting',
        name: 'list',
        summary: 'the schedules of a beneficiary (default: you)',
        args: [{ name: 'PRINCIPAL', help: 'the beneficiary', optional: true }],
        flags: PAGE,
        update: false,
        input: (p) => mapResult(all(ownerArg(p), page(p)), ([owner, pg]) => ({ owner, ...pg })),
        run: async (c, i) => showResult(await dist(c).listVesting(i.owner ?? c.principal, i.start, i.count)),
    }),
    command<{ id: bigint; start: number; count: number }>({
        group: 'vesting',
        name: 'tranches',
        summary: 'a schedule’s tranches: amount and unlock time',
        args: ID_ARG('schedule'),
        flags: PAGE,
        update: false,
        input: (p) => mapResult(all(idArg(p.positional[0], 'schedule id'), page(p)), ([id, pg]) => ({ id, ...pg })),
        run: async (c, i) => showResult(await dist(c).vestingTranches(i.id, BigInt(i.start), i.count)),
    }),
    command<Record<string, never>>({ group: 'vesting', name: 'summary', summary: 'all schedules: total, released, what the vesting account must hold', args: [], flags: [], update: false, input: () => ok({}), run: async (c) => showResult(await dist(c).vestingSummary()) }),
    command<{ id: bigint }>({ group: 'vesting', name: 'claim', summary: 'claim what has unlocked (the beneficiary; you receive it less the ledger fee)', args: ID_ARG('schedule'), flags: [], update: true, input: (p) => mapResult(idArg(p.positional[0], 'schedule id'), (id) => ({ id })), run: async (c, i) => showResult(await dist(c).claimVesting(i.id)) }),
    command<{ id: bigint; to?: IcrcAccount }>({
        group: 'vesting',
        name: 'offer',
        summary: 'offer your schedule to another account (no account: withdraw the offer)',
        args: [...ID_ARG('schedule'), { name: 'ACCOUNT', help: 'the new beneficiary', optional: true }],
        flags: [],
        update: true,
        input: (p) => mapResult(all(idArg(p.positional[0], 'schedule id'), optional(p.positional[1], parseAccount)), ([id, to]) => ({ id, to })),
        run: async (c, i) => showResult(await dist(c).offerVesting(i.id, i.to)),
    }),
    command<{ id: bigint }>({ group: 'vesting', name: 'accept', summary: 'accept a schedule offered to you', args: ID_ARG('schedule'), flags: [], update: true, input: (p) => mapResult(idArg(p.positional[0], 'schedule id'), (id) => ({ id })), run: async (c, i) => showResult(await dist(c).acceptVesting(i.id)) }),
    command<{ beneficiary: IcrcAccount; total: bigint; start: bigint; reason: string; validateOnly: boolean }>({
        group: 'vesting',
        name: 'add',
        summary: 'governance: a schedule funded from the treasury (developer-ecosystem pool)',
        args: [{ name: 'ACCOUNT', help: 'the beneficiary' }, { name: 'TOTAL', help: 'EMC' }],
        flags: [{ name: 'start', value: 'NS', help: 'release start, ns since the Unix epoch (default: now)' }, REASON, VALIDATE_ONLY],
        update: true,
        input: (p) =>
            mapResult(all(parseAccount(p.positional[0] ?? ''), amountArg(p.positional[1], 'TOTAL'), optional(flag(p, 'start'), (t) => nsArg(t, '--start')), reasonArg(p)), ([beneficiary, total, start, reason]) => ({ beneficiary, total, start: start ?? -1n, reason, validateOnly: p.switches.has('validate-only') })),
        run: (c, i, say) => {
            const a = { beneficiary: i.beneficiary, total: i.total, start: i.start < 0n ? c.now() : i.start, reason: i.reason };
            return governed(i.validateOnly, () => dist(c).validateAddVestingSchedule(a), () => dist(c).addVestingSchedule(a), say);
        },
    }),
];

// ----- lock-up -----------------------------------------------------------------------------------

const lockup: Command[] = [
    command<Record<string, never>>({ group: 'lockup', name: 'game', summary: 'the lock-up game: budget, periods, the current period, the close in progress', args: [], flags: [], update: false, input: () => ok({}), run: async (c) => showResult(await dist(c).lockupGame()) }),
    command<{ period: number }>({
        group: 'lockup',
        name: 'period',
        summary: 'a period’s locks by pool and fifth, and its result (L, ρ, tier, per pool, winner, dust)',
        args: [{ name: 'PERIOD', help: '0 (before the start) to 12' }],
        flags: [],
        update: false,
        input: (p) => mapResult(intArg(p.positional[0], 'PERIOD', 0, 12), (period) => ({ period })),
        run: async (c, i) => showResult(await dist(c).lockupPeriod(i.period)),
    }),
    command<{ owner?: Principal; start: number; count: number }>({
        group: 'lockup',
        name: 'list',
        summary: 'the locks of an owner (default: you) with their rewards so far',
        args: [{ name: 'PRINCIPAL', help: 'the owner', optional: true }],
        flags: PAGE,
        update: false,
        input: (p) => mapResult(all(ownerArg(p), page(p)), ([owner, pg]) => ({ owner, ...pg })),
        run: async (c, i) => showResult(await dist(c).listLocks(i.owner ?? c.principal, i.start, i.count)),
    }),
    command<{ amount: bigint; pool: 'A' | 'B'; nodeId?: string; fromSubaccount?: Uint8Array }>({
        group: 'lockup',
        name: 'lock',
        summary: 'lock EMC in pool A (guard: name your active staked node) or B (honor); approves the protocol first',
        args: [{ name: 'AMOUNT', help: 'EMC, at least 10' }],
        flags: [{ name: 'pool', value: 'A|B', help: 'the pool (default B)' }, { name: 'node', value: 'ID', help: 'pool A: the active staked node you operate' }, { name: 'from-subaccount', value: 'HEX', help: 'lock from this subaccount of yours' }],
        update: true,
        input: (p) => {
            const pool = (flag(p, 'pool') ?? 'B').toUpperCase();
            if (pool !== 'A' && pool !== 'B') return badInput(`--pool '${pool}' is A or B`);
            return mapResult(all(amountArg(p.positional[0], 'AMOUNT'), optional(flag(p, 'from-subaccount'), parseSubaccount)), ([amount, fromSubaccount]) => ({ amount, pool: pool as 'A' | 'B', nodeId: flag(p, 'node'), fromSubaccount }));
        },
        run: async (c, i) => showResult(await dist(c).lock(i)),
    }),
    command<{ id: bigint }>({ group: 'lockup', name: 'claim', summary: 'after the game: take back a lock and its reward', args: ID_ARG('lock'), flags: [], update: true, input: (p) => mapResult(idArg(p.positional[0], 'lock id'), (id) => ({ id })), run: async (c, i) => showResult(await dist(c).claimLock(i.id)) }),
    command<{ budget: bigint; output: bigint; startIn: bigint; periodEpochs: number; periods: number; reason: string; validateOnly: boolean }>({
        group: 'lockup',
        name: 'start',
        summary: 'governance: start the game, moving its budget from the treasury',
        args: [],
        flags: [
            { name: 'budget', value: 'EMC', help: 'the reward budget AV' },
            { name: 'output', value: 'EMC', help: 'the theoretical output O per period' },
            { name: 'start-in', value: 'DURATION', help: 'when the first period starts (e.g. 1h; default 0s)' },
            { name: 'period-epochs', value: 'N', help: 'epochs per period (default 30)' },
            { name: 'periods', value: 'N', help: '1 to 12 (default 12)' },
            REASON,
            VALIDATE_ONLY,
        ],
        update: true,
        input: (p) =>
            mapResult(
                all(amountArg(flag(p, 'budget'), '--budget'), amountArg(flag(p, 'output'), '--output'), durationNs(flag(p, 'start-in') ?? '0s'), countArg(flag(p, 'period-epochs'), '--period-epochs', 30, 3650), countArg(flag(p, 'periods'), '--periods', 12, 12), reasonArg(p)),
                ([budget, output, startIn, periodEpochs, periods, reason]) => ({ budget, output, startIn, periodEpochs, periods, reason, validateOnly: p.switches.has('validate-only') }),
            ),
        run: (c, i, say) => {
            const a = { budget: i.budget, outputPerPeriod: i.output, start: c.now() + i.startIn + 60_000_000_000n, periodEpochs: i.periodEpochs, periods: i.periods, reason: i.reason };
            return governed(i.validateOnly, () => dist(c).validateStartLockupGame(a), () => dist(c).startLockupGame(a), say);
        },
    }),
];

// ----- mapping -----------------------------------------------------------------------------------

/** A mapping file: one `ACCOUNT,SOURCE` line per entry (SOURCE a whole number of source units); `#` comments. */
export function readMappingFile(path: string): ClientResult<MappingEntryInput[]> {
    let text: string;
    try {
        text = readFileSync(path, 'utf8');
    } catch (e) {
        return badInput(`cannot read ${path}: ${(e as Error).message}`);
    }
    const out: MappingEntryInput[] = [];
    const lines = text.split(/\r?\n/);
    for (let n = 0; n < lines.length; n++) {
        const line = lines[n].trim();
        if (line === '' || line.startsWith('#')) continue;
        const [acct, src] = line.split(',').map((s) => s.trim());
        const a = parseAccount(acct ?? '');
        if (!a.ok) return badInput(`${path}:${n + 1}: ${a.error.message}`);
        if (src === undefined || !/^\d{1,20}$/.test(src) || BigInt(src) < 1n || BigInt(src) >= 2n ** 64n) return badInput(`${path}:${n + 1}: the source amount '${String(src)}' is not a whole number from 1 below 2^64`);
        out.push({ account: a.value, source: BigInt(src) });
    }
    return out.length === 0 ? badInput(`${path} has no entries`) : ok(out);
}

const FILE_ARG = { name: 'FILE', help: 'ACCOUNT,SOURCE lines, in the order to load (the canonical order)' };

const mapping: Command[] = [
    command<{ id: bigint }>({ group: 'mapping', name: 'show', summary: 'a mapping: rate, dust, window, totals, claimed, digest', args: ID_ARG('mapping'), flags: [], update: false, input: (p) => mapResult(idArg(p.positional[0], 'mapping id'), (id) => ({ id })), run: async (c, i) => showResult(await dist(c).getMapping(i.id)) }),
    command<{ id: bigint; account?: IcrcAccount }>({
        group: 'mapping',
        name: 'entry',
        summary: 'an account’s entry: source, mapped, dust, claimed (default: you)',
        args: [...ID_ARG('mapping'), { name: 'ACCOUNT', help: 'the account', optional: true }],
        flags: [],
        update: false,
        input: (p) => mapResult(all(idArg(p.positional[0], 'mapping id'), optional(p.positional[1], parseAccount)), ([id, account]) => ({ id, account })),
        run: async (c, i) => showResult(await dist(c).mappingEntry(i.id, i.account ?? { owner: c.principal })),
    }),
    command<{ id: bigint; subaccount?: Uint8Array }>({
        group: 'mapping',
        name: 'claim',
        summary: 'claim your mapped amount inside the window (less the ledger fee)',
        args: ID_ARG('mapping'),
        flags: [{ name: 'subaccount', value: 'HEX', help: 'the entry’s subaccount of yours' }],
        update: true,
        input: (p) => mapResult(all(idArg(p.positional[0], 'mapping id'), optional(flag(p, 'subaccount'), parseSubaccount)), ([id, subaccount]) => ({ id, subaccount })),
        run: async (c, i) => showResult(await dist(c).claimMapping(i.id, i.subaccount)),
    }),
    command<{ id: bigint }>({ group: 'mapping', name: 'sweep', summary: 'after the window: send the unclaimed total to the ecosystem fund (anyone, once)', args: ID_ARG('mapping'), flags: [], update: true, input: (p) => mapResult(idArg(p.positional[0], 'mapping id'), (id) => ({ id })), run: async (c, i) => showResult(await dist(c).sweepMapping(i.id)) }),
    command<{ name: string; num: bigint; den: bigint; dust: bigint; startIn: bigint; window: bigint; reason: string; validateOnly: boolean }>({
        group: 'mapping',
        name: 'create',
        summary: 'governance: create a mapping (rate, dust threshold, claim window)',
        args: [{ name: 'NAME', help: 'the mapping’s name' }],
        flags: [
            { name: 'rate', value: 'NUM/DEN', help: 'e8s of EMC per source unit, as a fraction (e.g. 1/2)' },
            { name: 'dust', value: 'N', help: 'entries under this many source units are dust (default 0)' },
            { name: 'start-in', value: 'DURATION', help: 'when claims open (default 0s)' },
            { name: 'window', value: 'DURATION', help: 'how long claims stay open (e.g. 30d)' },
            REASON,
            VALIDATE_ONLY,
        ],
        update: true,
        input: (p) => {
            const m = /^(\d{1,13})\/(\d{1,13})$/.exec(flag(p, 'rate') ?? '');
            if (m === null) return badInput('--rate is NUM/DEN (whole numbers)');
            const dust = flag(p, 'dust') ?? '0';
            if (!/^\d{1,20}$/.test(dust) || BigInt(dust) >= 2n ** 64n) return badInput(`--dust '${dust}' is not a whole number below 2^64`);
            return mapResult(all(durationNs(flag(p, 'start-in') ?? '0s'), durationNs(flag(p, 'window') ?? ''), reasonArg(p)), ([startIn, window, reason]) => ({ name: p.positional[0] ?? '', num: BigInt(m[1]), den: BigInt(m[2]), dust: BigInt(dust), startIn, window, reason, validateOnly: p.switches.has('validate-only') }));
        },
        run: (c, i, say) => {
            const start = c.now() + i.startIn + 60_000_000_000n;
            const a = { name: i.name, rateNumerator: i.num, rateDenominator: i.den, dustThreshold: i.dust, windowStart: start, windowEnd: start + i.window, reason: i.reason };
            return governed(i.validateOnly, () => dist(c).validateCreateMapping(a), () => dist(c).createMapping(a), say);
        },
    }),
    command<{ id: bigint; entries: MappingEntryInput[] }>({
        group: 'mapping',
        name: 'load',
        summary: 'governance: load a file’s entries in chunks of 1,000',
        args: [...ID_ARG('mapping'), FILE_ARG],
        flags: [],
        update: true,
        input: (p) => mapResult(all(idArg(p.positional[0], 'mapping id'), readMappingFile(p.positional[1] ?? '')), ([id, entries]) => ({ id, entries })),
        run: async (c, i) => showResult(await dist(c).loadMapping(i.id, i.entries)),
    }),
    command<{ id: bigint; entries: MappingEntryInput[]; validateOnly: boolean }>({
        group: 'mapping',
        name: 'seal',
        summary: 'governance: seal with the file’s count and SHA-256; funds it from the DAO-airdrop pool',
        args: [...ID_ARG('mapping'), FILE_ARG],
        flags: [VALIDATE_ONLY],
        update: true,
        input: (p) => mapResult(all(idArg(p.positional[0], 'mapping id'), readMappingFile(p.positional[1] ?? '')), ([id, entries]) => ({ id, entries, validateOnly: p.switches.has('validate-only') })),
        run: (c, i, say) => {
            const digest = mappingDigest(i.entries);
            const n = BigInt(i.entries.length);
            return governed(i.validateOnly, () => dist(c).validateSealMapping(i.id, n, digest), () => dist(c).sealMapping(i.id, n, digest), say);
        },
    }),
];

// ----- projects ----------------------------------------------------------------------------------

function statusArg(t: string | undefined): ClientResult<ProjectStatusName> {
    return t === 'none' || t === 'quality' || t === 'risk' ? ok(t) : badInput(`status '${String(t)}' is none, quality or risk`);
}

const projects: Command[] = [
    command<{ status: ProjectStatusName; start: number; count: number }>({
        group: 'projects',
        name: 'list',
        summary: 'the projects on a list (default: quality)',
        args: [],
        flags: [{ name: 'status', value: 'quality|risk|none', help: 'which list' }, ...PAGE],
        update: false,
        input: (p) => mapResult(all(statusArg(flag(p, 'status') ?? 'quality'), page(p)), ([status, pg]) => ({ status, ...pg })),
        run: async (c, i) => showResult(await dist(c).listProjects(i.status, i.start, i.count)),
    }),
    command<{ id: bigint }>({ group: 'projects', name: 'show', summary: 'a project: principals, status, reason, proposal', args: ID_ARG('project'), flags: [], update: false, input: (p) => mapResult(idArg(p.positional[0], 'project id'), (id) => ({ id })), run: async (c, i) => showResult(await dist(c).getProject(i.id)) }),
    command<{ id: bigint; start: number; count: number }>({
        group: 'projects',
        name: 'history',
        summary: 'a project’s status changes',
        args: ID_ARG('project'),
        flags: PAGE,
        update: false,
        input: (p) => mapResult(all(idArg(p.positional[0], 'project id'), page(p)), ([id, pg]) => ({ id, ...pg })),
        run: async (c, i) => showResult(await dist(c).projectHistory(i.id, i.start, i.count)),
    }),
    command<{ name: string; principals: Principal[]; reason: string; validateOnly: boolean }>({
        group: 'projects',
        name: 'register',
        summary: 'governance: register an ecosystem project',
        args: [{ name: 'NAME', help: 'the project’s name' }, { name: 'PRINCIPAL', help: 'its principals (1 to 10)', many: true }],
        flags: [REASON, VALIDATE_ONLY],
        update: true,
        input: (p) => {
            const ps: Principal[] = [];
            for (const t of p.positional.slice(1)) {
                const r = parsePrincipal(t, 'project principal');
                if (!r.ok) return r;
                ps.push(r.value);
            }
            return mapResult(reasonArg(p), (reason) => ({ name: p.positional[0] ?? '', principals: ps, reason, validateOnly: p.switches.has('validate-only') }));
        },
        run: (c, i, say) => governed(i.validateOnly, () => dist(c).validateRegisterProject(i.name, i.principals, i.reason), () => dist(c).registerProject(i.name, i.principals, i.reason), say),
    }),
    command<{ id: bigint; status: ProjectStatusName; reason: string; proposal?: bigint; validateOnly: boolean }>({
        group: 'projects',
        name: 'set-status',
        summary: 'governance: move a project to the quality list, the risk list or none',
        args: [...ID_ARG('project'), { name: 'STATUS', help: 'quality, risk or none' }],
        flags: [REASON, { name: 'proposal', value: 'N', help: 'the proposal that decided it' }, VALIDATE_ONLY],
        update: true,
        input: (p) =>
            mapResult(all(idArg(p.positional[0], 'project id'), statusArg(p.positional[1]), reasonArg(p), optional(flag(p, 'proposal'), (t) => idArg(t, '--proposal'))), ([id, status, reason, proposal]) => ({ id, status, reason, proposal, validateOnly: p.switches.has('validate-only') })),
        run: (c, i, say) => governed(i.validateOnly, () => dist(c).validateSetProjectStatus(i.id, i.status, i.reason, i.proposal), () => dist(c).setProjectStatus(i.id, i.status, i.reason, i.proposal), say),
    }),
    command<{ on: boolean; validateOnly: boolean }>({
        group: 'projects',
        name: 'restrict-grants',
        summary: 'governance: developer grants only to quality-listed projects (on) or to anyone (off)',
        args: [{ name: 'on|off', help: 'the switch' }],
        flags: [VALIDATE_ONLY],
        update: true,
        input: (p) => (p.positional[0] === 'on' || p.positional[0] === 'off' ? ok({ on: p.positional[0] === 'on', validateOnly: p.switches.has('validate-only') }) : badInput('give on or off')),
        run: (c, i, say) => governed(i.validateOnly, () => dist(c).validateRestrictGrants(i.on), () => dist(c).restrictGrants(i.on), say),
    }),
];

export const DISTRIBUTION_COMMANDS: Command[] = [...vesting, ...lockup, ...mapping, ...projects];

export const DISTRIBUTION_GROUPS: Record<string, string> = {
    vesting: 'linear release of genesis allocations: schedules, tranches, claims, hand-over',
    lockup: 'the majority-game lock-up: lock, periods and their results, claims at the end',
    mapping: 'airdrop / mapping campaigns: create, load, seal, claim, sweep',
    projects: 'ecosystem projects: the quality and risk lists and the grant switch',
};
