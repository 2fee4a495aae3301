/** The deploy configuration: what each network's section resolves to, and every refusal (src/deploy/config.ts). */
import { IDL } from '@dfinity/candid';
import { Principal } from '@dfinity/principal';
import { formatAccount } from '../../../src/client/account';
import { candidText, DeployConfigError, ledgerInstallArg, MAX_GENESIS_ACCOUNTS, protocolInitArg, resolveConfig } from '../../../src/deploy/config';
import { decode } from '../../../src/lib/candid/candid';
import * as L from '../../../src/ledger/api/candid';
import * as P from '../../../src/protocol/api/candid';

const deployer = Principal.fromText('xkbqi-2qaaa-aaaah-qbpqq-cai');
const other = Principal.fromText('ryjl3-tyaaa-aaaaa-aaaba-cai');
const protocol = Principal.fromText('bd3sg-teaaa-aaaaa-qaaba-cai');
const sub = new Uint8Array(32).fill(5);

const local = (c: object) => ({ local: c });
const refuse = (file: unknown, network: string, message: string | RegExp) => expect(() => resolveConfig(file, network, deployer, protocol)).toThrow(message instanceof RegExp ? message : new DeployConfigError(message));

describe('resolveConfig', () => {
    it('local defaults: the deployer governs; amounts are EMC text; accounts may be "deployer", principals or ICRC-1 account texts', () => {
        const c = resolveConfig(
            local({ initial_balances: [{ account: 'deployer', amount: '1000' }, { account: formatAccount({ owner: other, subaccount: sub }), amount: '0.5' }, { account: other.toText(), amount: '150000000e8s' }], transfer_fee: '0.001', epoch_seconds: 3600 }),
            'local',
            deployer,
        );
        expect(c.governance.toText()).toBe(deployer.toText());
        expect(c.governanceIsDeployer).toBe(true);
        expect(c.initialBalances).toEqual([
            [{ owner: deployer, subaccount: [] }, 100_000_000_000n],
            [{ owner: other, subaccount: [sub] }, 50_000_000n],
            [{ owner: other, subaccount: [] }, 150_000_000n],
        ]);
        expect(c.transferFee).toBe(100_000n);
        expect(c.epochSeconds).toBe(3_600n);
        const [p] = decode([P.ProtocolArgT], protocolInitArg(c, other)) as [{ Init: { ledger: Principal; governance: Principal[]; epoch_seconds: bigint[] } }];
        expect([p.Init.ledger.toText(), p.Init.governance[0].toText(), p.Init.epoch_seconds]).toEqual([other.toText(), deployer.toText(), [3_600n]]);
        const [l] = decode([L.LedgerArg], ledgerInstallArg(c, protocol)) as [{ Init: { minting_account: L.CAccount; transfer_fee: bigint } }];
        expect(l.Init.minting_account).toEqual({ owner: protocol, subaccount: [] });
        expect(candidText('protocol', protocolInitArg(c, other))).toBe(`(${(IDL.Variant({ Init: IDL.Record({ ledger: IDL.Principal, governance: IDL.Opt(IDL.Principal), genesis_time: IDL.Opt(IDL.Nat64), epoch_seconds: IDL.Opt(IDL.Nat64), vesting: IDL.Opt(IDL.Vec(IDL.Record({ beneficiary: IDL.Record({ owner: IDL.Principal, subaccount: IDL.Opt(IDL.Vec(IDL.Nat8)) }), total: IDL.Nat, start: IDL.Opt(IDL.Nat64), reason: IDL.Text }))) }), Upgrade: IDL.Opt(IDL.Record({})) }) as IDL.Type).valueToString(p)})`);
    });

    it('other networks: governance is the principal given, never a default', () => {
        expect(resolveConfig({ ic: { governance: P.NNS_GOVERNANCE } }, 'ic', deployer).governance.toText()).toBe(P.NNS_GOVERNANCE);
        expect(resolveConfig({ ic: { governance: deployer.toText() } }, 'ic', deployer).governanceIsDeployer).toBe(true);
        refuse({ ic: {} }, 'ic', /ic\.governance is not set/);
        refuse({ ic: { governance: null } }, 'ic', /ic\.governance is not set/);
        refuse({ ic: { governance: 'deployer' } }, 'ic', /"deployer" is only accepted on local/);
        refuse({ ic: { governance: '2vxsx-fae' } }, 'ic', 'deploy config ic.governance must not be the anonymous principal');
        refuse({ ic: { governance: 'not-a-principal' } }, 'ic', /ic\.governance: malformed governance/);
    });

    it.each([
        [[], 'a JSON object'],
        [{ ic: {} }, "no section for network 'local'"],
        [local({ governanc: 'deployer' }), "unknown key 'governanc'"],
        [local({ initial_balances: [{ account: 'deployer', amount: 1000 }] }), 'must be an EMC amount as text'],
        [local({ initial_balances: [{ account: 'deployer', amount: '1.123456789' }] }), 'more than 8 decimals'],
        [local({ initial_balances: [{ account: 'deployer', amount: '0' }] }), 'must be more than 0'],
        [local({ initial_balances: [{ account: 'deployer', amount: '1' }, { account: deployer.toText(), amount: '2' }] }), 'is listed twice'],
        [local({ initial_balances: [{ account: protocol.toText(), amount: '1' }] }), 'is the minting account'],
        [local({ initial_balances: [{ account: 'nobody', amount: '1' }] }), 'malformed account'],
        [local({ initial_balances: [{ account: 'deployer', amount: '1302000000.00000001' }] }), 'more than the 1302000000 EMC'],
        [local({ initial_balances: [{ account: 'deployer', amount: '10' }], max_supply: '9' }), 'must be between the genesis total'],
        [local({ max_supply: '2100000001' }), 'must be between the genesis total'],
        [local({ epoch_seconds: 59 }), 'epoch_seconds must be an integer from 60'],
        [local({ epoch_seconds: '1e5' }), 'epoch_seconds must be an integer'],
        [local({ genesis_time_ns: -1 }), 'genesis_time_ns must be an integer'],
        [local({ logo: 'https://example.com/logo.png' }), 'logo must be a data:image'],
        [local({ fee_collector: protocol.toText(), initial_balances: 'x' }), 'must be a list'],
    ])('refuses %j', (file, message) => {
        expect(() => resolveConfig(file, 'local', deployer, protocol)).toThrow(DeployConfigError);
        expect(() => resolveConfig(file, 'local', deployer, protocol)).toThrow(message as string);
    });

    it(`refuses more than ${MAX_GENESIS_ACCOUNTS} genesis accounts (the argument travels on dfx's command line)`, () => {
        const many = Array.from({ length: MAX_GENESIS_ACCOUNTS + 1 }, (_, i) => ({ account: Principal.fromUint8Array(Uint8Array.from([i >> 8, i & 255, 1])).toText(), amount: '1' }));
        expect(() => resolveConfig(local({ initial_balances: many }), 'local', deployer)).toThrow(/at most 1000 fit the install command line/);
        const hex = Buffer.from(ledgerInstallArg(resolveConfig(local({ initial_balances: many.slice(0, MAX_GENESIS_ACCOUNTS) }), 'local', deployer), protocol)).toString('hex');
        expect(hex.length).toBeLessThan(128 * 1024);
    });
});
