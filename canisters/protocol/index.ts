/**
 * emc_protocol — the EMC protocol canister. Entry points only: decode the Candid argument with our
 * codec, call the domain (src/protocol), encode the result. The maintenance timer (stake releases,
 * retries of ledger operations with unknown outcomes) is armed in init and again in post_upgrade.
 */
import { canisterCycleBalance, canisterVersion, dataCertificate, init, inspectMessage, msgArgData, msgReply, postUpgrade, Principal, query, setTimer, time, update } from 'azle';

import { decode, encode, type Type } from '../../src/candid/candid';
import { primeService } from '../../src/candid/service';
import { accountIn, accountOut, opt, toOpt, type CAccount } from '../../src/ledger/candid';
import { describeParamsCheck } from '../../src/governance/governance';
import { describeVariant } from '../../src/storage/bytes';
import type { VoteRecord } from '../../src/penalties/votes';
import type { BatchPayload } from '../../src/protocol/batches';
import * as T from '../../src/protocol/candid';
import { batchTipHashTreeCbor } from '../../src/protocol/certified-tip';
import { previewComputeE } from '../../src/protocol/evalue';
import { PROTOCOL_METHODS, protocolIngressPolicy, type ProtocolMethod } from '../../src/protocol/interface';
import type { NodeRecord, NodeType } from '../../src/protocol/nodes';
import { protocolSystem } from '../../src/protocol/system';
import { INDEX_SCALE } from '../../src/rewards/rewards';
import { emissionSchedule } from '../../src/rewards/schedule';
import { StableKV } from '../../src/storage/stable-kv';
import { candidType, methodSig } from '../common/candid-sig';
import { icEnv } from '../common/env';
import { checkArgLength } from '../../src/candid/inspect';
import { inspectOrTrap } from '../common/inspect';
import { IcLedgerClient } from '../common/ledger-client';

const VERSION = '0.3.0';
const MAX_PAGE = 1000;
/** Inspect rules and execution's argument limits, computed per method when asked. */
const INGRESS = protocolIngressPolicy();

const idl = candidType;

function sig(name: ProtocolMethod): ReturnType<typeof methodSig> {
    return methodSig(PROTOCOL_METHODS[name]);
}

function arg<V>(t: Type<V>): V {
    const bytes = msgArgData();
    checkArgLength(INGRESS, t, bytes);
    return decode([t], bytes)[0] as V;
}

function reply(name: ProtocolMethod, value: unknown): void {
    msgReply(encode([PROTOCOL_METHODS[name].ret], [value]));
}

const { registry, protocol, batches, votes, governance, admitValidators } = protocolSystem((id) => new StableKV(id), icEnv, (p) => new IcLedgerClient(() => p().config().ledger));

function idOf(index: bigint): string {
    return registry.get(index)?.id ?? `#${index}`;
}

function voteResult(r: { Ok: VoteRecord } | { Err: unknown }): unknown {
    return 'Ok' in r ? { Ok: T.voteView(r.Ok, idOf) } : r;
}


function view(n: NodeRecord): T.NodeView {
    return T.nodeView(n, protocol.escrowAccount(n.index));
}

function nodeResult(r: { Ok: NodeRecord } | { Err: unknown }): unknown {
    return 'Ok' in r ? { Ok: view(r.Ok) } : r;
}

/**
 * Deadlines of the maintenance timers armed and not yet fired (heap: timers do not survive
 * upgrades; post_upgrade arms them again). Timers are never cleared: in Azle 0.33 `clearTimer`
 * panics ("already borrowed") because dropping the timer's closure re-enters the JavaScript
 * context that is running. A timer that is no longer needed simply finds nothing to do.
 */
const armed = new Set<bigint>();

/**
 * Arms a maintenance timer for the next thing to do (a term end, a retry) unless one already fires
 * by then: a network with nothing due does not wake up.
 */
function scheduleMaintenance(): void {
    const next = protocol.nextMaintenanceAt();
    if (next === undefined) return;
    for (const at of armed) if (at <= next) return;
    const now = time();
    const delaySeconds = next > now ? Number((next - now + 999_999_999n) / 1_000_000_000n) : 0;
    const at = now + BigInt(delaySeconds) * 1_000_000_000n;
    armed.add(at);
    setTimer(delaySeconds, async () => {
        armed.delete(at);
        try {
            await protocol.runMaintenance();
        } catch (e) {
            // The next run retries; the canister's log says why this one stopped.
            console.error(`maintenance failed: ${(e as Error).message}`);
        } finally {
            scheduleMaintenance();
        }
    });
}

export default class {
    @init([idl(T.ProtocolArgT)], { manual: true })
    init(): void {
        const a = arg(T.ProtocolArgT) as { Init: { ledger: Principal; governance: [] | [Principal]; genesis_time: [] | [bigint]; epoch_seconds: [] | [bigint] } } | { Upgrade: unknown };
        if (!('Init' in a)) throw new Error('the protocol must be installed with variant { Init = … }');
        const governance = a.Init.governance.length === 1 ? a.Init.governance[0] : Principal.fromText(T.NNS_GOVERNANCE);
        const seconds = opt(a.Init.epoch_seconds);
        protocol.init({ ledger: a.Init.ledger.toUint8Array(), governance: governance.toUint8Array(), genesis: opt(a.Init.genesis_time), epochLength: seconds === undefined ? undefined : seconds * 1_000_000_000n });
        primeService(PROTOCOL_METHODS);
        batches.certifyTip();
        scheduleMaintenance();
    }

    @postUpgrade([idl(T.ProtocolArgT)], { manual: true })
    postUpgrade(): void {
        const a = arg(T.ProtocolArgT) as { Init: unknown } | { Upgrade: unknown };
        if (!('Upgrade' in a)) throw new Error('the protocol must be upgraded with variant { Upgrade = … }');
        protocol.ensureRewards();
        primeService(PROTOCOL_METHODS);
        batches.certifyTip();
        scheduleMaintenance();
    }

    /** Refuses unknown methods, the anonymous caller of every update and oversize arguments (docs/security.md). */
    @inspectMessage({ manual: true })
    inspectMessage(): boolean {
        return inspectOrTrap('emc_protocol', INGRESS);
    }

    // ----- nodes and stakes --------------------------------------------------------------------

    @update(...sig('register_node'))
    async register_node(): Promise<void> {
        const r = await protocol.registerNode(T.registerArgsIn(arg(T.RegisterNodeArgsT)));
        reply('register_node', nodeResult(r));
        scheduleMaintenance();
    }

    @update(...sig('stake_compute'))
    async stake_compute(): Promise<void> {
        const a = arg(T.StakeComputeArgsT);
        reply('stake_compute', nodeResult(await protocol.stakeCompute(a.node_id, a.amount, a.lock_days, opt(a.from_subaccount))));
        scheduleMaintenance();
    }

    @update(...sig('top_up'))
    async top_up(): Promise<void> {
        const a = arg(T.TopUpArgsT);
        reply('top_up', nodeResult(await protocol.topUp(a.node_id, a.amount, opt(a.from_subaccount))));
        scheduleMaintenance();
    }

    @update(...sig('renew'))
    async renew(): Promise<void> {
        const a = arg(T.RenewArgsT);
        reply('renew', nodeResult(await protocol.renew(a.node_id, a.days, a.top_up, opt(a.from_subaccount))));
        scheduleMaintenance();
    }

    @update(...sig('withdraw_candidacy'))
    async withdraw_candidacy(): Promise<void> {
        reply('withdraw_candidacy', nodeResult(await protocol.withdrawCandidacy(arg(PROTOCOL_METHODS.withdraw_candidacy.args[0] as Type<string>))));
        scheduleMaintenance();
    }

    @update(...sig('retry_operation'))
    async retry_operation(): Promise<void> {
        reply('retry_operation', nodeResult(await protocol.retryOperation(arg(PROTOCOL_METHODS.retry_operation.args[0] as Type<string>))));
        scheduleMaintenance();
    }

    @update(...sig('admit_validators'))
    admit_validators(): void {
        const ids = arg(PROTOCOL_METHODS.admit_validators.args[0] as Type<string[]>);
        const r = admitValidators(icEnv.caller(), ids);
        reply('admit_validators', 'Ok' in r ? { Ok: r.Ok.map(view) } : r);
        scheduleMaintenance();
    }

    // ----- rewards -------------------------------------------------------------------------------

    @update(...sig('claim_rewards'))
    async claim_rewards(): Promise<void> {
        const r = await protocol.claimRewards(arg(PROTOCOL_METHODS.claim_rewards.args[0] as Type<string>));
        reply('claim_rewards', 'Ok' in r ? { Ok: { node_id: r.Ok.node.id, amount: r.Ok.amount, wallet: accountOut(r.Ok.node.wallet) } } : r);
        scheduleMaintenance();
    }

    @query(...sig('node_rewards'))
    node_rewards(): void {
        const n = registry.byId(arg(PROTOCOL_METHODS.node_rewards.args[0] as Type<string>));
        if (n === undefined) {
            reply('node_rewards', []);
            return;
        }
        const now = time();
        const { state } = protocol.rewards.simulate(now);
        const settled = protocol.rewards.settled(protocol.rewards.node(n.index), state);
        reply('node_rewards', [{ weight: settled.weight, credited: settled.credited, claimed: settled.claimed, claimable: settled.credited - settled.claimed }]);
    }

    @query(...sig('rewards_summary'))
    rewards_summary(): void {
        const now = time();
        const rewards = protocol.rewards;
        const { state } = rewards.simulate(now);
        const epoch = rewards.epochOf(now, state);
        const emitted = rewards.emittedUntil(state.lastUpdate, state);
        const distributed = state.distributedScaled / INDEX_SCALE;
        reply('rewards_summary', {
            epoch,
            epoch_start: rewards.epochStart(epoch, state),
            epoch_end: rewards.epochEnd(epoch, state),
            epoch_seconds: state.epochLength / 1_000_000_000n,
            emitted,
            distributed,
            unallocated: emitted - distributed,
            claimed: state.claimed,
            total_e: state.totalWeight,
            eligible: state.eligible,
        });
    }

    @query(...sig('epoch_records'))
    epoch_records(): void {
        const a = arg(T.EpochRangeT);
        const out: unknown[] = [];
        for (let e = a.start; e < a.start + BigInt(Math.min(a.count, 100)); e++) {
            const r = protocol.rewards.epochRecord(e);
            if (r === undefined) break;
            out.push({ epoch: r.epoch, start: r.start, end: r.end, emitted: r.emitted, distributed: r.distributed, unallocated: r.unallocated, total_e: r.totalE, eligible: r.eligible });
        }
        reply('epoch_records', out);
    }

    @query(...sig('emission_schedule'))
    emission_schedule(): void {
        reply('emission_schedule', emissionSchedule(arg(PROTOCOL_METHODS.emission_schedule.args[0] as Type<number>)));
    }

    // ----- state-bit batches -------------------------------------------------------------------

    @update(...sig('propose_batch'))
    propose_batch(): void {
        const a = arg(PROTOCOL_METHODS.propose_batch.args[0] as Type<{ height: bigint; payload: BatchPayload; digest: Uint8Array }>);
        reply('propose_batch', protocol.rewards.deferred(() => batches.propose(a.height, a.payload, a.digest)));
    }

    @update(...sig('vote_batch'))
    vote_batch(): void {
        const a = arg(PROTOCOL_METHODS.vote_batch.args[0] as Type<{ height: bigint; digest: Uint8Array }>);
        reply('vote_batch', protocol.rewards.deferred(() => batches.vote(a.height, a.digest)));
    }

    // ----- queries -------------------------------------------------------------------------------

    @query(...sig('get_node'))
    get_node(): void {
        const n = registry.byId(arg(PROTOCOL_METHODS.get_node.args[0] as Type<string>));
        reply('get_node', toOpt(n === undefined ? undefined : view(n)));
    }

    @query(...sig('list_nodes'))
    list_nodes(): void {
        const a = arg(T.ListNodesArgsT);
        const type = T.tagOf<NodeType>(a.node_type as Record<string, null>);
        const status = T.statusIn(a.status as Record<string, null>);
        const limit = Math.min(a.limit, MAX_PAGE);
        const nodes = registry.page(type, status, Number(a.start), limit).map(view);
        reply('list_nodes', { nodes, total: BigInt(registry.count(type, status)) });
    }

    @query(...sig('validator_set'))
    validator_set(): void {
        const s = protocol.validatorSet();
        reply('validator_set', { validators: s.validators.map(view), size: s.size, f: toOpt(s.f), quorum: s.quorum });
    }

    @query(...sig('get_batch'))
    get_batch(): void {
        reply('get_batch', batches.getBatch(arg(PROTOCOL_METHODS.get_batch.args[0] as Type<bigint>)));
    }

    @query(...sig('certified_tip'))
    certified_tip(): void {
        const tip = batches.lastConfirmed();
        reply('certified_tip', {
            height: toOpt(tip?.height),
            digest: toOpt(tip?.digest),
            certificate: toOpt(dataCertificate()),
            hash_tree: batchTipHashTreeCbor(tip),
        });
    }

    @query(...sig('preview_e_value'))
    preview_e_value(): void {
        const a = arg(T.PreviewArgsT);
        reply('preview_e_value', previewComputeE(a.poc_ms, a.stake_e8s, a.lock_days, new Map(protocol.params().computeMultipliers)));
    }

    @query(...sig('protocol_info'))
    protocol_info(): void {
        const c = protocol.config();
        reply('protocol_info', {
            governance: Principal.fromUint8Array(c.governance),
            ledger: Principal.fromUint8Array(c.ledger),
            treasury: accountOut(protocol.treasuryAccount()),
            ledger_fee: c.params.ledgerFee,
            validators: registry.activeValidatorCount(),
            pending_releases: BigInt(registry.pendingExpiries()),
            paused: toOpt(c.paused?.reason),
        });
    }

    // ----- impeachment and key compromise (spec §7) ------------------------------------------------

    @update(...sig('open_impeachment'))
    open_impeachment(): void {
        const a = arg(T.OpenImpeachmentArgsT);
        reply('open_impeachment', voteResult(votes.openImpeachment(icEnv.caller(), a.accuser, a.node_id, a.reason)));
        scheduleMaintenance();
    }

    @update(...sig('vote_impeachment'))
    vote_impeachment(): void {
        const a = arg(T.ImpeachmentVoteArgsT);
        reply('vote_impeachment', voteResult(votes.voteImpeachment(icEnv.caller(), a.id, a.voter, a.yes)));
        scheduleMaintenance();
    }

    @update(...sig('report_key_compromise'))
    report_key_compromise(): void {
        const a = arg(T.KeyReportArgsT);
        reply('report_key_compromise', voteResult(votes.reportKeyCompromise(icEnv.caller(), a.node_id, a.new_operator.toUint8Array())));
        scheduleMaintenance();
    }

    @update(...sig('answer_key_report'))
    answer_key_report(): void {
        const a = arg(T.KeyAnswerArgsT);
        reply('answer_key_report', voteResult(votes.answerKeyReport(icEnv.caller(), a.id, a.voter, a.confirm)));
        scheduleMaintenance();
    }

    @query(...sig('get_vote'))
    get_vote(): void {
        const v = votes.get(arg(PROTOCOL_METHODS.get_vote.args[0] as Type<bigint>));
        reply('get_vote', toOpt(v === undefined ? undefined : T.voteView(v, idOf)));
    }

    @query(...sig('list_votes'))
    list_votes(): void {
        const a = arg(T.RangeT);
        reply('list_votes', votes.list(a.start, Math.min(a.count, 100)).map((v) => T.voteView(v, idOf)));
    }

    // ----- penalties (spec §6) -----------------------------------------------------------------------

    @query(...sig('penalty_log'))
    penalty_log(): void {
        const a = arg(T.RangeT);
        reply('penalty_log', protocol.liveness.records(a.start, Math.min(a.count, 100)).map(T.penaltyView));
    }

    @query(...sig('penalties_summary'))
    penalties_summary(): void {
        const t = protocol.liveness.totals();
        reply('penalties_summary', { charged: t.charged, moved: t.moved, forgiven: t.forgiven, pending_deductions: BigInt(protocol.liveness.pendingDeductions()), records: t.records });
    }

    // ----- governance (spec §8): each method m with its validate_m ----------------------------------

    @update(...sig('set_governance'))
    set_governance(): void {
        reply('set_governance', governance.setGovernance(icEnv.caller(), arg(PROTOCOL_METHODS.set_governance.args[0] as Type<Principal>).toUint8Array()));
    }

    @query(...sig('validate_set_governance'))
    validate_set_governance(): void {
        reply('validate_set_governance', governance.checkSetGovernance(arg(PROTOCOL_METHODS.validate_set_governance.args[0] as Type<Principal>).toUint8Array()));
    }

    @update(...sig('update_params'))
    update_params(): void {
        reply('update_params', governance.updateParams(icEnv.caller(), T.paramsUpdateIn(arg(T.ParamsUpdateT))));
        scheduleMaintenance();
    }

    @query(...sig('validate_update_params'))
    validate_update_params(): void {
        reply('validate_update_params', describeParamsCheck(governance.checkParams(T.paramsUpdateIn(arg(T.ParamsUpdateT)))));
    }

    @query(...sig('validate_admit_validators'))
    validate_admit_validators(): void {
        const ids = arg(PROTOCOL_METHODS.validate_admit_validators.args[0] as Type<string[]>);
        const r = protocol.checkAdmission(ids);
        reply('validate_admit_validators', 'Ok' in r ? { Ok: `Admit ${ids.length} validator(s): ${ids.join(', ')}; the set grows to ${registry.count('validator', 'active') + ids.length}.` } : { Err: describeVariant(r.Err) });
    }

    @update(...sig('pay_grant'))
    async pay_grant(): Promise<void> {
        const a = arg(T.GrantArgsT);
        const r = await governance.pay(icEnv.caller(), 'grant', [{ to: accountIn(a.to as CAccount), amount: a.amount }], a.reason);
        reply('pay_grant', 'Ok' in r ? { Ok: r.Ok.map(T.payoutView) } : r);
        scheduleMaintenance();
    }

    @query(...sig('validate_pay_grant'))
    validate_pay_grant(): void {
        const a = arg(T.GrantArgsT);
        reply('validate_pay_grant', governance.checkPayout('grant', [{ to: accountIn(a.to as CAccount), amount: a.amount }], a.reason));
    }

    @update(...sig('airdrop_batch'))
    async airdrop_batch(): Promise<void> {
        const a = arg(T.AirdropArgsT);
        const r = await governance.pay(icEnv.caller(), 'airdrop', a.payments.map((p) => ({ to: accountIn(p.to as CAccount), amount: p.amount })), a.reason);
        reply('airdrop_batch', 'Ok' in r ? { Ok: r.Ok.map(T.payoutView) } : r);
        scheduleMaintenance();
    }

    @query(...sig('validate_airdrop_batch'))
    validate_airdrop_batch(): void {
        const a = arg(T.AirdropArgsT);
        reply('validate_airdrop_batch', governance.checkPayout('airdrop', a.payments.map((p) => ({ to: accountIn(p.to as CAccount), amount: p.amount })), a.reason));
    }

    @update(...sig('pause'))
    pause(): void {
        reply('pause', governance.pause(icEnv.caller(), arg(PROTOCOL_METHODS.pause.args[0] as Type<string>)));
    }

    @query(...sig('validate_pause'))
    validate_pause(): void {
        reply('validate_pause', governance.checkPause(arg(PROTOCOL_METHODS.validate_pause.args[0] as Type<string>)));
    }

    @update(...sig('resume'))
    resume(): void {
        reply('resume', governance.resume(icEnv.caller()));
        scheduleMaintenance();
    }

    @query(...sig('validate_resume'))
    validate_resume(): void {
        reply('validate_resume', governance.checkResume());
    }

    @query(...sig('governance_log'))
    governance_log(): void {
        const a = arg(T.RangeT);
        reply('governance_log', governance.log(a.start, Math.min(a.count, 100)).map(T.logView));
    }

    @query(...sig('get_payout'))
    get_payout(): void {
        const p = governance.payout(arg(PROTOCOL_METHODS.get_payout.args[0] as Type<bigint>));
        reply('get_payout', toOpt(p === undefined ? undefined : T.payoutView(p)));
    }

    @query(...sig('protocol_params'))
    protocol_params(): void {
        reply('protocol_params', T.paramsView(protocol.params(), protocol.rewards.state().epochLength));
    }

    @query(...sig('health'))
    health(): void {
        reply('health', { canister: 'emc_protocol', version: VERSION, time_ns: time(), canister_version: canisterVersion(), cycles: canisterCycleBalance() });
    }
}
