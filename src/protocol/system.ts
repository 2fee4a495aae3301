/**
 * The protocol canister's domain wired together, each section on its stable maps (the canister
 * opens them as StableBTreeMaps; unit tests and tools open in-memory maps with the same ids).
 *
 *   model/      config (governance, ledger, parameters, pause), bounds, errors, supply, ledger port
 *   nodes/      the node book (records, registry indexes, E-values, weights), activation by PoC,
 *               unstaked registrations
 *   stakes/     registration and stakes, releases, every ledger operation in flight (operations.ts)
 *   validators/ admission and the 3F+1 set
 *   batches/    state-bit consensus, the certified tip, the sink routing confirmed bits
 *   rewards/    the emission schedule, the reward index, claims
 *   penalties/  liveness windows and charges, observations, deductions to the treasury
 *   votes/      impeachments and key reports, and what a decided vote does
 *   governance/ parameters, the governance principal, pause, the log
 *   treasury/   grants and airdrops; the distribution's outbox, linear release (vesting)
 *   lockup/     the majority-game lock-up (spec §14)
 *   mapping/    airdrop / mapping with a dust threshold (spec §13.2)
 *   projects/   ecosystem projects: quality and risk lists, the grant gate (spec §13.3)
 *   jobs/       maintenance (the timer's work)
 *   market/     the compute market (spec §11): offers, orders, task records, settlement, disputes,
 *               trading rewards, claims; its own maps and narrow ports (market/context.ts)
 *   sockets/    the socket NFTs (spec §12): every order an ICRC-7 token with ICRC-37 approvals,
 *               following its order through the market's hooks (sockets/market-hooks.ts)
 *   log/        the canister's ICRC-3 block log (`log`: market receipts, socket blocks) and the
 *               certified data: one hash tree over the batch tip, the log tip and the sealed mappings
 *
 * Sections receive what they need at construction; where two need each other at run time (the
 * node book keeps the liveness queue in step, liveness writes nodes through the book) the edge is
 * a function that reads the other once both exist. Storage: the memory ids of
 * src/lib/storage/memory-ids.ts. Cost: construction only (no map is read).
 */
import type { Env } from '../lib/env';
import { bytesEqual, readU64be } from '../lib/storage/bytes';
import { EdgeCachedKV } from '../lib/storage/edge-cache';
import type { KV } from '../lib/storage/kv';
import { PROTOCOL_MEMORY as M } from '../lib/storage/memory-ids';
import { Batches } from './batches/batches';
import { stateBitSink } from './batches/sink';
import { Governance } from './governance/governance';
import { GovernanceLog } from './governance/log';
import { Maintenance } from './jobs/maintenance';
import { Wakeups } from './jobs/wakeups';
import { Market } from './market/market';
import { Sockets } from './sockets/sockets';
import { CertifiedTree } from './log/certified-tree';
import { ProtocolLog } from './log/log';
import { LogStore } from './log/store';
import { SealedMappingsRecord } from './log/sealed-mappings';
import { marketNode } from './market/ports';
import { Config } from './model/config';
import { messageOf } from './model/errors';
import type { LedgerPort } from './model/ledger-port';
import type { ProtocolParams } from './model/params';
import { AIRDROP_POOL_E8S, GRANT_POOL_E8S } from './model/supply';
import { Activation } from './nodes/activation';
import { NodeBook } from './nodes/book';
import type { NodeStatus, NodeType } from './nodes/record';
import { isVotingValidator, Registry, typeStatusIndex } from './nodes/registry';
import { UnstakedRegistrations } from './nodes/unstaked';
import { Deductions } from './penalties/deductions';
import { Liveness } from './penalties/liveness';
import { Observations } from './penalties/observations';
import { Claims } from './rewards/claims';
import { Rewards } from './rewards/rewards';
import { Operations } from './stakes/operations';
import { Releases } from './stakes/releases';
import { Stakes } from './stakes/stakes';
import { Lockup } from './lockup/lockup';
import { Mappings } from './mapping/mapping';
import { Projects } from './projects/projects';
import { MappingStore } from './mapping/store';
import { LockupStore } from './lockup/store';
import { DistributionJob } from './treasury/distribution-job';
import { Outbox } from './treasury/outbox';
import { Treasury } from './treasury/payouts';
import { Vesting, type NewSchedule } from './treasury/vesting';
import { Admission } from './validators/admission';
import { VoteEffects } from './votes/effects';
import { Votes } from './votes/votes';

/** Epochs last a day by default (spec §5; a governance parameter). */
export const DEFAULT_EPOCH_NS = 86_400n * 1_000_000_000n;

export type ProtocolSystem = ReturnType<typeof protocolSystem>;

export interface InitArgs {
    governance: Uint8Array;
    ledger: Uint8Array;
    params?: Partial<ProtocolParams>;
    genesis?: bigint;
    epochLength?: bigint;
    /** Genesis vesting schedules (spec §13.1); the ledger's init argument gives the vesting subaccount their Σ. */
    vesting?: NewSchedule[];
}

export function protocolSystem(open: (memoryId: number) => KV, env: Env, ledgerPort: LedgerPort | ((config: Config) => LedgerPort)) {
    const now = () => env.now();
    // The deadline queues: maintenance asks them "what is due first?" (src/lib/storage/edge-cache.ts),
    // and each tells `wakeups` the earliest time a new entry can make maintenance due (src/protocol/jobs/wakeups.ts).
    const wakeups = new Wakeups(now);
    const timed = (id: number, due: (key: Uint8Array) => bigint): KV => new EdgeCachedKV(open(id), wakeups.watcher(due));
    const marks = (id: number): KV => new EdgeCachedKV(open(id), wakeups.marksWatcher());
    const keyTime = (key: Uint8Array): bigint => readU64be(key, 0);
    // A change of parameters or of the pause can move every deadline (the next node index, key 2, moves none).
    const config = new Config(new EdgeCachedKV(open(M.CONFIG), wakeups.watcher((key) => (key[0] === 1 ? now() : undefined))), env);
    const ledger = typeof ledgerPort === 'function' ? ledgerPort(config) : ledgerPort;
    const typeStatus = new Map<number, KV>();
    const registry = new Registry({
        nodes: open(M.NODES),
        ids: open(M.NODE_IDS),
        expiries: timed(M.EXPIRIES, keyTime),
        validators: open(M.VALIDATORS),
        byTypeStatus: (type: NodeType, status: NodeStatus) => {
            const offset = typeStatusIndex(type, status);
            let kv = typeStatus.get(offset);
            if (kv === undefined) {
                kv = open(M.TYPE_STATUS_BASE + offset);
                typeStatus.set(offset, kv);
            }
            return kv;
        },
    });
    const rewards = new Rewards({ state: open(M.REWARDS_STATE), nodes: open(M.NODE_REWARDS), epochs: open(M.EPOCHS) });
    const unstaked = new UnstakedRegistrations(timed(M.UNSTAKED_QUEUE, (key) => keyTime(key) + config.params().squatterGraceNs), open(M.UNSTAKED_BY_OPERATOR));
    const book: NodeBook = new NodeBook(registry, config, now, { track: (next, previous) => liveness.track(next, previous) }, unstaked, rewards);
    const liveness: Liveness = new Liveness(
        { queue: timed(M.LIVENESS_QUEUE, keyTime), due: open(M.LIVENESS_DUE), episodes: timed(M.FAULT_EPISODES, now), deductions: timed(M.DEDUCTIONS, now), log: open(M.PENALTY_LOG), state: open(M.PENALTY_STATE) },
        {
            params: () => config.params(),
            now,
            get: (i) => book.get(i),
            save: (next, previous) => book.save(next, previous),
            participationTime: (i) => batches.participation(i)?.time,
            times: { firstConfirmationAtOrAfter: (t) => batches.firstConfirmationAtOrAfter(t) },
        },
    );

    // Ledger operations in flight, settled by the section that owns each kind.
    const ops: Operations = new Operations(marks(M.PENDING_OPS), book, config, env, ledger, {
        stake: (n) => stakes.settle(n),
        top_up: (n) => stakes.settle(n),
        renew: (n) => stakes.settle(n),
        release: (n) => releases.settle(n),
        withdraw: (n) => releases.settle(n),
        claim: (n) => claims.settle(n),
        penalty: (n) => deductions.settle(n),
    });
    const stakes = new Stakes(book, config, env, ops, liveness);
    const releases = new Releases(book, config, ops, liveness, stakes);
    const claims = new Claims(book, config, env, ops, rewards);
    const deductions = new Deductions(book, config, ops, liveness);

    // The canister's ICRC-3 log and its certified data (one tree: batch tip, log tip, sealed mappings), certified at the end of each message that appended (certified.flush) and at each confirmation.
    const logStore = new LogStore({ blocks: open(M.LOG_BLOCKS), state: open(M.LOG_STATE) });
    const certified: CertifiedTree = new CertifiedTree({ batchTip: () => batches.lastConfirmed(), logTip: () => logStore.tip(), sealed: () => logStore.sealed() }, env);
    const log = new ProtocolLog(logStore, env, () => certified.markChanged());
    const sealedMappings = new SealedMappingsRecord(logStore, log);
    const activation = new Activation(book, liveness, env);
    const observations = new Observations(book, liveness, env);
    const market: Market = new Market(
        {
            state: open(M.MARKET_STATE), offers: open(M.MARKET_OFFERS), nodeOffers: open(M.MARKET_NODE_OFFERS), orders: open(M.MARKET_ORDERS), dedup: open(M.MARKET_DEDUP),
            pending: open(M.MARKET_PENDING), maturity: timed(M.MARKET_MATURITY, keyTime), expiries: timed(M.MARKET_EXPIRIES, keyTime), disputes: timed(M.MARKET_DISPUTES, keyTime), credits: open(M.MARKET_CREDITS),
            ops: open(M.MARKET_OPS), retries: marks(M.MARKET_RETRIES), receipts: open(M.MARKET_RECEIPTS), referencePrices: open(M.MARKET_REFERENCE_PRICES),
        },
        {
            nodeById: (id) => marketNode(book.byId(id)),
            node: (i) => marketNode(book.get(i)),
            ledgerFee: () => config.params().ledgerFee,
            setLedgerFee: (fee) => config.setLedgerFee(fee),
            protocolPaused: () => config.get().paused?.reason,
            epochNs: () => rewards.state().epochLength,
            authorize: (caller) => {
                const e = governance.authorize(caller);
                return e === undefined ? undefined : messageOf(e);
            },
            log: (caller, method, before, after) => governanceLog.append(caller, method, before, after),
            chargeStake: (index, amount) => {
                const n = book.get(index);
                if (n === undefined) return 0n;
                const next = liveness.chargeAmount(n, amount, 'dispute');
                if (next !== n) book.save(next, n);
                return (next.penaltyDue ?? 0n) - (n.penaltyDue ?? 0n);
            },
            // The socket NFTs (spec §12): refunds and disputes follow the holder; tokens follow their orders.
            sockets: { holder: (o) => sockets.hooks.holder(o), opened: (o, payer) => sockets.hooks.opened(o, payer), orderSaved: (o) => sockets.hooks.orderSaved(o) },
        },
        ledger,
        env,
        log,
    );
    // The socket NFT collection (spec §12): each order an ICRC-7 token with ICRC-37 approvals, its blocks in `log`.
    const sockets: Sockets = new Sockets(
        { tokens: open(M.SOCKET_TOKENS), owned: open(M.SOCKET_OWNED), all: open(M.SOCKET_ALL), collection: open(M.SOCKET_COLLECTION), dedup: open(M.SOCKET_DEDUP) },
        log,
        {
            order: (id) => {
                const o = market.store.order(id);
                if (o === undefined) return undefined;
                const offer = market.store.offer(o.offerId);
                return { id, offer: o.offerId, nodeId: offer?.nodeId ?? '', service: o.service, unit: offer?.unit ?? '', price: o.price, unitsBought: o.unitsBought, unitsConfirmed: o.unitsConfirmed, escrow: o.escrow, pending: o.pending, expiresAt: o.expiresAt, status: o.status };
            },
            paused: () => config.get().paused?.reason,
        },
        now,
    );

    const batches: Batches = new Batches(
        { config: new EdgeCachedKV(open(M.BATCH_CONFIG), wakeups.watcher(() => now())), proposals: open(M.BATCH_PROPOSALS), votes: open(M.BATCH_VOTES), confirmed: open(M.BATCH_CONFIRMED), participation: open(M.BATCH_PARTICIPATION) },
        { activeValidator: (op) => registry.validatorIndex(op), activeCount: () => registry.activeValidatorCount(), paused: () => config.get().paused?.reason },
        stateBitSink({
            poc: activation, observation: observations, participation: liveness,
            // Task records change orders: their sockets get one block each when the batch is applied.
            task: { applyTask: (...a) => (sockets.hooks.defer(), market.tasks.applyTask(...a)), applyRejection: (...a) => (sockets.hooks.defer(), market.tasks.applyRejection(...a)) },
            applied: () => sockets.hooks.flush(),
        }),
        env,
        { certify: () => certified.refresh() },
    );

    const effects = new VoteEffects(book, liveness, env);
    const votes = new Votes(
        { records: open(M.VOTES), ballots: open(M.VOTE_BALLOTS), deadlines: timed(M.VOTE_DEADLINES, keyTime), open: open(M.VOTE_OPEN), state: open(M.VOTE_STATE) },
        {
            params: () => config.params(),
            now,
            byId: (id) => book.byId(id),
            get: (i) => book.get(i),
            count: (type) => registry.count(type, 'active'),
            votingValidators: (max) => registry.page('validator', 'active', 0, max).filter(isVotingValidator),
            isVotingValidator: (op) => registry.validatorIndex(op) !== undefined,
            pausedError: () => config.pausedError(),
            effects,
        },
    );

    const governanceLog = new GovernanceLog(open(M.GOVERNANCE_LOG), open(M.GOVERNANCE_STATE), now);
    const governance = new Governance(
        {
            governance: () => config.get().governance,
            setGovernance: (g) => config.save({ ...config.get(), governance: g }),
            paused: () => config.get().paused,
            setPaused: (p) => config.save({ ...config.get(), paused: p }),
            params: () => config.params(),
            setParams: (p) => config.save({ ...config.get(), params: p }),
            epochLength: () => rewards.state().epochLength,
            changeEpochLength: (ns) => rewards.changeEpochLength(ns, env.now()),
            now,
        },
        governanceLog,
    );
    const treasury = new Treasury(open(M.PAYOUTS), marks(M.PAYOUT_RETRIES), governanceLog, governance, ledger, now, (to) => projects.grantProblem(to));
    const admission = new Admission(book, config, env, governanceLog);
    // The distribution sections keep their own error variant (DistributionError): governance's refusal in its words.
    const distributionAuthorize = (c: Uint8Array): { NotAuthorized: { reason: string } } | undefined => {
        const e = governance.authorize(c);
        return e === undefined ? undefined : { NotAuthorized: { reason: messageOf(e) } };
    };
    // Genesis distribution (spec §13–§14): one outbox for their ledger transfers, retried by their job.
    // Vested grants and the lock-up budget count against the developer-ecosystem pool (docs/distribution.md).
    const grantPool = {
        left: () => GRANT_POOL_E8S - governanceLog.totals().granted,
        take: (a: bigint) => governanceLog.saveTotals({ ...governanceLog.totals(), granted: governanceLog.totals().granted + a }),
        giveBack: (a: bigint) => governanceLog.saveTotals({ ...governanceLog.totals(), granted: governanceLog.totals().granted - a }),
    };
    const outbox = new Outbox({ entries: open(M.OUTBOX), retries: marks(M.OUTBOX_RETRIES), state: open(M.OUTBOX_STATE) }, ledger, now);
    const vesting = new Vesting({ schedules: open(M.VESTING_SCHEDULES), byOwner: open(M.VESTING_BY_OWNER), state: open(M.VESTING_STATE) }, outbox, {
        authorize: (c) => distributionAuthorize(c),
        paused: () => config.get().paused?.reason,
        ledgerFee: () => config.params().ledgerFee,
        now,
        self: () => env.self(),
        grantPool,
        logAction: (c, method, after) => governanceLog.append(c, method, '', after),
    });
    const lockup = new Lockup(new LockupStore({ state: timed(M.LOCKUP_STATE, now), periods: open(M.LOCKUP_PERIODS), locks: open(M.LOCKUP_LOCKS), byOwner: open(M.LOCKUP_BY_OWNER) }), outbox, {
        authorize: (c) => distributionAuthorize(c),
        paused: () => config.get().paused?.reason,
        ledgerFee: () => config.params().ledgerFee,
        now,
        self: () => env.self(),
        epochLength: () => rewards.state().epochLength,
        guardProblem: (nodeId, caller) => {
            const n = book.byId(nodeId);
            if (n === undefined) return `no node ${nodeId}`;
            if (!bytesEqual(n.operator, caller)) return `the caller does not operate node ${nodeId}`;
            if (n.status !== 'active' || n.stake === undefined) return `node ${nodeId} is not active and staked`;
            return undefined;
        },
        grantPool,
        logAction: (c, method, after) => governanceLog.append(c, method, '', after),
    });
    const mappings = new Mappings(new MappingStore({ mappings: open(M.MAPPINGS), entries: open(M.MAPPING_ENTRIES), state: open(M.MAPPING_STATE) }), outbox, {
        authorize: (c) => distributionAuthorize(c),
        paused: () => config.get().paused?.reason,
        ledgerFee: () => config.params().ledgerFee,
        now,
        self: () => env.self(),
        // Mappings share the DAO-airdrop pool with the governance airdrop batches (docs/distribution.md).
        airdropPool: {
            left: () => AIRDROP_POOL_E8S - governanceLog.totals().airdropped,
            take: (a) => governanceLog.saveTotals({ ...governanceLog.totals(), airdropped: governanceLog.totals().airdropped + a }),
            giveBack: (a) => governanceLog.saveTotals({ ...governanceLog.totals(), airdropped: governanceLog.totals().airdropped - a }),
        },
        logAction: (c, method, after) => governanceLog.append(c, method, '', after),
        sealed: (id, digest, entries) => sealedMappings.sealed(id, digest, entries),
    });
    const projects: Projects = new Projects(
        { projects: open(M.PROJECTS), history: open(M.PROJECT_HISTORY), byPrincipal: open(M.PROJECT_BY_PRINCIPAL), byStatus: open(M.PROJECT_BY_STATUS), state: open(M.PROJECT_STATE) },
        { authorize: (c) => distributionAuthorize(c), now, logAction: (c, method, after) => governanceLog.append(c, method, '', after) },
    );
    const distributionJob = new DistributionJob(outbox, () => config.params().releaseBatch);
    distributionJob.add({ run: (t) => lockup.step(t), nextAt: (t) => lockup.nextAt(t) });
    const maintenance = new Maintenance({ config, env, book, rewards, liveness, votes, ops, releases, deductions, payouts: treasury, jobs: [market.job, distributionJob] });

    /** Installs the protocol: its configuration and its reward clock. */
    const init = (a: InitArgs): void => {
        config.create({ governance: a.governance, ledger: a.ledger, params: a.params });
        rewards.init(a.genesis ?? env.now(), a.epochLength ?? DEFAULT_EPOCH_NS);
        vesting.initGenesis(a.vesting ?? []);
    };
    /** For a protocol installed before rewards existed: start the reward clock now. */
    const ensureRewards = (): void => {
        if (!rewards.isInitialized()) rewards.init(env.now(), DEFAULT_EPOCH_NS);
    };

    return { log, certified, sockets, init, ensureRewards, config, registry, book, rewards, liveness, ops, stakes, releases, claims, deductions, activation, observations, batches, effects, votes, governance, governanceLog, treasury, admission, maintenance, wakeups, market, outbox, vesting, lockup, mappings, projects, distributionJob };
}
