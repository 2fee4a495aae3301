/**
 * Authentication of HTTP requests as the IC does it (interface specification, "Authentication"):
 * the envelope `{ content, sender_pubkey?, sender_sig?, sender_delegation? }` is checked in the
 * IC's order — the content's shape, its `ingress_expiry`, then the sender: a non-anonymous sender
 * must be the self-authenticating principal of `sender_pubkey`, the delegations must form a chain
 * from that key (each signed by the key before it over `\x1Aic-request-auth-delegation` ·
 * hash_of_map(delegation), none expired, at most 20, targets at most 1,000 each and, when given,
 * containing the canister called), and `sender_sig` must be the last key's signature over
 * `\x0Aic-request` · request id. An anonymous sender carries no key, signature or delegation.
 *
 * Keys: Ed25519, ECDSA secp256k1 (low-S signatures only) and ECDSA P-256, in their DER
 * SubjectPublicKeyInfo form (what agent-js, dfx and ic-repl send). Canister signatures (Internet
 * Identity's root key) and WebAuthn keys are refused with a message saying so.
 *
 * Outcomes follow the IC's HTTP endpoint: a malformed body is 400, an expiry outside
 * [now, now + 5 min + 60 s] is 400 "Invalid request expiry: …" (agent-js re-syncs its clock on
 * exactly that text), every other authentication failure is 403 "Failed to authenticate request
 * 0x<id> due to: …". Cost: one SHA-256 per content field and one signature verification per
 * delegation plus one; nothing is executed before authentication succeeds.
 */
import { ed25519 } from '@noble/curves/ed25519';
import { p256 } from '@noble/curves/nist';
import { secp256k1 } from '@noble/curves/secp256k1';
import { sha224, sha256 } from '@noble/hashes/sha2';
import { Principal } from '@dfinity/principal';
import type { CborValue } from './cbor';
import { hashOfMap } from './request-id';

export const MAX_INGRESS_TTL_NS = 5n * 60n * 1_000_000_000n;
export const PERMITTED_DRIFT_NS = 60n * 1_000_000_000n;
export const MAX_DELEGATIONS = 20;
export const MAX_DELEGATION_TARGETS = 1_000;

const REQUEST_SEPARATOR = new TextEncoder().encode('\x0Aic-request');
const DELEGATION_SEPARATOR = new TextEncoder().encode('\x1Aic-request-auth-delegation');
const ANONYMOUS = Uint8Array.of(0x04);

export type RequestType = 'call' | 'query' | 'read_state';

export interface CallContent {
    request_type: 'call' | 'query';
    canister_id: Uint8Array;
    method_name: string;
    arg: Uint8Array;
    sender: Uint8Array;
    ingress_expiry: bigint;
    nonce?: Uint8Array;
}

export interface ReadStateContent {
    request_type: 'read_state';
    paths: Uint8Array[][];
    sender: Uint8Array;
    ingress_expiry: bigint;
    nonce?: Uint8Array;
}

export type Content = CallContent | ReadStateContent;

export interface Authenticated<C extends Content> {
    ok: true;
    requestId: Uint8Array;
    content: C;
    sender: Principal;
    /** The canisters the delegations allow (undefined: every canister). */
    targets?: Uint8Array[];
}

export interface Refused {
    ok: false;
    status: 400 | 403;
    message: string;
}

type Outcome<C extends Content> = Authenticated<C> | Refused;

/** Parses and authenticates a request envelope of the given type at replica time `now` (ns). */
export function authenticate(body: CborValue, type: 'call' | 'query', now: bigint, canisterCheck?: Uint8Array): Outcome<CallContent>;
export function authenticate(body: CborValue, type: 'read_state', now: bigint): Outcome<ReadStateContent>;
export function authenticate(body: CborValue, type: RequestType, now: bigint): Outcome<Content> {
    if (!(body instanceof Map)) return bad(type, 'the body is not a CBOR map');
    const rawContent = body.get('content');
    if (!(rawContent instanceof Map)) return bad(type, 'the envelope has no content map');
    let content: Content;
    try {
        content = parseContent(rawContent, type);
    } catch (e) {
        return bad(type, (e as Error).message);
    }
    const requestId = hashOfMap(rawContent);
    const expiry = checkExpiry(content.ingress_expiry, now);
    if (expiry !== undefined) return { ok: false, status: 400, message: expiry };

    const refuse = (why: string): Refused => ({ ok: false, status: 403, message: `Failed to authenticate request 0x${hex(requestId)} due to: ${why}` });
    const pubkey = body.get('sender_pubkey');
    const sig = body.get('sender_sig');
    const delegations = body.get('sender_delegation');
    for (const [name, v] of [['sender_pubkey', pubkey], ['sender_sig', sig]] as const) {
        if (v !== undefined && !(v instanceof Uint8Array)) return bad(type, `${name} is not a byte string`);
    }
    if (delegations !== undefined && !Array.isArray(delegations)) return bad(type, 'sender_delegation is not an array');
    const sender = content.sender;
    if (sender.length > 29) return bad(type, `the sender is ${sender.length} bytes (a principal has at most 29)`);

    if (equal(sender, ANONYMOUS)) {
        if (pubkey !== undefined || sig !== undefined || delegations !== undefined) return refuse('an anonymous request must carry no public key, signature or delegation');
        return { ok: true, requestId, content, sender: Principal.anonymous() };
    }
    if (pubkey === undefined || sig === undefined) return refuse(`the request from ${principalText(sender)} has no ${pubkey === undefined ? 'sender_pubkey' : 'sender_sig'} (only the anonymous principal may send unsigned requests)`);
    const expected = selfAuthenticating(pubkey as Uint8Array);
    if (!equal(expected, sender)) return refuse(`the sender ${principalText(sender)} is not the principal of the public key (${principalText(expected)})`);

    let signer = pubkey as Uint8Array;
    let targets: Uint8Array[] | undefined;
    const chain = (delegations ?? []) as CborValue[];
    if (chain.length > MAX_DELEGATIONS) return refuse(`${chain.length} delegations (at most ${MAX_DELEGATIONS})`);
    const seen: Uint8Array[] = [signer];
    for (let i = 0; i < chain.length; i++) {
        const parsed = parseDelegation(chain[i]);
        if (typeof parsed === 'string') return refuse(`delegation ${i}: ${parsed}`);
        const { delegation, signature, map } = parsed;
        const check = verifySignature(signer, concat(DELEGATION_SEPARATOR, hashOfMap(map)), signature);
        if (check !== undefined) return refuse(`delegation ${i}: ${check}`);
        if (delegation.expiration < now) return refuse(`delegation ${i} expired at ${iso(delegation.expiration)} (replica time ${iso(now)})`);
        if (delegation.targets !== undefined) {
            if (delegation.targets.length > MAX_DELEGATION_TARGETS) return refuse(`delegation ${i} has ${delegation.targets.length} targets (at most ${MAX_DELEGATION_TARGETS})`);
            targets = targets === undefined ? delegation.targets : targets.filter((t) => delegation.targets!.some((u) => equal(t, u)));
        }
        if (seen.some((k) => equal(k, delegation.pubkey))) return refuse(`delegation ${i} repeats a key of the chain (a chain must not contain cycles)`);
        seen.push(delegation.pubkey);
        signer = delegation.pubkey;
    }
    const check = verifySignature(signer, concat(REQUEST_SEPARATOR, requestId), sig as Uint8Array);
    if (check !== undefined) return refuse(check);
    if (targets !== undefined && content.request_type !== 'read_state') {
        const cid = content.canister_id;
        if (!targets.some((t) => equal(t, cid))) return refuse(`canister ${principalText(cid)} is not one of the delegation's targets`);
    }
    return { ok: true, requestId, content, sender: Principal.fromUint8Array(sender), targets };
}

/** The IC's expiry window: not in the past, at most 5 minutes (plus 60 s of drift) ahead. */
export function checkExpiry(expiry: bigint, now: bigint): string | undefined {
    const max = now + MAX_INGRESS_TTL_NS + PERMITTED_DRIFT_NS;
    if (expiry >= now && expiry <= max) return undefined;
    return `Invalid request expiry: Specified ingress_expiry not within expected range: Minimum allowed expiry: ${iso(now)}, Maximum allowed expiry: ${iso(max)}, Provided expiry: ${iso(expiry)}`;
}

function bad(type: RequestType, why: string): Refused {
    return { ok: false, status: 400, message: `Could not parse body as ${type === 'read_state' ? 'read request' : type === 'call' ? 'call message' : 'query message'}: ${why}` };
}

function parseContent(m: Map<CborValue, CborValue>, type: RequestType): Content {
    const field = <T>(name: string, is: (v: CborValue) => v is T & CborValue, what: string, optional = false): T | undefined => {
        const v = m.get(name);
        if (v === undefined) {
            if (optional) return undefined;
            throw new Error(`missing field ${name}`);
        }
        if (!is(v)) throw new Error(`field ${name} is not ${what}`);
        return v as T;
    };
    const isBytes = (v: CborValue): v is Uint8Array => v instanceof Uint8Array;
    const isText = (v: CborValue): v is string => typeof v === 'string';
    const isNat = (v: CborValue): v is bigint => typeof v === 'bigint' && v >= 0n;
    const requestType = field<string>('request_type', isText, 'text');
    if (requestType !== type) throw new Error(`request_type is '${requestType}', this endpoint takes '${type}'`);
    const sender = field<Uint8Array>('sender', isBytes, 'a byte string') as Uint8Array;
    const ingress_expiry = field<bigint>('ingress_expiry', isNat, 'a natural number') as bigint;
    const nonce = field<Uint8Array>('nonce', isBytes, 'a byte string', true);
    if (nonce !== undefined && nonce.length > 32) throw new Error(`the nonce is ${nonce.length} bytes (at most 32)`);
    if (type === 'read_state') {
        const paths = m.get('paths');
        if (!Array.isArray(paths) || !paths.every((p) => Array.isArray(p) && p.every(isBytes))) throw new Error('field paths is not an array of paths (arrays of byte strings)');
        return { request_type: 'read_state', paths: paths as Uint8Array[][], sender, ingress_expiry, nonce };
    }
    const canister_id = field<Uint8Array>('canister_id', isBytes, 'a byte string') as Uint8Array;
    if (canister_id.length > 29) throw new Error(`canister_id is ${canister_id.length} bytes (a principal has at most 29)`);
    const method_name = field<string>('method_name', isText, 'text') as string;
    const arg = field<Uint8Array>('arg', isBytes, 'a byte string') as Uint8Array;
    return { request_type: type, canister_id, method_name, arg, sender, ingress_expiry, nonce };
}

interface Delegation {
    pubkey: Uint8Array;
    expiration: bigint;
    targets?: Uint8Array[];
}

function parseDelegation(v: CborValue): { delegation: Delegation; signature: Uint8Array; map: Map<CborValue, CborValue> } | string {
    if (!(v instanceof Map)) return 'not a map';
    const d = v.get('delegation');
    const signature = v.get('signature');
    if (!(d instanceof Map)) return 'no delegation map';
    if (!(signature instanceof Uint8Array)) return 'no signature';
    const pubkey = d.get('pubkey');
    const expiration = d.get('expiration');
    const targets = d.get('targets');
    if (!(pubkey instanceof Uint8Array)) return 'no pubkey';
    if (typeof expiration !== 'bigint' || expiration < 0n) return 'no expiration';
    if (targets !== undefined && !(Array.isArray(targets) && targets.every((t) => t instanceof Uint8Array))) return 'targets is not an array of principals';
    return { delegation: { pubkey, expiration, targets: targets as Uint8Array[] | undefined }, signature, map: d };
}

// ----- keys and signatures ---------------------------------------------------------------------

const ED25519_DER = fromHex('302a300506032b6570032100');
const SECP256K1_DER = fromHex('3056301006072a8648ce3d020106052b8104000a034200');
const SECP256K1_DER_COMPRESSED = fromHex('3036301006072a8648ce3d020106052b8104000a032200');
const P256_DER = fromHex('3059301306072a8648ce3d020106082a8648ce3d030107034200');
const P256_DER_COMPRESSED = fromHex('3039301306072a8648ce3d020106082a8648ce3d030107032200');
/** OID 1.3.6.1.4.1.56387.1.2 (canister signatures) and 1.3.6.1.4.1.56387.1.1 (WebAuthn COSE keys), as DER bytes. */
const CANISTER_SIG_OID = fromHex('060c2b0601040183b8430102');
const COSE_OID = fromHex('060a2b0601040183b8430101');

type Key = { alg: 'ed25519' | 'secp256k1' | 'p256'; raw: Uint8Array };

export function parsePublicKey(der: Uint8Array): Key | string {
    const after = (prefix: Uint8Array, len: number): Uint8Array | undefined => (der.length === prefix.length + len && equal(der.subarray(0, prefix.length), prefix) ? der.subarray(prefix.length) : undefined);
    let raw: Uint8Array | undefined;
    if ((raw = after(ED25519_DER, 32)) !== undefined) return { alg: 'ed25519', raw };
    if ((raw = after(SECP256K1_DER, 65) ?? after(SECP256K1_DER_COMPRESSED, 33)) !== undefined) return { alg: 'secp256k1', raw };
    if ((raw = after(P256_DER, 65) ?? after(P256_DER_COMPRESSED, 33)) !== undefined) return { alg: 'p256', raw };
    if (contains(der, CANISTER_SIG_OID)) return 'canister signatures (e.g. Internet Identity) are not supported by this replica';
    if (contains(der, COSE_OID)) return 'WebAuthn keys are not supported by this replica';
    return `the public key (${der.length} bytes of DER) is not an Ed25519, secp256k1 or P-256 key`;
}

/** Undefined when `sig` is `der`'s valid signature of `message`, else why not. */
export function verifySignature(der: Uint8Array, message: Uint8Array, sig: Uint8Array): string | undefined {
    const key = parsePublicKey(der);
    if (typeof key === 'string') return key;
    let valid = false;
    try {
        if (key.alg === 'ed25519') valid = sig.length === 64 && ed25519.verify(sig, message, key.raw);
        else if (key.alg === 'secp256k1') valid = sig.length === 64 && secp256k1.verify(sig, sha256(message), key.raw, { format: 'compact', lowS: true, prehash: false });
        else valid = sig.length === 64 && p256.verify(sig, sha256(message), key.raw, { format: 'compact', lowS: false, prehash: false });
    } catch {
        valid = false;
    }
    return valid ? undefined : `Invalid ${key.alg === 'ed25519' ? 'Ed25519' : key.alg === 'secp256k1' ? 'ECDSA secp256k1' : 'ECDSA P-256'} signature`;
}

/** sha224(DER public key) · 0x02: the principal a key authenticates. */
export function selfAuthenticating(der: Uint8Array): Uint8Array {
    return concat(sha224(der), Uint8Array.of(0x02));
}

// ----- bytes -----------------------------------------------------------------------------------

function principalText(b: Uint8Array): string {
    try {
        return Principal.fromUint8Array(b).toText();
    } catch {
        return `0x${hex(b)}`;
    }
}

function iso(ns: bigint): string {
    const ms = ns / 1_000_000n;
    return ms > 8_640_000_000_000_000n ? `${ns} ns` : new Date(Number(ms)).toISOString();
}

export function hex(b: Uint8Array): string {
    let s = '';
    for (const x of b) s += x.toString(16).padStart(2, '0');
    return s;
}

function fromHex(h: string): Uint8Array {
    const out = new Uint8Array(h.length / 2);
    for (let i = 0; i < out.length; i++) out[i] = parseInt(h.slice(2 * i, 2 * i + 2), 16);
    return out;
}

export function equal(a: Uint8Array, b: Uint8Array): boolean {
    if (a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
    return true;
}

function contains(hay: Uint8Array, needle: Uint8Array): boolean {
    outer: for (let i = 0; i + needle.length <= hay.length; i++) {
        for (let j = 0; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer;
        return true;
    }
    return false;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
    const out = new Uint8Array(a.length + b.length);
    out.set(a, 0);
    out.set(b, a.length);
    return out;
}
