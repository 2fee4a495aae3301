/** Linear release (spec §13.1): governance adds schedules; beneficiaries claim and hand schedules on. */
import { time } from 'azle';

import { accountOut, opt, type CAccount } from '../../../src/ledger/api/candid';
import { accountIn } from '../../../src/ledger/api/candid';
import { newScheduleIn, outboxView, vestingView } from '../../../src/protocol/api/vesting-candid';
import { tranches } from '../../../src/protocol/treasury/vesting-schedule';
import type { Handlers } from '../handlers';
import { sys } from '../lifecycle';
import { icEnv } from '../../common/env';

const MAX_RECORDS = 100;

export const vestingHandlers: Handlers<
    'add_vesting_schedule' | 'validate_add_vesting_schedule' | 'claim_vesting' | 'offer_vesting' | 'accept_vesting' | 'get_vesting' | 'list_vesting' | 'vesting_tranches' | 'vesting_summary'
> = {
    add_vesting_schedule: async (a) => {
        const r = await sys.vesting.add(icEnv.caller(), newScheduleIn(a));
        return 'Ok' in r ? { Ok: vestingView(r.Ok, time()) } : r;
    },
    validate_add_vesting_schedule: (a) => sys.vesting.checkAdd(newScheduleIn(a)),
    claim_vesting: async (id) => {
        const r = await sys.vesting.claim(icEnv.caller(), id);
        return 'Ok' in r ? { Ok: { schedule: vestingView(r.Ok.schedule, time()), amount: r.Ok.amount, transfer: outboxView(r.Ok.entry) } } : r;
    },
    offer_vesting: (a) => {
        const to = opt(a.to);
        const r = sys.vesting.offer(icEnv.caller(), a.id, to === undefined ? undefined : accountIn(to as CAccount));
        return 'Ok' in r ? { Ok: vestingView(r.Ok, time()) } : r;
    },
    accept_vesting: (id) => {
        const r = sys.vesting.accept(icEnv.caller(), id);
        return 'Ok' in r ? { Ok: vestingView(r.Ok, time()) } : r;
    },
    get_vesting: (id) => {
        const s = sys.vesting.schedule(id);
        return s === undefined ? [] : [vestingView(s, time())];
    },
    list_vesting: (a) => sys.vesting.byOwner(a.owner.toUint8Array(), a.start, Math.min(a.count, MAX_RECORDS)).map((s) => vestingView(s, time())),
    vesting_tranches: (a) => {
        const s = sys.vesting.schedule(a.id);
        if (s === undefined) return [];
        return tranches(s, a.start, Math.min(a.count, MAX_RECORDS)).map((t) => ({ index: t.index, year: t.year, slot: t.slot, amount: t.amount, unlocks_at: t.unlocksAt }));
    },
    vesting_summary: () => {
        const t = sys.vesting.totals();
        return { schedules: t.nextId, total: t.total, released: t.released, required_balance: t.total - t.released, account: accountOut(sys.vesting.vestingAccount()), transfers_pending: BigInt(sys.outbox.pending()) };
    },
};
