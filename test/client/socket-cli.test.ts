/**
 * `emc socket …` (spec §12) as a child process (bin/emc.js) on an embedded network in a state
 * directory: help and exit codes, bad input refused before the network is opened (exit 2), a
 * transfer of a socket the caller does not hold refused before sending (exit 2), the canister's
 * refusals as the standards' named errors (exit 1), and --json answers.
 */
import { run } from '../../src/cli/main';
import { DEVNET_EXTENSIONS } from '../../tools/devnet/cli';
import { cliOnDevnet } from '../helpers/cli-devnet';

const OTHER = 'aaaaa-aa';

describe('emc socket (bin/emc.js) on an embedded network', () => {
    const { emc, init, cleanup } = cliOnDevnet('emc-socket-');

    beforeAll(() => {
        expect(init()).toBe(0);
    }, 120_000);
    afterAll(cleanup);

    it('lists the socket group and its commands in the help (exit 0)', async () => {
        let out = '';
        expect(await run(['socket', '--help'], DEVNET_EXTENSIONS, { out: (s) => (out += s), err: () => {}, env: {} })).toBe(0);
        expect(out).toContain('emc socket COMMAND');
        for (const c of ['list', 'show', 'transfer', 'approve', 'revoke']) expect(out).toContain(c);
    });

    it('refuses bad input with exit 2 before opening the network', () => {
        const bad = [
            ['socket', 'show', 'x'], ['socket', 'show', '-1'], ['socket', 'transfer', '1'], ['socket', 'transfer', '1', 'not-an-account'],
            ['socket', 'transfer', '1', OTHER, '--memo', 'x'.repeat(33)], ['socket', 'transfer', '1', OTHER, '--from-subaccount', 'zz'],
            ['socket', 'approve', OTHER], ['socket', 'approve', OTHER, '1', '--collection'], ['socket', 'approve', OTHER, '1', '--expires-in', 'soon'],
            ['socket', 'revoke'], ['socket', 'list', '--take', '501'], ['socket', 'list', '--after', 'y'],
        ];
        for (const args of bad) {
            const r = emc([...args, '--json']);
            expect([args.join(' '), r.code, r.json.error.kind]).toEqual([args.join(' '), 2, 'BadInput']);
        }
    });

    it('refuses a transfer of a socket the caller does not hold before sending it (exit 2)', () => {
        const r = emc(['socket', 'transfer', '0', OTHER, '--json']);
        expect(r.code).toBe(2);
        expect(r.json.error).toMatchObject({ kind: 'NonExistingTokenId', checkedBeforeSending: true });
    });

    it('reads the collection and answers the standards’ errors (exit 1)', () => {
        expect(emc(['socket', 'list', '--json']).json).toEqual({ ok: true, value: [] });
        expect(emc(['socket', 'list', '--all']).out.trim()).toBe('no sockets');
        const show = emc(['socket', 'show', '7', '--json']);
        expect([show.code, show.json.error.kind]).toEqual([1, 'NonExistingTokenId']);
        const revoke = emc(['socket', 'revoke', '7', '--json']);
        expect([revoke.code, revoke.json.error.kind]).toEqual([1, 'NonExistingTokenId']);
        const coll = emc(['socket', 'approve', OTHER, '--collection', '--json']);
        expect([coll.code, coll.json.error.kind]).toEqual([1, 'GenericError']);
        expect(coll.json.error.message).toMatch(/hold a socket \(code 5\)/);
        const none = emc(['socket', 'revoke', '--collection', '--json']);
        expect([none.code, none.json.error.kind]).toEqual([1, 'ApprovalDoesNotExist']);
    });
});
