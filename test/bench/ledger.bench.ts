/**
 * emc_ledger instruction counts on a ledger holding 100,000 accounts and 200,000 blocks (and, for
 * comparison, on a fresh one). Building the large ledger takes minutes, so its stable memory is
 * cached in .bench/ and reloaded through the upgrade path on later runs.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Principal } from '@dfinity/principal';
import { encode } from '../../src/lib/candid/candid';
import * as T from '../../src/ledger/api/candid';
import { LEDGER_METHODS } from '../../src/ledger/api/interface';
import { EmbeddedReplica, readStableSnapshot, writeStableSnapshot } from '../../tools/replica';
import { E8S, ledgerInitArg, ledgerUpgradeArg } from '../helpers/ledger';
import { builtWasm } from '../helpers/wasm';
import { measure, upgradeRows, type BenchSuite, benchLog } from './harness';

/** Bump when the way the cached state is built changes (2: balances and allowances carry the account hash). */
const STATE_VERSION = 2;
const GENESIS_ACCOUNTS = 19_999;
const SECOND = 1_000_000_000n;
const T0 = 1_760_000_000n * SECOND;

/** Owner principal of bench account `i` (self-authenticating shape: 29 bytes ending in 0x02). */
function owner(i: number): Principal {
    const b = new Uint8Array(29);
    new DataView(b.buffer).setUint32(0, i);
    b[28] = 2;
    return Principal.fromUint8Array(b);
}

const WHALE = owner(0xffff_fff0);
const MINTER = owner(0xffff_fff1);

function account(i: number): T.CAccount {
    return { owner: owner(i), subaccount: [] };
}

function transferArg(to: T.CAccount, amount: bigint, createdAt?: bigint): Uint8Array {
    return encode([T.TransferArg], [{ from_subaccount: [], to, amount, fee: [], memo: [], created_at_time: createdAt === undefined ? [] : [createdAt] }]);
}

let requestCounter = 0;

async function call(replica: EmbeddedReplica, canisterId: Principal, sender: Principal, method: keyof typeof LEDGER_METHODS, arg: Uint8Array): Promise<Uint8Array> {
    const s = await replica.submitUpdate({ canisterId, method, arg, sender, requestId: `bench-${++requestCounter}` });
    if (s.status !== 'replied') throw new Error(`${method} failed: ${JSON.stringify(s)}`);
    return s.reply;
}

/** Builds (or reloads from cache) a ledger with `accounts` accounts and `blocks` blocks. */
export async function bigLedger(replica: EmbeddedReplica, accounts: number, blocks: number, log: (s: string) => void): Promise<Principal> {
    const dir = resolve(__dirname, '..', '..', '.bench');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `ledger-${accounts}-${blocks}-v${STATE_VERSION}.stable`);
    const wasm = builtWasm('ledger');
    if (existsSync(file)) {
        log(`loading the cached ledger state ${file}`);
        return replica.loadCanister({ wasm, stable: readStableSnapshot(file), arg: ledgerUpgradeArg(undefined) });
    }
    const genesis = Math.min(GENESIS_ACCOUNTS, accounts);
    log(`building a ledger with ${accounts} accounts and ${blocks} blocks (cached afterwards in ${file}) …`);
    const balances: [T.CAccount, bigint][] = [[{ owner: WHALE, subaccount: [] }, 100_000_000n * E8S]];
    for (let i = 0; i < genesis; i++) balances.push([account(i), 1_000n * E8S]);
    const id = await replica.installCanister({ wasm, arg: ledgerInitArg({ minting: MINTER, balances }) });
    let made = genesis + 1;
    // Submitted 100 at a time (one round each: the time stands still while the ledger is built),
    // so that one certification timer serves 100 transfers; the state is the same as one by one.
    let batch: Promise<unknown>[] = [];
    const send = async (sender: Principal, arg: Uint8Array): Promise<void> => {
        batch.push(submit(replica, id, sender, 'icrc1_transfer', arg));
        if (batch.length === 100) await flush();
    };
    const flush = async (): Promise<void> => {
        await Promise.all(batch);
        batch = [];
    };
    for (let i = genesis; i < accounts; i++, made++) {
        await send(WHALE, transferArg(account(i), 10n * E8S));
        if (made % 10_000 === 0) log(`  ${made} blocks`);
    }
    // The rest: transfers among existing accounts (deterministic pseudo-random pairs).
    let x = 12345;
    const next = (n: number): number => {
        x = (x * 1103515245 + 12345) & 0x7fffffff;
        return x % n;
    };
    for (; made < blocks; made++) {
        const from = next(genesis);
        const to = next(accounts);
        await send(owner(from), transferArg(account(to), 1n + BigInt(next(1000))));
        if (made % 10_000 === 0) log(`  ${made} blocks`);
    }
    await flush();
    writeStableSnapshot(file, replica.canisterMemory(id).stable);
    log(`  saved ${file}`);
    return id;
}

/** A token move of bench account `i` in a round whose time is `now`: sender, method, argument. */
type Move = (i: number, now: bigint) => [Principal, keyof typeof LEDGER_METHODS, Uint8Array];

async function measureLedger(prefix: string, replica: EmbeddedReplica, id: Principal, accounts: number, report: Parameters<BenchSuite['run']>[0], note: string): Promise<void> {
    const runs = 20;
    const mean = async (key: string, what: string, op: (i: number) => Promise<unknown>): Promise<void> => {
        let total = 0;
        let messages = 0;
        for (let i = 0; i < runs; i++) {
            const m = await measure(replica, id, () => op(i));
            total += m.instructions;
            messages += m.messages;
        }
        report(`${prefix}.${key}`, { instructions: Math.round(total / runs), messages: messages / runs, note: `${what}; mean of ${runs}; ${note}` });
    };
    /**
     * A token move, two ways: `<key>` the update message alone (one per round, mean of `runs`);
     * `<key>.per_round_<k>` k of them in one round (one block time) and the certification timer
     * they cause, summed and divided by k — what the ledger spends per move at that load.
     */
    const tokenMove = async (key: string, what: string, move: Move, rounds: number[]): Promise<void> => {
        let total = 0;
        for (let i = 0; i < runs; i++) {
            await replica.advanceTime(SECOND);
            const [sender, method, arg] = move(i, replica.time());
            const m = await measureMessages(replica, id, method, () => call(replica, id, sender, method, arg));
            total += m.moves;
        }
        report(`${prefix}.${key}`, { instructions: Math.round(total / runs), messages: 1, note: `${what}; the update message alone, one per round; mean of ${runs}; ${note}` });
        for (const k of rounds) {
            await replica.advanceTime(SECOND);
            const now = replica.time();
            const m = await measureMessages(replica, id, move(0, now)[1], () => Promise.all(Array.from({ length: k }, (_, j) => submit(replica, id, ...move(j, now)))));
            report(`${prefix}.${key}.per_round_${k}`, {
                instructions: Math.round((m.moves + m.others) / k),
                messages: m.messages / k,
                note: `${what}; ${k} in one round plus the certification timer (${m.others.toLocaleString('en-US')} instructions), per move; ${note}`,
            });
        }
    };
    const rounds = [1, 10, 100];
    await tokenMove('icrc1_transfer', 'transfer between existing accounts, created_at_time set', (i, now) => [owner(i), 'icrc1_transfer', transferArg(account(accounts - 1 - i), 1_000n, now)], rounds);
    await tokenMove('icrc1_transfer_new_account', 'transfer to an account that did not exist', (i, now) => [owner(i), 'icrc1_transfer', transferArg(account(10_000_000 + i), 1_000n)], []);
    const approveArg = (i: number, now: bigint) =>
        encode([T.ApproveArgsT], [{ fee: [], memo: [], from_subaccount: [], created_at_time: [now], amount: 100n * E8S, expected_allowance: [], expires_at: [], spender: account(accounts - 1 - i) }]);
    await tokenMove('icrc2_approve', 'approve a spender (a new one the first time), created_at_time set', (i, now) => [owner(i), 'icrc2_approve', approveArg(i, now)], rounds);
    const fromArg = (i: number, now: bigint) =>
        encode([T.TransferFromArgsT], [{ spender_subaccount: [], from: account(i), to: account(i + 1), amount: E8S, fee: [], memo: [], created_at_time: [now] }]);
    await tokenMove('icrc2_transfer_from', 'spend an allowance, created_at_time set', (i, now) => [owner(accounts - 1 - i), 'icrc2_transfer_from', fromArg(i, now)], rounds);
    const balanceArg = encode([T.CAccount], [account(accounts >> 1)]);
    await mean('icrc1_balance_of', 'query', async () => replica.query({ canisterId: id, method: 'icrc1_balance_of', arg: balanceArg, sender: WHALE }));
    // the first 100 blocks from 1,000 on the large ledger (genesis mints), from 0 on the small one (its genesis mints)
    const blocksArg = (start: bigint) => encode([T.GetBlocksArgsVec], [[{ start, length: 100n }]]);
    const mintsStart = accounts > 1_000 ? 1_000n : 0n;
    await mean('icrc3_get_blocks_100', `query of 100 blocks (mints, from ${mintsStart})`, async () => replica.query({ canisterId: id, method: 'icrc3_get_blocks', arg: blocksArg(mintsStart), sender: WHALE }));
    if (accounts > 1_000) {
        await mean('icrc3_get_blocks_100_transfers', 'query of 100 blocks (transfers, from 100,000)', async () => replica.query({ canisterId: id, method: 'icrc3_get_blocks', arg: blocksArg(100_000n), sender: WHALE }));
    }
    // DFINITY's legacy block access (ICRC Rosetta, the old index): transfer blocks on the large ledger
    const legacyStart = accounts > 1_000 ? 100_000n : 0n;
    const legacyArg = (length: bigint) => encode([T.GetBlocksArgs], [{ start: legacyStart, length }]);
    for (const n of accounts > 1_000 ? [100n, 2_000n] : [100n]) {
        await mean(`get_blocks_${n}`, `query of ${n} blocks as legacy values${n === 2_000n ? ' (the most one call returns)' : ''}`, async () => replica.query({ canisterId: id, method: 'get_blocks', arg: legacyArg(n), sender: WHALE }));
        await mean(`get_transactions_${n}`, `query of ${n} transactions`, async () => replica.query({ canisterId: id, method: 'get_transactions', arg: legacyArg(n), sender: WHALE }));
    }
    const noArg = encode([], []);
    await mean('icrc3_get_tip_certificate', 'query', async () => replica.query({ canisterId: id, method: 'icrc3_get_tip_certificate', arg: noArg, sender: WHALE }));
    await mean('get_data_certificate', 'query', async () => replica.query({ canisterId: id, method: 'get_data_certificate', arg: noArg, sender: WHALE }));
    await upgradeRows(report, prefix, replica, id, () => replica.upgradeCanister(id, { wasm: builtWasm('ledger'), arg: ledgerUpgradeArg(undefined) }), note);
}

/** Runs `action`; the instructions of the `method` updates it caused, and of every other message (the timers). */
async function measureMessages(replica: EmbeddedReplica, id: Principal, method: string, action: () => Promise<unknown>): Promise<{ moves: number; others: number; messages: number }> {
    const before = replica.executionLog().length;
    await action();
    await replica.idle();
    const log = replica.executionLog().slice(before).filter((e) => e.canister === id.toText() && e.kind !== 'inspect_message');
    let moves = 0;
    let others = 0;
    for (const e of log) {
        if (e.kind === 'update' && e.method === method) moves += Number(e.instructions);
        else others += Number(e.instructions);
    }
    return { moves, others, messages: log.length };
}

/** Submits an update without waiting for it (messages submitted together run in one round). */
function submit(replica: EmbeddedReplica, canisterId: Principal, sender: Principal, method: string, arg: Uint8Array): Promise<unknown> {
    const s = replica.submitIngress({ canisterId, method, arg, sender, requestId: `bench-${++requestCounter}` });
    if ('refused' in s) throw new Error(`${method} refused: ${s.refused.message}`);
    return s.done.then((r) => {
        if (r.status !== 'replied') throw new Error(`${method} failed: ${JSON.stringify(r)}`);
    });
}

export const ledgerSuite: BenchSuite = {
    name: 'ledger',
    async run(report) {
        const log = benchLog;
        const accounts = Number(process.env.LEDGER_BENCH_ACCOUNTS ?? 100_000);
        const blocks = Number(process.env.LEDGER_BENCH_BLOCKS ?? 200_000);
        {
            const replica = await EmbeddedReplica.create({ time: T0 });
            const balances: [T.CAccount, bigint][] = [];
            for (let i = 0; i < 100; i++) balances.push([account(i), 1_000n * E8S]);
            const id = await replica.installCanister({ wasm: builtWasm('ledger'), arg: ledgerInitArg({ minting: MINTER, balances }) });
            await measureLedger('ledger.small', replica, id, 100, report, '100 accounts, 100 blocks');
        }
        const replica = await EmbeddedReplica.create({ time: T0 });
        const id = await bigLedger(replica, accounts, blocks, log);
        await measureLedger('ledger', replica, id, accounts, report, `${accounts} accounts, ${blocks} blocks`);
    },
};

