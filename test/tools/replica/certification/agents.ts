/** The two client libraries the certificates must satisfy, loaded side by side. */
import * as dfinity from '@dfinity/agent';
import { Principal as DfinityPrincipal } from '@dfinity/principal';
import * as icp from '@icp-sdk/core/agent';
import { Principal as IcpPrincipal } from '@icp-sdk/core/principal';

export { dfinity, icp };

/** What both libraries need to verify a certificate and look a path up in it. */
export interface Verifier {
  name: string;
  /** resolves to a lookup function on success, rejects when verification fails */
  verify(opts: {
    certificate: Uint8Array;
    rootKey: Uint8Array;
    canisterId: Uint8Array;
    agent?: unknown;
  }): Promise<(path: (string | Uint8Array)[]) => { status: string; value?: unknown }>;
}

export const verifiers: Verifier[] = [
  {
    name: '@dfinity/agent',
    async verify({ certificate, rootKey, canisterId, agent }) {
      const cert = await dfinity.Certificate.create({
        certificate,
        rootKey,
        canisterId: DfinityPrincipal.fromUint8Array(canisterId),
        agent: agent as dfinity.HttpAgent | undefined,
      });
      return path => cert.lookup_path(path);
    },
  },
  {
    name: '@icp-sdk/core/agent',
    async verify({ certificate, rootKey, canisterId, agent }) {
      const cert = await icp.Certificate.create({
        certificate,
        rootKey,
        principal: { canisterId: IcpPrincipal.fromUint8Array(canisterId) },
        agent: agent as icp.HttpAgent | undefined,
      });
      return path => cert.lookup_path(path);
    },
  },
];

/**
 * A stand-in for an agent whose clock has been synced to the replica (like HttpAgent after
 * syncTime). Both libraries ignore an `agent` that lacks any of these methods.
 */
export function syncedClockAgent(timeDiffMsecs: number) {
  return {
    getTimeDiffMsecs: () => timeDiffMsecs,
    hasSyncedTime: () => true,
    syncTime: async () => {},
    syncTimeWithSubnet: async () => {},
  };
}

export const textOf = (r: { status: string; value?: unknown }): string | undefined =>
  r.status === 'Found' && r.value instanceof Uint8Array ? new TextDecoder().decode(r.value) : undefined;
