/**
 * UTF-8 of Candid text, by hand (Azle's TextDecoder is a JavaScript polyfill): validation (overlong
 * forms, surrogates and code points above U+10FFFF are refused) and conversion to a JS string.
 * Pure functions of a byte range; cost linear in its length.
 */
import { CandidError } from './error';

export const fromCharCode = String.fromCharCode as (...codes: ArrayLike<number> | any) => string;
const CHUNK = 4096;

export function codesToString(a: ArrayLike<number>, n: number): string {
  if (n <= CHUNK) return fromCharCode.apply(null, a as any);
  let s = '';
  for (let i = 0; i < n; i += CHUNK) {
    const part = (a as any).slice(i, Math.min(n, i + CHUNK));
    s += fromCharCode.apply(null, part);
  }
  return s;
}

/** Validates UTF-8 in buf[s, e); returns the UTF-16 code units when `collect`. */
export function utf8(buf: Uint8Array, s: number, e: number, collect: boolean): number[] | null {
  const a: number[] | null = collect ? [] : null;
  let i = s;
  while (i < e) {
    const b = buf[i];
    if (b < 128) {
      if (a) a.push(b);
      i++;
      continue;
    }
    let c: number;
    let need: number;
    let lo = 128;
    let hi = 191;
    if (b >= 0xc2 && b <= 0xdf) { need = 1; c = b & 31; }
    else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      c = b & 15;
      if (b === 0xe0) lo = 0xa0;
      else if (b === 0xed) hi = 0x9f;
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      c = b & 7;
      if (b === 0xf0) lo = 0x90;
      else if (b === 0xf4) hi = 0x8f;
    } else throw new CandidError(`invalid UTF-8 in text (byte 0x${b.toString(16)} at ${i})`);
    if (i + need >= e) throw new CandidError(`invalid UTF-8 in text (truncated sequence at ${i})`);
    for (let j = 1; j <= need; j++) {
      const x = buf[i + j];
      if (x < lo || x > hi) throw new CandidError(`invalid UTF-8 in text (bad continuation at ${i + j})`);
      lo = 128;
      hi = 191;
      c = (c << 6) | (x & 63);
    }
    i += need + 1;
    if (a) {
      if (c < 65536) a.push(c);
      else {
        c -= 65536;
        a.push(0xd800 + (c >> 10), 0xdc00 + (c & 1023));
      }
    }
  }
  return a;
}

const mathMax = Math.max as (...xs: any) => number;

/** True when buf[s, e) is all ASCII: a JS loop for short runs, one native call for longer ones. */
export function ascii(buf: Uint8Array, s: number, e: number): boolean {
  if (e - s <= 8) {
    while (s < e && buf[s] < 128) s++;
    return s === e;
  }
  if (e - s <= CHUNK) return mathMax.apply(null, buf.subarray(s, e) as any) < 128;
  for (let i = s; i < e; i += CHUNK) if (mathMax.apply(null, buf.subarray(i, Math.min(e, i + CHUNK)) as any) >= 128) return false;
  return true;
}
