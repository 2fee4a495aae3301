/**
 * The IC's hash trees (interface specification, "Certification" / "Encoding of certificates").
 *
 *   HashTree = Empty | Fork HashTree HashTree | Labeled Label HashTree | Leaf Blob | Pruned Hash
 *
 * Nodes are plain tagged objects; use the constructors below. `toAgentHashTree` / `fromAgentHashTree`
 * convert to and from the array form `@dfinity/agent` uses ([0] / [1,l,r] / [2,label,t] / [3,v] / [4,h]).
 */
import { sha256 } from '@noble/hashes/sha2';
import { Label, compareBytes, concatBytes, domainSep, labelBytes } from './bytes';

export type EmptyNode = { readonly type: 'empty' };
export type ForkNode = { readonly type: 'fork'; readonly left: HashTree; readonly right: HashTree };
export type LabeledNode = { readonly type: 'labeled'; readonly label: Uint8Array; readonly tree: HashTree };
export type LeafNode = { readonly type: 'leaf'; readonly value: Uint8Array };
export type PrunedNode = { readonly type: 'pruned'; readonly hash: Uint8Array };
export type HashTree = EmptyNode | ForkNode | LabeledNode | LeafNode | PrunedNode;

const EMPTY: EmptyNode = Object.freeze({ type: 'empty' as const });

export function empty(): EmptyNode {
  return EMPTY;
}
export function fork(left: HashTree, right: HashTree): ForkNode {
  return { type: 'fork', left, right };
}
export function labeled(label: Label, tree: HashTree): LabeledNode {
  return { type: 'labeled', label: labelBytes(label), tree };
}
export function leaf(value: Uint8Array | string): LeafNode {
  return { type: 'leaf', value: labelBytes(value) };
}
export function pruned(hash: Uint8Array): PrunedNode {
  if (hash.length !== 32) throw new Error(`a pruned node holds a 32-byte SHA-256 hash, got ${hash.length} bytes`);
  return { type: 'pruned', hash };
}

const SEP_EMPTY = domainSep('ic-hashtree-empty');
const SEP_FORK = domainSep('ic-hashtree-fork');
const SEP_LABELED = domainSep('ic-hashtree-labeled');
const SEP_LEAF = domainSep('ic-hashtree-leaf');

/** The root hash of a tree (the spec's `reconstruct`). Pruned subtrees contribute their stored hash. */
export function reconstruct(tree: HashTree): Uint8Array {
  switch (tree.type) {
    case 'empty':
      return sha256(SEP_EMPTY);
    case 'fork':
      return sha256(concatBytes(SEP_FORK, reconstruct(tree.left), reconstruct(tree.right)));
    case 'labeled':
      return sha256(concatBytes(SEP_LABELED, tree.label, reconstruct(tree.tree)));
    case 'leaf':
      return sha256(concatBytes(SEP_LEAF, tree.value));
    case 'pruned':
      return tree.hash;
  }
}

/** The spec's `flatten_forks`: the non-fork, non-empty nodes of one level, left to right. */
export function flattenForks(tree: HashTree): HashTree[] {
  const out: HashTree[] = [];
  const walk = (t: HashTree): void => {
    if (t.type === 'fork') {
      walk(t.left);
      walk(t.right);
    } else if (t.type !== 'empty') {
      out.push(t);
    }
  };
  walk(tree);
  return out;
}

export type LookupResult =
  | { status: 'found'; value: Uint8Array }
  | { status: 'absent' }
  | { status: 'unknown' }
  | { status: 'error' };

/**
 * The spec's `lookup_path`, with correct (lexicographic) label comparison:
 * found (a leaf at the end of the path), absent (provably not in the tree), unknown (hidden by a
 * pruned node), or error (the path ends at an inner node).
 */
export function lookup(tree: HashTree, path: readonly Label[]): LookupResult {
  if (path.length === 0) {
    switch (tree.type) {
      case 'leaf':
        return { status: 'found', value: tree.value };
      case 'empty':
        return { status: 'absent' };
      case 'pruned':
        return { status: 'unknown' };
      default:
        return { status: 'error' };
    }
  }
  const label = labelBytes(path[0]);
  // Scan the level left to right; `hidden` says whether something not provably smaller than
  // `label` (a pruned node, or a malformed leaf) lies between the last smaller label and here.
  let hidden = false;
  for (const node of flattenForks(tree)) {
    if (node.type !== 'labeled') {
      hidden = true;
      continue;
    }
    const c = compareBytes(node.label, label);
    if (c === 0) return lookup(node.tree, path.slice(1));
    if (c > 0) return hidden ? { status: 'unknown' } : { status: 'absent' };
    hidden = false;
  }
  return hidden ? { status: 'unknown' } : { status: 'absent' };
}

/** The leaf value at `path`, or undefined when the path is absent, pruned, or not a leaf. */
export function lookupPath(tree: HashTree, path: readonly Label[]): Uint8Array | undefined {
  const r = lookup(tree, path);
  return r.status === 'found' ? r.value : undefined;
}

/** The subtree at `path` (no pruned node on the way), or undefined. */
export function lookupSubtree(tree: HashTree, path: readonly Label[]): HashTree | undefined {
  let t = tree;
  for (const p of path) {
    const label = labelBytes(p);
    const next = flattenForks(t).find(n => n.type === 'labeled' && compareBytes(n.label, label) === 0) as
      | LabeledNode
      | undefined;
    if (!next) return undefined;
    t = next.tree;
  }
  return t;
}

/** The array form used by `@dfinity/agent` / `@icp-sdk/core` (and by the CBOR encoding). */
export type AgentHashTree =
  | [0]
  | [1, AgentHashTree, AgentHashTree]
  | [2, Uint8Array, AgentHashTree]
  | [3, Uint8Array]
  | [4, Uint8Array];

export function toAgentHashTree(tree: HashTree): AgentHashTree {
  switch (tree.type) {
    case 'empty':
      return [0];
    case 'fork':
      return [1, toAgentHashTree(tree.left), toAgentHashTree(tree.right)];
    case 'labeled':
      return [2, tree.label, toAgentHashTree(tree.tree)];
    case 'leaf':
      return [3, tree.value];
    case 'pruned':
      return [4, tree.hash];
  }
}

export function fromAgentHashTree(t: unknown): HashTree {
  if (!Array.isArray(t)) throw new Error('hash tree node must be an array');
  const tag = t[0];
  const bytes = (v: unknown): Uint8Array => {
    if (!(v instanceof Uint8Array)) throw new Error(`hash tree node ${String(tag)} expects a byte string`);
    return v;
  };
  switch (tag) {
    case 0:
      return empty();
    case 1:
      return fork(fromAgentHashTree(t[1]), fromAgentHashTree(t[2]));
    case 2:
      return labeled(bytes(t[1]), fromAgentHashTree(t[2]));
    case 3:
      return leaf(bytes(t[1]));
    case 4:
      return pruned(bytes(t[1]));
    default:
      throw new Error(`unknown hash tree node tag ${String(tag)}`);
  }
}
