/**
 * The compact UTC time stamp in every name snapplan makes (`20261121T120000Z`): sorts by
 * time, has no `:` (valid in file names, ZFS snapshot and LVM volume names), and is the same
 * whatever the host's time zone. Seconds only: two names a second apart differ.
 */
export function utcStamp(now: Date): string {
  return now.toISOString().replace(/[-:]/g, '').replace(/\.[0-9]+Z$/, 'Z');
}
