/**
 * Stable memory of one canister: 64 KiB Wasm pages, allocated lazily (Azle reserves ~64 MiB at
 * init that stays mostly zero), with a per-message journal so that a trapped message can be rolled
 * back by restoring only the pages it touched, and a digest of the whole contents kept
 * incrementally (each page's hash is recomputed only after the page was written or restored).
 */
import { createHash } from 'node:crypto';

export const WASM_PAGE = 65_536;
/** The IC's stable memory limit: 500 GiB. */
export const MAX_STABLE_PAGES = (500 * 1024 * 1024 * 1024) / WASM_PAGE;

export class StableMemory {
    private pages = new Map<number, Uint8Array>();
    private sizePages = 0;
    private journal: Map<number, Uint8Array | undefined> | undefined;
    private journalSize = 0;
    /** SHA-256 of each page, dropped when the page may have changed. */
    private pageHashes = new Map<number, Buffer>();

    size(): number {
        return this.sizePages;
    }

    grow(delta: number): number {
        const old = this.sizePages;
        if (delta < 0 || old + delta > MAX_STABLE_PAGES) return -1;
        this.sizePages = old + delta;
        return old;
    }

    /** Starts recording the pre-image of every page written until commit() or rollback(). */
    begin(): void {
        this.journal = new Map();
        this.journalSize = this.sizePages;
    }

    commit(): void {
        this.journal = undefined;
    }

    rollback(): void {
        if (this.journal === undefined) return;
        for (const [index, before] of this.journal) {
            if (before === undefined) this.pages.delete(index);
            else this.pages.set(index, before);
            this.pageHashes.delete(index);
        }
        this.sizePages = this.journalSize;
        this.journal = undefined;
    }

    inBounds(offset: bigint, length: bigint): boolean {
        return offset >= 0n && length >= 0n && offset + length <= BigInt(this.sizePages) * BigInt(WASM_PAGE);
    }

    read(offset: number, target: Uint8Array): void {
        let done = 0;
        while (done < target.length) {
            const at = offset + done;
            const index = Math.floor(at / WASM_PAGE);
            const within = at % WASM_PAGE;
            const n = Math.min(WASM_PAGE - within, target.length - done);
            const page = this.pages.get(index);
            if (page === undefined) target.fill(0, done, done + n);
            else target.set(page.subarray(within, within + n), done);
            done += n;
        }
    }

    write(offset: number, source: Uint8Array): void {
        let done = 0;
        while (done < source.length) {
            const at = offset + done;
            const index = Math.floor(at / WASM_PAGE);
            const within = at % WASM_PAGE;
            const n = Math.min(WASM_PAGE - within, source.length - done);
            let page = this.pages.get(index);
            if (this.journal !== undefined && !this.journal.has(index)) {
                this.journal.set(index, page === undefined ? undefined : page.slice());
            }
            if (page === undefined) {
                page = new Uint8Array(WASM_PAGE);
                this.pages.set(index, page);
            }
            page.set(source.subarray(done, done + n), within);
            this.pageHashes.delete(index);
            done += n;
        }
    }

    /**
     * SHA-256 over the size and every page's contents (zero pages that were never written hash as
     * absent: two memories with equal bytes and equal size may still differ here only when one
     * wrote zeros to a page the other never touched). Equal digests before and after a message
     * mean the message changed no byte of stable memory.
     */
    digest(): Uint8Array {
        const h = createHash('sha256').update(`size ${this.sizePages};`);
        for (const index of [...this.pages.keys()].sort((a, b) => a - b)) {
            let ph = this.pageHashes.get(index);
            if (ph === undefined) {
                ph = createHash('sha256').update(this.pages.get(index) as Uint8Array).digest();
                this.pageHashes.set(index, ph);
            }
            h.update(`page ${index};`).update(ph);
        }
        return new Uint8Array(h.digest());
    }

    /** Pages that have ever been written (for saving a canister's state to disk). */
    exportPages(): { sizePages: number; pages: [number, Uint8Array][] } {
        return { sizePages: this.sizePages, pages: [...this.pages.entries()].map(([i, p]) => [i, p.slice()]) };
    }

    static fromPages(sizePages: number, pages: [number, Uint8Array][]): StableMemory {
        const m = new StableMemory();
        m.sizePages = sizePages;
        for (const [i, p] of pages) m.pages.set(i, p.slice());
        return m;
    }

    replaceWith(saved: { sizePages: number; pages: [number, Uint8Array][] }): void {
        this.pages = new Map(saved.pages.map(([i, p]) => [i, p.slice()]));
        this.pageHashes.clear();
        this.sizePages = saved.sizePages;
        this.journal = undefined;
    }

    clear(): void {
        this.pages.clear();
        this.pageHashes.clear();
        this.sizePages = 0;
        this.journal = undefined;
    }
}
