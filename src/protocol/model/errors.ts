/**
 * The building blocks of the protocol sections' named errors. Each section answers with its own
 * Candid variant, kept in its folder next to the rules that refuse (stakes/errors.ts `StakeError`,
 * validators/errors.ts `AdmissionError`, votes/errors.ts `VoteError`, governance/errors.ts
 * `GovernanceError`, rewards/errors.ts `ClaimError`, batches/errors.ts `BatchError`; the market's,
 * the sockets' and the distribution's errors in theirs). Every
 * case is named after the rule that refused and carries a readable `message` plus its structured
 * data, as the market's `MarketError` does. The cases several sections share are defined once here:
 * the pause, and the outcomes of a ledger movement on a node (src/protocol/stakes/operations.ts),
 * which stakes, releases, claims and penalties all go through.
 * Storage: none. Cost: none (type descriptors built once at load).
 */
import { C, type ValueOf } from '../../lib/candid/candid';
import type { Type } from '../../lib/candid/types';

/** A case's record: its readable `message` and its structured fields. */
export function msg<F extends Record<string, Type<unknown>>>(extra?: F) {
    return C.record({ message: C.text, ...(extra ?? ({} as F)) });
}

/** Governance paused the protocol (`reason`: governance's own words). */
export const PAUSED_CASE = { Paused: msg({ reason: C.text }) };

/** What a ledger movement on a node can answer besides success (operations.ts `attempt`, `pending`, `refusal`). */
export const OPERATION_CASES = {
    /** The node's record is gone (a refused first stake removed the registration). */
    NodeNotFound: msg({ node_id: C.text }),
    /** The outcome is not known yet (or a later attempt owns it): retry with `retry_operation`. */
    OperationPending: msg({ node_id: C.text, operation: C.text }),
    /** The ledger refused the transfer (`ledger_error`: its error case, e.g. `InsufficientFunds balance=…`). */
    LedgerRefused: msg({ ledger_error: C.text }),
    /** The transfer certainly did not execute (the ledger could not be reached). */
    LedgerUnavailable: msg(),
};

/** Cases about the node a call names, shared by the node sections (stakes, claims, votes, admission). */
export const NODE_CASES = {
    /** The anonymous principal operates no node. */
    AnonymousCaller: msg(),
    /** The caller is not the node's operator (or not otherwise allowed to act for it). */
    NotNodeOperator: msg({ node_id: C.text }),
    /** A ledger operation is in flight on the node: one at a time. */
    NodeBusy: msg({ node_id: C.text, operation: C.text }),
    /** The node's key is reported compromised: no changes, claims or votes until the report is decided. */
    NodeFrozen: msg({ node_id: C.text }),
    /** The node's status (or type) is not the one the call needs. */
    WrongStatus: msg({ node_id: C.text, status: C.text, expected: C.text }),
};

export const OperationErrorT = C.variant(OPERATION_CASES);
export type OperationError = ValueOf<typeof OperationErrorT>;
export type PausedError = ValueOf<typeof PausedErrorT>;
const PausedErrorT = C.variant(PAUSED_CASE);

/** A domain answer: the value, or the section's refusal. */
export type DomainOutcome<T, E> = { Ok: T } | { Err: E };

export function err<E>(e: E): { Err: E } {
    return { Err: e };
}

/** The `message` of any section's error case. */
export function messageOf(e: object): string {
    const body = Object.values(e)[0] as { message?: unknown } | null | undefined;
    return typeof body?.message === 'string' ? body.message : Object.keys(e)[0];
}

export const paused = (reason: string): PausedError => ({ Paused: { message: `the protocol is paused by governance: ${reason}`, reason } });
export const nodeNotFound = (nodeId: string) => ({ NodeNotFound: { message: `no node ${nodeId}`, node_id: nodeId } });
export const operationPending = (nodeId: string, operation: string, reason: string) => ({
    OperationPending: { message: `the ${operation} on node ${nodeId} is pending (${reason})`, node_id: nodeId, operation },
});
export const ledgerRefused = (ledgerError: string) => ({ LedgerRefused: { message: `the ledger refused the transfer: ${ledgerError}`, ledger_error: ledgerError } });
export const ledgerUnavailable = (reason: string) => ({ LedgerUnavailable: { message: `the ledger did not execute the transfer: ${reason}` } });

/** Cases shared by the node sections (stakes, claims, votes, admission). */
export const nodeBusy = (nodeId: string, operation: string) => ({ NodeBusy: { message: `node ${nodeId} has a ${operation} operation in flight`, node_id: nodeId, operation } });
export const nodeFrozen = (nodeId: string) => ({ NodeFrozen: { message: `node ${nodeId} is frozen: its key is reported compromised`, node_id: nodeId } });
export const wrongStatus = (nodeId: string, status: string, expected: string) => ({ WrongStatus: { message: `node ${nodeId} is ${status}, expected ${expected}`, node_id: nodeId, status, expected } });
export const notNodeOperator = (nodeId: string, rule: string) => ({ NotNodeOperator: { message: rule, node_id: nodeId } });
export const anonymousCaller = (rule: string) => ({ AnonymousCaller: { message: rule } });
