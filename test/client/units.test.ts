/**
 * The client's plain parts: amounts, ICRC-1 account texts (checked against @dfinity/ledger-icrc),
 * identities from PEM files of both kinds and from seed phrases (keys generated here), failure
 * classification for retries, the argument parser, and the checked-in Candid files.
 */
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { CertifiedRejectErrorCode, HttpErrorCode, HttpFetchErrorCode, RejectError, TransportError } from '@dfinity/agent';
import { Ed25519KeyIdentity } from '@dfinity/identity';
import { Secp256k1KeyIdentity } from '@dfinity/identity-secp256k1';
import { decodeIcrcAccount, encodeIcrcAccount } from '@dfinity/ledger-icrc';
import { Principal } from '@dfinity/principal';
import { formatAccount, parseAccount } from '../../src/client/account';
import { identityFromBytes, identityFromPem, identityFromSeedPhrase, loadIdentity } from '../../src/client/identity';
import { parseAmount } from '../../src/client/amount';
import { emc } from '../../src/client/format/display';
import { exitCodeOf } from '../../src/cli/exit-codes';
import { toJson } from '../../src/client/format/json';
import { classifyFailure } from '../../src/client/errors/transport';
import { LedgerClient } from '../../src/client/ledger';
import { parseArgs } from '../../src/cli/commands/args';

const ROOT = resolve(__dirname, '..', '..');

describe('amounts', () => {
    it('parses EMC with up to 8 decimals into e8s, never through floating point', () => {
        expect(parseAmount('1.5')).toEqual({ ok: true, value: 150_000_000n });
        expect(parseAmount('1000000')).toEqual({ ok: true, value: 100_000_000_000_000n });
        expect(parseAmount('0.00000001')).toEqual({ ok: true, value: 1n });
        expect(parseAmount('.5')).toEqual({ ok: true, value: 50_000_000n });
        expect(parseAmount('1_000.25')).toEqual({ ok: true, value: 100_025_000_000n });
        expect(parseAmount('150000000e8s')).toEqual({ ok: true, value: 150_000_000n });
        expect(parseAmount('92233720368.54775808')).toEqual({ ok: true, value: 9_223_372_036_854_775_808n });
        for (const bad of ['', '-1', '1e3', '1.', 'abc', '0x10', '1.2.3']) expect(parseAmount(bad)).toMatchObject({ ok: false, error: { kind: 'BadInput' } });
        expect(parseAmount('0.123456789')).toEqual({ ok: false, error: { kind: 'BadInput', message: "BadInput: amount '0.123456789' has more than 8 decimals (1 e8s = 0.00000001 EMC)" } });
    });

    it('formats e8s as EMC', () => {
        expect(emc(150_000_000n)).toBe('1.5 EMC');
        expect(emc(200_010_000n)).toBe('2.0001 EMC');
        expect(emc(0n)).toBe('0 EMC');
        expect(emc(1n)).toBe('0.00000001 EMC');
    });

    it('prints JSON with bigints as strings, principals as text, bytes as hex', () => {
        expect(toJson({ a: 1n, p: Principal.fromText('aaaaa-aa'), b: new Uint8Array([1, 255]), n: [2n] })).toBe('{"a":"1","p":"aaaaa-aa","b":"01ff","n":["2"]}');
    });
});

describe('ICRC-1 account texts', () => {
    const owner = Principal.fromText('k2t6j-2nvnp-4zjm3-25dtz-6xhaa-c7boj-5gayf-oj3xs-i43lp-teztq-6ae');

    it('round-trips with @dfinity/ledger-icrc’s encoding', () => {
        for (const sub of [undefined, new Uint8Array(32).fill(0), Uint8Array.from({ length: 32 }, (_, i) => i), new Uint8Array(32).fill(0).map((_, i) => (i === 31 ? 1 : 0))]) {
            const theirs = encodeIcrcAccount({ owner: owner as never, subaccount: sub });
            expect(formatAccount({ owner, subaccount: sub })).toBe(theirs);
            const mine = parseAccount(theirs);
            expect(mine.ok).toBe(true);
            if (!mine.ok) continue;
            const back = decodeIcrcAccount(theirs);
            expect(mine.value.owner.toText()).toBe(back.owner.toText());
            expect(Buffer.from(mine.value.subaccount ?? new Uint8Array(32)).equals(Buffer.from(back.subaccount ?? new Uint8Array(32)))).toBe(true);
        }
    });

    it('refuses malformed texts with one-line reasons', () => {
        const good = encodeIcrcAccount({ owner: owner as never, subaccount: Uint8Array.from({ length: 32 }, (_, i) => i) });
        const bad = good.replace(/-([a-z2-7]{7})\./, (_m, c: string) => `-${c[0] === 'a' ? 'b' : 'a'}${c.slice(1)}.`);
        expect(parseAccount(bad)).toEqual({ ok: false, error: { kind: 'BadInput', message: `BadInput: malformed account '${bad}': wrong checksum` } });
        expect(parseAccount('not-a-principal')).toEqual({ ok: false, error: { kind: 'BadInput', message: "BadInput: malformed account 'not-a-principal': not a principal (its checksum does not match)" } });
        expect(parseAccount(`${owner.toText()}-abcdefg.01`)).toMatchObject({ ok: false, error: { message: expect.stringContaining('leading zeros') } });
        expect(parseAccount(`${owner.toText()}-abcdefg.xyz`)).toMatchObject({ ok: false, error: { message: expect.stringContaining('hex digits') } });
        expect(parseAccount('')).toMatchObject({ ok: false, error: { kind: 'BadInput' } });
    });
});

describe('identities', () => {
    const dir = mkdtempSync(join(tmpdir(), 'emc-identity-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('loads a secp256k1 EC PRIVATE KEY (as dfx identity export writes it), also after an EC PARAMETERS block', () => {
        const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'secp256k1' });
        const pem = privateKey.export({ type: 'sec1', format: 'pem' }) as string;
        const d = Buffer.from(privateKey.export({ format: 'jwk' }).d as string, 'base64url');
        const expected = Secp256k1KeyIdentity.fromSecretKey(new Uint8Array(d)).getPrincipal().toText();
        writeFileSync(join(dir, 'ec.pem'), pem);
        const r = loadIdentity(join(dir, 'ec.pem'));
        expect(r.ok && r.value.getPrincipal().toText()).toBe(expected);
        const withParams = `-----BEGIN EC PARAMETERS-----\nBgUrgQQACg==\n-----END EC PARAMETERS-----\n${pem}`;
        const p = identityFromPem(withParams);
        expect(p.ok && p.value.getPrincipal().toText()).toBe(expected);
        // the same key as PKCS#8
        const p8 = identityFromPem(privateKey.export({ type: 'pkcs8', format: 'pem' }) as string);
        expect(p8.ok && p8.value.getPrincipal().toText()).toBe(expected);
    });

    it('loads an Ed25519 PRIVATE KEY, in PKCS#8 v1 and in dfx’s older v2 form with the public key', () => {
        const { privateKey } = generateKeyPairSync('ed25519');
        const jwk = privateKey.export({ format: 'jwk' });
        const seed = Buffer.from(jwk.d as string, 'base64url');
        const pub = Buffer.from(jwk.x as string, 'base64url');
        const expected = Ed25519KeyIdentity.fromSecretKey(new Uint8Array(seed)).getPrincipal().toText();
        const v1 = identityFromPem(privateKey.export({ type: 'pkcs8', format: 'pem' }) as string);
        expect(v1.ok && v1.value.getPrincipal().toText()).toBe(expected);
        const der = Buffer.concat([Buffer.from('3053020101300506032b657004220420', 'hex'), seed, Buffer.from('a123032100', 'hex'), pub]);
        const v2 = identityFromPem(`-----BEGIN PRIVATE KEY-----\n${der.toString('base64')}\n-----END PRIVATE KEY-----\n`);
        expect(v2.ok && v2.value.getPrincipal().toText()).toBe(expected);
    });

    it('refuses other curves, encrypted keys and garbage', () => {
        const p256 = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey.export({ type: 'sec1', format: 'pem' }) as string;
        expect(identityFromPem(p256)).toMatchObject({ ok: false, error: { message: expect.stringContaining('not secp256k1') } });
        expect(identityFromPem('-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----')).toMatchObject({ ok: false, error: { message: expect.stringContaining('encrypted') } });
        expect(identityFromPem('-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----')).toMatchObject({ ok: false, error: { kind: 'BadInput' } });
        expect(loadIdentity(join(dir, 'missing.pem'))).toMatchObject({ ok: false, error: { message: expect.stringContaining('ENOENT') } });
    });

    it('derives a seed phrase as Secp256k1KeyIdentity.fromSeedPhrase, and checks the BIP-39 checksum', () => {
        const phrase = `${'abandon '.repeat(11)}about`;
        writeFileSync(join(dir, 'seed.txt'), `${phrase}\n`);
        const r = loadIdentity(join(dir, 'seed.txt'));
        expect(r.ok && r.value.getPrincipal().toText()).toBe(Secp256k1KeyIdentity.fromSeedPhrase(phrase).getPrincipal().toText());
        expect(identityFromSeedPhrase(`${'abandon '.repeat(12)}`.trim())).toMatchObject({ ok: false, error: { message: expect.stringContaining('checksum') } });
        expect(identityFromSeedPhrase('one two three')).toMatchObject({ ok: false, error: { message: expect.stringContaining('12, 15, 18, 21 or 24 words') } });
    });
});

describe('identity files that are not keys (issue 12, defect 12c)', () => {
    it('says what the file is, and never repeats its words or key bytes', () => {
        const phrase = 'legal winner thank year wave sausage worth useful legal winner thank yellow';
        const cases: [string | Uint8Array, RegExp][] = [
            ['', /^BadInput: the file is empty: /],
            [new Uint8Array([0x30, 0x82, 0x01, 0x00, 0xff]), /DER-encoded key/],
            [new Uint8Array([0x00, 0x01, 0x02]), /^BadInput: the file is binary, not text \(3 bytes\)/],
            ['-----BEGIN EC PRIVATE KEY-----\nMHQCAQEEIA==\n', /has no -----END EC PRIVATE KEY----- line \(the file is cut short\?\)/],
            ['-----END EC PRIVATE KEY-----\n', /ends a PEM block EC PRIVATE KEY that never began/],
            ['-----BEGIN PRIVATE KEY-----\nMC4CAQ==\n-----END EC PRIVATE KEY-----\n', /ends with -----END EC PRIVATE KEY-----/],
            ['-----BEGIN CERTIFICATE-----\nMC4CAQ==\n-----END CERTIFICATE-----\n', /holds CERTIFICATE, not a private key/],
            ['----BEGIN PRIVATE KEY----\nMC4CAQ==\n', /line 1 is not a PEM armor line/],
            ['ab'.repeat(32), /32 bytes of hex \(a raw key\?\)/],
            ['MHQCAQEEIGq3xH0k5l2m9vJv1eB7y2x0c2F0b3NoaSBuYWthbW90bw==', /base64 body of a PEM key without its -----BEGIN/],
            ['hello world', /^BadInput: neither a PEM key \(no -----BEGIN … PRIVATE KEY----- line\) nor a seed phrase \(a seed phrase has 12, 15, 18, 21 or 24 words, this one has 2\)$/],
            [phrase.replace('yellow', 'yellowish'), /^BadInput: the seed phrase's word 12 is not in the BIP-39 English word list$/],
            [phrase.replace('yellow', 'thank'), /bad checksum/],
        ];
        for (const [content, why] of cases) {
            const r = identityFromBytes(typeof content === 'string' ? new TextEncoder().encode(content) : content);
            expect({ content, ok: r.ok }).toEqual({ content, ok: false });
            if (r.ok) continue;
            expect(r.error.message).toMatch(why);
            for (const secret of ['yellowish', 'sausage', 'MHQCAQEE', 'ababab']) expect(r.error.message).not.toContain(secret);
        }
        expect(identityFromBytes(new TextEncoder().encode(`${phrase}\n`)).ok).toBe(true);
    });
});

describe('a transfer of 0 (issue 12, defect 12d)', () => {
    it('is refused before anything is sent unless allowZero asks for it', async () => {
        let calls = 0;
        const agent = new Proxy({}, { get: () => () => { calls += 1; throw new Error('nothing may be sent'); } });
        const ledger = new LedgerClient({ agent: agent as never, canisterId: Principal.fromText('vhljx-suaaa-aaaab-aaaba-cai'), now: () => 1n, retries: 0 });
        expect(await ledger.transfer({ to: { owner: Principal.fromText('aaaaa-aa') }, amount: 0n })).toEqual({ ok: false, error: { kind: 'BadInput', message: 'BadInput: a transfer of 0 EMC moves nothing and still costs the ledger fee (allowZero: true sends it anyway)' } });
        expect(calls).toBe(0);
    });
});

describe('failure classification (what may be retried)', () => {
    const fetchErr = (code: string) => TransportError.fromCode(new HttpFetchErrorCode(Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error(code), { code }) })));
    const reject = (code: number) => RejectError.fromCode(new CertifiedRejectErrorCode(new Uint8Array(32) as never, code as never, 'text', 'IC0000'));

    it('sorts failures into not executed, unknown and definite', () => {
        expect(classifyFailure(fetchErr('ECONNREFUSED'))?.cls).toBe('notExecuted');
        expect(classifyFailure(fetchErr('ECONNRESET'))?.cls).toBe('unknown');
        expect(classifyFailure(reject(2))?.cls).toBe('notExecuted');
        expect(classifyFailure(reject(6))?.cls).toBe('unknown');
        expect(classifyFailure(reject(5))?.cls).toBe('definite');
        expect(classifyFailure(reject(3))?.cls).toBe('definite');
        expect(classifyFailure(TransportError.fromCode(new HttpErrorCode(429, 'Too Many Requests', [])))?.cls).toBe('notExecuted');
        expect(classifyFailure(TransportError.fromCode(new HttpErrorCode(503, 'Service Unavailable', [])))?.cls).toBe('notExecuted');
        expect(classifyFailure(TransportError.fromCode(new HttpErrorCode(502, 'Bad Gateway', [])))?.cls).toBe('unknown');
        expect(classifyFailure(TransportError.fromCode(new HttpErrorCode(400, 'Bad Request', [])))?.cls).toBe('definite');
        expect(classifyFailure(new Error('a bug'))).toBeUndefined();
    });

    it('maps error kinds to the CLI’s exit codes', () => {
        expect(exitCodeOf({ kind: 'BadInput', message: '' })).toBe(2);
        expect(exitCodeOf({ kind: 'Transport', message: '' })).toBe(3);
        expect(exitCodeOf({ kind: 'UnknownOutcome', message: '' })).toBe(3);
        expect(exitCodeOf({ kind: 'InsufficientFunds', message: '' })).toBe(1);
        expect(exitCodeOf({ kind: 'Rejected', message: '' })).toBe(1);
    });
});

describe('argument parser', () => {
    const specs = [{ name: 'json', help: '' }, { name: 'days', value: 'N', help: '' }, { name: 'poc', value: 'P', help: '', multiple: true }];

    it('takes flags anywhere, --name=value, repeated flags, and -- before positionals', () => {
        const r = parseArgs(['a', '--days', '30', '--json', '--poc=x', 'b', '--poc', 'y', '--', '--not-a-flag'], specs);
        expect(r.ok && { pos: r.value.positional, days: r.value.flags.get('days'), poc: r.value.flags.get('poc'), json: r.value.switches.has('json') }).toEqual({ pos: ['a', 'b', '--not-a-flag'], days: ['30'], poc: ['x', 'y'], json: true });
    });

    it('refuses unknown flags, missing values, repeated single flags and values on switches', () => {
        expect(parseArgs(['--nope'], specs)).toMatchObject({ ok: false, error: { message: "BadInput: unknown option '--nope' (see --help)" } });
        expect(parseArgs(['--days'], specs)).toMatchObject({ ok: false, error: { message: 'BadInput: --days needs a value (N)' } });
        expect(parseArgs(['--days', '1', '--days', '2'], specs)).toMatchObject({ ok: false, error: { message: 'BadInput: --days is given twice' } });
        expect(parseArgs(['--json=1'], specs)).toMatchObject({ ok: false, error: { message: 'BadInput: --json takes no value' } });
    });
});

describe('checked-in Candid interfaces', () => {
    it.each(['emc_ledger', 'emc_protocol'])('candid/%s.did is exactly what `npm run build` emits', (name) => {
        const built = join(ROOT, '.azle', name, `${name}.did`);
        let emitted: string;
        try {
            emitted = readFileSync(built, 'utf8');
        } catch {
            throw new Error(`${built} is missing: run \`npm run build\` first`);
        }
        expect(readFileSync(join(ROOT, 'candid', `${name}.did`), 'utf8')).toBe(emitted);
    });
});
