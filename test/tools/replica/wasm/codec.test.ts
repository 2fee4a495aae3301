/** LEB128, section handling and decoder errors of the Wasm instrumentation. */
import { instrumentWasm } from '../../../../tools/replica/wasm/instrument';
import { InstrCursor, Reader, readSections } from '../../../../tools/replica/wasm/reader';
import { ByteWriter, encodeS64, encodeU32, lebS64Size, lebU32Size } from '../../../../tools/replica/wasm/writer';
import { instantiateMetered, wat } from './helpers';

/** Builds a module: magic + the given sections ([id, payload bytes]). */
function moduleOf(...sections: Array<[number, number[]]>): Uint8Array {
  const w = new ByteWriter();
  w.copy(Uint8Array.of(0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00));
  for (const [id, p] of sections) {
    w.u8(id);
    w.u32(p.length);
    w.copy(Uint8Array.from(p));
  }
  return w.toBytes();
}

/** A module with one exported function `f` of type () -> (i32) whose body is `code` (no locals). */
function oneFunction(code: number[]): Uint8Array {
  const body = [0x00, ...code];
  return moduleOf(
    [1, [0x01, 0x60, 0x00, 0x01, 0x7f]],
    [3, [0x01, 0x00]],
    [7, [0x01, 0x01, 0x66, 0x00, 0x00]],
    [10, [0x01, body.length, ...body]],
  );
}

describe('LEB128', () => {
  it('encodes known vectors', () => {
    expect([...encodeU32(0)]).toEqual([0x00]);
    expect([...encodeU32(127)]).toEqual([0x7f]);
    expect([...encodeU32(128)]).toEqual([0x80, 0x01]);
    expect([...encodeU32(624485)]).toEqual([0xe5, 0x8e, 0x26]);
    expect([...encodeU32(0xffffffff)]).toEqual([0xff, 0xff, 0xff, 0xff, 0x0f]);
    expect([...encodeS64(0)]).toEqual([0x00]);
    expect([...encodeS64(63)]).toEqual([0x3f]);
    expect([...encodeS64(64)]).toEqual([0xc0, 0x00]);
    expect([...encodeS64(-1)]).toEqual([0x7f]);
    expect([...encodeS64(-64)]).toEqual([0x40]);
    expect([...encodeS64(-65)]).toEqual([0xbf, 0x7f]);
    expect([...encodeS64(-123456)]).toEqual([0xc0, 0xbb, 0x78]);
  });

  it('sizes and round trips agree', () => {
    const values = [0, 1, 63, 64, 127, 128, 8191, 8192, 16383, 16384, 2 ** 31 - 1, 2 ** 32 - 1];
    for (const v of values) {
      const b = encodeU32(v);
      expect(b.length).toBe(lebU32Size(v));
      expect(new Reader(b).u32()).toBe(v);
    }
    for (const v of [...values, -1, -63, -64, -65, -8192, -8193, 2 ** 40, -(2 ** 40), Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER]) {
      expect(encodeS64(v).length).toBe(lebS64Size(v));
    }
    expect(() => new Reader(Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0x1f)).u32()).toThrow(/out of range/);
  });
});

describe('decoder', () => {
  it('rejects unknown opcodes, naming the opcode and offset', () => {
    // try (0x06, exception handling) is not supported
    expect(() => instrumentWasm(oneFunction([0x06, 0x40, 0x0b, 0x41, 0x00, 0x0b]))).toThrow(/unknown opcode 0x06 \(at byte offset \d+\)/);
    expect(() => instrumentWasm(oneFunction([0xfc, 0x12, 0x00, 0x0b]))).toThrow(/unknown opcode 0xfc 18/);
    expect(() => instrumentWasm(oneFunction([0xfd, 0x0c, 0x0b]))).toThrow(/SIMD/);
    expect(() => instrumentWasm(oneFunction([0xfe, 0x03, 0x0b]))).toThrow(/atomic/);
  });

  it('reports the offset of the offending instruction', () => {
    const bytes = oneFunction([0x41, 0x00, 0x1a, 0xc5, 0x41, 0x00, 0x0b]);
    const at = bytes.indexOf(0xc5);
    expect(() => instrumentWasm(bytes)).toThrow(`unknown opcode 0xc5 (at byte offset ${at})`);
  });

  it('rejects bodies with bytes after the final end and non-function types', () => {
    expect(() => instrumentWasm(oneFunction([0x41, 0x00, 0x0b, 0x01]))).toThrow(/after its final end/);
    expect(() => instrumentWasm(moduleOf([1, [0x01, 0x5f, 0x00]]))).toThrow(/unsupported type form/);
  });

  it('walks every immediate form', async () => {
    const bytes = await wat(`
      (module
        (type $t2 (func (param i32) (result i32 i32)))
        (memory 1) (table 2 funcref) (global $g (mut i32) (i32.const 0))
        (data $d "x") (elem $e func $f)
        (func $f (param i32) (result i32 i32)
          local.get 0
          block (type $t2) drop local.get 0 local.get 0 end
          drop drop
          i32.const -1 drop i64.const -9000000000 drop f32.const 1.5 drop f64.const -2.5 drop
          local.get 0 i32.load8_u offset=100000 align=1 drop
          local.get 0 i64.const 1 i64.store32 offset=3
          local.get 0 local.get 0 local.get 0 select (result i32) drop
          ref.null extern ref.is_null drop ref.func $f drop
          i32.const 0 table.get 0 drop table.size 0 drop memory.size drop
          i32.const 0 i32.const 0 i32.const 0 memory.init $d data.drop $d elem.drop $e
          block block local.get 0 br_table 0 1 0 end end
          local.get 0 local.get 0))`);
    const sections = readSections(bytes);
    const code = sections.find((s) => s.id === 10)!;
    const r = new Reader(bytes, code.start, code.end);
    r.u32();
    const size = r.u32();
    const end = r.pos + size;
    r.u32(); // no locals
    const c = new InstrCursor(bytes, r.pos, end);
    let n = 0;
    while (c.pos < end) {
      c.next();
      n++;
    }
    expect(c.pos).toBe(end);
    expect(n).toBe(54); // counted by hand, including the final end
    expect(WebAssembly.validate(instrumentWasm(bytes).wasm)).toBe(true);
  });
});

describe('module structure', () => {
  it('creates the global, export, type, function and code sections when absent', () => {
    const info = instrumentWasm(moduleOf());
    expect(WebAssembly.validate(info.wasm)).toBe(true);
    const mod = new WebAssembly.Module(info.wasm);
    expect(WebAssembly.Module.exports(mod)).toEqual([{ name: 'emc_instruction_counter', kind: 'global' }]);
    expect(info).toEqual({ wasm: info.wasm, counterExport: 'emc_instruction_counter', tableExport: undefined, memoryExport: '', globalExports: [] });
    expect(readSections(info.wasm).map((s) => s.id)).toEqual([1, 3, 6, 7, 10]);
  });

  it('reuses an existing (i64) -> (i64) type and keeps custom sections in place', async () => {
    const base = await wat(`(module (type (func (param i64) (result i64))) (func (export "f") (param i64) (result i64) local.get 0))`);
    const custom = [0x00, 5, 4, 0x6d, 0x65, 0x74, 0x61]; // section "meta" (empty content)
    const nameLess = new Uint8Array([...base, ...custom, ...[0x00, 8, 7, ...Buffer.from('trailer')]]);
    const info = instrumentWasm(nameLess);
    const secs = readSections(info.wasm);
    const types = secs.find((s) => s.id === 1)!;
    expect(new Reader(info.wasm, types.start, types.end).u32()).toBe(1);
    expect(secs.filter((s) => s.id === 0).map((s) => s.name)).toEqual(['meta', 'trailer']);
    const m = instantiateMetered(nameLess);
    expect(m.run('f', [5n])).toEqual({ result: 5n, used: 2n });
  });

  it('copies non-minimal LEB immediates verbatim', () => {
    // i32.const 7 encoded in 5 bytes; local.get with a padded index is not needed
    const bytes = oneFunction([0x41, 0x87, 0x80, 0x80, 0x80, 0x00, 0x0b]);
    const info = instrumentWasm(bytes);
    expect(Buffer.from(info.wasm).indexOf(Buffer.from([0x41, 0x87, 0x80, 0x80, 0x80, 0x00, 0x0b]))).toBeGreaterThan(0);
    const m = instantiateMetered(bytes);
    expect(m.run('f')).toEqual({ result: 7, used: 2n });
  });

  it('keeps the name section, which stays correct because no index moves', async () => {
    const bytes = await wat(`(module (global $g (mut i32) (i32.const 1)) (func $first) (func $second (export "s") call $first))`, { names: true });
    const info = instrumentWasm(bytes);
    const a = new WebAssembly.Module(bytes);
    const b = new WebAssembly.Module(info.wasm);
    expect(WebAssembly.Module.customSections(a, 'name')).toHaveLength(1);
    expect(Buffer.from(WebAssembly.Module.customSections(b, 'name')[0])).toEqual(Buffer.from(WebAssembly.Module.customSections(a, 'name')[0]));
    const m = instantiateMetered(bytes);
    expect(m.run('s').used).toBe(1n + 5n + 1n);
    expect(m.info.globalExports).toEqual(['emc_global_0']);
  });

  it('refuses to shadow an existing export name', async () => {
    const bytes = await wat(`(module (global (export "emc_instruction_counter") i32 (i32.const 0)))`);
    expect(() => instrumentWasm(bytes)).toThrow(/already exports a "emc_instruction_counter"/);
  });
});
