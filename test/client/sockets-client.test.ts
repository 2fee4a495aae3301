/**
 * The SDK's SocketsClient pieces that need no network (src/client/sockets.ts, converters/sockets.ts,
 * errors/sockets.ts): the input checks made before any call, the socket read from its `emc:`
 * metadata, and one readable message per standard error case.
 */
import { Principal } from '@dfinity/principal';
import { socketOf } from '../../src/client/converters/sockets';
import { describeSocketError } from '../../src/client/errors/sockets';
import { socketInputProblem } from '../../src/client/sockets';

const P = Principal.fromText('aaaaa-aa');

describe('SocketsClient without a network', () => {
    it('checks inputs before any call', () => {
        expect(socketInputProblem({ tokenId: 3n, accounts: [{ owner: P }], memo: new Uint8Array(32) })).toBeUndefined();
        expect(socketInputProblem({ tokenId: -1n })).toMatch(/natural number/);
        expect(socketInputProblem({ memo: new Uint8Array(33) })).toMatch(/at most 32/);
        expect(socketInputProblem({ subaccounts: [new Uint8Array(31)] })).toMatch(/32 bytes/);
        expect(socketInputProblem({ accounts: [{ owner: P, subaccount: new Uint8Array(33) }] })).toMatch(/32 bytes/);
    });

    it('reads a socket from its emc: token metadata', () => {
        const s = socketOf(7n, { owner: P }, [
            ['emc:offer', { Nat: 2n }], ['emc:node_id', { Text: 'gpu1' }], ['emc:service', { Text: 'sdxl-1.0' }], ['emc:unit', { Text: 'task' }], ['emc:price', { Nat: 100n }],
            ['emc:units_bought', { Nat: 10n }], ['emc:units_confirmed', { Nat: 4n }], ['emc:escrow', { Nat: 600n }], ['emc:expires_at', { Nat: 9n }], ['emc:status', { Text: 'open' }],
        ]);
        expect(s).toEqual({ id: 7n, owner: { owner: P }, offer: 2n, nodeId: 'gpu1', service: 'sdxl-1.0', unit: 'task', price: 100n, unitsBought: 10n, unitsConfirmed: 4n, escrow: 600n, expiresAt: 9n, status: 'open' });
    });

    it('describes every error case of the standards', () => {
        for (const k of ['NonExistingTokenId', 'InvalidRecipient', 'Unauthorized', 'TooOld', 'InvalidSpender', 'ApprovalDoesNotExist']) expect(describeSocketError({ [k]: null })).not.toBe(k);
        expect(describeSocketError({ CreatedInFuture: { ledger_time: 5n } })).toMatch(/\(5\)/);
        expect(describeSocketError({ Duplicate: { duplicate_of: 12n } })).toBe('already done in block 12');
        expect(describeSocketError({ GenericError: { error_code: 2n, message: 'order 3 is closing' } })).toBe('order 3 is closing (code 2)');
        expect(describeSocketError({ GenericBatchError: { error_code: 100n, message: 'anonymous' } })).toBe('anonymous (code 100)');
    });
});
