/**
 * Random market histories (opens, task records in any order and repeated, closes, disputes,
 * rejections, time, maintenance, claims, lost ledger answers) keep every invariant of spec §11 after
 * every step: the ledger's market escrow = Σ escrow + Σ pending + unclaimed credit + open deposits +
 * fees not yet moved (+ transfers in flight); for every order paid = refunded + settled + pending +
 * escrow; rewards minted ≤ granted ≤ 378 M; the receipts' amounts re-derive from the rules, and each
 * receipt is a block of the protocol's ICRC-3 log with the same amounts.
 */
import fc from 'fast-check';
import { marketFee, tradingRewards } from '../../../../src/protocol/market/trading-rewards';
import type { Value } from '../../../../src/ledger/icrc3/value';
import { field } from '../../../../src/protocol/log/block';
import { RECEIPT_BTYPES } from '../../../../src/protocol/log/block-types';
import { BUYERS, checkInvariants, DAY, EMC, GOVERNANCE, HOUR, marketWorld, operator, WALLET_OWNER } from './helpers';

const action = fc.oneof(
    fc.record({ k: fc.constant('open' as const), buyer: fc.integer({ min: 0, max: BUYERS.length - 1 }), units: fc.integer({ min: 1, max: 40 }), days: fc.integer({ min: 1, max: 20 }) }),
    fc.record({ k: fc.constant('task' as const), order: fc.integer({ min: 0, max: 6 }), cum: fc.integer({ min: 0, max: 45 }) }),
    fc.record({ k: fc.constant('close' as const), order: fc.integer({ min: 0, max: 6 }), byProvider: fc.boolean() }),
    fc.record({ k: fc.constant('dispute' as const), order: fc.integer({ min: 0, max: 6 }), pick: fc.integer({ min: 0, max: 5 }) }),
    fc.record({ k: fc.constant('reject' as const), order: fc.integer({ min: 0, max: 6 }), pick: fc.integer({ min: 0, max: 5 }) }),
    fc.record({ k: fc.constant('time' as const), hours: fc.integer({ min: 1, max: 24 * 8 }) }),
    fc.record({ k: fc.constant('maintain' as const), lose: fc.boolean() }),
    fc.record({ k: fc.constant('claim' as const), who: fc.integer({ min: 0, max: BUYERS.length }) }),
);

describe('the market books under random histories', () => {
    it('keep every invariant after every step', async () => {
        await fc.assert(
            fc.asyncProperty(fc.array(action, { minLength: 5, maxLength: 40 }), fc.boolean(), async (actions, rewardsOn) => {
                const w = await marketWorld(10_000n * EMC);
                const m = w.market;
                if (rewardsOn) {
                    m.governance.setReferencePrices(GOVERNANCE, [{ service: 'sdxl-1.0', price: EMC }]);
                    m.governance.startRewards(GOVERNANCE, undefined);
                }
                const offer = w.offer(3n * EMC / 2n, 1n, 40n);
                const pendingKeys = (order: bigint) => {
                    const o = m.store.order(order);
                    const out: bigint[] = [];
                    for (let c = 0n; o !== undefined && c < o.unitsConfirmed; c++) if (m.store.pendingAt(order, c) !== undefined) out.push(c);
                    return out;
                };
                for (const a of actions) {
                    switch (a.k) {
                        case 'open':
                            await w.open(BUYERS[a.buyer], offer.id, BigInt(a.units), { expires_at: w.env.time + BigInt(a.days) * DAY, created_at_time: w.env.time });
                            break;
                        case 'task':
                            m.tasks.applyTask(BigInt(a.order), 'gpu1', BigInt(a.cum), new Uint8Array(0));
                            break;
                        case 'close': {
                            const o = m.store.order(BigInt(a.order));
                            if (o !== undefined) await m.orders.close(a.byProvider ? operator(1) : o.payer.owner, o.id);
                            break;
                        }
                        case 'dispute': {
                            const o = m.store.order(BigInt(a.order));
                            const keys = pendingKeys(BigInt(a.order));
                            if (o !== undefined && keys.length > 0) await m.disputes.open(o.payer.owner, o.id, keys[a.pick % keys.length]);
                            break;
                        }
                        case 'reject': {
                            const keys = pendingKeys(BigInt(a.order));
                            if (keys.length > 0) {
                                const p = m.store.pendingAt(BigInt(a.order), keys[a.pick % keys.length])!;
                                m.tasks.applyRejection(p.order, p.fromCum, p.toCum);
                            }
                            break;
                        }
                        case 'time':
                            w.env.time += BigInt(a.hours) * HOUR;
                            break;
                        case 'maintain':
                            if (a.lose) w.ledger.faults.push({ when: 'after', code: 6 }, { when: 'after', code: 6 });
                            await w.protocol.maintenance.run();
                            w.ledger.faults.length = 0;
                            break;
                        case 'claim':
                            await m.claims.claim(operator(a.who === BUYERS.length ? WALLET_OWNER : BUYERS[a.who]));
                            break;
                    }
                    checkInvariants(w.protocol, w.ledger);
                }
                // Let everything finish: every amount ends settled or refunded, the escrow holds only what is claimable.
                for (let i = 0; i < 6; i++) {
                    w.env.time += 8n * DAY;
                    await w.protocol.maintenance.run();
                    checkInvariants(w.protocol, w.ledger);
                }
                const s = m.store.state();
                expect({ pending: s.pending, escrow: s.escrow, deposits: s.deposits }).toEqual({ pending: 0n, escrow: 0n, deposits: 0n });
                // every receipt re-derives from the rules
                for (const r of m.receipts.range(0n, 100)) {
                    // every receipt is a block of the protocol's log carrying the same amounts
                    const tx = field(w.protocol.log.block(r.block as bigint) as Value, 'tx') as Value;
                    const nat = (k: string) => (field(tx, k) as { Nat: bigint }).Nat;
                    expect([nat('receipt'), nat('order'), nat('from_cum'), nat('to_cum'), nat('amt'), nat('fee'), nat('credit'), nat('buyer_reward'), nat('provider_reward'), nat('period')]).toEqual([
                        r.seq, r.order, r.fromCum, r.toCum, r.amount, r.fee, r.credit, r.buyerReward, r.providerReward, BigInt(r.period),
                    ]);
                    expect(field(w.protocol.log.block(r.block as bigint) as Value, 'btype')).toEqual({ Text: RECEIPT_BTYPES[r.kind] });
                    if (r.kind === 'settled' || r.kind === 'dispute_failed') {
                        expect(r.fee).toBe(marketFee(r.amount));
                        expect(r.credit).toBe(r.amount - r.fee);
                        const base = r.amount < (r.toCum - r.fromCum) * EMC ? r.amount : (r.toCum - r.fromCum) * EMC;
                        const want = rewardsOn ? tradingRewards(base, r.period) : { buyer: 0n, provider: 0n };
                        expect({ b: r.buyerReward, p: r.providerReward }).toEqual({ b: want.buyer, p: want.provider });
                    }
                }
            }),
            { numRuns: 40 },
        );
    }, 120_000);
});
