/** `emc ledger`: balances, transfers, approvals, allowances, the token (ICRC-1/2). */
import { formatAccount, parseAccount, parseSubaccount } from '../../client/account';
import type { IcrcAccount } from '../../client/types/account';
import { badInput, mapResult, ok } from '../../client/result';
import { emc } from '../../client/format/display';
import { flag } from './args';
import { account, keyValues, time } from './format';
import { command, type Command } from './command';
import { amountArg, optional, durationNs, memoArg, all, FROM_SUBACCOUNT, MEMO } from './inputs';

/** The ledger's largest allowance (its balances are u64 e8s). */
const U64_MAX = 2n ** 64n - 1n;

const ledgerBalance = command<{ account?: IcrcAccount }>({
    group: 'ledger',
    name: 'balance',
    summary: 'an account’s EMC balance (default: yours)',
    args: [{ name: 'ACCOUNT', help: 'a principal or an ICRC-1 account text', optional: true }],
    flags: [],
    update: false,
    input: (p) => mapResult(optional(p.positional[0], parseAccount), (account) => ({ account })),
    async run(c, i) {
        const who = i.account ?? { owner: c.principal };
        const r = await c.ledger.balance(who);
        return mapResult(r, (balance) => ({ json: { account: formatAccount(who), balance }, human: keyValues([['account', formatAccount(who)], ['balance', emc(balance)]]) }));
    },
});

const ledgerTransfer = command<{ to: IcrcAccount; amount: bigint; memo?: Uint8Array; fromSubaccount?: Uint8Array }>({
    group: 'ledger',
    name: 'transfer',
    summary: 'send EMC (the ledger fee, 0.001 EMC, comes on top)',
    args: [
        { name: 'TO', help: 'a principal or an ICRC-1 account text' },
        { name: 'AMOUNT', help: 'EMC, up to 8 decimals (e.g. 1.5)' },
    ],
    flags: [...MEMO, FROM_SUBACCOUNT, { name: 'allow-zero', help: 'send 0 EMC anyway (it moves nothing and still costs the fee; e.g. to record a memo)' }],
    update: true,
    input(p) {
        const r = all(parseAccount(p.positional[0] ?? ''), amountArg(p.positional[1], 'AMOUNT'), memoArg(p), optional(flag(p, 'from-subaccount'), parseSubaccount));
        if (!r.ok) return r;
        const [to, amount, memo, fromSubaccount] = r.value;
        if (amount === 0n && !p.switches.has('allow-zero')) return badInput('AMOUNT is 0: a transfer of 0 EMC moves nothing and still costs the ledger fee; give --allow-zero if that is what you want');
        return ok({ to, amount, memo, fromSubaccount });
    },
    async run(c, i) {
        const r = await c.ledger.transfer({ to: i.to, amount: i.amount, memo: i.memo, fromSubaccount: i.fromSubaccount, allowZero: true });
        return mapResult(r, (t) => ({
            json: { to: formatAccount(i.to), amount: i.amount, block_index: t.blockIndex, duplicate: t.duplicate, created_at_time: t.createdAtTime },
            human: `sent ${emc(i.amount)} to ${formatAccount(i.to)} (block ${t.blockIndex}${t.duplicate ? ', already done before' : ''})`,
        }));
    },
});

const ledgerApprove = command<{ spender: IcrcAccount; amount: bigint; expiresIn?: bigint; expected?: bigint; memo?: Uint8Array; fromSubaccount?: Uint8Array }>({
    group: 'ledger',
    name: 'approve',
    summary: 'let a spender take up to AMOUNT EMC from your account (replaces an earlier approval)',
    args: [
        { name: 'SPENDER', help: 'a principal or an ICRC-1 account text' },
        { name: 'AMOUNT', help: 'EMC the spender may take, fees included' },
    ],
    flags: [{ name: 'expires-in', value: 'DURATION', help: 'the approval lapses after this long (30m, 12h, 7d)' }, { name: 'expected-allowance', value: 'AMOUNT', help: 'refuse unless the current allowance is exactly this' }, ...MEMO, FROM_SUBACCOUNT],
    update: true,
    input: (p) =>
        mapResult(
            all(parseAccount(p.positional[0] ?? ''), amountArg(p.positional[1], 'AMOUNT'), optional(flag(p, 'expires-in'), durationNs), optional(flag(p, 'expected-allowance'), (t) => amountArg(t, '--expected-allowance')), memoArg(p), optional(flag(p, 'from-subaccount'), parseSubaccount)),
            ([spender, amount, expiresIn, expected, memo, fromSubaccount]) => ({ spender, amount, expiresIn, expected, memo, fromSubaccount }),
        ),
    async run(c, i) {
        const now = c.now();
        const expiresAt = i.expiresIn === undefined ? undefined : now + i.expiresIn;
        const r = await c.ledger.approve({ spender: i.spender, amount: i.amount, expiresAt, expectedAllowance: i.expected, memo: i.memo, fromSubaccount: i.fromSubaccount });
        if (!r.ok) return r;
        const t = r.value;
        // What the ledger recorded (it caps an allowance at 2^64 − 1 e8s), not what was asked for.
        const recorded = await c.ledger.allowance({ spender: i.spender, account: { owner: c.principal, subaccount: i.fromSubaccount } });
        if (!recorded.ok) {
            return ok({
                json: { spender: formatAccount(i.spender), requested: i.amount, amount: null, expires_at: expiresAt, block_index: t.blockIndex, duplicate: t.duplicate },
                human: `approved ${formatAccount(i.spender)} (block ${t.blockIndex}); the recorded allowance could not be read (${recorded.error.message}): check it with emc ledger allowance`,
            });
        }
        const a = recorded.value.allowance;
        const capped = a !== i.amount ? ` (requested ${emc(i.amount)}; the ledger recorded ${a < i.amount && a === U64_MAX ? 'its cap, 2^64 − 1 e8s' : 'this'})` : '';
        return ok({
            json: { spender: formatAccount(i.spender), amount: a, requested: i.amount, expires_at: recorded.value.expiresAt ?? expiresAt, block_index: t.blockIndex, duplicate: t.duplicate },
            human: `approved ${formatAccount(i.spender)} for ${emc(a)}${capped}${expiresAt === undefined ? '' : ` until ${time(expiresAt)}`} (block ${t.blockIndex}${t.duplicate ? ', already done before' : ''})`,
        });
    },
});

const ledgerAllowance = command<{ spender: IcrcAccount; owner?: IcrcAccount }>({
    group: 'ledger',
    name: 'allowance',
    summary: 'what a spender may still take from an account (default: yours)',
    args: [{ name: 'SPENDER', help: 'a principal or an ICRC-1 account text' }],
    flags: [{ name: 'owner', value: 'ACCOUNT', help: 'the approving account (default: yours)' }],
    update: false,
    input: (p) => mapResult(all(parseAccount(p.positional[0] ?? ''), optional(flag(p, 'owner'), parseAccount)), ([spender, owner]) => ({ spender, owner })),
    async run(c, i) {
        const owner = i.owner ?? { owner: c.principal };
        const r = await c.ledger.allowance({ spender: i.spender, account: owner });
        return mapResult(r, (a) => ({
            json: { owner: formatAccount(owner), spender: formatAccount(i.spender), allowance: a.allowance, expires_at: a.expiresAt },
            human: keyValues([['owner', formatAccount(owner)], ['spender', formatAccount(i.spender)], ['allowance', emc(a.allowance)], ['expires', time(a.expiresAt)]]),
        }));
    },
});

const ledgerInfo = command<Record<string, never>>({
    group: 'ledger',
    name: 'info',
    summary: 'the token: name, symbol, decimals, fee, total supply, minting account',
    args: [],
    flags: [],
    update: false,
    input: () => ok({}),
    async run(c) {
        const r = await c.ledger.metadata();
        return mapResult(r, (m) => ({
            json: { name: m.name, symbol: m.symbol, decimals: m.decimals, fee: m.fee, total_supply: m.totalSupply, minting_account: account(m.mintingAccount), ledger: c.ledger.canisterId },
            human: keyValues([['ledger', c.ledger.canisterId.toText()], ['token', `${m.name} (${m.symbol})`], ['decimals', String(m.decimals)], ['fee', emc(m.fee)], ['total supply', emc(m.totalSupply)], ['minting account', account(m.mintingAccount)]]),
        }));
    },
});

export const LEDGER_COMMANDS: Command[] = [ledgerBalance, ledgerTransfer, ledgerApprove, ledgerAllowance, ledgerInfo];
