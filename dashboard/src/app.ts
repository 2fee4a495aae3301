/**
 * The EMC network dashboard: a single page served as static files (the devnet's `--serve`, or an
 * asset canister) that reads the canisters through agent-js (data.ts) and redraws every 10 s.
 *
 *   #/             the network: node counts, ΣE, epoch, the verified certified tip, emission so far
 *                  against the schedule, ΣE and eligible nodes per epoch, the ledger's supply and
 *                  treasury, the nodes (top earners, stakes, penalties), the penalty, vote and
 *                  governance logs
 *   #/node/<id>    one node: status, stake and term, E-value, rewards claimable and claimed, its
 *                  penalties and votes
 *
 * Figures use the one display format (src/client/format/display.ts): 2 decimals, the exact value in the
 * tooltip and in the element's `data-value` (what the browser test compares with the canisters).
 */
import { count, emc2, emcExact, toNumber, utc } from '../../src/client/format/display';
import { esc, lineChart } from './charts';
import { loadConfig, Network, type NodeEntry, type Overview } from './data';

const REFRESH_MS = 10_000;
const NODES_REFRESH_MS = 60_000;
const PERIOD_EPOCHS = 90n;

let net: Network;
let nodesCache: { at: number; entries: NodeEntry[] } | undefined;
let timer: ReturnType<typeof setTimeout> | undefined;
let rendering = false;

const app = () => document.getElementById('app') as HTMLElement;

/** A figure: 2 decimals shown, exact value on hover and in data-value. */
const amount = (id: string, e8s: bigint, unit = 'EMC') => `<span data-testid="${id}" data-value="${e8s}" title="${emcExact(e8s)} ${unit}">${emc2(e8s)}</span>`;
const number = (id: string, n: bigint | number) => `<span data-testid="${id}" data-value="${n}">${count(n)}</span>`;
const card = (label: string, value: string, sub = '') => `<div class="card"><div class="label">${esc(label)}</div><div class="value">${value}</div>${sub === '' ? '' : `<div class="sub">${sub}</div>`}</div>`;
const nodeLink = (id: string) => `<a href="#/node/${encodeURIComponent(id)}">${esc(id)}</a>`;
const ago = (ns: bigint, now: bigint) => {
    const s = Number((now - ns) / 1_000_000_000n);
    return s < 90 ? `${s} s ago` : s < 5400 ? `${Math.round(s / 60)} min ago` : `${(s / 3600).toFixed(1)} h ago`;
};

function header(now: bigint | undefined, status: string): string {
    return `<header><h1><a href="#/">EMC network</a></h1><div class="status" data-testid="refresh-status">${esc(status)}</div>${now === undefined ? '' : `<div class="time">network time <span data-testid="network-time" data-value="${now}">${utc(now)}</span></div>`}</header>`;
}

function overviewHtml(o: Overview, nodes: NodeEntry[] | undefined): string {
    const r = o.rewards;
    const tip = o.tip;
    const tipText = tip.value?.height === undefined ? 'no batch yet' : `batch ${count(tip.value.height)}`;
    const tipStatus = tip.verified ? '<span class="ok" data-testid="tip-status" data-value="verified">✓ verified in this browser against the root key</span>' : `<span class="fail" data-testid="tip-status" data-value="unverified">✗ not verified: ${esc(tip.problem ?? '')}</span>`;
    // emission so far against the schedule
    const rewardOf = (epoch: bigint) => o.schedule.find((p) => BigInt(p.period) === epoch / PERIOD_EPOCHS + 1n)?.epochReward ?? 0n;
    let expected = 0n;
    let emitted = 0n;
    const cumE: bigint[] = [];
    const cumS: bigint[] = [];
    for (const e of o.epochs) {
        expected += rewardOf(e.epoch);
        emitted += e.emitted;
        cumE.push(emitted);
        cumS.push(expected);
    }
    const labels = o.epochs.map((e) => String(e.epoch));
    const lastPeriod = o.epochs.length === 0 ? 1 : Number(o.epochs[o.epochs.length - 1].epoch / PERIOD_EPOCHS) + 1;
    const charts = [
        lineChart({ title: 'Emitted so far against the schedule (cumulative)', labels, xLabel: 'epoch', yLabel: 'EMC', series: [{ name: 'emitted (epoch records)', color: '#3b6fb6', values: cumE.map(toNumber), tips: cumE.map((v) => `${emcExact(v)} EMC`) }, { name: 'schedule', color: '#bbb', values: cumS.map(toNumber), tips: cumS.map((v) => `${emcExact(v)} EMC`) }] }),
        lineChart({
            title: 'Emission schedule: EMC per epoch in each 90-epoch period',
            labels: o.schedule.map((p) => String(p.period)),
            xLabel: 'emission period (90 epochs each)',
            yLabel: 'EMC per epoch',
            log: true,
            bands: o.epochs.length === 0 ? [] : [{ from: 0, to: lastPeriod - 1, label: `so far: epochs 0–${o.epochs[o.epochs.length - 1].epoch}` }],
            series: [{ name: 'EMC per epoch', color: '#6a4c93', values: o.schedule.map((p) => toNumber(p.epochReward)), tips: o.schedule.map((p) => `${emcExact(p.epochReward)} EMC`) }],
        }),
        lineChart({ title: 'ΣE of the eligible nodes at each epoch’s close', labels, xLabel: 'epoch', yLabel: 'ΣE (E-value)', series: [{ name: 'ΣE', color: '#3a9d5d', values: o.epochs.map((e) => toNumber(e.totalE)), tips: o.epochs.map((e) => emcExact(e.totalE)) }] }),
        lineChart({ title: 'Eligible nodes at each epoch’s close', labels, xLabel: 'epoch', yLabel: 'nodes', series: [{ name: 'eligible nodes', color: '#777', values: o.epochs.map((e) => Number(e.eligible)) }] }),
    ];
    const pen = o.penaltyLog.map((p) => `<tr><td>${p.seq}</td><td class="l">${utc(p.time)}</td><td class="l">${nodeLink(p.nodeId)}</td><td class="l">${p.kind}</td><td>${p.windows}</td><td title="${emcExact(p.amount)} EMC">${emc2(p.amount)}</td></tr>`).join('');
    const gov = o.governanceLog.map((g) => `<tr><td>${g.seq}</td><td class="l">${utc(g.time)}</td><td class="l">${esc(g.method)}</td><td class="l mono">${esc(g.caller.toText())}</td><td class="l">${esc(g.after)}</td></tr>`).join('');
    const votes = o.votes.map((v) => `<tr><td>${v.id}</td><td class="l">${v.kind === 'impeachment' ? 'impeachment' : 'key rotation'}</td><td class="l">${nodeLink(v.nodeId)}</td><td class="l">${v.status}</td><td>${v.yes} / ${v.electorate}</td><td class="l">${utc(v.openedAt)}</td></tr>`).join('');
    return `
<section class="cards">
${card('validators (active)', number('validators', o.counts.validators), `validator set ${o.validatorSet.size}, quorum ${o.validatorSet.quorum}`)}
${card('routers (active)', number('routers', o.counts.routers))}
${card('compute nodes (active)', number('compute', o.counts.compute))}
${card('ΣE (eligible nodes)', amount('total-e', r.totalE, 'E'), `${number('eligible', r.eligible)} eligible nodes`)}
${card('epoch', number('epoch', r.epoch), `${utc(r.epochStart)} – ${utc(r.epochEnd)}`)}
${card('certified tip', `<span data-testid="tip-height" data-value="${tip.value?.height ?? ''}">${tipText}</span>`, tipStatus)}
</section>
<h2>Emission</h2>
<section class="cards">
${card('emitted so far (EMC)', amount('emitted', r.emitted), `the current epoch accrues pro rata; the schedule for the ${count(o.epochs.length)} closed epochs: <span data-testid="schedule-so-far" data-value="${expected}" title="${emcExact(expected)} EMC">${emc2(expected)}</span>, their records: <span data-testid="emitted-closed" data-value="${emitted}" title="${emcExact(emitted)} EMC">${emc2(emitted)}</span>`)}
${card('distributed to nodes (EMC)', amount('distributed', r.distributed))}
${card('claimed (EMC)', amount('claimed', r.claimed))}
${card('unallocated (EMC)', amount('unallocated', r.unallocated))}
</section>
<div class="charts">${charts.map((c) => `<div class="chart-box">${c}</div>`).join('')}</div>
<h2>Ledger</h2>
<section class="cards">
${card('total supply (EMC)', amount('total-supply', o.ledger.totalSupply))}
${card('treasury (EMC)', amount('treasury', o.ledger.treasury), `penalties charged ${emc2(o.penalties.charged)}, moved ${emc2(o.penalties.moved)}`)}
${card('transfer fee (EMC)', `<span data-testid="fee" data-value="${o.ledger.fee}">${emcExact(o.ledger.fee)}</span>`, 'exact: a fee has more than 2 decimals')}
${card('ledger tip', `<span data-testid="ledger-tip" data-value="${o.ledger.tip.value?.index ?? ''}">${o.ledger.tip.value === undefined ? '—' : `block ${count(o.ledger.tip.value.index)}`}</span>`, o.ledger.tip.verified ? '<span class="ok" data-testid="ledger-tip-status" data-value="verified">✓ verified in this browser</span>' : `<span class="fail" data-testid="ledger-tip-status" data-value="unverified">✗ ${esc(o.ledger.tip.problem ?? '')}</span>`)}
</section>
<h2>Nodes</h2>
${nodes === undefined ? '<p class="note">loading the nodes …</p>' : nodesTable(nodes)}
<h2>Penalty log <span class="note">(latest; ${count(o.penalties.records)} records)</span></h2>
<table><tr><th>#</th><th class="l">time</th><th class="l">node</th><th class="l">kind</th><th>windows</th><th>EMC</th></tr>${pen || '<tr><td colspan="6" class="l">none</td></tr>'}</table>
<h2>Votes</h2>
<table><tr><th>#</th><th class="l">kind</th><th class="l">node</th><th class="l">status</th><th>yes / electorate</th><th class="l">opened</th></tr>${votes || '<tr><td colspan="6" class="l">none</td></tr>'}</table>
<h2>Governance log</h2>
<table><tr><th>#</th><th class="l">time</th><th class="l">method</th><th class="l">caller</th><th class="l">change</th></tr>${gov || '<tr><td colspan="5" class="l">none</td></tr>'}</table>`;
}

function nodesTable(entries: NodeEntry[]): string {
    const earned = (e: NodeEntry) => e.rewards.claimed + e.rewards.claimable;
    const sorted = [...entries].sort((a, b) => (earned(b) > earned(a) ? 1 : earned(b) < earned(a) ? -1 : a.node.nodeId < b.node.nodeId ? -1 : 1));
    const row = (e: NodeEntry, i: number) => {
        const n = e.node;
        const cell = (v: bigint) => `<td title="${emcExact(v)} EMC">${emc2(v)}</td>`;
        return `<tr><td>${i + 1}</td><td class="l">${nodeLink(n.nodeId)}</td><td class="l">${n.type}</td><td class="l">${n.status}${n.suspended ? ' (suspended)' : ''}</td>${cell(n.stake?.amount ?? 0n)}<td>${n.stake?.lockDays ?? 0}</td>${cell(n.eValue)}${cell(earned(e))}${cell(e.rewards.claimable)}${cell(n.penalized + n.penaltyDue)}</tr>`;
    };
    return `<p class="note">${count(entries.length)} nodes, top earners first (earned = claimed + claimable). Amounts in EMC; hover for exact values.</p>
<div class="scroll"><table data-testid="nodes-table"><tr><th>#</th><th class="l">node</th><th class="l">type</th><th class="l">status</th><th>stake</th><th>lock (days)</th><th>E-value</th><th>earned</th><th>claimable</th><th>penalized</th></tr>${sorted.map(row).join('')}</table></div>`;
}

async function nodePageHtml(nodeId: string): Promise<{ html: string; now: bigint }> {
    const [page, o] = await Promise.all([net.node(nodeId), net.protocol.call<{ time_ns: bigint }>('health', [])]);
    const now = o.ok ? o.value.time_ns : 0n;
    const n = page.node;
    if (n === undefined || page.rewards === undefined) return { html: `<p data-testid="node-missing">No node <b>${esc(nodeId)}</b> is registered.</p>`, now };
    const w = page.rewards;
    const s = n.stake;
    const pen = page.penalties.map((p) => `<tr><td>${p.seq}</td><td class="l">${utc(p.time)}</td><td class="l">${p.kind}</td><td>${p.windows}</td><td title="${emcExact(p.amount)} EMC">${emc2(p.amount)}</td></tr>`).join('');
    const votes = page.votes.map((v) => `<tr><td>${v.id}</td><td class="l">${v.kind}</td><td class="l">${v.status}</td><td>${v.yes} / ${v.electorate}</td><td class="l">${utc(v.openedAt)}</td></tr>`).join('');
    const html = `
<h2>Node <span data-testid="node-id">${esc(n.nodeId)}</span> <span class="note">${n.type}</span></h2>
<section class="cards">
${card('status', `<span data-testid="node-status" data-value="${n.status}">${n.status}</span>`, [n.suspended ? 'suspended (stake below minimum)' : '', n.frozen ? 'frozen (key reported)' : '', n.online === undefined ? '' : n.online ? 'online' : 'offline'].filter((x) => x !== '').join(', '))}
${card('stake (EMC)', amount('node-stake', s?.amount ?? 0n), s === undefined ? 'unstaked' : `lock ${s.lockDays} days, term ${utc(s.termStart)} – ${utc(s.termEnd)}, renewals ${s.renewals}`)}
${card('E-value', amount('node-e', n.eValue, 'E'), n.pocMs === undefined ? '' : `PoC ${count(n.pocMs)} ms`)}
${card('rewards claimable (EMC)', amount('node-claimable', w.claimable))}
${card('rewards claimed (EMC)', amount('node-claimed', w.claimed))}
${card('penalized (EMC)', amount('node-penalized', n.penalized), `due ${emc2(n.penaltyDue)}`)}
</section>
<table class="kv">
<tr><td class="l">operator</td><td class="l mono">${esc(n.operator.toText())}</td></tr>
<tr><td class="l">registered</td><td class="l">${utc(n.registeredAt)} (${ago(n.registeredAt, now)})</td></tr>
${n.admittedAt === undefined ? '' : `<tr><td class="l">admitted</td><td class="l">${utc(n.admittedAt)}</td></tr>`}
${n.observedAt === undefined ? '' : `<tr><td class="l">last observed</td><td class="l">${utc(n.observedAt)} (${ago(n.observedAt, now)})</td></tr>`}
<tr><td class="l">reward weight</td><td class="l" title="${w.weight}">${emc2(w.weight)}</td></tr>
${n.pendingOperation === undefined ? '' : `<tr><td class="l">operation in flight</td><td class="l">${esc(n.pendingOperation)}</td></tr>`}
</table>
<h3>Penalties</h3>
<table><tr><th>#</th><th class="l">time</th><th class="l">kind</th><th>windows</th><th>EMC</th></tr>${pen || '<tr><td colspan="5" class="l">none</td></tr>'}</table>
<h3>Votes about this node</h3>
<table><tr><th>#</th><th class="l">kind</th><th class="l">status</th><th>yes / electorate</th><th class="l">opened</th></tr>${votes || '<tr><td colspan="5" class="l">none</td></tr>'}</table>`;
    return { html, now };
}

async function render(): Promise<void> {
    if (rendering) return;
    rendering = true;
    if (timer !== undefined) clearTimeout(timer);
    const route = location.hash.replace(/^#/, '') || '/';
    const stamp = () => `updated ${new Date().toLocaleTimeString('en-GB')} · refreshes every ${REFRESH_MS / 1000} s`;
    try {
        const m = /^\/node\/(.+)$/.exec(route);
        if (m !== null) {
            const { html, now } = await nodePageHtml(decodeURIComponent(m[1]));
            app().innerHTML = `${header(now, stamp())}<main data-testid="page" data-page="node">${html}</main>`;
        } else {
            const o = await net.overview();
            const fresh = nodesCache !== undefined && Date.now() - nodesCache.at < NODES_REFRESH_MS;
            app().innerHTML = `${header(o.time, stamp())}<main data-testid="page" data-page="overview">${overviewHtml(o, nodesCache?.entries)}</main>`;
            if (!fresh) {
                nodesCache = { at: Date.now(), entries: await net.nodes() };
                app().innerHTML = `${header(o.time, stamp())}<main data-testid="page" data-page="overview">${overviewHtml(o, nodesCache.entries)}</main>`;
            }
        }
        document.body.dataset.loaded = String(Date.now());
    } catch (e) {
        const msg = e instanceof Error ? e.message : String(e);
        const status = document.querySelector('[data-testid=refresh-status]');
        if (status !== null) status.textContent = `could not refresh: ${msg.split('\n')[0]} (retrying)`;
        else app().innerHTML = `${header(undefined, `could not read the network: ${msg.split('\n')[0]} (retrying)`)}`;
    } finally {
        rendering = false;
        timer = setTimeout(() => void render(), REFRESH_MS);
    }
}

async function main(): Promise<void> {
    app().innerHTML = header(undefined, 'connecting …');
    const config = await loadConfig();
    net = await Network.connect(config);
    window.addEventListener('hashchange', () => void render());
    await render();
}

void main();
