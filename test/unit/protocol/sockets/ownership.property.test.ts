/**
 * Random socket histories — orders opened, transfers and transfer_froms (by token and collection
 * approvals, from subaccounts, with and without created_at_time, repeated), approvals, revocations,
 * task records, closes, time passing, maintenance — keep ICRC-7's consistency after every step:
 * Σ icrc7_balance_of over all holders = icrc7_total_supply, owner_of agrees with tokens_of (no token
 * under two owners: PanIndustrial-Org/icrc_nft.mo#3), every live token's order is not closed-and-
 * settled, and the market's invariants (spec §11) hold with sockets changing hands.
 */
import fc from 'fast-check';
import { checkInvariants, HOUR } from '../market/helpers';
import { acct, ALICE, BOB, btypes, CAROL, checkOwnership, DAVE, operator, socketWorld } from './helpers';

const PEOPLE = [ALICE, BOB, CAROL, DAVE];
const HOLDERS = [...PEOPLE.map((p) => acct(p)), ...PEOPLE.map((p) => acct(p, 3))];
const who = fc.integer({ min: 0, max: PEOPLE.length - 1 });
const sub = fc.option(fc.constant(3), { nil: undefined });
const token = fc.integer({ min: 0, max: 3 });

const action = fc.oneof(
    { arbitrary: fc.record({ k: fc.constant('open' as const), buyer: who }), weight: 3 },
    { arbitrary: fc.record({ k: fc.constant('transfer' as const), caller: who, fromSub: sub, to: who, toSub: sub, token, dedup: fc.boolean(), asOwner: fc.boolean() }), weight: 5 },
    { arbitrary: fc.record({ k: fc.constant('from' as const), caller: who, owner: who, ownerSub: sub, to: who, toSub: sub, token, dedup: fc.boolean(), asOwner: fc.boolean() }), weight: 4 },
    fc.record({ k: fc.constant('approve' as const), caller: who, sub, spender: who, token, expires: fc.option(fc.integer({ min: 1, max: 48 }), { nil: undefined }), asOwner: fc.boolean() }),
    fc.record({ k: fc.constant('approveColl' as const), caller: who, sub, spender: who, expires: fc.option(fc.integer({ min: 1, max: 48 }), { nil: undefined }) }),
    fc.record({ k: fc.constant('revoke' as const), caller: who, sub, token, all: fc.boolean(), spender: who }),
    fc.record({ k: fc.constant('revokeColl' as const), caller: who, sub, all: fc.boolean(), spender: who }),
    fc.record({ k: fc.constant('task' as const), token, cum: fc.integer({ min: 0, max: 12 }) }),
    fc.record({ k: fc.constant('close' as const), caller: who, token }),
    fc.record({ k: fc.constant('time' as const), hours: fc.integer({ min: 1, max: 80 }) }),
);

const subOf = (s: number | undefined) => (s === undefined ? undefined : new Uint8Array(32).fill(s));

describe('socket ownership under random histories', () => {
    it('Σ balance_of = total_supply and owner_of agrees with tokens_of after every step', async () => {
        let moves = 0;
        await fc.assert(
            fc.asyncProperty(fc.array(action, { minLength: 10, maxLength: 40 }), async (actions) => {
                const w = await socketWorld();
                const s = w.sockets;
                for (const a of actions) {
                    const t = BigInt(a.k === 'open' || a.k === 'time' || a.k === 'approveColl' || a.k === 'revokeColl' ? 0 : a.token);
                    switch (a.k) {
                        case 'open':
                            if (w.market.store.state().nextOrder < 4n) await w.mint(PEOPLE[a.buyer], 10n);
                            break;
                        case 'transfer': {
                            // half the time the holder itself sends (most random callers are refused)
                            const o = a.asOwner ? s.tokens.ownerOf(t) : undefined;
                            s.transfers.transfer(o?.owner ?? operator(PEOPLE[a.caller]), [{ from_subaccount: o === undefined ? subOf(a.fromSub) : o.subaccount, to: acct(PEOPLE[a.to], a.toSub), token_id: t, created_at_time: a.dedup ? w.env.time : undefined }]);
                            break;
                        }
                        case 'from':
                            s.transfers.transferFrom(operator(PEOPLE[a.caller]), [{ from: (a.asOwner ? s.tokens.ownerOf(t) : undefined) ?? acct(PEOPLE[a.owner], a.ownerSub), to: acct(PEOPLE[a.to], a.toSub), token_id: t, created_at_time: a.dedup ? w.env.time : undefined }]);
                            break;
                        case 'approve': {
                            const o = a.asOwner ? s.tokens.ownerOf(t) : undefined;
                            s.approvals.approveTokens(o?.owner ?? operator(PEOPLE[a.caller]), [{ token_id: t, approval_info: { spender: acct(PEOPLE[a.spender]), from_subaccount: o === undefined ? subOf(a.sub) : o.subaccount, created_at_time: w.env.time, expires_at: a.expires === undefined ? undefined : w.env.time + BigInt(a.expires) * HOUR } }]);
                            break;
                        }
                        case 'approveColl':
                            s.approvals.approveCollection(operator(PEOPLE[a.caller]), [{ approval_info: { spender: acct(PEOPLE[a.spender]), from_subaccount: subOf(a.sub), created_at_time: w.env.time, expires_at: a.expires === undefined ? undefined : w.env.time + BigInt(a.expires) * HOUR } }]);
                            break;
                        case 'revoke':
                            s.approvals.revokeTokenApprovals(operator(PEOPLE[a.caller]), [{ token_id: t, from_subaccount: subOf(a.sub), spender: a.all ? undefined : acct(PEOPLE[a.spender]) }]);
                            break;
                        case 'revokeColl':
                            s.approvals.revokeCollectionApprovals(operator(PEOPLE[a.caller]), [{ from_subaccount: subOf(a.sub), spender: a.all ? undefined : acct(PEOPLE[a.spender]) }]);
                            break;
                        case 'task':
                            s.hooks.defer();
                            w.market.tasks.applyTask(t, 'gpu1', BigInt(a.cum), new Uint8Array(0));
                            s.hooks.flush();
                            break;
                        case 'close':
                            await w.market.orders.close(operator(PEOPLE[a.caller]), t);
                            break;
                        case 'time':
                            w.env.time += BigInt(a.hours) * HOUR;
                            await w.protocol.maintenance.run();
                            break;
                    }
                    checkOwnership(w.protocol, HOLDERS);
                    checkInvariants(w.protocol, w.ledger);
                    // a live socket's order is never closed-and-settled; a closed-and-settled order has no socket
                    for (let id = 0n; id < w.market.store.state().nextOrder; id++) {
                        const o = w.market.store.order(id);
                        const live = s.tokens.get(id) !== undefined;
                        if (o === undefined || o.status === 'failed' || o.status === 'opening') expect(live).toBe(false);
                        else expect({ id, live }).toEqual({ id, live: !(o.status === 'closed' && o.pending === 0n) });
                        // token-level approvals only ever name the holder's subaccount
                        const tk = s.tokens.get(id);
                        if (tk !== undefined) for (const ap of tk.approvals) expect(s.approvals.approvedFor(ap.spender, tk.owner, id) || (ap.expiresAt ?? 1n << 64n) <= w.env.time).toBe(true);
                    }
                }
                moves += btypes(w.protocol).filter((b) => b === '7xfer' || b === '37xfer').length;
            }),
            { numRuns: 100 },
        );
        // the histories did move sockets (a property that never transfers would prove nothing)
        expect(moves).toBeGreaterThan(30);
    });
});
