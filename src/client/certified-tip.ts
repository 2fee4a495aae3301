/**
 * The protocol's certified batch tip (`certified_tip`), verified as a browser or a node client
 * would: the certificate against the network's root key (signature, delegation), the hash tree's
 * root against the canister's `certified_data` in it, the answered height and digest against the
 * tree, and the certificate's time against the network's clock. Without a root key (or a
 * certificate) the tip is answered unverified; a tip that fails a check is `Unverified`.
 * Storage: none. Cost: one BLS signature check.
 */
import { Cbor, Certificate, lookup_path, LookupPathStatus, reconstruct } from '@dfinity/agent';
import type { Principal } from '@dfinity/principal';
import type { ValueOf } from '../lib/candid/candid';
import { bytesEqual, decodeLeb128 } from '../lib/storage/bytes';
import type { CertifiedTipT } from '../protocol/api/interface';
import type { AnyAgent } from './canister';
import { fail, ok, type ClientResult } from './result';
import type { CertifiedTip } from './types/protocol';

/** How far a certified tip's certificate time may be from the network's clock (agent-js's default for responses). */
export const MAX_CERTIFICATE_AGE_NS = 5n * 60n * 1_000_000_000n;

export async function verifyCertifiedTip(t: ValueOf<typeof CertifiedTipT>, o: { agent: AnyAgent; canisterId: Principal; now: () => bigint }): Promise<ClientResult<CertifiedTip>> {
    const height = t.height.length === 1 ? t.height[0] : undefined;
    const digest = t.digest.length === 1 ? new Uint8Array(t.digest[0]) : undefined;
    const rootKey = (o.agent as { rootKey?: Uint8Array | null }).rootKey;
    if (t.certificate.length === 0 || rootKey === undefined || rootKey === null) return ok({ height, digest, verified: false });
    try {
        // Signature and delegation are verified here; only agent-js's time check (this machine's
        // clock) is replaced, by the freshness check against the network's clock below.
        const cert = await Certificate.create({ certificate: new Uint8Array(t.certificate[0]), rootKey, canisterId: o.canisterId, agent: o.agent as never, disableTimeVerification: true });
        const certified = cert.lookup_path(['canister', o.canisterId.toUint8Array(), 'certified_data']);
        const tree = Cbor.decode(new Uint8Array(t.hash_tree)) as never;
        const root = await reconstruct(tree);
        const found = certified.status === LookupPathStatus.Found ? (certified as { value: Uint8Array }).value : undefined;
        if (found === undefined || !bytesEqual(new Uint8Array(root), new Uint8Array(found))) return fail('Unverified', 'the tip does not match the certified data');
        const d = lookup_path(['last_batch_digest'], tree);
        if (digest !== undefined && (d.status !== LookupPathStatus.Found || !bytesEqual(new Uint8Array((d as { value: Uint8Array }).value), digest))) {
            return fail('Unverified', 'the digest is not the certified one');
        }
        const h = lookup_path(['last_batch_height'], tree);
        const certifiedHeight = h.status === LookupPathStatus.Found ? decodeLeb128(new Uint8Array((h as { value: Uint8Array }).value)) : undefined;
        if (certifiedHeight !== height) return fail('Unverified', `the height is not the certified one (answered ${height ?? 'none'}, certified ${certifiedHeight ?? 'none'})`);
        // Freshness against the network's clock (agent-js's own check uses this machine's
        // clock, which is wrong for an embedded network whose time is simulated): a replica
        // must not pass off an old certificate, and with it an old tip, as the current one.
        const time = cert.lookup_path(['time']);
        if (time.status !== LookupPathStatus.Found) return fail('Unverified', 'the certificate has no time');
        const age = o.now() - decodeLeb128(new Uint8Array((time as { value: Uint8Array }).value));
        if (age > MAX_CERTIFICATE_AGE_NS || -age > MAX_CERTIFICATE_AGE_NS) return fail('Unverified', `the certificate's time is ${age / 1_000_000_000n} s from the network's clock (at most ${MAX_CERTIFICATE_AGE_NS / 1_000_000_000n} s either way)`);
        return ok({ height, digest, verified: true });
    } catch (e) {
        return fail('Unverified', `the certificate does not verify: ${(e instanceof Error ? e.message : String(e)).split('\n')[0]}`);
    }
}
