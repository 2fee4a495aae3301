/**
 * One-line messages for the protocol canister's node, stake, admission, vote, governance, claim and
 * batch errors (each section's own variant: `StakeError`, `AdmissionError`, `VoteError`,
 * `GovernanceError`, `ClaimError`, `BatchError`; docs/architecture.md "Errors"), amounts in EMC. Every section case carries the canister's readable `message`,
 * which is the client's message unless a case below says it better for an operator (amounts in EMC,
 * the command that helps). The case's name is the ClientError's kind (src/client/errors/candid.ts).
 */
import type { ValueOf } from '../../lib/candid/candid';
import type { VariantType } from '../../lib/candid/types';
import { AdmissionErrorT } from '../../protocol/validators/errors';
import { ClaimErrorT } from '../../protocol/rewards/errors';
import { GovernanceErrorT } from '../../protocol/governance/errors';
import { StakeErrorT } from '../../protocol/stakes/errors';
import { VoteErrorT } from '../../protocol/votes/errors';
import { BatchErrorT } from '../../protocol/batches/errors';
import { emc } from '../format/display';
import { genericDetails } from './candid';

type Err = Record<string, unknown>;
type KindOf<T> = T extends unknown ? keyof T & string : never;

/** The error kinds each protocol section answers with (a ClientError's `kind` is one of them). */
export type StakeErrorKind = KindOf<ValueOf<typeof StakeErrorT>>;
export type AdmissionErrorKind = KindOf<ValueOf<typeof AdmissionErrorT>>;
export type VoteErrorKind = KindOf<ValueOf<typeof VoteErrorT>>;
export type GovernanceErrorKind = KindOf<ValueOf<typeof GovernanceErrorT>>;
export type ClaimErrorKind = KindOf<ValueOf<typeof ClaimErrorT>>;
export type BatchErrorKind = KindOf<ValueOf<typeof BatchErrorT>>;
export type ProtocolErrorKind = StakeErrorKind | AdmissionErrorKind | VoteErrorKind | GovernanceErrorKind | ClaimErrorKind | BatchErrorKind;

const kinds = (t: unknown): readonly string[] => (t as VariantType).names;

/** Every case of every section's variant, by section (tests, documentation). */
export const PROTOCOL_ERROR_KINDS = {
    stake: kinds(StakeErrorT) as readonly StakeErrorKind[],
    admission: kinds(AdmissionErrorT) as readonly AdmissionErrorKind[],
    vote: kinds(VoteErrorT) as readonly VoteErrorKind[],
    governance: kinds(GovernanceErrorT) as readonly GovernanceErrorKind[],
    claim: kinds(ClaimErrorT) as readonly ClaimErrorKind[],
    batch: kinds(BatchErrorT) as readonly BatchErrorKind[],
} as const;

/** One-line messages for the protocol's error cases: the canister's `message`, or the operator's wording of a case below. */
export function describeProtocolError(e: Err): string | undefined {
    const [kind] = Object.keys(e);
    const v = (e[kind] ?? {}) as Record<string, unknown>;
    switch (kind) {
        case 'NodeIdTaken':
            return `node id "${v.node_id}" is already registered`;
        case 'NodeNotFound':
            return `no node "${v.node_id}"`;
        case 'NodeBusy':
            return `node "${v.node_id}" has a ${v.operation} operation in progress; try again shortly`;
        case 'WrongStatus':
            return `node "${v.node_id}" is ${v.status}, expected ${v.expected}`;
        case 'StakeTooLow':
            return `the minimum stake is ${emc(v.minimum as bigint)}`;
        case 'TermTooShort':
            return `the minimum term is ${v.minimum_days} days`;
        case 'OperationPending':
            return `${v.message}; run \`emc node retry ${v.node_id}\``;
        case 'NothingToClaim':
            return `node "${v.node_id}" has no rewards to claim yet`;
        case 'LedgerRefused':
            return `the ledger refused: ${String(v.ledger_error).replace(/\b(balance|expected_fee|allowance|current_allowance|min_burn_amount)=(\d+)/g, (_m, k: string, n: string) => `${k.replace(/_/g, ' ')} ${emc(BigInt(n))}`)}`;
        case 'LedgerUnavailable':
            return `${v.message}; nothing was moved, try again later`;
        case 'Paused':
            return `the protocol is paused by governance (${v.reason}); try again after it resumes`;
        default:
            return typeof v.message === 'string' ? v.message : genericDetails(e[kind]);
    }
}
