/**
 * An `emc` command: it parses and checks its input first (`input`: nothing is sent when it is
 * malformed), then runs against a connection (`run`) and answers a value for `--json` and a
 * human-readable text. The commands are in src/cli/commands/, one file per group.
 */
import type { Connection } from '../../client/network';
import type { ClientResult } from '../../client/result';
import type { ArgSpec, FlagSpec, Parsed } from './args';

export interface Output {
    json: unknown;
    human: string;
}

export interface Command<I = unknown> {
    group: string;
    name: string;
    summary: string;
    args: ArgSpec[];
    flags: FlagSpec[];
    /** Changes state (needs an identity). */
    update: boolean;
    /** More help text (examples, notes). */
    notes?: string;
    input(p: Parsed): ClientResult<I>;
    /** `say` writes a note for a human (stderr; nothing with --json), e.g. what was validated before a refused call. */
    run(c: Connection, input: I, say: (line: string) => void): Promise<ClientResult<Output>>;
}

/** A command with its input type, as an entry of COMMANDS. */
export function command<I>(c: Command<I>): Command<unknown> {
    return c as Command<unknown>;
}
