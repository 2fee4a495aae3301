/** emc_protocol — the EMC protocol canister (entry points only; the rules live in src/). */
import { query } from 'azle';

import { health, Health } from '../health';

export default class {
    @query([], Health)
    health(): Health {
        return health('emc_protocol');
    }
}
