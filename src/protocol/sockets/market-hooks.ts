/**
 * How the sockets follow the market's orders (spec §12), called by the market in the message that
 * changes the order, with no await between the escrow's change and the token's:
 *  - `opened`: the order's pull landed (status open): token id = order id is minted to the payer (7mint);
 *  - `orderSaved`: any saved order: a token whose order is closed with nothing pending is burned
 *    (7burn); otherwise a change of units_confirmed, escrow or status is one 7update_token
 *    carrying the changed fields only;
 *  - while a batch is applied (`defer` … `flush`, wired around the task records in system.ts) the
 *    saved orders are collected and each gets at most one 7update_token (or its burn) when the
 *    batch is done, showing the order after the whole batch;
 *  - `holder`: the current holder of an order's socket — the market refunds and lets dispute
 *    whoever holds it (buyer trading rewards stay with the payer: the market never asks).
 * Storage: SOCKET_TOKENS (through tokens.ts). Cost: one order read and one token read per saved
 * order; a block when something shown changed.
 */
import type { Account } from '../../ledger/account';
import type { SocketBlocks } from './blocks';
import type { Value } from './ports';
import { tokenMetadata } from './collection';
import type { SocketPorts } from './ports';
import type { Tokens } from './tokens';

export class MarketHooks {
    private deferred: Set<bigint> | undefined;

    constructor(
        private readonly tokens: Tokens,
        private readonly blocks: SocketBlocks,
        private readonly ports: SocketPorts,
    ) {}

    holder(order: bigint): Account | undefined {
        return this.tokens.ownerOf(order);
    }

    opened(order: bigint, payer: Account): void {
        const o = this.ports.order(order);
        if (o === undefined || this.tokens.get(order) !== undefined) return;
        this.tokens.move({ id: order, owner: payer, approvals: [], shown: { unitsConfirmed: o.unitsConfirmed, escrow: o.escrow, status: o.status } }, payer);
        this.blocks.mint(order, payer, tokenMetadata(o));
    }

    orderSaved(order: bigint): void {
        if (this.deferred !== undefined) {
            this.deferred.add(order);
            return;
        }
        this.reconcile(order);
    }

    /** From now until `flush`, saved orders are collected (a batch is being applied). */
    defer(): void {
        if (this.deferred === undefined) this.deferred = new Set();
    }

    /** The batch is applied: one block per changed socket. */
    flush(): void {
        const ids = this.deferred;
        this.deferred = undefined;
        if (ids === undefined) return;
        for (const id of ids) this.reconcile(id);
    }

    private reconcile(id: bigint): void {
        const t = this.tokens.get(id);
        if (t === undefined) return;
        const o = this.ports.order(id);
        if (o === undefined) return;
        if (o.status === 'closed' && o.pending === 0n) {
            this.tokens.move(t, undefined);
            this.blocks.burn(id, t.owner);
            return;
        }
        const s = t.shown;
        if (s.unitsConfirmed === o.unitsConfirmed && s.escrow === o.escrow && s.status === o.status) return;
        // Not a move: the holder and the approvals stay.
        this.tokens.save({ ...t, shown: { unitsConfirmed: o.unitsConfirmed, escrow: o.escrow, status: o.status } });
        // The block carries what changed, not the whole metadata: every value in a block costs its
        // hash (~1 M instructions per field in QuickJS); the rest is in the 7mint and in icrc7_token_metadata.
        const changed: [string, Value][] = [];
        if (s.unitsConfirmed !== o.unitsConfirmed) changed.push(['emc:units_confirmed', { Nat: o.unitsConfirmed }]);
        if (s.escrow !== o.escrow) changed.push(['emc:escrow', { Nat: o.escrow }]);
        if (s.status !== o.status) changed.push(['emc:status', { Text: o.status }]);
        this.blocks.update(id, changed);
    }
}
