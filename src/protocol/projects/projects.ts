/**
 * Spec §13.3, ecosystem projects (the QNG announcement's quality and risk lists): governance keeps
 * a registry of projects (name, principals, status `quality` / `risk` / none, reason, proposal id,
 * time); only governance registers a project or changes its status, each with a `validate_` twin
 * (`checkRegister`, `checkStatus`, `checkRestriction`); every status change is appended to the
 * project's history. A governance switch restricts developer grants (treasury/payouts.ts) to
 * accounts owned by a principal of a quality-listed project (`grantProblem`, its port).
 *
 * Storage: PROJECTS (id u64 BE → u8 format 1 ‖ name text ‖ u8 n ‖ principals (bytes) × n ‖ u8
 * status ‖ reason long text ‖ opt u64 proposal ‖ u64 updated_at ‖ u64 created_at ‖ u32 history),
 * PROJECT_HISTORY (id ‖ u32 seq → u8 1 ‖ u8 status ‖ reason long text ‖ opt u64 proposal ‖ u64 time ‖
 * caller bytes), PROJECT_BY_PRINCIPAL (u8 length ‖ principal ‖ id → empty), PROJECT_BY_STATUS
 * (u8 status ‖ id → empty), PROJECT_STATE ([1] → u8 1 ‖ u64 next id ‖ u8 grants restricted).
 * Cost: O(principals) map writes per change; lists page an index.
 */
import { Principal } from '@dfinity/principal';
import { isAnonymous, type Account } from '../../ledger/account';
import { Reader, utf8Length, Writer } from '../../lib/storage/binary';
import { compareBytes, concat, readU64be, u64be, u32be } from '../../lib/storage/bytes';
import type { KV } from '../../lib/storage/kv';
import { reasonProblem } from '../model/bounds';
import { invalid, notFound, type DistributionOutcome } from '../model/distribution-errors';
import type { Check } from '../governance/params-check';

export const PROJECT_STATUSES = ['none', 'quality', 'risk'] as const;
export type ProjectStatus = (typeof PROJECT_STATUSES)[number];
export const MAX_PROJECT_PRINCIPALS = 10;
export const MAX_PROJECT_NAME_BYTES = 64;

export interface Project {
    id: bigint;
    name: string;
    principals: Uint8Array[];
    status: ProjectStatus;
    reason: string;
    proposal?: bigint;
    updatedAt: bigint;
    createdAt: bigint;
    history: number;
}

export interface HistoryEntry {
    seq: number;
    status: ProjectStatus;
    reason: string;
    proposal?: bigint;
    time: bigint;
    caller: Uint8Array;
}

export interface ProjectsHost {
    authorize(caller: Uint8Array): { NotAuthorized: { reason: string } } | undefined;
    now(): bigint;
    logAction(caller: Uint8Array, method: string, after: string): void;
}

const FMT = 1;
const KEY = Uint8Array.of(1);

export class Projects {
    constructor(
        private readonly kv: { projects: KV; history: KV; byPrincipal: KV; byStatus: KV; state: KV },
        private readonly host: ProjectsHost,
    ) {}

    checkRegister(name: string, principals: Uint8Array[], reason: string): Check<string> {
        if (typeof name !== 'string' || name.trim().length === 0 || utf8Length(name) > MAX_PROJECT_NAME_BYTES) return { Err: `the name is 1 to ${MAX_PROJECT_NAME_BYTES} bytes` };
        if (principals.length === 0 || principals.length > MAX_PROJECT_PRINCIPALS) return { Err: `a project has 1 to ${MAX_PROJECT_PRINCIPALS} principals` };
        const seen = new Set<string>();
        for (const p of principals) {
            if (p.length === 0 || p.length > 29 || isAnonymous(p)) return { Err: 'a project principal must be a non-anonymous principal' };
            const k = p.join(',');
            if (seen.has(k)) return { Err: 'a principal is listed twice' };
            seen.add(k);
        }
        const bad = reasonProblem(reason);
        if (bad !== undefined) return { Err: bad };
        return { Ok: `Register the ecosystem project "${name}" (${principals.map((p) => Principal.fromUint8Array(p).toText()).join(', ')}) (${reason}).` };
    }

    register(caller: Uint8Array, name: string, principals: Uint8Array[], reason: string): DistributionOutcome<Project> {
        const denied = this.host.authorize(caller);
        if (denied !== undefined) return { Err: denied };
        const c = this.checkRegister(name, principals, reason);
        if ('Err' in c) return invalid(c.Err);
        const s = this.state();
        const now = this.host.now();
        const p: Project = { id: s.nextId, name, principals, status: 'none', reason, updatedAt: now, createdAt: now, history: 0 };
        this.saveState({ ...s, nextId: s.nextId + 1n });
        for (const pr of principals) this.kv.byPrincipal.set(concat([Uint8Array.of(pr.length), pr, u64be(p.id)]), new Uint8Array(0));
        this.kv.byStatus.set(concat([Uint8Array.of(0), u64be(p.id)]), new Uint8Array(0));
        this.save(p);
        this.host.logAction(caller, 'register_project', `${c.Ok} Project ${p.id}.`);
        return { Ok: p };
    }

    checkStatus(id: bigint, status: ProjectStatus, reason: string, proposal: bigint | undefined): Check<string> {
        const p = this.get(id);
        if (p === undefined) return { Err: `no project ${id}` };
        if (!PROJECT_STATUSES.includes(status)) return { Err: 'unknown status' };
        if (p.status === status) return { Err: `project ${id} already has status ${status}` };
        const bad = reasonProblem(reason);
        if (bad !== undefined) return { Err: bad };
        return { Ok: `Move project ${id} ("${p.name}") from ${listName(p.status)} to ${listName(status)}${proposal === undefined ? '' : ` (proposal ${proposal})`}: ${reason}` };
    }

    setStatus(caller: Uint8Array, id: bigint, status: ProjectStatus, reason: string, proposal: bigint | undefined): DistributionOutcome<Project> {
        const denied = this.host.authorize(caller);
        if (denied !== undefined) return { Err: denied };
        const c = this.checkStatus(id, status, reason, proposal);
        if ('Err' in c) return invalid(c.Err);
        const p = this.get(id) as Project;
        const now = this.host.now();
        const w = new Writer(64).u8(FMT).u8(PROJECT_STATUSES.indexOf(status)).longText(reason);
        if (proposal === undefined) w.u8(0);
        else w.u8(1).u64(proposal);
        w.u64(now).bytes(caller);
        this.kv.history.set(concat([u64be(id), u32be(p.history)]), w.done());
        this.kv.byStatus.delete(concat([Uint8Array.of(PROJECT_STATUSES.indexOf(p.status)), u64be(id)]));
        this.kv.byStatus.set(concat([Uint8Array.of(PROJECT_STATUSES.indexOf(status)), u64be(id)]), new Uint8Array(0));
        const next: Project = { ...p, status, reason, proposal, updatedAt: now, history: p.history + 1 };
        this.save(next);
        this.host.logAction(caller, 'set_project_status', c.Ok);
        return { Ok: next };
    }

    checkRestriction(on: boolean): Check<string> {
        if (this.state().restricted === on) return { Err: `developer grants are already ${on ? '' : 'not '}restricted to quality-listed projects` };
        return { Ok: on ? 'Restrict developer grants to accounts of quality-listed projects.' : 'Let developer grants go to any account again.' };
    }

    setRestriction(caller: Uint8Array, on: boolean): DistributionOutcome<string> {
        const denied = this.host.authorize(caller);
        if (denied !== undefined) return { Err: denied };
        const c = this.checkRestriction(on);
        if ('Err' in c) return invalid(c.Err);
        this.saveState({ ...this.state(), restricted: on });
        this.host.logAction(caller, 'restrict_grants_to_quality', c.Ok);
        return { Ok: c.Ok };
    }

    /** The grant gate (treasury/payouts.ts): why `to` may not receive a developer grant now, or undefined. */
    grantProblem(to: Account): string | undefined {
        if (!this.state().restricted) return undefined;
        const prefix = concat([Uint8Array.of(to.owner.length), to.owner]);
        for (const [k] of this.indexFrom(this.kv.byPrincipal, prefix, 16)) {
            const p = this.get(readU64be(k, prefix.length));
            if (p?.status === 'quality') return undefined;
        }
        return 'developer grants go only to principals of quality-listed ecosystem projects (governance switch)';
    }

    restricted(): boolean {
        return this.state().restricted;
    }

    get(id: bigint): Project | undefined {
        const raw = this.kv.projects.get(u64be(id));
        if (raw === undefined) return undefined;
        const r = new Reader(raw);
        if (r.u8() !== FMT) throw new Error('unknown project format');
        const name = r.text();
        const n = r.u8();
        const principals: Uint8Array[] = [];
        for (let i = 0; i < n; i++) principals.push(r.bytes());
        const p: Project = { id, name, principals, status: PROJECT_STATUSES[r.u8()], reason: r.longText(), updatedAt: 0n, createdAt: 0n, history: 0 };
        if (r.u8() === 1) p.proposal = r.u64();
        p.updatedAt = r.u64();
        p.createdAt = r.u64();
        p.history = r.u32();
        return p;
    }

    /** Projects with `status`, from the `start`-th, at most `count`. */
    list(status: ProjectStatus, start: number, count: number): Project[] {
        const prefix = Uint8Array.of(PROJECT_STATUSES.indexOf(status));
        const out: Project[] = [];
        let skipped = 0;
        for (const [k] of this.indexFrom(this.kv.byStatus, prefix, start + count)) {
            if (skipped++ < start) continue;
            out.push(this.get(readU64be(k, 1)) as Project);
        }
        return out;
    }

    history(id: bigint, start: number, count: number): HistoryEntry[] {
        const out: HistoryEntry[] = [];
        for (let s = start; s < start + count; s++) {
            const raw = this.kv.history.get(concat([u64be(id), u32be(s)]));
            if (raw === undefined) break;
            const r = new Reader(raw);
            if (r.u8() !== FMT) throw new Error('unknown project history format');
            const e: HistoryEntry = { seq: s, status: PROJECT_STATUSES[r.u8()], reason: r.longText(), time: 0n, caller: new Uint8Array(0) };
            if (r.u8() === 1) e.proposal = r.u64();
            e.time = r.u64();
            e.caller = r.bytes();
            out.push(e);
        }
        return out;
    }

    count(): bigint {
        return this.state().nextId;
    }

    /** Up to `max` index keys starting with `prefix` (binary search for the first). */
    private indexFrom(kv: KV, prefix: Uint8Array, max: number): [Uint8Array, Uint8Array][] {
        let lo = 0;
        let hi = kv.size();
        while (lo < hi) {
            const mid = (lo + hi) >> 1;
            if (compareBytes(kv.entries(mid, 1)[0][0], prefix) < 0) lo = mid + 1;
            else hi = mid;
        }
        const out: [Uint8Array, Uint8Array][] = [];
        for (const e of kv.entries(lo, max)) {
            if (compareBytes(e[0].subarray(0, prefix.length), prefix) !== 0) break;
            out.push(e);
        }
        return out;
    }

    private state(): { nextId: bigint; restricted: boolean } {
        const raw = this.kv.state.get(KEY);
        if (raw === undefined) return { nextId: 0n, restricted: false };
        const r = new Reader(raw);
        if (r.u8() !== FMT) throw new Error('unknown projects state format');
        return { nextId: r.u64(), restricted: r.u8() === 1 };
    }

    private saveState(s: { nextId: bigint; restricted: boolean }): void {
        this.kv.state.set(KEY, new Writer(10).u8(FMT).u64(s.nextId).u8(s.restricted ? 1 : 0).done());
    }

    private save(p: Project): void {
        const w = new Writer(200);
        w.u8(FMT).text(p.name).u8(p.principals.length);
        for (const pr of p.principals) w.bytes(pr);
        w.u8(PROJECT_STATUSES.indexOf(p.status)).longText(p.reason);
        if (p.proposal === undefined) w.u8(0);
        else w.u8(1).u64(p.proposal);
        w.u64(p.updatedAt).u64(p.createdAt).u32(p.history);
        this.kv.projects.set(u64be(p.id), w.done());
    }
}

function listName(s: ProjectStatus): string {
    return s === 'none' ? 'no list' : `the ${s} list`;
}
