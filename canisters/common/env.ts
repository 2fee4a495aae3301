/** The Azle-backed Env the canisters inject into the domain. */
import { canisterSelf, certifiedDataSet, msgCaller, time } from 'azle';

import type { Env } from '../../src/lib/env';

/** The canister's own id never changes: asked of the system once per heap (a Principal built per call costs ~30 k instructions). */
let selfId: Uint8Array | undefined;

export const icEnv: Env = {
    caller: () => msgCaller().toUint8Array(),
    now: () => time(),
    self: () => (selfId ??= canisterSelf().toUint8Array()).slice(),
    certify: (data) => certifiedDataSet(data),
};
