/**
 * The base of the typed clients: an agent-js Actor built from the canister's own service table
 * (the one its decorators and .did come from), calls that answer `Result`s, and the retry policy.
 *
 * Retry policy (`src/client/errors/transport.ts` classifies failures): a call that certainly did not run
 * is sent again (up to `retries` more times, with doubling delays); a call whose outcome is
 * unknown is sent again only if it is a query or marked `idempotent` (the canister answers a
 * repeat without doing the work twice: ledger calls with `created_at_time`, batch votes, claims);
 * a definite answer is never repeated. If any attempt's outcome was unknown and no later attempt
 * answered, the error is `UnknownOutcome`.
 */
import { Actor, type ActorSubclass } from '@dfinity/agent';
import type { Principal } from '@dfinity/principal';
import type { MethodSig } from '../lib/candid/service';
import type { IdlLike } from '../lib/candid/to-idl';
import { LOCAL_KINDS } from './errors/client-error';
import { errorOf } from './errors/candid';
import { fail, ok, type ClientResult } from './result';
import { classifyFailure } from './errors/transport';

/** An agent-js Agent (HttpAgent, or the embedded replica's EmbeddedAgent). */
export type AnyAgent = { getPrincipal(): Promise<Principal> } & object;

export interface ClientOptions {
    agent: AnyAgent;
    canisterId: Principal;
    /** Extra attempts after a transient failure (default 3). */
    retries?: number;
    /** Delay before the first retry, doubled each time (default 250 ms). */
    retryDelayMs?: number;
    /** The network's clock in ns since the Unix epoch, for `created_at_time` (default: this machine's clock). */
    now?: () => bigint;
}

export interface CallOptions {
    /** A repeat of this update after an unknown outcome cannot do the work twice. */
    idempotent?: boolean;
}

/** Internal: what happened across the attempts of one call. */
export interface Outcome<T> {
    result: ClientResult<T>;
    /** An earlier attempt may have executed (its outcome was unknown) before the one that answered. */
    retriedAfterUnknown: boolean;
}

export class CanisterClient<M extends Record<string, MethodSig>> {
    readonly canisterId: Principal;
    readonly agent: AnyAgent;
    protected readonly actor: ActorSubclass<Record<string, (...args: unknown[]) => Promise<unknown>>>;
    protected readonly retries: number;
    protected readonly retryDelayMs: number;
    protected readonly now: () => bigint;

    constructor(
        protected readonly methods: M,
        idlFactory: ({ IDL }: { IDL: IdlLike }) => unknown,
        opts: ClientOptions,
    ) {
        this.canisterId = opts.canisterId;
        this.agent = opts.agent;
        this.actor = Actor.createActor(idlFactory as never, { agent: opts.agent as never, canisterId: opts.canisterId });
        this.retries = opts.retries ?? 3;
        this.retryDelayMs = opts.retryDelayMs ?? 250;
        this.now = opts.now ?? (() => BigInt(Date.now()) * 1_000_000n);
    }

    /** The principal this client calls as. */
    async principal(): Promise<Principal> {
        return this.agent.getPrincipal();
    }

    /** Calls `method` with Candid argument values; the reply as decoded by agent-js (variants unwrapped by the caller). */
    async call<R = unknown>(method: keyof M & string, args: unknown[], opts: CallOptions = {}): Promise<ClientResult<R>> {
        return (await this.invoke<R>(method, args, opts)).result;
    }

    protected async invoke<R>(method: keyof M & string, args: unknown[], opts: CallOptions = {}): Promise<Outcome<R>> {
        const sig = this.methods[method];
        if (sig === undefined) throw new Error(`${method} is not a method of this canister`);
        const mayRepeat = sig.query || opts.idempotent === true;
        let uncertain = false;
        for (let attempt = 0; ; attempt++) {
            try {
                const value = (await this.actor[method](...args)) as R;
                return { result: ok(value), retriedAfterUnknown: uncertain };
            } catch (e) {
                const f = classifyFailure(e);
                if (f === undefined) throw e;
                const retryable = f.cls === 'notExecuted' || (f.cls === 'unknown' && mayRepeat);
                if (f.cls === 'unknown' && !sig.query) uncertain = true;
                if (retryable && attempt < this.retries) {
                    await sleep(this.retryDelayMs * 2 ** attempt);
                    continue;
                }
                const tries = attempt > 0 ? ` (${attempt + 1} attempts)` : '';
                if (f.cls === 'definite') return { result: fail(LOCAL_KINDS.Rejected, `${method}: ${f.message}`), retriedAfterUnknown: uncertain };
                if (uncertain) {
                    return { result: fail(LOCAL_KINDS.UnknownOutcome, `${method}: ${f.message}${tries}; it may or may not have taken effect, check before repeating it`), retriedAfterUnknown: uncertain };
                }
                return { result: fail(LOCAL_KINDS.Transport, `${method}: ${f.message}${tries}; nothing was changed`), retriedAfterUnknown: uncertain };
            }
        }
    }

    /**
     * A `variant { Ok; Err }` method: Ok → the value mapped by `onOk`, Err → `{ kind: the case, message }`
     * formatted by `describe` (which may return undefined for the generic one-line form).
     */
    protected async variant<V, T>(method: keyof M & string, args: unknown[], onOk: (v: V) => T | Promise<T>, describe: (err: Record<string, unknown>) => Promise<string | undefined> | string | undefined, opts: CallOptions = {}): Promise<ClientResult<T>> {
        const r = await this.invoke<{ Ok: V } | { Err: Record<string, unknown> }>(method, args, opts);
        return this.settle(r, onOk, describe);
    }

    protected async settle<V, T>(r: Outcome<{ Ok: V } | { Err: Record<string, unknown> }>, onOk: (v: V) => T | Promise<T>, describe: (err: Record<string, unknown>) => Promise<string | undefined> | string | undefined): Promise<ClientResult<T>> {
        if (!r.result.ok) return r.result;
        const v = r.result.value;
        if ('Ok' in v) return ok(await onOk(v.Ok));
        return { ok: false, error: await errorOf(v.Err, describe) };
    }
}

function sleep(ms: number): Promise<void> {
    return ms <= 0 ? Promise.resolve() : new Promise((r) => setTimeout(r, ms));
}

