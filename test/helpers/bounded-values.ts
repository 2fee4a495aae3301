/**
 * Arguments of a canister method generated from its Candid types, within the length bounds written
 * next to the method tables (src/ledger/interface.ts, src/protocol/interface.ts): random ones (fast-check) and the largest one. They
 * are encoded with @dfinity/candid, as agent-js clients encode them.
 */
import { IDL } from '@dfinity/candid';
import { Principal } from '@dfinity/principal';
import fc from 'fast-check';
import { MAX_INT_BYTES, type Type } from '../../src/lib/candid/candid';
import type { SizeBounds } from '../../src/lib/candid/size';
import { toIdl } from '../../src/lib/candid/to-idl';

type Any = any;

function boundOf(bounds: SizeBounds, path: string): number {
    let b = bounds[path];
    if (b === undefined) {
        const name = path.slice(path.lastIndexOf('.') + 1);
        if (name !== path && !name.endsWith('[]')) b = bounds[name];
    }
    if (b === undefined) throw new Error(`no bound for '${path}'`);
    return b;
}

const join = (path: string, name: string): string => (path === '' ? name : `${path}.${name}`);

/** The largest nat of MAX_INT_BYTES bytes of LEB128, and the int bounds of as many bytes of SLEB128. */
export const NAT_MAX = (1n << BigInt(7 * MAX_INT_BYTES)) - 1n;
export const INT_MAX = (1n << BigInt(7 * MAX_INT_BYTES - 1)) - 1n;
export const INT_MIN = -(1n << BigInt(7 * MAX_INT_BYTES - 1));

const FIXED: Record<number, [number, number]> = { [-5]: [0, 255], [-6]: [0, 65535], [-7]: [0, 4294967295], [-9]: [-128, 127], [-10]: [-32768, 32767], [-11]: [-2147483648, 2147483647] };

/** Text of at most `bytes` bytes of UTF-8: ASCII, or any code points. */
function textArb(bytes: number): fc.Arbitrary<string> {
    return fc.oneof(
        fc.string({ unit: 'grapheme-ascii', maxLength: Math.min(bytes, 80) }),
        fc.string({ unit: 'binary', maxLength: Math.floor(bytes / 4) }),
        fc.constant('x'.repeat(bytes)),
    );
}

/** Generators that replace the default one for fields of a given name (e.g. node ids that exist). */
export type FieldPicks = Readonly<Record<string, fc.Arbitrary<unknown>>>;

/**
 * A random value of `t` within `bounds`; vectors hold at most `maxElements` elements (or their
 * bound, if smaller) so that generated messages stay quick to run. `picks` may supply the values
 * of fields by name (they must respect the field's type and bound).
 */
export function boundedArb(t: Type, bounds: SizeBounds, maxElements = 6, path = '', picks: FieldPicks = {}): fc.Arbitrary<unknown> {
    const d = t as Any;
    const field = path.slice(path.lastIndexOf('.') + 1);
    const pick = picks[field];
    if (pick !== undefined && t.k !== -18) return pick;
    switch (t.k) {
        case -1:
        case -16:
            return fc.constant(null);
        case -2:
            return fc.boolean();
        case -3:
            return fc.oneof(fc.bigInt({ min: 0n, max: 300n }), fc.bigInt({ min: 0n, max: 2n ** 64n }), fc.bigInt({ min: 0n, max: NAT_MAX }));
        case -4:
            return fc.oneof(fc.bigInt({ min: -300n, max: 300n }), fc.bigInt({ min: INT_MIN, max: INT_MAX }));
        case -8:
            return fc.bigInt({ min: 0n, max: 2n ** 64n - 1n });
        case -12:
            return fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n });
        case -13:
        case -14:
            return fc.double();
        case -15:
            return textArb(boundOf(bounds, path));
        case -24:
            return fc.uint8Array({ maxLength: 29 }).map((b) => Principal.fromUint8Array(b));
        case -18:
            return fc.option(boundedArb(d.t, bounds, maxElements, path, picks), { nil: undefined }).map((v) => (v === undefined ? [] : [v]));
        case -19: {
            const n = Math.min(boundOf(bounds, path), d.t.k === -5 ? Number.MAX_SAFE_INTEGER : maxElements);
            if (d.t.k === -5) return fc.uint8Array({ maxLength: n });
            return fc.array(boundedArb(d.t, bounds, maxElements, `${path}[]`, picks), { maxLength: n });
        }
        case -20: {
            const parts = (d.types as Type[]).map((x, i) => boundedArb(x, bounds, maxElements, join(path, d.tuple ? String(i) : d.names[i]), picks));
            if (d.tuple) return fc.tuple(...parts);
            return fc.tuple(...parts).map((vs: unknown[]) => Object.fromEntries(d.names.map((n: string, i: number) => [n, vs[i]])));
        }
        case -21:
            return fc.oneof(...(d.names as string[]).map((n, i) => boundedArb(d.types[i], bounds, maxElements, join(path, n), picks).map((v) => ({ [n]: v }))));
        default: {
            const r = FIXED[t.k];
            if (r === undefined) throw new Error(`boundedArb: no values for ${t.k} at '${path}'`);
            return fc.integer({ min: r[0], max: r[1] });
        }
    }
}

/** `bytes` bytes of UTF-8 in as few characters as three-byte characters allow (the most bytes per code unit). */
function longestText(bytes: number): string {
    return '€'.repeat(Math.floor(bytes / 3)) + 'x'.repeat(bytes % 3);
}

/** The value of `t` whose encoding is the longest within `bounds`. */
export function largestValue(t: Type, bounds: SizeBounds, path = ''): unknown {
    const d = t as Any;
    switch (t.k) {
        case -1:
        case -16:
            return null;
        case -2:
            return true;
        case -3:
            return NAT_MAX;
        case -4:
            return INT_MIN;
        case -8:
            return 2n ** 64n - 1n;
        case -12:
            return -(2n ** 63n);
        case -13:
        case -14:
            return 1.5;
        case -15:
            return longestText(boundOf(bounds, path));
        case -24:
            return Principal.fromUint8Array(new Uint8Array(29).fill(7));
        case -18:
            return [largestValue(d.t, bounds, path)];
        case -19: {
            const n = boundOf(bounds, path);
            if (d.t.k === -5) return new Uint8Array(n).fill(255);
            return Array.from({ length: n }, () => largestValue(d.t, bounds, `${path}[]`));
        }
        case -20: {
            const vs = (d.types as Type[]).map((x, i) => largestValue(x, bounds, join(path, d.tuple ? String(i) : d.names[i])));
            return d.tuple ? vs : Object.fromEntries(d.names.map((n: string, i: number) => [n, vs[i]]));
        }
        case -21: {
            let best: unknown;
            let size = -1;
            (d.names as string[]).forEach((n, i) => {
                const v = { [n]: largestValue(d.types[i], bounds, join(path, n)) };
                const len = encodeArgs([t], [v]).length;
                if (len > size) [best, size] = [v, len];
            });
            return best;
        }
        default: {
            const r = FIXED[t.k];
            if (r === undefined) throw new Error(`largestValue: no values for ${t.k} at '${path}'`);
            return r[0] < 0 ? r[0] : r[1];
        }
    }
}

/** Arguments encoded by @dfinity/candid, as an agent-js client sends them. */
export function encodeArgs(types: readonly Type[], values: unknown[]): Uint8Array {
    return new Uint8Array(IDL.encode(types.map((t) => toIdl(IDL as never, t)), values));
}
