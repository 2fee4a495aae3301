/**
 * Golden bytes of the socket NFTs' records (emc_protocol memories 170–174; docs/storage.md,
 * "Socket records"): each record written by its encoder equals the checked-in layout and reads
 * back; the id sets' directory and bitmaps and the dedup key are pinned through the maps they write.
 */
import { MemoryKV } from '../../../src/lib/storage/kv';
import { dedupKey } from '../../../src/protocol/sockets/dedup';
import type { Token } from '../../../src/protocol/sockets/model';
import { decodeApprovals, decodeToken, encodeApprovals, encodeToken, principalKey } from '../../../src/protocol/sockets/store';
import { IdSet } from '../../../src/protocol/sockets/tokens';
import { sha256 } from '../../../src/lib/crypto/sha256';
import { ascii, dump, h, hex, u64, unhex } from './golden';

const T = 1_750_000_000_000_000_000n;
const OWNER = Uint8Array.of(0xaa, 0xbb);
const SPENDER = Uint8Array.of(0xcc);
const SUB = new Uint8Array(32).fill(7);

describe('emc_protocol socket records (170–174)', () => {
    it('token (170): owner, shown figures, token-level approvals', () => {
        const t: Token = {
            id: 4n, owner: { owner: OWNER, subaccount: SUB }, shown: { unitsConfirmed: 3n, escrow: 700n, status: 'open' },
            approvals: [{ spender: { owner: SPENDER }, fromSubaccount: SUB, expiresAt: T, memo: Uint8Array.of(1, 2), createdAt: T - 1n }, { spender: { owner: SPENDER, subaccount: SUB }, createdAt: T }],
        };
        const golden = h(
            '01', '02aabb', '01', '20', '07'.repeat(32), // owner with its subaccount
            u64(3), u64(700), '04', ascii('open'), '02', // shown: units_confirmed, escrow, status; two approvals
            '01cc', '00', '01', '20', '07'.repeat(32), '01', u64(T), '01', '02', '0102', u64(T - 1n), // spender, from_subaccount, expires_at, memo, created_at
            '01cc', '01', '20', '07'.repeat(32), '00', '00', '00', u64(T),
        );
        expect(hex(encodeToken(t))).toBe(golden);
        expect(decodeToken(unhex(golden), 4n)).toEqual(t);
    });

    it('collection approvals (173): key u8 length ‖ principal, value u8 1 ‖ count ‖ approvals', () => {
        expect(hex(principalKey(OWNER))).toBe('02aabb');
        const list = [{ spender: { owner: SPENDER }, createdAt: T }];
        const golden = h('01', '01', '01cc', '00', '00', '00', '00', u64(T));
        expect(hex(encodeApprovals(list))).toBe(golden);
        expect(decodeApprovals(unhex(golden))).toEqual(list);
    });

    it('id sets (171, 172): directory (u8 1 ‖ count u64 ‖ buckets u32) and 128-byte bitmaps of 1,024 ids', () => {
        const kv = new MemoryKV();
        const set = new IdSet(kv, OWNER);
        for (const id of [1n, 3n, 130n, 1000n, 1030n]) set.add(id);
        const bucket0 = new Uint8Array(128);
        bucket0[0] = 0x0a; // ids 1 and 3
        bucket0[16] = 0x04; // id 130 = byte 16, bit 2
        bucket0[125] = 0x01; // id 1000 = byte 125, bit 0
        expect(dump(kv)).toEqual([
            [h('aabb', '00'), h('01', u64(5), '00000000', '00000001')],
            [h('aabb', '01', '00000000'), hex(bucket0)],
            [h('aabb', '01', '00000001'), h('40', '00'.repeat(127))], // id 1030 = 1024 + 6
        ]);
        set.remove(130n);
        expect(dump(kv)[0]).toEqual([h('aabb', '00'), h('01', u64(4), '00000000', '00000001')]);
        set.remove(1030n); // its bucket empties: gone from the directory and the map
        expect(dump(kv)).toHaveLength(2);
        expect(dump(kv)[0]).toEqual([h('aabb', '00'), h('01', u64(3), '00000000')]);
        expect(set.page(2n, 10)).toEqual([3n, 1000n]);
        expect(set.page(undefined, 2)).toEqual([1n, 3n]);
    });

    it('dedup key (174): created_at_time ‖ SHA-256(method ‖ caller ‖ arguments)', () => {
        const key = dedupKey({ method: 'icrc7_transfer', caller: OWNER, to: { owner: SPENDER }, tokenId: 4n, memo: Uint8Array.of(9), createdAt: T });
        const preimage = h('07', '02aabb', '00' /* from_subaccount */, '00' /* from */, '01', '01cc', '00' /* to */, u64(4), '01', '0109' /* memo */);
        expect(hex(key)).toBe(h(u64(T), hex(sha256(unhex(preimage)))));
    });
});
