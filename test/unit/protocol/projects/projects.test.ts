/** Ecosystem projects: quality and risk lists, their history, the grant gate (spec §13.3). */
import fc from 'fast-check';
import { PROJECT_STATUSES } from '../../../../src/protocol/projects/projects';
import { distributionProtocol, EMC, GOVERNANCE, operator } from '../distribution-helpers';

const ANON = new Uint8Array([4]);

describe('ecosystem projects (spec §13.3)', () => {
    it('only governance registers and lists; the lists and the history are queryable', () => {
        const { protocol, env } = distributionProtocol();
        const pj = protocol.projects;
        for (const who of [operator(1), ANON]) expect(pj.register(who, 'dex', [operator(1)], 'x')).toMatchObject({ Err: { NotAuthorized: {} } });
        expect(pj.checkRegister('dex', [ANON], 'x')).toHaveProperty('Err');
        expect(pj.checkRegister('dex', [operator(1), operator(1)], 'x')).toHaveProperty('Err');
        expect(pj.register(GOVERNANCE, 'dex', [operator(1), operator(2)], 'first DEX on EMC')).toMatchObject({ Ok: { id: 0n, status: 'none' } });
        expect(pj.register(GOVERNANCE, 'bridge', [operator(3)], 'bridge')).toMatchObject({ Ok: { id: 1n } });
        expect(pj.setStatus(operator(1), 0n, 'quality', 'audited', 12n)).toMatchObject({ Err: { NotAuthorized: {} } });
        expect(pj.checkStatus(0n, 'none', 'x', undefined)).toHaveProperty('Err');
        env.time += 1_000n;
        expect(pj.setStatus(GOVERNANCE, 0n, 'quality', 'audited', 12n)).toMatchObject({ Ok: { status: 'quality', proposal: 12n } });
        expect(pj.setStatus(GOVERNANCE, 1n, 'risk', 'drained liquidity', 13n)).toMatchObject({ Ok: { status: 'risk' } });
        expect(pj.setStatus(GOVERNANCE, 0n, 'risk', 'exploit', 14n)).toMatchObject({ Ok: { status: 'risk' } });
        expect(pj.list('quality', 0, 10)).toEqual([]);
        expect(pj.list('risk', 0, 10).map((p) => p.id)).toEqual([0n, 1n]);
        expect(pj.history(0n, 0, 10)).toMatchObject([
            { seq: 0, status: 'quality', reason: 'audited', proposal: 12n },
            { seq: 1, status: 'risk', reason: 'exploit', proposal: 14n },
        ]);
        expect(protocol.governance.log(0n, 10).map((e) => e.method)).toEqual(['register_project', 'register_project', 'set_project_status', 'set_project_status', 'set_project_status']);
    });

    it('the switch restricts developer grants to principals of quality-listed projects', async () => {
        const { protocol } = distributionProtocol({ treasury: 100_000n * EMC });
        const pj = protocol.projects;
        pj.register(GOVERNANCE, 'dex', [operator(1)], 'dex');
        expect(protocol.treasury.checkPayout('grant', [{ to: { owner: operator(2) }, amount: EMC }], 'grant')).toHaveProperty('Ok');
        expect(pj.setRestriction(operator(1), true)).toMatchObject({ Err: { NotAuthorized: {} } });
        expect(pj.setRestriction(GOVERNANCE, true)).toHaveProperty('Ok');
        expect(pj.checkRestriction(true)).toHaveProperty('Err');
        expect(protocol.treasury.checkPayout('grant', [{ to: { owner: operator(1) }, amount: EMC }], 'grant')).toHaveProperty('Err');
        expect(await protocol.treasury.pay(GOVERNANCE, 'grant', [{ to: { owner: operator(1) }, amount: EMC }], 'grant')).toMatchObject({ Err: { GrantNotAllowed: {} } });
        pj.setStatus(GOVERNANCE, 0n, 'quality', 'audited', undefined);
        expect(await protocol.treasury.pay(GOVERNANCE, 'grant', [{ to: { owner: operator(1), subaccount: new Uint8Array(32).fill(1) }, amount: EMC }], 'grant')).toMatchObject({ Ok: [{ status: 'paid' }] });
        expect(protocol.treasury.checkPayout('grant', [{ to: { owner: operator(2) }, amount: EMC }], 'grant')).toHaveProperty('Err');
        // Airdrop batches are not grants: the switch leaves them alone.
        expect(protocol.treasury.checkPayout('airdrop', [{ to: { owner: operator(2) }, amount: EMC }], 'airdrop')).toHaveProperty('Ok');
    });

    it('the status lists always partition the registry, whatever the changes (property)', () => {
        fc.assert(
            fc.property(fc.array(fc.record({ id: fc.integer({ min: 0, max: 4 }), status: fc.constantFrom(...PROJECT_STATUSES) }), { maxLength: 30 }), (changes) => {
                const { protocol } = distributionProtocol();
                const pj = protocol.projects;
                for (let i = 0; i < 5; i++) pj.register(GOVERNANCE, `p${i}`, [operator(10 + i)], 'x');
                const expected = new Map<number, string>();
                const histories = new Map<number, number>();
                for (const c of changes) {
                    const r = pj.setStatus(GOVERNANCE, BigInt(c.id), c.status, 'because', undefined);
                    if ('Ok' in r) {
                        expected.set(c.id, c.status);
                        histories.set(c.id, (histories.get(c.id) ?? 0) + 1);
                    }
                }
                const seen: bigint[] = [];
                for (const s of PROJECT_STATUSES) for (const p of pj.list(s, 0, 10)) {
                    expect(p.status).toBe(s);
                    seen.push(p.id);
                }
                expect(seen.sort()).toEqual([0n, 1n, 2n, 3n, 4n]);
                for (let i = 0; i < 5; i++) {
                    expect(pj.get(BigInt(i))!.status).toBe(expected.get(i) ?? 'none');
                    expect(pj.history(BigInt(i), 0, 100)).toHaveLength(histories.get(i) ?? 0);
                }
            }),
            { numRuns: 100 },
        );
    });
});
