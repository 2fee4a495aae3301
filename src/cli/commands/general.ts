/** `emc whoami`, `emc info`: who you are on which network, and the protocol at a glance. */
import { formatAccount } from '../../client/account';
import { ok } from '../../client/result';
import { emc } from '../../client/format/display';
import { eValue, keyValues, time } from './format';
import { command, type Command } from './command';

const whoami = command<Record<string, never>>({
    group: '',
    name: 'whoami',
    summary: 'your principal, the network and its canisters',
    args: [],
    flags: [],
    update: false,
    input: () => ok({}),
    async run(c) {
        return ok({
            json: { principal: c.principal, network: c.network, ledger: c.ledger.canisterId, protocol: c.protocol.canisterId, state: c.state },
            human: keyValues([['principal', c.principal.toText()], ['network', c.network], ['state', c.state], ['emc_ledger', c.ledger.canisterId.toText()], ['emc_protocol', c.protocol.canisterId.toText()]]),
        });
    },
});

const info = command<Record<string, never>>({
    group: '',
    name: 'info',
    summary: 'the protocol: governance, treasury, validators, this epoch’s rewards',
    args: [],
    flags: [],
    update: false,
    input: () => ok({}),
    async run(c) {
        const i = await c.protocol.protocolInfo();
        if (!i.ok) return i;
        const s = await c.protocol.rewardsSummary();
        if (!s.ok) return s;
        return ok({
            json: { ...i.value, treasury: formatAccount(i.value.treasury), rewards: s.value },
            human: keyValues([
                ['governance', i.value.governance.toText()],
                ['ledger', i.value.ledger.toText()],
                ['treasury', formatAccount(i.value.treasury)],
                ['ledger fee', emc(i.value.ledgerFee)],
                ['paused', i.value.paused],
                ['validators', String(i.value.validators)],
                ['epoch', `${s.value.epoch} (${time(s.value.epochStart)} → ${time(s.value.epochEnd)})`],
                ['emitted', emc(s.value.emitted)],
                ['claimed', emc(s.value.claimed)],
                ['unallocated', emc(s.value.unallocated)],
                ['ΣE', eValue(s.value.totalE)],
                ['eligible nodes', s.value.eligible.toString()],
            ]),
        });
    },
});

export const GENERAL_COMMANDS: Command[] = [whoami, info];
