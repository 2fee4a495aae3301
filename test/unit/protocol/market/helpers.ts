/** A protocol with an active compute node and funded buyers, for the market's unit tests. */
import { MARKET_SUBACCOUNT } from '../../../../src/protocol/market/model';
import { decodeOp } from '../../../../src/protocol/market/store';
import type { ProtocolSystem } from '../../../../src/protocol/system';
import type { FakeLedgerClient } from '../fake-ledger';
import { EMC, GOVERNANCE, newProtocol, operator, PROTOCOL_ID } from '../helpers';

export { DAY, EMC, GOVERNANCE, operator, PROTOCOL_ID, T0 } from '../helpers';

export const PROVIDER = 1;
export const WALLET_OWNER = 2;
export const BUYERS = [10, 11, 12, 13];
export const HOUR = 3_600n * 1_000_000_000n;

export async function marketWorld(funds = 100_000n * EMC) {
    const t = newProtocol(BUYERS.map((b) => [b, funds] as [number, bigint]));
    const { protocol, env } = t;
    env.as(operator(PROVIDER));
    const r = await protocol.stakes.registerNode({ node_id: 'gpu1', node_type: 'compute', wallet: { owner: operator(WALLET_OWNER) }, stake: undefined });
    if (!('Ok' in r)) throw new Error(`register: ${JSON.stringify(r)}`);
    expect(protocol.activation.applyPoc('gpu1', operator(PROVIDER), 10_000)).toBe('applied');
    const market = protocol.market;
    /** Publishes an offer as the provider. */
    const offer = (price = 1n * EMC, min = 1n, max = 10_000n, service = 'sdxl-1.0') => {
        const o = market.offers.create(operator(PROVIDER), { node_id: 'gpu1', service, unit: 'task', price, min_units: min, max_units: max });
        if (!('Ok' in o)) throw new Error(JSON.stringify(o));
        return o.Ok;
    };
    /** Approves and opens an order as `buyer`. */
    const open = async (buyer: number, offerId: bigint, units: bigint, extra: Partial<{ max_price: bigint; expires_at: bigint; created_at_time: bigint }> = {}) => {
        t.ledger.approve(operator(buyer), 10n ** 17n);
        env.as(operator(buyer));
        return market.orders.open(operator(buyer), { offer: offerId, units, max_price: extra.max_price ?? 10n ** 15n, expires_at: extra.expires_at ?? env.time + 30n * 86_400n * 1_000_000_000n, created_at_time: extra.created_at_time ?? env.time });
    };
    return { ...t, market, offer, open };
}

export function marketBalance(ledger: FakeLedgerClient): bigint {
    return ledger.balance({ owner: PROTOCOL_ID, subaccount: MARKET_SUBACCOUNT });
}

/** Every market invariant of spec §11 that can be checked from the books and the ledger. */
export function checkInvariants(p: ProtocolSystem, ledger: FakeLedgerClient): void {
    const s = p.market.store.state();
    // The ledger's market escrow = Σ escrow + Σ pending + unclaimed credit + open deposits + fees not yet moved (+ transfers
    // booked out and not yet sent). While a ledger call's outcome is unknown the ledger may already have executed it: the
    // balance is then between the books without and with that movement; with nothing in flight it is exact.
    const books = s.escrow + s.pending + s.credit + s.deposits + s.feesUnmoved + s.outgoing;
    let maybeOut = 0n;
    let maybeIn = 0n;
    for (const [, raw] of p.market.store.maps.ops.entries(0, 10_000)) {
        const op = decodeOp(raw);
        if (op.kind === 'pull_order' || op.kind === 'pull_deposit') maybeIn += op.amount;
        else if (op.kind !== 'reward') maybeOut += op.amount;
    }
    const balance = marketBalance(ledger);
    if (maybeIn === 0n && maybeOut === 0n) expect(balance).toBe(books);
    else expect({ balance, low: balance >= books - maybeOut, high: balance <= books + maybeIn }).toEqual({ balance, low: true, high: true });
    expect(s.outgoing <= maybeOut).toBe(true);
    let escrow = 0n;
    let pending = 0n;
    for (let id = 0n; id < s.nextOrder; id++) {
        const o = p.market.store.order(id);
        if (o === undefined) continue;
        expect({ order: id, paid: o.paid }).toEqual({ order: id, paid: o.refunded + o.settled + o.pending + o.escrow });
        expect(o.escrow >= 0n && o.pending >= 0n).toBe(true);
        escrow += o.escrow;
        pending += o.pending;
    }
    expect({ escrow, pending }).toEqual({ escrow: s.escrow, pending: s.pending });
    expect(s.rewardsMinted <= s.rewardsGranted).toBe(true);
    expect(s.rewardsGranted <= 378_000_000n * EMC).toBe(true);
    // Receipts chain.
    expect(GOVERNANCE.length).toBeGreaterThan(0);
}
