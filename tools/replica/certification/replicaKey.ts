/**
 * The replica's BLS12-381 key, in the IC's min-signature variant: signatures in G1 (48 bytes
 * compressed), public keys in G2 (96 bytes compressed), messages hashed to G1 with the DST
 * "BLS_SIG_BLS12381G1_XMD:SHA-256_SSWU_RO_NUL_".
 */
import { bls12_381 } from '@noble/curves/bls12-381';
import { hkdf } from '@noble/hashes/hkdf';
import { sha256 } from '@noble/hashes/sha2';
import { randomBytes } from '@noble/hashes/utils';
import { concatBytes, domainSep, fromHex } from './bytes';
import { EncodeCertificateOptions, encodeCertificate } from './cbor';
import { HashTree, reconstruct } from './hashTree';

export const BLS_SIGNATURE_DST = 'BLS_SIG_BLS12381G1_XMD:SHA-256_SSWU_RO_NUL_';

/** DER SubjectPublicKeyInfo prefix for an IC BLS12-381 G2 public key (OIDs 1.3.6.1.4.1.44668.5.3.1.2.1 / .5.3.2.1). */
export const IC_ROOT_KEY_DER_PREFIX = fromHex(
  '308182301d060d2b0601040182dc7c0503010201060c2b0601040182dc7c05030201036100',
);

/** "\x0Dic-state-root": what a certificate's signature covers, followed by the tree's root hash. */
export const IC_STATE_ROOT_DOMAIN_SEPARATOR = domainSep('ic-state-root');

const KEYGEN_SALT = new TextEncoder().encode('emc-ic replica BLS12-381 keygen v1');
const ORDER = bls12_381.params.r;
const sigs = bls12_381.shortSignatures;

function scalarFromSeed(seed: Uint8Array): bigint {
  // 48 bytes of HKDF output reduced mod r: bias below 2^-128; mapped into [1, r-1].
  const okm = hkdf(sha256, seed, KEYGEN_SALT, new Uint8Array(0), 48);
  let x = 0n;
  for (const b of okm) x = (x << 8n) | BigInt(b);
  return (x % (ORDER - 1n)) + 1n;
}

export function derEncodeBlsPublicKey(publicKey: Uint8Array): Uint8Array {
  if (publicKey.length !== 96) throw new Error('BLS public key must be 96 bytes (compressed G2)');
  return concatBytes(IC_ROOT_KEY_DER_PREFIX, publicKey);
}

export class ReplicaKey {
  /** 96-byte compressed G2 point */
  readonly publicKey: Uint8Array;
  /** 133 bytes: DER prefix + publicKey; what agent-js takes as `rootKey` */
  readonly publicKeyDer: Uint8Array;
  readonly #secret: bigint;

  private constructor(secret: bigint) {
    this.#secret = secret;
    this.publicKey = sigs.getPublicKey(secret).toBytes(true);
    this.publicKeyDer = derEncodeBlsPublicKey(this.publicKey);
  }

  /** A fresh random key, or a deterministic one derived (HKDF-SHA256) from `seed`. */
  static generate(seed?: Uint8Array): ReplicaKey {
    return new ReplicaKey(scalarFromSeed(seed ?? randomBytes(32)));
  }

  /** BLS signature (48 bytes, compressed G1) over `message`. */
  sign(message: Uint8Array): Uint8Array {
    return sigs.sign(sigs.hash(message, BLS_SIGNATURE_DST), this.#secret).toBytes(true);
  }

  /** The signature a certificate over a tree with this root hash carries. */
  signStateRoot(rootHash: Uint8Array): Uint8Array {
    return this.sign(concatBytes(IC_STATE_ROOT_DOMAIN_SEPARATOR, rootHash));
  }

  /** Signs `tree`'s root hash and returns the CBOR certificate `{ tree, signature }` (tag 55799). */
  certify(tree: HashTree, options?: EncodeCertificateOptions): Uint8Array {
    return encodeCertificate(tree, this.signStateRoot(reconstruct(tree)), options);
  }

  /** Checks a signature made by this key (for self-tests; clients use agent-js). */
  verify(signature: Uint8Array, message: Uint8Array): boolean {
    try {
      return sigs.verify(signature, sigs.hash(message, BLS_SIGNATURE_DST), this.publicKey);
    } catch {
      return false;
    }
  }
}
