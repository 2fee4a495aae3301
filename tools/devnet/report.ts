/**
 * The devnet's report: one self-contained HTML file (inline SVG charts, no scripts, no external
 * resources) with the invariants, the emission schedule (log scale, the run's epochs shaded), the
 * emission of the run against the schedule, rewards by node type, penalties, ΣE and the eligible
 * node count (each on its own chart), the per-epoch figures and a per-node table; the compute
 * market (volume and fees per epoch, trading rewards by side, escrow over time, per-epoch figures)
 * the sockets (open sockets over time, this run's resales, the socket checks) and the genesis distribution (the lock-up game's periods: lock rate, tier, rewards per pool; the
 * mappings; the vesting schedule).
 *
 * Figures use one format (src/client/format/display.ts): EMC with 2 decimals, the exact amount in each
 * cell's tooltip and in `--json`. Amounts become numbers only to be drawn (tools/devnet/charts.ts).
 */
import { writeFileSync } from 'node:fs';
import type { DevnetResult, EpochRow, NodeRow } from './types';

export type { NodeRow };
import { EPOCH_SECONDS, SLOT_MINUTES, type Kind, type Plan } from './plan';
import { count, emc2, emcExact, toNumber } from '../../src/client/format/display';
import { esc, lineChart, stackedBars } from '../../dashboard/src/charts';


export interface ReportInput {
    result: DevnetResult;
    plan: Plan;
    emission: { period: number; epochReward: bigint; cumulative: bigint }[];
    nodes?: NodeRow[];
}

const COLORS: Record<string, string> = { validator: '#3b6fb6', router: '#e08a1e', compute: '#3a9d5d', impeachment: '#b23a48' };
const KINDS: Kind[] = ['validator', 'router', 'compute'];
/** Epochs per emission period (spec §5). */
const PERIOD_EPOCHS = 90;

/** A table cell: 2 decimals, the exact amount on hover. */
const cell = (e8s: bigint): string => `<td title="${emcExact(e8s)} EMC">${emc2(e8s)}</td>`;

export function renderReport(r: ReportInput): string {
    const res = r.result;
    const rows = res.epochs;
    const labels = rows.map((e) => String(e.epoch));
    const first = rows[0]?.epoch ?? 0;
    const last = rows[rows.length - 1]?.epoch ?? 0;
    const sched = r.emission;
    const periodOf = (epoch: number) => Math.floor(epoch / PERIOD_EPOCHS) + 1;
    const runBand = rows.length === 0 ? [] : [{ from: sched.findIndex((p) => p.period === periodOf(first)), to: sched.findIndex((p) => p.period === periodOf(last)), label: `this network: epochs ${first}–${last}` }].filter((b) => b.from >= 0 && b.to >= 0);
    const rewardOf = (epoch: number): bigint => sched.find((p) => p.period === periodOf(epoch))?.epochReward ?? 0n;
    let expected = 0n;
    let actual = 0n;
    const cumExpected: bigint[] = [];
    const cumActual: bigint[] = [];
    for (const e of rows) {
        expected += rewardOf(e.epoch);
        actual += e.emitted;
        cumExpected.push(expected);
        cumActual.push(actual);
    }
    const emissionCharts = [
        lineChart({
            title: 'Emission schedule: EMC emitted per epoch in each 90-epoch period (spec §5)',
            labels: sched.map((p) => String(p.period)),
            xLabel: 'emission period (90 epochs each)',
            yLabel: 'EMC per epoch',
            log: true,
            bands: runBand,
            series: [{ name: 'EMC per epoch', color: '#3b6fb6', values: sched.map((p) => toNumber(p.epochReward)), tips: sched.map((p) => `${emcExact(p.epochReward)} EMC`) }],
        }),
        lineChart({
            title: `Cumulative emission by the end of each period (converges to ≈ ${emc2(sched[sched.length - 1]?.cumulative ?? 0n)} EMC)`,
            labels: sched.map((p) => String(p.period)),
            xLabel: 'emission period (90 epochs each)',
            yLabel: 'EMC',
            bands: runBand,
            series: [{ name: 'cumulative EMC', color: '#6a4c93', values: sched.map((p) => toNumber(p.cumulative)), tips: sched.map((p) => `${emcExact(p.cumulative)} EMC`) }],
        }),
        lineChart({
            title: 'Emitted so far against the schedule (cumulative, this network)',
            labels,
            xLabel: 'epoch',
            yLabel: 'EMC',
            series: [
                { name: 'emitted (epoch records)', color: '#3b6fb6', values: cumActual.map(toNumber), tips: cumActual.map((v) => `${emcExact(v)} EMC`) },
                { name: 'schedule', color: '#bbb', values: cumExpected.map(toNumber), tips: cumExpected.map((v) => `${emcExact(v)} EMC`) },
            ],
        }),
    ].join('\n');
    const samples = res.samples;
    const byType = [
        stackedBars({
            title: 'Rewards earned by node type (cumulative: claimed + claimable)',
            labels: samples.map((s) => String(s.epoch)),
            xLabel: 'after epoch',
            yLabel: 'EMC',
            series: KINDS.map((k) => ({ name: k, color: COLORS[k], values: samples.map((s) => toNumber(s.earned[k])), tips: samples.map((s) => `${emcExact(s.earned[k])} EMC`) })),
        }),
        stackedBars({
            title: 'Claims paid per epoch, by node type (rewards accrued in that epoch or earlier)',
            labels,
            xLabel: 'epoch',
            yLabel: 'EMC',
            series: KINDS.map((k) => ({ name: k, color: COLORS[k], values: rows.map((e) => toNumber(e.claimedByKind[k])), tips: rows.map((e) => `${emcExact(e.claimedByKind[k])} EMC`) })),
        }),
    ].join('\n');
    const penalties = stackedBars({
        title: 'Liveness penalties per epoch, by node type',
        labels,
        xLabel: 'epoch',
        yLabel: 'EMC',
        series: KINDS.map((k) => ({ name: k, color: COLORS[k], values: rows.map((e) => toNumber(e.penaltiesByKind[k])), tips: rows.map((e) => `${emcExact(e.penaltiesByKind[k])} EMC`) })),
    });
    const weight = [
        lineChart({ title: 'ΣE: total E-value of the eligible nodes at each epoch’s close', labels, xLabel: 'epoch', yLabel: 'ΣE (E-value)', series: [{ name: 'ΣE', color: '#3a9d5d', values: rows.map((e) => toNumber(e.totalE)), tips: rows.map((e) => emcExact(e.totalE)) }] }),
        lineChart({ title: 'Eligible nodes at each epoch’s close', labels, xLabel: 'epoch', yLabel: 'nodes', series: [{ name: 'eligible nodes', color: '#777', values: rows.map((e) => Number(e.eligible)) }] }),
    ].join('\n');
    const slashed = rows.reduce((s, e) => s + e.penaltiesByKind.impeachment, 0n);
    const figure = (e: EpochRow) => `<tr><td>${e.epoch}</td>${cell(e.emitted)}${cell(e.distributed)}${cell(e.claimed)}${cell(e.penalties)}${cell(e.totalE)}<td>${count(e.eligible)}</td><td class="ev">${esc(e.events.join(', '))}</td></tr>`;
    const nodes = [...(r.nodes ?? [])].sort((a, b) => (b.claimed + b.claimable > a.claimed + a.claimable ? 1 : b.claimed + b.claimable < a.claimed + a.claimable ? -1 : a.nodeId < b.nodeId ? -1 : 1));
    const nodeRow = (n: NodeRow, i: number) =>
        `<tr><td>${i + 1}</td><td class="l">${esc(n.nodeId)}</td><td class="l">${n.kind}</td><td class="l">${esc(n.status)}${n.suspended ? ' (suspended)' : ''}</td>${cell(n.stake)}<td>${n.lockDays}</td>${cell(n.eValue)}${cell(n.claimed + n.claimable)}${cell(n.claimed)}${cell(n.claimable)}${cell(n.penalized)}</tr>`;
    const nodeHead = '<tr><th>#</th><th class="l">node</th><th class="l">type</th><th class="l">status</th><th>stake (EMC)</th><th>lock (days)</th><th>E-value</th><th>earned (EMC)</th><th>claimed</th><th>claimable</th><th>penalized</th></tr>';
    const penalizedNodes = nodes.filter((n) => n.penalized > 0n).sort((a, b) => (b.penalized > a.penalized ? 1 : b.penalized < a.penalized ? -1 : 0));
    const f = r.plan.faults;
    const marketSection = renderMarket(rows);
    const socketsSection = renderSockets(res);
    const distributionSection = renderDistribution(res);
    return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>EMC devnet report</title>
<style>
body{font:14px/1.45 system-ui,sans-serif;max-width:1000px;margin:24px auto;padding:0 16px;color:#222}
h1{font-size:22px}h2{font-size:17px;margin-top:32px}
table{border-collapse:collapse;width:100%;font-size:12px}td,th{border-bottom:1px solid #ddd;padding:3px 6px;text-align:right}
th{background:#f4f4f4}td.ev,th.ev,td.l,th.l{text-align:left}.ok{color:#217a3c}.fail{color:#b23a48;font-weight:600}
.note{color:#555}td[title]{cursor:help}
</style></head><body>
<h1>EMC devnet — run ${res.run}</h1>
<p class="note">${r.plan.validators.length} validators, ${r.plan.routers.length} routers, ${count(r.plan.compute.length)} compute nodes on the embedded replica, driven through the client SDK.
Epoch ${count(EPOCH_SECONDS)} s (governance parameter; mainnet 86,400 s), one batch confirmed every ${SLOT_MINUTES} minutes.
Protocol ${esc(res.protocol)}, ledger ${esc(res.ledger)}${res.state === undefined ? '' : `, state ${esc(res.state)}`}. Ran in ${res.seconds.toFixed(0)} s.
Amounts are EMC with 2 decimals (truncated); hover a figure for its exact value.</p>
<p><b class="${res.ok ? 'ok' : 'fail'}">${res.checks.length === 0 ? 'No scripted run: no invariants were checked.' : res.ok ? 'All invariants hold.' : 'Some invariants FAILED.'}</b></p>
<h2>Invariants</h2>
<table><tr><th class="ev">check</th><th class="ev">result</th><th class="ev">detail</th></tr>
${res.checks.map((c) => `<tr><td class="l">${esc(c.name)}</td><td class="l ${c.ok ? 'ok' : 'fail'}">${c.ok ? 'ok' : 'FAILED'}</td><td class="l">${esc(c.detail)}</td></tr>`).join('\n')}
</table>
<h2>Emission schedule</h2>
${emissionCharts}
<h2>Rewards by node type</h2>
${byType}
<h2>Penalties over time</h2>
${penalties}
<p class="note">Impeachment slashes are not in the liveness chart: ${emc2(slashed)} EMC in this history (${esc(f.impeachment.nodeId)} this run).</p>
<h2>Reward weight</h2>
${weight}
${marketSection}
${socketsSection}
${distributionSection}
<h2>The script (this run)</h2>
<ul>
<li>${esc(f.validatorDown.nodeId)} takes part in no batch for ${f.validatorDown.minutes} minutes.</li>
<li>Routers offline: ${f.routersOffline.map((x) => `${esc(x.nodeId)} ${x.minutes} min`).join(', ')}${f.topUp === undefined ? '' : ` (${esc(f.topUp.nodeId)} stakes exactly the minimum: suspended, then a top-up of ${emc2(f.topUp.amount)} EMC)`}.</li>
<li>Compute nodes without a valid state, back with a new PoC: ${f.computeFailing.map((x) => `${esc(x.nodeId)} ${x.minutes} min`).join(', ')}.</li>
<li>${esc(f.impeachment.accuser)} opens an impeachment of ${esc(f.impeachment.nodeId)}; a majority of routers votes yes.</li>
<li>${esc(f.keyRotation.nodeId)}’s operator reports its key compromised and names a new key; the other validators confirm.</li>
</ul>
<h2>Per epoch</h2>
<p class="note">Amounts in EMC. <i>claims paid</i>: rewards claimed during the epoch, accrued in it or in earlier epochs (so it can exceed what the epoch emitted). <i>distributed</i>: the part of the emission allocated to eligible nodes.</p>
<table><tr><th>epoch</th><th>emitted</th><th>distributed</th><th>claims paid</th><th>penalties</th><th>ΣE</th><th>eligible nodes</th><th class="ev">events</th></tr>
${rows.map(figure).join('\n')}
</table>
${
    nodes.length === 0
        ? ''
        : `<h2>Per node</h2>
<p class="note">Top earners (earned = claimed + claimable; amounts in EMC). Penalized: charged by liveness penalties and slashes (moved to the treasury or still due).</p>
<table>${nodeHead}
${nodes.slice(0, 20).map(nodeRow).join('\n')}
</table>
<h3>Most penalized</h3>
<table>${nodeHead}
${penalizedNodes.slice(0, 15).map(nodeRow).join('\n')}
</table>
<details><summary>All ${count(nodes.length)} nodes</summary>
<table>${nodeHead}
${nodes.map(nodeRow).join('\n')}
</table></details>`
}
</body></html>
`;
}

export function writeReport(path: string, r: ReportInput): void {
    writeFileSync(path, renderReport(r));
}

const MARKET_COLORS = { volume: '#3b6fb6', fees: '#b23a48', buyer: '#3a9d5d', provider: '#e08a1e', escrow: '#6a4c93', pending: '#999' };

/** The compute market: volume and fees per epoch, trading rewards by side, escrow over time, and the per-epoch figures. */
export function renderMarket(rows: EpochRow[]): string {
    const m = rows.filter((e) => e.market !== undefined);
    if (m.length === 0) return '';
    const labels = m.map((e) => String(e.epoch));
    const mk = (e: EpochRow) => e.market as NonNullable<EpochRow['market']>;
    const series = (name: string, color: string, pick: (e: EpochRow) => bigint) => ({ name, color, values: m.map((e) => toNumber(pick(e))), tips: m.map((e) => `${emcExact(pick(e))} EMC`) });
    let cumB = 0n;
    let cumP = 0n;
    const cumBuyer: bigint[] = [];
    const cumProvider: bigint[] = [];
    for (const e of m) {
        cumB += mk(e).buyerRewards;
        cumP += mk(e).providerRewards;
        cumBuyer.push(cumB);
        cumProvider.push(cumP);
    }
    const total = (pick: (e: EpochRow) => bigint) => m.reduce((s, e) => s + pick(e), 0n);
    const charts = [
        stackedBars({ title: 'Market volume per epoch: amounts settled after their dispute window (the 20 % fee in red, the providers’ credit in blue)', labels, xLabel: 'epoch', yLabel: 'EMC', series: [series('provider credit (80 %)', MARKET_COLORS.volume, (e) => mk(e).volume - mk(e).fees), series('fees to the treasury (20 %)', MARKET_COLORS.fees, (e) => mk(e).fees)] }),
        lineChart({
            title: 'Trading rewards granted by side (cumulative; spec §11.1: in period 1 of the reward clock the provider side is 0)',
            labels,
            xLabel: 'epoch',
            yLabel: 'EMC',
            series: [
                { name: 'buyers', color: MARKET_COLORS.buyer, values: cumBuyer.map(toNumber), tips: cumBuyer.map((v) => `${emcExact(v)} EMC`) },
                { name: 'providers', color: MARKET_COLORS.provider, values: cumProvider.map(toNumber), tips: cumProvider.map((v) => `${emcExact(v)} EMC`) },
            ],
        }),
        lineChart({ title: 'Market escrow at each epoch’s close: unconfirmed escrow and confirmed amounts pending their dispute window', labels, xLabel: 'epoch', yLabel: 'EMC', series: [series('escrow (unconfirmed)', MARKET_COLORS.escrow, (e) => mk(e).escrow), series('pending (confirmed, in the dispute window)', MARKET_COLORS.pending, (e) => mk(e).pending)] }),
    ].join('\n');
    const row = (e: EpochRow) => {
        const x = mk(e);
        return `<tr><td>${e.epoch}</td><td>${x.orders}</td>${cell(x.opened)}${cell(x.volume)}${cell(x.fees)}${cell(x.buyerRewards)}${cell(x.providerRewards)}${cell(x.refunded)}${cell(x.escrow)}${cell(x.pending)}${cell(x.claimedCredit)}${cell(x.claimedRewards)}</tr>`;
    };
    return `<h2 id="market">Compute market</h2>
<p class="note">Buyers open orders on the compute nodes’ offers (ICRC-2 into the market escrow); the validators confirm task records (cumulative units) in their batches; confirmed amounts settle after the dispute window: 20 % to the treasury, the rest claimable by the node’s wallet, trading rewards claimable by the payer (and, from period 2 of the reward clock, the provider).
In this history: ${count(m.reduce((s, e) => s + mk(e).orders, 0))} orders, ${emc2(total((e) => mk(e).opened))} EMC paid in, ${emc2(total((e) => mk(e).volume))} EMC settled, ${emc2(total((e) => mk(e).fees))} EMC of fees, ${emc2(total((e) => mk(e).buyerRewards + mk(e).providerRewards))} EMC of trading rewards granted, ${emc2(total((e) => mk(e).refunded))} EMC refunded.</p>
${charts}
<table><tr><th>epoch</th><th>orders opened</th><th>paid in</th><th>settled</th><th>fees</th><th>buyer rewards</th><th>provider rewards</th><th>refunded</th><th>escrow</th><th>pending</th><th>credit claimed</th><th>rewards claimed</th></tr>
${m.map(row).join('\n')}
</table>`;
}

/** The compute sockets (issue 18): icrc7_total_supply at each epoch's close, this run's resales and the resold order closed by its holder, the socket checks. */
export function renderSockets(res: DevnetResult): string {
    const m = res.epochs.filter((e) => e.market?.sockets !== undefined);
    const s = res.sockets;
    if (m.length === 0 && s === undefined) return '';
    const supply = m.map((e) => e.market?.sockets as bigint);
    const chart =
        m.length === 0
            ? ''
            : lineChart({ title: 'Open sockets (icrc7_total_supply) at each epoch’s close', labels: m.map((e) => String(e.epoch)), xLabel: 'epoch', yLabel: 'sockets', series: [{ name: 'sockets', color: '#6a4c93', values: supply.map((v) => Number(v)), tips: supply.map((v) => `${count(v)} sockets`) }] });
    const resales = s?.resales ?? [];
    const c = s?.close;
    const checks = res.checks.filter((x) => x.name.startsWith('sockets:'));
    return `<h2 id="sockets">Compute sockets</h2>
<p class="note">Every order is an ICRC-7 token of the collection EMCS hosted by emc_protocol (token id = order id), minted at market_open and burned once the order is closed and settled. Its holder receives the refunds; buyer trading rewards stay with the payer. ${m.length === 0 ? '' : `${count(supply[supply.length - 1])} open sockets at the last epoch’s close.`}</p>
${chart}
<h3>Resales this run</h3>
${
    resales.length === 0
        ? '<p class="note">No resale this run.</p>'
        : `<table><tr><th>slot</th><th>token</th><th class="l">from</th><th class="l">to</th><th class="l">how</th><th>block</th></tr>
${resales.map((r) => `<tr><td>${r.slot}</td><td>${r.token}</td><td class="l">${esc(r.from)}</td><td class="l">${esc(r.to)}</td><td class="l">${esc(r.how)}</td><td>${r.block}</td></tr>`).join('\n')}
</table>`
}
${c === undefined ? '' : `<p class="note">${esc(c.holder)} closed order ${c.order} (paid by ${esc(c.payer)}): unconfirmed escrow ${emc2(c.escrowBefore)} EMC refunded; the holder’s balance rose by ${emc2(c.holderAfter - c.holderBefore)} EMC (one fee less), the payer’s by ${emc2(c.payerAfter - c.payerBefore)} EMC.</p>`}
${
    checks.length === 0
        ? ''
        : `<table><tr><th class="ev">socket check</th><th class="ev">result</th><th class="ev">detail</th></tr>
${checks.map((x) => `<tr><td class="l">${esc(x.name)}</td><td class="l ${x.ok ? 'ok' : 'fail'}">${x.ok ? 'ok' : 'FAILED'}</td><td class="l">${esc(x.detail)}</td></tr>`).join('\n')}
</table>`
}`;
}

/** The genesis distribution: the lock-up game's periods (lock rates, tiers, rewards), the mappings, the vesting schedule. */
export function renderDistribution(res: DevnetResult): string {
    const d = res.distribution;
    if (d === undefined) return '';
    const g = d.game;
    const p = d.periods;
    const labels = p.map((x) => String(x.period));
    const game =
        g === undefined
            ? '<p class="note">No lock-up game.</p>'
            : `<p class="note">Governance started one game: budget AV ${emc2(g.budget)} EMC from the treasury, theoretical output O ${emc2(g.output)} EMC per period, ${g.periods} periods of ${g.periodEpochs} epoch${g.periodEpochs === 1 ? '' : 's'} (status ${esc(g.status)}, ${count(g.locks)} locks). Lock rate ρ<sub>x</sub> = L<sub>x</sub> / (O × x) sets the tier (38 / 50 / 80 / 100 % of the basic reward B<sub>x</sub>); each pool gets half of what the tier earns, shared by amount × time weight; the competition reward K<sub>x</sub> goes to the pool whose new locks exceed the other’s by more than 10,000 EMC. ${count(d.lockClaims.locks)} locks were released at the end with ${emc2(d.lockClaims.rewards)} EMC of rewards.</p>
${lineChart({ title: 'Lock rate per period (ρ, %) against the tier it earned (% of B_x)', labels, xLabel: 'period', yLabel: '%', series: [{ name: 'lock rate ρ', color: '#3b6fb6', values: p.map((x) => Number(x.rateBps) / 100), tips: p.map((x) => `${(Number(x.rateBps) / 100).toFixed(2)} %`) }, { name: 'tier', color: '#b23a48', values: p.map((x) => x.tier) }] })}
${stackedBars({ title: 'Lock-up rewards per period: pool A, pool B, the competition, and what went to the ecosystem fund', labels, xLabel: 'period', yLabel: 'EMC', series: [
                  { name: 'pool A (guard)', color: '#3a9d5d', values: p.map((x) => toNumber(x.sharedA)), tips: p.map((x) => `${emcExact(x.sharedA)} EMC`) },
                  { name: 'pool B (honor)', color: '#e08a1e', values: p.map((x) => toNumber(x.sharedB)), tips: p.map((x) => `${emcExact(x.sharedB)} EMC`) },
                  { name: 'competition', color: '#6a4c93', values: p.map((x) => toNumber(x.sharedCompetition)), tips: p.map((x) => `${emcExact(x.sharedCompetition)} EMC`) },
                  { name: 'to the ecosystem fund', color: '#bbb', values: p.map((x) => toNumber(x.toEcosystem)), tips: p.map((x) => `${emcExact(x.toEcosystem)} EMC`) },
              ] })}
<table><tr><th>period</th><th>locked L</th><th>ρ</th><th>tier</th><th>B<sub>x</sub></th><th>per pool</th><th>pool A</th><th>pool B</th><th>K<sub>x</sub></th><th class="l">winner</th><th>new A</th><th>new B</th><th>to ecosystem</th></tr>
${p.map((x) => `<tr><td>${x.period}</td>${cell(x.locked)}<td>${(Number(x.rateBps) / 100).toFixed(2)} %</td><td>${x.tier} %</td>${cell(x.basic)}${cell(x.perPool)}${cell(x.sharedA)}${cell(x.sharedB)}${cell(x.competition)}<td class="l">${esc(x.winner)}</td>${cell(x.newA)}${cell(x.newB)}${cell(x.toEcosystem)}</tr>`).join('\n')}
</table>`;
    const mappings = d.mappings.map((m) => `<tr><td>${m.id}</td><td class="l">${esc(m.name)}</td><td class="l">${esc(m.status)}</td><td>${count(m.entries)}</td>${cell(m.sourceTotal)}${cell(m.dustSource)}${cell(m.mappedTotal)}${cell(m.dustValue)}${cell(m.claimed)}${cell(m.swept)}</tr>`).join('\n');
    return `<h2 id="distribution">Genesis distribution</h2>
<h3>Lock-up game (majority game, spec §14)</h3>
${game}
<h3>Airdrop / mapping (spec §13.2)</h3>
<p class="note">Governance creates a mapping, loads its entries, seals it with their count and SHA-256; entries under the dust threshold are not mapped (their value goes to the ecosystem fund); the entitled claim within the window; anyone sweeps the rest to the ecosystem fund after it.</p>
<table><tr><th>id</th><th class="l">name</th><th class="l">status</th><th>entries</th><th>source total</th><th>dust source</th><th>mapped</th><th>dust value</th><th>claimed</th><th>swept</th></tr>
${mappings}
</table>
<h3>Linear release (spec §13.1)</h3>
<p class="note">A genesis schedule of ${emc2(d.vesting.total)} EMC (${count(d.vesting.tranches)} tranches of at most 1,000 EMC; 20.81 % a year) in the protocol’s init argument; ${emc2(d.vesting.released)} EMC released to the beneficiary so far${d.vesting.claims.length === 0 ? '' : ` (this run’s claims: ${d.vesting.claims.map((c) => `epoch ${c.epoch}: ${emc2(c.amount)}`).join(', ')})`}.</p>`;
}
