/** Unsigned LEB128, the encoding of natural-number leaves in the IC state tree (e.g. `time` in ns). */
export function leb128(n: bigint | number): Uint8Array {
  let v = BigInt(n);
  if (v < 0n) throw new RangeError('leb128: negative value');
  const out: number[] = [];
  do {
    let byte = Number(v & 0x7fn);
    v >>= 7n;
    if (v !== 0n) byte |= 0x80;
    out.push(byte);
  } while (v !== 0n);
  return new Uint8Array(out);
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
