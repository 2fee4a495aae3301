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
    const before = replica.executionLog().length;
    await action();
    await replica.idle();
    const log = replica.executionLog().slice(before).filter((e) => e.canister === canister.toText());
    const executed = log.filter((e) => e.kind !== 'inspect_message');
    const inspected = log.filter((e) => e.kind === 'inspect_message');
    const sum = (xs: typeof log): number => Number(xs.reduce((s, e) => s + e.instructions, 0n));
    return { instructions: sum(executed), messages: executed.length, ...(inspected.length > 0 ? { inspect: sum(inspected) } : {}) };
}
