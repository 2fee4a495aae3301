/**
 * The embedded replica: an in-process Internet Computer that runs built canister Wasm with the IC's
 * execution semantics (see docs/embedded-replica.md for what is and is not modelled).
 *
 * Messages are executed one at a time from a FIFO queue, so two ingress messages sent together
 * interleave at their `await`s exactly where they would on the IC; every message commits or is
 * rolled back on its own.
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { randomBytes } from 'node:crypto';
import type { Identity } from '@dfinity/agent';
import { Ed25519KeyIdentity } from '@dfinity/identity';
import { IDL } from '@dfinity/candid';
import { Principal } from '@dfinity/principal';
import { CanisterRuntime, type Callback, type ExecInput, type ExecKind, type ExecOutcome, type OutgoingCall, type Response } from './canister';
import { ErrorCode, RejectCode, ReplicaError, type Reject } from './errors';
import { ReplicaKey, buildTree, leb128, witness, type HashTree, type StateNode } from './certification';
import { StableMemory } from './stable-memory';
import { EmbeddedAgent, type IngressStatus } from './agent';
import { bytesEqual, bytesToHex, concatBytes, hexToBytes, sha256, utf8 } from './bytes';
import { instrumentWasm, type InstrumentedWasm } from './wasm/instrument';

/** The IC's per-message instruction limits. */
export const IC_INSTRUCTION_LIMITS = {
    update: 40_000_000_000n,
    query: 5_000_000_000n,
    install: 300_000_000_000n,
    inspectMessage: 200_000_000n,
} as const;

export type InstructionLimits = { -readonly [K in keyof typeof IC_INSTRUCTION_LIMITS]: bigint };

/** advanceTime gives up (and says which canister) after this many timer rounds, instead of spinning forever. */
const MAX_TIMER_FIRINGS_PER_ADVANCE = Number(process.env.EMC_MAX_TIMER_FIRINGS ?? 100_000);

/** Cycles a freshly created canister holds (what a local dfx replica gives a new canister). */
export const INITIAL_CYCLES = 100_000_000_000_000n;

/** Local dfx replicas number canisters from this index (the first one is bkyz2-fmaaa-aaaaa-qaaaq-cai). */
const FIRST_CANISTER_INDEX = 0x8000000000100001n;

const MANAGEMENT = new Uint8Array(0);

/** Messages whose successful execution changes the canister and so bumps its version (install and upgrade bump it once themselves). */
const UPDATE_LIKE = new Set<ExecKind>(['update', 'reply_callback', 'reject_callback', 'cleanup', 'timer']);

/**
 * Replicated executions, which the IC charges to the canister whether they succeed or trap: it
 * prepays the fee for the message's whole instruction limit before executing and refunds only the
 * instructions left afterwards (rs/execution_environment/src/execution/update.rs, response.rs:
 * `prepay_execution_cycles`, then `refund_unused_execution_cycles(num_instructions_left)` on every
 * outcome). A query called as an update runs replicated and is charged the same way. Not charged:
 * non-replicated queries and `canister_inspect_message`, which runs on one node before consensus
 * (rs/execution_environment/src/execution/inspect_message.rs touches no cycles).
 */
const CHARGED = new Set<ExecKind>(['update', 'replicated_query', 'reply_callback', 'reject_callback', 'cleanup', 'timer']);

/**
 * Fees of a 13-node application subnet (the IC's reference size; rs/config/src/subnet_config.rs):
 * 5 M cycles per executed message, 4 cycles per 10 instructions; an ingress message the canister
 * accepts costs it 1.2 M cycles plus 2,000 per byte when it is inducted (`ingress_induction_cost`).
 * The IC counts the bytes of the whole signed envelope; here they are the method name and the
 * argument (the envelope's signature and sender fields add a few hundred bytes on the IC).
 */
export const FEES = {
    updateMessageExecution: 5_000_000n,
    tenUpdateInstructions: 4n,
    ingressMessageReception: 1_200_000n,
    ingressByteReception: 2_000n,
} as const;

/** What the IC charges for executing a message of `instructions` (whatever its outcome). */
export function executionFee(instructions: bigint): bigint {
    return FEES.updateMessageExecution + (FEES.tenUpdateInstructions * instructions) / 10n;
}

/** What the IC charges the receiving canister for inducting an ingress message. */
export function ingressInductionFee(method: string, arg: Uint8Array): bigint {
    return FEES.ingressMessageReception + FEES.ingressByteReception * BigInt(utf8(method).length + arg.length);
}

export type { IngressStatus };

export interface ExecutionRecord {
    canister: string;
    kind: ExecKind;
    method: string;
    instructions: bigint;
    ok: boolean;
}

interface CanisterState {
    id: Principal;
    idBytes: Uint8Array;
    controllers: Principal[];
    runtime: CanisterRuntime;
    moduleHash: Uint8Array;
    certifiedData: Uint8Array;
    globalTimer: bigint;
    timerQueued: boolean;
    cycles: bigint;
    version: bigint;
    generation: number;
    lastInstructions: bigint;
    logs: string[];
}

type Origin =
    | { kind: 'ingress'; requestId: string }
    | { kind: 'canister'; caller: string; callbackId: number }
    | { kind: 'system' };

interface CallContext {
    id: number;
    canister: string;
    origin: Origin;
    caller: Uint8Array;
    responded: boolean;
    outstanding: number;
    instructions: bigint;
    cyclesAvailable: bigint;
    cyclesAccepted: bigint;
    lastTrap?: Reject;
    /** An injected fault: the call executes, but its caller receives this reject instead of the response. */
    replaceResponse?: Reject;
}

/**
 * A fault injected into inter-canister calls to `canister`.`method` (tests of failure handling):
 * `before` rejects the call without executing it; `after` executes it and loses the response (the
 * caller gets SYS_UNKNOWN), as when a subnet's response never arrives.
 */
export interface InjectedFault {
    canister: Principal;
    method: string;
    when: 'before' | 'after';
    /** Reject code the caller sees (default: 2 SYS_TRANSIENT before, 6 SYS_UNKNOWN after). */
    code?: number;
    /** How many calls it applies to (default 1). */
    times?: number;
}

interface PendingCallback {
    id: number;
    canister: string;
    generation: number;
    callContextId: number;
    call: OutgoingCall;
}

interface CompiledModule {
    module: WebAssembly.Module;
    meta: InstrumentedWasm;
    hash: Uint8Array;
}

const moduleCache = new Map<string, CompiledModule>();

export interface ReplicaOptions {
    /** Initial time in nanoseconds since the Unix epoch (default: now). */
    time?: bigint;
    /** Override the IC's instruction limits (tests of the limit mechanism only). */
    instructionLimits?: Partial<InstructionLimits>;
    /** Seed for the replica's BLS key and `raw_rand` (default: random). */
    seed?: Uint8Array;
    /** Print canister debug output to stderr. */
    verbose?: boolean;
    /**
     * false: run canisters without instruction metering (no counts, no limits). Only for the test
     * that proves metering never changes a canister's behaviour or state.
     */
    metering?: boolean;
    /**
     * false: ingress messages skip `canister_inspect_message`, as calls from other canisters do on
     * the IC. Only for tests of what a method's execution refuses by itself.
     */
    inspectMessage?: boolean;
}

export class EmbeddedReplica {
    private readonly canisters = new Map<string, CanisterState>();
    private readonly queue: (() => void)[] = [];
    private readonly callContexts = new Map<number, CallContext>();
    private readonly callbacks = new Map<number, PendingCallback>();
    private readonly ingress = new Map<string, IngressStatus>();
    private readonly ingressWaiters = new Map<string, ((s: IngressStatus) => void)[]>();
    private readonly executions: ExecutionRecord[] = [];
    private readonly faults: (InjectedFault & { left: number })[] = [];
    private nextCanisterIndex = FIRST_CANISTER_INDEX;
    private nextId = 1;
    private currentTime: bigint;
    private draining: Promise<void> | undefined;
    private randCounter = 0n;
    readonly limits: InstructionLimits;
    readonly key: ReplicaKey;
    private readonly seed: Uint8Array;
    private readonly verbose: boolean;
    private readonly metering: boolean;
    private readonly inspect: boolean;

    private constructor(opts: ReplicaOptions) {
        this.currentTime = opts.time ?? BigInt(Date.now()) * 1_000_000n;
        this.limits = { ...IC_INSTRUCTION_LIMITS, ...opts.instructionLimits };
        this.seed = opts.seed ?? new Uint8Array(randomBytes(32));
        this.key = ReplicaKey.generate(sha256(concatBytes(utf8('emc-replica-key'), this.seed)));
        this.verbose = opts.verbose === true;
        this.metering = opts.metering !== false;
        this.inspect = opts.inspectMessage !== false;
    }

    static async create(opts: ReplicaOptions = {}): Promise<EmbeddedReplica> {
        return new EmbeddedReplica(opts);
    }

    /** An agent-js Agent acting as `identity` (anonymous when omitted) against this replica. */
    createAgent(identity?: Identity): EmbeddedAgent {
        return new EmbeddedAgent(this, identity);
    }

    /** The DER-encoded BLS public key that signs this replica's certificates (what agents use as root key). */
    get rootKey(): Uint8Array {
        return this.key.publicKeyDer;
    }

    time(): bigint {
        return this.currentTime;
    }

    /** Advances the clock by `ns`, running every timer that falls due, in deadline order. */
    async advanceTime(ns: bigint): Promise<void> {
        if (ns < 0n) throw new ReplicaError('time cannot go backwards');
        const target = this.currentTime + ns;
        await this.idle();
        let firings = 0;
        for (;;) {
            if (++firings > MAX_TIMER_FIRINGS_PER_ADVANCE) {
                throw new ReplicaError(`advanceTime: more than ${MAX_TIMER_FIRINGS_PER_ADVANCE} timer rounds; a canister keeps re-arming its timer (last executions: ${this.executions.slice(-5).map((e) => `${e.canister}:${e.kind}:${e.method}`).join(', ')})`);
            }
            let next: bigint | undefined;
            for (const c of this.canisters.values()) {
                if (c.globalTimer > 0n && c.globalTimer <= target && (next === undefined || c.globalTimer < next)) next = c.globalTimer;
            }
            if (next === undefined) break;
            if (next > this.currentTime) this.currentTime = next;
            await this.schedule();
        }
        this.currentTime = target;
        await this.schedule();
    }

    /** Instructions used by that canister's last message. */
    instructions(canisterId: Principal): bigint {
        return this.canister(canisterId).lastInstructions;
    }

    /** Every message executed so far, oldest first (bounded to the last 100,000). */
    executionLog(): readonly ExecutionRecord[] {
        return this.executions;
    }

    /** Lines the canister printed with `ic0.debug_print` (bounded to the last 10,000). */
    logs(canisterId: Principal): readonly string[] {
        return this.canister(canisterId).logs;
    }

    /** A copy of the canister's Wasm heap and stable memory (for saving a network to disk, and for tests). */
    canisterMemory(canisterId: Principal): { heap: Uint8Array; stable: { sizePages: number; pages: [number, Uint8Array][] } } {
        const cp = this.canister(canisterId).runtime.checkpoint();
        return { heap: cp.heap, stable: cp.stable };
    }

    /** SHA-256 of the canister's stable memory (size and contents): equal before and after a message that changed none of it. */
    stableMemoryHash(canisterId: Principal): Uint8Array {
        return this.canister(canisterId).runtime.stable.digest();
    }

    canisterIds(): Principal[] {
        return [...this.canisters.values()].map((c) => c.id);
    }

    hasCanister(canisterId: Principal): boolean {
        return this.canisters.has(canisterId.toText());
    }

    controllers(canisterId: Principal): Principal[] {
        return [...this.canister(canisterId).controllers];
    }

    cycleBalance(canisterId: Principal): bigint {
        return this.canister(canisterId).cycles;
    }

    certifiedData(canisterId: Principal): Uint8Array {
        return this.canister(canisterId).certifiedData.slice();
    }

    moduleHash(canisterId: Principal): Uint8Array {
        return this.canister(canisterId).moduleHash.slice();
    }

    /** Creates a canister and installs `wasm` into it, running `canister_init` with `arg`. */
    async installCanister(opts: { wasm: Uint8Array | string; arg?: Uint8Array; controllers?: Principal[]; canisterId?: Principal; sender?: Principal }): Promise<Principal> {
        await this.idle();
        const compiled = compile(opts.wasm, this.metering);
        const id = opts.canisterId ?? this.allocateCanisterId();
        if (this.canisters.has(id.toText())) throw new ReplicaError(`canister ${id.toText()} already exists`);
        const controllers = opts.controllers ?? [DEFAULT_CONTROLLER];
        const state = this.newCanisterState(id, controllers, compiled, new StableMemory());
        this.canisters.set(id.toText(), state);
        const outcome = this.runSystem(state, 'init', 'canister_init', opts.arg ?? new Uint8Array(IDL.encode([], [])), (opts.sender ?? controllers[0] ?? Principal.anonymous()).toUint8Array());
        if (!outcome.ok) {
            this.canisters.delete(id.toText());
            throw new ReplicaError(`install of ${id.toText()} failed: ${outcome.trap?.message}`, this.trapReject(id.toText(), outcome));
        }
        state.version += 1n;
        await this.schedule();
        return id;
    }

    /**
     * Recreates a canister from saved stable memory (see `canisterMemory`) and runs
     * `canister_post_upgrade(arg)` on it, exactly as an upgrade into that memory would.
     */
    async loadCanister(opts: { wasm: Uint8Array | string; stable: { sizePages: number; pages: [number, Uint8Array][] }; arg?: Uint8Array; controllers?: Principal[]; canisterId?: Principal }): Promise<Principal> {
        await this.idle();
        const compiled = compile(opts.wasm, this.metering);
        const id = opts.canisterId ?? this.allocateCanisterId();
        if (this.canisters.has(id.toText())) throw new ReplicaError(`canister ${id.toText()} already exists`);
        const controllers = opts.controllers ?? [DEFAULT_CONTROLLER];
        const state = this.newCanisterState(id, controllers, compiled, StableMemory.fromPages(opts.stable.sizePages, opts.stable.pages));
        this.canisters.set(id.toText(), state);
        const installer = (controllers[0] ?? Principal.anonymous()).toUint8Array();
        const outcome = this.runSystem(state, 'post_upgrade', 'canister_post_upgrade', opts.arg ?? new Uint8Array(IDL.encode([], [])), installer);
        if (!outcome.ok) {
            this.canisters.delete(id.toText());
            throw new ReplicaError(`loading ${id.toText()} failed in post_upgrade: ${outcome.trap?.message}`, this.trapReject(id.toText(), outcome));
        }
        state.version += 1n;
        await this.schedule();
        return id;
    }

    /** Upgrades: `canister_pre_upgrade` on the old code, a fresh instance over the same stable memory, `canister_post_upgrade(arg)`. */
    async upgradeCanister(canisterId: Principal, opts: { wasm: Uint8Array | string; arg?: Uint8Array }): Promise<void> {
        await this.idle();
        const state = this.canister(canisterId);
        this.assertNoOutstandingCalls(state);
        const compiled = compile(opts.wasm, this.metering);
        const arg = opts.arg ?? new Uint8Array(IDL.encode([], []));
        const installer = (state.controllers[0] ?? Principal.anonymous()).toUint8Array();
        const old = state.runtime;
        const savedTimer = state.globalTimer;
        // pre_upgrade commits into the old instance; keep what is needed to undo it if post_upgrade fails.
        const hasPre = old.hasExport('canister_pre_upgrade');
        const checkpoint = hasPre ? old.checkpoint() : undefined;
        let used = 0n;
        if (hasPre) {
            const pre = this.runSystem(state, 'pre_upgrade', 'canister_pre_upgrade', new Uint8Array(0), installer);
            used = pre.instructions;
            if (!pre.ok) throw new ReplicaError(`upgrade of ${canisterId.toText()} failed in pre_upgrade: ${pre.trap?.message}`, this.trapReject(canisterId.toText(), pre));
        }
        state.runtime = new CanisterRuntime(compiled.module, compiled.meta, this.hostFor(state), old.stable);
        state.globalTimer = 0n;
        state.timerQueued = false;
        const post = this.runSystem(state, 'post_upgrade', 'canister_post_upgrade', arg, installer, this.limits.install - used);
        if (!post.ok) {
            // The whole upgrade is undone: old code, old heap, old stable memory, old timer.
            if (checkpoint !== undefined) old.revert(checkpoint);
            state.runtime = old;
            state.globalTimer = savedTimer;
            throw new ReplicaError(`upgrade of ${canisterId.toText()} failed in post_upgrade: ${post.trap?.message}`, this.trapReject(canisterId.toText(), post));
        }
        state.moduleHash = compiled.hash;
        state.generation += 1;
        state.version += 1n;
        await this.schedule();
    }

    /** Reinstalls: wipes heap and stable memory, then runs `canister_init(arg)` with the new code. */
    async reinstallCanister(canisterId: Principal, opts: { wasm: Uint8Array | string; arg?: Uint8Array }): Promise<void> {
        await this.idle();
        const state = this.canister(canisterId);
        this.assertNoOutstandingCalls(state);
        const compiled = compile(opts.wasm, this.metering);
        const previous = { runtime: state.runtime, certifiedData: state.certifiedData, timer: state.globalTimer, hash: state.moduleHash };
        state.runtime = new CanisterRuntime(compiled.module, compiled.meta, this.hostFor(state), new StableMemory());
        state.certifiedData = new Uint8Array(0);
        state.globalTimer = 0n;
        const installer = (state.controllers[0] ?? Principal.anonymous()).toUint8Array();
        const outcome = this.runSystem(state, 'init', 'canister_init', opts.arg ?? new Uint8Array(IDL.encode([], [])), installer);
        if (!outcome.ok) {
            state.runtime = previous.runtime;
            state.certifiedData = previous.certifiedData;
            state.globalTimer = previous.timer;
            throw new ReplicaError(`reinstall of ${canisterId.toText()} failed: ${outcome.trap?.message}`, this.trapReject(canisterId.toText(), outcome));
        }
        state.moduleHash = compiled.hash;
        state.generation += 1;
        state.version += 1n;
        await this.schedule();
    }

    /** Injects a fault into the next inter-canister calls to `canister`.`method` (see InjectedFault). */
    injectFault(fault: InjectedFault): void {
        this.faults.push({ ...fault, left: fault.times ?? 1 });
    }

    /** Faults injected but not yet used up. */
    pendingFaults(): number {
        return this.faults.reduce((n, f) => n + f.left, 0);
    }

    setControllers(canisterId: Principal, controllers: Principal[]): void {
        const state = this.canister(canisterId);
        state.controllers = [...controllers];
        state.version += 1n;
    }

    // ----- ingress -------------------------------------------------------------------------

    /**
     * Submits an ingress update call and resolves when it has completed. A request id seen before
     * is not executed again (the IC deduplicates identical ingress messages).
     */
    async submitUpdate(req: { canisterId: Principal; method: string; arg: Uint8Array; sender: Principal; requestId: string }): Promise<IngressStatus> {
        const submitted = this.submitIngress(req);
        if ('refused' in submitted) {
            const status: IngressStatus = { status: 'rejected', reject: submitted.refused };
            this.ingress.set(req.requestId, status);
            return status;
        }
        return submitted.done;
    }

    /**
     * Submits an ingress update as the IC's HTTP interface does: a message refused before it is
     * executed (no such canister or method, refused by `canister_inspect_message`) is answered at
     * once and not recorded in the ingress history (the HTTP endpoint returns it uncertified);
     * otherwise `done` resolves when the message has completed.
     */
    submitIngress(req: { canisterId: Principal; method: string; arg: Uint8Array; sender: Principal; requestId: string }): { refused: Reject } | { done: Promise<IngressStatus> } {
        const known = this.ingress.get(req.requestId);
        if (known !== undefined) return { done: known.status === 'processing' ? this.waitIngress(req.requestId) : Promise.resolve(known) };
        const target = this.canisters.get(req.canisterId.toText());
        const refused = this.admitIngress(target, req);
        if (refused !== undefined) return { refused };
        this.ingress.set(req.requestId, { status: 'processing' });
        const done = this.waitIngress(req.requestId);
        const state = target as CanisterState;
        this.queue.push(() => {
            const ctx = this.newCallContext(state, { kind: 'ingress', requestId: req.requestId }, req.sender.toUint8Array());
            this.executeCall(state, ctx, req.method, req.arg, 0n);
        });
        void this.schedule();
        return { done };
    }

    /** Status of an ingress message (undefined if unknown to the replica). */
    ingressStatus(requestId: string): IngressStatus | undefined {
        return this.ingress.get(requestId);
    }

    /** Executes a query call (non-replicated: nothing it writes is kept). */
    query(req: { canisterId: Principal; method: string; arg: Uint8Array; sender: Principal }): { reply: Uint8Array } | { reject: Reject } {
        const state = this.canisters.get(req.canisterId.toText());
        if (state === undefined) return { reject: notFound(req.canisterId.toText()) };
        const exportName = `canister_query ${req.method}`;
        if (!state.runtime.hasExport(exportName)) {
            return { reject: { code: RejectCode.DestinationInvalid, errorCode: ErrorCode.CanisterMethodNotFound, message: `Canister ${state.id.toText()} has no query method '${req.method}'` } };
        }
        const outcome = this.execute(state, message({ kind: 'query', entry: { exportName }, methodName: req.method, caller: req.sender.toUint8Array(), argData: req.arg, canRespond: true, limit: this.limits.query }));
        const response = this.responseOf(state.id.toText(), outcome);
        return response.type === 'reply' ? { reply: response.data } : { reject: response.reject };
    }

    // ----- certification ---------------------------------------------------------------------

    /** A certificate over the given paths of the replica's state tree (what `read_state` returns). */
    readState(paths: Uint8Array[][]): Uint8Array {
        const full = this.stateTree(paths);
        return this.key.certify(witness(full, [[utf8('time')], ...paths]));
    }

    private stateTree(paths: Uint8Array[][]): HashTree {
        const root = new Map<string | Uint8Array, StateNode>();
        root.set('time', leb128(this.currentTime));
        const requestStatus = new Map<string | Uint8Array, StateNode>();
        const canisters = new Map<string | Uint8Array, StateNode>();
        for (const path of paths) {
            const head = path.length > 0 ? new TextDecoder().decode(path[0]) : '';
            if (head === 'request_status' && path.length >= 2) {
                const id = bytesToHex(path[1]);
                const status = this.ingress.get(id);
                if (status !== undefined && status.status !== 'processing') requestStatus.set(path[1], statusNode(status));
            }
            if (head === 'canister' && path.length >= 2) {
                const state = this.canisters.get(Principal.fromUint8Array(path[1]).toText());
                if (state !== undefined) {
                    const node = new Map<string | Uint8Array, StateNode>();
                    node.set('certified_data', state.certifiedData);
                    node.set('module_hash', state.moduleHash);
                    node.set('controllers', encodeControllers(state.controllers));
                    canisters.set(state.idBytes, node);
                }
            }
        }
        if (requestStatus.size > 0) root.set('request_status', requestStatus);
        if (canisters.size > 0) root.set('canister', canisters);
        return buildTree(root);
    }

    /** The certificate an update call's response carries: its request status and the time. */
    requestCertificate(requestId: string): Uint8Array {
        return this.readState([[utf8('request_status'), hexToBytes(requestId)]]);
    }

    // ----- internals -----------------------------------------------------------------------

    private canister(id: Principal): CanisterState {
        const state = this.canisters.get(id.toText());
        if (state === undefined) throw new ReplicaError(`canister ${id.toText()} not found`, notFound(id.toText()));
        return state;
    }

    private allocateCanisterId(): Principal {
        const bytes = new Uint8Array(10);
        new DataView(bytes.buffer).setBigUint64(0, this.nextCanisterIndex);
        bytes[8] = 1;
        bytes[9] = 1;
        this.nextCanisterIndex += 1n;
        return Principal.fromUint8Array(bytes);
    }

    private newCanisterState(id: Principal, controllers: Principal[], compiled: CompiledModule, stable: StableMemory): CanisterState {
        const state = {
            id,
            idBytes: id.toUint8Array(),
            controllers: [...controllers],
            moduleHash: compiled.hash,
            certifiedData: new Uint8Array(0),
            globalTimer: 0n,
            timerQueued: false,
            cycles: INITIAL_CYCLES,
            version: 0n,
            generation: 0,
            lastInstructions: 0n,
            logs: [],
        } as unknown as CanisterState;
        state.runtime = new CanisterRuntime(compiled.module, compiled.meta, this.hostFor(state), stable);
        return state;
    }

    private hostFor(state: CanisterState) {
        return {
            time: () => this.currentTime,
            selfId: () => state.idBytes,
            isController: (p: Uint8Array) => state.controllers.some((c) => bytesEqual(c.toUint8Array(), p)),
            canisterVersion: () => state.version,
            cycleBalance: () => state.cycles,
            setCycleBalance: (v: bigint) => {
                state.cycles = v;
            },
            certifiedData: () => state.certifiedData,
            setCertifiedData: (d: Uint8Array) => {
                state.certifiedData = d;
            },
            globalTimer: () => state.globalTimer,
            setGlobalTimer: (t: bigint) => {
                state.globalTimer = t;
            },
            dataCertificate: () => {
                const root = new Map<string | Uint8Array, StateNode>([
                    ['canister', new Map<string | Uint8Array, StateNode>([[state.idBytes, new Map<string | Uint8Array, StateNode>([['certified_data', state.certifiedData]])]])],
                    ['time', leb128(this.currentTime)],
                ]);
                return this.key.certify(buildTree(root));
            },
            debugPrint: (text: string) => {
                state.logs.push(text);
                if (state.logs.length > 10_000) state.logs.splice(0, state.logs.length - 10_000);
                if (this.verbose) process.stderr.write(`[${state.id.toText()}] ${text}\n`);
            },
        };
    }

    private assertNoOutstandingCalls(state: CanisterState): void {
        for (const cb of this.callbacks.values()) {
            if (cb.canister === state.id.toText()) {
                throw new ReplicaError(`canister ${state.id.toText()} has outstanding calls; upgrade or reinstall it when they have completed (stop it first, as dfx does)`);
            }
        }
    }

    private runSystem(state: CanisterState, kind: ExecKind, exportName: string, arg: Uint8Array, caller: Uint8Array, limit?: bigint): ExecOutcome {
        if (!state.runtime.hasExport(exportName)) {
            return { ok: true, instructions: 0n, calls: [], cyclesAccepted: 0n, messageAccepted: false };
        }
        return this.execute(state, message({ kind, entry: { exportName }, methodName: '', caller, argData: arg, canRespond: false, limit: limit ?? this.limits.install }));
    }

    private execute(state: CanisterState, input: ExecInput): ExecOutcome {
        const outcome = state.runtime.execute(input);
        state.lastInstructions = outcome.instructions;
        this.executions.push({ canister: state.id.toText(), kind: input.kind, method: input.methodName, instructions: outcome.instructions, ok: outcome.ok });
        if (this.executions.length > 100_000) this.executions.splice(0, 50_000);
        if (CHARGED.has(input.kind)) this.charge(state, executionFee(outcome.instructions));
        if (outcome.ok && UPDATE_LIKE.has(input.kind)) state.version += 1n;
        return outcome;
    }

    /** Cycles a canister pays; the balance does not go below zero (freezing is not modelled). */
    private charge(state: CanisterState, fee: bigint): void {
        state.cycles = state.cycles > fee ? state.cycles - fee : 0n;
    }

    /**
     * The IC's ingress filter: `canister_inspect_message`, when exported, decides on every ingress
     * call (update methods, query methods called as updates, and names the canister does not
     * export: the IC looks for the method only when executing). Refused messages cost the
     * canister nothing; an accepted one is inducted and its induction fee charged to it.
     */
    private admitIngress(target: CanisterState | undefined, req: { canisterId: Principal; method: string; arg: Uint8Array; sender: Principal }): Reject | undefined {
        if (target === undefined) return notFound(req.canisterId.toText());
        if (this.inspect && target.runtime.hasExport('canister_inspect_message')) {
            const outcome = this.execute(target, message({ kind: 'inspect_message', entry: { exportName: 'canister_inspect_message' }, methodName: req.method, caller: req.sender.toUint8Array(), argData: req.arg, canRespond: false, limit: this.limits.inspectMessage }));
            if (!outcome.ok) return this.trapReject(target.id.toText(), outcome);
            if (!outcome.messageAccepted) {
                return { code: RejectCode.CanisterReject, errorCode: ErrorCode.CanisterRejectedMessage, message: `Canister ${target.id.toText()} rejected the message` };
            }
        }
        this.charge(target, ingressInductionFee(req.method, req.arg));
        return undefined;
    }

    private newCallContext(state: CanisterState, origin: Origin, caller: Uint8Array): CallContext {
        const ctx: CallContext = { id: this.nextId++, canister: state.id.toText(), origin, caller, responded: false, outstanding: 0, instructions: 0n, cyclesAvailable: 0n, cyclesAccepted: 0n };
        this.callContexts.set(ctx.id, ctx);
        return ctx;
    }

    /** Runs the first message of a call context: an update method, or a query method called as an update. */
    private executeCall(state: CanisterState, ctx: CallContext, method: string, arg: Uint8Array, cycles: bigint): void {
        ctx.cyclesAvailable = cycles;
        const isUpdate = state.runtime.hasExport(`canister_update ${method}`);
        if (!isUpdate && !state.runtime.hasExport(`canister_query ${method}`)) {
            // An inducted ingress message for a method the canister does not export: the IC finds
            // out when it executes it, and charges the base fee of that execution.
            this.charge(state, executionFee(0n));
            this.respond(ctx, { reject: noMethod(state.id.toText(), 'update', method) });
            this.maybeClose(ctx);
            return;
        }
        const outcome = this.execute(state, message({ kind: isUpdate ? 'update' : 'replicated_query', entry: { exportName: isUpdate ? `canister_update ${method}` : `canister_query ${method}` }, methodName: method, caller: ctx.caller, argData: arg, canRespond: true, limit: this.limits.update, cyclesAvailable: cycles }));
        this.afterExecution(state, ctx, outcome);
    }

    private afterExecution(state: CanisterState, ctx: CallContext, outcome: ExecOutcome): void {
        ctx.instructions += outcome.instructions;
        if (outcome.ok) {
            ctx.cyclesAccepted += outcome.cyclesAccepted;
            for (const call of outcome.calls) this.sendCall(state, ctx, call);
            if (outcome.response !== undefined) this.respond(ctx, outcome.response.type === 'reply' ? { reply: outcome.response.data } : { reject: canisterReject(state.id.toText(), outcome.response) });
        } else {
            ctx.lastTrap = this.trapReject(state.id.toText(), outcome);
        }
        this.maybeClose(ctx);
    }

    private maybeClose(ctx: CallContext): void {
        if (ctx.outstanding > 0) return;
        if (!ctx.responded && ctx.origin.kind !== 'system') {
            this.respond(
                ctx,
                { reject: ctx.lastTrap ?? { code: RejectCode.CanisterError, errorCode: ErrorCode.CanisterDidNotReply, message: `Canister ${ctx.canister} did not produce a response` } },
            );
        }
        this.callContexts.delete(ctx.id);
    }

    private respond(ctx: CallContext, result: { reply: Uint8Array } | { reject: Reject }): void {
        if (ctx.responded) return;
        ctx.responded = true;
        const origin = ctx.origin;
        if (origin.kind === 'ingress') {
            const status: IngressStatus = 'reply' in result ? { status: 'replied', reply: result.reply } : { status: 'rejected', reject: result.reject };
            this.ingress.set(origin.requestId, status);
            const waiters = this.ingressWaiters.get(origin.requestId) ?? [];
            this.ingressWaiters.delete(origin.requestId);
            for (const w of waiters) w(status);
        } else if (origin.kind === 'canister') {
            const callbackId = origin.callbackId;
            const refund = ctx.cyclesAvailable - ctx.cyclesAccepted;
            const delivered = ctx.replaceResponse === undefined ? result : { reject: ctx.replaceResponse };
            this.queue.push(() => this.deliverResponse(callbackId, delivered, refund));
        }
    }

    private sendCall(state: CanisterState, ctx: CallContext, call: OutgoingCall): void {
        const cb: PendingCallback = { id: this.nextId++, canister: state.id.toText(), generation: state.generation, callContextId: ctx.id, call };
        this.callbacks.set(cb.id, cb);
        ctx.outstanding += 1;
        this.queue.push(() => this.deliverRequest(state, cb));
    }

    private deliverRequest(caller: CanisterState, cb: PendingCallback): void {
        const call = cb.call;
        if (call.callee.length === 0) {
            const result = this.managementCall(caller, call);
            this.queue.push(() => this.deliverResponse(cb.id, result));
            return;
        }
        const calleeId = Principal.fromUint8Array(call.callee).toText();
        const callee = this.canisters.get(calleeId);
        if (callee === undefined) {
            this.queue.push(() => this.deliverResponse(cb.id, { reject: notFound(calleeId) }, call.cycles));
            return;
        }
        if (!callee.runtime.hasExport(`canister_update ${call.method}`) && !callee.runtime.hasExport(`canister_query ${call.method}`)) {
            this.queue.push(() => this.deliverResponse(cb.id, { reject: noMethod(calleeId, 'update', call.method) }, call.cycles));
            return;
        }
        const fault = this.takeFault(calleeId, call.method);
        if (fault?.when === 'before') {
            const reject: Reject = { code: (fault.code ?? RejectCode.SysTransient) as RejectCode, errorCode: 'IC0000', message: `injected fault: the call to ${calleeId}.${call.method} was not delivered` };
            this.queue.push(() => this.deliverResponse(cb.id, { reject }, call.cycles));
            return;
        }
        const ctx = this.newCallContext(callee, { kind: 'canister', caller: caller.id.toText(), callbackId: cb.id }, caller.idBytes);
        if (fault?.when === 'after') {
            ctx.replaceResponse = { code: (fault.code ?? RejectCode.SysUnknown) as RejectCode, errorCode: 'IC0000', message: `injected fault: the response of ${calleeId}.${call.method} was lost` };
        }
        this.executeCall(callee, ctx, call.method, call.arg, call.cycles);
    }

    private deliverResponse(callbackId: number, result: { reply: Uint8Array } | { reject: Reject }, refund = 0n): void {
        const cb = this.callbacks.get(callbackId);
        if (cb === undefined) return;
        this.callbacks.delete(callbackId);
        const ctx = this.callContexts.get(cb.callContextId);
        const state = this.canisters.get(cb.canister);
        if (ctx === undefined || state === undefined) return;
        ctx.outstanding -= 1;
        state.cycles += refund;
        if (cb.generation !== state.generation) {
            this.maybeClose(ctx);
            return;
        }
        const isReply = 'reply' in result;
        const input: ExecInput = {
            kind: isReply ? 'reply_callback' : 'reject_callback',
            entry: { callback: isReply ? cb.call.onReply : cb.call.onReject },
            methodName: '',
            caller: ctx.caller,
            argData: isReply ? result.reply : new Uint8Array(0),
            rejectCode: isReply ? 0 : result.reject.code,
            rejectMessage: isReply ? '' : result.reject.message,
            cyclesAvailable: 0n,
            cyclesRefunded: refund,
            canRespond: !ctx.responded,
            limit: this.limits.update,
            callContextInstructions: ctx.instructions,
        };
        const outcome = this.execute(state, input);
        if (!outcome.ok && cb.call.onCleanup !== undefined) {
            const cleanup = this.execute(state, { ...input, kind: 'cleanup', entry: { callback: cb.call.onCleanup }, canRespond: false, argData: new Uint8Array(0) });
            ctx.instructions += cleanup.instructions;
        }
        this.afterExecution(state, ctx, outcome);
    }

    private managementCall(caller: CanisterState, call: OutgoingCall): { reply: Uint8Array } | { reject: Reject } {
        if (call.method === 'raw_rand') {
            this.randCounter += 1n;
            const bytes = sha256(concatBytes(utf8('raw_rand'), this.seed, leb128(this.randCounter), caller.idBytes));
            return { reply: new Uint8Array(IDL.encode([IDL.Vec(IDL.Nat8)], [bytes])) };
        }
        return { reject: { code: RejectCode.DestinationInvalid, errorCode: ErrorCode.CanisterMethodNotFound, message: `Management canister method '${call.method}' is not provided by the embedded replica` } };
    }

    private takeFault(canister: string, method: string): InjectedFault | undefined {
        const i = this.faults.findIndex((f) => f.left > 0 && f.canister.toText() === canister && f.method === method);
        if (i < 0) return undefined;
        const f = this.faults[i];
        f.left -= 1;
        if (f.left === 0) this.faults.splice(i, 1);
        return f;
    }

    private enqueueDueTimers(): void {
        for (const state of this.canisters.values()) {
            if (state.globalTimer > 0n && state.globalTimer <= this.currentTime && !state.timerQueued) {
                state.timerQueued = true;
                this.queue.push(() => this.runTimer(state));
            }
        }
    }

    private runTimer(state: CanisterState): void {
        state.timerQueued = false;
        if (this.canisters.get(state.id.toText()) !== state) return;
        if (state.globalTimer === 0n || state.globalTimer > this.currentTime) return;
        state.globalTimer = 0n;
        if (!state.runtime.hasExport('canister_global_timer')) return;
        const ctx = this.newCallContext(state, { kind: 'system' }, MANAGEMENT);
        const outcome = this.execute(state, message({ kind: 'timer', entry: { exportName: 'canister_global_timer' }, methodName: '', caller: MANAGEMENT, argData: new Uint8Array(0), canRespond: false, limit: this.limits.update }));
        this.afterExecution(state, ctx, outcome);
    }

    private responseOf(canister: string, outcome: ExecOutcome): { type: 'reply'; data: Uint8Array } | { type: 'reject'; reject: Reject } {
        if (!outcome.ok) return { type: 'reject', reject: this.trapReject(canister, outcome) };
        if (outcome.response === undefined) {
            return { type: 'reject', reject: { code: RejectCode.CanisterError, errorCode: ErrorCode.CanisterDidNotReply, message: `Canister ${canister} did not produce a response` } };
        }
        if (outcome.response.type === 'reply') return { type: 'reply', data: outcome.response.data };
        return { type: 'reject', reject: canisterReject(canister, outcome.response) };
    }

    private trapReject(canister: string, outcome: ExecOutcome): Reject {
        return { code: RejectCode.CanisterError, errorCode: outcome.trap?.errorCode ?? ErrorCode.CanisterTrapped, message: `Error from Canister ${canister}: ${outcome.trap?.message ?? 'trapped'}` };
    }

    private waitIngress(requestId: string): Promise<IngressStatus> {
        return new Promise((resolve) => {
            const list = this.ingressWaiters.get(requestId) ?? [];
            list.push(resolve);
            this.ingressWaiters.set(requestId, list);
        });
    }

    /** Runs queued messages (and due timers) until nothing is left; returns when done. */
    private schedule(): Promise<void> {
        if (this.draining === undefined) {
            this.draining = new Promise<void>((resolve, reject) => {
                setImmediate(() => {
                    try {
                        this.drain();
                        resolve();
                    } catch (e) {
                        reject(e);
                    } finally {
                        this.draining = undefined;
                    }
                });
            });
        }
        return this.draining;
    }

    private drain(): void {
        for (;;) {
            this.enqueueDueTimers();
            const task = this.queue.shift();
            if (task === undefined) return;
            task();
        }
    }

    /** Resolves once every queued message has been executed. */
    async idle(): Promise<void> {
        while (this.draining !== undefined || this.queue.length > 0) await this.schedule();
    }
}

/**
 * The identity that controls canisters installed without explicit controllers (like the dfx
 * identity that deploys to a local replica). Its key is public: use it only on the embedded replica.
 */
export const DEFAULT_CONTROLLER_IDENTITY = Ed25519KeyIdentity.generate(sha256(utf8('emc embedded replica default controller')));
export const DEFAULT_CONTROLLER = Principal.fromUint8Array(DEFAULT_CONTROLLER_IDENTITY.getPrincipal().toUint8Array());

function compile(wasm: Uint8Array | string, metering: boolean): CompiledModule {
    let bytes = typeof wasm === 'string' ? new Uint8Array(readFileSync(wasm)) : wasm;
    if (bytes[0] === 0x1f && bytes[1] === 0x8b) bytes = new Uint8Array(gunzipSync(bytes));
    const hash = sha256(bytes);
    const key = `${bytesToHex(hash)}:${metering ? 'metered' : 'plain'}`;
    const cached = moduleCache.get(key);
    if (cached !== undefined) return cached;
    const meta = instrumentWasm(bytes, { metering });
    const module = new WebAssembly.Module(meta.wasm as BufferSource);
    for (const imp of WebAssembly.Module.imports(module)) {
        if (imp.module !== 'ic0') throw new ReplicaError(`module imports ${imp.module}.${imp.name}; only the ic0 system API is available`);
    }
    const compiled = { module, meta, hash };
    moduleCache.set(key, compiled);
    return compiled;
}

/** A first message of a call context, or a system message: no reject, no refund, no earlier instructions. */
function message(m: Pick<ExecInput, 'kind' | 'entry' | 'methodName' | 'caller' | 'argData' | 'canRespond' | 'limit'> & { cyclesAvailable?: bigint }): ExecInput {
    return { rejectCode: 0, rejectMessage: '', cyclesAvailable: 0n, cyclesRefunded: 0n, callContextInstructions: 0n, ...m };
}

function statusNode(s: IngressStatus): StateNode {
    const m = new Map<string | Uint8Array, StateNode>();
    if (s.status === 'replied') {
        m.set('status', utf8('replied'));
        m.set('reply', s.reply);
    } else if (s.status === 'rejected') {
        m.set('status', utf8('rejected'));
        m.set('reject_code', leb128(BigInt(s.reject.code)));
        m.set('reject_message', utf8(s.reject.message));
        m.set('error_code', utf8(s.reject.errorCode));
    }
    return m;
}

function encodeControllers(controllers: Principal[]): Uint8Array {
    // CBOR: self-describe tag 55799, then an array of byte strings (what the IC certifies).
    const parts: number[] = [0xd9, 0xd9, 0xf7, ...cborHead(4, controllers.length)];
    for (const c of controllers) {
        const b = c.toUint8Array();
        parts.push(...cborHead(2, b.length), ...b);
    }
    return new Uint8Array(parts);
}

function cborHead(major: number, n: number): number[] {
    if (n < 24) return [(major << 5) | n];
    if (n < 256) return [(major << 5) | 24, n];
    return [(major << 5) | 25, n >> 8, n & 0xff];
}

function notFound(id: string): Reject {
    return { code: RejectCode.DestinationInvalid, errorCode: ErrorCode.CanisterNotFound, message: `Canister ${id} not found` };
}

function noMethod(id: string, kind: 'update' | 'query', method: string): Reject {
    return { code: RejectCode.DestinationInvalid, errorCode: ErrorCode.CanisterMethodNotFound, message: `Canister ${id} has no ${kind} method '${method}'` };
}

function canisterReject(id: string, response: Response): Reject {
    const message = response.type === 'reject' ? response.message : '';
    return { code: RejectCode.CanisterReject, errorCode: ErrorCode.CanisterRejected, message: message === '' ? `Canister ${id} rejected the call` : message };
}

export type { Callback };
