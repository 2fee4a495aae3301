/** Shared helpers for the Wasm instrumentation tests (not a test file itself). */
import wabtInit from 'wabt';
import { instrumentWasm, InstrumentedWasm } from '../../../../tools/replica/wasm/instrument';

type Wabt = Awaited<ReturnType<typeof wabtInit>>;
let wabtPromise: Promise<Wabt> | undefined;

const FEATURES = {
  mutable_globals: true,
  sat_float_to_int: true,
  sign_extension: true,
  multi_value: true,
  tail_call: true,
  bulk_memory: true,
  reference_types: true,
};

/** Assembles WAT text into a Wasm binary (all features Azle uses, plus tail calls). */
export async function wat(text: string, options: { names?: boolean } = {}): Promise<Uint8Array<ArrayBuffer>> {
  wabtPromise ??= wabtInit();
  const wabt = await wabtPromise;
  const mod = wabt.parseWat('test.wat', text, FEATURES);
  try {
    mod.resolveNames();
    mod.validate();
    return new Uint8Array(mod.toBinary({ write_debug_names: options.names ?? false }).buffer);
  } finally {
    mod.destroy();
  }
}

export interface Metered {
  instance: WebAssembly.Instance;
  info: InstrumentedWasm;
  counter: WebAssembly.Global;
  /** Calls export `name` with budget `budget`; returns the result and instructions used. */
  run(name: string, args?: unknown[], budget?: bigint): { result: unknown; used: bigint };
}

export function instantiateMetered(bytes: Uint8Array, imports: WebAssembly.Imports = {}): Metered {
  const info = instrumentWasm(bytes);
  expect(WebAssembly.validate(info.wasm)).toBe(true);
  const instance = new WebAssembly.Instance(new WebAssembly.Module(info.wasm), imports);
  const counter = instance.exports[info.counterExport] as WebAssembly.Global;
  return {
    instance,
    info,
    counter,
    run(name, args = [], budget = 10_000_000_000n) {
      counter.value = budget;
      const result = (instance.exports[name] as (...a: unknown[]) => unknown)(...args);
      return { result, used: budget - (counter.value as bigint) };
    },
  };
}

/**
 * The IC's instruction costs (Wasm32), written out from the rules independently of the
 * implementation's table, as a function of the mnemonic ('select_t' = typed select).
 */
export function expectedCost(name: string): number {
  const [type, op = ''] = name.includes('.') ? [name.slice(0, name.indexOf('.')), name.slice(name.indexOf('.') + 1)] : ['', name];
  const isInt = type === 'i32' || type === 'i64';
  const isFloat = type === 'f32' || type === 'f64';
  if (['block', 'else', 'end', 'loop'].includes(name)) return 0;
  if (op === 'const') return 1;
  if (isInt && ['add', 'sub', 'mul', 'and', 'or', 'xor', 'shl', 'shr_s', 'shr_u', 'rotl', 'rotr'].includes(op)) return 1;
  if (isInt && ['div_s', 'div_u', 'rem_s', 'rem_u'].includes(op)) return 10;
  if (isInt && ['eqz', 'eq', 'ne', 'lt_s', 'lt_u', 'gt_s', 'gt_u', 'le_s', 'le_u', 'ge_s', 'ge_u'].includes(op)) return 1;
  if (isInt && ['popcnt', 'clz', 'ctz'].includes(op)) return 1;
  if (isFloat && ['abs', 'neg'].includes(op)) return 1;
  if (isFloat && ['add', 'sub', 'mul', 'ceil', 'floor', 'trunc', 'nearest'].includes(op)) return 2;
  if (name === 'f32.div') return 3;
  if (name === 'f64.div') return 5;
  if (isFloat && ['min', 'max'].includes(op)) return 18;
  if (name === 'f32.copysign') return 2;
  if (name === 'f64.copysign') return 3;
  if (name === 'f32.sqrt') return 5;
  if (name === 'f64.sqrt') return 8;
  if (isFloat && ['eq', 'ne', 'lt', 'gt', 'le', 'ge'].includes(op)) return 3;
  if (name === 'i32.wrap_i64' || /^extend(8|16|32)_s$/.test(op) || op.startsWith('reinterpret_') || /^extend_i32_[su]$/.test(op)) return 1;
  if (isFloat && /^convert_i(32|64)_s$/.test(op)) return 3;
  if (isFloat && /^convert_i(32|64)_u$/.test(op)) return 16;
  if (isInt && /^trunc_sat_f(32|64)_[su]$/.test(op)) return 20;
  if (name === 'f32.demote_f64' || name === 'f64.promote_f32') return 1;
  if (isInt && /^trunc_f(32|64)_[su]$/.test(op)) return 20;
  if (/^(load|store)/.test(op) && type !== 'memory') return 1;
  if (type === 'global') return 2;
  if (name === 'table.get' || name === 'table.set') return 5;
  if (type === 'local' || name === 'select' || name === 'select_t') return 1;
  if (name === 'table.grow' || name === 'memory.grow') return 300;
  if (name === 'memory.size') return 20;
  if (name === 'table.size') return 100;
  if (['memory.fill', 'memory.copy', 'memory.init', 'table.fill', 'table.copy', 'table.init'].includes(name)) return 100;
  if (name === 'data.drop' || name === 'elem.drop') return 300;
  if (name === 'call') return 5;
  if (name === 'call_indirect') return 10;
  if (name === 'return_call') return 3;
  if (name === 'return_call_indirect') return 60;
  if (['return', 'drop', 'unreachable', 'nop'].includes(name)) return 1;
  if (['if', 'br', 'br_if', 'br_table'].includes(name)) return 2;
  if (name === 'ref.null') return 1;
  if (name === 'ref.is_null') return 5;
  if (name === 'ref.func') return 130;
  return 1; // anything else
}
