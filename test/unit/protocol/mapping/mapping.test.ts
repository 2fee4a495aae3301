/** Airdrop / mapping with a dust threshold (spec §13.2) on the in-memory protocol and the real ledger domain. */
import { sha256 as nobleSha256 } from '@noble/hashes/sha2';
import fc from 'fast-check';
import type { Account } from '../../../../src/ledger/account';
import { entryBytes, mappingSubaccount } from '../../../../src/protocol/mapping/mapping';
import { absorb, finish, initialHash } from '../../../../src/protocol/mapping/running-hash';
import { AIRDROP_POOL_E8S, TREASURY_SUBACCOUNT } from '../../../../src/protocol/model/supply';
import { distributionProtocol, EMC, GOVERNANCE, PROTOCOL_ID, SEC, T0, operator } from '../distribution-helpers';

const DAY = 86_400n * SEC;
const FEE = 100_000n;
const ANON = new Uint8Array([4]);
const treasury = { owner: PROTOCOL_ID, subaccount: TREASURY_SUBACCOUNT };

function digestOf(entries: { account: Account; source: bigint }[]): Uint8Array {
    const all = new Uint8Array(entries.length * 70);
    entries.forEach((e, i) => all.set(entryBytes(e.account, e.source), i * 70));
    return nobleSha256(all);
}

const args = { name: 'QNG mapping', rateNum: 1n, rateDen: 2n, dustThreshold: 1_000_000n, windowStart: T0 + DAY, windowEnd: T0 + 31n * DAY, reason: 'map the old token 2:1' };

describe('the running SHA-256', () => {
    it('equals SHA-256 of the concatenation, whatever the chunking (property)', () => {
        fc.assert(
            fc.property(fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 8 }), (chunks) => {
                let h = initialHash();
                for (const c of chunks) h = absorb(h, c);
                const all = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
                let at = 0;
                for (const c of chunks) {
                    all.set(c, at);
                    at += c.length;
                }
                expect(Buffer.from(finish(h)).toString('hex')).toBe(Buffer.from(nobleSha256(all)).toString('hex'));
            }),
            { numRuns: 200 },
        );
    });
});

describe('mappings (spec §13.2)', () => {
    it('create, load in chunks, seal with count and digest; dust to the ecosystem fund; caller-bound claims in the window; one sweep after it', async () => {
        const { protocol, env, ledger } = distributionProtocol({ treasury: 1_000_000n * EMC });
        const mp = protocol.mappings;
        expect(mp.create(operator(1), args)).toMatchObject({ Err: { NotAuthorized: {} } });
        expect(mp.checkCreate({ ...args, rateDen: 0n })).toHaveProperty('Err');
        const m = mp.create(GOVERNANCE, args);
        expect(m).toMatchObject({ Ok: { id: 0n, status: 'loading' } });
        const entries = [
            { account: { owner: operator(1) }, source: 300n * EMC },
            { account: { owner: operator(2), subaccount: new Uint8Array(32).fill(7) }, source: 20n * EMC },
            { account: { owner: operator(3) }, source: 999_999n }, // dust
            { account: { owner: operator(4) }, source: 500_000n }, // dust
        ];
        expect(mp.load(GOVERNANCE, 0n, [entries[0], entries[0]])).toMatchObject({ Err: { InvalidArgument: {} } });
        expect(mp.load(GOVERNANCE, 0n, entries.slice(0, 2))).toMatchObject({ Ok: { count: 2n } });
        expect(mp.load(GOVERNANCE, 0n, [entries[1]])).toMatchObject({ Err: { InvalidArgument: {} } });
        expect(mp.load(GOVERNANCE, 0n, [{ account: { owner: ANON }, source: 5n }])).toMatchObject({ Err: { InvalidArgument: {} } });
        expect(mp.load(GOVERNANCE, 0n, entries.slice(2))).toMatchObject({ Ok: { count: 4n, dustSource: 1_499_999n, mappedTotal: 160n * EMC } });
        const digest = digestOf(entries);
        expect(await mp.seal(GOVERNANCE, 0n, 3n, digest)).toMatchObject({ Err: { InvalidArgument: {} } });
        expect(await mp.seal(GOVERNANCE, 0n, 4n, new Uint8Array(32))).toMatchObject({ Err: { InvalidArgument: {} } });
        expect(await mp.claim(operator(1), 0n, undefined)).toMatchObject({ Err: { WrongState: {} } });
        expect(await mp.seal(GOVERNANCE, 0n, 4n, digest)).toMatchObject({ Ok: { status: 'open', digest } });
        const sub = { owner: PROTOCOL_ID, subaccount: mappingSubaccount(0n) };
        const dustValue = 1_499_999n / 2n;
        expect(ledger.balance(sub)).toBe(160n * EMC + dustValue);
        expect(protocol.governanceLog.totals().airdropped).toBe(160n * EMC + dustValue);
        await protocol.maintenance.run(); // the dust's value leaves for the ecosystem fund
        expect(ledger.balance(sub)).toBe(160n * EMC);
        expect(ledger.balance(treasury)).toBe(1_000_000n * EMC - 160n * EMC - dustValue - FEE + dustValue - FEE);
        // Before the window; then the entitled principal only, once; dust entries have nothing.
        expect(await mp.claim(operator(1), 0n, undefined)).toMatchObject({ Err: { WrongState: {} } });
        env.time = T0 + DAY;
        expect(await mp.claim(operator(9), 0n, undefined)).toMatchObject({ Err: { NothingToClaim: {} } });
        expect(await mp.claim(ANON, 0n, undefined)).toMatchObject({ Err: { NotAuthorized: {} } });
        expect(await mp.claim(operator(2), 0n, undefined)).toMatchObject({ Err: { NothingToClaim: {} } });
        expect(await mp.claim(operator(3), 0n, undefined)).toMatchObject({ Err: { NothingToClaim: {} } });
        expect(await mp.claim(operator(1), 0n, undefined)).toMatchObject({ Ok: { amount: 150n * EMC } });
        expect(ledger.balance({ owner: operator(1) })).toBe(150n * EMC - FEE);
        expect(await mp.claim(operator(1), 0n, undefined)).toMatchObject({ Err: { NothingToClaim: {} } });
        expect(await mp.sweep(operator(5), 0n)).toMatchObject({ Err: { WrongState: {} } });
        env.time = T0 + 31n * DAY;
        expect(await mp.claim(operator(2), 0n, new Uint8Array(32).fill(7))).toMatchObject({ Err: { WrongState: {} } });
        expect(await mp.sweep(ANON, 0n)).toMatchObject({ Err: { NotAuthorized: {} } });
        expect(await mp.sweep(operator(5), 0n)).toMatchObject({ Ok: { status: 'swept', sweptAmount: 10n * EMC } });
        expect(await mp.sweep(operator(5), 0n)).toMatchObject({ Err: { WrongState: {} } });
        expect(ledger.balance(sub)).toBe(0n);
    });

    it('refuses a chunk whose source total would pass 2^64 − 1 (never wraps), and chunks over 1,000 entries', () => {
        const { protocol } = distributionProtocol();
        const mp = protocol.mappings;
        const max = (1n << 64n) - 1n;
        mp.create(GOVERNANCE, { ...args, dustThreshold: max }); // every entry is dust: nothing mapped
        expect(mp.load(GOVERNANCE, 0n, [{ account: { owner: operator(1) }, source: max - 1n }])).toHaveProperty('Ok');
        expect(mp.load(GOVERNANCE, 0n, [{ account: { owner: operator(2) }, source: 2n }])).toMatchObject({ Err: { InvalidArgument: { reason: 'the source total would exceed 2^64 − 1' } } });
        expect(mp.checkLoad(0n, Array.from({ length: 1_001 }, (_, i) => ({ account: { owner: operator(10 + i) }, source: 1n })))).toHaveProperty('Err');
        expect(mp.store.get(0n)).toMatchObject({ count: 1n, sourceTotal: max - 1n, dustSource: max - 1n });
    });

    it('a refused claim is restored; the DAO-airdrop pool cap refuses a seal past it', async () => {
        const { protocol, env, ledger } = distributionProtocol({ treasury: 1_000_000n * EMC });
        const mp = protocol.mappings;
        mp.create(GOVERNANCE, args);
        const entries = [{ account: { owner: operator(1) }, source: 300n * EMC }];
        mp.load(GOVERNANCE, 0n, entries);
        await mp.seal(GOVERNANCE, 0n, 1n, digestOf(entries));
        env.time = T0 + DAY;
        ledger.faults.push({ when: 'before', code: 4 });
        expect(await mp.claim(operator(1), 0n, undefined)).toMatchObject({ Err: { LedgerRefused: {} } });
        expect(mp.store.get(0n)).toMatchObject({ claimed: 0n, pendingClaims: 0 });
        expect(await mp.claim(operator(1), 0n, undefined)).toMatchObject({ Ok: { amount: 150n * EMC } });
        // A mapping needing more than the pool has left.
        mp.create(GOVERNANCE, { ...args, rateNum: 1n, rateDen: 1n });
        const big = [{ account: { owner: operator(2) }, source: AIRDROP_POOL_E8S }];
        mp.load(GOVERNANCE, 1n, big);
        expect(mp.checkSeal(1n, 1n, digestOf(big))).toMatchObject({ Err: expect.stringMatching(/DAO-airdrop pool/) });
        expect(await mp.seal(GOVERNANCE, 1n, 1n, digestOf(big))).toMatchObject({ Err: { InvalidArgument: {} } });
    });

    it('mapped + dust = source total, and the mapping account ends exactly empty after claims and the sweep (property)', async () => {
        await fc.assert(
            fc.asyncProperty(
                fc.array(fc.record({ source: fc.bigInt({ min: 1n, max: 50_000n * EMC }), claims: fc.boolean() }), { minLength: 1, maxLength: 25 }),
                fc.bigInt({ min: 0n, max: 20n * EMC }),
                fc.bigInt({ min: 1n, max: 1_000n }),
                fc.bigInt({ min: 1n, max: 1_000n }),
                async (list, threshold, num, den) => {
                    const { protocol, env, ledger } = distributionProtocol({ treasury: 30_000_000n * EMC });
                    const mp = protocol.mappings;
                    mp.create(GOVERNANCE, { ...args, rateNum: num, rateDen: den, dustThreshold: threshold });
                    const entries = list.map((e, i) => ({ account: { owner: operator(10 + i) }, source: e.source }));
                    for (let i = 0; i < entries.length; i += 10) mp.load(GOVERNANCE, 0n, entries.slice(i, i + 10));
                    const m = mp.store.get(0n)!;
                    let mappedSources = 0n;
                    for (const e of entries) if (e.source >= threshold) mappedSources += e.source;
                    expect(mappedSources + m.dustSource).toBe(m.sourceTotal);
                    expect(m.sourceTotal).toBe(entries.reduce((a, e) => a + e.source, 0n));
                    const sealed = await mp.seal(GOVERNANCE, 0n, BigInt(entries.length), digestOf(entries));
                    if ('Err' in sealed) return; // past the pool: nothing moved
                    await protocol.maintenance.run();
                    const sub = { owner: PROTOCOL_ID, subaccount: mappingSubaccount(0n) };
                    env.time = T0 + DAY;
                    for (let i = 0; i < entries.length; i++) if (list[i].claims) await mp.claim(operator(10 + i), 0n, undefined);
                    expect(ledger.balance(sub)).toBe(mp.expectedBalance(mp.store.get(0n)!));
                    env.time = T0 + 31n * DAY;
                    await mp.sweep(operator(1), 0n);
                    const end = mp.store.get(0n)!;
                    expect(ledger.balance(sub)).toBe(mp.expectedBalance(end));
                    // What can remain: amounts no larger than a ledger fee (dust value or unclaimed total not worth a transfer).
                    expect(ledger.balance(sub)).toBeLessThanOrEqual(2n * FEE);
                },
            ),
            { numRuns: 40 },
        );
    });
});
