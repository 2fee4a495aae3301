/**
 * The market's view of a node (spec §11): who operates it, where its credit goes, and whether it
 * may take new orders — an active compute node, not suspended, frozen or disqualified, holding a
 * valid state (a confirmed PoC and not reported offline). Storage: none. Cost: none.
 */
import type { NodeRecord } from '../nodes/record';
import type { MarketNode } from './context';

export function marketNode(n: NodeRecord | undefined): MarketNode | undefined {
    if (n === undefined) return undefined;
    let why: string | undefined;
    if (n.type !== 'compute') why = `it is a ${n.type}, not a compute node`;
    else if (n.status !== 'active') why = `it is ${n.status}`;
    else if (n.suspended === true) why = 'it is suspended';
    else if (n.frozen === true) why = 'its key is reported compromised';
    else if (n.pocMs === undefined) why = 'it has no confirmed PoC';
    else if (n.online === false) why = 'validators report it offline';
    return { index: n.index, id: n.id, operator: n.operator, wallet: n.wallet, canTakeOrders: why === undefined, why };
}
