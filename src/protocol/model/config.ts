/**
 * The protocol's configuration (spec §8): the governance principal, the ledger, the parameters
 * (src/protocol/model/params.ts), the pause, and the counter of node indexes. Read on every
 * message, so it is cached in the heap (a cache of stable state: nothing is lost at an upgrade).
 *
 * Storage (PROTOCOL_MEMORY.CONFIG): [1] → versioned JSON (format 1): governance and ledger as hex,
 * the parameters (bigints as decimal text), the pause; [2] → the next node index (u64 BE), kept
 * apart so that a registration writes 8 bytes. Parameters added after a configuration was written
 * take their defaults when it is read.
 * Cost: one map read per message (then the heap cache); a change re-encodes the JSON (~50 fields).
 */
import type { Account } from '../../ledger/account';
import type { Env } from '../../lib/env';
import { fromHex, readU64be, toHex, u64be } from '../../lib/storage/bytes';
import type { KV } from '../../lib/storage/kv';
import { paused, type PausedError } from './errors';
import { BIGINT_PARAMS, DEFAULT_PARAMS, type ProtocolParams } from './params';
import { escrowSubaccount, TREASURY_SUBACCOUNT } from './supply';

export interface ProtocolConfig {
    governance: Uint8Array;
    ledger: Uint8Array;
    params: ProtocolParams;
    /** Set while governance has paused the protocol: why, and since when. */
    paused?: { reason: string; since: string };
}

const KEY_CONFIG = new Uint8Array([1]);
const KEY_NEXT_INDEX = new Uint8Array([2]);

export class Config {
    private cache: ProtocolConfig | undefined;

    constructor(
        private readonly kv: KV,
        private readonly env: Env,
    ) {}

    isInitialized(): boolean {
        return this.kv.has(KEY_CONFIG);
    }

    create(c: { governance: Uint8Array; ledger: Uint8Array; params?: Partial<ProtocolParams> }): void {
        if (this.isInitialized()) throw new Error('the protocol is already initialized');
        this.save({ governance: c.governance, ledger: c.ledger, params: { ...DEFAULT_PARAMS, ...c.params } });
    }

    get(): ProtocolConfig {
        if (this.cache === undefined) {
            const raw = this.kv.get(KEY_CONFIG);
            if (raw === undefined) throw new Error('the protocol is not initialized');
            this.cache = decodeConfig(raw);
        }
        return this.cache;
    }

    params(): ProtocolParams {
        return this.get().params;
    }

    save(c: ProtocolConfig): void {
        this.kv.set(KEY_CONFIG, encodeConfig(c));
        this.cache = c;
    }

    /** The ledger answered BadFee: its fee changed, and escrows pay the new one from now on. */
    setLedgerFee(fee: bigint): void {
        this.save({ ...this.get(), params: { ...this.params(), ledgerFee: fee } });
    }

    /** Refuses while governance has the protocol paused. */
    pausedError(): PausedError | undefined {
        const p = this.get().paused;
        return p === undefined ? undefined : paused(p.reason);
    }

    /** How many node records exist (the next node index). */
    nextIndex(): bigint {
        const raw = this.kv.get(KEY_NEXT_INDEX);
        return raw === undefined ? 0n : readU64be(raw);
    }

    /** Takes the next node index. */
    takeIndex(): bigint {
        const index = this.nextIndex();
        this.kv.set(KEY_NEXT_INDEX, u64be(index + 1n));
        return index;
    }

    escrowAccount(index: bigint): Account {
        return { owner: this.env.self(), subaccount: escrowSubaccount(index) };
    }

    treasuryAccount(): Account {
        return { owner: this.env.self(), subaccount: TREASURY_SUBACCOUNT };
    }
}

function encodeConfig(c: ProtocolConfig): Uint8Array {
    const params: Record<string, unknown> = { ...c.params, computeMultipliers: c.params.computeMultipliers.map(([d, m]) => [d, m.toString()]) };
    for (const k of BIGINT_PARAMS) params[k] = c.params[k].toString();
    const j: Record<string, unknown> = { format: 1, governance: toHex(c.governance), ledger: toHex(c.ledger), params };
    if (c.paused !== undefined) j.paused = c.paused;
    return new TextEncoder().encode(JSON.stringify(j));
}

function decodeConfig(bytes: Uint8Array): ProtocolConfig {
    const j = JSON.parse(new TextDecoder().decode(bytes));
    if (j.format !== 1) throw new Error(`unknown protocol config format ${j.format}`);
    const params: Record<string, unknown> = { ...DEFAULT_PARAMS, ...j.params };
    for (const k of BIGINT_PARAMS) params[k] = BigInt(params[k] as string | bigint);
    params.computeMultipliers = (params.computeMultipliers as [number, string | bigint][]).map(([d, m]) => [d, BigInt(m)]);
    const c: ProtocolConfig = { governance: fromHex(j.governance), ledger: fromHex(j.ledger), params: params as unknown as ProtocolParams };
    if (j.paused !== undefined) c.paused = j.paused;
    return c;
}
