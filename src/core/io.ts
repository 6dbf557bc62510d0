/** Where text output goes: process.stdout/stderr, or a buffer in tests. */
export interface Writer {
  write(text: string): void;
}
