/** Spec §1's supply table, once (src/protocol/model/supply.ts), and every place that must agree with it. */
import { EMC_DEFAULTS } from '../../../src/ledger/settings';
import { MAX_AMOUNT_E8S } from '../../../src/protocol/model/bounds';
import { AIRDROP_POOL_E8S, E8S_PER_EMC, escrowSubaccount, GRANT_POOL_E8S, MAX_GENESIS_E8S, MAX_SUPPLY_E8S, NODE_REWARD_POOL_E8S, TRADING_REWARD_POOL_E8S, TREASURY_SUBACCOUNT } from '../../../src/protocol/model/supply';
import { NODE_REWARD_CAP_E8S } from '../../../src/protocol/rewards/schedule';

const EMC = (n: bigint) => n * E8S_PER_EMC;

describe('the supply plan (spec §1)', () => {
    it('has the spec’s shares of 2.1 B EMC', () => {
        expect(MAX_SUPPLY_E8S).toBe(EMC(2_100_000_000n));
        expect([NODE_REWARD_POOL_E8S, TRADING_REWARD_POOL_E8S, GRANT_POOL_E8S, AIRDROP_POOL_E8S].map((x) => (x * 100n) / MAX_SUPPLY_E8S)).toEqual([20n, 18n, 12n, 5n]);
        expect(MAX_GENESIS_E8S).toBe(EMC(1_302_000_000n));
        expect(MAX_GENESIS_E8S - GRANT_POOL_E8S - AIRDROP_POOL_E8S).toBe(EMC(945_000_000n));
    });

    it('is the one the ledger, the reward schedule and the bounds use', () => {
        expect(EMC_DEFAULTS.maxSupply).toBe(MAX_SUPPLY_E8S);
        expect(NODE_REWARD_CAP_E8S).toBe(NODE_REWARD_POOL_E8S);
        expect(MAX_AMOUNT_E8S).toBe(MAX_SUPPLY_E8S);
    });

    it('names the protocol’s accounts as before (stored stakes and the treasury depend on these bytes)', () => {
        expect(Buffer.from(TREASURY_SUBACCOUNT).toString('hex')).toBe(`${Buffer.from('treasury').toString('hex')}${'00'.repeat(24)}`);
        expect(Buffer.from(escrowSubaccount(258n)).toString('hex')).toBe(`${Buffer.from('escrow').toString('hex')}${'00'.repeat(18)}0000000000000102`);
    });
});
