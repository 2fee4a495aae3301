/**
 * Benchmark harness: instructions per message measured through the embedded replica.
 * A benchmark is never a test: nothing here asserts on time or instructions.
 */
import type { EmbeddedReplica } from '../../src/replica';
import type { Principal } from '@dfinity/principal';

export interface BenchResult {
    instructions: number;
    /** What was measured, in words (method arguments, state size). */
    note?: string;
    /** Messages summed into `instructions` when a call spans several (callbacks of an await). */
    messages?: number;
}

export type BenchReport = Record<string, BenchResult>;

export interface BenchSuite {
    name: string;
    run(report: (key: string, result: BenchResult) => void): Promise<void>;
}

/**
 * Runs `action` and returns the instructions the canister spent on it: the sum over every message
 * the canister executed meanwhile (the ingress message and the callbacks of its awaits).
 */
export async function measure(replica: EmbeddedReplica, canister: Principal, action: () => Promise<unknown>): Promise<{ instructions: number; messages: number }> {
    const before = replica.executionLog().length;
    await action();
    await replica.idle();
    const log = replica.executionLog().slice(before).filter((e) => e.canister === canister.toText());
    return { instructions: Number(log.reduce((s, e) => s + e.instructions, 0n)), messages: log.length };
}
