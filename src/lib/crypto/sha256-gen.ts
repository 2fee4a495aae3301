/**
 * Generator for `sha256-compress.generated.ts`: fully unrolled SHA-256 compression functions,
 * specialised by partial evaluation for message blocks whose words are partly or wholly known.
 *
 *   npx tsx src/lib/crypto/sha256-gen.ts          # rewrite the generated file
 *
 * A test (test/unit/crypto/sha256-gen.test.ts) checks that the committed file equals the output.
 *
 * Why generated code: the ledger runs in QuickJS (Azle), an interpreter whose cost is roughly
 * proportional to the number of bytecodes executed (measured ~50-60 Wasm instructions per
 * bytecode, plus ~500 when an int32 addition overflows into a double and is then truncated by
 * `| 0`). Unrolling removes loop/array traffic; state and schedule live in locals (`var`, which
 * avoids the TDZ checks `let` costs); constant message words are folded into the round constants
 * and the message schedule, so a constant block (the padding block of a 64n-byte message) needs
 * no schedule at all.
 *
 * Only integer bit operations are used; every value is kept an int32 (`| 0`, never `>>> 0`,
 * which yields doubles above 2^31).
 */

const K = [
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
].map(k => k | 0);

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

/** A message word during generation: a known int32 constant, or the name of a local holding it. */
type Word = { c: number } | { v: string };

const rotr = (x: number, n: number): number => (x >>> n) | (x << (32 - n));
const sig0 = (x: number): number => rotr(x, 7) ^ rotr(x, 18) ^ (x >>> 3);
const sig1 = (x: number): number => rotr(x, 17) ^ rotr(x, 19) ^ (x >>> 10);

const rotE = (x: string, n: number): string => `((${x} >>> ${n}) | (${x} << ${32 - n}))`;
const sig0E = (x: string): string => `(${rotE(x, 7)} ^ ${rotE(x, 18)} ^ (${x} >>> 3))`;
const sig1E = (x: string): string => `(${rotE(x, 17)} ^ ${rotE(x, 19)} ^ (${x} >>> 10))`;
const Sig0E = (x: string): string => `(${rotE(x, 2)} ^ ${rotE(x, 13)} ^ ${rotE(x, 22)})`;
const Sig1E = (x: string): string => `(${rotE(x, 6)} ^ ${rotE(x, 11)} ^ ${rotE(x, 25)})`;

/** `(t1 + t2 + ...) | 0` with the constant terms folded into one (dropped when zero). */
function sumE(vars: string[], constant: number): string {
  const terms = [...vars];
  if ((constant | 0) !== 0) terms.push(String(constant | 0));
  if (terms.length === 0) return '0';
  if (terms.length === 1) return terms[0];
  return `(${terms.join(' + ')}) | 0`;
}

interface Spec {
  name: string;
  doc: string;
  params: string;
  /** The 16 message words: constants, or source expressions loaded once into `w<i>`. */
  words: ({ c: number } | { src: string })[];
}

const LOCALS = new Set(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 't', 'p', 'q', ...range(16).map(i => `w${i}`)]);

function genCompress(spec: Spec): string {
  for (const param of spec.params.split(',').map(x => x.split(':')[0].trim())) {
    if (LOCALS.has(param)) throw new Error(`${spec.name}: parameter ${param} collides with a local`);
  }
  const lines: string[] = [];
  const w: Word[] = [];
  const slots = new Set<number>();
  for (let i = 0; i < 16; i++) {
    const src = spec.words[i];
    if ('c' in src) w.push({ c: src.c | 0 });
    else if (/^[a-z]\w*$/.test(src.src)) w.push({ v: src.src }); // a parameter: use it in place
    else {
      w.push({ v: `w${i}` });
      slots.add(i);
      lines.push(`  w${i} = ${src.src};`);
    }
  }
  // The message schedule, folded where its inputs are known.
  const sched: string[] = [];
  for (let t = 16; t < 64; t++) {
    const parts = [w[t - 2], w[t - 7], w[t - 15], w[t - 16]];
    let constant = 0;
    const vars: string[] = [];
    const add = (x: Word, f: ((n: number) => number) | null, fe: ((s: string) => string) | null): void => {
      if ('c' in x) constant = (constant + (f ? f(x.c) : x.c)) | 0;
      else vars.push(fe ? fe(x.v) : x.v);
    };
    add(parts[0], sig1, sig1E);
    add(parts[1], null, null);
    add(parts[2], sig0, sig0E);
    add(parts[3], null, null);
    if (vars.length === 0) w.push({ c: constant });
    else {
      const slot = t % 16;
      slots.add(slot);
      w.push({ v: `w${slot}` });
      sched[t] = `  w${slot} = ${sumE(vars, constant)};`;
    }
  }
  // Maj(a, b, c) = b ^ ((a ^ b) & (b ^ c)), and this round's b ^ c is the previous round's a ^ b:
  // keep it in one of two alternating locals (p, q) instead of recomputing.
  lines.push('  q = b ^ c;');
  let v = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'];
  for (let t = 0; t < 64; t++) {
    if (sched[t]) lines.push(sched[t]);
    const [A, B, C, D, E, F, G, H] = v;
    const [X, Y] = t % 2 === 0 ? ['p', 'q'] : ['q', 'p'];
    const wt = w[t];
    const constant = 'c' in wt ? (K[t] + wt.c) | 0 : K[t];
    const vars = [H, Sig1E(E), `(${G} ^ (${E} & (${F} ^ ${G})))`];
    if ('v' in wt) vars.push(wt.v);
    lines.push(`  t = ${sumE(vars, constant)};`);
    lines.push(`  ${D} = (${D} + t) | 0;`);
    lines.push(`  ${H} = (t + ${Sig0E(A)} + (${B} ^ ((${X} = ${A} ^ ${B}) & ${Y}))) | 0;`);
    v = [H, A, B, C, D, E, F, G];
  }
  const decl = ['t', 'p', 'q', ...[...slots].sort((x, y) => x - y).map(i => `w${i}`)].map(x => `${x}: number`);
  const out: string[] = [];
  out.push(`/** ${spec.doc} */`);
  out.push(`export function ${spec.name}(${spec.params}): void {`);
  out.push(`  var a = st[0], b = st[1], c = st[2], d = st[3], e = st[4], f = st[5], g = st[6], h = st[7];`);
  out.push(`  var ${decl.join(', ')};`);
  out.push(...lines);
  const fin = v.map((x, i) => `  st[${i}] = (st[${i}] + ${x}) | 0;`);
  out.push(...fin, '}', '');
  return out.join('\n');
}

/** Largest n for which `COMPRESS_PAD[n]` (the padding block of a 64n-byte message) exists. */
export const MAX_PAD_BLOCKS = 10;

export function generateSha256Compress(): string {
  const specs: Spec[] = [
    {
      name: 'compressWords',
      doc: 'One compression of the 16 big-endian words `m[o..o+16)` into `st`.',
      params: 'st: Int32Array, m: Int32Array, o: number',
      words: range(16).map(i => ({ src: i === 0 ? 'm[o]' : `m[o + ${i}]` })),
    },
    {
      name: 'compressBytes',
      doc: 'One compression of the 64 bytes `m[o..o+64)` into `st`.',
      params: 'st: Int32Array, m: Uint8Array, o: number',
      words: range(16).map(i => ({
        src: `(m[o + ${4 * i}] << 24) | (m[o + ${4 * i + 1}] << 16) | (m[o + ${4 * i + 2}] << 8) | m[o + ${4 * i + 3}]`,
      })),
    },
    {
      name: 'compressPair',
      doc: 'One compression of the block `x[0..8) ‖ y[0..8)` (two 8-word digests) into `st`.',
      params: 'st: Int32Array, x: Int32Array, y: Int32Array',
      words: range(16).map(i => ({ src: i < 8 ? `x[${i}]` : `y[${i - 8}]` })),
    },
    {
      name: 'compress32',
      doc: 'The single (final) compression of a 32-byte message `x[0..8)`, padding included.',
      params: 'st: Int32Array, x: Int32Array',
      words: range(16).map(i => (i < 8 ? { src: `x[${i}]` } : { c: i === 8 ? 0x80000000 : i === 15 ? 256 : 0 })),
    },
    {
      name: 'compress32Bytes',
      doc: 'The single (final) compression of the 32-byte message `m[o..o+32)`, padding included.',
      params: 'st: Int32Array, m: Uint8Array, o: number',
      words: range(16).map(i =>
        i < 8
          ? { src: `(m[o + ${4 * i}] << 24) | (m[o + ${4 * i + 1}] << 16) | (m[o + ${4 * i + 2}] << 8) | m[o + ${4 * i + 3}]` }
          : { c: i === 8 ? 0x80000000 : i === 15 ? 256 : 0 },
      ),
    },
    {
      name: 'compressShort',
      doc:
        'The single (final) compression of a message of at most 11 bytes: its padded words ' +
        '`w0, w1, w2` (0x80 terminator included) and its length in bits.',
      params: 'st: Int32Array, x0: number, x1: number, x2: number, bits: number',
      words: range(16).map(i => (i < 3 ? { src: `x${i}` } : i === 15 ? { src: 'bits' } : { c: 0 })),
    },
  ];
  const header = [
    '// GENERATED by src/lib/crypto/sha256-gen.ts — do not edit; run `npx tsx src/lib/crypto/sha256-gen.ts`.',
    '/* eslint-disable */',
    '',
  ].join('\n');
  const footer =
    `/** The round constants K. */\n` +
    `const K = new Int32Array([${K.join(', ')}]);\n\n` +
    `/** K[t] + W[t] for the padding block of a 64n-byte message (w0 = 0x80000000, w15 = 512n, others 0). */\n` +
    `function padSchedule(n: number): Int32Array {\n` +
    `  const w = new Int32Array(64);\n` +
    `  w[0] = -0x80000000;\n` +
    `  w[15] = 512 * n;\n` +
    `  for (let t = 16; t < 64; t++) {\n` +
    `    const x = w[t - 2], y = w[t - 15];\n` +
    `    w[t] = (((x >>> 17) | (x << 15)) ^ ((x >>> 19) | (x << 13)) ^ (x >>> 10)) + w[t - 7] + (((y >>> 7) | (y << 25)) ^ ((y >>> 18) | (y << 14)) ^ (y >>> 3)) + w[t - 16];\n` +
    `  }\n` +
    `  for (let t = 0; t < 64; t++) w[t] = (w[t] + K[t]) | 0;\n` +
    `  return w;\n` +
    `}\n\n` +
    `/**\n` +
    ` * \`COMPRESS_PAD[n]\` compresses the padding block of a 64n-byte message (1 <= n <= ${MAX_PAD_BLOCKS}): a constant\n` +
    ` * block, so its schedule is computed once (on first use) and each use only runs the rounds.\n` +
    ` */\n` +
    `export const COMPRESS_PAD: ((st: Int32Array) => void)[] = [noPad];\n` +
    `for (let n = 1; n <= ${MAX_PAD_BLOCKS}; n++) {\n` +
    `  let kw: Int32Array | undefined;\n` +
    `  COMPRESS_PAD.push((st: Int32Array): void => compressScheduled(st, kw ??= padSchedule(n)));\n` +
    `}\n` +
    `function noPad(_st: Int32Array): void {\n  throw new Error('sha256: no padding block for an empty message here');\n}\n`;
  return header + specs.map(genCompress).join('\n') + genScheduled() + footer;
}

/**
 * One compression whose block is known in advance: the 64 values K[t] + W[t] are given (`kw`),
 * so only the rounds run. One table-driven function instead of one unrolled function per
 * constant block: the canister's bundle is evaluated from source at every upgrade, and ten
 * unrolled padding functions were ~100 KB of it; a table read per round costs ~2 % here.
 */
function genScheduled(): string {
  const lines: string[] = [];
  lines.push('  q = b ^ c;');
  let v = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'];
  for (let t = 0; t < 64; t++) {
    const [A, B, C, D, E, F, G, H] = v;
    const [X, Y] = t % 2 === 0 ? ['p', 'q'] : ['q', 'p'];
    lines.push(`  t = (${H} + ${Sig1E(E)} + (${G} ^ (${E} & (${F} ^ ${G}))) + kw[${t}]) | 0;`);
    lines.push(`  ${D} = (${D} + t) | 0;`);
    lines.push(`  ${H} = (t + ${Sig0E(A)} + (${B} ^ ((${X} = ${A} ^ ${B}) & ${Y}))) | 0;`);
    v = [H, A, B, C, D, E, F, G];
  }
  return [
    '/** One compression of a block whose K[t] + W[t] are given (`kw`, 64 values): the rounds only. */',
    'export function compressScheduled(st: Int32Array, kw: Int32Array): void {',
    '  var a = st[0], b = st[1], c = st[2], d = st[3], e = st[4], f = st[5], g = st[6], h = st[7];',
    '  var t: number, p: number, q: number;',
    ...lines,
    ...v.map((x, i) => `  st[${i}] = (st[${i}] + ${x}) | 0;`),
    '}',
    '',
  ].join('\n');
}

if (typeof require !== 'undefined' && require.main === module) {
  const fs = require('fs');
  const path = require('path');
  const file = path.join(__dirname, 'sha256-compress.generated.ts');
  fs.writeFileSync(file, generateSha256Compress());
  console.log(`wrote ${file}`);
}
