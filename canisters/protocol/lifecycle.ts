/**
 * emc_protocol's life: the domain over stable maps (src/protocol/system.ts), install and upgrade,
 * and the maintenance timer (src/protocol/jobs/maintenance.ts), armed in init, in post_upgrade and
 * after every update message for the next thing due — never for the past, never twice for the same
 * moment, and not at all when nothing is due.
 */
import { Principal, setTimer, time } from 'azle';

import { primeService } from '../../src/lib/candid/service';
import { StableKV } from '../../src/lib/storage/stable-kv';
import { NNS_GOVERNANCE, type ProtocolArgT } from '../../src/protocol/api/candid';
import { PROTOCOL_METHODS, protocolIngressPolicy } from '../../src/protocol/api/interface';
import type { ValueOf } from '../../src/lib/candid/candid';
import { protocolSystem } from '../../src/protocol/system';
import { genesisSchedulesIn } from '../../src/protocol/api/vesting-candid';
import { icEnv } from '../common/env';
import { IcLedger } from '../common/ledger-port';

/** Inspect rules and execution's argument limits, computed per method when asked. */
export const INGRESS = protocolIngressPolicy();

/** The protocol's domain, on the canister's stable maps. */
export const sys = protocolSystem((id) => new StableKV(id), icEnv, (config) => new IcLedger(() => config.get().ledger));

type ProtocolArg = ValueOf<typeof ProtocolArgT>;

export function install(a: ProtocolArg): void {
    if (!('Init' in a)) throw new Error('the protocol must be installed with variant { Init = … }');
    const governance = a.Init.governance[0] ?? Principal.fromText(NNS_GOVERNANCE);
    const seconds = a.Init.epoch_seconds[0];
    const genesis = a.Init.genesis_time[0] ?? time();
    const vesting = genesisSchedulesIn(a.Init.vesting?.[0] ?? [], genesis);
    sys.init({ ledger: a.Init.ledger.toUint8Array(), governance: governance.toUint8Array(), genesis, epochLength: seconds === undefined ? undefined : seconds * 1_000_000_000n, vesting });
    started();
}

export function upgrade(a: ProtocolArg): void {
    if (!('Upgrade' in a)) throw new Error('the protocol must be upgraded with variant { Upgrade = … }');
    sys.ensureRewards();
    started();
}

function started(): void {
    primeService(PROTOCOL_METHODS);
    sys.batches.certifyTip();
    scheduleMaintenance();
}

/**
 * Time at which the certification timer was armed and has not run yet (heap: an upgrade drops
 * timers, and post_upgrade certifies).
 */
let certifyArmedAt: bigint | undefined;

/**
 * After an update that appended blocks: certifies the new log tip from a timer that runs in a later
 * round, once for every block of this round (as emc_ledger does; src/protocol/log/certified-tree.ts
 * `markChanged`). A timer already armed in this round is enough; one armed in an earlier round that
 * has not run (or whose run trapped and was rolled back) is armed again; a timer that finds the tip
 * certified does nothing.
 */
export function certifySoon(): void {
    if (!sys.certified.pending()) return;
    const now = time();
    if (certifyArmedAt === now) return;
    certifyArmedAt = now;
    setTimer(0, () => {
        certifyArmedAt = undefined;
        sys.certified.flush();
    });
}

/**
 * Deadlines of the maintenance timers armed and not yet fired (heap: timers do not survive
 * upgrades; post_upgrade arms them again). Timers are never cleared: in Azle 0.33 `clearTimer`
 * panics ("already borrowed") because dropping the timer's closure re-enters the JavaScript
 * context that is running. A timer that is no longer needed simply finds nothing to do.
 */
const armed = new Set<bigint>();

/**
 * After an update: arms maintenance only when the update created work due before every armed
 * timer (src/protocol/jobs/wakeups.ts); most updates create none and pay nothing here.
 */
export function rearmAfterUpdate(): void {
    const due = sys.wakeups.take();
    if (due === undefined) return;
    for (const at of armed) if (at <= due) return;
    scheduleMaintenance();
}

/** Arms a maintenance timer for the next thing due unless one already fires by then. */
export function scheduleMaintenance(): void {
    sys.wakeups.take();
    const next = sys.maintenance.nextAt();
    if (next === undefined) return;
    for (const at of armed) if (at <= next) return;
    const now = time();
    const delaySeconds = next > now ? Number((next - now + 999_999_999n) / 1_000_000_000n) : 0;
    const at = now + BigInt(delaySeconds) * 1_000_000_000n;
    armed.add(at);
    setTimer(delaySeconds, async () => {
        armed.delete(at);
        try {
            await sys.maintenance.run();
        } catch (e) {
            // The next run retries; the canister's log says why this one stopped.
            console.error(`maintenance failed: ${(e as Error).message}`);
        } finally {
            sys.certified.flush();
            scheduleMaintenance();
        }
    });
}
