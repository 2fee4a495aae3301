/** One-line messages for the ICRC-1/2 ledger's error cases (`TransferError`, `ApproveError`), amounts in EMC. */
import { emc } from '../format/display';

/**
 * The message for a ledger error case, or undefined for the generic form. `amount` + fee is what
 * the account needed; `fee` is the one the call named (undefined: the ledger's, read with `currentFee`; 0 if it cannot be read).
 */
export async function describeLedgerError(e: Record<string, unknown>, amount: bigint, fee: bigint | undefined, currentFee: () => Promise<bigint | undefined>): Promise<string | undefined> {
    const [kind] = Object.keys(e);
    const v = e[kind] as Record<string, bigint> | null;
    switch (kind) {
        case 'InsufficientFunds': {
            const needed = amount + (fee ?? (await currentFee()) ?? 0n);
            return `balance ${emc((v as Record<string, bigint>).balance)}, needed ${emc(needed)}`;
        }
        case 'BadFee':
            return `the ledger's fee is ${emc((v as Record<string, bigint>).expected_fee)}${fee === undefined ? '' : `, not ${emc(fee)}`}`;
        case 'BadBurn':
            return `a burn must be at least ${emc((v as Record<string, bigint>).min_burn_amount)}`;
        case 'TooOld':
            return 'created_at_time is more than 24 hours old; send it again as a new transaction';
        case 'CreatedInFuture':
            return `created_at_time is ahead of the ledger's clock (${isoTime((v as Record<string, bigint>).ledger_time)})`;
        case 'TemporarilyUnavailable':
            return 'the ledger is temporarily unavailable; nothing was changed';
        case 'AllowanceChanged':
            return `the current allowance is ${emc((v as Record<string, bigint>).current_allowance)}`;
        case 'Expired':
            return `expires_at is in the past (ledger time ${isoTime((v as Record<string, bigint>).ledger_time)})`;
        case 'GenericError': {
            const g = v as unknown as { error_code: bigint; message: string };
            return `${g.message} (code ${g.error_code})`;
        }
        default:
            return undefined;
    }
}

export function isoTime(ns: bigint): string {
    return new Date(Number(ns / 1_000_000n)).toISOString();
}
