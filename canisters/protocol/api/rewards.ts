/** Epoch rewards (spec §5): claims, a node's rewards, the books, epoch records and the emission schedule. */
import { time } from 'azle';

import { accountOut } from '../../../src/ledger/api/candid';
import { emissionSchedule } from '../../../src/protocol/rewards/schedule';
import type { Handlers } from '../handlers';
import { sys } from '../lifecycle';

const MAX_RECORDS = 100;

export const rewardHandlers: Handlers<'claim_rewards' | 'node_rewards' | 'rewards_summary' | 'epoch_records' | 'emission_schedule'> = {
    claim_rewards: async (id) => {
        const r = await sys.claims.claim(id);
        return 'Ok' in r ? { Ok: { node_id: r.Ok.node.id, amount: r.Ok.amount, wallet: accountOut(r.Ok.node.wallet) } } : r;
    },
    node_rewards: (id) => {
        const n = sys.registry.byId(id);
        return n === undefined ? [] : [sys.rewards.nodeAt(n.index, time())];
    },
    rewards_summary: () => sys.rewards.summary(time()),
    epoch_records: (a) => {
        const out = [];
        for (let e = a.start; e < a.start + BigInt(Math.min(a.count, MAX_RECORDS)); e++) {
            const r = sys.rewards.epochRecord(e);
            if (r === undefined) break;
            out.push({ epoch: r.epoch, start: r.start, end: r.end, emitted: r.emitted, distributed: r.distributed, unallocated: r.unallocated, total_e: r.totalE, eligible: r.eligible });
        }
        return out;
    },
    emission_schedule: (periods) => emissionSchedule(periods),
};
