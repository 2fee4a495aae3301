/**
 * Golden bytes of the peer votes (emc_protocol memories 52–56) and of governance (57–59;
 * docs/storage.md): records in their current format and in the format before it (which must still
 * decode), and the indexes, written through the domain and read back from checked-in hex.
 */
import { FakeEnv } from '../../../src/lib/env';
import type { Account } from '../../../src/ledger/account';
import { MemoryKV, type KV } from '../../../src/lib/storage/kv';
import { Governance } from '../../../src/protocol/governance/governance';
import { GovernanceLog } from '../../../src/protocol/governance/log';
import { DEFAULT_PARAMS } from '../../../src/protocol/model/params';
import { TREASURY_SUBACCOUNT } from '../../../src/protocol/model/supply';
import type { NodeRecord } from '../../../src/protocol/nodes/record';
import { Treasury, type Payout } from '../../../src/protocol/treasury/payouts';
import { decodeVote, encodeVote, Votes, type VoteRecord, type VoteStores } from '../../../src/protocol/votes/votes';
import { FakeLedgerClient } from '../../unit/protocol/fake-ledger';
import { ascii, dump, h, hex, load, u64, unhex } from './golden';

const T = 1_750_000_000_000_000_000n;
const DAY = 86_400_000_000_000n;

describe('emc_protocol VOTES (52): vote id (u64 BE) → vote record', () => {
    const keyReport: VoteRecord = {
        id: 3n, kind: 'key_rotation', node: 2n, nodeId: 'v1', nodeType: 'validator', opener: 2n, openerId: 'v1',
        reason: 'key reported compromised by its operator', newOperator: Uint8Array.of(0xdd), openedAt: T, closesAt: T + 2n,
        electorate: 2, yes: 2, no: 0, status: 'passed', decidedAt: T + 1n, closed: true, voters: [3n, 4n], nonResponders: [4n],
    };
    const impeachment: VoteRecord = {
        id: 0n, kind: 'impeachment', node: 6n, nodeId: 'r2', nodeType: 'router', opener: 5n, openerId: 'r1', reason: 'offline',
        openedAt: T, closesAt: T + 7n * DAY, electorate: 4, yes: 1, no: 0, status: 'open', closed: false, voters: [], nonResponders: [],
    };
    const KEY_REPORT_BODY = (reason: string) =>
        h(
            u64(3), '01' /* kind: impeachment 0, key_rotation 1 */, u64(2), '02', ascii('v1'), '00' /* node type */, u64(2), '02', ascii('v1'),
            reason,
            '01', 'dd', '01', // new operator (u8 length), present
            u64(T), u64(T + 2n), '00000002', '00000002', '00000000', // opened, closes, electorate, yes, no
            '81', // status: open 0, passed 1, failed 2 | closed 0x80
            u64(T + 1n), '01', // decided_at, present
            '00000002', u64(3), u64(4), // voters asked
            '00000001', u64(4), // non-responders
        );
    const REASON = 'key reported compromised by its operator';
    /** Format 2 (since the hardening of 0df3593): the reason as long text (u16 length). */
    const KEY_REPORT_V2 = h('02', KEY_REPORT_BODY(h('0028', ascii(REASON))));
    /** Format 1: the reason with a u8 length. */
    const KEY_REPORT_V1 = h('01', KEY_REPORT_BODY(h('28', ascii(REASON))));
    const IMPEACHMENT_V2 = h('02', u64(0), '00', u64(6), '02', ascii('r2'), '01', u64(5), '02', ascii('r1'), '0007', ascii('offline'), '00', '00', u64(T), u64(T + 7n * DAY), '00000004', '00000001', '00000000', '00', u64(0), '00', '00000000', '00000000');

    it('encodes format 2 and decodes formats 2 and 1', () => {
        expect(hex(encodeVote(keyReport))).toBe(KEY_REPORT_V2);
        expect(hex(encodeVote(impeachment))).toBe(IMPEACHMENT_V2);
        expect(decodeVote(unhex(KEY_REPORT_V2))).toEqual(keyReport);
        expect(decodeVote(unhex(KEY_REPORT_V1))).toEqual(keyReport);
        expect(decodeVote(unhex(IMPEACHMENT_V2))).toEqual(impeachment);
        expect(() => decodeVote(unhex(h('03', KEY_REPORT_V2.slice(2))))).toThrow(/unknown vote record format 3/);
    });
});

describe('emc_protocol VOTE_BALLOTS (53), VOTE_DEADLINES (54), VOTE_OPEN (55), VOTE_STATE (56)', () => {
    const stores = (): VoteStores => ({ records: new MemoryKV(), ballots: new MemoryKV(), deadlines: new MemoryKV(), open: new MemoryKV(), state: new MemoryKV() });
    const router = (index: bigint, op: number): NodeRecord => ({ index, id: `r${index - 4n}`, type: 'router', status: 'active', operator: Uint8Array.of(op), wallet: { owner: Uint8Array.of(op) }, registeredAt: T - DAY, e: 1n, opSeq: 0 });
    const routers = [router(5n, 0xa1), router(6n, 0xa2), router(7n, 0xa3), router(8n, 0xa4), router(9n, 0xa5)];

    function votes(kv: VoteStores) {
        const held: [bigint, bigint][] = [];
        const v = new Votes(kv, {
            params: () => DEFAULT_PARAMS,
            now: () => T,
            byId: (id) => routers.find((n) => n.id === id),
            get: (i) => routers.find((n) => n.index === i),
            count: (type) => routers.filter((n) => n.type === type).length,
            votingValidators: () => [],
            isVotingValidator: () => false,
            pausedError: () => undefined,
            effects: {
                disqualify: () => undefined,
                impeachmentProblem: () => undefined,
                holdStake: (i, until) => void held.push([i, until]),
                freeze: () => undefined,
                unfreeze: () => undefined,
            },
        });
        return { v, held };
    }

    const golden = {
        records: [[u64(0), h('02', u64(0), '00', u64(6), '02', ascii('r2'), '01', u64(5), '02', ascii('r1'), '0007', ascii('offline'), '00', '00', u64(T), u64(T + 7n * DAY), '00000004', '00000001', '00000001', '00', u64(0), '00', '00000000', '00000000')]],
        ballots: [
            [h(u64(0), u64(5)), '01'], // vote ‖ voter node → 1 yes, 0 no
            [h(u64(0), u64(7)), '00'],
        ],
        deadlines: [[h(u64(T + 7n * DAY), u64(0)), '']], // closes_at ‖ vote → empty
        open: [[h('00', u64(6)), u64(0)]], // kind ‖ node → the open vote of that kind
        state: [['01', u64(1)]], // 01 → the next vote id
    };

    it('writes an open impeachment, its ballots and its indexes', () => {
        const kv = stores();
        const { v, held } = votes(kv);
        expect(v.openImpeachment(Uint8Array.of(0xa1), 'r1', 'r2', 'offline')).toHaveProperty('Ok');
        expect(v.voteImpeachment(Uint8Array.of(0xa3), 0n, 'r3', false)).toHaveProperty('Ok');
        expect({ records: dump(kv.records), ballots: dump(kv.ballots), deadlines: dump(kv.deadlines), open: dump(kv.open), state: dump(kv.state) }).toEqual(golden);
        expect(held).toEqual([[6n, T + 7n * DAY]]);
    });

    it('reads them back', () => {
        const { v } = votes({ records: load(golden.records as [string, string][]), ballots: load(golden.ballots as [string, string][]), deadlines: load(golden.deadlines as [string, string][]), open: load(golden.open as [string, string][]), state: load(golden.state as [string, string][]) });
        expect(v.count()).toBe(1n);
        expect(v.list(0n, 10).map((r) => [r.id, r.nodeId, r.yes, r.no, r.status])).toEqual([[0n, 'r2', 1, 1, 'open']]);
        expect([v.ballot(0n, 5n), v.ballot(0n, 7n), v.ballot(0n, 8n)]).toEqual([true, false, undefined]);
        expect(v.nextDeadline()).toBe(T + 7n * DAY);
        expect(v.openImpeachment(Uint8Array.of(0xa4), 'r4', 'r2', 'again')).toEqual({ Err: { ImpeachmentOpen: { message: 'impeachment 0 against r2 is already open', id: 0n, node_id: 'r2' } } });
    });
});

describe('emc_protocol GOVERNANCE_LOG (57), PAYOUTS (58), GOVERNANCE_STATE (59)', () => {
    const GOV = Uint8Array.of(0x99);
    const SELF = Uint8Array.of(0x77);
    const to: Account = { owner: Uint8Array.of(0xcc), subaccount: unhex(h('00'.repeat(31), '07')) };
    /** The governance log and its counters (GOVERNANCE_LOG, GOVERNANCE_STATE) and the treasury's payouts and retry marks (PAYOUTS, PAYOUT_RETRIES). */
    type GovernanceStores = { log: KV; payouts: KV; state: KV; retries: KV };
    const stores = (): GovernanceStores => ({ log: new MemoryKV(), payouts: new MemoryKV(), state: new MemoryKV(), retries: new MemoryKV() });

    function governance(kv: GovernanceStores, treasury = 1_000n * 100_000_000n) {
        const env = new FakeEnv(GOV, T, SELF);
        const ledger = new FakeLedgerClient(SELF, SELF, [[{ owner: SELF, subaccount: TREASURY_SUBACCOUNT }, treasury]], () => env.time);
        let governance: Uint8Array = GOV;
        const log = new GovernanceLog(kv.log, kv.state, () => env.now());
        const g = new Governance({
            governance: () => governance,
            setGovernance: (g) => void (governance = g),
            paused: () => undefined,
            setPaused: () => undefined,
            params: () => DEFAULT_PARAMS,
            setParams: () => undefined,
            epochLength: () => DAY,
            changeEpochLength: () => undefined,
            now: () => env.now(),
        }, log);
        return { log, treasury: new Treasury(kv.payouts, kv.retries, log, g, ledger, () => env.now()) };
    }

    it('writes log entries (format 2), payouts (format 2) and the totals (format 1)', async () => {
        const kv = stores();
        const g = governance(kv);
        g.log.append(GOV, 'admit_validators', '0 validators', 'admitted v1');
        const payments = [{ to, amount: 5n * 100_000_000n }];
        const summary = g.treasury.checkPayout('grant', payments, 'audit') as { Ok: string };
        expect(await g.treasury.pay(GOV, 'grant', payments, 'audit')).toMatchObject({ Ok: [{ id: 0n, status: 'paid', block: 1n }] });
        // More than the treasury holds: the ledger refuses, the payout fails and the pool gets its amount back.
        expect(await g.treasury.pay(GOV, 'grant', [{ to, amount: 2_000n * 100_000_000n }], 'too much')).toMatchObject({ Ok: [{ id: 1n, status: 'failed' }] });
        const refusal = (g.treasury.payout(1n) as Payout).error as string;
        expect(refusal).toMatch(/^InsufficientFunds balance=/);
        const after = (what: string) => h((new TextEncoder().encode(what).length).toString(16).padStart(4, '0'), hex(new TextEncoder().encode(what)));
        expect(dump(kv.log)).toEqual([
            // u8 2, u64 time, caller (u8 length), method (u8 length), before and after (u16 length)
            [u64(0), h('02', u64(T), '01', '99', '10', ascii('admit_validators'), '000c', ascii('0 validators'), '000b', ascii('admitted v1'))],
            [u64(1), h('02', u64(T), '01', '99', '09', ascii('pay_grant'), '0000', after(`${summary.Ok} Payouts 0..0.`))],
            [u64(2), h('02', u64(T), '01', '99', '09', ascii('pay_grant'), '0000', after(`${(g.treasury.checkPayout('grant', [{ to, amount: 2_000n * 100_000_000n }], 'too much') as { Ok: string }).Ok} Payouts 1..1.`))],
        ]);
        expect(dump(kv.payouts)).toEqual([
            // u8 2, u8 kind (grant 0, airdrop 1), owner, has subaccount [subaccount], u64 amount, reason (u16 length), u64 created_at,
            // u8 status (pending 0, paid 1, failed 2), has block [u64 block], error (u16 length, empty: none)
            [u64(0), h('02', '00', '01', 'cc', '01', '20', h('00'.repeat(31), '07'), u64(5n * 100_000_000n), '0005', ascii('audit'), u64(T), '01', '01', u64(1), '0000')],
            [u64(1), h('02', '00', '01', 'cc', '01', '20', h('00'.repeat(31), '07'), u64(2_000n * 100_000_000n), '0008', ascii('too much'), u64(T), '02', '00', after(refusal))],
        ]);
        // u8 1, log entries, payouts, granted (the failed grant released), airdropped
        expect(dump(kv.state)).toEqual([['01', h('01', u64(3), u64(2), u64(5n * 100_000_000n), u64(0))]]);
        // Both payouts reached an outcome: no retry mark is left.
        expect(dump(kv.retries)).toEqual([]);
    });

    it('reads format 2 and format 1 (texts with a u8 length) back', () => {
        const kv: GovernanceStores = {
            log: load([
                [u64(0), h('01', u64(T), '01', '99', '05', ascii('pause'), '07', ascii('running'), '05', ascii('audit'))],
                [u64(1), h('02', u64(T + 1n), '01', '99', '06', ascii('resume'), '0005', ascii('audit'), '0007', ascii('running'))],
            ]),
            payouts: load([
                [u64(0), h('01', '01', '01', 'cc', '00', u64(3), '04', ascii('drop'), u64(T), '01', '01', u64(9), '00')],
                [u64(1), h('02', '00', '01', 'cc', '01', '20', h('00'.repeat(31), '07'), u64(4), '0003', ascii('why'), u64(T), '00', '00', '0000')],
                [u64(2), h('01', '00', '01', 'cc', '00', u64(5), '02', ascii('no'), u64(T), '02', '00', '04', ascii('oops'))],
            ]),
            state: load([['01', h('01', u64(2), u64(3), u64(9), u64(3))]]),
            retries: new MemoryKV(),
        };
        const g = governance(kv);
        expect(g.log.entries(0n, 10).map((e) => [e.seq, e.time, hex(e.caller), e.method, e.before, e.after])).toEqual([
            [0n, T, '99', 'pause', 'running', 'audit'],
            [1n, T + 1n, '99', 'resume', 'audit', 'running'],
        ]);
        expect([g.treasury.payout(0n), g.treasury.payout(1n), g.treasury.payout(2n)]).toEqual([
            { id: 0n, kind: 'airdrop', to: { owner: Uint8Array.of(0xcc) }, amount: 3n, reason: 'drop', createdAt: T, status: 'paid', block: 9n },
            { id: 1n, kind: 'grant', to, amount: 4n, reason: 'why', createdAt: T, status: 'pending' },
            { id: 2n, kind: 'grant', to: { owner: Uint8Array.of(0xcc) }, amount: 5n, reason: 'no', createdAt: T, status: 'failed', error: 'oops' },
        ]);
        expect(g.log.totals()).toEqual({ logCount: 2n, payoutCount: 3n, granted: 9n, airdropped: 3n });
        expect(() => governance({ ...stores(), payouts: load([[u64(0), '03']]) }).treasury.payout(0n)).toThrow(/unknown payout format 3/);
        expect(() => governance({ ...stores(), log: load([[u64(0), '03']]) }).log.entries(0n, 1)).toThrow(/unknown governance log format 3/);
    });
});
