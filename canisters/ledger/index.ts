/**
 * emc_ledger — the $EMC ICRC-1/2/3 ledger. Entry points only: decode the Candid argument with our
 * codec, call the domain (src/ledger), encode the result. Methods are `manual` so that Candid
 * costs what our lean codec costs; the IDL types given to the decorators produce the .did file
 * and are built only then (canisters/common/candid-sig.ts).
 */
import { canisterSelf, certifiedDataSet, dataCertificate, init, inspectMessage, msgArgData, msgCaller, msgReply, postUpgrade, query, setTimer, time, update } from 'azle';

import { decode, encode, type Type } from '../../src/lib/candid/candid';
import { checkArgLength } from '../../src/lib/candid/inspect';
import { primeService } from '../../src/lib/candid/service';
import type { Env } from '../../src/lib/env';
import * as T from '../../src/ledger/api/candid';
import { consentMessage, type ConsentRequest } from '../../src/ledger/consent';
import { decodeBlock } from '../../src/ledger/icrc3/codec';
import { tipHashTreeCbor } from '../../src/ledger/icrc3/tip-tree';
import { CandidBlocks } from '../../src/ledger/icrc3/candid-blocks';
import { LEDGER_METHODS, ledgerIngressPolicy, type LedgerMethod } from '../../src/ledger/api/interface';
import { legacyRange, legacyTransaction } from '../../src/ledger/legacy/blocks';
import { Ledger, MAX_TAKE_ALLOWANCES } from '../../src/ledger/ledger';
import { metadataEntries, SUPPORTED_BLOCK_TYPES, SUPPORTED_STANDARDS } from '../../src/ledger/metadata';
import { LedgerState } from '../../src/ledger/state';
import { LEDGER_MEMORY } from '../../src/lib/storage/memory-ids';
import { StableKV } from '../../src/lib/storage/stable-kv';
import { candidType, methodSig } from '../common/candid-sig';
import { inspectOrTrap } from '../common/inspect';

const idl = candidType;

/** Decorator arguments of a method from the interface table (IDL types only while the .did is written), in manual mode. */
function sig(name: LedgerMethod): ReturnType<typeof methodSig> {
    return methodSig(LEDGER_METHODS[name]);
}
const MAX_BLOCKS_PER_RESPONSE = 100n;
/** icrc3_get_blocks and get_blocks replies, written from the stored blocks. */
const candidBlocks = new CandidBlocks({ icrc3Result: T.GetBlocksResult, icrc3Value: T.ICRC3Value, legacyResponse: T.GetBlocksResponse, legacyValue: T.LegacyValue });
const EMPTY_HASH_TREE = new Uint8Array([0x81, 0x00]);

const env: Env = {
    caller: () => msgCaller().toUint8Array(),
    now: () => time(),
    self: () => canisterSelf().toUint8Array(),
    certify: (data) => certifiedDataSet(data),
};

/** The ledger's memo length setting, for the argument limits (set in init and post_upgrade, the only places it changes). */
let memoLength = 32;
/** Inspect rules and execution's argument limits, computed per method when asked. */
const policy = ledgerIngressPolicy(() => memoLength);

/**
 * CBOR of the certified tip's hash tree (ICRC-3 labels), or the empty tree before block 0: the
 * (index, hash) pair the certified data commits to, which may be a round behind the last block.
 */
function tipHashTree(ledger: Ledger): Uint8Array {
    const tip = ledger.certifiedTip();
    return tip === undefined ? EMPTY_HASH_TREE : tipHashTreeCbor(tip.index, tip.hash);
}

/**
 * Time at which the certification timer was armed and has not run yet (heap: an upgrade drops
 * timers, and post_upgrade certifies).
 */
let certifyArmedAt: bigint | undefined;

/**
 * After a message appended blocks: certifies the new tip from a timer that runs in a later round,
 * once for every block of this round (docs/ledger.md, "Certification"). A timer already armed in
 * this round is enough; one armed in an earlier round that has not run (or whose run trapped and
 * was rolled back) is armed again; a timer that finds the tip certified does nothing.
 */
function certifySoon(ledger: Ledger): void {
    if (!ledger.certificationPending()) return;
    const now = time();
    if (certifyArmedAt === now) return;
    certifyArmedAt = now;
    setTimer(0, () => {
        certifyArmedAt = undefined;
        if (ledger.certificationPending()) ledger.certifyTip();
    });
}

function arg<V>(t: Type<V>): V {
    const bytes = msgArgData();
    checkArgLength(policy, t, bytes);
    return decode([t], bytes)[0] as V;
}

function reply(t: Type, value: unknown): void {
    msgReply(encode([t], [value]));
}

export default class {
    ledger = new Ledger(
        new LedgerState({
            config: new StableKV(LEDGER_MEMORY.CONFIG),
            balances: new StableKV(LEDGER_MEMORY.BALANCES),
            allowances: new StableKV(LEDGER_MEMORY.ALLOWANCES),
            spenders: new StableKV(LEDGER_MEMORY.SPENDERS),
            expiries: new StableKV(LEDGER_MEMORY.APPROVAL_EXPIRIES),
            blocks: new StableKV(LEDGER_MEMORY.BLOCKS),
            dedup: new StableKV(LEDGER_MEMORY.DEDUP),
        }),
        env,
    );

    @init([idl(T.LedgerArg)], { manual: true })
    init(): void {
        const a = arg(T.LedgerArg) as { Init: never } | { Upgrade: never };
        if (!('Init' in a)) throw new Error('the ledger must be installed with variant { Init = … }');
        this.ledger.init(T.initArgsIn(a.Init));
        primeService(LEDGER_METHODS);
        candidBlocks.prime();
        memoLength = this.ledger.settings().maxMemoLength;
    }

    @postUpgrade([idl(T.LedgerArg)], { manual: true })
    postUpgrade(): void {
        const a = arg(T.LedgerArg) as { Init: never } | { Upgrade: [] | [never] };
        if (!('Upgrade' in a)) throw new Error('the ledger must be upgraded with variant { Upgrade = … }');
        const u = T.opt(a.Upgrade);
        this.ledger.upgrade(u === undefined ? undefined : T.upgradeArgsIn(u));
        primeService(LEDGER_METHODS);
        candidBlocks.prime();
        memoLength = this.ledger.settings().maxMemoLength;
    }

    /** Refuses unknown methods, the anonymous caller of token moves and oversize arguments (docs/security.md). */
    @inspectMessage({ manual: true })
    inspectMessage(): boolean {
        return inspectOrTrap('emc_ledger', policy);
    }

    // ----- ICRC-1 -----------------------------------------------------------------------------

    @query(...sig('icrc1_name'))
    icrc1_name(): void {
        reply(T.C_TEXT, this.ledger.settings().name);
    }

    @query(...sig('icrc1_symbol'))
    icrc1_symbol(): void {
        reply(T.C_TEXT, this.ledger.settings().symbol);
    }

    @query(...sig('icrc1_decimals'))
    icrc1_decimals(): void {
        reply(T.C_NAT8, this.ledger.settings().decimals);
    }

    @query(...sig('icrc1_fee'))
    icrc1_fee(): void {
        reply(T.C_NAT, this.ledger.settings().fee);
    }

    @query(...sig('icrc1_metadata'))
    icrc1_metadata(): void {
        reply(T.Metadata, metadataEntries(this.ledger.settings()));
    }

    @query(...sig('icrc1_total_supply'))
    icrc1_total_supply(): void {
        reply(T.C_NAT, this.ledger.totalSupply());
    }

    @query(...sig('icrc1_minting_account'))
    icrc1_minting_account(): void {
        reply(T.OptAccount, [T.accountOut(this.ledger.settings().mintingAccount)]);
    }

    @query(...sig('icrc1_balance_of'))
    icrc1_balance_of(): void {
        reply(T.C_NAT, this.ledger.balanceOf(T.accountIn(arg(T.CAccount) as T.CAccount)));
    }

    @update(...sig('icrc1_transfer'))
    icrc1_transfer(): void {
        reply(T.TransferResult, this.ledger.transfer(T.transferArgsIn(arg(T.TransferArg))));
        certifySoon(this.ledger);
    }

    @query(...sig('icrc1_supported_standards'))
    icrc1_supported_standards(): void {
        reply(T.Standards, SUPPORTED_STANDARDS);
    }

    // ----- ICRC-2 -----------------------------------------------------------------------------

    @update(...sig('icrc2_approve'))
    icrc2_approve(): void {
        reply(T.ApproveResult, this.ledger.approve(T.approveArgsIn(arg(T.ApproveArgsT))));
        certifySoon(this.ledger);
    }

    @update(...sig('icrc2_transfer_from'))
    icrc2_transfer_from(): void {
        reply(T.TransferFromResult, this.ledger.transferFrom(T.transferFromArgsIn(arg(T.TransferFromArgsT))));
        certifySoon(this.ledger);
    }

    @query(...sig('icrc2_allowance'))
    icrc2_allowance(): void {
        const a = arg(T.AllowanceArgs) as { account: T.CAccount; spender: T.CAccount };
        const r = this.ledger.allowanceOf(T.accountIn(a.account), T.accountIn(a.spender));
        reply(T.Allowance, { allowance: r.allowance, expires_at: T.toOpt(r.expires_at) });
    }

    // ----- ICRC-3 -----------------------------------------------------------------------------

    @query(...sig('icrc3_get_blocks'))
    icrc3_get_blocks(): void {
        const ranges = arg(T.GetBlocksArgsVec) as { start: bigint; length: bigint }[];
        const length = this.ledger.state.blockCount();
        const blocks: { id: bigint; bytes: Uint8Array }[] = [];
        let budget = MAX_BLOCKS_PER_RESPONSE;
        for (const r of ranges) {
            const end = r.start + (r.length < budget ? r.length : budget);
            for (let i = r.start; i < end && i < length; i++) {
                blocks.push({ id: i, bytes: this.ledger.state.blockBytes(i) as Uint8Array });
                budget--;
            }
            if (budget === 0n) break;
        }
        msgReply(candidBlocks.icrc3Reply(length, blocks));
    }

    @query(...sig('icrc3_get_archives'))
    icrc3_get_archives(): void {
        arg(T.GetArchivesArgs);
        reply(T.GetArchivesResult, []);
    }

    @query(...sig('icrc3_get_tip_certificate'))
    icrc3_get_tip_certificate(): void {
        const certificate = dataCertificate();
        if (certificate === undefined) {
            reply(T.OptDataCertificate, []);
            return;
        }
        reply(T.OptDataCertificate, [{ certificate, hash_tree: tipHashTree(this.ledger) }]);
    }

    @query(...sig('icrc3_supported_block_types'))
    icrc3_supported_block_types(): void {
        reply(T.BlockTypes, SUPPORTED_BLOCK_TYPES);
    }

    // ----- ICRC-10, ICRC-21, ICRC-103, ICRC-106 -------------------------------------------------

    @query(...sig('icrc10_supported_standards'))
    icrc10_supported_standards(): void {
        reply(T.Standards, SUPPORTED_STANDARDS);
    }

    @update(...sig('icrc21_canister_call_consent_message'))
    icrc21_canister_call_consent_message(): void {
        const req = arg(T.ConsentMessageRequest) as ConsentRequest;
        reply(T.ConsentMessageResponse, consentMessage(this.ledger.settings(), env.caller(), req));
    }

    @query(...sig('icrc103_get_allowances'))
    icrc103_get_allowances(): void {
        const a = arg(T.GetAllowancesArgs) as { from_account: [] | [T.CAccount]; prev_spender: [] | [T.CAccount]; take: [] | [bigint] };
        const fromArg = T.opt(a.from_account);
        const from = fromArg === undefined ? { owner: env.caller() } : T.accountIn(fromArg);
        const prev = T.opt(a.prev_spender);
        const take = T.opt(a.take) ?? MAX_TAKE_ALLOWANCES;
        const list = this.ledger.listAllowances(from, prev === undefined ? undefined : T.accountIn(prev), take);
        reply(T.GetAllowancesResponse, {
            Ok: list.map((x) => ({ from_account: T.accountOut(x.from_account), to_spender: T.accountOut(x.to_spender), allowance: x.allowance, expires_at: T.toOpt(x.expires_at) })),
        });
    }

    @query(...sig('icrc106_get_index_principal'))
    icrc106_get_index_principal(): void {
        const index = this.ledger.settings().indexPrincipal;
        reply(T.GetIndexPrincipalResult, index === undefined ? { Err: { IndexPrincipalNotSet: null } } : { Ok: T.principalOut(index) });
    }

    // ----- DFINITY ledger extras ----------------------------------------------------------------

    @query(...sig('is_ledger_ready'))
    is_ledger_ready(): void {
        reply(T.C_BOOL, true);
    }

    @query(...sig('archives'))
    archives(): void {
        reply(T.ArchiveInfos, []);
    }

    // ----- DFINITY's legacy block access (ICRC Rosetta, the old index, explorers) ---------------

    @query(...sig('get_blocks'))
    get_blocks(): void {
        const a = arg(T.GetBlocksArgs) as { start: bigint; length: bigint };
        const count = this.ledger.state.blockCount();
        const { first, end } = legacyRange(a.start, a.length, count);
        const blocks: Uint8Array[] = [];
        for (let i = first; i < end; i++) blocks.push(this.ledger.state.blockBytes(i) as Uint8Array);
        msgReply(candidBlocks.legacyReply(first, count, dataCertificate(), blocks));
    }

    @query(...sig('get_transactions'))
    get_transactions(): void {
        const a = arg(T.GetBlocksArgs) as { start: bigint; length: bigint };
        const count = this.ledger.state.blockCount();
        const { first, end } = legacyRange(a.start, a.length, count);
        const transactions = [];
        for (let i = first; i < end; i++) transactions.push(legacyTransaction(decodeBlock(this.ledger.state.blockBytes(i) as Uint8Array)));
        reply(T.GetTransactionsResponse, { log_length: count, transactions, first_index: first, archived_transactions: [] });
    }

    @query(...sig('get_data_certificate'))
    get_data_certificate(): void {
        const certificate = dataCertificate();
        reply(T.DataCertificate, { certificate: certificate === undefined ? [] : [certificate], hash_tree: tipHashTree(this.ledger) });
    }
}
