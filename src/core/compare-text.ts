/**
 * Orders strings by UTF-16 code units: the same order on every machine. localeCompare would
 * follow the ICU collation of the user's locale (so a --json document could list the same
 * ledger in two orders on two hosts), and costs several times more per comparison.
 */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
