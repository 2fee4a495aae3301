/** A fast-check arbitrary of node records: every field combination the binary codec can store. */
import fc from 'fast-check';
import { NODE_STATUSES, NODE_TYPES, type NodeRecord } from '../../../src/protocol/nodes/record';

const bytes = (min: number, max: number) => fc.uint8Array({ minLength: min, maxLength: max });
const account = fc.record({ owner: bytes(0, 29), subaccount: fc.option(bytes(32, 32), { nil: undefined }) }, { requiredKeys: ['owner'] });
const u64 = fc.bigInt({ min: 0n, max: (1n << 64n) - 1n });

export const nodeRecord: fc.Arbitrary<NodeRecord> = fc.record(
    {
        index: u64,
        id: fc.stringMatching(/^[A-Za-z0-9]{1,64}$/),
        type: fc.constantFrom(...NODE_TYPES),
        status: fc.constantFrom(...NODE_STATUSES),
        operator: bytes(0, 29),
        wallet: account,
        registeredAt: u64,
        admittedAt: u64,
        stake: fc.record({ amount: u64, lockDays: fc.integer({ min: 0, max: 65535 }), termStart: u64, termEnd: u64, renewals: fc.integer({ min: 0, max: 65535 }), owner: account }),
        requestedLockDays: fc.integer({ min: 0, max: 65535 }),
        pocMs: fc.integer({ min: 1, max: 2 ** 32 - 1 }),
        pocHeight: fc.bigInt({ min: 1n, max: (1n << 64n) - 1n }),
        online: fc.boolean(),
        observedAt: u64,
        e: u64,
        op: fc.record(
            { kind: fc.constantFrom('stake', 'top_up', 'renew', 'release', 'withdraw', 'claim', 'penalty' as const), amount: u64, createdAt: u64, memo: bytes(0, 32), account, days: fc.integer({ min: 0, max: 65535 }), uncertain: fc.constant(true) },
            { requiredKeys: ['kind', 'amount', 'createdAt', 'memo', 'account', 'days'] },
        ),
        opSeq: fc.integer({ min: 0, max: 2 ** 32 - 1 }),
        suspended: fc.constant(true),
        frozen: fc.constant(true),
        fault: fc.record({ from: u64, k: fc.integer({ min: 0, max: 2 ** 32 - 1 }) }),
        penaltyDue: u64,
        penalized: u64,
        stakeBasis: u64,
    },
    { requiredKeys: ['index', 'id', 'type', 'status', 'operator', 'wallet', 'registeredAt', 'e', 'opSeq'] },
).map((n) => {
    // observedAt travels with online, pocHeight with pocMs
    if (n.online === undefined) delete (n as Partial<NodeRecord>).observedAt;
    else if (n.observedAt === undefined) n.observedAt = 0n;
    if (n.pocMs === undefined) delete (n as Partial<NodeRecord>).pocHeight;
    // penaltyDue and penalized travel together
    if ((n.penaltyDue ?? 0n) === 0n && (n.penalized ?? 0n) === 0n) {
        delete (n as Partial<NodeRecord>).penaltyDue;
        delete (n as Partial<NodeRecord>).penalized;
    } else {
        n.penaltyDue = n.penaltyDue ?? 0n;
        n.penalized = n.penalized ?? 0n;
    }
    return n as NodeRecord;
});

