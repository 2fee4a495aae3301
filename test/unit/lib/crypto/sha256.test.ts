import { createHash } from 'crypto';
import * as fc from 'fast-check';
import { sha256 as nobleSha256 } from '@noble/hashes/sha2';
import {
  Sha256,
  bytesToDigest,
  digestToBytes,
  hash32,
  hashNatLeb,
  hashPair,
  lebBytes,
  sha256,
  sha256Parts,
  sha256Words,
  slebBytes,
} from '../../../../src/lib/crypto/sha256';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const nodeSha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');
const concat = (parts: Uint8Array[]): Uint8Array => new Uint8Array(Buffer.concat(parts));

describe('sha256', () => {
  it('matches the FIPS 180-4 examples', () => {
    const enc = new TextEncoder();
    expect(hex(sha256(enc.encode('')))).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(hex(sha256(enc.encode('abc')))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(hex(sha256(enc.encode('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq')))).toBe(
      '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
    );
  });

  it('matches node:crypto for every length 0..300 (all padding boundaries)', () => {
    for (let len = 0; len <= 300; len++) {
      const data = new Uint8Array(len).map((_, i) => (i * 131 + len * 7 + 13) & 255);
      expect(hex(sha256(data))).toBe(nodeSha(data));
    }
  });

  it('matches node:crypto and @noble/hashes on random inputs (fast-check)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 300 }), data => {
        const h = hex(sha256(data));
        expect(h).toBe(nodeSha(data));
        expect(h).toBe(hex(nobleSha256(data)));
      }),
      { numRuns: 2000 },
    );
  });

  it('covers lengths around the padding boundaries explicitly', () => {
    const lens = fc.constantFrom(0, 1, 11, 12, 31, 32, 33, 55, 56, 57, 63, 64, 65, 119, 120, 121, 127, 128, 129, 183, 184, 191, 192, 640, 641, 704);
    fc.assert(
      fc.property(lens, fc.integer({ min: 0, max: 255 }), (len, seed) => {
        const data = new Uint8Array(len).map((_, i) => (i * 31 + seed) & 255);
        expect(hex(sha256(data))).toBe(nodeSha(data));
      }),
      { numRuns: 300 },
    );
  });

  it('sha256Parts and incremental updates equal hashing the concatenation', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 150 }), { maxLength: 8 }), parts => {
        const whole = concat(parts);
        expect(hex(sha256Parts(parts))).toBe(nodeSha(whole));
        const h = new Sha256();
        for (const p of parts) h.update(p);
        expect(hex(h.digest())).toBe(nodeSha(whole));
      }),
      { numRuns: 1000 },
    );
  });

  it('resumes from a midstate after a 64-byte-aligned prefix', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 4 }), fc.uint8Array({ maxLength: 200 }), (blocks, rest) => {
        const prefix = new Uint8Array(64 * blocks).map((_, i) => (i * 7) & 255);
        const mid = new Sha256().update(prefix).midstate();
        expect(mid.length).toBe(64 * blocks);
        const h = Sha256.fromMidstate(mid).update(rest);
        expect(hex(h.digest())).toBe(nodeSha(concat([prefix, rest])));
        // the midstate is not consumed
        expect(hex(Sha256.fromMidstate(mid).update(rest).digest())).toBe(nodeSha(concat([prefix, rest])));
      }),
      { numRuns: 300 },
    );
    expect(() => new Sha256().update(new Uint8Array(3)).midstate()).toThrow();
  });

  it('absorbs digests as words at any alignment', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), fc.array(fc.uint8Array({ minLength: 32, maxLength: 32 }), { maxLength: 9 }), (lead, ds) => {
        const h = new Sha256().update(lead);
        for (const d of ds) h.updateDigest(bytesToDigest(d));
        expect(hex(h.digest())).toBe(nodeSha(concat([lead, ...ds])));
      }),
      { numRuns: 500 },
    );
  });

  it('word-level helpers', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.uint8Array({ minLength: 32, maxLength: 32 }), (x, y) => {
        expect(hex(digestToBytes(bytesToDigest(x)))).toBe(hex(x));
        expect(hex(digestToBytes(hash32(bytesToDigest(x))))).toBe(nodeSha(x));
        expect(hex(digestToBytes(hashPair(bytesToDigest(x), bytesToDigest(y))))).toBe(nodeSha(concat([x, y])));
        expect(hex(digestToBytes(sha256Words(x)))).toBe(nodeSha(x));
      }),
    );
  });

  it('hashNatLeb equals SHA-256 of the LEB128 encoding', () => {
    const edge = [0n, 1n, 127n, 128n, 255n, 0x7fffffffn, 0x80000000n, 0xffffffffn, 0x100000000n, 2n ** 53n, 2n ** 56n - 1n, 2n ** 63n, 2n ** 64n - 1n, 2n ** 64n, 2n ** 70n + 5n, 10n ** 30n];
    for (const n of edge) expect(hex(digestToBytes(hashNatLeb(n)))).toBe(nodeSha(lebBytes(n)));
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 2n ** 80n }), n => {
        expect(hex(digestToBytes(hashNatLeb(n)))).toBe(nodeSha(lebBytes(n)));
      }),
      { numRuns: 1000 },
    );
  });

  it('LEB128 / SLEB128 encodings', () => {
    expect(hex(lebBytes(624485n))).toBe('e58e26');
    expect(hex(lebBytes(0n))).toBe('00');
    expect(hex(slebBytes(-123456n))).toBe('c0bb78');
    expect(hex(slebBytes(-42n))).toBe('56');
    expect(hex(slebBytes(63n))).toBe('3f');
    expect(hex(slebBytes(64n))).toBe('c000');
    expect(hex(slebBytes(-64n))).toBe('40');
    expect(hex(slebBytes(-65n))).toBe('bf7f');
  });
});
