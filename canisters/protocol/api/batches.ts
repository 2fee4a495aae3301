/** State-bit batches (spec §3, §4): admission of validators, the set, proposals and votes, the certified tip. */
import { dataCertificate } from 'azle';

import { toOpt } from '../../../src/ledger/api/candid';
import { admissionText } from '../../../src/protocol/validators/errors';
import { batchStatusBytes } from '../../../src/protocol/api/batch-writer';
import type { BatchResult } from '../../../src/protocol/batches/payload';
import { Encoded, type Handlers, type Reply } from '../handlers';
import { sys } from '../lifecycle';
import { view } from './views';
import { icEnv } from '../../common/env';

/** A batch status written straight to Candid (batch-writer.ts); a refusal as the generic encoder writes it. */
function bytesOf<M extends 'propose_batch' | 'vote_batch'>(method: M, r: BatchResult): Reply<M> {
    return 'Ok' in r ? new Encoded(method, batchStatusBytes(r.Ok)) : (r as Reply<M>);
}

export const batchHandlers: Handlers<'admit_validators' | 'validate_admit_validators' | 'validator_set' | 'propose_batch' | 'vote_batch' | 'get_batch' | 'certified_tip'> = {
    admit_validators: (ids) => {
        const r = sys.admission.admit(icEnv.caller(), ids);
        return 'Ok' in r ? { Ok: r.Ok.map(view) } : r;
    },
    validate_admit_validators: (ids) => {
        const r = sys.admission.describe(ids);
        return 'Ok' in r ? r : { Err: admissionText(r.Err) };
    },
    validator_set: () => {
        const s = sys.admission.set();
        return { validators: s.validators.map(view), size: s.size, f: toOpt(s.f), quorum: s.quorum };
    },
    propose_batch: (a) => bytesOf('propose_batch', sys.rewards.deferred(() => sys.batches.propose(a.height, a.payload, a.digest))),
    vote_batch: (a) => bytesOf('vote_batch', sys.rewards.deferred(() => sys.batches.vote(a.height, a.digest))),
    get_batch: (height) => sys.batches.getBatch(height),
    certified_tip: () => {
        const tip = sys.batches.lastConfirmed();
        return { height: toOpt(tip?.height), digest: toOpt(tip?.digest), certificate: toOpt(dataCertificate()), hash_tree: sys.certified.batchWitness() };
    },
};
