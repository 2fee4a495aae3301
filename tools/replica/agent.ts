/**
 * An agent-js `Agent` that talks to the embedded replica in process.
 *
 * It satisfies both agent families unchanged:
 * - `@dfinity/agent` 3.x: the Actor calls `call()` and verifies the returned certificate itself
 *   (`Certificate.create` with the BLS root key, request-status lookup);
 * - `@icp-sdk/core` 5.x/6.x: the Actor calls `update()`; like HttpAgent's own `update()`, this one
 *   verifies the certificate with `@icp-sdk/core`'s `Certificate.create` before reading the reply.
 * Certificates are signed by the replica's BLS key; `rootKey` is its DER public key, exactly as
 * with a local dfx replica after `fetchRootKey()`. The replica's clock can run ahead of the wall
 * clock (tests advance it), so `getTimeDiffMsecs()` reports the difference, as HttpAgent does after
 * `syncTime()`; agent-js uses it when it checks certificate freshness.
 */
import { randomBytes } from 'node:crypto';
import { requestIdOf, type Identity } from '@dfinity/agent';
import { Principal } from '@dfinity/principal';
import * as icp from '@icp-sdk/core/agent';
import { bytesToHex, utf8 } from './bytes';
import type { Reject } from './errors';

/** Where an update call stands: in flight, answered, or rejected. */
export type IngressStatus = { status: 'processing' } | { status: 'replied'; reply: Uint8Array } | { status: 'rejected'; reject: Reject };

/** What the agent asks of the replica (tools/replica/replica.ts). */
export interface AgentReplica {
    readonly rootKey: Uint8Array;
    time(): bigint;
    query(req: { canisterId: Principal; method: string; arg: Uint8Array; sender: Principal }): { reply: Uint8Array } | { reject: Reject };
    submitUpdate(req: { canisterId: Principal; method: string; arg: Uint8Array; sender: Principal; requestId: string }): Promise<IngressStatus>;
    ingressStatus(requestId: string): IngressStatus | undefined;
    requestCertificate(requestId: string): Uint8Array;
    readState(paths: Uint8Array[][]): Uint8Array;
}

type PrincipalLike = Principal | string | { toText(): string };

interface CallFields {
    methodName: string;
    arg: ArrayBuffer | Uint8Array;
    effectiveCanisterId?: PrincipalLike;
    nonce?: Uint8Array;
}

interface ReadStateFields {
    paths: (ArrayBuffer | Uint8Array)[][];
}

const OK_HTTP = { ok: true, status: 200, statusText: 'OK', headers: [] as [string, string][] };

export class EmbeddedAgent {
    private identity: Identity | undefined;

    constructor(
        private readonly replica: AgentReplica,
        identity?: Identity,
    ) {
        this.identity = identity;
    }

    get rootKey(): Uint8Array {
        return this.replica.rootKey;
    }

    async getPrincipal(): Promise<Principal> {
        return this.sender();
    }

    async fetchRootKey(): Promise<Uint8Array> {
        return this.replica.rootKey;
    }

    async status(): Promise<Record<string, unknown>> {
        return { ic_api_version: '0.18.0', impl_version: 'emc-embedded-replica', root_key: this.replica.rootKey, replica_health_status: 'healthy' };
    }

    /** Milliseconds between the replica's clock and this machine's (what HttpAgent learns from syncTime()). */
    getTimeDiffMsecs(): number {
        return Number(this.replica.time() / 1_000_000n) - Date.now();
    }

    async syncTime(): Promise<void> {}

    async syncTimeWithSubnet(): Promise<void> {}

    hasSyncedTime(): boolean {
        return true;
    }

    isLocal(): boolean {
        return true;
    }

    replaceIdentity(identity: Identity): void {
        this.identity = identity;
    }

    invalidateIdentity(): void {
        this.identity = undefined;
    }

    async query(canisterId: PrincipalLike, fields: CallFields): Promise<Record<string, unknown>> {
        const cid = toPrincipal(canisterId);
        const sender = this.sender();
        const arg = toBytes(fields.arg);
        const requestId = requestIdOf({
            request_type: 'query',
            canister_id: cid,
            method_name: fields.methodName,
            arg,
            sender,
            ingress_expiry: this.ingressExpiry(),
            nonce: fields.nonce ?? new Uint8Array(randomBytes(16)),
        });
        const result = this.replica.query({ canisterId: cid, method: fields.methodName, arg, sender });
        if ('reply' in result) {
            return { status: 'replied', reply: { arg: result.reply }, httpDetails: OK_HTTP, requestId, signatures: [] };
        }
        return {
            status: 'rejected',
            reject_code: result.reject.code,
            reject_message: result.reject.message,
            error_code: result.reject.errorCode,
            httpDetails: OK_HTTP,
            requestId,
            signatures: [],
        };
    }

    /** Submits an update and waits for it (a synchronous v3 call): the body carries the certificate. */
    async call(canisterId: PrincipalLike, fields: CallFields): Promise<{ requestId: Uint8Array; response: Record<string, unknown>; requestDetails: Record<string, unknown> }> {
        const cid = toPrincipal(canisterId);
        const sender = this.sender();
        const arg = toBytes(fields.arg);
        const ingress_expiry = this.ingressExpiry();
        const nonce = fields.nonce ?? new Uint8Array(randomBytes(16));
        const requestDetails = { request_type: 'call', canister_id: cid, method_name: fields.methodName, arg, sender, ingress_expiry, nonce };
        const requestId = new Uint8Array(requestIdOf(requestDetails));
        const idHex = bytesToHex(requestId);
        await this.replica.submitUpdate({ canisterId: cid, method: fields.methodName, arg, sender, requestId: idHex });
        const certificate = this.replica.requestCertificate(idHex);
        return { requestId, response: { ...OK_HTTP, body: { certificate } }, requestDetails };
    }

    /**
     * `@icp-sdk/core` Actors call this for update methods; it verifies like HttpAgent.update(), but
     * always with the real BLS verification: an Actor configured with its own `blsVerify` (which
     * could switch verification off) is refused before anything is submitted.
     */
    async update(canisterId: PrincipalLike, fields: CallFields, pollingOptions: { blsVerify?: unknown } = {}): Promise<Record<string, unknown>> {
        if (pollingOptions.blsVerify !== undefined) {
            throw new Error('embedded replica: a custom blsVerify is not accepted; certificates are always verified with the BLS signature check');
        }
        const effective = toPrincipal(fields.effectiveCanisterId ?? canisterId);
        const { requestId, response, requestDetails } = await this.call(canisterId, fields);
        const rawCertificate = (response.body as { certificate: Uint8Array }).certificate;
        const certificate = await icp.Certificate.create({
            certificate: rawCertificate,
            rootKey: this.rootKey,
            principal: { canisterId: effective as never },
            agent: this as never,
        });
        const path = [utf8('request_status'), requestId];
        const status = new TextDecoder().decode(icp.lookupResultToBuffer(certificate.lookup_path([...path, utf8('status')])) ?? new Uint8Array(0));
        const { body: _body, ...httpDetails } = response;
        if (status === 'replied') {
            const reply = icp.lookupResultToBuffer(certificate.lookup_path([...path, utf8('reply')]));
            return { reply, certificate, rawCertificate, requestDetails, callResponse: response };
        }
        if (status === 'rejected') {
            const code = icp.lookupResultToBuffer(certificate.lookup_path([...path, utf8('reject_code')])) ?? new Uint8Array([0]);
            const message = new TextDecoder().decode(icp.lookupResultToBuffer(certificate.lookup_path([...path, utf8('reject_message')])) ?? new Uint8Array(0));
            const errorCodeBytes = icp.lookupResultToBuffer(certificate.lookup_path([...path, utf8('error_code')]));
            const error = new icp.CertifiedRejectErrorCode(requestId as never, code[0], message, errorCodeBytes === undefined ? undefined : new TextDecoder().decode(errorCodeBytes));
            error.callContext = { canisterId: effective as never, methodName: fields.methodName, httpDetails: httpDetails as never };
            throw icp.RejectError.fromCode(error);
        }
        throw new Error(`embedded replica: request ${bytesToHex(requestId)} has unexpected status '${status}'`);
    }

    async readState(_canisterId: PrincipalLike, fields: ReadStateFields): Promise<{ certificate: Uint8Array }> {
        return { certificate: this.replica.readState(fields.paths.map((p) => p.map(toBytes))) };
    }

    async createReadStateRequest(fields: ReadStateFields): Promise<ReadStateFields> {
        return fields;
    }

    /** Status of a request this agent submitted (for tools that poll). */
    requestStatus(requestId: Uint8Array): IngressStatus | undefined {
        return this.replica.ingressStatus(bytesToHex(requestId));
    }

    private sender(): Principal {
        return this.identity === undefined ? Principal.anonymous() : Principal.fromUint8Array(this.identity.getPrincipal().toUint8Array());
    }

    private ingressExpiry(): bigint {
        return this.replica.time() + 4n * 60n * 1_000_000_000n;
    }
}

function toPrincipal(p: PrincipalLike): Principal {
    if (typeof p === 'string') return Principal.fromText(p);
    return Principal.fromText(p.toText());
}

function toBytes(b: ArrayBuffer | Uint8Array): Uint8Array {
    return b instanceof Uint8Array ? new Uint8Array(b) : new Uint8Array(b);
}
