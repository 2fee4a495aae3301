/**
 * Random interleavings of proposals, votes, suspensions and clock steps by random validators over
 * several heights, checked against a model of spec §4 and against the invariants: each height
 * applied at most once, applied heights strictly increasing, every applied batch backed by at
 * least quorum distinct votes for its digest, the sink saw exactly the applied batches' state bits
 * in order, and the stores stay bounded.
 */
import { Principal } from '@dfinity/principal';
import fc from 'fast-check';
import { FakeEnv } from '../../../src/lib/env';
import { Batches, type StateBitSink } from '../../../src/protocol/batches/batches';
import { batchDigest, type BatchPayload, type BatchResult } from '../../../src/protocol/batches/payload';
import { batchTipRootHash, EMPTY_TREE_HASH } from '../../../src/protocol/batches/certified-tip';
import { quorum } from '../../../src/protocol/validators/quorum';
import { MemoryKV } from '../../../src/lib/storage/kv';
import { principal, T0 } from '../ledger/helpers';
import { FakeValidators, hex } from './fake-validators';

type Bit = string;
class Sink implements StateBitSink {
    seen: Bit[] = [];
    applyPoc(nodeId: string, operator: Uint8Array, pocMs: number, height: bigint): string {
        this.seen.push(`${height}:poc:${nodeId}:${hex(operator)}:${pocMs}`);
        return 'applied';
    }
    applyObservation(nodeId: string, online: boolean, height: bigint): string {
        this.seen.push(`${height}:obs:${nodeId}:${online}`);
        return 'wrong_operator';
    }
}

function bits(p: BatchPayload, h: bigint): Bit[] {
    return [
        ...p.poc_results.map((r) => `${h}:poc:${r.node_id}:${hex(r.operator.toUint8Array())}:${r.poc_ms}`),
        ...p.observations.map((o) => `${h}:obs:${o.node_id}:${o.online}`),
    ];
}

/** Two alternative payloads per height (1..HEIGHTS). */
const HEIGHTS = 5;
function alternative(h: number, alt: number): BatchPayload {
    return {
        poc_results: Array.from({ length: 1 + ((h + alt) % 3) }, (_, i) => ({ node_id: `c${h}a${alt}i${i}`, operator: Principal.fromUint8Array(principal(900 + i)), poc_ms: 10 * h + alt + i + 1 })),
        observations: Array.from({ length: (h * alt) % 3 }, (_, i) => ({ node_id: `r${h}a${alt}i${i}`, online: i % 2 === 0 })),
    };
}

type Action =
    | { kind: 'propose'; v: number; h: number; alt: number; badDigest: boolean }
    | { kind: 'vote'; v: number; h: number; alt: number }
    | { kind: 'suspend'; v: number }
    | { kind: 'reinstate'; v: number }
    | { kind: 'tick'; dt: number };

/** Mostly the first alternative, so that quorums form. */
const altArb = fc.integer({ min: 0, max: 3 }).map((x) => (x === 3 ? 1 : 0));

const actionArb = (n: number): fc.Arbitrary<Action> =>
    fc.oneof(
        { weight: 3, arbitrary: fc.record({ kind: fc.constant('propose' as const), v: fc.integer({ min: 0, max: n }), h: fc.integer({ min: 1, max: HEIGHTS }), alt: altArb, badDigest: fc.integer({ min: 0, max: 9 }).map((x) => x === 0) }) },
        { weight: 8, arbitrary: fc.record({ kind: fc.constant('vote' as const), v: fc.integer({ min: 0, max: n }), h: fc.integer({ min: 1, max: HEIGHTS }), alt: altArb }) },
        { weight: 1, arbitrary: fc.record({ kind: fc.constant('suspend' as const), v: fc.integer({ min: 0, max: n - 1 }) }) },
        { weight: 1, arbitrary: fc.record({ kind: fc.constant('reinstate' as const), v: fc.integer({ min: 0, max: n - 1 }) }) },
        { weight: 1, arbitrary: fc.record({ kind: fc.constant('tick' as const), dt: fc.integer({ min: 0, max: 1000 }) }) },
    );

/** The spec's rules, directly. */
class Model {
    tip: number | undefined;
    /** height → digest hex → { proposer, voters } */
    proposals = new Map<number, Map<string, { proposer: number; voters: Set<number> }>>();
    /** height → validator → digest hex */
    votes = new Map<number, Map<number, string>>();
    confirmed = new Map<number, string>();
    applied: { h: number; digest: string; votersAtConfirm: number; quorum: number }[] = [];
    confirmTimes: bigint[] = [];
    participation = new Map<number, { height: number; time: bigint }>();

    constructor(readonly validators: FakeValidators) {}

    private byHeight<T>(m: Map<number, Map<any, T>>, h: number): Map<any, T> {
        let x = m.get(h);
        if (x === undefined) m.set(h, (x = new Map()));
        return x;
    }

    private settle(h: number, d: string, now: bigint): { votes: number; confirmed: boolean } {
        const p = this.proposals.get(h)!.get(d)!;
        const q = quorum(this.validators.activeCount());
        if (p.voters.size < q) return { votes: p.voters.size, confirmed: false };
        this.tip = h;
        this.confirmed.set(h, d);
        const last = this.confirmTimes[this.confirmTimes.length - 1];
        const at = last !== undefined && last > now ? last : now;
        this.confirmTimes.push(at);
        this.applied.push({ h, digest: d, votersAtConfirm: p.voters.size, quorum: q });
        for (const v of p.voters) this.participation.set(v, { height: h, time: at });
        return { votes: p.voters.size, confirmed: true };
    }

    propose(v: number, h: number, d: string, badDigest: boolean, now: bigint): string {
        if (this.validators.activeValidator(principal(100 + v)) === undefined) return 'NotAValidator';
        if (this.tip !== undefined && h <= this.tip) return 'StaleHeight';
        if (badDigest) return 'DigestMismatch';
        const votes = this.byHeight(this.votes, h);
        const props = this.byHeight(this.proposals, h);
        const prior = votes.get(v);
        if (prior !== undefined && prior !== d) return props.get(prior)!.proposer === v ? 'AlreadyProposed' : 'ConflictingVote';
        if (prior === undefined) {
            votes.set(v, d);
            const p = props.get(d);
            if (p === undefined) props.set(d, { proposer: v, voters: new Set([v]) });
            else p.voters.add(v);
        }
        return JSON.stringify(this.settle(h, d, now));
    }

    vote(v: number, h: number, d: string, now: bigint): string {
        if (this.validators.activeValidator(principal(100 + v)) === undefined) return 'NotAValidator';
        if (this.tip !== undefined && h <= this.tip) {
            const c = this.confirmed.get(h);
            if (c === undefined) return 'StaleHeight';
            const prior = h === this.tip ? this.votes.get(h)?.get(v) : undefined;
            if (prior !== undefined && prior !== d) return 'ConflictingVote';
            if (prior === undefined) {
                if (c !== d) return 'ConflictingVote';
                if (h === this.tip) {
                    this.byHeight(this.votes, h).set(v, d);
                    this.proposals.get(h)!.get(d)!.voters.add(v);
                }
                const part = this.participation.get(v);
                if (part === undefined || part.height < h) this.participation.set(v, { height: h, time: now });
            }
            return 'confirmed';
        }
        const p = this.proposals.get(h)?.get(d);
        if (p === undefined) return 'UnknownProposal';
        const votes = this.byHeight(this.votes, h);
        const prior = votes.get(v);
        if (prior !== undefined && prior !== d) return 'ConflictingVote';
        if (prior === undefined) {
            votes.set(v, d);
            p.voters.add(v);
        }
        return JSON.stringify(this.settle(h, d, now));
    }
}

function shape(r: BatchResult): string {
    if ('Err' in r) {
        const [kind] = Object.keys(r.Err);
        const message = (r.Err as Record<string, { message?: unknown }>)[kind].message;
        if (typeof message !== 'string' || message.length < 10) throw new Error(`${kind} without a readable message`);
        return kind;
    }
    return JSON.stringify({ votes: r.Ok.votes, confirmed: r.Ok.confirmed });
}

describe('random interleavings', () => {
    it('agree with the model and keep the invariants', () => {
        let runsWithTwoApplied = 0;
        fc.assert(
            fc.property(
                fc.integer({ min: 4, max: 10 }).chain((n) => fc.tuple(fc.constant(n), fc.array(actionArb(n), { minLength: 1, maxLength: 250, size: 'max' }))),
                ([n, actions]) => {
                    const validators = new FakeValidators(n);
                    const sink = new Sink();
                    const env = new FakeEnv(principal(100), T0);
                    const stores = { config: new MemoryKV(), proposals: new MemoryKV(), votes: new MemoryKV(), confirmed: new MemoryKV(), participation: new MemoryKV() };
                    const batches = new Batches(stores, validators, sink, env, { keepConfirmedPayloads: 2 });
                    batches.certifyTip();
                    expect(hex(env.certified)).toBe(hex(EMPTY_TREE_HASH));
                    const model = new Model(validators);
                    let maxProposals = 0;
                    let maxVotes = 0;
                    for (const a of actions) {
                        if (a.kind === 'tick') {
                            env.time += BigInt(a.dt);
                            continue;
                        }
                        if (a.kind === 'suspend') {
                            if (validators.activeCount() > 1) validators.suspended.add(a.v);
                            continue;
                        }
                        if (a.kind === 'reinstate') {
                            validators.suspended.delete(a.v);
                            continue;
                        }
                        const p = alternative(a.h, a.alt);
                        const d = batchDigest(p);
                        const dh = hex(d);
                        const appliedBefore = model.applied.length;
                        const seenBefore = sink.seen.length;
                        env.as(principal(100 + a.v));
                        let got: BatchResult;
                        let want: string;
                        if (a.kind === 'propose') {
                            got = batches.propose(BigInt(a.h), p, a.badDigest ? batchDigest(alternative(a.h, 1 - a.alt)) : d);
                            want = model.propose(a.v, a.h, dh, a.badDigest, env.time);
                        } else {
                            got = batches.vote(BigInt(a.h), d);
                            want = model.vote(a.v, a.h, dh, env.time);
                        }
                        const gotShape = shape(got);
                        if (want === 'confirmed') expect('Ok' in got && got.Ok.confirmed).toBe(true);
                        else expect(gotShape).toBe(want);
                        // an apply happens only in the call that confirms, and applies exactly that batch
                        if (model.applied.length > appliedBefore) {
                            expect(sink.seen.slice(seenBefore)).toEqual(bits(p, BigInt(a.h)));
                            expect(hex(env.certified)).toBe(hex(batchTipRootHash(BigInt(a.h), d)));
                        } else {
                            expect(sink.seen.length).toBe(seenBefore);
                        }
                        maxProposals = Math.max(maxProposals, stores.proposals.size());
                        maxVotes = Math.max(maxVotes, stores.votes.size());
                    }
                    if (model.applied.length >= 2) runsWithTwoApplied++;
                    // invariants over the applied batches
                    const heights = model.applied.map((x) => x.h);
                    for (let i = 1; i < heights.length; i++) expect(heights[i]).toBeGreaterThan(heights[i - 1]);
                    for (const x of model.applied) expect(x.votersAtConfirm).toBeGreaterThanOrEqual(x.quorum);
                    const expected = model.applied.flatMap((x) => {
                        const alt = [0, 1].find((k) => hex(batchDigest(alternative(x.h, k))) === x.digest)!;
                        return bits(alternative(x.h, alt), BigInt(x.h));
                    });
                    expect(sink.seen).toEqual(expected);
                    // the canister's own records agree
                    const last = model.applied[model.applied.length - 1];
                    expect(batches.lastConfirmed()?.height).toBe(last === undefined ? undefined : BigInt(last.h));
                    expect(batches.confirmationCount()).toBe(BigInt(model.applied.length));
                    for (const x of model.applied) {
                        const info = batches.getBatch(BigInt(x.h));
                        expect(hex(info.confirmed[0]!.digest)).toBe(x.digest);
                        expect(info.confirmed[0]!.votes).toBe(x.votersAtConfirm);
                    }
                    for (let v = 0; v < n; v++) {
                        const m = model.participation.get(v);
                        expect(batches.participation(BigInt(v))).toEqual(m === undefined ? undefined : { height: BigInt(m.height), time: m.time });
                    }
                    const edges = [T0 - 1n, T0, ...model.confirmTimes.flatMap((x) => [x - 1n, x, x + 1n]), env.time + 1n];
                    for (const t0 of edges) {
                        for (const t1 of edges) {
                            expect(batches.confirmedBetween(t0, t1)).toBe(model.confirmTimes.some((x) => x >= t0 && x < t1));
                        }
                    }
                    // bounded: at most HEIGHTS heights of proposals (3 keys each, ≤ n digests) and votes
                    expect(maxProposals).toBeLessThanOrEqual(HEIGHTS * (1 + 2 * 2));
                    expect(maxVotes).toBeLessThanOrEqual(HEIGHTS * n);
                },
            ),
            { numRuns: 300 },
        );
        // not vacuous: many runs confirm several heights
        expect(runsWithTwoApplied).toBeGreaterThan(60);
    });
});
