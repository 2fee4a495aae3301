/**
 * The IC's HTTP interface (interface specification, "HTTP interface") in front of the embedded
 * replica, on 127.0.0.1, so that any agent — agent-js `HttpAgent`, dfx, ic-repl, a browser
 * frontend, the `emc` CLI with `--network local` — talks to it unchanged:
 *
 *   GET  /api/v2/status                          CBOR: root key, versions, health
 *   POST /api/v2/canister/<ecid>/call            asynchronous call: 202, then poll read_state
 *   POST /api/v3/canister/<ecid>/call            synchronous call: 200 with the certificate
 *   POST /api/v4/canister/<ecid>/call            (as v3; what @icp-sdk/core sends)
 *   POST /api/v2|v3/canister/<ecid>/query        query, response signed by the node key
 *   POST /api/v2|v3/canister/<ecid>/read_state   certificate over the requested paths
 *   POST /api/v2|v3/subnet/<subnet>/read_state   time and subnet paths
 *   GET  /…                                      static files (the dashboard), `/config.json`
 *
 * Every request is authenticated first (auth.ts): a malformed body is 400, an expired or too-late
 * `ingress_expiry` 400 "Invalid request expiry", a bad signature, a sender that is not its key's
 * principal or a broken delegation 403; a body's `canister_id` other than the URL's is 400. A call
 * to a missing canister or method, or one `canister_inspect_message` refuses, is answered 200 with
 * `non_replicated_rejection` and its reject code (3 for a missing canister or method, 4 for a
 * refused message) and changes nothing. Bodies over 4 MiB are 413. The replica's clock follows
 * the wall clock (clock.ts) and is brought up to date before each request.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { extname, join, normalize, resolve, sep } from 'node:path';
import type { AddressInfo } from 'node:net';
import { Principal } from '@dfinity/principal';
import type { EmbeddedReplica, IngressStatus } from '../replica';
import { authenticate, type CallContent } from './auth';
import { CborError, decodeCbor, encodeCbor, type CborInput } from './cbor';
import { WallClock } from './clock';
import { certifyPaths, checkPaths, NodeKey, subnetIdOf, type StateSource } from './state';
import { bytesEqual, toHex } from '../../../src/lib/storage/bytes';

export const DEFAULT_PORT = 4943;
const MAX_BODY = 4 * 1024 * 1024;
const IC_API_VERSION = '0.18.0';
const MANAGEMENT = Principal.managementCanister();

export interface ServeOptions {
    /** Default 4943 (dfx's); 0 picks a free port. */
    port?: number;
    /** Default 127.0.0.1. */
    host?: string;
    /** Follow the wall clock (default true); false: the caller moves the replica's clock itself. */
    wallClock?: boolean;
    /** How long a v3 call waits for its outcome before answering 202 (default 10 s, as the IC). */
    syncCallTimeoutMs?: number;
    /** Static files served under `/` (the dashboard bundle); `config` is served as `/config.json`. */
    static?: { dir: string; config?: () => unknown };
    /** Public canister metadata (`canister/<id>/metadata/<name>` in read_state), e.g. `candid:service`. */
    metadata?: (canister: Principal, name: string) => Uint8Array | undefined;
    /** One line per refused request and per clock problem (default: none). */
    log?: (line: string) => void;
}

export interface ReplicaHttpServer {
    url: string;
    port: number;
    subnetId: Principal;
    nodeId: Principal;
    clock: WallClock | undefined;
    close(): Promise<void>;
}

interface Reply {
    status: number;
    body?: Uint8Array | string;
    type?: string;
}

/** Starts serving `replica`; resolves once the port is bound. */
export async function serveReplica(replica: EmbeddedReplica, opts: ServeOptions = {}): Promise<ReplicaHttpServer> {
    const log = opts.log ?? (() => {});
    const node = new NodeKey();
    const subnetId = subnetIdOf(replica.rootKey);
    const senders = new Map<string, Uint8Array>();
    const src: StateSource = { replica, node, subnetId, metadata: opts.metadata, senderOf: (id) => senders.get(id) };
    const clock = opts.wallClock === false ? undefined : new WallClock(replica, log);
    if (clock !== undefined) await clock.start();
    const syncTimeout = opts.syncCallTimeoutMs ?? 10_000;
    const staticDir = opts.static === undefined ? undefined : resolve(opts.static.dir);

    const handlers = {
        status(): Reply {
            return cbor({ ic_api_version: IC_API_VERSION, impl_version: 'emc-embedded-replica', root_key: replica.rootKey, replica_health_status: 'healthy' });
        },

        async call(ecid: Principal, body: Uint8Array, sync: boolean, version: number): Promise<Reply> {
            const auth = authenticate(decodeCbor(body), 'call', replica.time());
            if (!auth.ok) return plain(auth.status, auth.message);
            const c = auth.content as CallContent;
            const cid = Principal.fromUint8Array(c.canister_id);
            if (cid.toText() !== MANAGEMENT.toText() && !bytesEqual(c.canister_id, ecid.toUint8Array())) {
                return plain(400, `Specified CanisterId ${cid.toText()} does not match effective canister id in URL ${ecid.toText()}`);
            }
            const idHex = toHex(auth.requestId);
            const submitted = replica.submitIngress({ canisterId: cid, method: c.method_name, arg: c.arg, sender: auth.sender, requestId: idHex });
            if ('refused' in submitted) {
                const r = submitted.refused;
                log(`call ${cid.toText()}.${c.method_name} refused before execution: ${r.errorCode} ${r.message}`);
                return cbor({ ...(version >= 3 ? { status: 'non_replicated_rejection' } : {}), reject_code: r.code, reject_message: r.message, error_code: r.errorCode });
            }
            if (!senders.has(idHex)) senders.set(idHex, c.sender);
            if (!sync) return { status: 202 };
            const done = await withTimeout(submitted.done, syncTimeout);
            if (done === undefined) return { status: 202 };
            return cbor({ status: 'replied', certificate: certifyPaths(src, [[utf8('request_status'), auth.requestId]]) });
        },

        query(ecid: Principal, body: Uint8Array): Reply {
            const auth = authenticate(decodeCbor(body), 'query', replica.time());
            if (!auth.ok) return plain(auth.status, auth.message);
            const c = auth.content as CallContent;
            if (!bytesEqual(c.canister_id, ecid.toUint8Array())) {
                return plain(400, `Specified CanisterId ${Principal.fromUint8Array(c.canister_id).toText()} does not match effective canister id in URL ${ecid.toText()}`);
            }
            const cid = Principal.fromUint8Array(c.canister_id);
            const result = replica.hasCanister(cid)
                ? replica.query({ canisterId: cid, method: c.method_name, arg: c.arg, sender: auth.sender })
                : { reject: { code: 3, errorCode: 'IC0301', message: `Canister ${cid.toText()} not found` } };
            const timestamp = replica.time();
            const signed = (fields: Record<string, bigint | string | Uint8Array | Map<string, Uint8Array>>) => [{ timestamp, signature: node.signResponse({ ...fields, timestamp, request_id: auth.requestId }), identity: node.nodeId.toUint8Array() }];
            if ('reply' in result) {
                return cbor({ status: 'replied', reply: { arg: result.reply }, signatures: signed({ status: 'replied', reply: new Map([['arg', result.reply]]) }) });
            }
            const r = result.reject;
            const fields = { status: 'rejected', reject_code: BigInt(r.code), reject_message: r.message, error_code: r.errorCode };
            return cbor({ ...fields, signatures: signed(fields) });
        },

        readState(ecid: Principal | undefined, body: Uint8Array): Reply {
            const auth = authenticate(decodeCbor(body), 'read_state', replica.time());
            if (!auth.ok) return plain(auth.status, auth.message);
            const paths = auth.content.paths;
            const check = checkPaths(src, paths, auth.content.sender, ecid);
            if (!check.ok) return plain(check.status, check.message);
            return cbor({ certificate: certifyPaths(src, paths) });
        },
    };

    const handle = async (req: IncomingMessage): Promise<Reply> => {
        const url = new URL(req.url ?? '/', 'http://localhost');
        const path = url.pathname;
        if (req.method === 'OPTIONS') return { status: 204 };
        if (path === '/api/v2/status') return req.method === 'GET' ? handlers.status() : plain(405, 'use GET');
        const m = /^\/api\/v([234])\/(canister|subnet)\/([^/]+)\/(call|query|read_state)$/.exec(path);
        if (m !== null) {
            if (req.method !== 'POST') return plain(405, 'use POST with an application/cbor body');
            const [, v, kind, idText, endpoint] = m;
            const version = Number(v);
            let id: Principal;
            try {
                id = Principal.fromText(idText);
            } catch {
                return plain(400, `'${idText}' is not a principal`);
            }
            const body = await readBody(req);
            if (body === undefined) return plain(413, `the request body exceeds ${MAX_BODY} bytes`);
            if (clock !== undefined) await clock.sync();
            try {
                if (kind === 'subnet') {
                    if (endpoint !== 'read_state' || version === 4) return plain(404, 'not found');
                    if (id.toText() !== subnetId.toText()) return plain(404, `subnet ${id.toText()} is not this replica's (${subnetId.toText()})`);
                    return handlers.readState(undefined, body);
                }
                if (endpoint === 'call') return await handlers.call(id, body, version >= 3, version);
                if (version === 4) return plain(404, 'not found');
                return endpoint === 'query' ? handlers.query(id, body) : handlers.readState(id, body);
            } catch (e) {
                if (e instanceof CborError) return plain(400, `Could not parse body as CBOR: ${e.message}`);
                throw e;
            }
        }
        if (req.method === 'GET' && staticDir !== undefined) return serveStatic(staticDir, path, opts.static?.config);
        return plain(404, 'not found');
    };

    const server: Server = createServer((req, res) => {
        handle(req).then(
            (reply) => send(res, reply),
            (e: unknown) => {
                log(`internal error on ${req.method} ${req.url}: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
                send(res, plain(500, `Internal error: ${e instanceof Error ? e.message : String(e)}`));
            },
        );
    });
    server.keepAliveTimeout = 5_000;
    await new Promise<void>((ok, fail) => {
        server.once('error', fail);
        server.listen(opts.port ?? DEFAULT_PORT, opts.host ?? '127.0.0.1', () => ok());
    });
    const port = (server.address() as AddressInfo).port;
    return {
        url: `http://${opts.host ?? '127.0.0.1'}:${port}`,
        port,
        subnetId,
        nodeId: node.nodeId,
        clock,
        close: async () => {
            clock?.stop();
            await new Promise<void>((ok) => {
                server.close(() => ok());
                server.closeAllConnections();
            });
        },
    };
}

function send(res: ServerResponse, r: Reply): void {
    res.statusCode = r.status;
    res.setHeader('Access-Control-Allow-Origin', '*');
    res.setHeader('Access-Control-Allow-Methods', 'POST, GET');
    res.setHeader('Access-Control-Allow-Headers', 'Accept, Authorization, Content-Type');
    if (r.type !== undefined) res.setHeader('Content-Type', r.type);
    res.end(r.body ?? '');
}

function cbor(v: CborInput): Reply {
    return { status: 200, body: encodeCbor(v), type: 'application/cbor' };
}

function plain(status: number, message: string): Reply {
    return { status, body: message, type: 'text/plain; charset=utf-8' };
}

function utf8(s: string): Uint8Array {
    return new TextEncoder().encode(s);
}

async function readBody(req: IncomingMessage): Promise<Uint8Array | undefined> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req) {
        size += (chunk as Buffer).length;
        if (size > MAX_BODY) {
            req.resume();
            return undefined;
        }
        chunks.push(chunk as Buffer);
    }
    return new Uint8Array(Buffer.concat(chunks));
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T | undefined> {
    return new Promise((ok, fail) => {
        const t = setTimeout(() => ok(undefined), ms);
        p.then(
            (v) => {
                clearTimeout(t);
                ok(v);
            },
            (e) => {
                clearTimeout(t);
                fail(e);
            },
        );
    });
}

const TYPES: Record<string, string> = {
    '.html': 'text/html; charset=utf-8',
    '.js': 'text/javascript; charset=utf-8',
    '.css': 'text/css; charset=utf-8',
    '.json': 'application/json',
    '.svg': 'image/svg+xml',
    '.png': 'image/png',
    '.ico': 'image/x-icon',
    '.map': 'application/json',
};

function serveStatic(dir: string, path: string, config?: () => unknown): Reply {
    if (path === '/config.json' && config !== undefined) return { status: 200, body: JSON.stringify(config()), type: 'application/json' };
    let rel: string;
    try {
        rel = decodeURIComponent(path);
    } catch {
        return plain(400, 'bad path');
    }
    const file = normalize(join(dir, rel.endsWith('/') ? `${rel}index.html` : rel));
    if (file !== dir && !file.startsWith(dir + sep)) return plain(404, 'not found');
    // A single-page app: unknown paths without an extension get index.html (e.g. /node/cmp007).
    const target = existsSync(file) && statSync(file).isFile() ? file : extname(file) === '' ? join(dir, 'index.html') : undefined;
    if (target === undefined || !existsSync(target)) return plain(404, 'not found');
    return { status: 200, body: readFileSync(target), type: TYPES[extname(target)] ?? 'application/octet-stream' };
}

export type { IngressStatus };
