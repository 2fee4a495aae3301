/**
 * Saving a canister's stable memory to a file and reading it back, so that a network built once
 * (a benchmark's large ledger, a devnet's state directory) can be reloaded through the upgrade path.
 * Format: "EMCSTB1\0", u32 size in pages, u32 page count, then (u32 page index, 65,536 bytes) each.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { WASM_PAGE } from './stable-memory';

const MAGIC = Buffer.from('EMCSTB1\0', 'latin1');

export interface StableSnapshot {
    sizePages: number;
    pages: [number, Uint8Array][];
}

export function writeStableSnapshot(file: string, snap: StableSnapshot): void {
    const header = Buffer.alloc(MAGIC.length + 8);
    MAGIC.copy(header);
    header.writeUInt32LE(snap.sizePages, MAGIC.length);
    header.writeUInt32LE(snap.pages.length, MAGIC.length + 4);
    const parts: Buffer[] = [header];
    for (const [index, page] of snap.pages) {
        const idx = Buffer.alloc(4);
        idx.writeUInt32LE(index);
        parts.push(idx, Buffer.from(page.buffer, page.byteOffset, page.byteLength));
    }
    writeFileSync(file, Buffer.concat(parts));
}

export function readStableSnapshot(file: string): StableSnapshot {
    const buf = readFileSync(file);
    if (buf.length < MAGIC.length + 8 || !buf.subarray(0, MAGIC.length).equals(MAGIC)) throw new Error(`${file} is not a stable-memory snapshot`);
    const sizePages = buf.readUInt32LE(MAGIC.length);
    const count = buf.readUInt32LE(MAGIC.length + 4);
    const pages: [number, Uint8Array][] = [];
    let at = MAGIC.length + 8;
    for (let i = 0; i < count; i++) {
        if (at + 4 + WASM_PAGE > buf.length) throw new Error(`${file} is truncated: ${buf.length} bytes, page ${i + 1} of ${count} ends at byte ${at + 4 + WASM_PAGE}`);
        const index = buf.readUInt32LE(at);
        if (index >= sizePages) throw new Error(`${file} is corrupt: page index ${index} is beyond its size of ${sizePages} pages`);
        pages.push([index, new Uint8Array(buf.subarray(at + 4, at + 4 + WASM_PAGE))]);
        at += 4 + WASM_PAGE;
    }
    if (at !== buf.length) throw new Error(`${file} is truncated or has trailing bytes`);
    return { sizePages, pages };
}
