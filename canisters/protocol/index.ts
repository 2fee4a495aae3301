/**
 * emc_protocol — the EMC protocol canister's entry points. Each method is one call of `handle`
 * (./dispatch.ts: decode with our codec, the method's handler from ./api/, encode and reply); the
 * Candid signature comes from the method table (src/protocol/api/interface.ts), so the .did and
 * the handlers cannot disagree. Install, upgrade and the maintenance timer are in ./lifecycle.ts;
 * `canister_inspect_message` refuses what execution would refuse (docs/security.md).
 */
import { init, inspectMessage, msgArgData, postUpgrade, query, update } from 'azle';

import { decode } from '../../src/lib/candid/candid';
import { ProtocolArgT } from '../../src/protocol/api/candid';
import { PROTOCOL_METHODS, type ProtocolMethod } from '../../src/protocol/api/interface';
import { candidType, methodSig } from '../common/candid-sig';
import { inspectOrTrap } from '../common/inspect';
import { handle } from './dispatch';
import { INGRESS, install, upgrade } from './lifecycle';

const idl = candidType;

function sig(name: ProtocolMethod): ReturnType<typeof methodSig> {
    return methodSig(PROTOCOL_METHODS[name]);
}

const initArg = () => decode([ProtocolArgT], msgArgData())[0] as Parameters<typeof install>[0];

export default class {
    @init([idl(ProtocolArgT)], { manual: true })
    init(): void {
        install(initArg());
    }

    @postUpgrade([idl(ProtocolArgT)], { manual: true })
    postUpgrade(): void {
        upgrade(initArg());
    }

    /** Refuses unknown methods, the anonymous caller of every update and oversize arguments (docs/security.md). */
    @inspectMessage({ manual: true })
    inspectMessage(): boolean {
        return inspectOrTrap('emc_protocol', INGRESS);
    }

    @update(...sig('register_node')) register_node(): void | Promise<void> { return handle('register_node'); }
    @update(...sig('stake_compute')) stake_compute(): void | Promise<void> { return handle('stake_compute'); }
    @update(...sig('top_up')) top_up(): void | Promise<void> { return handle('top_up'); }
    @update(...sig('renew')) renew(): void | Promise<void> { return handle('renew'); }
    @update(...sig('withdraw_candidacy')) withdraw_candidacy(): void | Promise<void> { return handle('withdraw_candidacy'); }
    @update(...sig('retry_operation')) retry_operation(): void | Promise<void> { return handle('retry_operation'); }
    @update(...sig('admit_validators')) admit_validators(): void | Promise<void> { return handle('admit_validators'); }
    @update(...sig('propose_batch')) propose_batch(): void | Promise<void> { return handle('propose_batch'); }
    @update(...sig('vote_batch')) vote_batch(): void | Promise<void> { return handle('vote_batch'); }
    @query(...sig('get_node')) get_node(): void { return handle('get_node') as void; }
    @query(...sig('list_nodes')) list_nodes(): void { return handle('list_nodes') as void; }
    @query(...sig('validator_set')) validator_set(): void { return handle('validator_set') as void; }
    @query(...sig('get_batch')) get_batch(): void { return handle('get_batch') as void; }
    @query(...sig('certified_tip')) certified_tip(): void { return handle('certified_tip') as void; }
    @query(...sig('preview_e_value')) preview_e_value(): void { return handle('preview_e_value') as void; }
    @query(...sig('protocol_info')) protocol_info(): void { return handle('protocol_info') as void; }
    @update(...sig('claim_rewards')) claim_rewards(): void | Promise<void> { return handle('claim_rewards'); }
    @query(...sig('node_rewards')) node_rewards(): void { return handle('node_rewards') as void; }
    @query(...sig('rewards_summary')) rewards_summary(): void { return handle('rewards_summary') as void; }
    @query(...sig('epoch_records')) epoch_records(): void { return handle('epoch_records') as void; }
    @query(...sig('emission_schedule')) emission_schedule(): void { return handle('emission_schedule') as void; }
    @update(...sig('open_impeachment')) open_impeachment(): void | Promise<void> { return handle('open_impeachment'); }
    @update(...sig('vote_impeachment')) vote_impeachment(): void | Promise<void> { return handle('vote_impeachment'); }
    @update(...sig('report_key_compromise')) report_key_compromise(): void | Promise<void> { return handle('report_key_compromise'); }
    @update(...sig('answer_key_report')) answer_key_report(): void | Promise<void> { return handle('answer_key_report'); }
    @query(...sig('get_vote')) get_vote(): void { return handle('get_vote') as void; }
    @query(...sig('list_votes')) list_votes(): void { return handle('list_votes') as void; }
    @query(...sig('penalty_log')) penalty_log(): void { return handle('penalty_log') as void; }
    @query(...sig('penalties_summary')) penalties_summary(): void { return handle('penalties_summary') as void; }
    @update(...sig('set_governance')) set_governance(): void | Promise<void> { return handle('set_governance'); }
    @query(...sig('validate_set_governance')) validate_set_governance(): void { return handle('validate_set_governance') as void; }
    @update(...sig('update_params')) update_params(): void | Promise<void> { return handle('update_params'); }
    @query(...sig('validate_update_params')) validate_update_params(): void { return handle('validate_update_params') as void; }
    @query(...sig('validate_admit_validators')) validate_admit_validators(): void { return handle('validate_admit_validators') as void; }
    @update(...sig('pay_grant')) pay_grant(): void | Promise<void> { return handle('pay_grant'); }
    @query(...sig('validate_pay_grant')) validate_pay_grant(): void { return handle('validate_pay_grant') as void; }
    @update(...sig('airdrop_batch')) airdrop_batch(): void | Promise<void> { return handle('airdrop_batch'); }
    @query(...sig('validate_airdrop_batch')) validate_airdrop_batch(): void { return handle('validate_airdrop_batch') as void; }
    @update(...sig('pause')) pause(): void | Promise<void> { return handle('pause'); }
    @query(...sig('validate_pause')) validate_pause(): void { return handle('validate_pause') as void; }
    @update(...sig('resume')) resume(): void | Promise<void> { return handle('resume'); }
    @query(...sig('validate_resume')) validate_resume(): void { return handle('validate_resume') as void; }
    @query(...sig('governance_log')) governance_log(): void { return handle('governance_log') as void; }
    @query(...sig('get_payout')) get_payout(): void { return handle('get_payout') as void; }
    @query(...sig('protocol_params')) protocol_params(): void { return handle('protocol_params') as void; }
    @query(...sig('health')) health(): void { return handle('health') as void; }
    @update(...sig('market_offer')) market_offer(): void | Promise<void> { return handle('market_offer'); }
    @update(...sig('market_close_offer')) market_close_offer(): void | Promise<void> { return handle('market_close_offer'); }
    @update(...sig('market_open')) market_open(): void | Promise<void> { return handle('market_open'); }
    @update(...sig('market_close')) market_close(): void | Promise<void> { return handle('market_close'); }
    @update(...sig('market_dispute')) market_dispute(): void | Promise<void> { return handle('market_dispute'); }
    @update(...sig('market_claim')) market_claim(): void | Promise<void> { return handle('market_claim'); }
    @query(...sig('market_offers')) market_offers(): void { return handle('market_offers') as void; }
    @query(...sig('market_get_order')) market_get_order(): void { return handle('market_get_order') as void; }
    @query(...sig('market_orders')) market_orders(): void { return handle('market_orders') as void; }
    @query(...sig('market_pending')) market_pending(): void { return handle('market_pending') as void; }
    @query(...sig('market_receipts')) market_receipts(): void { return handle('market_receipts') as void; }
    @query(...sig('market_account')) market_account(): void { return handle('market_account') as void; }
    @query(...sig('market_summary')) market_summary(): void { return handle('market_summary') as void; }
    @query(...sig('trading_reward_schedule')) trading_reward_schedule(): void { return handle('trading_reward_schedule') as void; }
    @update(...sig('market_set_params')) market_set_params(): void | Promise<void> { return handle('market_set_params'); }
    @query(...sig('validate_market_set_params')) validate_market_set_params(): void { return handle('validate_market_set_params') as void; }
    @update(...sig('market_set_reference_prices')) market_set_reference_prices(): void | Promise<void> { return handle('market_set_reference_prices'); }
    @query(...sig('validate_market_set_reference_prices')) validate_market_set_reference_prices(): void { return handle('validate_market_set_reference_prices') as void; }
    @update(...sig('start_trading_rewards')) start_trading_rewards(): void | Promise<void> { return handle('start_trading_rewards'); }
    @query(...sig('validate_start_trading_rewards')) validate_start_trading_rewards(): void { return handle('validate_start_trading_rewards') as void; }
    @update(...sig('market_pause')) market_pause(): void | Promise<void> { return handle('market_pause'); }
    @query(...sig('validate_market_pause')) validate_market_pause(): void { return handle('validate_market_pause') as void; }
    @update(...sig('market_resume')) market_resume(): void | Promise<void> { return handle('market_resume'); }
    @query(...sig('validate_market_resume')) validate_market_resume(): void { return handle('validate_market_resume') as void; }
    // ----- linear release (spec §13.1): one line per endpoint -----
    @update(...sig('add_vesting_schedule')) add_vesting_schedule(): void | Promise<void> { return handle('add_vesting_schedule'); }
    @query(...sig('validate_add_vesting_schedule')) validate_add_vesting_schedule(): void { return handle('validate_add_vesting_schedule') as void; }
    @update(...sig('claim_vesting')) claim_vesting(): void | Promise<void> { return handle('claim_vesting'); }
    @update(...sig('offer_vesting')) offer_vesting(): void | Promise<void> { return handle('offer_vesting'); }
    @update(...sig('accept_vesting')) accept_vesting(): void | Promise<void> { return handle('accept_vesting'); }
    @query(...sig('get_vesting')) get_vesting(): void { return handle('get_vesting') as void; }
    @query(...sig('list_vesting')) list_vesting(): void { return handle('list_vesting') as void; }
    @query(...sig('vesting_tranches')) vesting_tranches(): void { return handle('vesting_tranches') as void; }
    @query(...sig('vesting_summary')) vesting_summary(): void { return handle('vesting_summary') as void; }

    // ----- majority-game lock-up (spec §14): one line per endpoint -----
    @update(...sig('start_lockup_game')) start_lockup_game(): void | Promise<void> { return handle('start_lockup_game'); }
    @query(...sig('validate_start_lockup_game')) validate_start_lockup_game(): void { return handle('validate_start_lockup_game') as void; }
    @update(...sig('lock_tokens')) lock_tokens(): void | Promise<void> { return handle('lock_tokens'); }
    @update(...sig('claim_lock')) claim_lock(): void | Promise<void> { return handle('claim_lock'); }
    @query(...sig('lockup_game')) lockup_game(): void { return handle('lockup_game') as void; }
    @query(...sig('lockup_period')) lockup_period(): void { return handle('lockup_period') as void; }
    @query(...sig('get_lock')) get_lock(): void { return handle('get_lock') as void; }
    @query(...sig('list_locks')) list_locks(): void { return handle('list_locks') as void; }

    // ----- airdrop / mapping (spec §13.2): one line per endpoint -----
    @update(...sig('create_mapping')) create_mapping(): void | Promise<void> { return handle('create_mapping'); }
    @query(...sig('validate_create_mapping')) validate_create_mapping(): void { return handle('validate_create_mapping') as void; }
    @update(...sig('load_mapping_entries')) load_mapping_entries(): void | Promise<void> { return handle('load_mapping_entries'); }
    @query(...sig('validate_load_mapping_entries')) validate_load_mapping_entries(): void { return handle('validate_load_mapping_entries') as void; }
    @update(...sig('seal_mapping')) seal_mapping(): void | Promise<void> { return handle('seal_mapping'); }
    @query(...sig('validate_seal_mapping')) validate_seal_mapping(): void { return handle('validate_seal_mapping') as void; }
    @update(...sig('claim_mapping')) claim_mapping(): void | Promise<void> { return handle('claim_mapping'); }
    @update(...sig('sweep_mapping')) sweep_mapping(): void | Promise<void> { return handle('sweep_mapping'); }
    @query(...sig('get_mapping')) get_mapping(): void { return handle('get_mapping') as void; }
    @query(...sig('mapping_entry')) mapping_entry(): void { return handle('mapping_entry') as void; }

    // ----- ecosystem projects (spec §13.3): one line per endpoint -----
    @update(...sig('register_project')) register_project(): void | Promise<void> { return handle('register_project'); }
    @query(...sig('validate_register_project')) validate_register_project(): void { return handle('validate_register_project') as void; }
    @update(...sig('set_project_status')) set_project_status(): void | Promise<void> { return handle('set_project_status'); }
    @query(...sig('validate_set_project_status')) validate_set_project_status(): void { return handle('validate_set_project_status') as void; }
    @update(...sig('restrict_grants_to_quality')) restrict_grants_to_quality(): void | Promise<void> { return handle('restrict_grants_to_quality'); }
    @query(...sig('validate_restrict_grants_to_quality')) validate_restrict_grants_to_quality(): void { return handle('validate_restrict_grants_to_quality') as void; }
    @query(...sig('get_project')) get_project(): void { return handle('get_project') as void; }
    @query(...sig('list_projects')) list_projects(): void { return handle('list_projects') as void; }
    @query(...sig('project_history')) project_history(): void { return handle('project_history') as void; }
    @query(...sig('projects_summary')) projects_summary(): void { return handle('projects_summary') as void; }

    // ----- the protocol's ICRC-3 log (src/protocol/log/): one line per endpoint -----
    @query(...sig('icrc3_get_blocks')) icrc3_get_blocks(): void { return handle('icrc3_get_blocks') as void; }
    @query(...sig('icrc3_get_archives')) icrc3_get_archives(): void { return handle('icrc3_get_archives') as void; }
    @query(...sig('icrc3_get_tip_certificate')) icrc3_get_tip_certificate(): void { return handle('icrc3_get_tip_certificate') as void; }
    @query(...sig('icrc3_supported_block_types')) icrc3_supported_block_types(): void { return handle('icrc3_supported_block_types') as void; }
}
