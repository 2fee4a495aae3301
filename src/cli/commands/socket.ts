/**
 * `emc socket`: the compute sockets (spec §12) — every market order an ICRC-7 NFT with ICRC-37
 * approvals. List the sockets of an account (or the collection), show one, transfer it (the
 * remaining entitlement moves: the new holder closes the order and receives its refund), approve a
 * spender for one socket or for every socket held at transfer time, revoke approvals. Every input
 * is checked before any call (ids, accounts, 32-byte subaccounts, memos of at most 32 bytes,
 * expiry); a transfer first checks that the caller holds the socket and that it is not closing.
 */
import { formatAccount, parseAccount, parseSubaccount } from '../../client/account';
import { emc, utc } from '../../client/format/display';
import { refused } from '../../client/precheck';
import { badInput, fail, mapResult, ok, type ClientResult } from '../../client/result';
import { SocketsClient, socketInputProblem } from '../../client/sockets';
import type { IcrcAccount } from '../../client/types/account';
import type { Socket } from '../../client/types/sockets';
import type { Connection } from '../../client/network';
import { flag, type Parsed } from './args';
import { command, type Command } from './command';
import { all, durationNs, FROM_SUBACCOUNT, idArg, MEMO, memoArg, optional } from './inputs';

const sockets = (c: Connection) => SocketsClient.create({ agent: c.protocol.agent, canisterId: c.protocol.canisterId, now: () => c.now() });
const subaccountArg = (p: Parsed, name: string): ClientResult<Uint8Array | undefined> => optional(flag(p, name), (t) => parseSubaccount(t));
const checked = <T>(r: ClientResult<T>, problem: string | undefined): ClientResult<T> => (problem !== undefined ? badInput(problem) : r);

const socketLine = (s: Socket) =>
    `socket ${s.id}  ${s.status}  ${formatAccount(s.owner)}  ${s.service} on ${s.nodeId} (offer ${s.offer})  ${s.unitsConfirmed}/${s.unitsBought} ${s.unit}s confirmed at ${emc(s.price)}  escrow ${emc(s.escrow)}  expires ${utc(s.expiresAt)}`;

const socketList = command<{ account?: IcrcAccount; all: boolean; prev?: bigint; take: bigint }>({
    group: 'socket',
    name: 'list',
    summary: 'the sockets of an account (default: the caller), or every socket with --all',
    args: [{ name: 'ACCOUNT', help: 'whose sockets (principal or ICRC-1 account text)', optional: true }],
    flags: [
        { name: 'all', help: 'every socket of the collection' },
        { name: 'after', value: 'ID', help: 'start after this socket id (pagination: the last id of the previous page)' },
        { name: 'take', value: 'N', help: 'how many (default 100, at most 500)' },
    ],
    update: false,
    input(p) {
        const take = flag(p, 'take') ?? '100';
        if (!/^\d{1,3}$/.test(take) || Number(take) < 1 || Number(take) > 500) return badInput(`--take '${take}' is not a number from 1 to 500`);
        return mapResult(all(optional(p.positional[0], parseAccount), optional(flag(p, 'after'), (t) => idArg(t, '--after'))), ([account, prev]) => ({ account, all: p.switches.has('all'), prev, take: BigInt(take) }));
    },
    async run(c, i) {
        const s = sockets(c);
        const ids = i.all ? await s.tokens(i.prev, i.take) : await s.tokensOf(i.account ?? { owner: c.principal }, i.prev, i.take);
        if (!ids.ok) return ids;
        const shown: Socket[] = [];
        for (const id of ids.value) {
            const one = await s.socket(id);
            if (!one.ok) return one;
            if (one.value !== undefined) shown.push(one.value);
        }
        return ok({ json: shown, human: shown.length === 0 ? 'no sockets' : shown.map(socketLine).join('\n') });
    },
});

const socketShow = command<{ id: bigint }>({
    group: 'socket',
    name: 'show',
    summary: 'one socket: its holder, its order’s figures, its token-level approvals',
    args: [{ name: 'ID', help: 'the socket id (= the order id)' }],
    flags: [],
    update: false,
    input: (p) => mapResult(idArg(p.positional[0] ?? '', 'ID'), (id) => ({ id })),
    async run(c, i) {
        const s = sockets(c);
        const one = await s.socket(i.id);
        if (!one.ok) return one;
        if (one.value === undefined) return fail('NonExistingTokenId', `no socket ${i.id} (never minted, or its order is closed and settled)`);
        const approvals = await s.tokenApprovals(i.id);
        if (!approvals.ok) return approvals;
        const lines = approvals.value.map((a) => `  approved: ${formatAccount(a.spender)}${a.expiresAt !== undefined ? ` until ${utc(a.expiresAt)}` : ''}`);
        return ok({ json: { ...one.value, approvals: approvals.value }, human: [socketLine(one.value), ...lines].join('\n') });
    },
});

const socketTransfer = command<{ id: bigint; to: IcrcAccount; fromSubaccount?: Uint8Array; memo?: Uint8Array }>({
    group: 'socket',
    name: 'transfer',
    summary: 'give or sell a socket: its remaining entitlement (refund, disputes) moves to the recipient; buyer rewards stay with the payer',
    args: [{ name: 'ID', help: 'the socket id' }, { name: 'TO', help: 'the recipient account' }],
    flags: [FROM_SUBACCOUNT, ...MEMO],
    update: true,
    notes: 'Deduplicated for 24 h: repeating the same command after an unknown outcome cannot move the socket twice.',
    input(p) {
        return mapResult(all(idArg(p.positional[0] ?? '', 'ID'), p.positional[1] === undefined ? badInput('TO is missing') : parseAccount(p.positional[1]), subaccountArg(p, 'from-subaccount'), memoArg(p)), ([id, to, fromSubaccount, memo]) => ({ id, to, fromSubaccount, memo }));
    },
    async run(c, i, say) {
        const bad = socketInputProblem({ tokenId: i.id, accounts: [i.to], subaccounts: [i.fromSubaccount], memo: i.memo });
        if (bad !== undefined) return badInput(bad);
        const s = sockets(c);
        const one = await s.socket(i.id);
        if (!one.ok) return one;
        if (one.value === undefined) return { ok: false, error: refused('NonExistingTokenId', `no socket ${i.id}`) };
        const me = formatAccount({ owner: c.principal, subaccount: i.fromSubaccount });
        if (formatAccount(one.value.owner) !== me) return { ok: false, error: refused('Unauthorized', `socket ${i.id} is held by ${formatAccount(one.value.owner)}, not ${me}`) };
        if (one.value.status === 'closing') return { ok: false, error: refused('OrderClosing', `order ${i.id} is closing (its refund is on its way to the holder)`) };
        say(`checked: you hold socket ${i.id}; sending it to ${formatAccount(i.to)}`);
        return mapResult(await s.transfer({ tokenId: i.id, to: i.to, fromSubaccount: i.fromSubaccount, memo: i.memo }), (block) => ({ json: { block }, human: `socket ${i.id} → ${formatAccount(i.to)} (block ${block})` }));
    },
});

const socketApprove = command<{ id?: bigint; spender: IcrcAccount; expiresIn?: bigint; fromSubaccount?: Uint8Array; memo?: Uint8Array }>({
    group: 'socket',
    name: 'approve',
    summary: 'let SPENDER transfer one socket (ID), or with --collection every socket you hold on that subaccount at transfer time',
    args: [{ name: 'SPENDER', help: 'the spender account (e.g. a marketplace)' }, { name: 'ID', help: 'the socket id (omit with --collection)', optional: true }],
    flags: [{ name: 'collection', help: 'a collection-level approval' }, { name: 'expires-in', value: 'DURATION', help: 'e.g. 30m, 12h, 7d (default: no expiry)' }, FROM_SUBACCOUNT, ...MEMO],
    update: true,
    input(p) {
        const coll = p.switches.has('collection');
        if (coll && p.positional[1] !== undefined) return badInput('give ID or --collection, not both');
        if (!coll && p.positional[1] === undefined) return badInput('ID is missing (or use --collection)');
        return mapResult(
            all(p.positional[0] === undefined ? badInput('SPENDER is missing') : parseAccount(p.positional[0]), coll ? ok(undefined) : idArg(p.positional[1] as string, 'ID'), optional(flag(p, 'expires-in'), durationNs), subaccountArg(p, 'from-subaccount'), memoArg(p)),
            ([spender, id, expiresIn, fromSubaccount, memo]) => ({ id, spender, expiresIn, fromSubaccount, memo }),
        );
    },
    async run(c, i) {
        const r = checked(ok(undefined), socketInputProblem({ tokenId: i.id, accounts: [i.spender], subaccounts: [i.fromSubaccount], memo: i.memo }));
        if (!r.ok) return r;
        if (i.spender.owner.toText() === c.principal.toText()) return badInput('you cannot approve yourself (a holder may always move its own sockets)');
        const out = await sockets(c).approve({ tokenId: i.id, spender: i.spender, fromSubaccount: i.fromSubaccount, memo: i.memo, expiresAt: i.expiresIn === undefined ? undefined : c.now() + i.expiresIn });
        return mapResult(out, (block) => ({ json: { block: i.id === undefined ? undefined : block }, human: `approved ${formatAccount(i.spender)} for ${i.id === undefined ? 'every socket you hold' : `socket ${i.id}`}` }));
    },
});

const socketRevoke = command<{ id?: bigint; spender?: IcrcAccount; fromSubaccount?: Uint8Array; memo?: Uint8Array }>({
    group: 'socket',
    name: 'revoke',
    summary: 'revoke approvals: of one socket (ID) or collection-level (--collection); of one spender (--spender) or all',
    args: [{ name: 'ID', help: 'the socket id (omit with --collection)', optional: true }],
    flags: [{ name: 'collection', help: 'revoke collection-level approvals' }, { name: 'spender', value: 'ACCOUNT', help: 'only this spender (default: every spender)' }, FROM_SUBACCOUNT, ...MEMO],
    update: true,
    input(p) {
        const coll = p.switches.has('collection');
        if (coll && p.positional[0] !== undefined) return badInput('give ID or --collection, not both');
        if (!coll && p.positional[0] === undefined) return badInput('ID is missing (or use --collection)');
        return mapResult(all(coll ? ok(undefined) : idArg(p.positional[0] as string, 'ID'), optional(flag(p, 'spender'), parseAccount), subaccountArg(p, 'from-subaccount'), memoArg(p)), ([id, spender, fromSubaccount, memo]) => ({ id, spender, fromSubaccount, memo }));
    },
    async run(c, i) {
        const bad = socketInputProblem({ tokenId: i.id, accounts: [i.spender], subaccounts: [i.fromSubaccount], memo: i.memo });
        if (bad !== undefined) return badInput(bad);
        return mapResult(await sockets(c).revoke({ tokenId: i.id, spender: i.spender, fromSubaccount: i.fromSubaccount, memo: i.memo, createdAtTime: c.now() }), (block) => ({
            json: { block },
            human: `revoked ${i.spender === undefined ? 'every' : formatAccount(i.spender) + "'s"} approval of ${i.id === undefined ? 'the collection' : `socket ${i.id}`} (block ${block})`,
        }));
    },
});

export const SOCKET_COMMANDS: Command[] = [socketList, socketShow, socketTransfer, socketApprove, socketRevoke];
