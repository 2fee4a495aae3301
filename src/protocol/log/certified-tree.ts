/**
 * The certified data of emc_protocol (spec §4, §12; issue 19): ONE hash tree holding the batch tip,
 * the log tip and the sealed mappings, in label order:
 *
 *   fork( fork(labeled("last_batch_digest", leaf(digest)), labeled("last_batch_height", leaf(leb128(height)))),
 *     fork( fork(labeled("last_block_hash", leaf(hash)), labeled("last_block_index", leaf(leb128(index)))),
 *           labeled("mappings", fork(labeled("count", leaf(leb128(sealed count))),
 *                                    labeled("latest", fork(labeled("digest", leaf(sha256)), labeled("id", leaf(leb128(id)))))))))
 *
 * A part that does not exist yet (no confirmed batch, an empty log, no sealed mapping) is left out;
 * the present parts are forked right-leaning in that order (hash-tree.ts `forkAll`), so with the batch
 * tip alone the root is exactly the batch tip tree's (src/protocol/batches/certified-tip.ts), and with
 * nothing the empty tree's. The log labels are ICRC-3's. Queries answer a witness of the parts they
 * need: `icrc3_get_tip_certificate` the log tip (everything else pruned), `certified_tip` the batch tip.
 *
 * Mappings: only the latest sealed mapping (id, digest) and the number of sealed mappings are in the
 * tree, so every refresh is bounded (no walk over the mappings, no stored Merkle tree); each sealed
 * mapping's digest is also a block of the log (`emc_mapping_seal`), so an older one is verified
 * through the certified log tip and the hash chain (docs/storage.md, "Certified data").
 *
 * Storage: none of its own (the parts are in BATCH_CONFIG and LOG_STATE); on the heap each part's
 * subtree and hash, and the certified root. Cost: a refresh recomputes only the parts that changed
 * (the log part: 8 compressions) and the forks above them (2 compressions each).
 */
import type { Env } from '../../lib/env';
import { forkAll, fork, label, labeled, leaf, pruned, reconstruct, treeCbor, witness, type HashTree } from '../../lib/crypto/hash-tree';
import { bytesEqual, leb128 } from '../../lib/storage/bytes';
import type { LogHead, SealedMappings } from './store';

export const LABEL_BATCH_DIGEST = label('last_batch_digest');
export const LABEL_BATCH_HEIGHT = label('last_batch_height');
export const LABEL_BLOCK_HASH = label('last_block_hash');
export const LABEL_BLOCK_INDEX = label('last_block_index');
export const LABEL_MAPPINGS = label('mappings');

export interface BatchTip {
    height: bigint;
    digest: Uint8Array;
}

/** What the tree is made of, read when a part may have changed. */
export interface CertifiedParts {
    batchTip(): BatchTip | undefined;
    logTip(): LogHead;
    sealed(): SealedMappings | undefined;
}

interface Part<K> {
    key: K;
    tree: HashTree;
    hash: Uint8Array;
}

function part<K>(key: K, tree: HashTree): Part<K> {
    return { key, tree, hash: reconstruct(tree) };
}

export function batchPart(t: BatchTip): HashTree {
    return fork(labeled(LABEL_BATCH_DIGEST, leaf(t.digest)), labeled(LABEL_BATCH_HEIGHT, leaf(leb128(t.height))));
}

export function logPart(index: bigint, hash: Uint8Array): HashTree {
    return fork(labeled(LABEL_BLOCK_HASH, leaf(hash)), labeled(LABEL_BLOCK_INDEX, leaf(leb128(index))));
}

export function mappingsPart(s: SealedMappings): HashTree {
    return labeled(LABEL_MAPPINGS, fork(labeled('count', leaf(leb128(s.count))), labeled('latest', fork(labeled('digest', leaf(s.digest)), labeled('id', leaf(leb128(s.latestId)))))));
}

/** The whole tree for the given parts (tests, and the reference for the cached computation). */
export function certifiedTree(batch: BatchTip | undefined, log: LogHead, sealed: SealedMappings | undefined): HashTree {
    const parts: HashTree[] = [];
    if (batch !== undefined) parts.push(batchPart(batch));
    if (log.length > 0n && log.tip !== undefined) parts.push(logPart(log.length - 1n, log.tip));
    if (sealed !== undefined) parts.push(mappingsPart(sealed));
    return forkAll(parts);
}

export class CertifiedTree {
    private batch: Part<bigint> | undefined;
    private log: Part<bigint> | undefined;
    private maps: Part<bigint> | undefined;
    private root: Uint8Array | undefined;

    constructor(
        private readonly parts: CertifiedParts,
        private readonly env: Env,
    ) {}

    /** Parts changed since the last refresh (blocks appended): certified once, at the end of the message. */
    private stale = false;

    /**
     * A block was appended: the log tip moved. The certified data follows at `flush`, which the
     * canister calls from a timer armed by the first update of a round that appended (as emc_ledger
     * certifies its tip: canisters/protocol/lifecycle.ts `certifySoon`) and at the end of every
     * maintenance run: the updates of a round appending k blocks pay for one certification, not k
     * (~6.5 M instructions each; a confirmation, which moves the batch tip, certifies at once).
     * Until then the certified data and every witness answer the previous, consistent tip: the
     * certified tip lags the log by the blocks of at most one round.
     */
    markChanged(): void {
        this.stale = true;
    }

    /** Whether blocks were appended since the last certification (a flush has work to do). */
    pending(): boolean {
        return this.stale;
    }

    /** Certifies what `markChanged` left pending (nothing to do: a flag test). */
    flush(): void {
        if (this.stale) this.refresh();
    }

    /** Recomputes the parts that changed and sets the certified data if the root moved (always in a fresh heap). */
    refresh(): void {
        this.stale = false;
        const root = this.recompute();
        if (this.root !== undefined && bytesEqual(root, this.root)) return;
        this.env.certify(root);
        this.root = root;
    }

    /** Brings the heap's parts up to date and returns the root (sets nothing: queries may call it). */
    private recompute(): Uint8Array {
        const b = this.parts.batchTip();
        if (b === undefined) this.batch = undefined;
        else if (this.batch?.key !== b.height) this.batch = part(b.height, batchPart(b));
        const l = this.parts.logTip();
        if (l.length === 0n || l.tip === undefined) this.log = undefined;
        else if (this.log?.key !== l.length) this.log = part(l.length, logPart(l.length - 1n, l.tip));
        const s = this.parts.sealed();
        if (s === undefined) this.maps = undefined;
        else if (this.maps?.key !== s.count) this.maps = part(s.count, mappingsPart(s));
        return reconstruct(forkAll(this.present().map((p) => pruned(p.hash))));
    }

    /** Forgets the heap (as a new heap after an upgrade would) and certifies. */
    certify(): void {
        this.batch = this.log = this.maps = undefined;
        this.root = undefined;
        this.refresh();
    }

    private present(): Part<bigint>[] {
        return [this.batch, this.log, this.maps].filter((p): p is Part<bigint> => p !== undefined);
    }

    /** The certified tree with only the given part whole (the others pruned to their hashes). */
    private witnessOf(keep: Part<bigint> | undefined, labels: Uint8Array[]): Uint8Array {
        // init and post_upgrade certify, so the parts are those of the certified data; a heap that has
        // not certified yet (never in the canister) answers the current parts without setting anything.
        if (this.root === undefined) this.recompute();
        const tree = forkAll(this.present().map((p) => (p === keep ? p.tree : pruned(p.hash))));
        return treeCbor(witness(tree, labels));
    }

    /** CBOR of the witness of last_block_hash and last_block_index (ICRC-3's tip certificate tree). */
    logWitness(): Uint8Array {
        return this.witnessOf(this.log, [LABEL_BLOCK_HASH, LABEL_BLOCK_INDEX]);
    }

    /** CBOR of the witness of last_batch_digest and last_batch_height. */
    batchWitness(): Uint8Array {
        return this.witnessOf(this.batch, [LABEL_BATCH_DIGEST, LABEL_BATCH_HEIGHT]);
    }

    /** CBOR of the witness of the sealed mappings. */
    mappingsWitness(): Uint8Array {
        return this.witnessOf(this.maps, [LABEL_MAPPINGS]);
    }

    /** The root hash last certified (undefined before the first certification of this heap). */
    certifiedRoot(): Uint8Array | undefined {
        return this.root;
    }
}
