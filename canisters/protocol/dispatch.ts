/**
 * One way into the protocol canister: `handle(method)` decodes the argument with the method's
 * Candid types (after execution's argument limit, docs/security.md §3), calls the method's handler
 * from the typed table, encodes its answer and replies; after an update it re-arms maintenance when
 * the update created work due before every armed timer (src/protocol/jobs/wakeups.ts), and arms the
 * certification of the log tip when it appended blocks (lifecycle.ts `certifySoon`).
 * The table is typed from the method table (src/protocol/api/interface.ts): a missing handler, or
 * one whose argument or answer does not match the method's Candid types, does not compile.
 */
import { msgArgData, msgReply } from 'azle';

import { decode, encode } from '../../src/lib/candid/candid';
import { CandidError } from '../../src/lib/candid/error';
import { checkArgLength } from '../../src/lib/candid/inspect';
import { PROTOCOL_METHODS, type ProtocolMethod } from '../../src/protocol/api/interface';
import { batchHandlers } from './api/batches';
import { governanceHandlers } from './api/governance';
import { logHandlers } from './api/log';
import { infoHandlers } from './api/info';
import { marketHandlers } from './api/market';
import { socketHandlers } from './api/sockets';
import { nodeHandlers } from './api/nodes';
import { rewardHandlers } from './api/rewards';
import { lockupHandlers } from './api/lockup';
import { mappingHandlers } from './api/mapping';
import { projectHandlers } from './api/projects';
import { vestingHandlers } from './api/vesting';
import { voteHandlers } from './api/votes';
import { Encoded, type Handlers } from './handlers';
import { certifySoon, INGRESS, rearmAfterUpdate } from './lifecycle';


const HANDLERS: Handlers<ProtocolMethod> = { ...nodeHandlers, ...batchHandlers, ...rewardHandlers, ...voteHandlers, ...governanceHandlers, ...infoHandlers, ...marketHandlers, ...vestingHandlers, ...lockupHandlers, ...mappingHandlers, ...projectHandlers, ...logHandlers, ...socketHandlers };

/** Arguments this long always fit (no method's limit is lower): their length is not looked up. */
const ALWAYS_FITS = 256;

export function handle(name: ProtocolMethod): void | Promise<void> {
    const m = PROTOCOL_METHODS[name];
    const bytes = msgArgData();
    if (m.args.length === 1) checkArgLength(INGRESS, m.args[0], bytes);
    else if (bytes.length > ALWAYS_FITS) throw new CandidError(`${name} takes no argument; ${bytes.length} bytes were sent`);
    const args = decode(m.args, bytes);
    const out = (HANDLERS[name] as (...a: unknown[]) => unknown)(...args);
    if (out instanceof Promise) return out.then((v) => done(name, v));
    done(name, out);
}

function done(name: ProtocolMethod, value: unknown): void {
    const m = PROTOCOL_METHODS[name];
    if (!m.query) {
        certifySoon();
        rearmAfterUpdate();
    }
    msgReply(value instanceof Encoded ? value.bytes : encode([m.ret], [value]));
}
