/**
 * Airdrop / mapping (spec §13.2): Candid types and views (domain ↔ Candid).
 * Storage: none. Cost: proportional to the record (a chunk's conversion: 1,000 accounts).
 */
import { C, type ValueOf } from '../../lib/candid/candid';
import { accountIn, accountOut, CAccount, toOpt, type CAccount as CAccountV } from '../../ledger/api/candid';
import type { Account } from '../../ledger/account';
import type { CreateMappingArgs, Mappings } from '../mapping/mapping';
import type { Mapping } from '../mapping/store';
import { DistributionErrorT, OutboxEntryT } from './distribution-candid';

export const CreateMappingArgsT = C.record({ name: C.text, rate_numerator: C.nat64, rate_denominator: C.nat64, dust_threshold: C.nat64, window_start: C.nat64, window_end: C.nat64, reason: C.text });
export const MappingEntryT = C.record({ account: CAccount, source: C.nat64 });
export const LoadMappingArgsT = C.record({ id: C.nat64, entries: C.vec(MappingEntryT) });
export const SealMappingArgsT = C.record({ id: C.nat64, count: C.nat64, sha256: C.blob });
export const ClaimMappingArgsT = C.record({ id: C.nat64, subaccount: C.opt(C.blob) });
export const MappingEntryQueryT = C.record({ id: C.nat64, account: CAccount });
export const MappingViewT = C.record({
    id: C.nat64,
    name: C.text,
    status: C.variant({ loading: C.null, funding: C.null, open: C.null, swept: C.null, cancelled: C.null }),
    rate_numerator: C.nat64,
    rate_denominator: C.nat64,
    dust_threshold: C.nat64,
    window_start: C.nat64,
    window_end: C.nat64,
    entries: C.nat64,
    source_total: C.nat,
    dust_source: C.nat,
    mapped_total: C.nat,
    dust_value: C.nat,
    claimed: C.nat,
    claims_in_flight: C.nat32,
    sha256: C.opt(C.blob),
    swept: C.nat,
    account: CAccount,
    reason: C.text,
});
export const MappingResultT = C.variant({ Ok: MappingViewT, Err: DistributionErrorT });
export const MappingClaimResultT = C.variant({ Ok: C.record({ mapping: MappingViewT, amount: C.nat, transfer: OutboxEntryT }), Err: DistributionErrorT });
export const MappingEntryViewT = C.record({ source: C.nat, mapped: C.nat, dust: C.bool, claimed: C.bool });

export function createMappingIn(a: ValueOf<typeof CreateMappingArgsT>): CreateMappingArgs {
    return { name: a.name, rateNum: a.rate_numerator, rateDen: a.rate_denominator, dustThreshold: a.dust_threshold, windowStart: a.window_start, windowEnd: a.window_end, reason: a.reason };
}

export function entriesIn(a: ValueOf<typeof LoadMappingArgsT>): { account: Account; source: bigint }[] {
    return a.entries.map((e) => ({ account: accountIn(e.account as CAccountV), source: e.source }));
}

export function mappingView(mp: Mappings, m: Mapping): ValueOf<typeof MappingViewT> {
    return {
        id: m.id,
        name: m.name,
        status: { [m.status]: null } as never,
        rate_numerator: m.rateNum,
        rate_denominator: m.rateDen,
        dust_threshold: m.dustThreshold,
        window_start: m.windowStart,
        window_end: m.windowEnd,
        entries: m.count,
        source_total: m.sourceTotal,
        dust_source: m.dustSource,
        mapped_total: m.mappedTotal,
        dust_value: mp.mapped(m, m.dustSource),
        claimed: m.claimed,
        claims_in_flight: m.pendingClaims,
        sha256: toOpt(m.digest),
        swept: m.sweptAmount,
        account: accountOut(mp.account(m.id)),
        reason: m.reason,
    } as ValueOf<typeof MappingViewT>;
}
