import { join } from 'node:path';
import * as esbuild from 'esbuild';
import { canisterBundleOptions } from '/work/main/scripts/build-canister';
const AZLE_BUILD = join('/work/main/node_modules/azle', 'src', 'stable', 'build');
(async () => {
    const js = (await import(join(AZLE_BUILD, 'commands/build/javascript.ts'))) as any;
    const main = 'canisters/protocol/index.ts';
    const prelude = `
        import 'azle/_internal/globals';
        import { getDefaultVisitorData, IDL, idlToString } from 'azle';
        import * as CanisterModule from ${JSON.stringify(join('/work/main', main))};
        createGetCandidAndMethodMetaFunction(CanisterModule);
        ${js.handleClassApiCanister(main)}
    `;
    const opts = canisterBundleOptions(js.getBuildOptions(prelude, main));
    const r = await esbuild.build({ ...opts, write: false, metafile: true });
    const out = Object.values(r.metafile!.outputs)[0];
    const byPkg = new Map<string, number>();
    for (const [f, v] of Object.entries(out.inputs)) {
        const key = f.includes('node_modules') ? f.replace(/.*node_modules\/((@[^/]+\/)?[^/]+).*/, '$1') : f.replace(/^(src\/[^/]+\/[^/]+|canisters\/[^/]+|[^/]+).*/, '$1');
        byPkg.set(key, (byPkg.get(key) ?? 0) + v.bytesInOutput);
    }
    console.log('total', out.bytes);
    for (const [k, v] of [...byPkg].sort((a, b) => b[1] - a[1]).slice(0, 30)) console.log(String(v).padStart(8), k);
})();
