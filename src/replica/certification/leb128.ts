import { leb128 as leb128Of } from '../../storage/bytes';
/** Unsigned LEB128, the encoding of natural-number leaves in the IC state tree (e.g. `time` in ns). */
export function leb128(n: bigint | number): Uint8Array {
  return leb128Of(BigInt(n));
}

/** Decodes an unsigned LEB128 number that fills `bytes` exactly. */
export function decodeLeb128(bytes: Uint8Array): bigint {
  let v = 0n;
  let shift = 0n;
  for (let i = 0; i < bytes.length; i++) {
    v |= BigInt(bytes[i] & 0x7f) << shift;
    shift += 7n;
    if ((bytes[i] & 0x80) === 0) {
      if (i !== bytes.length - 1) throw new Error('leb128: trailing bytes');
      return v;
    }
  }
  throw new Error('leb128: truncated');
}
