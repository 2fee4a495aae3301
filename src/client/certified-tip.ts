/**
 * The protocol's certified tips, verified as a browser or a node client would. emc_protocol's
 * certified data is one hash tree (src/protocol/log/certified-tree.ts) holding the batch tip
 * (`last_batch_digest`, `last_batch_height`), its ICRC-3 log tip (`last_block_hash`,
 * `last_block_index`) and the sealed mappings; each query answers a witness of its part:
 *  - `certified_tip`: the last confirmed batch (height, digest);
 *  - `icrc3_get_tip_certificate`: the log's last block (index, hash), as ICRC-3 specifies.
 * Both are checked the same way: the certificate against the network's root key (signature,
 * delegation), the hash tree's root against the canister's `certified_data` in it, the answered
 * values against the tree, and the certificate's time against the network's clock. Without a root
 * key (or a certificate) the tip is answered unverified; a tip that fails a check is `Unverified`.
 * Storage: none. Cost: one BLS signature check.
 */
import { Cbor, Certificate, lookup_path, LookupPathStatus, reconstruct } from '@dfinity/agent';
import type { Principal } from '@dfinity/principal';
import type { ValueOf } from '../lib/candid/candid';
import { bytesEqual, decodeLeb128 } from '../lib/storage/bytes';
import type { CertifiedTipT } from '../protocol/api/interface';
import type { AnyAgent } from './canister';
import { fail, ok, type ClientResult } from './result';
import type { CertifiedTip, LogTip } from './types/protocol';

/** How far a certified tip's certificate time may be from the network's clock (agent-js's default for responses). */
export const MAX_CERTIFICATE_AGE_NS = 5n * 60n * 1_000_000_000n;

interface VerifyOptions {
    agent: AnyAgent;
    canisterId: Principal;
    now: () => bigint;
}

type Tree = Parameters<typeof lookup_path>[1];

/**
 * The hash tree, once the certificate verifies, its root is the canister's certified data and the
 * certificate is fresh for the network's clock; a failure names the check that failed.
 */
async function verifiedTree(certificate: Uint8Array, hashTree: Uint8Array, rootKey: Uint8Array, o: VerifyOptions): Promise<ClientResult<Tree>> {
    try {
        // Signature and delegation are verified here; only agent-js's time check (this machine's
        // clock) is replaced, by the freshness check against the network's clock below.
        const cert = await Certificate.create({ certificate: new Uint8Array(certificate), rootKey, canisterId: o.canisterId, agent: o.agent as never, disableTimeVerification: true });
        const certified = cert.lookup_path(['canister', o.canisterId.toUint8Array(), 'certified_data']);
        const tree = Cbor.decode(new Uint8Array(hashTree)) as Tree;
        const root = await reconstruct(tree);
        const found = certified.status === LookupPathStatus.Found ? (certified as { value: Uint8Array }).value : undefined;
        if (found === undefined || !bytesEqual(new Uint8Array(root), new Uint8Array(found))) return fail('Unverified', 'the tip does not match the certified data');
        // Freshness against the network's clock (agent-js's own check uses this machine's
        // clock, which is wrong for an embedded network whose time is simulated): a replica
        // must not pass off an old certificate, and with it an old tip, as the current one.
        const time = cert.lookup_path(['time']);
        if (time.status !== LookupPathStatus.Found) return fail('Unverified', 'the certificate has no time');
        const age = o.now() - decodeLeb128(new Uint8Array((time as { value: Uint8Array }).value));
        if (age > MAX_CERTIFICATE_AGE_NS || -age > MAX_CERTIFICATE_AGE_NS) return fail('Unverified', `the certificate's time is ${age / 1_000_000_000n} s from the network's clock (at most ${MAX_CERTIFICATE_AGE_NS / 1_000_000_000n} s either way)`);
        return ok(tree);
    } catch (e) {
        return fail('Unverified', `the certificate does not verify: ${(e instanceof Error ? e.message : String(e)).split('\n')[0]}`);
    }
}

function found(tree: Tree, label: string): Uint8Array | undefined {
    const r = lookup_path([label], tree);
    return r.status === LookupPathStatus.Found ? new Uint8Array((r as { value: Uint8Array }).value) : undefined;
}

function rootKeyOf(agent: AnyAgent): Uint8Array | undefined {
    const k = (agent as { rootKey?: Uint8Array | null }).rootKey;
    return k === null ? undefined : k;
}

/** `certified_tip`: the last confirmed batch, checked against the batch part of the certified tree. */
export async function verifyCertifiedTip(t: ValueOf<typeof CertifiedTipT>, o: VerifyOptions): Promise<ClientResult<CertifiedTip>> {
    const height = t.height.length === 1 ? t.height[0] : undefined;
    const digest = t.digest.length === 1 ? new Uint8Array(t.digest[0]) : undefined;
    const rootKey = rootKeyOf(o.agent);
    if (t.certificate.length === 0 || rootKey === undefined) return ok({ height, digest, verified: false });
    const v = await verifiedTree(new Uint8Array(t.certificate[0]), new Uint8Array(t.hash_tree), rootKey, o);
    if (!v.ok) return v;
    const d = found(v.value, 'last_batch_digest');
    if (digest !== undefined && (d === undefined || !bytesEqual(d, digest))) return fail('Unverified', 'the digest is not the certified one');
    const h = found(v.value, 'last_batch_height');
    const certifiedHeight = h === undefined ? undefined : decodeLeb128(h);
    if (certifiedHeight !== height) return fail('Unverified', `the height is not the certified one (answered ${height ?? 'none'}, certified ${certifiedHeight ?? 'none'})`);
    return ok({ height, digest, verified: true });
}

/**
 * `icrc3_get_tip_certificate`: the log's last block (index, hash) read from the verified tree
 * (ICRC-3: the tree witnesses `last_block_index` and `last_block_hash`); an empty log has neither.
 * Without a certificate (or a root key) nothing can be read: `verified` is false and the tip empty.
 */
export async function verifyLogTip(answer: [] | [{ certificate: Uint8Array | number[]; hash_tree: Uint8Array | number[] }], o: VerifyOptions): Promise<ClientResult<LogTip>> {
    const rootKey = rootKeyOf(o.agent);
    if (answer.length === 0 || rootKey === undefined) return ok({ verified: false });
    const v = await verifiedTree(new Uint8Array(answer[0].certificate), new Uint8Array(answer[0].hash_tree), rootKey, o);
    if (!v.ok) return v;
    const hash = found(v.value, 'last_block_hash');
    const index = found(v.value, 'last_block_index');
    if ((hash === undefined) !== (index === undefined)) return fail('Unverified', 'the tree has only one of last_block_hash and last_block_index');
    if (hash !== undefined && hash.length !== 32) return fail('Unverified', 'the certified block hash is not 32 bytes');
    return ok(index === undefined ? { verified: true } : { index: decodeLeb128(index), hash, verified: true });
}
