/**
 * The devnet's invariants, checked at the end of a run against what the canisters report through
 * the SDK (never against the runner's own bookkeeping alone). The scripted faults' expected charges
 * are computed here from the spec's rule, independently of src/penalties: a window counts when it
 * is complete before the fault ended and some batch other than the one that opened the fault was
 * confirmed inside it.
 */
import type { Principal } from '@dfinity/principal';
import type { LedgerClient } from '../../src/client/ledger';
import type { ProtocolClient } from '../../src/client/protocol';
import type { Node, PenaltyLogEntry } from '../../src/client/types/protocol';
import type { IcrcAccount } from '../../src/client/types/account';
import type { ClientResult } from '../../src/client/result';
import { emcExact } from '../../src/client/format/display';

/** Exact amounts with thousands separators (the one display format; invariants need every e8s). */
const emc = (e8s: bigint): string => `${emcExact(e8s)} EMC`;
import { EPOCH_SECONDS, type Kind, type PlannedNode } from './plan';
import { checkDistribution, checkMarket, treasuryFlows, type DistributionCheckInput, type MarketCheckInput } from './checks-economy';

export interface Check {
    name: string;
    ok: boolean;
    detail: string;
}

export interface ScriptRecord {
    faults: { nodeId: string; kind: Kind; from?: bigint; to?: bigint }[];
    impeachment?: { nodeId: string; voteId: bigint; status: string; yes: number; electorate: number; stake: bigint };
    keyRotation?: { nodeId: string; voteId: bigint; status: string; oldOperator: Principal; newOperator: Principal; oldKeyClient: ProtocolClient };
    topUp?: { nodeId: string; suspendedBefore: boolean; suspendedAfter: boolean };
    claims: bigint;
}

export interface CheckInput {
    protocol: ProtocolClient;
    ledger: LedgerClient;
    nodes: PlannedNode[];
    /** Every principal that may hold EMC (default subaccounts). */
    accounts: Principal[];
    /** Confirmation times of this run's batches. */
    confirmations: bigint[];
    record: ScriptRecord;
    rows: { epoch: number; emitted: bigint; distributed: bigint; unallocated: bigint; claimed: bigint }[];
    runStart: bigint;
    lastConfirmed: { height: bigint };
    /** Accounts with a subaccount that hold EMC besides the escrows and the treasury (the protocol's market, vesting, lock-up and mapping accounts). */
    extraAccounts?: IcrcAccount[];
    /** The market and the distribution (absent: not checked). */
    market?: MarketCheckInput;
    distribution?: DistributionCheckInput;
    /** What the treasury received at genesis. */
    treasuryGenesis?: bigint;
}

const HOUR = 3_600_000_000_000n;
const DAY = 24n * HOUR;

function get<T>(r: ClientResult<T>, what: string): T {
    if (!r.ok) throw new Error(`${what}: ${r.error.message}`);
    return r.value;
}

/** Windows of length `w` from `from` that end by `to` and hold a confirmation other than `from`. */
export function expectedWindows(from: bigint, to: bigint, w: bigint, confirmations: readonly bigint[]): number {
    let n = 0;
    for (let lo = from; lo + w <= to; lo += w) {
        if (confirmations.some((c) => c >= lo && c < lo + w && c !== from)) n++;
    }
    return n;
}

export async function checkInvariants(i: CheckInput): Promise<Check[]> {
    const checks: Check[] = [];
    const check = (name: string, ok: boolean, detail = ''): void => {
        checks.push({ name, ok, detail });
    };
    const p = i.protocol;
    const params = get(await p.protocolParams(), 'protocol_params');
    const info = get(await p.protocolInfo(), 'protocol_info');
    const summary = get(await p.rewardsSummary(), 'rewards_summary');
    const schedule = get(await p.emissionSchedule(2), 'emission_schedule');
    const nodes = new Map<string, Node>();
    let claimable = 0n;
    for (const n of i.nodes) {
        const v = get(await p.getNode(n.nodeId), `get_node ${n.nodeId}`);
        if (v === undefined) throw new Error(`node ${n.nodeId} is missing`);
        nodes.set(n.nodeId, v);
        claimable += get(await p.nodeRewards(n.nodeId), `node_rewards ${n.nodeId}`).claimable;
    }

    // ----- rewards ----------------------------------------------------------------------
    const gap = summary.emitted - summary.claimed - claimable - summary.unallocated;
    check('rewards: claimed + Σ claimable + unallocated = emitted, up to < 1 e8s of remainder per node', gap >= 0n && gap < BigInt(i.nodes.length), `emitted ${emc(summary.emitted)}, claimed ${emc(summary.claimed)}, claimable ${emc(claimable)}, unallocated ${emc(summary.unallocated)}, remainders ${gap} e8s over ${i.nodes.length} nodes`);
    const perEpoch = schedule[0]?.epochReward ?? 0n;
    const bad = i.rows.filter((r) => r.emitted !== perEpoch || r.distributed + r.unallocated !== r.emitted);
    check('rewards: every epoch emitted its scheduled r(1) and distributed + unallocated = emitted', bad.length === 0 && i.rows.length > 0, bad.length === 0 ? `${i.rows.length} epochs × ${emc(perEpoch)}` : `epochs ${bad.map((r) => r.epoch).join(', ')} differ`);
    const seen = i.rows.reduce((s, r) => s + r.claimed, 0n);
    check('rewards: the canister’s claimed total = the sum of the claims the nodes received', seen === summary.claimed, `${emc(summary.claimed)} vs ${emc(seen)}`);
    check('rewards: epochs are as long as configured', summary.epochSeconds === EPOCH_SECONDS, `${summary.epochSeconds} s`);

    // ----- ledger -----------------------------------------------------------------------
    const l = i.ledger;
    const meta = get(await l.metadata(), 'ledger metadata');
    const accounts = new Map<string, IcrcAccount>();
    const key = (a: IcrcAccount) => `${a.owner.toText()}.${a.subaccount === undefined ? '' : Buffer.from(a.subaccount).toString('hex')}`;
    for (const a of [...i.accounts.map((owner) => ({ owner })), ...[...nodes.values()].map((n) => n.escrow), info.treasury, ...(i.extraAccounts ?? [])]) accounts.set(key(a), a);
    let sum = 0n;
    const balance = new Map<string, bigint>();
    for (const [k, a] of accounts) {
        const b = get(await l.balance(a), 'balance');
        balance.set(k, b);
        sum += b;
    }
    check('ledger: the balances of every account add up to the total supply', sum === meta.totalSupply, `${accounts.size} accounts hold ${emc(sum)}; total supply ${emc(meta.totalSupply)}`);

    // ----- penalties --------------------------------------------------------------------
    const ps = get(await p.penaltiesSummary(), 'penalties_summary');
    const log: PenaltyLogEntry[] = [];
    for (let start = 0n; ; ) {
        const page = get(await p.penaltyLog({ start, count: 100 }), 'penalty_log');
        log.push(...page);
        if (page.length < 100) break;
        start = page[page.length - 1].seq + 1n;
    }
    const logged = log.reduce((s, r) => s + r.amount, 0n);
    const due = [...nodes.values()].reduce((s, n) => s + n.penaltyDue, 0n);
    check('penalties: the log adds up to the total charged', logged === ps.charged && BigInt(log.length) === ps.records, `${log.length} records, ${emc(logged)}`);
    check('penalties: charged = moved to the treasury + forgiven + still due', ps.charged === ps.moved + ps.forgiven + due, `charged ${emc(ps.charged)}, moved ${emc(ps.moved)}, forgiven ${emc(ps.forgiven)}, due ${emc(due)}`);
    const treasury = balance.get(key(info.treasury)) ?? 0n;
    if (i.market === undefined && i.distribution === undefined) check('penalties: the treasury holds exactly what was moved to it', treasury === ps.moved, `treasury ${emc(treasury)}`);
    else {
        const flows = await treasuryFlows(i, info.ledgerFee);
        const expected = (i.treasuryGenesis ?? 0n) + ps.moved + flows.in - flows.out;
        check('treasury: genesis + penalties moved + market fees moved + what the distribution returned − what it funded = its balance', treasury === expected, `treasury ${emc(treasury)}, expected ${emc(expected)} (genesis ${emc(i.treasuryGenesis ?? 0n)}, penalties ${emc(ps.moved)}, ${flows.detail})`);
    }
    if (i.market !== undefined) checks.push(...(await checkMarket(i.market, info.ledgerFee, (a) => l.balance(a))));
    if (i.distribution !== undefined) checks.push(...(await checkDistribution(i.distribution, info.ledgerFee, (a) => l.balance(a))));
    const escrowBad: string[] = [];
    for (const n of nodes.values()) {
        if (n.pendingOperation !== undefined) continue;
        const held = balance.get(key(n.escrow)) ?? 0n;
        const expected = n.status === 'disqualified' ? 0n : (n.stake?.amount ?? 0n);
        if (held !== expected) escrowBad.push(`${n.nodeId} holds ${emc(held)}, stake ${emc(expected)}`);
    }
    check('stakes: every escrow holds exactly its node’s recorded stake', escrowBad.length === 0, escrowBad.slice(0, 3).join('; '));

    // ----- the scripted faults ----------------------------------------------------------
    const thisRun = log.filter((r) => r.time >= i.runStart && r.kind === 'liveness');
    const charged = (nodeId: string) => thisRun.filter((r) => r.nodeId === nodeId).reduce((s, r) => s + r.amount, 0n);
    const planned = new Map(i.nodes.map((n) => [n.nodeId, n]));
    const scripted = new Set(i.record.faults.map((f) => f.nodeId));
    for (const f of i.record.faults) {
        const n = nodes.get(f.nodeId) as Node;
        const pn = planned.get(f.nodeId) as PlannedNode;
        if (f.from === undefined || f.to === undefined) {
            check(`${f.kind} ${f.nodeId}: its fault started and ended within the run`, false, 'no start or end confirmation');
            continue;
        }
        const got = charged(f.nodeId);
        const minutes = (f.to - f.from) / 60_000_000_000n;
        if (f.kind === 'validator') {
            const w = expectedWindows(f.from, f.to, params.validatorWindowSeconds * 1_000_000_000n, i.confirmations);
            check(`validator ${f.nodeId} away ${minutes} min: charged ${w} × ${emc(params.validatorPenaltyE8s)}`, got === BigInt(w) * params.validatorPenaltyE8s, `charged ${emc(got)}`);
        } else if (f.kind === 'router') {
            const w = expectedWindows(f.from, f.to, params.routerWindowSeconds * 1_000_000_000n, i.confirmations);
            if (i.record.topUp?.nodeId === f.nodeId) {
                // staking exactly the minimum: its first charge suspends it, and suspended nodes are not charged
                check(`router ${f.nodeId} (minimum stake) offline ${minutes} min: suspended by its first charge, not charged after`, got === params.routerPenaltyE8s && i.record.topUp.suspendedBefore, `charged ${emc(got)}, suspended ${i.record.topUp.suspendedBefore}`);
            } else {
                check(`router ${f.nodeId} offline ${minutes} min: charged ${w} × ${emc(params.routerPenaltyE8s)}`, got === BigInt(w) * params.routerPenaltyE8s, `charged ${emc(got)}`);
            }
        } else {
            const w = expectedWindows(f.from, f.to, params.computeWindowSeconds * 1_000_000_000n, i.confirmations);
            const per = pn.stake === 0n ? 0n : (pn.stake * params.computeWindowSeconds * 1_000_000_000n) / (BigInt(pn.lockDays) * DAY);
            check(`compute ${f.nodeId} (${pn.stake === 0n ? 'unstaked' : `${emc(pn.stake)} for ${pn.lockDays} d`}) without a valid state ${minutes} min: charged ${w} × ${emc(per)}`, got === BigInt(w) * per && n.status === 'active', `charged ${emc(got)}, now ${n.status}`);
        }
    }
    const others = thisRun.filter((r) => !scripted.has(r.nodeId));
    check('liveness: no node outside the script was charged', others.length === 0, others.slice(0, 3).map((r) => `${r.nodeId} ${emc(r.amount)}`).join('; '));

    const imp = i.record.impeachment;
    if (imp !== undefined) {
        const n = nodes.get(imp.nodeId) as Node;
        const slash = log.filter((r) => r.kind === 'impeachment' && r.nodeId === imp.nodeId).reduce((s, r) => s + r.amount, 0n);
        check(`impeachment of ${imp.nodeId}: passed by majority, node disqualified, its stake charged to the treasury`, imp.status === 'passed' && imp.yes * 2 > imp.electorate && n.status === 'disqualified' && slash > 0n, `${imp.yes}/${imp.electorate} yes, status ${n.status}, charged ${emc(slash)} of ${emc(imp.stake)}`);
    }
    const kr = i.record.keyRotation;
    if (kr !== undefined) {
        const n = nodes.get(kr.nodeId) as Node;
        const tip = get(await p.certifiedTip(), 'certified_tip');
        const old = await kr.oldKeyClient.voteBatch({ height: tip.height ?? 0n, digest: tip.digest ?? new Uint8Array(32) });
        check(`key rotation of ${kr.nodeId}: the new key operates it, the old key is refused`, kr.status === 'passed' && n.operator.toText() === kr.newOperator.toText() && !n.frozen && !old.ok && old.error.kind === 'NotAValidator', `operator ${n.operator.toText()}, old key: ${old.ok ? 'accepted' : old.error.kind}`);
    }
    const tu = i.record.topUp;
    if (tu !== undefined) {
        const n = nodes.get(tu.nodeId) as Node;
        check(`suspension: ${tu.nodeId} was suspended below its minimum stake, a top-up ended it`, tu.suspendedBefore && !tu.suspendedAfter && !n.suspended && n.status === 'active', `before ${tu.suspendedBefore}, after ${tu.suspendedAfter}, now ${n.status}${n.suspended ? ' suspended' : ''}`);
    }

    // ----- validators and the certified tip --------------------------------------------
    const set = get(await p.validatorSet(), 'validator_set');
    check('validators: a 3F+1 set with quorum 2F+1', set.f !== undefined && set.size === 3 * set.f + 1 && set.quorum === 2 * set.f + 1, `size ${set.size}, F ${set.f}, quorum ${set.quorum}`);
    const tip = get(await p.certifiedTip(), 'certified_tip');
    check('batches: the certified tip is the last confirmed batch, verified against the replica’s root key', tip.verified && tip.height === i.lastConfirmed.height, `height ${tip.height}, verified ${tip.verified}`);
    return checks;
}
