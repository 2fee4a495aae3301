/**
 * Sockets changing hands in the market (spec §11–§12): the holder — not the payer — closes the
 * order and receives the refund, disputes and receives the rejected amount; buyer trading rewards
 * stay with the payer; transfers are refused while the order is closing; the socket shows its
 * order (7update_token, at most one per applied batch per order) and is burned when the order is
 * closed and settled; the market's invariants hold throughout.
 */
import { checkInvariants, GOVERNANCE, HOUR, WALLET_OWNER } from '../market/helpers';
import { field } from '../../../../src/protocol/log/block';
import { SocketError } from '../../../../src/protocol/sockets/model';
import { acct, ALICE, BOB, blockAt, btypes, CAROL, checkOwnership, EMC, operator, socketWorld } from './helpers';

const FEE = 100_000n;
const HOLDERS = [acct(ALICE), acct(BOB), acct(CAROL), acct(BOB, 5)];

describe('sockets in the market', () => {
    it('a new holder closes the order and receives the refund; the payer no longer can', async () => {
        const w = await socketWorld();
        const id = await w.mint(ALICE, 10n);
        w.market.tasks.applyTask(id, 'gpu1', 4n, new Uint8Array(0));
        expect(w.sockets.transfers.transfer(operator(ALICE), [{ to: acct(BOB, 5), token_id: id }])[0]).toHaveProperty('Ok');
        expect(await w.market.orders.close(operator(ALICE), id)).toHaveProperty('Err.NotAuthorized');
        const alice = w.ledger.balance(acct(ALICE));
        const bob = w.ledger.balance(acct(BOB, 5));
        expect(await w.market.orders.close(operator(BOB), id)).toHaveProperty('Ok.status', 'closed');
        // the refund went to the holder's account (its subaccount included), not to the payer
        expect(w.ledger.balance(acct(BOB, 5))).toBe(bob + 6n * 100_000_000n - FEE);
        expect(w.ledger.balance(acct(ALICE))).toBe(alice);
        // 4 units still pending: the socket lives on (status closed) until they settle
        expect(w.sockets.ownerOf([id])).toEqual([acct(BOB, 5)]);
        checkInvariants(w.protocol, w.ledger);
        checkOwnership(w.protocol, HOLDERS);
        w.env.time += 72n * HOUR;
        await w.protocol.maintenance.run();
        expect(w.sockets.ownerOf([id])).toEqual([undefined]);
        expect(w.sockets.tokens.totalSupply()).toBe(0n);
        const last = btypes(w.protocol).lastIndexOf('7burn');
        expect(blockAt(w.protocol, BigInt(last)).tx).toEqual({ Map: [['tid', { Nat: id }], ['from', { Array: [{ Blob: operator(BOB) }, { Blob: new Uint8Array(32).fill(5) }] }]] });
        checkInvariants(w.protocol, w.ledger);
        checkOwnership(w.protocol, HOLDERS);
    });

    it('an order closed with nothing pending burns its socket at once', async () => {
        const w = await socketWorld();
        const id = await w.mint(ALICE, 10n);
        expect(await w.market.orders.close(operator(ALICE), id)).toHaveProperty('Ok.status', 'closed');
        expect(w.sockets.tokens.get(id)).toBeUndefined();
        expect(btypes(w.protocol).filter((b) => b.startsWith('7'))).toEqual(['7mint', '7update_token', '7burn']);
    });

    it('refuses transfers while the order is closing (its refund is on its way to the holder)', async () => {
        const w = await socketWorld();
        const id = await w.mint(ALICE, 10n);
        w.ledger.faults.push({ when: 'after', code: 6 }, { when: 'after', code: 6 });
        expect(await w.market.orders.close(operator(ALICE), id)).toHaveProperty('Err.OperationPending');
        expect(w.market.store.order(id)?.status).toBe('closing');
        expect(w.sockets.transfers.transfer(operator(ALICE), [{ to: acct(BOB), token_id: id }])).toEqual([{ Err: { GenericError: { error_code: SocketError.OrderClosing, message: expect.stringContaining('closing') } } }]);
        w.sockets.approvals.approveTokens(operator(ALICE), [{ token_id: id, approval_info: { spender: acct(BOB), created_at_time: w.env.time } }]);
        expect(w.sockets.transfers.transferFrom(operator(BOB), [{ from: acct(ALICE), to: acct(BOB), token_id: id }])[0]).toMatchObject({ Err: { GenericError: { error_code: SocketError.OrderClosing } } });
        expect(w.sockets.ownerOf([id])).toEqual([acct(ALICE)]);
        // the retry lands: the refund reaches Alice, the order closes, the socket burns
        w.env.time += 10n * 60n * 1_000_000_000n;
        await w.protocol.maintenance.run();
        expect(w.market.store.order(id)?.status).toBe('closed');
        expect(w.sockets.tokens.get(id)).toBeUndefined();
        checkInvariants(w.protocol, w.ledger);
    });

    it('disputes follow the holder; buyer trading rewards stay with the payer', async () => {
        const w = await socketWorld();
        w.market.governance.setReferencePrices(GOVERNANCE, [{ service: 'sdxl-1.0', price: 100n * EMC }]);
        w.market.governance.startRewards(GOVERNANCE, undefined);
        const id = await w.mint(ALICE, 20n);
        w.market.tasks.applyTask(id, 'gpu1', 5n, new Uint8Array(0));
        w.market.tasks.applyTask(id, 'gpu1', 10n, new Uint8Array(0));
        w.sockets.transfers.transfer(operator(ALICE), [{ to: acct(CAROL), token_id: id }]);
        w.ledger.approve(operator(CAROL), 10n ** 15n);
        expect(await w.market.disputes.open(operator(ALICE), id, 0n)).toHaveProperty('Err.NotAuthorized');
        expect(await w.market.disputes.open(operator(CAROL), id, 0n)).toHaveProperty('Ok.status', 'disputed');
        const carol = w.ledger.balance(acct(CAROL));
        expect(w.market.tasks.applyRejection(id, 0n, 5n)).toBe('ok');
        await w.protocol.maintenance.run();
        // the rejected 5 EMC and the 1 EMC deposit reach the holder
        expect(w.ledger.balance(acct(CAROL))).toBe(carol + 6n * EMC - FEE);
        // (5, 10] matures: its buyer reward is the payer's (Alice), not the holder's
        w.env.time += 72n * HOUR;
        await w.protocol.maintenance.run();
        const r = w.market.receipts.range(0n, 10).find((x) => x.kind === 'settled');
        expect(r?.buyerReward).toBeGreaterThan(0n);
        expect(w.market.store.credit(acct(ALICE)).rewards).toBe(r?.buyerReward);
        expect(w.market.store.credit(acct(CAROL)).rewards).toBe(0n);
        expect(w.market.store.credit(acct(WALLET_OWNER)).rewards).toBe(r?.providerReward);
        checkInvariants(w.protocol, w.ledger);
    });

    it('a batch of task records gives each changed socket one 7update_token showing the order after the batch', async () => {
        const w = await socketWorld();
        const a = await w.mint(ALICE, 20n);
        const b = await w.mint(BOB, 20n);
        const n = w.protocol.log.length();
        // what system.ts wires around an applied batch
        w.sockets.hooks.defer();
        for (const cum of [2n, 5n, 9n]) w.market.tasks.applyTask(a, 'gpu1', cum, new Uint8Array(0));
        w.market.tasks.applyTask(b, 'gpu1', 1n, new Uint8Array(0));
        expect(w.protocol.log.length()).toBe(n);
        w.sockets.hooks.flush();
        expect(w.protocol.log.length()).toBe(n + 2n);
        const first = blockAt(w.protocol, n);
        expect(first.btype).toBe('7update_token');
        expect(field(first.tx, 'tid')).toEqual({ Nat: a });
        const meta = ((field(first.tx, 'meta') as { Map: [string, { Map: [string, unknown][] }][] }).Map[0][1].Map);
        expect(meta.find(([k]) => k === 'emc:units_confirmed')?.[1]).toEqual({ Nat: 9n });
        expect(meta.find(([k]) => k === 'emc:escrow')?.[1]).toEqual({ Nat: 11n * EMC });
        // nothing changed for the socket: no block
        w.sockets.hooks.defer();
        w.market.tasks.applyTask(a, 'gpu1', 9n, new Uint8Array(0));
        w.sockets.hooks.flush();
        expect(w.protocol.log.length()).toBe(n + 2n);
    });

    it('through the batch path: a confirmed batch with task records writes one update per order', async () => {
        const w = await socketWorld();
        const a = await w.mint(ALICE, 20n);
        const n = w.protocol.log.length();
        const sink = (w.protocol.batches as unknown as { sink: { applyTask: (...x: unknown[]) => string; batchApplied: (h: bigint) => void } }).sink;
        sink.applyTask(a, 'gpu1', 3n, new Uint8Array(0), 1n);
        sink.applyTask(a, 'gpu1', 7n, new Uint8Array(0), 1n);
        sink.batchApplied(1n);
        expect(btypes(w.protocol).slice(Number(n))).toEqual(['7update_token']);
        expect(w.sockets.tokenMetadata([a])[0]?.find(([k]) => k === 'emc:units_confirmed')?.[1]).toEqual({ Nat: 7n });
    });
});
