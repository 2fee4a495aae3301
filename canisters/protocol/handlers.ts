/**
 * The type of the protocol canister's handler table, from the method table
 * (src/protocol/api/interface.ts): a handler takes the method's decoded arguments and answers its
 * Candid result (or its bytes, `Encoded`), so a handler that does not match its method's Candid
 * types does not compile.
 */
import type { ValueOf } from '../../src/lib/candid/candid';
import type { ValuesOf } from '../../src/lib/candid/types';
import type { PROTOCOL_METHODS, ProtocolMethod } from '../../src/protocol/api/interface';

type Methods = typeof PROTOCOL_METHODS;
/**
 * An answer already in Candid bytes (written straight from the domain's records: `list_nodes`),
 * replied as is; its writer is pinned to the generic encoder of the method's result by a test.
 */
export class Encoded<M extends ProtocolMethod> {
    constructor(
        readonly method: M,
        readonly bytes: Uint8Array,
    ) {}
}
export type Reply<M extends ProtocolMethod> = ValueOf<Methods[M]['ret']> | Encoded<M>;
export type Handler<M extends ProtocolMethod> = (...args: ValuesOf<Methods[M]['args']>) => Reply<M> | Promise<Reply<M>>;
export type Handlers<K extends ProtocolMethod> = { [M in K]: Handler<M> };
