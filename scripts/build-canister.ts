/**
 * Builds one canister the way `azle build <name>` does (Azle 0.33's own steps: bundle, write the
 * .did from the bundle's decorators, embed the bundle in Azle's Wasm template), with two changes
 * to the bundle, because Azle evaluates the bundle's source text at every init and post_upgrade
 * (QuickJS has no precompiled bytecode there) and that evaluation costs instructions per byte:
 *  - the TextEncoder/TextDecoder polyfill Azle installs (@sinonjs/text-encoding) is bundled
 *    without its ~530 KB of legacy East Asian and single-byte encoding tables. UTF-8 (all that
 *    Candid, Azle and our code use) never reads them; a decoder for a legacy encoding then fails
 *    with the polyfill's own error ("Decoder not present" / "Indexes missing"), exactly as the
 *    polyfill does in a page that does not load its optional encoding-indexes.js;
 *  - the bundle is minified (whitespace, syntax and local names; class members, and so the
 *    canister's method names, are never renamed).
 * The decorators' IDL types are built only while the .did is written (canisters/common/candid-sig.ts).
 *
 * Usage: tsx scripts/build-canister.ts <name> (AZLE_DFX_ROOT and CANISTER_CANDID_PATH set, as
 * scripts/build.ts does). Cost: one esbuild bundle and Azle's Wasm steps, ~7 s per canister.
 */
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

import type { BuildOptions, Plugin } from 'esbuild';

const AZLE = join(__dirname, '..', 'node_modules', 'azle');
const AZLE_BUILD = join(AZLE, 'src', 'stable', 'build');
/** The Azle release whose internal build steps this file drives (checked before building). */
export const AZLE_VERSION = '0.33.0';

/** The polyfill's statement that loads the legacy tables (in Node-style module systems). */
const INDEXES_REQUIRE = `  if (typeof module !== "undefined" && module.exports &&
    !global["encoding-indexes"]) {
    global["encoding-indexes"] =
      require("./encoding-indexes.js")["encoding-indexes"];
  }`;

/** The polyfill's source without the statement that loads its legacy encoding tables. */
export function withoutEncodingIndexes(source: string): string {
    const at = source.indexOf(INDEXES_REQUIRE);
    if (at < 0 || source.indexOf(INDEXES_REQUIRE, at + 1) >= 0) {
        throw new Error('@sinonjs/text-encoding/lib/encoding.js changed: the statement loading encoding-indexes.js was not found exactly once');
    }
    return `${source.slice(0, at)}  // (legacy encoding tables not bundled: scripts/build-canister.ts)${source.slice(at + INDEXES_REQUIRE.length)}`;
}

/** esbuild plugin: the polyfill's encoding.js without the tables. */
export const noEncodingIndexes: Plugin = {
    name: 'emc: no legacy text-encoding tables',
    setup(build) {
        build.onLoad({ filter: /[\\/]@sinonjs[\\/]text-encoding[\\/]lib[\\/]encoding\.js$/ }, async (args) => ({
            contents: withoutEncodingIndexes(await readFile(args.path, 'utf8')),
            loader: 'js',
        }));
        build.onResolve({ filter: /encoding-indexes(\.js)?$/ }, (args) => {
            throw new Error(`${args.importer} still imports the legacy encoding tables`);
        });
    },
};

/** Azle's esbuild options for `main`, with the plugin above and minification. */
export function canisterBundleOptions(azleOptions: BuildOptions): BuildOptions {
    return {
        ...azleOptions,
        minify: true,
        legalComments: 'none',
        plugins: [...(azleOptions.plugins ?? []), noEncodingIndexes],
    };
}

/**
 * What Azle prepends to the canister module (its `getPrelude`, without the optional
 * AZLE_RECORD_BENCHMARKS hook): Azle's globals, then the hook that writes the .did and the method
 * table when the bundle is evaluated at build time.
 */
function prelude(main: string, dfxRoot: string, handleClassApiCanister: (main: string) => string): string {
    return `
        import 'azle/_internal/globals';
        import { getDefaultVisitorData, IDL, idlToString } from 'azle';
        import * as CanisterModule from ${JSON.stringify(join(dfxRoot, main))};
        createGetCandidAndMethodMetaFunction(CanisterModule);
        ${handleClassApiCanister(main)}
    `;
}

async function load<T>(path: string): Promise<T> {
    return (await import(join(AZLE_BUILD, path))) as T;
}

export async function buildOne(name: string): Promise<void> {
    const azlePackage = JSON.parse(await readFile(join(AZLE, 'package.json'), 'utf8')) as { version: string };
    if (azlePackage.version !== AZLE_VERSION) throw new Error(`scripts/build-canister.ts drives Azle ${AZLE_VERSION}'s build steps; found Azle ${azlePackage.version}`);
    const dfxRoot = process.env.AZLE_DFX_ROOT;
    if (dfxRoot === undefined) throw new Error('AZLE_DFX_ROOT is not set');

    const { getCanisterConfig } = await load<{ getCanisterConfig(n: string): Promise<unknown> }>('utils/get_canister_config.ts');
    const { getContext } = await load<{ getContext(n: string, c: unknown): Promise<{ candidPath: string; canisterPath: string; main: string; wasmBinaryPath: string; wasmData: unknown }> }>('commands/build/get_context.ts');
    const js = await load<{ getBuildOptions(ts: string, main: string): BuildOptions; bundle(o: BuildOptions): Promise<string>; handleClassApiCanister(main: string): string }>('commands/build/javascript.ts');
    const { getCandidAndMethodMeta } = await load<{ getCandidAndMethodMeta(gen: unknown, candidPath: string, js: string, io: 'pipe', data: unknown): Promise<{ candid: string; methodMeta: unknown }> }>('commands/build/candid_and_method_meta/index.ts');
    const { getWasmBinary } = await load<{ getWasmBinary(io: 'pipe', js: string, data: unknown, meta?: unknown): Promise<Uint8Array> }>('commands/build/wasm_binary/index.ts');

    const config = (await getCanisterConfig(name)) as { custom?: { candid_gen?: unknown; experimental?: boolean } };
    if (config.custom?.experimental === true) throw new Error(`${name}: experimental mode is not supported by scripts/build-canister.ts`);
    const { candidPath, canisterPath, main, wasmBinaryPath, wasmData } = await getContext(name, config);
    await rm(canisterPath, { recursive: true, force: true });

    const javaScript = await js.bundle(canisterBundleOptions(js.getBuildOptions(prelude(main, dfxRoot, js.handleClassApiCanister), main)));
    await mkdir(canisterPath, { recursive: true });
    await writeFile(join(canisterPath, 'main.js'), javaScript);

    const { candid, methodMeta } = await getCandidAndMethodMeta(config.custom?.candid_gen, candidPath, javaScript, 'pipe', wasmData);
    await mkdir(dirname(candidPath), { recursive: true });
    await writeFile(candidPath, candid);

    const wasm = await getWasmBinary('pipe', javaScript, wasmData, methodMeta);
    await mkdir(dirname(wasmBinaryPath), { recursive: true });
    await writeFile(wasmBinaryPath, wasm);
}

if (require.main === module) {
    const name = process.argv[2];
    if (name === undefined) throw new Error('usage: tsx scripts/build-canister.ts <canister name>');
    buildOne(name).catch((e: unknown) => {
        process.stderr.write(`build ${name}: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
        process.exit(1);
    });
}
