/** Both canisters deployed together in the embedded replica, with agent-js Actors for each identity. */
import { Actor, type ActorSubclass, type Identity } from '@dfinity/agent';
import { IDL } from '@dfinity/candid';
import { Principal } from '@dfinity/principal';
import { encode } from '../../src/lib/candid/candid';
import { ledgerServiceIdl } from '../../src/ledger/api/interface';
import { batchDigest, type BatchPayload } from '../../src/protocol/batches/payload';
import * as P from '../../src/protocol/api/candid';
import { protocolServiceIdl } from '../../src/protocol/api/interface';
import { EmbeddedReplica, type ReplicaOptions } from '../../tools/replica';
import { E8S, FEE, identity, ledgerInitArg } from './ledger';
import { builtWasm } from './wasm';

export const LEDGER_ID = Principal.fromText('vhljx-suaaa-aaaab-aaaba-cai');
export const PROTOCOL_ID = Principal.fromText('voicl-e4aaa-aaaab-aaaaq-cai');
export const SECOND = 1_000_000_000n;
export const DAY = 86_400n * SECOND;
export const T0 = 1_760_000_000n * SECOND;
export { E8S, FEE, identity };

export function principalOf(i: Identity): Principal {
    return Principal.fromUint8Array(i.getPrincipal().toUint8Array());
}

/** A genesis vesting schedule of the protocol's init argument (spec §13.1). */
export interface GenesisVesting {
    beneficiary: { owner: Principal; subaccount: [] | [Uint8Array] };
    total: bigint;
    start: [] | [bigint];
    reason: string;
}

export function protocolInitArg(governance: Principal, genesis?: bigint, epochSeconds?: bigint, vesting?: GenesisVesting[]): Uint8Array {
    return encode([P.ProtocolArgT], [{ Init: { ledger: LEDGER_ID, governance: [governance], genesis_time: genesis === undefined ? [] : [genesis], epoch_seconds: epochSeconds === undefined ? [] : [epochSeconds], vesting: vesting === undefined ? [] : [vesting] } }]);
}

export function protocolUpgradeArg(): Uint8Array {
    return encode([P.ProtocolArgT], [{ Upgrade: [] }]);
}

export interface Network {
    replica: EmbeddedReplica;
    governance: Identity;
    ledger(who?: Identity): ActorSubclass<any>;
    protocol(who?: Identity): ActorSubclass<any>;
}

/** Deploys the protocol and the ledger (minting account = protocol) with the given genesis balances. */
export async function deployNetwork(
    balances: [Identity, bigint][],
    opts: { time?: bigint; genesis?: bigint; epochSeconds?: bigint; vesting?: GenesisVesting[]; accounts?: [{ owner: Principal; subaccount: [] | [Uint8Array] }, bigint][]; replica?: ReplicaOptions } = {},
): Promise<Network> {
    const replica = await EmbeddedReplica.create({ time: opts.time ?? T0, ...opts.replica });
    const governance = identity(200);
    await replica.installCanister({ wasm: builtWasm('protocol'), arg: protocolInitArg(principalOf(governance), opts.genesis, opts.epochSeconds, opts.vesting), canisterId: PROTOCOL_ID });
    await replica.installCanister({
        wasm: builtWasm('ledger'),
        arg: ledgerInitArg({ minting: PROTOCOL_ID, balances: [...balances.map(([i, b]) => [{ owner: principalOf(i), subaccount: [] }, b] as [{ owner: Principal; subaccount: [] }, bigint]), ...(opts.accounts ?? [])] }),
        canisterId: LEDGER_ID,
    });
    return {
        replica,
        governance,
        ledger: (who) => Actor.createActor(ledgerServiceIdl as never, { agent: replica.createAgent(who) as never, canisterId: LEDGER_ID }),
        protocol: (who) => Actor.createActor(protocolServiceIdl as never, { agent: replica.createAgent(who) as never, canisterId: PROTOCOL_ID }),
    };
}

/** The ICRC-2 approval an operator gives the protocol before staking `amount` (plus the ledger fee). */
export async function approveProtocol(net: Network, who: Identity, amount: bigint): Promise<void> {
    const r = await net.ledger(who).icrc2_approve({ fee: [], memo: [], from_subaccount: [], created_at_time: [], amount: amount + FEE, expected_allowance: [], expires_at: [], spender: { owner: PROTOCOL_ID, subaccount: [] } });
    if (!('Ok' in r)) throw new Error(`approve failed: ${JSON.stringify(r, (_k, v) => (typeof v === 'bigint' ? v.toString() : v))}`);
}

export function wallet(who: Identity): { owner: Principal; subaccount: [] } {
    return { owner: principalOf(who), subaccount: [] };
}

export function payloadDigest(p: BatchPayload): Uint8Array {
    return batchDigest(p);
}

/** A client computing a payload digest with @dfinity/candid, as a validator node would. */
export function clientDigest(p: BatchPayload): Uint8Array {
    const T = IDL.Record({
        poc_results: IDL.Vec(IDL.Record({ node_id: IDL.Text, operator: IDL.Principal, poc_ms: IDL.Nat32 })),
        observations: IDL.Vec(IDL.Record({ node_id: IDL.Text, online: IDL.Bool })),
    });
    const bytes = new Uint8Array(IDL.encode([T], [p]));
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return new Uint8Array(require('node:crypto').createHash('sha256').update(bytes).digest());
}

export const EMC = E8S;
