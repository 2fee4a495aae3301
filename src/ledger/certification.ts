/**
 * Tip certification (ICRC-3 `icrc3_get_tip_certificate`; DFINITY's `get_data_certificate`): the
 * canister's certified data is the root hash of the tip tree over the last block's index and hash
 * (icrc3/tip-tree.ts), or of the empty tree before the first block. The tip is certified by init
 * and upgrade, and by the canister's timer after blocks were appended: once per round, not once
 * per transaction (docs/ledger.md, "Certification").
 * Storage: none of its own (the tip hash is in state.ts; the certified data is the system's); on the
 * heap, what was last certified. Cost: 8 SHA-256 compressions per certification.
 */
import type { Env } from '../lib/env';
import { tipTreeRootHash } from './icrc3/tip-tree';
import type { LedgerState } from './state';

/** reconstruct(Empty) = SHA-256("\x11ic-hashtree-empty"). */
export const EMPTY_TREE_HASH = new Uint8Array([0x4e, 0x3e, 0xd3, 0x5c, 0x4e, 0x2d, 0x1e, 0xe8, 0x99, 0x96, 0x48, 0x3f, 0xb6, 0x26, 0x0a, 0x64, 0xcf, 0xfb, 0x6c, 0x47, 0xdb, 0xab, 0x21, 0x6e, 0x79, 0x30, 0xe8, 0x2f, 0x81, 0x90, 0xd1, 0x20]);

export class TipCertification {
    /** What the certified data commits to, and the block count when it was set (-1: not yet in this heap). */
    private certified: { index: bigint; hash: Uint8Array } | undefined = undefined;
    private certifiedCount = -1n;

    constructor(
        private readonly state: LedgerState,
        private readonly env: Env,
    ) {}

    /**
     * Certified data = root hash of the tip tree (last_block_index, last_block_hash), or of the
     * empty tree. Called by init and upgrade, and by the canister's timer after blocks were
     * appended (so once per round, not once per transaction: docs/ledger.md, "Certification").
     */
    certifyTip(): void {
        const count = this.state.blockCount();
        const tip = this.state.tipHash();
        if (count === 0n || tip === undefined) {
            this.env.certify(EMPTY_TREE_HASH);
            this.certified = undefined;
        } else {
            this.env.certify(tipTreeRootHash(count - 1n, tip));
            this.certified = { index: count - 1n, hash: tip };
        }
        this.certifiedCount = count;
    }

    /** Whether blocks were appended since this heap last certified the tip. */
    certificationPending(): boolean {
        return this.certifiedCount !== this.state.blockCount();
    }

    /**
     * The (last block index, last block hash) the certified data commits to — what
     * `icrc3_get_tip_certificate` and `get_data_certificate` answer with the certificate — or
     * undefined for the empty tree. A heap copy of what `certifyTip` last certified (init and
     * post_upgrade certify, so it always matches the certified data).
     */
    certifiedTip(): { index: bigint; hash: Uint8Array } | undefined {
        return this.certified;
    }
}
