/**
 * The governance log (spec §8): every executed governance change — parameters, the governance
 * principal, pause and resume, admissions, grants and airdrops — with the caller, the time, and
 * the old and new values, readable by anyone (`governance_log`).
 *
 * Storage: PROTOCOL_MEMORY.GOVERNANCE_LOG (seq u64 BE → u8 format ‖ u64 time ‖ caller ‖ method
 * (short text) ‖ before ‖ after (long text, format 2; format 1 stored them as short text and is
 * still read)); PROTOCOL_MEMORY.GOVERNANCE_STATE ([1] → u8 format 1 ‖ u64 log count ‖ u64 payout
 * count ‖ u64 granted ‖ u64 airdropped: the counters the treasury shares).
 * Cost: one record write and one counter write per entry; reading a page is one read per entry.
 */
import { Reader, Writer } from '../../lib/storage/binary';
import { readU64be, u64be } from '../../lib/storage/bytes';
import { readLog, type KV } from '../../lib/storage/kv';

export interface LogEntry {
    seq: bigint;
    time: bigint;
    caller: Uint8Array;
    method: string;
    before: string;
    after: string;
}

/** The counters kept together in one record: log entries, payouts, and what the two pools paid (reserved when a payout is created, released if it fails). */
export interface GovernanceTotals {
    logCount: bigint;
    payoutCount: bigint;
    granted: bigint;
    airdropped: bigint;
}

const STATE_KEY = Uint8Array.of(1);
const FMT = 1;
const TEXT_FMT = 2;

export class GovernanceLog {
    constructor(
        private readonly log: KV,
        private readonly state: KV,
        private readonly now: () => bigint,
    ) {}

    /** Records a governance action. */
    append(caller: Uint8Array, method: string, before: string, after: string): void {
        const t = this.totals();
        const w = new Writer(128);
        w.u8(TEXT_FMT).u64(this.now()).bytes(caller).text(method).longText(before).longText(after);
        this.log.set(u64be(t.logCount), w.done());
        this.saveTotals({ ...t, logCount: t.logCount + 1n });
    }

    entries(start: bigint, count: number): LogEntry[] {
        return readLog(this.log, start, count, (raw, seq) => {
            const r = new Reader(raw);
            const f = r.u8();
            if (f !== TEXT_FMT && f !== 1) throw new Error(`unknown governance log format ${f}`);
            const long = f === TEXT_FMT;
            return { seq, time: r.u64(), caller: r.bytes(), method: r.text(), before: long ? r.longText() : r.text(), after: long ? r.longText() : r.text() };
        });
    }

    totals(): GovernanceTotals {
        const raw = this.state.get(STATE_KEY);
        if (raw === undefined) return { logCount: 0n, payoutCount: 0n, granted: 0n, airdropped: 0n };
        return { logCount: readU64be(raw, 1), payoutCount: readU64be(raw, 9), granted: readU64be(raw, 17), airdropped: readU64be(raw, 25) };
    }

    saveTotals(t: GovernanceTotals): void {
        const w = new Writer(33);
        w.u8(FMT).u64(t.logCount).u64(t.payoutCount).u64(t.granted).u64(t.airdropped);
        this.state.set(STATE_KEY, w.done());
    }
}
