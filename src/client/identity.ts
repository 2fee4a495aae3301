/**
 * Loading the operator's key:
 *  - a PEM file as `dfx identity export` writes it: secp256k1 `EC PRIVATE KEY` (SEC1, possibly after
 *    an `EC PARAMETERS` block), or Ed25519 `PRIVATE KEY` (PKCS#8, including dfx's older v2 form
 *    with the public key appended, which OpenSSL refuses); a PKCS#8 secp256k1 key is accepted too;
 *  - a seed-phrase file: a BIP-39 mnemonic (12–24 English words, checksum verified), derived as
 *    `dfx identity import --seed-file` and Secp256k1KeyIdentity.fromSeedPhrase do (m/44'/223'/0'/0/0).
 * Encrypted PEM files are refused with a clear message (export them with `dfx identity export`).
 */
import { readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Identity } from '@dfinity/agent';
import { Ed25519KeyIdentity } from '@dfinity/identity';
import { Secp256k1KeyIdentity } from '@dfinity/identity-secp256k1';
import { badInput, ok, type ClientResult } from './result';

const OID_ED25519 = '1.3.101.112';
const OID_EC_PUBLIC_KEY = '1.2.840.10045.2.1';
const OID_SECP256K1 = '1.3.132.0.10';

/** Larger than any key or seed-phrase file (a PEM key is < 1 KB). */
const MAX_IDENTITY_FILE = 64 * 1024;

/**
 * Reads a PEM key file or a seed-phrase file. What the file is decides how it is read, and a
 * refusal says what was found: not text (a binary or DER file), a PEM file (any `-----BEGIN`/`END`
 * line, or `PRIVATE KEY`) whose blocks are incomplete, not base64 or not a private key, a bare
 * base64 or hex key without its PEM lines, or words that are not a BIP-39 phrase (the message
 * never repeats the file's words or key bytes).
 */
export function loadIdentity(path: string): ClientResult<Identity> {
    let bytes: Buffer;
    try {
        if (statSync(path).size > MAX_IDENTITY_FILE) return badInput(`${path} is larger than ${MAX_IDENTITY_FILE / 1024} KiB: not a key or a seed-phrase file`);
        bytes = readFileSync(path);
    } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        return badInput(`cannot read identity file ${path}: ${code === 'EISDIR' ? 'it is a directory' : (code ?? String(e))}`);
    }
    const r = identityFromBytes(bytes);
    if (r.ok) return r;
    const why = r.error.message.replace(/^BadInput: /, '');
    const ext = /\.(pem|key|der)$/i.exec(path);
    return badInput(`${path}: ${ext !== null && why.startsWith('neither') ? `named .${ext[1]} but ${why}` : why}`);
}

/** A key or seed-phrase file's contents (see loadIdentity). */
export function identityFromBytes(bytes: Uint8Array): ClientResult<Identity> {
    const expected = 'expected a PEM key (dfx identity export NAME > key.pem) or a BIP-39 seed-phrase file';
    if (bytes.length === 0) return badInput(`the file is empty: ${expected}`);
    let text: string;
    try {
        text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
        text = '';
    }
    if (text === '' || /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/.test(text)) {
        return badInput(
            bytes[0] === 0x30
                ? `the file is binary, not text: it looks like a DER-encoded key; ${expected} (convert it: openssl pkey -inform DER -in FILE -out key.pem)`
                : `the file is binary, not text (${bytes.length} bytes): ${expected}`,
        );
    }
    if (/-----\s*(BEGIN|END)\b|\bBEGIN [A-Z0-9 ]*(KEY|PARAMETERS|CERTIFICATE)|PRIVATE KEY/.test(text)) return identityFromPem(text);
    const trimmed = text.trim();
    if (/^(0x)?[0-9a-fA-F]{64}$/.test(trimmed)) return badInput(`the file holds 32 bytes of hex (a raw key?), not a PEM key or a seed phrase: ${expected}`);
    if (/^[A-Za-z0-9+/=\s]+$/.test(trimmed) && /[0-9+/=]/.test(trimmed) && trimmed.replace(/\s+/g, '').length >= 40) {
        return badInput(`the file looks like the base64 body of a PEM key without its -----BEGIN … PRIVATE KEY----- and -----END … PRIVATE KEY----- lines (cut short?): ${expected}`);
    }
    const words = text.trim().split(/\s+/).filter((w) => w !== '');
    if (words.length < 12 || words.some((w) => !/^[a-zA-Z]+$/.test(w))) {
        const r = identityFromSeedPhrase(text);
        if (!r.ok) return badInput(`neither a PEM key (no -----BEGIN … PRIVATE KEY----- line) nor a seed phrase (${r.error.message.replace(/^BadInput: (neither a PEM key \(no -----BEGIN line\) nor a seed phrase \()?/, '').replace(/\)$/, '')})`);
    }
    return identityFromSeedPhrase(text);
}

interface PemBlock {
    label: string;
    body: string;
}

/** The PEM blocks of a text, or why it is not a well-formed PEM file. */
function pemBlocks(pem: string): ClientResult<PemBlock[]> {
    const out: PemBlock[] = [];
    const lines = pem.split(/\r?\n/);
    let open: { label: string; line: number; body: string[] } | undefined;
    for (let i = 0; i < lines.length; i++) {
        const line = lines[i].trim();
        const begin = /^-----BEGIN ([A-Z0-9 ]+)-----$/.exec(line);
        const end = /^-----END ([A-Z0-9 ]+)-----$/.exec(line);
        if (begin !== null) {
            if (open !== undefined) return badInput(`the PEM block ${open.label} (line ${open.line}) has no -----END ${open.label}----- line before line ${i + 1}`);
            open = { label: begin[1], line: i + 1, body: [] };
        } else if (end !== null) {
            if (open === undefined) return badInput(`line ${i + 1} ends a PEM block ${end[1]} that never began (no -----BEGIN ${end[1]}----- line: the file is cut short?)`);
            if (end[1] !== open.label) return badInput(`the PEM block ${open.label} (line ${open.line}) ends with -----END ${end[1]}----- (line ${i + 1})`);
            out.push({ label: open.label, body: open.body.join('') });
            open = undefined;
        } else if (/-----|^-+\s*(BEGIN|END)\b/.test(line)) {
            return badInput(`line ${i + 1} is not a PEM armor line (expected -----BEGIN LABEL----- or -----END LABEL-----)`);
        } else if (open !== undefined) {
            if (/^[A-Za-z-]+: /.test(line)) continue; // an RFC 1421 header (Proc-Type …), checked by the caller
            if (!/^[A-Za-z0-9+/]*={0,2}$/.test(line)) return badInput(`line ${i + 1} of the PEM block ${open.label} is not base64`);
            open.body.push(line);
        } else if (line !== '') {
            return badInput(`line ${i + 1} is outside any PEM block (a PEM file is -----BEGIN LABEL-----, base64 lines, -----END LABEL-----)`);
        }
    }
    if (open !== undefined) return badInput(`the PEM block ${open.label} (line ${open.line}) has no -----END ${open.label}----- line (the file is cut short?)`);
    if (out.length === 0) return badInput('the file mentions a PEM key but has no -----BEGIN LABEL----- … -----END LABEL----- block');
    return ok(out);
}

export function identityFromPem(pem: string): ClientResult<Identity> {
    if (/-----BEGIN ENCRYPTED PRIVATE KEY-----/.test(pem) || /Proc-Type: 4,ENCRYPTED/.test(pem)) {
        return badInput('the PEM key is encrypted; export it unencrypted (dfx identity export NAME > key.pem)');
    }
    const blocks = pemBlocks(pem);
    if (!blocks.ok) return blocks;
    const der = (b: PemBlock) => new Uint8Array(Buffer.from(b.body, 'base64'));
    const ec = blocks.value.find((b) => b.label === 'EC PRIVATE KEY');
    if (ec !== undefined) {
        const k = parseSec1(der(ec));
        return k.ok ? ok(Secp256k1KeyIdentity.fromSecretKey(k.value)) : k;
    }
    const p8 = blocks.value.find((b) => b.label === 'PRIVATE KEY');
    if (p8 !== undefined) {
        const k = parsePkcs8(der(p8));
        if (!k.ok) return k;
        return ok(k.value.curve === 'ed25519' ? Ed25519KeyIdentity.fromSecretKey(k.value.secret) : Secp256k1KeyIdentity.fromSecretKey(k.value.secret));
    }
    return badInput(`the PEM file holds ${blocks.value.map((b) => b.label).join(', ')}, not a private key (expected EC PRIVATE KEY or PRIVATE KEY)`);
}

export function identityFromSeedPhrase(text: string): ClientResult<Identity> {
    const words = text.trim().toLowerCase().split(/\s+/).filter((w) => w !== '');
    const notWord = words.findIndex((w) => !/^[a-z]+$/.test(w));
    if (notWord >= 0) return badInput(`neither a PEM key (no -----BEGIN line) nor a seed phrase (word ${notWord + 1} of ${words.length} is not made of letters a-z)`);
    if (![12, 15, 18, 21, 24].includes(words.length)) return badInput(`a seed phrase has 12, 15, 18, 21 or 24 words, this one has ${words.length}`);
    const list = bip39English();
    const unknown = words.findIndex((w) => !list.includes(w));
    if (unknown >= 0) return badInput(`the seed phrase's word ${unknown + 1} is not in the BIP-39 English word list`);
    const phrase = words.join(' ');
    if (!bip39().validateMnemonic(phrase, list)) return badInput('the seed phrase is not a valid BIP-39 English mnemonic (bad checksum: a word is wrong or out of order)');
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
function parseSec1(der: Uint8Array): ClientResult<Uint8Array> {
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
function parsePkcs8(der: Uint8Array): ClientResult<{ curve: 'ed25519' | 'secp256k1'; secret: Uint8Array }> {
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
