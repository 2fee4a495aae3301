/**
 * The compute sockets (spec §12): every market order an ICRC-7 NFT with ICRC-37 approvals, hosted
 * by the protocol canister. Laid out as ic-js canister classes: `SocketsClient.create({ agent,
 * canisterId })`, thin methods over the standards' endpoints, converters (converters/sockets.ts),
 * errors (errors/sockets.ts). Every input is checked before any call (32-byte subaccounts, memos of
 * at most 32 bytes, natural token ids, a recipient that is not the sender): a refused input sends
 * nothing. A batch item's error becomes `{ ok: false, error: { kind: the variant, message } }`.
 * Storage: none. Cost: one query or update per method; `socket` two queries; `allTokensOf` one per page.
 */
import type { ValueOf } from '../lib/candid/candid';
import type * as SK from '../protocol/api/sockets-candid';
import { PROTOCOL_METHODS, protocolServiceIdl } from '../protocol/api/interface';
import { CanisterClient, type ClientOptions } from './canister';
import { fromCandidAccount, toCandidAccount } from './converters/account';
import { opt } from './converters/candid';
import { approvalInfoIn, approvalInfoOut, socketOf } from './converters/sockets';
import { describeSocketError } from './errors/sockets';
import { badInput, fail, ok, type ClientResult } from './result';
import type { IcrcAccount } from './types/account';
import type { Socket, SocketApproval, SocketApproveParams, SocketCollection, SocketRevokeParams, SocketTransferFromParams, SocketTransferParams, SocketValue } from './types/sockets';

/** The collection's limits (icrc7:max_memo_size, icrc7:max_take_value). */
export const SOCKET_MAX_MEMO = 32;
export const SOCKET_MAX_TAKE = 500;

type Item = [] | [{ Ok: bigint } | { Err: Record<string, unknown> }];

/** Why an input is refused before any call, or undefined. */
export function socketInputProblem(p: { tokenId?: bigint; accounts?: (IcrcAccount | undefined)[]; subaccounts?: (Uint8Array | undefined)[]; memo?: Uint8Array }): string | undefined {
    if (p.tokenId !== undefined && (typeof p.tokenId !== 'bigint' || p.tokenId < 0n)) return 'a socket id is a natural number';
    if (p.memo !== undefined && p.memo.length > SOCKET_MAX_MEMO) return `the memo is ${p.memo.length} bytes; at most ${SOCKET_MAX_MEMO}`;
    for (const s of [...(p.subaccounts ?? []), ...(p.accounts ?? []).map((a) => a?.subaccount)]) if (s !== undefined && s.length !== 32) return `a subaccount is 32 bytes, got ${s.length}`;
    return undefined;
}

const sameAccount = (a: IcrcAccount, b: IcrcAccount) => {
    const z = (s?: Uint8Array) => (s === undefined || s.every((x) => x === 0) ? '' : Array.from(s, (x) => x.toString(16).padStart(2, '0')).join(''));
    return a.owner.toText() === b.owner.toText() && z(a.subaccount) === z(b.subaccount);
};

export class SocketsClient extends CanisterClient<typeof PROTOCOL_METHODS> {
    /** ic-js style: `SocketsClient.create({ agent, canisterId })`. */
    static create(opts: ClientOptions): SocketsClient {
        return new SocketsClient(opts);
    }

    constructor(opts: ClientOptions) {
        super(PROTOCOL_METHODS, protocolServiceIdl, opts);
    }

    /** One batch item's answer as a result (the block index, or the standard's error case). */
    private item(r: ClientResult<Item[]>): ClientResult<bigint> {
        if (!r.ok) return r;
        const x = r.value[0];
        if (x === undefined || x.length === 0) return fail('NotProcessed', 'the canister did not process the request');
        const v = x[0];
        if ('Ok' in v) return ok(v.Ok);
        return fail(Object.keys(v.Err)[0], describeSocketError(v.Err));
    }

    // ----- reading -----------------------------------------------------------------------------

    async collection(): Promise<ClientResult<SocketCollection>> {
        const r = await this.call<[string, SocketValue][]>('icrc7_collection_metadata', []);
        if (!r.ok) return r;
        const m = new Map(r.value);
        const t = (k: string) => {
            const v = m.get(k);
            return v !== undefined && 'Text' in v ? v.Text : undefined;
        };
        const supply = m.get('icrc7:total_supply');
        return ok({ symbol: t('icrc7:symbol') ?? '', name: t('icrc7:name') ?? '', description: t('icrc7:description'), totalSupply: supply !== undefined && 'Nat' in supply ? supply.Nat : 0n, metadata: r.value });
    }

    async tokens(prev?: bigint, take?: bigint): Promise<ClientResult<bigint[]>> {
        return this.call<bigint[]>('icrc7_tokens', [opt(prev), opt(take)]);
    }

    async tokensOf(account: IcrcAccount, prev?: bigint, take?: bigint): Promise<ClientResult<bigint[]>> {
        const bad = socketInputProblem({ accounts: [account] });
        if (bad !== undefined) return badInput(bad);
        return this.call<bigint[]>('icrc7_tokens_of', [toCandidAccount(account), opt(prev), opt(take)]);
    }

    /** Every socket of `account`, page by page (at most `max`). */
    async allTokensOf(account: IcrcAccount, max = 10_000): Promise<ClientResult<bigint[]>> {
        const out: bigint[] = [];
        let prev: bigint | undefined;
        while (out.length < max) {
            const r = await this.tokensOf(account, prev, BigInt(SOCKET_MAX_TAKE));
            if (!r.ok) return r;
            out.push(...r.value);
            if (r.value.length < SOCKET_MAX_TAKE) break;
            prev = r.value[r.value.length - 1];
        }
        return ok(out.slice(0, max));
    }

    async ownerOf(ids: bigint[]): Promise<ClientResult<(IcrcAccount | undefined)[]>> {
        const r = await this.call<([] | [{ owner: import('@dfinity/principal').Principal; subaccount: [] | [Uint8Array] }])[]>('icrc7_owner_of', [ids]);
        return r.ok ? ok(r.value.map((o) => (o.length === 0 ? undefined : fromCandidAccount(o[0])))) : r;
    }

    async balanceOf(accounts: IcrcAccount[]): Promise<ClientResult<bigint[]>> {
        const bad = socketInputProblem({ accounts });
        if (bad !== undefined) return badInput(bad);
        return this.call<bigint[]>('icrc7_balance_of', [accounts.map(toCandidAccount)]);
    }

    /** A socket with its holder and its order's figures; undefined when it does not exist. */
    async socket(id: bigint): Promise<ClientResult<Socket | undefined>> {
        const bad = socketInputProblem({ tokenId: id });
        if (bad !== undefined) return badInput(bad);
        const [owner, meta] = await Promise.all([this.ownerOf([id]), this.call<([] | [[string, SocketValue][]])[]>('icrc7_token_metadata', [[id]])]);
        if (!owner.ok) return owner;
        if (!meta.ok) return meta;
        const o = owner.value[0];
        const m = meta.value[0];
        if (o === undefined || m === undefined || m.length === 0) return ok(undefined);
        return ok(socketOf(id, o, m[0]));
    }

    async tokenApprovals(id: bigint, prev?: SocketApproval, take?: bigint): Promise<ClientResult<SocketApproval[]>> {
        const r = await this.call<{ token_id: bigint; approval_info: ValueOf<typeof SK.ApprovalInfoT> }[]>('icrc37_get_token_approvals', [id, prev === undefined ? [] : [{ token_id: id, approval_info: approvalInfoOut(prev) }], opt(take)]);
        return r.ok ? ok(r.value.map((a) => approvalInfoIn(a.approval_info as never))) : r;
    }

    async collectionApprovals(owner: IcrcAccount, prev?: SocketApproval, take?: bigint): Promise<ClientResult<SocketApproval[]>> {
        const r = await this.call<ValueOf<typeof SK.ApprovalInfoT>[]>('icrc37_get_collection_approvals', [toCandidAccount(owner), prev === undefined ? [] : [approvalInfoOut(prev)], opt(take)]);
        return r.ok ? ok(r.value.map((a) => approvalInfoIn(a as never))) : r;
    }

    async isApproved(spender: IcrcAccount, tokenId: bigint, fromSubaccount?: Uint8Array): Promise<ClientResult<boolean>> {
        const r = await this.call<boolean[]>('icrc37_is_approved', [[{ spender: toCandidAccount(spender), from_subaccount: opt(fromSubaccount), token_id: tokenId }]]);
        return r.ok ? ok(r.value[0] === true) : r;
    }

    // ----- changing ----------------------------------------------------------------------------

    /** icrc7_transfer of one socket (deduplicated: created_at_time defaults to the client's clock). */
    async transfer(p: SocketTransferParams): Promise<ClientResult<bigint>> {
        const bad = socketInputProblem({ tokenId: p.tokenId, accounts: [p.to], subaccounts: [p.fromSubaccount], memo: p.memo });
        if (bad !== undefined) return badInput(bad);
        const from = { owner: await this.principal(), subaccount: p.fromSubaccount };
        if (sameAccount(from, p.to)) return badInput('the recipient is the account the socket is sent from');
        const arg = { from_subaccount: opt(p.fromSubaccount), to: toCandidAccount(p.to), token_id: p.tokenId, memo: opt(p.memo), created_at_time: [p.createdAtTime ?? this.now()] };
        return this.item(await this.call<Item[]>('icrc7_transfer', [[arg]], { idempotent: true }));
    }

    async transferFrom(p: SocketTransferFromParams): Promise<ClientResult<bigint>> {
        const bad = socketInputProblem({ tokenId: p.tokenId, accounts: [p.from, p.to], subaccounts: [p.spenderSubaccount], memo: p.memo });
        if (bad !== undefined) return badInput(bad);
        if (sameAccount(p.from, p.to)) return badInput('the recipient is the account the socket is sent from');
        const arg = { spender_subaccount: opt(p.spenderSubaccount), from: toCandidAccount(p.from), to: toCandidAccount(p.to), token_id: p.tokenId, memo: opt(p.memo), created_at_time: [p.createdAtTime ?? this.now()] };
        return this.item(await this.call<Item[]>('icrc37_transfer_from', [[arg]], { idempotent: true }));
    }

    /** A token-level approval (tokenId set) or a collection-level one; answers the block index (collection: 0n, its block is in the log). */
    async approve(p: SocketApproveParams): Promise<ClientResult<bigint>> {
        const bad = socketInputProblem({ tokenId: p.tokenId, accounts: [p.spender], subaccounts: [p.fromSubaccount], memo: p.memo });
        if (bad !== undefined) return badInput(bad);
        if (p.spender.owner.toText() === (await this.principal()).toText()) return badInput('a principal cannot approve itself');
        const info = approvalInfoOut({ ...p, createdAtTime: p.createdAtTime ?? this.now() });
        if (p.tokenId !== undefined) return this.item(await this.call<Item[]>('icrc37_approve_tokens', [[{ token_id: p.tokenId, approval_info: info }]]));
        const r = await this.call<([] | [Record<string, unknown>])[]>('icrc37_approve_collection', [[{ approval_info: info }]]);
        if (!r.ok) return r;
        const e = r.value[0];
        if (e === undefined) return fail('NotProcessed', 'the canister did not process the request');
        return e.length === 0 ? ok(0n) : fail(Object.keys(e[0])[0], describeSocketError(e[0]));
    }

    async revoke(p: SocketRevokeParams): Promise<ClientResult<bigint>> {
        const bad = socketInputProblem({ tokenId: p.tokenId, accounts: [p.spender], subaccounts: [p.fromSubaccount], memo: p.memo });
        if (bad !== undefined) return badInput(bad);
        const common = { spender: p.spender === undefined ? [] : [toCandidAccount(p.spender)], from_subaccount: opt(p.fromSubaccount), memo: opt(p.memo), created_at_time: opt(p.createdAtTime) };
        if (p.tokenId !== undefined) return this.item(await this.call<Item[]>('icrc37_revoke_token_approvals', [[{ ...common, token_id: p.tokenId }]]));
        return this.item(await this.call<Item[]>('icrc37_revoke_collection_approvals', [[common]]));
    }
}
