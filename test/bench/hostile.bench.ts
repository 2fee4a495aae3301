/**
 * What hostile messages cost the canisters (issue 12; docs/security.md quotes these figures):
 * - on the execution path (a replica whose ingress skips canister_inspect_message, as calls from
 *   other canisters do): long nats, a 1.9 MB type table, tables at the codec's caps, dense vectors
 *   (over a method's argument limit the canister refuses them before decoding);
 * - on the IC's ingress path: the same messages, an unknown method, the anonymous caller, an
 *   oversize argument, each refused by canister_inspect_message (its figure in `inspect`).
 * `npm run bench -- --only hostile`. Before the fix, the 100 KB nat and the 1.9 MB table ran into
 * the 40 B limit (each takes ~30 s of wall time to measure then).
 */
import { IDL } from '@dfinity/candid';
import { Principal } from '@dfinity/principal';
import { toIdl } from '../../src/lib/candid/to-idl';
import * as L from '../../src/ledger/api/candid';
import * as P from '../../src/protocol/api/candid';
import { PROTOCOL_METHODS } from '../../src/protocol/api/interface';
import { EmbeddedReplica, type ReplicaOptions } from '../../tools/replica';
import { identity, ledgerInitArg } from '../helpers/ledger';
import { LEDGER_ID, PROTOCOL_ID, principalOf, protocolInitArg, T0 } from '../helpers/network';
import { builtWasm } from '../helpers/wasm';
import { measure, type BenchSuite } from './harness';

const DIDL = [0x44, 0x49, 0x44, 0x4c];
const alice = identity(1);
const ALICE = principalOf(alice);
const ANON = Principal.anonymous();

const natOfBytes = (n: number): bigint => (1n << BigInt(7 * n)) - 1n;

function leb(n: number): number[] {
    const o: number[] = [];
    do {
        let b = n & 127;
        n = Math.floor(n / 128);
        if (n > 0) b |= 128;
        o.push(b);
    } while (n > 0);
    return o;
}

/** A TransferArg whose amount is `n` bytes of LEB128 (all ones), built around a 10-byte one. */
function transferWithAmountBytes(n: number): Uint8Array {
    const msg = new Uint8Array(IDL.encode([toIdl(IDL as never, L.TransferArg)], [{ from_subaccount: [], to: { owner: ANON, subaccount: [] }, amount: natOfBytes(10), fee: [], memo: [], created_at_time: [] }]));
    const at = Buffer.from(msg).indexOf(Buffer.from([...new Array(9).fill(0xff), 0x7f]));
    return new Uint8Array([...msg.subarray(0, at), ...new Array(n - 1).fill(0xff), 0x7f, ...msg.subarray(at + 10)]);
}

function topUpWithAmountBytes(n: number): Uint8Array {
    const msg = new Uint8Array(IDL.encode([toIdl(IDL as never, P.TopUpArgsT)], [{ node_id: 'abc', amount: natOfBytes(10), from_subaccount: [] }]));
    const at = Buffer.from(msg).indexOf(Buffer.from([...new Array(9).fill(0xff), 0x7f]));
    return new Uint8Array([...msg.subarray(0, at), ...new Array(n - 1).fill(0xff), 0x7f, ...msg.subarray(at + 10)]);
}

/** A valid TransferArg (1 e8s to the anonymous account) and an extra `vec text` argument of `n` empty texts. */
function withExtraEmptyTexts(n: number): Uint8Array {
    const msg = new Uint8Array(IDL.encode([toIdl(IDL as never, L.TransferArg), IDL.Vec(IDL.Text)], [{ from_subaccount: [], to: { owner: ANON, subaccount: [] }, amount: 1n, fee: [], memo: [], created_at_time: [] }, []]));
    return new Uint8Array([...msg.subarray(0, msg.length - 1), ...leb(n), ...new Array(n).fill(0)]);
}

/** A valid TransferArg and an extra `vec opt null` argument of `n` elements, each `opt` set. */
function withExtraOptNulls(n: number): Uint8Array {
    const msg = new Uint8Array(IDL.encode([toIdl(IDL as never, L.TransferArg), IDL.Vec(IDL.Opt(IDL.Null))], [{ from_subaccount: [], to: { owner: ANON, subaccount: [] }, amount: 1n, fee: [], memo: [], created_at_time: [] }, []]));
    return new Uint8Array([...msg.subarray(0, msg.length - 1), ...leb(n), ...new Array(n).fill(1)]);
}

function batchWithExtraEmptyTexts(n: number): Uint8Array {
    const payload = { poc_results: [], observations: [] };
    const msg = new Uint8Array(IDL.encode([toIdl(IDL as never, PROTOCOL_METHODS.propose_batch.args[0]), IDL.Vec(IDL.Text)], [{ height: 1n, payload, digest: new Uint8Array(32) }, []]));
    return new Uint8Array([...msg.subarray(0, msg.length - 1), ...leb(n), ...new Array(n).fill(0)]);
}

function emptyRecords(n: number): Uint8Array {
    const t = [...DIDL, ...leb(n)];
    for (let i = 0; i < n; i++) t.push(0x6c, 0);
    t.push(1, 0);
    return new Uint8Array(t);
}

function recordsOfFields(entries: number, fields: number): Uint8Array {
    const t = [...DIDL, ...leb(entries)];
    for (let i = 0; i < entries; i++) {
        t.push(0x6c, ...leb(fields));
        for (let j = 0; j < fields; j++) t.push(...leb(j), 0x7d);
    }
    t.push(1, 0);
    return new Uint8Array(t);
}

async function network(opts: ReplicaOptions): Promise<EmbeddedReplica> {
    const replica = await EmbeddedReplica.create({ time: T0, ...opts });
    await replica.installCanister({ wasm: builtWasm('protocol'), arg: protocolInitArg(principalOf(identity(200))), canisterId: PROTOCOL_ID });
    await replica.installCanister({ wasm: builtWasm('ledger'), arg: ledgerInitArg({ minting: PROTOCOL_ID, balances: [[{ owner: ALICE, subaccount: [] }, 1_000n * 100_000_000n]] }), canisterId: LEDGER_ID });
    return replica;
}

let requests = 0;

export const hostileSuite: BenchSuite = {
    name: 'hostile',
    async run(report) {
        const cases: [string, Principal, string, () => Uint8Array, Principal, string][] = [
            ['ledger.transfer_nat_10kb', LEDGER_ID, 'icrc1_transfer', () => transferWithAmountBytes(10_000), ALICE, 'icrc1_transfer from a funded identity, amount of 10 KB of LEB128'],
            ['ledger.transfer_nat_100kb', LEDGER_ID, 'icrc1_transfer', () => transferWithAmountBytes(100_000), ALICE, 'icrc1_transfer from a funded identity, amount of 100 KB of LEB128'],
            ['ledger.transfer_nat_64b', LEDGER_ID, 'icrc1_transfer', () => transferWithAmountBytes(64), ALICE, 'icrc1_transfer from a funded identity, amount of 64 bytes (the bound; InsufficientFunds)'],
            ['protocol.top_up_nat_10kb', PROTOCOL_ID, 'top_up', () => topUpWithAmountBytes(10_000), ALICE, 'top_up from a funded identity, amount of 10 KB of LEB128'],
            ['ledger.table_950k_records', LEDGER_ID, 'icrc1_transfer', () => emptyRecords(950_000), ANON, 'icrc1_transfer from the anonymous principal, a 1.9 MB type table of 950,000 empty records'],
            ['protocol.table_950k_records', PROTOCOL_ID, 'propose_batch', () => emptyRecords(950_000), ALICE, 'propose_batch (the largest limit), a 1.9 MB type table of 950,000 empty records'],
            ['protocol.table_256_records_3_fields', PROTOCOL_ID, 'propose_batch', () => recordsOfFields(256, 3), ALICE, 'propose_batch, a type table at the entry cap (256 records of 3 fields)'],
            ['protocol.table_1_record_1023_fields', PROTOCOL_ID, 'propose_batch', () => recordsOfFields(1, 1023), ALICE, 'propose_batch, a type table at the reference cap (1 record of 1,023 fields)'],
            ['ledger.transfer_nat_200b', LEDGER_ID, 'icrc1_transfer', () => transferWithAmountBytes(200), ALICE, 'icrc1_transfer, amount of 200 bytes (within the argument limit: the decoder bound refuses it)'],
            ['ledger.extra_vec_700k_empty_texts', LEDGER_ID, 'icrc1_transfer', () => withExtraEmptyTexts(700_000), ALICE, 'a valid icrc1_transfer plus an extra argument of 700,000 empty texts (1.4 MB, skipped)'],
            ['ledger.extra_vec_900k_opt_null', LEDGER_ID, 'icrc1_transfer', () => withExtraOptNulls(900_000), ALICE, 'a valid icrc1_transfer plus an extra argument of 900,000 `opt null` set (1.8 MB, skipped)'],
            ['protocol.batch_extra_vec_49990_empty_texts', PROTOCOL_ID, 'propose_batch', () => batchWithExtraEmptyTexts(49_990), ALICE, 'propose_batch (empty payload) plus an extra argument of 49,990 empty texts: the densest argument within its 50,124-byte limit'],
            ['ledger.unknown_method', LEDGER_ID, 'mint_me_tokens', () => new Uint8Array([...DIDL, 0, 0]), ALICE, 'a method the ledger does not have'],
            ['protocol.anonymous_register', PROTOCOL_ID, 'register_node', () => new Uint8Array(IDL.encode([toIdl(IDL as never, P.RegisterNodeArgsT)], [{ node_id: 'anon1', node_type: { compute: null }, wallet: { owner: ALICE, subaccount: [] }, stake: [] }])), ANON, 'register_node from the anonymous principal'],
            ['protocol.batch_1_9mb', PROTOCOL_ID, 'propose_batch', () => new Uint8Array([...DIDL, ...new Array(1_900_000 - 4).fill(0)]), ALICE, 'propose_batch with a 1.9 MB argument'],
        ];
        for (const [path, opts] of [['decoder', { inspectMessage: false }], ['ingress', {}]] as [string, ReplicaOptions][]) {
            const replica = await network(opts);
            for (const [key, canister, method, arg, sender, what] of cases) {
                if (path === 'decoder' && (method === 'mint_me_tokens' || key === 'protocol.anonymous_register' || key === 'protocol.batch_1_9mb')) continue;
                let outcome = '';
                const m = await measure(replica, canister, async () => {
                    const s = await replica.submitUpdate({ canisterId: canister, method, arg: arg(), sender, requestId: `hostile-bench-${++requests}` });
                    outcome = s.status === 'rejected' ? `rejected: ${s.reject.message.replace(/^.*?message: '/, '').split('\n')[0].slice(0, 90)}` : s.status;
                });
                report(`hostile.${path}.${key}`, { ...m, note: `${what}; ${path === 'decoder' ? 'inspect_message bypassed' : 'through canister_inspect_message'}; ${outcome}` });
            }
        }
    },
};
