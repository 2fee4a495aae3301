/**
 * Spec §1, once: the $EMC supply, its pools and caps, and the protocol canister's named accounts.
 * Every other file takes these numbers from here.
 *
 * | bucket                  | share | EMC           | how it leaves the pool                                  |
 * |-------------------------|-------|---------------|---------------------------------------------------------|
 * | node rewards            | 20 %  | 420,000,000   | minted per epoch by the protocol (rewards/)              |
 * | compute-trading rewards | 18 %  | 378,000,000   | minted per settlement by the market                      |
 * | developer ecosystem     | 12 %  | 252,000,000   | held by the treasury; grants approved by governance      |
 * | DAO airdrops            | 5 %   | 105,000,000   | held by the treasury; airdrops approved by governance    |
 * | everything else         | 45 %  | 945,000,000   | genesis balances (init arguments)                        |
 *
 * Genesis balances total at most 2.1 B − the two minted pools = 1,302,000,000 EMC.
 * Storage: none. Cost: constants.
 */
export const E8S_PER_EMC = 100_000_000n;

/** The most $EMC that can ever exist (the ledger refuses a mint past it). */
export const MAX_SUPPLY_E8S = 2_100_000_000n * E8S_PER_EMC;
/** Node rewards, minted per epoch (spec §5). */
export const NODE_REWARD_POOL_E8S = 420_000_000n * E8S_PER_EMC;
/** Compute-trading rewards, minted per settlement (spec §11.1). */
export const TRADING_REWARD_POOL_E8S = 378_000_000n * E8S_PER_EMC;
/** Developer-ecosystem grants from the treasury (spec §1). */
export const GRANT_POOL_E8S = 252_000_000n * E8S_PER_EMC;
/** DAO airdrops from the treasury (spec §1). */
export const AIRDROP_POOL_E8S = 105_000_000n * E8S_PER_EMC;
/** The most the genesis balances may total: everything but the two minted pools. */
export const MAX_GENESIS_E8S = MAX_SUPPLY_E8S - NODE_REWARD_POOL_E8S - TRADING_REWARD_POOL_E8S;

/** A 32-byte subaccount holding `tag` (ASCII) followed by zeros: the protocol's named accounts. */
export function namedSubaccount(tag: string): Uint8Array {
    const s = new Uint8Array(32);
    for (let i = 0; i < tag.length; i++) s[i] = tag.charCodeAt(i);
    return s;
}

/** The treasury: the protocol canister's account under subaccount "treasury"; only governance spends from it. */
export const TREASURY_SUBACCOUNT = namedSubaccount('treasury');

/** A node's stake escrow: "escrow", zeros, then the node index (u64 big-endian) in the last 8 bytes. */
const ESCROW_PREFIX = namedSubaccount('escrow');

export function escrowSubaccount(index: bigint): Uint8Array {
    const s = ESCROW_PREFIX.slice();
    new DataView(s.buffer).setBigUint64(24, index);
    return s;
}
