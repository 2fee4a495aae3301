/**
 * CBOR encoding of hash trees and certificates, as the IC produces them:
 *   tree nodes:   [0] | [1, l, r] | [2, label, t] | [3, value] | [4, hash]  (byte strings for blobs)
 *   certificate:  55799({ "tree": tree, "signature": bytes, ?"delegation": { "subnet_id": bytes, "certificate": bytes } })
 * Only the subset of CBOR these need is implemented (definite lengths, shortest heads).
 */
import { concatBytes } from './bytes';
import { HashTree } from './hashTree';

const utf8 = new TextEncoder();

/** The self-describe tag 55799 (0xd9d9f7). */
export const SELF_DESCRIBE_TAG = new Uint8Array([0xd9, 0xd9, 0xf7]);

function head(major: number, n: number | bigint): Uint8Array {
  const v = BigInt(n);
  const m = major << 5;
  if (v < 0n) throw new RangeError('cbor: negative length/value');
  if (v < 24n) return new Uint8Array([m | Number(v)]);
  if (v < 0x100n) return new Uint8Array([m | 24, Number(v)]);
  if (v < 0x10000n) return new Uint8Array([m | 25, Number(v >> 8n), Number(v & 0xffn)]);
  if (v < 0x100000000n) {
    const b = new Uint8Array(5);
    b[0] = m | 26;
    new DataView(b.buffer).setUint32(1, Number(v));
    return b;
  }
  if (v < 1n << 64n) {
    const b = new Uint8Array(9);
    b[0] = m | 27;
    new DataView(b.buffer).setBigUint64(1, v);
    return b;
  }
  throw new RangeError('cbor: value too large');
}

export const cborUint = (n: number | bigint): Uint8Array => head(0, n);
export const cborBytes = (b: Uint8Array): Uint8Array => concatBytes(head(2, b.length), b);
export const cborText = (s: string): Uint8Array => {
  const b = utf8.encode(s);
  return concatBytes(head(3, b.length), b);
};
export const cborArray = (items: Uint8Array[]): Uint8Array => concatBytes(head(4, items.length), ...items);
/** A map with text keys, entries in the given order. */
export const cborMap = (entries: [string, Uint8Array][]): Uint8Array =>
  concatBytes(head(5, entries.length), ...entries.flatMap(([k, v]) => [cborText(k), v]));

export function encodeTreeCbor(tree: HashTree): Uint8Array {
  const parts: Uint8Array[] = [];
  const walk = (t: HashTree): void => {
    switch (t.type) {
      case 'empty':
        parts.push(head(4, 1), cborUint(0));
        return;
      case 'fork':
        parts.push(head(4, 3), cborUint(1));
        walk(t.left);
        walk(t.right);
        return;
      case 'labeled':
        parts.push(head(4, 3), cborUint(2), cborBytes(t.label));
        walk(t.tree);
        return;
      case 'leaf':
        parts.push(head(4, 2), cborUint(3), cborBytes(t.value));
        return;
      case 'pruned':
        parts.push(head(4, 2), cborUint(4), cborBytes(t.hash));
        return;
    }
  };
  walk(tree);
  return concatBytes(...parts);
}

export interface CertificateDelegation {
  subnetId: Uint8Array;
  /** the CBOR certificate (signed by the root key) that holds subnet/<subnetId>/public_key */
  certificate: Uint8Array;
}

export interface EncodeCertificateOptions {
  /** prefix the self-describe tag 55799 (default true, as the IC does) */
  selfDescribe?: boolean;
  delegation?: CertificateDelegation;
}

export function encodeCertificate(
  tree: HashTree,
  signature: Uint8Array,
  options: EncodeCertificateOptions = {},
): Uint8Array {
  const entries: [string, Uint8Array][] = [
    ['tree', encodeTreeCbor(tree)],
    ['signature', cborBytes(signature)],
  ];
  if (options.delegation) {
    entries.push([
      'delegation',
      cborMap([
        ['subnet_id', cborBytes(options.delegation.subnetId)],
        ['certificate', cborBytes(options.delegation.certificate)],
      ]),
    ]);
  }
  const body = cborMap(entries);
  return options.selfDescribe === false ? body : concatBytes(SELF_DESCRIBE_TAG, body);
}
