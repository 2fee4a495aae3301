/**
 * A small Candid interface (.did) parser: named types, the service with its methods and init
 * arguments, turned into agent-js IDL types, so that a test can build an Actor straight from an
 * interface file it keeps (DFINITY's ledger.did) rather than from a generated JavaScript copy.
 *
 * Covers the Candid type grammar: primitives, opt, vec, blob, record (named, numbered and
 * positional fields), variant (tags with and without types), func (with query / oneway /
 * composite_query), service, named and recursive types, `//` and `/* *\/` comments. A named type
 * becomes an IDL.Rec only when it is recursive, so the result has the shape a generated idlFactory
 * has. `import` is not supported (the files kept here are self-contained).
 */

type Tok = { k: 'id' | 'str' | 'num' | 'sym'; v: string; at: number };

type Ast =
    | { t: 'ref'; name: string }
    | { t: 'prim'; name: string }
    | { t: 'opt' | 'vec'; of: Ast }
    | { t: 'record' | 'variant'; fields: { label: string | number; type: Ast }[] }
    | { t: 'func'; args: Ast[]; rets: Ast[]; ann: string[] }
    | { t: 'service'; methods: { name: string; type: Ast }[] };

const PRIMS = new Set([
    'nat', 'nat8', 'nat16', 'nat32', 'nat64', 'int', 'int8', 'int16', 'int32', 'int64',
    'float32', 'float64', 'bool', 'text', 'null', 'reserved', 'empty', 'principal',
]);

export class DidParseError extends Error {}

function tokenize(src: string): Tok[] {
    const out: Tok[] = [];
    let i = 0;
    while (i < src.length) {
        const c = src[i];
        if (/\s/.test(c)) {
            i++;
        } else if (src.startsWith('//', i)) {
            while (i < src.length && src[i] !== '\n') i++;
        } else if (src.startsWith('/*', i)) {
            const end = src.indexOf('*/', i + 2);
            if (end < 0) throw new DidParseError(`unterminated comment at ${i}`);
            i = end + 2;
        } else if (src.startsWith('->', i)) {
            out.push({ k: 'sym', v: '->', at: i });
            i += 2;
        } else if ('=;:{}(),'.includes(c)) {
            out.push({ k: 'sym', v: c, at: i });
            i++;
        } else if (c === '"') {
            let s = '';
            i++;
            while (i < src.length && src[i] !== '"') {
                if (src[i] === '\\') {
                    const e = src[i + 1];
                    if (e === 'n') s += '\n';
                    else if (e === 't') s += '\t';
                    else if (e === 'r') s += '\r';
                    else if (e === '"' || e === '\\' || e === "'") s += e;
                    else throw new DidParseError(`unsupported escape \\${e} at ${i}`);
                    i += 2;
                } else s += src[i++];
            }
            if (src[i] !== '"') throw new DidParseError('unterminated string');
            i++;
            out.push({ k: 'str', v: s, at: i });
        } else if (/[0-9]/.test(c)) {
            const m = /^[0-9_]+/.exec(src.slice(i)) as RegExpExecArray;
            out.push({ k: 'num', v: m[0].replace(/_/g, ''), at: i });
            i += m[0].length;
        } else if (/[A-Za-z_]/.test(c)) {
            const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i)) as RegExpExecArray;
            out.push({ k: 'id', v: m[0], at: i });
            i += m[0].length;
        } else {
            throw new DidParseError(`unexpected character ${JSON.stringify(c)} at ${i}`);
        }
    }
    return out;
}

class Parser {
    private p = 0;
    constructor(private readonly toks: Tok[]) {}

    private peek(o = 0): Tok | undefined {
        return this.toks[this.p + o];
    }
    private next(): Tok {
        const t = this.toks[this.p++];
        if (t === undefined) throw new DidParseError('unexpected end of input');
        return t;
    }
    private isSym(v: string, o = 0): boolean {
        const t = this.peek(o);
        return t !== undefined && t.k === 'sym' && t.v === v;
    }
    private expect(v: string): void {
        const t = this.next();
        if (t.v !== v || (t.k !== 'sym' && t.k !== 'id')) throw new DidParseError(`expected ${v} at ${t.at}, got ${t.v}`);
    }
    private name(): string {
        const t = this.next();
        if (t.k !== 'id' && t.k !== 'str') throw new DidParseError(`expected a name at ${t.at}, got ${t.v}`);
        return t.v;
    }

    file(): { types: Map<string, Ast>; init: Ast[]; service: Ast } {
        const types = new Map<string, Ast>();
        let service: Ast | undefined;
        let init: Ast[] = [];
        while (this.peek() !== undefined) {
            const t = this.next();
            if (t.k === 'id' && t.v === 'type') {
                const n = this.name();
                this.expect('=');
                types.set(n, this.datatype());
                this.expect(';');
            } else if (t.k === 'id' && t.v === 'service') {
                if (this.peek()?.k === 'id') this.next();
                this.expect(':');
                if (this.isSym('(')) {
                    init = this.tuple();
                    this.expect('->');
                }
                service = this.isSym('{') ? { t: 'service', methods: this.methods() } : { t: 'ref', name: this.name() };
                if (this.isSym(';')) this.next();
            } else if (t.k === 'id' && t.v === 'import') {
                throw new DidParseError('import is not supported');
            } else {
                throw new DidParseError(`unexpected ${t.v} at ${t.at}`);
            }
        }
        if (service === undefined) throw new DidParseError('no service');
        return { types, init, service };
    }

    private methods(): { name: string; type: Ast }[] {
        this.expect('{');
        const out: { name: string; type: Ast }[] = [];
        while (!this.isSym('}')) {
            const n = this.name();
            this.expect(':');
            out.push({ name: n, type: this.isSym('(') ? this.functype() : { t: 'ref', name: this.name() } });
            if (this.isSym(';')) this.next();
        }
        this.expect('}');
        return out;
    }

    private tuple(): Ast[] {
        this.expect('(');
        const out: Ast[] = [];
        while (!this.isSym(')')) {
            // an argument may be named: `name : type`
            if ((this.peek()?.k === 'id' || this.peek()?.k === 'str') && this.isSym(':', 1)) {
                this.next();
                this.next();
            }
            out.push(this.datatype());
            if (this.isSym(',')) this.next();
        }
        this.expect(')');
        return out;
    }

    private functype(): Ast {
        const args = this.tuple();
        this.expect('->');
        const rets = this.tuple();
        const ann: string[] = [];
        while (this.peek()?.k === 'id' && ['query', 'oneway', 'composite_query'].includes((this.peek() as Tok).v)) ann.push(this.next().v);
        return { t: 'func', args, rets, ann };
    }

    private fields(kind: 'record' | 'variant'): { label: string | number; type: Ast }[] {
        this.expect('{');
        const out: { label: string | number; type: Ast }[] = [];
        let position = 0;
        while (!this.isSym('}')) {
            const t = this.peek() as Tok;
            if ((t.k === 'id' || t.k === 'str' || t.k === 'num') && this.isSym(':', 1)) {
                this.next();
                this.next();
                out.push({ label: t.k === 'num' ? Number(t.v) : t.v, type: this.datatype() });
            } else if (kind === 'variant') {
                const l = this.next();
                out.push({ label: l.k === 'num' ? Number(l.v) : l.v, type: { t: 'prim', name: 'null' } });
            } else {
                out.push({ label: position++, type: this.datatype() });
            }
            if (this.isSym(';')) this.next();
        }
        this.expect('}');
        return out;
    }

    private datatype(): Ast {
        const t = this.next();
        if (t.k !== 'id') throw new DidParseError(`expected a type at ${t.at}, got ${t.v}`);
        switch (t.v) {
            case 'opt':
            case 'vec':
                return { t: t.v, of: this.datatype() };
            case 'blob':
                return { t: 'vec', of: { t: 'prim', name: 'nat8' } };
            case 'record':
            case 'variant':
                return { t: t.v, fields: this.fields(t.v) };
            case 'func':
                return this.functype();
            case 'service':
                return { t: 'service', methods: this.methods() };
            default:
                return PRIMS.has(t.v) ? { t: 'prim', name: t.v } : { t: 'ref', name: t.v };
        }
    }
}

/**
 * The named types that become IDL.Rec: walking the types depth-first in file order, each type a
 * cycle leads back to (a type still being walked). This is how a generated idlFactory places its
 * IDL.Rec (e.g. `Value` recursive through `Map`: only `Value` is a Rec).
 */
function recursiveNames(types: Map<string, Ast>): Set<string> {
    const out = new Set<string>();
    const done = new Set<string>();
    const walking = new Set<string>();
    const visit = (a: Ast): void => {
        switch (a.t) {
            case 'ref':
                if (walking.has(a.name)) out.add(a.name);
                else if (!done.has(a.name) && types.has(a.name)) {
                    walking.add(a.name);
                    visit(types.get(a.name) as Ast);
                    walking.delete(a.name);
                    done.add(a.name);
                }
                break;
            case 'opt':
            case 'vec':
                visit(a.of);
                break;
            case 'record':
            case 'variant':
                a.fields.forEach((f) => visit(f.type));
                break;
            case 'func':
                [...a.args, ...a.rets].forEach(visit);
                break;
            case 'service':
                a.methods.forEach((m) => visit(m.type));
                break;
        }
    };
    for (const name of types.keys()) visit({ t: 'ref', name });
    return out;
}

export interface ParsedDid {
    /** An agent-js idlFactory for the service. */
    idlFactory: ({ IDL }: { IDL: any }) => any;
    /** The init (install) argument types. */
    init: ({ IDL }: { IDL: any }) => any[];
    /** Method names in file order. */
    methods: string[];
}

export function parseDid(source: string): ParsedDid {
    const { types, init, service } = new Parser(tokenize(source)).file();
    const recursive = recursiveNames(types);
    const build = (IDL: any) => {
        const recs = new Map<string, any>();
        const memo = new Map<string, any>();
        for (const n of recursive) recs.set(n, IDL.Rec());
        const prim = (n: string): any => {
            const table: Record<string, any> = {
                nat: IDL.Nat, nat8: IDL.Nat8, nat16: IDL.Nat16, nat32: IDL.Nat32, nat64: IDL.Nat64,
                int: IDL.Int, int8: IDL.Int8, int16: IDL.Int16, int32: IDL.Int32, int64: IDL.Int64,
                float32: IDL.Float32, float64: IDL.Float64, bool: IDL.Bool, text: IDL.Text, null: IDL.Null,
                reserved: IDL.Reserved, empty: IDL.Empty, principal: IDL.Principal,
            };
            return table[n];
        };
        const ref = (n: string): any => {
            const r = recs.get(n);
            if (r !== undefined) return r;
            const m = memo.get(n);
            if (m !== undefined) return m;
            const a = types.get(n);
            if (a === undefined) throw new DidParseError(`unknown type ${n}`);
            const t = conv(a);
            memo.set(n, t);
            return t;
        };
        const fieldName = (l: string | number): string => (typeof l === 'number' ? `_${l}_` : l);
        const conv = (a: Ast): any => {
            switch (a.t) {
                case 'ref':
                    return ref(a.name);
                case 'prim':
                    return prim(a.name);
                case 'opt':
                    return IDL.Opt(conv(a.of));
                case 'vec':
                    return IDL.Vec(conv(a.of));
                case 'record': {
                    const positional = a.fields.length > 0 && a.fields.every((f, i) => f.label === i);
                    if (positional) return IDL.Tuple(...a.fields.map((f) => conv(f.type)));
                    return IDL.Record(Object.fromEntries(a.fields.map((f) => [fieldName(f.label), conv(f.type)])));
                }
                case 'variant':
                    return IDL.Variant(Object.fromEntries(a.fields.map((f) => [fieldName(f.label), conv(f.type)])));
                case 'func':
                    return IDL.Func(a.args.map(conv), a.rets.map(conv), a.ann);
                case 'service':
                    return IDL.Service(Object.fromEntries(a.methods.map((m) => [m.name, conv(m.type)])));
            }
        };
        for (const n of recursive) recs.get(n).fill(conv(types.get(n) as Ast));
        return conv;
    };
    const methodsOf = (s: Ast): string[] => {
        if (s.t === 'service') return s.methods.map((m) => m.name);
        if (s.t === 'ref') return methodsOf(types.get(s.name) as Ast);
        throw new DidParseError('the service is not a service type');
    };
    return {
        idlFactory: ({ IDL }) => build(IDL)(service),
        init: ({ IDL }) => {
            const conv = build(IDL);
            return init.map(conv);
        },
        methods: methodsOf(service),
    };
}

/**
 * A canonical rendering of an agent-js IDL type, for comparing two interfaces: record and variant
 * fields sorted, recursion named by depth.
 */
export function canonical(t: any, seen: Map<any, string> = new Map()): string {
    if (seen.has(t)) return seen.get(t) as string;
    const name = t.constructor?.name;
    if (name === 'RecClass') {
        const label = `μ${seen.size}`;
        seen.set(t, label);
        const inner = canonical(t._type, seen);
        seen.delete(t);
        return `${label}.${inner}`;
    }
    if (name === 'OptClass') return `opt ${canonical(t._type, seen)}`;
    if (name === 'VecClass') return `vec ${canonical(t._type, seen)}`;
    if (name === 'RecordClass' || name === 'TupleClass') return `record {${(t._fields as [string, any][]).map(([k, v]) => `${k}:${canonical(v, seen)}`).sort().join('; ')}}`;
    if (name === 'VariantClass') return `variant {${(t._fields as [string, any][]).map(([k, v]) => `${k}:${canonical(v, seen)}`).sort().join('; ')}}`;
    if (name === 'FuncClass') return `func (${t.argTypes.map((x: any) => canonical(x, seen)).join(', ')}) -> (${t.retTypes.map((x: any) => canonical(x, seen)).join(', ')}) ${t.annotations.join(' ')}`;
    return t.display();
}
