/** Human-readable output: key/value tables, column tables, and values in their JSON form. */
import { formatAccount, type Account } from '../client/account';
import type { Node } from '../client/protocol';
import { emc } from '../client/result';

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

export function account(a: Account | undefined): string | undefined {
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
