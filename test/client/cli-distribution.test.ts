/**
 * `emc vesting|lockup|mapping|projects` (src/cli/commands/distribution.ts) in process against an
 * embedded network kept in a state directory: the governance commands print their validate_ text,
 * refusals exit 1 with the canister's one-line reason, malformed input exits 2 before anything is
 * opened, a mapping file is loaded and its digest validated by `seal --validate-only`.
 */
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { spawnSync } from 'node:child_process';
import { Secp256k1KeyIdentity } from '@dfinity/identity-secp256k1';
import { run } from '../../src/cli/main';
import { DEVNET_EXTENSIONS } from '../../tools/devnet/cli';

const BIN = resolve(__dirname, '../../bin/emc.js');

describe('emc vesting|lockup|mapping|projects', () => {
    const dir = mkdtempSync(join(tmpdir(), 'emc-dist-'));
    const state = join(dir, 'state');
    const keyA = join(dir, 'a.pem');
    let a: string;
    const emc = async (...args: string[]) => {
        let out = '';
        let err = '';
        const code = await run([...args, '--state', state, '--identity', keyA], DEVNET_EXTENSIONS, { out: (x) => (out += x), err: (x) => (err += x), env: {} });
        return { code, out, err };
    };

    beforeAll(() => {
        const ec = generateKeyPairSync('ec', { namedCurve: 'secp256k1' }).privateKey;
        writeFileSync(keyA, ec.export({ type: 'sec1', format: 'pem' }) as string);
        a = Secp256k1KeyIdentity.fromSecretKey(new Uint8Array(Buffer.from(ec.export({ format: 'jwk' }).d as string, 'base64url'))).getPrincipal().toText();
        const init = spawnSync(process.execPath, [BIN, 'devnet', 'init', '--state', state, '--identity', keyA], { encoding: 'utf8' });
        expect(init.status).toBe(0);
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('projects: register, set status, list, history (the genesis owner governs the devnet)', async () => {
        const v = await emc('projects', 'register', 'dex', a, '--reason', 'first DEX', '--validate-only');
        expect(v).toMatchObject({ code: 0, out: expect.stringMatching(/^proposal {2}Register the ecosystem project "dex"/) });
        expect((await emc('projects', 'register', 'dex', a, '--reason', 'first DEX')).code).toBe(0);
        expect((await emc('projects', 'set-status', '0', 'quality', '--reason', 'audited', '--proposal', '4')).code).toBe(0);
        const list = await emc('projects', 'list', '--json');
        expect(JSON.parse(list.out)).toMatchObject({ ok: true, value: [{ name: 'dex', status: { quality: null }, proposal_id: ['4'] }] });
        expect(JSON.parse((await emc('projects', 'history', '0', '--json')).out).value).toHaveLength(1);
        expect(await emc('projects', 'set-status', '0', 'great', '--reason', 'x')).toMatchObject({ code: 2, err: "error: BadInput: status 'great' is none, quality or risk\n" });
        expect((await emc('projects', 'set-status', '0', 'quality', '--reason', 'again')).code).toBe(1);
    });

    it('vesting and lock-up: summaries; refusals exit 1 with the reason', async () => {
        expect(JSON.parse((await emc('vesting', 'summary', '--json')).out)).toMatchObject({ ok: true, value: { schedules: '0' } });
        expect(await emc('vesting', 'claim', '3')).toMatchObject({ code: 1, err: 'error: NotFound: no vesting schedule 3\n' });
        expect(await emc('lockup', 'lock', '100')).toMatchObject({ code: 1, err: expect.stringMatching(/WrongState: no lock-up game has started/) });
        expect(await emc('lockup', 'lock', '100', '--pool', 'C')).toMatchObject({ code: 2 });
        expect(await emc('lockup', 'start', '--budget', '1000', '--output', '100', '--periods', '13', '--reason', 'x')).toMatchObject({ code: 2 });
    });

    it('mapping: create, load a file, seal --validate-only checks count and SHA-256', async () => {
        const file = join(dir, 'entries.csv');
        writeFileSync(file, `# account,source\n${a},500000000\naaaaa-aa,7\n`);
        expect((await emc('mapping', 'create', 'old-token', '--rate', '1/2', '--dust', '10', '--window', '30d', '--reason', 'map 2:1')).code).toBe(0);
        expect(JSON.parse((await emc('mapping', 'load', '0', file, '--json')).out)).toMatchObject({ ok: true, value: { entries: '2', dust_source: '7' } });
        const sealed = await emc('mapping', 'seal', '0', file, '--validate-only');
        expect(sealed).toMatchObject({ code: 0, out: expect.stringMatching(/^proposal {2}Seal mapping 0 \("old-token"\): 2 entries, SHA-256 [0-9a-f]{64}/) });
        writeFileSync(file, `${a},500000001\naaaaa-aa,7\n`);
        expect(await emc('mapping', 'seal', '0', file, '--validate-only')).toMatchObject({ code: 1, err: expect.stringMatching(/Invalid: the entries' SHA-256 is/) });
        expect(JSON.parse((await emc('mapping', 'entry', '0', '--json')).out)).toMatchObject({ ok: true, value: { source: '500000000', mapped: '250000000', dust: false, claimed: false } });
    });
});
