// Type declarations for the two pure-JS codec packages that ship none.
declare module 'snappyjs' {
  /** Decompresses raw Snappy (the block format, with its own varint length), any input kind. */
  export function uncompress<T extends Uint8Array | ArrayBuffer>(compressed: T, maxLength?: number): T;
}

declare module 'lz4js' {
  /** Decodes one raw LZ4 block from src[sIndex, sIndex+sLength) into dst at dIndex; returns the end index. */
  export function decompressBlock(src: Uint8Array, dst: Uint8Array, sIndex: number, sLength: number, dIndex: number): number;
}
