/**
 * Wasm binary reading: LEB128, sections, and an instruction decoder for function bodies.
 * Written for speed on multi-megabyte modules: no per-instruction allocation.
 */
import {
  FC_BASE, IMM_BLOCKTYPE, IMM_BR_TABLE, IMM_F32, IMM_F64, IMM_HEAPTYPE, IMM_MEMARG, IMM_NONE, IMM_PREFIX_FC,
  IMM_SELECT_T, IMM_SLEB, IMM_U32, IMM_U32_U32, OPCODE_IMM, isValType,
} from './opcodes';

export class WasmDecodeError extends Error {
  constructor(message: string, readonly offset: number) {
    super(`${message} (at byte offset ${offset})`);
    this.name = 'WasmDecodeError';
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Sequential reader over a byte range. */
export class Reader {
  constructor(readonly bytes: Uint8Array, public pos = 0, readonly end = bytes.length) {}

  get done(): boolean {
    return this.pos >= this.end;
  }

  u8(): number {
    if (this.pos >= this.end) throw new WasmDecodeError('unexpected end of input', this.pos);
    return this.bytes[this.pos++];
  }

  /** Unsigned LEB128, at most 32 bits. */
  u32(): number {
    let result = 0;
    let shift = 0;
    const start = this.pos;
    for (;;) {
      const b = this.u8();
      if (shift === 28 && (b & 0x70) !== 0) throw new WasmDecodeError('u32 LEB128 out of range', start);
      result += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) return result;
      shift += 7;
      if (shift > 28) throw new WasmDecodeError('u32 LEB128 too long', start);
    }
  }

  /** Unsigned LEB128 up to 64 bits, as a number (exact below 2^53) — used for memory64 limits. */
  u64(): number {
    let result = 0;
    let shift = 0;
    const start = this.pos;
    for (;;) {
      const b = this.u8();
      result += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) return result;
      shift += 7;
      if (shift > 63) throw new WasmDecodeError('u64 LEB128 too long', start);
    }
  }

  bytesView(n: number): Uint8Array {
    if (this.pos + n > this.end) throw new WasmDecodeError('unexpected end of input', this.pos);
    const v = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return v;
  }

  name(): string {
    const n = this.u32();
    const at = this.pos;
    try {
      return utf8.decode(this.bytesView(n));
    } catch (e) {
      if (e instanceof WasmDecodeError) throw e;
      throw new WasmDecodeError('invalid UTF-8 in name', at);
    }
  }

  /** Skips limits (table/memory): flags, min, [max]. Returns the flags. */
  limits(): { flags: number; min: number; max: number | undefined } {
    const at = this.pos;
    const flags = this.u8();
    if (flags > 0x07) throw new WasmDecodeError(`unknown limits flags 0x${flags.toString(16)}`, at);
    const is64 = (flags & 0x04) !== 0;
    const min = is64 ? this.u64() : this.u32();
    const max = (flags & 0x01) !== 0 ? (is64 ? this.u64() : this.u32()) : undefined;
    return { flags, min, max };
  }

  valType(): number {
    const at = this.pos;
    const b = this.u8();
    if (!isValType(b)) throw new WasmDecodeError(`unsupported value type 0x${b.toString(16)}`, at);
    return b;
  }
}

export interface Section {
  id: number;
  /** Offset of the section id byte. */
  headerStart: number;
  /** Offset of the first payload byte. */
  start: number;
  /** Offset after the last payload byte. */
  end: number;
  /** Custom section name (id 0 only). */
  name?: string;
}

export const WASM_MAGIC_AND_VERSION = Uint8Array.of(0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00);

/** Splits a module into its sections (payload not interpreted, except custom section names). */
export function readSections(bytes: Uint8Array): Section[] {
  if (bytes.length < 8) throw new WasmDecodeError('not a Wasm module: too short', 0);
  for (let i = 0; i < 8; i++) {
    if (bytes[i] !== WASM_MAGIC_AND_VERSION[i]) throw new WasmDecodeError('not a Wasm module (bad magic or version)', i);
  }
  const r = new Reader(bytes, 8);
  const out: Section[] = [];
  while (!r.done) {
    const headerStart = r.pos;
    const id = r.u8();
    const size = r.u32();
    const start = r.pos;
    const end = start + size;
    if (end > bytes.length) throw new WasmDecodeError(`section ${id} extends past the end of the module`, headerStart);
    const s: Section = { id, headerStart, start, end };
    if (id === 0) s.name = new Reader(bytes, start, end).name();
    out.push(s);
    r.pos = end;
  }
  return out;
}

/**
 * Instruction decoder over one function body (or a constant expression). `next()` decodes the
 * instruction at `pos`, leaves its first byte offset in `start`, advances `pos` past all its
 * immediates and returns the opcode (byte value, or FC_BASE + sub-opcode for 0xFC ops).
 * Unknown opcodes throw a WasmDecodeError naming the opcode and offset.
 */
export class InstrCursor {
  start = 0;
  constructor(readonly bytes: Uint8Array, public pos: number, public end: number) {}

  /** Skips one LEB128 (any width up to 10 bytes). */
  private skipLeb(): void {
    const bytes = this.bytes;
    let p = this.pos;
    const limit = Math.min(p + 10, this.end);
    while (p < limit) {
      if ((bytes[p++] & 0x80) === 0) {
        this.pos = p;
        return;
      }
    }
    throw new WasmDecodeError('malformed or truncated LEB128 immediate', this.pos);
  }

  private readU32(): number {
    const bytes = this.bytes;
    let p = this.pos;
    let result = 0;
    let shift = 0;
    for (;;) {
      if (p >= this.end || shift > 28) throw new WasmDecodeError('malformed or truncated u32 immediate', this.pos);
      const b = bytes[p++];
      result += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) break;
      shift += 7;
    }
    this.pos = p;
    return result;
  }

  next(): number {
    const bytes = this.bytes;
    const start = this.pos;
    this.start = start;
    if (start >= this.end) throw new WasmDecodeError('unexpected end of code', start);
    let op = bytes[start];
    this.pos = start + 1;
    let imm = OPCODE_IMM[op];
    if (imm === IMM_PREFIX_FC) {
      const sub = this.readU32();
      op = FC_BASE + sub;
      imm = sub < 18 ? OPCODE_IMM[op] : 255;
      if (imm === 255) {
        throw new WasmDecodeError(`unknown opcode 0xfc ${sub} (0xFC-prefixed sub-opcode ${sub})`, start);
      }
    }
    switch (imm) {
      case IMM_NONE:
        break;
      case IMM_U32:
        this.skipLeb();
        break;
      case IMM_SLEB:
        this.skipLeb();
        break;
      case IMM_U32_U32:
        this.skipLeb();
        this.skipLeb();
        break;
      case IMM_MEMARG: {
        const align = this.readU32();
        if ((align & 0x40) !== 0) this.skipLeb(); // multi-memory: explicit memory index
        this.skipLeb(); // offset (u32, or u64 for memory64)
        break;
      }
      case IMM_BLOCKTYPE: {
        const p = this.pos;
        if (p >= this.end) throw new WasmDecodeError('truncated block type', p);
        const b = bytes[p];
        if ((b & 0xc0) === 0x40) {
          // Single-byte negative s33: the empty type (0x40) or a value type.
          if (b !== 0x40 && !isValType(b)) {
            throw new WasmDecodeError(`unsupported block type 0x${b.toString(16)}`, p);
          }
          this.pos = p + 1;
        } else {
          // Non-negative s33: a type index (multivalue).
          this.skipLeb();
        }
        break;
      }
      case IMM_BR_TABLE: {
        const n = this.readU32();
        for (let i = 0; i <= n; i++) this.skipLeb();
        break;
      }
      case IMM_SELECT_T: {
        const n = this.readU32();
        for (let i = 0; i < n; i++) {
          const p = this.pos;
          if (p >= this.end || !isValType(bytes[p])) {
            throw new WasmDecodeError(`unsupported value type in select at 0x${p.toString(16)}`, p);
          }
          this.pos = p + 1;
        }
        break;
      }
      case IMM_F32:
        this.pos += 4;
        break;
      case IMM_F64:
        this.pos += 8;
        break;
      case IMM_HEAPTYPE: {
        const p = this.pos;
        const b = bytes[p];
        if (b !== 0x70 && b !== 0x6f) throw new WasmDecodeError(`unsupported heap type in ref.null`, p);
        this.pos = p + 1;
        break;
      }
      default:
        if (op === 0xfd) throw new WasmDecodeError('SIMD instructions (opcode 0xfd prefix) are not supported', start);
        if (op === 0xfe) throw new WasmDecodeError('atomic instructions (opcode 0xfe prefix) are not supported', start);
        throw new WasmDecodeError(`unknown opcode 0x${op.toString(16).padStart(2, '0')}`, start);
    }
    if (this.pos > this.end) throw new WasmDecodeError('instruction immediates run past the end of the body', start);
    return op;
  }
}

/**
 * Skips a constant expression (global initialiser, segment offset) starting at `pos`; returns the
 * position after its terminating `end`.
 */
export function skipConstExpr(bytes: Uint8Array, pos: number, end: number): number {
  const c = new InstrCursor(bytes, pos, end);
  for (;;) {
    const op = c.next();
    if (op === 0x0b) return c.pos;
    if (op === 0x02 || op === 0x03 || op === 0x04) throw new WasmDecodeError('block in constant expression', c.start);
  }
}
