/**
 * The largest Candid message a method's arguments can be: the type table an encoder writes for
 * the argument types — one entry per composite type node, no entry shared (the most any encoder
 * needs; agent-js and ours share, so write less) — plus the largest value of each argument, under
 * an explicit bound on every text, blob and vector. `canister_inspect_message` compares an
 * argument's length with this figure, so an oversize argument is refused before it is decoded.
 *
 * Bounds are given per path: a record field's path is its name, nested fields are joined with
 * '.', a vector's elements add '[]' ('payments[].to.subaccount'); a method's (single) argument is
 * the empty path. A bound is looked up by its full path, then by the field's own name (so
 * 'subaccount' bounds every subaccount). Text bounds are in UTF-8 bytes, blob bounds in bytes,
 * vector bounds in elements. A text, blob or vector without a bound is an error: every length is
 * a decision, written down next to the method table. nat/int take MAX_INT_BYTES, principals 31.
 *
 * Cost: a walk of the type tree, done once (at module load or in init).
 */
import { MAX_INT_BYTES } from './limits';
import { showType, type RecordType, type Type, type VariantType } from './types';

export type SizeBounds = Readonly<Record<string, number>>;

const FIXED: Record<number, number> = { [-1]: 0, [-2]: 1, [-5]: 1, [-6]: 2, [-7]: 4, [-8]: 8, [-9]: 1, [-10]: 2, [-11]: 4, [-12]: 8, [-13]: 4, [-14]: 8, [-16]: 0, [-17]: 0 };

/** Bytes of `n` in unsigned LEB128. */
export function lebLength(n: number): number {
    let len = 1;
    while (n >= 128) {
        n = Math.floor(n / 128);
        len++;
    }
    return len;
}

/** Bytes of `n` in signed LEB128. */
function slebLength(n: number): number {
    let len = 1;
    while (n >= 64 || n < -64) {
        n = Math.floor(n / 128);
        len++;
    }
    return len;
}

function bound(bounds: SizeBounds, path: string, t: Type): number {
    let b = bounds[path];
    if (b === undefined) {
        const name = path.slice(path.lastIndexOf('.') + 1);
        if (name !== path && !name.endsWith('[]')) b = bounds[name];
    }
    if (b === undefined || !Number.isInteger(b) || b < 0) throw new Error(`no length bound for ${path === '' ? 'the argument' : `'${path}'`} (${showType(t)})`);
    return b;
}

const join = (path: string, name: string): string => (path === '' ? name : `${path}.${name}`);

/** The largest encoding of a value of `t` at `path`. */
function maxValue(t: Type, path: string, bounds: SizeBounds): number {
    const fixed = FIXED[t.k];
    if (fixed !== undefined) return fixed;
    const d = t as any;
    if (d.r !== undefined) throw new Error(`'${path}' has a recursive type: no largest value`);
    switch (t.k) {
        case -3:
        case -4:
            return MAX_INT_BYTES;
        case -15:
        case -24: {
            if (t.k === -24) return 31;
            const b = bound(bounds, path, t);
            return lebLength(b) + b;
        }
        case -18:
            return 1 + maxValue(d.t, path, bounds);
        case -19: {
            const n = bound(bounds, path, t);
            if (d.t.k === -5) return lebLength(n) + n;
            return lebLength(n) + n * maxValue(d.t, `${path}[]`, bounds);
        }
        case -20: {
            const r = t as RecordType;
            let sum = 0;
            for (let i = 0; i < r.types.length; i++) sum += maxValue(r.types[i], join(path, r.tuple ? String(i) : r.names[i]), bounds);
            return sum;
        }
        case -21: {
            const v = t as VariantType;
            let max = 0;
            for (let i = 0; i < v.types.length; i++) max = Math.max(max, maxValue(v.types[i], join(path, v.names[i]), bounds));
            return lebLength(Math.max(0, v.types.length - 1)) + max;
        }
        default:
            throw new Error(`'${path}': no largest encoding for ${showType(t)}`);
    }
}

/** Composite nodes of the tree (each one table entry when nothing is shared). */
function entries(t: Type): number {
    const d = t as any;
    switch (t.k) {
        case -18:
        case -19:
            return 1 + entries(d.t);
        case -20:
        case -21:
            return 1 + (d.types as Type[]).reduce((s, x) => s + entries(x), 0);
        default:
            return 0;
    }
}

/** Bytes of the table entries of the tree, with type references `ref` bytes wide. */
function tableBytes(t: Type, ref: number): number {
    const d = t as any;
    switch (t.k) {
        case -18:
        case -19:
            return 1 + ref + tableBytes(d.t, ref);
        case -20:
        case -21: {
            const ids: number[] = d.ids;
            let sum = 1 + lebLength(ids.length);
            for (let i = 0; i < ids.length; i++) sum += lebLength(ids[i]) + ref + tableBytes(d.types[i], ref);
            return sum;
        }
        default:
            return 0;
    }
}

/** The largest message (magic, type table and values) of arguments `types` under `bounds`. */
export function maxArgBytes(types: readonly Type[], bounds: SizeBounds): number {
    const n = types.reduce((s, t) => s + entries(t), 0);
    const ref = Math.max(1, slebLength(n - 1));
    let size = 4 + lebLength(n) + lebLength(types.length);
    for (const t of types) size += ref + tableBytes(t, ref) + maxValue(t, '', bounds);
    return size;
}
