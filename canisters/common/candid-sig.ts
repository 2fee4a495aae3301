/**
 * The decorators' Candid signatures, built only when they are read.
 *
 * Both canisters run every method in Azle's manual mode: the argument is decoded and the reply
 * encoded by our codec (src/candid), so the `@dfinity/candid` IDL types given to the decorators
 * serve one purpose — `azle build` evaluates the bundle once in Node (Azle's
 * `WasmEnvironment::Nodejs`, the only time it sets `globalThis._azleNodejsWasmEnvironment`) and
 * prints the .did from them. Everywhere else (init, post_upgrade and every message on the IC)
 * converting the interface tables to IDL types cost 0.24 B (ledger) and 1.74 B (protocol)
 * instructions per upgrade for nothing, so there the decorators get a placeholder: no argument
 * types and no result type. Azle ignores both in manual mode; the method table (names, query or
 * update, order — Azle's dispatch indexes) does not depend on them.
 * test/unit/candid/candid-sig.test.ts checks both modes; test/client/units.test.ts pins the .did.
 * Cost: at runtime one global read per decorator.
 */
import { IDL } from 'azle';

import type { Type } from '../../src/lib/candid/candid';
import type { MethodSig } from '../../src/lib/candid/service';
import { toIdl } from '../../src/lib/candid/to-idl';

/** True only while `azle build` evaluates the bundle to write the .did (never on a replica). */
export function writingCandid(): boolean {
    return (globalThis as { _azleNodejsWasmEnvironment?: boolean })._azleNodejsWasmEnvironment === true;
}

/** The IDL type of `t` while the .did is written; a placeholder (never read in manual mode) otherwise. */
export function candidType(t: Type): IDL.Type {
    return writingCandid() ? toIdl(IDL as never, t) : IDL.Reserved;
}

/**
 * `@query(...)` / `@update(...)` arguments of a method of an interface table: its IDL types while
 * the .did is written, none otherwise; always in manual mode.
 */
export function methodSig(m: MethodSig): [IDL.Type[], IDL.Type | undefined, { manual: true }] {
    if (!writingCandid()) return [[], undefined, { manual: true }];
    return [m.args.map(candidType), candidType(m.ret), { manual: true }];
}
