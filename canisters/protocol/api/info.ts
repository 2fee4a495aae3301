/** The canister itself: configuration, parameters, health. */
import { canisterCycleBalance, canisterVersion, Principal, time } from 'azle';

import { accountOut, toOpt } from '../../../src/ledger/api/candid';
import { paramsView } from '../../../src/protocol/api/views';
import type { Handlers } from '../handlers';
import { sys } from '../lifecycle';

const VERSION = '0.3.0';

export const infoHandlers: Handlers<'protocol_info' | 'protocol_params' | 'health'> = {
    protocol_info: () => {
        const c = sys.config.get();
        return {
            governance: Principal.fromUint8Array(c.governance),
            ledger: Principal.fromUint8Array(c.ledger),
            treasury: accountOut(sys.config.treasuryAccount()),
            ledger_fee: c.params.ledgerFee,
            validators: sys.registry.activeValidatorCount(),
            pending_releases: BigInt(sys.registry.pendingExpiries()),
            paused: toOpt(c.paused?.reason),
        };
    },
    protocol_params: () => paramsView(sys.config.params(), sys.rewards.state().epochLength),
    health: () => ({ canister: 'emc_protocol', version: VERSION, time_ns: time(), canister_version: canisterVersion(), cycles: canisterCycleBalance() }),
};
