/**
 * The socket blocks of the protocol's ICRC-3 log, shaped as ICRC-7 and ICRC-37 say ("Block Schema"):
 * every block is {btype, ts, tx, phash} (the log adds ts and phash); `tx` holds
 *   7mint          tid, to, meta                  (minted by market_open's settlement: no from)
 *   7burn          tid, from                      (the order closed and settled)
 *   7xfer          tid, from, to, memo?, ts?
 *   7update_token  tid, meta (the changed fields) (the market changed the order: no from)
 *   37approve      tid, from, spender, exp?, memo?, ts
 *   37approve_coll from, spender, exp?, memo?, ts
 *   37revoke       tid, from, spender?, memo?, ts?
 *   37revoke_coll  from, spender?, memo?, ts?
 *   37xfer         tid, spender, from, to, memo?, ts?
 * Accounts are ICRC-3 arrays [Blob owner, Blob subaccount] (the subaccount only when given); `ts` in
 * tx is the caller's created_at_time; `meta` is Map[("icrc7:token_metadata", Map(token metadata))].
 * Storage: the log's (src/protocol/log). Cost: building a map of ≤ 8 entries; the log hashes it
 * (accounts seen recently cost nothing: log/account-value.ts).
 */
import type { Account } from '../../ledger/account';
import { accountValue, type BlockLog, type Value } from './ports';

export { accountValue };

type Entry = [string, Value];

function opt(key: string, v: Value | undefined): Entry[] {
    return v === undefined ? [] : [[key, v]];
}

function nat(n: bigint | undefined): Value | undefined {
    return n === undefined ? undefined : { Nat: n };
}

function blob(b: Uint8Array | undefined): Value | undefined {
    return b === undefined ? undefined : { Blob: b };
}

export function metaValue(metadata: [string, Value][]): Value {
    return { Map: [['icrc7:token_metadata', { Map: metadata }]] };
}

/** The socket block writer: one method per block type, each returning the block index. */
export class SocketBlocks {
    constructor(private readonly log: BlockLog) {}

    mint(tid: bigint, to: Account, meta: [string, Value][]): bigint {
        return this.log.append('7mint', [['tid', { Nat: tid }], ['to', accountValue(to)], ['meta', metaValue(meta)]]);
    }

    burn(tid: bigint, from: Account): bigint {
        return this.log.append('7burn', [['tid', { Nat: tid }], ['from', accountValue(from)]]);
    }

    update(tid: bigint, meta: [string, Value][]): bigint {
        return this.log.append('7update_token', [['tid', { Nat: tid }], ['meta', metaValue(meta)]]);
    }

    transfer(tid: bigint, from: Account, to: Account, memo: Uint8Array | undefined, createdAt: bigint | undefined): bigint {
        return this.log.append('7xfer', [['tid', { Nat: tid }], ['from', accountValue(from)], ['to', accountValue(to)], ...opt('memo', blob(memo)), ...opt('ts', nat(createdAt))]);
    }

    approve(tid: bigint, from: Account, spender: Account, exp: bigint | undefined, memo: Uint8Array | undefined, createdAt: bigint): bigint {
        return this.log.append('37approve', [['tid', { Nat: tid }], ['from', accountValue(from)], ['spender', accountValue(spender)], ...opt('exp', nat(exp)), ...opt('memo', blob(memo)), ['ts', { Nat: createdAt }]]);
    }

    approveCollection(from: Account, spender: Account, exp: bigint | undefined, memo: Uint8Array | undefined, createdAt: bigint): bigint {
        return this.log.append('37approve_coll', [['from', accountValue(from)], ['spender', accountValue(spender)], ...opt('exp', nat(exp)), ...opt('memo', blob(memo)), ['ts', { Nat: createdAt }]]);
    }

    revoke(tid: bigint, from: Account, spender: Account | undefined, memo: Uint8Array | undefined, createdAt: bigint | undefined): bigint {
        return this.log.append('37revoke', [['tid', { Nat: tid }], ['from', accountValue(from)], ...opt('spender', spender === undefined ? undefined : accountValue(spender)), ...opt('memo', blob(memo)), ...opt('ts', nat(createdAt))]);
    }

    revokeCollection(from: Account, spender: Account | undefined, memo: Uint8Array | undefined, createdAt: bigint | undefined): bigint {
        return this.log.append('37revoke_coll', [['from', accountValue(from)], ...opt('spender', spender === undefined ? undefined : accountValue(spender)), ...opt('memo', blob(memo)), ...opt('ts', nat(createdAt))]);
    }

    transferFrom(tid: bigint, spender: Account, from: Account, to: Account, memo: Uint8Array | undefined, createdAt: bigint | undefined): bigint {
        return this.log.append('37xfer', [['tid', { Nat: tid }], ['spender', accountValue(spender)], ['from', accountValue(from)], ['to', accountValue(to)], ...opt('memo', blob(memo)), ...opt('ts', nat(createdAt))]);
    }
}
