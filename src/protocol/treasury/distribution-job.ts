/**
 * The genesis distribution's timer work (a maintenance `Job`, src/protocol/jobs/maintenance.ts):
 * retries the outbox's transfers whose outcome is unknown or whose attempt was lost (at most
 * `releaseBatch` a run), then runs each further step registered by a section (the lock-up game's
 * period close), each bounded per run.
 * Storage: none of its own. Cost: per run, at most `releaseBatch` ledger calls plus the steps' bounds.
 */
import type { Job } from '../jobs/maintenance';
import type { Outbox } from './outbox';

/** A section's bounded timer step. */
export interface DistributionStep {
    run(now: bigint): Promise<number> | number;
    nextAt(now: bigint): bigint | undefined;
}

export class DistributionJob implements Job {
    readonly name = 'distribution';
    private readonly steps: DistributionStep[] = [];

    constructor(
        private readonly outbox: Outbox,
        private readonly batch: () => number,
    ) {}

    add(step: DistributionStep): void {
        this.steps.push(step);
    }

    async run(now: bigint): Promise<number> {
        let n = await this.outbox.retry(this.batch(), now);
        for (const s of this.steps) n += await s.run(now);
        return n;
    }

    nextAt(now: bigint): bigint | undefined {
        let next = this.outbox.nextRetryAt(now, this.batch());
        for (const s of this.steps) {
            const at = s.nextAt(now);
            if (at !== undefined && (next === undefined || at < next)) next = at;
        }
        return next;
    }
}
