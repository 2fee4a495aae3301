/** The protocol's ICRC-3 log (src/protocol/log/): blocks, archives (none), the certified tip, the block types. */
import { dataCertificate } from 'azle';

import { getBlocks } from '../../../src/protocol/log/get-blocks';
import { LOG_BLOCK_TYPES } from '../../../src/protocol/log/block-types';
import type { Handlers } from '../handlers';
import { sys } from '../lifecycle';

export const logHandlers: Handlers<'icrc3_get_blocks' | 'icrc3_get_archives' | 'icrc3_get_tip_certificate' | 'icrc3_supported_block_types'> = {
    icrc3_get_blocks: (ranges) => ({ ...getBlocks(sys.log, ranges), archived_blocks: [] }),
    icrc3_get_archives: () => [],
    icrc3_get_tip_certificate: () => {
        const certificate = dataCertificate();
        return certificate === undefined ? [] : [{ certificate, hash_tree: sys.certified.logWitness() }];
    },
    icrc3_supported_block_types: () => LOG_BLOCK_TYPES,
};
