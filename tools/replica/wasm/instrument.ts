/**
 * Instruction metering for canister Wasm, counting exactly like the Internet Computer's own
 * instrumentation (dfinity/ic rs/embedders/src/wasm_utils/instrumentation.rs, "new" metering,
 * Wasm32), implemented independently on raw bytes.
 *
 * What the pass does to a module:
 *  - appends a mutable i64 global C (init 0), exported as `emc_instruction_counter`;
 *  - appends a function `$decr: (i64) -> (i64)` that subtracts its argument from C, traps with
 *    `unreachable` if C went negative, and returns the argument (type (i64)->(i64) is reused if
 *    present, else appended to the type section);
 *  - injects counter updates into every defined function body at the IC's injection points;
 *  - exports table 0 (`emc_table`), memory 0 (`emc_memory`) and every defined mutable global
 *    (`emc_global_<index>`) unless they are already exported (existing names are reused).
 * No import is added, nothing is renumbered, and no injected code touches memory or any global
 * other than C. Everything else is copied byte for byte.
 *
 * Host protocol: set C to the message's budget, call, read C: used = budget - C. A trap with C < 0
 * is an instruction-limit overrun. As on the IC, non-reentrant blocks are charged without a check,
 * so C can also end slightly negative on a call that returns normally: the host must treat
 * C < 0 after a normal return as out-of-instructions too.
 *
 * Caveat: C starts at 0, so a module with a start function traps during instantiation (its
 * entry check sees 0 - cost < 0). The IC avoids this by removing the start section and exporting
 * the function as `canister_start`; this pass keeps the start section as it is (Azle has none).
 */
import { FC_BASE, OPCODE_BY_NAME, OPCODE_DEFS, OPCODE_SPACE } from './opcodes';
import { InstrCursor, Reader, Section, WASM_MAGIC_AND_VERSION, WasmDecodeError, readSections, skipConstExpr } from './reader';
import { ByteWriter, encodeU32, lebS64Size } from './writer';

export interface InstrumentedWasm {
  /** The instrumented module bytes. */
  wasm: Uint8Array<ArrayBuffer>;
  /** Name of the exported mutable i64 instruction counter global. */
  counterExport: string;
  /** Name under which table 0 is exported; undefined if the module has no table. */
  tableExport: string | undefined;
  /** Name under which memory 0 is exported ('' if the module has no memory at all). */
  memoryExport: string;
  /** Export names of every mutable global defined (not imported) by the module, by global index. */
  globalExports: string[];
}

export const COUNTER_EXPORT = 'emc_instruction_counter';
export const TABLE_EXPORT = 'emc_table';
export const MEMORY_EXPORT = 'emc_memory';
export const globalExportName = (index: number): string => `emc_global_${index}`;

/**
 * The IC's per-instruction costs (Wasm32), by mnemonic. `select_t` is the typed `select` (0x1C).
 * Every instruction the decoder accepts has an entry (checked at load time).
 */
export const IC_INSTRUCTION_COSTS: Readonly<Record<string, number>> = Object.freeze(
  (() => {
    const c: Record<string, number> = {};
    const set = (cost: number, ...names: string[]) => {
      for (const n of names) c[n] = cost;
    };
    // Structure.
    set(0, 'block', 'else', 'end', 'loop');
    set(1, 'i32.const', 'i64.const', 'f32.const', 'f64.const');
    // Integer arithmetic.
    for (const t of ['i32', 'i64']) {
      set(1, ...['add', 'sub', 'mul', 'and', 'or', 'xor', 'shl', 'shr_s', 'shr_u', 'rotl', 'rotr'].map((o) => `${t}.${o}`));
      set(10, ...['div_s', 'div_u', 'rem_s', 'rem_u'].map((o) => `${t}.${o}`));
      set(1, ...['eqz', 'eq', 'ne', 'lt_s', 'lt_u', 'gt_s', 'gt_u', 'le_s', 'le_u', 'ge_s', 'ge_u'].map((o) => `${t}.${o}`));
      set(1, `${t}.popcnt`, `${t}.clz`, `${t}.ctz`);
    }
    // Floating point.
    for (const t of ['f32', 'f64']) {
      set(1, `${t}.abs`, `${t}.neg`);
      set(2, ...['add', 'sub', 'mul', 'ceil', 'floor', 'trunc', 'nearest'].map((o) => `${t}.${o}`));
      set(18, `${t}.min`, `${t}.max`);
      set(3, ...['eq', 'ne', 'lt', 'gt', 'le', 'ge'].map((o) => `${t}.${o}`));
    }
    set(3, 'f32.div');
    set(5, 'f64.div');
    set(2, 'f32.copysign');
    set(3, 'f64.copysign');
    set(5, 'f32.sqrt');
    set(8, 'f64.sqrt');
    // Conversions.
    set(1, 'i32.wrap_i64', 'i32.extend8_s', 'i32.extend16_s', 'i64.extend8_s', 'i64.extend16_s', 'i64.extend32_s');
    set(1, 'f64.reinterpret_i64', 'i64.reinterpret_f64', 'i32.reinterpret_f32', 'f32.reinterpret_i32');
    set(1, 'i64.extend_i32_s', 'i64.extend_i32_u');
    set(3, 'f32.convert_i32_s', 'f64.convert_i64_s', 'f32.convert_i64_s', 'f64.convert_i32_s');
    set(16, 'f64.convert_i32_u', 'f32.convert_i64_u', 'f32.convert_i32_u', 'f64.convert_i64_u');
    set(20, 'i32.trunc_sat_f32_s', 'i32.trunc_sat_f32_u', 'i32.trunc_sat_f64_s', 'i32.trunc_sat_f64_u');
    set(20, 'i64.trunc_sat_f32_s', 'i64.trunc_sat_f32_u', 'i64.trunc_sat_f64_s', 'i64.trunc_sat_f64_u');
    set(1, 'f32.demote_f64', 'f64.promote_f32');
    set(20, 'i32.trunc_f32_s', 'i32.trunc_f32_u', 'i32.trunc_f64_s', 'i32.trunc_f64_u');
    set(20, 'i64.trunc_f32_s', 'i64.trunc_f32_u', 'i64.trunc_f64_s', 'i64.trunc_f64_u');
    // Memory.
    set(1,
      'i32.load', 'i64.load', 'f32.load', 'f64.load', 'i32.load8_s', 'i32.load8_u', 'i32.load16_s', 'i32.load16_u',
      'i64.load8_s', 'i64.load8_u', 'i64.load16_s', 'i64.load16_u', 'i64.load32_s', 'i64.load32_u',
      'i32.store', 'i64.store', 'f32.store', 'f64.store', 'i32.store8', 'i32.store16', 'i64.store8', 'i64.store16', 'i64.store32');
    // Variables, tables.
    set(2, 'global.get', 'global.set');
    set(5, 'table.get', 'table.set');
    set(1, 'local.get', 'local.set', 'local.tee', 'select', 'select_t');
    set(300, 'table.grow', 'memory.grow');
    set(20, 'memory.size');
    set(100, 'table.size');
    // Bulk memory: static part only; the size operand is charged at run time.
    set(100, 'memory.fill', 'memory.copy', 'table.fill', 'table.copy', 'memory.init', 'table.init');
    set(300, 'data.drop', 'elem.drop');
    // Calls and control.
    set(5, 'call');
    set(10, 'call_indirect');
    set(3, 'return_call');
    set(60, 'return_call_indirect');
    set(1, 'return', 'drop', 'unreachable', 'nop');
    set(2, 'if', 'br', 'br_if', 'br_table');
    // Reference types.
    set(1, 'ref.null');
    set(5, 'ref.is_null');
    set(130, 'ref.func');
    return c;
  })(),
);

// What an instruction does to the current injection point.
const ACT_NONE = 0;
const ACT_LOOP = 1; // close; open REENTRANT after
const ACT_IF = 2; // close; open NON-REENTRANT after
const ACT_BLOCK_END = 3; // close; open BLOCK-END after (else, br*, end, return, unreachable, return_call*)
const ACT_DYNAMIC = 4; // dynamic point at this instruction

const KIND_REENTRANT = 0;
const KIND_NON_REENTRANT = 1;
const KIND_BLOCK_END = 2;
const KIND_DYNAMIC = 3;

const COST = new Float64Array(OPCODE_SPACE);
const ACTION = new Uint8Array(OPCODE_SPACE);
{
  for (const [code, name] of OPCODE_DEFS) {
    const cost = IC_INSTRUCTION_COSTS[name];
    if (cost === undefined) throw new Error(`instrument: no IC cost for decodable instruction ${name}`);
    COST[code] = cost;
  }
  for (const name of Object.keys(IC_INSTRUCTION_COSTS)) {
    if (!OPCODE_BY_NAME.has(name)) throw new Error(`instrument: cost table names unknown instruction ${name}`);
  }
  const act = (a: number, ...names: string[]) => {
    for (const n of names) ACTION[OPCODE_BY_NAME.get(n)!] = a;
  };
  act(ACT_LOOP, 'loop');
  act(ACT_IF, 'if');
  act(ACT_BLOCK_END, 'else', 'br', 'br_if', 'br_table', 'end', 'return', 'unreachable', 'return_call', 'return_call_indirect');
  act(ACT_DYNAMIC, 'memory.fill', 'memory.copy', 'table.fill', 'table.copy', 'memory.init', 'table.init');
}

// Section ids and their required order.
const SEC_CUSTOM = 0, SEC_TYPE = 1, SEC_IMPORT = 2, SEC_FUNCTION = 3, SEC_TABLE = 4, SEC_MEMORY = 5;
const SEC_GLOBAL = 6, SEC_EXPORT = 7, SEC_CODE = 10;
const SECTION_RANK: Record<number, number> = { 1: 1, 2: 2, 3: 3, 4: 4, 5: 5, 13: 6, 6: 7, 7: 8, 8: 9, 9: 10, 12: 11, 10: 12, 11: 13 };

const EXT_FUNC = 0, EXT_TABLE = 1, EXT_MEMORY = 2, EXT_GLOBAL = 3, EXT_TAG = 4;

/** func (param i64) (result i64) */
const DECR_FUNC_TYPE = Uint8Array.of(0x60, 0x01, 0x7e, 0x01, 0x7e);

interface ExportEntry {
  name: string;
  kind: number;
  index: number;
}

/** Precomputed byte sequences of the injected code for one module. */
class Injector {
  readonly globalGet: Uint8Array;
  readonly globalSet: Uint8Array;
  readonly reentrantTail: Uint8Array;
  readonly dynamic: Uint8Array;
  readonly staticBaseSize: number;

  constructor(counterIndex: number, decrFuncIndex: number) {
    const c = encodeU32(counterIndex);
    this.globalGet = Uint8Array.of(0x23, ...c);
    this.globalSet = Uint8Array.of(0x24, ...c);
    // global.get C; i64.const 0; i64.lt_s; if (empty) unreachable end
    this.reentrantTail = Uint8Array.of(0x23, ...c, 0x42, 0x00, 0x53, 0x04, 0x40, 0x00, 0x0b);
    // i64.extend_i32_u; call $decr; i32.wrap_i64
    this.dynamic = Uint8Array.of(0xad, 0x10, ...encodeU32(decrFuncIndex), 0xa7);
    // global.get C; i64.const <cost>; i64.sub; global.set C   (without the cost's LEB bytes)
    this.staticBaseSize = this.globalGet.length + 1 + 1 + this.globalSet.length;
  }

  /** Body of $decr: (i64) -> (i64). */
  decrBody(): Uint8Array {
    const w = new ByteWriter(32);
    w.u8(0x00); // no local declarations
    w.copy(this.globalGet);
    w.copy(Uint8Array.of(0x20, 0x00, 0x7d)); // local.get 0; i64.sub
    w.copy(this.globalSet);
    w.copy(this.reentrantTail); // global.get C; i64.const 0; i64.lt_s; if unreachable end
    w.copy(Uint8Array.of(0x20, 0x00, 0x0b)); // local.get 0; end
    return w.toBytes();
  }
}

// Injection-point scratch arrays, reused across bodies (grown on demand).
let ptPos = new Int32Array(4096);
let ptCost = new Float64Array(4096);
let ptKind = new Uint8Array(4096);

function growPoints(): void {
  const n = ptPos.length * 2;
  const p = new Int32Array(n);
  p.set(ptPos);
  const c = new Float64Array(n);
  c.set(ptCost);
  const k = new Uint8Array(n);
  k.set(ptKind);
  ptPos = p;
  ptCost = c;
  ptKind = k;
}

/** Instruments one function body bytes[bodyStart, bodyEnd) (after its size prefix) into `out`. */
function instrumentBody(bytes: Uint8Array, bodyStart: number, bodyEnd: number, out: ByteWriter, inj: Injector, cur: InstrCursor): void {
  const r = new Reader(bytes, bodyStart, bodyEnd);
  const declCount = r.u32();
  for (let i = 0; i < declCount; i++) {
    r.u32();
    r.valType();
  }
  const codeStart = r.pos;

  // Pass 1: find the injection points and their costs.
  cur.pos = codeStart;
  cur.end = bodyEnd;
  ptPos[0] = codeStart;
  ptKind[0] = KIND_REENTRANT;
  ptCost[0] = 1;
  let n = 1;
  let open = 0; // index of the current static point
  let depth = 1;
  while (depth > 0) {
    const op = cur.next();
    ptCost[open] += COST[op];
    const act = ACTION[op];
    if (act !== ACT_NONE) {
      if (n + 1 >= ptPos.length) growPoints();
      if (act === ACT_DYNAMIC) {
        const at = cur.start;
        if (ptPos[open] === at) {
          // The current static point opens at this very instruction. The IC sorts points stably
          // by position and the dynamic one was recorded first, so it goes first.
          ptPos[n] = at;
          ptKind[n] = ptKind[open];
          ptCost[n] = ptCost[open];
          ptKind[open] = KIND_DYNAMIC;
          ptCost[open] = 0;
          open = n;
        } else {
          ptPos[n] = at;
          ptKind[n] = KIND_DYNAMIC;
          ptCost[n] = 0;
        }
        n++;
      } else {
        ptPos[n] = cur.pos;
        ptKind[n] = act === ACT_LOOP ? KIND_REENTRANT : act === ACT_IF ? KIND_NON_REENTRANT : KIND_BLOCK_END;
        ptCost[n] = 0;
        open = n;
        n++;
      }
    }
    if (op === 0x0b) depth--;
    else if (op === 0x02 || op === 0x03 || op === 0x04) depth++;
  }
  if (cur.pos !== bodyEnd) throw new WasmDecodeError('function body continues after its final end', cur.pos);

  // Size of the instrumented body.
  const staticBase = inj.staticBaseSize;
  const tail = inj.reentrantTail.length;
  const dyn = inj.dynamic.length;
  let extra = 0;
  for (let i = 0; i < n; i++) {
    const k = ptKind[i];
    if (k === KIND_DYNAMIC) extra += dyn;
    else if (k === KIND_REENTRANT) extra += staticBase + lebS64Size(ptCost[i]) + tail;
    else if (ptCost[i] > 0) extra += staticBase + lebS64Size(ptCost[i]);
  }
  const newSize = bodyEnd - bodyStart + extra;

  // Pass 2: copy the original bytes, splicing the injected code in at each point.
  out.u32(newSize);
  const before = out.len;
  out.copy(bytes, bodyStart, codeStart);
  let last = codeStart;
  for (let i = 0; i < n; i++) {
    const k = ptKind[i];
    const cost = ptCost[i];
    if (k !== KIND_DYNAMIC && k !== KIND_REENTRANT && !(cost > 0)) continue;
    const at = ptPos[i];
    out.copy(bytes, last, at);
    last = at;
    if (k === KIND_DYNAMIC) {
      out.copy(inj.dynamic);
    } else {
      out.copy(inj.globalGet);
      out.u8(0x42); // i64.const
      out.s64(cost);
      out.u8(0x7d); // i64.sub
      out.copy(inj.globalSet);
      if (k === KIND_REENTRANT) out.copy(inj.reentrantTail);
    }
  }
  out.copy(bytes, last, bodyEnd);
  if (out.len - before !== newSize) throw new Error('instrument: internal error, body size mismatch');
}

function writeSection(out: ByteWriter, id: number, payload: ByteWriter): void {
  out.u8(id);
  out.u32(payload.len);
  out.copy(payload.buf, 0, payload.len);
}

export interface InstrumentOptions {
  /**
   * false: add the exports, the counter global and `$decr` but leave every function body untouched.
   * Only for proving that metering never changes canister behaviour or state.
   */
  metering?: boolean;
}

/** Instruments a canister module for IC-exact instruction metering (see the file comment). */
export function instrumentWasm(bytes: Uint8Array, options: InstrumentOptions = {}): InstrumentedWasm {
  const metering = options.metering !== false;
  const sections = readSections(bytes);
  const byId = new Map<number, Section>();
  let lastRank = 0;
  for (const s of sections) {
    if (s.id === SEC_CUSTOM) continue;
    const rank = SECTION_RANK[s.id];
    if (rank === undefined) throw new WasmDecodeError(`unknown section id ${s.id}`, s.headerStart);
    if (rank <= lastRank) throw new WasmDecodeError(`section ${s.id} is duplicated or out of order`, s.headerStart);
    lastRank = rank;
    byId.set(s.id, s);
  }

  // Types: find or plan `(i64) -> (i64)`.
  let typeCount = 0;
  let typeEntriesStart = 0;
  let decrTypeIndex = -1;
  const typeSec = byId.get(SEC_TYPE);
  if (typeSec) {
    const r = new Reader(bytes, typeSec.start, typeSec.end);
    typeCount = r.u32();
    typeEntriesStart = r.pos;
    for (let i = 0; i < typeCount; i++) {
      const at = r.pos;
      const form = r.u8();
      if (form !== 0x60) throw new WasmDecodeError(`unsupported type form 0x${form.toString(16)} (only func types)`, at);
      const np = r.u32();
      for (let j = 0; j < np; j++) r.valType();
      const nr = r.u32();
      for (let j = 0; j < nr; j++) r.valType();
      if (decrTypeIndex < 0 && r.pos - at === DECR_FUNC_TYPE.length && DECR_FUNC_TYPE.every((b, j) => bytes[at + j] === b)) {
        decrTypeIndex = i;
      }
    }
    if (r.pos !== typeSec.end) throw new WasmDecodeError('type section size mismatch', r.pos);
  }
  const addType = decrTypeIndex < 0;
  if (addType) decrTypeIndex = typeCount;

  // Imports: count each index space.
  let importedFuncs = 0, importedTables = 0, importedMemories = 0, importedGlobals = 0;
  const importSec = byId.get(SEC_IMPORT);
  if (importSec) {
    const r = new Reader(bytes, importSec.start, importSec.end);
    const count = r.u32();
    for (let i = 0; i < count; i++) {
      r.name();
      r.name();
      const at = r.pos;
      const kind = r.u8();
      if (kind === EXT_FUNC) {
        r.u32();
        importedFuncs++;
      } else if (kind === EXT_TABLE) {
        r.valType();
        r.limits();
        importedTables++;
      } else if (kind === EXT_MEMORY) {
        r.limits();
        importedMemories++;
      } else if (kind === EXT_GLOBAL) {
        r.valType();
        r.u8();
        importedGlobals++;
      } else if (kind === EXT_TAG) {
        r.u8();
        r.u32();
      } else {
        throw new WasmDecodeError(`unknown import kind ${kind}`, at);
      }
    }
    if (r.pos !== importSec.end) throw new WasmDecodeError('import section size mismatch', r.pos);
  }

  // Functions.
  let funcCount = 0;
  let funcEntriesStart = 0;
  const funcSec = byId.get(SEC_FUNCTION);
  if (funcSec) {
    const r = new Reader(bytes, funcSec.start, funcSec.end);
    funcCount = r.u32();
    funcEntriesStart = r.pos;
  }

  const countOf = (id: number): number => {
    const s = byId.get(id);
    return s ? new Reader(bytes, s.start, s.end).u32() : 0;
  };
  const tableCount = importedTables + countOf(SEC_TABLE);
  const memoryCount = importedMemories + countOf(SEC_MEMORY);

  // Globals: which defined ones are mutable.
  let globalCount = 0;
  let globalEntriesStart = 0;
  const mutableGlobals: number[] = [];
  const globalSec = byId.get(SEC_GLOBAL);
  if (globalSec) {
    const r = new Reader(bytes, globalSec.start, globalSec.end);
    globalCount = r.u32();
    globalEntriesStart = r.pos;
    for (let i = 0; i < globalCount; i++) {
      r.valType();
      const at = r.pos;
      const mut = r.u8();
      if (mut > 1) throw new WasmDecodeError(`bad global mutability ${mut}`, at);
      if (mut === 1) mutableGlobals.push(importedGlobals + i);
      r.pos = skipConstExpr(bytes, r.pos, globalSec.end);
    }
    if (r.pos !== globalSec.end) throw new WasmDecodeError('global section size mismatch', r.pos);
  }

  // Exports.
  const exportEntries: ExportEntry[] = [];
  let exportEntriesStart = 0;
  const exportSec = byId.get(SEC_EXPORT);
  if (exportSec) {
    const r = new Reader(bytes, exportSec.start, exportSec.end);
    const count = r.u32();
    exportEntriesStart = r.pos;
    for (let i = 0; i < count; i++) {
      const name = r.name();
      const kind = r.u8();
      const index = r.u32();
      exportEntries.push({ name, kind, index });
    }
    if (r.pos !== exportSec.end) throw new WasmDecodeError('export section size mismatch', r.pos);
  }

  const counterIndex = importedGlobals + globalCount;
  const decrFuncIndex = importedFuncs + funcCount;
  const injector = new Injector(counterIndex, decrFuncIndex);

  // New exports.
  const taken = new Set(exportEntries.map((e) => e.name));
  const added: ExportEntry[] = [];
  const addExport = (name: string, kind: number, index: number): string => {
    if (taken.has(name)) throw new Error(`instrumentWasm: the module already exports a "${name}"`);
    taken.add(name);
    added.push({ name, kind, index });
    return name;
  };
  const existing = (kind: number, index: number): string | undefined =>
    exportEntries.find((e) => e.kind === kind && e.index === index)?.name;

  const counterExport = addExport(COUNTER_EXPORT, EXT_GLOBAL, counterIndex);
  let tableExport: string | undefined;
  if (tableCount > 0) tableExport = existing(EXT_TABLE, 0) ?? addExport(TABLE_EXPORT, EXT_TABLE, 0);
  let memoryExport = '';
  if (memoryCount > 0) memoryExport = existing(EXT_MEMORY, 0) ?? addExport(MEMORY_EXPORT, EXT_MEMORY, 0);
  const globalExports = mutableGlobals.map((g) => existing(EXT_GLOBAL, g) ?? addExport(globalExportName(g), EXT_GLOBAL, g));

  // Code.
  const codeSec = byId.get(SEC_CODE);
  const code = new ByteWriter(codeSec ? Math.ceil((codeSec.end - codeSec.start) * 1.4) + 64 : 64);
  {
    let bodies = 0;
    if (codeSec) {
      const r = new Reader(bytes, codeSec.start, codeSec.end);
      bodies = r.u32();
      if (bodies !== funcCount) throw new WasmDecodeError(`code section has ${bodies} bodies for ${funcCount} functions`, codeSec.start);
      code.u32(bodies + 1);
      const cursor = new InstrCursor(bytes, 0, 0);
      for (let i = 0; i < bodies; i++) {
        const size = r.u32();
        const start = r.pos;
        const end = start + size;
        if (end > codeSec.end) throw new WasmDecodeError(`function body ${i} runs past the code section`, start);
        if (metering) {
          instrumentBody(bytes, start, end, code, injector, cursor);
        } else {
          code.u32(size);
          code.copy(bytes, start, end);
        }
        r.pos = end;
      }
      if (r.pos !== codeSec.end) throw new WasmDecodeError('code section size mismatch', r.pos);
    } else {
      if (funcCount !== 0) throw new WasmDecodeError('function section without code section', 0);
      code.u32(1);
    }
    const decr = injector.decrBody();
    code.u32(decr.length);
    code.copy(decr);
  }

  // Replacement payloads for the sections we change (or create).
  const payloads = new Map<number, ByteWriter>();
  if (addType) {
    const w = new ByteWriter((typeSec ? typeSec.end - typeSec.start : 0) + 16);
    w.u32(typeCount + 1);
    if (typeSec) w.copy(bytes, typeEntriesStart, typeSec.end);
    w.copy(DECR_FUNC_TYPE);
    payloads.set(SEC_TYPE, w);
  }
  {
    const w = new ByteWriter((funcSec ? funcSec.end - funcSec.start : 0) + 16);
    w.u32(funcCount + 1);
    if (funcSec) w.copy(bytes, funcEntriesStart, funcSec.end);
    w.u32(decrTypeIndex);
    payloads.set(SEC_FUNCTION, w);
  }
  {
    const w = new ByteWriter((globalSec ? globalSec.end - globalSec.start : 0) + 16);
    w.u32(globalCount + 1);
    if (globalSec) w.copy(bytes, globalEntriesStart, globalSec.end);
    w.copy(Uint8Array.of(0x7e, 0x01, 0x42, 0x00, 0x0b)); // (mut i64) (i64.const 0)
    payloads.set(SEC_GLOBAL, w);
  }
  {
    const w = new ByteWriter((exportSec ? exportSec.end - exportSec.start : 0) + 64 * (added.length + 1));
    w.u32(exportEntries.length + added.length);
    if (exportSec) w.copy(bytes, exportEntriesStart, exportSec.end);
    for (const e of added) {
      w.name(e.name);
      w.u8(e.kind);
      w.u32(e.index);
    }
    payloads.set(SEC_EXPORT, w);
  }
  payloads.set(SEC_CODE, code);

  // Assemble: original section order, replaced payloads, missing sections created in place.
  const out = new ByteWriter(bytes.length + code.len - (codeSec ? codeSec.end - codeSec.start : 0) + 4096);
  out.copy(WASM_MAGIC_AND_VERSION);
  const pending = [...payloads.keys()].filter((id) => !byId.has(id)).sort((a, b) => SECTION_RANK[a] - SECTION_RANK[b]);
  const flushPendingBefore = (rank: number) => {
    while (pending.length > 0 && SECTION_RANK[pending[0]] < rank) {
      const id = pending.shift()!;
      writeSection(out, id, payloads.get(id)!);
    }
  };
  for (const s of sections) {
    if (s.id !== SEC_CUSTOM) flushPendingBefore(SECTION_RANK[s.id]);
    const p = s.id === SEC_CUSTOM ? undefined : payloads.get(s.id);
    if (p) writeSection(out, s.id, p);
    else out.copy(bytes, s.headerStart, s.end);
  }
  flushPendingBefore(Infinity);

  return { wasm: out.toBytes(), counterExport, tableExport, memoryExport, globalExports };
}

/** Cost of one instruction by opcode (byte value, or FC_BASE + sub-opcode); for tests and tools. */
export function instructionCost(opcode: number): number {
  return COST[opcode];
}
