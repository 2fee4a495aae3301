/** Deploying the built emc_ledger in the embedded replica, for integration tests and benchmarks. */
import type { Identity } from '@dfinity/agent';
import { Ed25519KeyIdentity } from '@dfinity/identity';
import { Principal } from '@dfinity/principal';
import { encode } from '../../src/candid/candid';
import * as T from '../../src/ledger/candid';
import type { EmbeddedReplica } from '../../src/replica';
import { builtWasm } from './wasm';

export const E8S = 100_000_000n;
export const FEE = 100_000n;

export function identity(n: number): Identity {
    return Ed25519KeyIdentity.generate(new Uint8Array(32).fill(n));
}

export function acct(owner: Principal | Identity, subaccount?: Uint8Array): T.CAccount {
    const p = 'getPrincipal' in owner ? Principal.fromUint8Array(owner.getPrincipal().toUint8Array()) : owner;
    return { owner: p, subaccount: subaccount === undefined ? [] : [subaccount] };
}

export interface LedgerInit {
    minting: Principal;
    balances?: [T.CAccount, bigint][];
    fee?: bigint;
    maxSupply?: bigint;
    feeCollector?: T.CAccount;
    indexPrincipal?: Principal;
    metadata?: [string, { Text: string } | { Nat: bigint } | { Int: bigint } | { Blob: Uint8Array }][];
}

/** The Candid init argument, in DFINITY's `variant { Init = record { … } }` shape. */
export function ledgerInitArg(o: LedgerInit): Uint8Array {
    return encode(
        [T.LedgerArg],
        [
            {
                Init: {
                    minting_account: { owner: o.minting, subaccount: [] },
                    fee_collector_account: o.feeCollector === undefined ? [] : [o.feeCollector],
                    transfer_fee: o.fee ?? FEE,
                    decimals: [],
                    max_memo_length: [],
                    token_symbol: 'EMC',
                    token_name: 'EMC',
                    metadata: o.metadata ?? [['icrc1:logo', { Text: 'data:image/svg+xml;base64,PHN2Zy8+' }]],
                    initial_balances: o.balances ?? [],
                    feature_flags: [{ icrc2: true }],
                    archive_options: {
                        num_blocks_to_archive: 1000n,
                        max_transactions_per_response: [],
                        trigger_threshold: 2000n,
                        max_message_size_bytes: [],
                        cycles_for_archive_creation: [],
                        node_max_memory_size_bytes: [],
                        controller_id: o.minting,
                        more_controller_ids: [],
                    },
                    index_principal: o.indexPrincipal === undefined ? [] : [o.indexPrincipal],
                    max_supply: o.maxSupply === undefined ? [] : [o.maxSupply],
                },
            },
        ],
    );
}

export function ledgerUpgradeArg(u: Partial<{ transfer_fee: bigint; token_name: string; max_memo_length: number; index_principal: Principal }> | undefined): Uint8Array {
    if (u === undefined) return encode([T.LedgerArg], [{ Upgrade: [] }]);
    const o = <V>(v: V | undefined): [] | [V] => (v === undefined ? [] : [v]);
    return encode(
        [T.LedgerArg],
        [
            {
                Upgrade: [
                    {
                        metadata: [],
                        token_symbol: [],
                        token_name: o(u.token_name),
                        transfer_fee: o(u.transfer_fee),
                        change_fee_collector: [],
                        max_memo_length: o(u.max_memo_length),
                        feature_flags: [],
                        change_archive_options: [],
                        index_principal: o(u.index_principal),
                    },
                ],
            },
        ],
    );
}

export async function deployLedger(replica: EmbeddedReplica, init: LedgerInit): Promise<Principal> {
    return replica.installCanister({ wasm: builtWasm('ledger'), arg: ledgerInitArg(init) });
}
