/**
 * Every case of every protocol section's error variant (StakeError, AdmissionError, VoteError,
 * GovernanceError, ClaimError, BatchError) carries a readable `message`, and round-trips: encoded by the
 * canister's codec as the method's result, decoded by agent-js from the client's IDL (as the SDK
 * receives it), turned into a ClientError whose kind is the case and whose message is non-empty
 * and says the case's name first; the CLI exits 1 for it (a canister's refusal). Real refusals of
 * each section, from the domain, carry a non-empty message too.
 */
import { IDL } from '@dfinity/candid';
import { Principal } from '@dfinity/principal';
import { encode } from '../../src/lib/candid/encode';
import { Op, type RecordType, type Type, type VariantType, type VecType } from '../../src/lib/candid/types';
import { PROTOCOL_METHODS, protocolServiceIdl } from '../../src/protocol/api/interface';
import { AdmissionErrorT } from '../../src/protocol/validators/errors';
import { ClaimErrorT } from '../../src/protocol/rewards/errors';
import { GovernanceErrorT } from '../../src/protocol/governance/errors';
import { StakeErrorT } from '../../src/protocol/stakes/errors';
import { VoteErrorT } from '../../src/protocol/votes/errors';
import { BatchErrorT } from '../../src/protocol/batches/errors';
import { batchDigest } from '../../src/protocol/batches/payload';
import { describeProtocolError, PROTOCOL_ERROR_KINDS } from '../../src/client/errors/protocol';
import { errorOf } from '../../src/client/errors/candid';
import { exitCodeOf, EXIT } from '../../src/cli/exit-codes';
import { messageOf } from '../../src/protocol/model/errors';
import { EMC, GOVERNANCE, newProtocol, operator } from '../unit/protocol/helpers';

const SECTIONS = [
    ['stake', 'register_node', StakeErrorT],
    ['admission', 'admit_validators', AdmissionErrorT],
    ['vote', 'open_impeachment', VoteErrorT],
    ['governance', 'update_params', GovernanceErrorT],
    ['claim', 'claim_rewards', ClaimErrorT],
    ['batch', 'propose_batch', BatchErrorT],
    ['batch', 'vote_batch', BatchErrorT],
] as const;

/** A value of type `t` (every number 7, every text "t", one element per vector). */
function sample(t: Type): unknown {
    switch (t.k) {
        case Op.Text:
            return 't';
        case Op.Nat:
        case Op.Nat64:
            return 7n;
        case Op.Nat32:
            return 7;
        case Op.Vec:
            if ((t as VecType).t.k === Op.Nat8) return Uint8Array.of(7, 7, 7);
            return (t as VecType).t.k === Op.Nat32 ? Uint32Array.of(7) : [sample((t as VecType).t)];
        case Op.Record: {
            const r = t as RecordType;
            return Object.fromEntries(r.names.map((n, i) => [n, sample(r.types[i])]));
        }
        default:
            throw new Error(`no sample for type ${t.k}`);
    }
}

const service = (protocolServiceIdl({ IDL: IDL as never }) as IDL.ServiceClass)._fields;
const rets = (method: string) => (service.find(([n]) => n === method) as [string, IDL.FuncClass])[1].retTypes;

describe.each(SECTIONS)('%s errors (%s)', (section, method, variant) => {
    const v = variant as unknown as VariantType;

    it('the client lists every case, and the method answers exactly this variant', () => {
        expect([...PROTOCOL_ERROR_KINDS[section]].sort()).toEqual([...v.names].sort());
        const ret = (PROTOCOL_METHODS[method].ret as unknown as VariantType);
        expect(ret.types[ret.names.indexOf('Err')]).toBe(variant);
    });

    it.each(v.names.map((n, i) => [n, v.types[i]] as const))('%s carries a message and round-trips to a ClientError of its kind', async (kind, fields) => {
        const r = fields as RecordType;
        expect(r.k).toBe(Op.Record);
        expect(r.types[r.names.indexOf('message')]?.k).toBe(Op.Text);
        const body = { ...(sample(r) as Record<string, unknown>), message: `because of rule ${kind}` };
        const bytes = encode([PROTOCOL_METHODS[method].ret], [{ Err: { [kind]: body } }]);
        const [decoded] = IDL.decode(rets(method), bytes) as [{ Err: Record<string, unknown> }];
        expect(Object.keys(decoded.Err)).toEqual([kind]);
        expect(messageOf(decoded.Err)).toBe(`because of rule ${kind}`);
        const e = await errorOf(decoded.Err, describeProtocolError);
        expect(e.kind).toBe(kind);
        expect(e.message.startsWith(`${kind}: `)).toBe(true);
        expect(e.message.length).toBeGreaterThan(kind.length + 2);
        expect(exitCodeOf(e)).toBe(EXIT.refused);
    });
});

describe('real refusals carry their rule in words', () => {
    it('one of each section, from the domain', async () => {
        const { protocol, env } = newProtocol([[1, 10n * EMC]]);
        env.as(operator(1));
        const refusals: object[] = [];
        const take = (r: object) => {
            expect(r).toHaveProperty('Err');
            refusals.push((r as { Err: object }).Err);
        };
        take(await protocol.stakes.registerNode({ node_id: 'r1', node_type: 'router', wallet: { owner: operator(1) } }));
        take(await protocol.stakes.renew('nosuch', 90, 0n));
        take(protocol.admission.admit(operator(1), ['a']));
        take(protocol.admission.admit(GOVERNANCE, ['a']));
        take(protocol.votes.openImpeachment(operator(1), 'nosuch', 'r1', 'x'));
        take(protocol.votes.voteImpeachment(operator(1), 5n, 'nosuch', true));
        take(protocol.governance.updateParams(GOVERNANCE, {}));
        take(protocol.governance.updateParams(operator(1), { routerPenalty: 1n }));
        take(protocol.governance.setGovernance(GOVERNANCE, Principal.anonymous().toUint8Array()));
        take(await protocol.claims.claim('nosuch'));
        const empty = { poc_results: [], observations: [] };
        take(protocol.batches.propose(1n, empty, batchDigest(empty)));
        take(protocol.batches.vote(1n, batchDigest(empty)));
        expect(refusals.map((e) => Object.keys(e)[0])).toEqual([
            'StakeRequired', 'NodeNotFound', 'NotGovernance', 'WrongBatchSize', 'NodeNotFound', 'VoteNotFound', 'NoParamChange', 'NotGovernance', 'InvalidPrincipal', 'NodeNotFound',
            'NotAValidator', 'NotAValidator',
        ]);
        for (const e of refusals) expect(messageOf(e).length).toBeGreaterThan(5);
    });
});
