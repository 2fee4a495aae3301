/** The majority-game lock-up (spec §14): governance starts it; anyone locks, and claims at the end. */
import { time } from 'azle';

import { gameView, lockArgsIn, lockView, periodView, startArgsIn } from '../../../src/protocol/api/lockup-candid';
import type { Handlers } from '../handlers';
import { sys } from '../lifecycle';
import { icEnv } from '../../common/env';

const MAX_RECORDS = 100;

export const lockupHandlers: Handlers<'start_lockup_game' | 'validate_start_lockup_game' | 'lock_tokens' | 'claim_lock' | 'lockup_game' | 'lockup_period' | 'get_lock' | 'list_locks'> = {
    start_lockup_game: async (a) => {
        const r = await sys.lockup.start(icEnv.caller(), startArgsIn(a));
        return 'Ok' in r ? { Ok: gameView(sys.lockup, r.Ok, time()) } : r;
    },
    validate_start_lockup_game: (a) => sys.lockup.checkStart(startArgsIn(a)),
    lock_tokens: async (a) => {
        const r = await sys.lockup.lock(icEnv.caller(), lockArgsIn(a));
        return 'Ok' in r ? { Ok: lockView(sys.lockup, r.Ok) } : r;
    },
    claim_lock: async (id) => {
        const r = await sys.lockup.claim(icEnv.caller(), id);
        return 'Ok' in r ? { Ok: lockView(sys.lockup, r.Ok) } : r;
    },
    lockup_game: () => {
        const g = sys.lockup.store.game();
        return g === undefined ? [] : [gameView(sys.lockup, g, time())];
    },
    lockup_period: (x) => (x > 12 ? [] : [periodView(sys.lockup, x)]),
    get_lock: (id) => {
        const l = sys.lockup.store.lock(id);
        return l === undefined ? [] : [lockView(sys.lockup, l)];
    },
    list_locks: (a) => sys.lockup.locksOf(a.owner.toUint8Array(), a.start, Math.min(a.count, MAX_RECORDS)).map((l) => lockView(sys.lockup, l)),
};
