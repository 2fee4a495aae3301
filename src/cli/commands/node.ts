/** `emc node`: register, stake, top up, renew, status, list, claim, retry, and the penalty log. */
import { formatAccount, parseAccount, parseSubaccount } from '../../client/account';
import type { IcrcAccount } from '../../client/types/account';
import { NODE_STATUSES, NODE_TYPES, type Node, type NodeStatus, type NodeType } from '../../client/types/protocol';
import { badInput, fail, mapResult, ok } from '../../client/result';
import { emc } from '../../client/format/display';
import { flag } from './args';
import { jsonNode, keyValues, nodeRows, nodeTable, penaltiesText } from './format';
import { command, type Command } from './command';
import { amountArg, daysArg, nodeIdArg, optional, all, STAKE_NOTES, FROM_SUBACCOUNT, WALLET, rangeArgs, pages, RANGE } from './inputs';

const nodeRegister = command<{ nodeId: string; type: NodeType; wallet?: IcrcAccount; stake?: bigint; days?: number; fromSubaccount?: Uint8Array }>({
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

export const NODE_COMMANDS: Command[] = [nodeRegister, nodeStake, nodeTopUp, nodeRenew, nodeStatus, nodeList, nodeClaim, nodeRetry, nodePenalties];
