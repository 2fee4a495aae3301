/**
 * IC certification for the in-process replica: hash trees, state-tree builder, witnesses,
 * CBOR certificates and the replica's BLS key. Certificates verify with `Certificate.create`
 * from `@dfinity/agent` and `@icp-sdk/core/agent` using the real BLS check.
 */
export { type Label, compareBytes, bytesEqual, concatBytes, toHex, fromHex, domainSep } from './bytes';
export {
  type HashTree,
  type EmptyNode,
  type ForkNode,
  type LabeledNode,
  type LeafNode,
  type PrunedNode,
  type LookupResult,
  type AgentHashTree,
  empty,
  fork,
  labeled,
  leaf,
  pruned,
  reconstruct,
  flattenForks,
  lookup,
  lookupPath,
  lookupSubtree,
  toAgentHashTree,
  fromAgentHashTree,
} from './hashTree';
export { type StateNode, type StateMap, EmbeddedTree, embed, buildTree, forkAll } from './builder';
export { witness, prune } from './witness';
export {
  SELF_DESCRIBE_TAG,
  type CertificateDelegation,
  type EncodeCertificateOptions,
  encodeTreeCbor,
  encodeCertificate,
} from './cbor';
export {
  ReplicaKey,
  BLS_SIGNATURE_DST,
  IC_ROOT_KEY_DER_PREFIX,
  IC_STATE_ROOT_DOMAIN_SEPARATOR,
  derEncodeBlsPublicKey,
} from './replicaKey';
export { leb128, decodeLeb128 } from './leb128';
