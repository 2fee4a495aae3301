/**
 * The devnet's report: one self-contained HTML file (inline SVG charts, no scripts, no external
 * resources) with the emission schedule, rewards by node type, penalties over time, the per-epoch
 * figures and the invariants. Amounts are converted to EMC numbers only for drawing.
 */
import { writeFileSync } from 'node:fs';
import type { DevnetResult, EpochRow } from './run';
import { E8S, EPOCH_SECONDS, SLOT_MINUTES, type Kind, type Plan } from './plan';

export interface ReportInput {
    result: DevnetResult;
    plan: Plan;
    emission: { period: number; epochReward: bigint; cumulative: bigint }[];
}

const COLORS: Record<string, string> = { validator: '#3b6fb6', router: '#e08a1e', compute: '#3a9d5d', impeachment: '#b23a48' };
const KINDS: Kind[] = ['validator', 'router', 'compute'];

/** e8s → EMC for a chart axis (display only). */
const toEmc = (e8s: bigint): number => Number(e8s / E8S) + Number(e8s % E8S) / 1e8;

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function amount(e8s: bigint): string {
    const whole = e8s / E8S;
    const frac = (e8s % E8S).toString().padStart(8, '0').replace(/0+$/, '');
    return `${whole.toLocaleString('en-US')}${frac === '' ? '' : `.${frac}`}`;
}

function niceMax(v: number): number {
    if (v <= 0) return 1;
    const p = Math.pow(10, Math.floor(Math.log10(v)));
    for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= v) return m * p;
    return 10 * p;
}

const short = (v: number): string => (v >= 1e6 ? `${+(v / 1e6).toFixed(1)}M` : v >= 1e3 ? `${+(v / 1e3).toFixed(1)}k` : `${+v.toFixed(2)}`);

interface Series {
    name: string;
    color: string;
    values: number[];
}

/** Axes, grid and labels shared by both chart kinds. */
function frame(title: string, labels: string[], max: number, unit: string, body: (x: (i: number) => number, y: (v: number) => number, band: number) => string, legend: Series[]): string {
    const W = 760;
    const H = 260;
    const L = 64;
    const R = 12;
    const T = 28;
    const B = 40;
    const band = (W - L - R) / Math.max(1, labels.length);
    const x = (i: number) => L + band * i + band / 2;
    const y = (v: number) => T + (H - T - B) * (1 - v / max);
    const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => f * max);
    const every = Math.max(1, Math.ceil(labels.length / 15));
    return `<svg viewBox="0 0 ${W} ${H}" width="100%" role="img" aria-label="${esc(title)}">
<text x="${L}" y="16" font-size="13" font-weight="600">${esc(title)}</text>
${ticks.map((t) => `<line x1="${L}" x2="${W - R}" y1="${y(t)}" y2="${y(t)}" stroke="#e3e3e3"/><text x="${L - 6}" y="${y(t) + 4}" font-size="10" text-anchor="end">${short(t)}</text>`).join('\n')}
<text x="12" y="${T + (H - T - B) / 2}" font-size="10" transform="rotate(-90 12 ${T + (H - T - B) / 2})" text-anchor="middle">${esc(unit)}</text>
${labels.map((l, i) => (i % every === 0 ? `<text x="${x(i)}" y="${H - B + 14}" font-size="10" text-anchor="middle">${esc(l)}</text>` : '')).join('')}
${body(x, y, band)}
${legend.map((s, i) => `<rect x="${L + 10 + i * 130}" y="${H - 14}" width="10" height="10" fill="${s.color}"/><text x="${L + 24 + i * 130}" y="${H - 5}" font-size="11">${esc(s.name)}</text>`).join('')}
</svg>`;
}

export function stackedBars(title: string, labels: string[], series: Series[], unit: string): string {
    const totals = labels.map((_, i) => series.reduce((s, x) => s + (x.values[i] ?? 0), 0));
    const max = niceMax(Math.max(0, ...totals));
    return frame(title, labels, max, unit, (x, y, band) => {
        const out: string[] = [];
        labels.forEach((l, i) => {
            let base = 0;
            for (const s of series) {
                const v = s.values[i] ?? 0;
                if (v <= 0) continue;
                out.push(`<rect x="${x(i) - band * 0.35}" y="${y(base + v)}" width="${band * 0.7}" height="${Math.max(0.5, y(base) - y(base + v))}" fill="${s.color}"><title>${esc(`${l}: ${s.name} ${v.toLocaleString('en-US')} ${unit}`)}</title></rect>`);
                base += v;
            }
        });
        return out.join('\n');
    }, series);
}

export function lines(title: string, labels: string[], series: Series[], unit: string): string {
    const max = niceMax(Math.max(0, ...series.flatMap((s) => s.values)));
    return frame(title, labels, max, unit, (x, y) => series.map((s) => `<polyline fill="none" stroke="${s.color}" stroke-width="2" points="${s.values.map((v, i) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(' ')}"/>`).join('\n'), series);
}

export function renderReport(r: ReportInput): string {
    const res = r.result;
    const rows = res.epochs;
    const labels = rows.map((e) => String(e.epoch));
    const sched = r.emission.filter((e) => e.epochReward > 0n || e.period <= 70);
    const schedule = [
        lines('Emission schedule: reward per epoch in each 90-epoch period (spec §5)', sched.map((e) => String(e.period)), [{ name: 'EMC per epoch', color: '#3b6fb6', values: sched.map((e) => toEmc(e.epochReward)) }], 'EMC / epoch'),
        lines('Cumulative emission by the end of each period (converges to ≈ 217.7M EMC)', sched.map((e) => String(e.period)), [{ name: 'cumulative EMC', color: '#6a4c93', values: sched.map((e) => toEmc(e.cumulative)) }], 'EMC'),
    ].join('\n');
    const samples = res.samples;
    const byType = [
        stackedBars('Rewards earned by node type (cumulative: claimed + claimable)', samples.map((s) => `after ${s.epoch}`), KINDS.map((k) => ({ name: k, color: COLORS[k], values: samples.map((s) => toEmc(s.earned[k])) })), 'EMC'),
        stackedBars('Rewards claimed per epoch, by node type', labels, KINDS.map((k) => ({ name: k, color: COLORS[k], values: rows.map((e) => toEmc(e.claimedByKind[k])) })), 'EMC'),
    ].join('\n');
    const penalties = [
        stackedBars('Liveness penalties per epoch, by node type', labels, KINDS.map((k) => ({ name: k, color: COLORS[k], values: rows.map((e) => toEmc(e.penaltiesByKind[k])) })), 'EMC'),
        lines('ΣE of eligible nodes at each epoch’s close, and eligible nodes', labels, [{ name: 'ΣE', color: '#3a9d5d', values: rows.map((e) => toEmc(e.totalE)) }, { name: 'eligible nodes', color: '#999', values: rows.map((e) => Number(e.eligible)) }], 'E / nodes'),
    ].join('\n');
    const slashed = rows.reduce((s, e) => s + e.penaltiesByKind.impeachment, 0n);
    const figure = (e: EpochRow) =>
        `<tr><td>${e.epoch}</td><td>${amount(e.emitted)}</td><td>${amount(e.distributed)}</td><td>${amount(e.claimed)}</td><td>${amount(e.penalties)}</td><td>${amount(e.totalE)}</td><td>${e.eligible}</td><td class="ev">${esc(e.events.join(', '))}</td></tr>`;
    const f = r.plan.faults;
    return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>EMC devnet report</title>
<style>
body{font:14px/1.45 system-ui,sans-serif;max-width:980px;margin:24px auto;padding:0 16px;color:#222}
h1{font-size:22px}h2{font-size:17px;margin-top:32px}
table{border-collapse:collapse;width:100%;font-size:12px}td,th{border-bottom:1px solid #ddd;padding:3px 6px;text-align:right}
th{background:#f4f4f4}td.ev,th.ev,td.l{text-align:left}.ok{color:#217a3c}.fail{color:#b23a48;font-weight:600}
.note{color:#555}
</style></head><body>
<h1>EMC devnet — run ${res.run}</h1>
<p class="note">${r.plan.validators.length} validators, ${r.plan.routers.length} routers, ${r.plan.compute.length} compute nodes on the embedded replica, driven through the client SDK.
Epoch ${EPOCH_SECONDS} s (governance parameter; mainnet 86,400 s), one batch confirmed every ${SLOT_MINUTES} minutes.
Protocol ${esc(res.protocol)}, ledger ${esc(res.ledger)}${res.state === undefined ? '' : `, state ${esc(res.state)}`}. Ran in ${res.seconds.toFixed(0)} s.</p>
<p><b class="${res.ok ? 'ok' : 'fail'}">${res.ok ? 'All invariants hold.' : 'Some invariants FAILED.'}</b></p>
<h2>Invariants</h2>
<table><tr><th class="ev">check</th><th class="ev">result</th><th class="ev">detail</th></tr>
${res.checks.map((c) => `<tr><td class="l">${esc(c.name)}</td><td class="l ${c.ok ? 'ok' : 'fail'}">${c.ok ? 'ok' : 'FAILED'}</td><td class="l">${esc(c.detail)}</td></tr>`).join('\n')}
</table>
<h2>Emission schedule</h2>
${schedule}
<h2>Rewards by node type</h2>
${byType}
<h2>Penalties over time</h2>
${penalties}
<p class="note">Impeachment slashes are not in the liveness chart: ${amount(slashed)} EMC in this history (${esc(f.impeachment.nodeId)} this run).</p>
<h2>The script (this run)</h2>
<ul>
<li>${esc(f.validatorDown.nodeId)} takes part in no batch for ${f.validatorDown.minutes} minutes.</li>
<li>Routers offline: ${f.routersOffline.map((x) => `${esc(x.nodeId)} ${x.minutes} min`).join(', ')}${f.topUp === undefined ? '' : ` (${esc(f.topUp.nodeId)} stakes exactly the minimum: suspended, then a top-up of ${amount(f.topUp.amount)} EMC)`}.</li>
<li>Compute nodes without a valid state, back with a new PoC: ${f.computeFailing.map((x) => `${esc(x.nodeId)} ${x.minutes} min`).join(', ')}.</li>
<li>${esc(f.impeachment.accuser)} opens an impeachment of ${esc(f.impeachment.nodeId)}; a majority of routers votes yes.</li>
<li>${esc(f.keyRotation.nodeId)}’s operator reports its key compromised and names a new key; the other validators confirm.</li>
</ul>
<h2>Per epoch</h2>
<table><tr><th>epoch</th><th>emitted</th><th>distributed</th><th>claimed</th><th>penalties</th><th>ΣE</th><th>eligible</th><th class="ev">events</th></tr>
${rows.map(figure).join('\n')}
</table>
</body></html>
`;
}

export function writeReport(path: string, r: ReportInput): void {
    writeFileSync(path, renderReport(r));
}
