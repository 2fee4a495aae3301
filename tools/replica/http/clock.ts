/**
 * The replica's clock while it serves: it follows this machine's wall clock. At `start` the offset
 * between the replica's time and the wall clock is fixed (zero when the replica is behind: it first
 * catches up, running every timer that falls due on the way); from then on the replica's time is
 * wall clock + offset, advanced once a second and before each request, so timers fire in real
 * time. Advances are serialized: one `advanceTime` at a time, never backwards.
 */
import type { EmbeddedReplica } from '../replica';

export class WallClock {
    private offset = 0n;
    private chain: Promise<void> = Promise.resolve();
    private timer: NodeJS.Timeout | undefined;
    private failed: unknown;

    constructor(
        private readonly replica: EmbeddedReplica,
        private readonly log: (line: string) => void = () => {},
    ) {}

    /** Fixes the offset (never negative) and ticks every `intervalMs`. */
    start(intervalMs = 1000): Promise<void> {
        const ahead = this.replica.time() - wallNs();
        this.offset = ahead > 0n ? ahead : 0n;
        this.timer = setInterval(() => void this.sync(), intervalMs);
        this.timer.unref();
        return this.sync();
    }

    stop(): void {
        if (this.timer !== undefined) clearInterval(this.timer);
        this.timer = undefined;
    }

    /** The replica's time this clock aims at now (ns). */
    target(): bigint {
        return wallNs() + this.offset;
    }

    /** How far the replica runs ahead of this machine's clock (ns). */
    offsetNs(): bigint {
        return this.offset;
    }

    /** Brings the replica's clock to `target()`, running due timers; resolves when done. */
    sync(): Promise<void> {
        this.chain = this.chain.then(async () => {
            const ns = this.target() - this.replica.time();
            if (ns <= 0n) return;
            try {
                await this.replica.advanceTime(ns);
            } catch (e) {
                if (this.failed === undefined) this.log(`clock: advancing the replica failed: ${(e as Error).message}`);
                this.failed = e;
            }
        });
        return this.chain;
    }
}

export function wallNs(): bigint {
    return BigInt(Date.now()) * 1_000_000n;
}
