/**
 * Exact instruction counts of the instrumented code, checked by running it in Node's engine.
 *
 * Expected counts are derived by hand from the IC rules: the function start is a REENTRANT point
 * with cost 1; every instruction adds its cost to the current point; `loop` / `if` / `else`, `br*`,
 * `end`, `return`, `unreachable` close the current point and open a new one right after; bulk
 * memory ops additionally charge their size operand at run time. A point's cost is paid each time
 * control passes its position, so a test's count is the sum of the points executed.
 */
import { IC_INSTRUCTION_COSTS, instrumentWasm } from '../../../../tools/replica/wasm/instrument';
import { OPCODE_DEFS } from '../../../../tools/replica/wasm/opcodes';
import { expectedCost, instantiateMetered, Metered, wat } from './helpers';

describe('IC_INSTRUCTION_COSTS', () => {
  it('covers every decodable instruction with the IC cost', () => {
    for (const [, name] of OPCODE_DEFS) {
      expect([name, IC_INSTRUCTION_COSTS[name]]).toEqual([name, expectedCost(name)]);
    }
    expect(Object.keys(IC_INSTRUCTION_COSTS).sort()).toEqual(OPCODE_DEFS.map(([, n]) => n).sort());
  });
});

describe('exact counts on hand-written modules', () => {
  let m: Metered;

  beforeAll(async () => {
    m = instantiateMetered(
      await wat(`
      (module
        (memory (export "memory") 1)
        (func (export "straight") (result i32)
          i32.const 1      ;; 1
          i32.const 2      ;; 1
          i32.add          ;; 1
          i32.const 3      ;; 1
          i32.mul          ;; 1
          i32.const 7      ;; 1
          i32.div_u        ;; 10
          f64.const 2.25   ;; 1
          f64.sqrt         ;; 8
          i32.trunc_f64_s  ;; 20
          i32.add)         ;; 1    end 0   => 1 + 46 = 47
        (func (export "empty"))  ;; start point only => 1
        (func (export "loop") (param $n i32) (local $i i32)
          loop $l                  ;; 0   closes P0 = 1
            local.get $i           ;; 1
            i32.const 1            ;; 1
            i32.add                ;; 1
            local.tee $i           ;; 1
            local.get $n           ;; 1
            i32.lt_u               ;; 1
            br_if $l               ;; 2   closes P1 (reentrant) = 8
          end)                     ;; P2, P3 cost 0 => 1 + 8 * iterations
        (func (export "nested") (param $m i32) (param $n i32) (local $i i32) (local $j i32)
          loop $outer              ;; P0 = 1
            i32.const 0            ;; 1
            local.set $j           ;; 1
            loop $inner            ;; P1 = 2
              local.get $j
              i32.const 1
              i32.add
              local.tee $j
              local.get $n
              i32.lt_u
              br_if $inner         ;; P2 (reentrant) = 8
            end
            local.get $i
            i32.const 1
            i32.add
            local.tee $i
            local.get $m
            i32.lt_u
            br_if $outer           ;; P4 (after inner end) = 8
          end)                     ;; => 1 + m * (2 + 8n + 8)
        (func (export "ifelse") (param i32) (result i32)
          local.get 0              ;; 1
          if (result i32)          ;; 2   P0 = 1 + 3 = 4
            i32.const 10
            i32.const 20
            i32.add                ;;     P1 (then) = 3
          else
            i32.const 7            ;;     P2 (after else) = 1
          end
          i32.const 1
          i32.add)                 ;;     P3 (after end) = 2   => then 9, else 7
        (func (export "brif") (param i32) (result i32)
          block (result i32)       ;; 0
            i32.const 5            ;; 1
            local.get 0            ;; 1
            br_if 0                ;; 2   P0 = 5
            drop                   ;; 1
            i32.const 6            ;; 1   P1 = 2
          end
          i32.const 100
          i32.add)                 ;;     P2 = 2   => taken 7, not taken 9
        (func (export "brtable") (param i32) (result i32)
          block
            block
              local.get 0
              br_table 0 1         ;; P0 = 1 + 1 + 2 = 4
            end                    ;; P1 = 0 (not emitted)
            i32.const 10
            return                 ;; P2 = 2
          end                      ;; P3 = 0
          i32.const 20)            ;; P4 = 1   => 0: 6, else: 5
        (func (export "ret") (param i32) (result i32)
          local.get 0
          if                       ;; P0 = 4
            i32.const 1
            return                 ;; P1 = 2
          end                      ;; P2 = 0
          i32.const 2)             ;; P3 = 1   => nonzero 6, zero 5
        (func (export "fill") (param $k i32)
          i32.const 16             ;; 1
          i32.const 0xAB           ;; 1
          local.get $k             ;; 1
          memory.fill)             ;; 100 + K (dynamic)   => 104 + K
        (func $double (param i32) (result i32)
          local.get 0
          i32.const 2
          i32.mul)                 ;; 1 + 3 = 4
        (func (export "call") (result i32)
          i32.const 21
          call $double)            ;; 1 + 1 + 5 = 7, + 4   => 11
        (table 1 funcref)
        (elem (i32.const 0) $double)
        (type $t (func (param i32) (result i32)))
        (func (export "call_indirect") (result i32)
          i32.const 21
          i32.const 0
          call_indirect (type $t)) ;; 1 + 1 + 1 + 10 = 13, + 4 => 17
        (func (export "tail") (result i32)
          i32.const 4
          return_call $double)     ;; 1 + 1 + 3 = 5, + 4 => 9
        (func (export "fill_at_loop_start") (param $k i32)
          i32.const 0
          i32.const 0
          local.get $k             ;; P0 = 1 + 3 = 4
          loop (param i32 i32 i32)
            memory.fill            ;; dynamic K, then P1 (reentrant) = 100
          end)                     ;; => 104 + K
      )`),
    );
  });

  it('straight-line code', () => {
    expect(m.run('straight')).toEqual({ result: 2, used: 47n }); // (1+2)*3/7 + trunc(1.5)
    expect(m.run('empty').used).toBe(1n);
  });

  it('a loop running N times costs 1 + 8N', () => {
    expect(m.run('loop', [10]).used).toBe(81n);
    expect(m.run('loop', [1000]).used).toBe(8001n);
  });

  it('nested loops cost 1 + M(10 + 8N)', () => {
    expect(m.run('nested', [3, 5]).used).toBe(151n);
    expect(m.run('nested', [2, 100]).used).toBe(1621n);
  });

  it('if/else charges only the branch taken', () => {
    expect(m.run('ifelse', [1])).toEqual({ result: 31, used: 9n });
    expect(m.run('ifelse', [0])).toEqual({ result: 8, used: 7n });
  });

  it('br_if taken and not taken', () => {
    expect(m.run('brif', [1])).toEqual({ result: 105, used: 7n });
    expect(m.run('brif', [0])).toEqual({ result: 106, used: 9n });
  });

  it('br_table and return', () => {
    expect(m.run('brtable', [0])).toEqual({ result: 10, used: 6n });
    expect(m.run('brtable', [1])).toEqual({ result: 20, used: 5n });
    expect(m.run('brtable', [7])).toEqual({ result: 20, used: 5n });
    expect(m.run('ret', [1])).toEqual({ result: 1, used: 6n });
    expect(m.run('ret', [0])).toEqual({ result: 2, used: 5n });
  });

  it('memory.fill of K bytes adds exactly K', () => {
    expect(m.run('fill', [0]).used).toBe(104n);
    expect(m.run('fill', [5]).used).toBe(109n);
    expect(m.run('fill', [1000]).used).toBe(1104n);
    const mem = new Uint8Array((m.instance.exports.memory as WebAssembly.Memory).buffer);
    expect(mem[15]).toBe(0);
    expect(mem.slice(16, 1016).every((b) => b === 0xab)).toBe(true);
    expect(mem[1016]).toBe(0);
  });

  it('calls charge caller and callee', () => {
    expect(m.run('call')).toEqual({ result: 42, used: 11n });
    expect(m.run('call_indirect')).toEqual({ result: 42, used: 17n });
    expect(m.run('tail')).toEqual({ result: 8, used: 9n });
  });

  it('a dynamic point sharing a position with a static one is charged first (IC stable sort)', () => {
    expect(m.run('fill_at_loop_start', [1000]).used).toBe(1104n);
    // Budget 64: P0 leaves 60; the dynamic charge of 1000 comes first and traps at 60 - 1000.
    // (Had the static point come first, the trap would leave 60 - 100 = -40.)
    m.counter.value = 64n;
    expect(() => (m.instance.exports.fill_at_loop_start as (k: number) => void)(1000)).toThrow(WebAssembly.RuntimeError);
    expect(m.counter.value).toBe(-940n);
  });
});

describe('every instruction is charged its IC cost', () => {
  // One function per instruction: operands (each an i32/i64/f32/f64.const or similar, cost 1),
  // the instruction, then `drop` if it leaves a value. Expected = 1 (start) + operands + cost + drop.
  interface Case {
    op: string;
    body: string;
    operands: number;
    drop: boolean;
  }
  const cases: Case[] = [];
  const c = (op: string, operands: string[], drop: boolean, text = op) =>
    cases.push({ op, body: `${operands.join(' ')} ${text} ${drop ? 'drop' : ''}`, operands: operands.length, drop });
  const k = (t: string) => (t === 'i32' || t === 'i64' ? `${t}.const 7` : `${t}.const 7.5`);
  const k2 = (t: string) => (t === 'i32' || t === 'i64' ? `${t}.const 3` : `${t}.const 2.5`);
  for (const t of ['i32', 'i64']) {
    for (const op of ['eqz', 'clz', 'ctz', 'popcnt', 'extend8_s', 'extend16_s']) c(`${t}.${op}`, [k(t)], true);
    for (const op of ['eq', 'ne', 'lt_s', 'lt_u', 'gt_s', 'gt_u', 'le_s', 'le_u', 'ge_s', 'ge_u', 'add', 'sub', 'mul',
      'div_s', 'div_u', 'rem_s', 'rem_u', 'and', 'or', 'xor', 'shl', 'shr_s', 'shr_u', 'rotl', 'rotr']) {
      c(`${t}.${op}`, [k(t), k2(t)], true);
    }
  }
  c('i64.extend32_s', [k('i64')], true);
  for (const t of ['f32', 'f64']) {
    for (const op of ['abs', 'neg', 'ceil', 'floor', 'trunc', 'nearest', 'sqrt']) c(`${t}.${op}`, [k(t)], true);
    for (const op of ['eq', 'ne', 'lt', 'gt', 'le', 'ge', 'add', 'sub', 'mul', 'div', 'min', 'max', 'copysign']) {
      c(`${t}.${op}`, [k(t), k2(t)], true);
    }
  }
  const conversions: Array<[string, string]> = [
    ['i32.wrap_i64', 'i64'], ['i64.extend_i32_s', 'i32'], ['i64.extend_i32_u', 'i32'],
    ['f32.demote_f64', 'f64'], ['f64.promote_f32', 'f32'],
    ['i32.reinterpret_f32', 'f32'], ['i64.reinterpret_f64', 'f64'], ['f32.reinterpret_i32', 'i32'], ['f64.reinterpret_i64', 'i64'],
  ];
  for (const r of ['i32', 'i64']) {
    for (const f of ['f32', 'f64']) {
      for (const s of ['s', 'u']) {
        conversions.push([`${r}.trunc_${f}_${s}`, f], [`${r}.trunc_sat_${f}_${s}`, f], [`${f}.convert_${r}_${s}`, r]);
      }
    }
  }
  for (const [op, from] of conversions) c(op, [k(from)], true);
  for (const t of ['i32', 'i64', 'f32', 'f64']) c(`${t}.const`, [], true, k(t));
  const mem = ['i32.load', 'i64.load', 'f32.load', 'f64.load', 'i32.load8_s', 'i32.load8_u', 'i32.load16_s', 'i32.load16_u',
    'i64.load8_s', 'i64.load8_u', 'i64.load16_s', 'i64.load16_u', 'i64.load32_s', 'i64.load32_u'];
  for (const op of mem) c(op, ['i32.const 8'], true, `${op} offset=4`);
  for (const [op, t] of [['i32.store', 'i32'], ['i64.store', 'i64'], ['f32.store', 'f32'], ['f64.store', 'f64'], ['i32.store8', 'i32'],
    ['i32.store16', 'i32'], ['i64.store8', 'i64'], ['i64.store16', 'i64'], ['i64.store32', 'i64']]) {
    c(op, ['i32.const 8', k(t)], false);
  }
  c('memory.size', [], true);
  c('memory.grow', ['i32.const 0'], true);
  c('global.get', [], true, 'global.get $g');
  c('global.set', ['i32.const 5'], false, 'global.set $g');
  c('local.get', [], true, 'local.get $l');
  c('local.set', ['i32.const 5'], false, 'local.set $l');
  c('local.tee', ['i32.const 5'], true, 'local.tee $l');
  c('select', ['i32.const 1', 'i32.const 2', 'i32.const 0'], true);
  c('select_t', ['i32.const 1', 'i32.const 2', 'i32.const 0'], true, 'select (result i32)');
  c('nop', [], false);
  c('drop', ['i32.const 1'], false);
  c('table.get', ['i32.const 0'], true, 'table.get $tab');
  c('table.set', ['i32.const 1', 'ref.null func'], false, 'table.set $tab');
  c('table.size', [], true, 'table.size $tab');
  c('table.grow', ['ref.null func', 'i32.const 0'], true, 'table.grow $tab');
  c('ref.null', [], true, 'ref.null func');
  c('ref.is_null', ['ref.null extern'], true);
  c('ref.func', [], true, 'ref.func $callee');
  c('call', [], false, 'call $callee');
  c('data.drop', [], false, 'data.drop $passive');
  c('elem.drop', [], false, 'elem.drop $passive_elem');
  // Bulk operations with size 0 (the dynamic part is tested separately).
  c('memory.fill', ['i32.const 0', 'i32.const 0', 'i32.const 0'], false);
  c('memory.copy', ['i32.const 0', 'i32.const 0', 'i32.const 0'], false);
  c('memory.init', ['i32.const 0', 'i32.const 0', 'i32.const 0'], false, 'memory.init $passive');
  c('table.fill', ['i32.const 0', 'ref.null func', 'i32.const 0'], false, 'table.fill $tab');
  c('table.copy', ['i32.const 0', 'i32.const 0', 'i32.const 0'], false, 'table.copy $tab $tab');
  c('table.init', ['i32.const 0', 'i32.const 0', 'i32.const 0'], false, 'table.init $tab $passive_elem');

  let m: Metered;
  beforeAll(async () => {
    const funcs = cases.map((x, i) => `(func (export "c${i}") (local $l i32) ${x.body})`).join('\n');
    m = instantiateMetered(
      await wat(`
      (module
        (memory 1)
        (global $g (mut i32) (i32.const 0))
        (table $tab 4 funcref)
        (data $passive "abcdef")
        (elem $passive_elem func $callee)
        (func $callee)
        ${funcs})`),
    );
  });

  it('has a case for every instruction with a fixed cost', () => {
    const covered = new Set(cases.map((x) => x.op));
    const structural = ['block', 'loop', 'if', 'else', 'end', 'br', 'br_if', 'br_table', 'return', 'unreachable',
      'call_indirect', 'return_call', 'return_call_indirect']; // covered by the control-flow tests
    for (const [, name] of OPCODE_DEFS) if (!structural.includes(name)) expect(covered).toContain(name);
  });

  it('charges 1 + operands + cost (+1 for drop) per instruction', () => {
    const mismatches: string[] = [];
    cases.forEach((x, i) => {
      const expected = BigInt(1 + x.operands + expectedCost(x.op) + (x.drop ? 1 : 0));
      // A `call $callee` also runs the callee's own start point (cost 1).
      const extra = x.op === 'call' ? 1n : 0n;
      const { used } = m.run(`c${i}`);
      if (used !== expected + extra) mismatches.push(`${x.op}: used ${used}, expected ${expected + extra}`);
    });
    expect(mismatches).toEqual([]);
  });
});

describe('budget enforcement', () => {
  let m: Metered;
  beforeAll(async () => {
    m = instantiateMetered(
      await wat(`
      (module
        (memory (export "memory") 1)
        (func (export "loop") (param $n i32) (local $i i32)
          loop $l
            local.get $i
            i32.const 1
            i32.add
            local.tee $i
            local.get $n
            i32.lt_u
            br_if $l
          end)
        (func (export "forever") (loop $l (br $l)))
        (func (export "fill") (param $k i32)
          i32.const 0
          i32.const 0xAB
          local.get $k
          memory.fill))`),
    );
  });

  const call = (name: string, budget: bigint, ...args: number[]) => {
    m.counter.value = budget;
    return () => (m.instance.exports[name] as (...a: number[]) => void)(...args);
  };

  it('a loop traps with a small budget and leaves the counter negative', () => {
    expect(call('loop', 100n, 1000)).toThrow(WebAssembly.RuntimeError);
    // 100 - 1 (start) - 13 * 8 (iterations charged at the loop head) = -5
    expect(m.counter.value).toBe(-5n);
  });

  it('the same call succeeds with a sufficient budget, and fails one short of it', () => {
    expect(call('loop', 8001n, 1000)).not.toThrow();
    expect(m.counter.value).toBe(0n);
    expect(call('loop', 8000n, 1000)).toThrow(WebAssembly.RuntimeError);
    expect(m.counter.value).toBe(-1n);
  });

  it('an infinite loop is stopped', () => {
    expect(call('forever', 1_000_000n)).toThrow(WebAssembly.RuntimeError);
    expect(m.counter.value as bigint).toBeLessThan(0n);
  });

  it('a bulk operation over budget traps before touching memory', () => {
    const mem = new Uint8Array((m.instance.exports.memory as WebAssembly.Memory).buffer);
    expect(call('fill', 1000n, 5000)).toThrow(WebAssembly.RuntimeError);
    // start point 104 (paid at entry), then the dynamic charge of 5000 traps
    expect(m.counter.value).toBe(1000n - 104n - 5000n);
    expect(mem.slice(0, 6000).every((b) => b === 0)).toBe(true);
    expect(call('fill', 5104n, 5000)).not.toThrow();
    expect(m.counter.value).toBe(0n);
    expect(mem.slice(0, 5000).every((b) => b === 0xab)).toBe(true);
  });
});

describe('state is preserved', () => {
  const source = `
    (module
      (memory (export "memory") 1 2)
      (global $acc (mut i64) (i64.const 5))
      (global $k i32 (i32.const 3))
      (data (i32.const 100) "hello")
      (data $p "passive!")
      (func (export "work") (param $n i32) (result i64) (local $i i32)
        loop $l
          ;; mem[200 + 8i] = i*i*k ; acc += i
          local.get $i
          i32.const 8
          i32.mul
          local.get $i
          local.get $i
          i32.mul
          global.get $k
          i32.mul
          i64.extend_i32_u
          i64.store offset=200
          global.get $acc
          local.get $i
          i64.extend_i32_u
          i64.add
          global.set $acc
          local.get $i
          i32.const 1
          i32.add
          local.tee $i
          local.get $n
          i32.lt_u
          br_if $l
        end
        i32.const 1000 i32.const 0x5A i32.const 77 memory.fill
        i32.const 2000 i32.const 100 i32.const 5 memory.copy
        i32.const 3000 i32.const 0 i32.const 8 memory.init $p
        i32.const 1 memory.grow drop
        global.get $acc)
      (func (export "acc") (result i64) global.get $acc))`;

  it('memory contents, globals and results are identical with and without instrumentation', async () => {
    const bytes = await wat(source);
    const plain = new WebAssembly.Instance(new WebAssembly.Module(bytes));
    const m = instantiateMetered(bytes);
    const r1 = (plain.exports.work as (n: number) => bigint)(50);
    const { result: r2, used } = m.run('work', [50]);
    expect(r2).toBe(r1);
    expect(used).toBeGreaterThan(0n);
    const a = new Uint8Array((plain.exports.memory as WebAssembly.Memory).buffer);
    const b = new Uint8Array((m.instance.exports.memory as WebAssembly.Memory).buffer);
    expect(b.length).toBe(a.length);
    expect(Buffer.compare(Buffer.from(a), Buffer.from(b))).toBe(0);
    expect(a.length).toBe(2 * 65536);
    expect(Buffer.from(a.slice(3000, 3008)).toString()).toBe('passive!');
    // The mutable global is exposed for snapshot/restore and is the same state the code uses.
    expect(m.info.memoryExport).toBe('memory');
    expect(m.info.globalExports).toEqual(['emc_global_0']);
    expect(m.info.tableExport).toBeUndefined();
    const g = m.instance.exports.emc_global_0 as WebAssembly.Global;
    expect(g.value).toBe((plain.exports.acc as () => bigint)());
    g.value = 42n;
    expect((m.instance.exports.acc as () => bigint)()).toBe(42n);
  });

  it('reuses existing export names and exports tables', async () => {
    const info = instrumentWasm(
      await wat(`
      (module
        (memory 1)
        (table (export "tbl") 1 funcref)
        (global $imm i32 (i32.const 1))
        (global $a (export "a") (mut i32) (i32.const 0))
        (global $b (mut f64) (f64.const 0))
        (func (export "f")))`),
    );
    expect(info).toMatchObject({ counterExport: 'emc_instruction_counter', tableExport: 'tbl', memoryExport: 'emc_memory', globalExports: ['a', 'emc_global_2'] });
    const exp = WebAssembly.Module.exports(new WebAssembly.Module(info.wasm));
    expect(exp).toEqual([
      { name: 'tbl', kind: 'table' }, { name: 'a', kind: 'global' }, { name: 'f', kind: 'function' },
      { name: 'emc_instruction_counter', kind: 'global' }, { name: 'emc_memory', kind: 'memory' }, { name: 'emc_global_2', kind: 'global' },
    ]);
  });

  it('handles imported globals, functions and tables without renumbering', async () => {
    const bytes = await wat(`
      (module
        (import "env" "f" (func $f (param i32) (result i32)))
        (import "env" "g" (global $g (mut i32)))
        (import "env" "t" (table 2 funcref))
        (global $own (mut i32) (i32.const 9))
        (func $h (export "h") (result i32)
          global.get $g
          call $f
          global.get $own
          i32.add)
        (elem (i32.const 0) $h))`);
    const g = new WebAssembly.Global({ value: 'i32', mutable: true }, 10);
    const t = new WebAssembly.Table({ element: 'anyfunc', initial: 2 });
    const m = instantiateMetered(bytes, { env: { f: (x: number) => x * 2, g, t } });
    expect(m.info.globalExports).toEqual(['emc_global_1']);
    expect(m.info.tableExport).toBe('emc_table');
    expect(m.instance.exports.emc_table).toBe(t);
    // start 1 + global.get 2 + call 5 + global.get 2 + add 1 = 11
    expect(m.run('h')).toEqual({ result: 29, used: 11n });
    expect(t.get(0)).toBe(m.instance.exports.h);
  });
});
