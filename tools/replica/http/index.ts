/** The IC's HTTP interface in front of the embedded replica (server.ts), with the IC's request authentication (auth.ts). */
export { serveReplica, DEFAULT_PORT } from './server';
export type { ServeOptions, ReplicaHttpServer } from './server';
export { WallClock, wallNs } from './clock';
export { authenticate, checkExpiry, verifySignature, selfAuthenticating, MAX_INGRESS_TTL_NS, PERMITTED_DRIFT_NS } from './auth';
export { decodeCbor, encodeCbor, CborError } from './cbor';
export { hashOfMap } from './request-id';
