/**
 * The ledger certifies its tip once per round, from a timer (docs/ledger.md, "Certification"),
 * through the built Wasm in the embedded replica: a burst of moves in one round is followed by
 * one certification timer; afterwards `icrc3_get_tip_certificate` and the legacy
 * `get_data_certificate` answer the same consistent (index, hash) pair — the last block and its
 * hash — under a certificate that verifies; a round with only refused moves arms nothing; an
 * upgrade certifies in post_upgrade.
 */
import { Certificate, Cbor } from '@dfinity/agent';
import { Principal } from '@dfinity/principal';
import { encode, decode } from '../../src/lib/candid/candid';
import * as T from '../../src/ledger/api/candid';
import { hashValue, type Value } from '../../src/ledger/icrc3/value';
import { fromAgentHashTree, lookupPath, reconstruct } from '../../tools/replica/certification';
import { EmbeddedReplica } from '../../tools/replica';
import { E8S, acct, deployLedger, identity, ledgerUpgradeArg } from '../helpers/ledger';
import { builtWasm } from '../helpers/wasm';

const SECOND = 1_000_000_000n;
const T0 = 1_750_000_000n * SECOND;
const minter = identity(50);
const senders = Array.from({ length: 12 }, (_, i) => identity(100 + i));

async function setup() {
    const replica = await EmbeddedReplica.create({ time: T0 });
    const id = await deployLedger(replica, { minting: Principal.fromUint8Array(minter.getPrincipal().toUint8Array()), balances: senders.map((s) => [acct(s), 100n * E8S] as [ReturnType<typeof acct>, bigint]) });
    return { replica, id };
}

type Env = Awaited<ReturnType<typeof setup>>;
let requests = 0;

function transfer(env: Env, from: number, to: number, amount: bigint): Promise<unknown> {
    const s = env.replica.submitIngress({
        canisterId: env.id,
        method: 'icrc1_transfer',
        arg: encode([T.TransferArg], [{ from_subaccount: [], to: acct(senders[to]), amount, fee: [], memo: [], created_at_time: [env.replica.time()] }]),
        sender: senders[from].getPrincipal() as never,
        requestId: `cert-${++requests}`,
    });
    if ('refused' in s) throw new Error(s.refused.message);
    return s.done;
}

function query(env: Env, method: string, type: Parameters<typeof decode>[0][0], arg = encode([], [])): unknown {
    const r = env.replica.query({ canisterId: env.id, method, arg, sender: Principal.anonymous() });
    if (!('reply' in r)) throw new Error(r.reject.message);
    return decode([type], r.reply)[0];
}

/** The certified (index, hash) the canister answers, checked against a verified certificate. */
async function certifiedTip(env: Env): Promise<{ index: bigint; hash: Uint8Array; tree: Uint8Array }> {
    const opt = query(env, 'icrc3_get_tip_certificate', T.OptDataCertificate) as [] | [{ certificate: Uint8Array; hash_tree: Uint8Array }];
    if (opt.length === 0) throw new Error('no certificate');
    const { certificate, hash_tree } = opt[0];
    const cert = await Certificate.create({ certificate, rootKey: env.replica.rootKey, canisterId: env.id, agent: env.replica.createAgent() as never } as never);
    const certified = new Uint8Array((cert.lookup_path(['canister', env.id.toUint8Array(), 'certified_data']) as { value: Uint8Array }).value);
    const tree = fromAgentHashTree(Cbor.decode(hash_tree) as never);
    expect(Buffer.from(reconstruct(tree)).equals(Buffer.from(certified))).toBe(true);
    const leb = lookupPath(tree, ['last_block_index']) as Uint8Array;
    let index = 0n;
    for (let i = leb.length - 1; i >= 0; i--) index = (index << 7n) | BigInt(leb[i] & 0x7f);
    return { index, hash: lookupPath(tree, ['last_block_hash']) as Uint8Array, tree: hash_tree };
}

/** Log length and the hash of the last block, from icrc3_get_blocks. */
function lastBlock(env: Env): { index: bigint; hash: Uint8Array } {
    const head = query(env, 'icrc3_get_blocks', T.GetBlocksResult, encode([T.GetBlocksArgsVec], [[{ start: 0n, length: 0n }]])) as { log_length: bigint };
    const last = query(env, 'icrc3_get_blocks', T.GetBlocksResult, encode([T.GetBlocksArgsVec], [[{ start: head.log_length - 1n, length: 1n }]])) as { blocks: { block: Value }[] };
    return { index: head.log_length - 1n, hash: hashValue(last.blocks[0].block) };
}

function ledgerMessages(env: Env, since: number): { kind: string; method: string }[] {
    return env.replica.executionLog().slice(since).filter((e) => e.canister === env.id.toText() && e.kind !== 'inspect_message');
}

describe('the ledger certifies its tip once per round', () => {
    it('a burst of moves in one round: one certification timer after them, then the last block under a verified certificate', async () => {
        const env = await setup();
        const before = await certifiedTip(env);
        expect(before.index).toBe(BigInt(senders.length - 1));
        await env.replica.advanceTime(SECOND);
        const mark = env.replica.executionLog().length;
        await Promise.all(senders.map((_, i) => transfer(env, i, (i + 1) % senders.length, BigInt(i + 1) * 1_000n)));
        await env.replica.idle();
        const log = ledgerMessages(env, mark);
        expect(log.filter((e) => e.kind === 'update' && e.method === 'icrc1_transfer')).toHaveLength(senders.length);
        // Azle's timer: the global timer message, then ic-cdk-timers' executor (a self-call)
        expect(log.filter((e) => e.kind === 'timer')).toHaveLength(1);
        expect(log.filter((e) => e.method.includes('timer_executor'))).toHaveLength(1);
        const tip = await certifiedTip(env);
        const last = lastBlock(env);
        expect(tip.index).toBe(last.index);
        expect(tip.index).toBe(before.index + BigInt(senders.length));
        expect(Buffer.from(tip.hash).equals(Buffer.from(last.hash))).toBe(true);
        // the legacy view answers the same tree
        const legacy = query(env, 'get_data_certificate', T.DataCertificate) as { certificate: [] | [Uint8Array]; hash_tree: Uint8Array };
        expect(legacy.certificate.length).toBe(1);
        expect(Buffer.from(legacy.hash_tree).equals(Buffer.from(tip.tree))).toBe(true);
    });

    it('rounds with one move each: one timer per round; a round of refused moves arms none', async () => {
        const env = await setup();
        for (let r = 0; r < 3; r++) {
            await env.replica.advanceTime(SECOND);
            const mark = env.replica.executionLog().length;
            await transfer(env, r, r + 1, 5_000n);
            await env.replica.idle();
            expect(ledgerMessages(env, mark).filter((e) => e.kind === 'timer')).toHaveLength(1);
            const tip = await certifiedTip(env);
            expect(tip.index).toBe(lastBlock(env).index);
        }
        await env.replica.advanceTime(SECOND);
        const mark = env.replica.executionLog().length;
        const refused = (await transfer(env, 0, 1, 1_000n * E8S)) as { status: string; reply: Uint8Array };
        expect(decode([T.TransferResult], refused.reply)[0]).toHaveProperty('Err.InsufficientFunds');
        await env.replica.idle();
        expect(ledgerMessages(env, mark).filter((e) => e.kind === 'timer')).toHaveLength(0);
    });

    it('an upgrade certifies the tip in post_upgrade', async () => {
        const env = await setup();
        await env.replica.advanceTime(SECOND);
        await transfer(env, 0, 1, 7_000n);
        await env.replica.idle();
        const tip = await certifiedTip(env);
        await env.replica.upgradeCanister(env.id, { wasm: builtWasm('ledger'), arg: ledgerUpgradeArg(undefined) });
        await env.replica.idle();
        const after = await certifiedTip(env);
        expect(after.index).toBe(tip.index);
        expect(Buffer.from(after.hash).equals(Buffer.from(tip.hash))).toBe(true);
        expect(Buffer.from(after.tree).equals(Buffer.from(tip.tree))).toBe(true);
    });
});
