/**
 * Loading the operator's key:
 *  - a PEM file as `dfx identity export` writes it: secp256k1 `EC PRIVATE KEY` (SEC1, possibly after
 *    an `EC PARAMETERS` block), or Ed25519 `PRIVATE KEY` (PKCS#8, including dfx's older v2 form
 *    with the public key appended, which OpenSSL refuses); a PKCS#8 secp256k1 key is accepted too;
 *  - a seed-phrase file: a BIP-39 mnemonic (12–24 English words, checksum verified), derived as
 *    `dfx identity import --seed-file` and Secp256k1KeyIdentity.fromSeedPhrase do (m/44'/223'/0'/0/0).
 * Encrypted PEM files are refused with a clear message (export them with `dfx identity export`).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Identity } from '@dfinity/agent';
import { Ed25519KeyIdentity } from '@dfinity/identity';
import { Secp256k1KeyIdentity } from '@dfinity/identity-secp256k1';
import { badInput, ok, type Result } from './result';

const OID_ED25519 = '1.3.101.112';
const OID_EC_PUBLIC_KEY = '1.2.840.10045.2.1';
const OID_SECP256K1 = '1.3.132.0.10';

/** Reads a PEM key file or a seed-phrase file. */
export function loadIdentity(path: string): Result<Identity> {
    let text: string;
    try {
        text = readFileSync(path, 'utf8');
    } catch (e) {
        return badInput(`cannot read identity file ${path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
    }
    const r = text.includes('-----BEGIN') ? identityFromPem(text) : identityFromSeedPhrase(text);
    return r.ok ? r : badInput(`${path}: ${r.error.message.replace(/^BadInput: /, '')}`);
}

export function identityFromPem(pem: string): Result<Identity> {
    if (/-----BEGIN ENCRYPTED PRIVATE KEY-----/.test(pem) || /Proc-Type: 4,ENCRYPTED/.test(pem)) {
        return badInput('the PEM key is encrypted; export it unencrypted (dfx identity export NAME > key.pem)');
    }
    const ec = pemBlock(pem, 'EC PRIVATE KEY');
    if (ec !== undefined) {
        const k = parseSec1(ec);
        return k.ok ? ok(Secp256k1KeyIdentity.fromSecretKey(k.value)) : k;
    }
    const p8 = pemBlock(pem, 'PRIVATE KEY');
    if (p8 !== undefined) {
        const k = parsePkcs8(p8);
        if (!k.ok) return k;
        return ok(k.value.curve === 'ed25519' ? Ed25519KeyIdentity.fromSecretKey(k.value.secret) : Secp256k1KeyIdentity.fromSecretKey(k.value.secret));
    }
    return badInput('no EC PRIVATE KEY or PRIVATE KEY block in the PEM file');
}

export function identityFromSeedPhrase(text: string): Result<Identity> {
    const words = text.trim().toLowerCase().split(/\s+/).filter((w) => w !== '');
    if (![12, 15, 18, 21, 24].includes(words.length)) return badInput(`a seed phrase has 12, 15, 18, 21 or 24 words, this one has ${words.length}`);
    const phrase = words.join(' ');
    if (!bip39().validateMnemonic(phrase, bip39English())) return badInput('the seed phrase is not a valid BIP-39 English mnemonic (unknown word or bad checksum)');
    return ok(Secp256k1KeyIdentity.fromSeedPhrase(phrase));
}

// @scure/bip39 is what @dfinity/identity-secp256k1 derives seed phrases with; load that very copy.
const fromSecp = createRequire(require.resolve('@dfinity/identity-secp256k1'));
function bip39(): { validateMnemonic(m: string, wordlist: string[]): boolean } {
    return fromSecp('@scure/bip39');
}
function bip39English(): string[] {
    return (fromSecp('@scure/bip39/wordlists/english') as { wordlist: string[] }).wordlist;
}

// ----- PEM and DER ------------------------------------------------------------------------

function pemBlock(pem: string, label: string): Uint8Array | undefined {
    const m = new RegExp(`-----BEGIN ${label}-----([\\s\\S]*?)-----END ${label}-----`).exec(pem);
    return m === null ? undefined : new Uint8Array(Buffer.from(m[1].replace(/\s+/g, ''), 'base64'));
}

interface Tlv {
    tag: number;
    body: Uint8Array;
    end: number;
}

function readTlv(b: Uint8Array, at: number): Tlv {
    if (at + 2 > b.length) throw new Error('truncated DER');
    const tag = b[at];
    let len = b[at + 1];
    let p = at + 2;
    if (len & 0x80) {
        const n = len & 0x7f;
        if (n === 0 || n > 3 || p + n > b.length) throw new Error('bad DER length');
        len = 0;
        for (let i = 0; i < n; i++) len = len * 256 + b[p + i];
        p += n;
    }
    if (p + len > b.length) throw new Error('truncated DER');
    return { tag, body: b.subarray(p, p + len), end: p + len };
}

/** The elements of a SEQUENCE's body. */
function children(body: Uint8Array): Tlv[] {
    const out: Tlv[] = [];
    for (let at = 0; at < body.length; ) {
        const t = readTlv(body, at);
        out.push(t);
        at = t.end;
    }
    return out;
}

function oidText(body: Uint8Array): string {
    const parts = [Math.floor(body[0] / 40), body[0] % 40];
    let v = 0;
    for (let i = 1; i < body.length; i++) {
        v = v * 128 + (body[i] & 0x7f);
        if ((body[i] & 0x80) === 0) {
            parts.push(v);
            v = 0;
        }
    }
    return parts.join('.');
}

/** RFC 5915: SEQUENCE { INTEGER 1, OCTET STRING key, [0] OID curve OPTIONAL, [1] public key OPTIONAL }. */
function parseSec1(der: Uint8Array): Result<Uint8Array> {
    try {
        const seq = readTlv(der, 0);
        const [version, key, ...rest] = children(seq.body);
        if (seq.tag !== 0x30 || version?.tag !== 0x02 || key?.tag !== 0x04) return badInput('malformed EC PRIVATE KEY');
        const params = rest.find((t) => t.tag === 0xa0);
        if (params !== undefined) {
            const oid = readTlv(params.body, 0);
            if (oid.tag !== 0x06 || oidText(oid.body) !== OID_SECP256K1) return badInput(`the EC key is on curve ${oidText(oid.body)}, not secp256k1`);
        }
        if (key.body.length !== 32) return badInput(`the EC private key is ${key.body.length} bytes, expected 32`);
        return ok(new Uint8Array(key.body));
    } catch (e) {
        return badInput(`malformed EC PRIVATE KEY (${(e as Error).message})`);
    }
}

/** RFC 5958: SEQUENCE { INTEGER 0|1, SEQUENCE { OID alg, params? }, OCTET STRING privateKey, … }. */
function parsePkcs8(der: Uint8Array): Result<{ curve: 'ed25519' | 'secp256k1'; secret: Uint8Array }> {
    try {
        const seq = readTlv(der, 0);
        const [version, alg, key] = children(seq.body);
        if (seq.tag !== 0x30 || version?.tag !== 0x02 || alg?.tag !== 0x30 || key?.tag !== 0x04) return badInput('malformed PRIVATE KEY');
        const [oid, params] = children(alg.body);
        const algorithm = oidText(oid.body);
        if (algorithm === OID_ED25519) {
            const inner = readTlv(key.body, 0);
            if (inner.tag !== 0x04 || inner.body.length !== 32) return badInput('malformed Ed25519 PRIVATE KEY');
            return ok({ curve: 'ed25519', secret: new Uint8Array(inner.body) });
        }
        if (algorithm === OID_EC_PUBLIC_KEY) {
            if (params === undefined || params.tag !== 0x06 || oidText(params.body) !== OID_SECP256K1) return badInput('the EC key is not on curve secp256k1');
            const sec1 = parseSec1(key.body);
            return sec1.ok ? ok({ curve: 'secp256k1', secret: sec1.value }) : sec1;
        }
        return badInput(`unsupported key algorithm ${algorithm} (expected Ed25519 or secp256k1)`);
    } catch (e) {
        return badInput(`malformed PRIVATE KEY (${(e as Error).message})`);
    }
}
