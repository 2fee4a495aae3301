/**
 * The Candid types shared by the genesis-distribution methods (spec §13–§14): their error variant
 * and its conversion. Each section's own types and views are in `<section>-candid.ts` next to this.
 * Storage: none. Cost: none.
 */
import { C } from '../../lib/candid/candid';

export const DistributionErrorT = C.variant({
    NotAuthorized: C.record({ reason: C.text }),
    InvalidArgument: C.record({ reason: C.text }),
    NotFound: C.record({ what: C.text, id: C.text }),
    NothingToClaim: C.record({ reason: C.text }),
    WrongState: C.record({ reason: C.text }),
    LedgerRefused: C.record({ reason: C.text }),
    LedgerUnavailable: C.record({ reason: C.text }),
    Paused: C.record({ reason: C.text }),
});

/** Ledger transfers of the distribution (the outbox), as queried. */
export const OutboxEntryT = C.record({
    id: C.nat64,
    kind: C.text,
    reference: C.nat64,
    amount: C.nat,
    fee: C.nat,
    created_at: C.nat64,
    status: C.variant({ pending: C.null, sent: C.null, failed: C.null }),
    block: C.opt(C.nat),
    error: C.opt(C.text),
});
