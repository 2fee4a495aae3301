/**
 * Ecosystem projects (spec §13.3): Candid types and views (domain ↔ Candid).
 * Storage: none. Cost: proportional to the record.
 */
import { Principal } from '@dfinity/principal';
import { C, type ValueOf } from '../../lib/candid/candid';
import { toOpt } from '../../ledger/api/candid';
import type { HistoryEntry, Project, ProjectStatus } from '../projects/projects';
import { DistributionErrorT } from './distribution-candid';

export const ProjectStatusT = C.variant({ none: C.null, quality: C.null, risk: C.null });
export const RegisterProjectArgsT = C.record({ name: C.text, principals: C.vec(C.principal), reason: C.text });
export const SetProjectStatusArgsT = C.record({ id: C.nat64, status: ProjectStatusT, reason: C.text, proposal_id: C.opt(C.nat64) });
export const ProjectViewT = C.record({ id: C.nat64, name: C.text, principals: C.vec(C.principal), status: ProjectStatusT, reason: C.text, proposal_id: C.opt(C.nat64), updated_at: C.nat64, created_at: C.nat64, changes: C.nat32 });
export const ProjectResultT = C.variant({ Ok: ProjectViewT, Err: DistributionErrorT });
export const ListProjectsArgsT = C.record({ status: ProjectStatusT, start: C.nat32, count: C.nat32 });
export const ProjectHistoryArgsT = C.record({ id: C.nat64, start: C.nat32, count: C.nat32 });
export const ProjectChangeT = C.record({ seq: C.nat32, status: ProjectStatusT, reason: C.text, proposal_id: C.opt(C.nat64), time: C.nat64, caller: C.principal });
export const ProjectsSummaryT = C.record({ projects: C.nat64, grants_restricted_to_quality: C.bool });
export const TextResultT = C.variant({ Ok: C.text, Err: DistributionErrorT });

export function statusIn(v: Record<string, null>): ProjectStatus {
    return Object.keys(v)[0] as ProjectStatus;
}

export function projectView(p: Project): ValueOf<typeof ProjectViewT> {
    return {
        id: p.id,
        name: p.name,
        principals: p.principals.map((x) => Principal.fromUint8Array(x)),
        status: { [p.status]: null } as never,
        reason: p.reason,
        proposal_id: toOpt(p.proposal),
        updated_at: p.updatedAt,
        created_at: p.createdAt,
        changes: p.history,
    } as ValueOf<typeof ProjectViewT>;
}

export function changeView(e: HistoryEntry): ValueOf<typeof ProjectChangeT> {
    return { seq: e.seq, status: { [e.status]: null } as never, reason: e.reason, proposal_id: toOpt(e.proposal), time: e.time, caller: Principal.fromUint8Array(e.caller) } as ValueOf<typeof ProjectChangeT>;
}
