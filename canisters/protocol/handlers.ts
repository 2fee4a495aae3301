/**
 * The type of the protocol canister's handler table, from the method table
 * (src/protocol/api/interface.ts): a handler takes the method's decoded arguments and answers its
 * Candid result, so a handler that does not match its method's Candid types does not compile.
 */
import type { ValueOf } from '../../src/lib/candid/candid';
import type { ValuesOf } from '../../src/lib/candid/types';
import type { PROTOCOL_METHODS, ProtocolMethod } from '../../src/protocol/api/interface';

type Methods = typeof PROTOCOL_METHODS;
export type Reply<M extends ProtocolMethod> = ValueOf<Methods[M]['ret']>;
export type Handler<M extends ProtocolMethod> = (...args: ValuesOf<Methods[M]['args']>) => Reply<M> | Promise<Reply<M>>;
export type Handlers<K extends ProtocolMethod> = { [M in K]: Handler<M> };
