/** Governance (spec §8): each method `m` with its `validate_m`; the treasury's payouts; the log. */
import { accountIn, toOpt, type CAccount } from '../../../src/ledger/api/candid';
import { logView, paramsUpdateIn, payoutView } from '../../../src/protocol/api/views';
import { asValidation, describeParamsCheck } from '../../../src/protocol/governance/params-check';
import type { Handlers } from '../handlers';
import { sys } from '../lifecycle';
import { icEnv } from '../../common/env';

const MAX_RECORDS = 100;
const payments = (ps: { to: unknown; amount: bigint }[]) => ps.map((p) => ({ to: accountIn(p.to as CAccount), amount: p.amount }));

export const governanceHandlers: Handlers<
    | 'set_governance'
    | 'validate_set_governance'
    | 'update_params'
    | 'validate_update_params'
    | 'pay_grant'
    | 'validate_pay_grant'
    | 'airdrop_batch'
    | 'validate_airdrop_batch'
    | 'pause'
    | 'validate_pause'
    | 'resume'
    | 'validate_resume'
    | 'governance_log'
    | 'get_payout'
> = {
    set_governance: (p) => sys.governance.setGovernance(icEnv.caller(), p.toUint8Array()),
    validate_set_governance: (p) => asValidation(sys.governance.checkSetGovernance(p.toUint8Array())),
    update_params: (u) => sys.governance.updateParams(icEnv.caller(), paramsUpdateIn(u)),
    validate_update_params: (u) => describeParamsCheck(sys.governance.checkParams(paramsUpdateIn(u))),
    pay_grant: async (a) => {
        const r = await sys.treasury.pay(icEnv.caller(), 'grant', payments([a]), a.reason);
        return 'Ok' in r ? { Ok: r.Ok.map(payoutView) } : r;
    },
    validate_pay_grant: (a) => asValidation(sys.treasury.checkPayout('grant', payments([a]), a.reason)),
    airdrop_batch: async (a) => {
        const r = await sys.treasury.pay(icEnv.caller(), 'airdrop', payments(a.payments), a.reason);
        return 'Ok' in r ? { Ok: r.Ok.map(payoutView) } : r;
    },
    validate_airdrop_batch: (a) => asValidation(sys.treasury.checkPayout('airdrop', payments(a.payments), a.reason)),
    pause: (reason) => sys.governance.pause(icEnv.caller(), reason),
    validate_pause: (reason) => asValidation(sys.governance.checkPause(reason)),
    resume: () => sys.governance.resume(icEnv.caller()),
    validate_resume: () => asValidation(sys.governance.checkResume()),
    governance_log: (a) => sys.governance.log(a.start, Math.min(a.count, MAX_RECORDS)).map(logView),
    get_payout: (id) => {
        const p = sys.treasury.payout(id);
        return toOpt(p === undefined ? undefined : payoutView(p));
    },
};
