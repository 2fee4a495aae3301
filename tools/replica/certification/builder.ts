/**
 * Builds well-formed IC state trees from nested labeled data.
 *
 * A `StateNode` is one of
 *   - `Uint8Array`         a leaf holding these bytes;
 *   - `string`             a leaf holding the UTF-8 bytes (e.g. `status: 'replied'`);
 *   - `bigint`             a leaf holding the unsigned LEB128 encoding (how the IC stores naturals,
 *                          e.g. `time` in nanoseconds, `reject_code`);
 *   - `Map<Label, StateNode>` or a plain object `{ [label]: StateNode }`
 *                          a labeled subtree; Map keys may be strings (UTF-8) or raw bytes
 *                          (request ids, principals). An empty map is `Empty`;
 *   - `EmbeddedTree`       (from `embed(hashTree)`) an already built HashTree, used as is.
 *
 * Children are sorted bytewise by label (a duplicate label is an error) and joined by a balanced
 * binary tree of forks, built bottom-up by pairing neighbours: [a,b,c,d] -> Fork(Fork(a,b),Fork(c,d)),
 * [a,b,c] -> Fork(Fork(a,b),c).
 */
import { Label, compareBytes, labelBytes, toHex } from './bytes';
import { HashTree, empty, fork, labeled, leaf } from './hashTree';
import { leb128 } from './leb128';

export class EmbeddedTree {
  constructor(readonly tree: HashTree) {}
}

/** Wraps a ready HashTree so it can be placed inside a StateNode. */
export function embed(tree: HashTree): EmbeddedTree {
  return new EmbeddedTree(tree);
}

export type StateMap = Map<Label, StateNode> | { readonly [label: string]: StateNode };
export type StateNode = Uint8Array | string | bigint | EmbeddedTree | StateMap;

function entriesOf(map: StateMap): [Uint8Array, StateNode][] {
  const raw: [Label, StateNode][] = map instanceof Map ? [...map.entries()] : Object.entries(map);
  const entries = raw.map(([k, v]): [Uint8Array, StateNode] => [labelBytes(k), v]);
  entries.sort((a, b) => compareBytes(a[0], b[0]));
  for (let i = 1; i < entries.length; i++) {
    if (compareBytes(entries[i - 1][0], entries[i][0]) === 0) {
      throw new Error(`buildTree: duplicate label 0x${toHex(entries[i][0])}`);
    }
  }
  return entries;
}

/** Joins the subtrees of one level with balanced forks (Empty for none). */
export function forkAll(nodes: readonly HashTree[]): HashTree {
  if (nodes.length === 0) return empty();
  let level = nodes.slice();
  while (level.length > 1) {
    const next: HashTree[] = [];
    for (let i = 0; i < level.length; i += 2) {
      next.push(i + 1 < level.length ? fork(level[i], level[i + 1]) : level[i]);
    }
    level = next;
  }
  return level[0];
}

export function buildTree(node: StateNode): HashTree {
  if (node instanceof Uint8Array || typeof node === 'string') return leaf(node);
  if (typeof node === 'bigint') return leaf(leb128(node));
  if (node instanceof EmbeddedTree) return node.tree;
  if (node === null || typeof node !== 'object') throw new Error(`buildTree: unsupported node ${String(node)}`);
  return forkAll(entriesOf(node).map(([label, child]) => labeled(label, buildTree(child))));
}
