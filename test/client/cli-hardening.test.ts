/**
 * Issue 12, defects 10–12, as a new operator meets them: the real `bin/emc.js` as a child process
 * on an embedded network that `emc devnet init` created. After every refused command the ledger's
 * books are read again (the caller's balance, its allowance for the protocol, and the state
 * files): a refused command sends nothing and costs nothing.
 */
import { spawnSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Ed25519KeyIdentity } from '@dfinity/identity';
import { Secp256k1KeyIdentity } from '@dfinity/identity-secp256k1';
import { EmbeddedNetwork } from '../../src/client/embedded';
import { LedgerClient } from '../../src/client/ledger';
import { unwrap } from '../../src/client/result';
import { Principal } from '@dfinity/principal';

const BIN = resolve(__dirname, '..', '..', 'bin', 'emc.js');
const E8S = 100_000_000n;
const FEE = 100_000n;
const PROTOCOL = 'voicl-e4aaa-aaaab-aaaaq-cai';

interface Ran {
    code: number;
    out: string;
    err: string;
}

describe('emc as a new operator uses it (issue 12: defects 10, 11, 12)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'emc-hardening-'));
    const state = join(dir, 'net');
    const keyA = join(dir, 'a.pem'); // secp256k1: the genesis owner and governance
    const keyB = join(dir, 'b.pem'); // Ed25519
    let a: string;
    let b: string;

    const emc = (args: string[], opts: { state?: string | null; identity?: string | null } = {}): Ran => {
        const st = opts.state === undefined ? state : opts.state;
        const id = opts.identity === undefined ? keyA : opts.identity;
        const r = spawnSync(process.execPath, [BIN, ...args, ...(st === null ? [] : ['--state', st]), ...(id === null ? [] : ['--identity', id])], { encoding: 'utf8', env: { ...process.env, EMC_RETRY_DELAY_MS: '0' } });
        return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
    };
    /** The ledger's books as the test reads them itself (the saved network, opened and closed without saving). */
    const books = async (who = a): Promise<{ balance: bigint; allowance: bigint }> => {
        const net = await EmbeddedNetwork.open(state);
        try {
            const ledger = new LedgerClient({ agent: net.agent() as never, canisterId: net.ledgerId, now: () => net.now() });
            const owner = Principal.fromText(who);
            return { balance: unwrap(await ledger.balance({ owner })), allowance: unwrap(await ledger.allowance({ account: { owner }, spender: { owner: Principal.fromText(PROTOCOL) } })).allowance };
        } finally {
            await net.close(false);
        }
    };
    const stateFiles = (d = state) => Object.fromEntries(readdirSync(d).map((f) => [f, readFileSync(join(d, f)).toString('base64')]));

    beforeAll(() => {
        const ec = generateKeyPairSync('ec', { namedCurve: 'secp256k1' }).privateKey;
        writeFileSync(keyA, ec.export({ type: 'sec1', format: 'pem' }) as string);
        a = Secp256k1KeyIdentity.fromSecretKey(new Uint8Array(Buffer.from(ec.export({ format: 'jwk' }).d as string, 'base64url'))).getPrincipal().toText();
        const ed = generateKeyPairSync('ed25519').privateKey;
        writeFileSync(keyB, ed.export({ type: 'pkcs8', format: 'pem' }) as string);
        b = Ed25519KeyIdentity.fromSecretKey(new Uint8Array(Buffer.from(ed.export({ format: 'jwk' }).d as string, 'base64url'))).getPrincipal().toText();
        const init = emc(['devnet', 'init']);
        if (init.code !== 0) throw new Error(`emc devnet init failed: ${init.err}`);
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    describe('defect 12 (a, b): only emc devnet creates a network; a mistyped or damaged --state is refused cleanly', () => {
        it('a missing, empty or foreign directory is refused with exit 2 and left as it was; emc devnet init refuses a directory that holds a network', () => {
            const typo = join(dir, 'nte');
            for (const args of [['ledger', 'balance'], ['ledger', 'transfer', b, '1']]) {
                const r = emc(args, { state: typo });
                expect(r).toEqual({ code: 2, out: '', err: `error: BadInput: no emc network at ${typo}: the directory does not exist (check the path; networks are created by \`emc devnet --state DIR\` (a whole devnet) or \`emc devnet init --state DIR --identity PATH\` (a genesis only))\n` });
                expect(existsSync(typo)).toBe(false);
            }
            const empty = join(dir, 'empty');
            mkdirSync(empty);
            expect(emc(['ledger', 'balance'], { state: empty })).toMatchObject({ code: 2, out: '', err: expect.stringMatching(/^error: BadInput: no emc network in .*empty: the directory is empty \(/) });
            expect(readdirSync(empty)).toEqual([]);
            expect(emc(['ledger', 'balance'], { state: dir })).toMatchObject({ code: 2, err: expect.stringMatching(/is not an emc state directory: it has no network.json \(check the path/) });
            const before = stateFiles();
            expect(emc(['devnet', 'init'])).toEqual({ code: 2, out: '', err: `error: BadInput: ${state} already holds an emc network; it was left as it is (a new network needs a missing or empty directory)\n` });
            expect(stateFiles()).toEqual(before);
        });

        it('a --state that is a file is bad input (exit 2); a truncated or corrupt saved network is BadState (exit 4), one line, no stack, nothing written', () => {
            expect(emc(['ledger', 'balance'], { state: keyA })).toEqual({ code: 2, out: '', err: `error: BadInput: ${keyA} is a file, not an emc state directory (a directory with network.json)\n` });
            const copy = (name: string, damage: (d: string) => void) => {
                const d = join(dir, name);
                cpSync(state, d, { recursive: true });
                damage(d);
                return d;
            };
            const truncated = copy('truncated', (d) => writeFileSync(join(d, 'emc_ledger.stable'), readFileSync(join(d, 'emc_ledger.stable')).subarray(0, 100_000)));
            const badJson = copy('badjson', (d) => writeFileSync(join(d, 'network.json'), '{"format":1,'));
            const trapping = copy('trapping', (d) => {
                const f = readFileSync(join(d, 'emc_protocol.stable'));
                f.fill(0xff, 20, 60_000);
                writeFileSync(join(d, 'emc_protocol.stable'), f);
            });
            for (const [d, what] of [
                [truncated, /^error: BadState: cannot load emc_ledger: .*emc_ledger\.stable is truncated: 100000 bytes, page 2 of \d+ ends at byte 131096; the network was not opened and nothing was written \(restore the directory from a copy\)\n$/],
                [badJson, /^error: BadState: .*network\.json is unreadable: .*JSON.*; the network was not opened and nothing was written/],
                [trapping, /^error: BadState: emc_protocol could not be loaded from .*emc_protocol\.stable \(its post_upgrade failed\): .*; the network was not opened/],
            ] as const) {
                const before = stateFiles(d);
                const r = emc(['ledger', 'balance'], { state: d });
                expect({ code: r.code, out: r.out }).toEqual({ code: 4, out: '' });
                expect(r.err).toMatch(what);
                expect(r.err.split('\n')).toHaveLength(2); // one line: no stack
                expect(stateFiles(d)).toEqual(before);
            }
            const j = emc(['ledger', 'balance', '--json'], { state: truncated });
            expect(j.code).toBe(4);
            expect(JSON.parse(j.out)).toMatchObject({ ok: false, error: { kind: 'BadState' } });
        });
    });

    describe('defect 12 (c): a key file that is not a key says what it is', () => {
        it('tells garbage, a cut-short PEM, a bare base64 body, a binary file and a public key apart from a seed phrase', () => {
            const pem = readFileSync(keyA, 'utf8');
            const lines = pem.trim().split('\n');
            const files: [string, string | Buffer, string][] = [
                ['garbage.pem', 'garbage\n', 'named .pem but neither a PEM key (no -----BEGIN … PRIVATE KEY----- line) nor a seed phrase (a seed phrase has 12, 15, 18, 21 or 24 words, this one has 1)'],
                ['cut.pem', lines.slice(0, 3).join('\n'), 'the PEM block EC PRIVATE KEY (line 1) has no -----END EC PRIVATE KEY----- line (the file is cut short?)'],
                ['body.pem', lines.slice(1, -1).join('\n'), 'the file looks like the base64 body of a PEM key without its -----BEGIN … PRIVATE KEY----- and -----END … PRIVATE KEY----- lines (cut short?): expected a PEM key (dfx identity export NAME > key.pem) or a BIP-39 seed-phrase file'],
                ['key.der', Buffer.from(lines.slice(1, -1).join(''), 'base64'), 'the file is binary, not text: it looks like a DER-encoded key; expected a PEM key (dfx identity export NAME > key.pem) or a BIP-39 seed-phrase file (convert it: openssl pkey -inform DER -in FILE -out key.pem)'],
                ['public.pem', generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }) as string, 'the PEM file holds PUBLIC KEY, not a private key (expected EC PRIVATE KEY or PRIVATE KEY)'],
                ['mangled.pem', pem.replace(/\n([A-Za-z0-9+/]{10})/, '\n$1!'), 'line 2 of the PEM block EC PRIVATE KEY is not base64'],
            ];
            for (const [name, content, why] of files) {
                writeFileSync(join(dir, name), content);
                const r = emc(['ledger', 'transfer', b, '1'], { identity: join(dir, name) });
                expect({ name, ...r }).toEqual({ name, code: 2, out: '', err: `error: BadInput: ${join(dir, name)}: ${why}\n` });
            }
        });
    });

});
