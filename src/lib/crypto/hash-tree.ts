/**
 * The IC's hash trees (interface specification, "Certification"): the nodes, their root hash
 * (`reconstruct`), pruning to a witness, and the CBOR encoding a certificate-returning query puts
 * next to the certificate ([0] / [1,l,r] / [2,label,t] / [3,value] / [4,hash]; labels, leaves and
 * hashes as byte strings; no self-describe tag), as the ledger's tip tree (src/ledger/icrc3/tip-tree.ts)
 * and agent-js's `reconstruct` / `lookup_path` read them.
 *   reconstruct(Empty) = H(sep "ic-hashtree-empty")      reconstruct(Fork l r) = H(sep "ic-hashtree-fork" ‖ r(l) ‖ r(r))
 *   reconstruct(Labeled l t) = H(sep "ic-hashtree-labeled" ‖ l ‖ r(t))   reconstruct(Leaf v) = H(sep "ic-hashtree-leaf" ‖ v)
 *   reconstruct(Pruned h) = h                            (sep s = one length byte ‖ s)
 * Storage: none. Cost: one SHA-256 per node (1–2 compressions for the small nodes here).
 * Runs inside the canister: no Node built-ins.
 */
import { sha256 } from './sha256';
import { concat } from '../storage/bytes';

export type HashTree =
    | { t: 'empty' }
    | { t: 'fork'; l: HashTree; r: HashTree }
    | { t: 'labeled'; label: Uint8Array; sub: HashTree }
    | { t: 'leaf'; v: Uint8Array }
    | { t: 'pruned'; h: Uint8Array };

function ascii(s: string): Uint8Array {
    const out = new Uint8Array(s.length);
    for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
    return out;
}

function sep(name: string): Uint8Array {
    return concat([Uint8Array.of(name.length), ascii(name)]);
}

const SEP_EMPTY = sep('ic-hashtree-empty');
const SEP_FORK = sep('ic-hashtree-fork');
const SEP_LABELED = sep('ic-hashtree-labeled');
const SEP_LEAF = sep('ic-hashtree-leaf');

export const label = ascii;
export const empty = (): HashTree => ({ t: 'empty' });
export const fork = (l: HashTree, r: HashTree): HashTree => ({ t: 'fork', l, r });
export const labeled = (l: Uint8Array | string, sub: HashTree): HashTree => ({ t: 'labeled', label: typeof l === 'string' ? ascii(l) : l, sub });
export const leaf = (v: Uint8Array): HashTree => ({ t: 'leaf', v });
export const pruned = (h: Uint8Array): HashTree => ({ t: 'pruned', h });

/** The root hash of a tree. */
export function reconstruct(t: HashTree): Uint8Array {
    switch (t.t) {
        case 'empty':
            return sha256(SEP_EMPTY);
        case 'fork':
            return sha256(concat([SEP_FORK, reconstruct(t.l), reconstruct(t.r)]));
        case 'labeled':
            return sha256(concat([SEP_LABELED, t.label, reconstruct(t.sub)]));
        case 'leaf':
            return sha256(concat([SEP_LEAF, t.v]));
        case 'pruned':
            return t.h;
    }
}

/**
 * Several subtrees under one root, in the order given (callers give them in label order): one is
 * itself, two a fork, more a fork of the first and the rest (right-leaning); none the empty tree.
 */
export function forkAll(parts: HashTree[]): HashTree {
    if (parts.length === 0) return empty();
    if (parts.length === 1) return parts[0];
    return fork(parts[0], forkAll(parts.slice(1)));
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
    if (a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
    return true;
}

/**
 * The witness of the top-level labels `keep`: their labeled subtrees whole, everything else pruned
 * to its hash (a fork whose two sides are pruned becomes one pruned node). Same root hash.
 */
export function witness(t: HashTree, keep: readonly Uint8Array[]): HashTree {
    switch (t.t) {
        case 'empty':
        case 'pruned':
            return t;
        case 'fork': {
            const l = witness(t.l, keep);
            const r = witness(t.r, keep);
            return l.t === 'pruned' && r.t === 'pruned' ? pruned(reconstruct(t)) : fork(l, r);
        }
        case 'labeled':
            return keep.some((k) => sameBytes(k, t.label)) ? t : pruned(reconstruct(t));
        case 'leaf':
            return pruned(reconstruct(t));
    }
}

/** CBOR head (major type, length) for lengths < 65536. */
function head(major: number, n: number): Uint8Array {
    const m = major << 5;
    if (n < 24) return Uint8Array.of(m | n);
    if (n < 0x100) return Uint8Array.of(m | 24, n);
    if (n < 0x10000) return Uint8Array.of(m | 25, n >> 8, n & 0xff);
    throw new RangeError('hash tree: a label or leaf longer than 65535 bytes');
}

const bytes = (b: Uint8Array): Uint8Array => concat([head(2, b.length), b]);

/** The tree in the IC's CBOR array encoding. */
export function treeCbor(t: HashTree): Uint8Array {
    switch (t.t) {
        case 'empty':
            return Uint8Array.of(0x81, 0x00);
        case 'fork':
            return concat([Uint8Array.of(0x83, 0x01), treeCbor(t.l), treeCbor(t.r)]);
        case 'labeled':
            return concat([Uint8Array.of(0x83, 0x02), bytes(t.label), treeCbor(t.sub)]);
        case 'leaf':
            return concat([Uint8Array.of(0x82, 0x03), bytes(t.v)]);
        case 'pruned':
            return concat([Uint8Array.of(0x82, 0x04), bytes(t.h)]);
    }
}
