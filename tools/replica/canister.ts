/**
 * One canister's code and state inside the embedded replica: the instrumented Wasm instance, its
 * stable memory, and the IC system API (`ic0`) it imports. A message runs as one synchronous Wasm
 * call; the runtime snapshots the heap, globals and stable memory first and restores them when the
 * message traps (or, for queries, always), exactly as the IC discards a failed message's changes.
 */
import { concat } from '../../src/lib/storage/bytes';
import { CanisterTrap, ErrorCode } from './errors';
import { StableMemory } from './stable-memory';
import { SYSTEM_API_OVERHEAD } from './system-api-costs';
import type { InstrumentedWasm } from './wasm/instrument';

export type ExecKind =
    | 'init'
    | 'pre_upgrade'
    | 'post_upgrade'
    | 'update'
    | 'query'
    | 'replicated_query'
    | 'inspect_message'
    | 'reply_callback'
    | 'reject_callback'
    | 'cleanup'
    | 'timer';

export interface Callback {
    fun: number;
    env: number;
}

export interface OutgoingCall {
    callee: Uint8Array;
    method: string;
    arg: Uint8Array;
    cycles: bigint;
    onReply: Callback;
    onReject: Callback;
    onCleanup?: Callback;
    bestEffortTimeoutSeconds?: number;
}

export interface ExecInput {
    kind: ExecKind;
    /** The Wasm export to invoke: `canister_update m`, `canister_init`, … ; for callbacks the table index. */
    entry: { exportName: string } | { callback: Callback };
    methodName: string;
    caller: Uint8Array;
    argData: Uint8Array;
    rejectCode: number;
    rejectMessage: string;
    cyclesAvailable: bigint;
    cyclesRefunded: bigint;
    /** True while the call context this message belongs to has not responded yet. */
    canRespond: boolean;
    limit: bigint;
    /** Instructions already used by earlier messages of the same call context (performance_counter(1)). */
    callContextInstructions: bigint;
}

export interface Checkpoint {
    heap: Uint8Array;
    globals: unknown[];
    stable: { sizePages: number; pages: [number, Uint8Array][] };
}

export type Response = { type: 'reply'; data: Uint8Array } | { type: 'reject'; message: string };

export interface ExecOutcome {
    ok: boolean;
    trap?: { message: string; errorCode: string };
    instructions: bigint;
    response?: Response;
    calls: OutgoingCall[];
    cyclesAccepted: bigint;
    messageAccepted: boolean;
}

/** What a canister runtime needs from the replica around it. */
export interface CanisterHost {
    time(): bigint;
    selfId(): Uint8Array;
    isController(principal: Uint8Array): boolean;
    canisterVersion(): bigint;
    cycleBalance(): bigint;
    setCycleBalance(v: bigint): void;
    certifiedData(): Uint8Array;
    setCertifiedData(data: Uint8Array): void;
    globalTimer(): bigint;
    setGlobalTimer(deadline: bigint): void;
    dataCertificate(): Uint8Array;
    debugPrint(text: string): void;
}

const MASK64 = (1n << 64n) - 1n;
const KINDS_WITH_ARG = new Set<ExecKind>(['init', 'post_upgrade', 'update', 'query', 'replicated_query', 'inspect_message', 'reply_callback']);
const KINDS_WITH_CALLER = new Set<ExecKind>(['init', 'post_upgrade', 'update', 'query', 'replicated_query', 'inspect_message', 'reply_callback', 'reject_callback', 'timer', 'pre_upgrade', 'cleanup']);
const KINDS_THAT_MAY_CALL = new Set<ExecKind>(['update', 'reply_callback', 'reject_callback', 'timer']);
const KINDS_THAT_MAY_CERTIFY = new Set<ExecKind>(['init', 'post_upgrade', 'update', 'reply_callback', 'reject_callback', 'timer', 'pre_upgrade', 'cleanup']);

interface Running {
    input: ExecInput;
    reply: Uint8Array[];
    response?: Response;
    pending?: OutgoingCall & { parts: Uint8Array[] };
    calls: OutgoingCall[];
    cyclesAccepted: bigint;
    messageAccepted: boolean;
    certificate?: Uint8Array;
    certifiedData?: Uint8Array;
    timer?: bigint;
    cycleBalance: bigint;
}

export class CanisterRuntime {
    readonly stable: StableMemory;
    private instance!: WebAssembly.Instance;
    private memory!: WebAssembly.Memory;
    private counter!: WebAssembly.Global;
    private globals: WebAssembly.Global[] = [];
    private heapSnapshot: Uint8Array = new Uint8Array(0);
    private running: Running | undefined;
    readonly exportNames: Set<string>;

    constructor(
        readonly module: WebAssembly.Module,
        private readonly meta: InstrumentedWasm,
        private readonly host: CanisterHost,
        stable?: StableMemory,
    ) {
        this.stable = stable ?? new StableMemory();
        this.exportNames = new Set(WebAssembly.Module.exports(module).map((e) => e.name));
        this.instantiate();
    }

    hasExport(name: string): boolean {
        return this.exportNames.has(name);
    }

    /** Bytes of the Wasm heap (for saving state; the heap itself is not persisted by the IC across upgrades). */
    heapSize(): number {
        return this.memory.buffer.byteLength;
    }

    execute(input: ExecInput): ExecOutcome {
        const commit = input.kind !== 'query' && input.kind !== 'replicated_query' && input.kind !== 'inspect_message';
        this.snapshot();
        const run: Running = {
            input,
            reply: [],
            calls: [],
            cyclesAccepted: 0n,
            messageAccepted: false,
            cycleBalance: this.host.cycleBalance(),
        };
        this.running = run;
        this.counter.value = input.limit;
        let trap: { message: string; errorCode: string } | undefined;
        try {
            this.invoke(input);
            // Blocks without their own check may overdraw the counter a little; the IC treats a
            // negative counter at the end of a message as an overrun as well.
            if ((this.counter.value as bigint) < 0n) throw new CanisterTrap('out of instructions', ErrorCode.CanisterInstructionLimitExceeded);
        } catch (e) {
            trap = this.describeTrap(e, input.limit);
        } finally {
            this.running = undefined;
        }
        const instructions = input.limit - (this.counter.value as bigint);
        if (trap !== undefined || !commit) {
            this.restore();
            if (trap !== undefined) {
                return { ok: false, trap, instructions, calls: [], cyclesAccepted: 0n, messageAccepted: false };
            }
            return { ok: true, instructions, response: run.response, calls: [], cyclesAccepted: 0n, messageAccepted: run.messageAccepted };
        }
        this.stable.commit();
        if (run.certifiedData !== undefined) this.host.setCertifiedData(run.certifiedData);
        if (run.timer !== undefined) this.host.setGlobalTimer(run.timer);
        this.host.setCycleBalance(run.cycleBalance);
        return { ok: true, instructions, response: run.response, calls: run.calls, cyclesAccepted: run.cyclesAccepted, messageAccepted: run.messageAccepted };
    }

    private invoke(input: ExecInput): void {
        const exports = this.instance.exports as Record<string, unknown>;
        if ('exportName' in input.entry) {
            const fn = exports[input.entry.exportName];
            if (typeof fn !== 'function') throw new CanisterTrap(`Canister has no export '${input.entry.exportName}'`, ErrorCode.CanisterMethodNotFound);
            (fn as () => void)();
            return;
        }
        const table = exports[this.meta.tableExport ?? ''] as WebAssembly.Table | undefined;
        if (table === undefined) throw new CanisterTrap('Canister has no function table for callbacks', ErrorCode.CanisterTrapped);
        const fn = table.get(input.entry.callback.fun) as ((env: number) => void) | null;
        if (fn === null) throw new CanisterTrap(`Callback ${input.entry.callback.fun} is not a function`, ErrorCode.CanisterTrapped);
        fn(input.entry.callback.env);
    }

    private describeTrap(e: unknown, limit: bigint): { message: string; errorCode: string } {
        const remaining = this.counter.value as bigint;
        if (remaining < 0n) {
            return {
                message: `Canister exceeded the limit of ${limit} instructions for single message execution.`,
                errorCode: ErrorCode.CanisterInstructionLimitExceeded,
            };
        }
        if (e instanceof CanisterTrap) {
            if (e.errorCode === ErrorCode.CanisterCalledTrap) {
                return { message: `Canister called \`ic0.trap\` with message: '${e.message}'`, errorCode: e.errorCode };
            }
            return { message: `Canister trapped: ${e.message}`, errorCode: e.errorCode };
        }
        if (e instanceof WebAssembly.RuntimeError) {
            return { message: `Canister trapped: ${e.message}`, errorCode: ErrorCode.CanisterTrapped };
        }
        if (e instanceof RangeError && /call stack/i.test(e.message)) {
            return { message: 'Canister trapped: stack overflow', errorCode: ErrorCode.CanisterTrapped };
        }
        // Anything else is a defect of the replica itself: make it loud.
        throw e;
    }

    /** A full copy of heap, globals and stable memory (used around upgrades, which span two messages). */
    checkpoint(): Checkpoint {
        return {
            heap: new Uint8Array(this.memory.buffer).slice(),
            globals: this.globals.map((g) => g.value),
            stable: this.stable.exportPages(),
        };
    }

    revert(cp: Checkpoint): void {
        this.heapSnapshot = cp.heap;
        this.globalValues = cp.globals;
        this.restore();
        this.stable.replaceWith(cp.stable);
    }

    private snapshot(): void {
        const heap = new Uint8Array(this.memory.buffer);
        if (this.heapSnapshot.length !== heap.length) this.heapSnapshot = new Uint8Array(heap.length);
        this.heapSnapshot.set(heap);
        this.globalValues = this.globals.map((g) => g.value);
        this.stable.begin();
    }

    private globalValues: unknown[] = [];

    private restore(): void {
        if (this.memory.buffer.byteLength !== this.heapSnapshot.length) {
            // Wasm memory cannot shrink: start a fresh instance and load the snapshot into it.
            this.instantiate();
            const pages = this.heapSnapshot.length / 65_536 - this.memory.buffer.byteLength / 65_536;
            if (pages > 0) this.memory.grow(pages);
        }
        new Uint8Array(this.memory.buffer).set(this.heapSnapshot);
        this.globals.forEach((g, i) => {
            g.value = this.globalValues[i];
        });
        this.stable.rollback();
    }

    private instantiate(): void {
        this.instance = new WebAssembly.Instance(this.module, { ic0: this.ic0() as unknown as WebAssembly.ModuleImports });
        const ex = this.instance.exports as Record<string, unknown>;
        this.memory = ex[this.meta.memoryExport] as WebAssembly.Memory;
        this.counter = ex[this.meta.counterExport] as WebAssembly.Global;
        this.globals = this.meta.globalExports.map((n) => ex[n] as WebAssembly.Global);
    }

    private heap(): Uint8Array {
        return new Uint8Array(this.memory.buffer);
    }

    private run(): Running {
        if (this.running === undefined) throw new CanisterTrap('system API called outside of a message', ErrorCode.CanisterTrapped);
        return this.running;
    }

    private charge(n: number): void {
        const v = (this.counter.value as bigint) - BigInt(n);
        this.counter.value = v;
        if (v < 0n) throw new CanisterTrap('out of instructions', ErrorCode.CanisterInstructionLimitExceeded);
    }

    private read(src: number, size: number, what: string): Uint8Array {
        const heap = this.heap();
        if (src < 0 || size < 0 || src + size > heap.length) throw new CanisterTrap(`${what}: heap out of bounds`, ErrorCode.CanisterTrapped);
        return heap.slice(src, src + size);
    }

    private copyOut(data: Uint8Array, dst: number, offset: number, size: number, what: string): void {
        const heap = this.heap();
        if (offset < 0 || size < 0 || offset + size > data.length) throw new CanisterTrap(`${what}: src out of bounds`, ErrorCode.CanisterTrapped);
        if (dst < 0 || dst + size > heap.length) throw new CanisterTrap(`${what}: heap out of bounds`, ErrorCode.CanisterTrapped);
        heap.set(data.subarray(offset, offset + size), dst);
    }

    private write128(dst: number, v: bigint): void {
        const bytes = new Uint8Array(16);
        const view = new DataView(bytes.buffer);
        view.setBigUint64(0, v & MASK64, true);
        view.setBigUint64(8, (v >> 64n) & MASK64, true);
        this.copyOut(bytes, dst, 0, 16, 'cycles');
    }

    private require(cond: boolean, api: string): void {
        if (!cond) throw new CanisterTrap(`"ic0.${api}" cannot be executed in ${this.run().input.kind} mode`, ErrorCode.CanisterTrapped);
    }

    private ic0(): Record<string, (...args: never[]) => unknown> {
        const c = SYSTEM_API_OVERHEAD;
        const n = (x: number | bigint): number => Number(x);
        return {
            msg_arg_data_size: (): number => {
                this.charge(c.MSG_ARG_DATA_SIZE);
                this.require(KINDS_WITH_ARG.has(this.run().input.kind), 'msg_arg_data_size');
                return this.run().input.argData.length;
            },
            msg_arg_data_copy: (dst: number, offset: number, size: number): void => {
                this.charge(c.MSG_ARG_DATA_COPY + n(size));
                this.require(KINDS_WITH_ARG.has(this.run().input.kind), 'msg_arg_data_copy');
                this.copyOut(this.run().input.argData, dst, offset, size, 'ic0.msg_arg_data_copy');
            },
            msg_caller_size: (): number => {
                this.charge(c.MSG_CALLER_SIZE);
                this.require(KINDS_WITH_CALLER.has(this.run().input.kind), 'msg_caller_size');
                return this.run().input.caller.length;
            },
            msg_caller_copy: (dst: number, offset: number, size: number): void => {
                this.charge(c.MSG_CALLER_COPY + n(size));
                this.require(KINDS_WITH_CALLER.has(this.run().input.kind), 'msg_caller_copy');
                this.copyOut(this.run().input.caller, dst, offset, size, 'ic0.msg_caller_copy');
            },
            msg_reject_code: (): number => {
                this.charge(c.MSG_REJECT_CODE);
                const k = this.run().input.kind;
                this.require(k === 'reply_callback' || k === 'reject_callback', 'msg_reject_code');
                return this.run().input.rejectCode;
            },
            msg_reject_msg_size: (): number => {
                this.charge(c.MSG_REJECT_MSG_SIZE);
                this.require(this.run().input.kind === 'reject_callback', 'msg_reject_msg_size');
                return new TextEncoder().encode(this.run().input.rejectMessage).length;
            },
            msg_reject_msg_copy: (dst: number, offset: number, size: number): void => {
                this.charge(c.MSG_REJECT_MSG_COPY + n(size));
                this.require(this.run().input.kind === 'reject_callback', 'msg_reject_msg_copy');
                this.copyOut(new TextEncoder().encode(this.run().input.rejectMessage), dst, offset, size, 'ic0.msg_reject_msg_copy');
            },
            msg_method_name_size: (): number => {
                this.charge(c.MSG_METHOD_NAME_SIZE);
                return new TextEncoder().encode(this.run().input.methodName).length;
            },
            msg_method_name_copy: (dst: number, offset: number, size: number): void => {
                this.charge(c.MSG_METHOD_NAME_COPY + n(size));
                this.copyOut(new TextEncoder().encode(this.run().input.methodName), dst, offset, size, 'ic0.msg_method_name_copy');
            },
            accept_message: (): void => {
                this.charge(c.ACCEPT_MESSAGE);
                this.require(this.run().input.kind === 'inspect_message', 'accept_message');
                if (this.run().messageAccepted) throw new CanisterTrap('ic0.accept_message: the message was already accepted', ErrorCode.CanisterTrapped);
                this.run().messageAccepted = true;
            },
            msg_reply_data_append: (src: number, size: number): void => {
                this.charge(c.MSG_REPLY_DATA_APPEND + n(size));
                this.requireCanRespond('msg_reply_data_append');
                this.run().reply.push(this.read(src, size, 'ic0.msg_reply_data_append'));
            },
            msg_reply: (): void => {
                this.charge(c.MSG_REPLY);
                this.requireCanRespond('msg_reply');
                const run = this.run();
                run.response = { type: 'reply', data: concat(run.reply) };
            },
            msg_reject: (src: number, size: number): void => {
                this.charge(c.MSG_REJECT + n(size));
                this.requireCanRespond('msg_reject');
                this.run().response = { type: 'reject', message: new TextDecoder().decode(this.read(src, size, 'ic0.msg_reject')) };
            },
            msg_cycles_available128: (dst: number): void => {
                this.charge(c.MSG_CYCLES_AVAILABLE128);
                const run = this.run();
                this.write128(dst, run.input.cyclesAvailable - run.cyclesAccepted);
            },
            msg_cycles_refunded128: (dst: number): void => {
                this.charge(c.MSG_CYCLES_REFUNDED128);
                this.write128(dst, this.run().input.cyclesRefunded);
            },
            msg_cycles_accept128: (maxHigh: bigint, maxLow: bigint, dst: number): void => {
                this.charge(c.MSG_CYCLES_ACCEPT128);
                const run = this.run();
                const max = ((BigInt(maxHigh) & MASK64) << 64n) | (BigInt(maxLow) & MASK64);
                const available = run.input.cyclesAvailable - run.cyclesAccepted;
                const take = max < available ? max : available;
                run.cyclesAccepted += take;
                run.cycleBalance += take;
                this.write128(dst, take);
            },
            canister_self_size: (): number => {
                this.charge(c.CANISTER_SELF_SIZE);
                return this.host.selfId().length;
            },
            canister_self_copy: (dst: number, offset: number, size: number): void => {
                this.charge(c.CANISTER_SELF_COPY + n(size));
                this.copyOut(this.host.selfId(), dst, offset, size, 'ic0.canister_self_copy');
            },
            canister_cycle_balance128: (dst: number): void => {
                this.charge(c.CANISTER_CYCLE_BALANCE128);
                this.write128(dst, this.run().cycleBalance);
            },
            canister_liquid_cycle_balance128: (dst: number): void => {
                this.charge(c.CANISTER_CYCLE_BALANCE128);
                this.write128(dst, this.run().cycleBalance);
            },
            canister_version: (): bigint => {
                this.charge(c.CANISTER_VERSION);
                return this.host.canisterVersion();
            },
            cycles_burn128: (high: bigint, low: bigint, dst: number): void => {
                this.charge(c.CYCLES_BURN);
                const run = this.run();
                const want = ((BigInt(high) & MASK64) << 64n) | (BigInt(low) & MASK64);
                const burnt = want < run.cycleBalance ? want : run.cycleBalance;
                run.cycleBalance -= burnt;
                this.write128(dst, burnt);
            },
            cost_call: (methodNameSize: bigint, payloadSize: bigint, dst: number): void => {
                this.charge(c.COST_CALL);
                // Fees of a 13-node application subnet: 260K per call + 1K per byte of method name and payload.
                this.write128(dst, 260_000n + 1_000n * (BigInt(methodNameSize) + BigInt(payloadSize)));
            },
            is_controller: (src: number, size: number): number => {
                this.charge(c.IS_CONTROLLER);
                if (size > 29) throw new CanisterTrap('ic0.is_controller: invalid principal', ErrorCode.CanisterTrapped);
                return this.host.isController(this.read(src, size, 'ic0.is_controller')) ? 1 : 0;
            },
            in_replicated_execution: (): number => {
                this.charge(c.IN_REPLICATED_EXECUTION);
                return this.run().input.kind === 'query' || this.run().input.kind === 'inspect_message' ? 0 : 1;
            },
            time: (): bigint => {
                this.charge(c.TIME);
                return this.host.time();
            },
            global_timer_set: (deadline: bigint): bigint => {
                this.charge(c.GLOBAL_TIMER_SET);
                const run = this.run();
                const previous = run.timer ?? this.host.globalTimer();
                if (run.input.kind !== 'query' && run.input.kind !== 'inspect_message') run.timer = BigInt(deadline) & MASK64;
                return previous;
            },
            performance_counter: (type: number): bigint => {
                this.charge(c.PERFORMANCE_COUNTER);
                const used = this.run().input.limit - (this.counter.value as bigint);
                if (type === 0) return used;
                if (type === 1) return used + this.run().input.callContextInstructions;
                throw new CanisterTrap(`ic0.performance_counter: unknown counter type ${type}`, ErrorCode.CanisterTrapped);
            },
            certified_data_set: (src: number, size: number): void => {
                this.charge(c.CERTIFIED_DATA_SET + n(size));
                this.require(KINDS_THAT_MAY_CERTIFY.has(this.run().input.kind), 'certified_data_set');
                if (size > 32) throw new CanisterTrap('ic0.certified_data_set: certified data must be at most 32 bytes', ErrorCode.CanisterTrapped);
                this.run().certifiedData = this.read(src, size, 'ic0.certified_data_set');
            },
            data_certificate_present: (): number => {
                this.charge(c.DATA_CERTIFICATE_PRESENT);
                return this.run().input.kind === 'query' ? 1 : 0;
            },
            data_certificate_size: (): number => {
                this.charge(c.DATA_CERTIFICATE_SIZE);
                return this.certificate().length;
            },
            data_certificate_copy: (dst: number, offset: number, size: number): void => {
                this.charge(c.DATA_CERTIFICATE_COPY + n(size));
                this.copyOut(this.certificate(), dst, offset, size, 'ic0.data_certificate_copy');
            },
            debug_print: (src: number, size: number): void => {
                this.charge(c.DEBUG_PRINT + n(size));
                this.host.debugPrint(new TextDecoder().decode(this.read(src, size, 'ic0.debug_print')));
            },
            trap: (src: number, size: number): never => {
                this.charge(c.TRAP + n(size));
                throw new CanisterTrap(new TextDecoder().decode(this.read(src, size, 'ic0.trap')));
            },
            call_new: (calleeSrc: number, calleeSize: number, nameSrc: number, nameSize: number, replyFun: number, replyEnv: number, rejectFun: number, rejectEnv: number): void => {
                this.charge(c.CALL_NEW + n(calleeSize) + n(nameSize));
                const run = this.run();
                this.require(KINDS_THAT_MAY_CALL.has(run.input.kind), 'call_new');
                run.pending = {
                    callee: this.read(calleeSrc, calleeSize, 'ic0.call_new'),
                    method: new TextDecoder().decode(this.read(nameSrc, nameSize, 'ic0.call_new')),
                    arg: new Uint8Array(0),
                    parts: [],
                    cycles: 0n,
                    onReply: { fun: replyFun, env: replyEnv },
                    onReject: { fun: rejectFun, env: rejectEnv },
                };
            },
            call_on_cleanup: (fun: number, env: number): void => {
                this.charge(c.CALL_ON_CLEANUP);
                const p = this.pendingCall('call_on_cleanup');
                if (p.onCleanup !== undefined) throw new CanisterTrap('ic0.call_on_cleanup: cleanup already set', ErrorCode.CanisterTrapped);
                p.onCleanup = { fun, env };
            },
            call_data_append: (src: number, size: number): void => {
                this.charge(c.CALL_DATA_APPEND + n(size));
                this.pendingCall('call_data_append').parts.push(this.read(src, size, 'ic0.call_data_append'));
            },
            call_cycles_add128: (high: bigint, low: bigint): void => {
                this.charge(c.CALL_CYCLES_ADD128);
                const run = this.run();
                const p = this.pendingCall('call_cycles_add128');
                const amount = ((BigInt(high) & MASK64) << 64n) | (BigInt(low) & MASK64);
                if (amount > run.cycleBalance) throw new CanisterTrap('ic0.call_cycles_add128: insufficient cycles balance', ErrorCode.InsufficientCycles);
                run.cycleBalance -= amount;
                p.cycles += amount;
            },
            call_with_best_effort_response: (timeoutSeconds: number): void => {
                this.charge(c.CALL_DATA_APPEND);
                this.pendingCall('call_with_best_effort_response').bestEffortTimeoutSeconds = timeoutSeconds;
            },
            call_perform: (): number => {
                const run = this.run();
                const p = this.pendingCall('call_perform');
                this.charge(c.CALL_PERFORM);
                run.pending = undefined;
                const { parts, ...call } = p;
                run.calls.push({ ...call, arg: concat(parts) });
                return 0;
            },
            stable64_size: (): bigint => {
                this.charge(c.STABLE64_SIZE);
                return BigInt(this.stable.size());
            },
            stable64_grow: (pages: bigint): bigint => {
                this.charge(c.STABLE64_GROW);
                const r = this.stable.grow(Number(pages));
                return BigInt(r);
            },
            stable64_read: (dst: bigint, offset: bigint, size: bigint): void => {
                this.charge(c.STABLE64_READ + Number(size));
                if (!this.stable.inBounds(BigInt(offset), BigInt(size))) throw new CanisterTrap('stable memory out of bounds', ErrorCode.CanisterTrapped);
                const heap = this.heap();
                const d = Number(dst);
                const len = Number(size);
                if (d < 0 || d + len > heap.length) throw new CanisterTrap('ic0.stable64_read: heap out of bounds', ErrorCode.CanisterTrapped);
                this.stable.read(Number(offset), heap.subarray(d, d + len));
            },
            stable64_write: (offset: bigint, src: bigint, size: bigint): void => {
                this.charge(c.STABLE64_WRITE + Number(size));
                if (!this.stable.inBounds(BigInt(offset), BigInt(size))) throw new CanisterTrap('stable memory out of bounds', ErrorCode.CanisterTrapped);
                this.stable.write(Number(offset), this.read(Number(src), Number(size), 'ic0.stable64_write'));
            },
        };
    }

    private requireCanRespond(api: string): void {
        const run = this.run();
        const k = run.input.kind;
        const allowed = k === 'update' || k === 'query' || k === 'replicated_query' || k === 'reply_callback' || k === 'reject_callback';
        this.require(allowed, api);
        if (!run.input.canRespond || run.response !== undefined) {
            throw new CanisterTrap(`ic0.${api}: the call is already replied`, ErrorCode.CanisterTrapped);
        }
    }

    private pendingCall(api: string): OutgoingCall & { parts: Uint8Array[] } {
        const p = this.run().pending;
        if (p === undefined) throw new CanisterTrap(`ic0.${api} called when no call is under construction`, ErrorCode.CanisterTrapped);
        return p;
    }

    private certificate(): Uint8Array {
        const run = this.run();
        if (run.input.kind !== 'query') throw new CanisterTrap('ic0.data_certificate_*: no certificate in replicated execution', ErrorCode.CanisterTrapped);
        if (run.certificate === undefined) run.certificate = this.host.dataCertificate();
        return run.certificate;
    }
}
