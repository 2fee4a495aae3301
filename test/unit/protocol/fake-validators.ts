/** The validator view the batch tests run against (unit tests of src/protocol/batches/batches.ts). */
import type { ValidatorView } from '../../../src/protocol/batches/batches';

export const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

/**
 * Validators 0..n-1 sign as principal(100 + i) and have node index `indexBase + i`; `suspended`
 * ones may not vote; while `pausedFor` is set the protocol is paused. Anything else is not a validator.
 */
export class FakeValidators implements ValidatorView {
    readonly suspended = new Set<number>();
    /** Governance's reason while the protocol is paused. */
    pausedFor: string | undefined;
    constructor(public n: number, readonly indexBase = 0n) {}
    activeValidator(p: Uint8Array): bigint | undefined {
        if (p.length !== 29 || p[28] !== 0x02) return undefined;
        const i = (p[0] | (p[1] << 8)) - 100;
        if (i < 0 || i >= this.n || this.suspended.has(i)) return undefined;
        return this.indexBase + BigInt(i);
    }
    activeCount(): number {
        return this.n - this.suspended.size;
    }
    paused(): string | undefined {
        return this.pausedFor;
    }
}
