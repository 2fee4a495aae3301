/** A protocol on in-memory maps with the genesis distribution's accounts funded on the fake ledger. */
import { FakeEnv } from '../../../src/lib/env';
import type { Account } from '../../../src/ledger/account';
import { TREASURY_SUBACCOUNT } from '../../../src/protocol/model/supply';
import { protocolSystem, type InitArgs } from '../../../src/protocol/system';
import { VESTING_SUBACCOUNT } from '../../../src/protocol/treasury/vesting';
import { FakeLedgerClient } from './fake-ledger';
import { EMC, GOVERNANCE, LEDGER_ID, PROTOCOL_ID, T0, memoryMaps, operator } from './helpers';

export { EMC, GOVERNANCE, PROTOCOL_ID, T0, operator };
export const SEC = 1_000_000_000n;

export function distributionProtocol(o: { vesting?: InitArgs['vesting']; vestingBalance?: bigint; treasury?: bigint; balances?: [number, bigint][] } = {}) {
    const env = new FakeEnv(GOVERNANCE, T0, PROTOCOL_ID);
    const balances: [Account, bigint][] = (o.balances ?? []).map(([n, b]) => [{ owner: operator(n) }, b]);
    const vestingTotal = o.vestingBalance ?? (o.vesting ?? []).reduce((a, s) => a + s.total, 0n);
    if (vestingTotal > 0n) balances.push([{ owner: PROTOCOL_ID, subaccount: VESTING_SUBACCOUNT }, vestingTotal]);
    if ((o.treasury ?? 0n) > 0n) balances.push([{ owner: PROTOCOL_ID, subaccount: TREASURY_SUBACCOUNT }, o.treasury as bigint]);
    const ledger = new FakeLedgerClient(PROTOCOL_ID, PROTOCOL_ID, balances, () => env.time);
    const open = memoryMaps();
    const protocol = protocolSystem(open, env, ledger);
    protocol.init({ governance: GOVERNANCE, ledger: LEDGER_ID, genesis: T0, vesting: o.vesting });
    /** The same stable maps opened again by a fresh system (what an upgrade does). */
    const reopen = () => protocolSystem(open, env, ledger);
    return { protocol, env, ledger, open, reopen };
}
