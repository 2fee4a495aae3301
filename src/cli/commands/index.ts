/** Every `emc` command, in the order `emc --help` lists them, and the groups. One file per group. */
import type { Command } from './command';
import { DISTRIBUTION_COMMANDS, DISTRIBUTION_GROUPS } from './distribution';
import { GENERAL_COMMANDS } from './general';
import { GOV_COMMANDS } from './gov';
import { LEDGER_COMMANDS } from './ledger';
import { MARKET_COMMANDS } from './market';
import { SOCKET_COMMANDS } from './socket';
import { NODE_COMMANDS } from './node';
import { VALIDATOR_COMMANDS } from './validator';
import { VOTE_COMMANDS } from './vote';

export type { Command, Output } from './command';

export const COMMANDS: Command[] = [...LEDGER_COMMANDS, ...NODE_COMMANDS, ...VALIDATOR_COMMANDS, ...VOTE_COMMANDS, ...MARKET_COMMANDS, ...SOCKET_COMMANDS, ...GOV_COMMANDS, ...DISTRIBUTION_COMMANDS, ...GENERAL_COMMANDS];

export const GROUPS: Record<string, string> = {
    ledger: 'the $EMC ledger: balances, transfers, approvals',
    node: 'compute nodes and smart routers: register, stake, renew, status, claim',
    validator: 'validators: apply, withdraw, propose and vote on state-bit batches',
    vote: 'peer votes: impeach a node of your type, report a validator key compromised, vote and answer',
    market: 'the compute market: offers, orders, disputes, claims, receipts, trading rewards',
    socket: 'compute sockets (ICRC-7 NFTs, one per order): list, show, transfer, approve, revoke',
    gov: 'governance: parameters, admissions, treasury grants and airdrops, pause/resume, the change log',
    ...DISTRIBUTION_GROUPS,
};
