/** The Azle-backed Env the canisters inject into the domain. */
import { canisterSelf, certifiedDataSet, msgCaller, time } from 'azle';

import type { Env } from '../../src/lib/env';

export const icEnv: Env = {
    caller: () => msgCaller().toUint8Array(),
    now: () => time(),
    self: () => canisterSelf().toUint8Array(),
    certify: (data) => certifiedDataSet(data),
};
