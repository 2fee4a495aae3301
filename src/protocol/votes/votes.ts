/**
 * Peer votes (spec §7): impeachments and key-compromise reports.
 *
 * Impeachment: an active node opens a vote against an active node of its own type, with a reason;
 * opening counts as the accuser's yes. The electorate is the other active nodes of that type when
 * the vote opens (the count is fixed then; a voter must still be an active node of the type, not
 * frozen, and registered before the vote opened). Each voter node votes once; the accused cannot.
 * More than half of the electorate voting yes before the vote closes (7 days by default)
 * disqualifies the node at once and its whole stake goes to the treasury; once a majority is out
 * of reach, or at the deadline, the vote fails.
 *
 * Key compromise: a validator's operator reports the key leaked and names a new operator
 * principal. The node is frozen at once (no votes in batches, no claims, no changes). The other
 * validators that may vote at that moment are the electorate (listed in the record); they answer
 * within 2 hours. More than half confirming replaces the operator and unfreezes the node; once a
 * majority is out of reach, or at the deadline, the report fails and the node is unfrozen with its
 * old key. Answers are accepted until the deadline even after the outcome is decided; at the
 * deadline the validators that never answered are recorded as non-responsive.
 *
 * Stores: records (id → record), ballots (id ‖ voter node → 0/1), deadlines (closes_at ‖ id → empty,
 * removed when the vote is closed), open (kind ‖ node → id: one open vote of each kind per node),
 * state ([1] → next id). Refusals are the named cases of `VoteError` (./errors.ts).
 */
import { Reader, Writer } from '../../lib/storage/binary';
import { bytesEqual, concat, readU64be, u64be } from '../../lib/storage/bytes';
import type { KV } from '../../lib/storage/kv';
import { isAnonymous } from '../../ledger/account';
import { NODE_TYPES, type NodeRecord, type NodeType } from '../nodes/record';
import { anonymousCaller, err, nodeFrozen, nodeNotFound, notNodeOperator, wrongStatus, type PausedError } from '../model/errors';
import type { VoteError } from './errors';
import type { VoteEffects } from './effects';
import type { ProtocolParams } from '../model/params';
import { reasonProblem } from '../model/bounds';

export type VoteKind = 'impeachment' | 'key_rotation';
export type VoteStatus = 'open' | 'passed' | 'failed';

export interface VoteRecord {
    id: bigint;
    kind: VoteKind;
    /** The accused node, or the validator whose key is reported. */
    node: bigint;
    nodeId: string;
    nodeType: NodeType;
    /** The node that opened the vote (the accuser; for a key report, the reporting node itself). */
    opener: bigint;
    openerId: string;
    reason: string;
    /** Key rotation: the new operator principal. */
    newOperator?: Uint8Array;
    openedAt: bigint;
    closesAt: bigint;
    electorate: number;
    yes: number;
    no: number;
    status: VoteStatus;
    decidedAt?: bigint;
    /** Set when the vote closes at its deadline. */
    closed: boolean;
    /** Key rotation: the validators asked, and those that never answered (recorded at the deadline). */
    voters: bigint[];
    nonResponders: bigint[];
}

export interface VoteStores {
    records: KV;
    ballots: KV;
    deadlines: KV;
    open: KV;
    state: KV;
}

/** What votes need from the protocol. */
export interface VoteHost {
    params(): ProtocolParams;
    now(): bigint;
    byId(id: string): NodeRecord | undefined;
    get(index: bigint): NodeRecord | undefined;
    count(type: NodeType): number;
    /** The validators that may vote in batches now (at most `max`). */
    votingValidators(max: number): NodeRecord[];
    isVotingValidator(operator: Uint8Array): boolean;
    pausedError(): PausedError | undefined;
    /** What a decided vote does to the node (src/protocol/votes/effects.ts). */
    effects: Pick<VoteEffects, 'disqualify' | 'freeze' | 'unfreeze' | 'impeachmentProblem' | 'holdStake'>;
}

type Result<T> = { Ok: T } | { Err: VoteError };

const KINDS: VoteKind[] = ['impeachment', 'key_rotation'];
const STATUSES: VoteStatus[] = ['open', 'passed', 'failed'];
/** Format 2 stores the reason as long text (u16 length); format 1 (u8 length) is still read. */
const FMT = 2;
const EMPTY = new Uint8Array(0);
const NEXT_ID = Uint8Array.of(1);
/** The key-rotation electorate is listed in the record; validator sets are far smaller. */
export const MAX_KEY_ELECTORATE = 1_000;

export class Votes {
    constructor(
        private readonly kv: VoteStores,
        private readonly host: VoteHost,
    ) {}

    // ----- impeachment -----------------------------------------------------------------------------

    openImpeachment(caller: Uint8Array, accuserId: string, accusedId: string, reason: string): Result<VoteRecord> {
        const accuser = this.voterNode(caller, accuserId);
        if ('Err' in accuser) return accuser;
        const a = accuser.Ok;
        const accused = this.host.byId(accusedId);
        if (accused === undefined) return err(nodeNotFound(accusedId));
        if (accused.index === a.index) return err({ SelfImpeachment: { message: 'a node cannot impeach itself', node_id: accusedId } });
        if (accused.type !== a.type) return err({ WrongNodeType: { message: `a ${a.type} can only impeach another ${a.type}`, node_type: accused.type, expected: a.type } });
        if (accused.status !== 'active') return err(wrongStatus(accusedId, accused.status, 'active'));
        const ended = this.host.effects.impeachmentProblem(accused);
        if (ended !== undefined) return err(wrongStatus(accusedId, ended, 'a node whose stake term has not ended'));
        const bad = reasonProblem(reason);
        if (bad !== undefined) return err({ InvalidReason: { message: bad } });
        const openKey = this.openKey('impeachment', accused.index);
        const existing = this.kv.open.get(openKey);
        if (existing !== undefined) return err({ ImpeachmentOpen: { message: `impeachment ${readU64be(existing)} against ${accusedId} is already open`, id: readU64be(existing), node_id: accusedId } });
        const now = this.host.now();
        const electorate = this.host.count(a.type) - 1;
        const v: VoteRecord = {
            id: this.nextId(),
            kind: 'impeachment',
            node: accused.index,
            nodeId: accused.id,
            nodeType: accused.type,
            opener: a.index,
            openerId: a.id,
            reason,
            openedAt: now,
            closesAt: now + this.host.params().impeachmentWindowNs,
            electorate,
            yes: 0,
            no: 0,
            status: 'open',
            closed: false,
            voters: [],
            nonResponders: [],
        };
        this.kv.open.set(openKey, u64be(v.id));
        this.kv.deadlines.set(concat([u64be(v.closesAt), u64be(v.id)]), EMPTY);
        this.host.effects.holdStake(accused.index, v.closesAt);
        // Opening is the accuser's yes.
        return { Ok: this.cast(v, a.index, true) };
    }

    voteImpeachment(caller: Uint8Array, id: bigint, voterId: string, yes: boolean): Result<VoteRecord> {
        const v = this.get(id);
        if (v === undefined || v.kind !== 'impeachment') return err({ VoteNotFound: { message: `no impeachment ${id}`, id, kind: 'impeachment' } });
        const voter = this.voterNode(caller, voterId);
        if ('Err' in voter) return voter;
        const n = voter.Ok;
        if (n.index === v.node) return err({ AccusedCannotVote: { message: 'the accused cannot vote on its own impeachment', node_id: voterId } });
        if (n.type !== v.nodeType) return err({ WrongNodeType: { message: `only ${v.nodeType}s vote on this impeachment`, node_type: n.type, expected: v.nodeType } });
        if ((n.admittedAt ?? n.registeredAt) > v.openedAt) return err({ NotInElectorate: { message: 'only nodes active when the vote opened may vote', node_id: voterId } });
        if (v.status !== 'open' || this.host.now() >= v.closesAt) return err(voteClosed(id, this.host.now() >= v.closesAt && v.status === 'open' ? 'failed' : v.status));
        if (this.kv.ballots.has(this.ballotKey(id, n.index))) return err({ AlreadyVoted: { message: `node ${voterId} already voted in vote ${id}`, id } });
        return { Ok: this.cast(v, n.index, yes) };
    }

    // ----- key compromise --------------------------------------------------------------------------

    reportKeyCompromise(caller: Uint8Array, nodeId: string, newOperator: Uint8Array): Result<VoteRecord> {
        const own = this.ownNode(caller, nodeId);
        if ('Err' in own) return own;
        const n = own.Ok;
        if (n.type !== 'validator' || n.status !== 'active') return err(wrongStatus(nodeId, n.type === 'validator' ? n.status : n.type, 'an active validator'));
        if (n.frozen === true) return err(nodeFrozen(nodeId));
        if (!(newOperator instanceof Uint8Array) || newOperator.length > 29 || isAnonymous(newOperator) || newOperator.length === 0) return err(invalidNewOperator('the new operator must be a non-anonymous principal'));
        if (bytesEqual(newOperator, n.operator)) return err(invalidNewOperator('the new operator is the current one'));
        if (this.host.isVotingValidator(newOperator)) return err(invalidNewOperator('the new operator already runs a validator'));
        const voters = this.host
            .votingValidators(MAX_KEY_ELECTORATE)
            .filter((x) => x.index !== n.index)
            .map((x) => x.index);
        const now = this.host.now();
        const v: VoteRecord = {
            id: this.nextId(),
            kind: 'key_rotation',
            node: n.index,
            nodeId: n.id,
            nodeType: n.type,
            opener: n.index,
            openerId: n.id,
            reason: 'key reported compromised by its operator',
            newOperator: newOperator.slice(),
            openedAt: now,
            closesAt: now + this.host.params().keyRotationWindowNs,
            electorate: voters.length,
            yes: 0,
            no: 0,
            status: 'open',
            closed: false,
            voters,
            nonResponders: [],
        };
        this.host.effects.freeze(n.index);
        this.kv.open.set(this.openKey('key_rotation', n.index), u64be(v.id));
        this.kv.deadlines.set(concat([u64be(v.closesAt), u64be(v.id)]), EMPTY);
        this.save(v);
        if (voters.length === 0) return { Ok: this.decide(v, 'failed') };
        return { Ok: v };
    }

    answerKeyReport(caller: Uint8Array, id: bigint, voterId: string, confirm: boolean): Result<VoteRecord> {
        const v = this.get(id);
        if (v === undefined || v.kind !== 'key_rotation') return err({ VoteNotFound: { message: `no key report ${id}`, id, kind: 'key report' } });
        if (isAnonymous(caller)) return err(anonymousCaller('the anonymous principal cannot answer'));
        const n = this.host.byId(voterId);
        if (n === undefined) return err(nodeNotFound(voterId));
        if (!bytesEqual(n.operator, caller)) return err(notNodeOperator(voterId, 'only the validator’s operator can answer for it'));
        if (!v.voters.includes(n.index)) return err({ NotInElectorate: { message: 'only the validators that could vote when the key was reported answer it', node_id: voterId } });
        if (n.frozen === true) return err(nodeFrozen(voterId));
        if (n.status !== 'active') return err(wrongStatus(voterId, n.status, 'an active validator'));
        if (this.host.now() >= v.closesAt) return err(voteClosed(id, v.status === 'open' ? 'failed' : v.status));
        if (this.kv.ballots.has(this.ballotKey(id, n.index))) return err({ AlreadyVoted: { message: `node ${voterId} already voted in vote ${id}`, id } });
        return { Ok: this.cast(v, n.index, confirm) };
    }

    // ----- counting --------------------------------------------------------------------------------

    private cast(v: VoteRecord, voter: bigint, yes: boolean): VoteRecord {
        this.kv.ballots.set(this.ballotKey(v.id, voter), Uint8Array.of(yes ? 1 : 0));
        const next = { ...v, yes: v.yes + (yes ? 1 : 0), no: v.no + (yes ? 0 : 1) };
        if (next.status !== 'open') {
            // A late answer to a decided key report: recorded as an answer, the outcome stands.
            this.save(next);
            return next;
        }
        if (2 * next.yes > next.electorate) return this.decide(next, 'passed');
        if (2 * (next.electorate - next.no) <= next.electorate) return this.decide(next, 'failed');
        this.save(next);
        return next;
    }

    private decide(v: VoteRecord, status: 'passed' | 'failed'): VoteRecord {
        const next: VoteRecord = { ...v, status, decidedAt: this.host.now() };
        this.kv.open.delete(this.openKey(v.kind, v.node));
        if (v.kind === 'impeachment') {
            if (status === 'passed') this.host.effects.disqualify(v.node);
        } else {
            this.host.effects.unfreeze(v.node, status === 'passed' ? v.newOperator : undefined);
        }
        this.save(next);
        return next;
    }

    /** Closes votes whose deadline passed (at most `max`): open ones fail; key reports record their non-responders. */
    closeDue(now: bigint, max: number): number {
        let n = 0;
        for (const [key] of this.kv.deadlines.entries(0, max)) {
            if (readU64be(key, 0) > now) break;
            this.kv.deadlines.delete(key);
            const v = this.get(readU64be(key, 8));
            if (v === undefined) continue;
            let next = v.status === 'open' ? this.decide(v, 'failed') : v;
            if (next.kind === 'key_rotation') next = { ...next, nonResponders: next.voters.filter((x) => !this.kv.ballots.has(this.ballotKey(v.id, x))) };
            this.save({ ...next, closed: true });
            n++;
        }
        return n;
    }

    nextDeadline(): bigint | undefined {
        const first = this.kv.deadlines.entries(0, 1)[0];
        return first === undefined ? undefined : readU64be(first[0], 0);
    }

    // ----- reading ---------------------------------------------------------------------------------

    get(id: bigint): VoteRecord | undefined {
        const raw = this.kv.records.get(u64be(id));
        return raw === undefined ? undefined : decodeVote(raw);
    }

    /** The ballot of `voter` in vote `id`: true (yes/confirm), false, or undefined. */
    ballot(id: bigint, voter: bigint): boolean | undefined {
        const b = this.kv.ballots.get(this.ballotKey(id, voter));
        return b === undefined ? undefined : b[0] === 1;
    }

    /** Votes from `start` (ids ascending), at most `count`. */
    list(start: bigint, count: number): VoteRecord[] {
        const out: VoteRecord[] = [];
        const end = this.count();
        for (let id = start; id < end && out.length < count; id++) {
            const v = this.get(id);
            if (v !== undefined) out.push(v);
        }
        return out;
    }

    count(): bigint {
        const raw = this.kv.state.get(NEXT_ID);
        return raw === undefined ? 0n : readU64be(raw);
    }

    // ----- internals -------------------------------------------------------------------------------

    /** The caller's node `nodeId` (not anonymous, not paused, the caller operates it). */
    private ownNode(caller: Uint8Array, nodeId: string): Result<NodeRecord> {
        if (isAnonymous(caller)) return err(anonymousCaller('the anonymous principal cannot take part in peer votes'));
        const paused = this.host.pausedError();
        if (paused !== undefined) return err(paused);
        const n = this.host.byId(nodeId);
        if (n === undefined) return err(nodeNotFound(nodeId));
        if (!bytesEqual(n.operator, caller)) return err(notNodeOperator(nodeId, 'only the node’s operator can act for it'));
        return { Ok: n };
    }

    /** The caller's node `nodeId`, able to take part in peer votes (active, not frozen). */
    private voterNode(caller: Uint8Array, nodeId: string): Result<NodeRecord> {
        const own = this.ownNode(caller, nodeId);
        if ('Err' in own) return own;
        const n = own.Ok;
        if (n.status !== 'active') return err(wrongStatus(nodeId, n.status, 'active'));
        if (n.frozen === true) return err(nodeFrozen(nodeId));
        return { Ok: n };
    }

    private nextId(): bigint {
        const id = this.count();
        this.kv.state.set(NEXT_ID, u64be(id + 1n));
        return id;
    }

    private save(v: VoteRecord): void {
        this.kv.records.set(u64be(v.id), encodeVote(v));
    }

    private openKey(kind: VoteKind, node: bigint): Uint8Array {
        return concat([Uint8Array.of(KINDS.indexOf(kind)), u64be(node)]);
    }

    private ballotKey(id: bigint, voter: bigint): Uint8Array {
        return concat([u64be(id), u64be(voter)]);
    }
}

const voteClosed = (id: bigint, outcome: string): VoteError => ({ VoteClosed: { message: `vote ${id} is closed (${outcome})`, id, outcome } });
const invalidNewOperator = (message: string): VoteError => ({ InvalidNewOperator: { message } });

export function encodeVote(v: VoteRecord): Uint8Array {
    const w = new Writer(256);
    w.u8(FMT).u64(v.id).u8(KINDS.indexOf(v.kind)).u64(v.node).text(v.nodeId).u8(NODE_TYPES.indexOf(v.nodeType)).u64(v.opener).text(v.openerId).longText(v.reason);
    w.bytes(v.newOperator ?? EMPTY).u8(v.newOperator === undefined ? 0 : 1);
    w.u64(v.openedAt).u64(v.closesAt).u32(v.electorate).u32(v.yes).u32(v.no).u8(STATUSES.indexOf(v.status) | (v.closed ? 0x80 : 0)).u64(v.decidedAt ?? 0n).u8(v.decidedAt === undefined ? 0 : 1);
    w.u32(v.voters.length);
    for (const x of v.voters) w.u64(x);
    w.u32(v.nonResponders.length);
    for (const x of v.nonResponders) w.u64(x);
    return w.done();
}

export function decodeVote(raw: Uint8Array): VoteRecord {
    const r = new Reader(raw);
    const format = r.u8();
    if (format !== FMT && format !== 1) throw new Error(`unknown vote record format ${format}`);
    const id = r.u64();
    const kind = KINDS[r.u8()];
    const node = r.u64();
    const nodeId = r.text();
    const nodeType = NODE_TYPES[r.u8()];
    const opener = r.u64();
    const openerId = r.text();
    const reason = format === 1 ? r.text() : r.longText();
    const op = r.bytes();
    const hasOp = r.u8() === 1;
    const openedAt = r.u64();
    const closesAt = r.u64();
    const electorate = r.u32();
    const yes = r.u32();
    const no = r.u32();
    const st = r.u8();
    const decided = r.u64();
    const hasDecided = r.u8() === 1;
    const voters: bigint[] = [];
    for (let i = r.u32(); i > 0; i--) voters.push(r.u64());
    const nonResponders: bigint[] = [];
    for (let i = r.u32(); i > 0; i--) nonResponders.push(r.u64());
    const v: VoteRecord = { id, kind, node, nodeId, nodeType, opener, openerId, reason, openedAt, closesAt, electorate, yes, no, status: STATUSES[st & 0x7f], closed: (st & 0x80) !== 0, voters, nonResponders };
    if (hasOp) v.newOperator = op;
    if (hasDecided) v.decidedAt = decided;
    return v;
}
