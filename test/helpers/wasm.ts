/** Paths of the built canister Wasm; tests need `npm run build` first (CI does it). */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

const ROOT = resolve(__dirname, '..', '..');

export const WASM = {
    ledger: resolve(ROOT, '.azle/emc_ledger/emc_ledger.wasm'),
    protocol: resolve(ROOT, '.azle/emc_protocol/emc_protocol.wasm'),
    fixture: resolve(ROOT, 'test/fixture/.azle/fixture/fixture.wasm'),
} as const;

export function builtWasm(name: keyof typeof WASM): string {
    const path = WASM[name];
    if (!existsSync(path)) throw new Error(`${path} is missing: run \`npm run build\` first`);
    return path;
}
