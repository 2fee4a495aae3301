/** The SDK's socket types ↔ the ICRC-7 / ICRC-37 Candid records (src/protocol/api/sockets-candid.ts). */
import type { IcrcAccount } from '../types/account';
import type { Socket, SocketApproval, SocketValue } from '../types/sockets';
import { fromCandidAccount, toCandidAccount } from './account';
import { opt } from './candid';

type CAcc = { owner: import('@dfinity/principal').Principal; subaccount: [] | [Uint8Array] };

export function approvalInfoOut(a: { spender: IcrcAccount; fromSubaccount?: Uint8Array; expiresAt?: bigint; memo?: Uint8Array; createdAtTime: bigint }) {
    return { spender: toCandidAccount(a.spender), from_subaccount: opt(a.fromSubaccount), expires_at: opt(a.expiresAt), memo: opt(a.memo), created_at_time: a.createdAtTime };
}

export function approvalInfoIn(a: { spender: CAcc; from_subaccount: [] | [Uint8Array]; expires_at: [] | [bigint]; memo: [] | [Uint8Array]; created_at_time: bigint }): SocketApproval {
    const out: SocketApproval = { spender: fromCandidAccount(a.spender), createdAtTime: a.created_at_time };
    if (a.from_subaccount.length === 1) out.fromSubaccount = new Uint8Array(a.from_subaccount[0]);
    if (a.expires_at.length === 1) out.expiresAt = a.expires_at[0];
    if (a.memo.length === 1) out.memo = new Uint8Array(a.memo[0]);
    return out;
}

const nat = (m: Map<string, SocketValue>, k: string): bigint => {
    const v = m.get(k);
    return v !== undefined && 'Nat' in v ? v.Nat : 0n;
};
const text = (m: Map<string, SocketValue>, k: string): string => {
    const v = m.get(k);
    return v !== undefined && 'Text' in v ? v.Text : '';
};

/** A socket from its owner and its `emc:` token metadata (spec §12). */
export function socketOf(id: bigint, owner: IcrcAccount, metadata: [string, SocketValue][]): Socket {
    const m = new Map(metadata);
    return {
        id, owner, offer: nat(m, 'emc:offer'), nodeId: text(m, 'emc:node_id'), service: text(m, 'emc:service'), unit: text(m, 'emc:unit'), price: nat(m, 'emc:price'),
        unitsBought: nat(m, 'emc:units_bought'), unitsConfirmed: nat(m, 'emc:units_confirmed'), escrow: nat(m, 'emc:escrow'), expiresAt: nat(m, 'emc:expires_at'), status: text(m, 'emc:status'),
    };
}
