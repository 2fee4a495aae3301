/**
 * Issue 19 through the protocol system: sealing a mapping puts its (id, digest) and the number of
 * sealed mappings in the certified tree and appends an `emc_mapping_seal` block; a refused seal
 * changes neither; a second seal moves the latest; a fresh system over the same maps (an upgrade)
 * certifies the same root.
 */
import { sha256 as nobleSha256 } from '@noble/hashes/sha2';
import type { Value } from '../../../../src/ledger/icrc3/value';
import { FakeEnv } from '../../../../src/lib/env';
import { reconstruct } from '../../../../src/lib/crypto/hash-tree';
import { field } from '../../../../src/protocol/log/block';
import { certifiedTree } from '../../../../src/protocol/log/certified-tree';
import { entryBytes } from '../../../../src/protocol/mapping/mapping';
import { protocolSystem } from '../../../../src/protocol/system';
import { distributionProtocol, EMC, GOVERNANCE, PROTOCOL_ID, SEC, T0, operator } from '../distribution-helpers';

const DAY = 86_400n * SEC;
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const args = { name: 'm', rateNum: 1n, rateDen: 1n, dustThreshold: 1n, windowStart: T0 + DAY, windowEnd: T0 + 31n * DAY, reason: 'r' };

describe('the certified mapping digest', () => {
    it('follows the seals: latest (id, digest), count, one emc_mapping_seal block each; upgrades keep it', async () => {
        const { protocol, env, ledger, open } = distributionProtocol({ treasury: 1_000_000n * EMC });
        const mp = protocol.mappings;
        const seal = async (id: bigint, owners: number[]) => {
            expect(mp.create(GOVERNANCE, args)).toMatchObject({ Ok: { id } });
            const entries = owners.map((o) => ({ account: { owner: operator(o) }, source: 10n * EMC }));
            expect(mp.load(GOVERNANCE, id, entries)).toHaveProperty('Ok');
            const all = new Uint8Array(entries.length * 70);
            entries.forEach((e, i) => all.set(entryBytes(e.account, e.source), i * 70));
            const digest = nobleSha256(all);
            expect(await mp.seal(GOVERNANCE, id, BigInt(entries.length), new Uint8Array(32))).toHaveProperty('Err');
            expect(protocol.log.length()).toBe(id); // a refused seal appends nothing
            expect(await mp.seal(GOVERNANCE, id, BigInt(entries.length), digest)).toHaveProperty('Ok');
            return digest;
        };
        const d0 = await seal(0n, [1, 2]);
        const d1 = await seal(1n, [3]);
        const sealed = protocol.log.store.sealed();
        expect(sealed).toEqual({ count: 2n, latestId: 1n, digest: d1 });
        const blocks = [0n, 1n].map((i) => protocol.log.block(i) as Value);
        expect(blocks.map((b) => field(b, 'btype'))).toEqual([{ Text: 'emc_mapping_seal' }, { Text: 'emc_mapping_seal' }]);
        expect(field(blocks[0], 'tx')).toEqual({ Map: [['mapping', { Nat: 0n }], ['digest', { Blob: d0 }], ['entries', { Nat: 2n }]] });
        const root = reconstruct(certifiedTree(undefined, protocol.log.tip(), sealed));
        expect(hex(env.certified)).toBe(hex(root));
        // an upgrade: a new heap over the same maps certifies the same root
        const env2 = new FakeEnv(GOVERNANCE, env.time, PROTOCOL_ID);
        protocolSystem(open, env2, ledger).certified.certify();
        expect(hex(env2.certified)).toBe(hex(root));
    });
});
