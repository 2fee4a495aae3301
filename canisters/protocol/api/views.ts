/** How the canister shows domain records: a node with its escrow account, a vote with its node ids, a node outcome. */
import type { DomainOutcome } from '../../../src/protocol/model/errors';
import type { NodeRecord } from '../../../src/protocol/nodes/record';
import { nodeView, voteView } from '../../../src/protocol/api/views';
import type { NodeView } from '../../../src/protocol/api/candid';
import type { VoteRecord } from '../../../src/protocol/votes/votes';
import { sys } from '../lifecycle';

export function view(n: NodeRecord): NodeView {
    return nodeView(n, sys.config.escrowAccount(n.index));
}

export function nodeResult<E>(r: DomainOutcome<NodeRecord, E>): DomainOutcome<NodeView, E> {
    return 'Ok' in r ? { Ok: view(r.Ok) } : r;
}

export function idOf(index: bigint): string {
    return sys.registry.get(index)?.id ?? `#${index}`;
}

export function voteResult<E>(r: DomainOutcome<VoteRecord, E>): DomainOutcome<ReturnType<typeof voteView>, E> {
    return 'Ok' in r ? { Ok: voteView(r.Ok, idOf) } : r;
}
