/**
 * Benchmark harness: instructions per message measured through the embedded replica.
 * A benchmark is never a test: nothing here asserts on time or instructions.
 */
import type { EmbeddedReplica } from '../../tools/replica';
import type { Principal } from '@dfinity/principal';

export interface BenchResult {
    instructions: number;
    /** What was measured, in words (method arguments, state size). */
    note?: string;
    /** Messages summed into `instructions` when a call spans several (callbacks of an await). */
    messages?: number;
    /**
     * Instructions of `canister_inspect_message` before the ingress message, not part of
     * `instructions`: the IC runs it on one node before consensus and charges no cycles for it.
     */
    inspect?: number;
    /** For storage rows (instructions 0): bytes of stable memory, as the row's note says. */
    bytes?: number;
}

export type BenchReport = Record<string, BenchResult>;

export interface BenchSuite {
    name: string;
    run(report: (key: string, result: BenchResult) => void): Promise<void>;
}

/**
 * Runs `action` and returns the instructions the canister spent on it: the sum over every message
 * the canister executed meanwhile (the ingress message and the callbacks of its awaits), and
 * apart from it the instructions of `canister_inspect_message` (not charged on the IC).
 */
export async function measure(replica: EmbeddedReplica, canister: Principal, action: () => Promise<unknown>): Promise<{ instructions: number; messages: number; inspect?: number }> {
    const { instructions, messages, inspect } = await measureByKind(replica, canister, action);
    return { instructions, messages, ...(inspect === undefined ? {} : { inspect }) };
}

/** `measure`, with the instructions of each kind of message apart (update, timer, post_upgrade, …). */
export async function measureByKind(replica: EmbeddedReplica, canister: Principal, action: () => Promise<unknown>): Promise<{ instructions: number; messages: number; inspect?: number; byKind: Record<string, { instructions: number; messages: number }> }> {
    const before = replica.executionLog().length;
    await action();
    await replica.idle();
    const log = replica.executionLog().slice(before).filter((e) => e.canister === canister.toText());
    const executed = log.filter((e) => e.kind !== 'inspect_message');
    const inspected = log.filter((e) => e.kind === 'inspect_message');
    const sum = (xs: typeof log): number => Number(xs.reduce((s, e) => s + e.instructions, 0n));
    const byKind: Record<string, { instructions: number; messages: number }> = {};
    for (const e of executed) {
        const k = (byKind[e.kind] ??= { instructions: 0, messages: 0 });
        k.instructions += Number(e.instructions);
        k.messages++;
    }
    return { instructions: sum(executed), messages: executed.length, ...(inspected.length > 0 ? { inspect: sum(inspected) } : {}), byKind };
}

/**
 * Upgrades `canister` and reports two rows: `<prefix>.upgrade` (pre_upgrade, post_upgrade and the
 * timers post_upgrade arms, summed) and `<prefix>.post_upgrade` (that message alone: Azle
 * evaluates the bundle there, then the canister's own post_upgrade runs).
 */
export async function upgradeRows(report: (key: string, r: BenchResult) => void, prefix: string, replica: EmbeddedReplica, canister: Principal, upgrade: () => Promise<unknown>, note: string): Promise<void> {
    const m = await measureByKind(replica, canister, upgrade);
    report(`${prefix}.upgrade`, { instructions: m.instructions, messages: m.messages, note: `pre_upgrade + post_upgrade (evaluating the bundle) and the timers it arms; ${note}` });
    const post = m.byKind.post_upgrade;
    if (post === undefined) throw new Error(`${prefix}: the upgrade ran no post_upgrade`);
    report(`${prefix}.post_upgrade`, { instructions: post.instructions, messages: post.messages, note: `canister_post_upgrade alone (evaluating the bundle, then the canister's post_upgrade); ${note}` });
}

/** Progress lines of a suite (staging, cache loads), on stdout beside the rows. */
export function benchLog(s: string): void {
    process.stdout.write(`${s}\n`);
}
