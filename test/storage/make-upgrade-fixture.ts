/**
 * Makes the upgrade fixture (test/storage/upgrade-fixture/) from an earlier build:
 *
 *   npx tsx test/storage/make-upgrade-fixture.ts [--commit 4f01ebd] [--out DIR] [--keep] [--build DIR]
 *
 * (--keep leaves the built commit's directory; --build DIR reuses one, for a second run.)
 *
 * 1. Extracts the commit into a temporary directory (`git archive`, the repository is not touched),
 *    links this checkout's node_modules when the commit's package-lock.json is the same (else runs
 *    `npm ci` there) and runs `npm run build` in it.
 * 2. Installs that build's emc_protocol and emc_ledger in the embedded replica (tools/replica, this
 *    checkout's) and plays a scenario through agent-js Actors made from that build's own .did files:
 *    13 validators admitted by governance and a candidate left waiting, three routers and a staked
 *    compute node, two unstaked compute nodes (one confirmed by a PoC), batches confirmed over
 *    hours of IC time with a router reported offline (liveness penalties moved to the treasury), a
 *    reward claim, a parameter change and a grant paid from the treasury, an open impeachment, a
 *    pending batch proposal, and on the ledger approvals (one expiring), a transfer with memo and
 *    created_at_time, and a transfer_from.
 * 3. Asks every query method of both interfaces (several arguments each) and records the answers.
 * 4. Saves both canisters' stable memory (gzipped snapshots), loads them into the same build in a
 *    fresh replica through post_upgrade, and checks that every answer is the same there (the check
 *    the upgrade test then makes against today's build); only then writes the fixture.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { Actor, type ActorSubclass, type Identity } from '@dfinity/agent';
import { IDL } from '@dfinity/candid';
import { Principal } from '@dfinity/principal';
import { EmbeddedReplica, writeStableSnapshot } from '../../tools/replica';
import { identity } from '../helpers/ledger';
import { answer, CANISTERS, hex, loadInterface, type CanisterName, type FixtureManifest, type Interface, type RecordedQuery } from './upgrade-fixture';

const ROOT = resolve(__dirname, '..', '..');
const LEDGER_ID = Principal.fromText('vhljx-suaaa-aaaab-aaaba-cai');
const PROTOCOL_ID = Principal.fromText('voicl-e4aaa-aaaab-aaaaq-cai');
const SECOND = 1_000_000_000n;
const MINUTE = 60n * SECOND;
const HOUR = 60n * MINUTE;
const T0 = 1_760_000_000n * SECOND;
const EMC = 100_000_000n;

function arg(name: string, fallback?: string): string | undefined {
    const i = process.argv.indexOf(name);
    return i >= 0 ? process.argv[i + 1] : fallback;
}

function sh(cmd: string, args: string[], cwd: string): void {
    execFileSync(cmd, args, { cwd, stdio: 'inherit' });
}

/** The commit's tree in a temporary directory, built. */
function buildCommit(commit: string): string {
    const dir = mkdtempSync(join(tmpdir(), `emc-${commit}-`));
    process.stdout.write(`extracting ${commit} into ${dir}\n`);
    execFileSync('sh', ['-c', `git -C "${ROOT}" archive --format=tar "${commit}" | tar -x -C "${dir}"`], { stdio: 'inherit' });
    const sameLock = readFileSync(join(dir, 'package-lock.json'), 'utf8') === readFileSync(join(ROOT, 'package-lock.json'), 'utf8');
    if (sameLock) symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
    else sh('npm', ['ci', '--no-audit', '--no-fund'], dir);
    sh('npm', ['run', 'build'], dir);
    return dir;
}

const show = (x: unknown) => JSON.stringify(x, (_k, v) => (typeof v === 'bigint' ? `${v}n` : v instanceof Uint8Array ? hex(v) : v));

function ok<T>(what: string, r: unknown): T {
    if (r === null || typeof r !== 'object' || !('Ok' in r)) throw new Error(`${what}: ${show(r)}`);
    return (r as { Ok: T }).Ok;
}

async function main(): Promise<void> {
    const commit = arg('--commit', '4f01ebd') as string;
    const out = resolve(arg('--out', join(ROOT, 'test/storage/upgrade-fixture')) as string);
    const reuse = arg('--build');
    const build = reuse ?? buildCommit(commit);
    const wasm = { ledger: join(build, '.azle/emc_ledger/emc_ledger.wasm'), protocol: join(build, '.azle/emc_protocol/emc_protocol.wasm') };
    const didText = { ledger: readFileSync(join(build, 'candid/emc_ledger.did'), 'utf8'), protocol: readFileSync(join(build, 'candid/emc_protocol.did'), 'utf8') };
    const iface: Record<CanisterName, Interface> = { ledger: loadInterface(didText.ledger), protocol: loadInterface(didText.protocol) };
    const ids: Record<CanisterName, Principal> = { ledger: LEDGER_ID, protocol: PROTOCOL_ID };

    // ---- the network -----------------------------------------------------------------------------
    const replica = await EmbeddedReplica.create({ time: T0 });
    const governance = identity(200);
    const vals = Array.from({ length: 14 }, (_, i) => identity(10 + i)); // 13 admitted, the 14th a candidate
    const routers = [identity(30), identity(31), identity(32)];
    const computeOps = [identity(40), identity(41), identity(42)];
    const [alice, bob, carol, grantee] = [identity(50), identity(51), identity(52), identity(60)];
    const pid = (i: Identity) => Principal.fromUint8Array(i.getPrincipal().toUint8Array());
    const account = (i: Identity, subaccount?: Uint8Array) => ({ owner: pid(i), subaccount: subaccount === undefined ? [] : [subaccount] });
    const treasurySub = new Uint8Array(32);
    treasurySub.set(new TextEncoder().encode('treasury'));

    const protocolInit = IDL.encode(iface.protocol.init, [{ Init: { ledger: LEDGER_ID, governance: [pid(governance)], genesis_time: [T0], epoch_seconds: [3_600n] } }]);
    await replica.installCanister({ wasm: wasm.protocol, arg: new Uint8Array(protocolInit), canisterId: PROTOCOL_ID });
    const balances: [unknown, bigint][] = [
        ...vals.map((v) => [account(v), 1_002_000n * EMC] as [unknown, bigint]),
        ...routers.map((r) => [account(r), 200_000n * EMC] as [unknown, bigint]),
        [account(computeOps[0]), 10_000n * EMC],
        [account(alice), 5_000n * EMC],
        [account(bob), 100n * EMC],
        [{ owner: PROTOCOL_ID, subaccount: [treasurySub] }, 10_000n * EMC],
    ];
    const ledgerInit = IDL.encode(iface.ledger.init, [
        {
            Init: {
                minting_account: { owner: PROTOCOL_ID, subaccount: [] },
                fee_collector_account: [],
                transfer_fee: 100_000n,
                decimals: [],
                max_memo_length: [],
                token_symbol: 'EMC',
                token_name: 'EMC',
                metadata: [['icrc1:logo', { Text: 'data:image/svg+xml;base64,PHN2Zy8+' }]],
                initial_balances: balances,
                feature_flags: [{ icrc2: true }],
                archive_options: { num_blocks_to_archive: 1000n, max_transactions_per_response: [], trigger_threshold: 2000n, max_message_size_bytes: [], cycles_for_archive_creation: [], node_max_memory_size_bytes: [], controller_id: PROTOCOL_ID, more_controller_ids: [] },
                index_principal: [],
                max_supply: [],
            },
        },
    ]);
    await replica.installCanister({ wasm: wasm.ledger, arg: new Uint8Array(ledgerInit), canisterId: LEDGER_ID });
    const actor = (name: CanisterName, who?: Identity): ActorSubclass<any> => Actor.createActor(() => iface[name].service, { agent: replica.createAgent(who) as never, canisterId: ids[name] });
    const P = (who?: Identity) => actor('protocol', who);
    const L = (who?: Identity) => actor('ledger', who);
    const scenario: string[] = [];
    const step = (s: string) => {
        scenario.push(s);
        process.stdout.write(`- ${s}\n`);
    };

    const approve = async (who: Identity, amount: bigint) =>
        ok('approve', await L(who).icrc2_approve({ fee: [], memo: [], from_subaccount: [], created_at_time: [], amount: amount + 100_000n, expected_allowance: [], expires_at: [], spender: { owner: PROTOCOL_ID, subaccount: [] } }));
    const register = async (who: Identity, node_id: string, type: string, stake?: { amount: bigint; lock_days: number }) => {
        if (stake !== undefined) await approve(who, stake.amount);
        return ok(`register ${node_id}`, await P(who).register_node({ node_id, node_type: { [type]: null }, wallet: account(who), stake: stake === undefined ? [] : [{ ...stake, from_subaccount: [] }] }));
    };

    // ---- nodes ----------------------------------------------------------------------------------
    for (let i = 0; i < 14; i++) await register(vals[i], `v${i}`, 'validator', { amount: 1_001_000n * EMC, lock_days: 360 });
    ok('admit', await P(governance).admit_validators(vals.slice(0, 13).map((_, i) => `v${i}`)));
    step('14 validators staked 1,001,000 EMC for 360 days; governance admitted v0–v12, v13 stays a candidate');
    for (let i = 0; i < 3; i++) await register(routers[i], `r${i}`, 'router', { amount: 100_100n * EMC, lock_days: 180 });
    step('routers r0–r2 staked 100,100 EMC for 180 days');
    await register(computeOps[0], 'c0', 'compute', { amount: 2_000n * EMC, lock_days: 90 });
    await register(computeOps[1], 'c1', 'compute');
    await register(computeOps[2], 'c2', 'compute');
    step('compute node c0 staked 2,000 EMC for 90 days; c1 and c2 registered without a stake');

    // ---- batches --------------------------------------------------------------------------------
    const proposeT = (iface.protocol.methods.get('propose_batch') as { args: any[] }).args[0];
    const payloadT = (proposeT._fields as [string, any][]).find(([k]) => k === 'payload')?.[1];
    let height = 0n;
    const batch = async (payload: { poc_results: unknown[]; observations: unknown[] }, voters = 13) => {
        height += 1n;
        const digest = new Uint8Array(createHash('sha256').update(new Uint8Array(IDL.encode([payloadT], [payload]))).digest());
        ok(`propose ${height}`, await P(vals[0]).propose_batch({ height, payload, digest }));
        for (let i = 1; i < voters; i++) ok(`vote ${height}`, await P(vals[i]).vote_batch({ height, digest }));
        return digest;
    };
    await batch({ poc_results: [{ node_id: 'c0', operator: pid(computeOps[0]), poc_ms: 10_380 }, { node_id: 'c1', operator: pid(computeOps[1]), poc_ms: 30_218 }], observations: [{ node_id: 'r0', online: true }] });
    step('batch 1 confirmed by all 13: PoC results for c0 and c1, r0 reported online');
    await replica.advanceTime(20n * MINUTE);
    await batch({ poc_results: [], observations: [{ node_id: 'r1', online: false }] });
    for (let t = 0; t < 8; t++) {
        await replica.advanceTime(20n * MINUTE);
        await batch({ poc_results: [], observations: [] });
    }
    await replica.advanceTime(20n * MINUTE);
    await batch({ poc_results: [], observations: [{ node_id: 'r1', online: true }] });
    step(`batches 2–${height} every 20 minutes; r1 reported offline from batch 2 until batch ${height} (liveness penalties, moved to the treasury by the timer)`);

    // ---- rewards, governance, votes ----------------------------------------------------------------
    await replica.advanceTime(5n * MINUTE);
    const claim = ok<{ amount: bigint }>('claim', await P(vals[0]).claim_rewards('v0'));
    step(`v0 claimed ${claim.amount} e8s of rewards (epochs of one hour)`);
    const noParams = Object.fromEntries(((iface.protocol.methods.get('update_params') as { args: any[] }).args[0]._fields as [string, any][]).map(([k]) => [k, []]));
    ok('update_params', await P(governance).update_params({ ...noParams, impeachment_window_seconds: [6n * 86_400n] }));
    ok('pay_grant', await P(governance).pay_grant({ to: account(grantee), amount: 25n * EMC, reason: 'upgrade fixture grant' }));
    step('governance set the impeachment window to 6 days and paid a 25 EMC grant from the treasury');
    ok('impeach', await P(routers[0]).open_impeachment({ accuser: 'r0', node_id: 'r2', reason: 'reported offline by two validators' }));
    step('r0 opened an impeachment of r2 (open: one yes of an electorate of 2)');

    // ---- the ledger ------------------------------------------------------------------------------
    const now = replica.time();
    ok('alice approves bob', await L(alice).icrc2_approve({ fee: [], memo: [], from_subaccount: [], created_at_time: [now], amount: 300n * EMC, expected_allowance: [], expires_at: [now + 30n * 86_400n * SECOND], spender: account(bob) }));
    ok('alice approves carol', await L(alice).icrc2_approve({ fee: [], memo: [new TextEncoder().encode('standing')], from_subaccount: [], created_at_time: [], amount: 50n * EMC, expected_allowance: [], expires_at: [], spender: account(carol, new Uint8Array(32).fill(3)) }));
    ok('alice pays bob', await L(alice).icrc1_transfer({ from_subaccount: [], to: account(bob, new Uint8Array(32).fill(7)), amount: 12n * EMC, fee: [100_000n], memo: [new TextEncoder().encode('invoice 42')], created_at_time: [now] }));
    ok('bob spends', await L(bob).icrc2_transfer_from({ spender_subaccount: [], from: account(alice), to: account(bob), amount: 100n * EMC, fee: [], memo: [], created_at_time: [now] }));
    step('alice approved bob (expiring in 30 days, created_at_time set) and carol’s subaccount (no expiry, memo), paid bob’s subaccount 12 EMC with a memo, bob spent 100 EMC of his allowance');

    // ---- a pending proposal, then quiet ----------------------------------------------------------
    await replica.advanceTime(2n * MINUTE);
    await batch({ poc_results: [], observations: [{ node_id: 'r0', online: true }] }, 2);
    step(`batch ${height} proposed by v0 and voted by v1 only: pending`);
    await replica.advanceTime(2n * MINUTE);
    const time = replica.time();

    // ---- the questions ---------------------------------------------------------------------------
    const nodeIds = [...vals.map((_, i) => `v${i}`), 'r0', 'r1', 'r2', 'c0', 'c1', 'c2', 'nope'];
    const types = ['validator', 'router', 'compute'];
    const statuses = ['staking', 'candidate', 'awaiting_poc', 'active', 'expired', 'withdrawn', 'evicted', 'disqualified'];
    const escrow = (i: bigint) => {
        const s = new Uint8Array(32);
        s.set(new TextEncoder().encode('escrow'));
        new DataView(s.buffer).setBigUint64(24, i);
        return { owner: PROTOCOL_ID, subaccount: [s] };
    };
    const someone = [...vals.slice(0, 2), ...routers, ...computeOps, alice, bob, carol, grantee].map((i) => account(i));
    const questions: Record<CanisterName, Record<string, unknown[][]>> = {
        protocol: {
            certified_tip: [[]],
            emission_schedule: [[3], [0]],
            epoch_records: [[{ start: 0n, count: 100 }], [{ start: 2n, count: 1 }]],
            get_batch: [[1n], [2n], [height - 1n], [height], [height + 1n]],
            get_node: nodeIds.map((id) => [id]),
            get_payout: [[0n], [1n]],
            get_vote: [[0n], [1n]],
            governance_log: [[{ start: 0n, count: 100 }]],
            health: [[]],
            list_nodes: types.flatMap((node_type) => statuses.map((status) => [{ node_type: { [node_type]: null }, status: { [status]: null }, start: 0n, limit: 100 }])),
            list_votes: [[{ start: 0n, count: 10 }]],
            node_rewards: nodeIds.map((id) => [id]),
            penalties_summary: [[]],
            penalty_log: [[{ start: 0n, count: 100 }], [{ start: 1n, count: 2 }]],
            preview_e_value: [[{ poc_ms: 10_380n, stake_e8s: 1_000_000n * EMC, lock_days: 90 }], [{ poc_ms: 30_218n, stake_e8s: 0n, lock_days: 0 }]],
            protocol_info: [[]],
            protocol_params: [[]],
            rewards_summary: [[]],
            validate_admit_validators: [[['v13']], [['v13', 'v0', 'r0']]],
            validate_airdrop_batch: [[{ payments: [{ to: account(grantee), amount: 1n * EMC }], reason: 'airdrop' }]],
            validate_pause: [['audit']],
            validate_pay_grant: [[{ to: account(grantee), amount: 5n * EMC, reason: 'next grant' }], [{ to: account(grantee), amount: 300_000_000n * EMC, reason: 'too much' }]],
            validate_resume: [[]],
            validate_set_governance: [[pid(alice)]],
            validate_update_params: [[{ ...noParams, router_window_seconds: [900n] }], [noParams]],
            validator_set: [[]],
        },
        ledger: {
            archives: [[]],
            get_blocks: [[{ start: 0n, length: 100n }], [{ start: 20n, length: 5n }]],
            get_data_certificate: [[]],
            get_transactions: [[{ start: 0n, length: 100n }], [{ start: 30n, length: 5n }]],
            icrc103_get_allowances: [[{ from_account: [account(alice)], prev_spender: [], take: [] }], [{ from_account: [account(alice)], prev_spender: [account(bob)], take: [1n] }]],
            icrc106_get_index_principal: [[]],
            icrc10_supported_standards: [[]],
            icrc1_balance_of: [...someone.map((a) => [a]), [account(bob, new Uint8Array(32).fill(7))], [{ owner: PROTOCOL_ID, subaccount: [treasurySub] }], ...[0n, 13n, 14n, 17n, 18n].map((i) => [escrow(i)])],
            icrc1_decimals: [[]],
            icrc1_fee: [[]],
            icrc1_metadata: [[]],
            icrc1_minting_account: [[]],
            icrc1_name: [[]],
            icrc1_supported_standards: [[]],
            icrc1_symbol: [[]],
            icrc1_total_supply: [[]],
            icrc2_allowance: [[{ account: account(alice), spender: account(bob) }], [{ account: account(alice), spender: account(carol, new Uint8Array(32).fill(3)) }], [{ account: account(bob), spender: account(alice) }]],
            icrc3_get_archives: [[{ from: [] }]],
            icrc3_get_blocks: [[[{ start: 0n, length: 1000n }]], [[{ start: 5n, length: 2n }, { start: 40n, length: 3n }]]],
            icrc3_get_tip_certificate: [[]],
            icrc3_supported_block_types: [[]],
            is_ledger_ready: [[]],
        },
    };
    const queries: RecordedQuery[] = [];
    for (const name of CANISTERS) {
        for (const [method, m] of iface[name].methods) {
            if (!m.query) continue;
            const list = questions[name][method];
            if (list === undefined) throw new Error(`no question for the query ${name}.${method}: add arguments for it`);
            for (const args of list) {
                const a = new Uint8Array(IDL.encode(m.args, args));
                const r = replica.query({ canisterId: ids[name], method, arg: a, sender: Principal.anonymous() });
                queries.push('reply' in r ? { canister: name, method, arg: hex(a), reply: hex(r.reply) } : { canister: name, method, arg: hex(a), reject: { code: r.reject.code, message: r.reject.message } });
            }
        }
        for (const method of Object.keys(questions[name])) if (!iface[name].methods.get(method)?.query) throw new Error(`${name}.${method} is not a query of ${commit}`);
    }
    const rejects = queries.filter((q) => q.reject !== undefined);
    if (rejects.length > 0) throw new Error(`queries rejected: ${show(rejects)}`);
    step(`${queries.length} answers recorded at ${time} from ${Object.values(questions).reduce((n, q) => n + Object.keys(q).length, 0)} query methods`);

    // ---- save, reload into the same build, ask again -------------------------------------------
    mkdirSync(out, { recursive: true });
    const snapshotFile = join(build, 'snapshot.tmp');
    const files: Record<CanisterName, string> = { ledger: 'emc_ledger.stable.gz', protocol: 'emc_protocol.stable.gz' };
    const stable: Record<string, ReturnType<EmbeddedReplica['canisterMemory']>['stable']> = {};
    for (const name of CANISTERS) {
        stable[name] = replica.canisterMemory(ids[name]).stable;
        writeStableSnapshot(snapshotFile, stable[name]);
        writeFileSync(join(out, files[name]), gzipSync(readFileSync(snapshotFile), { level: 9 }));
    }
    const again = await EmbeddedReplica.create({ time });
    for (const name of CANISTERS) {
        await again.loadCanister({ wasm: wasm[name], stable: stable[name], arg: new Uint8Array(IDL.encode(iface[name].init, [{ Upgrade: [] }])), canisterId: ids[name] });
    }
    for (const q of queries) {
        const r = again.query({ canisterId: ids[q.canister], method: q.method, arg: Buffer.from(q.arg, 'hex'), sender: Principal.anonymous() });
        const before = show(answer(iface[q.canister], q, q));
        const after = show(answer(iface[q.canister], q, r));
        if (before !== after) throw new Error(`${q.canister}.${q.method}(${q.arg}) answers differently after reloading into the same build:\n  before ${before}\n  after  ${after}`);
    }
    step('reloaded into the same build through post_upgrade: every answer the same');

    for (const name of CANISTERS) writeFileSync(join(out, `emc_${name}.did`), didText[name]);
    const manifest: FixtureManifest = {
        commit: execFileSync('git', ['-C', ROOT, 'rev-parse', commit]).toString().trim(),
        madeBy: `npx tsx test/storage/make-upgrade-fixture.ts --commit ${commit}`,
        time: time.toString(),
        canisters: {
            ledger: { id: LEDGER_ID.toText(), did: 'emc_ledger.did', stable: files.ledger },
            protocol: { id: PROTOCOL_ID.toText(), did: 'emc_protocol.did', stable: files.protocol },
        },
        scenario,
        answers: { file: 'answers.json.gz', count: queries.length, methods: Object.values(questions).reduce((n, q) => n + Object.keys(q).length, 0) },
    };
    writeFileSync(join(out, 'answers.json.gz'), gzipSync(`${JSON.stringify(queries, null, 1)}\n`, { level: 9 }));
    writeFileSync(join(out, 'manifest.json'), `${JSON.stringify(manifest, null, 1)}\n`);
    process.stdout.write(`wrote ${out}\n`);
    if (process.argv.includes('--keep')) process.stdout.write(`kept ${build}\n`);
    else if (reuse === undefined) rmSync(build, { recursive: true, force: true });
}

main().catch((e: unknown) => {
    process.stderr.write(`${e instanceof Error ? e.stack ?? e.message : String(e)}\n`);
    process.exit(1);
});
