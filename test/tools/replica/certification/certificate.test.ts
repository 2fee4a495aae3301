import { randomBytes } from 'crypto';
import { Principal } from '@dfinity/principal';
import {
  ReplicaKey,
  buildTree,
  encodeCertificate,
  leb128,
  reconstruct,
  toHex,
  IC_ROOT_KEY_DER_PREFIX,
} from '../../../../tools/replica/certification';
import { syncedClockAgent, textOf, verifiers } from './agents';

const DAY_MS = 24 * 60 * 60 * 1000;
const nowNs = (offsetMs = 0) => BigInt(Date.now() + offsetMs) * 1_000_000n;

const key = ReplicaKey.generate(new TextEncoder().encode('certificate test key'));
const canisterId = Principal.fromText('rrkah-fqaaa-aaaaa-aaaaq-cai').toUint8Array();
const requestId = new Uint8Array(randomBytes(32));
const reply = new Uint8Array(randomBytes(100));
const certifiedData = new Uint8Array(randomBytes(32));

function stateTree(timeNs: bigint) {
  return buildTree({
    time: leb128(timeNs),
    request_status: new Map([[requestId, { status: 'replied', reply }]]),
    canister: new Map([[canisterId, { certified_data: certifiedData }]]),
  });
}

describe('ReplicaKey', () => {
  it('has the IC root key DER layout', () => {
    expect(key.publicKeyDer.length).toBe(133);
    expect(toHex(key.publicKeyDer.subarray(0, 37))).toBe(toHex(IC_ROOT_KEY_DER_PREFIX));
    expect(toHex(key.publicKeyDer.subarray(37))).toBe(toHex(key.publicKey));
  });

  it('is deterministic for a seed and random without one', () => {
    const seed = new Uint8Array(32).fill(42);
    const a = ReplicaKey.generate(seed);
    const b = ReplicaKey.generate(seed);
    expect(toHex(a.publicKeyDer)).toBe(toHex(b.publicKeyDer));
    const msg = new Uint8Array([1, 2, 3]);
    expect(toHex(a.sign(msg))).toBe(toHex(b.sign(msg)));
    expect(a.sign(msg).length).toBe(48);
    expect(toHex(ReplicaKey.generate(new Uint8Array(32).fill(43)).publicKey)).not.toBe(toHex(a.publicKey));
    expect(toHex(ReplicaKey.generate().publicKey)).not.toBe(toHex(ReplicaKey.generate().publicKey));
  });

  it('produces certificates with the self-describe tag and { tree, signature }', () => {
    const cert = key.certify(stateTree(nowNs()));
    expect(toHex(cert.subarray(0, 3))).toBe('d9d9f7');
    expect(toHex(cert.subarray(3, 8))).toBe('a264747265'); // map(2), "tree"...
  });
});

describe.each(verifiers)('certificates verified by $name', v => {
  it('verifies with the real BLS check and looks the values up', async () => {
    const lookup = await v.verify({ certificate: key.certify(stateTree(nowNs())), rootKey: key.publicKeyDer, canisterId });
    expect(textOf(lookup(['request_status', requestId, 'status']))).toBe('replied');
    const r = lookup(['request_status', requestId, 'reply']);
    expect(r.status).toBe('Found');
    expect(toHex(r.value as Uint8Array)).toBe(toHex(reply));
    const cd = lookup(['canister', canisterId, 'certified_data']);
    expect(toHex(cd.value as Uint8Array)).toBe(toHex(certifiedData));
    expect(lookup(['request_status', new Uint8Array(32), 'status']).status).toBe('Absent');
  });

  it('rejects a flipped signature bit', async () => {
    const tree = stateTree(nowNs());
    const sig = key.signStateRoot(reconstruct(tree));
    // low bits of x: usually not a curve point any more; 0x20 in byte 0 is the sign flag of the
    // compressed point, which gives the (valid) negated point: a well-formed but wrong signature.
    for (const [i, bit] of [[0, 0x20], [20, 0x01], [47, 0x01], [47, 0x80]]) {
      const bad = sig.slice();
      bad[i] ^= bit;
      await expect(
        v.verify({ certificate: encodeCertificate(tree, bad), rootKey: key.publicKeyDer, canisterId }),
      ).rejects.toThrow(/signature/i);
    }
    // a valid signature by another key over the same message
    const otherSig = ReplicaKey.generate().signStateRoot(reconstruct(tree));
    await expect(
      v.verify({ certificate: encodeCertificate(tree, otherSig), rootKey: key.publicKeyDer, canisterId }),
    ).rejects.toThrow(/Invalid signature/);
    // sanity: the unmodified signature passes through the same path
    await expect(
      v.verify({ certificate: encodeCertificate(tree, sig), rootKey: key.publicKeyDer, canisterId }),
    ).resolves.toBeDefined();
  });

  it('rejects a wrong root key', async () => {
    const other = ReplicaKey.generate(new TextEncoder().encode('another replica'));
    await expect(
      v.verify({ certificate: key.certify(stateTree(nowNs())), rootKey: other.publicKeyDer, canisterId }),
    ).rejects.toThrow(/Invalid signature/);
    // the bare 96-byte key is not accepted either: a DER-wrapped key is required
    await expect(
      v.verify({ certificate: key.certify(stateTree(nowNs())), rootKey: key.publicKey, canisterId }),
    ).rejects.toThrow(/133 bytes/);
  });

  it('rejects a modified tree', async () => {
    const time = nowNs();
    const tree = stateTree(time);
    const sig = key.signStateRoot(reconstruct(tree));
    const forged = buildTree({
      time: leb128(time),
      request_status: new Map([[requestId, { status: 'rejected', reply }]]),
      canister: new Map([[canisterId, { certified_data: certifiedData }]]),
    });
    await expect(
      v.verify({ certificate: encodeCertificate(forged, sig), rootKey: key.publicKeyDer, canisterId }),
    ).rejects.toThrow(/Invalid signature/);
  });

  it('rejects a certificate without time', async () => {
    const tree = buildTree({ canister: new Map([[canisterId, { certified_data: certifiedData }]]) });
    await expect(v.verify({ certificate: key.certify(tree), rootKey: key.publicKeyDer, canisterId })).rejects.toThrow(
      /time/,
    );
  });

  describe('time', () => {
    const ahead = () => key.certify(stateTree(nowNs(DAY_MS)));

    it('rejects a certificate a day in the future by default', async () => {
      await expect(v.verify({ certificate: ahead(), rootKey: key.publicKeyDer, canisterId })).rejects.toThrow(
        /more than 5 minutes in the future/,
      );
    });

    it('rejects a certificate a day old by default', async () => {
      const old = key.certify(stateTree(nowNs(-DAY_MS)));
      await expect(v.verify({ certificate: old, rootKey: key.publicKeyDer, canisterId })).rejects.toThrow(/in the past/);
    });

    it('accepts it when the agent reports the clock difference', async () => {
      const lookup = await v.verify({
        certificate: ahead(),
        rootKey: key.publicKeyDer,
        canisterId,
        agent: syncedClockAgent(DAY_MS),
      });
      expect(textOf(lookup(['request_status', requestId, 'status']))).toBe('replied');
      const old = key.certify(stateTree(nowNs(-DAY_MS)));
      await expect(
        v.verify({ certificate: old, rootKey: key.publicKeyDer, canisterId, agent: syncedClockAgent(-DAY_MS) }),
      ).resolves.toBeDefined();
    });

    it('calls syncTime once when the agent has not synced yet, then uses the new difference', async () => {
      let synced = false;
      let diff = 0;
      const calls: unknown[] = [];
      const agent = {
        getTimeDiffMsecs: () => diff,
        hasSyncedTime: () => synced,
        syncTime: async (id: unknown) => {
          calls.push(id);
          synced = true;
          diff = DAY_MS;
        },
        syncTimeWithSubnet: async () => {
          throw new Error('not expected');
        },
      };
      await expect(v.verify({ certificate: ahead(), rootKey: key.publicKeyDer, canisterId, agent })).resolves.toBeDefined();
      expect(calls.length).toBe(1);
    });

    it('ignores an agent object that only has getTimeDiffMsecs', async () => {
      await expect(
        v.verify({ certificate: ahead(), rootKey: key.publicKeyDer, canisterId, agent: { getTimeDiffMsecs: () => DAY_MS } }),
      ).rejects.toThrow(/in the future/);
    });

    it('still rejects when the reported difference does not cover the offset (synced agent)', async () => {
      await expect(
        v.verify({ certificate: ahead(), rootKey: key.publicKeyDer, canisterId, agent: syncedClockAgent(0) }),
      ).rejects.toThrow(/still too far in the future/);
    });
  });
});

describe('agent duck-typing differs between the libraries', () => {
  it('@icp-sdk/core also requires syncTimeWithSubnet, @dfinity/agent does not', async () => {
    const { syncTimeWithSubnet: _unused, ...agent } = syncedClockAgent(DAY_MS);
    const certificate = key.certify(stateTree(nowNs(DAY_MS)));
    const [dfinity, icp] = verifiers;
    await expect(dfinity.verify({ certificate, rootKey: key.publicKeyDer, canisterId, agent })).resolves.toBeDefined();
    await expect(icp.verify({ certificate, rootKey: key.publicKeyDer, canisterId, agent })).rejects.toThrow(/in the future/);
  });
});
