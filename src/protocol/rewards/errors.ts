/**
 * The refusals of `claim_rewards` (./claims.ts): one Candid variant, `ClaimError`, each case named
 * after the rule that refused with a readable `message` and its data; the mint's own outcomes are
 * the ledger-movement cases every node section shares (src/protocol/model/errors.ts).
 * Storage: none. Cost: none.
 */
import { C, type ValueOf } from '../../lib/candid/candid';
import { msg, NODE_CASES, OPERATION_CASES, PAUSED_CASE } from '../model/errors';

const { AnonymousCaller, NodeBusy, NodeFrozen } = NODE_CASES;

export const ClaimErrorT = C.variant({
    ...PAUSED_CASE,
    ...OPERATION_CASES,
    AnonymousCaller,
    NodeBusy,
    NodeFrozen,
    /** Only the node's operator or its reward wallet's owner claims. */
    NotClaimant: msg({ node_id: C.text }),
    /** The node has earned nothing since its last claim. */
    NothingToClaim: msg({ node_id: C.text }),
});
export type ClaimError = ValueOf<typeof ClaimErrorT>;
export type ClaimOutcome<T> = { Ok: T } | { Err: ClaimError };
