/** The `health` query both canisters expose at this stage (shared Candid shape, no business rules). */
import { canisterCycleBalance, canisterVersion, IDL, time } from 'azle';

export const Health = IDL.Record({
    canister: IDL.Text,
    version: IDL.Text,
    time_ns: IDL.Nat64,
    canister_version: IDL.Nat64,
    cycles: IDL.Nat,
});
export type Health = { canister: string; version: string; time_ns: bigint; canister_version: bigint; cycles: bigint };

export const VERSION = '0.1.0';

export function health(canister: string): Health {
    return { canister, version: VERSION, time_ns: time(), canister_version: canisterVersion(), cycles: canisterCycleBalance() };
}
