/**
 * Golden bytes of the state-bit batch stores (emc_protocol memories 38–42; docs/storage.md): a
 * proposal, its votes, its confirmation and the participation records, written through the
 * consensus and compared with checked-in hex, then read back from that hex. Every value opens with
 * format byte 01; payloads and outcomes are Candid (the checked-in bytes come from agent-js's
 * encoder, not ours).
 */
import { createHash } from 'node:crypto';
import { IDL } from '@dfinity/candid';
import { Principal } from '@dfinity/principal';
import { FakeEnv } from '../../../src/lib/env';
import { MemoryKV } from '../../../src/lib/storage/kv';
import { Batches, type StateBitSink } from '../../../src/protocol/batches/batches';
import type { BatchPayload } from '../../../src/protocol/batches/payload';
import type { BatchStores } from '../../../src/protocol/batches/store';
import { FakeValidators } from '../../unit/protocol/fake-validators';
import { principal } from '../../unit/ledger/helpers';
import { dump, h, hex, load, u64, unhex } from './golden';

const T = 1_750_000_000_000_000_000n;
const IdlPayload = IDL.Record({
    poc_results: IDL.Vec(IDL.Record({ node_id: IDL.Text, operator: IDL.Principal, poc_ms: IDL.Nat32 })),
    observations: IDL.Vec(IDL.Record({ node_id: IDL.Text, online: IDL.Bool })),
});

const payload: BatchPayload = {
    poc_results: [{ node_id: 'c1', operator: Principal.fromUint8Array(Uint8Array.of(0xaa, 0xbb)), poc_ms: 10_380 }],
    observations: [{ node_id: 'r1', online: false }],
};
const PAYLOAD = hex(new Uint8Array(IDL.encode([IdlPayload], [payload])));
const DIGEST = createHash('sha256').update(Buffer.from(PAYLOAD, 'hex')).digest('hex');
const digest = (): Uint8Array => unhex(DIGEST);
const OUTCOMES = hex(new Uint8Array(IDL.encode([IDL.Vec(IDL.Text)], [['applied', 'offline']])));

class Sink implements StateBitSink {
    applyPoc(): string {
        return 'applied';
    }
    applyObservation(): string {
        return 'offline';
    }
}

function setup(stores: BatchStores = { config: new MemoryKV(), proposals: new MemoryKV(), votes: new MemoryKV(), confirmed: new MemoryKV(), participation: new MemoryKV() }) {
    // Validators 0..3 have node indexes 10..13; the quorum of 4 is 3.
    const env = new FakeEnv(principal(100), T);
    const batches = new Batches(stores, new FakeValidators(4, 10n), new Sink(), env);
    const as = (i: number): Batches => {
        env.as(principal(100 + i));
        return batches;
    };
    return { stores, batches, as, env };
}

const dumpAll = (s: BatchStores) => ({ config: dump(s.config), proposals: dump(s.proposals), votes: dump(s.votes), confirmed: dump(s.confirmed), participation: dump(s.participation) });

/** Height 7 proposed by validator 10 and voted by 11: open. */
const OPEN = {
    config: [],
    proposals: [
        [h(u64(7), '00'), h('01', DIGEST)], // height ‖ 00 → the digests proposed at that height
        [h(u64(7), '01', DIGEST), h('01', u64(10), u64(10), u64(11))], // height ‖ 01 ‖ digest → proposer, voters
        [h(u64(7), '02', DIGEST), h('01', PAYLOAD)], // height ‖ 02 ‖ digest → the payload (Candid)
    ],
    votes: [
        [h(u64(7), u64(10)), h('01', DIGEST)], // height ‖ validator → digest voted
        [h(u64(7), u64(11)), h('01', DIGEST)],
    ],
    confirmed: [],
    participation: [[h('01', u64(10)), h('01', '00000001')]], // 01 ‖ validator → u32 proposals pending
};

/** Validator 12 voted too: confirmed at T (the third confirmation so far: count 3, sequence 2). */
const CONFIRMED = {
    config: [['01', h('01', u64(7), DIGEST, u64(T), u64(3))]], // 01 → height, digest, confirmed_at, confirmation count
    proposals: [OPEN.proposals[0], [h(u64(7), '01', DIGEST), h('01', u64(10), u64(10), u64(11), u64(12))], OPEN.proposals[2]],
    votes: [...OPEN.votes, [h(u64(7), u64(12)), h('01', DIGEST)]],
    confirmed: [
        [h('00', u64(7)), h('01', (OUTCOMES.length / 2).toString(16).padStart(8, '0'), OUTCOMES, PAYLOAD)], // 00 ‖ height → u32 outcomes length, outcomes, payload
        [h('01', u64(7)), h('01', DIGEST, u64(T), '00000003')], // 01 ‖ height → digest, confirmed_at, votes
        [h('02', u64(2)), h('01', u64(T), u64(7))], // 02 ‖ sequence → confirmed_at, height (the time index)
    ],
    participation: [
        [h('00', u64(10)), h('01', u64(7), u64(T))], // 00 ‖ validator → last height, when it counted
        [h('00', u64(11)), h('01', u64(7), u64(T))],
        [h('00', u64(12)), h('01', u64(7), u64(T))],
        OPEN.participation[0],
    ],
};

describe('emc_protocol BATCH_CONFIG, BATCH_PROPOSALS, BATCH_VOTES, BATCH_CONFIRMED, BATCH_PARTICIPATION (memories 38–42)', () => {
    it('the payload and outcome bytes are Candid as agent-js encodes them', () => {
        expect(PAYLOAD.slice(0, 8)).toBe(hex(new TextEncoder().encode('DIDL')));
        expect(OUTCOMES.slice(0, 8)).toBe(hex(new TextEncoder().encode('DIDL')));
    });

    it('writes a proposal and its votes, then its confirmation', () => {
        const t = setup();
        // Two earlier confirmations, so that the time index shows a sequence number.
        t.stores.config.set(Uint8Array.of(1), unhex(h('01', u64(6), '00'.repeat(32), u64(T - 1n), u64(2))));
        expect(t.as(0).propose(7n, payload, digest())).toMatchObject({ Ok: { votes: 1, quorum: 3, confirmed: false } });
        expect(t.as(1).vote(7n, digest())).toMatchObject({ Ok: { votes: 2, confirmed: false } });
        expect({ ...dumpAll(t.stores), config: [] }).toEqual(OPEN);
        expect(t.as(2).vote(7n, digest())).toMatchObject({ Ok: { votes: 3, confirmed: true } });
        expect(dumpAll(t.stores)).toEqual(CONFIRMED);
    });

    it('reads them back', () => {
        const t = setup({
            config: load(CONFIRMED.config as [string, string][]),
            proposals: load(CONFIRMED.proposals as [string, string][]),
            votes: load(CONFIRMED.votes as [string, string][]),
            confirmed: load(CONFIRMED.confirmed as [string, string][]),
            participation: load(CONFIRMED.participation as [string, string][]),
        });
        expect(t.batches.lastConfirmed()).toEqual({ height: 7n, digest: digest(), confirmedAt: T });
        expect(t.batches.confirmationCount()).toBe(3n);
        expect(t.batches.confirmedAt(7n)).toBe(T);
        expect(t.batches.participation(11n)).toEqual({ height: 7n, time: T });
        const info = t.batches.getBatch(7n);
        expect(info.confirmed).toEqual([{ digest: digest(), confirmed_at: T, votes: 3, applied: [{ payload: expect.anything(), outcomes: ['applied', 'offline'] }] }]);
        expect(info.proposals.map((p) => [hex(p.digest), p.proposer, [...p.voters], p.payload.observations])).toEqual([[DIGEST, 10n, [10n, 11n, 12n], [{ node_id: 'r1', online: false }]]]);
        expect(info.confirmed[0]?.applied[0]?.payload.poc_results.map((r) => [r.node_id, r.operator.toText(), r.poc_ms])).toEqual([['c1', Principal.fromUint8Array(Uint8Array.of(0xaa, 0xbb)).toText(), 10_380]]);
        // A vote at the confirmed height by the fourth validator counts as participation only.
        expect(t.as(3).vote(7n, digest())).toMatchObject({ Ok: { confirmed: true, votes: 4 } });
    });

    it('refuses a record format it does not know', () => {
        const t = setup({ ...setup().stores, config: load([['01', h('02', u64(7), DIGEST, u64(T), u64(3))]]) });
        expect(() => t.batches.lastConfirmed()).toThrow(/unknown format 2 of a tip record/);
    });
});
