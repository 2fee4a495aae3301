/**
 * The protocol's view of the $EMC ledger: the three ICRC calls it makes. A call either returns the
 * ledger's answer or is rejected by the system; a rejection with code 6 (SYS_UNKNOWN, or a lost
 * response) leaves the outcome unknown, every other rejection means the ledger did not execute it.
 */
import type { Account } from '../../ledger/account';
import type { Result, TransferError, TransferFromError } from '../../ledger/calls';

export type CallOutcome<T> = { ok: T } | { rejected: { code: number; message: string } };

export const SYS_UNKNOWN = 6;

export interface LedgerTransferFrom {
    from: Account;
    to: Account;
    amount: bigint;
    memo: Uint8Array;
    created_at_time: bigint;
}

export interface LedgerTransfer {
    /** Absent: the protocol's default account, which is the ledger's minting account (a mint). */
    from_subaccount?: Uint8Array;
    to: Account;
    amount: bigint;
    memo: Uint8Array;
    created_at_time: bigint;
}

export interface LedgerPort {
    /** icrc2_transfer_from with the protocol as spender (its default account). */
    transferFrom(args: LedgerTransferFrom): Promise<CallOutcome<Result<bigint, TransferFromError>>>;
    /** icrc1_transfer from one of the protocol's subaccounts (an escrow, the treasury). */
    transfer(args: LedgerTransfer): Promise<CallOutcome<Result<bigint, TransferError>>>;
    balanceOf(account: Account): Promise<CallOutcome<bigint>>;
}

/** The outcome of a money movement after retries: done (with its block), refused, or unknown. */
export type Movement<E> = { done: bigint } | { refused: E } | { notExecuted: string } | { unknown: string };

/**
 * Calls `attempt` (which must reuse the same created_at_time and memo each time, so a retry of an
 * executed transfer is answered `Duplicate`) until the outcome is known or `tries` run out.
 */
export async function settle<E>(attempt: () => Promise<CallOutcome<Result<bigint, E>>>, tries = 2, uncertain = false): Promise<Movement<E>> {
    let last = '';
    let sawUnknown = uncertain;
    for (let i = 0; i < tries; i++) {
        const r = await attempt();
        if ('ok' in r) {
            if ('Ok' in r.ok) return { done: r.ok.Ok };
            const err = r.ok.Err as unknown as Record<string, { duplicate_of?: bigint }>;
            if ('Duplicate' in err && err.Duplicate.duplicate_of !== undefined) return { done: err.Duplicate.duplicate_of };
            return { refused: r.ok.Err };
        }
        last = r.rejected.message;
        // A rejected attempt only says that this attempt did not run; after an unknown outcome an
        // earlier attempt with the same key may have, so the operation stays unknown.
        if (r.rejected.code !== SYS_UNKNOWN && !sawUnknown) return { notExecuted: `the ledger call was rejected (code ${r.rejected.code}): ${r.rejected.message}` };
        sawUnknown = true;
    }
    return { unknown: `the ledger did not confirm the transfer (${last}); it is retried with the same idempotency key` };
}
