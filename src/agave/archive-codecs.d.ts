// Type declaration for the one part of lz4js (which ships none) that the archive check uses.
declare module 'lz4js/xxh32.js' {
  /** xxHash32 of src[index, index+len) with the given seed, as an unsigned 32-bit number. */
  export function hash(seed: number, src: Uint8Array, index: number, len: number): number;
}

declare module 'lz4js' {
  /** Compresses src into one LZ4 frame (used by tests to write real lz4 archives). */
  export function compress(src: Uint8Array, maxSize?: number): Uint8Array;
}
