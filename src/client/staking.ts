/**
 * How the protocol client moves a stake (register with a stake, stake a compute node, top up,
 * renew): check first what the protocol will check (src/client/precheck.ts) with the canister's
 * own parameters, pause state and node, and the balance, so that a doomed operation sends nothing
 * and costs no fee; then approve the protocol canister on the ledger for amount + fee, expiring
 * after `approvalTtlNs`; the protocol pulls the stake with `icrc2_transfer_from`. If the protocol
 * still refuses (its state changed in between), the error says that the approval stays until it
 * lapses and that its fee was spent (`afterApproval`).
 * Storage: none. Cost: 3–4 queries for the context, 2 queries and 1 update for the approval.
 */
import type { Principal } from '@dfinity/principal';
import { emc } from './format/display';
import { checkNodeId } from './checks';
import type { LedgerClient } from './ledger';
import { refused, stakeOperationProblem, type PrecheckContext, type StakeOperation } from './precheck';
import { ok, type ClientResult } from './result';
import type { Params } from './types/governance';
import type { Node, ProtocolInfo } from './types/protocol';

/** What the stake flow reads through the protocol client. */
export interface StakeHost {
    /** The protocol canister (the spender of the approval). */
    canisterId: Principal;
    principal(): Promise<Principal>;
    /** The network's clock, ns. */
    now(): bigint;
    approvalTtlNs: bigint;
    protocolParams(): Promise<ClientResult<Params>>;
    protocolInfo(): Promise<ClientResult<ProtocolInfo>>;
    getNode(nodeId: string): Promise<ClientResult<Node | undefined>>;
    ledger(): Promise<ClientResult<LedgerClient>>;
}

/** A stake approval the client made (amount includes the transfer's fee). */
export interface Approval {
    amount: bigint;
    fee: bigint;
    expiresAt: bigint;
    block: bigint;
}

/** What the pre-check needs: the protocol's parameters and pause state, the caller, the network's clock. */
export async function precheckContext(h: StakeHost): Promise<ClientResult<PrecheckContext>> {
    const params = await h.protocolParams();
    if (!params.ok) return params;
    const info = await h.protocolInfo();
    if (!info.ok) return info;
    return ok({ params: params.value, paused: info.value.paused, caller: await h.principal(), now: h.now() });
}

/** The node exists, and the protocol would accept `op` on it (so that a stake is not approved for nothing). */
export async function precheckNode(h: StakeHost, nodeId: string, op: (node: Node) => StakeOperation): Promise<ClientResult<Node>> {
    const bad = checkNodeId(nodeId);
    if (bad !== undefined) return bad;
    const n = await h.getNode(nodeId);
    if (!n.ok) return n;
    if (n.value === undefined) return { ok: false, error: refused('NodeNotFound', `no node "${nodeId}"`) };
    const ctx = await precheckContext(h);
    if (!ctx.ok) return ctx;
    const problem = stakeOperationProblem(op(n.value), ctx.value);
    return problem === undefined ? ok(n.value) : { ok: false, error: problem };
}

/** Checks the balance covers amount + 2 fees (the approval's and the transfer's), then approves amount + fee. */
export async function approveStake(h: StakeHost, amount: bigint, fromSubaccount?: Uint8Array): Promise<ClientResult<Approval>> {
    const l = await h.ledger();
    if (!l.ok) return l;
    const ledger = l.value;
    const fee = await ledger.fee();
    if (!fee.ok) return fee;
    const me = await h.principal();
    const bal = await ledger.balance({ owner: me, subaccount: fromSubaccount });
    if (!bal.ok) return bal;
    const needed = amount + 2n * fee.value;
    if (bal.value < needed) return { ok: false, error: refused('InsufficientFunds', `balance ${emc(bal.value)}, needed ${emc(needed)} (stake ${emc(amount)} + 2 ledger fees)`) };
    const expiresAt = h.now() + h.approvalTtlNs;
    const r = await ledger.approve({ spender: { owner: h.canisterId }, amount: amount + fee.value, expiresAt, fromSubaccount });
    return r.ok ? ok({ amount: amount + fee.value, fee: fee.value, expiresAt, block: r.value.blockIndex }) : r;
}

/** A definite refusal after an approval says that the approval (and its spent fee) stays until it lapses. */
export function afterApproval(r: ClientResult<Node>, a: Approval | undefined): ClientResult<Node> {
    if (r.ok || a === undefined || ['UnknownOutcome', 'Transport', 'OperationPending'].includes(r.error.kind)) return r;
    const until = new Date(Number(a.expiresAt / 1_000_000n)).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
    return { ok: false, error: { ...r.error, message: `${r.error.message} (the approval of ${emc(a.amount)} for the protocol made for it, ledger block ${a.block}, stays until ${until}; its fee of ${emc(a.fee)} was spent)` } };
}
