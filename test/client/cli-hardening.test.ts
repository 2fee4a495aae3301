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
import { EmbeddedNetwork } from '../../tools/devnet/embedded-network';
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

    describe('defect 10: an amount with a decimal comma is refused before anything is sent', () => {
        it('1,5 and 0,001 (which sent 15 EMC and 1 EMC) and 1,500 exit 2 and open nothing; 1,500.5 is 1500.5 EMC', async () => {
            const before = stateFiles();
            const booksB = await books(b);
            for (const [amount, why] of [
                ['1,5', "amount '1,5' uses ',' as a decimal mark: the decimal point is '.' (write 1.5); ',' only separates groups of three digits, as in 1,000,000"],
                ['0,001', "amount '0,001' uses ',' as a decimal mark: the decimal point is '.' (write 0.001); ',' only separates groups of three digits, as in 1,000,000"],
                ['1,500', "amount '1,500' is ambiguous: with ',' as a thousands separator it is 1500 EMC, with ',' as a decimal mark 1.5 EMC; write 1500 (or 1,500.0) or 1.5"],
            ]) {
                expect(emc(['ledger', 'transfer', b, amount])).toEqual({ code: 2, out: '', err: `error: BadInput: AMOUNT: ${why}\n` });
            }
            expect(stateFiles()).toEqual(before); // never opened: nothing sent
            expect(await books(b)).toEqual(booksB);
            expect(emc(['ledger', 'transfer', b, '1,500.5'])).toMatchObject({ code: 0, out: expect.stringMatching(new RegExp(`^sent 1500\\.5 EMC to ${b} \\(block \\d+\\)\\n$`)) });
            expect((await books(b)).balance).toBe(booksB.balance + 150_050_000_000n);
        });
    });

    describe('defect 12 (d, e): zero transfers and capped approvals', () => {
        it('a transfer of 0 EMC is refused (exit 2, no fee) unless --allow-zero asks for it', async () => {
            const before = await books();
            expect(emc(['ledger', 'transfer', b, '0'])).toEqual({ code: 2, out: '', err: 'error: BadInput: AMOUNT is 0: a transfer of 0 EMC moves nothing and still costs the ledger fee; give --allow-zero if that is what you want\n' });
            expect(emc(['ledger', 'transfer', b, '0.00000000'])).toMatchObject({ code: 2 });
            expect(await books()).toEqual(before);
            expect(emc(['ledger', 'transfer', b, '0', '--allow-zero', '--memo', 'ping'])).toMatchObject({ code: 0, out: expect.stringMatching(/^sent 0 EMC to /) });
            expect((await books()).balance).toBe(before.balance - FEE);
        });

        it('an approval above 2^64 − 1 e8s prints what the ledger recorded (its cap), not the amount asked for', () => {
            const r = emc(['ledger', 'approve', b, '300000000000']);
            expect(r).toMatchObject({ code: 0, err: '' });
            expect(r.out).toMatch(new RegExp(`^approved ${b} for 184467440737\\.09551615 EMC \\(requested 300000000000 EMC; the ledger recorded its cap, 2\\^64 − 1 e8s\\) \\(block \\d+\\)\\n$`));
            const j = emc(['ledger', 'approve', b, '300000000000', '--json']);
            expect(JSON.parse(j.out).value).toMatchObject({ amount: (2n ** 64n - 1n).toString(), requested: (300_000_000_000n * E8S).toString() });
            expect(emc(['ledger', 'approve', b, '2.5']).out).toMatch(new RegExp(`^approved ${b} for 2\\.5 EMC \\(block \\d+\\)\\n$`));
        });
    });

    describe('defect 11: a stake the protocol would refuse is refused before any approval (exit 2), and costs nothing', () => {
        /** Runs a command that must be refused before sending; the books must not move. */
        const refusedBeforeSending = async (args: string[], kind: string, message: RegExp | string, identity = keyA) => {
            const before = await books(identity === keyA ? a : b);
            const r = emc(args, { identity });
            expect({ args, code: r.code, out: r.out }).toEqual({ args, code: 2, out: '' });
            expect(r.err).toMatch(new RegExp(`^error: ${kind}: `));
            if (typeof message === 'string') expect(r.err).toBe(`error: ${kind}: ${message}; nothing was sent\n`);
            else expect(r.err).toMatch(message);
            expect({ args, books: await books(identity === keyA ? a : b) }).toEqual({ args, books: before });
        };

        it('registrations and applications: minimum stake and term per type, compute lock periods and minimum (from protocol_params)', async () => {
            await refusedBeforeSending(['node', 'register', 'r1', '--type', 'router', '--stake', '1', '--days', '180'], 'StakeTooLow', "a router's stake is at least 100000 EMC (protocol parameter router_min_stake_e8s), not 1 EMC");
            await refusedBeforeSending(['node', 'register', 'r1', '--type', 'router', '--stake', '100000', '--days', '30'], 'TermTooShort', "a router's stake locks for at least 180 days (protocol parameter router_min_term_days), not 30");
            await refusedBeforeSending(['node', 'register', 'c1', '--stake', '100', '--days', '8'], 'LockPeriodNotOffered', 'a compute stake locks for one of 7, 30, 90, 180 days (protocol parameter compute_multipliers), not 8');
            await refusedBeforeSending(['node', 'register', 'c1', '--stake', '0.001', '--days', '30'], 'StakeTooLow', "a compute node's stake is at least 0.01000001 EMC (protocol bound compute_min_stake_e8s), not 0.001 EMC");
            await refusedBeforeSending(['validator', 'apply', 'v1', '--stake', '999999.99999999'], 'StakeTooLow', "a validator's stake is at least 1000000 EMC (protocol parameter validator_min_stake_e8s), not 999999.99999999 EMC");
            await refusedBeforeSending(['validator', 'apply', 'v1', '--days', '359'], 'TermTooShort', "a validator's stake locks for at least 360 days (protocol parameter validator_min_term_days), not 359");
            // The rule comes from the canister's parameters: governance raises the router minimum, the check follows.
            expect(emc(['gov', 'update-params', '--router-min-stake', '150000']).code).toBe(0);
            await refusedBeforeSending(['node', 'register', 'r1', '--type', 'router', '--stake', '120000', '--days', '180'], 'StakeTooLow', "a router's stake is at least 150000 EMC (protocol parameter router_min_stake_e8s), not 120000 EMC");
            expect(emc(['gov', 'update-params', '--router-min-stake', '100000']).code).toBe(0);
            // --json: the canister's error case, marked as found before sending.
            const j = emc(['node', 'register', 'r1', '--type', 'router', '--stake', '1', '--days', '180', '--json']);
            expect(j.code).toBe(2);
            expect(JSON.parse(j.out)).toEqual({ ok: false, error: { kind: 'StakeTooLow', message: expect.stringMatching(/^StakeTooLow: /), checkedBeforeSending: true } });
        });

        it('stake, top-up and renew: node type and status, top-up > 0, renewal rules, id taken, balance, pause', async () => {
            expect(emc(['node', 'register', 'c1']).code).toBe(0); // unstaked: no approval, no fee
            const router = emc(['node', 'register', 'r1', '--type', 'router', '--stake', '100000', '--days', '180']);
            expect(router.code).toBe(0);
            await refusedBeforeSending(['node', 'stake', 'c1', '100', '--days', '8'], 'LockPeriodNotOffered', 'a compute stake locks for one of 7, 30, 90, 180 days (protocol parameter compute_multipliers), not 8');
            await refusedBeforeSending(['node', 'top-up', 'c1', '5'], 'NoStake', 'node "c1" has no stake to top up (a compute node stakes with `emc node stake`)');
            await refusedBeforeSending(['node', 'renew', 'c1', '--days', '30', '--top-up', '5'], 'NoStake', 'node "c1" cannot renew: it has no stake term');
            await refusedBeforeSending(['node', 'stake', 'r1', '5', '--days', '30'], 'NotComputeNode', 'node "r1" is a router: only compute nodes stake separately (validators and routers stake when they register, then renew or top up)');
            await refusedBeforeSending(['node', 'top-up', 'r1', '0'], 'AmountOutOfRange', 'the top-up amount must be positive');
            await refusedBeforeSending(['node', 'renew', 'r1', '--days', '89', '--top-up', '5'], 'RenewalTooShort', 'node "r1" cannot renew: a router renews for at least 90 days (protocol parameter router_renewal_min_days), not 89');
            await refusedBeforeSending(['node', 'register', 'r1', '--type', 'router', '--stake', '100000', '--days', '180'], 'NodeIdTaken', `node id "r1" is already registered (router, active, operator ${a})`);
            await refusedBeforeSending(['node', 'top-up', 'r1', '5'], 'NotNodeOperator', `node "r1" is operated by ${a}, not by ${b}`, keyB);
            await refusedBeforeSending(['node', 'top-up', 'nosuch', '5'], 'NodeNotFound', 'no node "nosuch"');
            await refusedBeforeSending(['node', 'top-up', 'r1', '5000000'], 'InsufficientFunds', /^error: InsufficientFunds: balance [\d.]+ EMC, needed 5000000\.002 EMC \(stake 5000000 EMC \+ 2 ledger fees\); nothing was sent\n$/);
            expect(emc(['gov', 'pause', '--reason', 'upgrade']).code).toBe(0);
            await refusedBeforeSending(['node', 'top-up', 'r1', '5'], 'Paused', 'the protocol is paused by governance (upgrade); try again after it resumes');
            await refusedBeforeSending(['node', 'register', 'r2', '--type', 'router', '--stake', '100000', '--days', '180'], 'Paused', 'the protocol is paused by governance (upgrade); try again after it resumes');
            expect(emc(['gov', 'resume']).code).toBe(0);
            // What passes the checks goes through: exactly the stake and two fees leave the account, no allowance is left.
            const before = await books();
            expect(emc(['node', 'renew', 'r1', '--days', '90', '--top-up', '5']).code).toBe(0);
            expect(emc(['node', 'stake', 'c1', '100', '--days', '30']).code).toBe(0);
            expect(await books()).toEqual({ balance: before.balance - 105n * E8S - 4n * FEE, allowance: 0n });
        });
    });
});
