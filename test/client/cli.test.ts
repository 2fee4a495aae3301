/**
 * The real `bin/emc.js`, run as a child process against an embedded network kept in one state
 * directory: every command, `--json` output, exit codes for refusals, bad input and an unreachable
 * network, and `--help` everywhere. Every invocation opens the saved network again, i.e. goes
 * through both canisters' upgrade path; one test checks that explicitly.
 */
import { spawnSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Ed25519KeyIdentity } from '@dfinity/identity';
import { Secp256k1KeyIdentity } from '@dfinity/identity-secp256k1';
import { formatAccount } from '../../src/client/account';
import { batchDigest } from '../../src/protocol/batches/payload';
import { run } from '../../src/cli/main';
import { DEVNET_EXTENSIONS } from '../../tools/devnet/cli';
import { COMMANDS } from '../../src/cli/commands';
import { Principal } from '@dfinity/principal';
import { TREASURY_SUBACCOUNT } from '../../src/protocol/model/supply';
import { parseArgs } from '../../src/cli/commands/args';
import { GLOBAL_FLAGS } from '../../src/cli/main';

const BIN = resolve(__dirname, '..', '..', 'bin', 'emc.js');
const E8S = 100_000_000n;
const FEE = 100_000n;

interface Ran {
    code: number;
    out: string;
    err: string;
    json: { ok: boolean; value?: any; error?: { kind: string; message: string } };
}

describe('emc CLI (bin/emc.js) on an embedded network in a state directory', () => {
    const dir = mkdtempSync(join(tmpdir(), 'emc-cli-'));
    const state = join(dir, 'state');
    const keyA = join(dir, 'a.pem'); // secp256k1, the genesis owner
    const keyB = join(dir, 'b.pem'); // Ed25519
    const seedC = join(dir, 'c.seed'); // a seed phrase
    let a: string;
    let b: string;
    let c: string;

    /** Runs bin/emc.js with the state directory and an identity (A unless given; null: none). */
    const emc = (args: string[], identity: string | null = keyA): Ran => {
        const r = spawnSync(process.execPath, [BIN, ...args, '--state', state, ...(identity === null ? [] : ['--identity', identity])], { encoding: 'utf8', env: { ...process.env, EMC_RETRY_DELAY_MS: '0' } });
        let json: Ran['json'] = { ok: false };
        if (args.includes('--json')) json = JSON.parse(r.stdout);
        return { code: r.status ?? -1, out: r.stdout, err: r.stderr, json };
    };
    const balance = (who: string): bigint => BigInt(emc(['ledger', 'balance', who, '--json']).json.value.balance);

    beforeAll(() => {
        const ec = generateKeyPairSync('ec', { namedCurve: 'secp256k1' }).privateKey;
        writeFileSync(keyA, ec.export({ type: 'sec1', format: 'pem' }) as string);
        a = Secp256k1KeyIdentity.fromSecretKey(new Uint8Array(Buffer.from(ec.export({ format: 'jwk' }).d as string, 'base64url'))).getPrincipal().toText();
        const ed = generateKeyPairSync('ed25519').privateKey;
        writeFileSync(keyB, ed.export({ type: 'pkcs8', format: 'pem' }) as string);
        b = Ed25519KeyIdentity.fromSecretKey(new Uint8Array(Buffer.from(ed.export({ format: 'jwk' }).d as string, 'base64url'))).getPrincipal().toText();
        const phrase = 'legal winner thank year wave sausage worth useful legal winner thank yellow';
        writeFileSync(seedC, `${phrase}\n`);
        c = Secp256k1KeyIdentity.fromSeedPhrase(phrase).getPrincipal().toText();
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('emc devnet init creates the network with a genesis for the identity (whoami, ledger info, ledger balance)', () => {
        const init = spawnSync(process.execPath, [BIN, 'devnet', 'init', '--state', state, '--identity', keyA], { encoding: 'utf8' });
        expect({ code: init.status, err: init.stderr }).toEqual({ code: 0, err: '' });
        expect(init.stdout).toMatch(new RegExp(`^created an emc network in ${state}\ngovernance +${a}\ngenesis balance +2000000 EMC for ${a}\n`));
        const w = emc(['whoami', '--json']);
        expect({ code: w.code, err: w.err }).toEqual({ code: 0, err: '' });
        expect(w.json.value).toMatchObject({ principal: a, network: 'embedded', ledger: 'vhljx-suaaa-aaaab-aaaba-cai', protocol: 'voicl-e4aaa-aaaab-aaaaq-cai' });
        const info = emc(['ledger', 'info', '--json']);
        expect(info.json.value).toMatchObject({ symbol: 'EMC', decimals: 8, fee: '100000', total_supply: (2_000_000n * E8S).toString(), minting_account: 'voicl-e4aaa-aaaab-aaaaq-cai' });
        const bal = emc(['ledger', 'balance']);
        expect(bal.code).toBe(0);
        expect(bal.out).toMatch(new RegExp(`^account +${a}\\nbalance +2000000 EMC\\n$`));
        expect(emc(['whoami', '--json'], seedC).json.value.principal).toBe(c);
    });

    it('transfers to a principal and to an ICRC-1 account text; a second process sees the first one’s changes (upgrade path)', () => {
        const t = emc(['ledger', 'transfer', b, '1000', '--memo', 'hello', '--json']);
        expect(t.code).toBe(0);
        expect(t.json.value).toMatchObject({ to: b, amount: (1_000n * E8S).toString(), duplicate: false });
        const sub = formatAccount({ owner: Principal.fromText(c), subaccount: new Uint8Array(32).fill(0).map((_, i) => (i === 31 ? 7 : 0)) });
        expect(emc(['ledger', 'transfer', sub, '2.5']).out).toBe(`sent 2.5 EMC to ${sub} (block ${Number(t.json.value.block_index) + 1})\n`);
        const saved = JSON.parse(readFileSync(join(state, 'network.json'), 'utf8'));
        expect(balance(sub)).toBe(250_000_000n);
        expect(BigInt(JSON.parse(readFileSync(join(state, 'network.json'), 'utf8')).time_ns)).toBeGreaterThanOrEqual(BigInt(saved.time_ns));
    });

    it('approves and reads the allowance', () => {
        const r = emc(['ledger', 'approve', c, '10', '--expires-in', '1h', '--json']);
        expect(r.code).toBe(0);
        const al = emc(['ledger', 'allowance', c, '--json']);
        expect(al.json.value).toMatchObject({ owner: a, spender: c, allowance: (10n * E8S).toString(), expires_at: r.json.value.expires_at });
    });

    it('registers, stakes and tops up a compute node; registers and renews a router; status and list', () => {
        const reg = emc(['node', 'register', 'gpu1', '--json'], keyB);
        expect(reg.json).toMatchObject({ ok: true, value: { nodeId: 'gpu1', type: 'compute', status: 'awaiting_poc', operator: b, wallet: b } });
        expect(emc(['node', 'stake', 'gpu1', '100', '--days', '30', '--json'], keyB).json.value.stake).toMatchObject({ amount: (100n * E8S).toString(), lockDays: 30 });
        expect(emc(['node', 'top-up', 'gpu1', '5', '--json'], keyB).json.value.stake.amount).toBe((105n * E8S).toString());
        const router = emc(['node', 'register', 'router1', '--type', 'router', '--stake', '100000', '--days', '180']);
        expect(router.code).toBe(0);
        expect(router.out).toMatch(/^registered router router1: active\n/);
        expect(router.out).toMatch(/stake +100000 EMC for 180 days/);
        const renewed = emc(['node', 'renew', 'router1', '--days', '90', '--top-up', '1000', '--json']);
        expect(renewed.json.value.stake).toMatchObject({ amount: (101_000n * E8S).toString(), renewals: 1 });
        const st = emc(['node', 'status', 'router1', '--json']);
        expect(st.json.value).toMatchObject({ nodeId: 'router1', status: 'active', eValue: (10n * E8S + 10_000_000n).toString() });
        expect(BigInt(st.json.value.rewards.claimable)).toBeGreaterThanOrEqual(0n);
        const human = emc(['node', 'status', 'gpu1']);
        expect(human.out).toMatch(/^node +gpu1\ntype +compute\nstatus +awaiting_poc\n/);
        const list = emc(['node', 'list', '--json']);
        expect(list.json.value.nodes.map((n: { nodeId: string }) => n.nodeId)).toEqual(['router1']);
        expect(emc(['node', 'retry', 'router1', '--json']).json.value.pendingOperation).toBeUndefined();
    });

    it('claims a router’s rewards: the wallet receives exactly the amount claimed', () => {
        const before = balance(a);
        const cl = emc(['node', 'claim', 'router1', '--json']);
        expect(cl.code).toBe(0);
        expect(cl.json.value).toMatchObject({ node_id: 'router1', wallet: a });
        const amount = BigInt(cl.json.value.amount);
        expect(amount).toBeGreaterThan(0n);
        expect(balance(a)).toBe(before + amount);
        expect(BigInt(emc(['info', '--json']).json.value.rewards.claimed)).toBe(amount);
    });

    it('validator apply, withdraw, propose, vote and set', () => {
        const ap = emc(['validator', 'apply', 'val1', '--json']);
        expect(ap.json.value).toMatchObject({ type: 'validator', status: 'candidate', stake: { amount: (1_000_000n * E8S).toString(), lockDays: 360 } });
        expect(emc(['validator', 'withdraw', 'val1', '--json']).json.value.status).toBe('withdrawn');
        // Not an active validator (governance has admitted nobody): refused, exit 1.
        const payload = join(dir, 'payload.json');
        writeFileSync(payload, JSON.stringify({ poc_results: [{ node_id: 'gpu1', operator: b, poc_ms: 10380 }], observations: [{ node_id: 'gpu1', online: true }] }));
        const pr = emc(['validator', 'propose', '1', '--payload', payload, '--json']);
        expect(pr).toMatchObject({ code: 1, json: { ok: false, error: { kind: 'NotAValidator', message: `NotAValidator: the caller ${a} is not the operator of an active validator: only active validators propose and vote on batches, with their current operator key` } } });
        const digest = Buffer.from(batchDigest({ poc_results: [{ node_id: 'gpu1', operator: Principal.fromText(b), poc_ms: 10_380 }], observations: [] })).toString('hex');
        expect(emc(['validator', 'vote', '1', digest]).err).toBe(`error: NotAValidator: the caller ${a} is not the operator of an active validator: only active validators propose and vote on batches, with their current operator key\n`);
        const set = emc(['validator', 'set', '--json']);
        expect(set.json.value).toMatchObject({ size: 0, quorum: 0, validators: [], tip: { verified: true } });
    });

    it('vote: a router impeaches the only other router (its yes is the majority of one); show, list, cast, report-key, answer; node penalties', () => {
        expect(emc(['node', 'register', 'router2', '--type', 'router', '--stake', '100000', '--days', '180']).code).toBe(0);
        const opened = emc(['vote', 'impeach', 'router2', '--as', 'router1', '--reason', 'never routes', '--json']);
        expect(opened).toMatchObject({ code: 0, json: { ok: true, value: { id: '0', kind: 'impeachment', nodeId: 'router2', nodeType: 'router', status: 'passed', yes: 1, no: 0, electorate: 1, openedBy: 'router1', reason: 'never routes' } } });
        const shown = emc(['vote', 'show', '0']);
        expect(shown.out).toMatch(/^vote +0 \(impeachment of router router2\)\nstatus +passed at \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC\nvotes +1 yes, 0 no \(electorate 1: 1 yes decide\)\nopened +by router1 at /);
        expect(shown.out).toMatch(/\nreason +never routes\n$/);
        const list = emc(['vote', 'list', '--json']);
        expect(list.json.value).toEqual([opened.json.value]);
        // Decided: a further vote is refused (exit 1, one line).
        expect(emc(['vote', 'cast', '0', '--as', 'router1', '--yes', '--json'])).toMatchObject({ code: 1, json: { ok: false, error: { kind: 'VoteClosed', message: 'VoteClosed: vote 0 is closed (passed)' } } });
        expect(emc(['vote', 'report-key', 'router1', '--new-operator', c, '--json'])).toMatchObject({ code: 1, json: { error: { kind: 'WrongStatus', message: 'WrongStatus: node "router1" is router, expected an active validator' } } });
        // An unknown vote id: the canister's VoteNotFound, exit 1.
        expect(emc(['vote', 'answer', '7', '--as', 'router1', '--confirm'])).toMatchObject({ code: 1, out: '', err: 'error: VoteNotFound: no key report 7\n' });
        // router2's whole stake is charged (moved to the treasury by the next maintenance run).
        const pen = emc(['node', 'penalties', '--node', 'router2', '--json']);
        expect(pen.json.value.records).toMatchObject([{ seq: '0', nodeId: 'router2', kind: 'impeachment', amount: (100_000n * E8S).toString(), windows: 0 }]);
        // Moved (the escrow pays the transfer's fee), still due, or forgiven (what the escrow could not cover), depending on whether maintenance ran yet.
        expect(BigInt(pen.json.value.node.penalized) + BigInt(pen.json.value.node.penaltyDue) + BigInt(pen.json.value.summary.forgiven)).toBe(100_000n * E8S);
        expect(pen.json.value.summary).toMatchObject({ charged: (100_000n * E8S).toString(), records: '1' });
    });

    it('gov: params, update-params (validated only, then executed), grant, airdrop, payout, set-governance refused, pause/resume, admit refused, log', () => {
        expect(emc(['gov', 'params', '--json']).json.value).toMatchObject({ impeachmentWindowSeconds: '604800', routerRenewalMinDays: 90, validatorPenaltyE8s: '11570000000', ledgerFeeE8s: '100000' });
        const change = 'Change protocol parameters: impeachment_window_seconds 604800 → 1209600; router_renewal_min_days 90 → 120.';
        // --validate-only needs no identity: it only runs the validate_ query.
        expect(emc(['gov', 'update-params', '--impeachment-window', '14d', '--router-renewal-min-days', '120', '--validate-only', '--json'], null).json).toEqual({ ok: true, value: { proposal: change, executed: false } });
        expect(emc(['gov', 'update-params', '--impeachment-window', '14d', '--router-renewal-min-days', '120'])).toMatchObject({ code: 0, out: `proposal  ${change}\nexecuted  ${change}\n` });
        // Treasury payouts (the treasury is funded with a plain transfer first).
        const treasury = formatAccount({ owner: Principal.fromText('voicl-e4aaa-aaaab-aaaaq-cai'), subaccount: TREASURY_SUBACCOUNT });
        expect(emc(['ledger', 'transfer', treasury, '5000']).code).toBe(0);
        const grant = emc(['gov', 'grant', b, '100', '--reason', 'SDK bounty', '--json']);
        expect(grant.json.value).toMatchObject({ proposal: `Pay a developer grant of 100 EMC to ${b} from the treasury (SDK bounty). The grant pool keeps 251999900 EMC.`, executed: true });
        expect(grant.json.value.result).toMatchObject([{ id: '0', kind: 'grant', to: b, amount: (100n * E8S).toString(), status: 'paid' }]);
        const csv = join(dir, 'drop.csv');
        writeFileSync(csv, `account,amount\n# first batch\n${b},1.5\n${c},2\n`);
        const drop = emc(['gov', 'airdrop', '--file', csv, '--reason', 'drop 1']);
        expect(drop.code).toBe(0);
        expect(drop.out).toMatch(/^proposal  Pay a developer ecosystem airdrop of 3.5 EMC to 2 accounts from the treasury \(drop 1\)\. The airdrop pool keeps 104999996.5 EMC\.\nexecuted\nid +kind +to +amount +status +block\n/);
        expect(drop.out).toMatch(new RegExp(`\\n +1 +airdrop +${b} +1.5 EMC +paid +\\d+\\n +2 +airdrop +${c} +2 EMC +paid +\\d+\\n$`));
        expect(emc(['gov', 'payout', '2', '--json']).json.value).toMatchObject({ id: '2', kind: 'airdrop', to: c, amount: '200000000', reason: 'drop 1', status: 'paid' });
        // Validated, then refused: the proposal is said, the error is the one line after it.
        const handOver = `Hand governance of the EMC protocol from ${a} to ${c}.`;
        expect(emc(['gov', 'set-governance', c], keyB)).toMatchObject({ code: 1, out: '', err: `proposal  ${handOver}\nerror: NotGovernance: only the governance principal may call this method\n` });
        const pause = emc(['gov', 'pause', '--reason', 'upgrade to 1.1', '--json']);
        expect(pause.json.value).toEqual({ proposal: expect.stringMatching(/^Pause the EMC protocol \(upgrade to 1.1\)/), executed: true, result: pause.json.value.proposal });
        const resume = emc(['gov', 'resume']);
        expect(resume.out).toMatch(/^proposal  Resume the EMC protocol \(paused since \d+ ns: upgrade to 1.1\)\.\nexecuted  Resume the EMC protocol/);
        // A refused validation exits 1 and calls nothing.
        expect(emc(['gov', 'admit', 'val1', '--json'])).toMatchObject({ code: 1, json: { ok: false, error: { kind: 'Invalid', message: expect.stringMatching(/^Invalid: /) } } });
        const log = emc(['gov', 'log', '--json']).json.value;
        expect(log.map((e: { method: string; caller: string }) => [e.method, e.caller])).toEqual(['update_params', 'pay_grant', 'airdrop_batch', 'pause', 'resume'].map((m) => [m, a]));
        expect(log[0]).toMatchObject({ seq: '0', before: 'impeachment_window_seconds=604800; router_renewal_min_days=90', after: 'impeachment_window_seconds=1209600; router_renewal_min_days=120' });
    });

    it('refuses bad input with one line and exit 2, before anything is sent or opened', async () => {
        const before = readFileSync(join(state, 'network.json'), 'utf8');
        // A few through the real binary …
        const viaBin: [string[], string][] = [
            [['ledger', 'transfer', 'not-a-principal', '1'], "error: BadInput: malformed account 'not-a-principal': not a principal (its checksum does not match)\n"],
            [['ledger', 'transfer', `${b}-aaaaaaa.1`, '1'], `error: BadInput: malformed account '${b}-aaaaaaa.1': wrong checksum\n`],
            [['node', 'status', 'bad-id'], "error: BadInput: node id 'bad-id' may only contain A-Z, a-z and 0-9\n"],
            [['node', 'frobnicate'], "error: BadInput: unknown command 'node frobnicate' (see emc node --help)\n"],
            [['vote', 'report-key', 'router1', '--new-operator', 'not-a-principal'], "error: BadInput: malformed new operator 'not-a-principal': not a principal (its checksum does not match)\n"],
            [['vote', 'show', 'x7'], "error: BadInput: vote id 'x7' is not a whole number below 2^64\n"],
            [['gov', 'update-params', '--validate-only'], 'error: BadInput: no parameter to change: give at least one of the parameter options (see emc gov update-params --help)\n'],
        ];
        for (const [args, err] of viaBin) {
            const r = emc(args);
            expect({ args, code: r.code, err: r.err, out: r.out }).toEqual({ args, code: 2, err, out: '' });
        }
        // … and the rest in process (the same `run`; nothing is opened either way).
        const inProcess: [string[], string][] = [
            [['ledger', 'transfer', b, '1.123456789'], "error: BadInput: AMOUNT: amount '1.123456789' has more than 8 decimals (1 e8s = 0.00000001 EMC)\n"],
            [['node', 'status', 'no', 'such'], "error: BadInput: unexpected argument 'such' (usage: emc node status NODE_ID)\n"],
            [['node', 'register', 'x1', '--type', 'validator'], "error: BadInput: --type 'validator' must be compute or router (validators apply with `emc validator apply`)\n"],
            [['node', 'stake', 'gpu1', '10'], 'error: BadInput: --days is missing (a number of days)\n'],
            [['ledger', 'balance', '--frob'], "error: BadInput: unknown option '--frob' (see --help)\n"],
            [['ledger', 'transfer', b], 'error: BadInput: missing AMOUNT (usage: emc ledger transfer TO AMOUNT [options])\n'],
            [['validator', 'vote', '1', 'abcd'], "error: BadInput: digest 'abcd' is not 64 hex digits\n"],
            [['validator', 'propose', '1', '--poc', 'gpu1:not-a-principal:10'], "error: BadInput: malformed operator 'not-a-principal': not a principal (its checksum does not match)\n"],
            [['validator', 'propose', '1', '--poc', 'gpu1'], "error: BadInput: --poc 'gpu1' is not NODE_ID:OPERATOR:POC_MS\n"],
            [['ledger', 'approve', b, '1', '--expires-in', 'soon'], "error: BadInput: duration 'soon' is not like 30m, 12h or 7d\n"],
            [['ledger', 'balance', '--network', 'mainnet'], "error: BadInput: --network 'mainnet' is not one of embedded, local, ic\n"],
            [['vote', 'cast', '0', '--as', 'router1'], 'error: BadInput: give --yes or --no\n'],
            [['vote', 'cast', '0', '--as', 'router1', '--yes', '--no'], 'error: BadInput: give --yes or --no\n'],
            [['vote', 'answer', '0', '--confirm'], 'error: BadInput: --as MY_NODE is missing (the node of yours that takes part)\n'],
            [['vote', 'impeach', 'router2', '--as', 'router1'], 'error: BadInput: --reason TEXT is missing\n'],
            [['vote', 'list', '--count', '0'], "error: BadInput: --count '0' is not a number from 1 to 1000\n"],
            [['node', 'penalties', '--node', 'bad-id'], "error: BadInput: node id 'bad-id' may only contain A-Z, a-z and 0-9\n"],
            [['gov', 'update-params', '--epoch-seconds', 'soon'], "error: BadInput: --epoch-seconds 'soon' is not a number of seconds or a duration like 30m, 12h, 7d\n"],
            [['gov', 'update-params', '--compute-multipliers', '7:1.45'], "error: BadInput: --compute-multipliers: '7:1.45' is not DAYS:MULTIPLIER (e.g. 30:2.7, one decimal)\n"],
            [['gov', 'update-params', '--validator-penalty', '-3'], "error: BadInput: --validator-penalty: amount '-3' has a sign: amounts are written without + or -\n"],
            [['gov', 'grant', b, '1'], 'error: BadInput: --reason TEXT is missing\n'],
            [['gov', 'airdrop', '--reason', 'x'], 'error: BadInput: --file CSV is missing\n'],
            [['gov', 'airdrop', '--file', join(dir, 'bad.csv'), '--reason', 'x'], `error: BadInput: --file ${join(dir, 'bad.csv')} line 2: amount 'lots' is not a number of EMC (e.g. 1.5, 1000, 1_000_000, 1,000,000.25 or 150000000e8s)\n`],
            [['gov', 'admit'], 'error: BadInput: missing NODE_ID (usage: emc gov admit NODE_ID … [options])\n'],
            [['gov', 'admit', 'val1', 'bad-id'], "error: BadInput: node id 'bad-id' may only contain A-Z, a-z and 0-9\n"],
            [['gov', 'payout', '-1'], "error: BadInput: payout id '-1' is not a whole number below 2^64\n"],
            [['gov', 'set-governance', 'aaaaa-aa', 'extra'], "error: BadInput: unexpected argument 'extra' (usage: emc gov set-governance PRINCIPAL [options])\n"],
        ];
        writeFileSync(join(dir, 'bad.csv'), `${a},1\n${b},lots\n`);
        for (const [args, err] of inProcess) {
            let out = '';
            let e = '';
            const code = await run([...args, '--state', state, '--identity', keyA], DEVNET_EXTENSIONS, { out: (x) => (out += x), err: (x) => (e += x), env: {} });
            expect({ args, code, err: e, out }).toEqual({ args, code: 2, err, out: '' });
        }
        const j = emc(['ledger', 'balance', 'xyz', '--json']);
        expect(j).toMatchObject({ code: 2, json: { ok: false, error: { kind: 'BadInput' } } });
        const noId = emc(['ledger', 'transfer', b, '1'], null);
        expect(noId.code).toBe(2);
        expect(noId.err).toMatch(/changes state: give --identity PATH/);
        expect(readFileSync(join(state, 'network.json'), 'utf8')).toBe(before); // never opened
    });

    it('parses every update-params option into the SDK’s ParamsUpdate, and an airdrop CSV into payments (in process, nothing opened)', () => {
        const cmd = COMMANDS.find((x) => x.group === 'gov' && x.name === 'update-params');
        const argv = [
            ...['--epoch-seconds', '2h', '--validator-penalty', '100.5', '--validator-window', '5400', '--router-penalty', '3.86', '--router-window', '15m'],
            ...['--compute-window', '1h', '--validator-min-stake', '900000', '--router-min-stake', '90_000', '--validator-min-term-days', '300'],
            ...['--validator-renewal-min-days', '150', '--validator-max-renewals', '0', '--router-min-term-days', '170', '--router-renewal-min-days', '80'],
            ...['--compute-multipliers', '7:1.4,30:2.7,365:12', '--impeachment-window', '14d', '--key-rotation-window', '3h', '--validate-only'],
        ];
        const parsed = parseArgs(argv, [...GLOBAL_FLAGS, ...(cmd?.flags ?? [])]);
        if (!parsed.ok || cmd === undefined) throw new Error('unparsed');
        expect(cmd.input(parsed.value)).toEqual({
            ok: true,
            value: {
                validateOnly: true,
                update: {
                    epochSeconds: 7_200n,
                    validatorPenaltyE8s: 10_050_000_000n,
                    validatorWindowSeconds: 5_400n,
                    routerPenaltyE8s: 386_000_000n,
                    routerWindowSeconds: 900n,
                    computeWindowSeconds: 3_600n,
                    validatorMinStakeE8s: 900_000n * E8S,
                    routerMinStakeE8s: 90_000n * E8S,
                    validatorMinTermDays: 300,
                    validatorRenewalMinDays: 150,
                    validatorMaxRenewals: 0,
                    routerMinTermDays: 170,
                    routerRenewalMinDays: 80,
                    computeMultipliers: [
                        { days: 7, multiplierTenths: 14 },
                        { days: 30, multiplierTenths: 27 },
                        { days: 365, multiplierTenths: 120 },
                    ],
                    impeachmentWindowSeconds: 1_209_600n,
                    keyRotationWindowSeconds: 10_800n,
                },
            },
        });
        // Every ParamsUpdate field has its option (the canister's update_params record has 16 fields).
        expect(Object.keys((cmd.input(parsed.value) as { value: { update: object } }).value.update)).toHaveLength(16);
        const airdrop = COMMANDS.find((x) => x.group === 'gov' && x.name === 'airdrop');
        const csv = join(dir, 'parse.csv');
        writeFileSync(csv, `# ACCOUNT,AMOUNT\n\n${a} , 0.00000001\r\n${formatAccount({ owner: Principal.fromText(c), subaccount: new Uint8Array(32).fill(1) })},1_000\n`);
        const p2 = parseArgs(['--file', csv, '--reason', 'r'], [...GLOBAL_FLAGS, ...(airdrop?.flags ?? [])]);
        if (!p2.ok || airdrop === undefined) throw new Error('unparsed');
        const i = airdrop.input(p2.value) as { ok: true; value: { payments: { to: { owner: Principal; subaccount?: Uint8Array }; amount: bigint }[]; reason: string } };
        expect(i.value.payments.map((x) => [formatAccount(x.to), x.amount])).toEqual([
            [a, 1n],
            [formatAccount({ owner: Principal.fromText(c), subaccount: new Uint8Array(32).fill(1) }), 1_000n * E8S],
        ]);
    });

    it('refusals by the canisters exit 1 with one line, and change nothing; what the client checks before sending exits 2', () => {
        const before = balance(b);
        const r = emc(['ledger', 'transfer', a, '100000'], keyB);
        expect(r.code).toBe(1);
        expect(r.err).toMatch(/^error: InsufficientFunds: balance [\d.]+ EMC, needed 100000.001 EMC\n$/);
        const stake = emc(['node', 'top-up', 'gpu1', '5000', '--json'], keyB);
        expect(stake.json.error).toEqual({ kind: 'InsufficientFunds', message: expect.stringMatching(/^InsufficientFunds: balance [\d.]+ EMC, needed 5000.002 EMC \(stake 5000 EMC \+ 2 ledger fees\); nothing was sent$/), checkedBeforeSending: true });
        expect(stake.code).toBe(2);
        expect(balance(b)).toBe(before);
        expect(emc(['node', 'status', 'nosuch', '--json'])).toMatchObject({ code: 1, json: { ok: false, error: { kind: 'NodeNotFound', message: 'NodeNotFound: no node "nosuch"' } } });
        expect(emc(['node', 'top-up', 'router1', '1'], keyB)).toMatchObject({ code: 2, err: `error: NotNodeOperator: node "router1" is operated by ${a}, not by ${b}; nothing was sent\n` });
        expect(emc(['node', 'register', 'gpu1'], keyB)).toMatchObject({ code: 2, err: `error: NodeIdTaken: node id "gpu1" is already registered (compute, awaiting_poc, operator ${b}); nothing was sent\n` });
    });

    it('an unreachable network exits 3', () => {
        const r = spawnSync(process.execPath, [BIN, 'ledger', 'balance', 'aaaaa-aa', '--network', 'local', '--host', 'http://127.0.0.1:4999', '--json'], { encoding: 'utf8', env: { ...process.env, EMC_RETRY_DELAY_MS: '0' } });
        expect(r.status).toBe(3);
        expect(JSON.parse(r.stdout)).toMatchObject({ ok: false, error: { kind: 'Transport', message: expect.stringContaining('ECONNREFUSED') } });
    });

    it('prints --help for every command and group, with the exit codes (exit 0)', async () => {
        const r = spawnSync(process.execPath, [BIN, '--help'], { encoding: 'utf8' });
        expect(r.status).toBe(0);
        expect(r.stdout).toMatch(/Exit codes:\n  0  done\n  1  the canister refused/);
        for (const cmd of COMMANDS) {
            let out = '';
            const code = await run([...(cmd.group === '' ? [] : [cmd.group]), cmd.name, '--help'], DEVNET_EXTENSIONS, { out: (s) => (out += s), err: () => {}, env: {} });
            expect(code).toBe(0);
            expect(out.startsWith(`emc ${cmd.group === '' ? '' : `${cmd.group} `}${cmd.name}`)).toBe(true);
            expect(out).toContain('Exit codes:');
        }
        for (const group of ['ledger', 'node', 'validator', 'vote', 'gov']) {
            let out = '';
            expect(await run([group, '--help'], DEVNET_EXTENSIONS, { out: (s) => (out += s), err: () => {}, env: {} })).toBe(0);
            expect(out).toContain(`emc ${group} COMMAND`);
        }
    });
});
