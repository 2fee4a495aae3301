/**
 * A network of the two built canisters in the in-process embedded replica, optionally kept in a
 * state directory between runs (`emc --network embedded --state DIR`).
 *
 * State directory:
 *   network.json        { format, time_ns, seed, ledger, protocol, governance, genesis_owner, created_at, wasm }
 *   emc_ledger.stable   the ledger's stable memory     (tools/replica/snapshot.ts format)
 *   emc_protocol.stable the protocol's stable memory
 *   lock                the pid of the process that has the directory open
 *
 * A network is created only when asked (`create`, the default when a `genesisOwner` is given: what
 * `emc devnet` and `emc devnet init` do); `connect()` and every other `emc` command only open a saved
 * one, and refuse a missing path, a file, or a directory without `network.json` (StateError
 * `usage`). A saved directory that cannot be loaded (unreadable `network.json`, a truncated
 * stable-memory file, a post_upgrade that traps) is a StateError `damaged`; nothing is written then.
 *
 * `connectEmbedded` is `connect` (src/client/network.ts) for such a network: the SDK's two clients
 * on the replica's agent and clock; `emc --network embedded --state DIR` (tools/devnet/cli.ts) uses it.
 *
 * Creating in an empty (or missing) directory deploys a genesis: the protocol canister, then the ledger
 * with the protocol as minting account and `GENESIS_BALANCE` for the genesis owner, who is also
 * the protocol's governance. Opening a saved directory recreates each canister from its stable
 * memory with `EmbeddedReplica.loadCanister`, which runs `canister_post_upgrade` exactly as an
 * upgrade into that memory would (neither canister has a `pre_upgrade`: all their state already
 * lives in stable memory, so the saved memory is what an upgrade would see). The clock resumes at
 * the saved time and then advances to now, running every timer that fell due in between (term
 * ends, epoch closes) in order. Heap state, pending inter-canister calls and ingress history are
 * not saved: `save` waits until the replica is idle.
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync, type Stats } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Identity } from '@dfinity/agent';
import { Principal } from '@dfinity/principal';
import { encode } from '../../src/lib/candid/candid';
import * as L from '../../src/ledger/api/candid';
import { ledgerInitArg } from '../../src/ledger/init-arg';
import * as P from '../../src/protocol/api/candid';
import { connectAgent, DEFAULT_LEDGER_ID, DEFAULT_PROTOCOL_ID, type Connection } from '../../src/client/network';
import { badInput, fail, ok, type ClientResult } from '../../src/client/result';
import { LOCAL_KINDS } from '../../src/client/errors/client-error';
import { EmbeddedReplica, readStableSnapshot, writeStableSnapshot, type EmbeddedAgent } from '../replica';

/** What the genesis gives its owner: enough for a validator application and a router. */
export const GENESIS_BALANCE = 2_000_000n * 100_000_000n;

const ROOT = resolve(__dirname, '..', '..');
export const WASM_PATHS = {
    emc_ledger: join(ROOT, '.azle', 'emc_ledger', 'emc_ledger.wasm'),
    emc_protocol: join(ROOT, '.azle', 'emc_protocol', 'emc_protocol.wasm'),
};

const FORMAT = 1;

interface NetworkFile {
    format: number;
    time_ns: string;
    seed: string;
    ledger: string;
    protocol: string;
    governance: string;
    genesis_owner: string;
    created_at: string;
    wasm: { emc_ledger: string; emc_protocol: string };
}

export interface EmbeddedOptions {
    /** Who receives the genesis balance and is governance (only used when deploying). */
    genesisOwner?: Principal;
    /** The clock to resume at, ns (default: this machine's clock; never before the saved time). */
    time?: bigint;
    ledgerId?: Principal;
    protocolId?: Principal;
    /** Genesis epoch length in seconds (default 86,400). */
    epochSeconds?: bigint;
    /** More genesis balances (e8s), besides the owner's GENESIS_BALANCE. */
    balances?: [Principal, bigint][];
    /** Genesis balances of accounts with a subaccount (e.g. the protocol's treasury and vesting accounts). */
    accounts?: [{ owner: Principal; subaccount: Uint8Array }, bigint][];
    /** Genesis vesting schedules in the protocol's init argument (start: the genesis); their Σ must be in `accounts` for (protocol, "vesting"). */
    vesting?: { beneficiary: Principal; total: bigint; reason: string }[];
    /**
     * May `open` deploy a genesis in a missing or empty directory? Default: when `genesisOwner` is
     * given. False: only a saved network is opened (what `connect` and the CLI's commands do).
     */
    create?: boolean;
}

/**
 * Why a state directory cannot be used: `usage` — the path is not a network (missing, a file, no
 * network.json), in use, or the Wasm is not built; `damaged` — a saved network that cannot be loaded.
 */
export class StateError extends Error {
    constructor(
        message: string,
        readonly reason: 'usage' | 'damaged' = 'usage',
    ) {
        super(message);
        this.name = 'StateError';
    }
}

const HOW_TO_CREATE = 'networks are created by `emc devnet --state DIR` (a whole devnet) or `emc devnet init --state DIR --identity PATH` (a genesis only)';

export class EmbeddedNetwork {
    private closed = false;

    private constructor(
        readonly replica: EmbeddedReplica,
        readonly ledgerId: Principal,
        readonly protocolId: Principal,
        readonly governance: Principal,
        readonly genesisOwner: Principal,
        /** The state directory (undefined: in memory only). */
        readonly dir: string | undefined,
        /** True when this open deployed the genesis. */
        readonly created: boolean,
        private readonly meta: { seed: string; createdAt: string },
    ) {}

    /** Opens a saved state directory, or (with `create`) deploys a genesis in a missing or empty one. */
    static async open(dir: string, opts: EmbeddedOptions = {}): Promise<EmbeddedNetwork> {
        const path = resolve(dir);
        const create = opts.create ?? opts.genesisOwner !== undefined;
        const kind = pathKind(path);
        if (kind === 'file') throw new StateError(`${path} is a file, not an emc state directory (a directory with network.json)`);
        if (kind === 'missing' && !create) throw new StateError(`no emc network at ${path}: the directory does not exist (check the path; ${HOW_TO_CREATE})`);
        if (kind === 'empty' && !create) throw new StateError(`no emc network in ${path}: the directory is empty (${HOW_TO_CREATE})`);
        if (kind === 'other') throw new StateError(`${path} is not an emc state directory: it has no network.json (check the path${create ? '; a new network needs an empty or missing directory' : `; ${HOW_TO_CREATE}`})`);
        try {
            mkdirSync(path, { recursive: true });
        } catch (e) {
            throw new StateError(`cannot create ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
        }
        lock(path);
        try {
            if (!existsSync(join(path, 'network.json'))) return await EmbeddedNetwork.deploy(path, opts);
            return await EmbeddedNetwork.load(path, opts);
        } catch (e) {
            unlock(path);
            throw e;
        }
    }

    /** A network that lives in memory only. */
    static async inMemory(opts: EmbeddedOptions = {}): Promise<EmbeddedNetwork> {
        return EmbeddedNetwork.deploy(undefined, opts);
    }

    private static async deploy(dir: string | undefined, opts: EmbeddedOptions): Promise<EmbeddedNetwork> {
        checkWasm();
        const owner = opts.genesisOwner;
        if (owner === undefined) throw new StateError('a new network needs a genesis owner (an identity)');
        const seed = randomBytes(32);
        const time = opts.time ?? wallClock();
        const replica = await EmbeddedReplica.create({ time, seed });
        const ledger = opts.ledgerId ?? DEFAULT_LEDGER_ID;
        const protocol = opts.protocolId ?? DEFAULT_PROTOCOL_ID;
        // Each canister names the other in its init argument, so both ids are fixed up front.
        await replica.installCanister({ wasm: WASM_PATHS.emc_protocol, canisterId: protocol, arg: protocolInit(ledger, owner, opts.epochSeconds, opts.vesting) });
        await replica.installCanister({ wasm: WASM_PATHS.emc_ledger, canisterId: ledger, arg: ledgerInit(protocol, [[owner, GENESIS_BALANCE], ...(opts.balances ?? [])], opts.accounts) });
        const net = new EmbeddedNetwork(replica, ledger, protocol, owner, owner, dir, true, { seed: seed.toString('hex'), createdAt: new Date(Number(time / 1_000_000n)).toISOString() });
        if (dir !== undefined) await net.save();
        return net;
    }

    private static async load(dir: string, opts: EmbeddedOptions): Promise<EmbeddedNetwork> {
        checkWasm();
        const damaged = (what: string, e: unknown) => new StateError(`${what}: ${firstLine(e)}; the network was not opened and nothing was written (restore the directory from a copy)`, 'damaged');
        const metaFile = join(dir, 'network.json');
        let meta: ReturnType<typeof parseNetworkFile>;
        try {
            meta = parseNetworkFile(readFileSync(metaFile, 'utf8'));
        } catch (e) {
            if (e instanceof StateError) throw new StateError(`${metaFile}: ${e.message}`, e.reason);
            throw damaged(`${metaFile} is unreadable`, e);
        }
        const { saved, ledger, protocol } = meta;
        for (const [what, given, held] of [['ledger', opts.ledgerId, ledger], ['protocol', opts.protocolId, protocol]] as const) {
            if (given !== undefined && given.toText() !== held.toText()) throw new StateError(`${dir} holds the ${what} canister ${held.toText()}, not ${given.toText()}`);
        }
        const replica = await EmbeddedReplica.create({ time: saved, seed: Buffer.from(meta.seed, 'hex') });
        for (const [name, id, arg] of [
            ['emc_protocol', protocol, encode([P.ProtocolArgT], [{ Upgrade: [] }])],
            ['emc_ledger', ledger, encode([L.LedgerArg], [{ Upgrade: [] }])],
        ] as const) {
            const file = join(dir, `${name}.stable`);
            let stable: ReturnType<typeof readStableSnapshot>;
            try {
                stable = readStableSnapshot(file);
            } catch (e) {
                throw damaged(`cannot load ${name}`, e);
            }
            try {
                await replica.loadCanister({ wasm: WASM_PATHS[name], canisterId: id, stable, arg });
            } catch (e) {
                throw damaged(`${name} could not be loaded from ${file} (its post_upgrade failed)`, e);
            }
        }
        const target = opts.time ?? wallClock();
        if (target > saved) await replica.advanceTime(target - saved);
        return new EmbeddedNetwork(replica, ledger, protocol, meta.governance, meta.genesisOwner, dir, false, { seed: meta.seed, createdAt: meta.createdAt });
    }

    agent(identity?: Identity): EmbeddedAgent {
        return this.replica.createAgent(identity);
    }

    /** The network's clock, ns. */
    now(): bigint {
        return this.replica.time();
    }

    /** Writes both canisters' stable memory and the clock to the state directory (atomically per file). */
    async save(): Promise<void> {
        if (this.dir === undefined) return;
        if (this.closed) throw new StateError('the network is closed');
        await this.replica.idle();
        const dir = this.dir;
        for (const [name, id] of [['emc_ledger', this.ledgerId], ['emc_protocol', this.protocolId]] as const) {
            writeStableSnapshot(join(dir, `${name}.stable.tmp`), this.replica.canisterMemory(id).stable);
            renameSync(join(dir, `${name}.stable.tmp`), join(dir, `${name}.stable`));
        }
        const file: NetworkFile = {
            format: FORMAT,
            time_ns: this.replica.time().toString(),
            seed: this.meta.seed,
            ledger: this.ledgerId.toText(),
            protocol: this.protocolId.toText(),
            governance: this.governance.toText(),
            genesis_owner: this.genesisOwner.toText(),
            created_at: this.meta.createdAt,
            wasm: { emc_ledger: fileHash(WASM_PATHS.emc_ledger), emc_protocol: fileHash(WASM_PATHS.emc_protocol) },
        };
        writeFileSync(join(dir, 'network.json.tmp'), `${JSON.stringify(file, null, 2)}\n`);
        renameSync(join(dir, 'network.json.tmp'), join(dir, 'network.json'));
    }

    /** Saves (if `save`, the default) and releases the state directory. */
    async close(save = true): Promise<void> {
        if (this.closed) return;
        try {
            if (save) await this.save();
        } finally {
            this.closed = true;
            if (this.dir !== undefined) unlock(this.dir);
        }
    }
}

export interface EmbeddedConnectOptions {
    /** The state directory (without it the network lives in memory for this process only). */
    state?: string;
    /** Default: anonymous (enough for queries); with `create`, the genesis owner. */
    identity?: Identity;
    /**
     * With `state`: deploy a genesis (for `identity`) when the directory is missing or empty.
     * Default false: only a saved network is opened; a missing path, a file or a directory without
     * network.json is refused (BadInput), so that a mistyped path never becomes a new network.
     */
    create?: boolean;
    /** The clock to resume at (default: now). */
    time?: bigint;
    ledgerId?: Principal;
    protocolId?: Principal;
    retries?: number;
    retryDelayMs?: number;
}

/** A Connection to an embedded network, and the network itself. */
export type EmbeddedConnection = Connection & { embedded: EmbeddedNetwork };

/**
 * Opens (or, with `create`, deploys) an embedded network and connects the SDK's clients to it.
 * A state directory that is not a network is BadInput; one that cannot be loaded is BadState.
 */
export async function connectEmbedded(o: EmbeddedConnectOptions): Promise<ClientResult<EmbeddedConnection>> {
    let net: EmbeddedNetwork;
    try {
        const opts = { genesisOwner: o.identity?.getPrincipal() as Principal | undefined, time: o.time, ledgerId: o.ledgerId, protocolId: o.protocolId, create: o.create === true };
        net = o.state === undefined ? await EmbeddedNetwork.inMemory(opts) : await EmbeddedNetwork.open(o.state, opts);
    } catch (e) {
        if (e instanceof StateError) return e.reason === 'damaged' ? fail(LOCAL_KINDS.BadState, e.message) : badInput(e.message);
        throw e;
    }
    const c = await connectAgent({ network: 'embedded', agent: net.agent(o.identity), ledgerId: net.ledgerId, protocolId: net.protocolId, now: () => net.now(), state: net.dir, close: () => net.close(), retries: o.retries, retryDelayMs: o.retryDelayMs });
    return ok({ ...c, embedded: net });
}

/** missing, a file, an empty directory, a saved network, or another directory (unreadable counts as another). */
function pathKind(path: string): 'missing' | 'file' | 'empty' | 'network' | 'other' {
    let st: Stats;
    try {
        st = statSync(path);
    } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') return 'missing';
        throw new StateError(`cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
    if (!st.isDirectory()) return 'file';
    if (existsSync(join(path, 'network.json'))) return 'network';
    try {
        return readdirSync(path).length === 0 ? 'empty' : 'other';
    } catch (e) {
        throw new StateError(`cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
}

/** network.json, every field checked (a damaged file is refused here, not half-used). */
function parseNetworkFile(text: string) {
    const m = JSON.parse(text) as Partial<Record<keyof NetworkFile, unknown>>;
    if (m === null || typeof m !== 'object') throw new Error('not a JSON object');
    if (m.format !== FORMAT) throw new StateError(`state format ${String(m.format)} is not supported by this emc (expected ${FORMAT})`, 'damaged');
    const str = (k: keyof NetworkFile): string => {
        if (typeof m[k] !== 'string') throw new Error(`${k} is missing or not text`);
        return m[k] as string;
    };
    const principal = (k: keyof NetworkFile): Principal => {
        try {
            return Principal.fromText(str(k));
        } catch {
            throw new Error(`${k} is not a principal`);
        }
    };
    if (!/^\d{1,25}$/.test(str('time_ns'))) throw new Error('time_ns is not a whole number');
    if (!/^([0-9a-f]{2}){32}$/.test(str('seed'))) throw new Error('seed is not 32 bytes of hex');
    return {
        saved: BigInt(str('time_ns')),
        seed: str('seed'),
        ledger: principal('ledger'),
        protocol: principal('protocol'),
        governance: principal('governance'),
        genesisOwner: principal('genesis_owner'),
        createdAt: str('created_at'),
    };
}

function firstLine(e: unknown): string {
    return (e instanceof Error ? e.message : String(e)).split('\n')[0];
}

function wallClock(): bigint {
    return BigInt(Date.now()) * 1_000_000n;
}

function checkWasm(): void {
    for (const p of Object.values(WASM_PATHS)) if (!existsSync(p)) throw new StateError(`${p} is missing: run \`npm run build\` first`);
}

function fileHash(path: string): string {
    return createHash('sha256').update(readFileSync(path)).digest('hex');
}

function lock(dir: string): void {
    const file = join(dir, 'lock');
    for (let attempt = 0; attempt < 2; attempt++) {
        try {
            writeFileSync(file, `${process.pid}\n`, { flag: 'wx' });
            return;
        } catch (e) {
            if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw new StateError(`cannot lock ${dir}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
            const pid = Number(readFileSync(file, 'utf8').trim());
            if (Number.isInteger(pid) && pid > 0 && alive(pid)) throw new StateError(`${dir} is in use by process ${pid}${pid === process.pid ? ' (this one)' : ''}`);
            rmSync(file, { force: true }); // left behind by a process that is gone
        }
    }
    throw new StateError(`cannot lock ${dir}`);
}

function unlock(dir: string): void {
    rmSync(join(dir, 'lock'), { force: true });
}

function alive(pid: number): boolean {
    try {
        process.kill(pid, 0);
        return true;
    } catch (e) {
        return (e as NodeJS.ErrnoException).code === 'EPERM';
    }
}

function protocolInit(ledger: Principal, governance: Principal, epochSeconds?: bigint, vesting?: EmbeddedOptions['vesting']): Uint8Array {
    const schedules = (vesting ?? []).map((v) => ({ beneficiary: { owner: v.beneficiary, subaccount: [] as [] }, total: v.total, start: [] as [], reason: v.reason }));
    return encode([P.ProtocolArgT], [{ Init: { ledger, governance: [governance], genesis_time: [], epoch_seconds: epochSeconds === undefined ? [] : [epochSeconds], vesting: schedules.length === 0 ? [] : [schedules] } }]);
}

function ledgerInit(minting: Principal, balances: [Principal, bigint][], accounts: EmbeddedOptions['accounts'] = []): Uint8Array {
    return ledgerInitArg({
        minting,
        decimals: 8,
        maxMemoLength: 32,
        balances: [...balances.map(([owner, amount]) => [{ owner, subaccount: [] }, amount] as const), ...accounts.map(([a, amount]) => [{ owner: a.owner, subaccount: [a.subaccount] }, amount] as const)] as never,
    });
}
