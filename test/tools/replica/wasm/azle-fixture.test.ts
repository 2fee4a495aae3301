/**
 * Instrumenting the real Azle 0.33 fixture canister: the module stays valid, nothing but the
 * counter is touched, and the code is exactly what a literal transcription of the IC algorithm
 * produces.
 */
import { readFileSync } from 'fs';
import { instrumentWasm, InstrumentedWasm } from '../../../../tools/replica/wasm/instrument';
import { OPCODE_NAMES } from '../../../../tools/replica/wasm/opcodes';
import { InstrCursor, Reader, readSections, Section } from '../../../../tools/replica/wasm/reader';
import { ByteWriter, encodeU32 } from '../../../../tools/replica/wasm/writer';
import { expectedCost } from './helpers';

import { builtWasm } from '../../../helpers/wasm';

let original: Uint8Array<ArrayBuffer>;
let inst: InstrumentedWasm;

beforeAll(() => {
  original = new Uint8Array(readFileSync(builtWasm('fixture')));
  const t0 = performance.now();
  inst = instrumentWasm(original);
  const ms = performance.now() - t0;
  console.log(`instrumented ${original.length} -> ${inst.wasm.length} bytes in ${ms.toFixed(0)} ms`);
});

function sectionMap(bytes: Uint8Array): { all: Section[]; byId: Map<number, Section> } {
  const all = readSections(bytes);
  return { all, byId: new Map(all.filter((s) => s.id !== 0).map((s) => [s.id, s])) };
}
const payload = (bytes: Uint8Array, s: Section | undefined) => (s ? Buffer.from(bytes.subarray(s.start, s.end)) : undefined);

/** Function bodies of a code section as [start, end) after their size prefixes. */
function bodies(bytes: Uint8Array, s: Section): Array<[number, number]> {
  const r = new Reader(bytes, s.start, s.end);
  const n = r.u32();
  const out: Array<[number, number]> = [];
  for (let i = 0; i < n; i++) {
    const size = r.u32();
    out.push([r.pos, r.pos + size]);
    r.pos += size;
  }
  return out;
}

function vecCount(bytes: Uint8Array, s: Section): number {
  return new Reader(bytes, s.start, s.end).u32();
}

describe('Azle fixture', () => {
  it('validates and keeps imports, exports, memory, data, elements and custom sections', () => {
    expect(WebAssembly.validate(inst.wasm)).toBe(true);
    const a = new WebAssembly.Module(original);
    const b = new WebAssembly.Module(inst.wasm);
    const imports = WebAssembly.Module.imports(a);
    expect(imports.length).toBe(44);
    expect(WebAssembly.Module.imports(b)).toEqual(imports);
    expect(WebAssembly.Module.exports(b)).toEqual([
      ...WebAssembly.Module.exports(a),
      { name: 'emc_instruction_counter', kind: 'global' },
      { name: 'emc_table', kind: 'table' },
      { name: 'emc_global_0', kind: 'global' },
    ]);
    expect(inst).toMatchObject({ counterExport: 'emc_instruction_counter', tableExport: 'emc_table', memoryExport: 'memory', globalExports: ['emc_global_0'] });
    for (const name of ['producers', 'target_features', 'name']) {
      expect(WebAssembly.Module.customSections(b, name)).toEqual(WebAssembly.Module.customSections(a, name));
    }

    const o = sectionMap(original);
    const n = sectionMap(inst.wasm);
    // Same sections in the same order (customs included); these are byte-for-byte unchanged.
    expect(n.all.map((s) => [s.id, s.name])).toEqual(o.all.map((s) => [s.id, s.name]));
    for (const id of [2, 4, 5, 8, 9, 11, 12]) expect(payload(inst.wasm, n.byId.get(id))).toEqual(payload(original, o.byId.get(id)));
    o.all.forEach((s, i) => {
      if (s.id === 0) expect(payload(inst.wasm, n.all[i])).toEqual(payload(original, s));
    });
    // Type section: unchanged if (i64)->(i64) already existed, else one type appended.
    const ot = payload(original, o.byId.get(1))!;
    const nt = payload(inst.wasm, n.byId.get(1))!;
    if (!ot.equals(nt)) {
      expect(vecCount(inst.wasm, n.byId.get(1)!)).toBe(vecCount(original, o.byId.get(1)!) + 1);
      expect(nt.subarray(nt.length - 5)).toEqual(Buffer.from([0x60, 0x01, 0x7e, 0x01, 0x7e]));
    }
    // Globals: original entries followed by (mut i64) (i64.const 0).
    const og = payload(original, o.byId.get(6))!;
    const ng = payload(inst.wasm, n.byId.get(6))!;
    expect(vecCount(inst.wasm, n.byId.get(6)!)).toBe(vecCount(original, o.byId.get(6)!) + 1);
    expect(ng.subarray(1, og.length)).toEqual(og.subarray(1));
    expect(ng.subarray(og.length)).toEqual(Buffer.from([0x7e, 0x01, 0x42, 0x00, 0x0b]));
    // Functions: original entries plus one.
    expect(vecCount(inst.wasm, n.byId.get(3)!)).toBe(vecCount(original, o.byId.get(3)!) + 1);
  });

  it('leaves memory and data segments as they were at instantiation', () => {
    const stubImports = (m: WebAssembly.Module) => {
      const imports: Record<string, Record<string, () => never>> = {};
      for (const i of WebAssembly.Module.imports(m)) {
        (imports[i.module] ??= {})[i.name] = () => {
          throw new Error(`unexpected import call ${i.name}`);
        };
      }
      return imports;
    };
    const ma = new WebAssembly.Module(original);
    const mb = new WebAssembly.Module(inst.wasm);
    const a = new WebAssembly.Instance(ma, stubImports(ma));
    const b = new WebAssembly.Instance(mb, stubImports(mb));
    const memA = Buffer.from((a.exports.memory as WebAssembly.Memory).buffer);
    const memB = Buffer.from((b.exports.memory as WebAssembly.Memory).buffer);
    expect(memB.length).toBe(22 * 65536);
    expect(memB.equals(memA)).toBe(true);
    expect((b.exports.emc_table as WebAssembly.Table).length).toBe(1050);
  });

  it('runs real canister code identically, with a count, and stops it on a small budget', () => {
    const run = (bytes: Uint8Array<ArrayBuffer>, budget?: bigint) => {
      const m = new WebAssembly.Module(bytes);
      const calls: string[] = [];
      const imports: Record<string, Record<string, (...a: unknown[]) => unknown>> = {};
      for (const i of WebAssembly.Module.imports(m)) {
        (imports[i.module] ??= {})[i.name] = () => {
          calls.push(i.name);
          if (i.name === 'time') return 1_700_000_000_000_000_000n;
          throw new Error(`unexpected import call ${i.name}`);
        };
      }
      const instance = new WebAssembly.Instance(m, imports);
      if (budget !== undefined) (instance.exports.emc_instruction_counter as WebAssembly.Global).value = budget;
      let result: unknown;
      let error: unknown;
      try {
        result = (instance.exports.get_candid_and_method_meta_pointer as () => number)();
      } catch (e) {
        error = e;
      }
      return { instance, calls, result, error, memory: Buffer.from((instance.exports.memory as WebAssembly.Memory).buffer) };
    };
    const plain = run(original);
    const budget = 100_000_000_000n;
    const metered = run(inst.wasm, budget);
    expect(plain.error).toBeUndefined();
    expect(metered.error).toBeUndefined();
    expect(metered.result).toBe(plain.result);
    expect(metered.calls).toEqual(plain.calls);
    expect(metered.memory.equals(plain.memory)).toBe(true);
    const used = budget - ((metered.instance.exports.emc_instruction_counter as WebAssembly.Global).value as bigint);
    console.log(`get_candid_and_method_meta_pointer used ${used} instructions`);
    expect(used).toBeGreaterThan(1000n);
    // Deterministic: a second fresh run counts the same.
    const again = run(inst.wasm, budget);
    expect(budget - ((again.instance.exports.emc_instruction_counter as WebAssembly.Global).value as bigint)).toBe(used);
    // A budget of 1% of that traps, leaving the counter negative.
    const limited = run(inst.wasm, used / 100n);
    expect(limited.error).toBeInstanceOf(WebAssembly.RuntimeError);
    expect((limited.instance.exports.emc_instruction_counter as WebAssembly.Global).value as bigint).toBeLessThan(0n);
  });

  it('injected code only touches the counter, and every original instruction is kept in order', () => {
    const o = sectionMap(original);
    const n = sectionMap(inst.wasm);
    const globalsBefore = vecCount(original, o.byId.get(6)!); // Azle imports no globals
    const C = globalsBefore; // counter index
    const funcImports = WebAssembly.Module.imports(new WebAssembly.Module(original)).filter((i) => i.kind === 'function').length;
    const ob = bodies(original, o.byId.get(10)!);
    const nb = bodies(inst.wasm, n.byId.get(10)!);
    expect(nb.length).toBe(ob.length + 1);
    const decrIndex = funcImports + ob.length;
    const cb = [...encodeU32(C)];
    const dynamicSeq = [0xad, 0x10, ...encodeU32(decrIndex), 0xa7];
    const checkSeq = [0x23, ...cb, 0x42, 0x00, 0x53, 0x04, 0x40, 0x00, 0x0b];

    // $decr: (i64) -> (i64) touching only C and its parameter.
    const [ds, de] = nb[nb.length - 1];
    expect([...inst.wasm.subarray(ds, de)]).toEqual([0x00, 0x23, ...cb, 0x20, 0x00, 0x7d, 0x24, ...cb, ...checkSeq, 0x20, 0x00, 0x0b]);

    const N = inst.wasm;
    const startsWith = (pos: number, seq: number[]) => seq.every((b, i) => N[pos + i] === b);
    /** Length of an injected static sequence at pos (0 if none): global.get C; i64.const k; i64.sub; global.set C [check]. */
    const staticSeqLength = (pos: number): number => {
      if (!startsWith(pos, [0x23, ...cb, 0x42])) return 0;
      let p = pos + 2 + cb.length;
      while (N[p] & 0x80) p++;
      p++;
      if (!startsWith(p, [0x7d, 0x24, ...cb])) return 0;
      p += 2 + cb.length;
      return startsWith(p, checkSeq) ? p + checkSeq.length - pos : p - pos;
    };

    let injectedStatic = 0;
    let injectedDynamic = 0;
    let originalInstructions = 0;
    for (let f = 0; f < ob.length; f++) {
      const [os, oe] = ob[f];
      const [ns, ne] = nb[f];
      // Local declarations unchanged.
      const r = new Reader(original, os, oe);
      const decls = r.u32();
      for (let i = 0; i < decls; i++) {
        r.u32();
        r.u8();
      }
      const localsLen = r.pos - os;
      expect(Buffer.from(N.subarray(ns, ns + localsLen)).equals(Buffer.from(original.subarray(os, os + localsLen)))).toBe(true);
      const oc = new InstrCursor(original, os + localsLen, oe);
      let np = ns + localsLen;
      while (oc.pos < oe) {
        // Injected sequences first: they start with `global.get C` or `i64.extend_i32_u; call $decr`,
        // which no original instruction sequence can contain.
        const sl = staticSeqLength(np);
        if (sl > 0) {
          np += sl;
          injectedStatic++;
          continue;
        }
        if (startsWith(np, dynamicSeq)) {
          np += dynamicSeq.length;
          injectedDynamic++;
          continue;
        }
        // Otherwise the next original instruction, byte for byte.
        const op = oc.next();
        const len = oc.pos - oc.start;
        if (!Buffer.from(N.subarray(np, np + len)).equals(Buffer.from(original.subarray(oc.start, oc.pos)))) {
          throw new Error(`function ${f}: instrumented code diverges at original offset ${oc.start} (${OPCODE_NAMES[op]})`);
        }
        if (op === 0x23 || op === 0x24) {
          // Original global accesses never reach the counter.
          expect(new Reader(original, oc.start + 1, oc.pos).u32()).toBeLessThan(C);
        }
        np += len;
        originalInstructions++;
      }
      expect(np).toBe(ne);
    }
    console.log(`${originalInstructions} original instructions kept; ${injectedStatic} static and ${injectedDynamic} dynamic injections`);
    expect(injectedStatic).toBeGreaterThan(ob.length);
    expect(injectedDynamic).toBeGreaterThan(0);
  });

  it('matches a literal transcription of the IC injection algorithm for every function', () => {
    const o = sectionMap(original);
    const n = sectionMap(inst.wasm);
    const C = vecCount(original, o.byId.get(6)!);
    const funcImports = WebAssembly.Module.imports(new WebAssembly.Module(original)).filter((i) => i.kind === 'function').length;
    const ob = bodies(original, o.byId.get(10)!);
    const nb = bodies(inst.wasm, n.byId.get(10)!);
    const decrIndex = funcImports + ob.length;
    const present = new Map<string, number>();

    type Point = { position: number; kind: 'reentrant' | 'nonreentrant' | 'blockend' | 'dynamic'; cost: number };
    for (let f = 0; f < ob.length; f++) {
      const [os, oe] = ob[f];
      const r = new Reader(original, os, oe);
      const decls = r.u32();
      for (let i = 0; i < decls; i++) {
        r.u32();
        r.u8();
      }
      // The body as an instruction list.
      const names: string[] = [];
      const spans: Array<[number, number]> = [];
      const c = new InstrCursor(original, r.pos, oe);
      while (c.pos < oe) {
        const op = c.next();
        names.push(OPCODE_NAMES[op]);
        spans.push([c.start, c.pos]);
        present.set(OPCODE_NAMES[op], (present.get(OPCODE_NAMES[op]) ?? 0) + 1);
      }
      // The IC's algorithm, as stated.
      const points: Point[] = [];
      let curr: Point = { position: 0, kind: 'reentrant', cost: 1 };
      names.forEach((name, position) => {
        curr.cost += expectedCost(name);
        if (name === 'loop') {
          points.push(curr);
          curr = { position: position + 1, kind: 'reentrant', cost: 0 };
        } else if (name === 'if') {
          points.push(curr);
          curr = { position: position + 1, kind: 'nonreentrant', cost: 0 };
        } else if (['else', 'br', 'br_if', 'br_table', 'end', 'return', 'unreachable', 'return_call', 'return_call_indirect'].includes(name)) {
          points.push(curr);
          curr = { position: position + 1, kind: 'blockend', cost: 0 };
        } else if (['memory.fill', 'memory.copy', 'table.fill', 'table.copy', 'memory.init', 'table.init'].includes(name)) {
          points.push({ position, kind: 'dynamic', cost: 0 });
        }
      });
      points.sort((a, b) => a.position - b.position); // stable, like Rust's sort_by_key
      const emitted = points.filter((p) => p.kind === 'dynamic' || p.kind === 'reentrant' || p.cost > 0);
      // Expected bytes of the instrumented body.
      const w = new ByteWriter(oe - os + 256);
      w.copy(original, os, r.pos);
      let last = 0;
      const copyInstrs = (from: number, to: number) => {
        for (let i = from; i < to; i++) w.copy(original, spans[i][0], spans[i][1]);
      };
      for (const p of emitted) {
        copyInstrs(last, p.position);
        last = p.position;
        if (p.kind === 'dynamic') {
          w.u8(0xad);
          w.u8(0x10);
          w.u32(decrIndex);
          w.u8(0xa7);
        } else {
          w.u8(0x23);
          w.u32(C);
          w.u8(0x42);
          w.s64(p.cost);
          w.u8(0x7d);
          w.u8(0x24);
          w.u32(C);
          if (p.kind === 'reentrant') {
            w.u8(0x23);
            w.u32(C);
            w.copy(Uint8Array.of(0x42, 0x00, 0x53, 0x04, 0x40, 0x00, 0x0b));
          }
        }
      }
      copyInstrs(last, names.length);
      const [ns, ne] = nb[f];
      const actual = Buffer.from(inst.wasm.subarray(ns, ne));
      if (!actual.equals(Buffer.from(w.toBytes()))) throw new Error(`function ${f} differs from the reference instrumentation`);
    }
    const list = [...present.entries()].sort((a, b) => b[1] - a[1]);
    console.log(`${list.length} distinct opcodes in the Azle module: ${list.map(([k, v]) => `${k}:${v}`).join(' ')}`);
    for (const op of ['memory.fill', 'memory.copy', 'memory.init', 'br_table', 'loop', 'call_indirect']) expect(present.has(op)).toBe(true);
  });
});
