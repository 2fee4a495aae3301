/**
 * What the domain needs from the IC, injected so that the domain runs unchanged in Node tests.
 * The canisters pass an Azle-backed implementation (canisters/common/env.ts).
 */
export interface Env {
    /** The caller of the current message, as principal bytes. */
    caller(): Uint8Array;
    /** IC time in nanoseconds since the Unix epoch (constant within a message). */
    now(): bigint;
    /** This canister's principal bytes. */
    self(): Uint8Array;
    /** Sets the canister's certified data (at most 32 bytes). */
    certify(data: Uint8Array): void;
}

/** A hand-driven Env for unit tests and tools. */
export class FakeEnv implements Env {
    certified: Uint8Array = new Uint8Array(0);

    constructor(
        public callerBytes: Uint8Array,
        public time: bigint,
        public selfBytes: Uint8Array = new Uint8Array([0, 0, 0, 0, 0, 0, 0, 1, 1, 1]),
    ) {}

    caller(): Uint8Array {
        return this.callerBytes;
    }

    now(): bigint {
        return this.time;
    }

    self(): Uint8Array {
        return this.selfBytes;
    }

    certify(data: Uint8Array): void {
        this.certified = data.slice();
    }

    as(caller: Uint8Array): this {
        this.callerBytes = caller;
        return this;
    }
}
