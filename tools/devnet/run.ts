/**
 * `emc devnet`: a whole EMC network on the embedded replica, driven only through the client SDK.
 *
 * Setup (slot 0): validators apply with their stakes, governance admits them (printing the
 * `validate_admit_validators` text an SNS proposal would show), routers and compute nodes register
 * with their stakes, and the first batch carries every compute node's PoC result. Then, slot by
 * slot (10 minutes each), the clock advances (timers run: epoch closes, penalty sweeps and moves),
 * the script's events happen, and one batch is confirmed: the validators that took part longest ago
 * propose and vote until 2F+1 have voted. After each epoch closes, its record is read, a rotating
 * share of the nodes claims its rewards, and a line of figures is printed. At the end the
 * invariants are checked against the canisters' own books and an HTML report is written.
 *
 * Beside the nodes run the compute market (market.ts: offers, 40 buyers' orders, task records in the
 * batches, an offline provider, two disputes, the trading-reward clock, claims) and the genesis
 * distribution (distribution.ts: a genesis vesting schedule, a mapping with dust, a short lock-up
 * game); their invariants are in checks-economy.ts.
 *
 * With a state directory the network (both canisters' stable memory) and this runner's own state
 * (`devnet.json`: slot, height, current operator keys, history) are saved; a second run loads the
 * canisters through their upgrade path and continues the same network with a new fault script.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Identity } from '@dfinity/agent';
import type { Principal } from '@dfinity/principal';
import { EmbeddedNetwork } from './embedded-network';
import { LedgerClient } from '../../src/client/ledger';
import { ProtocolClient } from '../../src/client/protocol';
import type { SocketsClient } from '../../src/client/sockets';
import type { Node } from '../../src/client/types/protocol';
import type { ClientResult } from '../../src/client/result';
import { emc } from '../../src/client/format/display';
import type { BatchPayload, Task, TaskRejected } from '../../src/protocol/batches/payload';
import { checkInvariants, type Check, type ScriptRecord } from './checks';
import { BUYER_BALANCE, E8S, EPOCH_SECONDS, FEE_ALLOWANCE, identityOf, LOCKER_ALLOWANCE, makeDistributionPlan, makeMarketPlan, makePlan, MIN_EPOCHS, pemOf, SLOT_MINUTES, SLOT_NS, SLOTS_PER_EPOCH, TREASURY_GENESIS, VESTING_BENEFICIARY, VESTING_TOTAL, WHALE, WHALE_BALANCE, type DistributionPlan, type Kind, type MarketPlan, type Plan, type PlannedNode } from './plan';
import { MarketScenario, type MarketSaved } from './market';
import { DistributionScenario } from './distribution';
import { TREASURY_SUBACCOUNT } from '../../src/protocol/model/supply';
import { VESTING_SUBACCOUNT } from '../../src/protocol/treasury/vesting';
import { DEFAULT_PROTOCOL_ID } from '../../src/client/network';
import { MARKET_SUBACCOUNT } from '../../src/protocol/market/model';
import { mappingSubaccount } from '../../src/protocol/mapping/mapping';
import { LOCKUP_REWARDS_SUBACCOUNT, LOCKUP_SUBACCOUNT } from '../../src/protocol/lockup/lockup';
import { writeReport } from './report';
import type { DevnetResult, EpochRow, NodeRow, Sample } from './types';

export type { DevnetResult, EpochRow, NodeRow, Sample };
import { emc2 } from '../../src/client/format/display';
import { serveReplica } from '../replica/http/server';
import { dashboardDir } from '../../dashboard/build';

export interface DevnetOptions {
    /** Epochs to run (default 30; at least MIN_EPOCHS). */
    epochs?: number;
    /** Keep the network in this directory and resume it if it holds one. */
    state?: string;
    /** Where the HTML report goes (default: the state directory, else the working directory). */
    report?: string;
    /** Smaller networks, for tests. */
    validators?: number;
    routers?: number;
    compute?: number;
    /** Progress and figures, one line at a time (default: stdout). */
    out?: (line: string) => void;
    /**
     * After the scripted run (none when `epochs` is 0), keep the network running in real time and
     * serve the IC HTTP interface and the dashboard until `signal` aborts (Ctrl-C); see `live`.
     */
    serve?: { port: number; signal: AbortSignal; onListening?: (url: string) => void };
}




interface Saved {
    format: 1;
    runs: number;
    slot: number;
    height: string;
    genesis: string;
    operators: Record<string, string>;
    /** EpochRow[] and Sample[] with bigints written as `123n` */
    epochs: unknown[];
    samples: unknown[];
    nodes: { validators: number; routers: number; compute: number };
    /** the market's runner state (absent in a devnet saved before the market was in it) */
    market?: MarketSaved;
}

const KINDS: Kind[] = ['validator', 'router', 'compute'];
const GOVERNANCE = 'governance';
const STATE_FILE = 'devnet.json';

const zero = <K extends string>(keys: readonly K[]): Record<K, bigint> => Object.fromEntries(keys.map((k) => [k, 0n])) as Record<K, bigint>;

function must<T>(r: ClientResult<T>, what: string): T {
    if (!r.ok) throw new DevnetError(`${what}: ${r.error.message}`);
    return r.value;
}

export class DevnetError extends Error {
    constructor(message: string) {
        super(message);
        this.name = 'DevnetError';
    }
}

/** Runs the devnet; resolves with its figures, the invariants and the report's path. */
export async function runDevnet(o: DevnetOptions = {}): Promise<DevnetResult> {
    const started = Date.now();
    const out = o.out ?? ((l: string) => process.stdout.write(`${l}\n`));
    const epochs = o.epochs ?? 30;
    const scripted = !(epochs === 0 && o.serve !== undefined);
    if (scripted && (!Number.isInteger(epochs) || epochs < MIN_EPOCHS || epochs > 1000)) throw new DevnetError(`--epochs must be a whole number from ${MIN_EPOCHS} to 1000 (every scripted fault must fit), or 0 with --serve`);
    const saved = o.state !== undefined && existsSync(join(o.state, STATE_FILE)) ? (JSON.parse(readFileSync(join(o.state, STATE_FILE), 'utf8')) as Saved) : undefined;
    const counts = saved?.nodes ?? { validators: o.validators ?? 13, routers: o.routers ?? 20, compute: o.compute ?? 200 };
    const run = saved?.runs ?? 0;
    const plan = makePlan({ epochs: scripted ? epochs : MIN_EPOCHS, run, ...counts });
    if (!scripted) plan.slots = 0;
    const all = [...plan.validators, ...plan.routers, ...plan.compute];
    const marketPlan = makeMarketPlan(plan, run);
    const distPlan = makeDistributionPlan(plan, marketPlan, scripted ? epochs : MIN_EPOCHS);
    const lockers = new Set(distPlan.locks.filter((l) => l.pool === 'A').map((l) => l.owner));

    const balances: [Principal, bigint][] = [
        ...all.map((n): [Principal, bigint] => [identityOf(n.operator).getPrincipal(), n.stake + FEE_ALLOWANCE + (lockers.has(n.operator) ? LOCKER_ALLOWANCE : 0n)]),
        ...marketPlan.buyers.map((b): [Principal, bigint] => [identityOf(b).getPrincipal(), BUYER_BALANCE]),
        [identityOf(WHALE).getPrincipal(), WHALE_BALANCE],
    ];
    const gov = identityOf(GOVERNANCE);
    // A served network's genesis lies as far in the past as the scripted run lasts, so that the
    // run ends at about the wall clock and the network then simply follows it.
    const genesisTime = o.serve === undefined ? undefined : wallNs() - BigInt(plan.slots) * SLOT_NS;
    // the protocol's own genesis accounts: the treasury (the lock-up budget and the mappings come
    // from it) and the vesting account holding the genesis schedule's total
    const genesis = {
        genesisOwner: gov.getPrincipal(),
        epochSeconds: EPOCH_SECONDS,
        balances,
        vesting: [{ beneficiary: identityOf(VESTING_BENEFICIARY).getPrincipal(), total: VESTING_TOTAL, reason: 'team allocation (devnet)' }],
        accounts: [
            [{ owner: DEFAULT_PROTOCOL_ID, subaccount: TREASURY_SUBACCOUNT }, TREASURY_GENESIS],
            [{ owner: DEFAULT_PROTOCOL_ID, subaccount: VESTING_SUBACCOUNT }, VESTING_TOTAL],
        ] as [{ owner: Principal; subaccount: Uint8Array }, bigint][],
    };
    let net: EmbeddedNetwork;
    if (o.state !== undefined) {
        if (saved === undefined && existsSync(join(o.state, 'network.json'))) throw new DevnetError(`${o.state} holds a network that is not a devnet (no ${STATE_FILE})`);
        // time 0: a saved devnet resumes exactly where it stopped (not at the wall clock)
        net = await EmbeddedNetwork.open(o.state, { ...genesis, time: saved === undefined ? genesisTime : 0n });
    } else {
        net = await EmbeddedNetwork.inMemory({ ...genesis, time: genesisTime });
    }
    try {
        const sim = new Sim(net, plan, marketPlan, distPlan, run, saved, out);
        sim.savesTo = o.state;
        out(saved === undefined ? `devnet: deployed emc_ledger ${net.ledgerId.toText()} and emc_protocol ${net.protocolId.toText()} on the embedded replica (epoch ${EPOCH_SECONDS} s, batch every ${Number(SLOT_NS / 60_000_000_000n)} min)` : `devnet: resumed ${o.state} (run ${run + 1}, slot ${saved.slot}; both canisters went through post_upgrade)`);
        if (saved === undefined) await sim.setup();
        let checks: Check[] = [];
        if (scripted) {
            await sim.simulate();
            out('devnet: checking invariants …');
            checks = await checkInvariants(await sim.checkInput());
            for (const c of checks) out(`  ${c.ok ? 'ok  ' : 'FAIL'} ${c.name}${c.detail === '' ? '' : ` — ${c.detail}`}`);
        }
        const okAll = checks.every((c) => c.ok);
        const reportPath = o.report ?? join(o.state ?? defaultReportDir(), 'devnet-report.html');
        const finish = async (): Promise<DevnetResult> => {
            if (o.state !== undefined) {
                // the canisters' memory first: devnet.json must never run ahead of the network it describes
                await net.save();
                identities(o.state, sim);
                sim.save(o.state);
            }
            const seconds = (Date.now() - started) / 1000;
            const result: DevnetResult = { ok: okAll, run: run + 1, epochs: sim.rows, samples: sim.samples, checks, report: reportPath, state: o.state, protocol: net.protocolId.toText(), ledger: net.ledgerId.toText(), seconds };
            mkdirSync(dirname(reportPath), { recursive: true });
            if (scripted) result.distribution = await sim.distribution.summary();
            if (scripted) result.sockets = sim.market.record.sockets;
            writeReport(reportPath, { result, plan, emission: sim.emission, nodes: await sim.nodeTable() });
            return result;
        };
        let result = await finish();
        if (scripted) out(`devnet: ${okAll ? 'all invariants hold' : `${checks.filter((c) => !c.ok).length} invariant(s) FAILED`}; report: ${reportPath} (${result.seconds.toFixed(0)} s)`);
        if (o.serve !== undefined) {
            await live(net, sim, o.serve, out);
            result = await finish();
            out(`devnet: stopped${o.state === undefined ? '' : `; the network is saved in ${o.state}`}; report: ${reportPath}`);
        }
        await net.close();
        return result;
    } catch (e) {
        await net.close(false);
        throw e;
    }
}

/** Where the report goes without --state or --report: the system's temporary directory, never the working tree. */
function defaultReportDir(): string {
    return join(tmpdir(), 'emc-devnet');
}

/**
 * The served network: first it catches up with the wall clock (slots run at full speed, so a
 * network resumed after a pause has had its batches and epochs in between), then the HTTP
 * interface and the dashboard are served while the clock follows the wall clock: a batch is
 * confirmed every 10 minutes, epochs close every hour, the rotating claims go on. Stops when
 * `signal` aborts, after the slot in progress.
 */
async function live(net: EmbeddedNetwork, sim: Sim, o: NonNullable<DevnetOptions['serve']>, out: (l: string) => void): Promise<void> {
    await sim.prepareLive();
    let caughtUp = 0;
    while (!o.signal.aborted && sim.nextSlotTime() <= wallNs()) {
        await net.replica.advanceTime(sim.nextSlotTime() - net.now());
        await sim.plainSlot();
        if (++caughtUp % SLOTS_PER_EPOCH === 0) out(`  caught up ${caughtUp} slots with the wall clock`);
    }
    if (o.signal.aborted) return;
    const candid = (name: string) => new Uint8Array(readFileSync(join(__dirname, '..', '..', 'candid', `${name}.did`)));
    const metadata = new Map([[net.ledgerId.toText(), candid('emc_ledger')], [net.protocolId.toText(), candid('emc_protocol')]]);
    const server = await serveReplica(net.replica, {
        port: o.port,
        static: { dir: await dashboardDir(), config: () => ({ ledger: net.ledgerId.toText(), protocol: net.protocolId.toText(), network: 'local' }) },
        metadata: (id, name) => (name === 'candid:service' ? metadata.get(id.toText()) : undefined),
        log: (l) => out(`  http: ${l}`),
    });
    const clock = server.clock as NonNullable<typeof server.clock>;
    out(`devnet: serving the IC HTTP interface and the dashboard on ${server.url} (root key fetched: local network; ledger ${net.ledgerId.toText()}, protocol ${net.protocolId.toText()})`);
    out(`  the clock follows the wall clock${clock.offsetNs() > 0n ? ` (${clock.offsetNs() / 1_000_000_000n} s ahead of it)` : ''}: a batch every ${SLOT_MINUTES} minutes, an epoch every ${EPOCH_SECONDS / 60n} minutes; Ctrl-C stops${sim.savesTo === undefined ? '' : ' and saves'}`);
    o.onListening?.(server.url);
    try {
        while (!o.signal.aborted) {
            const wait = Number((sim.nextSlotTime() - clock.target()) / 1_000_000n);
            if (wait > 0) await sleep(Math.min(wait, 1000), o.signal);
            if (o.signal.aborted) break;
            if (clock.target() < sim.nextSlotTime()) continue;
            await clock.sync();
            await sim.plainSlot();
        }
    } finally {
        await server.close();
        await net.replica.idle();
    }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
    return new Promise((ok) => {
        const t = setTimeout(done, ms);
        function done() {
            clearTimeout(t);
            signal.removeEventListener('abort', done);
            ok();
        }
        signal.addEventListener('abort', done);
    });
}

function wallNs(): bigint {
    return BigInt(Date.now()) * 1_000_000n;
}

/** Writes PEM keys for governance and a node of each type, so `emc --identity` can act on the saved network. */
function identities(dir: string, sim: Sim): void {
    const d = join(dir, 'identities');
    mkdirSync(d, { recursive: true });
    for (const name of [GOVERNANCE, sim.operatorName('val00'), sim.operatorName('rtr00'), sim.operatorName('cmp000')]) {
        if (name !== undefined) writeFileSync(join(d, `${name}.pem`), pemOf(name), { mode: 0o600 });
    }
}

interface FaultWindow {
    nodeId: string;
    kind: Kind;
    /** confirmation time of the batch that opened the fault (validators: their last participation) */
    from?: bigint;
    to?: bigint;
}

class Sim {
    savesTo: string | undefined;
    readonly rows: EpochRow[];
    readonly samples: Sample[];
    emission: { period: number; epochReward: bigint; cumulative: bigint }[] = [];
    private readonly clients = new Map<string, ProtocolClient>();
    private readonly operators: Map<string, string>;
    private readonly lastPart = new Map<string, bigint>();
    private readonly confirmations: bigint[] = [];
    private readonly record: ScriptRecord = { faults: [], impeachment: undefined, keyRotation: undefined, topUp: undefined, claims: 0n };
    private readonly byId: Map<string, PlannedNode>;
    private pendingPoc: BatchPayload['poc_results'] = [];
    private pendingObs: BatchPayload['observations'] = [];
    private slot: number;
    private height: bigint;
    private readonly genesis: bigint;
    private readonly startSlot: number;
    private penaltySeq = 0n;
    private current: EpochRow | undefined;
    private readonly anon: ProtocolClient;
    readonly market: MarketScenario;
    readonly distribution: DistributionScenario;
    private pendingTasks: Task[] = [];
    private pendingRejections: TaskRejected[] = [];

    constructor(
        private readonly net: EmbeddedNetwork,
        private readonly plan: Plan,
        readonly marketPlan: MarketPlan,
        readonly distPlan: DistributionPlan,
        private readonly run: number,
        saved: Saved | undefined,
        private readonly out: (l: string) => void,
    ) {
        this.byId = new Map([...plan.validators, ...plan.routers, ...plan.compute].map((n) => [n.nodeId, n]));
        this.operators = new Map(Object.entries(saved?.operators ?? Object.fromEntries([...this.byId.values()].map((n) => [n.nodeId, n.operator]))));
        this.slot = saved?.slot ?? 0;
        this.startSlot = this.slot;
        this.height = BigInt(saved?.height ?? '0');
        this.genesis = saved === undefined ? net.now() : BigInt(saved.genesis);
        this.rows = (saved?.epochs ?? []).map(fromJson) as EpochRow[];
        this.samples = (saved?.samples ?? []).map(fromJson) as Sample[];
        this.anon = this.client(undefined);
        this.market = new MarketScenario({ client: (n) => this.client(n), sockets: (n) => this.socketsOf(n), operatorOf: (id) => this.operators.get(id) as string, now: () => this.net.now(), out: this.out }, marketPlan, this.startSlot, saved?.market);
        this.distribution = new DistributionScenario({ net, ledger: (n) => this.ledgerOf(n), slotTime: (x) => this.slotTime(x), out: this.out }, distPlan, this.startSlot, run);
    }

    private ledgerOf(name: string | undefined): LedgerClient {
        return new LedgerClient({ agent: this.net.agent(name === undefined ? undefined : (identityOf(name) as Identity)), canisterId: this.net.ledgerId, now: () => this.net.now(), retryDelayMs: 0 });
    }

    operatorName(nodeId: string): string | undefined {
        return this.operators.get(nodeId);
    }

    /** The SDK's sockets client with `name`'s key (the protocol client's, same agent and clock). */
    private socketsOf(name: string | undefined): SocketsClient {
        return this.client(name).sockets();
    }

    private client(name: string | undefined): ProtocolClient {
        const key = name ?? '';
        let c = this.clients.get(key);
        if (c === undefined) {
            const agent = this.net.agent(name === undefined ? undefined : (identityOf(name) as Identity));
            const now = () => this.net.now();
            const ledger = new LedgerClient({ agent, canisterId: this.net.ledgerId, now, retryDelayMs: 0 });
            c = new ProtocolClient({ agent, canisterId: this.net.protocolId, now, ledger, retryDelayMs: 0 });
            this.clients.set(key, c);
        }
        return c;
    }

    private as(nodeId: string): ProtocolClient {
        return this.client(this.operators.get(nodeId));
    }

    private ledger(name?: string): LedgerClient {
        return new LedgerClient({ agent: this.net.agent(name === undefined ? undefined : (identityOf(name) as Identity)), canisterId: this.net.ledgerId });
    }

    // ----- setup ---------------------------------------------------------------------------

    async setup(): Promise<void> {
        const p = this.plan;
        const t = Date.now();
        for (const v of p.validators) must(await this.as(v.nodeId).applyValidator({ nodeId: v.nodeId, stake: v.stake, lockDays: v.lockDays }), `${v.nodeId} applies`);
        const gov = this.client(GOVERNANCE);
        const ids = p.validators.map((v) => v.nodeId);
        const text = must(await gov.validateAdmitValidators(ids), 'validate_admit_validators');
        this.out(`  governance proposal: ${text}`);
        must(await gov.admitValidators(ids), 'admit_validators');
        for (const r of p.routers) must(await this.as(r.nodeId).registerNode({ nodeId: r.nodeId, type: 'router', stake: { amount: r.stake, lockDays: r.lockDays } }), `${r.nodeId} registers`);
        let done = 0;
        for (const c of p.compute) {
            must(await this.as(c.nodeId).registerNode({ nodeId: c.nodeId, type: 'compute', stake: c.stake === 0n ? undefined : { amount: c.stake, lockDays: c.lockDays } }), `${c.nodeId} registers`);
            this.pendingPoc.push({ node_id: c.nodeId, operator: identityOf(this.operators.get(c.nodeId) as string).getPrincipal(), poc_ms: c.pocMs as number });
            if (++done % 50 === 0) this.out(`  registered ${done}/${p.compute.length} compute nodes`);
        }
        this.out(`  ${p.validators.length} validators admitted, ${p.routers.length} routers and ${p.compute.length} compute nodes registered with their stakes (${((Date.now() - t) / 1000).toFixed(0)} s)`);
        await this.batch();
        this.out(`  batch 1 confirmed: ${p.compute.length} PoC results; compute nodes active`);
    }

    // ----- the slots -----------------------------------------------------------------------

    async simulate(): Promise<void> {
        this.emission = must(await this.anon.emissionSchedule(70), 'emission_schedule').map((r) => ({ period: r.period, epochReward: r.epochReward, cumulative: r.cumulative }));
        const last = this.startSlot + this.plan.slots;
        const f = this.plan.faults;
        const rel = (s: number) => this.startSlot + s;
        const downFrom = rel(f.validatorDown.slot);
        const downTo = downFrom + f.validatorDown.minutes / 10;
        let downRecord: FaultWindow | undefined;
        let frozen: string | undefined;
        this.penaltySeq = (must(await this.anon.penaltiesSummary(), 'penalties_summary')).records;
        await this.market.setup();
        await this.distribution.setup();
        this.openEpochRow();
        while (this.slot < last) {
            this.slot++;
            await this.net.replica.advanceTime(this.slotTime(this.slot) - this.net.now());
            const events = (this.current as EpochRow).events;
            // validator down
            if (this.slot === downFrom) {
                downRecord = { nodeId: f.validatorDown.nodeId, kind: 'validator', from: this.lastPart.get(f.validatorDown.nodeId) };
                this.record.faults.push(downRecord);
                events.push(`${f.validatorDown.nodeId} down`);
            }
            // routers and compute nodes going offline / coming back
            for (const r of [...f.routersOffline.map((x) => ({ ...x, kind: 'router' as Kind, newPocMs: undefined })), ...f.computeFailing.map((x) => ({ ...x, kind: 'compute' as Kind }))]) {
                if (this.slot === rel(r.slot)) {
                    this.pendingObs.push({ node_id: r.nodeId, online: false });
                    this.record.faults.push({ nodeId: r.nodeId, kind: r.kind });
                    events.push(`${r.nodeId} offline`);
                }
                if (this.slot === rel(r.slot) + r.minutes / 10) {
                    if (r.newPocMs === undefined) this.pendingObs.push({ node_id: r.nodeId, online: true });
                    else this.pendingPoc.push({ node_id: r.nodeId, operator: identityOf(this.operators.get(r.nodeId) as string).getPrincipal(), poc_ms: r.newPocMs });
                    events.push(`${r.nodeId} back`);
                }
            }
            if (f.topUp !== undefined && this.slot === rel(f.topUp.slot)) {
                const before = must(await this.anon.getNode(f.topUp.nodeId), 'get_node') as Node;
                const after = must(await this.as(f.topUp.nodeId).topUp({ nodeId: f.topUp.nodeId, amount: f.topUp.amount }), `${f.topUp.nodeId} tops up`);
                this.record.topUp = { nodeId: f.topUp.nodeId, suspendedBefore: before.suspended, suspendedAfter: after.suspended };
                events.push(`${f.topUp.nodeId} tops up ${emc(f.topUp.amount)}`);
            }
            if (this.slot === rel(f.impeachment.slot)) {
                await this.impeach();
                events.push(`${f.impeachment.nodeId} impeached`);
            }
            if (this.slot === rel(f.keyRotation.slot)) {
                frozen = await this.reportKey();
                events.push(`${f.keyRotation.nodeId} key reported`);
            }
            // the market and the distribution: locks, orders, disputes, closes; the validators' task records
            await this.distribution.slot(this.slot, events);
            const offline = new Set(f.computeFailing.filter((c) => this.slot >= rel(c.slot) && this.slot < rel(c.slot) + c.minutes / 10).map((c) => c.nodeId));
            const bits = await this.market.beforeBatch(this.slot, events, offline);
            this.pendingTasks.push(...bits.tasks);
            this.pendingRejections.push(...bits.rejections);
            const down = this.slot >= downFrom && this.slot < downTo ? f.validatorDown.nodeId : undefined;
            await this.batch(down, frozen);
            this.market.afterBatch(this.slot);
            if (frozen !== undefined) {
                // the others answer after the batch; the rotation passes within the slot
                await this.answerKey();
                frozen = undefined;
                events.push(`${f.keyRotation.nodeId} key rotated`);
            }
            if (downRecord !== undefined && downRecord.to === undefined && this.slot >= downTo && this.lastPart.get(downRecord.nodeId) !== downRecord.from) {
                downRecord.to = this.lastPart.get(downRecord.nodeId);
                events.push(`${downRecord.nodeId} back`);
            }
            for (const fw of this.record.faults) {
                if (fw.kind === 'validator') continue;
                if (fw.from === undefined && events.includes(`${fw.nodeId} offline`) && this.slot === this.faultSlot(fw.nodeId, 'start')) fw.from = this.lastConfirmation();
                if (fw.from !== undefined && fw.to === undefined && this.slot === this.faultSlot(fw.nodeId, 'end')) fw.to = this.lastConfirmation();
            }
            if ((this.slot - this.startSlot) % SLOTS_PER_EPOCH === 0) await this.closeEpoch();
        }
    }

    /** Before the live slots: what `simulate` sets up, when there was no scripted run. */
    async prepareLive(): Promise<void> {
        if (this.current !== undefined) return;
        if (this.emission.length === 0) this.emission = must(await this.anon.emissionSchedule(70), 'emission_schedule').map((r) => ({ period: r.period, epochReward: r.epochReward, cumulative: r.cumulative }));
        this.penaltySeq = must(await this.anon.penaltiesSummary(), 'penalties_summary').records;
        this.openEpochRow();
    }

    /** The network time of the next slot's batch. */
    nextSlotTime(): bigint {
        return this.slotTime(this.slot + 1);
    }

    /** One slot of normal operation, without script (the clock is already at the slot's time): a batch, and the epoch's close when it ends one. */
    async plainSlot(): Promise<void> {
        this.slot++;
        await this.batch();
        if (this.slot % SLOTS_PER_EPOCH === 0) await this.closeEpoch();
    }

    /** The slot (absolute) at which a scripted router/compute fault starts or ends. */
    private faultSlot(nodeId: string, which: 'start' | 'end'): number {
        const f = this.plan.faults;
        const x = [...f.routersOffline, ...f.computeFailing].find((r) => r.nodeId === nodeId);
        if (x === undefined) return -1;
        return this.startSlot + x.slot + (which === 'end' ? x.minutes / 10 : 0);
    }

    private slotTime(slot: number): bigint {
        return this.genesis + BigInt(slot) * SLOT_NS;
    }

    private lastConfirmation(): bigint {
        return this.confirmations[this.confirmations.length - 1];
    }

    /** One batch with the pending state bits: the validators that took part longest ago propose and vote until it is confirmed. */
    private async batch(down?: string, frozen?: string): Promise<void> {
        const payload: BatchPayload = { poc_results: this.pendingPoc, observations: this.pendingObs };
        // the market's state bits make a version-2 payload; without them the payload stays version 1
        if (this.pendingTasks.length > 0) payload.tasks = [this.pendingTasks];
        if (this.pendingRejections.length > 0) payload.task_rejections = [this.pendingRejections];
        const voters = this.plan.validators
            .map((v) => v.nodeId)
            .filter((id) => id !== down && id !== frozen)
            .sort((a, b) => {
                const x = this.lastPart.get(a) ?? -1n;
                const y = this.lastPart.get(b) ?? -1n;
                return x < y ? -1 : x > y ? 1 : a < b ? -1 : 1;
            });
        const height = this.height + 1n;
        const proposed = must(await this.as(voters[0]).proposeBatch({ height, payload }), `${voters[0]} proposes batch ${height}`);
        const now = this.net.now();
        this.lastPart.set(voters[0], now);
        let confirmed = proposed.confirmed;
        for (const v of voters.slice(1)) {
            if (confirmed) break;
            const s = must(await this.as(v).voteBatch({ height, digest: proposed.digest }), `${v} votes on batch ${height}`);
            this.lastPart.set(v, now);
            confirmed = s.confirmed;
        }
        if (!confirmed) throw new DevnetError(`batch ${height} was not confirmed by ${voters.length} validators`);
        this.height = height;
        this.confirmations.push(now);
        this.pendingPoc = [];
        this.pendingObs = [];
        this.pendingTasks = [];
        this.pendingRejections = [];
    }

    private async impeach(): Promise<void> {
        const f = this.plan.faults.impeachment;
        let vote = must(await this.as(f.accuser).openImpeachment({ nodeId: f.nodeId, accuser: f.accuser, reason: f.reason }), `${f.accuser} opens an impeachment of ${f.nodeId}`);
        for (const r of this.plan.routers) {
            if (vote.status !== 'open') break;
            if (r.nodeId === f.nodeId || r.nodeId === f.accuser) continue;
            const n = must(await this.anon.getNode(r.nodeId), 'get_node');
            if (n === undefined || n.status !== 'active' || n.suspended) continue;
            vote = must(await this.as(r.nodeId).voteImpeachment({ id: vote.id, voter: r.nodeId, yes: true }), `${r.nodeId} votes`);
        }
        this.record.impeachment = { nodeId: f.nodeId, voteId: vote.id, status: vote.status, yes: vote.yes, electorate: vote.electorate, stake: (this.byId.get(f.nodeId) as PlannedNode).stake };
        this.out(`  impeachment ${vote.id} of ${f.nodeId}: ${vote.status} with ${vote.yes} of ${vote.electorate} votes`);
    }

    private keyVote: bigint | undefined;

    private async reportKey(): Promise<string> {
        const f = this.plan.faults.keyRotation;
        const v = must(await this.as(f.nodeId).reportKeyCompromise({ nodeId: f.nodeId, newOperator: identityOf(f.newOperator).getPrincipal() }), `${f.nodeId} reports its key`);
        this.keyVote = v.id;
        return f.nodeId;
    }

    private async answerKey(): Promise<void> {
        const f = this.plan.faults.keyRotation;
        const id = this.keyVote as bigint;
        const oldKey = this.operators.get(f.nodeId) as string;
        let vote = must(await this.anon.getVote(id), 'get_vote');
        for (const v of this.plan.validators) {
            if (vote === undefined || vote.status !== 'open') break;
            if (v.nodeId === f.nodeId) continue;
            const r = await this.as(v.nodeId).answerKeyReport({ id, voter: v.nodeId, confirm: true });
            if (!r.ok && (r.error.kind === 'NotInElectorate' || r.error.kind === 'WrongStatus' || r.error.kind === 'NodeFrozen')) continue; // not in the electorate (e.g. down)
            vote = must(r, `${v.nodeId} answers the key report`);
        }
        if (vote === undefined) throw new DevnetError(`key report ${id} vanished`);
        if (vote.status === 'passed') this.operators.set(f.nodeId, f.newOperator);
        this.record.keyRotation = { nodeId: f.nodeId, voteId: id, status: vote.status, oldOperator: identityOf(oldKey).getPrincipal(), newOperator: identityOf(f.newOperator).getPrincipal(), oldKeyClient: this.client(oldKey) };
        this.out(`  key report ${id} for ${f.nodeId}: ${vote.status} with ${vote.yes} of ${vote.electorate} confirmations`);
    }

    // ----- epochs --------------------------------------------------------------------------

    private openEpochRow(): void {
        const epoch = Number((this.net.now() - this.genesis) / (EPOCH_SECONDS * 1_000_000_000n));
        this.current = { epoch, emitted: 0n, distributed: 0n, unallocated: 0n, claimed: 0n, claimedByKind: zero(KINDS), penalties: 0n, penaltiesByKind: zero([...KINDS, 'impeachment'] as const), totalE: 0n, eligible: 0n, events: [] };
    }

    private async closeEpoch(): Promise<void> {
        const row = this.current as EpochRow;
        const [rec] = must(await this.anon.epochRecords({ start: BigInt(row.epoch), count: 1 }), 'epoch_records');
        if (rec === undefined || rec.epoch !== BigInt(row.epoch)) throw new DevnetError(`epoch ${row.epoch} has no record after its end`);
        Object.assign(row, { emitted: rec.emitted, distributed: rec.distributed, unallocated: rec.unallocated, totalE: rec.totalE, eligible: rec.eligible });
        // penalties charged during the epoch
        for (;;) {
            const page = must(await this.anon.penaltyLog({ start: this.penaltySeq, count: 100 }), 'penalty_log');
            for (const p of page) {
                const e = Number((p.time - this.genesis) / (EPOCH_SECONDS * 1_000_000_000n));
                const target = e === row.epoch ? row : this.rows.find((r) => r.epoch === e) ?? row;
                target.penalties += p.amount;
                const kind = p.kind === 'impeachment' ? 'impeachment' : (this.byId.get(p.nodeId)?.kind ?? 'compute');
                target.penaltiesByKind[kind] += p.amount;
                this.penaltySeq = p.seq + 1n;
            }
            if (page.length < 100) break;
        }
        // a rotating share claims: validators and routers every 5 epochs, compute nodes every 10
        const k = row.epoch;
        const claimers = [...this.plan.validators.filter((_, i) => (i + k) % 5 === 0), ...this.plan.routers.filter((_, i) => (i + k) % 5 === 0), ...this.plan.compute.filter((_, i) => (i + k) % 10 === 0)];
        for (const n of claimers) {
            const r = await this.as(n.nodeId).claimRewards(n.nodeId);
            if (r.ok) {
                row.claimed += r.value.amount;
                row.claimedByKind[n.kind] += r.value.amount;
                this.record.claims += r.value.amount;
            } else if (r.error.kind !== 'NothingToClaim' && r.error.kind !== 'NodeFrozen') {
                throw new DevnetError(`${n.nodeId} claims: ${r.error.message}`);
            }
        }
        row.market = await this.market.closeEpoch(row.epoch);
        await this.distribution.closeEpoch(row.epoch, row.events);
        row.events = collapseCounts(row.events);
        this.rows.push(row);
        const done = Math.floor((this.slot - this.startSlot) / SLOTS_PER_EPOCH);
        const total = this.plan.slots / SLOTS_PER_EPOCH;
        const live = done > total;
        if (this.rows.length === 1 || done === 1) this.out(EPOCH_LINE_LEGEND);
        this.out(
            `epoch ${String(row.epoch).padStart(3)} (${live ? 'live' : `${String(done).padStart(2)}/${total}`})  emitted ${fmt(row.emitted)}  claims paid ${fmt(row.claimed)}  penalties ${fmt(row.penalties)}  ΣE ${fmtE(row.totalE)}  eligible nodes ${row.eligible}  market volume ${fmt(row.market.volume)} fees ${fmt(row.market.fees)} trading rewards ${fmt(row.market.buyerRewards + row.market.providerRewards)}${row.events.length > 0 ? `  | ${row.events.join(', ')}` : ''}`,
        );
        if (live ? row.epoch % 5 === 4 : done % 5 === 0 || done === total) this.samples.push({ epoch: row.epoch, earned: await this.earned() });
        this.openEpochRow();
    }

    /** Every node as the canisters see it now, for the report's per-node table. */
    async nodeTable(): Promise<NodeRow[]> {
        const out: NodeRow[] = [];
        for (const n of this.byId.values()) {
            const node = must(await this.anon.getNode(n.nodeId), `get_node ${n.nodeId}`);
            const r = must(await this.anon.nodeRewards(n.nodeId), `node_rewards ${n.nodeId}`);
            if (node === undefined) continue;
            out.push({ nodeId: n.nodeId, kind: n.kind, status: node.status, stake: node.stake?.amount ?? 0n, lockDays: node.stake?.lockDays ?? 0, eValue: node.eValue, claimed: r.claimed, claimable: r.claimable, penalized: node.penalized + node.penaltyDue, suspended: node.suspended });
        }
        return out;
    }

    /** Claimed + claimable by node type, over every node. */
    private async earned(): Promise<Record<Kind, bigint>> {
        const e = zero(KINDS);
        for (const n of this.byId.values()) {
            const r = must(await this.anon.nodeRewards(n.nodeId), `node_rewards ${n.nodeId}`);
            e[n.kind] += r.claimed + r.claimable;
        }
        return e;
    }

    // ----- the end -------------------------------------------------------------------------

    async checkInput(): Promise<Parameters<typeof checkInvariants>[0]> {
        const self = this.net.protocolId;
        const d = this.distPlan;
        const names = [GOVERNANCE, ...new Set([...this.byId.values()].map((n) => n.operator)), ...this.operators.values(), ...this.marketPlan.buyers, WHALE, VESTING_BENEFICIARY, ...d.mapping.entries.map((e) => e.owner)];
        // every node that ever offered (earlier runs too) may hold provider credit in its wallet
        const providers = new Set<string>();
        for (let start = 0n; ; ) {
            const page = must(await this.anon.market().offers(start, 100), 'market_offers');
            for (const o of page) providers.add(o.nodeId);
            if (page.length < 100) break;
            start = page[page.length - 1].id + 1n;
        }
        const wallets = [];
        for (const id of providers) wallets.push((must(await this.anon.getNode(id), 'get_node') as Node).wallet);
        const mappings = [];
        for (let id = 0n; ; id++) {
            if (must(await this.distribution.client(undefined).getMapping(id), 'get_mapping') === undefined) break;
            mappings.push({ owner: self, subaccount: mappingSubaccount(id) });
        }
        const marketEscrow = { owner: self, subaccount: MARKET_SUBACCOUNT };
        const dc = this.distribution.client(undefined);
        const locks = this.distribution.record.locks.length === 0 ? [] : await this.distribution.locks(this.distribution.record.locks.map((l) => l.owner));
        return {
            extraAccounts: [marketEscrow, { owner: self, subaccount: VESTING_SUBACCOUNT }, { owner: self, subaccount: LOCKUP_SUBACCOUNT }, { owner: self, subaccount: LOCKUP_REWARDS_SUBACCOUNT }, ...mappings],
            treasuryGenesis: TREASURY_GENESIS,
            market: { client: this.anon.market(), sockets: this.socketsOf(undefined), record: this.market.record, escrow: marketEscrow, accounts: [...this.marketPlan.buyers.map((b) => ({ owner: identityOf(b).getPrincipal() })), ...wallets] },
            distribution: {
                client: dc,
                plan: d,
                principal: (o) => identityOf(o).getPrincipal(),
                accounts: { vesting: { owner: self, subaccount: VESTING_SUBACCOUNT }, lockup: { owner: self, subaccount: LOCKUP_SUBACCOUNT }, rewards: { owner: self, subaccount: LOCKUP_REWARDS_SUBACCOUNT }, mapping: (id) => ({ owner: self, subaccount: mappingSubaccount(id) }) },
                mappingId: this.distribution.mappingOfThisRun,
                locks,
                lockOwnersThisRun: this.distribution.record.locks.length > 0,
            },
            protocol: this.anon,
            ledger: this.ledger(),
            nodes: [...this.byId.values()],
            accounts: [...new Set(names)].map((n) => identityOf(n).getPrincipal()),
            confirmations: this.confirmations,
            record: this.record,
            rows: this.rows,
            runStart: this.slotTime(this.startSlot),
            lastConfirmed: { height: this.height },
        };
    }

    save(dir: string): void {
        const s: Saved = {
            format: 1,
            runs: this.run + 1,
            slot: this.slot,
            height: this.height.toString(),
            genesis: this.genesis.toString(),
            operators: Object.fromEntries(this.operators),
            epochs: this.rows.map(toJson),
            samples: this.samples.map(toJson),
            nodes: { validators: this.plan.validators.length, routers: this.plan.routers.length, compute: this.plan.compute.length },
            market: this.market.saved(),
        };
        writeFileSync(join(dir, `${STATE_FILE}.tmp`), `${JSON.stringify(s, null, 1)}\n`);
        renameSync(join(dir, `${STATE_FILE}.tmp`), join(dir, STATE_FILE));
    }
}

/** "5 locks", "2 locks", "1 lock" … in one epoch → "8 locks" (at the place of the first); other events unchanged. */
export function collapseCounts(events: string[]): string[] {
    const out: string[] = [];
    const totals = new Map<string, { at: number; n: number }>();
    for (const e of events) {
        const m = /^(\d+) (lock|order|mapping claim)s?( opened)?$/.exec(e);
        if (m === null) {
            out.push(e);
            continue;
        }
        const key = `${m[2]}|${m[3] ?? ''}`;
        const t = totals.get(key);
        if (t === undefined) {
            totals.set(key, { at: out.length, n: Number(m[1]) });
            out.push(key);
        } else t.n += Number(m[1]);
    }
    for (const [key, t] of totals) {
        const [what, tail] = key.split('|');
        out[t.at] = `${t.n} ${what}${t.n === 1 ? '' : 's'}${tail}`;
    }
    return out;
}

/** What the epoch lines count (printed once above them). */
export const EPOCH_LINE_LEGEND =
    'amounts in EMC (2 decimals, truncated; exact e8s in --json and the report): emitted = the epoch\'s emission r(n); claims paid = rewards claimed during the epoch, accrued in it or in earlier epochs (so it can exceed what the epoch emitted); penalties = liveness charges and impeachment slashes in the epoch; ΣE = the eligible nodes\' total E-value at its close; market volume = amounts settled in the epoch (after their dispute window), fees = their 20 % to the treasury, trading rewards = what those settlements granted to buyers and providers (claimable)';

/** e8s → `720,000.00` (2 decimals, truncated; display only: src/client/format/display.ts). */
export const fmt = emc2;

/** E × 10^8 → `8,123.45` */
export const fmtE = emc2;

function toJson(v: unknown): unknown {
    if (typeof v === 'bigint') return `${v}n`;
    if (Array.isArray(v)) return v.map(toJson);
    if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, toJson(x)]));
    return v;
}

function fromJson(v: unknown): unknown {
    if (typeof v === 'string' && /^-?\d+n$/.test(v)) return BigInt(v.slice(0, -1));
    if (Array.isArray(v)) return v.map(fromJson);
    if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, fromJson(x)]));
    return v;
}
