/**
 * The IC's commit-at-await semantics for domain tests. On the IC, the code between two awaits is
 * one message: what a message wrote before an `await` is committed when the call goes out, and a
 * trap rolls back only what was written since the last commit (the whole heap included).
 *
 * `icProtocol` builds the protocol system over maps that can be snapshotted: every ledger call is
 * a commit point; `message(fn)` runs one update call and, if it throws (traps), restores the maps
 * to the last commit and rebuilds the domain objects from them (a heap rolled back to that commit
 * holds nothing but caches of those maps). `trapInCallback(id)` makes the first write to map `id`
 * after the next ledger call throw, the way a storage writer refusing an oversize value traps a
 * callback.
 */
import { FakeEnv } from '../../../src/lib/env';
import type { Account } from '../../../src/ledger/account';
import { protocolSystem, type ProtocolSystem } from '../../../src/protocol/system';
import { MemoryKV, type KV } from '../../../src/lib/storage/kv';
import { FakeLedgerClient } from './fake-ledger';
import { GOVERNANCE, LEDGER_ID, operator, PROTOCOL_ID, T0 } from './helpers';

class TrappableKV extends MemoryKV {
    trap = false;

    set(key: Uint8Array, value: Uint8Array): void {
        if (this.trap) {
            this.trap = false;
            throw new RangeError('trapped: injected storage failure');
        }
        super.set(key, value);
    }
}

type Snapshot = Map<number, [Uint8Array, Uint8Array][]>;

export interface IcProtocol {
    sys: ProtocolSystem;
    env: FakeEnv;
    ledger: FakeLedgerClient;
    maps: Map<number, TrappableKV>;
    /** Runs one update message; a throw rolls state back to the last commit and is returned. */
    message<T>(fn: (sys: ProtocolSystem) => Promise<T>): Promise<{ ok: T } | { trapped: Error }>;
    /** The first write to map `memoryId` after the next ledger call (in its callback) traps. */
    trapInCallback(memoryId: number): void;
}

export function icProtocol(balances: [number, bigint][] = []): IcProtocol {
    const env = new FakeEnv(GOVERNANCE, T0, PROTOCOL_ID);
    const maps = new Map<number, TrappableKV>();
    const open = (id: number): KV => {
        let kv = maps.get(id);
        if (kv === undefined) {
            kv = new TrappableKV();
            maps.set(id, kv);
        }
        return kv;
    };
    let committed: Snapshot = new Map();
    let armAtCall: number | undefined;
    const snapshot = (): Snapshot => new Map([...maps].map(([id, kv]) => [id, kv.entries(0, kv.size())]));
    const ledger = new FakeLedgerClient(
        PROTOCOL_ID,
        PROTOCOL_ID,
        balances.map(([n, b]) => [{ owner: operator(n) }, b] as [Account, bigint]),
        () => env.time,
    );
    // Every ledger call is an await: what the message wrote so far is committed.
    for (const m of ['transfer', 'transferFrom', 'balanceOf'] as const) {
        const original = ledger[m].bind(ledger) as (a: never) => Promise<unknown>;
        (ledger as unknown as Record<string, unknown>)[m] = (a: never) => {
            committed = snapshot();
            if (armAtCall !== undefined) {
                (open(armAtCall) as TrappableKV).trap = true;
                armAtCall = undefined;
            }
            return original(a);
        };
    }
    const t: IcProtocol = {
        sys: protocolSystem(open, env, ledger),
        env,
        ledger,
        maps,
        async message(fn) {
            committed = snapshot();
            try {
                return { ok: await fn(t.sys) };
            } catch (e) {
                for (const [id, kv] of maps) {
                    for (const [k] of kv.entries(0, kv.size())) kv.delete(k);
                    for (const [k, v] of committed.get(id) ?? []) kv.set(k, v);
                    kv.trap = false;
                }
                t.sys = protocolSystem(open, env, ledger);
                return { trapped: e as Error };
            }
        },
        trapInCallback(memoryId) {
            armAtCall = memoryId;
        },
    };
    t.sys.init({ governance: GOVERNANCE, ledger: LEDGER_ID });
    return t;
}
