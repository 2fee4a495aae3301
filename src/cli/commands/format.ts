/** Human-readable output: key/value tables, column tables, and values in their JSON form. */
import { formatAccount } from '../../client/account';
import type { IcrcAccount } from '../../client/types/account';
import type { GovernanceLogEntry, Params, TreasuryPayout } from '../../client/types/governance';
import type { Node, PenaltiesSummary, PenaltyLogEntry, Vote } from '../../client/types/protocol';
import { emc } from '../../client/format/display';

/** Two aligned columns: `label   value`. */
export function keyValues(rows: [string, string | undefined][]): string {
    const shown = rows.filter((r): r is [string, string] => r[1] !== undefined);
    const w = Math.max(0, ...shown.map(([k]) => k.length));
    return shown.map(([k, v]) => `${k.padEnd(w)}  ${v}`).join('\n');
}

/** A table with a header row; numbers right-aligned when `right` names their columns. */
export function columns(headers: string[], rows: string[][], right: number[] = []): string {
    const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
    const line = (cells: string[]) => cells.map((c, i) => (right.includes(i) ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ').trimEnd();
    return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

export function time(ns: bigint | undefined): string | undefined {
    if (ns === undefined) return undefined;
    return new Date(Number(ns / 1_000_000n)).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
}

/** E × 10^8 → `1.44508670`. */
export function eValue(e: bigint): string {
    const whole = e / 100_000_000n;
    return `${whole}.${(e % 100_000_000n).toString().padStart(8, '0')}`;
}

export function account(a: IcrcAccount | undefined): string | undefined {
    return a === undefined ? undefined : formatAccount(a);
}

export function nodeTable(n: Node & { rewards?: { claimable: bigint; claimed: bigint; weight: bigint } }): string {
    return keyValues([
        ['node', n.nodeId],
        ['type', n.type],
        ['status', n.status],
        ['operator', n.operator.toText()],
        ['wallet', account(n.wallet)],
        ['stake', n.stake === undefined ? 'none' : `${emc(n.stake.amount)} for ${n.stake.lockDays} days`],
        ['term', n.stake === undefined || n.stake.termEnd === 0n ? undefined : `${time(n.stake.termStart)} → ${time(n.stake.termEnd)}${n.stake.renewals > 0 ? ` (${n.stake.renewals} renewal${n.stake.renewals > 1 ? 's' : ''})` : ''}`],
        ['E-value', eValue(n.eValue)],
        ['PoC', n.pocMs === undefined ? undefined : `${n.pocMs} ms`],
        ['online', n.online === undefined ? undefined : n.online ? 'yes' : 'no'],
        ['registered', time(n.registeredAt)],
        ['admitted', time(n.admittedAt)],
        ['escrow', account(n.escrow)],
        ['pending', n.pendingOperation],
        ['suspended', n.suspended ? 'yes (stake below the minimum after penalties: no rewards or votes until a top-up covers it)' : undefined],
        ['frozen', n.frozen ? 'yes (key reported compromised: no votes, claims or changes until the report is decided)' : undefined],
        ['penalties', n.penalized === 0n && n.penaltyDue === 0n ? undefined : `${emc(n.penalized)} moved to the treasury${n.penaltyDue > 0n ? `, ${emc(n.penaltyDue)} due` : ''}`],
        ['claimable', n.rewards === undefined ? undefined : emc(n.rewards.claimable)],
        ['claimed', n.rewards === undefined ? undefined : emc(n.rewards.claimed)],
    ]);
}

export function nodeRows(nodes: Node[]): string {
    return columns(
        ['node', 'type', 'status', 'stake', 'E-value', 'operator'],
        nodes.map((n) => [n.nodeId, n.type, n.status, n.stake === undefined ? '-' : emc(n.stake.amount), eValue(n.eValue), n.operator.toText()]),
        [3, 4],
    );
}

/** A value as `--json` shows it: accounts as ICRC-1 text (bigints, principals and bytes are handled by toJson). */
export function jsonNode(n: Node & { rewards?: unknown }): Record<string, unknown> {
    return { ...n, wallet: formatAccount(n.wallet), escrow: formatAccount(n.escrow), stake: n.stake === undefined ? undefined : { ...n.stake, owner: formatAccount(n.stake.owner) } };
}

/** How many yes votes decide a vote: more than half of the electorate. */
export function majority(electorate: number): number {
    return Math.floor(electorate / 2) + 1;
}

export function voteTable(v: Vote): string {
    const what = v.kind === 'impeachment' ? `impeachment of ${v.nodeType} ${v.nodeId}` : `key report of validator ${v.nodeId}`;
    const yes = v.kind === 'impeachment' ? 'yes' : 'confirm';
    const no = v.kind === 'impeachment' ? 'no' : 'deny';
    return keyValues([
        ['vote', `${v.id} (${what})`],
        ['status', `${v.status}${v.decidedAt === undefined ? '' : ` at ${time(v.decidedAt)}`}${v.closed ? ', closed' : ''}`],
        ['votes', `${v.yes} ${yes}, ${v.no} ${no} (electorate ${v.electorate}: ${majority(v.electorate)} ${yes} decide)`],
        ['opened', `${v.kind === 'impeachment' ? `by ${v.openedBy} ` : ''}at ${time(v.openedAt)}`],
        ['closes', time(v.closesAt)],
        ['reason', v.reason],
        ['new operator', v.newOperator?.toText()],
        ['non-responders', v.nonResponders.length === 0 ? undefined : v.nonResponders.join(', ')],
    ]);
}

export function voteRows(vs: Vote[]): string {
    return columns(
        ['id', 'kind', 'node', 'status', 'yes', 'no', 'electorate', 'closes'],
        vs.map((v) => [v.id.toString(), v.kind, v.nodeId, v.closed ? `${v.status}, closed` : v.status, String(v.yes), String(v.no), String(v.electorate), time(v.closesAt) ?? '']),
        [0, 4, 5, 6],
    );
}

export function penaltiesText(s: PenaltiesSummary, records: PenaltyLogEntry[]): string {
    const summary = keyValues([
        ['charged', emc(s.charged)],
        ['moved to the treasury', emc(s.moved)],
        ['forgiven', emc(s.forgiven)],
        ['nodes with penalties due', s.pendingDeductions.toString()],
        ['records', s.records.toString()],
    ]);
    if (records.length === 0) return `${summary}
no penalty records in this range`;
    const rows = columns(
        ['seq', 'node', 'kind', 'amount', 'windows', 'first window', 'charged at'],
        records.map((r) => [r.seq.toString(), r.nodeId, r.kind, emc(r.amount), String(r.windows), r.kind === 'liveness' ? (time(r.firstWindow) ?? '') : '-', time(r.time) ?? '']),
        [0, 3, 4],
    );
    return `${summary}

${rows}`;
}

export function payoutRows(ps: TreasuryPayout[]): string {
    return columns(
        ['id', 'kind', 'to', 'amount', 'status', 'block'],
        ps.map((p) => [p.id.toString(), p.kind, formatAccount(p.to), emc(p.amount), p.error === undefined ? p.status : `${p.status} (${p.error})`, p.block === undefined ? '-' : p.block.toString()]),
        [0, 3, 5],
    );
}

export function payoutTable(p: TreasuryPayout): string {
    return keyValues([
        ['payout', `${p.id} (${p.kind})`],
        ['to', formatAccount(p.to)],
        ['amount', emc(p.amount)],
        ['reason', p.reason],
        ['created', time(p.createdAt)],
        ['status', p.status],
        ['block', p.block?.toString()],
        ['error', p.error],
    ]);
}

export function jsonPayout(p: TreasuryPayout): Record<string, unknown> {
    return { ...p, to: formatAccount(p.to) };
}

/** 27 → `2.7`, 10 → `1` (no floating point). */
export function tenths(t: number): string {
    return t % 10 === 0 ? String(t / 10) : `${(t - (t % 10)) / 10}.${t % 10}`;
}

/** Seconds as `3600 s (1 h)`. */
function seconds(s: bigint): string {
    const units: [bigint, string][] = [
        [86_400n, 'd'],
        [3_600n, 'h'],
        [60n, 'min'],
    ];
    const u = units.find(([n]) => s >= n && s % n === 0n);
    return u === undefined ? `${s} s` : `${s} s (${s / u[0]} ${u[1]})`;
}

export function paramsTable(p: Params): string {
    return keyValues([
        ['epoch', seconds(p.epochSeconds)],
        ['validator min stake', emc(p.validatorMinStakeE8s)],
        ['validator min term', `${p.validatorMinTermDays} days`],
        ['validator renewal', `≥ ${p.validatorRenewalMinDays} days, at most ${p.validatorMaxRenewals} time(s)`],
        ['validator penalty', `${emc(p.validatorPenaltyE8s)} per ${seconds(p.validatorWindowSeconds)}`],
        ['router min stake', emc(p.routerMinStakeE8s)],
        ['router min term', `${p.routerMinTermDays} days`],
        ['router renewal', `≥ ${p.routerRenewalMinDays} days`],
        ['router penalty', `${emc(p.routerPenaltyE8s)} per ${seconds(p.routerWindowSeconds)}`],
        ['compute window', seconds(p.computeWindowSeconds)],
        ['compute multipliers', p.computeMultipliers.map((m) => `${m.days}d ×${tenths(m.multiplierTenths)}`).join(', ')],
        ['impeachment window', seconds(p.impeachmentWindowSeconds)],
        ['key-rotation window', seconds(p.keyRotationWindowSeconds)],
        ['ledger fee', emc(p.ledgerFeeE8s)],
    ]);
}

export function governanceLogRows(es: GovernanceLogEntry[]): string {
    return columns(
        ['seq', 'time', 'method', 'caller', 'change'],
        es.map((e) => [e.seq.toString(), time(e.time) ?? '', e.method, e.caller.toText(), e.before === '' ? e.after : `${e.before} → ${e.after}`]),
        [0],
    );
}
