/** Ecosystem projects (spec §13.3): governance keeps the quality and risk lists and the grant switch; anyone reads them. */
import { changeView, projectView, statusIn } from '../../../src/protocol/api/projects-candid';
import type { Handlers } from '../handlers';
import { sys } from '../lifecycle';
import { icEnv } from '../../common/env';

const MAX_RECORDS = 100;

export const projectHandlers: Handlers<
    | 'register_project'
    | 'validate_register_project'
    | 'set_project_status'
    | 'validate_set_project_status'
    | 'restrict_grants_to_quality'
    | 'validate_restrict_grants_to_quality'
    | 'get_project'
    | 'list_projects'
    | 'project_history'
    | 'projects_summary'
> = {
    register_project: (a) => {
        const r = sys.projects.register(icEnv.caller(), a.name, a.principals.map((p) => p.toUint8Array()), a.reason);
        return 'Ok' in r ? { Ok: projectView(r.Ok) } : r;
    },
    validate_register_project: (a) => sys.projects.checkRegister(a.name, a.principals.map((p) => p.toUint8Array()), a.reason),
    set_project_status: (a) => {
        const r = sys.projects.setStatus(icEnv.caller(), a.id, statusIn(a.status as Record<string, null>), a.reason, a.proposal_id[0]);
        return 'Ok' in r ? { Ok: projectView(r.Ok) } : r;
    },
    validate_set_project_status: (a) => sys.projects.checkStatus(a.id, statusIn(a.status as Record<string, null>), a.reason, a.proposal_id[0]),
    restrict_grants_to_quality: (on) => sys.projects.setRestriction(icEnv.caller(), on),
    validate_restrict_grants_to_quality: (on) => sys.projects.checkRestriction(on),
    get_project: (id) => {
        const p = sys.projects.get(id);
        return p === undefined ? [] : [projectView(p)];
    },
    list_projects: (a) => sys.projects.list(statusIn(a.status as Record<string, null>), a.start, Math.min(a.count, MAX_RECORDS)).map(projectView),
    project_history: (a) => sys.projects.history(a.id, a.start, Math.min(a.count, MAX_RECORDS)).map(changeView),
    projects_summary: () => ({ projects: sys.projects.count(), grants_restricted_to_quality: sys.projects.restricted() }),
};
