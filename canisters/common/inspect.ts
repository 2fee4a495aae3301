/**
 * `canister_inspect_message` for both canisters: the rules of src/lib/candid/inspect.ts applied to the
 * message's method name, caller and argument length (nothing is decoded). A refused message traps
 * with the reason, which the caller receives; an accepted one is accepted explicitly.
 */
import { isController, msgArgData, msgCaller, msgMethodName, trap } from 'azle';

import { inspectIngress, type IngressPolicy } from '../../src/lib/candid/inspect';

export function inspectOrTrap(canister: string, policy: IngressPolicy): boolean {
    const caller = msgCaller();
    const why = inspectIngress(policy, msgMethodName(), caller.toUint8Array(), () => msgArgData().length, () => isController(caller));
    if (why !== undefined) trap(`${canister} refuses the message: ${why}`);
    return true;
}
