/**
 * `npm start` = `emc devnet`: builds what is missing, deploys the ledger and the protocol on the
 * embedded replica, and runs a simulated EMC network through the client SDK (tools/devnet/).
 * Arguments go through: `npm start -- --state DIR`, `npm start -- --epochs 10`, `npm start -- --help`.
 */
import { devnetMain } from '../tools/devnet/main';

devnetMain(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e: unknown) => {
        process.stderr.write(`${e instanceof Error ? e.stack ?? e.message : String(e)}\n`);
        process.exit(70);
    },
);
