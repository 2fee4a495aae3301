/**
 * The socket NFT collection (spec §12: ICRC-7 + ICRC-37 hosted by emc_protocol) wired together:
 * the ownership index (tokens.ts), approvals (approvals.ts), transfers (transfers.ts),
 * deduplication (dedup.ts), blocks (blocks.ts) and the market's hooks (market-hooks.ts), over its
 * own maps and narrow ports (ports.ts); plus the ICRC-7 batch queries, each answering a prefix of
 * at most MAX_QUERY_BATCH_SIZE items.
 * Storage: PROTOCOL_MEMORY.SOCKET_* (store.ts). Cost: construction only.
 */
import type { Account } from '../../ledger/account';
import { Approvals } from './approvals';
import { SocketBlocks } from './blocks';
import { collectionMetadata, tokenMetadata } from './collection';
import { Dedup } from './dedup';
import { MarketHooks } from './market-hooks';
import { argumentProblem, MAX_QUERY_BATCH_SIZE, queryBatch, takeOf } from './model';
import type { BlockLog, SocketPorts, Value } from './ports';
import { SocketStore, type SocketMaps } from './store';
import { Tokens } from './tokens';
import { Transfers } from './transfers';

export class Sockets {
    readonly store: SocketStore;
    readonly tokens: Tokens;
    readonly blocks: SocketBlocks;
    readonly dedup: Dedup;
    readonly approvals: Approvals;
    readonly transfers: Transfers;
    readonly hooks: MarketHooks;

    constructor(maps: SocketMaps, log: BlockLog, private readonly ports: SocketPorts, now: () => bigint) {
        this.store = new SocketStore(maps);
        this.tokens = new Tokens(this.store, maps.owned, maps.all);
        this.blocks = new SocketBlocks(log);
        this.dedup = new Dedup(maps.dedup, now);
        this.approvals = new Approvals(this.store, this.tokens, this.blocks, now, () => ports.paused());
        this.transfers = new Transfers(this.tokens, this.approvals, this.dedup, this.blocks, ports, now);
        this.hooks = new MarketHooks(this.tokens, this.blocks, ports);
    }

    collectionMetadata(): [string, Value][] {
        return collectionMetadata(this.tokens.totalSupply());
    }

    tokenMetadata(ids: readonly bigint[]): ([string, Value][] | undefined)[] {
        return queryBatch(ids, MAX_QUERY_BATCH_SIZE, (id) => {
            if (this.tokens.get(id) === undefined) return undefined;
            const o = this.ports.order(id);
            return o === undefined ? [] : tokenMetadata(o);
        });
    }

    ownerOf(ids: readonly bigint[]): (Account | undefined)[] {
        return queryBatch(ids, MAX_QUERY_BATCH_SIZE, (id) => this.tokens.ownerOf(id));
    }

    balanceOf(accounts: readonly Account[]): bigint[] {
        return queryBatch(accounts, MAX_QUERY_BATCH_SIZE, (a) => (argumentProblem({ accounts: [a] }) === undefined ? this.tokens.balanceOf(a) : 0n));
    }

    tokensPage(prev: bigint | undefined, take: bigint | undefined): bigint[] {
        return this.tokens.tokens(prev, takeOf(take));
    }

    tokensOf(a: Account, prev: bigint | undefined, take: bigint | undefined): bigint[] {
        if (argumentProblem({ accounts: [a] }) !== undefined) return [];
        return this.tokens.tokensOf(a, prev, takeOf(take));
    }
}
