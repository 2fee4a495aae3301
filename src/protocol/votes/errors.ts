/**
 * The refusals of the peer votes (open_impeachment, vote_impeachment, report_key_compromise,
 * answer_key_report; ./votes.ts): one Candid variant, `VoteError`, each case named after the rule
 * that refused with a readable `message` and its data.
 * Storage: none. Cost: none.
 */
import { C, type ValueOf } from '../../lib/candid/candid';
import { msg, NODE_CASES, OPERATION_CASES, PAUSED_CASE } from '../model/errors';

const { AnonymousCaller, NotNodeOperator, NodeFrozen, WrongStatus } = NODE_CASES;

export const VoteErrorT = C.variant({
    ...PAUSED_CASE,
    AnonymousCaller,
    NotNodeOperator,
    NodeFrozen,
    /** The voter (or the accused, or the reporting validator) is not in the status the vote needs. */
    WrongStatus,
    NodeNotFound: OPERATION_CASES.NodeNotFound,
    /** No impeachment (or key report) with this id. */
    VoteNotFound: msg({ id: C.nat64, kind: C.text }),
    /** A node cannot impeach itself. */
    SelfImpeachment: msg({ node_id: C.text }),
    /** A node impeaches, and votes on impeachments of, only nodes of its own type. */
    WrongNodeType: msg({ node_type: C.text, expected: C.text }),
    /** The reason is empty or longer than MAX_REASON_BYTES (model/bounds.ts). */
    InvalidReason: msg(),
    /** One open impeachment per node. */
    ImpeachmentOpen: msg({ id: C.nat64, node_id: C.text }),
    /** The accused does not vote on its own impeachment. */
    AccusedCannotVote: msg({ node_id: C.text }),
    /** The voter was not part of the electorate when the vote opened. */
    NotInElectorate: msg({ node_id: C.text }),
    /** The new operator must be a non-anonymous principal, other than the current one, running no validator. */
    InvalidNewOperator: msg(),
    VoteClosed: msg({ id: C.nat64, outcome: C.text }),
    AlreadyVoted: msg({ id: C.nat64 }),
});
export type VoteError = ValueOf<typeof VoteErrorT>;
export type VoteOutcome<T> = { Ok: T } | { Err: VoteError };
