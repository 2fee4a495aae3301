/**
 * The sender's type table: parsed into wire types (W) with their skip handlers, each count checked
 * against its cap before the work it causes (limits.ts), references resolved, and cycles through
 * records only (types without a finite value) refused, iteratively. No storage; cost linear in the
 * table's bytes, bounded by the caps (≤ ~30 M instructions, measured through the built Wasm).
 */
import { CandidError } from './error';
import { MAX_TABLE_ENTRIES, MAX_TABLE_NAME_BYTES, MAX_TABLE_REFERENCES } from './limits';
import { buf, end, malformed, oob, pos, readText, rS, rU, sBool, setPos, sEmpty, sFixed, sFunc, sFuture, sLeb, sNone, sOpt, sPrincipal, sRecord, sText, sVariant, sVec } from './decode-cursor';
import { mkW, type W } from './decode-shapes';

// ---------------------------------------------------------------------------------------------
// Wire types

export const PRIM_W: W[] = [];
{
  const spec: [number, W['s'], number][] = [
    [-1, sNone, 0], [-2, sBool, -1], [-3, sLeb, -1], [-4, sLeb, -1], [-5, sFixed, 1], [-6, sFixed, 2], [-7, sFixed, 4],
    [-8, sFixed, 8], [-9, sFixed, 1], [-10, sFixed, 2], [-11, sFixed, 4], [-12, sFixed, 8], [-13, sFixed, 4],
    [-14, sFixed, 8], [-15, sText, -1], [-16, sNone, 0], [-17, sEmpty, -1], [-24, sPrincipal, -1],
  ];
  for (const [k, s, sz] of spec) PRIM_W[-k] = mkW(k, s, sz, -1);
}

function primW(k: number): W {
  const w = k < 0 && k >= -24 ? PRIM_W[-k] : undefined;
  if (w === undefined) throw malformed(`invalid type reference ${k}`);
  return w;
}

function tooManyRefs(): CandidError {
  return malformed(`type table has more than ${MAX_TABLE_REFERENCES} references (record and variant fields, function arguments, results and annotations, service methods, message arguments)`);
}

/**
 * Parses the type table and the argument types at `pos`. The entry count and the number of
 * references are checked against their caps before the work they cause is done.
 */
export function parseTable(): W[] {
  const n = rU();
  if (n > MAX_TABLE_ENTRIES) throw malformed(`type table has ${n} entries; at most ${MAX_TABLE_ENTRIES} are accepted`);
  if (n > end - pos) throw oob();
  /** references left in the table's budget (fields, func arguments and results, methods, arguments) */
  let budget = MAX_TABLE_REFERENCES;
  let nameBytes = MAX_TABLE_NAME_BYTES;
  const ents: W[] = [];
  for (let i = 0; i < n; i++) {
    const k = rS();
    const e = mkW(k, sNone, -1, i);
    if (k === -18 || k === -19) {
      e.raw = [rS()];
    } else if (k === -20 || k === -21) {
      const m = rU();
      if ((budget -= m) < 0) throw tooManyRefs();
      if (m > end - pos) throw oob();
      const ids: number[] = [];
      const refs: number[] = [];
      let prev = -1;
      for (let j = 0; j < m; j++) {
        const id = rU();
        if (id <= prev) throw malformed(`field ids not strictly increasing in type table entry ${i} (${id} after ${prev})`);
        prev = id;
        ids.push(id);
        refs.push(rS());
      }
      e.ids = ids;
      e.raw = refs;
    } else if (k === -22) {
      const args: number[] = [];
      let m = rU();
      if ((budget -= m) < 0) throw tooManyRefs();
      if (m > end - pos) throw oob();
      for (let j = 0; j < m; j++) args.push(rS());
      const rets: number[] = [];
      m = rU();
      if ((budget -= m) < 0) throw tooManyRefs();
      if (m > end - pos) throw oob();
      for (let j = 0; j < m; j++) rets.push(rS());
      m = rU();
      if ((budget -= m) < 0) throw tooManyRefs();
      if (m > end - pos) throw oob();
      const ann: number[] = [];
      for (let j = 0; j < m; j++) {
        const a = buf[pos];
        setPos(pos + 1);
        if (a === undefined) throw oob();
        if (a < 1 || a > 3) throw malformed(`unknown function annotation ${a}`);
        ann.push(a);
      }
      e.raw = args;
      e.raw2 = rets;
      e.ann = ann;
    } else if (k === -23) {
      const m = rU();
      if ((budget -= m) < 0) throw tooManyRefs();
      if (m > end - pos) throw oob();
      const names: string[] = [];
      const methods: number[] = [];
      for (let j = 0; j < m; j++) {
        const at = pos;
        if ((nameBytes -= rU()) < 0) throw malformed(`the service types of the type table have more than ${MAX_TABLE_NAME_BYTES} bytes of method names`);
        setPos(at);
        names.push(readText());
        methods.push(rS());
      }
      e.names = names;
      e.raw = methods;
    } else if (k < -24) {
      const m = rU();
      if (m > end - pos) throw oob();
      setPos(pos + m);
    } else {
      throw malformed(`invalid type opcode ${k} in type table entry ${i}`);
    }
    ents.push(e);
  }
  const m = rU();
  if ((budget -= m) < 0) throw tooManyRefs();
  if (m > end - pos) throw oob();
  const argRefs: number[] = [];
  for (let j = 0; j < m; j++) argRefs.push(rS());

  const ref = (r: number): W => {
    if (r >= 0) {
      if (r >= n) throw malformed(`type index ${r} out of range (table has ${n} entries)`);
      return ents[r];
    }
    return primW(r);
  };
  for (const e of ents) {
    switch (e.k) {
      case -18: e.t = ref(e.raw![0]); e.s = sOpt; break;
      case -19: e.t = ref(e.raw![0]); e.s = sVec; break;
      case -20: e.types = e.raw!.map(ref); e.s = sRecord; break;
      case -21: e.types = e.raw!.map(ref); e.s = sVariant; break;
      case -22: e.args = e.raw!.map(ref); e.rets = e.raw2!.map(ref); e.s = sFunc; break;
      case -23:
        e.types = e.raw!.map(ref);
        for (const f of e.types) if (f.k !== -22) throw malformed('service method type is not a func type');
        e.s = sPrincipal;
        break;
      default: e.s = sFuture; break;
    }
    e.raw = e.raw2 = null;
  }
  checkRecords(ents);
  return argRefs.map(ref);
}

/**
 * Rejects cycles through record fields only (such a type has no finite value, and decoding it
 * would recurse without consuming input) and computes which records are zero-sized.
 * Iterative, since the table comes from the sender.
 */
function checkRecords(ents: W[]): void {
  const state = new Uint8Array(ents.length); // 0 new, 1 on stack, 2 done
  const stack: number[] = [];
  const next: number[] = [];
  for (let r = 0; r < ents.length; r++) {
    if (ents[r].k !== -20 || state[r] !== 0) continue;
    stack.push(r);
    next.push(0);
    state[r] = 1;
    while (stack.length > 0) {
      const top = stack.length - 1;
      const e = ents[stack[top]];
      const ts = e.types!;
      const j = next[top];
      if (j < ts.length) {
        next[top] = j + 1;
        const f = ts[j];
        if (f.k === -20 && f.i >= 0) {
          if (state[f.i] === 1) throw new CandidError(`type table entry ${f.i} is a record that contains itself (not well-founded)`);
          if (state[f.i] === 0) {
            state[f.i] = 1;
            stack.push(f.i);
            next.push(0);
          }
        }
        continue;
      }
      let zero = true;
      for (const f of ts) if (f.sz !== 0) zero = false;
      e.sz = zero ? 0 : -1;
      state[e.i] = 2;
      stack.pop();
      next.pop();
    }
  }
}
