/**
 * Stable memory per stored thing, for docs/capacity.md: the protocol canister's bytes per active
 * compute node and the ledger's bytes per block and per account, each as the difference between
 * two states built the way the other suites build theirs (and cached with them in .bench/).
 * Two measures per state: `grown` is the stable memory size (what the IC charges for; Azle's
 * memory manager grows it in 8 MiB buckets per map, so it moves in steps) and `written` the
 * 64 KiB pages that hold data (what the state really occupies). The per-item rows divide the
 * difference in written pages, which does not move in steps.
 * Cost: building the states (minutes, once; cached), no measured message.
 */
import { benchLog } from './harness';
import { EmbeddedReplica } from '../../tools/replica';
import { WASM_PAGE } from '../../tools/replica/stable-memory';
import { LEDGER_ID, PROTOCOL_ID } from '../helpers/network';
import type { BenchResult, BenchSuite } from './harness';
import { bigLedger } from './ledger.bench';
import { buildNetwork } from './protocol.bench';

const SECOND = 1_000_000_000n;
const T0 = 1_760_000_000n * SECOND;

interface Footprint {
    grown: number;
    written: number;
}

function footprint(replica: EmbeddedReplica, id: Parameters<EmbeddedReplica['canisterMemory']>[0]): Footprint {
    const { stable } = replica.canisterMemory(id);
    const nonZero = stable.pages.filter(([, page]) => page.some((b) => b !== 0)).length;
    return { grown: stable.sizePages * WASM_PAGE, written: nonZero * WASM_PAGE };
}

export const storageSuite: BenchSuite = {
    name: 'storage',
    async run(report) {
        const log = benchLog;
        const row = (key: string, bytes: number, note: string): void => report(`storage.${key}`, { instructions: 0, bytes, note } satisfies BenchResult);

        // The protocol canister: the small network and one of `nodes` active compute nodes.
        const nodes = Number(process.env.STORAGE_BENCH_NODES ?? 10_000);
        const networks: Record<number, { protocol: Footprint; ledger: Footprint }> = {};
        for (const n of [100, nodes]) {
            const replica = await EmbeddedReplica.create({ time: T0 });
            await buildNetwork(replica, n, log);
            networks[n] = { protocol: footprint(replica, PROTOCOL_ID), ledger: footprint(replica, LEDGER_ID) };
            row(`protocol.grown_${n}`, networks[n].protocol.grown, `emc_protocol's stable memory size with ${n} active compute nodes and 13 validators`);
            row(`protocol.written_${n}`, networks[n].protocol.written, `emc_protocol's stable pages holding data with ${n} active compute nodes and 13 validators`);
        }
        row('protocol.per_node', Math.round((networks[nodes].protocol.written - networks[100].protocol.written) / (nodes - 100)), `written bytes per active compute node (record, registry indexes, liveness and reward entries, the PoC batches that activated it), from 100 → ${nodes} nodes`);

        // The ledger: per transfer block (same accounts, more blocks) and per account (same blocks, more accounts).
        const base = { accounts: 1_000, blocks: 1_000 };
        const moreBlocks = { accounts: 1_000, blocks: Number(process.env.STORAGE_BENCH_BLOCKS ?? 21_000) };
        const moreAccounts = { accounts: 19_999, blocks: moreBlocks.blocks };
        const ledgers: Footprint[] = [];
        for (const s of [base, moreBlocks, moreAccounts]) {
            const replica = await EmbeddedReplica.create({ time: T0 });
            const id = await bigLedger(replica, s.accounts, s.blocks, log);
            const f = footprint(replica, id);
            ledgers.push(f);
            row(`ledger.grown_${s.accounts}_${s.blocks}`, f.grown, `emc_ledger's stable memory size with ${s.accounts} accounts and ${s.blocks} blocks`);
            row(`ledger.written_${s.accounts}_${s.blocks}`, f.written, `emc_ledger's stable pages holding data with ${s.accounts} accounts and ${s.blocks} blocks`);
        }
        row('ledger.per_block', Math.round((ledgers[1].written - ledgers[0].written) / (moreBlocks.blocks - base.blocks)), `written bytes per transfer block (block, its hash index, the dedup entry), ${base.blocks} → ${moreBlocks.blocks} blocks with ${base.accounts} accounts`);
        row('ledger.per_account', Math.round((ledgers[2].written - ledgers[1].written) / (moreAccounts.accounts - moreBlocks.accounts)), `written bytes per account (balance entry), ${moreBlocks.accounts} → ${moreAccounts.accounts} accounts at ${moreBlocks.blocks} blocks (those accounts' blocks are mints instead of transfers: the small difference in block size counts here)`);
    },
};
