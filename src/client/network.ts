/**
 * Connecting the clients to a network over the IC's HTTP interface:
 *  - `local`: a dfx replica (or a served devnet) at http://127.0.0.1:4943 (its root key is fetched: local only);
 *  - `ic`: mainnet through https://icp-api.io (the root key is the IC's, built into agent-js; never fetched).
 * Canister ids default to the ones `npm start` and the tests deploy at, and can be overridden
 * (flags, or EMC_LEDGER_ID / EMC_PROTOCOL_ID). Networks that are no HTTP endpoint (the in-process
 * embedded replica, tools/devnet/embedded-network.ts) build their Connection with `connectAgent`
 * on their own agent; the SDK never loads them.
 */
import { HttpAgent, type Identity } from '@dfinity/agent';
import { Principal } from '@dfinity/principal';
import type { AnyAgent } from './canister';
import { LedgerClient } from './ledger';
import { ProtocolClient } from './protocol';
import { badInput, fail, ok, type ClientResult } from './result';
import { LOCAL_KINDS } from './errors/client-error';
import { classifyFailure } from './errors/transport';

export const NETWORKS = ['local', 'ic'] as const;
export type NetworkName = (typeof NETWORKS)[number];

export const HOSTS = { local: 'http://127.0.0.1:4943', ic: 'https://icp-api.io' } as const;

export const DEFAULT_LEDGER_ID = Principal.fromText('vhljx-suaaa-aaaab-aaaba-cai');
export const DEFAULT_PROTOCOL_ID = Principal.fromText('voicl-e4aaa-aaaab-aaaaq-cai');

export interface ConnectOptions {
    network: NetworkName;
    /** Default: anonymous (enough for queries). */
    identity?: Identity;
    /** Another replica URL (default: HOSTS[network]). */
    host?: string;
    ledgerId?: Principal;
    protocolId?: Principal;
    retries?: number;
    retryDelayMs?: number;
}

export interface Connection {
    /** The network's name: `local`, `ic`, or one a tool adds (tools/devnet: `embedded`). */
    network: string;
    ledger: LedgerClient;
    protocol: ProtocolClient;
    /** The caller's principal. */
    principal: Principal;
    /** The network's clock, ns since the Unix epoch (an HTTP network: this machine's clock). */
    now(): bigint;
    /** The directory the network is kept in, for a network kept in one (tools/devnet's embedded network). */
    state?: string;
    /** Releases the network (an embedded one: saves its state directory); a no-op for an HTTP network. */
    close(): Promise<void>;
}

export async function connect(o: ConnectOptions): Promise<ClientResult<Connection>> {
    if (!(NETWORKS as readonly string[]).includes(o.network)) return badInput(`network '${o.network}' is not one of ${NETWORKS.join(', ')}`);
    const host = o.host ?? HOSTS[o.network];
    let agent: HttpAgent;
    try {
        // retryTimes 0: the clients' own policy decides what is retried (src/client/canister.ts).
        agent = await HttpAgent.create({ host, identity: o.identity, retryTimes: 0, shouldFetchRootKey: false });
        if (o.network === 'local') {
            const fetched = await withRetries(() => agent.fetchRootKey(), o.retries ?? 3, o.retryDelayMs ?? 250);
            if (!fetched.ok) return fetched;
        }
    } catch (e) {
        const f = classifyFailure(e);
        if (f === undefined) throw e;
        return fail(LOCAL_KINDS.Transport, `cannot connect to ${host}: ${f.message}`);
    }
    return ok(await connectAgent({ network: o.network, agent, ledgerId: o.ledgerId ?? DEFAULT_LEDGER_ID, protocolId: o.protocolId ?? DEFAULT_PROTOCOL_ID, retries: o.retries, retryDelayMs: o.retryDelayMs }));
}

export interface AgentConnectOptions {
    network: string;
    agent: AnyAgent;
    ledgerId: Principal;
    protocolId: Principal;
    /** The network's clock (default: this machine's). */
    now?: () => bigint;
    state?: string;
    close?: () => Promise<void>;
    retries?: number;
    retryDelayMs?: number;
}

/** Both clients on one agent (the protocol client approves stakes through this ledger client). */
export async function connectAgent(o: AgentConnectOptions): Promise<Connection> {
    const now = o.now ?? (() => BigInt(Date.now()) * 1_000_000n);
    const common = { agent: o.agent, now, retries: o.retries, retryDelayMs: o.retryDelayMs };
    const ledger = new LedgerClient({ ...common, canisterId: o.ledgerId });
    const protocol = new ProtocolClient({ ...common, canisterId: o.protocolId, ledger });
    const c: Connection = { network: o.network, ledger, protocol, principal: await o.agent.getPrincipal(), now, close: o.close ?? (async () => {}) };
    if (o.state !== undefined) c.state = o.state;
    return c;
}

async function withRetries(f: () => Promise<unknown>, retries: number, delayMs: number): Promise<ClientResult<void>> {
    for (let attempt = 0; ; attempt++) {
        try {
            await f();
            return ok(undefined);
        } catch (e) {
            const c = classifyFailure(e) ?? { cls: 'unknown', message: (e instanceof Error ? e.message : String(e)).split('\n')[0] };
            if (c.cls !== 'definite' && attempt < retries) {
                await new Promise((r) => setTimeout(r, delayMs * 2 ** attempt));
                continue;
            }
            return fail(LOCAL_KINDS.Transport, `cannot reach the replica: ${c.message}`);
        }
    }
}
