/**
 * Plans: how a wire type decodes at an expected type. A plan node is made on first use (dLazy) and
 * compiled then: the handler for the pair is chosen once (specialised ones for the common shapes:
 * opt blob, opt nat, opt nat64, opt principal, typed arrays, records whose wire fields are exactly
 * the expected ones), record fields are matched by id, wire-only fields skipped, missing opt/null/
 * reserved fields defaulted, variant cases mapped. No storage; compiling costs once per (table,
 * types) pair, which the table cache in decode.ts keeps.
 */
import { CandidError } from './error';
import { showType, type OptType, type RecordType, type Type, type VariantType, type VecType } from './types';
import { dBlob, dBool, dDepth, dF32, dF64, dFunc, dInt, dInt16, dInt32, dInt64, dInt8, dNat, dNat16, dNat32, dNat64, dNat8, dOptBlob, dOptNat, dOptNat64, dOptOpt, dOptOptSkip, dOptPrim, dOptPrincipal, dOptWrap, dPrincipal, dText, dTyped, dVariant, dVec, malformed } from './decode-cursor';
import { isPrim, mkP, type Ctx, type P, type W } from './decode-shapes';
import { isSub } from './decode-subtype';
import { PRIM_W } from './decode-table';

// Value handlers that do not move the cursor themselves (composites, defaults, failures).

export function dNull(_p: P): null {
  return null;
}
function dReserved(p: P): null {
  const w = p.w;
  w.s(w);
  return null;
}
function dEmptyWire(_p: P): never {
  throw malformed('a value of type empty cannot occur');
}
export function dFail(p: P): never {
  throw new CandidError(p.msg, true);
}
export function dOptNone(_p: P): [] {
  return [];
}
function dOptSkip(p: P): [] {
  const w = p.w;
  w.s(w);
  return [];
}
/** a record whose wire fields are exactly the expected ones */
function dRecordExact(p: P): unknown {
  const keys = p.keys!;
  const subs = p.subs as P[];
  const n = keys.length;
  const o: any = p.tuple ? [] : {};
  for (let i = 0; i < n; i++) {
    const s = subs[i];
    o[keys[i]!] = s.f(s);
  }
  return o;
}
function dRecord(p: P): unknown {
  const kinds = p.kinds!;
  const keys = p.keys!;
  const subs = p.subs!;
  const n = kinds.length;
  const o: any = p.tuple ? [] : {};
  for (let i = 0; i < n; i++) {
    const k = kinds[i];
    if (k === 0) {
      const s = subs[i] as P;
      o[keys[i]!] = s.f(s);
    } else if (k === 1) {
      const w = subs[i] as W;
      w.s(w);
    } else if (k === 2) o[keys[i]!] = [];
    else o[keys[i]!] = null;
  }
  return o;
}
function dLazy(p: P): unknown {
  if (p.f === dLazy) compileNode(p);
  return p.f(p);
}

function compileNode(p: P): void {
  compile(p);
  if ((p.t as RecordType).r !== undefined && p.f !== dFail) {
    p.g = p.f;
    p.f = dDepth;
  }
}

/** Compiles every plan reachable from `tops` now rather than on first use. */
export function compileAll(tops: P[]): void {
  const seen = new Set<P>();
  const stack = tops.slice();
  while (stack.length > 0) {
    const p = stack.pop()!;
    if (seen.has(p)) continue;
    seen.add(p);
    if (p.f === dLazy) compileNode(p);
    if (p.s !== null) stack.push(p.s);
    if (p.subs !== null) {
      for (let i = 0; i < p.subs.length; i++) {
        const x = p.subs[i];
        if (x !== null && (p.kinds === null || p.kinds[i] === 0)) stack.push(x as P);
      }
    }
  }
}

export const P_NULL = mkP(dNull, PRIM_W[1], null, null);
const P_OPT_NONE = mkP(dOptNone, PRIM_W[1], null, null);
const P_EMPTY_WIRE = mkP(dEmptyWire, PRIM_W[17], null, null);
const PRIM_P: P[] = [];
{
  const hs: [number, P['f']][] = [
    [-1, dNull], [-2, dBool], [-3, dNat], [-4, dInt], [-5, dNat8], [-6, dNat16], [-7, dNat32], [-8, dNat64],
    [-9, dInt8], [-10, dInt16], [-11, dInt32], [-12, dInt64], [-13, dF32], [-14, dF64], [-15, dText], [-24, dPrincipal],
  ];
  for (const [k, f] of hs) PRIM_P[-k] = mkP(f, PRIM_W[-k], null, null);
}


export function fail(w: W, t: Type, why?: string): P {
  const p = mkP(dFail, w, t, null);
  p.msg = why ?? `type mismatch: ${showType(w)} on the wire, ${showType(t)} expected`;
  return p;
}

/** The plan for decoding a value of wire type `w` at expected type `t` (composites compile lazily). */
export function plan(ctx: Ctx, w: W, t: Type): P {
  const wk = w.k;
  const tk = t.k;
  if (wk === -17) return P_EMPTY_WIRE;
  if (tk === -16) return w.sz === 0 ? P_NULL : lazy(ctx, w, t);
  if (tk === -18) return wk === -1 || wk === -16 ? P_OPT_NONE : lazy(ctx, w, t);
  if (isPrim(tk)) {
    if (tk === wk || (tk === -4 && wk === -3)) return PRIM_P[-wk];
    return fail(w, t);
  }
  if (tk === wk) return lazy(ctx, w, t);
  return fail(w, t);
}

function lazy(ctx: Ctx, w: W, t: Type): P {
  let m = ctx.get(w);
  if (m === undefined) {
    m = new Map();
    ctx.set(w, m);
  }
  let p = m.get(t);
  if (p === undefined) {
    p = mkP(dLazy, w, t, ctx);
    m.set(t, p);
  }
  return p;
}

const TYPED: { [k: number]: any } = {
  [-5]: Uint8Array, [-6]: Uint16Array, [-7]: Uint32Array, [-8]: BigUint64Array,
  [-9]: Int8Array, [-10]: Int16Array, [-11]: Int32Array, [-12]: BigInt64Array,
};

export function canDefault(k: number): number {
  return k === -18 ? 2 : k === -1 || k === -16 ? 3 : 0;
}

function compile(p: P): void {
  const w = p.w;
  const t = p.t!;
  const ctx = p.ctx!;
  switch (t.k) {
    case -16:
      p.f = dReserved;
      return;
    case -18: {
      const inner = (t as OptType).t;
      if (w.k === -18) {
        const wi = w.t!;
        const s = plan(ctx, wi, inner);
        p.s = s;
        p.w2 = wi;
        if (s.f === dFail) p.f = dOptOptSkip;
        else if (wi.k === -19 && wi.t!.k === -5 && inner.k === -19 && (inner as VecType).t.k === -5) p.f = dOptBlob;
        else if (PRIM_P.indexOf(s) >= 0) {
          p.f = s.f === dNat ? dOptNat : s.f === dNat64 ? dOptNat64 : s.f === dPrincipal ? dOptPrincipal : dOptPrim;
        } else p.f = dOptOpt;
      } else if (inner.k === -1 || inner.k === -18 || inner.k === -16) {
        p.f = dOptSkip;
      } else {
        const s = plan(ctx, w, inner);
        p.s = s;
        p.f = s.f === dFail ? dOptSkip : dOptWrap;
      }
      return;
    }
    case -19: {
      const te = (t as VecType).t;
      const we = w.t!;
      const ctor = TYPED[te.k];
      if (ctor !== undefined && we.k === te.k) {
        p.ctor = ctor;
        p.f = te.k === -5 ? dBlob : dTyped;
        return;
      }
      p.s = plan(ctx, we, te);
      p.w2 = we;
      p.ctor = ctor ?? null;
      p.f = dVec;
      return;
    }
    case -20: {
      const r = t as RecordType;
      const wids = w.ids!;
      const wts = w.types!;
      const kinds: number[] = [];
      const keys: (string | number | null)[] = [];
      const subs: (P | W | null)[] = [];
      let i = 0;
      let j = 0;
      const wn = wids.length;
      const tn = r.ids.length;
      while (i < wn || j < tn) {
        if (j >= tn || (i < wn && wids[i] < r.ids[j])) {
          // on the wire only: skip (nothing to do for zero-sized values)
          if (wts[i].sz !== 0) {
            kinds.push(1);
            keys.push(null);
            subs.push(wts[i]);
          }
          i++;
        } else if (i >= wn || r.ids[j] < wids[i]) {
          const d = canDefault(r.types[j].k);
          if (d === 0) {
            p.msg = `record field ${JSON.stringify(r.names[j])} (id ${r.ids[j]}) of type ${showType(r.types[j])} is missing on the wire`;
            p.f = dFail;
            return;
          }
          kinds.push(d);
          keys.push(r.tuple ? j : r.names[j]);
          subs.push(null);
          j++;
        } else {
          kinds.push(0);
          keys.push(r.tuple ? j : r.names[j]);
          subs.push(plan(ctx, wts[i], r.types[j]));
          i++;
          j++;
        }
      }
      p.kinds = kinds;
      p.keys = keys;
      p.subs = subs;
      p.tuple = r.tuple;
      p.f = kinds.every((k) => k === 0) ? dRecordExact : dRecord;
      return;
    }
    case -21: {
      const v = t as VariantType;
      const wids = w.ids!;
      const wts = w.types!;
      const keys: (string | null)[] = [];
      const subs: (P | null)[] = [];
      let j = 0;
      for (let i = 0; i < wids.length; i++) {
        while (j < v.ids.length && v.ids[j] < wids[i]) j++;
        if (j < v.ids.length && v.ids[j] === wids[i]) {
          keys.push(v.names[j]);
          subs.push(plan(ctx, wts[i], v.types[j]));
        } else {
          keys.push(null);
          subs.push(null);
        }
      }
      p.keys = keys;
      p.subs = subs;
      p.f = dVariant;
      return;
    }
    case -22:
    case -23:
      if (isSub(w, t)) p.f = t.k === -22 ? dFunc : dPrincipal;
      else {
        p.msg = `${showType(w)} on the wire is not a subtype of ${showType(t)}`;
        p.f = dFail;
      }
      return;
    default:
      p.msg = `cannot decode at ${showType(t)}`;
      p.f = dFail;
  }
}
