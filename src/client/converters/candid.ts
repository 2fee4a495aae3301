/** Small Candid ↔ TypeScript helpers the converters share (agent-js's decoded values). */
import { Principal } from '@dfinity/principal';

/** undefined → `[]`, a value → `[value]` (a Candid `opt`). */
export function opt<T>(v: T | undefined): [] | [T] {
    return v === undefined ? [] : [v];
}

/** The case name of a Candid variant of nulls (`{ passed: null }` → `passed`). */
export function tag(v: unknown): string {
    return Object.keys(v as object)[0];
}

/** A principal as this module's Principal class (agent-js may decode with another copy of it). */
export function principal(p: unknown): Principal {
    return Principal.fromUint8Array((p as Principal).toUint8Array());
}
