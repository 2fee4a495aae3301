/**
 * `emc market …` (spec §11) as a child process (bin/emc.js) on an embedded network in a state
 * directory: help and exit codes, bad input refused before anything is opened, a doomed order
 * refused before any approval (no fee spent), the canister's refusals as named errors, and the
 * reward schedule, pool and claimable amounts as --json.
 */
import { run } from '../../src/cli/main';
import { DEVNET_EXTENSIONS } from '../../tools/devnet/cli';
import { cliOnDevnet } from '../helpers/cli-devnet';


describe('emc market (bin/emc.js) on an embedded network', () => {
    const { emc, init, cleanup } = cliOnDevnet('emc-market-');

    beforeAll(() => {
        expect(init()).toBe(0);
    }, 120_000);
    afterAll(cleanup);

    it('lists the market group and its commands in the help (exit 0)', async () => {
        let out = '';
        expect(await run(['market', '--help'], DEVNET_EXTENSIONS, { out: (s) => (out += s), err: () => {}, env: {} })).toBe(0);
        expect(out).toContain('emc market COMMAND');
        for (const c of ['offer', 'offers', 'open', 'orders', 'close', 'dispute', 'claim', 'receipts', 'rewards']) expect(out).toContain(c);
    });

    it('refuses bad input with exit 2 before opening the network', () => {
        for (const args of [['market', 'open', 'x', '--units', '1'], ['market', 'open', '0', '--units', '0'], ['market', 'open', '0'], ['market', 'dispute', '1'], ['market', 'offer', 'gpu1', '--price', '1', '--max', '5'], ['market', 'offer', 'gpu1', '--service', 's', '--unit', 'hour', '--price', '1', '--max', '5']]) {
            const r = emc([...args, '--json']);
            expect([args.join(' '), r.code, r.json.error.kind]).toEqual([args.join(' '), 2, 'BadInput']);
        }
    });

    it('refuses an order on an unknown offer before approving anything (no fee spent, exit 2)', () => {
        const before = emc(['ledger', 'balance', '--json']).json.value.balance;
        const r = emc(['market', 'open', '0', '--units', '1', '--json']);
        expect(r.code).toBe(2);
        expect(r.json.error).toEqual({ kind: 'OfferNotFound', message: 'OfferNotFound: no offer 0; nothing was sent', checkedBeforeSending: true });
        expect(emc(['ledger', 'balance', '--json']).json.value.balance).toBe(before);
    });

    it('answers the canister’s refusals as named errors (exit 1) and reads the market', () => {
        const offer = emc(['market', 'offer', 'gpu1', '--service', 'sdxl-1.0', '--price', '1', '--max', '5', '--json']);
        expect([offer.code, offer.json.error.kind]).toEqual([1, 'NodeNotFound']);
        const claim = emc(['market', 'claim', '--json']);
        expect([claim.code, claim.json.error.kind]).toEqual([1, 'NothingToClaim']);
        expect(emc(['market', 'offers', '--json']).json).toEqual({ ok: true, value: [] });
        expect(emc(['market', 'orders', '3']).code).toBe(1);
        const rewards = emc(['market', 'rewards', '--periods', '4', '--json']);
        expect(rewards.code).toBe(0);
        expect(rewards.json.value.schedule.map((r: any) => [r.period, r.pDen, r.buyerPerEmc])).toEqual([[1, '1', '20000000'], [2, '1', '20000000'], [3, '2', '5000000'], [4, '3', '4444444']]);
        expect(rewards.json.value.claimable).toEqual({ credit: '0', rewards: '0', claimsInFlight: 0 });
        expect(rewards.json.value.totals.rewardsPool).toBe('37800000000000000');
        // every part of the escrow invariant is in the totals, the amounts in flight included
        expect(rewards.json.value.totals).toMatchObject({ escrow: '0', pending: '0', credit: '0', deposits: '0', outgoing: '0', feesUnmoved: '0' });
        expect(emc(['market', 'rewards']).out).toMatch(/^trading rewards: not started \(fee-only market\)\nclaimable: credit 0 EMC, rewards 0 EMC\nperiod 1: P = 1\/1/);
    });
});
