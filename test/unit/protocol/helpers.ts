/** A protocol over in-memory stores and a fake ledger (the real ledger domain), for unit tests. */
import { FakeEnv } from '../../../src/lib/env';
import type { Account } from '../../../src/ledger/account';
import { escrowSubaccount } from '../../../src/protocol/model/supply';
import { protocolSystem, type ProtocolSystem } from '../../../src/protocol/system';
import { MemoryKV } from '../../../src/lib/storage/kv';
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

/** In-memory stable maps by memory id, each opened once and found again by a later `open` (what an upgrade sees). */
export function memoryMaps(): (id: number) => MemoryKV {
    const maps = new Map<number, MemoryKV>();
    return (id) => {
        let kv = maps.get(id);
        if (kv === undefined) {
            kv = new MemoryKV();
            maps.set(id, kv);
        }
        return kv;
    };
}

export function newProtocol(balances: [number, bigint][] = []) {
    const env = new FakeEnv(GOVERNANCE, T0, PROTOCOL_ID);
    const ledger = new FakeLedgerClient(
        PROTOCOL_ID,
        PROTOCOL_ID,
        balances.map(([n, b]) => [{ owner: operator(n) }, b] as [Account, bigint]),
        () => env.time,
    );
    const open = memoryMaps();
    const protocol = protocolSystem(open, env, ledger);
    protocol.init({ governance: GOVERNANCE, ledger: LEDGER_ID });
    const { registry, batches, votes, governance, treasury } = protocol;
    return { protocol, env, ledger, registry, batches, votes, governance, treasury, open };
}

/** Σ stakes the registry records = Σ balances of every node's escrow on the ledger. */
export function escrowInvariant(p: ProtocolSystem, ledger: FakeLedgerClient): { recorded: bigint; onLedger: bigint } {
    let recorded = 0n;
    let onLedger = 0n;
    const next = p.config.nextIndex();
    for (let i = 0n; i < next; i++) {
        const n = p.registry.get(i);
        if (n?.stake !== undefined) recorded += n.stake.amount;
        onLedger += ledger.balance({ owner: PROTOCOL_ID, subaccount: escrowSubaccount(i) });
    }
    return { recorded, onLedger };
}
