/**
 * Every ledger operation in flight on a node, and its retry (spec §2 stakes, §5 claims, §6
 * penalties). Money moves only through the ledger port, always the same way:
 *  1. `begin` writes the operation to the node (kind, amount, created_at_time, a memo
 *     `emc:<kind>:<node>:<n>` unique per operation) before the `await`; its presence guards the
 *     node (another operation gets `NodeBusy`);
 *  2. `attempt` marks the attempt (src/protocol/model/operation-marks.ts) before the `await`, calls
 *     the ledger with the operation's idempotency key, and after it hands the outcome to the caller
 *     only if this is still the latest attempt of the same operation;
 *  3. the section that owns the kind applies the outcome (or compensates) and calls `finish`, which
 *     clears the mark; an unknown outcome stays marked (`pending`) and is retried with the same key.
 * A trap after an await leaves the operation and its mark as they were before the call: after the
 * lease it is retried (`resume`), and the ledger answers a repeat of an executed transfer with
 * Duplicate, so money never moves twice. A retry after the ledger's 24-hour deduplication window
 * (TooOld) is settled by the escrow's balance: only this operation can have moved it.
 *
 * The kinds are settled by their sections: stake, top_up, renew → stakes/stakes.ts; release,
 * withdraw → stakes/releases.ts; claim → rewards/claims.ts; penalty → penalties/deductions.ts.
 *
 * Storage: the node record (its `op`) and PROTOCOL_MEMORY.PENDING_OPS (the marks).
 * Cost: one record write and one mark write before each call, the same after.
 */
import { utf8 } from '../../lib/storage/binary';
import type { Account } from '../../ledger/account';
import type { Env } from '../../lib/env';
import { bytesEqual, describeVariant } from '../../lib/storage/bytes';
import type { KV } from '../../lib/storage/kv';
import { clipText, OPERATION_LEASE_NS } from '../model/bounds';
import type { Config } from '../model/config';
import { err, ledgerRefused, ledgerUnavailable, nodeNotFound, operationPending, type OperationError, type DomainOutcome } from '../model/errors';
import type { LedgerPort, Movement } from '../model/ledger-port';
import { OperationMarks } from '../model/operation-marks';
import type { NodeBook } from '../nodes/book';
import type { NodeRecord, OperationKind, PendingOperation } from '../nodes/record';

/** What settling an operation answers: the node as it is now, or one of the cases every section's error includes (model/errors.ts). */
export type OperationOutcome = DomainOutcome<NodeRecord, OperationError>;

/** How each kind of operation is settled after its ledger call (its section's `settle`). */
export type Settlers = Record<OperationKind, (node: NodeRecord) => Promise<OperationOutcome>>;

export class Operations {
    readonly marks: OperationMarks;

    constructor(
        pendingOps: KV,
        private readonly book: NodeBook,
        private readonly config: Config,
        private readonly env: Env,
        readonly ledger: LedgerPort,
        private readonly settlers: Settlers,
    ) {
        this.marks = new OperationMarks(pendingOps, OPERATION_LEASE_NS);
    }

    /** Writes a new operation on `node` (before the await) and returns the node carrying it. */
    begin(node: NodeRecord, kind: OperationKind, amount: bigint, account: Account, days: number): NodeRecord {
        const next = { ...node, op: this.operation(node, kind, amount, account, days), opSeq: node.opSeq + 1 };
        this.book.save(next, node);
        return next;
    }

    /** A new operation for a record that is not written yet (a registration's first stake). */
    operation(node: NodeRecord, kind: OperationKind, amount: bigint, account: Account, days: number): PendingOperation {
        return { kind, amount, createdAt: this.env.now(), memo: memoFor(kind, node.index, node.opSeq), account, days };
    }

    /** Retries the node's operation (a new attempt with the same key), settled by its section. */
    resume(node: NodeRecord): Promise<OperationOutcome> {
        return this.settlers[(node.op as PendingOperation).kind](node);
    }

    /** A retry may start now: the last attempt ended without an outcome, or it was lost (the lease ran out). */
    retryable(index: bigint): boolean {
        return this.marks.retryable(index, this.env.now());
    }

    /**
     * One attempt of the node's operation: marked before the await; after it, the outcome (and the
     * node as it is now) only if this is still the latest attempt of the same operation, else the
     * answer to give (another attempt owns the outcome). `escrow` (the escrow balance before and
     * after the operation) settles a TooOld answer.
     */
    async attempt<E>(node: NodeRecord, call: (uncertain: boolean) => Promise<Movement<E>>, escrow?: { before: bigint; after: bigint }): Promise<{ m: Movement<E>; current: NodeRecord } | { settled: OperationOutcome }> {
        const op = node.op as PendingOperation;
        const attempt = this.marks.start(node.index, this.env.now());
        let m = await call(attempt > 1 || op.uncertain === true);
        if (escrow !== undefined) m = (await this.viaEscrow(m, node, escrow.before, escrow.after)) as Movement<E>;
        const current = this.book.get(node.index);
        if (current === undefined) return { settled: err(nodeNotFound(node.id)) };
        const same = current.op !== undefined && bytesEqual(current.op.memo, op.memo);
        if (same && this.marks.isLatest(node.index, attempt)) return { m, current };
        return { settled: same ? err(operationPending(node.id, op.kind, 'a later attempt of this operation settles it')) : { Ok: current } };
    }

    /** The outcome is recorded: the operation is no longer retried. */
    finish(node: NodeRecord): void {
        this.marks.done(node.index);
    }

    /** The attempt ended without a known outcome: the operation stays, marked uncertain, retryable now. */
    pending(node: NodeRecord, reason: string): OperationOutcome {
        const op = node.op as PendingOperation;
        if (op.uncertain !== true) this.book.save({ ...node, op: { ...op, uncertain: true } }, node);
        this.marks.unknown(node.index);
        return err(operationPending(node.id, op.kind, clipText(reason)));
    }

    /**
     * An escrow transfer (release, withdrawal, penalty) that did not complete: still unknown → pending
     * for a retry; refused or not executed → the operation is dropped (a BadFee answer updates the fee).
     */
    failed(current: NodeRecord, m: Exclude<Movement<unknown>, { done: bigint }>): OperationOutcome {
        if ('unknown' in m) return this.pending(current, m.unknown);
        if ('refused' in m) {
            const e = m.refused as { BadFee?: { expected_fee: bigint } };
            if (e.BadFee !== undefined) this.config.setLedgerFee(e.BadFee.expected_fee);
        }
        return this.drop(current, m);
    }

    /** Clears a refused or unexecuted operation from the node and answers why. */
    drop(current: NodeRecord, m: { refused: unknown } | { notExecuted: string }): OperationOutcome {
        this.book.save({ ...current, op: undefined }, current);
        this.finish(current);
        return refusal(m);
    }

    /**
     * A retry answered TooOld: the ledger's 24-hour deduplication window has passed, so it cannot say
     * whether the first attempt executed. The escrow tells: only this operation can have moved it
     * (the node is guarded), so its balance is either the amount before or the amount after.
     */
    private async viaEscrow(m: Movement<unknown>, node: NodeRecord, before: bigint, after: bigint): Promise<Movement<unknown>> {
        if (!('refused' in m) || !('TooOld' in (m.refused as object))) return m;
        const r = await this.ledger.balanceOf(this.config.escrowAccount(node.index));
        if (!('ok' in r)) return { unknown: `the escrow balance could not be read: ${r.rejected.message}` };
        if (r.ok === after) return { done: 0n };
        if (r.ok === before) return { notExecuted: 'the transfer was never executed (checked against the escrow balance after the deduplication window)' };
        return { unknown: `the escrow holds ${r.ok} e8s, neither ${before} nor ${after}: governance must look at this node` };
    }
}

/** The refusal of a ledger movement that did not happen. */
export function refusal(m: { refused: unknown } | { notExecuted: string }): { Err: OperationError } {
    return 'refused' in m ? err(ledgerRefused(describeVariant(m.refused))) : err(ledgerUnavailable(m.notExecuted));
}

/** A readable memo, unique per operation: "emc:<kind>:<node index>:<operation number>" (≤ 32 bytes). */
export function memoFor(kind: OperationKind, index: bigint, seq: number): Uint8Array {
    return utf8(`emc:${kind}:${index}:${seq}`);
}
