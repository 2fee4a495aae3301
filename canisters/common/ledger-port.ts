/**
 * The protocol's ledger port over real inter-canister calls (raw bytes, our Candid codec). A call
 * that is rejected is reported with its reject code; anything else that goes wrong after the
 * request left (a cleanup callback, an undecodable reply) is reported as SYS_UNKNOWN, because the
 * ledger may have executed it.
 */
import { call, Principal } from 'azle';

import { decode, encode, type Type } from '../../src/lib/candid/candid';
import type { Account } from '../../src/ledger/account';
import * as L from '../../src/ledger/api/candid';
import type { CallOutcome, LedgerPort, LedgerTransfer, LedgerTransferFrom } from '../../src/protocol/model/ledger-port';
import { SYS_UNKNOWN } from '../../src/protocol/model/ledger-port';

export class IcLedger implements LedgerPort {
    constructor(private readonly ledgerId: () => Uint8Array) {}

    transferFrom(a: LedgerTransferFrom): Promise<CallOutcome<any>> {
        return this.call('icrc2_transfer_from', L.TransferFromArgsT, { spender_subaccount: [], from: L.accountOut(a.from), to: L.accountOut(a.to), amount: a.amount, fee: [], memo: [a.memo], created_at_time: [a.created_at_time] }, L.TransferFromResult);
    }

    transfer(a: LedgerTransfer): Promise<CallOutcome<any>> {
        return this.call('icrc1_transfer', L.TransferArg, { from_subaccount: a.from_subaccount === undefined ? [] : [a.from_subaccount], to: L.accountOut(a.to), amount: a.amount, fee: [], memo: [a.memo], created_at_time: [a.created_at_time] }, L.TransferResult);
    }

    balanceOf(a: Account): Promise<CallOutcome<bigint>> {
        return this.call('icrc1_balance_of', L.CAccount, L.accountOut(a), L.C_NAT) as Promise<CallOutcome<bigint>>;
    }

    private async call(method: string, argType: Type, arg: unknown, retType: Type): Promise<CallOutcome<unknown>> {
        const args = encode([argType], [arg]);
        let reply: Uint8Array;
        try {
            reply = await call<Uint8Array, Uint8Array>(Principal.fromUint8Array(this.ledgerId()), method, { raw: true, args });
        } catch (e) {
            const r = e as { rejectCode?: number; rejectMessage?: string; message?: string };
            const code = typeof r.rejectCode === 'number' && r.rejectCode >= 1 && r.rejectCode <= 6 ? r.rejectCode : SYS_UNKNOWN;
            return { rejected: { code, message: r.rejectMessage ?? r.message ?? String(e) } };
        }
        try {
            return { ok: decode([retType], reply)[0] };
        } catch (e) {
            return { rejected: { code: SYS_UNKNOWN, message: `undecodable ledger reply: ${(e as Error).message}` } };
        }
    }
}
