/**
 * The validator set (spec §3): candidates apply with their stake locked (src/protocol/stakes/);
 * governance admits exactly the batch that brings the active set to its next 3F+1 size (13 first,
 * then +3, src/protocol/validators/quorum.ts); an admitted validator's term starts at admission.
 * The check is shared by `validate_admit_validators` and `admit_validators`, and every admission
 * is recorded in the governance log.
 *
 * Storage: node records through the node book; the governance log. Cost: one record write per
 * admitted validator (at most 13); the set query reads at most 1,000 records.
 */
import { isAnonymous } from '../../ledger/account';
import type { Env } from '../../lib/env';
import { bytesEqual } from '../../lib/storage/bytes';
import type { Config } from '../model/config';
import { err, nodeBusy, nodeNotFound, wrongStatus } from '../model/errors';
import { notGovernance } from '../governance/errors';
import type { AdmissionOutcome } from './errors';
import { DAY_NS } from '../model/params';
import type { NodeBook } from '../nodes/book';
import type { NodeRecord, StakeTerm } from '../nodes/record';
import { admissionBatchSize, quorum } from './quorum';

/** Where admissions are recorded (the governance log). */
export interface AdmissionLog {
    append(caller: Uint8Array, method: string, before: string, after: string): void;
}

export interface ValidatorSetState {
    validators: NodeRecord[];
    size: number;
    f: number | undefined;
    quorum: number;
}

export class Admission {
    constructor(
        private readonly book: NodeBook,
        private readonly config: Config,
        private readonly env: Env,
        private readonly log: AdmissionLog,
    ) {}

    /** The checks of an admission, without writing (validate_admit_validators uses them too). */
    check(nodeIds: string[]): AdmissionOutcome<NodeRecord[]> {
        const paused = this.config.pausedError();
        if (paused !== undefined) return err(paused);
        const distinct = new Set(nodeIds);
        if (distinct.size !== nodeIds.length) {
            const twice = nodeIds.find((id, i) => nodeIds.indexOf(id) !== i) ?? '';
            return err({ DuplicateNodeId: { message: `node id ${twice} appears twice in the batch`, node_id: twice } });
        }
        const expected = admissionBatchSize(this.activeCount());
        if (nodeIds.length !== expected) return err({ WrongBatchSize: { message: `the batch must admit ${expected} validators (the set's next 3F+1 size), not ${nodeIds.length}`, expected, got: nodeIds.length } });
        const nodes: NodeRecord[] = [];
        for (const id of nodeIds) {
            const n = this.book.byId(id);
            if (n === undefined) return err(nodeNotFound(id));
            if (n.type !== 'validator' || n.status !== 'candidate') return err(wrongStatus(id, n.status, 'candidate'));
            if (n.op !== undefined) return err(nodeBusy(id, n.op.kind));
            nodes.push(n);
        }
        return { Ok: nodes };
    }

    /** What an SNS proposal to admit `nodeIds` shows (validate_admit_validators), or why it would fail. */
    describe(nodeIds: string[]): AdmissionOutcome<string> {
        const r = this.check(nodeIds);
        if ('Err' in r) return r;
        return { Ok: `Admit ${nodeIds.length} validator(s): ${nodeIds.join(', ')}; the set grows to ${this.activeCount() + nodeIds.length}.` };
    }

    /** Governance admits exactly the batch that brings the set to its next 3F+1 size. */
    admit(caller: Uint8Array, nodeIds: string[]): AdmissionOutcome<NodeRecord[]> {
        if (isAnonymous(caller) || !bytesEqual(caller, this.config.get().governance)) return err(notGovernance());
        const checked = this.check(nodeIds);
        if ('Err' in checked) return checked;
        const before = this.activeCount();
        const now = this.env.now();
        const admitted = checked.Ok.map((n) => {
            const stake = n.stake as StakeTerm;
            const lockDays = n.requestedLockDays ?? this.config.params().validatorMinTermDays;
            const next: NodeRecord = { ...n, status: 'active', admittedAt: now, stake: { ...stake, lockDays, termStart: now, termEnd: now + BigInt(lockDays) * DAY_NS } };
            next.e = this.book.eValue(next);
            this.book.save(next, n);
            this.book.registry.scheduleExpiry(next);
            return next;
        });
        this.log.append(caller, 'admit_validators', `${before} validators`, `admitted ${nodeIds.join(', ')}`);
        return { Ok: admitted };
    }

    /** The active set: its size, F when it is a 3F+1 size, and the quorum of the validators that may vote. */
    set(): ValidatorSetState {
        const size = this.activeCount();
        const voting = this.book.registry.activeValidatorCount();
        const validators = this.book.registry.page('validator', 'active', 0, 1000);
        return { validators, size, f: (size - 1) % 3 === 0 && size > 0 ? (size - 1) / 3 : undefined, quorum: voting === 0 ? 0 : quorum(voting) };
    }

    private activeCount(): number {
        return this.book.registry.count('validator', 'active');
    }
}
