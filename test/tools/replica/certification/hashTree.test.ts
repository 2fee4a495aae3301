import * as agentCert from '@dfinity/agent';
import { decode as cborDecode } from '@dfinity/cbor';
import {
  HashTree,
  buildTree,
  decodeLeb128,
  empty,
  encodeTreeCbor,
  fork,
  fromAgentHashTree,
  fromHex,
  labeled,
  leaf,
  leb128,
  lookup,
  lookupPath,
  pruned,
  reconstruct,
  toAgentHashTree,
  toHex,
  witness,
} from '../../../../tools/replica/certification';

// The "Example" of the Certification section of the IC interface specification.
//   ─┬─┬╴"a" ─┬─┬╴"x" ─╴"hello"
//    │ │      │ └╴Empty
//    │ │      └╴  "y" ─╴"world"
//    │ └╴"b" ──╴"good"
//    └─┬╴"c" ──╴Empty
//      └╴"d" ──╴"morning"
const specTree: HashTree = fork(
  fork(
    labeled('a', fork(fork(labeled('x', leaf('hello')), empty()), labeled('y', leaf('world')))),
    labeled('b', leaf('good')),
  ),
  fork(labeled('c', empty()), labeled('d', leaf('morning'))),
);
const SPEC_ROOT = 'eb5c5b2195e62d996b84c9bcc8259d19a83786a2f59e0878cec84c811f669aa0';
const SPEC_CBOR =
  '8301830183024161830183018302417882034568656c6c6f810083024179820345776f726c6483024162820344676f6f648301830241638100830241648203476d6f726e696e67';
// The spec's pruning of the example for the paths /a/y, /ax, /d.
const SPEC_PRUNED_CBOR =
  '83018301830241618301820458201b4feff9bef8131788b0c9dc6dbad6e81e524249c879e9f10f71ce3749f5a63883024179820345776f726c6483024162820458207b32ac0c6ba8ce35ac82c255fc7906f7fc130dab2a090f80fe12f9c2cae83ba6830182045820ec8324b8a1f1ac16bd2e806edba78006479c9877fed4eb464a25485465af601d830241648203476d6f726e696e67';

describe('reconstruct', () => {
  it('gives the root hash published in the spec example', () => {
    expect(toHex(reconstruct(specTree))).toBe(SPEC_ROOT);
  });

  it('agrees with agent-js reconstruct on the same tree', async () => {
    const theirs = await agentCert.reconstruct(toAgentHashTree(specTree) as unknown as agentCert.HashTree);
    expect(toHex(theirs)).toBe(SPEC_ROOT);
  });

  it('agrees with agent-js on every node kind and on a built state tree', async () => {
    const tree = fork(
      buildTree({ time: 1n, z: new Map([[new Uint8Array([0, 255]), 'v']]) }),
      fork(pruned(new Uint8Array(32).fill(7)), empty()),
    );
    const theirs = await agentCert.reconstruct(toAgentHashTree(tree) as unknown as agentCert.HashTree);
    expect(toHex(theirs)).toBe(toHex(reconstruct(tree)));
  });

  it('hashes the spec pruned tree to the same root', () => {
    const t = fromAgentHashTree(cborDecode(fromHex(SPEC_PRUNED_CBOR)));
    expect(toHex(reconstruct(t))).toBe(SPEC_ROOT);
  });
});

describe('CBOR', () => {
  it('encodes the spec example as the spec does', () => {
    expect(toHex(encodeTreeCbor(specTree))).toBe(SPEC_CBOR);
  });

  it('round-trips through the CBOR decoder agent-js uses', () => {
    const t = buildTree({ a: 'x', b: { c: new Uint8Array(300).fill(1), d: 123456789n } });
    const back = fromAgentHashTree(cborDecode(encodeTreeCbor(t)));
    expect(back).toEqual(t);
  });
});

describe('witness of the spec example', () => {
  it('reproduces the spec pruned tree for /a/y, /ax, /d', () => {
    const w = witness(specTree, [['a', 'y'], ['ax'], ['d']]);
    expect(toHex(encodeTreeCbor(w))).toBe(SPEC_PRUNED_CBOR);
    expect(toHex(reconstruct(w))).toBe(SPEC_ROOT);
  });
});

describe('lookup', () => {
  const utf8 = (b: Uint8Array | undefined) => (b ? new TextDecoder().decode(b) : undefined);

  it('finds leaves and reports absent / error', () => {
    expect(utf8(lookupPath(specTree, ['a', 'y']))).toBe('world');
    expect(utf8(lookupPath(specTree, ['d']))).toBe('morning');
    expect(lookup(specTree, ['a', 'z']).status).toBe('absent');
    expect(lookup(specTree, ['ax']).status).toBe('absent');
    expect(lookup(specTree, ['c']).status).toBe('absent'); // Empty at the end of the path
    expect(lookup(specTree, ['c', 'q']).status).toBe('absent');
    expect(lookup(specTree, ['a']).status).toBe('error');
    expect(lookup(specTree, ['e']).status).toBe('absent');
  });

  it('reports unknown behind pruned nodes, absent where the witness proves it', () => {
    const w = fromAgentHashTree(cborDecode(fromHex(SPEC_PRUNED_CBOR)));
    expect(utf8(lookupPath(w, ['a', 'y']))).toBe('world');
    expect(lookup(w, ['a', 'x']).status).toBe('unknown');
    expect(lookup(w, ['ax']).status).toBe('absent');
    expect(lookup(w, ['b']).status).toBe('unknown');
    expect(lookup(w, ['c']).status).toBe('unknown');
    expect(lookup(w, ['bb']).status).toBe('unknown');
    expect(lookup(w, ['e']).status).toBe('absent');
  });
});

describe('buildTree', () => {
  it('sorts labels bytewise and forks them in a balanced way', () => {
    const t = buildTree({ d: 'morning', b: 'good', c: {}, a: new Map([['y', 'world'], ['x', 'hello']]) });
    expect(t).toEqual(
      fork(
        fork(
          labeled('a', fork(labeled('x', leaf('hello')), labeled('y', leaf('world')))),
          labeled('b', leaf('good')),
        ),
        fork(labeled('c', empty()), labeled('d', leaf('morning'))),
      ),
    );
    const three = buildTree(new Map<Uint8Array, string>([[new Uint8Array([2]), 'c'], [new Uint8Array([1, 0]), 'b'], [new Uint8Array([1]), 'a']]));
    expect(three).toEqual(fork(fork(labeled(new Uint8Array([1]), leaf('a')), labeled(new Uint8Array([1, 0]), leaf('b'))), labeled(new Uint8Array([2]), leaf('c'))));
  });

  it('rejects a duplicate label', () => {
    expect(() => buildTree(new Map<string | Uint8Array, string>([['a', '1'], [new Uint8Array([0x61]), '2']]))).toThrow(/duplicate/);
  });
});

describe('leb128', () => {
  it('encodes as unsigned LEB128', () => {
    expect(toHex(leb128(0n))).toBe('00');
    expect(toHex(leb128(127n))).toBe('7f');
    expect(toHex(leb128(128n))).toBe('8001');
    expect(toHex(leb128(624485n))).toBe('e58e26');
    const ns = 1_700_000_000_123_456_789n;
    expect(decodeLeb128(leb128(ns))).toBe(ns);
    expect(() => leb128(-1n)).toThrow();
  });
});
