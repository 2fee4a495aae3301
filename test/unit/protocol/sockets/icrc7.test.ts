/**
 * ICRC-7 conformance, written from the accepted text (dfinity/ICRC ICRCs/ICRC-7/ICRC-7.md): every
 * method, every error variant of icrc7_transfer, batch prefixes at each max_* limit separately,
 * deduplication only with created_at_time, the block schema, and the ownership invariant after
 * every operation. Sockets are minted the only way they exist: market orders (spec §12).
 */
import type { Value } from '../../../../src/ledger/icrc3/value';
import { field } from '../../../../src/protocol/log/block';
import { COLLECTION, SUPPORTED_STANDARDS } from '../../../../src/protocol/sockets/collection';
import { DEFAULT_TAKE_VALUE, MAX_MEMO_SIZE, MAX_QUERY_BATCH_SIZE, MAX_TAKE_VALUE, MAX_UPDATE_BATCH_SIZE, PERMITTED_DRIFT_NS, SocketError, TX_WINDOW_NS } from '../../../../src/protocol/sockets/model';
import { accountValue } from '../../../../src/protocol/sockets/blocks';
import { GOVERNANCE } from '../market/helpers';
import { acct, ALICE, BOB, blockAt, CAROL, checkOwnership, DAY, operator, SECOND, socketWorld } from './helpers';

const HOLDERS = [acct(ALICE), acct(BOB), acct(CAROL), acct(ALICE, 7), acct(BOB, 9)];
const meta = (m: [string, Value][], k: string) => m.find(([key]) => key === k)?.[1];

describe('ICRC-7: collection metadata', () => {
    it('lists every icrc7:* and icrc37:* attribute, each equal to its own query', async () => {
        const w = await socketWorld();
        await w.mint(ALICE);
        const m = w.sockets.collectionMetadata();
        expect(meta(m, 'icrc7:symbol')).toEqual({ Text: 'EMCS' });
        expect(meta(m, 'icrc7:name')).toEqual({ Text: COLLECTION.name });
        expect(meta(m, 'icrc7:description')).toEqual({ Text: COLLECTION.description });
        expect((meta(m, 'icrc7:logo') as { Text: string }).Text.startsWith('data:image/svg+xml;base64,')).toBe(true);
        expect(meta(m, 'icrc7:total_supply')).toEqual({ Nat: 1n });
        expect(meta(m, 'icrc7:supply_cap')).toBeUndefined();
        expect(meta(m, 'icrc7:max_query_batch_size')).toEqual({ Nat: BigInt(MAX_QUERY_BATCH_SIZE) });
        expect(meta(m, 'icrc7:max_update_batch_size')).toEqual({ Nat: BigInt(MAX_UPDATE_BATCH_SIZE) });
        expect(meta(m, 'icrc7:default_take_value')).toEqual({ Nat: BigInt(DEFAULT_TAKE_VALUE) });
        expect(meta(m, 'icrc7:max_take_value')).toEqual({ Nat: BigInt(MAX_TAKE_VALUE) });
        expect(meta(m, 'icrc7:max_memo_size')).toEqual({ Nat: 32n });
        expect(meta(m, 'icrc7:atomic_batch_transfers')).toEqual({ Nat: 0n });
        expect(meta(m, 'icrc7:tx_window')).toEqual({ Nat: 86_400n });
        expect(meta(m, 'icrc7:permitted_drift')).toEqual({ Nat: 120n });
        expect(meta(m, 'icrc37:max_approvals_per_token_or_collection')).toEqual({ Nat: 10n });
        expect(meta(m, 'icrc37:max_revoke_approvals')).toEqual({ Nat: 10n });
        // keys follow <namespace>:<key>
        for (const [k] of m) expect(k).toMatch(/^[^:]+:[^:]+$/);
        // the memo SHOULD allow at least 32 bytes
        expect(MAX_MEMO_SIZE).toBeGreaterThanOrEqual(32);
    });

    it('icrc10_supported_standards lists ICRC-3, ICRC-7, ICRC-10 and ICRC-37 with the texts’ own entries', () => {
        const names = SUPPORTED_STANDARDS.map((s) => s.name);
        expect(names).toEqual(['ICRC-3', 'ICRC-7', 'ICRC-10', 'ICRC-37']);
        expect(SUPPORTED_STANDARDS).toContainEqual({ name: 'ICRC-7', url: 'https://github.com/dfinity/ICRC/ICRCs/ICRC-7' });
        expect(SUPPORTED_STANDARDS).toContainEqual({ name: 'ICRC-10', url: 'https://github.com/dfinity/ICRC/ICRCs/ICRC-10' });
    });
});

describe('ICRC-7: tokens, owners, balances, metadata', () => {
    it('market_open mints token id = order id to the payer with the emc: metadata and a 7mint block', async () => {
        const w = await socketWorld();
        const before = w.protocol.log.length();
        const id = await w.mint(ALICE, 12n);
        expect(w.sockets.ownerOf([id])).toEqual([acct(ALICE)]);
        const m = w.sockets.tokenMetadata([id])[0] as [string, Value][];
        expect(m.map(([k]) => k)).toEqual(['emc:offer', 'emc:node_id', 'emc:service', 'emc:unit', 'emc:price', 'emc:units_bought', 'emc:units_confirmed', 'emc:escrow', 'emc:expires_at', 'emc:status']);
        expect(meta(m, 'emc:units_bought')).toEqual({ Nat: 12n });
        expect(meta(m, 'emc:escrow')).toEqual({ Nat: 12n * 100_000_000n });
        expect(meta(m, 'emc:status')).toEqual({ Text: 'open' });
        expect(meta(m, 'emc:node_id')).toEqual({ Text: 'gpu1' });
        const b = blockAt(w.protocol, before);
        expect(b.btype).toBe('7mint');
        expect(field(b.tx, 'tid')).toEqual({ Nat: id });
        expect(field(b.tx, 'to')).toEqual(accountValue(acct(ALICE)));
        expect(field(b.tx, 'meta')).toEqual({ Map: [['icrc7:token_metadata', { Map: m }]] });
        expect(field(b.tx, 'from')).toBeUndefined();
        checkOwnership(w.protocol, HOLDERS);
    });

    it('an order whose pull fails mints nothing', async () => {
        const w = await socketWorld();
        const r = await w.market.orders.open(operator(ALICE), { offer: w.offer.id, units: 5n, max_price: 10n ** 15n, expires_at: w.env.time + DAY, created_at_time: w.env.time });
        expect(r).toHaveProperty('Err');
        expect(w.sockets.tokens.totalSupply()).toBe(0n);
    });

    it('owner_of and token_metadata answer null for ids that do not exist; balance_of 0 for unknown accounts', async () => {
        const w = await socketWorld();
        const id = await w.mint(ALICE);
        expect(w.sockets.ownerOf([id + 1n, id, 2n ** 70n])).toEqual([undefined, acct(ALICE), undefined]);
        expect(w.sockets.tokenMetadata([id + 1n])).toEqual([undefined]);
        expect(w.sockets.balanceOf([acct(DAVE_ID), acct(ALICE)])).toEqual([0n, 1n]);
    });

    it('tokens and tokens_of page with prev/take, sorted by id; take defaults and is capped', async () => {
        const w = await socketWorld();
        const ids: bigint[] = [];
        for (let i = 0; i < 9; i++) ids.push(await w.mint(i % 3 === 0 ? BOB : ALICE));
        expect(w.sockets.tokensPage(undefined, undefined)).toEqual(ids);
        expect(w.sockets.tokensPage(undefined, 4n)).toEqual(ids.slice(0, 4));
        expect(w.sockets.tokensPage(ids[3], 4n)).toEqual(ids.slice(4, 8));
        expect(w.sockets.tokensPage(ids[8], 4n)).toEqual([]);
        expect(w.sockets.tokensPage(undefined, 0n)).toEqual([]);
        expect(w.sockets.tokensPage(2n ** 80n, 3n)).toEqual([]);
        const bob = ids.filter((_, i) => i % 3 === 0);
        expect(w.sockets.tokensOf(acct(BOB), undefined, undefined)).toEqual(bob);
        expect(w.sockets.tokensOf(acct(BOB), bob[0], 1n)).toEqual([bob[1]]);
        // prev need not be one of the account's tokens
        expect(w.sockets.tokensOf(acct(BOB), bob[0] + 1n, 10n)).toEqual(bob.slice(1));
        // an absent and a zero subaccount are the same account
        expect(w.sockets.tokensOf({ owner: operator(BOB), subaccount: new Uint8Array(32) }, undefined, undefined)).toEqual(bob);
        checkOwnership(w.protocol, HOLDERS);
    });

    it('default_take_value applies to a null take, max_take_value caps a larger one', async () => {
        const w = await socketWorld();
        // 130 ids: more than one bucket of the index and more than the default take
        for (let i = 0; i < 130; i++) await w.mint(ALICE, 1n);
        expect(w.sockets.tokensPage(undefined, undefined)).toHaveLength(DEFAULT_TAKE_VALUE);
        expect(w.sockets.tokensPage(undefined, BigInt(MAX_TAKE_VALUE) + 1000n)).toHaveLength(130);
        expect(w.sockets.tokensOf(acct(ALICE), 99n, 50n)).toEqual(Array.from({ length: 30 }, (_, i) => 100n + BigInt(i)));
    });

    it('batch queries answer a prefix of max_query_batch_size items (each method separately)', async () => {
        const w = await socketWorld();
        const id = await w.mint(ALICE);
        const over = MAX_QUERY_BATCH_SIZE + 5;
        expect(w.sockets.ownerOf(Array(over).fill(id))).toHaveLength(MAX_QUERY_BATCH_SIZE);
        expect(w.sockets.tokenMetadata(Array(over).fill(id))).toHaveLength(MAX_QUERY_BATCH_SIZE);
        expect(w.sockets.balanceOf(Array(over).fill(acct(ALICE)))).toHaveLength(MAX_QUERY_BATCH_SIZE);
        expect(w.sockets.approvals.isApproved(Array(over).fill({ spender: acct(BOB), token_id: id }))).toHaveLength(MAX_QUERY_BATCH_SIZE);
        expect(w.sockets.ownerOf(Array(MAX_QUERY_BATCH_SIZE).fill(id))).toHaveLength(MAX_QUERY_BATCH_SIZE);
    });
});

const DAVE_ID = 13;

describe('ICRC-7: icrc7_transfer', () => {
    it('moves the token, answers its block index, writes a 7xfer block, and keeps the index consistent', async () => {
        const w = await socketWorld();
        const id = await w.mint(ALICE);
        const memo = new Uint8Array(32).fill(5);
        const [r] = w.sockets.transfers.transfer(operator(ALICE), [{ to: acct(BOB, 9), token_id: id, memo, created_at_time: w.env.time }]);
        expect(r).toEqual({ Ok: w.protocol.log.length() - 1n });
        const b = blockAt(w.protocol, (r as { Ok: bigint }).Ok);
        expect(b.btype).toBe('7xfer');
        expect(b.tx).toEqual({ Map: [['tid', { Nat: id }], ['from', accountValue(acct(ALICE))], ['to', accountValue(acct(BOB, 9))], ['memo', { Blob: memo }], ['ts', { Nat: w.env.time }]] });
        expect(w.sockets.ownerOf([id])).toEqual([acct(BOB, 9)]);
        expect(w.sockets.balanceOf([acct(ALICE), acct(BOB, 9), acct(BOB)])).toEqual([0n, 1n, 0n]);
        checkOwnership(w.protocol, HOLDERS);
    });

    it('answers every error variant of the standard', async () => {
        const w = await socketWorld();
        const id = await w.mint(ALICE);
        const t = (caller: number, arg: Parameters<typeof w.sockets.transfers.transfer>[1][number]) => w.sockets.transfers.transfer(operator(caller), [arg])[0];
        expect(t(ALICE, { to: acct(BOB), token_id: id + 1n })).toEqual({ Err: { NonExistingTokenId: null } });
        expect(t(BOB, { to: acct(CAROL), token_id: id })).toEqual({ Err: { Unauthorized: null } });
        // held on the default subaccount: another subaccount of the owner is not authorized
        expect(t(ALICE, { from_subaccount: new Uint8Array(32).fill(7), to: acct(CAROL), token_id: id })).toEqual({ Err: { Unauthorized: null } });
        expect(t(ALICE, { to: acct(ALICE), token_id: id })).toEqual({ Err: { InvalidRecipient: null } });
        expect(t(ALICE, { from_subaccount: new Uint8Array(32), to: acct(ALICE), token_id: id })).toEqual({ Err: { InvalidRecipient: null } });
        expect(t(ALICE, { to: { owner: Uint8Array.of(4) }, token_id: id })).toEqual({ Err: { InvalidRecipient: null } });
        expect(t(ALICE, { to: acct(BOB), token_id: id, created_at_time: w.env.time - TX_WINDOW_NS - PERMITTED_DRIFT_NS - 1n })).toEqual({ Err: { TooOld: null } });
        expect(t(ALICE, { to: acct(BOB), token_id: id, created_at_time: w.env.time + PERMITTED_DRIFT_NS + 1n })).toEqual({ Err: { CreatedInFuture: { ledger_time: w.env.time } } });
        const long = t(ALICE, { to: acct(BOB), token_id: id, memo: new Uint8Array(MAX_MEMO_SIZE + 1) });
        expect(long).toEqual({ Err: { GenericError: { error_code: SocketError.InvalidArgument, message: expect.stringContaining('memo') } } });
        expect(t(ALICE, { to: { owner: operator(BOB), subaccount: new Uint8Array(31) }, token_id: id })).toMatchObject({ Err: { GenericError: { error_code: SocketError.InvalidArgument } } });
        // the edges of the window are accepted
        expect(t(ALICE, { to: acct(BOB), token_id: id, created_at_time: w.env.time + PERMITTED_DRIFT_NS })).toHaveProperty('Ok');
        expect(t(BOB, { to: acct(ALICE), token_id: id, created_at_time: w.env.time - TX_WINDOW_NS - PERMITTED_DRIFT_NS })).toHaveProperty('Ok');
        // nothing changed by the refusals: one owner, consistent index
        expect(w.sockets.ownerOf([id])).toEqual([acct(ALICE)]);
        checkOwnership(w.protocol, HOLDERS);
    });

    it('the anonymous caller and a paused protocol get one GenericBatchError and nothing changes', async () => {
        const w = await socketWorld();
        const id = await w.mint(ALICE);
        const n = w.protocol.log.length();
        expect(w.sockets.transfers.transfer(Uint8Array.of(4), [{ to: acct(BOB), token_id: id }, { to: acct(BOB), token_id: id }])).toEqual([{ Err: { GenericBatchError: { error_code: SocketError.Anonymous, message: expect.any(String) } } }]);
        expect(w.protocol.governance.pause(GOVERNANCE, 'test')).toHaveProperty('Ok');
        expect(w.sockets.transfers.transfer(operator(ALICE), [{ to: acct(BOB), token_id: id }])).toEqual([{ Err: { GenericBatchError: { error_code: SocketError.Paused, message: expect.stringContaining('paused') } } }]);
        expect(w.sockets.transfers.transfer(operator(ALICE), [])).toEqual([]);
        expect(w.protocol.log.length()).toBe(n);
        expect(w.sockets.ownerOf([id])).toEqual([acct(ALICE)]);
    });

    it('a batch over max_update_batch_size is answered with its prefix; items are independent (not atomic)', async () => {
        const w = await socketWorld();
        const ids: bigint[] = [];
        for (let i = 0; i < MAX_UPDATE_BATCH_SIZE + 2; i++) ids.push(await w.mint(ALICE, 1n));
        const items = ids.map((token_id) => ({ to: acct(BOB), token_id }));
        items[3] = { to: acct(BOB), token_id: 10_000n };
        const r = w.sockets.transfers.transfer(operator(ALICE), items);
        expect(r).toHaveLength(MAX_UPDATE_BATCH_SIZE);
        expect(r[3]).toEqual({ Err: { NonExistingTokenId: null } });
        expect(r.filter((x) => 'Ok' in x)).toHaveLength(MAX_UPDATE_BATCH_SIZE - 1);
        // the two items past the limit were not processed
        expect(w.sockets.ownerOf(ids.slice(MAX_UPDATE_BATCH_SIZE))).toEqual([acct(ALICE), acct(ALICE)]);
        expect(w.sockets.balanceOf([acct(ALICE), acct(BOB)])).toEqual([3n, BigInt(MAX_UPDATE_BATCH_SIZE - 1)]);
        checkOwnership(w.protocol, HOLDERS);
    });

    it('deduplicates only with created_at_time: same caller and arguments → Duplicate{its block}; another memo is new', async () => {
        const w = await socketWorld();
        const id = await w.mint(ALICE);
        const at = w.env.time;
        const send = (caller: number, to: number, memo?: Uint8Array, created_at_time?: bigint) => w.sockets.transfers.transfer(operator(caller), [{ to: acct(to), token_id: id, memo, created_at_time }])[0];
        const first = send(ALICE, BOB, undefined, at) as { Ok: bigint };
        expect(first).toHaveProperty('Ok');
        // answered Duplicate before ownership (Alice no longer holds it): a retry learns its block
        expect(send(ALICE, BOB, undefined, at)).toEqual({ Err: { Duplicate: { duplicate_of: first.Ok } } });
        // move it back and forth without created_at_time: never deduplicated
        expect(send(BOB, ALICE)).toHaveProperty('Ok');
        expect(send(ALICE, BOB)).toHaveProperty('Ok');
        expect(send(BOB, ALICE)).toHaveProperty('Ok');
        expect(send(ALICE, BOB)).toHaveProperty('Ok');
        // another memo, or another time, is another transaction
        expect(send(BOB, ALICE, Uint8Array.of(1), at)).toHaveProperty('Ok');
        expect(send(ALICE, BOB, Uint8Array.of(1), at)).toHaveProperty('Ok');
        expect(send(BOB, ALICE, Uint8Array.of(1), at)).toEqual({ Err: { Duplicate: { duplicate_of: expect.any(BigInt) } } });
        expect(send(BOB, ALICE, Uint8Array.of(2), at + 1n)).toHaveProperty('Ok');
        // after the window, the same call is TooOld (never executed twice)
        w.env.time += TX_WINDOW_NS + PERMITTED_DRIFT_NS + SECOND;
        expect(send(ALICE, BOB, undefined, at)).toEqual({ Err: { TooOld: null } });
        // and the window's entries are pruned as calls go by
        for (let i = 0; i < 3; i++) send(ALICE, BOB);
        expect(w.sockets.store.maps.dedup.size()).toBe(0);
    });
});
