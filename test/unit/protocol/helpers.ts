/** A protocol over in-memory stores and a fake ledger (the real ledger domain), for unit tests. */
import { FakeEnv } from '../../../src/env';
import type { Account } from '../../../src/ledger/account';
import { escrowSubaccount, Protocol } from '../../../src/protocol/protocol';
import { Registry } from '../../../src/protocol/registry';
import { Rewards } from '../../../src/rewards/rewards';
import type { NodeStatus, NodeType } from '../../../src/protocol/nodes';
import { MemoryKV } from '../../../src/storage/kv';
import { principal } from '../ledger/helpers';
import { FakeLedgerClient } from './fake-ledger';

export const EMC = 100_000_000n;
export const DAY = 86_400n * 1_000_000_000n;
export const T0 = 1_750_000_000n * 1_000_000_000n;
export const PROTOCOL_ID = new Uint8Array([0, 0, 0, 0, 0, 0, 0, 9, 1, 1]);
export const GOVERNANCE = principal(999);
export const LEDGER_ID = new Uint8Array([0, 0, 0, 0, 0, 0, 0, 8, 1, 1]);

export function operator(n: number): Uint8Array {
    return principal(n);
}

export function newProtocol(balances: [number, bigint][] = []) {
    const env = new FakeEnv(GOVERNANCE, T0, PROTOCOL_ID);
    const ledger = new FakeLedgerClient(
        PROTOCOL_ID,
        PROTOCOL_ID,
        balances.map(([n, b]) => [{ owner: operator(n) }, b] as [Account, bigint]),
        () => env.time,
    );
    const indexes = new Map<string, MemoryKV>();
    const registry = new Registry({
        nodes: new MemoryKV(),
        ids: new MemoryKV(),
        expiries: new MemoryKV(),
        validators: new MemoryKV(),
        byTypeStatus: (t: NodeType, s: NodeStatus) => {
            const key = `${t}/${s}`;
            let kv = indexes.get(key);
            if (kv === undefined) {
                kv = new MemoryKV();
                indexes.set(key, kv);
            }
            return kv;
        },
    });
    const protocol = new Protocol(registry, { config: new MemoryKV(), pendingOps: new MemoryKV() }, env, ledger, new Rewards({ state: new MemoryKV(), nodes: new MemoryKV(), epochs: new MemoryKV() }));
    protocol.init({ governance: GOVERNANCE, ledger: LEDGER_ID });
    return { protocol, env, ledger, registry };
}

/** Σ stakes the registry records = Σ balances of every node's escrow on the ledger. */
export function escrowInvariant(p: Protocol, ledger: FakeLedgerClient): { recorded: bigint; onLedger: bigint } {
    let recorded = 0n;
    let onLedger = 0n;
    const next = p.nextIndex();
    for (let i = 0n; i < next; i++) {
        const n = p.registry.get(i);
        if (n?.stake !== undefined) recorded += n.stake.amount;
        onLedger += ledger.balance({ owner: PROTOCOL_ID, subaccount: escrowSubaccount(i) });
    }
    return { recorded, onLedger };
}
