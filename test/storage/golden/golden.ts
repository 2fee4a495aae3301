/**
 * Helpers of the golden-bytes tests: stored bytes written as annotated hex, and stores dumped in
 * key order, so a test reads as the record layout it pins.
 */
import type { KV } from '../../../src/lib/storage/kv';
import { MemoryKV } from '../../../src/lib/storage/kv';

export const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

export function unhex(h: string): Uint8Array {
    if (!/^([0-9a-f]{2})*$/.test(h)) throw new Error(`not hex: ${h}`);
    return new Uint8Array(Buffer.from(h, 'hex'));
}

/** A golden value from annotated segments: `h('03', '0000000000000007')`, spaces ignored. */
export function h(...parts: string[]): string {
    return parts.join('').replace(/\s+/g, '');
}

/** ASCII text as hex (for the text parts of a golden value). */
export function ascii(s: string): string {
    return Buffer.from(s, 'latin1').toString('hex');
}

/** u64 big-endian as hex. */
export function u64(n: bigint | number): string {
    return BigInt(n).toString(16).padStart(16, '0');
}

/** A store's entries in key order, as hex pairs. */
export function dump(kv: KV): [string, string][] {
    return kv.entries(0, kv.size()).map(([k, v]) => [hex(k), hex(v)]);
}

/** A store holding the given hex entries. */
export function load(entries: [string, string][]): MemoryKV {
    const kv = new MemoryKV();
    for (const [k, v] of entries) kv.set(unhex(k), unhex(v));
    return kv;
}
