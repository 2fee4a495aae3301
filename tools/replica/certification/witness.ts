/**
 * Witnesses (pruned trees) as returned by read_state: the requested paths are kept, everything
 * else is replaced by Pruned(hash), so the witness has the same root hash as the full tree.
 *
 * Per level (the labeled children under one node), for every requested path:
 *   - label present: keep that child and continue with the rest of the path; a path that ends
 *     there keeps the whole subtree (as read_state does for e.g. /request_status/<id>);
 *   - label absent: keep the labels of its two neighbours (the largest smaller and the smallest
 *     larger label) with their subtrees pruned; that proves absence, as in the spec's example;
 *   - a path running into a leaf keeps the leaf (it proves the longer path does not exist);
 *     a path running into a pruned node keeps the pruned node.
 * Forks whose both sides are unneeded collapse into one Pruned node; `Empty` stays `Empty`.
 * No path requested: the whole tree becomes Pruned(root hash).
 * Note: agent-js needs `time` in every certificate, so callers include ['time'] in `paths`.
 */
import { Label, compareBytes, labelBytes } from './bytes';
import { HashTree, LabeledNode, flattenForks, fork, labeled, pruned, reconstruct } from './hashTree';

type Need = { full: boolean; sub: Uint8Array[][]; labelOnly: boolean };

/** Replaces a subtree by its hash (Empty and Pruned are kept: they are no larger). */
export function prune(tree: HashTree): HashTree {
  if (tree.type === 'empty' || tree.type === 'pruned') return tree;
  return pruned(reconstruct(tree));
}

export function witness(tree: HashTree, paths: readonly (readonly Label[])[]): HashTree {
  return witnessLevel(
    tree,
    paths.map(p => p.map(labelBytes)),
  );
}

function witnessLevel(tree: HashTree, paths: Uint8Array[][]): HashTree {
  if (paths.length === 0) return prune(tree);
  if (paths.some(p => p.length === 0)) return tree;
  if (tree.type === 'leaf' || tree.type === 'pruned' || tree.type === 'empty') return tree;

  const fringe = flattenForks(tree);
  const labeledPos: number[] = []; // fringe positions of labeled nodes, in (sorted) order
  fringe.forEach((n, i) => {
    if (n.type === 'labeled') labeledPos.push(i);
  });
  const labelAt = (k: number): Uint8Array => (fringe[labeledPos[k]] as LabeledNode).label;

  const needs = new Map<number, Need>();
  const need = (pos: number): Need => {
    let n = needs.get(pos);
    if (!n) {
      n = { full: false, sub: [], labelOnly: false };
      needs.set(pos, n);
    }
    return n;
  };

  for (const path of paths) {
    const label = path[0];
    // first labeled index whose label is >= `label`
    let lo = 0;
    let hi = labeledPos.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (compareBytes(labelAt(mid), label) < 0) lo = mid + 1;
      else hi = mid;
    }
    if (lo < labeledPos.length && compareBytes(labelAt(lo), label) === 0) {
      const n = need(labeledPos[lo]);
      const rest = path.slice(1);
      if (rest.length === 0) n.full = true;
      else n.sub.push(rest);
    } else {
      if (lo > 0) need(labeledPos[lo - 1]).labelOnly = true;
      if (lo < labeledPos.length) need(labeledPos[lo]).labelOnly = true;
    }
  }

  let pos = 0;
  const rebuild = (t: HashTree): HashTree | null => {
    switch (t.type) {
      case 'empty':
        return null;
      case 'fork': {
        const l = rebuild(t.left);
        const r = rebuild(t.right);
        if (l === null && r === null) return null;
        return fork(l ?? prune(t.left), r ?? prune(t.right));
      }
      case 'labeled': {
        const n = needs.get(pos++);
        if (!n) return null;
        if (n.full) return t;
        if (n.sub.length > 0) return labeled(t.label, witnessLevel(t.tree, n.sub));
        return labeled(t.label, prune(t.tree));
      }
      default:
        pos++;
        return null;
    }
  };
  return rebuild(tree) ?? prune(tree);
}
