/**
 * The protocol canister's domain wired together: the registry, the protocol (stakes, rewards,
 * liveness), the state-bit batches and the peer votes, each on its stable maps. The canister opens
 * the maps as StableBTreeMaps; unit tests and tools open in-memory maps with the same ids.
 */
import type { Env } from '../lib/env';
import type { KV } from '../lib/storage/kv';
import { PROTOCOL_MEMORY as M } from '../lib/storage/memory-ids';
import { Rewards } from './rewards/rewards';
import { Batches } from './batches/batches';
import type { LedgerClient } from './model/ledger-port';
import type { NodeStatus, NodeType } from './nodes/record';
import { Protocol } from './stakes/stakes';
import { isVotingValidator, Registry, typeStatusIndex } from './nodes/registry';
import { Votes } from './votes/votes';
import { Governance } from './governance/governance';
import { TREASURY_SUBACCOUNT } from './stakes/stakes';

export interface ProtocolSystem {
    /** Governance admits validators (recorded in the governance log). */
    admitValidators(caller: Uint8Array, ids: string[]): ReturnType<Protocol['admitValidators']>;
    registry: Registry;
    protocol: Protocol;
    batches: Batches;
    votes: Votes;
    governance: Governance;
}

export function protocolSystem(open: (memoryId: number) => KV, env: Env, ledger: LedgerClient | ((p: () => Protocol) => LedgerClient)): ProtocolSystem {
    const typeStatus = new Map<number, KV>();
    const registry = new Registry({
        nodes: open(M.NODES),
        ids: open(M.NODE_IDS),
        expiries: open(M.EXPIRIES),
        validators: open(M.VALIDATORS),
        byTypeStatus: (type: NodeType, status: NodeStatus) => {
            const offset = typeStatusIndex(type, status);
            let kv = typeStatus.get(offset);
            if (kv === undefined) {
                kv = open(M.TYPE_STATUS_BASE + offset);
                typeStatus.set(offset, kv);
            }
            return kv;
        },
    });
    const stores = {
        config: open(M.CONFIG),
        pendingOps: open(M.PENDING_OPS),
        liveness: { queue: open(M.LIVENESS_QUEUE), due: open(M.LIVENESS_DUE), episodes: open(M.FAULT_EPISODES), deductions: open(M.DEDUCTIONS), log: open(M.PENALTY_LOG), state: open(M.PENALTY_STATE) },
        unstaked: { queue: open(M.UNSTAKED_QUEUE), perOperator: open(M.UNSTAKED_BY_OPERATOR) },
    };
    const rewards = new Rewards({ state: open(M.REWARDS_STATE), nodes: open(M.NODE_REWARDS), epochs: open(M.EPOCHS) });
    // The canister's ledger client needs the ledger id from the protocol's configuration.
    const client = typeof ledger === 'function' ? ledger(() => protocol) : ledger;
    const protocol: Protocol = new Protocol(registry, stores, env, client, rewards);
    const batches = new Batches(
        { config: open(M.BATCH_CONFIG), proposals: open(M.BATCH_PROPOSALS), votes: open(M.BATCH_VOTES), confirmed: open(M.BATCH_CONFIRMED), participation: open(M.BATCH_PARTICIPATION) },
        { activeValidator: (op) => registry.validatorIndex(op), activeCount: () => registry.activeValidatorCount(), paused: () => protocol.config().paused?.reason },
        {
            applyPoc: (id, op, ms) => protocol.applyPoc(id, op, ms),
            applyObservation: (id, online) => protocol.applyObservation(id, online),
            participated: (v, previous, at) => protocol.participated(v, previous, at),
        },
        env,
    );
    protocol.attachBatches({
        firstConfirmationAtOrAfter: (t) => batches.firstConfirmationAtOrAfter(t),
        participationTime: (v) => batches.participation(v)?.time,
    });
    const votes = new Votes(
        { records: open(M.VOTES), ballots: open(M.VOTE_BALLOTS), deadlines: open(M.VOTE_DEADLINES), open: open(M.VOTE_OPEN), state: open(M.VOTE_STATE) },
        {
            params: () => protocol.params(),
            now: () => env.now(),
            byId: (id) => registry.byId(id),
            get: (i) => registry.get(i),
            count: (type) => registry.count(type, 'active'),
            votingValidators: (max) => registry.page('validator', 'active', 0, max).filter(isVotingValidator),
            isVotingValidator: (op) => registry.validatorIndex(op) !== undefined,
            pausedError: () => protocol.pausedError(),
            disqualify: (i) => protocol.disqualify(i),
            impeachmentProblem: (n) => protocol.impeachmentProblem(n),
            holdStake: (i, until) => protocol.holdStake(i, until),
            freeze: (i) => protocol.freeze(i),
            unfreeze: (i, op) => protocol.unfreeze(i, op),
        },
    );
    protocol.attachVotes(votes);
    const governance = new Governance(
        { log: open(M.GOVERNANCE_LOG), payouts: open(M.PAYOUTS), state: open(M.GOVERNANCE_STATE), retries: open(M.PAYOUT_RETRIES) },
        {
            governance: () => protocol.config().governance,
            setGovernance: (g) => protocol.saveConfig({ ...protocol.config(), governance: g }),
            paused: () => protocol.config().paused,
            setPaused: (p) => protocol.saveConfig({ ...protocol.config(), paused: p }),
            params: () => protocol.params(),
            setParams: (p) => protocol.saveConfig({ ...protocol.config(), params: p }),
            epochLength: () => protocol.rewards.state().epochLength,
            changeEpochLength: (ns) => protocol.rewards.changeEpochLength(ns, env.now()),
            treasurySubaccount: () => TREASURY_SUBACCOUNT,
            now: () => env.now(),
        },
        client,
    );
    protocol.attachPayouts(governance);
    const admitValidators = (caller: Uint8Array, ids: string[]) => {
        const r = protocol.admitValidators(caller, ids);
        if ('Ok' in r) governance.append(caller, 'admit_validators', `${protocol.registry.count('validator', 'active') - ids.length} validators`, `admitted ${ids.join(', ')}`);
        return r;
    };
    return { registry, protocol, batches, votes, governance, admitValidators };
}
