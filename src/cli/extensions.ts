/**
 * What a program that runs `emc` may add to it: networks by name beside the SDK's HTTP ones
 * (`local`, `ic`), and command groups that are whole programs of their own rather than one call on
 * a connection. `bin/emc.js` adds tools/devnet's (`--network embedded --state DIR`, `emc devnet`,
 * `emc devnet init`); src/ never imports them, so the product (SDK, CLI) builds and runs without
 * the embedded replica. Without extensions `emc` is the same program minus those networks and groups.
 * Storage: none. Cost: none (types only).
 */
import type { Identity } from '@dfinity/agent';
import type { Principal } from '@dfinity/principal';
import type { Connection } from '../client/network';
import type { ClientResult } from '../client/result';
import type { FlagSpec, Parsed } from './commands/args';

export type Env = Record<string, string | undefined>;

/** Where a command line writes, and the environment it reads. */
export interface Io {
    out(s: string): void;
    err(s: string): void;
    env: Env;
}

/** A network `--network NAME` selects, beside `local` and `ic`. */
export interface CliNetwork {
    name: string;
    /** What it is, for `emc --help`'s list of networks: `in-process replica, state in --state DIR`. */
    describe: string;
    /** Global options this network reads (`--state DIR`); with another network they are refused. */
    flags: FlagSpec[];
    /**
     * When the command line names no `--network`, this network is chosen if `when` holds (checked
     * before $EMC_NETWORK); `help` says when, for `--network`'s help: `with --state`.
     */
    implied?: { when(p: Parsed, env: Env): boolean; help: string };
    /** A usage problem with the command line for this network (checked before anything is opened), or undefined. */
    problem?(p: Parsed, env: Env): string | undefined;
    /** Opens the network: BadInput or BadState when it cannot be used (nothing written then). */
    connect(o: CliConnectOptions): Promise<ClientResult<Connection>>;
}

export interface CliConnectOptions {
    /** The whole command line, parsed (this network's own flags included). */
    options: Parsed;
    env: Env;
    identity?: Identity;
    ledgerId?: Principal;
    protocolId?: Principal;
    retryDelayMs?: number;
}

/** A command group that runs on its own: `emc NAME …` hands it everything after NAME. */
export interface CliCommandGroup {
    name: string;
    /** Lines of `emc --help`'s command list: [the command words, what it does]. */
    help: [string, string][];
    /** Answers the exit code. */
    run(argv: string[], io: Io): Promise<number>;
}

export interface CliExtensions {
    networks?: CliNetwork[];
    groups?: CliCommandGroup[];
}
