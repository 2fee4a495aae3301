/**
 * SVG charts as strings, for the devnet's HTML report and the web dashboard (the same code draws
 * both). Every chart has a title, a labelled x axis and a labelled y axis with its unit, a legend,
 * and a tooltip (`<title>`) with the exact figure on each bar or point. A y axis can be
 * logarithmic (the emission schedule's tail), and x ranges can be shaded and labelled (the epochs
 * a run covered). Values are numbers for drawing only; exact figures come in as tooltip text.
 */
import { compact } from '../../src/client/format/display';

export interface Series {
    name: string;
    color: string;
    values: number[];
    /** The exact figure shown on hover, per value (default: the value). */
    tips?: string[];
}

export interface ChartSpec {
    title: string;
    /** One label per x position. */
    labels: string[];
    xLabel: string;
    yLabel: string;
    series: Series[];
    /** Logarithmic y axis (values ≤ 0 are not drawn). */
    log?: boolean;
    /** Shaded x ranges [from, to] (label indices, inclusive) with a caption. */
    bands?: { from: number; to: number; label: string }[];
    /** Draw points on lines (default: when there are at most 60). */
    points?: boolean;
}

const W = 760;
const H = 290;
const L = 70;
const R = 16;
const T = 30;
const B = 62;

export const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function niceMax(v: number): number {
    if (v <= 0) return 1;
    const p = Math.pow(10, Math.floor(Math.log10(v)));
    for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= v) return m * p;
    return 10 * p;
}

interface Frame {
    x: (i: number) => number;
    y: (v: number) => number;
    band: number;
    svg: string[];
}

function frame(spec: ChartSpec, maxValue: number): Frame {
    const n = Math.max(1, spec.labels.length);
    const band = (W - L - R) / n;
    const x = (i: number) => L + band * i + band / 2;
    const plotH = H - T - B;
    let y: (v: number) => number;
    let ticks: number[];
    if (spec.log === true) {
        const positives = spec.series.flatMap((s) => s.values).filter((v) => v > 0);
        const lo = Math.floor(Math.log10(Math.min(...positives, maxValue > 0 ? maxValue : 1)));
        const hi = Math.ceil(Math.log10(Math.max(maxValue, 1e-12)));
        const span = Math.max(1, hi - lo);
        y = (v) => T + plotH * (1 - (Math.log10(Math.max(v, 10 ** lo)) - lo) / span);
        ticks = Array.from({ length: span + 1 }, (_, k) => 10 ** (lo + k));
        if (ticks.length > 8) ticks = ticks.filter((_, k) => k % Math.ceil(ticks.length / 8) === 0);
    } else {
        const max = niceMax(maxValue);
        y = (v) => T + plotH * (1 - v / max);
        ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => f * max);
    }
    const every = Math.max(1, Math.ceil(spec.labels.length / 16));
    const svg: string[] = [];
    svg.push(`<text x="${L}" y="18" font-size="13" font-weight="600">${esc(spec.title)}</text>`);
    for (const b of spec.bands ?? []) {
        const x0 = L + band * b.from;
        const x1 = L + band * (b.to + 1);
        svg.push(`<rect x="${x0.toFixed(1)}" y="${T}" width="${Math.max(2, x1 - x0).toFixed(1)}" height="${plotH}" fill="#f2c14e" fill-opacity="0.25"><title>${esc(b.label)}</title></rect>`);
        svg.push(`<text x="${Math.min(W - R - 4, x0 + 4).toFixed(1)}" y="${T + 12}" font-size="10" fill="#8a6d00">${esc(b.label)}</text>`);
    }
    for (const t of ticks) svg.push(`<line x1="${L}" x2="${W - R}" y1="${y(t).toFixed(1)}" y2="${y(t).toFixed(1)}" stroke="#e3e3e3"/><text x="${L - 6}" y="${(y(t) + 4).toFixed(1)}" font-size="10" text-anchor="end">${compact(t)}</text>`);
    svg.push(`<line x1="${L}" x2="${L}" y1="${T}" y2="${H - B}" stroke="#888"/><line x1="${L}" x2="${W - R}" y1="${H - B}" y2="${H - B}" stroke="#888"/>`);
    spec.labels.forEach((l, i) => {
        if (i % every === 0 || i === spec.labels.length - 1) svg.push(`<text x="${x(i).toFixed(1)}" y="${H - B + 14}" font-size="10" text-anchor="middle">${esc(l)}</text>`);
    });
    svg.push(`<text x="${(L + (W - R - L) / 2).toFixed(1)}" y="${H - B + 32}" font-size="11" text-anchor="middle" class="axis-label">${esc(spec.xLabel)}</text>`);
    svg.push(`<text x="14" y="${T + plotH / 2}" font-size="11" text-anchor="middle" transform="rotate(-90 14 ${T + plotH / 2})" class="axis-label">${esc(spec.yLabel)}${spec.log === true ? ' (log scale)' : ''}</text>`);
    spec.series.forEach((s, i) => {
        svg.push(`<rect x="${L + 10 + i * 170}" y="${H - 16}" width="10" height="10" fill="${s.color}"/><text x="${L + 24 + i * 170}" y="${H - 7}" font-size="11">${esc(s.name)}</text>`);
    });
    return { x, y, band, svg };
}

function wrap(spec: ChartSpec, body: string[]): string {
    return `<svg viewBox="0 0 ${W} ${H}" width="100%" role="img" aria-label="${esc(spec.title)}" class="chart">\n${body.join('\n')}\n</svg>`;
}

export function lineChart(spec: ChartSpec): string {
    const max = Math.max(0, ...spec.series.flatMap((s) => s.values));
    const f = frame(spec, max);
    const dots = spec.points ?? spec.labels.length <= 60;
    for (const s of spec.series) {
        const pts = s.values.map((v, i) => [i, v] as const).filter(([, v]) => spec.log !== true || v > 0);
        f.svg.push(`<polyline fill="none" stroke="${s.color}" stroke-width="2" points="${pts.map(([i, v]) => `${f.x(i).toFixed(1)},${f.y(v).toFixed(1)}`).join(' ')}"/>`);
        pts.forEach(([i, v]) => {
            const tip = `${spec.labels[i]} — ${s.name}: ${s.tips?.[i] ?? v.toLocaleString('en-US')}`;
            f.svg.push(dots ? `<circle cx="${f.x(i).toFixed(1)}" cy="${f.y(v).toFixed(1)}" r="3" fill="${s.color}"><title>${esc(tip)}</title></circle>` : `<rect x="${(f.x(i) - f.band / 2).toFixed(1)}" y="${T}" width="${f.band.toFixed(2)}" height="${H - T - B}" fill="transparent"><title>${esc(tip)}</title></rect>`);
        });
    }
    return wrap(spec, f.svg);
}

export function stackedBars(spec: ChartSpec): string {
    const totals = spec.labels.map((_, i) => spec.series.reduce((a, s) => a + (s.values[i] ?? 0), 0));
    const f = frame(spec, Math.max(0, ...totals));
    spec.labels.forEach((l, i) => {
        let base = 0;
        for (const s of spec.series) {
            const v = s.values[i] ?? 0;
            if (v <= 0) continue;
            f.svg.push(`<rect x="${(f.x(i) - f.band * 0.35).toFixed(1)}" y="${f.y(base + v).toFixed(1)}" width="${(f.band * 0.7).toFixed(1)}" height="${Math.max(0.5, f.y(base) - f.y(base + v)).toFixed(1)}" fill="${s.color}"><title>${esc(`${l} — ${s.name}: ${s.tips?.[i] ?? v.toLocaleString('en-US')}`)}</title></rect>`);
            base += v;
        }
    });
    return wrap(spec, f.svg);
}
