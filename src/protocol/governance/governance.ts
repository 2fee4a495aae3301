/**
 * Governance (spec §8). The governance principal (the NNS governance canister by default, or an SNS
 * governance canister) is set at init and changed only by itself. Only it may change parameters,
 * admit validators (src/protocol/validators/admission.ts), pay grants and airdrops
 * (src/protocol/treasury/payouts.ts), and pause or resume.
 *
 * Every governance method `m` has a pure check shared by `validate_m` (the SNS generic-proposal
 * validator: the same argument, `Ok` with a human-readable summary or `Err` with the refusal) and
 * by `m` itself, which re-checks everything when it executes. Every executed change is appended
 * to the governance log (src/protocol/governance/log.ts) with the caller, the time, and the old and
 * new values. A refusal is a named case of `GovernanceError` (./errors.ts); `validate_m` answers
 * its message. Reasons follow one rule (src/protocol/model/bounds.ts, 1..1,000 bytes of UTF-8).
 *
 * Storage: the configuration (governance principal, parameters, pause) and the governance log.
 * Cost: constant per call (a parameter change re-encodes the configuration).
 */
import { Principal } from '@dfinity/principal';
import { isAnonymous } from '../../ledger/account';
import { bytesEqual } from '../../lib/storage/bytes';
import { reasonProblem } from '../model/bounds';
import type { ProtocolParams } from '../model/params';
import type { GovernanceLog, LogEntry } from './log';
import { invalidReason, notGovernance, type GovernanceError, type GovernanceOutcome } from './errors';
import { checkParams, paramsSummary, type ParamsDelta, type ParamsUpdate } from './params-check';

/** What governance needs from the protocol. */
export interface GovernanceHost {
    governance(): Uint8Array;
    setGovernance(p: Uint8Array): void;
    paused(): { reason: string; since: string } | undefined;
    setPaused(p: { reason: string; since: string } | undefined): void;
    params(): ProtocolParams;
    setParams(p: ProtocolParams): void;
    epochLength(): bigint;
    changeEpochLength(ns: bigint): void;
    now(): bigint;
}

type Result<T> = GovernanceOutcome<T>;

export class Governance {
    constructor(
        private readonly host: GovernanceHost,
        private readonly records: GovernanceLog,
    ) {}

    /** Governance-only: the caller must be the governance principal. */
    authorize(caller: Uint8Array): GovernanceError | undefined {
        if (isAnonymous(caller) || !bytesEqual(caller, this.host.governance())) return notGovernance();
        return undefined;
    }

    checkSetGovernance(p: Uint8Array): Result<string> {
        if (!(p instanceof Uint8Array) || p.length === 0 || p.length > 29 || isAnonymous(p)) return { Err: { InvalidPrincipal: { message: 'the new governance must be a non-anonymous principal' } } };
        if (bytesEqual(p, this.host.governance())) return { Err: { AlreadyGovernance: { message: 'that principal already is the governance principal' } } };
        return { Ok: `Hand governance of the EMC protocol from ${text(this.host.governance())} to ${text(p)}.` };
    }

    checkParams(u: ParamsUpdate): Result<ParamsDelta> {
        return checkParams(this.host.params(), this.host.epochLength(), u);
    }

    checkPause(reason: string): Result<string> {
        const current = this.host.paused();
        if (current !== undefined) return { Err: { AlreadyPaused: { message: 'the protocol is already paused', reason: current.reason } } };
        const bad = reasonProblem(reason);
        if (bad !== undefined) return { Err: invalidReason(bad) };
        return { Ok: `Pause the EMC protocol (${reason}): registrations, stakes, claims, batches and votes are refused until resumed; stake releases go on.` };
    }

    checkResume(): Result<string> {
        const p = this.host.paused();
        if (p === undefined) return { Err: { NotPaused: { message: 'the protocol is not paused' } } };
        return { Ok: `Resume the EMC protocol (paused since ${p.since} ns: ${p.reason}).` };
    }

    // ----- execution ---------------------------------------------------------------------------------

    setGovernance(caller: Uint8Array, p: Uint8Array): Result<string> {
        const denied = this.authorize(caller);
        if (denied !== undefined) return { Err: denied };
        const c = this.checkSetGovernance(p);
        if ('Err' in c) return c;
        const before = text(this.host.governance());
        this.host.setGovernance(p.slice());
        this.records.append(caller, 'set_governance', before, text(p));
        return c;
    }

    updateParams(caller: Uint8Array, u: ParamsUpdate): Result<string> {
        const denied = this.authorize(caller);
        if (denied !== undefined) return { Err: denied };
        const c = this.checkParams(u);
        if ('Err' in c) return c;
        this.host.setParams(c.Ok.next);
        if (c.Ok.epochNs !== undefined) this.host.changeEpochLength(c.Ok.epochNs);
        const before = c.Ok.changes.map(([n, b]) => `${n}=${b}`).join('; ');
        const after = c.Ok.changes.map(([n, , a]) => `${n}=${a}`).join('; ');
        this.records.append(caller, 'update_params', before, after);
        return { Ok: paramsSummary(c.Ok.changes) };
    }

    pause(caller: Uint8Array, reason: string): Result<string> {
        const denied = this.authorize(caller);
        if (denied !== undefined) return { Err: denied };
        const c = this.checkPause(reason);
        if ('Err' in c) return c;
        this.host.setPaused({ reason, since: String(this.host.now()) });
        this.records.append(caller, 'pause', 'running', `paused: ${reason}`);
        return c;
    }

    resume(caller: Uint8Array): Result<string> {
        const denied = this.authorize(caller);
        if (denied !== undefined) return { Err: denied };
        const c = this.checkResume();
        if ('Err' in c) return c;
        const before = `paused: ${this.host.paused()?.reason}`;
        this.host.setPaused(undefined);
        this.records.append(caller, 'resume', before, 'running');
        return c;
    }

    /** Governance log entries from `start`, at most `count`. */
    log(start: bigint, count: number): LogEntry[] {
        return this.records.entries(start, count);
    }
}

function text(b: Uint8Array): string {
    return Principal.fromUint8Array(b).toText();
}
