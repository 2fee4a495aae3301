/**
 * Socket blocks hash as ICRC-3 says while their accounts are shared values with remembered hashes
 * (src/protocol/sockets/blocks.ts): whatever accounts recur, each block's hash, the chain and the tip
 * equal an independent reference hash of the stored block, and an account value always equals the
 * plain ICRC-3 array of that account.
 */
import fc from 'fast-check';
import { FakeEnv } from '../../../../src/lib/env';
import { MemoryKV } from '../../../../src/lib/storage/kv';
import type { Account } from '../../../../src/ledger/account';
import type { Value } from '../../../../src/ledger/icrc3/value';
import { blockHash, field } from '../../../../src/protocol/log/block';
import { ProtocolLog } from '../../../../src/protocol/log/log';
import { LogStore } from '../../../../src/protocol/log/store';
import { accountValue, SocketBlocks } from '../../../../src/protocol/sockets/blocks';
import { refHash } from '../log/ref-hash';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const account: fc.Arbitrary<Account> = fc.record(
    { owner: fc.uint8Array({ minLength: 0, maxLength: 29 }), subaccount: fc.uint8Array({ minLength: 32, maxLength: 32 }) },
    { requiredKeys: ['owner'] },
);
const plain = (a: Account): Value => ({ Array: a.subaccount === undefined ? [{ Blob: a.owner }] : [{ Blob: a.owner }, { Blob: a.subaccount }] });

describe('socket blocks with shared account values', () => {
    it('an account value is the plain ICRC-3 array of that account, distinct accounts never share one', () => {
        fc.assert(
            fc.property(account, account, (a, b) => {
                expect(accountValue(a)).toEqual(plain(a));
                expect(accountValue({ owner: a.owner.slice(), subaccount: a.subaccount?.slice() })).toBe(accountValue(a));
                const same = hex(a.owner) === hex(b.owner) && (a.subaccount === undefined) === (b.subaccount === undefined) && hex(a.subaccount ?? new Uint8Array()) === hex(b.subaccount ?? new Uint8Array());
                if (!same) expect(accountValue(b)).not.toBe(accountValue(a));
                expect(accountValue(b)).toEqual(plain(b));
            }),
        );
    });

    it('a caller changing its account bytes afterwards changes no block', () => {
        const a: Account = { owner: Uint8Array.of(7, 7, 7) };
        const v = accountValue(a);
        a.owner[0] = 9;
        expect(v).toEqual(plain({ owner: Uint8Array.of(7, 7, 7) }));
    });

    it('every block hashes as the reference, across transfers, approvals and revocations among recurring accounts', () => {
        fc.assert(
            fc.property(fc.array(account, { minLength: 2, maxLength: 4 }), fc.array(fc.tuple(fc.nat({ max: 4 }), fc.nat({ max: 3 }), fc.nat({ max: 3 }), fc.bigInt({ min: 0n, max: 2n ** 64n - 1n })), { minLength: 1, maxLength: 10 }), (people, ops) => {
                const log = new ProtocolLog(new LogStore({ blocks: new MemoryKV(), state: new MemoryKV() }), new FakeEnv(new Uint8Array([1]), 1_750_000_000_000_000_000n));
                const blocks = new SocketBlocks(log);
                const who = (i: number) => people[i % people.length];
                ops.forEach(([kind, i, j, n]) => {
                    if (kind === 0) blocks.transfer(n, who(i), who(j), undefined, n);
                    else if (kind === 1) blocks.transferFrom(n, who(j), who(i), who(j + 1), Uint8Array.of(1, 2), undefined);
                    else if (kind === 2) blocks.approve(n, who(i), who(j), n + 1n, undefined, n);
                    else if (kind === 3) blocks.revoke(n, who(i), undefined, undefined, undefined);
                    else blocks.mint(n, who(i), [['icrc7:x', { Nat: n }]]);
                });
                let prev: string | undefined;
                for (let k = 0; k < ops.length; k++) {
                    const b = log.block(BigInt(k)) as Value;
                    const ph = field(b, 'phash') as { Blob: Uint8Array } | undefined;
                    expect(ph === undefined ? undefined : hex(ph.Blob)).toBe(prev);
                    prev = refHash(b).toString('hex');
                    expect(hex(blockHash(b))).toBe(prev);
                }
                expect(hex(log.tip().tip as Uint8Array)).toBe(prev);
            }),
            { numRuns: 80 },
        );
    });
});
