/** emc_ledger — the $EMC ICRC ledger (entry points only; the ledger's rules live in src/ledger). */
import { query } from 'azle';

import { health, Health } from '../health';

export default class {
    @query([], Health)
    health(): Health {
        return health('emc_ledger');
    }
}
