/** Nodes and stakes (spec §2): registration, stakes, top-ups, renewals, withdrawals, retries; node queries. */
import { opt, toOpt } from '../../../src/ledger/api/candid';
import { registerArgsIn, statusIn, tagOf } from '../../../src/protocol/api/views';
import { previewComputeE } from '../../../src/protocol/nodes/evalue';
import type { NodeType } from '../../../src/protocol/nodes/record';
import { nodePageBytes } from '../../../src/protocol/api/node-writer';
import { Encoded, type Handlers } from '../handlers';
import { sys } from '../lifecycle';
import { icEnv } from '../../common/env';
import { nodeResult, view } from './views';

const MAX_PAGE = 1000;

export const nodeHandlers: Handlers<'register_node' | 'stake_compute' | 'top_up' | 'renew' | 'withdraw_candidacy' | 'retry_operation' | 'get_node' | 'list_nodes' | 'preview_e_value'> = {
    register_node: async (a) => nodeResult(await sys.stakes.registerNode(registerArgsIn(a))),
    stake_compute: async (a) => nodeResult(await sys.stakes.stakeCompute(a.node_id, a.amount, a.lock_days, opt(a.from_subaccount))),
    top_up: async (a) => nodeResult(await sys.stakes.topUp(a.node_id, a.amount, opt(a.from_subaccount))),
    renew: async (a) => nodeResult(await sys.stakes.renew(a.node_id, a.days, a.top_up, opt(a.from_subaccount))),
    withdraw_candidacy: async (id) => nodeResult(await sys.releases.withdrawCandidacy(id)),
    retry_operation: async (id) => nodeResult(await sys.stakes.retryOperation(id)),
    get_node: (id) => {
        const n = sys.registry.byId(id);
        return toOpt(n === undefined ? undefined : view(n));
    },
    list_nodes: (a) => {
        const type = tagOf<NodeType>(a.node_type as Record<string, null>);
        const status = statusIn(a.status as Record<string, null>);
        const raws = sys.registry.pageRaw(type, status, Number(a.start), Math.min(a.limit, MAX_PAGE));
        return new Encoded('list_nodes', nodePageBytes(raws, BigInt(sys.registry.count(type, status)), icEnv.self()));
    },
    preview_e_value: (a) => previewComputeE(a.poc_ms, a.stake_e8s, a.lock_days, new Map(sys.config.params().computeMultipliers)),
};
