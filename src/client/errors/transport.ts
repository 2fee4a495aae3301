/**
 * What a failed call means for a retry. agent-js throws an `AgentError` whose `code` says what
 * happened; the client sorts it into three cases:
 *  - `notExecuted`: the call certainly did not run (connection refused, replica overloaded 429/503,
 *    reject code 2 SYS_TRANSIENT) — any call may be sent again;
 *  - `unknown`: it may have run (lost response, timeout, reject code 6 SYS_UNKNOWN, 5xx from a
 *    boundary node) — only calls the canister makes idempotent may be sent again;
 *  - `definite`: the replica gave an answer (a trap, a canister reject, a missing method, a
 *    malformed request) — never retried.
 */
import { AgentError, CertifiedRejectErrorCode, HttpErrorCode, HttpFetchErrorCode, TimeoutWaitingForResponseErrorCode, TrustError, UncertifiedRejectErrorCode, UncertifiedRejectUpdateErrorCode } from '@dfinity/agent';

export type FailureClass = 'notExecuted' | 'unknown' | 'definite';

export interface Failure {
    cls: FailureClass;
    /** One line, without the agent's multi-line dump. */
    message: string;
}

const NOT_DELIVERED = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

/** Classifies an error thrown by an agent-js call; `undefined` for anything that is not a transport or replica failure. */
export function classifyFailure(e: unknown): Failure | undefined {
    if (!(e instanceof AgentError)) return undefined;
    const code = e.cause.code as unknown;
    if (code instanceof CertifiedRejectErrorCode || code instanceof UncertifiedRejectErrorCode || code instanceof UncertifiedRejectUpdateErrorCode) {
        const r = code as CertifiedRejectErrorCode;
        const text = `reject code ${r.rejectCode}${r.rejectErrorCode ? ` (${r.rejectErrorCode})` : ''}: ${firstLine(r.rejectMessage)}`;
        const rc = Number(r.rejectCode);
        if (rc === 2) return { cls: 'notExecuted', message: `the replica could not run the call now, ${text}` };
        if (rc === 6) return { cls: 'unknown', message: `the call's outcome is unknown, ${text}` };
        return { cls: 'definite', message: `the replica rejected the call, ${text}` };
    }
    if (code instanceof HttpFetchErrorCode) {
        const sys = systemErrorCode(code.error);
        const what = sys ?? firstLine(causeText(code.error));
        if (sys !== undefined && NOT_DELIVERED.has(sys)) return { cls: 'notExecuted', message: `cannot reach the network (${what})` };
        return { cls: 'unknown', message: `network error (${what})` };
    }
    if (code instanceof HttpErrorCode) {
        const status = `HTTP ${code.status} ${code.statusText}`.trim();
        if (code.status === 429 || code.status === 503) return { cls: 'notExecuted', message: `the replica is overloaded (${status})` };
        if (code.status >= 500) return { cls: 'unknown', message: `the boundary node or replica failed (${status})` };
        return { cls: 'definite', message: `the replica refused the request (${status}${code.bodyText ? `: ${firstLine(code.bodyText)}` : ''})` };
    }
    if (code instanceof TimeoutWaitingForResponseErrorCode) return { cls: 'unknown', message: `timed out waiting for the response (${firstLine(code.message)})` };
    if (e instanceof TrustError) return { cls: 'unknown', message: `the response could not be verified: ${firstLine(e.message)}` };
    return { cls: 'unknown', message: firstLine(e.message) };
}

function firstLine(s: string): string {
    return s.split('\n').find((l) => l.trim() !== '')?.trim() ?? s;
}

/** `fetch failed: bad port` — the message and those of its causes. */
function causeText(e: unknown): string {
    const parts: string[] = [];
    for (let cur = e, depth = 0; cur !== null && cur !== undefined && depth < 8; depth++) {
        parts.push(cur instanceof Error ? cur.message : String(cur));
        cur = cur instanceof Error ? cur.cause : undefined;
    }
    return parts.join(': ');
}

/** The Node system error code (ECONNREFUSED …) anywhere in an error's cause chain. */
function systemErrorCode(e: unknown): string | undefined {
    for (let cur = e, depth = 0; cur !== null && cur !== undefined && depth < 8; depth++) {
        const c = (cur as { code?: unknown }).code;
        if (typeof c === 'string' && /^E[A-Z]+$/.test(c)) return c;
        const agg = (cur as { errors?: unknown[] }).errors;
        if (Array.isArray(agg)) for (const x of agg) {
            const inner = systemErrorCode(x);
            if (inner !== undefined) return inner;
        }
        cur = (cur as { cause?: unknown }).cause;
    }
    return undefined;
}
