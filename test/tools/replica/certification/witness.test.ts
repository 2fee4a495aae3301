import fc from 'fast-check';
import { Principal } from '@dfinity/principal';
import {
  type HashTree,
  ReplicaKey,
  buildTree,
  encodeCertificate,
  encodeTreeCbor,
  flattenForks,
  leb128,
  lookup,
  lookupPath,
  reconstruct,
  toAgentHashTree,
  toHex,
  witness,
} from '../../../../tools/replica/certification';
import { dfinity, textOf, verifiers } from './agents';

const key = ReplicaKey.generate(new TextEncoder().encode('witness test key'));
const id = (b: number) => new Uint8Array(32).fill(b);
const ids = [id(0x11), id(0x22), id(0x33), id(0x44)];
const missingId = id(0x2a); // between 0x22.. and 0x33..
const canisters = ['rrkah-fqaaa-aaaaa-aaaaq-cai', 'ryjl3-tyaaa-aaaaa-aaaba-cai', 'r7inp-6aaaa-aaaaa-aaabq-cai'].map(t =>
  Principal.fromText(t).toUint8Array(),
);
const enc = new TextEncoder();

function fullTree() {
  return buildTree({
    time: leb128(BigInt(Date.now()) * 1_000_000n),
    request_status: new Map(ids.map((r, i) => [r, { status: 'replied', reply: enc.encode(`reply ${i}`) }])),
    canister: new Map(
      canisters.map((c, i) => [c, { certified_data: new Uint8Array(32).fill(i + 1), module_hash: new Uint8Array(32).fill(0xf0 + i) }]),
    ),
  });
}

describe('witness', () => {
  const full = fullTree();
  const wanted = ids[1];
  const w = witness(full, [['time'], ['request_status', wanted]]);

  it('keeps the requested value, prunes the rest, keeps the root hash', () => {
    expect(toHex(reconstruct(w))).toBe(toHex(reconstruct(full)));
    expect(new TextDecoder().decode(lookupPath(w, ['request_status', wanted, 'status']))).toBe('replied');
    expect(new TextDecoder().decode(lookupPath(w, ['request_status', wanted, 'reply']))).toBe('reply 1');
    expect(lookupPath(w, ['time'])).toEqual(lookupPath(full, ['time']));
    for (const other of [ids[0], ids[2], ids[3]]) {
      expect(lookup(w, ['request_status', other, 'status']).status).toBe('unknown');
    }
    expect(lookup(w, ['canister', canisters[0], 'certified_data']).status).toBe('unknown');
    // the whole canister subtree is a single pruned node
    const canisterLevel = flattenForks(w).filter(n => n.type === 'pruned');
    expect(canisterLevel.length).toBe(1);
    expect(encodeTreeCbor(w).length).toBeLessThan(encodeTreeCbor(full).length / 2);
  });

  it('witness of nothing is the pruned root; witness of the root path is the tree', () => {
    expect(witness(full, [])).toEqual({ type: 'pruned', hash: reconstruct(full) });
    expect(witness(full, [[]])).toBe(full);
  });

  describe.each(verifiers)('certificates over witnesses, checked by $name', v => {
    it('verifies, finds the kept paths and reports the pruned ones as Unknown', async () => {
      const lk = await v.verify({ certificate: key.certify(w), rootKey: key.publicKeyDer, canisterId: canisters[0] });
      expect(textOf(lk(['request_status', wanted, 'status']))).toBe('replied');
      expect(textOf(lk(['request_status', wanted, 'reply']))).toBe('reply 1');
      for (const other of [ids[0], ids[2], ids[3]]) {
        expect(lk(['request_status', other, 'status']).status).toBe('Unknown');
      }
      // The spec answer here is Unknown (the whole `canister` subtree is pruned), and our `lookup`
      // says so. agent-js says Absent: its label comparison (isBufferGreaterThan) is not
      // lexicographic but "some byte is greater", and 'canister' has 's' > 'e' at index 4 of
      // 'request_status', so it walks past the pruned node and concludes absence.
      expect(lookup(w, ['canister', canisters[0], 'certified_data']).status).toBe('unknown');
      expect(lk(['canister', canisters[0], 'certified_data']).status).toBe('Absent');
    });

    it('the signature over the full tree is valid for the witness (sign once, serve witnesses)', async () => {
      const sig = key.signStateRoot(reconstruct(full));
      const cert = encodeCertificate(w, sig);
      await expect(v.verify({ certificate: cert, rootKey: key.publicKeyDer, canisterId: canisters[0] })).resolves.toBeDefined();
    });

    it('proves absence of a request id that is not in the tree', async () => {
      const wa = witness(full, [['time'], ['request_status', missingId]]);
      expect(toHex(reconstruct(wa))).toBe(toHex(reconstruct(full)));
      expect(lookup(wa, ['request_status', missingId, 'status']).status).toBe('absent');
      const lk = await v.verify({ certificate: key.certify(wa), rootKey: key.publicKeyDer, canisterId: canisters[0] });
      expect(lk(['request_status', missingId, 'status']).status).toBe('Absent');
      // the neighbours are present as labels only
      expect(lk(['request_status', ids[1], 'status']).status).toBe('Unknown');
      expect(lk(['request_status', ids[2], 'status']).status).toBe('Unknown');
    });

    it('keeps several paths across canisters', async () => {
      const wc = witness(full, [
        ['time'],
        ['canister', canisters[2], 'certified_data'],
        ['canister', canisters[0], 'module_hash'],
        ['request_status', ids[3]],
      ]);
      expect(toHex(reconstruct(wc))).toBe(toHex(reconstruct(full)));
      const lk = await v.verify({ certificate: key.certify(wc), rootKey: key.publicKeyDer, canisterId: canisters[2] });
      expect(toHex(lk(['canister', canisters[2], 'certified_data']).value as Uint8Array)).toBe(
        toHex(new Uint8Array(32).fill(3)),
      );
      expect(toHex(lk(['canister', canisters[0], 'module_hash']).value as Uint8Array)).toBe(
        toHex(new Uint8Array(32).fill(0xf0)),
      );
      expect(lk(['canister', canisters[2], 'module_hash']).status).toBe('Unknown');
      expect(lk(['canister', canisters[1], 'certified_data']).status).toBe('Unknown');
      expect(textOf(lk(['request_status', ids[3], 'reply']))).toBe('reply 3');
      expect(lk(['request_status', ids[0], 'reply']).status).toBe('Unknown');
    });
  });
});

describe('witness properties (random trees)', () => {
  type Node = Uint8Array | Map<Uint8Array, Node>;
  const labelArb = fc.uint8Array({ minLength: 0, maxLength: 3, max: 3 });
  const nodeArb: fc.Arbitrary<Node> = fc.letrec<{ node: Node }>(tie => ({
    node: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      fc.uint8Array({ maxLength: 4 }),
      fc
        .uniqueArray(fc.tuple(labelArb, tie('node')), { maxLength: 5, selector: ([l]) => toHex(l) })
        .map(es => new Map(es)),
    ),
  })).node;

  it('keeps the root hash and every requested leaf; pruned-away leaves are not found', () => {
    fc.assert(
      fc.property(nodeArb, fc.array(fc.array(labelArb, { maxLength: 3 }), { maxLength: 4 }), (node, paths) => {
        const full = buildTree(node);
        const w = witness(full, paths);
        expect(toHex(reconstruct(w))).toBe(toHex(reconstruct(full)));
        for (const p of paths) {
          const a = lookup(full, p);
          const b = lookup(w, p);
          // a requested path resolves exactly as in the full tree (absence is proven too)
          if (a.status === 'found' || a.status === 'absent') expect(b).toEqual(a);
        }
        // witnessing the witness changes nothing
        expect(witness(w, paths)).toEqual(w);
      }),
      { numRuns: 300 },
    );
  });

  it('agent-js finds every requested leaf in a witness', async () => {
    let checked = 0;
    await fc.assert(
      fc.asyncProperty(nodeArb, fc.array(fc.array(labelArb, { maxLength: 3 }), { maxLength: 4 }), async (node, paths) => {
        const full = buildTree(node);
        const w = witness(full, paths);
        const tree = toAgentHashTree(w) as unknown as dfinity.HashTree;
        for (const p of paths) {
          const a = lookup(full, p);
          // agent-js compares labels "some byte greater" instead of lexicographically; avoid label
          // sets where that differs (one label a proper prefix of another, or mixed orders)
          if (a.status === 'found' && !hasAmbiguousLevel(full, p)) {
            const r = dfinity.lookup_path(p, tree);
            expect(r.status).toBe('Found');
            expect(toHex(dfinity.lookupResultToBuffer(r)!)).toBe(toHex(a.value));
            checked++;
          }
        }
      }),
      { numRuns: 200 },
    );
    expect(checked).toBeGreaterThan(20);
  });
});

/** Whether on the way along `path` some level has labels agent-js's comparison orders differently. */
function hasAmbiguousLevel(tree: HashTree, path: Uint8Array[]): boolean {
  let t = tree;
  for (const seg of path) {
    const labels = flattenForks(t).flatMap(n => (n.type === 'labeled' ? [n.label] : []));
    const agentGreater = (a: Uint8Array, b: Uint8Array) => {
      for (let i = 0; i < a.length; i++) if (a[i] > b[i]) return true;
      return false;
    };
    for (const l of labels) {
      const lexLess = Buffer.compare(Buffer.from(l), Buffer.from(seg)) < 0;
      if (lexLess !== agentGreater(seg, l)) return true;
    }
    const next = flattenForks(t).find(n => n.type === 'labeled' && Buffer.compare(Buffer.from(n.label), Buffer.from(seg)) === 0);
    if (!next || next.type !== 'labeled') return false;
    t = next.tree;
  }
  return false;
}
