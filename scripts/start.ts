/**
 * `npm start`: builds what is missing, starts the embedded replica, installs emc_ledger and
 * emc_protocol, and prints their ids and a health line from each.
 */
import { existsSync } from 'node:fs';
import { Actor } from '@dfinity/agent';
import { EmbeddedReplica } from '../src/replica';
import { buildCanister, wasmPath } from './build';

const healthIdl = ({ IDL }: { IDL: any }) =>
    IDL.Service({
        health: IDL.Func([], [IDL.Record({ canister: IDL.Text, version: IDL.Text, time_ns: IDL.Nat64, canister_version: IDL.Nat64, cycles: IDL.Nat })], ['query']),
    });

interface Health {
    canister: string;
    version: string;
    time_ns: bigint;
    canister_version: bigint;
    cycles: bigint;
}

async function main(): Promise<void> {
    for (const name of ['emc_ledger', 'emc_protocol']) {
        if (!existsSync(wasmPath(name))) {
            process.stdout.write(`building ${name} …\n`);
            buildCanister(name);
        }
    }
    const replica = await EmbeddedReplica.create();
    const ledger = await replica.installCanister({ wasm: wasmPath('emc_ledger') });
    const protocol = await replica.installCanister({ wasm: wasmPath('emc_protocol') });
    process.stdout.write(`embedded replica up (root key ${Buffer.from(replica.rootKey.slice(-8)).toString('hex')}…, time ${new Date(Number(replica.time() / 1_000_000n)).toISOString()})\n`);
    process.stdout.write(`emc_ledger   ${ledger.toText()}\n`);
    process.stdout.write(`emc_protocol ${protocol.toText()}\n`);
    const agent = replica.createAgent();
    for (const id of [ledger, protocol]) {
        const h = await Actor.createActor<{ health(): Promise<Health> }>(healthIdl, { agent: agent as never, canisterId: id }).health();
        process.stdout.write(`health: ${h.canister} v${h.version} ok — canister_version ${h.canister_version}, cycles ${h.cycles}, ${replica.instructions(id)} instructions for this query\n`);
    }
}

main().catch((e: unknown) => {
    process.stderr.write(`${e instanceof Error ? e.stack ?? e.message : String(e)}\n`);
    process.exit(1);
});
