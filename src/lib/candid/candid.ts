/**
 * A lean Candid codec for canister entry points in Azle's manual mode.
 *
 *   const TransferArgT = C.record({ ... });
 *   const [arg] = decode([TransferArgT], msgArgData());
 *   msgReply(encode([TransferResultT], [{ Ok: 1n }]));
 *
 * JS values are those of @dfinity/candid 3.4.3: nat/int/nat64/int64 → bigint, smaller numbers and
 * floats → number, opt → [] | [v], record → object, tuple → array, variant → { Tag: value },
 * principal → Principal, vec nat8 → Uint8Array (other fixed-size int vecs → typed arrays),
 * other vec → array, func → [Principal, method], null/reserved → null.
 */
export { C, idlHash, labelToId, showType, type Type, type ValueOf, type ValuesOf, type PrincipalLike } from './types';
export { CandidError } from './error';
export { encode } from './encode';
export { decode, prime, MAX_DEPTH, ZERO_SIZED_BUDGET } from './decode';
export { MAX_INT_BYTES, MAX_TABLE_ENTRIES, MAX_TABLE_NAME_BYTES, MAX_TABLE_REFERENCES } from './limits';
