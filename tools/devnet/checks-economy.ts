/**
 * The devnet's invariants of the compute market (issue 17) and the genesis distribution (issue 19),
 * checked at the end of a run against what the canister answers through the SDK's clients and
 * the ledger's balances; the amounts are re-derived here from the spec's rules (20 % fee, §11.1's
 * period-1 reward on the reference-capped base, §14's budgets and tiers, §13.2's dust rule), not
 * taken from src/protocol.
 * Market: the escrow's ledger balance = Σ escrow + Σ pending + Σ unclaimed credit + open dispute
 * deposits + fees not yet moved; rewards minted ≤ 378 M and = Σ claimed; per order paid = refunded
 * + settled + pending + escrow; every receipt re-derives; the scripted outcomes (offline provider,
 * the dispute that succeeds, the one that fails, the reward clock started part-way).
 * Sockets (issue 18): Σ icrc7_balance_of over the buyers = icrc7_total_supply, icrc7_owner_of =
 * icrc7_tokens_of for every live socket, the resales' holders, the resold order's refund to its holder.
 * Distribution: the vesting account holds Σ (total − released); mapped + dust = source total, each
 * entry mapped by the rate; pool shares + dust = pool reward per period, the locks' rewards add up
 * to the periods' shares, both lock-up accounts end empty but for rewards too small to transfer.
 * Storage: none. Cost: one query per order, per pending page, per account, per entry and per lock.
 */
import type { Principal } from '@dfinity/principal';
import type { DistributionClient, LockView } from '../../src/client/distribution';
import type { MarketClient } from '../../src/client/market';
import type { SocketsClient } from '../../src/client/sockets';
import type { ClientResult } from '../../src/client/result';
import type { IcrcAccount } from '../../src/client/types/account';
import type { MarketOrder, MarketPendingAmount, MarketReceipt } from '../../src/client/types/market';
import { emcExact } from '../../src/client/format/display';
import type { Check } from './checks';
import type { MarketRecord } from './market';
import { identityOf, type DistributionPlan } from './plan';

const emc = (e8s: bigint): string => `${emcExact(e8s)} EMC`;
const TRADING_POOL = 378_000_000n * 100_000_000n;
const name = (v: unknown): string => Object.keys(v as object)[0];

function get<T>(r: ClientResult<T>, what: string): T {
    if (!r.ok) throw new Error(`${what}: ${r.error.message}`);
    return r.value;
}

export interface MarketCheckInput {
    client: MarketClient;
    /** The ICRC-7 view of the same orders (issue 18); without it the socket checks are skipped. */
    sockets?: SocketsClient;
    record: MarketRecord;
    /** The market escrow: the protocol's account with subaccount "market". */
    escrow: IcrcAccount;
    /** Every account that may hold market credit or rewards (buyers, the providers' wallets). */
    accounts: IcrcAccount[];
}

export interface DistributionCheckInput {
    client: DistributionClient;
    plan: DistributionPlan;
    /** Principals of the mapping entries, by the plan's owner names. */
    principal: (owner: string) => Principal;
    accounts: { vesting: IcrcAccount; lockup: IcrcAccount; rewards: IcrcAccount; mapping: (id: bigint) => IcrcAccount };
    /** This run's mapping and the locks the script made (empty after a resumed run). */
    mappingId?: bigint;
    locks: LockView[];
    lockOwnersThisRun: boolean;
}

async function allOrders(m: MarketClient): Promise<MarketOrder[]> {
    const out: MarketOrder[] = [];
    for (let start = 0n; ; ) {
        const page = get(await m.orders(start, 100), 'market_orders');
        out.push(...page);
        if (page.length < 100) return out;
        start = page[page.length - 1].id + 1n;
    }
}

async function allPending(m: MarketClient, order: bigint): Promise<MarketPendingAmount[]> {
    const out: MarketPendingAmount[] = [];
    for (let from = 0n; ; ) {
        const page = get(await m.pending(order, from, 100), 'market_pending');
        out.push(...page);
        if (page.length < 100) return out;
        from = page[page.length - 1].toCum;
    }
}

async function allReceipts(m: MarketClient): Promise<MarketReceipt[]> {
    const out: MarketReceipt[] = [];
    for (let start = 0n; ; ) {
        const page = get(await m.receipts(start, 100), 'market_receipts');
        out.push(...page);
        if (page.length < 100) return out;
        start = page[page.length - 1].seq + 1n;
    }
}

/** What the market and the distribution moved into and out of the treasury, from the canister's own figures and the documented fee rules. */
export async function treasuryFlows(i: { market?: MarketCheckInput; distribution?: DistributionCheckInput }, fee: bigint): Promise<{ in: bigint; out: bigint; detail: string }> {
    let inflow = 0n;
    let outflow = 0n;
    const parts: string[] = [];
    if (i.market !== undefined) {
        const t = get(await i.market.client.totals(), 'market_summary');
        inflow += t.feesMoved;
        parts.push(`market fees moved ${emc(t.feesMoved)}`);
    }
    if (i.distribution !== undefined) {
        const c = i.distribution.client;
        for (let id = 0n; ; id++) {
            const m = get(await c.getMapping(id), 'get_mapping');
            if (m === undefined) break;
            const status = name(m.status);
            if (status === 'loading' || status === 'cancelled') continue;
            // the seal funds mapped total + dust value (the treasury pays the fee on top); the dust value
            // and the sweep come back less one fee each
            outflow += m.mapped_total + m.dust_value + fee;
            if (m.dust_value > fee) inflow += m.dust_value - fee;
            if (status === 'swept' && m.swept > fee) inflow += m.swept - fee;
            parts.push(`mapping ${id}: funded ${emc(m.mapped_total + m.dust_value)}, dust ${emc(m.dust_value)}, swept ${emc(m.swept)}`);
        }
        const g = get(await c.lockupGame(), 'lockup_game');
        if (g !== undefined && name(g.status) !== 'cancelled') {
            outflow += g.budget + fee;
            let back = 0n;
            let feesPaid = 0n;
            let allotted = 0n;
            for (let x = 1; x <= g.periods; x++) {
                allotted += (g.budget * BigInt(x + 1)) / 100n;
                const r = get(await c.lockupPeriod(x), 'lockup_period')?.result[0];
                if (r === undefined || !r.final) continue;
                if (r.to_ecosystem > 0n) {
                    back += r.to_ecosystem;
                    feesPaid += fee;
                }
            }
            // the unallotted rest (AV − Σ C_x, less the fees the rewards account paid) follows the last period, less its own fee
            const rest = g.budget - allotted - feesPaid;
            if (name(g.status) === 'ended' && rest > fee) back += rest - fee;
            inflow += back;
            parts.push(`lock-up budget ${emc(g.budget)}, returned ${emc(back)}`);
        }
    }
    return { in: inflow, out: outflow, detail: parts.join(', ') };
}

export async function checkMarket(i: MarketCheckInput, fee: bigint, balanceOf: (a: IcrcAccount) => Promise<ClientResult<bigint>>): Promise<Check[]> {
    const checks: Check[] = [];
    const check = (n: string, ok: boolean, detail = ''): void => {
        checks.push({ name: n, ok, detail });
    };
    const m = i.client;
    const raw = get(await m.call<{ outgoing: bigint }>('market_summary', []), 'market_summary');
    const t = get(await m.totals(), 'market_summary');
    const orders = await allOrders(m);
    let escrow = 0n;
    let pending = 0n;
    let deposits = 0n;
    const badBooks: string[] = [];
    const pendingOf = new Map<bigint, MarketPendingAmount[]>();
    for (const o of orders) {
        const ps = await allPending(m, o.id);
        pendingOf.set(o.id, ps);
        const open = ps.filter((p) => p.status !== 'done').reduce((s, p) => s + p.amount, 0n);
        escrow += o.escrow;
        pending += open;
        deposits += ps.filter((p) => p.status === 'disputed').reduce((s, p) => s + p.deposit, 0n);
        if (o.paid !== o.refunded + o.settled + o.pending + o.escrow || o.pending !== open || o.paid !== o.unitsBought * o.price) badBooks.push(`order ${o.id}: paid ${emc(o.paid)}, refunded ${emc(o.refunded)}, settled ${emc(o.settled)}, pending ${emc(o.pending)} (amounts ${emc(open)}), escrow ${emc(o.escrow)}`);
    }
    check(`market: for every order paid = refunded + settled + pending + escrow, and its pending = Σ its open pending amounts`, badBooks.length === 0 && orders.length > 0, badBooks.length > 0 ? badBooks.slice(0, 3).join('; ') : `${orders.length} orders`);
    let credit = 0n;
    let unclaimedRewards = 0n;
    const seen = new Set<string>();
    for (const a of i.accounts) {
        const k = `${a.owner.toText()}.${a.subaccount === undefined ? '' : Buffer.from(a.subaccount).toString('hex')}`;
        if (seen.has(k)) continue;
        seen.add(k);
        const c = get(await m.claimable(a), 'market_account');
        credit += c.credit;
        unclaimedRewards += c.rewards;
    }
    const held = get(await balanceOf(i.escrow), 'balance of the market escrow');
    const books = escrow + pending + credit + deposits + t.feesUnmoved;
    check(
        'market: the escrow’s ledger balance = Σ escrow + Σ pending + Σ unclaimed provider credit + open dispute deposits + fees not yet moved (nothing in flight)',
        held === books && raw.outgoing === 0n && escrow === t.escrow && pending === t.pending && credit === t.credit && deposits === t.deposits,
        `balance ${emc(held)}; escrow ${emc(escrow)}, pending ${emc(pending)}, credit ${emc(credit)} (summary ${emc(t.credit)}), deposits ${emc(deposits)}, fees unmoved ${emc(t.feesUnmoved)}, outgoing ${emc(raw.outgoing)}`,
    );
    check(
        'market: trading rewards minted ≤ 378 M and = Σ claimed by the devnet’s accounts; granted = minted + Σ unclaimed',
        t.rewardsMinted <= TRADING_POOL && t.rewardsMinted === i.record.claimedRewards && t.rewardsGranted === t.rewardsMinted + unclaimedRewards && t.rewardsMinted > 0n,
        `minted ${emc(t.rewardsMinted)}, claimed ${emc(i.record.claimedRewards)}, granted ${emc(t.rewardsGranted)}, unclaimed ${emc(unclaimedRewards)}`,
    );
    // every receipt re-derives: the 20 % fee, the credit, the period-1 buyer reward on the reference-capped base
    const receipts = await allReceipts(m);
    const byOrder = new Map(orders.map((o) => [o.id, o]));
    const bad: string[] = [];
    let granted = 0n;
    for (const r of receipts) {
        const o = byOrder.get(r.order) as MarketOrder;
        granted += r.buyerReward + r.providerReward;
        if (r.kind === 'settled' || r.kind === 'dispute_failed') {
            const fee = (r.amount * 20n) / 100n;
            const units = r.toCum - r.fromCum;
            const ref = i.record.reference.get(o.service);
            const base = ref === undefined ? 0n : r.amount < units * ref ? r.amount : units * ref;
            // before the clock: period 0, no reward; after it: period 1 (a 30-hour run), 20 % of the base to the buyer. A settlement
            // in the same nanosecond as the start (the maintenance timer ran before the governance call) may be either.
            const before = t.rewardStart === undefined || r.time < t.rewardStart || (r.time === t.rewardStart && r.period === 0);
            const reward = before ? 0n : (base * 20n) / 100n;
            if (r.fee !== fee || r.credit !== r.amount - fee || r.amount !== units * o.price || r.buyerReward !== reward || r.providerReward !== 0n || r.period !== (before ? 0 : 1)) bad.push(`receipt ${r.seq} (${r.kind}, order ${r.order}, units ${r.fromCum}–${r.toCum} at ${o.price}: amount ${r.amount}, fee ${r.fee}, credit ${r.credit}, buyer ${r.buyerReward} (expected ${reward}), provider ${r.providerReward}, period ${r.period}, time ${r.time}, clock ${t.rewardStart})`);
        }
    }
    check('market: every receipt re-derives (fee = 20 %, credit = the rest, buyer reward = 20 % of min(amount, units × reference price) from the reward clock on, provider reward 0 in period 1)', bad.length === 0 && granted === t.rewardsGranted, `${receipts.length} receipts${bad.length > 0 ? `; wrong: ${bad.slice(0, 3).join(', ')}` : ''}`);
    const settled = receipts.filter((r) => r.kind === 'settled');
    const rewarded = settled.filter((r) => r.buyerReward > 0n);
    check('market: governance started the trading-reward clock part-way: settlements before it earned nothing, those after it did', t.rewardStart !== undefined && settled.some((r) => r.time < (t.rewardStart as bigint)) && rewarded.length > 0 && rewarded.every((r) => r.time >= (t.rewardStart as bigint)), `clock from ${t.rewardStart}; ${settled.length} settlements, ${rewarded.length} rewarded`);
    const off = i.record.offline;
    if (off !== undefined) {
        const o = byOrder.get(off.order) as MarketOrder;
        const refund = off.paidBefore - off.confirmedValue;
        check(`market: provider ${off.nodeId} went offline mid-order; the buyer closed order ${off.order} and got the unconfirmed rest back less one fee`, off.status === 'closed' && o.status === 'closed' && off.refund === refund && off.balanceAfter - off.balanceBefore === refund - fee && o.refunded === refund && o.escrow === 0n, `paid ${emc(off.paidBefore)}, confirmed ${emc(off.confirmedValue)}, refunded ${emc(off.refund)}, received ${emc(off.balanceAfter - off.balanceBefore)}`);
    }
    const won = i.record.disputeWon;
    if (won !== undefined) {
        const p = (pendingOf.get(won.order) ?? []).find((x) => x.fromCum === won.fromCum);
        const r = receipts.find((x) => x.kind === 'dispute_refunded' && x.order === won.order && x.fromCum === won.fromCum);
        check(`market: ${won.buyer}'s dispute of order ${won.order} (units ${won.fromCum}–${won.toCum}) succeeded: the validators' TaskRejected refunded ${emc(won.amount)} and the deposit`, p?.status === 'done' && r !== undefined && r.amount === won.amount && !receipts.some((x) => x.kind === 'settled' && x.order === won.order && x.fromCum === won.fromCum), `receipt ${r === undefined ? 'missing' : `${r.seq} ${r.kind} ${emc(r.amount)}`}, deposit ${emc(won.deposit)}`);
    }
    const lost = i.record.disputeLost;
    if (lost !== undefined) {
        const r = receipts.find((x) => x.kind === 'dispute_failed' && x.order === lost.order && x.fromCum === lost.fromCum);
        check(`market: ${lost.buyer}'s dispute of order ${lost.order} failed (no rejection within the timeout): the amount settled, the deposit went to the fees`, r !== undefined && r.amount === lost.amount, `receipt ${r === undefined ? 'missing' : `${r.seq} ${r.kind} ${emc(r.amount)}`}, deposit ${emc(lost.deposit)}`);
    }
    if (i.sockets !== undefined) checks.push(...(await checkSockets(i, i.sockets, orders, fee)));
    return checks;
}

/**
 * The sockets (issue 18): the buyers hold every socket (Σ icrc7_balance_of = icrc7_total_supply),
 * icrc7_owner_of agrees with icrc7_tokens_of, every live socket is an order not yet closed and
 * settled, and the resales' outcomes: each socket with its new holder (or burned), the closed one's
 * refund in the holder's balance and not in the payer's.
 */
async function checkSockets(i: MarketCheckInput, s: SocketsClient, orders: MarketOrder[], fee: bigint): Promise<Check[]> {
    const checks: Check[] = [];
    const check = (n: string, ok: boolean, detail = ''): void => {
        checks.push({ name: n, ok, detail });
    };
    const supply = get(await s.call<bigint>('icrc7_total_supply', []), 'icrc7_total_supply');
    const buyers = i.record.buyers.map((b) => ({ name: b, account: { owner: identityOf(b).getPrincipal() } }));
    const balances = get(await s.balanceOf(buyers.map((b) => b.account)), 'icrc7_balance_of');
    const sum = balances.reduce((a, b) => a + b, 0n);
    const holderOf = new Map<bigint, string>();
    const wrongCount: string[] = [];
    for (const [k, b] of buyers.entries()) {
        const ids = get(await s.allTokensOf(b.account), 'icrc7_tokens_of');
        if (BigInt(ids.length) !== balances[k]) wrongCount.push(`${b.name}: ${ids.length} tokens, balance ${balances[k]}`);
        for (const id of ids) holderOf.set(id, holderOf.has(id) ? '(twice)' : b.name);
    }
    check('sockets: Σ icrc7_balance_of over the buyers = icrc7_total_supply (each balance = its icrc7_tokens_of, paged)', supply === sum && wrongCount.length === 0 && supply > 0n, `supply ${supply}, Σ balances ${sum}${wrongCount.length > 0 ? `; ${wrongCount.slice(0, 3).join(', ')}` : ''}`);
    const all: bigint[] = [];
    for (let prev: bigint | undefined; ; ) {
        const page = get(await s.tokens(prev, 100n), 'icrc7_tokens');
        all.push(...page);
        if (page.length < 100) break;
        prev = page[page.length - 1];
    }
    const disagree: string[] = [];
    const byId = new Map(orders.map((o) => [o.id, o]));
    for (let k = 0; k < all.length; k += 100) {
        const ids = all.slice(k, k + 100);
        const owners = get(await s.ownerOf(ids), 'icrc7_owner_of');
        ids.forEach((id, j) => {
            const who = buyers.find((b) => b.account.owner.toText() === owners[j]?.owner.toText())?.name;
            const o = byId.get(id);
            const burnable = o === undefined || (o.status === 'closed' && o.pending === 0n);
            if (who === undefined || holderOf.get(id) !== who || burnable) disagree.push(`socket ${id}: owner_of ${owners[j]?.owner.toText() ?? 'none'}, tokens_of ${holderOf.get(id) ?? 'none'}, order ${o?.status ?? 'missing'}`);
        });
    }
    check('sockets: icrc7_owner_of agrees with icrc7_tokens_of for every live socket, and each is an order not yet closed and settled', disagree.length === 0 && all.length === holderOf.size && BigInt(all.length) === supply, `${all.length} live sockets${disagree.length > 0 ? `; ${disagree.slice(0, 3).join('; ')}` : ''}`);
    const sales = i.record.sockets.resales;
    if (sales.length > 0) {
        const owners = get(await s.ownerOf(sales.map((r) => r.token)), 'icrc7_owner_of');
        const lost = sales.filter((r, k) => owners[k] !== undefined && owners[k]?.owner.toText() !== identityOf(r.to).getPrincipal().toText());
        check('sockets: every resold socket is with its new holder (or burned once its order closed and settled)', lost.length === 0 && sales.some((r) => r.how !== 'icrc7_transfer') && sales.some((r) => r.how === 'icrc7_transfer'), `${sales.map((r, k) => `${r.token}: ${r.from} → ${r.to} by ${r.how}, now ${owners[k] === undefined ? 'burned' : (buyers.find((b) => b.account.owner.toText() === owners[k]?.owner.toText())?.name ?? owners[k]?.owner.toText())}`).join('; ')}`);
    }
    const c = i.record.sockets.close;
    if (c !== undefined) {
        const o = byId.get(c.order);
        check(
            `sockets: ${c.holder} closed order ${c.order} (socket bought from ${c.payer}): the refund of the unconfirmed escrow less one fee reached the holder, not the payer`,
            c.status === 'closed' && o?.status === 'closed' && c.refunded === c.escrowBefore && c.refunded > fee && c.holderAfter - c.holderBefore === c.refunded - fee && c.payerAfter === c.payerBefore && o.escrow === 0n && c.refundTo === identityOf(c.holder).getPrincipal().toText(),
            `escrow ${emc(c.escrowBefore)}, refunded ${emc(c.refunded)}, holder received ${emc(c.holderAfter - c.holderBefore)}, payer received ${emc(c.payerAfter - c.payerBefore)}; the refund receipt's block names ${c.refundTo === identityOf(c.holder).getPrincipal().toText() ? c.holder : (c.refundTo ?? 'nobody')}`,
        );
    }
    return checks;
}

export async function checkDistribution(i: DistributionCheckInput, fee: bigint, balanceOf: (a: IcrcAccount) => Promise<ClientResult<bigint>>): Promise<Check[]> {
    const checks: Check[] = [];
    const check = (n: string, ok: boolean, detail = ''): void => {
        checks.push({ name: n, ok, detail });
    };
    const c = i.client;
    // ----- vesting
    const vs = get(await c.vestingSummary(), 'vesting_summary');
    let owed = 0n;
    let overReleased = 0;
    for (let id = 0n; id < vs.schedules; id++) {
        const v = get(await c.getVesting(id), 'get_vesting');
        if (v === undefined || name(v.status) !== 'active') continue;
        owed += v.total - v.released;
        if (v.released > v.unlocked) overReleased++;
    }
    const vested = get(await balanceOf(i.accounts.vesting), 'balance of the vesting account');
    check('vesting: the vesting account holds Σ (total − released) of the active schedules = required_balance; nothing released beyond what unlocked', vested === owed && owed === vs.required_balance && overReleased === 0 && vs.released > 0n, `balance ${emc(vested)}, Σ owed ${emc(owed)}, released ${emc(vs.released)} of ${emc(vs.total)}`);
    // ----- this run's mapping
    const m = i.plan.mapping;
    if (i.mappingId !== undefined) {
        const v = get(await c.getMapping(i.mappingId), 'get_mapping');
        if (v === undefined) throw new Error(`mapping ${i.mappingId} is missing`);
        let source = 0n;
        let dust = 0n;
        let mapped = 0n;
        let claimed = 0n;
        const wrong: string[] = [];
        for (const e of m.entries) {
            const q = get(await c.mappingEntry(i.mappingId, { owner: i.principal(e.owner) }), 'mapping_entry');
            const isDust = e.source < m.dustThreshold;
            const value = isDust ? 0n : (e.source * m.rateNum) / m.rateDen;
            source += e.source;
            if (isDust) dust += e.source;
            mapped += value;
            if (q === undefined || q.dust !== isDust || q.source !== e.source || (!isDust && q.mapped !== value)) wrong.push(e.owner);
            if (q?.claimed === true) claimed += value;
        }
        check(`mapping ${i.mappingId}: mapped + dust = the source total; each entry mapped at ${m.rateNum}/${m.rateDen}, those under the dust threshold not at all`, v.source_total === source && v.dust_source === dust && v.mapped_total === mapped && source - dust + v.dust_source === v.source_total && dust > 0n && wrong.length === 0, `source ${emc(source)} = mapped sources ${emc(source - dust)} + dust ${emc(dust)}; mapped ${emc(v.mapped_total)}, dust value ${emc(v.dust_value)}${wrong.length > 0 ? `; wrong entries ${wrong.slice(0, 3).join(', ')}` : ''}`);
        const held = get(await balanceOf(i.accounts.mapping(i.mappingId)), 'balance of the mapping account');
        const swept = name(v.status) === 'swept';
        check(`mapping ${i.mappingId}: claimed within the window, the rest swept after it; its account is then empty`, v.claimed === claimed && claimed > 0n && swept && v.swept === v.mapped_total - v.claimed && held === 0n, `claimed ${emc(v.claimed)}, swept ${emc(v.swept)}, status ${name(v.status)}, account ${emc(held)}`);
    }
    // ----- the lock-up game
    const g = get(await c.lockupGame(), 'lockup_game');
    if (g !== undefined) {
        const bad: string[] = [];
        let shares = 0n;
        const tiers: string[] = [];
        for (let x = 1; x <= g.periods; x++) {
            const p = get(await c.lockupPeriod(x), 'lockup_period');
            const r = p?.result[0];
            if (r === undefined || !r.final) {
                bad.push(`period ${x} not closed`);
                continue;
            }
            const cx = (g.budget * BigInt(x + 1)) / 100n;
            const basic = (cx * 90n) / 100n;
            const den = g.output_per_period * BigInt(x);
            const tier = r.locked * 100n >= 50n * den ? 100 : r.locked * 100n >= 40n * den ? 80 : r.locked * 100n >= 25n * den ? 50 : 38;
            const perPool = (basic * BigInt(tier)) / 100n / 2n;
            // pool shares + dust = pool reward: what the locks were allotted and what went to the ecosystem fund add up to B_x + K_x
            const dustA = r.per_pool - r.shared_a;
            const dustB = r.per_pool - r.shared_b;
            const dustK = r.competition - r.shared_competition;
            if (r.basic !== basic || r.competition !== cx - basic || r.tier_percent !== tier || r.per_pool !== perPool || r.unearned !== basic - 2n * perPool || dustA < 0n || dustB < 0n || dustK < 0n || r.shared_a + dustA + r.shared_b + dustB + r.unearned + r.shared_competition + dustK !== cx || r.to_ecosystem !== r.unearned + dustA + dustB + dustK) bad.push(`period ${x}`);
            shares += r.shared_a + r.shared_b + r.shared_competition;
            tiers.push(`${x}: ${tier} %`);
        }
        check(`lock-up: every period closed by the job; B_x, K_x and the tier re-derive; pool shares + dust = pool reward (shares + dust + unearned = C_x)`, bad.length === 0 && name(g.status) === 'ended', `${g.periods} periods, tiers ${tiers.join(', ')}${bad.length > 0 ? `; wrong: ${bad.join(', ')}` : ''}`);
        if (i.lockOwnersThisRun) {
            const rewards = i.locks.reduce((s, l) => s + l.reward, 0n);
            const released = i.locks.filter((l) => name(l.status) === 'released').length;
            const small = i.locks.filter((l) => l.reward <= fee).reduce((s, l) => s + l.reward, 0n);
            const lockup = get(await balanceOf(i.accounts.lockup), 'balance of the lock-up account');
            const rewardsHeld = get(await balanceOf(i.accounts.rewards), 'balance of the lock-up rewards account');
            check('lock-up: the locks’ rewards add up to the periods’ shares; every lock was released with its reward; both accounts end empty but for rewards too small to transfer', rewards === shares && released === i.locks.length && i.locks.length === Number(g.locks) && lockup === 0n && rewardsHeld === small, `${i.locks.length} locks, rewards ${emc(rewards)}, shares ${emc(shares)}, lock-up account ${emc(lockup)}, rewards account ${emc(rewardsHeld)} (untransferable ${emc(small)})`);
        }
    }
    return checks;
}
