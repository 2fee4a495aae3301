/** Small byte helpers shared by the certification modules. */
import { bytesEqual, compareBytes, concat } from '../../../src/lib/storage/bytes';

const utf8 = new TextEncoder();

/** A path element or label: raw bytes, or a string taken as its UTF-8 bytes. */
export type Label = Uint8Array | string;

export function labelBytes(label: Label): Uint8Array {
  return typeof label === 'string' ? utf8.encode(label) : label;
}

/** Lexicographic order (a proper prefix sorts first) is the order the IC requires for labels. */
export { bytesEqual, compareBytes };

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  return concat(parts);
}

export function toHex(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');
}

export function fromHex(hex: string): Uint8Array {
  if (hex.length % 2 !== 0 || /[^0-9a-fA-F]/.test(hex)) throw new Error(`invalid hex string: ${hex}`);
  return new Uint8Array(Buffer.from(hex, 'hex'));
}

/** The IC's domain separator: one length byte followed by the ASCII bytes of the name. */
export function domainSep(name: string): Uint8Array {
  const b = utf8.encode(name);
  if (b.length > 255) throw new Error('domain separator too long');
  return concatBytes(new Uint8Array([b.length]), b);
}
