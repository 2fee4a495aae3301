/**
 * Converts our Candid descriptors into `@dfinity/candid` IDL types. Canisters need them only for
 * Azle's decorators (which generate the .did file); clients use them for agent-js Actors. The IDL
 * object is passed in, so this module does not depend on a particular copy of @dfinity/candid.
 */
import type { FuncType, OptType, RecordType, ServiceType, Type, VariantType, VecType } from './types';

/** The subset of `@dfinity/candid`'s IDL namespace used here. */
export interface IdlLike {
    Null: unknown; Bool: unknown; Nat: unknown; Int: unknown; Nat8: unknown; Nat16: unknown; Nat32: unknown; Nat64: unknown;
    Int8: unknown; Int16: unknown; Int32: unknown; Int64: unknown; Float32: unknown; Float64: unknown; Text: unknown;
    Reserved: unknown; Empty: unknown; Principal: unknown;
    Opt(t: any): any; Vec(t: any): any; Record(f: Record<string, any>): any; Tuple(...t: any[]): any; Variant(f: Record<string, any>): any;
    Func(args: any[], rets: any[], ann: string[]): any; Service(m: Record<string, any>): any; Rec(): any;
}

const ANNOTATION_NAMES: Record<number, string> = { 1: 'query', 2: 'oneway', 3: 'composite_query' };

export function toIdl(IDL: IdlLike, t: Type, seen: Map<Type, any> = new Map()): any {
    const known = seen.get(t);
    if (known !== undefined) return known;
    const prim: Record<number, unknown> = {
        [-1]: IDL.Null, [-2]: IDL.Bool, [-3]: IDL.Nat, [-4]: IDL.Int, [-5]: IDL.Nat8, [-6]: IDL.Nat16, [-7]: IDL.Nat32, [-8]: IDL.Nat64,
        [-9]: IDL.Int8, [-10]: IDL.Int16, [-11]: IDL.Int32, [-12]: IDL.Int64, [-13]: IDL.Float32, [-14]: IDL.Float64, [-15]: IDL.Text,
        [-16]: IDL.Reserved, [-17]: IDL.Empty, [-24]: IDL.Principal,
    };
    if (prim[t.k] !== undefined) return prim[t.k];
    const recursive = (t as { r?: number }).r !== undefined;
    const placeholder = recursive ? IDL.Rec() : undefined;
    if (placeholder !== undefined) seen.set(t, placeholder);
    const body = build(IDL, t, seen);
    if (placeholder !== undefined) {
        placeholder.fill(body);
        return placeholder;
    }
    seen.set(t, body);
    return body;
}

function build(IDL: IdlLike, t: Type, seen: Map<Type, any>): any {
    switch (t.k) {
        case -18:
            return IDL.Opt(toIdl(IDL, (t as OptType).t, seen));
        case -19:
            return IDL.Vec(toIdl(IDL, (t as VecType).t, seen));
        case -20: {
            const r = t as RecordType;
            if (r.tuple) return IDL.Tuple(...r.types.map((x) => toIdl(IDL, x, seen)));
            return IDL.Record(Object.fromEntries(r.names.map((n, i) => [n, toIdl(IDL, r.types[i], seen)])));
        }
        case -21: {
            const v = t as VariantType;
            return IDL.Variant(Object.fromEntries(v.names.map((n, i) => [n, toIdl(IDL, v.types[i], seen)])));
        }
        case -22: {
            const f = t as FuncType;
            return IDL.Func(
                f.args.map((x) => toIdl(IDL, x, seen)),
                f.rets.map((x) => toIdl(IDL, x, seen)),
                f.ann.map((a) => ANNOTATION_NAMES[a]),
            );
        }
        case -23: {
            const s = t as ServiceType;
            return IDL.Service(Object.fromEntries(s.names.map((n, i) => [n, toIdl(IDL, s.types[i], seen)])));
        }
        default:
            throw new Error(`toIdl: unsupported type code ${t.k}`);
    }
}
