/**
 * A protocol with a compute node, an offer and socket holders, for the socket NFTs' conformance
 * suite: sockets are made the only way they exist — orders opened on the market (spec §12).
 */
import type { Account } from '../../../../src/ledger/account';
import { accountKey } from '../../../../src/ledger/account';
import type { Value } from '../../../../src/ledger/icrc3/value';
import { field } from '../../../../src/protocol/log/block';
import type { ProtocolSystem } from '../../../../src/protocol/system';
import { EMC, marketWorld, operator } from '../market/helpers';

export { DAY, EMC, HOUR, operator, T0 } from '../market/helpers';

export const ALICE = 10;
export const BOB = 11;
export const CAROL = 12;
export const DAVE = 13;
export const SECOND = 1_000_000_000n;

export const acct = (n: number, sub?: number): Account => (sub === undefined ? { owner: operator(n) } : { owner: operator(n), subaccount: new Uint8Array(32).fill(sub) });

export async function socketWorld() {
    const w = await marketWorld();
    const offer = w.offer(1n * EMC);
    const sockets = w.protocol.sockets;
    /** Opens an order of `units` for buyer `n`: its socket is minted to the buyer; returns the token id. */
    const mint = async (n: number, units = 10n): Promise<bigint> => {
        const r = await w.open(n, offer.id, units, { created_at_time: w.env.time + BigInt(Math.floor(Math.random() * 1e6)) });
        if (!('Ok' in r)) throw new Error(`open: ${JSON.stringify(r, (_k, v) => (typeof v === 'bigint' ? v.toString() : v))}`);
        return r.Ok.id;
    };
    return { ...w, offer, sockets, mint };
}

/** The log's block `i` as btype and tx. */
export function blockAt(p: ProtocolSystem, i: bigint): { btype: string; tx: Value } {
    const b = p.log.block(i) as Value;
    return { btype: (field(b, 'btype') as { Text: string }).Text, tx: field(b, 'tx') as Value };
}

/** Every block type of the log, in order. */
export function btypes(p: ProtocolSystem): string[] {
    return Array.from({ length: Number(p.log.length()) }, (_, i) => blockAt(p, BigInt(i)).btype);
}

/**
 * ICRC-7's consistency, checked from the outside (the queries only): Σ balance_of over the holders
 * = total_supply, every token in `tokens` has an owner whose tokens_of lists it, and every holder's
 * tokens_of lists only tokens owner_of names it the owner of.
 */
export function checkOwnership(p: ProtocolSystem, holders: Account[]): void {
    const s = p.sockets;
    const all: bigint[] = [];
    for (let prev: bigint | undefined; ; ) {
        const page = s.tokensPage(prev, 7n);
        all.push(...page);
        if (page.length < 7) break;
        prev = page[page.length - 1];
    }
    expect(BigInt(all.length)).toBe(s.tokens.totalSupply());
    expect([...all].sort((a, b) => (a < b ? -1 : 1))).toEqual(all);
    const balances = s.balanceOf(holders);
    expect(balances.reduce((a, b) => a + b, 0n)).toBe(s.tokens.totalSupply());
    const seen = new Set<string>();
    holders.forEach((h, i) => {
        const mine: bigint[] = [];
        for (let prev: bigint | undefined; ; ) {
            const page = s.tokensOf(h, prev, 3n);
            mine.push(...page);
            if (page.length < 3) break;
            prev = page[page.length - 1];
        }
        expect(BigInt(mine.length)).toBe(balances[i]);
        for (const id of mine) {
            const owner = s.ownerOf([id])[0] as Account;
            expect(Buffer.from(accountKey(owner)).toString('hex')).toBe(Buffer.from(accountKey(h)).toString('hex'));
            seen.add(id.toString());
        }
    });
    expect([...seen].sort()).toEqual(all.map(String).sort());
}
