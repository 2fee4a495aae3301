/**
 * Candid of the protocol's ICRC-3 log (src/protocol/log/): the ICRC-3 standard's types, the very
 * ones of our ledger's .did (src/ledger/api/candid.ts), so an ICRC-3 client reads both canisters
 * the same way. Storage: none. Cost: none.
 */
import * as L from '../../ledger/api/candid';

export const GetBlocksArgsVecT = L.GetBlocksArgsVec;
export const GetBlocksResultT = L.GetBlocksResult;
export const GetArchivesArgsT = L.GetArchivesArgs;
export const GetArchivesResultT = L.GetArchivesResult;
export const OptDataCertificateT = L.OptDataCertificate;
export const BlockTypesT = L.BlockTypes;
