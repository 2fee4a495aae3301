/**
 * `npm start`: builds what is missing, starts the embedded replica, installs emc_ledger and
 * emc_protocol, and prints their ids and a health line from each.
 */
import { existsSync } from 'node:fs';
import { Actor } from '@dfinity/agent';
import { Principal } from '@dfinity/principal';

const PROTOCOL_ID = Principal.fromText('voicl-e4aaa-aaaab-aaaaq-cai');
const LEDGER_ID = Principal.fromText('vhljx-suaaa-aaaab-aaaba-cai');
import { EmbeddedReplica } from '../src/replica';
import { encode } from '../src/candid/candid';
import * as T from '../src/ledger/candid';
import * as P from '../src/protocol/candid';
import { formatAmount } from '../src/ledger/consent';
import { ledgerServiceIdl } from '../src/ledger/interface';
import { buildCanister, wasmPath } from './build';

/** A $EMC genesis with no initial balances (the devnet adds the rest). */
function ledgerInitArg({ minting }: { minting: Principal }): Uint8Array {
    return encode(
        [T.LedgerArg],
        [
            {
                Init: {
                    minting_account: { owner: minting, subaccount: [] },
                    fee_collector_account: [],
                    transfer_fee: 100_000n,
                    decimals: [8],
                    max_memo_length: [32],
                    token_symbol: 'EMC',
                    token_name: 'EMC',
                    metadata: [],
                    initial_balances: [],
                    feature_flags: [{ icrc2: true }],
                    archive_options: {
                        num_blocks_to_archive: 1000n, max_transactions_per_response: [], trigger_threshold: 2000n, max_message_size_bytes: [],
                        cycles_for_archive_creation: [], node_max_memory_size_bytes: [], controller_id: minting, more_controller_ids: [],
                    },
                    index_principal: [],
                    max_supply: [],
                },
            },
        ],
    );
}

const healthIdl = ({ IDL }: { IDL: any }) =>
    IDL.Service({
        health: IDL.Func([], [IDL.Record({ canister: IDL.Text, version: IDL.Text, time_ns: IDL.Nat64, canister_version: IDL.Nat64, cycles: IDL.Nat })], ['query']),
    });

interface Health {
    canister: string;
    version: string;
    time_ns: bigint;
    canister_version: bigint;
    cycles: bigint;
}

async function main(): Promise<void> {
    for (const name of ['emc_ledger', 'emc_protocol']) {
        if (!existsSync(wasmPath(name))) {
            process.stdout.write(`building ${name} …\n`);
            buildCanister(name);
        }
    }
    const replica = await EmbeddedReplica.create();
    // Each canister names the other in its init argument, so their ids are chosen up front.
    const protocol = PROTOCOL_ID;
    const ledger = LEDGER_ID;
    await replica.installCanister({ wasm: wasmPath('emc_protocol'), arg: encode([P.ProtocolArgT], [{ Init: { ledger, governance: [], genesis_time: [], epoch_seconds: [] } }]), canisterId: protocol });
    await replica.installCanister({ wasm: wasmPath('emc_ledger'), arg: ledgerInitArg({ minting: protocol }), canisterId: ledger });
    process.stdout.write(`embedded replica up (root key ${Buffer.from(replica.rootKey.slice(-8)).toString('hex')}…, time ${new Date(Number(replica.time() / 1_000_000n)).toISOString()})\n`);
    process.stdout.write(`emc_ledger   ${ledger.toText()}\n`);
    process.stdout.write(`emc_protocol ${protocol.toText()}\n`);
    const agent = replica.createAgent();
    const l = Actor.createActor<any>(ledgerServiceIdl as never, { agent: agent as never, canisterId: ledger });
    const [name, symbol, fee, supply, minting] = [await l.icrc1_name(), await l.icrc1_symbol(), await l.icrc1_fee(), await l.icrc1_total_supply(), await l.icrc1_minting_account()];
    process.stdout.write(`health: emc_ledger ${name} (${symbol}) ok — fee ${formatAmount(fee, 8)} ${symbol}, total supply ${formatAmount(supply, 8)} ${symbol}, minting account ${minting[0].owner.toText()}\n`);
    const h = await Actor.createActor<{ health(): Promise<Health> }>(healthIdl, { agent: agent as never, canisterId: protocol }).health();
    process.stdout.write(`health: ${h.canister} v${h.version} ok — canister_version ${h.canister_version}, cycles ${h.cycles}\n`);
}

main().catch((e: unknown) => {
    process.stderr.write(`${e instanceof Error ? e.stack ?? e.message : String(e)}\n`);
    process.exit(1);
});
