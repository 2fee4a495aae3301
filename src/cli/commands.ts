/**
 * The `emc` commands. Each one parses and checks its input first (`input`: nothing is sent when it
 * is malformed), then runs against a connection (`run`) and answers a value for `--json` and a
 * human-readable text.
 */
import { readFileSync } from 'node:fs';
import { formatAccount, parseAccount, parsePrincipal, parseSubaccount, type Account } from '../client/account';
import type { Connection } from '../client/network';
import { NODE_STATUSES, NODE_TYPES, type NodeStatus, type NodeType } from '../client/protocol';
import { badInput, emc, mapResult, ok, parseAmount, type Result } from '../client/result';
import type { BatchPayload } from '../protocol/batches';
import { nodeIdProblem } from '../protocol/nodes';
import { flag, flags, type ArgSpec, type FlagSpec, type Parsed } from './args';
import { account, eValue, jsonNode, keyValues, nodeRows, nodeTable, time } from './format';

export interface Output {
    json: unknown;
    human: string;
}

export interface Command<I = unknown> {
    group: string;
    name: string;
    summary: string;
    args: ArgSpec[];
    flags: FlagSpec[];
    /** Changes state (needs an identity). */
    update: boolean;
    /** More help text (examples, notes). */
    notes?: string;
    input(p: Parsed): Result<I>;
    run(c: Connection, input: I): Promise<Result<Output>>;
}

function command<I>(c: Command<I>): Command<unknown> {
    return c as Command<unknown>;
}

// ----- input checks -----------------------------------------------------------------------

function amountArg(text: string | undefined, what: string): Result<bigint> {
    if (text === undefined) return badInput(`${what} is missing`);
    const a = parseAmount(text);
    return a.ok ? a : badInput(`${what}: ${a.error.message.replace(/^BadInput: /, '')}`);
}

function daysArg(text: string | undefined, what = '--days'): Result<number> {
    if (text === undefined) return badInput(`${what} is missing (a number of days)`);
    if (!/^\d{1,10}$/.test(text) || Number(text) < 1 || Number(text) > 0xffffffff) return badInput(`${what} '${text}' is not a whole number of days`);
    return ok(Number(text));
}

function nodeIdArg(text: string): Result<string> {
    const p = nodeIdProblem(text);
    return p === undefined ? ok(text) : badInput(`node id '${text}' ${p}`);
}

function heightArg(text: string): Result<bigint> {
    if (!/^\d{1,20}$/.test(text) || BigInt(text) >= 2n ** 64n) return badInput(`height '${text}' is not a whole number below 2^64`);
    return ok(BigInt(text));
}

function optional<T>(text: string | undefined, f: (t: string) => Result<T>): Result<T | undefined> {
    return text === undefined ? ok(undefined) : f(text);
}

function durationNs(text: string): Result<bigint> {
    const m = /^(\d+)(s|m|h|d)$/.exec(text);
    if (m === null) return badInput(`duration '${text}' is not like 30m, 12h or 7d`);
    const unit = { s: 1n, m: 60n, h: 3_600n, d: 86_400n }[m[2] as 's' | 'm' | 'h' | 'd'];
    return ok(BigInt(m[1]) * unit * 1_000_000_000n);
}

function memoArg(p: Parsed): Result<Uint8Array | undefined> {
    const text = flag(p, 'memo');
    const hex = flag(p, 'memo-hex');
    if (text !== undefined && hex !== undefined) return badInput('give --memo or --memo-hex, not both');
    if (hex !== undefined) {
        if (!/^([0-9a-fA-F]{2})*$/.test(hex)) return badInput(`--memo-hex '${hex}' is not an even number of hex digits`);
        return ok(new Uint8Array(Buffer.from(hex, 'hex')));
    }
    return ok(text === undefined ? undefined : new Uint8Array(Buffer.from(text, 'utf8')));
}

/** Collects several Results into one (the first error wins). */
function all<T extends unknown[]>(...rs: { [K in keyof T]: Result<T[K]> }): Result<T> {
    for (const r of rs) if (!r.ok) return r as Result<never>;
    return ok(rs.map((r) => (r as { value: unknown }).value) as T);
}

const FROM_SUBACCOUNT: FlagSpec = { name: 'from-subaccount', value: 'HEX', help: 'pay from this subaccount of the caller (up to 64 hex digits)' };
const WALLET: FlagSpec = { name: 'wallet', value: 'ACCOUNT', help: 'where rewards are minted (default: the caller)' };
const MEMO: FlagSpec[] = [
    { name: 'memo', value: 'TEXT', help: 'a memo (UTF-8, at most 32 bytes)' },
    { name: 'memo-hex', value: 'HEX', help: 'a memo as hex bytes' },
];

// ----- ledger -----------------------------------------------------------------------------

const ledgerBalance = command<{ account?: Account }>({
    group: 'ledger',
    name: 'balance',
    summary: 'an account’s EMC balance (default: yours)',
    args: [{ name: 'ACCOUNT', help: 'a principal or an ICRC-1 account text', optional: true }],
    flags: [],
    update: false,
    input: (p) => mapResult(optional(p.positional[0], parseAccount), (account) => ({ account })),
    async run(c, i) {
        const who = i.account ?? { owner: c.principal };
        const r = await c.ledger.balance(who);
        return mapResult(r, (balance) => ({ json: { account: formatAccount(who), balance }, human: keyValues([['account', formatAccount(who)], ['balance', emc(balance)]]) }));
    },
});

const ledgerTransfer = command<{ to: Account; amount: bigint; memo?: Uint8Array; fromSubaccount?: Uint8Array }>({
    group: 'ledger',
    name: 'transfer',
    summary: 'send EMC (the ledger fee, 0.001 EMC, comes on top)',
    args: [
        { name: 'TO', help: 'a principal or an ICRC-1 account text' },
        { name: 'AMOUNT', help: 'EMC, up to 8 decimals (e.g. 1.5)' },
    ],
    flags: [...MEMO, FROM_SUBACCOUNT],
    update: true,
    input: (p) =>
        mapResult(all(parseAccount(p.positional[0] ?? ''), amountArg(p.positional[1], 'AMOUNT'), memoArg(p), optional(flag(p, 'from-subaccount'), parseSubaccount)), ([to, amount, memo, fromSubaccount]) => ({ to, amount, memo, fromSubaccount })),
    async run(c, i) {
        const r = await c.ledger.transfer({ to: i.to, amount: i.amount, memo: i.memo, fromSubaccount: i.fromSubaccount });
        return mapResult(r, (t) => ({
            json: { to: formatAccount(i.to), amount: i.amount, block_index: t.blockIndex, duplicate: t.duplicate, created_at_time: t.createdAtTime },
            human: `sent ${emc(i.amount)} to ${formatAccount(i.to)} (block ${t.blockIndex}${t.duplicate ? ', already done before' : ''})`,
        }));
    },
});

const ledgerApprove = command<{ spender: Account; amount: bigint; expiresIn?: bigint; expected?: bigint; memo?: Uint8Array; fromSubaccount?: Uint8Array }>({
    group: 'ledger',
    name: 'approve',
    summary: 'let a spender take up to AMOUNT EMC from your account (replaces an earlier approval)',
    args: [
        { name: 'SPENDER', help: 'a principal or an ICRC-1 account text' },
        { name: 'AMOUNT', help: 'EMC the spender may take, fees included' },
    ],
    flags: [{ name: 'expires-in', value: 'DURATION', help: 'the approval lapses after this long (30m, 12h, 7d)' }, { name: 'expected-allowance', value: 'AMOUNT', help: 'refuse unless the current allowance is exactly this' }, ...MEMO, FROM_SUBACCOUNT],
    update: true,
    input: (p) =>
        mapResult(
            all(parseAccount(p.positional[0] ?? ''), amountArg(p.positional[1], 'AMOUNT'), optional(flag(p, 'expires-in'), durationNs), optional(flag(p, 'expected-allowance'), (t) => amountArg(t, '--expected-allowance')), memoArg(p), optional(flag(p, 'from-subaccount'), parseSubaccount)),
            ([spender, amount, expiresIn, expected, memo, fromSubaccount]) => ({ spender, amount, expiresIn, expected, memo, fromSubaccount }),
        ),
    async run(c, i) {
        const now = c.embedded?.now() ?? BigInt(Date.now()) * 1_000_000n;
        const expiresAt = i.expiresIn === undefined ? undefined : now + i.expiresIn;
        const r = await c.ledger.approve({ spender: i.spender, amount: i.amount, expiresAt, expectedAllowance: i.expected, memo: i.memo, fromSubaccount: i.fromSubaccount });
        return mapResult(r, (t) => ({
            json: { spender: formatAccount(i.spender), amount: i.amount, expires_at: expiresAt, block_index: t.blockIndex, duplicate: t.duplicate },
            human: `approved ${formatAccount(i.spender)} for ${emc(i.amount)}${expiresAt === undefined ? '' : ` until ${time(expiresAt)}`} (block ${t.blockIndex})`,
        }));
    },
});

const ledgerAllowance = command<{ spender: Account; owner?: Account }>({
    group: 'ledger',
    name: 'allowance',
    summary: 'what a spender may still take from an account (default: yours)',
    args: [{ name: 'SPENDER', help: 'a principal or an ICRC-1 account text' }],
    flags: [{ name: 'owner', value: 'ACCOUNT', help: 'the approving account (default: yours)' }],
    update: false,
    input: (p) => mapResult(all(parseAccount(p.positional[0] ?? ''), optional(flag(p, 'owner'), parseAccount)), ([spender, owner]) => ({ spender, owner })),
    async run(c, i) {
        const owner = i.owner ?? { owner: c.principal };
        const r = await c.ledger.allowance({ spender: i.spender, account: owner });
        return mapResult(r, (a) => ({
            json: { owner: formatAccount(owner), spender: formatAccount(i.spender), allowance: a.allowance, expires_at: a.expiresAt },
            human: keyValues([['owner', formatAccount(owner)], ['spender', formatAccount(i.spender)], ['allowance', emc(a.allowance)], ['expires', time(a.expiresAt)]]),
        }));
    },
});

const ledgerInfo = command<Record<string, never>>({
    group: 'ledger',
    name: 'info',
    summary: 'the token: name, symbol, decimals, fee, total supply, minting account',
    args: [],
    flags: [],
    update: false,
    input: () => ok({}),
    async run(c) {
        const r = await c.ledger.metadata();
        return mapResult(r, (m) => ({
            json: { name: m.name, symbol: m.symbol, decimals: m.decimals, fee: m.fee, total_supply: m.totalSupply, minting_account: account(m.mintingAccount), ledger: c.ledger.canisterId },
            human: keyValues([['ledger', c.ledger.canisterId.toText()], ['token', `${m.name} (${m.symbol})`], ['decimals', String(m.decimals)], ['fee', emc(m.fee)], ['total supply', emc(m.totalSupply)], ['minting account', account(m.mintingAccount)]]),
        }));
    },
});

// ----- node -------------------------------------------------------------------------------

const nodeRegister = command<{ nodeId: string; type: NodeType; wallet?: Account; stake?: bigint; days?: number; fromSubaccount?: Uint8Array }>({
    group: 'node',
    name: 'register',
    summary: 'register a compute node or a smart router (routers need --stake ≥ 100000 and --days ≥ 180)',
    args: [{ name: 'NODE_ID', help: 'the node’s network id (libp2p peer id: 1–64 of A-Z a-z 0-9)' }],
    flags: [
        { name: 'type', value: 'compute|router', help: 'the node type (default: compute); validators use `emc validator apply`' },
        { name: 'stake', value: 'AMOUNT', help: 'EMC to stake (approved and pulled from your account)' },
        { name: 'days', value: 'N', help: 'lock days (compute: 7, 30, 90 or 180; router: ≥ 180)' },
        WALLET,
        FROM_SUBACCOUNT,
    ],
    update: true,
    input(p) {
        const type = flag(p, 'type') ?? 'compute';
        if (type !== 'compute' && type !== 'router') return badInput(`--type '${type}' must be compute or router (validators apply with \`emc validator apply\`)`);
        const r = all(nodeIdArg(p.positional[0] ?? ''), optional(flag(p, 'wallet'), parseAccount), optional(flag(p, 'stake'), (t) => amountArg(t, '--stake')), optional(flag(p, 'days'), (t) => daysArg(t)), optional(flag(p, 'from-subaccount'), parseSubaccount));
        if (!r.ok) return r;
        const [nodeId, wallet, stake, days, fromSubaccount] = r.value;
        if ((stake === undefined) !== (days === undefined)) return badInput('--stake and --days go together');
        if (type === 'router' && stake === undefined) return badInput('a router needs --stake AMOUNT --days N');
        return ok({ nodeId, type, wallet, stake, days, fromSubaccount });
    },
    async run(c, i) {
        const r = await c.protocol.registerNode({ nodeId: i.nodeId, type: i.type, wallet: i.wallet, stake: i.stake === undefined ? undefined : { amount: i.stake, lockDays: i.days as number, fromSubaccount: i.fromSubaccount } });
        return mapResult(r, (n) => ({ json: jsonNode(n), human: `registered ${n.type} ${n.nodeId}: ${n.status}\n${nodeTable(n)}` }));
    },
});

const nodeStake = command<{ nodeId: string; amount: bigint; days: number; fromSubaccount?: Uint8Array }>({
    group: 'node',
    name: 'stake',
    summary: 'stake a registered compute node (7, 30, 90 or 180 days)',
    args: [
        { name: 'NODE_ID', help: 'your compute node' },
        { name: 'AMOUNT', help: 'EMC to stake' },
    ],
    flags: [{ name: 'days', value: 'N', help: 'lock days: 7, 30, 90 or 180' }, FROM_SUBACCOUNT],
    update: true,
    input: (p) => mapResult(all(nodeIdArg(p.positional[0] ?? ''), amountArg(p.positional[1], 'AMOUNT'), daysArg(flag(p, 'days')), optional(flag(p, 'from-subaccount'), parseSubaccount)), ([nodeId, amount, days, fromSubaccount]) => ({ nodeId, amount, days, fromSubaccount })),
    async run(c, i) {
        const r = await c.protocol.stakeCompute({ nodeId: i.nodeId, amount: i.amount, lockDays: i.days, fromSubaccount: i.fromSubaccount });
        return mapResult(r, (n) => ({ json: jsonNode(n), human: `staked ${emc(i.amount)} on ${n.nodeId} for ${i.days} days\n${nodeTable(n)}` }));
    },
});

const nodeTopUp = command<{ nodeId: string; amount: bigint; fromSubaccount?: Uint8Array }>({
    group: 'node',
    name: 'top-up',
    summary: 'add EMC to a node’s running stake',
    args: [
        { name: 'NODE_ID', help: 'your node' },
        { name: 'AMOUNT', help: 'EMC to add' },
    ],
    flags: [FROM_SUBACCOUNT],
    update: true,
    input: (p) => mapResult(all(nodeIdArg(p.positional[0] ?? ''), amountArg(p.positional[1], 'AMOUNT'), optional(flag(p, 'from-subaccount'), parseSubaccount)), ([nodeId, amount, fromSubaccount]) => ({ nodeId, amount, fromSubaccount })),
    async run(c, i) {
        const r = await c.protocol.topUp({ nodeId: i.nodeId, amount: i.amount, fromSubaccount: i.fromSubaccount });
        return mapResult(r, (n) => ({ json: jsonNode(n), human: `added ${emc(i.amount)} to ${n.nodeId}\n${nodeTable(n)}` }));
    },
});

const nodeRenew = command<{ nodeId: string; days: number; topUp?: bigint; fromSubaccount?: Uint8Array }>({
    group: 'node',
    name: 'renew',
    summary: 'extend a validator’s or router’s term before it ends',
    args: [{ name: 'NODE_ID', help: 'your validator or router' }],
    flags: [{ name: 'days', value: 'N', help: 'days to add (validator ≥ 180, once; router ≥ 90)' }, { name: 'top-up', value: 'AMOUNT', help: 'EMC to add to the stake at the same time' }, FROM_SUBACCOUNT],
    update: true,
    input: (p) =>
        mapResult(all(nodeIdArg(p.positional[0] ?? ''), daysArg(flag(p, 'days')), optional(flag(p, 'top-up'), (t) => amountArg(t, '--top-up')), optional(flag(p, 'from-subaccount'), parseSubaccount)), ([nodeId, days, topUp, fromSubaccount]) => ({ nodeId, days, topUp, fromSubaccount })),
    async run(c, i) {
        const r = await c.protocol.renew({ nodeId: i.nodeId, days: i.days, topUp: i.topUp, fromSubaccount: i.fromSubaccount });
        return mapResult(r, (n) => ({ json: jsonNode(n), human: `renewed ${n.nodeId} by ${i.days} days\n${nodeTable(n)}` }));
    },
});

const nodeStatus = command<{ nodeId: string }>({
    group: 'node',
    name: 'status',
    summary: 'a node: type, status, stake and term, E-value, rewards',
    args: [{ name: 'NODE_ID', help: 'any node' }],
    flags: [],
    update: false,
    input: (p) => mapResult(nodeIdArg(p.positional[0] ?? ''), (nodeId) => ({ nodeId })),
    async run(c, i) {
        const r = await c.protocol.nodeStatus(i.nodeId);
        return mapResult(r, (n) => ({ json: jsonNode(n), human: nodeTable(n) }));
    },
});

const nodeList = command<{ types: NodeType[]; status: NodeStatus; limit: number }>({
    group: 'node',
    name: 'list',
    summary: 'nodes of a type and status (default: every type, active)',
    args: [],
    flags: [
        { name: 'type', value: 'TYPE', help: `${NODE_TYPES.join('|')} (default: all three)` },
        { name: 'status', value: 'STATUS', help: `${NODE_STATUSES.join('|')} (default: active)` },
        { name: 'limit', value: 'N', help: 'at most N per type (default 100)' },
    ],
    update: false,
    input(p) {
        const t = flag(p, 'type');
        const s = flag(p, 'status') ?? 'active';
        if (t !== undefined && !(NODE_TYPES as readonly string[]).includes(t)) return badInput(`--type '${t}' is not one of ${NODE_TYPES.join(', ')}`);
        if (!(NODE_STATUSES as readonly string[]).includes(s)) return badInput(`--status '${s}' is not one of ${NODE_STATUSES.join(', ')}`);
        const l = flag(p, 'limit') ?? '100';
        if (!/^\d{1,4}$/.test(l) || Number(l) < 1) return badInput(`--limit '${l}' is not a number from 1 to 9999`);
        return ok({ types: t === undefined ? [...NODE_TYPES] : [t as NodeType], status: s as NodeStatus, limit: Number(l) });
    },
    async run(c, i) {
        const nodes = [];
        let total = 0n;
        for (const type of i.types) {
            const r = await c.protocol.listNodes({ type, status: i.status, limit: i.limit });
            if (!r.ok) return r;
            nodes.push(...r.value.nodes);
            total += r.value.total;
        }
        return ok({ json: { nodes: nodes.map(jsonNode), total }, human: nodes.length === 0 ? `no ${i.status} nodes` : `${nodeRows(nodes)}\n${nodes.length} of ${total}` });
    },
});

const nodeClaim = command<{ nodeId: string }>({
    group: 'node',
    name: 'claim',
    summary: 'mint a node’s claimable rewards to its wallet (operator or wallet owner)',
    args: [{ name: 'NODE_ID', help: 'the node' }],
    flags: [],
    update: true,
    input: (p) => mapResult(nodeIdArg(p.positional[0] ?? ''), (nodeId) => ({ nodeId })),
    async run(c, i) {
        const r = await c.protocol.claimRewards(i.nodeId);
        return mapResult(r, (cl) => ({ json: { node_id: cl.nodeId, amount: cl.amount, wallet: formatAccount(cl.wallet) }, human: `claimed ${emc(cl.amount)} for ${cl.nodeId} to ${formatAccount(cl.wallet)}` }));
    },
});

const nodeRetry = command<{ nodeId: string }>({
    group: 'node',
    name: 'retry',
    summary: 'retry a node’s pending stake movement (same idempotency key: it moves at most once)',
    args: [{ name: 'NODE_ID', help: 'the node' }],
    flags: [],
    update: true,
    input: (p) => mapResult(nodeIdArg(p.positional[0] ?? ''), (nodeId) => ({ nodeId })),
    async run(c, i) {
        const r = await c.protocol.retryOperation(i.nodeId);
        return mapResult(r, (n) => ({ json: jsonNode(n), human: `${n.nodeId}: ${n.pendingOperation === undefined ? 'nothing pending' : `${n.pendingOperation} still pending`}\n${nodeTable(n)}` }));
    },
});

// ----- validator --------------------------------------------------------------------------

const validatorApply = command<{ nodeId: string; stake: bigint; days: number; wallet?: Account; fromSubaccount?: Uint8Array }>({
    group: 'validator',
    name: 'apply',
    summary: 'apply as a validator candidate, staking ≥ 1,000,000 EMC for ≥ 360 days (governance admits)',
    args: [{ name: 'NODE_ID', help: 'the validator’s network id' }],
    flags: [{ name: 'stake', value: 'AMOUNT', help: 'EMC to stake (default 1000000)' }, { name: 'days', value: 'N', help: 'lock days (default 360)' }, WALLET, FROM_SUBACCOUNT],
    update: true,
    input: (p) =>
        mapResult(
            all(nodeIdArg(p.positional[0] ?? ''), amountArg(flag(p, 'stake') ?? '1000000', '--stake'), daysArg(flag(p, 'days') ?? '360'), optional(flag(p, 'wallet'), parseAccount), optional(flag(p, 'from-subaccount'), parseSubaccount)),
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

function payloadOf(p: Parsed): Result<BatchPayload> {
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

function pocOf(node: string, operator: string, ms: string): Result<BatchPayload['poc_results'][number]> {
    const r = all(nodeIdArg(node), parsePrincipal(operator, 'operator'));
    if (!r.ok) return r;
    if (!/^\d{1,10}$/.test(ms) || Number(ms) < 1 || Number(ms) > 0xffffffff) return badInput(`PoC time '${ms}' is not a whole number of milliseconds`);
    return ok({ node_id: r.value[0], operator: r.value[1], poc_ms: Number(ms) });
}

function collect(pr: Result<BatchPayload['poc_results'][number]>[], ob: Result<BatchPayload['observations'][number]>[]): Result<BatchPayload> {
    for (const r of [...pr, ...ob]) if (!r.ok) return r as Result<never>;
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

// ----- general ----------------------------------------------------------------------------

const whoami = command<Record<string, never>>({
    group: '',
    name: 'whoami',
    summary: 'your principal, the network and its canisters',
    args: [],
    flags: [],
    update: false,
    input: () => ok({}),
    async run(c) {
        return ok({
            json: { principal: c.principal, network: c.network, ledger: c.ledger.canisterId, protocol: c.protocol.canisterId, state: c.embedded?.dir },
            human: keyValues([['principal', c.principal.toText()], ['network', c.network], ['state', c.embedded?.dir], ['emc_ledger', c.ledger.canisterId.toText()], ['emc_protocol', c.protocol.canisterId.toText()]]),
        });
    },
});

const info = command<Record<string, never>>({
    group: '',
    name: 'info',
    summary: 'the protocol: governance, treasury, validators, this epoch’s rewards',
    args: [],
    flags: [],
    update: false,
    input: () => ok({}),
    async run(c) {
        const i = await c.protocol.protocolInfo();
        if (!i.ok) return i;
        const s = await c.protocol.rewardsSummary();
        if (!s.ok) return s;
        return ok({
            json: { ...i.value, treasury: formatAccount(i.value.treasury), rewards: s.value },
            human: keyValues([
                ['governance', i.value.governance.toText()],
                ['ledger', i.value.ledger.toText()],
                ['treasury', formatAccount(i.value.treasury)],
                ['ledger fee', emc(i.value.ledgerFee)],
                ['validators', String(i.value.validators)],
                ['epoch', `${s.value.epoch} (${time(s.value.epochStart)} → ${time(s.value.epochEnd)})`],
                ['emitted', emc(s.value.emitted)],
                ['claimed', emc(s.value.claimed)],
                ['unallocated', emc(s.value.unallocated)],
                ['ΣE', eValue(s.value.totalE)],
                ['eligible nodes', s.value.eligible.toString()],
            ]),
        });
    },
});

export const COMMANDS: Command[] = [
    ledgerBalance,
    ledgerTransfer,
    ledgerApprove,
    ledgerAllowance,
    ledgerInfo,
    nodeRegister,
    nodeStake,
    nodeTopUp,
    nodeRenew,
    nodeStatus,
    nodeList,
    nodeClaim,
    nodeRetry,
    validatorApply,
    validatorWithdraw,
    validatorPropose,
    validatorVote,
    validatorSet,
    whoami,
    info,
];

export const GROUPS: Record<string, string> = {
    ledger: 'the $EMC ledger: balances, transfers, approvals',
    node: 'compute nodes and smart routers: register, stake, renew, status, claim',
    validator: 'validators: apply, withdraw, propose and vote on state-bit batches',
};

