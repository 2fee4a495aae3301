/** How the canister shows domain records: a node with its escrow account, a vote with its node ids, a node outcome. */
import type { ProtocolOutcome } from '../../../src/protocol/model/errors';
import type { NodeRecord } from '../../../src/protocol/nodes/record';
import { nodeView, voteView } from '../../../src/protocol/api/views';
import type { NodeView } from '../../../src/protocol/api/candid';
import type { VoteRecord } from '../../../src/protocol/votes/votes';
import { sys } from '../lifecycle';

export function view(n: NodeRecord): NodeView {
    return nodeView(n, sys.config.escrowAccount(n.index));
}

export function nodeResult(r: ProtocolOutcome<NodeRecord>): ProtocolOutcome<NodeView> {
    return 'Ok' in r ? { Ok: view(r.Ok) } : r;
}

export function idOf(index: bigint): string {
    return sys.registry.get(index)?.id ?? `#${index}`;
}

export function voteResult(r: ProtocolOutcome<VoteRecord>): ProtocolOutcome<ReturnType<typeof voteView>> {
    return 'Ok' in r ? { Ok: voteView(r.Ok, idOf) } : r;
}
