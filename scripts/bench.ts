/**
 * `npm run bench [-- --json FILE] [-- --only NAME]`: instructions per message of every benchmark
 * suite, measured through the embedded replica (the replica meters Wasm as the IC does).
 */
import { writeFileSync } from 'node:fs';
import { fixtureSuite } from '../test/bench/fixture.bench';
import { ledgerSuite } from '../test/bench/ledger.bench';
import { protocolSuite } from '../test/bench/protocol.bench';
import { hostileSuite } from '../test/bench/hostile.bench';
import { rewardsSuite } from '../test/bench/rewards.bench';
import { storageSuite } from '../test/bench/storage.bench';
import { marketSuite } from '../test/bench/market.bench';
import { distributionSuite } from '../test/bench/distribution.bench';
import { socketsSuite } from '../test/bench/sockets.bench';
import type { BenchReport, BenchSuite } from '../test/bench/harness';

const SUITES: BenchSuite[] = [fixtureSuite, ledgerSuite, protocolSuite, rewardsSuite, hostileSuite, storageSuite, marketSuite, socketsSuite, distributionSuite];

async function main(): Promise<void> {
    const args = process.argv.slice(2);
    const jsonAt = args.indexOf('--json');
    const jsonFile = jsonAt >= 0 ? args[jsonAt + 1] : undefined;
    if (jsonAt >= 0 && jsonFile === undefined) throw new Error('--json needs a file name');
    const onlyAt = args.indexOf('--only');
    const only = onlyAt >= 0 ? args[onlyAt + 1] : undefined;
    const report: BenchReport = {};
    for (const suite of SUITES) {
        if (only !== undefined && suite.name !== only) continue;
        process.stdout.write(`# ${suite.name}\n`);
        await suite.run((key, result) => {
            report[key] = result;
            const inspect = result.inspect === undefined ? '' : `(+ inspect ${result.inspect.toLocaleString('en-US')}) `;
            const figure = result.bytes === undefined ? result.instructions.toLocaleString('en-US') : `${result.bytes.toLocaleString('en-US')} B`;
            process.stdout.write(`${key.padEnd(40)} ${figure.padStart(18)}  ${inspect}${result.note ?? ''}\n`);
        });
    }
    if (jsonFile !== undefined) {
        writeFileSync(jsonFile, `${JSON.stringify(report, null, 2)}\n`);
        process.stdout.write(`wrote ${jsonFile}\n`);
    }
}

main().catch((e: unknown) => {
    process.stderr.write(`${e instanceof Error ? e.stack ?? e.message : String(e)}\n`);
    process.exit(1);
});
