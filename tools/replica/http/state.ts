/**
 * The certified state tree the HTTP interface's `read_state` answers from, built per request from
 * the replica's public state and signed with the replica's BLS key (the root key agents fetch):
 *
 *   time                                      the replica's clock (LEB128 ns)
 *   request_status/<id>/status|reply|reject_code|reject_message|error_code
 *   canister/<id>/module_hash|controllers|metadata/<name>
 *   subnet/<subnet id>/public_key|canister_ranges|node/<node id>/public_key
 *
 * The subnet is the replica itself: its id is the self-authenticating principal of the root key
 * (what agent-js assumes for a certificate without delegation), its canister ranges cover every
 * canister id, and its one node signs query responses with an Ed25519 key (`NodeKey`).
 *
 * Which paths a request may read follows the IC (interface specification, "Request: Read state"):
 * `time`, `subnet…`, `request_status/<id>…` for requests of the same sender, and
 * `canister/<effective canister id>/module_hash|controllers|metadata/<name>`; anything else is
 * refused. Cost: one witness over a tree holding only the requested entries, one BLS signature.
 */
import { ed25519 } from '@noble/curves/ed25519';
import { Principal } from '@dfinity/principal';
import type { EmbeddedReplica } from '../replica';
import { buildTree, leb128, witness, type StateNode } from '../certification';
import { encodeCbor } from './cbor';
import { hashOfMap } from './request-id';
import { bytesEqual, concat, toHex } from '../../../src/lib/storage/bytes';

const ED25519_DER_PREFIX = Uint8Array.from([0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00]);
const RESPONSE_SEPARATOR = new TextEncoder().encode('\x0Bic-response');
const utf8 = new TextEncoder();
const text = new TextDecoder();

/** The subnet's one node: an Ed25519 key that signs query responses. */
export class NodeKey {
    readonly publicKeyDer: Uint8Array;
    readonly nodeId: Principal;
    readonly #secret: Uint8Array;

    constructor(secret: Uint8Array = ed25519.utils.randomPrivateKey()) {
        this.#secret = secret;
        this.publicKeyDer = concat([ED25519_DER_PREFIX, ed25519.getPublicKey(secret)]);
        this.nodeId = Principal.selfAuthenticating(this.publicKeyDer);
    }

    /** `\x0Bic-response` · hash_of_map(response fields): what agents verify on a query response. */
    signResponse(fields: Record<string, bigint | string | Uint8Array | Map<string, Uint8Array>>): Uint8Array {
        return ed25519.sign(concat([RESPONSE_SEPARATOR, hashOfMap(fields as never)]), this.#secret);
    }
}

/** The whole id space: [0x…00 01 01, 0xff…ff 01 01], as one range (a local replica serves every canister id). */
const CANISTER_RANGES = encodeCbor([[Uint8Array.from([0, 0, 0, 0, 0, 0, 0, 0, 1, 1]), Uint8Array.from([255, 255, 255, 255, 255, 255, 255, 255, 1, 1])]]);

export interface StateSource {
    replica: EmbeddedReplica;
    node: NodeKey;
    subnetId: Principal;
    /** Public metadata sections (`canister/<id>/metadata/<name>`), e.g. `candid:service`. */
    metadata?: (canister: Principal, name: string) => Uint8Array | undefined;
    /** Who sent a request this server accepted (request_status is only readable by its sender). */
    senderOf: (requestIdHex: string) => Uint8Array | undefined;
}

export type PathCheck = { ok: true } | { ok: false; status: 400 | 403 | 404; message: string };

/**
 * Checks the paths of a read_state request against what its sender may read: through
 * `/api/v2/canister/<ecid>/read_state` (`ecid` given) or `/api/v2/subnet/<id>/read_state`.
 */
export function checkPaths(src: StateSource, paths: Uint8Array[][], sender: Uint8Array, ecid: Principal | undefined): PathCheck {
    let requestId: Uint8Array | undefined;
    for (const path of paths) {
        if (path.length === 0) return invalid();
        const head = text.decode(path[0]);
        if (head === 'time' && path.length === 1) continue;
        if (head === 'subnet') {
            if (path.length >= 2 && !bytesEqual(path[1], src.subnetId.toUint8Array())) return invalid();
            continue;
        }
        if (head === 'canister_ranges' && ecid === undefined) continue;
        if (ecid === undefined) return invalid();
        if (head === 'request_status' && path.length >= 2) {
            if (path[1].length !== 32) return invalid();
            if (requestId !== undefined && !bytesEqual(requestId, path[1])) return { ok: false, status: 400, message: 'A read_state request may ask for the status of one request only' };
            requestId = path[1];
            const owner = src.senderOf(toHex(path[1]));
            if (owner !== undefined && !bytesEqual(owner, sender)) return { ok: false, status: 403, message: `Request IDs must be for requests signed with the caller's key: 0x${toHex(path[1])} was sent by another principal` };
            continue;
        }
        if (head === 'canister' && path.length >= 3) {
            if (!bytesEqual(path[1], ecid.toUint8Array())) {
                return { ok: false, status: 400, message: `Effective principal id in URL ${ecid.toText()} does not match requested canister id: ${safePrincipal(path[1])}.` };
            }
            const leaf = text.decode(path[2]);
            if ((leaf === 'module_hash' || leaf === 'controllers') && path.length === 3) continue;
            if (leaf === 'metadata' && path.length === 4) continue;
            return invalid();
        }
        return invalid();
    }
    return { ok: true };
}

/** A certificate over `paths` (and `time`), signed by the replica's key. */
export function certifyPaths(src: StateSource, paths: Uint8Array[][]): Uint8Array {
    const r = src.replica;
    const root = new Map<string | Uint8Array, StateNode>();
    root.set('time', leb128(r.time()));
    const statuses = new Map<string | Uint8Array, StateNode>();
    const canisters = new Map<string | Uint8Array, StateNode>();
    let subnet = false;
    for (const path of paths) {
        const head = path.length > 0 ? text.decode(path[0]) : '';
        if (head === 'request_status' && path.length >= 2) {
            const s = r.ingressStatus(toHex(path[1]));
            if (s === undefined) continue;
            const node = new Map<string | Uint8Array, StateNode>();
            node.set('status', s.status);
            if (s.status === 'replied') node.set('reply', s.reply);
            if (s.status === 'rejected') {
                node.set('reject_code', leb128(BigInt(s.reject.code)));
                node.set('reject_message', s.reject.message);
                node.set('error_code', s.reject.errorCode);
            }
            statuses.set(path[1], node);
        } else if (head === 'canister' && path.length >= 2) {
            let id: Principal;
            try {
                id = Principal.fromUint8Array(path[1]);
            } catch {
                continue;
            }
            if (!r.hasCanister(id) || canisters.has(path[1])) continue;
            const node = new Map<string | Uint8Array, StateNode>();
            node.set('module_hash', r.moduleHash(id));
            node.set('controllers', encodeCbor(r.controllers(id).map((c) => c.toUint8Array())));
            const meta = new Map<string | Uint8Array, StateNode>();
            for (const p of paths) {
                if (p.length === 4 && text.decode(p[0]) === 'canister' && bytesEqual(p[1], path[1]) && text.decode(p[2]) === 'metadata') {
                    const v = src.metadata?.(id, text.decode(p[3]));
                    if (v !== undefined) meta.set(p[3], v);
                }
            }
            if (meta.size > 0) node.set('metadata', meta);
            canisters.set(path[1], node);
        } else if (head === 'subnet') {
            subnet = true;
        }
    }
    if (statuses.size > 0) root.set('request_status', statuses);
    if (canisters.size > 0) root.set('canister', canisters);
    if (subnet) {
        const node = new Map<string | Uint8Array, StateNode>([[src.node.nodeId.toUint8Array(), new Map<string | Uint8Array, StateNode>([['public_key', src.node.publicKeyDer]])]]);
        root.set('subnet', new Map<string | Uint8Array, StateNode>([[src.subnetId.toUint8Array(), new Map<string | Uint8Array, StateNode>([['public_key', r.rootKey], ['canister_ranges', CANISTER_RANGES], ['node', node]])]]));
    }
    return r.key.certify(witness(buildTree(root), [[utf8.encode('time')], ...paths]));
}

/** The subnet id of a replica without delegation: the principal of its root key. */
export function subnetIdOf(rootKeyDer: Uint8Array): Principal {
    return Principal.selfAuthenticating(rootKeyDer);
}

export function requestIdHex(id: Uint8Array): string {
    return toHex(id);
}

function invalid(): PathCheck {
    return { ok: false, status: 404, message: 'Invalid path requested.' };
}

function safePrincipal(b: Uint8Array): string {
    try {
        return Principal.fromUint8Array(b).toText();
    } catch {
        return `0x${toHex(b)}`;
    }
}
