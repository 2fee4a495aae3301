/** One-line messages for the protocol canister's error cases (`ProtocolError`, the batch errors), amounts in EMC. */
import { toHex } from '../../lib/storage/bytes';
import { emc } from '../format/display';
import { genericDetails } from './candid';

type Err = Record<string, unknown>;

const hex = (b: unknown): string => toHex(b as Uint8Array);

/** One-line messages for the protocol's error cases (and the batch errors); others fall back to the generic form. */
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
        case 'WrongBatchSize':
            return `expected ${v.expected} validators, got ${v.got}`;
        case 'OperationPending':
            return `node "${v.node_id}": the ${v.operation} is pending (${v.reason}); run \`emc node retry ${v.node_id}\``;
        case 'NothingToClaim':
            return `node "${v.node_id}" has no rewards to claim yet`;
        case 'LedgerRefused':
            return `the ledger refused: ${String(v.reason).replace(/\b(balance|expected_fee|allowance|current_allowance|min_burn_amount)=(\d+)/g, (_m, k: string, n: string) => `${k.replace(/_/g, ' ')} ${emc(BigInt(n))}`)}`;
        case 'NotAValidator':
            return 'the caller is not an active validator';
        case 'StaleHeight':
            return `height is at or below the last confirmed height ${v.last_confirmed}`;
        case 'DigestMismatch':
            return `the canister computed digest ${hex(v.computed)}, the call claimed ${hex(v.expected)}`;
        case 'PayloadTooLarge':
            return `at most ${v.max} state bits per batch`;
        case 'InvalidStateBit':
            return `state bit ${v.index}: ${v.reason}`;
        case 'AlreadyProposed':
            return `the caller already proposed digest ${hex(v.digest)} at this height`;
        case 'TooManyPendingProposals':
            return `at most ${v.max} unconfirmed proposals per validator`;
        case 'ConflictingVote':
            return `the caller already backs digest ${hex(v.voted)} at this height`;
        case 'UnknownProposal':
            return 'no proposal with this digest at this height';
        case 'Paused':
            return `the protocol is paused by governance (${v.reason}); try again after it resumes`;
        case 'NotFound':
            return `no ${v.what} ${/^\d+$/.test(String(v.id)) ? String(v.id) : `"${v.id}"`}`;
        case 'VoteClosed':
            return `vote ${v.id} is closed (${v.outcome})`;
        case 'AlreadyVoted':
            return `this node already voted in vote ${v.id}`;
        case 'NotAuthorized':
        case 'InvalidArgument':
        case 'RenewalNotAllowed':
            return String(v.reason);
        case 'LedgerUnavailable':
            return `the ledger did not answer (${v.reason}); nothing was moved, try again later`;
        default:
            return genericDetails(e[kind]);
    }
}
