/** Airdrop / mapping (spec §13.2): governance creates, loads and seals; entitled accounts claim; anyone sweeps after the window. */
import { accountKey } from '../../../src/ledger/account';
import { accountIn, opt, type CAccount } from '../../../src/ledger/api/candid';
import { outboxView } from '../../../src/protocol/api/vesting-candid';
import { createMappingIn, entriesIn, mappingView } from '../../../src/protocol/api/mapping-candid';
import type { Handlers } from '../handlers';
import { sys } from '../lifecycle';
import { icEnv } from '../../common/env';

export const mappingHandlers: Handlers<
    | 'create_mapping'
    | 'validate_create_mapping'
    | 'load_mapping_entries'
    | 'validate_load_mapping_entries'
    | 'seal_mapping'
    | 'validate_seal_mapping'
    | 'claim_mapping'
    | 'sweep_mapping'
    | 'get_mapping'
    | 'mapping_entry'
> = {
    create_mapping: (a) => {
        const r = sys.mappings.create(icEnv.caller(), createMappingIn(a));
        return 'Ok' in r ? { Ok: mappingView(sys.mappings, r.Ok) } : r;
    },
    validate_create_mapping: (a) => sys.mappings.checkCreate(createMappingIn(a)),
    load_mapping_entries: (a) => {
        const r = sys.mappings.load(icEnv.caller(), a.id, entriesIn(a));
        return 'Ok' in r ? { Ok: mappingView(sys.mappings, r.Ok) } : r;
    },
    validate_load_mapping_entries: (a) => sys.mappings.checkLoad(a.id, entriesIn(a)),
    seal_mapping: async (a) => {
        const r = await sys.mappings.seal(icEnv.caller(), a.id, a.count, a.sha256);
        return 'Ok' in r ? { Ok: mappingView(sys.mappings, r.Ok) } : r;
    },
    validate_seal_mapping: (a) => sys.mappings.checkSeal(a.id, a.count, a.sha256),
    claim_mapping: async (a) => {
        const r = await sys.mappings.claim(icEnv.caller(), a.id, opt(a.subaccount));
        return 'Ok' in r ? { Ok: { mapping: mappingView(sys.mappings, r.Ok.mapping), amount: r.Ok.amount, transfer: outboxView(r.Ok.entry) } } : r;
    },
    sweep_mapping: async (id) => {
        const r = await sys.mappings.sweep(icEnv.caller(), id);
        return 'Ok' in r ? { Ok: mappingView(sys.mappings, r.Ok) } : r;
    },
    get_mapping: (id) => {
        const m = sys.mappings.store.get(id);
        return m === undefined ? [] : [mappingView(sys.mappings, m)];
    },
    mapping_entry: (a) => {
        const m = sys.mappings.store.get(a.id);
        const account = accountIn(a.account as CAccount);
        if (m === undefined || account.owner.length > 29 || (account.subaccount !== undefined && account.subaccount.length !== 32)) return [];
        const e = sys.mappings.store.entry(a.id, accountKey(account));
        if (e === undefined) return [];
        const dust = e.source < m.dustThreshold;
        return [{ source: e.source, mapped: dust ? 0n : sys.mappings.mapped(m, e.source), dust, claimed: e.claimed }];
    },
};
