/** The CLI's exit codes for a client error (in `emc --help` and docs/client.md). */
import { LOCAL_KINDS, type ClientError } from '../client/errors/client-error';

export const EXIT = { ok: 0, refused: 1, usage: 2, transport: 3, state: 4 } as const;

export function exitCodeOf(e: ClientError): number {
    if (e.kind === LOCAL_KINDS.BadInput || e.checkedBeforeSending === true) return EXIT.usage;
    if (e.kind === LOCAL_KINDS.Transport || e.kind === LOCAL_KINDS.UnknownOutcome) return EXIT.transport;
    if (e.kind === LOCAL_KINDS.BadState) return EXIT.state;
    return EXIT.refused;
}
