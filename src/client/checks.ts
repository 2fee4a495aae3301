/**
 * What the client checks of its arguments before sending a call (what the canister would refuse
 * at its boundary), answered as a BadInput ClientResult; undefined when the argument is fine.
 */
import { nodeIdProblem } from '../protocol/nodes/record';
import { badInput, type ClientResult } from './result';

/** A node id the canister would refuse (1–64 characters of A-Z, a-z, 0-9), as a BadInput error. */
export function checkNodeId(nodeId: string): ClientResult<never> | undefined {
    const p = nodeIdProblem(nodeId);
    return p === undefined ? undefined : badInput(`node id '${nodeId}' ${p}`);
}

/** The first malformed node id among `ids`, as a resolved BadInput answer. */
export function checkNodeIds(...ids: string[]): Promise<ClientResult<never>> | undefined {
    for (const id of ids) {
        const bad = checkNodeId(id);
        if (bad !== undefined) return Promise.resolve(bad);
    }
    return undefined;
}

export function checkU64(n: bigint, what: string): Promise<ClientResult<never>> | undefined {
    return typeof n === 'bigint' && n >= 0n && n < 2n ** 64n ? undefined : Promise.resolve(badInput(`${what} ${String(n)} is not a whole number below 2^64`));
}

export function checkRange(start: bigint, count: number): Promise<ClientResult<never>> | undefined {
    return checkU64(start, 'start') ?? (Number.isInteger(count) && count >= 0 && count <= 0xffffffff ? undefined : Promise.resolve(badInput(`count ${count} is not a whole number from 0`)));
}

/** `NodeNotFound`, as the canister words it. */
export function notFound<T>(nodeId: string): ClientResult<T> {
    return { ok: false, error: { kind: 'NodeNotFound', message: `NodeNotFound: no node "${nodeId}"` } };
}
