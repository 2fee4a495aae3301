/**
 * Issue 19, the certified mapping digest (spec §13.2 "the sealed digest is certified"): when a
 * mapping is sealed, its (id, SHA-256 of the canonical entry list, entry count) becomes
 *  - the `mappings` part of the certified tree (certified-tree.ts): the latest sealed mapping's id
 *    and digest and the number of sealed mappings — a constant-size record, so certifying stays
 *    bounded however many mappings exist (no walk over them, no stored Merkle tree), and
 *  - an `emc_mapping_seal` block of the log, tx = { mapping: Nat, digest: Blob, entries: Nat }, so
 *    every earlier digest stays verifiable through the certified log tip and the hash chain.
 * Storage: LOG_STATE key 02 (store.ts) and one block. Cost: one write, one append.
 */
import type { BlockLog } from './log';
import { MAPPING_SEAL_TYPE } from './block-types';
import type { LogStore } from './store';

export class SealedMappingsRecord {
    constructor(
        private readonly store: LogStore,
        private readonly log: BlockLog,
    ) {}

    /** Mapping `id` was sealed with `digest` over `entries` entries. */
    sealed(id: bigint, digest: Uint8Array, entries: bigint): void {
        const count = (this.store.sealed()?.count ?? 0n) + 1n;
        // The record first: the append refreshes the certified tree, which then holds both.
        this.store.saveSealed({ count, latestId: id, digest });
        this.log.append(MAPPING_SEAL_TYPE.block_type, [['mapping', { Nat: id }], ['digest', { Blob: digest.slice() }], ['entries', { Nat: entries }]]);
    }
}
