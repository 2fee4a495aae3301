/**
 * emc_ledger built Wasm in the embedded replica, through the client wallets use
 * (IcrcLedgerCanister from @dfinity/ledger-icrc) and through a plain agent-js Actor built from
 * DFINITY's own ledger .did: every method, the error variants, blocks and their hashes, the
 * certified tip, an upgrade in the middle, bad input.
 */
import { Actor, Certificate, type ActorSubclass, type Identity } from '@dfinity/agent';
import { IDL } from '@dfinity/candid';
import { Principal } from '@dfinity/principal';
import { IcrcLedgerCanister } from '@dfinity/ledger-icrc';
import { reconstruct, fromAgentHashTree } from '../../tools/replica/certification';
import { hashValue, type Value } from '../../src/ledger/icrc3/value';
import { EmbeddedReplica, ReplicaError } from '../../tools/replica';
import { ErrorCodes } from '../../src/ledger/calls';
import { idlFactory as dfinityLedgerIdl } from '../../node_modules/@icp-sdk/canisters/declarations/ledger-icrc/icrc_ledger.idl.js';
import { E8S, FEE, acct, deployLedger, identity, ledgerUpgradeArg } from '../helpers/ledger';
import { builtWasm } from '../helpers/wasm';
import { Cbor } from '@dfinity/agent';

const SECOND = 1_000_000_000n;
const T0 = 1_750_000_000n * SECOND;
const minter = identity(50);
const alice = identity(1);
const bob = identity(2);
const carol = identity(3);

type Ledger = ActorSubclass<any>;

async function setup(opts: { maxSupply?: bigint } = {}) {
    const replica = await EmbeddedReplica.create({ time: T0 });
    const id = await deployLedger(replica, {
        minting: Principal.fromUint8Array(minter.getPrincipal().toUint8Array()),
        balances: [
            [acct(alice), 1_000n * E8S],
            [acct(bob), 10n * E8S],
        ],
        maxSupply: opts.maxSupply,
    });
    const actor = (who?: Identity): Ledger => Actor.createActor(dfinityLedgerIdl as never, { agent: replica.createAgent(who) as never, canisterId: id });
    const wallet = (who?: Identity) => IcrcLedgerCanister.create({ agent: replica.createAgent(who) as never, canisterId: id as never });
    return { replica, id, actor, wallet };
}

/** Σ balances of the accounts a test touched, for the supply invariant. */
async function sumBalances(l: Ledger, accounts: ReturnType<typeof acct>[]): Promise<bigint> {
    let s = 0n;
    for (const a of accounts) s += (await l.icrc1_balance_of(a)) as bigint;
    return s;
}

describe('emc_ledger through IcrcLedgerCanister (@dfinity/ledger-icrc)', () => {
    let env: Awaited<ReturnType<typeof setup>>;
    beforeAll(async () => {
        env = await setup();
    });

    it('reads metadata, fee, supply, balances and the minting account, as query and as certified update', async () => {
        const w = env.wallet(alice);
        for (const certified of [false, true]) {
            const meta = await w.metadata({ certified });
            const map = new Map(meta as [string, any][]);
            expect(map.get('icrc1:symbol')).toEqual({ Text: 'EMC' });
            expect(map.get('icrc1:name')).toEqual({ Text: 'EMC' });
            expect(map.get('icrc1:decimals')).toEqual({ Nat: 8n });
            expect(map.get('icrc1:fee')).toEqual({ Nat: FEE });
            expect(map.get('icrc1:max_memo_length')).toEqual({ Nat: 32n });
            expect(map.get('icrc103:public_allowances')).toEqual({ Text: 'true' });
            expect(map.get('icrc1:logo')).toEqual({ Text: 'data:image/svg+xml;base64,PHN2Zy8+' });
            expect(await w.transactionFee({ certified })).toBe(FEE);
            expect(await w.totalTokensSupply({ certified })).toBe(1_010n * E8S);
            expect(await w.balance({ owner: alice.getPrincipal() as never, certified })).toBe(1_000n * E8S);
            const minting = await w.getMintingAccount({ certified });
            expect((minting as any)[0].owner.toText()).toBe(minter.getPrincipal().toText());
        }
        const standards = (await w.icrc1SupportedStandards({})).map((s) => s.name);
        expect(standards).toEqual(['ICRC-1', 'ICRC-2', 'ICRC-3', 'ICRC-10', 'ICRC-21', 'ICRC-103', 'ICRC-106']);
        expect((await w.icrc10SupportedStandards({})).map((s) => s.name)).toEqual(standards);
    });

    it('transfers, approves, spends an allowance, and maps errors to IcrcTransferError', async () => {
        const w = env.wallet(alice);
        const index = await w.transfer({ to: acct(carol) as never, amount: 5n * E8S });
        expect(index).toBe(2n);
        expect(await w.balance({ owner: carol.getPrincipal() as never })).toBe(5n * E8S);
        await expect(w.transfer({ to: acct(carol) as never, amount: 1n, fee: 1n })).rejects.toMatchObject({ errorType: { BadFee: { expected_fee: FEE } } });
        await expect(env.wallet(carol).transfer({ to: acct(bob) as never, amount: 6n * E8S })).rejects.toMatchObject({ errorType: { InsufficientFunds: { balance: 5n * E8S } } });
        expect(await w.approve({ spender: acct(bob) as never, amount: 3n * E8S })).toBe(3n);
        expect(await w.allowance({ account: acct(alice) as never, spender: acct(bob) as never })).toEqual({ allowance: 3n * E8S, expires_at: [] });
        const spent = await env.wallet(bob).transferFrom({ from: acct(alice) as never, to: acct(carol) as never, amount: E8S });
        expect(spent).toBe(4n);
        expect(await w.allowance({ account: acct(alice) as never, spender: acct(bob) as never, certified: true })).toEqual({ allowance: 2n * E8S - FEE, expires_at: [] });
        await expect(env.wallet(bob).transferFrom({ from: acct(alice) as never, to: acct(carol) as never, amount: 2n * E8S })).rejects.toMatchObject({
            errorType: { InsufficientAllowance: { allowance: 2n * E8S - FEE } },
        });
        await expect(w.approve({ spender: acct(bob) as never, amount: 1n, expected_allowance: 5n })).rejects.toMatchObject({ errorType: { AllowanceChanged: { current_allowance: 2n * E8S - FEE } } });
    });

    it('serves blocks whose ICRC-3 hashes chain, and a certified tip that verifies', async () => {
        const w = env.wallet(alice);
        const result = await w.getBlocks({ args: [{ start: 0n, length: 1000n }] });
        expect(result.log_length).toBe(5n);
        expect(result.blocks.map((b) => b.id)).toEqual([0n, 1n, 2n, 3n, 4n]);
        expect(result.archived_blocks).toEqual([]);
        let previous: Uint8Array | undefined;
        for (const { block } of result.blocks) {
            const map = new Map((block as { Map: [string, Value][] }).Map);
            if (previous === undefined) expect(map.has('phash')).toBe(false);
            else expect(map.get('phash')).toEqual({ Blob: previous });
            previous = hashValue(block as Value);
        }
        const ops = result.blocks.map((b) => ((new Map((b.block as any).Map).get('tx') as any).Map as [string, any][]).find(([k]) => k === 'op')?.[1].Text);
        expect(ops).toEqual(['mint', 'mint', 'xfer', 'approve', 'xfer']);
        const tip = (await env.actor(alice).icrc3_get_tip_certificate()) as [] | [{ certificate: Uint8Array; hash_tree: Uint8Array }];
        expect(tip.length).toBe(1);
        const { certificate, hash_tree } = (tip as [{ certificate: Uint8Array; hash_tree: Uint8Array }])[0];
        const cert = await Certificate.create({ certificate, rootKey: env.replica.rootKey, canisterId: env.id, agent: env.replica.createAgent() as never } as never);
        const certified = new Uint8Array((cert.lookup_path(['canister', env.id.toUint8Array(), 'certified_data']) as { value: Uint8Array }).value);
        const tree = fromAgentHashTree(Cbor.decode(hash_tree) as never);
        expect(Buffer.from(reconstruct(tree)).equals(Buffer.from(certified))).toBe(true);
        expect(Buffer.from(certified).equals(Buffer.from(env.replica.certifiedData(env.id)))).toBe(true);
        // the tip names the last block and its hash
        const { lookupPath } = await import('../../tools/replica/certification');
        expect(Buffer.from(lookupPath(tree, ['last_block_hash']) as Uint8Array).equals(Buffer.from(previous as Uint8Array))).toBe(true);
        expect(lookupPath(tree, ['last_block_index'])).toEqual(new Uint8Array([4]));
        // as an update call there is no data certificate, as on the IC
        const asUpdate = Actor.createActor(({ IDL: I }: { IDL: any }) => I.Service({ icrc3_get_tip_certificate: I.Func([], [I.Opt(I.Record({ certificate: I.Vec(I.Nat8), hash_tree: I.Vec(I.Nat8) }))], []) }), {
            agent: env.replica.createAgent(alice) as never,
            canisterId: env.id,
        });
        expect(await (asUpdate as any).icrc3_get_tip_certificate()).toEqual([]);
    });

    it('gives consent messages for transfer, approve and transfer_from (ICRC-21)', async () => {
        const w = env.wallet(alice);
        const transferArg = IDL.encode(
            [IDL.Record({ from_subaccount: IDL.Opt(IDL.Vec(IDL.Nat8)), to: IDL.Record({ owner: IDL.Principal, subaccount: IDL.Opt(IDL.Vec(IDL.Nat8)) }), amount: IDL.Nat, fee: IDL.Opt(IDL.Nat), memo: IDL.Opt(IDL.Vec(IDL.Nat8)), created_at_time: IDL.Opt(IDL.Nat64) })],
            [{ from_subaccount: [], to: acct(bob), amount: 123_450_000n, fee: [], memo: [new TextEncoder().encode('rent')], created_at_time: [] }],
        );
        const generic = await w.consentMessage({ method: 'icrc1_transfer', arg: new Uint8Array(transferArg), userPreferences: { metadata: { language: 'en' }, deriveSpec: { GenericDisplay: null } } });
        const text = (generic.consent_message as { GenericDisplayMessage: string }).GenericDisplayMessage;
        expect(text).toContain('# Send EMC');
        expect(text).toContain('`1.2345 EMC`');
        expect(text).toContain('`0.001 EMC`');
        expect(text).toContain(bob.getPrincipal().toText());
        expect(text).toContain(alice.getPrincipal().toText());
        expect(text).toContain('rent');
        const fields = await w.consentMessage({ method: 'icrc1_transfer', arg: new Uint8Array(transferArg), userPreferences: { metadata: { language: 'de' }, deriveSpec: { FieldsDisplay: null } } });
        const fm = (fields.consent_message as { FieldsDisplayMessage: { intent: string; fields: [string, any][] } }).FieldsDisplayMessage;
        expect(fm.intent).toBe('Send EMC');
        expect(new Map(fm.fields).get('Amount')).toEqual({ TokenAmount: { decimals: 8, amount: 123_450_000n, symbol: 'EMC' } });
        expect(fields.metadata.language).toBe('en');
        await expect(w.consentMessage({ method: 'icrc1_balance_of', arg: new Uint8Array(transferArg), userPreferences: { metadata: { language: 'en' } } })).rejects.toThrow();
        await expect(w.consentMessage({ method: 'icrc2_approve', arg: new Uint8Array([1, 2, 3]), userPreferences: { metadata: { language: 'en' } } })).rejects.toThrow();
    });

    it('has no index principal until one is configured (ICRC-106)', async () => {
        await expect(env.wallet(alice).getIndexPrincipal({})).rejects.toThrow();
        expect(await env.actor(alice).icrc106_get_index_principal()).toEqual({ Err: { IndexPrincipalNotSet: null } });
    });
});

describe('emc_ledger through a plain Actor of DFINITY’s ledger .did', () => {
    it('answers every ICRC method with the standard types, and every error variant', async () => {
        const { replica, actor, id } = await setup({ maxSupply: 1_100n * E8S });
        const a = actor(alice);
        expect(await a.icrc1_name()).toBe('EMC');
        expect(await a.icrc1_symbol()).toBe('EMC');
        expect(await a.icrc1_decimals()).toBe(8);
        expect(await a.is_ledger_ready()).toBe(true);
        expect(await a.archives()).toEqual([]);
        expect(await a.icrc3_get_archives({ from: [] })).toEqual([]);
        expect(((await a.icrc3_supported_block_types()) as { block_type: string }[]).map((b) => b.block_type)).toEqual(['1burn', '1mint', '1xfer', '2approve', '2xfer']);

        const t = (over: object = {}) => ({ from_subaccount: [], to: acct(bob), amount: 1n, fee: [], memo: [], created_at_time: [], ...over });
        expect(await a.icrc1_transfer(t({ fee: [7n] }))).toEqual({ Err: { BadFee: { expected_fee: FEE } } });
        expect(await a.icrc1_transfer(t({ amount: 10n ** 30n }))).toEqual({ Err: { InsufficientFunds: { balance: 1_000n * E8S } } });
        expect(await a.icrc1_transfer(t({ created_at_time: [T0 - 25n * 3600n * SECOND] }))).toEqual({ Err: { TooOld: null } });
        expect(await a.icrc1_transfer(t({ created_at_time: [T0 + 61n * SECOND] }))).toEqual({ Err: { CreatedInFuture: { ledger_time: T0 } } });
        expect(await a.icrc1_transfer(t({ created_at_time: [T0] }))).toEqual({ Ok: 2n });
        expect(await a.icrc1_transfer(t({ created_at_time: [T0] }))).toEqual({ Err: { Duplicate: { duplicate_of: 2n } } });
        expect(await a.icrc1_transfer(t({ to: acct(minter), amount: 10n }))).toEqual({ Err: { BadBurn: { min_burn_amount: FEE } } });
        const memo = (await a.icrc1_transfer(t({ memo: [new Uint8Array(33)] }))) as { Err: { GenericError: { error_code: bigint; message: string } } };
        expect(memo.Err.GenericError.error_code).toBe(ErrorCodes.MEMO_TOO_LONG);
        const sub = (await a.icrc1_transfer(t({ to: { owner: bob.getPrincipal(), subaccount: [new Uint8Array(31)] } }))) as { Err: { GenericError: { error_code: bigint } } };
        expect(sub.Err.GenericError.error_code).toBe(ErrorCodes.INVALID_ACCOUNT);
        // the anonymous principal is refused before execution, by canister_inspect_message (the
        // method's own ANONYMOUS_CALLER error remains for calls that are not inspected)
        await expect(actor().icrc1_transfer(t())).rejects.toThrow(/emc_ledger refuses the message: icrc1_transfer refuses the anonymous principal/);
        // mint through the minting account, capped by max_supply
        const m = actor(minter);
        expect(await m.icrc1_transfer(t({ amount: 80n * E8S }))).toEqual({ Ok: 3n });
        const cap = (await m.icrc1_transfer(t({ amount: 20n * E8S }))) as { Err: { GenericError: { error_code: bigint } } };
        expect(cap.Err.GenericError.error_code).toBe(ErrorCodes.SUPPLY_CAP);
        expect(await m.icrc1_transfer(t({ fee: [FEE] }))).toEqual({ Err: { BadFee: { expected_fee: 0n } } });

        const ap = (over: object = {}) => ({ fee: [], memo: [], from_subaccount: [], created_at_time: [], amount: 5n * E8S, expected_allowance: [], expires_at: [], spender: acct(carol), ...over });
        expect(await a.icrc2_approve(ap({ expires_at: [T0 - 1n] }))).toEqual({ Err: { Expired: { ledger_time: T0 } } });
        expect(await a.icrc2_approve(ap({ fee: [1n] }))).toEqual({ Err: { BadFee: { expected_fee: FEE } } });
        expect(await actor(carol).icrc2_approve(ap({ spender: acct(alice) }))).toEqual({ Err: { InsufficientFunds: { balance: 0n } } });
        const selfApproval = (await a.icrc2_approve(ap({ spender: acct(alice, new Uint8Array(32).fill(1)) }))) as { Err: { GenericError: { error_code: bigint } } };
        expect(selfApproval.Err.GenericError.error_code).toBe(ErrorCodes.SELF_APPROVAL);
        expect(await a.icrc2_approve(ap({ expires_at: [T0 + 3600n * SECOND] }))).toEqual({ Ok: 4n });
        expect(await a.icrc2_approve(ap({ expected_allowance: [1n] }))).toEqual({ Err: { AllowanceChanged: { current_allowance: 5n * E8S } } });
        expect(await a.icrc2_allowance({ account: acct(alice), spender: acct(carol) })).toEqual({ allowance: 5n * E8S, expires_at: [T0 + 3600n * SECOND] });
        const listed = (await a.icrc103_get_allowances({ from_account: [], prev_spender: [], take: [] })) as { Ok: { to_spender: { owner: Principal }; allowance: bigint }[] };
        expect(listed.Ok.map((x) => [x.to_spender.owner.toText(), x.allowance])).toEqual([[carol.getPrincipal().toText(), 5n * E8S]]);

        const tf = (over: object = {}) => ({ spender_subaccount: [], from: acct(alice), to: acct(carol), amount: E8S, fee: [], memo: [], created_at_time: [], ...over });
        const c = actor(carol);
        expect(await c.icrc2_transfer_from(tf({ amount: 6n * E8S }))).toEqual({ Err: { InsufficientAllowance: { allowance: 5n * E8S } } });
        expect(await c.icrc2_transfer_from(tf({ fee: [2n] }))).toEqual({ Err: { BadFee: { expected_fee: FEE } } });
        expect(await c.icrc2_transfer_from(tf({ created_at_time: [T0] }))).toEqual({ Ok: 5n });
        expect(await c.icrc2_transfer_from(tf({ created_at_time: [T0] }))).toEqual({ Err: { Duplicate: { duplicate_of: 5n } } });
        expect(await actor(bob).icrc2_transfer_from(tf())).toEqual({ Err: { InsufficientAllowance: { allowance: 0n } } });
        // the approval expires
        await replica.advanceTime(3600n * SECOND);
        expect(await a.icrc2_allowance({ account: acct(alice), spender: acct(carol) })).toEqual({ allowance: 0n, expires_at: [] });
        expect(await c.icrc2_transfer_from(tf())).toEqual({ Err: { InsufficientAllowance: { allowance: 0n } } });

        const everyone = [acct(alice), acct(bob), acct(carol)];
        expect(await sumBalances(a, everyone)).toBe(await a.icrc1_total_supply());
        expect(replica.hasCanister(id)).toBe(true);
    });

    it('rejects malformed Candid without changing anything', async () => {
        const { replica, actor } = await setup();
        const raw = Actor.createActor(({ IDL: I }: { IDL: any }) => I.Service({ icrc1_transfer: I.Func([I.Text], [I.Nat], []) }), { agent: replica.createAgent(alice) as never, canisterId: (await setup()).id });
        await expect((raw as any).icrc1_transfer('not a transfer')).rejects.toThrow(/Reject code: 5/);
        expect(await actor(alice).icrc1_balance_of(acct(alice))).toBe(1_000n * E8S);
    });
});

describe('emc_ledger upgrade in the middle of a sequence', () => {
    it('keeps every balance, allowance, block, the certified tip, and the deduplication window', async () => {
        const { replica, id, actor } = await setup();
        const a = actor(alice);
        const transfer = { from_subaccount: [], to: acct(bob), amount: 7n, fee: [], memo: [new Uint8Array([9])], created_at_time: [T0] };
        expect(await a.icrc1_transfer(transfer)).toEqual({ Ok: 2n });
        expect(await a.icrc2_approve({ fee: [], memo: [], from_subaccount: [], created_at_time: [], amount: 50n, expected_allowance: [], expires_at: [], spender: acct(carol) })).toEqual({ Ok: 3n });
        const before = {
            balances: [await a.icrc1_balance_of(acct(alice)), await a.icrc1_balance_of(acct(bob))],
            allowance: await a.icrc2_allowance({ account: acct(alice), spender: acct(carol) }),
            blocks: await a.icrc3_get_blocks([{ start: 0n, length: 100n }]),
            certified: replica.certifiedData(id),
            supply: await a.icrc1_total_supply(),
        };
        await replica.upgradeCanister(id, { wasm: builtWasm('ledger'), arg: ledgerUpgradeArg(undefined) });
        expect([await a.icrc1_balance_of(acct(alice)), await a.icrc1_balance_of(acct(bob))]).toEqual(before.balances);
        expect(await a.icrc2_allowance({ account: acct(alice), spender: acct(carol) })).toEqual(before.allowance);
        expect(await a.icrc3_get_blocks([{ start: 0n, length: 100n }])).toEqual(before.blocks);
        expect(replica.certifiedData(id)).toEqual(before.certified);
        expect(await a.icrc1_total_supply()).toBe(before.supply);
        expect(await a.icrc1_transfer(transfer)).toEqual({ Err: { Duplicate: { duplicate_of: 2n } } });
        // an upgrade may change the fee and the name, and never shrink the memo limit
        await replica.upgradeCanister(id, { wasm: builtWasm('ledger'), arg: ledgerUpgradeArg({ transfer_fee: 2n * FEE, token_name: 'EdgeMatrix Computing', max_memo_length: 64 }) });
        expect(await a.icrc1_fee()).toBe(2n * FEE);
        expect(await a.icrc1_name()).toBe('EdgeMatrix Computing');
        expect(await a.icrc1_transfer({ ...transfer, memo: [new Uint8Array(64)], created_at_time: [] })).toEqual({ Ok: 4n });
        await expect(replica.upgradeCanister(id, { wasm: builtWasm('ledger'), arg: ledgerUpgradeArg({ max_memo_length: 32 }) })).rejects.toThrow(ReplicaError);
        expect(await a.icrc1_fee()).toBe(2n * FEE);
        await replica.upgradeCanister(id, { wasm: builtWasm('ledger'), arg: ledgerUpgradeArg({ index_principal: carol.getPrincipal() as never }) });
        expect(await a.icrc106_get_index_principal()).toEqual({ Ok: carol.getPrincipal() });
    });
});
