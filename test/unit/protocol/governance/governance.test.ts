/** Governance checks and execution on the in-memory protocol (the real ledger domain behind a fake client). */
import fc from 'fast-check';
import { AIRDROP_POOL_E8S as AIRDROP_POOL, GRANT_POOL_E8S as GRANT_POOL } from '../../../../src/protocol/model/supply';
import { TREASURY_SUBACCOUNT } from '../../../../src/protocol/model/supply';
import { EMC, GOVERNANCE, PROTOCOL_ID, newProtocol, operator } from '../helpers';

function setup() {
    const t = newProtocol();
    // Fund the treasury from the minting account (a mint on the fake ledger).
    t.ledger.env.as(PROTOCOL_ID);
    t.ledger.ledger.transfer({ to: { owner: PROTOCOL_ID, subaccount: TREASURY_SUBACCOUNT }, amount: 1_000_000n * EMC });
    return t;
}

describe('governance', () => {
    it('accepts only the governance principal, and the anonymous principal never', async () => {
        const { governance, treasury } = setup();
        for (const who of [operator(1), new Uint8Array([4])]) {
            expect(governance.pause(who, 'x')).toMatchObject({ Err: { NotGovernance: {} } });
            expect(governance.updateParams(who, { routerPenalty: 1n })).toMatchObject({ Err: { NotGovernance: {} } });
            expect(governance.setGovernance(who, operator(2))).toMatchObject({ Err: { NotGovernance: {} } });
            expect(await treasury.pay(who, 'grant', [{ to: { owner: operator(3) }, amount: 1n }], 'x')).toMatchObject({ Err: { NotGovernance: {} } });
        }
        expect(governance.log(0n, 10)).toEqual([]);
    });

    it('changes only the parameters given, within bounds, and logs old and new values', () => {
        const { governance, protocol } = setup();
        const before = protocol.config.params();
        expect(governance.updateParams(GOVERNANCE, { routerWindowSeconds: 59n })).toMatchObject({ Err: { ParamOutOfRange: { message: 'router_window_seconds must be between 60 and 604800', param: 'router_window_seconds', minimum: 60n, maximum: 604_800n } } });
        expect(governance.updateParams(GOVERNANCE, { computeMultipliers: [[7, 14n], [7, 20n]] })).toMatchObject({ Err: { InvalidComputeMultipliers: { message: 'compute_multipliers lists a lock period twice' } } });
        expect(protocol.config.params()).toEqual(before);
        const r = governance.updateParams(GOVERNANCE, { validatorPenalty: 20_000_000_000n, validatorWindowSeconds: 1_800n });
        expect(r).toEqual({ Ok: 'Change protocol parameters: validator_penalty_e8s 115.7 → 200; validator_window_seconds 3600 → 1800.' });
        expect(protocol.config.params()).toEqual({ ...before, validatorPenalty: 20_000_000_000n, validatorWindowNs: 1_800n * 1_000_000_000n });
        expect(governance.log(0n, 10)).toMatchObject([{ method: 'update_params', before: 'validator_penalty_e8s=115.7; validator_window_seconds=3600', after: 'validator_penalty_e8s=200; validator_window_seconds=1800' }]);
    });

    it('validate_m and m agree: whatever the check refuses, execution refuses and nothing changes (property)', () => {
        fc.assert(
            fc.property(fc.record({ routerPenalty: fc.bigInt({ min: -1n, max: 200_000n * EMC }), routerWindowSeconds: fc.bigInt({ min: 0n, max: 800_000n }), validatorMinTermDays: fc.integer({ min: 0, max: 4_000 }) }, { requiredKeys: [] }), (u) => {
                const { governance, protocol } = setup();
                const before = protocol.config.params();
                const check = governance.checkParams(u);
                const run = governance.updateParams(GOVERNANCE, u);
                expect('Ok' in check).toBe('Ok' in run);
                if ('Err' in run) expect(protocol.config.params()).toEqual(before);
            }),
        );
    });

    it('pays grants and airdrops from the treasury within their pools, and a refused payment returns to its pool', async () => {
        const { treasury, ledger, protocol } = setup();
        const governanceLog = protocol.governanceLog;
        const r = await treasury.pay(GOVERNANCE, 'airdrop', [{ to: { owner: operator(5) }, amount: 7n * EMC }, { to: { owner: operator(6) }, amount: 8n * EMC }], 'batch 1');
        expect(r).toMatchObject({ Ok: [{ id: 0n, status: 'paid' }, { id: 1n, status: 'paid' }] });
        expect(ledger.balance({ owner: operator(5) })).toBe(7n * EMC);
        expect(governanceLog.totals().airdropped).toBe(15n * EMC);
        expect(treasury.checkPayout('grant', [{ to: { owner: operator(5) }, amount: GRANT_POOL + 1n }], 'x')).toMatchObject({ Err: { PoolExhausted: { pool: 'grant', left: GRANT_POOL, requested: GRANT_POOL + 1n } } });
        expect(treasury.checkPayout('airdrop', [{ to: { owner: operator(5) }, amount: AIRDROP_POOL }], 'x')).toHaveProperty('Err');
        // More than the treasury holds: the ledger refuses, the payout is failed, the pool is whole again.
        const big = await treasury.pay(GOVERNANCE, 'grant', [{ to: { owner: operator(7) }, amount: 2_000_000n * EMC }], 'too big');
        expect(big).toMatchObject({ Ok: [{ status: 'failed' }] });
        expect(governanceLog.totals().granted).toBe(0n);
    });

    it('pause and resume alternate; the governance principal hands over only by itself', () => {
        const { governance, protocol } = setup();
        expect(governance.checkResume()).toEqual({ Err: { NotPaused: { message: 'the protocol is not paused' } } });
        expect(governance.pause(GOVERNANCE, 'incident')).toHaveProperty('Ok');
        expect(protocol.config.pausedError()).toEqual({ Paused: { message: 'the protocol is paused by governance: incident', reason: 'incident' } });
        expect(governance.pause(GOVERNANCE, 'again')).toMatchObject({ Err: { AlreadyPaused: { message: 'the protocol is already paused', reason: 'incident' } } });
        expect(governance.resume(GOVERNANCE)).toHaveProperty('Ok');
        expect(governance.setGovernance(GOVERNANCE, new Uint8Array([4]))).toMatchObject({ Err: { InvalidPrincipal: {} } });
        expect(governance.setGovernance(GOVERNANCE, operator(9))).toHaveProperty('Ok');
        expect(governance.pause(GOVERNANCE, 'old')).toMatchObject({ Err: { NotGovernance: {} } });
        expect(governance.pause(operator(9), 'new')).toHaveProperty('Ok');
        expect(governance.log(0n, 10).map((e) => e.method)).toEqual(['pause', 'resume', 'set_governance', 'pause']);
    });
});
