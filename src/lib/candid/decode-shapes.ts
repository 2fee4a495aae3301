/**
 * The decoder's two data structures: wire types (W, parsed from the sender's type table, each with
 * its skip handler) and plans (P, a wire type decoded at an expected type, holding the handler
 * that decodes one value). Plain objects of one shape each, so QuickJS keeps their property
 * access cheap. No storage; no cost of its own.
 */
import type { Type } from './types';

export interface W {
  k: number;
  /** skip one value */
  s: (w: W) => void;
  /** fixed byte size when known (0 for null, reserved and records of those), else -1 */
  sz: number;
  /** table index, or -1 for primitives */
  i: number;
  t: W | null;
  ids: number[] | null;
  types: W[] | null;
  args: W[] | null;
  rets: W[] | null;
  ann: number[] | null;
  names: string[] | null;
  /** unresolved references while parsing */
  raw: number[] | null;
  raw2: number[] | null;
}

export function mkW(k: number, s: W['s'], sz: number, i: number): W {
  return { k, s, sz, i, t: null, ids: null, types: null, args: null, rets: null, ann: null, names: null, raw: null, raw2: null };
}

export interface P {
  f: (p: P) => unknown;
  w: W;
  t: Type | null;
  ctx: Ctx | null;
  msg: string;
  /** opt: the plan for the content; vec: the element plan */
  s: P | null;
  /** opt/vec: wire type of the content/element */
  w2: W | null;
  /** record: per step 0 decode, 1 skip, 2 default [], 3 default null; variant: unused */
  kinds: number[] | null;
  keys: (string | number | null)[] | null;
  subs: (P | W | null)[] | null;
  tuple: boolean;
  ctor: any;
  /** the handler wrapped by dDepth */
  g: ((p: P) => unknown) | null;
}

export type Ctx = Map<W, Map<Type, P>>;

export function mkP(f: P['f'], w: W, t: Type | null, ctx: Ctx | null): P {
  return { f, w, t, ctx, msg: '', s: null, w2: null, kinds: null, keys: null, subs: null, tuple: false, ctor: null, g: null };
}

export function isPrim(k: number): boolean {
  return (k <= -1 && k >= -17) || k === -24;
}
