/** Small byte helpers shared by the replica's modules. */
import { createHash } from 'node:crypto';

export function sha256(data: Uint8Array): Uint8Array {
    return new Uint8Array(createHash('sha256').update(data).digest());
}

export function utf8(s: string): Uint8Array {
    return new TextEncoder().encode(s);
}

export function bytesToHex(b: Uint8Array): string {
    return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');
}

export function hexToBytes(h: string): Uint8Array {
    return new Uint8Array(Buffer.from(h, 'hex'));
}

export { bytesEqual, concatBytes } from './certification/bytes';
