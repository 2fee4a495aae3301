/**
 * The devnet's socket resales (issue 18, spec §12; docs/sockets.md), driven through the SDK's
 * `SocketsClient` and `MarketClient` with each buyer's own key: three times in a run a buyer passes
 * one of its open orders' sockets to another buyer — the first and the third by `icrc7_transfer`,
 * the second by `icrc37_approve_tokens` from the seller and `icrc37_transfer_from` by the new
 * holder — and the second socket's new holder then closes its order (`market_close`): the refund of
 * the unconfirmed escrow must reach the holder's ledger balance (less one fee), not the payer's.
 * The socket supply is read at every epoch's close for the report.
 * Storage: none (what happened is in the run's record; the canister holds the sockets). Cost: per
 * resale an `icrc7_tokens_of` page per candidate seller, an approval (second only), a transfer and
 * an owner query; one close with four balance queries; one `icrc7_total_supply` query per epoch.
 */
import type { Principal } from '@dfinity/principal';
import type { SocketsClient } from '../../src/client/sockets';
import type { MarketClient } from '../../src/client/market';
import type { ClientResult } from '../../src/client/result';
import type { MarketOrder } from '../../src/client/types/market';
import type { LedgerClient } from '../../src/client/ledger';
import { HOUR_NS, identityOf, type ResaleHow } from './plan';


export interface Resale {
    slot: number;
    token: bigint;
    from: string;
    to: string;
    how: ResaleHow;
    /** the block index of the transfer in the protocol's ICRC-3 log */
    block: bigint;
}

/** The resold order its new holder closed: the balances read around `market_close`. */
export interface HolderClose {
    order: bigint;
    payer: string;
    holder: string;
    escrowBefore: bigint;
    refunded: bigint;
    status: string;
    holderBefore: bigint;
    holderAfter: bigint;
    payerBefore: bigint;
    payerAfter: bigint;
    /** The refund receipt's recipient (`to`, from its block through the SDK), as principal text. */
    refundTo?: string;
}

export interface SocketsRecord {
    resales: Resale[];
    close?: HolderClose;
}

/** A buyer's open order the script may sell: its id and its payer's index. */
export interface Sellable {
    id: bigint;
    buyer: number;
    units: bigint;
    cum: bigint;
    rate: bigint;
    expiresAt: bigint;
}

export interface SocketsContext {
    sockets(name: string | undefined): SocketsClient;
    market(name: string): MarketClient;
    ledger(name: string): Promise<LedgerClient>;
    now(): bigint;
}

const must = <T>(r: ClientResult<T>, what: string): T => {
    if (!r.ok) throw new Error(`${what}: ${r.error.message}`);
    return r.value;
};

const principal = (name: string): Principal => identityOf(name).getPrincipal();

export class SocketResales {
    readonly record: SocketsRecord = { resales: [] };

    constructor(
        private readonly ctx: SocketsContext,
        private readonly buyers: string[],
    ) {}

    /**
     * Picks the seller's open order (or, if it has none worth selling now, the next buyer's, skipping
     * buyers 0–2, whose orders carry the offline provider and the disputes) and moves its socket.
     * Answers the order sold, or undefined when no buyer has one (possible only in a tiny network).
     */
    async resell(slot: number, from: number, to: number, how: ResaleHow, live: Sellable[]): Promise<Sellable | undefined> {
        const n = this.buyers.length;
        const now = this.ctx.now();
        for (let k = 0; k < n; k++) {
            const b = (from + k) % n;
            if (b <= 2) continue;
            const seller = this.buyers[b];
            // a socket the buyer still holds (an earlier run may have sold one of its orders), with enough
            // unconfirmed units left for a refund larger than a fee, and no expiry soon
            const held = new Set(must(await this.ctx.sockets(undefined).allTokensOf({ owner: principal(seller) }), 'icrc7_tokens_of'));
            const l = live.find((x) => x.buyer === b && held.has(x.id) && x.units - x.cum > 2n * x.rate && x.expiresAt > now + 4n * HOUR_NS);
            if (l === undefined) continue;
            const recipient = (to + k) % n === b ? (to + k + 1) % n : (to + k) % n;
            const holder = this.buyers[recipient];
            const dest = { owner: principal(holder) };
            let block: bigint;
            if (how === 'icrc7_transfer') {
                block = must(await this.ctx.sockets(seller).transfer({ tokenId: l.id, to: dest }), `${seller} transfers socket ${l.id} to ${holder}`);
            } else {
                must(await this.ctx.sockets(seller).approve({ tokenId: l.id, spender: dest, expiresAt: now + HOUR_NS }), `${seller} approves ${holder} for socket ${l.id}`);
                block = must(await this.ctx.sockets(holder).transferFrom({ tokenId: l.id, from: { owner: principal(seller) }, to: dest }), `${holder} takes socket ${l.id} from ${seller}`);
            }
            const owner = must(await this.ctx.sockets(undefined).ownerOf([l.id]), 'icrc7_owner_of')[0];
            if (owner === undefined || owner.owner.toText() !== dest.owner.toText()) throw new Error(`socket ${l.id}: icrc7_owner_of answers ${owner?.owner.toText()} after its transfer to ${holder}`);
            this.record.resales.push({ slot, token: l.id, from: seller, to: holder, how, block });
            return l;
        }
        return undefined;
    }

    /** The new holder of `resale` closes its order; the balances of holder and payer are read around the close. */
    async holderCloses(resale: Resale): Promise<HolderClose> {
        const m = this.ctx.market(resale.to);
        const holderLedger = await this.ctx.ledger(resale.to);
        const me = { owner: principal(resale.to) };
        const payer = { owner: principal(resale.from) };
        const o = must(await m.order(resale.token), 'market_get_order') as MarketOrder;
        const holderBefore = must(await holderLedger.balance(me), 'balance');
        const payerBefore = must(await holderLedger.balance(payer), 'balance');
        const closed = must(await m.close(resale.token), `${resale.to} closes order ${resale.token}`);
        const holderAfter = must(await holderLedger.balance(me), 'balance');
        const payerAfter = must(await holderLedger.balance(payer), 'balance');
        // the refund's receipt, among the last few: its block names the recipient
        const count = must(await m.totals(), 'market_summary').receipts;
        const recent = must(await m.receipts(count > 10n ? count - 10n : 0n, 10), 'market_receipts');
        const refund = recent.filter((r) => r.order === resale.token && r.kind === 'refunded').pop();
        this.record.close = { order: resale.token, payer: resale.from, holder: resale.to, escrowBefore: o.escrow, refunded: closed.refunded, status: closed.status, holderBefore, holderAfter, payerBefore, payerAfter, refundTo: refund?.to?.owner.toText() };
        return this.record.close;
    }

    /** icrc7_total_supply now. */
    async supply(): Promise<bigint> {
        return must(await this.ctx.sockets(undefined).call<bigint>('icrc7_total_supply', []), 'icrc7_total_supply');
    }
}
