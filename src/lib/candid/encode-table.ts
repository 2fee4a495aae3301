/**
 * The encoder's type table, laid out as @dfinity/candid 3.4.3 does: children first, structurally
 * equal types share one entry (keyed by `keyOf`; recursive types by identity), a recursive type
 * reserves its slot before its body so that the body can refer to itself. So the header bytes
 * are identical to `IDL.encode`'s. Built once per `types` array (encode.ts caches the header).
 * No storage (structural keys are memoised per descriptor in memory); cost linear in the size of
 * the types' descriptors.
 */
import { CandidError } from './error';
import { isPrimitiveOp, type FuncType, type OptType, type RecordType, type ServiceType, type Type, type VecType } from './types';

const keys = new WeakMap<Type, string>();

/** Structural key: equal keys share one table entry. Recursive types are keyed by identity. */
function keyOf(t: Type): string {
  if (isPrimitiveOp(t.k)) return String(t.k);
  let k = keys.get(t);
  if (k !== undefined) return k;
  const r = (t as RecordType).r;
  if (r !== undefined) k = 'μ' + r;
  else {
    switch (t.k) {
      case -18: k = 'opt ' + keyOf((t as OptType).t); break;
      case -19: k = 'vec ' + keyOf((t as VecType).t); break;
      case -20:
      case -21: {
        const x = t as RecordType;
        k = (t.k === -20 ? 'record {' : 'variant {') + x.ids.map((id, i) => id + ':' + keyOf(x.types[i])).join(';') + '}';
        break;
      }
      case -22: {
        const f = t as FuncType;
        k = 'func (' + f.args.map(keyOf).join(',') + ') -> (' + f.rets.map(keyOf).join(',') + ') ' + f.ann.join(' ');
        break;
      }
      case -23: {
        const s = t as ServiceType;
        k = 'service {' + s.names.map((n, i) => JSON.stringify(n) + ':' + keyOf(s.types[i])).join(';') + '}';
        break;
      }
      default:
        throw new CandidError(`encode: unknown type opcode ${t.k}`);
    }
  }
  keys.set(t, k);
  return k;
}

export function pushU(a: number[], n: number): void {
  while (n >= 128) {
    a.push((n & 127) | 128);
    n = Math.floor(n / 128);
  }
  a.push(n);
}

function pushS(a: number[], n: number): void {
  for (;;) {
    const b = n & 127;
    n = Math.floor(n / 128);
    if ((n === 0 && (b & 64) === 0) || (n === -1 && (b & 64) !== 0)) {
      a.push(b);
      return;
    }
    a.push(b | 128);
  }
}

function utf8(s: string): number[] {
  const a: number[] = [];
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (c < 0x80) a.push(c);
    else if (c < 0x800) a.push(0xc0 | (c >> 6), 0x80 | (c & 63));
    else if (c < 0x10000) {
      const d = c >= 0xd800 && c <= 0xdfff ? 0xfffd : c;
      a.push(0xe0 | (d >> 12), 0x80 | ((d >> 6) & 63), 0x80 | (d & 63));
    } else a.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
  }
  return a;
}

export class Table {
  entries: (number[] | null)[] = [];
  index = new Map<string, number>();

  add(t: Type): void {
    if (isPrimitiveOp(t.k)) return;
    const key = keyOf(t);
    if (this.index.has(key)) return;
    if ((t as RecordType).r !== undefined) {
      // recursive: reserve the slot first so that the body can refer to itself
      const i = this.entries.length;
      this.entries.push(null);
      this.index.set(key, i);
      this.addChildren(t);
      this.entries[i] = this.bytes(t);
      return;
    }
    this.addChildren(t);
    this.entries.push(this.bytes(t));
    this.index.set(key, this.entries.length - 1);
  }

  private addChildren(t: Type): void {
    switch (t.k) {
      case -18:
      case -19: this.add((t as OptType).t); break;
      case -20:
      case -21: (t as RecordType).types.forEach((c) => this.add(c)); break;
      case -22: (t as FuncType).args.forEach((c) => this.add(c)); (t as FuncType).rets.forEach((c) => this.add(c)); break;
      case -23: (t as ServiceType).types.forEach((c) => this.add(c)); break;
    }
  }

  ref(a: number[], t: Type): void {
    if (isPrimitiveOp(t.k)) pushS(a, t.k);
    else pushS(a, this.index.get(keyOf(t))!);
  }

  private bytes(t: Type): number[] {
    const a: number[] = [];
    pushS(a, t.k);
    switch (t.k) {
      case -18:
      case -19: this.ref(a, (t as OptType).t); break;
      case -20:
      case -21: {
        const x = t as RecordType;
        pushU(a, x.ids.length);
        x.ids.forEach((id, i) => { pushU(a, id); this.ref(a, x.types[i]); });
        break;
      }
      case -22: {
        const f = t as FuncType;
        pushU(a, f.args.length);
        f.args.forEach((c) => this.ref(a, c));
        pushU(a, f.rets.length);
        f.rets.forEach((c) => this.ref(a, c));
        pushU(a, f.ann.length);
        f.ann.forEach((c) => a.push(c));
        break;
      }
      case -23: {
        const s = t as ServiceType;
        pushU(a, s.names.length);
        s.names.forEach((n, i) => { const b = utf8(n); pushU(a, b.length); a.push(...b); this.ref(a, s.types[i]); });
        break;
      }
    }
    return a;
  }
}
