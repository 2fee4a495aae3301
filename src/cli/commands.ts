/**
 * The `emc` commands. Each one parses and checks its input first (`input`: nothing is sent when it
 * is malformed), then runs against a connection (`run`) and answers a value for `--json` and a
 * human-readable text.
 */
import { readFileSync } from 'node:fs';
import { formatAccount, parseAccount, parsePrincipal, parseSubaccount } from '../client/account';
import type { Account } from '../client/types/account';
import type { Connection } from '../client/network';
import type { Principal } from '@dfinity/principal';
import { NODE_STATUSES, NODE_TYPES, type Node, type NodeStatus, type NodeType, type Vote } from '../client/types/protocol';
import type { ComputeMultiplier, ParamsUpdate } from '../client/types/governance';
import { badInput, fail, mapResult, ok, type Result } from '../client/result';
import { emc, parseAmount } from '../client/amount';
import type { BatchPayload } from '../protocol/batches/batches';
import { nodeIdProblem } from '../protocol/nodes/record';
import { flag, flags, type ArgSpec, type FlagSpec, type Parsed } from './args';
import { account, eValue, governanceLogRows, jsonNode, jsonPayout, keyValues, majority, nodeRows, nodeTable, paramsTable, payoutRows, payoutTable, penaltiesText, time, voteRows, voteTable } from './format';

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
    /** `say` writes a note for a human (stderr; nothing with --json), e.g. what was validated before a refused call. */
    run(c: Connection, input: I, say: (line: string) => void): Promise<Result<Output>>;
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

const STAKE_NOTES = `Before approving anything, the command checks what the protocol will check, with its current
parameters (emc gov params): the node type and status, the minimum stake and term, the compute lock
periods, the renewal rules, a top-up above 0, the pause, and that your balance covers the stake and
two ledger fees. A refusal names the protocol's rule, sends nothing and costs nothing (exit 2).`;

const FROM_SUBACCOUNT: FlagSpec = { name: 'from-subaccount', value: 'HEX', help: 'pay from this subaccount of the caller (up to 64 hex digits)' };
const WALLET: FlagSpec = { name: 'wallet', value: 'ACCOUNT', help: 'where rewards are minted (default: the caller)' };
const MEMO: FlagSpec[] = [
    { name: 'memo', value: 'TEXT', help: 'a memo (UTF-8, at most 32 bytes)' },
    { name: 'memo-hex', value: 'HEX', help: 'a memo as hex bytes' },
];

// ----- ledger -----------------------------------------------------------------------------

/** The ledger's largest allowance (its balances are u64 e8s). */
const U64_MAX = 2n ** 64n - 1n;

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
    flags: [...MEMO, FROM_SUBACCOUNT, { name: 'allow-zero', help: 'send 0 EMC anyway (it moves nothing and still costs the fee; e.g. to record a memo)' }],
    update: true,
    input(p) {
        const r = all(parseAccount(p.positional[0] ?? ''), amountArg(p.positional[1], 'AMOUNT'), memoArg(p), optional(flag(p, 'from-subaccount'), parseSubaccount));
        if (!r.ok) return r;
        const [to, amount, memo, fromSubaccount] = r.value;
        if (amount === 0n && !p.switches.has('allow-zero')) return badInput('AMOUNT is 0: a transfer of 0 EMC moves nothing and still costs the ledger fee; give --allow-zero if that is what you want');
        return ok({ to, amount, memo, fromSubaccount });
    },
    async run(c, i) {
        const r = await c.ledger.transfer({ to: i.to, amount: i.amount, memo: i.memo, fromSubaccount: i.fromSubaccount, allowZero: true });
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
        const now = c.now();
        const expiresAt = i.expiresIn === undefined ? undefined : now + i.expiresIn;
        const r = await c.ledger.approve({ spender: i.spender, amount: i.amount, expiresAt, expectedAllowance: i.expected, memo: i.memo, fromSubaccount: i.fromSubaccount });
        if (!r.ok) return r;
        const t = r.value;
        // What the ledger recorded (it caps an allowance at 2^64 − 1 e8s), not what was asked for.
        const recorded = await c.ledger.allowance({ spender: i.spender, account: { owner: c.principal, subaccount: i.fromSubaccount } });
        if (!recorded.ok) {
            return ok({
                json: { spender: formatAccount(i.spender), requested: i.amount, amount: null, expires_at: expiresAt, block_index: t.blockIndex, duplicate: t.duplicate },
                human: `approved ${formatAccount(i.spender)} (block ${t.blockIndex}); the recorded allowance could not be read (${recorded.error.message}): check it with emc ledger allowance`,
            });
        }
        const a = recorded.value.allowance;
        const capped = a !== i.amount ? ` (requested ${emc(i.amount)}; the ledger recorded ${a < i.amount && a === U64_MAX ? 'its cap, 2^64 − 1 e8s' : 'this'})` : '';
        return ok({
            json: { spender: formatAccount(i.spender), amount: a, requested: i.amount, expires_at: recorded.value.expiresAt ?? expiresAt, block_index: t.blockIndex, duplicate: t.duplicate },
            human: `approved ${formatAccount(i.spender)} for ${emc(a)}${capped}${expiresAt === undefined ? '' : ` until ${time(expiresAt)}`} (block ${t.blockIndex}${t.duplicate ? ', already done before' : ''})`,
        });
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
    summary: 'register a compute node or a smart router (routers need a --stake and --days of at least the protocol’s minimums)',
    args: [{ name: 'NODE_ID', help: 'the node’s network id (libp2p peer id: 1–64 of A-Z a-z 0-9)' }],
    flags: [
        { name: 'type', value: 'compute|router', help: 'the node type (default: compute); validators use `emc validator apply`' },
        { name: 'stake', value: 'AMOUNT', help: 'EMC to stake (approved and pulled from your account)' },
        { name: 'days', value: 'N', help: 'lock days (compute: one of the protocol’s lock periods; router: at least its minimum term)' },
        WALLET,
        FROM_SUBACCOUNT,
    ],
    update: true,
    notes: STAKE_NOTES,
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
    summary: 'stake a registered compute node (for one of the protocol’s lock periods, e.g. 7, 30, 90 or 180 days)',
    args: [
        { name: 'NODE_ID', help: 'your compute node' },
        { name: 'AMOUNT', help: 'EMC to stake' },
    ],
    flags: [{ name: 'days', value: 'N', help: 'lock days: one of the compute multipliers’ periods (emc gov params)' }, FROM_SUBACCOUNT],
    update: true,
    notes: STAKE_NOTES,
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
        { name: 'AMOUNT', help: 'EMC to add (more than 0)' },
    ],
    flags: [FROM_SUBACCOUNT],
    update: true,
    notes: STAKE_NOTES,
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
    flags: [{ name: 'days', value: 'N', help: 'days to add (at least the protocol’s renewal minimum for the node’s type; validators renew a limited number of times)' }, { name: 'top-up', value: 'AMOUNT', help: 'EMC to add to the stake at the same time' }, FROM_SUBACCOUNT],
    update: true,
    notes: STAKE_NOTES,
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

const validatorApply = command<{ nodeId: string; stake?: bigint; days?: number; wallet?: Account; fromSubaccount?: Uint8Array }>({
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

// ----- node penalties ---------------------------------------------------------------------

function countArg(text: string | undefined, what: string, dflt: number, max: number): Result<number> {
    const t = text ?? String(dflt);
    if (!/^\d{1,6}$/.test(t) || Number(t) < 1 || Number(t) > max) return badInput(`${what} '${t}' is not a number from 1 to ${max}`);
    return ok(Number(t));
}

/** A vote, payout or log id: a whole number below 2^64. */
function idArg(text: string, what: string): Result<bigint> {
    if (!/^\d{1,20}$/.test(text) || BigInt(text) >= 2n ** 64n) return badInput(`${what} '${text}' is not a whole number below 2^64`);
    return ok(BigInt(text));
}

const RANGE: FlagSpec[] = [
    { name: 'start', value: 'N', help: 'the first sequence number (default: the latest --count records)' },
    { name: 'count', value: 'N', help: 'how many (default 100, at most 1000)' },
];

function rangeArgs(p: Parsed): Result<{ start?: bigint; count: number }> {
    return mapResult(all(optional(flag(p, 'start'), (t) => idArg(t, '--start')), countArg(flag(p, 'count'), '--count', 100, 1000)), ([start, count]) => ({ start, count }));
}

/** Reads `count` items from `start` in pages of 100 (what the canister answers at most per call). */
async function pages<T>(start: bigint, count: number, page: (a: { start: bigint; count: number }) => Promise<Result<T[]>>): Promise<Result<T[]>> {
    const out: T[] = [];
    while (out.length < count) {
        const n = Math.min(100, count - out.length);
        const r = await page({ start: start + BigInt(out.length), count: n });
        if (!r.ok) return r;
        out.push(...r.value);
        if (r.value.length < n) break;
    }
    return ok(out);
}

const nodePenalties = command<{ nodeId?: string; start?: bigint; count: number }>({
    group: 'node',
    name: 'penalties',
    summary: 'the penalty log (liveness charges, impeachments) and its totals; --node for one node',
    args: [],
    flags: [{ name: 'node', value: 'NODE_ID', help: 'only this node’s records, and its penalties moved and due' }, ...RANGE],
    update: false,
    notes: 'Without --start the latest --count records are read; --node filters those records (use --start 0 --count 1000 to search further back).',
    input: (p) => mapResult(all(optional(flag(p, 'node'), nodeIdArg), rangeArgs(p)), ([nodeId, r]) => ({ nodeId, ...r })),
    async run(c, i) {
        const s = await c.protocol.penaltiesSummary();
        if (!s.ok) return s;
        let node: Node | undefined;
        if (i.nodeId !== undefined) {
            const n = await c.protocol.getNode(i.nodeId);
            if (!n.ok) return n;
            if (n.value === undefined) return fail('NodeNotFound', `no node "${i.nodeId}"`);
            node = n.value;
        }
        const start = i.start ?? (s.value.records > BigInt(i.count) ? s.value.records - BigInt(i.count) : 0n);
        const log = await pages(start, i.count, (a) => c.protocol.penaltyLog(a));
        if (!log.ok) return log;
        const records = log.value.filter((r) => i.nodeId === undefined || r.nodeId === i.nodeId);
        const head =
            node === undefined
                ? ''
                : `${keyValues([
                      ['node', node.nodeId],
                      ['moved to the treasury', emc(node.penalized)],
                      ['due', emc(node.penaltyDue)],
                      ['suspended', node.suspended ? 'yes' : 'no'],
                      ['frozen', node.frozen ? 'yes' : 'no'],
                  ])}\n\n`;
        return ok({
            json: { summary: s.value, records, node: node === undefined ? undefined : { nodeId: node.nodeId, penalized: node.penalized, penaltyDue: node.penaltyDue, suspended: node.suspended, frozen: node.frozen } },
            human: `${head}${penaltiesText(s.value, records)}`,
        });
    },
});

// ----- vote: impeachments and key reports --------------------------------------------------

const AS: FlagSpec = { name: 'as', value: 'MY_NODE', help: 'your node that votes (active, of the accused node’s type)' };

function asArg(p: Parsed): Result<string> {
    const t = flag(p, 'as');
    return t === undefined ? badInput('--as MY_NODE is missing (the node of yours that takes part)') : nodeIdArg(t);
}

/** Exactly one of two switches. */
function choice(p: Parsed, yes: string, no: string): Result<boolean> {
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

// ----- gov: governance ---------------------------------------------------------------------

const VALIDATE_ONLY: FlagSpec = { name: 'validate-only', help: 'only run the validate_ check (the text an SNS proposal shows); call nothing' };
const GOV_NOTES =
    'Prints the validation (the text a governance proposal shows), then, unless --validate-only, calls the method as your identity and prints the outcome. Only the governance principal may execute (on a devnet: the genesis owner; on the IC: the SNS, through a proposal). A refused validation exits 1 and changes nothing.';

/**
 * The shape of every governance command: validate, then (unless validate-only) execute. On a refused
 * execution the validation text is said to the human first, then the error is the result.
 */
async function governed<T>(validateOnly: boolean, validate: () => Promise<Result<string>>, execute: () => Promise<Result<T>>, show: (t: T) => { json: unknown; human?: string }, say: (line: string) => void): Promise<Result<Output>> {
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
function secondsArg(text: string, what: string): Result<bigint> {
    if (/^\d{1,12}$/.test(text)) return ok(BigInt(text));
    const d = durationNs(text);
    return d.ok ? ok(d.value / 1_000_000_000n) : badInput(`${what} '${text}' is not a number of seconds or a duration like 30m, 12h, 7d`);
}

function countNat(text: string, what: string): Result<number> {
    if (!/^\d{1,10}$/.test(text) || Number(text) > 0xffffffff) return badInput(`${what} '${text}' is not a whole number`);
    return ok(Number(text));
}

/** `7:1.4,30:2.7` → days and multipliers in tenths. */
function multipliersArg(text: string): Result<ComputeMultiplier[]> {
    const out: ComputeMultiplier[] = [];
    for (const part of text.split(',')) {
        const m = /^(\d{1,5}):(\d{1,3})(?:\.(\d))?$/.exec(part.trim());
        if (m === null) return badInput(`--compute-multipliers: '${part}' is not DAYS:MULTIPLIER (e.g. 30:2.7, one decimal)`);
        out.push({ days: Number(m[1]), multiplierTenths: Number(m[2]) * 10 + Number(m[3] ?? '0') });
    }
    return ok(out);
}

/** update-params' flags: the ParamsUpdate field, its flag, and how the value is read. */
const PARAM_FLAGS: { key: keyof ParamsUpdate; flag: string; value: string; help: string; parse: (t: string, what: string) => Result<unknown> }[] = [
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

const govUpdateParams = command<{ update: ParamsUpdate; validateOnly: boolean }>({
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
        return ok({ update: update as ParamsUpdate, validateOnly: p.switches.has('validate-only') });
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

function reasonArg(p: Parsed): Result<string> {
    const r = flag(p, 'reason');
    return r === undefined || r.trim() === '' ? badInput('--reason TEXT is missing') : ok(r);
}

const REASON: FlagSpec = { name: 'reason', value: 'TEXT', help: 'why (1–1000 characters; recorded with the payout and in the governance log)' };

const govGrant = command<{ to: Account; amount: bigint; reason: string; validateOnly: boolean }>({
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
function airdropFile(file: string): Result<{ to: Account; amount: bigint }[]> {
    let text: string;
    try {
        text = readFileSync(file === '-' ? 0 : file, 'utf8');
    } catch (e) {
        return badInput(`--file ${file}: ${(e as Error).message.split('\n')[0]}`);
    }
    const out: { to: Account; amount: bigint }[] = [];
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

const govAirdrop = command<{ payments: { to: Account; amount: bigint }[]; reason: string; validateOnly: boolean }>({
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
            json: { principal: c.principal, network: c.network, ledger: c.ledger.canisterId, protocol: c.protocol.canisterId, state: c.state },
            human: keyValues([['principal', c.principal.toText()], ['network', c.network], ['state', c.state], ['emc_ledger', c.ledger.canisterId.toText()], ['emc_protocol', c.protocol.canisterId.toText()]]),
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
                ['paused', i.value.paused],
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
    nodePenalties,
    validatorApply,
    validatorWithdraw,
    validatorPropose,
    validatorVote,
    validatorSet,
    voteImpeach,
    voteCast,
    voteReportKey,
    voteAnswer,
    voteShow,
    voteList,
    govParams,
    govLog,
    govSetGovernance,
    govUpdateParams,
    govAdmit,
    govGrant,
    govAirdrop,
    govPause,
    govResume,
    govPayout,
    whoami,
    info,
];

export const GROUPS: Record<string, string> = {
    ledger: 'the $EMC ledger: balances, transfers, approvals',
    node: 'compute nodes and smart routers: register, stake, renew, status, claim',
    validator: 'validators: apply, withdraw, propose and vote on state-bit batches',
    vote: 'peer votes: impeach a node of your type, report a validator key compromised, vote and answer',
    gov: 'governance: parameters, admissions, treasury grants and airdrops, pause/resume, the change log',
};

