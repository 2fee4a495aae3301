/**
 * The import boundaries of src/ (issue 14), read from the source with TypeScript's own import
 * scanner (static imports and re-exports, `import()`, `require()`):
 *  - src/ never imports outside src/: not tools/ (the embedded replica, the devnet), not test/,
 *    not scripts/, canisters/ or dashboard/ — the product builds and runs without them;
 *  - no circle of imports between the folders of src/ (a folder imports another only if that one
 *    does not import it back, directly or through others), nor between its files;
 *  - what the dashboard bundles from src/ (the SDK's canister classes, types and display helpers,
 *    and what they import) loads no Node built-in.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import * as ts from 'typescript';

const ROOT = resolve(__dirname, '..', '..');
const SRC = join(ROOT, 'src');

function tsFiles(dir: string): string[] {
    return readdirSync(dir).flatMap((n) => {
        const p = join(dir, n);
        return statSync(p).isDirectory() ? tsFiles(p) : p.endsWith('.ts') ? [p] : [];
    });
}

/** Every module specifier a file imports. */
function specifiers(file: string): string[] {
    return ts.preProcessFile(readFileSync(file, 'utf8'), true, true).importedFiles.map((f) => f.fileName);
}

/** A relative specifier → the file it names (`x`, `x.ts`, `x/index.ts`); packages and built-ins → undefined. */
function resolveSpecifier(from: string, spec: string): string | undefined {
    if (!spec.startsWith('.')) return undefined;
    const base = resolve(dirname(from), spec);
    for (const c of [base, `${base}.ts`, join(base, 'index.ts')]) if (existsSync(c) && statSync(c).isFile()) return c;
    return base;
}

const rel = (p: string) => relative(ROOT, p);
const files = tsFiles(SRC);

/** folder → the folders its files import (or, with `byFile`, file → files; paths from the repository root). */
function folderGraph(byFile = false): Map<string, Set<string>> {
    const g = new Map<string, Set<string>>();
    for (const f of files) {
        for (const spec of specifiers(f)) {
            const target = resolveSpecifier(f, spec);
            if (target === undefined) continue;
            const [a, b] = byFile ? [rel(f), rel(target)] : [rel(dirname(f)), rel(dirname(target))];
            if (a === b) continue;
            if (!g.has(a)) g.set(a, new Set());
            g.get(a)?.add(b);
        }
    }
    return g;
}

/** The strongly connected components with more than one folder (Tarjan), each sorted; sorted. */
function cycles(g: Map<string, Set<string>>): string[][] {
    let next = 0;
    const index = new Map<string, number>();
    const low = new Map<string, number>();
    const stack: string[] = [];
    const onStack = new Set<string>();
    const out: string[][] = [];
    const visit = (v: string): void => {
        index.set(v, next);
        low.set(v, next++);
        stack.push(v);
        onStack.add(v);
        for (const w of g.get(v) ?? []) {
            if (!index.has(w)) {
                visit(w);
                low.set(v, Math.min(low.get(v) as number, low.get(w) as number));
            } else if (onStack.has(w)) low.set(v, Math.min(low.get(v) as number, index.get(w) as number));
        }
        if (low.get(v) === index.get(v)) {
            const scc: string[] = [];
            let w: string;
            do {
                w = stack.pop() as string;
                onStack.delete(w);
                scc.push(w);
            } while (w !== v);
            if (scc.length > 1) out.push(scc.sort());
        }
    };
    const nodes = new Set([...g.keys(), ...[...g.values()].flatMap((s) => [...s])]);
    for (const v of [...nodes].sort()) if (!index.has(v)) visit(v);
    return out.sort((x, y) => x.join().localeCompare(y.join()));
}

/**
 * Circles that exist on main and are being taken apart elsewhere (issue 14): the ledger's api/ (api/candid.ts takes its argument types
 * from calls.ts, lifecycle.ts, settings.ts and account.ts; consent.ts and init-arg.ts import api/). Each entry
 * must still be a circle — remove it when it is gone — and no other circle is accepted.
 */
const KNOWN_CYCLES = [
    ['src/ledger', 'src/ledger/api'],
];

/** The same for files (none left). */
const KNOWN_FILE_CYCLES: string[][] = [];

describe('import boundaries of src/', () => {
    it('the scanner sees imports (static, re-exports, require) and resolves them to files', () => {
        const g = folderGraph();
        expect([...(g.get('src/cli') ?? [])]).toContain('src/client');
        expect(specifiers(join(SRC, 'client', 'index.ts'))).toContain('./ledger');
        expect(ts.preProcessFile("const x = require('../../tools/y'); export * from './z'; import('./w');", true, true).importedFiles.map((f) => f.fileName)).toEqual(['../../tools/y', './z', './w']);
    });

    it('src/ never imports tools/, test/ or anything else outside src/', () => {
        const outside: string[] = [];
        for (const f of files) {
            for (const spec of specifiers(f)) {
                const target = resolveSpecifier(f, spec);
                if (target !== undefined && relative(SRC, target).startsWith('..')) outside.push(`${rel(f)} imports ${spec} (${rel(target)})`);
            }
        }
        expect(outside).toEqual([]);
    });

    it('no circle of imports between the folders of src/ (beyond the known ones being taken apart)', () => {
        const found = cycles(folderGraph());
        const key = (c: string[]) => c.join(' ↔ ');
        expect(found.map(key).filter((c) => !KNOWN_CYCLES.map(key).includes(c))).toEqual([]);
        // A known circle that is gone must leave the list (so that it cannot come back unnoticed).
        expect(KNOWN_CYCLES.map(key).filter((c) => !found.map(key).includes(c))).toEqual([]);
        // The tool sees a circle when there is one.
        expect(cycles(new Map([['a', new Set(['b'])], ['b', new Set(['c'])], ['c', new Set(['a'])], ['d', new Set(['a'])]]))).toEqual([['a', 'b', 'c']]);
    });

    it('no circle of imports between the files of src/ (beyond the known one)', () => {
        const key = (c: string[]) => c.join(' ↔ ');
        const found = cycles(folderGraph(true)).map(key);
        expect(found.filter((c) => !KNOWN_FILE_CYCLES.map(key).includes(c))).toEqual([]);
        expect(KNOWN_FILE_CYCLES.map(key).filter((c) => !found.includes(c))).toEqual([]);
    });

    it('what the dashboard bundles from src/ (the SDK’s classes, types, display) loads no Node built-in', () => {
        const dashboard = tsFiles(join(ROOT, 'dashboard', 'src'));
        const entries = dashboard.flatMap((f) => specifiers(f).map((s) => resolveSpecifier(f, s))).filter((t): t is string => t !== undefined && !relative(SRC, t).startsWith('..'));
        expect(entries.map(rel)).toEqual(expect.arrayContaining(['src/client/ledger.ts', 'src/client/protocol.ts']));
        const seen = new Set<string>();
        const builtins: string[] = [];
        const walk = (f: string): void => {
            if (seen.has(f)) return;
            seen.add(f);
            for (const spec of specifiers(f)) {
                if (spec.startsWith('node:') || ['fs', 'path', 'os', 'crypto', 'child_process', 'module'].includes(spec)) builtins.push(`${rel(f)} imports ${spec}`);
                const target = resolveSpecifier(f, spec);
                if (target !== undefined && existsSync(target)) walk(target);
            }
        };
        entries.forEach(walk);
        expect(seen.size).toBeGreaterThan(entries.length);
        expect(builtins).toEqual([]);
    });
});
