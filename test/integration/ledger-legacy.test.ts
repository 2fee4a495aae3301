/**
 * emc_ledger (built Wasm, embedded replica) through an agent-js Actor built from DFINITY's current
 * ledger.did as checked in (test/dfinity/ledger.did): every method the file has is implemented with
 * equal types and answers; the legacy get_blocks / get_transactions agree with icrc3_get_blocks
 * block by block; get_data_certificate verifies against the replica's root key and names the tip
 * (ICRC Rosetta's check); every block kind the ledger writes decodes as DFINITY's index-ng and
 * Rosetta decode it, and index-ng's balance book equals the ledger's balances — with an upgrade in
 * the middle.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Actor, Cbor, Certificate, type ActorSubclass, type Identity } from '@dfinity/agent';
import { IDL } from '@dfinity/candid';
import { Principal } from '@dfinity/principal';
import { dfinityTransaction, genericHash, indexAccountKey, indexNgBalances, indexNgDecode, rosettaDecode, rosettaValue, toIcrc3, type DBlock, type GenericValue } from '../helpers/dfinity-decoder';
import { hashValue, type Value } from '../../src/ledger/icrc3/value';
import { ledgerInitIdl, ledgerServiceIdl } from '../../src/ledger/api/interface';
import { leb128 } from '../../src/lib/storage/bytes';
import { EmbeddedReplica } from '../../tools/replica';
import { fromAgentHashTree, lookupPath, reconstruct } from '../../tools/replica/certification';
import { idlFactory as bundledIdl } from '../../node_modules/@icp-sdk/canisters/declarations/ledger-icrc/icrc_ledger.idl.js';
import { canonical, parseDid } from '../helpers/did';
import { E8S, FEE, acct, identity, ledgerInitArg, ledgerUpgradeArg } from '../helpers/ledger';
import { builtWasm } from '../helpers/wasm';

const DID = parseDid(readFileSync(join(__dirname, '..', 'dfinity', 'ledger.did'), 'utf8'));
const SECOND = 1_000_000_000n;
const T0 = 1_760_000_000n * SECOND;
const minter = identity(60);
const alice = identity(61);
const bob = identity(62);
const carol = identity(63);
const collector = identity(64);
const U64_MAX = (1n << 64n) - 1n;

type Ledger = ActorSubclass<any>;
type Acct = ReturnType<typeof acct>;

const fieldsOf = (svc: any): Map<string, any> => new Map(svc._fields as [string, any][]);

/** An Actor of DFINITY's .did that records which methods a test called. */
function recordingActor(replica: EmbeddedReplica, id: Principal, called: Set<string>, who?: Identity): Ledger {
    const actor = Actor.createActor(DID.idlFactory as never, { agent: replica.createAgent(who) as never, canisterId: id }) as Ledger;
    return new Proxy(actor, {
        get(target, prop, receiver) {
            if (typeof prop === 'string' && DID.methods.includes(prop)) called.add(prop);
            return Reflect.get(target, prop, receiver);
        },
    });
}

async function setup(balances: [Acct, bigint][], opts: { feeCollector?: boolean } = {}) {
    const replica = await EmbeddedReplica.create({ time: T0 });
    const id = await replica.installCanister({
        wasm: builtWasm('ledger'),
        arg: ledgerInitArg({ minting: Principal.fromUint8Array(minter.getPrincipal().toUint8Array()), balances, ...(opts.feeCollector ? { feeCollector: acct(collector) } : {}) }),
    });
    const called = new Set<string>();
    return { replica, id, called, actor: (who?: Identity) => recordingActor(replica, id, called, who) };
}

/** Every block through icrc3_get_blocks (pages of 100), get_blocks and get_transactions (pages of 2000). */
async function allBlocks(l: Ledger): Promise<{ icrc3: Value[]; legacy: GenericValue[]; txs: any[]; length: bigint }> {
    const icrc3: Value[] = [];
    let length = 0n;
    for (let start = 0n; ; start += 100n) {
        const r = await l.icrc3_get_blocks([{ start, length: 100n }]);
        length = r.log_length;
        r.blocks.forEach((b: { id: bigint; block: Value }, i: number) => expect(b.id).toBe(start + BigInt(i)));
        icrc3.push(...r.blocks.map((b: { block: Value }) => b.block));
        if (BigInt(icrc3.length) >= length) break;
    }
    const legacy: GenericValue[] = [];
    const txs: any[] = [];
    for (let start = 0n; start < length; start += 2_000n) {
        const g = await l.get_blocks({ start, length: 2_000n });
        expect(g.first_index).toBe(start);
        expect(g.chain_length).toBe(length);
        expect(g.archived_blocks).toEqual([]);
        legacy.push(...g.blocks);
        const t = await l.get_transactions({ start, length: 2_000n });
        expect(t.first_index).toBe(start);
        expect(t.log_length).toBe(length);
        expect(t.archived_transactions).toEqual([]);
        txs.push(...t.transactions);
    }
    return { icrc3, legacy, txs, length };
}

/** get_blocks / get_transactions agree with icrc3_get_blocks; every block decodes as index-ng and Rosetta decode it. */
function checkAgreement({ icrc3, legacy, txs, length }: Awaited<ReturnType<typeof allBlocks>>): DBlock[] {
    expect(BigInt(icrc3.length)).toBe(length);
    expect(legacy.length).toBe(icrc3.length);
    expect(txs.length).toBe(icrc3.length);
    const decoded: DBlock[] = [];
    let previous: Uint8Array | undefined;
    icrc3.forEach((block, i) => {
        expect(toIcrc3(legacy[i])).toEqual(block);
        expect(JSON.stringify(legacy[i], (_k, v) => (typeof v === 'bigint' ? 'n' : v))).not.toContain('"Nat":');
        const hash = hashValue(block);
        expect(Buffer.from(genericHash(legacy[i])).equals(Buffer.from(hash))).toBe(true);
        const d = indexNgDecode(block);
        expect(indexNgDecode(legacy[i])).toEqual(d);
        expect(txs[i]).toEqual(dfinityTransaction(d));
        const r = rosettaDecode(legacy[i]);
        expect(Buffer.from(hashValue(rosettaValue(r))).equals(Buffer.from(hash))).toBe(true);
        if (previous === undefined) expect(r.parent_hash).toBeUndefined();
        else expect(Buffer.from(r.parent_hash as Uint8Array).equals(Buffer.from(previous))).toBe(true);
        previous = hash;
        decoded.push(d);
    });
    return decoded;
}

/** What ICRC Rosetta's agent does with get_data_certificate: verify, then read the tip. */
async function certifiedTip(replica: EmbeddedReplica, id: Principal, l: Ledger): Promise<{ hash: Uint8Array; index: Uint8Array } | undefined> {
    const dc = (await l.get_data_certificate()) as { certificate: [] | [Uint8Array]; hash_tree: Uint8Array };
    expect(dc.certificate.length).toBe(1);
    const cert = await Certificate.create({ certificate: (dc.certificate as [Uint8Array])[0], rootKey: replica.rootKey, canisterId: id, agent: replica.createAgent() as never } as never);
    const certified = new Uint8Array((cert.lookup_path(['canister', id.toUint8Array(), 'certified_data']) as { value: Uint8Array }).value);
    const tree = fromAgentHashTree(Cbor.decode(dc.hash_tree) as never);
    expect(Buffer.from(reconstruct(tree)).equals(Buffer.from(certified))).toBe(true);
    const index = lookupPath(tree, ['last_block_index']);
    if (index === undefined) return undefined;
    return { hash: lookupPath(tree, ['last_block_hash']) as Uint8Array, index };
}

describe('emc_ledger against DFINITY’s current ledger.did', () => {
    it('implements every method of the file, with equal argument, result and init types (none missing)', () => {
        const ours = fieldsOf(ledgerServiceIdl({ IDL }));
        const theirs = fieldsOf(DID.idlFactory({ IDL }));
        expect(DID.methods.length).toBe(26);
        expect([...ours.keys()].sort()).toEqual([...DID.methods].sort());
        for (const name of DID.methods) expect(`${name}: ${canonical(ours.get(name))}`).toBe(`${name}: ${canonical(theirs.get(name))}`);
        // the parser reads the file as DFINITY's own generated idlFactory has it
        const generated = fieldsOf((bundledIdl as any)({ IDL }));
        for (const name of DID.methods) expect(`${name}: ${canonical(theirs.get(name))}`).toBe(`${name}: ${canonical(generated.get(name))}`);
        // init: DFINITY's LedgerArg plus this ledger's one extension, InitArgs.max_supply : opt nat
        const ourInit = canonical(ledgerInitIdl({ IDL })[0]);
        const theirInit = canonical(DID.init({ IDL })[0]);
        expect(ourInit.replace('max_supply:opt nat; ', '')).toBe(theirInit);
        expect(ourInit).not.toBe(theirInit);
    });

    it('answers every method of the file through an Actor built from it, across an upgrade', async () => {
        const env = await setup([[acct(alice), 1_000n * E8S], [acct(bob), 10n * E8S]]);
        const a = env.actor(alice);
        expect(await a.icrc1_name()).toBe('EMC');
        expect(await a.icrc1_symbol()).toBe('EMC');
        expect(await a.icrc1_decimals()).toBe(8);
        expect(await a.icrc1_fee()).toBe(FEE);
        expect(new Map(await a.icrc1_metadata()).get('icrc1:fee')).toEqual({ Nat: FEE });
        expect(await a.icrc1_total_supply()).toBe(1_010n * E8S);
        expect(((await a.icrc1_minting_account()) as [{ owner: Principal }])[0].owner.toText()).toBe(minter.getPrincipal().toText());
        expect(await a.icrc1_balance_of(acct(alice))).toBe(1_000n * E8S);
        expect((await a.icrc1_supported_standards()).map((s: { name: string }) => s.name)).toContain('ICRC-3');
        expect((await a.icrc10_supported_standards()).map((s: { name: string }) => s.name)).toContain('ICRC-21');
        expect(await a.icrc1_transfer({ from_subaccount: [], to: acct(carol), amount: 5n * E8S, fee: [], memo: [new Uint8Array([7])], created_at_time: [T0] })).toEqual({ Ok: 2n });
        expect(await a.icrc2_approve({ fee: [], memo: [], from_subaccount: [], created_at_time: [], amount: 3n * E8S, expected_allowance: [], expires_at: [], spender: acct(bob) })).toEqual({ Ok: 3n });
        expect(await a.icrc2_allowance({ account: acct(alice), spender: acct(bob) })).toEqual({ allowance: 3n * E8S, expires_at: [] });
        expect(await env.actor(bob).icrc2_transfer_from({ spender_subaccount: [], from: acct(alice), to: acct(carol), amount: E8S, fee: [], memo: [], created_at_time: [] })).toEqual({ Ok: 4n });
        expect(((await a.icrc103_get_allowances({ from_account: [], prev_spender: [], take: [] })) as { Ok: unknown[] }).Ok.length).toBe(1);
        expect(await a.icrc106_get_index_principal()).toEqual({ Err: { IndexPrincipalNotSet: null } });
        const consent = await a.icrc21_canister_call_consent_message({
            method: 'icrc1_transfer',
            arg: new Uint8Array(IDL.encode([IDL.Record({ from_subaccount: IDL.Opt(IDL.Vec(IDL.Nat8)), to: IDL.Record({ owner: IDL.Principal, subaccount: IDL.Opt(IDL.Vec(IDL.Nat8)) }), amount: IDL.Nat, fee: IDL.Opt(IDL.Nat), memo: IDL.Opt(IDL.Vec(IDL.Nat8)), created_at_time: IDL.Opt(IDL.Nat64) })], [{ from_subaccount: [], to: acct(bob), amount: E8S, fee: [], memo: [], created_at_time: [] }])),
            user_preferences: { metadata: { language: 'en', utc_offset_minutes: [] }, device_spec: [{ GenericDisplay: null }] },
        });
        expect((consent.Ok.consent_message as { GenericDisplayMessage: string }).GenericDisplayMessage).toContain('Send EMC');
        expect((await a.icrc3_supported_block_types()).map((b: { block_type: string }) => b.block_type)).toEqual(['1burn', '1mint', '1xfer', '2approve', '2xfer']);
        expect(await a.icrc3_get_archives({ from: [] })).toEqual([]);
        expect(await a.archives()).toEqual([]);
        expect(await a.is_ledger_ready()).toBe(true);
        const before = await allBlocks(a);
        expect(before.length).toBe(5n);
        const tip = (await a.icrc3_get_tip_certificate()) as [{ hash_tree: Uint8Array }];
        expect(Buffer.from((await a.get_data_certificate()).hash_tree).equals(Buffer.from(tip[0].hash_tree))).toBe(true);
        checkAgreement(before);

        await env.replica.upgradeCanister(env.id, { wasm: builtWasm('ledger'), arg: ledgerUpgradeArg(undefined) });
        expect(await allBlocks(a)).toEqual(before);
        expect(await a.icrc1_transfer({ from_subaccount: [], to: acct(carol), amount: 5n * E8S, fee: [], memo: [new Uint8Array([7])], created_at_time: [T0] })).toEqual({ Err: { Duplicate: { duplicate_of: 2n } } });
        expect(await env.actor(minter).icrc1_transfer({ from_subaccount: [], to: acct(bob), amount: E8S, fee: [0n], memo: [], created_at_time: [] })).toEqual({ Ok: 5n });
        checkAgreement(await allBlocks(a));
        expect([...env.called].sort()).toEqual([...DID.methods].sort());
    });

    it('get_data_certificate verifies against the replica’s root key and names the tip hash and index, as ICRC Rosetta checks it', async () => {
        const empty = await setup([]);
        const e = empty.actor(alice);
        expect(await certifiedTip(empty.replica, empty.id, e)).toBeUndefined();
        expect(await e.get_blocks({ start: 0n, length: 10n })).toMatchObject({ first_index: 0n, chain_length: 0n, blocks: [] });

        const env = await setup([[acct(alice), 100n * E8S]]);
        const a = env.actor(alice);
        for (let i = 0; i < 3; i++) await a.icrc1_transfer({ from_subaccount: [], to: acct(bob), amount: BigInt(i + 1), fee: [], memo: [], created_at_time: [] });
        const { icrc3 } = await allBlocks(a);
        const tip = await certifiedTip(env.replica, env.id, a);
        expect(tip).toBeDefined();
        expect(Buffer.from((tip as { hash: Uint8Array }).hash).equals(Buffer.from(hashValue(icrc3[icrc3.length - 1])))).toBe(true);
        expect((tip as { index: Uint8Array }).index).toEqual(leb128(BigInt(icrc3.length - 1)));
        // get_blocks also carries the certificate in a query
        expect(((await a.get_blocks({ start: 0n, length: 1n })).certificate as Uint8Array[]).length).toBe(1);
        // as update calls ("certified reads") there is no data certificate, as on the IC
        const asUpdate = Actor.createActor(({ IDL: I }: { IDL: any }) => I.Service({
            get_data_certificate: I.Func([], [I.Record({ certificate: I.Opt(I.Vec(I.Nat8)), hash_tree: I.Vec(I.Nat8) })], []),
            get_blocks: I.Func([I.Record({ start: I.Nat, length: I.Nat })], [I.Record({ certificate: I.Opt(I.Vec(I.Nat8)), chain_length: I.Nat64 })], []),
        }), { agent: env.replica.createAgent(alice) as never, canisterId: env.id }) as any;
        const u = await asUpdate.get_data_certificate();
        expect(u.certificate).toEqual([]);
        expect(Buffer.from(reconstruct(fromAgentHashTree(Cbor.decode(u.hash_tree) as never))).equals(Buffer.from(env.replica.certifiedData(env.id)))).toBe(true);
        expect(await asUpdate.get_blocks({ start: 0n, length: 1n })).toEqual({ certificate: [], chain_length: 4n });
    });

    it('get_blocks and get_transactions follow DFINITY’s range rule and 2000-block limit', async () => {
        const balances: [Acct, bigint][] = [];
        for (let i = 0; i < 2_010; i++) balances.push([{ owner: Principal.fromUint8Array(Uint8Array.from([i >> 8, i & 255, 1])), subaccount: [] }, 1n]);
        const env = await setup(balances);
        const a = env.actor(alice);
        const g = await a.get_blocks({ start: 5n, length: 5_000n });
        expect(g.first_index).toBe(5n);
        expect(g.blocks.length).toBe(2_000);
        expect(g.chain_length).toBe(2_010n);
        const t = await a.get_transactions({ start: 5n, length: U64_MAX });
        expect(t.transactions.length).toBe(2_000);
        expect(t.transactions[0]).toMatchObject({ kind: 'mint', timestamp: T0 });
        expect(await a.get_blocks({ start: 2_000n, length: 100n })).toMatchObject({ first_index: 2_000n });
        expect((await a.get_blocks({ start: 2_000n, length: 100n })).blocks.length).toBe(10);
        expect(await a.get_blocks({ start: 2_010n, length: 1n })).toMatchObject({ first_index: 2_010n, blocks: [] });
        expect(await a.get_blocks({ start: 2_011n, length: 1n })).toMatchObject({ first_index: 0n, blocks: [] });
        expect(await a.get_transactions({ start: 3n, length: 0n })).toMatchObject({ first_index: 3n, transactions: [] });
        await expect(a.get_blocks({ start: U64_MAX + 1n, length: 1n })).rejects.toThrow(`transaction index ${U64_MAX + 1n} is too large, max allowed: ${U64_MAX}`);
        await expect(a.get_transactions({ start: 0n, length: U64_MAX + 1n })).rejects.toThrow(`requested length ${U64_MAX + 1n} is too large`);
    });

    it('every block kind round-trips through index-ng’s and Rosetta’s decoders, and index-ng’s balance book equals the ledger’s', async () => {
        const env = await setup([[acct(alice), 1_000n * E8S], [acct(bob), 100n * E8S]], { feeCollector: true });
        const a = env.actor(alice);
        const sub7 = new Uint8Array(32).fill(7);
        const t = (over: object) => ({ from_subaccount: [], fee: [], memo: [], created_at_time: [], ...over });
        const ok = (r: { Ok?: bigint; Err?: unknown }) => expect(r).toHaveProperty('Ok');
        const m = env.actor(minter);
        ok(await m.icrc1_transfer(t({ to: acct(carol), amount: 5n * E8S })));
        ok(await m.icrc1_transfer(t({ to: acct(carol, sub7), amount: E8S, memo: [new Uint8Array([1, 2])], created_at_time: [T0] })));
        ok(await a.icrc1_transfer(t({ to: acct(bob), amount: E8S })));
        ok(await a.icrc1_transfer(t({ to: acct(bob, new Uint8Array(32)), amount: E8S, fee: [FEE], memo: [new Uint8Array(32)], created_at_time: [T0 + 1n] })));
        ok(await a.icrc1_transfer(t({ to: acct(minter), amount: E8S })));
        ok(await a.icrc2_approve({ fee: [], memo: [], from_subaccount: [], created_at_time: [], amount: 50n * E8S, expected_allowance: [], expires_at: [], spender: acct(carol) }));
        ok(await a.icrc2_approve({ fee: [FEE], memo: [new Uint8Array([3])], from_subaccount: [], created_at_time: [T0 + 2n], amount: 5n * E8S, expected_allowance: [0n], expires_at: [T0 + 3_600n * SECOND], spender: acct(carol, sub7) }));
        const c = env.actor(carol);
        ok(await c.icrc2_transfer_from({ spender_subaccount: [], from: acct(alice), to: acct(bob), amount: E8S, fee: [], memo: [], created_at_time: [] }));
        ok(await c.icrc2_transfer_from({ spender_subaccount: [], from: acct(alice), to: acct(minter), amount: E8S, fee: [], memo: [new Uint8Array([9])], created_at_time: [T0 + 3n] }));
        ok(await c.icrc2_transfer_from({ spender_subaccount: [sub7], from: acct(alice), to: acct(carol), amount: E8S, fee: [FEE], memo: [], created_at_time: [] }));
        ok(await env.actor(bob).icrc2_transfer_from({ spender_subaccount: [], from: acct(bob), to: acct(carol), amount: E8S, fee: [], memo: [], created_at_time: [] }));
        await env.replica.upgradeCanister(env.id, { wasm: builtWasm('ledger'), arg: ledgerUpgradeArg(undefined) });
        ok(await a.icrc1_transfer(t({ to: acct(carol), amount: 1n })));
        const decoded = checkAgreement(await allBlocks(a));
        expect(decoded.map((d) => d.transaction.operation.op)).toEqual(['Mint', 'Mint', 'Mint', 'Mint', 'Transfer', 'Transfer', 'Burn', 'Approve', 'Approve', 'Transfer', 'Burn', 'Transfer', 'Transfer', 'Transfer']);
        expect(decoded[4].fee_collector).toEqual({ owner: collector.getPrincipal().toUint8Array() });
        expect(decoded.slice(5).filter((d) => d.transaction.operation.op === 'Transfer').every((d) => d.fee_collector_block_index === 4n)).toBe(true);
        const book = indexNgBalances(decoded);
        const people: Acct[] = [acct(alice), acct(bob), acct(bob, new Uint8Array(32)), acct(carol), acct(carol, sub7), acct(collector)];
        for (const p of people) {
            const key = indexAccountKey({ owner: p.owner.toUint8Array(), subaccount: p.subaccount[0] });
            expect(book.get(key) ?? 0n).toBe(await a.icrc1_balance_of(p));
        }
        expect(await a.icrc1_balance_of(acct(collector))).toBe(6n * FEE);
        let total = 0n;
        for (const v of book.values()) total += v;
        expect(total).toBe(await a.icrc1_total_supply());
    });
});
