/** Deploying the built emc_ledger in the embedded replica, for integration tests and benchmarks. */
import type { Identity } from '@dfinity/agent';
import { Ed25519KeyIdentity } from '@dfinity/identity';
import { Principal } from '@dfinity/principal';
import { encode } from '../../src/lib/candid/candid';
import * as T from '../../src/ledger/api/candid';
import * as Base from '../../src/ledger/init-arg';
import type { EmbeddedReplica } from '../../tools/replica';
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

export type LedgerInit = Base.LedgerInit;

/** The genesis the tests use: the shared builder, with a logo in the metadata unless told otherwise. */
export function ledgerInitArg(o: LedgerInit): Uint8Array {
    return Base.ledgerInitArg({ metadata: [['icrc1:logo', { Text: 'data:image/svg+xml;base64,PHN2Zy8+' }]], ...o });
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
