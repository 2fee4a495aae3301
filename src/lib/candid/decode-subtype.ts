/**
 * Type-level subtyping, only needed for function and service references (a func or service value
 * decodes when its wire type is a subtype of the expected one). Works on both wire types and type
 * descriptors, which share their field names. Bounded: at most MAX_DEPTH deep and 10,000 steps
 * per check. No storage.
 */
import { CandidError } from './error';
import type { FuncType, ServiceType } from './types';
import { MAX_DEPTH } from './limits';
import { isPrim } from './decode-shapes';

let subSteps = 0;
let subDepth = 0;

export function isSub(a: any, b: any): boolean {
  subSteps = 0;
  subDepth = 0;
  return sub(a, b, new Map());
}

function omittable(t: any): boolean {
  return t.k === -18 || t.k === -1 || t.k === -16;
}

function sub(a: any, b: any, assumed: Map<any, Set<any>>): boolean {
  if (++subDepth > MAX_DEPTH) throw new CandidError('type too deeply nested for a subtype check');
  const r = sub1(a, b, assumed);
  subDepth--;
  return r;
}

function sub1(a: any, b: any, assumed: Map<any, Set<any>>): boolean {
  if (a === b) return true;
  if (++subSteps > 10000) throw new CandidError('type too complex for a subtype check');
  const ak = a.k;
  const bk = b.k;
  if (bk === -16 || ak === -17 || bk === -18) return true;
  if (ak === -3 && bk === -4) return true;
  if (ak !== bk) return false;
  if (isPrim(ak)) return true;
  let s = assumed.get(a);
  if (s === undefined) assumed.set(a, (s = new Set()));
  if (s.has(b)) return true;
  s.add(b);
  switch (ak) {
    case -19:
      return sub(a.t, b.t, assumed);
    case -20:
      for (let j = 0; j < b.ids.length; j++) {
        const i = a.ids.indexOf(b.ids[j]);
        if (i < 0) {
          if (!omittable(b.types[j])) return false;
        } else if (!sub(a.types[i], b.types[j], assumed)) return false;
      }
      return true;
    case -21:
      for (let i = 0; i < a.ids.length; i++) {
        const j = b.ids.indexOf(a.ids[i]);
        if (j < 0 || !sub(a.types[i], b.types[j], assumed)) return false;
      }
      return true;
    case -22: {
      const fa = a as FuncType;
      const fb = b as FuncType;
      const sa = new Set(fa.ann);
      const sb = new Set(fb.ann);
      if (sa.size !== sb.size) return false;
      for (const x of sa) if (!sb.has(x)) return false;
      for (let i = 0; i < fa.args.length; i++) {
        if (i < fb.args.length) {
          if (!sub(fb.args[i], fa.args[i], assumed)) return false;
        } else if (!omittable(fa.args[i])) return false;
      }
      for (let i = 0; i < fb.rets.length; i++) {
        if (i < fa.rets.length) {
          if (!sub(fa.rets[i], fb.rets[i], assumed)) return false;
        } else if (!omittable(fb.rets[i])) return false;
      }
      return true;
    }
    case -23: {
      const sa = a as ServiceType;
      const sb = b as ServiceType;
      for (let j = 0; j < sb.names.length; j++) {
        const i = sa.names.indexOf(sb.names[j]);
        if (i < 0 || !sub(sa.types[i], sb.types[j], assumed)) return false;
      }
      return true;
    }
    default:
      return false;
  }
}
