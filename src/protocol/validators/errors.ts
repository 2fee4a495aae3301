/**
 * The refusals of `admit_validators` (./admission.ts): one Candid variant, `AdmissionError`, each
 * case named after the rule that refused with a readable `message` and its data.
 * `validate_admit_validators` answers the case as `Name field=value …` without its message, the
 * text it has always answered (the upgrade fixture records it).
 * Storage: none. Cost: none.
 */
import { C, type ValueOf } from '../../lib/candid/candid';
import { describeVariant } from '../../lib/storage/bytes';
import { msg, NODE_CASES, OPERATION_CASES, PAUSED_CASE } from '../model/errors';

export const AdmissionErrorT = C.variant({
    ...PAUSED_CASE,
    /** Only the governance principal admits validators. */
    NotGovernance: msg(),
    /** The batch names a node twice. */
    DuplicateNodeId: msg({ node_id: C.text }),
    /** The batch must bring the set to its next 3F+1 size: 13 first, then 3 at a time. */
    WrongBatchSize: msg({ expected: C.nat32, got: C.nat32 }),
    NodeNotFound: OPERATION_CASES.NodeNotFound,
    /** Only validator candidates are admitted. */
    WrongStatus: NODE_CASES.WrongStatus,
    NodeBusy: NODE_CASES.NodeBusy,
});
export type AdmissionError = ValueOf<typeof AdmissionErrorT>;
export type AdmissionOutcome<T> = { Ok: T } | { Err: AdmissionError };

/** What validate_admit_validators answers for a refusal: `WrongBatchSize expected=3 got=1`. */
export function admissionText(e: AdmissionError): string {
    const [name, body] = Object.entries(e)[0];
    const { message: _message, ...fields } = body as { message: string };
    return describeVariant({ [name]: fields });
}
