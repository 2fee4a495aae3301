/**
 * The certified batch tip (spec §4): the latest confirmed (height, digest) as an IC hash tree
 *
 *   fork(labeled("last_batch_digest", leaf(digest)), labeled("last_batch_height", leaf(leb128(height))))
 *
 * whose root hash is the canister's certified data, so a client holding a certificate can verify
 * the tip without trusting a single replica. Same conventions as the ledger's ICRC-3 tip tree
 * (`tipTreeRootHash` / `tipHashTreeCbor` in src/ledger/icrc3/tip-tree.ts): the labels sort bytewise
 * ("last_batch_d…" < "last_batch_h…"), the height is unsigned LEB128, the CBOR form is the
 * IC's array encoding ([1,l,r] / [2,label,t] / [3,value]; labels and leaves as byte strings) without
 * the self-describe tag. Before any confirmation the certified data is the empty tree's hash.
 *
 * In the canister this tree is the batch part of the protocol's one certified tree
 * (src/protocol/log/certified-tree.ts: the batch tip, the ICRC-3 log tip, the sealed mappings), whose
 * root equals `batchTipRootHash` while the batch tip is the only part; `certified_tip` answers that
 * tree's witness of the batch labels. A `Batches` built without the system's `certify` option (unit
 * tests, tools) certifies this tree alone.
 *
 * Runs inside the canister: no Node built-ins, no imports from tools/replica.
 */
import { sha256 } from '../../lib/crypto/sha256';
import { concat, leb128 } from '../../lib/storage/bytes';

function ascii(s: string): Uint8Array {
    const out = new Uint8Array(s.length);
    for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
    return out;
}

/** The IC's domain separator: one length byte, then the name. */
function domainSep(name: string): Uint8Array {
    return concat([Uint8Array.of(name.length), ascii(name)]);
}

const SEP_EMPTY = domainSep('ic-hashtree-empty');
const SEP_FORK = domainSep('ic-hashtree-fork');
const SEP_LABELED = domainSep('ic-hashtree-labeled');
const SEP_LEAF = domainSep('ic-hashtree-leaf');

export const LABEL_LAST_BATCH_DIGEST = ascii('last_batch_digest');
export const LABEL_LAST_BATCH_HEIGHT = ascii('last_batch_height');

/** reconstruct(Empty) = SHA-256("\x11ic-hashtree-empty") (equals `EMPTY_TREE_HASH` of the ledger). */
export const EMPTY_TREE_HASH: Uint8Array = sha256(SEP_EMPTY);

/** Prefixes of the two labeled nodes, written once: sep ‖ label. */
const PREFIX_DIGEST = concat([SEP_LABELED, LABEL_LAST_BATCH_DIGEST]);
const PREFIX_HEIGHT = concat([SEP_LABELED, LABEL_LAST_BATCH_HEIGHT]);

/**
 * Root hash of the batch tip tree (the value for certified data). Eight SHA-256 compressions:
 * leaf(digest) 1, labeled 2, leaf(height) 1, labeled 2, fork 2 (~4.4 M instructions in QuickJS,
 * paid once per confirmation).
 */
export function batchTipRootHash(height: bigint, digest: Uint8Array): Uint8Array {
    if (digest.length !== 32) throw new RangeError('batchTipRootHash: the digest must be 32 bytes');
    if (height < 0n || height >= 1n << 64n) throw new RangeError('batchTipRootHash: the height must be a u64');
    const leafDigest = sha256(concat([SEP_LEAF, digest]));
    const leafHeight = sha256(concat([SEP_LEAF, leb128(height)]));
    const left = sha256(concat([PREFIX_DIGEST, leafDigest]));
    const right = sha256(concat([PREFIX_HEIGHT, leafHeight]));
    return sha256(concat([SEP_FORK, left, right]));
}

/** The certified data for an optional tip: the tip tree's root hash, or the empty tree's. */
export function batchCertifiedData(tip: { height: bigint; digest: Uint8Array } | undefined): Uint8Array {
    return tip === undefined ? EMPTY_TREE_HASH.slice() : batchTipRootHash(tip.height, tip.digest);
}

/** CBOR head (major type, length) for the small lengths used here (< 65536). */
function cborHead(major: number, n: number): Uint8Array {
    const m = major << 5;
    if (n < 24) return Uint8Array.of(m | n);
    if (n < 0x100) return Uint8Array.of(m | 24, n);
    return Uint8Array.of(m | 25, n >> 8, n & 0xff);
}

function cborBytes(b: Uint8Array): Uint8Array {
    return concat([cborHead(2, b.length), b]);
}

/**
 * The batch tip tree in CBOR, as a certificate-returning query puts it next to the certificate:
 *   [1, [2, "last_batch_digest", [3, digest]], [2, "last_batch_height", [3, leb128(height)]]]
 * The empty tree (no confirmation yet) is [0].
 */
export function batchTipHashTreeCbor(tip: { height: bigint; digest: Uint8Array } | undefined): Uint8Array {
    if (tip === undefined) return Uint8Array.of(0x81, 0x00);
    if (tip.digest.length !== 32) throw new RangeError('batchTipHashTreeCbor: the digest must be 32 bytes');
    return concat([
        Uint8Array.of(0x83, 0x01), // [1, l, r]
        Uint8Array.of(0x83, 0x02), // [2, label, t]
        cborBytes(LABEL_LAST_BATCH_DIGEST),
        Uint8Array.of(0x82, 0x03), // [3, value]
        cborBytes(tip.digest),
        Uint8Array.of(0x83, 0x02),
        cborBytes(LABEL_LAST_BATCH_HEIGHT),
        Uint8Array.of(0x82, 0x03),
        cborBytes(leb128(tip.height)),
    ]);
}
