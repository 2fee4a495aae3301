/**
 * ICRC-37 conformance, written from the accepted text (dfinity/ICRC ICRCs/ICRC-37/ICRC-37.md):
 * approve_tokens, approve_collection (answering `vec opt ApproveCollectionError` as the .did),
 * revocations, is_approved, the approval pages, transfer_from — every error variant, the limits
 * (approvals per token / per principal, revocations per call, update batch), expiry, approvals
 * cleared by transfer, collection approvals covering what the owner holds *at transfer time*, and
 * the 37* blocks.
 */
import type { ApprovalInput } from '../../../../src/protocol/sockets/approvals';
import { accountValue } from '../../../../src/protocol/sockets/blocks';
import { MAX_APPROVALS, MAX_REVOKE_APPROVALS, MAX_UPDATE_BATCH_SIZE, PERMITTED_DRIFT_NS, SocketError, TX_WINDOW_NS } from '../../../../src/protocol/sockets/model';
import { acct, ALICE, BOB, blockAt, CAROL, checkOwnership, DAVE, operator, SECOND, socketWorld } from './helpers';

const HOLDERS = [acct(ALICE), acct(BOB), acct(CAROL), acct(DAVE), acct(ALICE, 7)];

async function world() {
    const w = await socketWorld();
    const s = w.sockets;
    const info = (spender: ReturnType<typeof acct>, extra: Partial<ApprovalInput> = {}): ApprovalInput => ({ spender, created_at_time: w.env.time, ...extra });
    const approve = (caller: number, token_id: bigint, i: ApprovalInput) => s.approvals.approveTokens(operator(caller), [{ token_id, approval_info: i }])[0];
    const approveColl = (caller: number, i: ApprovalInput) => s.approvals.approveCollection(operator(caller), [{ approval_info: i }])[0];
    const from = (caller: number, token_id: bigint, owner: ReturnType<typeof acct>, to: ReturnType<typeof acct>, extra: { spender_subaccount?: Uint8Array; memo?: Uint8Array; created_at_time?: bigint } = {}) =>
        s.transfers.transferFrom(operator(caller), [{ from: owner, to, token_id, ...extra }])[0];
    return { ...w, s, info, approve, approveColl, from };
}

describe('ICRC-37: token-level approvals', () => {
    it('approve_tokens answers its block (37approve) and lets the spender transfer_from; the transfer clears the token’s approvals', async () => {
        const w = await world();
        const id = await w.mint(ALICE);
        const memo = Uint8Array.of(1, 2, 3);
        const r = w.approve(ALICE, id, w.info(acct(BOB), { expires_at: w.env.time + 3600n * SECOND, memo }));
        expect(r).toEqual({ Ok: w.protocol.log.length() - 1n });
        const b = blockAt(w.protocol, (r as { Ok: bigint }).Ok);
        expect(b.btype).toBe('37approve');
        expect(b.tx).toEqual({ Map: [['tid', { Nat: id }], ['from', accountValue(acct(ALICE))], ['spender', accountValue(acct(BOB))], ['exp', { Nat: w.env.time + 3600n * SECOND }], ['memo', { Blob: memo }], ['ts', { Nat: w.env.time }]] });
        w.approve(ALICE, id, w.info(acct(CAROL)));
        expect(w.s.approvals.isApproved([{ spender: acct(BOB), token_id: id }, { spender: acct(CAROL), token_id: id }, { spender: acct(DAVE), token_id: id }])).toEqual([true, true, false]);
        const x = w.from(BOB, id, acct(ALICE), acct(DAVE), { created_at_time: w.env.time });
        expect(x).toHaveProperty('Ok');
        const xb = blockAt(w.protocol, (x as { Ok: bigint }).Ok);
        expect(xb.btype).toBe('37xfer');
        expect(xb.tx).toEqual({ Map: [['tid', { Nat: id }], ['spender', accountValue(acct(BOB))], ['from', accountValue(acct(ALICE))], ['to', accountValue(acct(DAVE))], ['ts', { Nat: w.env.time }]] });
        expect(w.s.ownerOf([id])).toEqual([acct(DAVE)]);
        // every token-level approval of the token is gone (Carol's too), and no block was written for that
        expect(w.s.approvals.tokenApprovals(id, undefined, undefined)).toEqual([]);
        expect(w.from(CAROL, id, acct(DAVE), acct(CAROL))).toEqual({ Err: { Unauthorized: null } });
        // a duplicate transfer_from answers its block
        expect(w.from(BOB, id, acct(ALICE), acct(DAVE), { created_at_time: w.env.time })).toEqual({ Err: { Duplicate: { duplicate_of: (x as { Ok: bigint }).Ok } } });
        checkOwnership(w.protocol, HOLDERS);
    });

    it('icrc7_transfer clears token approvals too, never collection approvals', async () => {
        const w = await world();
        const a = await w.mint(ALICE);
        const b = await w.mint(ALICE);
        w.approve(ALICE, a, w.info(acct(BOB)));
        expect(w.approveColl(ALICE, w.info(acct(CAROL)))).toBeUndefined();
        expect(w.s.transfers.transfer(operator(ALICE), [{ to: acct(DAVE), token_id: a }, { to: acct(ALICE, 7), token_id: b }])[0]).toHaveProperty('Ok');
        w.s.transfers.transfer(operator(ALICE), [{ from_subaccount: new Uint8Array(32).fill(7), to: acct(ALICE), token_id: b }]);
        expect(w.s.approvals.isApproved([{ spender: acct(BOB), token_id: a }])).toEqual([false]);
        // back on Alice's default account: Carol's collection approval covers it again
        expect(w.s.approvals.isApproved([{ spender: acct(CAROL), token_id: b }])).toEqual([true]);
        expect(w.s.approvals.collectionApprovals(acct(ALICE), undefined, undefined)).toHaveLength(1);
    });

    it('answers every error variant of approve_tokens', async () => {
        const w = await world();
        const id = await w.mint(ALICE);
        expect(w.approve(ALICE, id, w.info({ owner: operator(ALICE), subaccount: new Uint8Array(32).fill(3) }))).toEqual({ Err: { InvalidSpender: null } });
        expect(w.approve(BOB, id, w.info(acct(CAROL)))).toEqual({ Err: { Unauthorized: null } });
        expect(w.approve(ALICE, id, w.info(acct(CAROL), { from_subaccount: new Uint8Array(32).fill(7) }))).toEqual({ Err: { Unauthorized: null } });
        expect(w.approve(ALICE, id + 5n, w.info(acct(CAROL)))).toEqual({ Err: { NonExistingTokenId: null } });
        expect(w.approve(ALICE, id, w.info(acct(CAROL), { created_at_time: w.env.time - TX_WINDOW_NS - PERMITTED_DRIFT_NS - 1n }))).toEqual({ Err: { TooOld: null } });
        expect(w.approve(ALICE, id, w.info(acct(CAROL), { created_at_time: w.env.time + PERMITTED_DRIFT_NS + 1n }))).toEqual({ Err: { CreatedInFuture: { ledger_time: w.env.time } } });
        expect(w.approve(ALICE, id, w.info(acct(CAROL), { expires_at: w.env.time }))).toMatchObject({ Err: { GenericError: { error_code: SocketError.AlreadyExpired } } });
        expect(w.approve(ALICE, id, w.info(acct(CAROL), { memo: new Uint8Array(33) }))).toMatchObject({ Err: { GenericError: { error_code: SocketError.InvalidArgument } } });
        expect(w.s.approvals.approveTokens(Uint8Array.of(4), [{ token_id: id, approval_info: w.info(acct(CAROL)) }])).toEqual([{ Err: { GenericBatchError: { error_code: SocketError.Anonymous, message: expect.any(String) } } }]);
        expect(w.s.approvals.tokenApprovals(id, undefined, undefined)).toEqual([]);
    });

    it('keeps one approval per (token, spender) and at most max_approvals_per_token_or_collection; an expired one does not count', async () => {
        const w = await world();
        const id = await w.mint(ALICE);
        const spenders = Array.from({ length: MAX_APPROVALS }, (_, i) => acct(100 + i));
        w.approve(ALICE, id, w.info(spenders[0], { expires_at: w.env.time + 10n * SECOND }));
        for (const sp of spenders.slice(1)) expect(w.approve(ALICE, id, w.info(sp))).toHaveProperty('Ok');
        // replacing an existing spender's approval is not a new one
        expect(w.approve(ALICE, id, w.info(spenders[3], { memo: Uint8Array.of(9) }))).toHaveProperty('Ok');
        expect(w.approve(ALICE, id, w.info(acct(200)))).toMatchObject({ Err: { GenericError: { error_code: SocketError.TooManyApprovals } } });
        const all = w.s.approvals.tokenApprovals(id, undefined, 100n);
        expect(all).toHaveLength(MAX_APPROVALS);
        expect(all.find((a) => a.approval.spender.owner.join() === spenders[3].owner.join())?.approval.memo).toEqual(Uint8Array.of(9));
        // pages follow one order: prev is the last approval of the previous page
        const p1 = w.s.approvals.tokenApprovals(id, undefined, 4n);
        const p2 = w.s.approvals.tokenApprovals(id, p1[3], 4n);
        const p3 = w.s.approvals.tokenApprovals(id, p2[3], 4n);
        expect([...p1, ...p2, ...p3]).toEqual(all);
        // the first one expires: it is no longer active, listed or counted
        w.env.time += 11n * SECOND;
        expect(w.s.approvals.isApproved([{ spender: spenders[0], token_id: id }])).toEqual([false]);
        expect(w.from(100, id, acct(ALICE), acct(BOB))).toEqual({ Err: { Unauthorized: null } });
        expect(w.s.approvals.tokenApprovals(id, undefined, 100n)).toHaveLength(MAX_APPROVALS - 1);
        expect(w.approve(ALICE, id, w.info(acct(200)))).toHaveProperty('Ok');
    });

    it('revoke_token_approvals: one spender or all; ApprovalDoesNotExist, Unauthorized, NonExistingTokenId; 37revoke blocks', async () => {
        const w = await world();
        const id = await w.mint(ALICE);
        w.approve(ALICE, id, w.info(acct(BOB)));
        w.approve(ALICE, id, w.info(acct(CAROL)));
        w.approve(ALICE, id, w.info(acct(DAVE)));
        const rv = (caller: number, i: Parameters<typeof w.s.approvals.revokeTokenApprovals>[1][number]) => w.s.approvals.revokeTokenApprovals(operator(caller), [i])[0];
        expect(rv(BOB, { token_id: id, spender: acct(BOB) })).toEqual({ Err: { Unauthorized: null } });
        expect(rv(ALICE, { token_id: id + 9n, spender: acct(BOB) })).toEqual({ Err: { NonExistingTokenId: null } });
        expect(rv(ALICE, { token_id: id, spender: acct(200) })).toEqual({ Err: { ApprovalDoesNotExist: null } });
        expect(rv(ALICE, { token_id: id, spender: acct(BOB), created_at_time: w.env.time + PERMITTED_DRIFT_NS + 1n })).toEqual({ Err: { CreatedInFuture: { ledger_time: w.env.time } } });
        expect(rv(ALICE, { token_id: id, spender: acct(BOB), created_at_time: 1n })).toEqual({ Err: { TooOld: null } });
        const one = rv(ALICE, { token_id: id, spender: acct(BOB) }) as { Ok: bigint };
        expect(blockAt(w.protocol, one.Ok)).toEqual({ btype: '37revoke', tx: { Map: [['tid', { Nat: id }], ['from', accountValue(acct(ALICE))], ['spender', accountValue(acct(BOB))]] } });
        expect(w.s.approvals.isApproved([{ spender: acct(BOB), token_id: id }, { spender: acct(CAROL), token_id: id }])).toEqual([false, true]);
        const all = rv(ALICE, { token_id: id, memo: Uint8Array.of(7) }) as { Ok: bigint };
        expect(blockAt(w.protocol, all.Ok)).toEqual({ btype: '37revoke', tx: { Map: [['tid', { Nat: id }], ['from', accountValue(acct(ALICE))], ['memo', { Blob: Uint8Array.of(7) }]] } });
        expect(w.s.approvals.tokenApprovals(id, undefined, undefined)).toEqual([]);
        expect(rv(ALICE, { token_id: id })).toEqual({ Err: { ApprovalDoesNotExist: null } });
    });

    it('a revocation batch over max_revoke_approvals, and an approval batch over max_update_batch_size, are answered with their prefix', async () => {
        const w = await world();
        const id = await w.mint(ALICE);
        const many = Array.from({ length: MAX_UPDATE_BATCH_SIZE + 3 }, (_, i) => ({ token_id: id, approval_info: w.info(acct(100 + (i % MAX_APPROVALS))) }));
        expect(w.s.approvals.approveTokens(operator(ALICE), many)).toHaveLength(MAX_UPDATE_BATCH_SIZE);
        const coll = Array.from({ length: MAX_UPDATE_BATCH_SIZE + 3 }, (_, i) => ({ approval_info: w.info(acct(100 + (i % MAX_APPROVALS))) }));
        expect(w.s.approvals.approveCollection(operator(ALICE), coll)).toEqual(Array(MAX_UPDATE_BATCH_SIZE).fill(undefined));
        const revokes = Array.from({ length: MAX_REVOKE_APPROVALS + 2 }, (_, i) => ({ token_id: id, spender: acct(100 + (i % MAX_APPROVALS)) }));
        const r = w.s.approvals.revokeTokenApprovals(operator(ALICE), revokes);
        expect(r).toHaveLength(MAX_REVOKE_APPROVALS);
        expect(r.every((x) => 'Ok' in x)).toBe(true);
        const rc = w.s.approvals.revokeCollectionApprovals(operator(ALICE), revokes.map(({ spender }) => ({ spender })));
        expect(rc).toHaveLength(MAX_REVOKE_APPROVALS);
    });
});

describe('ICRC-37: collection-level approvals', () => {
    it('approve_collection answers null on success (vec opt ApproveCollectionError), writes 37approve_coll, and covers the tokens owned at transfer time', async () => {
        const w = await world();
        const first = await w.mint(ALICE);
        const n = w.protocol.log.length();
        expect(w.s.approvals.approveCollection(operator(ALICE), [{ approval_info: w.info(acct(BOB), { expires_at: w.env.time + 100n * SECOND }) }])).toEqual([undefined]);
        expect(blockAt(w.protocol, n)).toEqual({ btype: '37approve_coll', tx: { Map: [['from', accountValue(acct(ALICE))], ['spender', accountValue(acct(BOB))], ['exp', { Nat: w.env.time + 100n * SECOND }], ['ts', { Nat: w.env.time }]] } });
        // a token Alice receives after the approval is covered …
        const later = await w.mint(CAROL);
        w.s.transfers.transfer(operator(CAROL), [{ to: acct(ALICE), token_id: later }]);
        expect(w.s.approvals.isApproved([{ spender: acct(BOB), token_id: later }])).toEqual([true]);
        expect(w.from(BOB, later, acct(ALICE), acct(DAVE))).toHaveProperty('Ok');
        // … a token she gave away is not (it is Carol's now), nor a token on another subaccount
        w.s.transfers.transfer(operator(ALICE), [{ to: acct(CAROL), token_id: first }]);
        expect(w.from(BOB, first, acct(CAROL), acct(DAVE))).toEqual({ Err: { Unauthorized: null } });
        expect(w.from(BOB, first, acct(ALICE), acct(DAVE))).toEqual({ Err: { Unauthorized: null } });
        // the collection approval itself survives transfers; it expires on its own
        expect(w.s.approvals.collectionApprovals(acct(ALICE), undefined, undefined)).toHaveLength(1);
        const again = await w.mint(ALICE);
        w.env.time += 101n * SECOND;
        expect(w.from(BOB, again, acct(ALICE), acct(DAVE))).toEqual({ Err: { Unauthorized: null } });
        expect(w.s.approvals.collectionApprovals(acct(ALICE), undefined, undefined)).toEqual([]);
        checkOwnership(w.protocol, HOLDERS);
    });

    it('answers every error variant of approve_collection and revoke_collection_approvals', async () => {
        const w = await world();
        expect(w.approveColl(ALICE, w.info(acct(BOB)))).toMatchObject({ GenericError: { error_code: SocketError.NoSocketHeld } });
        await w.mint(ALICE);
        expect(w.approveColl(ALICE, w.info(acct(ALICE)))).toEqual({ InvalidSpender: null });
        expect(w.approveColl(ALICE, w.info(acct(BOB), { created_at_time: 0n }))).toEqual({ TooOld: null });
        expect(w.approveColl(ALICE, w.info(acct(BOB), { created_at_time: w.env.time + DAY_NS }))).toEqual({ CreatedInFuture: { ledger_time: w.env.time } });
        expect(w.s.approvals.approveCollection(Uint8Array.of(4), [{ approval_info: w.info(acct(BOB)) }])).toEqual([{ GenericBatchError: { error_code: SocketError.Anonymous, message: expect.any(String) } }]);
        for (let i = 0; i < MAX_APPROVALS; i++) expect(w.approveColl(ALICE, w.info(acct(100 + i)))).toBeUndefined();
        expect(w.approveColl(ALICE, w.info(acct(100)))).toBeUndefined(); // a replacement
        expect(w.approveColl(ALICE, w.info(acct(200)))).toMatchObject({ GenericError: { error_code: SocketError.TooManyApprovals } });
        const rc = (i: Parameters<typeof w.s.approvals.revokeCollectionApprovals>[1][number]) => w.s.approvals.revokeCollectionApprovals(operator(ALICE), [i])[0];
        expect(rc({ spender: acct(200) })).toEqual({ Err: { ApprovalDoesNotExist: null } });
        expect(rc({ spender: acct(100), from_subaccount: new Uint8Array(32).fill(7) })).toEqual({ Err: { ApprovalDoesNotExist: null } });
        expect(rc({ spender: acct(100), created_at_time: 0n })).toEqual({ Err: { TooOld: null } });
        const one = rc({ spender: acct(100) }) as { Ok: bigint };
        expect(blockAt(w.protocol, one.Ok)).toEqual({ btype: '37revoke_coll', tx: { Map: [['from', accountValue(acct(ALICE))], ['spender', accountValue(acct(100))]] } });
        const page1 = w.s.approvals.collectionApprovals(acct(ALICE), undefined, 5n);
        const page2 = w.s.approvals.collectionApprovals(acct(ALICE), page1[4], 5n);
        expect(page1.length + page2.length).toBe(MAX_APPROVALS - 1);
        const all = rc({}) as { Ok: bigint };
        expect(blockAt(w.protocol, all.Ok)).toEqual({ btype: '37revoke_coll', tx: { Map: [['from', accountValue(acct(ALICE))]] } });
        expect(w.s.approvals.collectionApprovals(acct(ALICE), undefined, undefined)).toEqual([]);
        expect(rc({})).toEqual({ Err: { ApprovalDoesNotExist: null } });
    });

    it('transfer_from: every error variant', async () => {
        const w = await world();
        const id = await w.mint(ALICE);
        w.approve(ALICE, id, w.info(acct(BOB)));
        expect(w.from(BOB, id + 1n, acct(ALICE), acct(CAROL))).toEqual({ Err: { NonExistingTokenId: null } });
        expect(w.from(CAROL, id, acct(ALICE), acct(CAROL))).toEqual({ Err: { Unauthorized: null } });
        // the approval names Bob's default account: another subaccount of Bob is another spender
        expect(w.from(BOB, id, acct(ALICE), acct(CAROL), { spender_subaccount: new Uint8Array(32).fill(1) })).toEqual({ Err: { Unauthorized: null } });
        expect(w.from(BOB, id, acct(ALICE, 7), acct(CAROL))).toEqual({ Err: { Unauthorized: null } });
        expect(w.from(BOB, id, acct(ALICE), acct(ALICE))).toEqual({ Err: { InvalidRecipient: null } });
        expect(w.from(BOB, id, acct(ALICE), acct(CAROL), { created_at_time: 0n })).toEqual({ Err: { TooOld: null } });
        expect(w.from(BOB, id, acct(ALICE), acct(CAROL), { created_at_time: w.env.time + DAY_NS })).toEqual({ Err: { CreatedInFuture: { ledger_time: w.env.time } } });
        expect(w.from(BOB, id, acct(ALICE), acct(CAROL), { memo: new Uint8Array(40) })).toMatchObject({ Err: { GenericError: { error_code: SocketError.InvalidArgument } } });
        expect(w.s.transfers.transferFrom(Uint8Array.of(4), [{ from: acct(ALICE), to: acct(CAROL), token_id: id }])).toEqual([{ Err: { GenericBatchError: { error_code: SocketError.Anonymous, message: expect.any(String) } } }]);
        // the holder needs no approval
        expect(w.from(ALICE, id, acct(ALICE), acct(CAROL))).toHaveProperty('Ok');
        const over = Array.from({ length: MAX_UPDATE_BATCH_SIZE + 1 }, () => ({ from: acct(CAROL), to: acct(DAVE), token_id: id }));
        expect(w.s.transfers.transferFrom(operator(BOB), over)).toHaveLength(MAX_UPDATE_BATCH_SIZE);
    });
});

const DAY_NS = 86_400n * SECOND;
