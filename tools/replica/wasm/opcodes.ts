/**
 * The Wasm instructions this decoder understands: MVP plus mutable-globals, nontrapping-fptoint,
 * bulk-memory, sign-ext, reference-types, multivalue and tail calls (everything Azle canisters use).
 *
 * Opcode numbering used throughout `tools/replica/wasm`: a single-byte opcode is its byte value
 * (0x00..0xFB); a 0xFC-prefixed opcode with sub-opcode `n` is `FC_BASE + n`.
 */

/** Kinds of immediate operands. */
export const IMM_NONE = 0;
/** Block type: 0x40, a value type, or an s33 type index. */
export const IMM_BLOCKTYPE = 1;
/** One u32 LEB (label, function, local, global, table, memory, data or element index). */
export const IMM_U32 = 2;
/** Two u32 LEBs. */
export const IMM_U32_U32 = 3;
/** br_table: vec(label) + default label. */
export const IMM_BR_TABLE = 4;
/** Typed select: vec(valtype). */
export const IMM_SELECT_T = 5;
/** memarg: align (bit 6 = explicit memory index follows), [memidx], offset. */
export const IMM_MEMARG = 6;
/** Signed LEB (i32.const / i64.const). */
export const IMM_SLEB = 7;
/** 4 raw bytes (f32.const). */
export const IMM_F32 = 8;
/** 8 raw bytes (f64.const). */
export const IMM_F64 = 9;
/** A heap type (ref.null): one value-type byte. */
export const IMM_HEAPTYPE = 10;
/** Not an instruction on its own: the 0xFC prefix. */
export const IMM_PREFIX_FC = 11;

export const FC_BASE = 256;
/** Size of the opcode space (single-byte + 0xFC sub-opcodes 0..17). */
export const OPCODE_SPACE = FC_BASE + 18;

/** [opcode, mnemonic, immediate kind] for every instruction the decoder accepts. */
export const OPCODE_DEFS: ReadonlyArray<readonly [number, string, number]> = (() => {
  const d: Array<[number, string, number]> = [];
  const add = (code: number, name: string, imm: number = IMM_NONE) => d.push([code, name, imm]);
  // Control.
  add(0x00, 'unreachable');
  add(0x01, 'nop');
  add(0x02, 'block', IMM_BLOCKTYPE);
  add(0x03, 'loop', IMM_BLOCKTYPE);
  add(0x04, 'if', IMM_BLOCKTYPE);
  add(0x05, 'else');
  add(0x0b, 'end');
  add(0x0c, 'br', IMM_U32);
  add(0x0d, 'br_if', IMM_U32);
  add(0x0e, 'br_table', IMM_BR_TABLE);
  add(0x0f, 'return');
  add(0x10, 'call', IMM_U32);
  add(0x11, 'call_indirect', IMM_U32_U32); // typeidx, tableidx
  add(0x12, 'return_call', IMM_U32);
  add(0x13, 'return_call_indirect', IMM_U32_U32);
  // Parametric.
  add(0x1a, 'drop');
  add(0x1b, 'select');
  add(0x1c, 'select_t', IMM_SELECT_T); // `select (result t*)`
  // Variables and tables.
  add(0x20, 'local.get', IMM_U32);
  add(0x21, 'local.set', IMM_U32);
  add(0x22, 'local.tee', IMM_U32);
  add(0x23, 'global.get', IMM_U32);
  add(0x24, 'global.set', IMM_U32);
  add(0x25, 'table.get', IMM_U32);
  add(0x26, 'table.set', IMM_U32);
  // Memory.
  const mem = [
    'i32.load', 'i64.load', 'f32.load', 'f64.load',
    'i32.load8_s', 'i32.load8_u', 'i32.load16_s', 'i32.load16_u',
    'i64.load8_s', 'i64.load8_u', 'i64.load16_s', 'i64.load16_u', 'i64.load32_s', 'i64.load32_u',
    'i32.store', 'i64.store', 'f32.store', 'f64.store',
    'i32.store8', 'i32.store16', 'i64.store8', 'i64.store16', 'i64.store32',
  ];
  mem.forEach((n, i) => add(0x28 + i, n, IMM_MEMARG));
  add(0x3f, 'memory.size', IMM_U32); // memidx (0x00 in single-memory modules)
  add(0x40, 'memory.grow', IMM_U32);
  // Constants.
  add(0x41, 'i32.const', IMM_SLEB);
  add(0x42, 'i64.const', IMM_SLEB);
  add(0x43, 'f32.const', IMM_F32);
  add(0x44, 'f64.const', IMM_F64);
  // Numeric 0x45..0xC4 (no immediates).
  const numeric = [
    'i32.eqz', 'i32.eq', 'i32.ne', 'i32.lt_s', 'i32.lt_u', 'i32.gt_s', 'i32.gt_u', 'i32.le_s', 'i32.le_u', 'i32.ge_s', 'i32.ge_u',
    'i64.eqz', 'i64.eq', 'i64.ne', 'i64.lt_s', 'i64.lt_u', 'i64.gt_s', 'i64.gt_u', 'i64.le_s', 'i64.le_u', 'i64.ge_s', 'i64.ge_u',
    'f32.eq', 'f32.ne', 'f32.lt', 'f32.gt', 'f32.le', 'f32.ge',
    'f64.eq', 'f64.ne', 'f64.lt', 'f64.gt', 'f64.le', 'f64.ge',
    'i32.clz', 'i32.ctz', 'i32.popcnt', 'i32.add', 'i32.sub', 'i32.mul', 'i32.div_s', 'i32.div_u', 'i32.rem_s', 'i32.rem_u',
    'i32.and', 'i32.or', 'i32.xor', 'i32.shl', 'i32.shr_s', 'i32.shr_u', 'i32.rotl', 'i32.rotr',
    'i64.clz', 'i64.ctz', 'i64.popcnt', 'i64.add', 'i64.sub', 'i64.mul', 'i64.div_s', 'i64.div_u', 'i64.rem_s', 'i64.rem_u',
    'i64.and', 'i64.or', 'i64.xor', 'i64.shl', 'i64.shr_s', 'i64.shr_u', 'i64.rotl', 'i64.rotr',
    'f32.abs', 'f32.neg', 'f32.ceil', 'f32.floor', 'f32.trunc', 'f32.nearest', 'f32.sqrt',
    'f32.add', 'f32.sub', 'f32.mul', 'f32.div', 'f32.min', 'f32.max', 'f32.copysign',
    'f64.abs', 'f64.neg', 'f64.ceil', 'f64.floor', 'f64.trunc', 'f64.nearest', 'f64.sqrt',
    'f64.add', 'f64.sub', 'f64.mul', 'f64.div', 'f64.min', 'f64.max', 'f64.copysign',
    'i32.wrap_i64', 'i32.trunc_f32_s', 'i32.trunc_f32_u', 'i32.trunc_f64_s', 'i32.trunc_f64_u',
    'i64.extend_i32_s', 'i64.extend_i32_u', 'i64.trunc_f32_s', 'i64.trunc_f32_u', 'i64.trunc_f64_s', 'i64.trunc_f64_u',
    'f32.convert_i32_s', 'f32.convert_i32_u', 'f32.convert_i64_s', 'f32.convert_i64_u', 'f32.demote_f64',
    'f64.convert_i32_s', 'f64.convert_i32_u', 'f64.convert_i64_s', 'f64.convert_i64_u', 'f64.promote_f32',
    'i32.reinterpret_f32', 'i64.reinterpret_f64', 'f32.reinterpret_i32', 'f64.reinterpret_i64',
    'i32.extend8_s', 'i32.extend16_s', 'i64.extend8_s', 'i64.extend16_s', 'i64.extend32_s',
  ];
  numeric.forEach((n, i) => add(0x45 + i, n));
  if (0x45 + numeric.length !== 0xc5) throw new Error('opcode table: numeric range is misnumbered');
  // Reference types.
  add(0xd0, 'ref.null', IMM_HEAPTYPE);
  add(0xd1, 'ref.is_null');
  add(0xd2, 'ref.func', IMM_U32);
  // 0xFC prefix: saturating truncation, bulk memory, tables.
  const sat = [
    'i32.trunc_sat_f32_s', 'i32.trunc_sat_f32_u', 'i32.trunc_sat_f64_s', 'i32.trunc_sat_f64_u',
    'i64.trunc_sat_f32_s', 'i64.trunc_sat_f32_u', 'i64.trunc_sat_f64_s', 'i64.trunc_sat_f64_u',
  ];
  sat.forEach((n, i) => add(FC_BASE + i, n));
  add(FC_BASE + 8, 'memory.init', IMM_U32_U32); // dataidx, memidx
  add(FC_BASE + 9, 'data.drop', IMM_U32);
  add(FC_BASE + 10, 'memory.copy', IMM_U32_U32); // dst memidx, src memidx
  add(FC_BASE + 11, 'memory.fill', IMM_U32);
  add(FC_BASE + 12, 'table.init', IMM_U32_U32); // elemidx, tableidx
  add(FC_BASE + 13, 'elem.drop', IMM_U32);
  add(FC_BASE + 14, 'table.copy', IMM_U32_U32); // dst tableidx, src tableidx
  add(FC_BASE + 15, 'table.grow', IMM_U32);
  add(FC_BASE + 16, 'table.size', IMM_U32);
  add(FC_BASE + 17, 'table.fill', IMM_U32);
  return d;
})();

/** Immediate kind per opcode; 255 = not an instruction we know. */
export const OPCODE_IMM: Uint8Array = (() => {
  const t = new Uint8Array(OPCODE_SPACE).fill(255);
  for (const [code, , imm] of OPCODE_DEFS) t[code] = imm;
  t[0xfc] = IMM_PREFIX_FC;
  return t;
})();

/** Mnemonic per opcode ('' when unknown). */
export const OPCODE_NAMES: readonly string[] = (() => {
  const t: string[] = new Array(OPCODE_SPACE).fill('');
  for (const [code, name] of OPCODE_DEFS) t[code] = name;
  return t;
})();

export const OPCODE_BY_NAME: ReadonlyMap<string, number> = new Map(OPCODE_DEFS.map(([c, n]) => [n, c]));

/** Value types accepted in locals, block types, typed select and globals. */
export function isValType(b: number): boolean {
  // i32, i64, f32, f64, v128, funcref, externref
  return b === 0x7f || b === 0x7e || b === 0x7d || b === 0x7c || b === 0x7b || b === 0x70 || b === 0x6f;
}
