/**
 * The $EMC ledger's install argument, in DFINITY's `variant { Init = record { … } }` shape: token
 * EMC, fee 0.001 EMC, ICRC-2 on, archive options as DFINITY's ledger takes them (this ledger keeps
 * every block in stable memory and ignores them). One builder for every genesis: the embedded
 * networks of the SDK and the devnet, and the tests.
 */
import type { Principal } from '@dfinity/principal';
import { encode } from '../lib/candid/candid';
import * as T from './api/candid';

export const EMC_FEE = 100_000n;

export interface LedgerInit {
    /** The minting account's owner: the protocol canister. */
    minting: Principal;
    balances?: [T.CAccount, bigint][];
    fee?: bigint;
    maxSupply?: bigint;
    feeCollector?: T.CAccount;
    indexPrincipal?: Principal;
    /** `decimals` and `max_memo_length` are left to the ledger's defaults (8, 32) unless given. */
    decimals?: number;
    maxMemoLength?: number;
    metadata?: [string, { Text: string } | { Nat: bigint } | { Int: bigint } | { Blob: Uint8Array }][];
}

export function ledgerInitArg(o: LedgerInit): Uint8Array {
    const opt = <V>(v: V | undefined): [] | [V] => (v === undefined ? [] : [v]);
    return encode(
        [T.LedgerArg],
        [
            {
                Init: {
                    minting_account: { owner: o.minting, subaccount: [] },
                    fee_collector_account: opt(o.feeCollector),
                    transfer_fee: o.fee ?? EMC_FEE,
                    decimals: opt(o.decimals),
                    max_memo_length: opt(o.maxMemoLength),
                    token_symbol: 'EMC',
                    token_name: 'EMC',
                    metadata: o.metadata ?? [],
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
                    index_principal: opt(o.indexPrincipal),
                    max_supply: opt(o.maxSupply),
                },
            },
        ],
    );
}
