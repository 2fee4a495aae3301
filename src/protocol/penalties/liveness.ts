/**
 * Liveness penalties (spec §6): who is judged, when, and what a charge does to a node.
 *
 * - A validator is judged while it may vote (active, not suspended, not frozen). Its fault runs
 *   from its last sign of life: admission, its last participation in a confirmed batch, the end of
 *   a suspension or a freeze. 115.7 EMC per complete 60-minute window.
 * - A router is judged while active and not suspended, from the first confirmed report that it is
 *   offline until one reports it online. 3.86 EMC per complete 10-minute window.
 * - A staked compute node is judged while active, from the first report that it is offline (it has
 *   no valid state then) until one reports it online: stake × window / term per complete window.
 *
 * Windows without any confirmed batch are exempt (src/protocol/penalties/windows.ts). A charge is recorded
 * at once as `penaltyDue` on the node (so a suspension takes effect at once) and moved from the
 * node's escrow to the treasury by the maintenance timer through the ledger (protocol.ts).
 * Suspended and frozen nodes are not judged: the windows of a fault start again when they resume.
 *
 * Work per message is bounded: nodes are evaluated lazily (when a batch reports them, when they
 * take part again, when they top up) and by the maintenance timer, which takes the nodes whose next
 * window has completed from a due queue (`due ‖ index`), at most `livenessBatch` per run, each
 * evaluation charging at most `maxWindowsPerEvaluation` windows. A fault that ends with windows
 * still to evaluate leaves an episode record that the timer finishes.
 *
 * Stores:
 *   queue     due u64 ‖ node u64 → empty       nodes judged, by the end of their next window
 *   due       node u64 → due u64                where each node sits in the queue
 *   episodes  node u64 ‖ from u64 → until u64 ‖ k u32   ended faults with windows left to evaluate
 *   deductions node u64 → empty                 nodes with a penalty due to move to the treasury
 *   log       seq u64 → penalty record          every charge, in order (queryable)
 *   state     [1] → charged u64 ‖ moved u64 ‖ forgiven u64 ‖ log count u64
 */
import { Reader, Writer } from '../../lib/storage/binary';
import { concat, readU32be, readU64be, u32be, u64be } from '../../lib/storage/bytes';
import { readLog, type KV } from '../../lib/storage/kv';
import type { NodeRecord, NodeType } from '../nodes/record';
import type { ProtocolParams } from '../model/params';
import { computePenalty, evaluateWindows, type ConfirmationTimes } from './windows';

export interface LivenessStores {
    queue: KV;
    due: KV;
    episodes: KV;
    deductions: KV;
    log: KV;
    state: KV;
}

/** What liveness needs from the protocol. */
export interface LivenessHost {
    params(): ProtocolParams;
    now(): bigint;
    get(index: bigint): NodeRecord | undefined;
    /** Writes the node (and keeps every index, the reward weight and the due queue in step). */
    save(next: NodeRecord, previous: NodeRecord): void;
    /** When validator `index` last took part in a confirmed batch. */
    participationTime(index: bigint): bigint | undefined;
    times: ConfirmationTimes;
}

export type PenaltyKind = 'liveness' | 'impeachment' | 'dispute';

export interface PenaltyRecord {
    seq: bigint;
    nodeIndex: bigint;
    nodeId: string;
    kind: PenaltyKind;
    /** Liveness: the windows charged and the start of the first and last of them. */
    windows: number;
    from: bigint;
    to: bigint;
    amount: bigint;
    time: bigint;
}

export interface PenaltyTotals {
    /** e8s charged so far, moved to the treasury so far, and charged but not recoverable (escrow empty). */
    charged: bigint;
    moved: bigint;
    forgiven: bigint;
    records: bigint;
}

const EMPTY = new Uint8Array(0);
const STATE_KEY = Uint8Array.of(1);
const LOG_FORMAT = 1;
const KINDS: PenaltyKind[] = ['liveness', 'impeachment', 'dispute'];

export class Liveness {
    constructor(
        private readonly kv: LivenessStores,
        private readonly host: LivenessHost,
    ) {}

    // ----- who is judged ---------------------------------------------------------------------------

    /** Is this node's liveness judged now? */
    static judged(n: NodeRecord): boolean {
        if (n.status !== 'active' || n.suspended === true || n.frozen === true) return false;
        if (n.type === 'validator') return true;
        if (n.type === 'router') return n.fault !== undefined;
        return n.stake !== undefined && n.fault !== undefined;
    }

    windowOf(type: NodeType, p: ProtocolParams = this.host.params()): bigint {
        return type === 'validator' ? p.validatorWindowNs : type === 'router' ? p.routerWindowNs : p.computeWindowNs;
    }

    /** Where a judged node's current windows start: its fault's start (a validator: its last sign of life). */
    anchor(n: NodeRecord): { from: bigint; k: number } {
        let from = n.fault?.from ?? n.admittedAt ?? n.registeredAt;
        let k = n.fault?.k ?? 0;
        if (n.type === 'validator') {
            const p = this.host.participationTime(n.index);
            if (p !== undefined && p > from) {
                from = p;
                k = 0;
            }
        } else if (n.type === 'compute' && n.stake !== undefined && n.stake.termStart > from) {
            // Windows before the stake term are not the stake's to pay.
            from = n.stake.termStart;
            k = 0;
        }
        return { from, k };
    }

    /** Keeps the due queue in step with a node write (called by the protocol's save). */
    track(next: NodeRecord, previous: NodeRecord | undefined): void {
        const was = previous !== undefined && Liveness.judged(previous);
        const is = Liveness.judged(next);
        if (!was && !is) return;
        if (!is) {
            this.unschedule(next.index);
            return;
        }
        const { from, k } = this.anchor(next);
        const due = from + BigInt(k + 1) * this.windowOf(next.type);
        const key = u64be(next.index);
        const current = this.kv.due.get(key);
        if (current !== undefined) {
            if (readU64be(current) === due) return;
            this.kv.queue.delete(concat([current, key]));
        }
        this.kv.due.set(key, u64be(due));
        this.kv.queue.set(concat([u64be(due), key]), EMPTY);
    }

    private unschedule(index: bigint): void {
        const key = u64be(index);
        const current = this.kv.due.get(key);
        if (current === undefined) return;
        this.kv.queue.delete(concat([current, key]));
        this.kv.due.delete(key);
    }

    // ----- evaluation ------------------------------------------------------------------------------

    /**
     * Evaluates the node's complete windows up to `until` and charges them: returns the node as it
     * should be written (the caller saves it), or the same object when nothing changed.
     */
    evaluate(n: NodeRecord, until: bigint): NodeRecord {
        if (!Liveness.judged(n)) return n;
        const p = this.host.params();
        const { from, k } = this.anchor(n);
        const w = evaluateWindows(from, k, until, this.windowOf(n.type, p), p.maxWindowsPerEvaluation, this.host.times);
        if (w.charged === 0 && n.fault !== undefined && n.fault.from === from && n.fault.k === w.k) return n;
        let next: NodeRecord = { ...n, fault: { from, k: w.k } };
        if (w.charged > 0) next = this.charge(next, w.charged, w.firstCharged as bigint, w.lastCharged as bigint);
        return next;
    }

    /** Charges `windows` windows of the node's type to the node (at most what its escrow holds). */
    private charge(n: NodeRecord, windows: number, first: bigint, last: bigint): NodeRecord {
        const p = this.host.params();
        const stake = n.stake?.amount ?? 0n;
        const due = n.penaltyDue ?? 0n;
        let per: bigint;
        if (n.type === 'validator') per = p.validatorPenalty;
        else if (n.type === 'router') per = p.routerPenalty;
        else per = n.stake === undefined ? 0n : computePenalty(n.stakeBasis ?? n.stake.amount, n.stake.lockDays, p.computeWindowNs);
        const left = stake - due;
        let amount = per * BigInt(windows);
        if (amount > left) amount = left;
        if (amount <= 0n) return n;
        const next: NodeRecord = { ...n, penaltyDue: due + amount, penalized: n.penalized ?? 0n };
        this.checkSuspension(next, p);
        this.record({ nodeIndex: n.index, nodeId: n.id, kind: 'liveness', windows, from: first, to: last, amount, time: this.host.now() });
        this.kv.deductions.set(u64be(n.index), EMPTY);
        return next;
    }

    /** A confirmed rejection of disputed work (spec §11, dispute_penalty_bp): `amount` of the stake becomes due, at most what is left. */
    chargeAmount(n: NodeRecord, amount: bigint, kind: PenaltyKind): NodeRecord {
        const left = (n.stake?.amount ?? 0n) - (n.penaltyDue ?? 0n);
        const charged = amount < left ? amount : left;
        if (charged <= 0n) return n;
        this.record({ nodeIndex: n.index, nodeId: n.id, kind, windows: 0, from: this.host.now(), to: this.host.now(), amount: charged, time: this.host.now() });
        this.kv.deductions.set(u64be(n.index), EMPTY);
        const next: NodeRecord = { ...n, penaltyDue: (n.penaltyDue ?? 0n) + charged, penalized: n.penalized ?? 0n };
        this.checkSuspension(next);
        return next;
    }

    /** Disqualification (impeachment): the whole stake becomes due. */
    chargeAll(n: NodeRecord, kind: PenaltyKind): NodeRecord {
        const left = (n.stake?.amount ?? 0n) - (n.penaltyDue ?? 0n);
        if (left <= 0n) return n;
        this.record({ nodeIndex: n.index, nodeId: n.id, kind, windows: 0, from: this.host.now(), to: this.host.now(), amount: left, time: this.host.now() });
        this.kv.deductions.set(u64be(n.index), EMPTY);
        return { ...n, penaltyDue: (n.penaltyDue ?? 0n) + left, penalized: n.penalized ?? 0n };
    }

    /** Suspends a validator or router whose stake less its penalties due is below its type's minimum. */
    checkSuspension(n: NodeRecord, p: ProtocolParams = this.host.params()): void {
        if (n.type === 'compute' || n.status !== 'active') return;
        const min = n.type === 'validator' ? p.validatorMinStake : p.routerMinStake;
        const effective = (n.stake?.amount ?? 0n) - (n.penaltyDue ?? 0n);
        if (effective < min) n.suspended = true;
    }

    /**
     * After a top-up: a suspended node whose stake covers its minimum again resumes; its windows
     * start again now (the suspension is not charged).
     */
    resumeIfCovered(n: NodeRecord): NodeRecord {
        if (n.suspended !== true) return n;
        const p = this.host.params();
        const min = n.type === 'validator' ? p.validatorMinStake : p.routerMinStake;
        if ((n.stake?.amount ?? 0n) - (n.penaltyDue ?? 0n) < min) return n;
        return this.restart({ ...n, suspended: undefined });
    }

    /** Windows start again now (after a suspension or a freeze); a router or compute node still offline stays in fault. */
    restart(n: NodeRecord): NodeRecord {
        const now = this.host.now();
        if (n.type === 'validator' || n.online === false) return { ...n, fault: { from: now, k: 0 } };
        return { ...n, fault: undefined };
    }

    /** A validator takes part in a confirmed batch at `at`: the gap since its last sign of life is settled first. */
    participated(index: bigint, previous: bigint | undefined, at: bigint): void {
        const n = this.host.get(index);
        if (n === undefined || n.type !== 'validator' || !Liveness.judged(n)) return;
        let from = n.fault?.from ?? n.admittedAt ?? n.registeredAt;
        let k = n.fault?.k ?? 0;
        if (previous !== undefined && previous > from) {
            from = previous;
            k = 0;
        }
        const w = this.windowOf('validator');
        if (at - from < w) return; // no complete window since: nothing to settle, nothing to write
        const next = this.close({ ...n, fault: { from, k } }, at);
        this.host.save({ ...next, fault: Liveness.judged(next) ? { from: at, k: 0 } : next.fault }, n);
    }

    /** A router or compute node reported online (`true`) or offline: faults open and close here. */
    observed(n: NodeRecord, online: boolean, now: bigint): NodeRecord {
        if (n.type === 'validator') return n;
        if (!online) {
            if (n.fault !== undefined) return n; // already in fault: the windows run on
            return { ...n, fault: { from: now, k: 0 } };
        }
        if (n.fault === undefined) return n;
        const closed = this.close(n, now);
        return { ...closed, fault: undefined };
    }

    /** Evaluates a fault ending at `until`; windows beyond this evaluation's bound go to an episode record. */
    private close(n: NodeRecord, until: bigint): NodeRecord {
        if (!Liveness.judged(n)) return n;
        const next = this.evaluate(n, until);
        const f = next.fault;
        if (f !== undefined && Liveness.judged(next)) {
            const complete = Number((until - f.from) / this.windowOf(n.type));
            if (f.k < complete) this.kv.episodes.set(concat([u64be(n.index), u64be(f.from)]), concat([u64be(until), u32be(f.k)]));
        }
        return next;
    }

    // ----- the timer -------------------------------------------------------------------------------

    /** The end of the earliest next window among judged nodes, or an episode to finish (now). */
    nextDue(now: bigint): bigint | undefined {
        if (this.kv.episodes.size() > 0) return now;
        const first = this.kv.queue.entries(0, 1)[0];
        return first === undefined ? undefined : readU64be(first[0], 0);
    }

    /**
     * When the timer has liveness work: `nextDue`, except while no batch was confirmed at or after
     * the start of the earliest queued window. Every queued window starts at or after that moment
     * (a node's entry is the end of its next window, at most the longest window long), so all of
     * them are exempt (spec §6: a window without any confirmed batch penalises nobody) and
     * evaluating them would only move the queue: an idle network's timer sleeps until the epoch
     * boundary instead of waking every window. Evaluation is lazy and gives the same charges later;
     * the next confirmation wakes the timer (the batch tip's map notes it: src/protocol/system.ts).
     * Cost: `nextDue` and one look at the confirmation index (O(1) when the tip is older).
     */
    nextWork(now: bigint): bigint | undefined {
        if (this.kv.episodes.size() > 0) return now;
        const first = this.kv.queue.entries(0, 1)[0];
        if (first === undefined) return undefined;
        const due = readU64be(first[0], 0);
        const p = this.host.params();
        const longest = [p.validatorWindowNs, p.routerWindowNs, p.computeWindowNs].reduce((a, b) => (a > b ? a : b));
        return this.host.times.firstConfirmationAtOrAfter(due - longest) === undefined ? undefined : due;
    }

    /** One run: nodes whose next window completed, then ended faults with windows left. Returns how many nodes were evaluated. */
    sweep(now: bigint): number {
        const p = this.host.params();
        let evaluated = 0;
        for (const [key] of this.kv.queue.entries(0, p.livenessBatch)) {
            if (readU64be(key, 0) > now) break;
            const index = readU64be(key, 8);
            const n = this.host.get(index);
            if (n === undefined || !Liveness.judged(n)) {
                this.kv.queue.delete(key);
                this.kv.due.delete(u64be(index));
                continue;
            }
            const next = this.evaluate(n, now);
            // Save even when nothing was charged: the queue moves the node to its next window.
            this.host.save(next === n ? { ...n, fault: this.anchor(n) } : next, n);
            evaluated++;
        }
        for (const [key, value] of this.kv.episodes.entries(0, p.livenessBatch)) {
            const index = readU64be(key, 0);
            const from = readU64be(key, 8);
            const until = readU64be(value, 0);
            const k = readU32be(value, 8);
            const n = this.host.get(index);
            this.kv.episodes.delete(key);
            if (n === undefined || n.status !== 'active' || n.suspended === true) continue;
            const w = evaluateWindows(from, k, until, this.windowOf(n.type, p), p.maxWindowsPerEvaluation, this.host.times);
            const complete = Number((until - from) / this.windowOf(n.type, p));
            if (w.k < complete) this.kv.episodes.set(key, concat([u64be(until), u32be(w.k)]));
            if (w.charged > 0) this.host.save(this.charge(n, w.charged, w.firstCharged as bigint, w.lastCharged as bigint), n);
            evaluated++;
        }
        return evaluated;
    }

    // ----- deductions (moved by the protocol) ------------------------------------------------------

    /** Up to `max` nodes with a penalty due. */
    dueDeductions(max: number): bigint[] {
        return this.kv.deductions.entries(0, max).map(([k]) => readU64be(k, 0));
    }

    deductionDone(index: bigint): void {
        this.kv.deductions.delete(u64be(index));
    }

    pendingDeductions(): number {
        return this.kv.deductions.size();
    }

    /** Books a deduction the ledger executed (`moved` e8s reached the treasury; `forgiven` could not be paid). */
    booked(moved: bigint, forgiven: bigint): void {
        const t = this.totals();
        this.saveTotals({ ...t, moved: t.moved + moved, forgiven: t.forgiven + forgiven });
    }

    // ----- the penalty log -------------------------------------------------------------------------

    private record(r: Omit<PenaltyRecord, 'seq'>): void {
        const t = this.totals();
        const w = new Writer(96);
        w.u8(LOG_FORMAT).u64(r.nodeIndex).text(r.nodeId).u8(KINDS.indexOf(r.kind)).u32(r.windows).u64(r.from).u64(r.to).u64(r.amount).u64(r.time);
        this.kv.log.set(u64be(t.records), w.done());
        this.saveTotals({ ...t, charged: t.charged + r.amount, records: t.records + 1n });
    }

    records(start: bigint, count: number): PenaltyRecord[] {
        return readLog(this.kv.log, start, count, (raw, seq) => {
            const r = new Reader(raw);
            if (r.u8() !== LOG_FORMAT) throw new Error('unknown penalty record format');
            return { seq, nodeIndex: r.u64(), nodeId: r.text(), kind: KINDS[r.u8()], windows: r.u32(), from: r.u64(), to: r.u64(), amount: r.u64(), time: r.u64() };
        });
    }

    totals(): PenaltyTotals {
        const raw = this.kv.state.get(STATE_KEY);
        if (raw === undefined) return { charged: 0n, moved: 0n, forgiven: 0n, records: 0n };
        return { charged: readU64be(raw, 1), moved: readU64be(raw, 9), forgiven: readU64be(raw, 17), records: readU64be(raw, 25) };
    }

    private saveTotals(t: PenaltyTotals): void {
        this.kv.state.set(STATE_KEY, concat([Uint8Array.of(1), u64be(t.charged), u64be(t.moved), u64be(t.forgiven), u64be(t.records)]));
    }
}

