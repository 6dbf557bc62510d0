/** File names in a RocksDB folder (file/filename.cc): numbers padded to six digits. */
export function tableFileName(number: number, extension: 'sst' | 'ldb' = 'sst'): string {
  return `${String(number).padStart(6, '0')}.${extension}`;
}

/** The number of a live WAL file name (`000123.log`), or null. */
export function walNumber(fileName: string): number | null {
  const m = /^(\d+)\.log$/.exec(fileName);
  return m?.[1] === undefined ? null : Number(m[1]);
}

/** `CURRENT` holds the live MANIFEST's name and a newline. */
export function parseCurrent(text: string): string | null {
  const m = /^(MANIFEST-\d+)\n$/.exec(text);
  return m?.[1] ?? null;
}
