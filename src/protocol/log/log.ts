/**
 * The protocol canister's own ICRC-3 block log (spec §11 "Maturity", §12): the market's receipts and
 * the socket NFTs' ICRC-7/37 blocks, appended by the sections that own them through `BlockLog`.
 * Each block is {btype, ts: now, tx, phash} (block.ts); its hash chains to the next, and the last
 * block's (index, hash) is in the canister's certified data (certified-tree.ts), which the system
 * refreshes at the end of each message that appended (so a message appending many blocks pays for
 * one certification).
 * Storage: LOG_BLOCKS and LOG_STATE (store.ts). Cost per append: the block's hash (block.ts), its
 * encoding, two map writes; no read beyond the heap-cached tip.
 */
import type { Env } from '../../lib/env';
import type { Value } from '../../ledger/icrc3/value';
import { blockHash, makeBlock } from './block';
import type { LogStore, LogHead } from './store';
import { decodeValue, encodeValue } from './value-codec';

export type { Value };

export interface BlockLog {
    /** Appends {btype, ts: now, tx: Map(tx), phash} and returns the block index; updates the certified tip. */
    append(btype: string, tx: [string, Value][]): bigint;
}

export class ProtocolLog implements BlockLog {
    constructor(
        readonly store: LogStore,
        private readonly env: Env,
        /** Told after every append (the certified tree marks the log tip as changed). */
        private readonly appended: () => void = () => {},
    ) {}

    append(btype: string, tx: [string, Value][]): bigint {
        const t = this.store.tip();
        const block = makeBlock(btype, this.env.now(), tx, t.tip);
        const index = this.store.push(encodeValue(block), blockHash(block));
        this.appended();
        return index;
    }

    /** Number of blocks. */
    length(): bigint {
        return this.store.tip().length;
    }

    /** The log's length and its last block's hash. */
    tip(): LogHead {
        return this.store.tip();
    }

    /** Block `index` as its ICRC-3 value, if it exists. */
    block(index: bigint): Value | undefined {
        const raw = this.store.blockBytes(index);
        return raw === undefined ? undefined : decodeValue(raw);
    }
}
