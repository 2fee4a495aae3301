/**
 * A network of the two built canisters in the in-process embedded replica, optionally kept in a
 * state directory between runs (`emc --network embedded --state DIR`).
 *
 * State directory:
 *   network.json        { format, time_ns, seed, ledger, protocol, governance, genesis_owner, created_at, wasm }
 *   emc_ledger.stable   the ledger's stable memory     (src/replica/snapshot.ts format)
 *   emc_protocol.stable the protocol's stable memory
 *   lock                the pid of the process that has the directory open
 *
 * Opening an empty (or missing) directory deploys a genesis: the protocol canister, then the ledger
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
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Identity } from '@dfinity/agent';
import { Principal } from '@dfinity/principal';
import { encode } from '../candid/candid';
import * as L from '../ledger/candid';
import { ledgerInitArg } from '../ledger/init-arg';
import * as P from '../protocol/candid';
import { EmbeddedReplica, readStableSnapshot, writeStableSnapshot, type EmbeddedAgent } from '../replica';

export const DEFAULT_LEDGER_ID = Principal.fromText('vhljx-suaaa-aaaab-aaaba-cai');
export const DEFAULT_PROTOCOL_ID = Principal.fromText('voicl-e4aaa-aaaab-aaaaq-cai');
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
}

export class StateError extends Error {
    constructor(message: string) {
        super(message);
        this.name = 'StateError';
    }
}

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

    /** Opens (or, if empty, creates) a state directory. */
    static async open(dir: string, opts: EmbeddedOptions = {}): Promise<EmbeddedNetwork> {
        const path = resolve(dir);
        if (existsSync(path) && !existsSync(join(path, 'network.json')) && readdirSync(path).length > 0) {
            throw new StateError(`${path} is neither empty nor an emc state directory (no network.json)`);
        }
        mkdirSync(path, { recursive: true });
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
        await replica.installCanister({ wasm: WASM_PATHS.emc_protocol, canisterId: protocol, arg: protocolInit(ledger, owner, opts.epochSeconds) });
        await replica.installCanister({ wasm: WASM_PATHS.emc_ledger, canisterId: ledger, arg: ledgerInit(protocol, [[owner, GENESIS_BALANCE], ...(opts.balances ?? [])]) });
        const net = new EmbeddedNetwork(replica, ledger, protocol, owner, owner, dir, true, { seed: seed.toString('hex'), createdAt: new Date(Number(time / 1_000_000n)).toISOString() });
        if (dir !== undefined) await net.save();
        return net;
    }

    private static async load(dir: string, opts: EmbeddedOptions): Promise<EmbeddedNetwork> {
        checkWasm();
        let meta: NetworkFile;
        try {
            meta = JSON.parse(readFileSync(join(dir, 'network.json'), 'utf8')) as NetworkFile;
        } catch (e) {
            throw new StateError(`${join(dir, 'network.json')} is unreadable: ${(e as Error).message}`);
        }
        if (meta.format !== FORMAT) throw new StateError(`${dir}: state format ${meta.format} is not supported (expected ${FORMAT})`);
        const saved = BigInt(meta.time_ns);
        const replica = await EmbeddedReplica.create({ time: saved, seed: Buffer.from(meta.seed, 'hex') });
        const ledger = Principal.fromText(meta.ledger);
        const protocol = Principal.fromText(meta.protocol);
        for (const [what, given, saved] of [['ledger', opts.ledgerId, ledger], ['protocol', opts.protocolId, protocol]] as const) {
            if (given !== undefined && given.toText() !== saved.toText()) throw new StateError(`${dir} holds the ${what} canister ${saved.toText()}, not ${given.toText()}`);
        }
        await replica.loadCanister({ wasm: WASM_PATHS.emc_protocol, canisterId: protocol, stable: readStableSnapshot(join(dir, 'emc_protocol.stable')), arg: encode([P.ProtocolArgT], [{ Upgrade: [] }]) });
        await replica.loadCanister({ wasm: WASM_PATHS.emc_ledger, canisterId: ledger, stable: readStableSnapshot(join(dir, 'emc_ledger.stable')), arg: encode([L.LedgerArg], [{ Upgrade: [] }]) });
        const target = opts.time ?? wallClock();
        if (target > saved) await replica.advanceTime(target - saved);
        return new EmbeddedNetwork(replica, ledger, protocol, Principal.fromText(meta.governance), Principal.fromText(meta.genesis_owner), dir, false, { seed: meta.seed, createdAt: meta.created_at });
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
            if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
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

function protocolInit(ledger: Principal, governance: Principal, epochSeconds?: bigint): Uint8Array {
    return encode([P.ProtocolArgT], [{ Init: { ledger, governance: [governance], genesis_time: [], epoch_seconds: epochSeconds === undefined ? [] : [epochSeconds] } }]);
}

function ledgerInit(minting: Principal, balances: [Principal, bigint][]): Uint8Array {
    return ledgerInitArg({ minting, decimals: 8, maxMemoLength: 32, balances: balances.map(([owner, amount]) => [{ owner, subaccount: [] }, amount]) });
}
