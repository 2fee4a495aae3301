/**
 * The devnet's genesis distribution (issue 19, spec §13–§14; docs/distribution.md), through the
 * SDK's `DistributionClient` with each actor's own key:
 *  - linear release: a genesis schedule in the protocol's init argument (its Σ minted by the
 *    ledger's init argument to the protocol's `vesting` subaccount); the beneficiary claims every
 *    fifth epoch;
 *  - a mapping (airdrop): governance creates it, loads 60 entries (6 of them under the dust
 *    threshold), seals it with their count and SHA-256; two thirds of the entitled claim inside the
 *    window; after it a buyer sweeps the rest to the ecosystem fund;
 *  - a short majority game: governance starts it (12 periods of 2 epochs in a 30-epoch run, fewer and
 *    shorter in a short one); compute operators lock in pool A naming their nodes, buyers and a
 *    whale in pool B, before the start and during the periods; the maintenance job closes each
 *    period; when the game has ended every lock is claimed with its reward.
 * A resumed network gets a new mapping; the game (one per protocol) is only started by the first run.
 * Storage: none. Cost: a few calls per slot at most; the end reads every period and lock.
 */
import type { Identity } from '@dfinity/agent';
import { DistributionClient, mappingDigest, type LockView } from '../../src/client/distribution';
import type { LedgerClient } from '../../src/client/ledger';
import type { ClientResult } from '../../src/client/result';
import { identityOf, SLOT_NS, SLOTS_PER_EPOCH, type DistributionPlan } from './plan';
import type { DistributionSummary, LockupRow } from './types';
import type { EmbeddedNetwork } from './embedded-network';

export interface DistributionContext {
    net: EmbeddedNetwork;
    ledger(name: string | undefined): LedgerClient;
    slotTime(slot: number): bigint;
    out(line: string): void;
}

const must = <T>(r: ClientResult<T>, what: string): T => {
    if (!r.ok) throw new Error(`${what}: ${r.error.message}`);
    return r.value;
};
const variantName = (v: unknown): string => Object.keys(v as object)[0];

export class DistributionScenario {
    private readonly clients = new Map<string, DistributionClient>();
    private mappingId: bigint | undefined;

    /** The mapping this run created. */
    get mappingOfThisRun(): bigint | undefined {
        return this.mappingId;
    }
    private readonly mappingClaimed = new Set<string>();
    private swept = false;
    private gameStarted = false;
    private locksClaimed = false;
    /** What the checks and the report need of the script. */
    readonly record = {
        vestingClaims: [] as { epoch: number; amount: bigint }[],
        dustRefused: undefined as string | undefined,
        mappingClaims: 0,
        locks: [] as { owner: string; id: bigint }[],
        lockClaims: { locks: 0, amount: 0n, rewards: 0n },
    };

    constructor(
        private readonly ctx: DistributionContext,
        private readonly plan: DistributionPlan,
        private readonly startSlot: number,
        private readonly run: number,
    ) {}

    client(name: string | undefined): DistributionClient {
        const key = name ?? '';
        let c = this.clients.get(key);
        if (c === undefined) {
            const agent = this.ctx.net.agent(name === undefined ? undefined : (identityOf(name) as Identity));
            c = new DistributionClient({ agent, canisterId: this.ctx.net.protocolId, now: () => this.ctx.net.now(), retryDelayMs: 0 }, this.ctx.ledger(name));
            this.clients.set(key, c);
        }
        return c;
    }

    /** Governance starts the game (first run only) and creates, loads and seals this run's mapping. */
    async setup(): Promise<void> {
        const gov = this.client('governance');
        const g = this.plan.game;
        const existing = must(await gov.lockupGame(), 'lockup_game');
        if (g !== undefined && existing === undefined) {
            const arg = { budget: g.budget, outputPerPeriod: g.output, start: this.ctx.slotTime(this.startSlot + g.startSlot), periodEpochs: g.periodEpochs, periods: g.periods, reason: 'the devnet’s majority game' };
            this.ctx.out(`  governance proposal: ${must(await gov.validateStartLockupGame(arg), 'validate_start_lockup_game')}`);
            must(await gov.startLockupGame(arg), 'start_lockup_game');
            this.gameStarted = true;
        }
        const m = this.plan.mapping;
        const create = { name: `devnet airdrop ${this.run + 1}`, rateNumerator: m.rateNum, rateDenominator: m.rateDen, dustThreshold: m.dustThreshold, windowStart: this.ctx.slotTime(this.startSlot + m.windowStartSlot), windowEnd: this.ctx.slotTime(this.startSlot + m.windowEndSlot), reason: 'map the testnet balances 3:2' };
        this.ctx.out(`  governance proposal: ${must(await gov.validateCreateMapping(create), 'validate_create_mapping')}`);
        const made = must(await gov.createMapping(create), 'create_mapping');
        const entries = m.entries.map((e) => ({ account: { owner: identityOf(e.owner).getPrincipal() }, source: e.source }));
        must(await gov.loadMapping(made.id, entries), 'load_mapping_entries');
        const digest = mappingDigest(entries);
        this.ctx.out(`  governance proposal: ${must(await gov.validateSealMapping(made.id, BigInt(entries.length), digest), 'validate_seal_mapping')}`);
        const sealed = must(await gov.sealMapping(made.id, BigInt(entries.length), digest), 'seal_mapping');
        this.mappingId = made.id;
        this.ctx.out(`  mapping ${made.id}: ${sealed.entries} entries sealed, ${Number(sealed.mapped_total) / 1e8} EMC mapped, ${Number(sealed.dust_source) / 1e8} EMC of source under the dust threshold${this.gameStarted && g !== undefined ? `; lock-up game: ${g.periods} periods of ${g.periodEpochs} epoch${g.periodEpochs === 1 ? '' : 's'}, budget ${Number(g.budget) / 1e8} EMC` : ''}`);
    }

    /** The slot's locks (before the batch). */
    async slot(slot: number, events: string[]): Promise<void> {
        if (!this.gameStarted) return;
        const rel = slot - this.startSlot;
        let n = 0;
        for (const l of this.plan.locks) {
            if (l.slot !== rel) continue;
            const v = must(await this.client(l.owner).lock({ amount: l.amount, pool: l.pool, nodeId: l.nodeId }), `${l.owner} locks in pool ${l.pool}`);
            this.record.locks.push({ owner: l.owner, id: v.id });
            n++;
        }
        if (n > 0) events.push(`${n} lock${n === 1 ? '' : 's'}`);
    }

    /** After an epoch's close: vesting and mapping claims, the sweep, and the locks' claims once the game has ended. */
    async closeEpoch(epoch: number, events: string[]): Promise<void> {
        const now = this.ctx.net.now();
        if (epoch % 5 === 4) {
            const r = await this.client('team').claimVesting(0n);
            if (r.ok) {
                this.record.vestingClaims.push({ epoch, amount: r.value.amount });
                events.push(`team claims ${Number(r.value.amount) / 1e8} EMC vested`);
            } else if (r.error.kind !== 'NothingToClaim') throw new Error(`team claims: ${r.error.message}`);
        }
        const m = this.plan.mapping;
        const id = this.mappingId;
        if (id !== undefined) {
            const inWindow = now >= this.ctx.slotTime(this.startSlot + m.windowStartSlot) && now < this.ctx.slotTime(this.startSlot + m.windowEndSlot);
            if (inWindow) {
                let claims = 0;
                for (const [i, who] of m.claimers.entries()) {
                    if (this.mappingClaimed.has(who) || (i + epoch) % 3 !== 0) continue;
                    this.mappingClaimed.add(who);
                    const r = await this.client(who).claimMapping(id);
                    if (r.ok) claims++;
                    else if (r.error.kind === 'NothingToClaim') this.record.dustRefused ??= `${who}: ${r.error.message}`;
                    else throw new Error(`${who} claims from mapping ${id}: ${r.error.message}`);
                }
                this.record.mappingClaims += claims;
                if (claims > 0) events.push(`${claims} mapping claims`);
            } else if (!this.swept && now >= this.ctx.slotTime(this.startSlot + m.windowEndSlot)) {
                const v = must(await this.client('buy05').sweepMapping(id), `sweep_mapping ${id}`);
                this.swept = true;
                events.push(`mapping ${id} swept (${Number(v.swept) / 1e8} EMC unclaimed)`);
            }
        }
        if (this.gameStarted && !this.locksClaimed) {
            const game = must(await this.client(undefined).lockupGame(), 'lockup_game');
            if (game !== undefined && variantName(game.status) === 'ended') {
                for (const l of this.record.locks) {
                    const v = must(await this.client(l.owner).claimLock(l.id), `${l.owner} claims lock ${l.id}`);
                    this.record.lockClaims.locks++;
                    this.record.lockClaims.amount += v.amount;
                    this.record.lockClaims.rewards += v.reward;
                }
                this.locksClaimed = true;
                events.push(`lock-up game ended: ${this.record.locks.length} locks released with their rewards`);
            }
        }
    }

    /** Everything the report shows of the distribution, read from the canister. */
    async summary(): Promise<DistributionSummary> {
        const c = this.client(undefined);
        const v = must(await c.getVesting(0n), 'get_vesting');
        const mappings: DistributionSummary['mappings'] = [];
        for (let id = 0n; ; id++) {
            const mp = must(await c.getMapping(id), 'get_mapping');
            if (mp === undefined) break;
            mappings.push({ id, name: mp.name, status: variantName(mp.status), entries: mp.entries, sourceTotal: mp.source_total, dustSource: mp.dust_source, mappedTotal: mp.mapped_total, dustValue: mp.dust_value, claimed: mp.claimed, swept: mp.swept });
        }
        const game = must(await c.lockupGame(), 'lockup_game');
        const periods: LockupRow[] = [];
        for (let x = 1; game !== undefined && x <= game.periods; x++) {
            const p = must(await c.lockupPeriod(x), 'lockup_period');
            const r = p?.result[0];
            if (p === undefined || r === undefined) continue;
            const sum = (xs: bigint[]) => xs.reduce((s, y) => s + y, 0n);
            periods.push({ period: x, locked: r.locked, rateBps: r.rate_bps, tier: r.tier_percent, basic: r.basic, perPool: r.per_pool, competition: r.competition, winner: r.winner[0] === undefined ? '—' : variantName(r.winner[0]), sharedA: r.shared_a, sharedB: r.shared_b, sharedCompetition: r.shared_competition, unearned: r.unearned, toEcosystem: r.to_ecosystem, newA: sum(p.new_locks_a), newB: sum(p.new_locks_b), final: r.final });
        }
        const epochNs = SLOT_NS * BigInt(SLOTS_PER_EPOCH);
        return {
            vesting: { total: v?.total ?? 0n, released: v?.released ?? 0n, claims: this.record.vestingClaims, tranches: v?.tranches ?? 0n },
            mappings,
            game: game === undefined ? undefined : { status: variantName(game.status), budget: game.budget, output: game.output_per_period, periods: game.periods, periodEpochs: Number(game.period_seconds * 1_000_000_000n / epochNs), locks: game.locks },
            periods,
            lockClaims: this.record.lockClaims,
        };
    }

    /** Every lock of the game (for the checks): by owner, paged. */
    async locks(owners: string[]): Promise<LockView[]> {
        const out: LockView[] = [];
        for (const o of new Set(owners)) {
            for (let start = 0; ; start += 100) {
                const page = must(await this.client(undefined).listLocks(identityOf(o).getPrincipal(), start, 100), 'list_locks');
                out.push(...page);
                if (page.length < 100) break;
            }
        }
        return out;
    }
}
