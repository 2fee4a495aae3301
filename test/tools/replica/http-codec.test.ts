/**
 * The HTTP interface's own codecs against agent-js's: our CBOR decoder reads what agent-js
 * encodes, our request id equals agent-js's `requestIdOf` for any call content, hostile CBOR is
 * refused without reading past the input; and the one display format (src/client/display.ts).
 */
import fc from 'fast-check';
import { Cbor, requestIdOf } from '@dfinity/agent';
import { Principal } from '@dfinity/principal';
import { CborError, decodeCbor, encodeCbor } from '../../../tools/replica/http/cbor';
import { hashOfMap } from '../../../tools/replica/http/request-id';
import { checkExpiry, selfAuthenticating, verifySignature } from '../../../tools/replica/http/auth';
import { Ed25519KeyIdentity } from '@dfinity/identity';
import { Secp256k1KeyIdentity } from '@dfinity/identity-secp256k1';
import { count, emc2, emcExact } from '../../../src/client/format/display';

const bytes = fc.uint8Array({ maxLength: 64 });
const content = fc.record({
    request_type: fc.constantFrom('call', 'query'),
    canister_id: fc.uint8Array({ minLength: 10, maxLength: 10 }),
    method_name: fc.string({ maxLength: 30 }),
    arg: bytes,
    sender: fc.uint8Array({ minLength: 1, maxLength: 29 }),
    ingress_expiry: fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
    nonce: fc.option(fc.uint8Array({ minLength: 16, maxLength: 16 }), { nil: undefined }),
});

describe('the HTTP interface codecs', () => {
    it('decodes what agent-js encodes, and hashes it to agent-js’s request id', () => {
        fc.assert(
            fc.property(content, (c) => {
                const clean = Object.fromEntries(Object.entries(c).filter(([, v]) => v !== undefined));
                const decoded = decodeCbor(Cbor.encode({ content: clean })) as Map<string, unknown>;
                const m = decoded.get('content') as Map<string, unknown>;
                expect(m.get('ingress_expiry')).toBe(c.ingress_expiry);
                expect(m.get('method_name')).toBe(c.method_name);
                expect(new Uint8Array(m.get('arg') as Uint8Array)).toEqual(c.arg);
                expect(hashOfMap(m as never)).toEqual(new Uint8Array(requestIdOf(clean as never)));
            }),
            { numRuns: 200 },
        );
    });

    it('our encoder and agent-js’s decoder agree', () => {
        const v = { status: 'replied', reply: { arg: Uint8Array.of(1, 2, 3) }, n: 2n ** 40n, list: [1, 'x', Uint8Array.of(9)] };
        const back = Cbor.decode(encodeCbor(v)) as Record<string, unknown>;
        expect(back.status).toBe('replied');
        expect(new Uint8Array((back.reply as { arg: Uint8Array }).arg)).toEqual(Uint8Array.of(1, 2, 3));
        expect(BigInt(back.n as number)).toBe(2n ** 40n);
    });

    it('refuses truncated, oversized and over-deep CBOR', () => {
        expect(() => decodeCbor(Uint8Array.of(0x5a, 0xff, 0xff, 0xff, 0xff, 1))).toThrow(CborError);
        expect(() => decodeCbor(Uint8Array.of(0xa1, 0x61))).toThrow(CborError);
        expect(() => decodeCbor(new Uint8Array(100).fill(0x81))).toThrow(/nested deeper/);
        expect(() => decodeCbor(Uint8Array.of(0xc2, 0x40))).toThrow(/unsupported CBOR tag/);
        expect(() => decodeCbor(Uint8Array.of(0x01, 0x02))).toThrow(/trailing/);
        fc.assert(
            fc.property(fc.uint8Array({ maxLength: 40 }), (b) => {
                try {
                    decodeCbor(b);
                } catch (e) {
                    expect(e).toBeInstanceOf(CborError);
                }
            }),
        );
    });

    it('verifies Ed25519 and secp256k1 signatures made by agent-js identities, and nothing else', async () => {
        const msg = new TextEncoder().encode('\x0Aic-request-example');
        for (const id of [Ed25519KeyIdentity.generate(new Uint8Array(32).fill(1)), Secp256k1KeyIdentity.generate(new Uint8Array(32).fill(2))]) {
            const der = new Uint8Array(id.getPublicKey().toDer());
            const sig = new Uint8Array(await id.sign(msg));
            expect(verifySignature(der, msg, sig)).toBeUndefined();
            const bad = sig.slice();
            bad[0] ^= 1;
            expect(verifySignature(der, msg, bad)).toMatch(/^Invalid /);
            expect(verifySignature(der, Uint8Array.of(...msg, 0), sig)).toMatch(/^Invalid /);
            expect(Principal.fromUint8Array(selfAuthenticating(der)).toText()).toBe(id.getPrincipal().toText());
        }
        expect(verifySignature(Uint8Array.of(1, 2, 3), msg, new Uint8Array(64))).toMatch(/not an Ed25519, secp256k1 or P-256 key/);
    });

    it('takes an ingress_expiry from now to now + 6 minutes', () => {
        const now = 1_800_000_000_000_000_000n;
        expect(checkExpiry(now, now)).toBeUndefined();
        expect(checkExpiry(now + 360_000_000_000n, now)).toBeUndefined();
        expect(checkExpiry(now - 1n, now)).toMatch(/^Invalid request expiry: /);
        expect(checkExpiry(now + 360_000_000_001n, now)).toMatch(/^Invalid request expiry: /);
    });
});

describe('the one display format', () => {
    it('shows 2 decimals truncated, exact values with every significant decimal, separators everywhere', () => {
        expect(emc2(71_999_999_999_999n)).toBe('719,999.99');
        expect(emcExact(71_999_999_999_999n)).toBe('719,999.99999999');
        expect(emc2(100_000n)).toBe('0.00');
        expect(emcExact(100_000n)).toBe('0.001');
        expect(emcExact(72_000_000_000_000n)).toBe('720,000');
        expect(count(1234567)).toBe('1,234,567');
        fc.assert(
            fc.property(fc.bigInt({ min: 0n, max: 2n ** 80n }), (e8s) => {
                const [w, f = ''] = emcExact(e8s).replace(/,/g, '').split('.');
                expect(BigInt(w) * 100_000_000n + BigInt(f.padEnd(8, '0'))).toBe(e8s);
                const [w2, f2] = emc2(e8s).replace(/,/g, '').split('.');
                expect(BigInt(w2) * 100n + BigInt(f2)).toBe(e8s / 1_000_000n);
            }),
        );
    });
});
