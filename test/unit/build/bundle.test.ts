/**
 * What the canister build changes (scripts/build-canister.ts, canisters/common/candid-sig.ts), in
 * Node, without building a canister:
 *  - the text-encoding polyfill bundled without its legacy tables still encodes and decodes UTF-8
 *    exactly as Node does (strict and lenient decoding, BOM, lone surrogates), and a legacy
 *    encoding fails with the polyfill's own error instead of decoding wrongly;
 *  - the edit is exact: it removes the one statement, and refuses a polyfill that changed;
 *  - the decorators' signatures: IDL types only while the .did is written, none otherwise, and
 *    the IDL types then are those of the interface tables.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { IDL } from 'azle';
import fc from 'fast-check';
import { candidType, methodSig, writingCandid } from '../../../canisters/common/candid-sig';
import type { MethodSig } from '../../../src/lib/candid/service';
import { toIdl } from '../../../src/lib/candid/to-idl';
import { LEDGER_METHODS } from '../../../src/ledger/api/interface';
import { PROTOCOL_METHODS } from '../../../src/protocol/api/interface';
import { noEncodingIndexes, withoutEncodingIndexes } from '../../../scripts/build-canister';

const POLYFILL = join(__dirname, '..', '..', '..', 'node_modules', '@sinonjs', 'text-encoding');

type Codec = { TextEncoder: typeof TextEncoder; TextDecoder: typeof TextDecoder };

/** The polyfill bundled as the canisters bundle it, evaluated in a fresh context. */
async function bundledPolyfill(plugins = [noEncodingIndexes]): Promise<{ codec: Codec; bytes: number }> {
    const out = await build({
        stdin: { contents: `export { TextEncoder, TextDecoder } from '@sinonjs/text-encoding';`, resolveDir: __dirname },
        bundle: true,
        write: false,
        format: 'cjs',
        // strict, as the canisters' ES module bundle is: the polyfill then keeps its state in an
        // object of its own instead of the global object (`this || {}`)
        banner: { js: '"use strict";' },
        minify: true,
        logLevel: 'silent',
        plugins,
    });
    // evaluated in this realm (its typed arrays are ours), with a module object of its own
    const module = { exports: {} as Partial<Codec> };
    new Function('module', 'exports', out.outputFiles[0].text)(module, module.exports);
    if (module.exports.TextDecoder === undefined || module.exports.TextEncoder === undefined) throw new Error('the bundle did not run');
    return { codec: module.exports as Codec, bytes: out.outputFiles[0].contents.length };
}

describe('the text-encoding polyfill without its legacy tables', () => {
    let codec: Codec;
    let bytes: number;
    beforeAll(async () => {
        ({ codec, bytes } = await bundledPolyfill());
    });

    it('is a small fraction of the full polyfill', async () => {
        const full = await bundledPolyfill([]);
        expect(full.bytes).toBeGreaterThan(500_000);
        expect(bytes).toBeLessThan(30_000);
    });

    it('encodes and decodes UTF-8 exactly as Node does', () => {
        fc.assert(
            fc.property(fc.string({ unit: 'binary' }), (s) => {
                const ours = new codec.TextEncoder().encode(s);
                expect(Buffer.from(ours).equals(Buffer.from(new TextEncoder().encode(s)))).toBe(true);
                expect(new codec.TextDecoder().decode(ours)).toBe(new TextDecoder().decode(ours));
            }),
            { numRuns: 300 },
        );
        fc.assert(
            fc.property(fc.uint8Array({ maxLength: 64 }), (b) => {
                expect(new codec.TextDecoder('utf-8').decode(b)).toBe(new TextDecoder('utf-8').decode(b));
                const strict = (D: typeof TextDecoder): string => {
                    try {
                        return `ok:${new D('utf-8', { fatal: true }).decode(b)}`;
                    } catch {
                        return 'refused';
                    }
                };
                expect(strict(codec.TextDecoder)).toBe(strict(TextDecoder));
            }),
            { numRuns: 300 },
        );
        const bom = Uint8Array.of(0xef, 0xbb, 0xbf, 0x61);
        expect(new codec.TextDecoder().decode(bom)).toBe('a');
        expect(new codec.TextDecoder('utf-8', { ignoreBOM: true }).decode(bom)).toBe('\ufeffa');
    });

    it('refuses legacy encodings with the polyfill’s own errors', () => {
        expect(() => new codec.TextDecoder('windows-1252')).toThrow(/Decoder not present/);
        expect(() => new codec.TextDecoder('shift_jis').decode(Uint8Array.of(0x82, 0xa0))).toThrow(/Indexes missing/);
        expect(() => new codec.TextDecoder('gb18030').decode(Uint8Array.of(0x81, 0x40))).toThrow(/Indexes missing/);
    });

    it('removes exactly the statement that loads the tables, and refuses a changed polyfill', () => {
        const source = readFileSync(join(POLYFILL, 'lib', 'encoding.js'), 'utf8');
        const edited = withoutEncodingIndexes(source);
        expect(source).toContain('require("./encoding-indexes.js")');
        expect(edited).not.toContain('require("./encoding-indexes.js")');
        // nothing else changed: the rest of the file, line for line, around the removed statement
        const removed = source.length - edited.length;
        expect(removed).toBeGreaterThan(100);
        expect(removed).toBeLessThan(250);
        expect(edited.split('\n').length).toBe(source.split('\n').length - 4);
        expect(() => withoutEncodingIndexes(source.replace('require("./encoding-indexes.js")', 'require("./indexes.js")'))).toThrow(/changed/);
        expect(() => withoutEncodingIndexes(source + source)).toThrow(/changed/);
    });
});

describe('the decorators’ Candid signatures (canisters/common/candid-sig.ts)', () => {
    const tables: Record<string, Record<string, MethodSig>> = { ledger: LEDGER_METHODS, protocol: PROTOCOL_METHODS };
    const g = globalThis as { _azleNodejsWasmEnvironment?: boolean };
    afterEach(() => {
        delete g._azleNodejsWasmEnvironment;
    });

    it('on a replica (and anywhere else): no IDL types, manual mode', () => {
        for (const env of [undefined, false]) {
            g._azleNodejsWasmEnvironment = env;
            expect(writingCandid()).toBe(false);
            for (const methods of Object.values(tables)) {
                for (const m of Object.values(methods)) expect(methodSig(m)).toEqual([[], undefined, { manual: true }]);
            }
            expect(candidType(LEDGER_METHODS.icrc1_transfer.args[0])).toBe(IDL.Reserved);
        }
    });

    it('while azle build writes the .did: the IDL types of the interface tables, manual mode', () => {
        g._azleNodejsWasmEnvironment = true;
        expect(writingCandid()).toBe(true);
        for (const methods of Object.values(tables)) {
            for (const m of Object.values(methods)) {
                const [args, ret, options] = methodSig(m);
                expect(options).toEqual({ manual: true });
                const shown = IDL.Func(args as never, ret === undefined ? [] : [ret], m.query ? ['query'] : []).display();
                const expected = IDL.Func(
                    m.args.map((t) => toIdl(IDL as never, t)) as never,
                    [toIdl(IDL as never, m.ret)],
                    m.query ? ['query'] : [],
                ).display();
                expect(renumbered(shown)).toBe(renumbered(expected));
            }
        }
    });
});

/** A type's display with its recursion variables numbered by first appearance (IDL numbers them globally). */
function renumbered(shown: string): string {
    const seen = new Map<string, number>();
    return shown.replace(/rec_\d+/g, (r) => {
        if (!seen.has(r)) seen.set(r, seen.size);
        return `rec#${seen.get(r)}`;
    });
}
