/** Peer votes (spec §7) and penalties (spec §6): impeachments, key reports, their queries; the penalty log. */
import { toOpt } from '../../../src/ledger/api/candid';
import { penaltyView, voteView } from '../../../src/protocol/api/views';
import type { Handlers } from '../handlers';
import { sys } from '../lifecycle';
import { icEnv } from '../../common/env';
import { idOf, voteResult } from './views';

const MAX_RECORDS = 100;

export const voteHandlers: Handlers<'open_impeachment' | 'vote_impeachment' | 'report_key_compromise' | 'answer_key_report' | 'get_vote' | 'list_votes' | 'penalty_log' | 'penalties_summary'> = {
    open_impeachment: (a) => voteResult(sys.votes.openImpeachment(icEnv.caller(), a.accuser, a.node_id, a.reason)),
    vote_impeachment: (a) => voteResult(sys.votes.voteImpeachment(icEnv.caller(), a.id, a.voter, a.yes)),
    report_key_compromise: (a) => voteResult(sys.votes.reportKeyCompromise(icEnv.caller(), a.node_id, a.new_operator.toUint8Array())),
    answer_key_report: (a) => voteResult(sys.votes.answerKeyReport(icEnv.caller(), a.id, a.voter, a.confirm)),
    get_vote: (id) => {
        const v = sys.votes.get(id);
        return toOpt(v === undefined ? undefined : voteView(v, idOf));
    },
    list_votes: (a) => sys.votes.list(a.start, Math.min(a.count, MAX_RECORDS)).map((v) => voteView(v, idOf)),
    penalty_log: (a) => sys.liveness.records(a.start, Math.min(a.count, MAX_RECORDS)).map(penaltyView),
    penalties_summary: () => {
        const t = sys.liveness.totals();
        return { charged: t.charged, moved: t.moved, forgiven: t.forgiven, pending_deductions: BigInt(sys.liveness.pendingDeductions()), records: t.records };
    },
};
