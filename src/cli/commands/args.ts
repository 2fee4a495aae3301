/**
 * A small command-line parser: `emc GROUP COMMAND POSITIONAL… --flag value --switch`.
 * Flags may come anywhere (before or after the command), as `--name value` or `--name=value`;
 * `--` ends flags; `-h` is `--help`. Unknown flags and wrong positional counts are usage errors.
 */
import { badInput, ok, type ClientResult } from '../../client/result';

export interface FlagSpec {
    name: string;
    /** The value's placeholder (`AMOUNT`); absent for a switch. */
    value?: string;
    help: string;
    /** May be given several times (the values are collected in order). */
    multiple?: boolean;
}

export interface ArgSpec {
    name: string;
    help: string;
    optional?: boolean;
    /** The last argument only: takes every remaining positional (at least one unless optional). */
    many?: boolean;
}

export interface Parsed {
    positional: string[];
    flags: Map<string, string[]>;
    switches: Set<string>;
}

/** Splits argv into the command words (leading non-flag tokens up to `depth`), the rest parsed against `flags`. */
export function parseArgs(argv: string[], flags: FlagSpec[]): ClientResult<Parsed> {
    const byName = new Map(flags.map((f) => [f.name, f]));
    const out: Parsed = { positional: [], flags: new Map(), switches: new Set() };
    let onlyPositional = false;
    for (let i = 0; i < argv.length; i++) {
        const tok = argv[i];
        if (onlyPositional || !tok.startsWith('-') || tok === '-' || /^-\d/.test(tok)) {
            out.positional.push(tok);
            continue;
        }
        if (tok === '--') {
            onlyPositional = true;
            continue;
        }
        if (tok === '-h') {
            out.switches.add('help');
            continue;
        }
        if (!tok.startsWith('--')) return badInput(`unknown option '${tok}' (options are --long-names; see --help)`);
        const eq = tok.indexOf('=');
        const name = eq < 0 ? tok.slice(2) : tok.slice(2, eq);
        const spec = byName.get(name);
        if (spec === undefined) return badInput(`unknown option '--${name}' (see --help)`);
        if (spec.value === undefined) {
            if (eq >= 0) return badInput(`--${name} takes no value`);
            out.switches.add(name);
            continue;
        }
        let value: string;
        if (eq >= 0) value = tok.slice(eq + 1);
        else {
            if (i + 1 >= argv.length) return badInput(`--${name} needs a value (${spec.value})`);
            value = argv[++i];
        }
        const prev = out.flags.get(name);
        if (prev !== undefined && spec.multiple !== true) return badInput(`--${name} is given twice`);
        out.flags.set(name, [...(prev ?? []), value]);
    }
    return ok(out);
}

export function flag(p: Parsed, name: string): string | undefined {
    return p.flags.get(name)?.[0];
}

export function flags(p: Parsed, name: string): string[] {
    return p.flags.get(name) ?? [];
}
