/**
 * Offers (spec §11): the operator of an active compute node with a valid state publishes an offer
 * (service: 1..64 bytes of text, unit `task` or `second`, price in e8s per unit, min and max units
 * per order), at most 16 open per node; the operator closes it (orders on it continue).
 * Storage: MARKET_OFFERS (id → offer), MARKET_NODE_OFFERS (node → open-offer count), the state's
 * next offer id. Cost: three reads and three writes per call.
 */
import { isAnonymous } from '../../ledger/account';
import { utf8Length } from '../../lib/storage/binary';
import { bytesEqual } from '../../lib/storage/bytes';
import { MAX_AMOUNT_E8S } from '../model/bounds';
import type { MarketContext } from './context';
import { fail, invalid, MAX_OPEN_OFFERS_PER_NODE, MAX_SERVICE_BYTES, MAX_UNITS, UNITS, type MarketError, type MarketOutcome, type Offer, type Unit } from './model';

export interface OfferArgs {
    node_id: string;
    service: string;
    unit: Unit;
    price: bigint;
    min_units: bigint;
    max_units: bigint;
}

/** Why a service name is refused (1..64 bytes of printable text), or undefined. */
export function serviceProblem(s: unknown): string | undefined {
    if (typeof s !== 'string' || s.length === 0) return 'the service must be 1 to 64 bytes of text';
    if (utf8Length(s) > MAX_SERVICE_BYTES) return `the service is longer than ${MAX_SERVICE_BYTES} bytes`;
    for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) < 0x20 || s.charCodeAt(i) === 0x7f) return 'the service contains a control character';
    return undefined;
}

/** The checks shared by every market method that changes state: an identified caller, no pause. */
export function refuseCaller(ctx: MarketContext, caller: Uint8Array): { Err: MarketError } | undefined {
    if (isAnonymous(caller)) return fail({ NotAuthorized: { message: 'the anonymous principal cannot use the market' } });
    const paused = ctx.ports.protocolPaused() ?? ctx.store.state().paused;
    if (paused !== undefined) return fail({ Paused: { message: `the market is paused: ${paused}` } });
    return undefined;
}

export class Offers {
    constructor(private readonly ctx: MarketContext) {}

    create(caller: Uint8Array, a: OfferArgs): MarketOutcome<Offer> {
        const refused = refuseCaller(this.ctx, caller);
        if (refused !== undefined) return refused;
        const bad = serviceProblem(a.service);
        if (bad !== undefined) return invalid(bad);
        if (!UNITS.includes(a.unit)) return invalid('the unit must be task or second');
        if (typeof a.price !== 'bigint' || a.price < 1n || a.price > MAX_AMOUNT_E8S) return invalid(`the price must be 1 to ${MAX_AMOUNT_E8S} e8s per unit`);
        if (typeof a.min_units !== 'bigint' || a.min_units < 1n || typeof a.max_units !== 'bigint' || a.max_units < a.min_units || a.max_units > MAX_UNITS) {
            return invalid(`units per order must satisfy 1 ≤ min_units ≤ max_units ≤ ${MAX_UNITS}`);
        }
        const node = this.ctx.ports.nodeById(a.node_id);
        if (node === undefined) return fail({ NodeNotFound: { message: `no node ${a.node_id}`, node_id: String(a.node_id) } });
        if (!bytesEqual(node.operator, caller)) return fail({ NotAuthorized: { message: 'only the node’s operator may publish its offers' } });
        if (!node.canTakeOrders) return fail({ NodeCannotTakeOrders: { message: `node ${node.id} cannot take orders: ${node.why ?? 'not an active compute node with a valid state'}`, node_id: node.id } });
        const open = this.ctx.store.openOffers(node.index);
        if (open >= MAX_OPEN_OFFERS_PER_NODE) return fail({ TooManyOffers: { message: `node ${node.id} already has ${MAX_OPEN_OFFERS_PER_NODE} open offers: close one first`, max: MAX_OPEN_OFFERS_PER_NODE } });
        const offer: Offer = { id: this.ctx.store.state().nextOffer, nodeIndex: node.index, nodeId: node.id, service: a.service, unit: a.unit, price: a.price, minUnits: a.min_units, maxUnits: a.max_units, open: true, createdAt: this.ctx.env.now() };
        this.ctx.store.update((s) => ({ nextOffer: s.nextOffer + 1n }));
        this.ctx.store.saveOffer(offer);
        this.ctx.store.setOpenOffers(node.index, open + 1);
        return { Ok: offer };
    }

    close(caller: Uint8Array, id: bigint): MarketOutcome<Offer> {
        if (isAnonymous(caller)) return fail({ NotAuthorized: { message: 'the anonymous principal cannot use the market' } });
        const offer = this.ctx.store.offer(id);
        if (offer === undefined) return fail({ OfferNotFound: { message: `no offer ${id}`, offer: id } });
        const node = this.ctx.ports.node(offer.nodeIndex);
        if (node === undefined || !bytesEqual(node.operator, caller)) return fail({ NotAuthorized: { message: 'only the node’s operator may close its offers' } });
        if (!offer.open) return fail({ OfferClosed: { message: `offer ${id} is already closed`, offer: id } });
        const next = { ...offer, open: false };
        this.ctx.store.saveOffer(next);
        this.ctx.store.setOpenOffers(offer.nodeIndex, Math.max(0, this.ctx.store.openOffers(offer.nodeIndex) - 1));
        return { Ok: next };
    }
}
