import { leb128 as leb128Of } from '../../../src/lib/storage/bytes';
export { decodeLeb128 } from '../../../src/lib/storage/bytes';
/** Unsigned LEB128, the encoding of natural-number leaves in the IC state tree (e.g. `time` in ns). */
export function leb128(n: bigint | number): Uint8Array {
  return leb128Of(BigInt(n));
}
