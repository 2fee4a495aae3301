/**
 * The devnet's network and its script: who runs which node with what stake and PoC time, and which
 * faults happen when. Pure and deterministic (a seeded generator), so a resumed run and a test see
 * the same network.
 *
 * Time is counted in slots: one batch is confirmed per slot (`SLOT_MINUTES`), an epoch is
 * `SLOTS_PER_EPOCH` slots. A run of `epochs` epochs has `epochs × SLOTS_PER_EPOCH` slots, and the
 * scripted faults are placed at fractions of the run, so a short run (CI) has all of them too.
 */
import { createHash } from 'node:crypto';
import { Ed25519KeyIdentity } from '@dfinity/identity';

export const E8S = 100_000_000n;
/** The devnet's epoch: one hour (a governance parameter; mainnet's default is 86,400 s). */
export const EPOCH_SECONDS = 3_600n;
export const SLOT_MINUTES = 10;
export const SLOTS_PER_EPOCH = Number(EPOCH_SECONDS) / 60 / SLOT_MINUTES;
export const SLOT_NS = BigInt(SLOT_MINUTES) * 60_000_000_000n;
/** The shortest run that fits every scripted fault. */
export const MIN_EPOCHS = 6;
/** Each operator's genesis balance beyond its stake: fees, and a top-up for the suspension demo. */
export const FEE_ALLOWANCE = 500n * E8S;

export type Kind = 'validator' | 'router' | 'compute';

export interface PlannedNode {
    nodeId: string;
    kind: Kind;
    /** The identity name its operator key is derived from (`identityOf`). */
    operator: string;
    /** e8s; 0 for an unstaked compute node */
    stake: bigint;
    lockDays: number;
    /** compute nodes: the PoC time the validators measure, ms */
    pocMs?: number;
}

export interface FaultPlan {
    /** A validator that stops taking part in batches for `minutes`. */
    validatorDown: { nodeId: string; slot: number; minutes: number };
    /** Routers reported offline at `slot` and online again `minutes` later. */
    routersOffline: { nodeId: string; slot: number; minutes: number }[];
    /** Compute nodes reported without a valid state, then back with a fresh PoC. */
    computeFailing: { nodeId: string; slot: number; minutes: number; newPocMs: number }[];
    /** A router the others impeach (a majority votes yes). */
    impeachment: { nodeId: string; accuser: string; slot: number; reason: string };
    /** A validator whose operator reports its key compromised and names a new key; the others confirm. */
    keyRotation: { nodeId: string; slot: number; newOperator: string };
    /** The router staking exactly the minimum: its outage suspends it, a top-up ends the suspension. */
    topUp?: { nodeId: string; slot: number; amount: bigint };
}

export interface Plan {
    validators: PlannedNode[];
    routers: PlannedNode[];
    compute: PlannedNode[];
    slots: number;
    faults: FaultPlan;
}

/** A small deterministic generator (mulberry32). */
export function rng(seed: number): () => number {
    let a = seed >>> 0;
    return () => {
        a = (a + 0x6d2b79f5) >>> 0;
        let t = a;
        t = Math.imul(t ^ (t >>> 15), t | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
    };
}

const pad = (n: number, w: number): string => String(n).padStart(w, '0');

/** The network: 13 validators, 20 routers, 200 compute nodes by default. `run` varies the fault targets of a resumed network. */
export function makePlan(o: { epochs: number; run?: number; validators?: number; routers?: number; compute?: number }): Plan {
    const run = o.run ?? 0;
    const next = rng(0x0e3c);
    const between = (lo: number, hi: number): number => lo + Math.floor(next() * (hi - lo + 1));
    const validators: PlannedNode[] = Array.from({ length: o.validators ?? 13 }, (_, i) => ({
        nodeId: `val${pad(i, 2)}`,
        kind: 'validator',
        operator: `val${pad(i, 2)}`,
        stake: (1_000_000n + BigInt(between(5, 200)) * 100n) * E8S,
        lockDays: 360,
    }));
    const routers: PlannedNode[] = Array.from({ length: o.routers ?? 20 }, (_, i) => ({
        nodeId: `rtr${pad(i, 2)}`,
        kind: 'router',
        operator: `rtr${pad(i, 2)}`,
        // rtr06 stakes exactly the minimum (the suspension demo); the others 100,000–150,000 EMC
        stake: (i === 6 ? 100_000n : 100_000n + BigInt(between(1, 50)) * 1_000n) * E8S,
        lockDays: 180 + between(0, 2) * 90,
    }));
    const locks = [0, 7, 30, 90, 180];
    const compute: PlannedNode[] = Array.from({ length: o.compute ?? 200 }, (_, i) => {
        // PoC times spread log-uniformly over 400 ms – 9 s
        const pocMs = Math.round(400 * Math.pow(9000 / 400, next()));
        const lockDays = locks[Math.floor(next() * locks.length)];
        // the stake that covers E_base fully is 1000 × 15000 / poc_ms EMC; stakes cover 30–120 % of it
        const full = (1000 * 15000) / pocMs;
        const stake = lockDays === 0 ? 0n : BigInt(Math.max(10, Math.round((full * (30 + between(0, 90))) / 100))) * E8S;
        return { nodeId: `cmp${pad(i, 3)}`, kind: 'compute', operator: `cmp${pad(i, 3)}`, stake, lockDays, pocMs };
    });
    const slots = o.epochs * SLOTS_PER_EPOCH;
    const at = (fraction: number): number => Math.max(1, Math.floor(slots * fraction));
    const pick = <T>(xs: T[], i: number): T => xs[((i % xs.length) + xs.length) % xs.length];
    const staked = compute.filter((c) => c.stake > 0n);
    const unstaked = compute.filter((c) => c.stake === 0n);
    const failing = [...Array.from({ length: Math.min(8, staked.length) }, (_, k) => pick(staked, 3 + 11 * k + run)), ...Array.from({ length: Math.min(3, unstaked.length) }, (_, k) => pick(unstaked, 5 + 7 * k + run))];
    const faults: FaultPlan = {
        validatorDown: { nodeId: pick(validators, 4 + run).nodeId, slot: at(0.15), minutes: 180 },
        routersOffline: [
            { nodeId: pick(routers, 3 + run).nodeId, slot: at(0.3), minutes: 60 },
            { nodeId: pick(routers, 4 + run).nodeId, slot: at(0.3) + 1, minutes: 120 },
            // the first run's rtr06 stakes exactly the minimum (the suspension demo); later runs pick another router
            { nodeId: run === 0 ? 'rtr06' : pick(routers, 6 + run).nodeId, slot: at(0.35), minutes: 30 },
            { nodeId: pick(routers, 9 + run).nodeId, slot: at(0.45), minutes: 40 },
        ],
        computeFailing: failing.map((c, k) => ({ nodeId: c.nodeId, slot: at(0.2 + 0.03 * k), minutes: 60 + 30 * (k % 4), newPocMs: Math.max(300, Math.round((c.pocMs ?? 1000) * (0.8 + 0.05 * k))) })),
        impeachment: { nodeId: pick(routers, 15 + run).nodeId, accuser: pick(routers, run).nodeId, slot: at(0.5), reason: 'serves forged results (devnet script)' },
        keyRotation: { nodeId: pick(validators, 9 + run).nodeId, slot: at(0.6), newOperator: `${pick(validators, 9 + run).nodeId}k${run + 2}` },
        topUp: run === 0 ? { nodeId: 'rtr06', slot: at(0.35) + 5, amount: 100n * E8S } : undefined,
    };
    return { validators, routers, compute, slots, faults };
}

/** The Ed25519 identity named `name` (derived from a fixed seed: the devnet's keys are public). */
export function identityOf(name: string): Ed25519KeyIdentity {
    const seed = createHash('sha256').update(`emc-devnet/${name}`).digest();
    return Ed25519KeyIdentity.generate(new Uint8Array(seed));
}

/** The identity's key as a PKCS#8 PEM, the form `dfx identity export` writes and `emc --identity` reads. */
export function pemOf(name: string): string {
    const seed = createHash('sha256').update(`emc-devnet/${name}`).digest();
    // PKCS#8 for Ed25519: a fixed 16-byte prefix, then the 32-byte seed.
    const der = Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), seed]);
    return `-----BEGIN PRIVATE KEY-----\n${der.toString('base64').replace(/(.{64})/g, '$1\n')}\n-----END PRIVATE KEY-----\n`;
}

// ----- the market and the genesis distribution (issues 17 and 19) ------------------------------

export const HOUR_NS = 3_600_000_000_000n;
/** Buyers: principals funded at genesis that open orders, dispute, claim trading rewards and lock in pool B. */
export const BUYERS = 40;
export const BUYER_BALANCE = 10_000n * E8S;
/** Compute operators that lock in pool A receive this much more at genesis. */
export const LOCKER_ALLOWANCE = 1_000n * E8S;
/** The devnet's market parameters (governance, like the epoch length): a 2-hour dispute window, a 3-hour dispute timeout. */
export const DISPUTE_WINDOW_NS = 2n * HOUR_NS;
export const DISPUTE_TIMEOUT_NS = 3n * HOUR_NS;
/** The genesis vesting schedule (spec §13.1): 10,000,000 EMC releases 1,000 EMC about every 4.2 hours. */
export const VESTING_TOTAL = 10_000_000n * E8S;
export const VESTING_BENEFICIARY = 'team';
/** The treasury's genesis balance: the lock-up budget and the mapping come from it. */
export const TREASURY_GENESIS = 5_000_000n * E8S;

export interface OfferPlan {
    nodeId: string;
    service: string;
    unit: 'task' | 'second';
    /** e8s per unit */
    price: bigint;
    maxUnits: bigint;
}

/** How a socket changes hands in the script: by its holder, or by the new holder under an approval. */
export type ResaleHow = 'icrc7_transfer' | 'icrc37_approve_tokens + icrc37_transfer_from';

export interface MarketPlan {
    buyers: string[];
    offers: OfferPlan[];
    /** Reference prices per service (governance; caps the trading-reward base). */
    reference: { service: string; price: bigint }[];
    /** Governance starts the trading-reward clock at this slot (part-way). */
    rewardStartSlot: number;
    /** The provider that goes offline mid-order: the first failing compute node; buyer 0's first order is on its offer. */
    offline: { nodeId: string; slot: number };
    /** Buyer 1 disputes at `slot`; the validators confirm a TaskRejected in the next batch. */
    disputeWon: { buyer: number; slot: number };
    /** Buyer 2 disputes at `slot`; nobody rejects: the dispute fails after the timeout. */
    disputeLost: { buyer: number; slot: number };
    /** No order is opened after this slot. */
    lastOpenSlot: number;
    /** socket resales (issue 18): at these slots buyer `from` passes an open order's socket to buyer `to`; the `close` one's new holder closes the order a slot later */
    resales: { slot: number; from: number; to: number; how: ResaleHow; close: boolean }[];
}

export interface LockPlan {
    owner: string;
    pool: 'A' | 'B';
    nodeId?: string;
    amount: bigint;
    slot: number;
}

export interface DistributionPlan {
    game: { startSlot: number; periodEpochs: number; periods: number; budget: bigint; output: bigint } | undefined;
    locks: LockPlan[];
    mapping: { entries: { owner: string; source: bigint }[]; dustThreshold: bigint; rateNum: bigint; rateDen: bigint; windowStartSlot: number; windowEndSlot: number; claimers: string[] };
}

/** The market script: offers on healthy compute nodes (and one on the node that fails), 40 buyers, the disputes, the reward clock. */
export function makeMarketPlan(plan: Plan, run = 0): MarketPlan {
    const at = (fraction: number): number => Math.max(1, Math.floor(plan.slots * fraction));
    const failing = new Set(plan.faults.computeFailing.map((c) => c.nodeId));
    const healthy = plan.compute.filter((c) => !failing.has(c.nodeId) && c.stake > 0n);
    const services = [
        { service: 'llm-7b', unit: 'task' as const, base: 2n * E8S, reference: 2n * E8S },
        { service: 'sdxl-1.0', unit: 'task' as const, base: 3n * E8S, reference: 2n * E8S },
        { service: 'gpu-a100', unit: 'second' as const, base: E8S / 2n, reference: E8S / 2n },
    ];
    const offers: OfferPlan[] = [];
    const offline = plan.faults.computeFailing[0];
    offers.push({ nodeId: offline.nodeId, service: services[0].service, unit: services[0].unit, price: services[0].base, maxUnits: 1_000n });
    const used = new Set([offline.nodeId]);
    for (let i = 0, k = run; i < Math.min(11, healthy.length - 1); i++) {
        const s = services[i % services.length];
        while (used.has(healthy[k % healthy.length].nodeId)) k++;
        const node = healthy[k % healthy.length].nodeId;
        used.add(node);
        k += 7;
        // prices 90–130 % of the service's base
        offers.push({ nodeId: node, service: s.service, unit: s.unit, price: (s.base * BigInt(90 + ((i * 13) % 41))) / 100n, maxUnits: 1_000n });
    }
    const unique = offers;
    return {
        buyers: Array.from({ length: BUYERS }, (_, i) => `buy${pad(i, 2)}`),
        offers: unique,
        reference: services.map((s) => ({ service: s.service, price: s.reference })),
        // part-way, and late enough that some settlements matured before it (the dispute window is 2 hours)
        rewardStartSlot: Math.max(at(0.3), 3 * SLOTS_PER_EPOCH),
        offline: { nodeId: offline.nodeId, slot: offline.slot },
        disputeWon: { buyer: 1, slot: at(0.2) },
        disputeLost: { buyer: 2, slot: at(0.2) },
        lastOpenSlot: at(0.75),
        // 30 %, 40 %, 50 % of the run; the second by approval and transfer_from, and closed by its new holder
        resales: [
            { slot: at(0.3), from: 10, to: 11, how: 'icrc7_transfer', close: false },
            { slot: at(0.4), from: 20, to: 21, how: 'icrc37_approve_tokens + icrc37_transfer_from', close: true },
            { slot: at(0.5), from: 30, to: 31, how: 'icrc7_transfer', close: false },
        ],
    };
}

/** The distribution script: a short lock-up game, its locks, a mapping with dust and its claims. */
export function makeDistributionPlan(plan: Plan, market: MarketPlan, epochs: number): DistributionPlan {
    const next = rng(0x19);
    const periodEpochs = epochs >= 27 ? 2 : 1;
    const periods = Math.min(12, Math.floor((epochs - 2) / periodEpochs));
    const startSlot = SLOTS_PER_EPOCH;
    const gameSlots = periods * periodEpochs * SLOTS_PER_EPOCH;
    const budget = 1_000_000n * E8S;
    // theoretical output per period: sized so that the lock rate (≈ 57,000 EMC locked in the end) falls through the tiers as the periods grow
    const output = (280_000n * E8S) / BigInt(Math.max(1, periods));
    const failing = new Set(plan.faults.computeFailing.map((c) => c.nodeId));
    const guards = plan.compute.filter((c) => c.stake > 0n && !failing.has(c.nodeId)).slice(0, 8);
    const locks: LockPlan[] = [];
    guards.forEach((g, i) => locks.push({ owner: g.operator, pool: 'A', nodeId: g.nodeId, amount: BigInt(100 + 50 * i) * E8S, slot: 1 + i }));
    market.buyers.forEach((b, i) => {
        // most locks before the start and early; fewer later, so the lock rate falls period by period
        const when = next();
        const slot = i < 20 ? 1 + (i % (startSlot - 1)) : startSlot + Math.floor(when * when * gameSlots * 0.9);
        locks.push({ owner: b, pool: 'B', amount: BigInt(200 + Math.floor(next() * 18) * 100) * E8S, slot });
    });
    // a late wave in pool A (the guards lock more in the second half)
    guards.slice(0, 4).forEach((g, i) => locks.push({ owner: g.operator, pool: 'A', nodeId: g.nodeId, amount: 200n * E8S, slot: startSlot + Math.floor(gameSlots * (0.55 + 0.1 * i)) }));
    locks.push({ owner: WHALE, pool: 'B', amount: 12_000n * E8S, slot: startSlot + periodEpochs * SLOTS_PER_EPOCH + 1 });
    locks.sort((a, b) => a.slot - b.slot);
    const holders = Array.from({ length: 20 }, (_, i) => `hold${pad(i, 2)}`);
    const entries = [...market.buyers, ...holders].map((owner, i) => ({ owner, source: i % 10 === 7 ? BigInt(1 + Math.floor(next() * 4)) * E8S : BigInt(10 + Math.floor(next() * 490)) * E8S }));
    const windowEndSlot = Math.floor(plan.slots * 0.6);
    return {
        game: periods >= 1 ? { startSlot, periodEpochs, periods, budget, output } : undefined,
        locks: locks.filter((l) => l.slot < startSlot + gameSlots),
        mapping: { entries, dustThreshold: 5n * E8S, rateNum: 3n, rateDen: 2n, windowStartSlot: SLOTS_PER_EPOCH, windowEndSlot, claimers: entries.filter((_, i) => i % 3 !== 2).map((e) => e.owner) },
    };
}

/** A holder that locks 12,000 EMC in pool B at the start of period 2: pool B wins that period's competition (a margin above 10,000 EMC). */
export const WHALE = 'whale';
export const WHALE_BALANCE = 20_000n * E8S;
