/** ICRC-1 types used by our ledger, as Candid descriptors (fixture for the codec tests). */
import { C } from '../../../src/candid/candid';

export const Account = C.record({ owner: C.principal, subaccount: C.opt(C.blob) });

export const TransferArg = C.record({
  from_subaccount: C.opt(C.blob),
  to: Account,
  amount: C.nat,
  fee: C.opt(C.nat),
  memo: C.opt(C.blob),
  created_at_time: C.opt(C.nat64),
});

export const TransferError = C.variant({
  BadFee: C.record({ expected_fee: C.nat }),
  BadBurn: C.record({ min_burn_amount: C.nat }),
  InsufficientFunds: C.record({ balance: C.nat }),
  TooOld: C.null,
  CreatedInFuture: C.record({ ledger_time: C.nat64 }),
  TemporarilyUnavailable: C.null,
  Duplicate: C.record({ duplicate_of: C.nat }),
  GenericError: C.record({ error_code: C.nat, message: C.text }),
});

export const TransferResult = C.variant({ Ok: C.nat, Err: TransferError });
