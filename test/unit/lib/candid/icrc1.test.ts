/**
 * The ICRC-1 types of our ledger (src/ledger/candid.ts), checked against the same types written
 * independently with @dfinity/candid: byte-identical encodings, decoding what agent-js sends, and
 * the subtyping a real client relies on.
 */
import { IDL } from '@dfinity/candid';
import { Principal } from '@dfinity/principal';
import { C, decode, encode } from '../../../../src/lib/candid/candid';
import { hex, toIdl } from './arbitraries';
import { CAccount as Account, TransferArg, TransferError, TransferResult } from '../../../../src/ledger/api/candid';

const IAccount = IDL.Record({ owner: IDL.Principal, subaccount: IDL.Opt(IDL.Vec(IDL.Nat8)) });
const ITransferArg = IDL.Record({
  from_subaccount: IDL.Opt(IDL.Vec(IDL.Nat8)),
  to: IAccount,
  amount: IDL.Nat,
  fee: IDL.Opt(IDL.Nat),
  memo: IDL.Opt(IDL.Vec(IDL.Nat8)),
  created_at_time: IDL.Opt(IDL.Nat64),
});
const ITransferError = IDL.Variant({
  BadFee: IDL.Record({ expected_fee: IDL.Nat }),
  BadBurn: IDL.Record({ min_burn_amount: IDL.Nat }),
  InsufficientFunds: IDL.Record({ balance: IDL.Nat }),
  TooOld: IDL.Null,
  CreatedInFuture: IDL.Record({ ledger_time: IDL.Nat64 }),
  TemporarilyUnavailable: IDL.Null,
  Duplicate: IDL.Record({ duplicate_of: IDL.Nat }),
  GenericError: IDL.Record({ error_code: IDL.Nat, message: IDL.Text }),
});
const ITransferResult = IDL.Variant({ Ok: IDL.Nat, Err: ITransferError });

const owner = Principal.fromText('ryjl3-tyaaa-aaaaa-aaaba-cai');
const sub = (b: number) => new Uint8Array(32).fill(b);

const transferArgs = [
  { from_subaccount: [], to: { owner: Principal.fromText('aaaaa-aa'), subaccount: [] }, amount: 0n, fee: [], memo: [], created_at_time: [] },
  { from_subaccount: [sub(1)], to: { owner, subaccount: [sub(2)] }, amount: 100_000_000n, fee: [10_000n], memo: [new Uint8Array([1, 2, 3])], created_at_time: [1_700_000_000_000_000_000n] },
  { from_subaccount: [], to: { owner, subaccount: [] }, amount: 2n ** 128n, fee: [0n], memo: [new Uint8Array(80).fill(9)], created_at_time: [2n ** 64n - 1n] },
];

const results = [
  { Ok: 1n },
  { Ok: 2n ** 70n },
  { Err: { BadFee: { expected_fee: 10_000n } } },
  { Err: { BadBurn: { min_burn_amount: 1n } } },
  { Err: { InsufficientFunds: { balance: 123n } } },
  { Err: { TooOld: null } },
  { Err: { CreatedInFuture: { ledger_time: 1_700_000_000_000_000_000n } } },
  { Err: { TemporarilyUnavailable: null } },
  { Err: { Duplicate: { duplicate_of: 42n } } },
  { Err: { GenericError: { error_code: 500n, message: 'insufficient funds — ünïcödé ✓' } } },
];

test('the fixture matches the @dfinity/candid types (same type-table bytes)', () => {
  expect(hex(encode([TransferArg], [transferArgs[0]]))).toBe(hex(IDL.encode([toIdl(TransferArg)], [transferArgs[0]])));
  expect(hex(encode([TransferArg], [transferArgs[0]]))).toBe(hex(IDL.encode([ITransferArg], [transferArgs[0]])));
});

test('TransferArg: this exact encoding (as produced by @dfinity/candid 3.4.3)', () => {
  const expected =
    '4449444c' + // DIDL
    '06' + '6d7b' + '6e00' + // vec nat8; opt vec nat8
    '6c02' + 'b3b0dac303' + '68' + 'ad86ca8305' + '01' + // Account { owner; subaccount }
    '6e7d' + '6e78' + // opt nat; opt nat64
    '6c06' + 'fbca01' + '02' + 'c6fcb602' + '03' + 'ba89e5c204' + '01' + 'a2de94eb06' + '01' + '82f3f3910c' + '04' + 'd8a38ca80d' + '7d' +
    '0105' + // one argument: type 5
    '01' + '0a' + '00000000000000020101' + '01' + '20' + '02'.repeat(32) + // to
    '01' + '904e' + // fee = 10_000
    '01' + '03' + '010203' + // memo
    '01' + '20' + '01'.repeat(32) + // from_subaccount
    '01' + '00002a36fe9c9717' + // created_at_time
    '80c2d72f'; // amount = 100_000_000
  expect(hex(encode([TransferArg], [transferArgs[1]]))).toBe(expected);
  expect(decode([TransferArg], new Uint8Array(Buffer.from(expected, 'hex')))).toEqual([transferArgs[1]]);
});

test.each(transferArgs.map((v, i) => [i, v]))('TransferArg %i: byte-identical to IDL.encode, decodes both ways', (_i, v) => {
  const ours = encode([TransferArg], [v]);
  const theirs = IDL.encode([ITransferArg], [v]);
  expect(hex(ours)).toBe(hex(theirs));
  expect(decode([TransferArg], theirs)).toEqual([v]);
  expect(IDL.decode([ITransferArg], ours)).toEqual([v]);
});

test.each(results.map((v, i) => [i, v]))('TransferResult %i: byte-identical to IDL.encode, decodes both ways', (_i, v) => {
  const ours = encode([TransferResult], [v]);
  const theirs = IDL.encode([ITransferResult], [v]);
  expect(hex(ours)).toBe(hex(theirs));
  expect(decode([TransferResult], theirs)).toEqual([v]);
  expect(IDL.decode([ITransferResult], ours)).toEqual([v]);
});

test('a client with a newer TransferArg (extra fields) and an older one (fewer opt fields)', () => {
  const Newer = IDL.Record({
    from_subaccount: IDL.Opt(IDL.Vec(IDL.Nat8)),
    to: IDL.Record({ owner: IDL.Principal, subaccount: IDL.Opt(IDL.Vec(IDL.Nat8)), label: IDL.Opt(IDL.Text) }),
    amount: IDL.Nat,
    fee: IDL.Opt(IDL.Nat),
    memo: IDL.Opt(IDL.Vec(IDL.Nat8)),
    created_at_time: IDL.Opt(IDL.Nat64),
    expires_at: IDL.Opt(IDL.Nat64),
    routing: IDL.Vec(IDL.Record({ hop: IDL.Principal, weight: IDL.Float64 })),
  });
  const v = transferArgs[1];
  const newer = IDL.encode([Newer], [{ ...v, to: { ...v.to, label: ['x'] }, expires_at: [5n], routing: [{ hop: owner, weight: 0.5 }] }]);
  expect(decode([TransferArg], newer)).toEqual([v]);

  const Older = IDL.Record({ to: IAccount, amount: IDL.Nat });
  const older = IDL.encode([Older], [{ to: v.to, amount: 7n }]);
  expect(decode([TransferArg], older)).toEqual([{ from_subaccount: [], to: v.to, amount: 7n, fee: [], memo: [], created_at_time: [] }]);
});

test('a client that knows fewer TransferError cases decodes the ones it knows', () => {
  const OldError = C.variant({ BadFee: C.record({ expected_fee: C.nat }), GenericError: C.record({ error_code: C.nat, message: C.text }) });
  const OldResult = C.variant({ Ok: C.nat, Err: OldError });
  expect(decode([OldResult], encode([TransferResult], [results[2]]))).toEqual([results[2]]);
  expect(() => decode([OldResult], encode([TransferResult], [results[5]]))).toThrow(/unknown variant case/);
});

test('encoding validates values', () => {
  const good = transferArgs[1] as any;
  expect(() => encode([TransferArg], [{ ...good, amount: -1n }])).toThrow(/negative/);
  expect(() => encode([TransferArg], [{ ...good, amount: 1.5 }])).toThrow(/cannot encode/);
  expect(() => encode([TransferArg], [{ ...good, fee: 5n }])).toThrow(/expected \[\] or \[value\]/);
  expect(() => encode([TransferArg], [{ ...good, to: { owner: 'aaaaa-aa', subaccount: [] } }])).toThrow(/not a Principal/);
  expect(() => encode([TransferArg], [{ ...good, created_at_time: [2n ** 64n] }])).toThrow(/out of range/);
  expect(() => encode([TransferArg], [{ ...good, memo: [[1, 256]] }])).toThrow(/not a nat8/);
  const { fee: _fee, ...noFee } = good;
  expect(() => encode([TransferArg], [noFee])).toThrow(/field "fee" is missing/);
  expect(() => encode([TransferResult], [{ Ok: 1n, Err: { TooOld: null } }])).toThrow(/more than one case/);
  expect(() => encode([TransferResult], [{ Okay: 1n }])).toThrow(/unknown case "Okay"/);
  expect(() => encode([TransferResult], [{}])).toThrow(/no case/);
  expect(() => encode([TransferError], [{ GenericError: { error_code: 1n, message: 5 } }])).toThrow(/cannot encode 5 as text/);
  expect(() => encode([Account], [])).toThrow(/1 type\(s\) but 0 value\(s\)/);
  expect(() => encode([C.nat8, C.int16, C.nat32], [256, 0, 0])).toThrow(/out of range/);
  expect(() => encode([C.principal], [Principal.fromUint8Array(new Uint8Array(30))])).toThrow(/at most 29/);
});
