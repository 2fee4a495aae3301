/**
 * Connecting the clients to a network:
 *  - `embedded`: the two built canisters in the in-process embedded replica; with `state` the
 *    network is loaded from / saved to that directory (tools/devnet/embedded-network.ts);
 *  - `local`: a dfx replica at http://127.0.0.1:4943 (its root key is fetched: local only);
 *  - `ic`: mainnet through https://icp-api.io (the root key is the IC's, built into agent-js; never fetched).
 * Canister ids default to the ones `npm start` and the tests deploy at, and can be overridden
 * (flags, or EMC_LEDGER_ID / EMC_PROTOCOL_ID).
 */
import { HttpAgent, type Identity } from '@dfinity/agent';
import type { Principal } from '@dfinity/principal';
import { DEFAULT_LEDGER_ID, DEFAULT_PROTOCOL_ID, EmbeddedNetwork, StateError } from '../../tools/devnet/embedded-network';
import { LedgerClient } from './ledger';
import { ProtocolClient } from './protocol';
import { badInput, fail, LOCAL_KINDS, ok, type Result } from './result';
import { classifyFailure } from './errors/transport';

export const NETWORKS = ['embedded', 'local', 'ic'] as const;
export type NetworkName = (typeof NETWORKS)[number];

export const HOSTS = { local: 'http://127.0.0.1:4943', ic: 'https://icp-api.io' } as const;

export interface ConnectOptions {
    network: NetworkName;
    /** Default: anonymous (enough for queries). */
    identity?: Identity;
    /** embedded: the state directory (without it the network lives in memory for this process only). */
    state?: string;
    /**
     * embedded with `state`: deploy a genesis (for `identity`) when the directory is missing or
     * empty. Default false: only a saved network is opened; a missing path, a file or a directory
     * without network.json is refused (BadInput), so that a mistyped path never becomes a new network.
     */
    create?: boolean;
    /** local: another replica URL. */
    host?: string;
    ledgerId?: Principal;
    protocolId?: Principal;
    /** embedded: the clock to resume at (default: now). */
    time?: bigint;
    retries?: number;
    retryDelayMs?: number;
}

export interface Connection {
    network: NetworkName;
    ledger: LedgerClient;
    protocol: ProtocolClient;
    /** The caller's principal. */
    principal: Principal;
    /** embedded only */
    embedded?: EmbeddedNetwork;
    /** Saves an embedded state directory and releases it; a no-op elsewhere. */
    close(): Promise<void>;
}

export async function connect(o: ConnectOptions): Promise<Result<Connection>> {
    if (!(NETWORKS as readonly string[]).includes(o.network)) return badInput(`network '${o.network}' is not one of ${NETWORKS.join(', ')}`);
    const retry = { retries: o.retries, retryDelayMs: o.retryDelayMs };
    if (o.network === 'embedded') {
        let net: EmbeddedNetwork;
        try {
            const opts = { genesisOwner: o.identity?.getPrincipal() as Principal | undefined, time: o.time, ledgerId: o.ledgerId, protocolId: o.protocolId, create: o.create === true };
            net = o.state === undefined ? await EmbeddedNetwork.inMemory(opts) : await EmbeddedNetwork.open(o.state, opts);
        } catch (e) {
            if (e instanceof StateError) return e.reason === 'damaged' ? fail(LOCAL_KINDS.BadState, e.message) : badInput(e.message);
            throw e;
        }
        const agent = net.agent(o.identity);
        const now = () => net.now();
        const ledger = new LedgerClient({ agent, canisterId: net.ledgerId, now, ...retry });
        const protocol = new ProtocolClient({ agent, canisterId: net.protocolId, now, ledger, ...retry });
        return ok({ network: o.network, ledger, protocol, principal: await agent.getPrincipal(), embedded: net, close: () => net.close() });
    }
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
    const ledgerId = o.ledgerId ?? DEFAULT_LEDGER_ID;
    const protocolId = o.protocolId ?? DEFAULT_PROTOCOL_ID;
    const ledger = new LedgerClient({ agent, canisterId: ledgerId, ...retry });
    const protocol = new ProtocolClient({ agent, canisterId: protocolId, ledger, ...retry });
    return ok({ network: o.network, ledger, protocol, principal: await agent.getPrincipal(), close: async () => {} });
}

async function withRetries(f: () => Promise<unknown>, retries: number, delayMs: number): Promise<Result<void>> {
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
