/**
 * The built artefacts of `npm run build` (scripts/build-canister.ts, canisters/common/candid-sig.ts):
 *  - each bundle carries none of the text-encoding polyfill's legacy tables and is minified;
 *  - the final Wasm, evaluated as `azle build` evaluates it to write the .did (in Node, Azle's
 *    `WasmEnvironment::Nodejs`, the one place the decorators get IDL types), prints exactly the
 *    checked-in candid/<name>.did;
 *  - on a replica, where the decorators get no IDL types, every method of each checked-in .did
 *    still dispatches to its own handler: called with a plain argument of its Candid type (zeros,
 *    empty texts and vectors, the first variant), each one replies, and the reply decodes as the .did's result type (with agent-js's decoder,
 *    from types parsed out of the .did file itself, not from our tables).
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { IDL } from '@dfinity/candid';
import { Principal } from '@dfinity/principal';
import { encode, type Type } from '../../src/lib/candid/candid';
import { LEDGER_METHODS } from '../../src/ledger/api/interface';
import { PROTOCOL_METHODS } from '../../src/protocol/api/interface';
import { parseDid } from '../helpers/did';
import { deployNetwork, E8S, identity, LEDGER_ID, principalOf, PROTOCOL_ID } from '../helpers/network';
import { WASM } from '../helpers/wasm';

const ROOT = resolve(__dirname, '..', '..');
const BUNDLES = {
    emc_ledger: join(ROOT, '.azle', 'emc_ledger', 'main.js'),
    emc_protocol: join(ROOT, '.azle', 'emc_protocol', 'main.js'),
    fixture: join(ROOT, 'test', 'fixture', '.azle', 'fixture', 'main.js'),
};

function read(path: string): string {
    try {
        return readFileSync(path, 'utf8');
    } catch {
        throw new Error(`${path} is missing: run \`npm run build\` first`);
    }
}

/** A name of each bundle's source that minification renames (a top-level function). */
const RENAMED = { emc_ledger: 'function dedupKey(', emc_protocol: 'function scheduleMaintenance(', fixture: 'function decoratorArgumentsHandler(' };

describe('the canister bundles', () => {
    it.each(Object.keys(BUNDLES) as (keyof typeof BUNDLES)[])('%s carries no legacy text-encoding tables and is minified', (name) => {
        const js = read(BUNDLES[name]);
        // what @sinonjs/text-encoding's encoding-indexes.js holds: one array per legacy encoding
        const tables = ['big5', 'euc-kr', 'gb18030', 'jis0208', 'jis0212', 'ibm866', 'windows-1252'].filter((t) => new RegExp(`"${t}"\\s*:\\s*\\[`).test(js));
        expect(tables).toEqual([]);
        // the polyfill itself (UTF-8) is there, with its own error for a legacy encoding
        expect(js.includes('Indexes missing')).toBe(true);
        // minified: local names shortened, no line-per-statement layout
        expect(js.includes(RENAMED[name])).toBe(false);
        expect(js.split('\n').length).toBeLessThan(200);
    });
});

describe('the .did files come from the final Wasm', () => {
    it.each(['emc_ledger', 'emc_protocol'] as const)('the final %s Wasm, evaluated as azle build does, prints exactly its checked-in .did', async (name) => {
        const { execute } = (await import('../../node_modules/azle/src/stable/build/commands/build/candid_and_method_meta/execute')) as {
            execute(wasm: Uint8Array): Promise<{ candid: string; methodMeta: { queries: { name: string }[]; updates: { name: string }[] } }>;
        };
        const wasm = readFileSync(name === 'emc_ledger' ? WASM.ledger : WASM.protocol);
        const { candid, methodMeta } = await execute(new Uint8Array(wasm));
        expect(candid).toBe(read(join(ROOT, 'candid', `${name}.did`)));
        const did = parseDid(candid);
        expect([...methodMeta.queries, ...methodMeta.updates].map((m) => m.name).sort()).toEqual([...did.methods].sort());
    });
});

describe('on a replica every method of the .did answers with its .did result type', () => {
    const alice = identity(61);
    const tables = {
        emc_ledger: { id: LEDGER_ID, methods: LEDGER_METHODS as Record<string, { args: Type[]; query: boolean }> },
        emc_protocol: { id: PROTOCOL_ID, methods: PROTOCOL_METHODS as Record<string, { args: Type[]; query: boolean }> },
    };

    it.each(['emc_ledger', 'emc_protocol'] as const)('%s', async (name) => {
        const net = await deployNetwork([[alice, 1_000n * E8S]]);
        const did = parseDid(read(join(ROOT, 'candid', `${name}.did`)));
        const service = did.idlFactory({ IDL }) as IDL.ServiceClass;
        const { id, methods } = tables[name];
        expect(Object.keys(methods).sort()).toEqual([...did.methods].sort());
        let n = 0;
        for (const [method, func] of service._fields) {
            const m = methods[method];
            const arg = encode(m.args, m.args.map((t) => plainValue(t, principalOf(alice))));
            const isQuery = func.annotations.includes('query');
            expect(isQuery).toBe(m.query);
            let reply: Uint8Array;
            if (isQuery) {
                const r = net.replica.query({ canisterId: id, method, arg, sender: principalOf(alice) });
                if (!('reply' in r)) throw new Error(`${name}.${method}: ${r.reject.message}`);
                reply = r.reply;
            } else {
                const s = await net.replica.submitUpdate({ canisterId: id, method, arg, sender: principalOf(alice), requestId: `dispatch-${name}-${++n}` });
                if (s.status !== 'replied') throw new Error(`${name}.${method}: ${JSON.stringify(s)}`);
                reply = s.reply;
            }
            expect(() => IDL.decode(func.retTypes, reply)).not.toThrow();
        }
    });
});

/** A plain value of `t`: 0, false, '', empty vectors and blobs, no optionals, the first tag of a variant. */
function plainValue(t: Type, principal: Principal): unknown {
    const d = t as { k: number; t?: Type; names?: string[]; types?: Type[]; tuple?: boolean };
    switch (d.k) {
        case -1:
        case -16:
            return null;
        case -2:
            return false;
        case -3:
        case -4:
        case -8:
        case -12:
            return 0n;
        case -15:
            return '';
        case -24:
            return principal;
        case -18:
            return [];
        case -19:
            return d.t?.k === -5 ? new Uint8Array(0) : [];
        case -20: {
            const vs = (d.types ?? []).map((x) => plainValue(x, principal));
            return d.tuple ? vs : Object.fromEntries((d.names ?? []).map((n, i) => [n, vs[i]]));
        }
        case -21:
            return { [(d.names ?? [])[0]]: plainValue((d.types ?? [])[0], principal) };
        default:
            return 0;
    }
}
