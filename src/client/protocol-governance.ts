/**
 * The protocol canister's governance methods (spec §8), as the governance principal (on a devnet,
 * the genesis owner; on the IC, an SNS) and everyone reading them use them: parameters, the
 * governance hand-over, validator admissions, treasury payouts, pause and resume, and the
 * governance log. `ProtocolClient` (protocol.ts) extends this class, so these are its methods.
 * A refusal is a case of the canister's `GovernanceError` (admissions: `AdmissionError`), its kind
 * the case's name and its message the canister's (errors/protocol.ts).
 * Storage: none. Cost: one call per method.
 */
import type { Principal } from '@dfinity/principal';
import type { ValueOf } from '../lib/candid/candid';
import type * as P from '../protocol/api/candid';
import type { NodeView } from '../protocol/api/candid';
import { PROTOCOL_METHODS, protocolServiceIdl } from '../protocol/api/interface';
import { CanisterClient, type ClientOptions } from './canister';
import { checkNodeIds, checkRange, checkU64 } from './checks';
import { airdropArg, governanceLogEntryOf, grantArg, paramsOf, paramsUpdateArg, payoutOf, payoutsOf } from './converters/governance';
import { nodeOf } from './converters/protocol';
import { describeProtocolError } from './errors/protocol';
import { fail, mapResult, ok, type ClientResult } from './result';
import type { IcrcAccount } from './types/account';
import type { GovernanceLogEntry, Params, ParamsChange, TreasuryPayout } from './types/governance';
import type { Node } from './types/protocol';

export class ProtocolGovernanceClient extends CanisterClient<typeof PROTOCOL_METHODS> {
    constructor(opts: ClientOptions) {
        super(PROTOCOL_METHODS, protocolServiceIdl, opts);
    }

    // ----- governance (spec §8) -----------------------------------------------------------
    // Each method m has a query validate_m with the same argument: its Ok text is the summary an
    // SNS proposal shows, and m answers the same text when it executes (payouts and admissions
    // answer what they created). A validation's refusal is `{ kind: 'Invalid', message: 'Invalid: …' }`.

    async protocolParams(): Promise<ClientResult<Params>> {
        return mapResult(await this.call<ValueOf<typeof P.ParamsViewT>>('protocol_params', []), paramsOf);
    }

    setGovernance(p: Principal): Promise<ClientResult<string>> {
        return this.variant('set_governance', [p], (t: string) => t, describeProtocolError);
    }

    validateSetGovernance(p: Principal): Promise<ClientResult<string>> {
        return this.validation('validate_set_governance', [p]);
    }

    updateParams(u: ParamsChange): Promise<ClientResult<string>> {
        return this.variant('update_params', [paramsUpdateArg(u)], (t: string) => t, describeProtocolError);
    }

    validateUpdateParams(u: ParamsChange): Promise<ClientResult<string>> {
        return this.validation('validate_update_params', [paramsUpdateArg(u)]);
    }

    /** Admits exactly the candidates that bring the validator set to its next 3F+1 size. */
    admitValidators(ids: string[]): Promise<ClientResult<Node[]>> {
        return checkNodeIds(...ids) ?? this.variant('admit_validators', [ids], (ns: NodeView[]) => ns.map(nodeOf), describeProtocolError);
    }

    validateAdmitValidators(ids: string[]): Promise<ClientResult<string>> {
        return checkNodeIds(...ids) ?? this.validation('validate_admit_validators', [ids]);
    }

    /** A developer grant from the treasury (one account). */
    payGrant(a: { to: IcrcAccount; amount: bigint; reason: string }): Promise<ClientResult<TreasuryPayout[]>> {
        return this.variant('pay_grant', [grantArg(a)], payoutsOf, describeProtocolError);
    }

    validatePayGrant(a: { to: IcrcAccount; amount: bigint; reason: string }): Promise<ClientResult<string>> {
        return this.validation('validate_pay_grant', [grantArg(a)]);
    }

    /** Up to 100 airdrop payments from the treasury. */
    airdropBatch(a: { payments: { to: IcrcAccount; amount: bigint }[]; reason: string }): Promise<ClientResult<TreasuryPayout[]>> {
        return this.variant('airdrop_batch', [airdropArg(a)], payoutsOf, describeProtocolError);
    }

    validateAirdropBatch(a: { payments: { to: IcrcAccount; amount: bigint }[]; reason: string }): Promise<ClientResult<string>> {
        return this.validation('validate_airdrop_batch', [airdropArg(a)]);
    }

    pause(reason: string): Promise<ClientResult<string>> {
        return this.variant('pause', [reason], (t: string) => t, describeProtocolError);
    }

    validatePause(reason: string): Promise<ClientResult<string>> {
        return this.validation('validate_pause', [reason]);
    }

    resume(): Promise<ClientResult<string>> {
        return this.variant('resume', [], (t: string) => t, describeProtocolError);
    }

    validateResume(): Promise<ClientResult<string>> {
        return this.validation('validate_resume', []);
    }

    /** Executed governance changes by sequence number from `start` (default 0), at most `count` (default and maximum 100). */
    async governanceLog(a: { start?: bigint; count?: number } = {}): Promise<ClientResult<GovernanceLogEntry[]>> {
        const range = { start: a.start ?? 0n, count: a.count ?? 100 };
        const bad = checkRange(range.start, range.count);
        if (bad !== undefined) return bad;
        return mapResult(await this.call<ValueOf<typeof P.LogEntryT>[]>('governance_log', [range]), (es) => es.map(governanceLogEntryOf));
    }

    /** The payout, or `undefined` if no payout has this id. */
    async getPayout(id: bigint): Promise<ClientResult<TreasuryPayout | undefined>> {
        const bad = checkU64(id, 'payout id');
        if (bad !== undefined) return bad;
        const r = await this.call<[] | [ValueOf<typeof P.PayoutT>]>('get_payout', [id]);
        return mapResult(r, (p) => (p.length === 1 ? payoutOf(p[0]) : undefined));
    }


    /** A governance `validate_m` query: `variant { Ok : text; Err : text }`; Err → kind `Invalid`. */
    protected async validation(method: keyof typeof PROTOCOL_METHODS, args: unknown[]): Promise<ClientResult<string>> {
        const r = await this.call<{ Ok: string } | { Err: string }>(method, args);
        if (!r.ok) return r;
        return 'Ok' in r.value ? ok(r.value.Ok) : fail('Invalid', r.value.Err);
    }
}
