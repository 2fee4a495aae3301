/**
 * The upgrade fixture (test/storage/upgrade-fixture/): stable memory written by an earlier build
 * and the answers that build gave to every query, with what the fixture script and the upgrade
 * test share: reading the interface files the earlier build shipped, and comparing answers.
 *
 * Answers are compared as values decoded at the earlier build's types (so a field a later build
 * adds to a reply is not a difference, a changed or missing value is), with the few fields that
 * name the instance rather than the state masked: a canister's version and cycle balance, the build's
 * version string, and certificates (signed by each replica's own key; the certified hash tree is
 * compared).
 */
import { readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { IDL } from '@dfinity/candid';
import { Principal } from '@dfinity/principal';
import { readStableSnapshot, type StableSnapshot } from '../../tools/replica';
import { parseDid } from '../helpers/did';

export const FIXTURE_DIR = resolve(__dirname, 'upgrade-fixture');
export const CANISTERS = ['ledger', 'protocol'] as const;
export type CanisterName = (typeof CANISTERS)[number];

export interface RecordedQuery {
    canister: CanisterName;
    method: string;
    /** Candid argument, hex. */
    arg: string;
    /** The reply (Candid, hex), or the reject. */
    reply?: string;
    reject?: { code: number; message: string };
}

export interface FixtureManifest {
    /** The build that wrote the memory and gave the answers. */
    commit: string;
    /** How to make it again. */
    madeBy: string;
    /** IC time (ns) of the snapshot and the answers. */
    time: string;
    canisters: Record<CanisterName, { id: string; did: string; stable: string }>;
    /** What the scenario did, for a reader. */
    scenario: string[];
    /** The answers (gzipped JSON array of RecordedQuery), and how many. */
    answers: { file: string; count: number; methods: number };
}

export interface Interface {
    service: any;
    init: any[];
    methods: Map<string, { args: any[]; rets: any[]; query: boolean }>;
}

/** An interface file (.did) as agent-js types: the service, its init arguments, each method and whether it is a query. */
export function loadInterface(source: string): Interface {
    const did = parseDid(source);
    const service = did.idlFactory({ IDL });
    const methods = new Map<string, { args: any[]; rets: any[]; query: boolean }>();
    for (const [name, func] of service._fields as [string, any][]) {
        methods.set(name, { args: func.argTypes, rets: func.retTypes, query: func.annotations.includes('query') || func.annotations.includes('composite_query') });
    }
    return { service, init: did.init({ IDL }), methods };
}

export const hex = (b: Uint8Array | ArrayBuffer): string => Buffer.from(b instanceof Uint8Array ? b : new Uint8Array(b)).toString('hex');
export const unhex = (h: string): Uint8Array => new Uint8Array(Buffer.from(h, 'hex'));

/** A decoded Candid value as plain JSON-able data: bigints as "123n", bytes as hex, principals as text, object keys sorted. */
export function plain(v: unknown): unknown {
    if (typeof v === 'bigint') return `${v}n`;
    if (v instanceof Uint8Array || v instanceof Uint16Array || v instanceof Uint32Array || v instanceof BigUint64Array || v instanceof Int8Array || v instanceof Int16Array || v instanceof Int32Array || v instanceof BigInt64Array) {
        return v instanceof Uint8Array ? `0x${hex(v)}` : Array.from(v as ArrayLike<unknown>, plain);
    }
    if (v instanceof Principal) return `principal ${v.toText()}`;
    if (Array.isArray(v)) return v.map(plain);
    if (v !== null && typeof v === 'object') {
        if (typeof (v as { toText?: unknown }).toText === 'function' && typeof (v as { toUint8Array?: unknown }).toUint8Array === 'function') return `principal ${(v as Principal).toText()}`;
        return Object.fromEntries(Object.keys(v).sort().map((k) => [k, plain((v as Record<string, unknown>)[k])]));
    }
    return v;
}

/** Fields that name the instance or the build, not the state (see the file comment). */
const MASKS: Record<string, (v: any) => void> = {
    'protocol.health': (v) => {
        v[0].canister_version = '(masked: the canister version counts installs and upgrades)';
        v[0].cycles = '(masked: cycles)';
        v[0].version = '(masked: the build names itself)';
    },
    'protocol.certified_tip': (v) => {
        v[0].certificate = v[0].certificate.length === 0 ? [] : ['(masked: signed by the replica’s key)'];
    },
    'ledger.get_data_certificate': (v) => {
        v[0].certificate = v[0].certificate.length === 0 ? [] : ['(masked: signed by the replica’s key)'];
    },
    'ledger.get_blocks': (v) => {
        v[0].certificate = v[0].certificate.length === 0 ? [] : ['(masked: signed by the replica’s key)'];
    },
    'ledger.icrc3_get_tip_certificate': (v) => {
        if (v[0].length === 1) v[0][0].certificate = '(masked: signed by the replica’s key)';
    },
};

/** A recorded or fresh answer, decoded at the earlier build's result types, masked, as plain data. */
export function answer(iface: Interface, q: { canister: CanisterName; method: string }, outcome: { reply?: Uint8Array | string; reject?: { code: number; message: string } }): unknown {
    if (outcome.reply === undefined) return { reject: outcome.reject };
    const bytes = typeof outcome.reply === 'string' ? unhex(outcome.reply) : outcome.reply;
    const m = iface.methods.get(q.method);
    if (m === undefined) throw new Error(`${q.canister}.${q.method} is not in the interface`);
    const decoded = IDL.decode(m.rets, bytes) as any[];
    MASKS[`${q.canister}.${q.method}`]?.(decoded);
    return plain(decoded);
}

/** The fixture's stable memory of a canister. */
export function stableOf(manifest: FixtureManifest, name: CanisterName, dir = FIXTURE_DIR): StableSnapshot {
    const file = join(tmpdir(), `emc-upgrade-fixture-${process.pid}-${name}.stable`);
    writeFileSync(file, gunzipSync(readFileSync(join(dir, manifest.canisters[name].stable))));
    try {
        return readStableSnapshot(file);
    } finally {
        unlinkSync(file);
    }
}

export function readManifest(dir = FIXTURE_DIR): FixtureManifest {
    return JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as FixtureManifest;
}

export function readAnswers(manifest: FixtureManifest, dir = FIXTURE_DIR): RecordedQuery[] {
    return JSON.parse(gunzipSync(readFileSync(join(dir, manifest.answers.file))).toString('utf8')) as RecordedQuery[];
}
