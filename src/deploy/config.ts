/**
 * The deployment's configuration (deploy.json, one section per dfx network) and the two install
 * arguments it produces. Rules (docs/deploy.md):
 *  - governance: on `local` the deployer's dfx identity by default (`"deployer"`), so that a
 *    developer can admit validators and change parameters; on any other network it must be given
 *    explicitly as a principal (the NNS governance canister, an SNS governance canister, or a
 *    principal for a staged hand-over) — never a silent default.
 *  - the protocol's init argument: `variant { Init = record { ledger; governance; genesis_time;
 *    epoch_seconds } }` with the ledger's id; the ledger's: DFINITY's `LedgerArg` with the protocol
 *    canister as the minting account (src/ledger/init-arg.ts builds it).
 *  - genesis balances: accounts (`"deployer"`, a principal, or an ICRC-1 account text) and EMC
 *    amounts as decimal text; they total at most 1,302,000,000 EMC (spec §1: 2.1 B minus the two
 *    pools the protocol mints), at most MAX_GENESIS_ACCOUNTS entries (the install argument goes to
 *    dfx on its command line, as hex), no account twice, none the minting account.
 * Every input is checked here and refused with a readable message before dfx is run.
 * Storage: none. Cost: linear in the number of genesis balances.
 */
import { IDL } from '@dfinity/candid';
import { Principal } from '@dfinity/principal';
import { encode } from '../lib/candid/candid';
import { toIdl } from '../lib/candid/to-idl';
import { parseAccount, parsePrincipal } from '../client/account';
import { parseAmount } from '../client/amount';
import * as L from '../ledger/api/candid';
import { EMC_FEE, ledgerInitArg } from '../ledger/init-arg';
import * as P from '../protocol/api/candid';
import { E8S_PER_EMC, MAX_GENESIS_E8S, MAX_SUPPLY_E8S } from '../protocol/model/supply';

export { E8S_PER_EMC, MAX_GENESIS_E8S, MAX_SUPPLY_E8S };

/** Keeps the ledger's install argument well under a command line's 128 KiB (it is passed as hex). */
export const MAX_GENESIS_ACCOUNTS = 1_000;
export const MAX_EPOCH_SECONDS = 366n * 86_400n;

export class DeployConfigError extends Error {}

/** One network's section of deploy.json, as written. */
export interface NetworkConfigJson {
    governance?: string | null;
    initial_balances?: { account: string; amount: string }[];
    transfer_fee?: string | null;
    max_supply?: string | null;
    fee_collector?: string | null;
    index_principal?: string | null;
    logo?: string | null;
    genesis_time_ns?: string | null;
    epoch_seconds?: number | string | null;
    cycles?: number | string | null;
}

const KNOWN_KEYS = ['governance', 'initial_balances', 'transfer_fee', 'max_supply', 'fee_collector', 'index_principal', 'logo', 'genesis_time_ns', 'epoch_seconds', 'cycles'];

/** A network's configuration, resolved and checked. */
export interface DeployConfig {
    network: string;
    governance: Principal;
    governanceIsDeployer: boolean;
    initialBalances: [L.CAccount, bigint][];
    transferFee: bigint;
    maxSupply?: bigint;
    feeCollector?: L.CAccount;
    indexPrincipal?: Principal;
    logo?: string;
    genesisTime?: bigint;
    epochSeconds?: bigint;
    /** Cycles for `dfx canister create --with-cycles` (networks other than local). */
    cycles?: bigint;
}

const what = (network: string, key: string) => `deploy config ${network}.${key}`;

function amount(network: string, key: string, text: unknown): bigint {
    if (typeof text !== 'string') throw new DeployConfigError(`${what(network, key)} must be an EMC amount as text (e.g. "1000" or "0.001")`);
    const r = parseAmount(text);
    if (!r.ok) throw new DeployConfigError(`${what(network, key)}: ${r.error.message.replace(/^BadInput: /, '')}`);
    return r.value;
}

function principal(network: string, key: string, text: unknown): Principal {
    if (typeof text !== 'string') throw new DeployConfigError(`${what(network, key)} must be a principal as text`);
    const r = parsePrincipal(text, key);
    if (!r.ok) throw new DeployConfigError(`${what(network, key)}: ${r.error.message.replace(/^BadInput: /, '')}`);
    return r.value;
}

function account(network: string, key: string, text: unknown, deployer: Principal): L.CAccount {
    if (text === 'deployer') return { owner: deployer, subaccount: [] };
    if (typeof text !== 'string') throw new DeployConfigError(`${what(network, key)} must be "deployer", a principal or an ICRC-1 account text`);
    const r = parseAccount(text);
    if (!r.ok) throw new DeployConfigError(`${what(network, key)}: ${r.error.message.replace(/^BadInput: /, '')}`);
    return { owner: r.value.owner, subaccount: r.value.subaccount === undefined ? [] : [r.value.subaccount] };
}

function integer(network: string, key: string, v: unknown, min: bigint, max: bigint): bigint {
    const n = typeof v === 'number' && Number.isSafeInteger(v) ? BigInt(v) : typeof v === 'string' && /^\d+$/.test(v.replace(/_/g, '')) ? BigInt(v.replace(/_/g, '')) : undefined;
    if (n === undefined || n < min || n > max) throw new DeployConfigError(`${what(network, key)} must be an integer from ${min} to ${max}`);
    return n;
}

const accountKey = (a: L.CAccount): string => `${a.owner.toText()}.${Buffer.from(a.subaccount[0] ?? new Uint8Array(32)).toString('hex')}`;

/**
 * Resolves `network`'s section of the parsed deploy.json for the deployer's principal.
 * `protocolId`, when known, is checked against the genesis accounts (the minting account holds no balance).
 */
export function resolveConfig(file: unknown, network: string, deployer: Principal, protocolId?: Principal): DeployConfig {
    if (file === null || typeof file !== 'object' || Array.isArray(file)) throw new DeployConfigError('the deploy config must be a JSON object with one section per network');
    const section = (file as Record<string, unknown>)[network];
    if (section === undefined) throw new DeployConfigError(`the deploy config has no section for network '${network}' (it has: ${Object.keys(file).filter((k) => !k.startsWith('$')).join(', ')})`);
    if (section === null || typeof section !== 'object' || Array.isArray(section)) throw new DeployConfigError(`deploy config ${network} must be an object`);
    const c = section as NetworkConfigJson & Record<string, unknown>;
    for (const k of Object.keys(c)) if (!k.startsWith('$') && !KNOWN_KEYS.includes(k)) throw new DeployConfigError(`deploy config ${network}: unknown key '${k}' (known: ${KNOWN_KEYS.join(', ')})`);
    const isLocal = network === 'local';

    let governance: Principal;
    let governanceIsDeployer = false;
    const g = c.governance ?? (isLocal ? 'deployer' : null);
    if (g === null) {
        throw new DeployConfigError(
            `deploy config ${network}.governance is not set: give the principal that governs the protocol — the NNS governance canister (${P.NNS_GOVERNANCE}), your SNS governance canister, or a principal that hands over later (docs/deploy.md)`,
        );
    } else if (g === 'deployer') {
        if (!isLocal) throw new DeployConfigError(`deploy config ${network}.governance: "deployer" is only accepted on local; write the principal explicitly (${deployer.toText()}) if the deployer is to govern on ${network}`);
        governance = deployer;
        governanceIsDeployer = true;
    } else {
        governance = principal(network, 'governance', g);
        governanceIsDeployer = governance.toText() === deployer.toText();
    }
    if (governance.isAnonymous()) throw new DeployConfigError(`deploy config ${network}.governance must not be the anonymous principal`);

    const balances = c.initial_balances ?? [];
    if (!Array.isArray(balances)) throw new DeployConfigError(`${what(network, 'initial_balances')} must be a list of { "account": …, "amount": … }`);
    if (balances.length > MAX_GENESIS_ACCOUNTS) throw new DeployConfigError(`${what(network, 'initial_balances')} has ${balances.length} entries; at most ${MAX_GENESIS_ACCOUNTS} fit the install command line — pay the rest later (governance airdrop_batch) or install with your own tooling`);
    const initialBalances: [L.CAccount, bigint][] = [];
    const seen = new Set<string>();
    let total = 0n;
    balances.forEach((b, i) => {
        if (b === null || typeof b !== 'object') throw new DeployConfigError(`${what(network, `initial_balances[${i}]`)} must be { "account": …, "amount": … }`);
        const a = account(network, `initial_balances[${i}].account`, b.account, deployer);
        const n = amount(network, `initial_balances[${i}].amount`, b.amount);
        if (n === 0n) throw new DeployConfigError(`${what(network, `initial_balances[${i}].amount`)} must be more than 0`);
        const k = accountKey(a);
        if (seen.has(k)) throw new DeployConfigError(`${what(network, `initial_balances[${i}]`)}: the account ${a.owner.toText()} is listed twice`);
        seen.add(k);
        if (protocolId !== undefined && a.owner.toText() === protocolId.toText() && a.subaccount.length === 0) {
            throw new DeployConfigError(`${what(network, `initial_balances[${i}]`)}: the protocol canister's default account is the minting account and cannot hold a balance`);
        }
        total += n;
        initialBalances.push([a, n]);
    });
    if (total > MAX_GENESIS_E8S) throw new DeployConfigError(`deploy config ${network}: the genesis balances total ${total / E8S_PER_EMC} EMC, more than the ${MAX_GENESIS_E8S / E8S_PER_EMC} EMC the supply plan allows (spec §1)`);

    const transferFee = c.transfer_fee === undefined || c.transfer_fee === null ? EMC_FEE : amount(network, 'transfer_fee', c.transfer_fee);
    const maxSupply = c.max_supply === undefined || c.max_supply === null ? undefined : amount(network, 'max_supply', c.max_supply);
    if (maxSupply !== undefined && (maxSupply > MAX_SUPPLY_E8S || maxSupply < total)) throw new DeployConfigError(`${what(network, 'max_supply')} must be between the genesis total and 2,100,000,000 EMC`);
    const feeCollector = c.fee_collector === undefined || c.fee_collector === null ? undefined : account(network, 'fee_collector', c.fee_collector, deployer);
    const indexPrincipal = c.index_principal === undefined || c.index_principal === null ? undefined : principal(network, 'index_principal', c.index_principal);
    if (c.logo !== undefined && c.logo !== null && (typeof c.logo !== 'string' || !c.logo.startsWith('data:image/') || c.logo.length > 32_768)) {
        throw new DeployConfigError(`${what(network, 'logo')} must be a data:image/… URL of at most 32 KiB`);
    }
    const genesisTime = c.genesis_time_ns === undefined || c.genesis_time_ns === null ? undefined : integer(network, 'genesis_time_ns', c.genesis_time_ns, 0n, (1n << 64n) - 1n);
    const epochSeconds = c.epoch_seconds === undefined || c.epoch_seconds === null ? undefined : integer(network, 'epoch_seconds', c.epoch_seconds, 60n, MAX_EPOCH_SECONDS);
    const cycles = c.cycles === undefined || c.cycles === null ? undefined : integer(network, 'cycles', c.cycles, 1n, 10n ** 15n);
    return {
        network,
        governance,
        governanceIsDeployer,
        initialBalances,
        transferFee,
        ...(maxSupply === undefined ? {} : { maxSupply }),
        ...(feeCollector === undefined ? {} : { feeCollector }),
        ...(indexPrincipal === undefined ? {} : { indexPrincipal }),
        ...(typeof c.logo === 'string' ? { logo: c.logo } : {}),
        ...(genesisTime === undefined ? {} : { genesisTime }),
        ...(epochSeconds === undefined ? {} : { epochSeconds }),
        ...(cycles === undefined ? {} : { cycles }),
    };
}

/** The protocol's install argument value: `variant { Init = record { … } }`. */
export function protocolInitValue(c: DeployConfig, ledger: Principal) {
    return {
        Init: {
            ledger,
            governance: [c.governance] as [Principal],
            genesis_time: c.genesisTime === undefined ? ([] as []) : ([c.genesisTime] as [bigint]),
            epoch_seconds: c.epochSeconds === undefined ? ([] as []) : ([c.epochSeconds] as [bigint]),
            vesting: [] as [],
        },
    };
}

export function protocolInitArg(c: DeployConfig, ledger: Principal): Uint8Array {
    return encode([P.ProtocolArgT], [protocolInitValue(c, ledger)]);
}

export function protocolUpgradeArg(): Uint8Array {
    return encode([P.ProtocolArgT], [{ Upgrade: [] }]);
}

export function ledgerInstallArg(c: DeployConfig, protocol: Principal): Uint8Array {
    return ledgerInitArg({
        minting: protocol,
        balances: c.initialBalances,
        fee: c.transferFee,
        ...(c.maxSupply === undefined ? {} : { maxSupply: c.maxSupply }),
        ...(c.feeCollector === undefined ? {} : { feeCollector: c.feeCollector }),
        ...(c.indexPrincipal === undefined ? {} : { indexPrincipal: c.indexPrincipal }),
        ...(c.logo === undefined ? {} : { metadata: [['icrc1:logo', { Text: c.logo }]] }),
    });
}

export function ledgerUpgradeArg(): Uint8Array {
    return encode([L.LedgerArg], [{ Upgrade: [] }]);
}

/** An install argument as Candid text (what `dfx canister install --argument` would take), for people to read. */
export function candidText(kind: 'ledger' | 'protocol', arg: Uint8Array): string {
    const t = toIdl(IDL as never, kind === 'ledger' ? L.LedgerArg : P.ProtocolArgT) as IDL.Type;
    const [v] = IDL.decode([t], arg);
    return `(${t.valueToString(v)})`;
}

export const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
