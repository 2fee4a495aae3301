/**
 * The genesis distribution on the protocol canister (spec §13–§14, docs/distribution.md), as its
 * users call it: beneficiaries claim and hand on vesting schedules, players lock and claim in the
 * lock-up game, entitled accounts claim from mappings, anyone reads the projects' lists; governance
 * checks (`validate*`) and executes. Every method wraps one entry of PROTOCOL_METHODS; answers are
 * the canister's Candid records (opt as `undefined`), errors `DistributionError` cases described in
 * one line (errors/distribution.ts). `lock` approves the protocol on the ledger first (amount + fee);
 * `loadMapping` cuts a list in chunks of 1,000 and `mappingDigest` computes the SHA-256 to seal with.
 */
import type { Principal } from '@dfinity/principal';
import type { ValueOf } from '../lib/candid/candid';
import { sha256 } from '../lib/crypto/sha256';
import type * as K from '../protocol/api/lockup-candid';
import type * as MP from '../protocol/api/mapping-candid';
import type * as PJ from '../protocol/api/projects-candid';
import type * as V from '../protocol/api/vesting-candid';
import { PROTOCOL_METHODS, protocolServiceIdl } from '../protocol/api/interface';
import { entryBytes, MAX_ENTRIES_PER_CHUNK } from '../protocol/mapping/mapping';
import { CanisterClient, type ClientOptions } from './canister';
import { checkU64 } from './checks';
import { toCandidAccount } from './converters/account';
import { describeDistributionError } from './errors/distribution';
import { LedgerClient } from './ledger';
import { badInput, fail, mapResult, ok, type ClientResult } from './result';
import type { IcrcAccount } from './types/account';

export type VestingSchedule = ValueOf<typeof V.VestingViewT>;
export type VestingTranche = ValueOf<typeof V.TrancheT>;
export type VestingSummary = ValueOf<typeof V.VestingSummaryT>;
export type VestingClaim = ValueOf<typeof V.VestingClaimResultT> extends infer R ? (R extends { Ok: infer O } ? O : never) : never;
export type LockupGame = ValueOf<typeof K.LockupGameT>;
export type LockupPeriod = ValueOf<typeof K.LockupPeriodT>;
export type LockView = ValueOf<typeof K.LockViewT>;
export type MappingView = ValueOf<typeof MP.MappingViewT>;
export type MappingEntryView = ValueOf<typeof MP.MappingEntryViewT>;
export type ProjectView = ValueOf<typeof PJ.ProjectViewT>;
export type ProjectChange = ValueOf<typeof PJ.ProjectChangeT>;
export type ProjectStatusName = 'none' | 'quality' | 'risk';

export interface NewVestingSchedule {
    beneficiary: IcrcAccount;
    total: bigint;
    start: bigint;
    reason: string;
}

export interface NewLockupGame {
    budget: bigint;
    outputPerPeriod: bigint;
    start: bigint;
    periodEpochs: number;
    periods: number;
    reason: string;
}

export interface NewMapping {
    name: string;
    rateNumerator: bigint;
    rateDenominator: bigint;
    dustThreshold: bigint;
    windowStart: bigint;
    windowEnd: bigint;
    reason: string;
}

export interface MappingEntryInput {
    account: IcrcAccount;
    source: bigint;
}

const HOUR_NS = 3_600_000_000_000n;
const first = <T>(v: [] | [T]): T | undefined => (v.length === 0 ? undefined : v[0]);

/** SHA-256 of a mapping's canonical entry list (docs/distribution.md): what `sealMapping` expects. */
export function mappingDigest(entries: MappingEntryInput[]): Uint8Array {
    const all = new Uint8Array(entries.length * 70);
    entries.forEach((e, i) => all.set(entryBytes({ owner: e.account.owner.toUint8Array(), subaccount: e.account.subaccount }, e.source), i * 70));
    return sha256(all);
}

export class DistributionClient extends CanisterClient<typeof PROTOCOL_METHODS> {
    constructor(
        opts: ClientOptions,
        private readonly ledgerClient?: LedgerClient,
    ) {
        super(PROTOCOL_METHODS, protocolServiceIdl, opts);
    }

    // ----- vesting (spec §13.1) -----

    validateAddVestingSchedule(a: NewVestingSchedule): Promise<ClientResult<string>> {
        return this.validation('validate_add_vesting_schedule', [vestingArg(a)]);
    }

    addVestingSchedule(a: NewVestingSchedule): Promise<ClientResult<VestingSchedule>> {
        return this.variant('add_vesting_schedule', [vestingArg(a)], (v: VestingSchedule) => v, describeDistributionError);
    }

    claimVesting(id: bigint): Promise<ClientResult<VestingClaim>> {
        return this.id(id, 'schedule id') ?? this.variant('claim_vesting', [id], (v: VestingClaim) => v, describeDistributionError);
    }

    /** Offers the schedule to `to` (undefined withdraws the offer). */
    offerVesting(id: bigint, to: IcrcAccount | undefined): Promise<ClientResult<VestingSchedule>> {
        return this.id(id, 'schedule id') ?? this.variant('offer_vesting', [{ id, to: to === undefined ? [] : [toCandidAccount(to)] }], (v: VestingSchedule) => v, describeDistributionError);
    }

    acceptVesting(id: bigint): Promise<ClientResult<VestingSchedule>> {
        return this.id(id, 'schedule id') ?? this.variant('accept_vesting', [id], (v: VestingSchedule) => v, describeDistributionError);
    }

    async getVesting(id: bigint): Promise<ClientResult<VestingSchedule | undefined>> {
        return this.id(id, 'schedule id') ?? mapResult(await this.call<[] | [VestingSchedule]>('get_vesting', [id]), first);
    }

    async listVesting(owner: Principal, start = 0, count = 100): Promise<ClientResult<VestingSchedule[]>> {
        return this.call<VestingSchedule[]>('list_vesting', [{ owner, start, count }]);
    }

    async vestingTranches(id: bigint, start = 0n, count = 100): Promise<ClientResult<VestingTranche[]>> {
        return this.id(id, 'schedule id') ?? this.call<VestingTranche[]>('vesting_tranches', [{ id, start, count }]);
    }

    vestingSummary(): Promise<ClientResult<VestingSummary>> {
        return this.call<VestingSummary>('vesting_summary', []);
    }

    // ----- lock-up game (spec §14) -----

    validateStartLockupGame(a: NewLockupGame): Promise<ClientResult<string>> {
        return this.validation('validate_start_lockup_game', [gameArg(a)]);
    }

    startLockupGame(a: NewLockupGame): Promise<ClientResult<LockupGame>> {
        return this.variant('start_lockup_game', [gameArg(a)], (g: LockupGame) => g, describeDistributionError);
    }

    /** Approves the protocol for amount + fee on the ledger (unless `approve` is false), then locks. */
    async lock(a: { amount: bigint; pool: 'A' | 'B'; nodeId?: string; fromSubaccount?: Uint8Array; approve?: boolean }): Promise<ClientResult<LockView>> {
        if (a.pool !== 'A' && a.pool !== 'B') return badInput('the pool is A (guard) or B (honor)');
        if (a.pool === 'A' && a.nodeId === undefined) return badInput('pool A needs the id of an active staked node you operate');
        if (a.approve !== false) {
            const ledger = await this.ledger();
            if (!ledger.ok) return ledger;
            const fee = await ledger.value.fee();
            if (!fee.ok) return fee;
            const approved = await ledger.value.approve({ spender: { owner: this.canisterId }, amount: a.amount + fee.value, fromSubaccount: a.fromSubaccount, expiresAt: this.now() + HOUR_NS });
            if (!approved.ok) return approved;
        }
        const arg = { amount: a.amount, pool: { [a.pool]: null }, node_id: a.nodeId === undefined ? [] : [a.nodeId], from_subaccount: a.fromSubaccount === undefined ? [] : [a.fromSubaccount] };
        return this.variant('lock_tokens', [arg], (l: LockView) => l, describeDistributionError);
    }

    claimLock(id: bigint): Promise<ClientResult<LockView>> {
        return this.id(id, 'lock id') ?? this.variant('claim_lock', [id], (l: LockView) => l, describeDistributionError);
    }

    async lockupGame(): Promise<ClientResult<LockupGame | undefined>> {
        return mapResult(await this.call<[] | [LockupGame]>('lockup_game', []), first);
    }

    async lockupPeriod(period: number): Promise<ClientResult<LockupPeriod | undefined>> {
        if (!Number.isInteger(period) || period < 0 || period > 12) return badInput('a period is 0 to 12');
        return mapResult(await this.call<[] | [LockupPeriod]>('lockup_period', [period]), first);
    }

    async getLock(id: bigint): Promise<ClientResult<LockView | undefined>> {
        return this.id(id, 'lock id') ?? mapResult(await this.call<[] | [LockView]>('get_lock', [id]), first);
    }

    listLocks(owner: Principal, start = 0, count = 100): Promise<ClientResult<LockView[]>> {
        return this.call<LockView[]>('list_locks', [{ owner, start, count }]);
    }

    // ----- airdrop / mapping (spec §13.2) -----

    validateCreateMapping(a: NewMapping): Promise<ClientResult<string>> {
        return this.validation('validate_create_mapping', [mappingArg(a)]);
    }

    createMapping(a: NewMapping): Promise<ClientResult<MappingView>> {
        return this.variant('create_mapping', [mappingArg(a)], (m: MappingView) => m, describeDistributionError);
    }

    validateLoadMappingEntries(id: bigint, entries: MappingEntryInput[]): Promise<ClientResult<string>> {
        return this.validation('validate_load_mapping_entries', [loadArg(id, entries)]);
    }

    loadMappingEntries(id: bigint, entries: MappingEntryInput[]): Promise<ClientResult<MappingView>> {
        if (entries.length === 0 || entries.length > MAX_ENTRIES_PER_CHUNK) return Promise.resolve(badInput(`a chunk holds 1 to ${MAX_ENTRIES_PER_CHUNK} entries`));
        return this.variant('load_mapping_entries', [loadArg(id, entries)], (m: MappingView) => m, describeDistributionError);
    }

    /** Loads a whole list in chunks of 1,000 (in order: the canonical list is the load order). */
    async loadMapping(id: bigint, entries: MappingEntryInput[]): Promise<ClientResult<MappingView>> {
        let last: ClientResult<MappingView> = badInput('no entries');
        for (let i = 0; i < entries.length; i += MAX_ENTRIES_PER_CHUNK) {
            last = await this.loadMappingEntries(id, entries.slice(i, i + MAX_ENTRIES_PER_CHUNK));
            if (!last.ok) return fail(last.error.kind, `${last.error.message} (in the chunk from entry ${i}; the entries before it are loaded)`);
        }
        return last;
    }

    validateSealMapping(id: bigint, count: bigint, digest: Uint8Array): Promise<ClientResult<string>> {
        return this.validation('validate_seal_mapping', [{ id, count, sha256: digest }]);
    }

    sealMapping(id: bigint, count: bigint, digest: Uint8Array): Promise<ClientResult<MappingView>> {
        return this.variant('seal_mapping', [{ id, count, sha256: digest }], (m: MappingView) => m, describeDistributionError);
    }

    claimMapping(id: bigint, subaccount?: Uint8Array): Promise<ClientResult<ValueOf<typeof MP.MappingClaimResultT> extends infer R ? (R extends { Ok: infer O } ? O : never) : never>> {
        return this.id(id, 'mapping id') ?? this.variant('claim_mapping', [{ id, subaccount: subaccount === undefined ? [] : [subaccount] }], (v) => v as never, describeDistributionError);
    }

    sweepMapping(id: bigint): Promise<ClientResult<MappingView>> {
        return this.id(id, 'mapping id') ?? this.variant('sweep_mapping', [id], (m: MappingView) => m, describeDistributionError);
    }

    async getMapping(id: bigint): Promise<ClientResult<MappingView | undefined>> {
        return this.id(id, 'mapping id') ?? mapResult(await this.call<[] | [MappingView]>('get_mapping', [id]), first);
    }

    async mappingEntry(id: bigint, account: IcrcAccount): Promise<ClientResult<MappingEntryView | undefined>> {
        return this.id(id, 'mapping id') ?? mapResult(await this.call<[] | [MappingEntryView]>('mapping_entry', [{ id, account: toCandidAccount(account) }]), first);
    }

    // ----- ecosystem projects (spec §13.3) -----

    validateRegisterProject(name: string, principals: Principal[], reason: string): Promise<ClientResult<string>> {
        return this.validation('validate_register_project', [{ name, principals, reason }]);
    }

    registerProject(name: string, principals: Principal[], reason: string): Promise<ClientResult<ProjectView>> {
        return this.variant('register_project', [{ name, principals, reason }], (p: ProjectView) => p, describeDistributionError);
    }

    validateSetProjectStatus(id: bigint, status: ProjectStatusName, reason: string, proposalId?: bigint): Promise<ClientResult<string>> {
        return this.validation('validate_set_project_status', [statusArg(id, status, reason, proposalId)]);
    }

    setProjectStatus(id: bigint, status: ProjectStatusName, reason: string, proposalId?: bigint): Promise<ClientResult<ProjectView>> {
        return this.variant('set_project_status', [statusArg(id, status, reason, proposalId)], (p: ProjectView) => p, describeDistributionError);
    }

    validateRestrictGrants(on: boolean): Promise<ClientResult<string>> {
        return this.validation('validate_restrict_grants_to_quality', [on]);
    }

    restrictGrants(on: boolean): Promise<ClientResult<string>> {
        return this.variant('restrict_grants_to_quality', [on], (t: string) => t, describeDistributionError);
    }

    async getProject(id: bigint): Promise<ClientResult<ProjectView | undefined>> {
        return this.id(id, 'project id') ?? mapResult(await this.call<[] | [ProjectView]>('get_project', [id]), first);
    }

    listProjects(status: ProjectStatusName, start = 0, count = 100): Promise<ClientResult<ProjectView[]>> {
        return this.call<ProjectView[]>('list_projects', [{ status: { [status]: null }, start, count }]);
    }

    projectHistory(id: bigint, start = 0, count = 100): Promise<ClientResult<ProjectChange[]>> {
        return this.id(id, 'project id') ?? this.call<ProjectChange[]>('project_history', [{ id, start, count }]);
    }

    projectsSummary(): Promise<ClientResult<{ projects: bigint; grants_restricted_to_quality: boolean }>> {
        return this.call('projects_summary', []);
    }

    // ----- helpers -----

    private id(id: bigint, what: string): Promise<ClientResult<never>> | undefined {
        return checkU64(id, what);
    }

    private async validation(method: keyof typeof PROTOCOL_METHODS, args: unknown[]): Promise<ClientResult<string>> {
        const r = await this.call<{ Ok: string } | { Err: string }>(method, args);
        if (!r.ok) return r;
        return 'Ok' in r.value ? ok(r.value.Ok) : fail('Invalid', `Invalid: ${r.value.Err}`);
    }

    private async ledger(): Promise<ClientResult<LedgerClient>> {
        if (this.ledgerClient !== undefined) return ok(this.ledgerClient);
        const info = await this.call<{ ledger: Principal }>('protocol_info', []);
        if (!info.ok) return info;
        return ok(new LedgerClient({ agent: this.agent, canisterId: info.value.ledger, now: this.now }));
    }
}

function vestingArg(a: NewVestingSchedule) {
    return { beneficiary: toCandidAccount(a.beneficiary), total: a.total, start: a.start, reason: a.reason };
}

function gameArg(a: NewLockupGame) {
    return { budget: a.budget, output_per_period: a.outputPerPeriod, start: a.start, period_epochs: a.periodEpochs, periods: a.periods, reason: a.reason };
}

function mappingArg(a: NewMapping) {
    return { name: a.name, rate_numerator: a.rateNumerator, rate_denominator: a.rateDenominator, dust_threshold: a.dustThreshold, window_start: a.windowStart, window_end: a.windowEnd, reason: a.reason };
}

function loadArg(id: bigint, entries: MappingEntryInput[]) {
    return { id, entries: entries.map((e) => ({ account: toCandidAccount(e.account), source: e.source })) };
}

function statusArg(id: bigint, status: ProjectStatusName, reason: string, proposalId?: bigint) {
    return { id, status: { [status]: null }, reason, proposal_id: proposalId === undefined ? [] : [proposalId] };
}

