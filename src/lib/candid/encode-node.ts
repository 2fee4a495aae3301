/**
 * The encoder's node (E): one per type descriptor, holding the handler `f` that writes one value
 * of that type and what the handler needs; plain objects of one shape, so QuickJS keeps their
 * property access cheap. Beside it, the checks handlers share without writing: the CandidError
 * for a value that does not fit its type (`bad`, which names the value and the type) and the range
 * check of fixed-size integers of at most 32 bits. No storage; no cost of its own.
 */
import { CandidError } from './error';
import { showType, type Type } from './types';

export interface E {
  f: (e: E, v: any) => void;
  t: Type;
  c: E | null;
  keys: (string | number)[] | null;
  subs: E[] | null;
  index: { [name: string]: number } | null;
  min: number;
  max: number;
}

export const isArray = Array.isArray;
export const isView = ArrayBuffer.isView;
export const U8 = Uint8Array;

function describe(v: unknown): string {
  if (typeof v === 'bigint') return v < 2n ** 128n && v > -(2n ** 128n) ? `${v}n` : `a ${v.toString(16).replace('-', '').length * 4}-bit integer`;
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? v.slice(0, 40) + '…' : v);
  if (v === null || v === undefined || typeof v !== 'object') return String(v);
  if (v instanceof U8) return `Uint8Array(${v.length})`;
  if (isArray(v)) return `array(${v.length})`;
  const keys = Object.keys(v);
  return `object {${keys.slice(0, 5).join(', ')}${keys.length > 5 ? ', …' : ''}}`;
}

export function bad(e: E, v: unknown, why?: string): CandidError {
  return new CandidError(`cannot encode ${describe(v)} as ${showType(e.t)}${why ? ': ' + why : ''}`);
}

/** A fixed-size integer of at most 32 bits, from a number or a bigint, range-checked. */
export function small(e: E, v: any): number {
  let n: number;
  if (typeof v === 'number') n = v;
  else if (typeof v === 'bigint') n = Number(v);
  else throw bad(e, v);
  if (!(n % 1 === 0 && n >= e.min && n <= e.max)) throw bad(e, v, 'out of range');
  return n;
}

export function node(f: E['f'], t: Type, min = 0, max = 0): E {
  return { f, t, c: null, keys: null, subs: null, index: null, min, max };
}
