/**
 * `icrc3_get_blocks` of the protocol's log (ICRC-3): the blocks of the requested ranges, in request
 * order, at most MAX_BLOCKS_PER_RESPONSE in all (as the ledger: later ranges get what is left),
 * ranges past the end answered with what exists; no archives (the log stays in this canister:
 * `icrc3_get_archives` answers none). The number of ranges is bounded at the boundary
 * (MAX_BLOCK_RANGES, the inspect table).
 * Storage: reads LOG_BLOCKS. Cost: one map read and one decode per returned block.
 */
import type { Value } from '../../ledger/icrc3/value';
import type { ProtocolLog } from './log';

export const MAX_BLOCKS_PER_RESPONSE = 100n;
export const MAX_BLOCK_RANGES = 100;

export interface GetBlocksAnswer {
    log_length: bigint;
    blocks: { id: bigint; block: Value }[];
}

export function getBlocks(log: ProtocolLog, ranges: readonly { start: bigint; length: bigint }[]): GetBlocksAnswer {
    const length = log.length();
    const blocks: { id: bigint; block: Value }[] = [];
    let budget = MAX_BLOCKS_PER_RESPONSE;
    for (const r of ranges.slice(0, MAX_BLOCK_RANGES)) {
        if (budget === 0n) break;
        const end = r.start + (r.length < budget ? r.length : budget);
        for (let i = r.start; i < end && i < length; i++) {
            blocks.push({ id: i, block: log.block(i) as Value });
            budget--;
        }
    }
    return { log_length: length, blocks };
}
