/**
 * Golden bytes of every record emc_ledger stores (docs/storage.md, "emc_ledger"): known values are
 * encoded and compared with checked-in hex, and the checked-in hex is decoded back. A failure here
 * means an installed ledger would read its stable memory differently after an upgrade: change a
 * layout only under a new format byte (or a new map), keep reading the old one, and add its golden
 * bytes here beside the old ones.
 */
import type { Account } from '../../../src/ledger/account';
import { accountToValue, type Block } from '../../../src/ledger/icrc3/block';
import { decodeBlock, encodeBlock } from '../../../src/ledger/icrc3/codec';
import { hashValue } from '../../../src/ledger/icrc3/value';
import { dedupKey } from '../../../src/ledger/dedup';
import { decodeSettings, encodeSettings, type LedgerSettings } from '../../../src/ledger/settings';
import { LedgerState, type LedgerStores } from '../../../src/ledger/state';
import { MemoryKV } from '../../../src/lib/storage/kv';
import { dump, h, hex, load, u64, unhex } from './golden';

const T = 1_750_000_000_000_000_000n; // u64 18493fba64ef0000, LEB128 8080bca7a6f7cfa418
const EMC = 100_000_000n;

const A: Account = { owner: Uint8Array.of(0xaa, 0xbb, 0x01) };
const sub7 = new Uint8Array(32);
sub7[31] = 7;
const B: Account = { owner: Uint8Array.of(0xcc, 0x02), subaccount: sub7 };
const sub5 = new Uint8Array(32);
sub5[31] = 5;
const A5: Account = { owner: A.owner, subaccount: sub5 };
const M: Account = { owner: Uint8Array.of(0x01) };

/** A 62-byte account key: owner length, owner padded to 29 bytes, 32-byte subaccount (zeros when absent). */
const KEY_A = h('03', 'aabb01', '00'.repeat(26), '00'.repeat(32));
const KEY_A5 = h('03', 'aabb01', '00'.repeat(26), '00'.repeat(31), '05');
const KEY_B = h('02', 'cc02', '00'.repeat(27), '00'.repeat(31), '07');
const KEY_M = h('01', '01', '00'.repeat(28), '00'.repeat(32));

function stores(): LedgerStores {
    return { config: new MemoryKV(), balances: new MemoryKV(), allowances: new MemoryKV(), spenders: new MemoryKV(), expiries: new MemoryKV(), blocks: new MemoryKV(), dedup: new MemoryKV() };
}

describe('emc_ledger CONFIG (memory 0)', () => {
    const minimal: LedgerSettings = {
        name: 'EMC',
        symbol: 'EMC',
        decimals: 8,
        fee: 100_000n,
        maxMemoLength: 32,
        mintingAccount: M,
        metadata: [['icrc1:logo', { Text: 'x' }]],
        maxSupply: 2_100_000_000n * EMC,
        featureFlags: { icrc2: true },
    };
    const MINIMAL_JSON =
        '{"format":1,"name":"EMC","symbol":"EMC","decimals":8,"fee":"100000","maxMemoLength":32,' +
        '"mintingAccount":{"owner":"01","subaccount":null},"feeCollector":null,' +
        '"metadata":[["icrc1:logo",{"t":"Text","v":"x"}]],"maxSupply":"210000000000000000",' +
        '"archiveOptions":null,"indexPrincipal":null,"featureFlags":{"icrc2":true}}';

    const full: LedgerSettings = {
        ...minimal,
        feeCollector: B,
        metadata: [['a:nat', { Nat: 12n }], ['a:int', { Int: -3n }], ['a:text', { Text: 'é' }], ['a:blob', { Blob: Uint8Array.of(1, 2) }]],
        archiveOptions: { num_blocks_to_archive: 1000n, trigger_threshold: 2000n, controller_id: Uint8Array.of(0xee), max_message_size_bytes: 1024n, more_controller_ids: [Uint8Array.of(0xef)] },
        indexPrincipal: Uint8Array.of(0x0f, 0x10),
        featureFlags: { icrc2: false },
    };
    const FULL_JSON =
        '{"format":1,"name":"EMC","symbol":"EMC","decimals":8,"fee":"100000","maxMemoLength":32,' +
        '"mintingAccount":{"owner":"01","subaccount":null},' +
        '"feeCollector":{"owner":"cc02","subaccount":"0000000000000000000000000000000000000000000000000000000000000007"},' +
        '"metadata":[["a:nat",{"t":"Nat","v":"12"}],["a:int",{"t":"Int","v":"-3"}],["a:text",{"t":"Text","v":"é"}],["a:blob",{"t":"Blob","v":"0102"}]],' +
        '"maxSupply":"210000000000000000",' +
        '"archiveOptions":{"num_blocks_to_archive":"1000","max_transactions_per_response":null,"trigger_threshold":"2000",' +
        '"max_message_size_bytes":"1024","cycles_for_archive_creation":null,"node_max_memory_size_bytes":null,"controller_id":"ee","more_controller_ids":["ef"]},' +
        '"indexPrincipal":"0f10","featureFlags":{"icrc2":false}}';

    it('stores the settings under key 01 as format-1 JSON (amounts as decimal text, bytes as hex)', () => {
        expect(new TextDecoder().decode(encodeSettings(minimal))).toBe(MINIMAL_JSON);
        expect(new TextDecoder().decode(encodeSettings(full))).toBe(FULL_JSON);
        expect(decodeSettings(new TextEncoder().encode(MINIMAL_JSON))).toEqual(minimal);
        expect(decodeSettings(new TextEncoder().encode(FULL_JSON))).toEqual(full);
    });

    it('keeps the settings, the total supply, the tip hash and the fee-collector block under keys 01–04', () => {
        const kv = stores();
        const s = new LedgerState(kv);
        s.saveSettings(minimal);
        s.setTotalSupply(7n * EMC);
        s.setTipHash(unhex('11'.repeat(32)));
        s.setFeeCollectorBlock(4n);
        const golden: [string, string][] = [
            ['01', hex(new TextEncoder().encode(MINIMAL_JSON))],
            ['02', u64(7n * EMC)],
            ['03', '11'.repeat(32)],
            ['04', u64(4)],
        ];
        expect(dump(kv.config)).toEqual(golden);
        const back = new LedgerState({ ...stores(), config: load(golden) });
        expect([back.isInitialized(), back.settings(), back.totalSupply(), hex(back.tipHash() as Uint8Array), back.feeCollectorBlock()]).toEqual([true, minimal, 7n * EMC, '11'.repeat(32), 4n]);
    });
});

describe('emc_ledger BALANCES (memory 1)', () => {
    it('maps a 62-byte account key to a u64 big-endian balance; an absent and a zero subaccount share a key', () => {
        const kv = stores();
        const s = new LedgerState(kv);
        s.setBalance(A, 5n * EMC);
        s.setBalance(B, 1n);
        s.setBalance({ owner: M.owner, subaccount: new Uint8Array(32) }, 2n);
        const golden: [string, string][] = [
            [KEY_M, u64(2)],
            [KEY_B, u64(1)],
            [KEY_A, '000000001dcd6500'],
        ];
        expect(dump(kv.balances)).toEqual(golden);
        const back = new LedgerState({ ...stores(), balances: load(golden) });
        expect([back.balance(A), back.balance(B), back.balance(M), back.accountCount()]).toEqual([5n * EMC, 1n, 2n, 3]);
        expect(back.balancesPage(0, 3).map(([a, b]) => [hex(a.owner), a.subaccount === undefined ? null : hex(a.subaccount), b])).toEqual([
            ['01', null, 2n],
            ['cc02', hex(sub7), 1n],
            ['aabb01', null, 5n * EMC],
        ]);
    });

    it('keeps the account’s ICRC-3 hash after the balance (40 bytes) once the ledger knows it; an 8-byte entry reads the same and gains the hash when next written', () => {
        // The ICRC-3 hash of A's canonical value, the array [Blob aabb01]: sha256(sha256(aabb01)).
        const HASH_A = '7b1f14c5737f184225e27da27e4a50bdddee15c77d3a43c8b1728a3feea752af';
        expect(hex(hashValue(accountToValue(A)))).toBe(HASH_A);
        const kv = stores();
        const s = new LedgerState(kv);
        s.setBalance(A, 7n); // as older builds wrote it
        expect(dump(kv.balances)).toEqual([[KEY_A, u64(7)]]);
        const e = s.balanceEntry(A);
        expect([e.balance, e.hash]).toEqual([7n, undefined]);
        s.setBalanceEntry({ ...e, hash: unhex(HASH_A) }, 5n * EMC);
        const golden: [string, string][] = [[KEY_A, h('000000001dcd6500', HASH_A)]];
        expect(dump(kv.balances)).toEqual(golden);
        const back = new LedgerState({ ...stores(), balances: load(golden) }).balanceEntry(A);
        expect([back.balance, hex(back.hash as Uint8Array)]).toEqual([5n * EMC, HASH_A]);
    });

    it('deletes a balance that reaches zero', () => {
        const kv = stores();
        const s = new LedgerState(kv);
        s.setBalance(A, 5n);
        s.setBalance(A, 0n);
        expect(dump(kv.balances)).toEqual([]);
    });
});

describe('emc_ledger ALLOWANCES, SPENDERS and APPROVAL_EXPIRIES (memories 2, 3, 4)', () => {
    const golden = {
        // from key ‖ spender key → u64 amount ‖ u64 expires_at (0: never)
        allowances: [
            [h(KEY_A, KEY_B), h(u64(3n * EMC), u64(T + 1000n))],
            [h(KEY_A5, KEY_M), h(u64(9), u64(0))],
        ] as [string, string][],
        // owner length ‖ owner → (from subaccount 32 bytes ‖ spender key 62 bytes) × n, sorted
        spenders: [[h('03', 'aabb01'), h('00'.repeat(32), KEY_B, '00'.repeat(31), '05', KEY_M)]] as [string, string][],
        // u64 expires_at ‖ from key ‖ spender key → empty (approvals that never expire are not listed)
        expiries: [[h(u64(T + 1000n), KEY_A, KEY_B), '']] as [string, string][],
    };

    it('writes an allowance, its place in the owner’s spender list and in the expiry queue', () => {
        const kv = stores();
        const s = new LedgerState(kv);
        s.setAllowance(A, B, { amount: 3n * EMC, expiresAt: T + 1000n });
        s.setAllowance(A5, M, { amount: 9n, expiresAt: 0n });
        expect({ allowances: dump(kv.allowances), spenders: dump(kv.spenders), expiries: dump(kv.expiries) }).toEqual(golden);
    });

    it('keeps the spender’s ICRC-3 hash after amount and expiry (48 bytes) once the ledger knows it; a 16-byte entry reads the same', () => {
        // The ICRC-3 hash of B's canonical value, the array [Blob cc02, Blob subaccount 7]: sha256(sha256(cc02) ‖ sha256(sub7)).
        const HASH_B = '7eca8d3d0b27ed8e3c757266220af899307eafbc4c34ee8d7ff97b7463513cc4';
        expect(hex(hashValue(accountToValue(B)))).toBe(HASH_B);
        const kv = stores();
        const s = new LedgerState(kv);
        s.setAllowance(A, B, { amount: 3n * EMC, expiresAt: T + 1000n, spenderHash: unhex(HASH_B) });
        const golden: [string, string][] = [[h(KEY_A, KEY_B), h(u64(3n * EMC), u64(T + 1000n), HASH_B)]];
        expect(dump(kv.allowances)).toEqual(golden);
        const back = new LedgerState({ ...stores(), allowances: load(golden) }).allowance(A, B);
        expect(back === undefined ? undefined : [back.amount, back.expiresAt, hex(back.spenderHash as Uint8Array)]).toEqual([3n * EMC, T + 1000n, HASH_B]);
    });

    it('reads them back: allowances, the spender listing, and pruning by expiry', () => {
        const s = new LedgerState({ ...stores(), allowances: load(golden.allowances), spenders: load(golden.spenders), expiries: load(golden.expiries) });
        expect(s.allowance(A, B)).toEqual({ amount: 3n * EMC, expiresAt: T + 1000n });
        expect(s.allowance(A5, M)).toEqual({ amount: 9n, expiresAt: 0n });
        expect(s.spenderEntries(A.owner, new Uint8Array(32), undefined, 10).map((e) => [hex(e.fromSub), hex(e.spenderKey)])).toEqual([
            ['00'.repeat(32), KEY_B],
            [h('00'.repeat(31), '05'), KEY_M],
        ]);
        expect(s.pruneExpiredAllowances(T + 1000n, 10)).toBe(1);
        expect(s.allowance(A, B)).toBeUndefined();
        expect(s.allowanceCount()).toBe(1);
    });
});

describe('emc_ledger BLOCKS (memory 5): block index (u64 BE) → block, format 1', () => {
    const PARENT = unhex('11'.repeat(32));
    const C: Account = { owner: Uint8Array.of(0xdd), subaccount: unhex(h('01', '00'.repeat(31))) };
    const Bzero: Account = { owner: B.owner, subaccount: new Uint8Array(32) };
    /** [block, golden bytes]: u8 format, u8 flags, u8 flags2, LEB128 timestamp, [parent hash], accounts, LEB128 numbers. */
    const blocks: [string, Block, string][] = [
        [
            'a mint (block 0: no parent hash)',
            { tx: { op: 'mint', to: A, amount: 5n * EMC }, timestamp: T },
            h('01', '00', '00', '8080bca7a6f7cfa418', /* to */ '03aabb01', /* amount */ '80cab5ee01'),
        ],
        [
            'a transfer with the fee charged, a memo and created_at_time, to a subaccount',
            { tx: { op: 'xfer', from: A, to: B, amount: EMC, memo: Uint8Array.of(0x68, 0x69), createdAtTime: T - 1n }, timestamp: T + 1n, parentHash: PARENT, effectiveFee: 100_000n },
            h(
                '01',
                '6e', // xfer 2 | parent 4 | effective fee 8 | memo 32 | created_at_time 64
                '00',
                '8180bca7a6f7cfa418',
                '11'.repeat(32),
                '03aabb01', // from
                '22cc02', '1f', '00', '07', // to: owner length 2 | has subaccount 0x20; 31 leading zeros, 0 trailing, 1 middle byte
                '80c2d72f', // amount
                'a08d06', // effective fee
                '02', '6869', // memo
                'ffffbba7a6f7cfa418', // created_at_time
            ),
        ],
        [
            'an approval with the caller’s fee, an expected allowance and an expiry',
            { tx: { op: 'approve', from: A, spender: B, amount: 3n * EMC, fee: 100_000n, expectedAllowance: 0n, expiresAt: T + 1000n }, timestamp: T + 2n, parentHash: PARENT },
            h('01', '97' /* approve 3 | parent 4 | fee 16 | spender 128 */, '03' /* expected allowance 1 | expires_at 2 */, '8280bca7a6f7cfa418', '11'.repeat(32), '03aabb01', '22cc021f0007', '80c6868f01', 'a08d06', '00', 'e887bca7a6f7cfa418'),
        ],
        [
            'a burn through an allowance (spender)',
            { tx: { op: 'burn', from: A, amount: EMC, spender: B }, timestamp: T + 3n, parentHash: PARENT },
            h('01', '85' /* burn 1 | parent 4 | spender 128 */, '00', '8380bca7a6f7cfa418', '11'.repeat(32), '03aabb01', '22cc021f0007', '80c2d72f'),
        ],
        [
            'the first fee-paying block after the fee collector was named',
            { tx: { op: 'xfer', from: A, to: M, amount: 1n }, timestamp: T + 4n, parentHash: PARENT, effectiveFee: 100_000n, feeCollector: C },
            h('01', '0e' /* xfer 2 | parent 4 | effective fee 8 */, '04' /* fee collector */, '8480bca7a6f7cfa418', '11'.repeat(32), '03aabb01', '0101', '01', 'a08d06', /* collector: 0 leading zeros, 31 trailing */ '21dd', '00', '1f', '01'),
        ],
        [
            'a later fee-paying block naming the collector’s block; an explicit all-zero subaccount takes one byte',
            { tx: { op: 'xfer', from: A, to: Bzero, amount: 1n }, timestamp: T + 5n, parentHash: PARENT, effectiveFee: 100_000n, feeCollectorBlock: 4n },
            h('01', '0e', '08' /* fee collector block */, '8580bca7a6f7cfa418', '11'.repeat(32), '03aabb01', '22cc02', '20', '01', 'a08d06', '04'),
        ],
    ];

    it.each(blocks)('encodes %s', (_what, block, golden) => {
        expect(hex(encodeBlock(block))).toBe(golden);
    });

    it.each(blocks)('decodes %s', (_what, block, golden) => {
        expect(decodeBlock(unhex(golden))).toEqual(block);
    });

    it('stores blocks under their index and reads them back', () => {
        const kv = stores();
        const s = new LedgerState(kv);
        blocks.forEach(([, b], i) => s.appendBlockBytes(BigInt(i), encodeBlock(b)));
        const golden = blocks.map(([, , g], i) => [u64(i), g]);
        expect(dump(kv.blocks)).toEqual(golden);
        const back = new LedgerState({ ...stores(), blocks: load(golden as [string, string][]) });
        expect(back.blockCount()).toBe(BigInt(blocks.length));
        expect(decodeBlock(back.blockBytes(1n) as Uint8Array)).toEqual(blocks[1][1]);
    });

    it('refuses a format it does not know', () => {
        expect(() => decodeBlock(unhex(h('02', blocks[0][2].slice(2))))).toThrow(/unknown format 2/);
    });
});

describe('emc_ledger DEDUP (memory 6): created_at_time ‖ transaction → block index', () => {
    const transfer = { op: 'xfer' as const, from: A, to: B, amount: EMC, memo: Uint8Array.of(0x68, 0x69) };
    const approve = { op: 'approve' as const, from: A, spender: M, amount: 9n, fee: 100_000n, expiresAt: T + 1000n };
    const KEY_TRANSFER = h(
        u64(T - 1n),
        '03', // op: mint 1, burn 2, xfer 3, approve 4
        '01', '03', 'aabb01', // from: 1 = no subaccount, owner length, owner
        '02', '02', 'cc02', h('00'.repeat(31), '07'), // to: 2 = with subaccount
        '00', // spender: absent
        '01', '80c2d72f', // amount
        '00', // fee: absent
        '01', '02', '6869', // memo: present, length, bytes
        '00', '00', // expected allowance, expires_at: absent
    );
    const KEY_APPROVE = h(u64(T), '04', '01', '03', 'aabb01', '00', '01', '01', '01', '01', '09', '01', 'a08d06', '00', '00', '01', 'e887bca7a6f7cfa418');

    it('keys a transaction by created_at_time (u64 BE, oldest first) and every field the caller gave', () => {
        expect(hex(dedupKey(T - 1n, transfer))).toBe(KEY_TRANSFER);
        expect(hex(dedupKey(T, approve))).toBe(KEY_APPROVE);
        // an explicit zero subaccount is a different transaction from an absent one
        expect(hex(dedupKey(T - 1n, { ...transfer, from: { owner: A.owner, subaccount: new Uint8Array(32) } }))).not.toBe(KEY_TRANSFER);
    });

    it('stores the block index (u64 BE) and finds duplicates, pruning the oldest first', () => {
        const kv = stores();
        const s = new LedgerState(kv);
        s.recordTransaction(dedupKey(T, approve), 2n);
        s.recordTransaction(dedupKey(T - 1n, transfer), 1n);
        const golden: [string, string][] = [
            [KEY_TRANSFER, u64(1)],
            [KEY_APPROVE, u64(2)],
        ];
        expect(dump(kv.dedup)).toEqual(golden);
        const back = new LedgerState({ ...stores(), dedup: load(golden) });
        expect([back.duplicateOf(unhex(KEY_TRANSFER)), back.duplicateOf(unhex(KEY_APPROVE))]).toEqual([1n, 2n]);
        expect(back.pruneDedup(T, 10)).toBe(1);
        expect(back.dedupSize()).toBe(1);
    });
});
