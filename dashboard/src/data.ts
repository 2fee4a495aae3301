/**
 * What the dashboard reads, and how: only through agent-js over the IC's HTTP interface (an
 * `HttpAgent` and the SDK's typed clients, src/client), exactly as any frontend served from an
 * asset canister would. Certified data is verified here, in the browser: the protocol's certified
 * batch tip (`certified_tip`, checked by the SDK against the root key and the canister's certified
 * data) and the ledger's ICRC-3 tip (`icrc3_get_tip_certificate`: the certificate's signature,
 * then the tree's root against `certified_data`, then the tip read from the tree).
 *
 * Configuration: `./config.json` when the host serves one (the devnet does: canister ids), then
 * the query string (`?ledger=…&protocol=…&host=…`), then the devnet's default ids. The root key is
 * fetched only from a local replica (127.0.0.1 / localhost); elsewhere agent-js uses the IC's.
 */
import { Certificate, Cbor, HttpAgent, lookup_path, LookupPathStatus, reconstruct } from '@dfinity/agent';
import { Principal } from '@dfinity/principal';
import { LedgerClient } from '../../src/client/ledger';
import { ProtocolClient } from '../../src/client/protocol';
import { NODE_STATUSES, NODE_TYPES, type CertifiedTip, type Node, type NodeRewardsSummary, type PenaltiesSummary, type PenaltyLogEntry, type ProtocolInfo, type RewardsSummary, type EmissionScheduleRow, type ValidatorSet, type Vote } from '../../src/client/types/protocol';
import type { GovernanceLogEntry } from '../../src/client/types/governance';
import type { ClientResult } from '../../src/client/result';
import type { EpochRecord } from '../../src/protocol/rewards/rewards';
import { bytesEqual, decodeLeb128 } from '../../src/lib/storage/bytes';

export const DEFAULT_LEDGER = 'vhljx-suaaa-aaaab-aaaba-cai';
export const DEFAULT_PROTOCOL = 'voicl-e4aaa-aaaab-aaaaq-cai';

export interface Config {
    ledger: string;
    protocol: string;
    host: string;
}

export interface Verified<T> {
    value?: T;
    verified: boolean;
    /** Why it is not verified. */
    problem?: string;
}

export interface Overview {
    time: bigint;
    counts: { validators: bigint; routers: bigint; compute: bigint };
    rewards: RewardsSummary;
    info: ProtocolInfo;
    validatorSet: ValidatorSet;
    tip: Verified<CertifiedTip>;
    epochs: EpochRecord[];
    schedule: EmissionScheduleRow[];
    penalties: PenaltiesSummary;
    penaltyLog: PenaltyLogEntry[];
    governanceLog: GovernanceLogEntry[];
    votes: Vote[];
    ledger: { totalSupply: bigint; fee: bigint; treasury: bigint; tip: Verified<{ index: bigint }> };
}

export interface NodeEntry {
    node: Node;
    rewards: NodeRewardsSummary;
}

export interface NodePage {
    node?: Node;
    rewards?: NodeRewardsSummary;
    penalties: PenaltyLogEntry[];
    votes: Vote[];
}

export async function loadConfig(): Promise<Config> {
    let served: Partial<Config> = {};
    try {
        const r = await fetch('./config.json', { cache: 'no-store' });
        if (r.ok && (r.headers.get('content-type') ?? '').includes('json')) served = (await r.json()) as Partial<Config>;
    } catch {
        // no config.json: an asset canister without one, or a file:// page
    }
    const q = new URLSearchParams(location.search);
    return {
        ledger: q.get('ledger') ?? served.ledger ?? DEFAULT_LEDGER,
        protocol: q.get('protocol') ?? served.protocol ?? DEFAULT_PROTOCOL,
        host: q.get('host') ?? served.host ?? location.origin,
    };
}

function unwrap<T>(r: ClientResult<T>, what: string): T {
    if (!r.ok) throw new Error(`${what}: ${r.error.message}`);
    return r.value;
}

export class Network {
    private constructor(
        readonly config: Config,
        readonly agent: HttpAgent,
        readonly protocol: ProtocolClient,
        readonly ledger: LedgerClient,
    ) {}

    static async connect(config: Config): Promise<Network> {
        const local = /^(127\.|localhost|\[::1\])/.test(new URL(config.host).hostname);
        const agent = await HttpAgent.create({ host: config.host, shouldFetchRootKey: local, fetch: globalThis.fetch.bind(globalThis) });
        const ledger = new LedgerClient({ agent, canisterId: Principal.fromText(config.ledger), retries: 1 });
        const protocol = new ProtocolClient({ agent, canisterId: Principal.fromText(config.protocol), ledger, retries: 1 });
        return new Network(config, agent, protocol, ledger);
    }

    async overview(): Promise<Overview> {
        const p = this.protocol;
        const count = async (type: (typeof NODE_TYPES)[number]) => unwrap(await p.listNodes({ type, status: 'active', limit: 1 }), 'list_nodes').total;
        const [health, validators, routers, compute, rewards, info, validatorSet, tip, schedule, penalties, ledgerTip, totalSupply, fee] = await Promise.all([
            p.call<{ time_ns: bigint }>('health', []),
            count('validator'),
            count('router'),
            count('compute'),
            p.rewardsSummary(),
            p.protocolInfo(),
            p.validatorSet(),
            p.certifiedTip(),
            p.emissionSchedule(70),
            p.penaltiesSummary(),
            this.ledgerTip(),
            this.ledger.call<bigint>('icrc1_total_supply', []),
            this.ledger.fee(),
        ]);
        const r = unwrap(rewards, 'rewards_summary');
        const pen = unwrap(penalties, 'penalties_summary');
        const i = unwrap(info, 'protocol_info');
        const closed = r.epoch;
        const epochs: EpochRecord[] = [];
        for (let start = 0n; start < closed; start += 100n) epochs.push(...unwrap(await p.epochRecords({ start, count: 100 }), 'epoch_records'));
        const logStart = pen.records > 25n ? pen.records - 25n : 0n;
        const [penaltyLog, governanceLog, votes, treasury] = await Promise.all([p.penaltyLog({ start: logStart, count: 25 }), this.tail((start, n) => p.governanceLog({ start, count: n }), 20), this.tail((start, n) => p.listVotes({ start, count: n }), 10), this.ledger.balance(i.treasury)]);
        return {
            time: unwrap(health, 'health').time_ns,
            counts: { validators, routers, compute },
            rewards: r,
            info: i,
            validatorSet: unwrap(validatorSet, 'validator_set'),
            tip: tip.ok ? { value: tip.value, verified: tip.value.verified, problem: tip.value.verified ? undefined : 'no certificate' } : { verified: false, problem: tip.error.message },
            epochs,
            schedule: unwrap(schedule, 'emission_schedule'),
            penalties: pen,
            penaltyLog: unwrap(penaltyLog, 'penalty_log').reverse(),
            governanceLog: governanceLog.reverse(),
            votes: votes.reverse(),
            ledger: { totalSupply: unwrap(totalSupply, 'icrc1_total_supply'), fee: unwrap(fee, 'icrc1_fee'), treasury: unwrap(treasury, 'treasury balance'), tip: ledgerTip },
        };
    }

    /** The last `n` entries of a log read in pages from the start (logs whose length is not known up front). */
    private async tail<T>(page: (start: bigint, n: number) => Promise<ClientResult<T[]>>, n: number): Promise<T[]> {
        const all: T[] = [];
        for (let start = 0n; ; start += 100n) {
            const got = unwrap(await page(start, 100), 'log');
            all.push(...got);
            if (got.length < 100) break;
        }
        return all.slice(-n);
    }

    /** Every node (each type and status), with its rewards. */
    async nodes(): Promise<NodeEntry[]> {
        const p = this.protocol;
        const lists = await Promise.all(
            NODE_TYPES.flatMap((type) =>
                NODE_STATUSES.map(async (status) => {
                    const out: Node[] = [];
                    for (let start = 0n; ; start += 100n) {
                        const page = unwrap(await p.listNodes({ type, status, start, limit: 100 }), 'list_nodes');
                        out.push(...page.nodes);
                        if (page.nodes.length < 100) break;
                    }
                    return out;
                }),
            ),
        );
        const nodes = lists.flat();
        const entries: NodeEntry[] = [];
        for (let k = 0; k < nodes.length; k += 25) {
            const chunk = nodes.slice(k, k + 25);
            const rewards = await Promise.all(chunk.map((n) => p.nodeRewards(n.nodeId)));
            chunk.forEach((node, j) => entries.push({ node, rewards: unwrap(rewards[j], `node_rewards ${node.nodeId}`) }));
        }
        return entries;
    }

    async node(nodeId: string): Promise<NodePage> {
        const p = this.protocol;
        const [node, rewards, summary] = await Promise.all([p.getNode(nodeId), p.nodeRewards(nodeId), p.penaltiesSummary()]);
        const n = unwrap(node, 'get_node');
        if (n === undefined) return { penalties: [], votes: [] };
        const records = unwrap(summary, 'penalties_summary').records;
        const penalties: PenaltyLogEntry[] = [];
        for (let start = 0n; start < records; start += 100n) penalties.push(...unwrap(await p.penaltyLog({ start, count: 100 }), 'penalty_log').filter((x) => x.nodeId === nodeId));
        const votes = (await this.tail((start, k) => p.listVotes({ start, count: k }), 1000)).filter((v) => v.nodeId === nodeId);
        return { node: n, rewards: unwrap(rewards, 'node_rewards'), penalties: penalties.reverse(), votes };
    }

    /** The ledger's ICRC-3 tip, verified against the root key and the ledger's certified data. */
    private async ledgerTip(): Promise<Verified<{ index: bigint }>> {
        const r = await this.ledger.call<[] | [{ certificate: Uint8Array; hash_tree: Uint8Array }]>('icrc3_get_tip_certificate', []);
        if (!r.ok) return { verified: false, problem: r.error.message };
        if (r.value.length === 0) return { verified: false, problem: 'the ledger has no certified tip yet' };
        const { certificate, hash_tree } = r.value[0];
        try {
            const canisterId = Principal.fromText(this.config.ledger);
            const cert = await Certificate.create({ certificate: new Uint8Array(certificate), rootKey: this.agent.rootKey as Uint8Array, canisterId, agent: this.agent });
            const data = cert.lookup_path(['canister', canisterId.toUint8Array(), 'certified_data']);
            const tree = Cbor.decode(new Uint8Array(hash_tree)) as never;
            const root = await reconstruct(tree);
            if (data.status !== LookupPathStatus.Found || !bytesEqual(new Uint8Array(root), new Uint8Array((data as { value: Uint8Array }).value))) return { verified: false, problem: 'the tip tree does not match the certified data' };
            const idx = lookup_path(['last_block_index'], tree);
            if (idx.status !== LookupPathStatus.Found) return { verified: false, problem: 'no last_block_index in the tip' };
            // ICRC-3 certifies the index as a LEB128 natural.
            return { value: { index: decodeLeb128(new Uint8Array((idx as { value: Uint8Array }).value)) }, verified: true };
        } catch (e) {
            return { verified: false, problem: `the certificate does not verify: ${(e as Error).message.split('\n')[0]}` };
        }
    }
}
