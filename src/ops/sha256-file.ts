/**
 * Reads the checksum for one archive out of a `sha256sum` file (`<hex>  <name>`, or `<hex> *<name>`
 * in binary mode; one line per file). The line for this file's name is the one used, wherever it
 * is; a lone hash without a name is accepted when it is the file's only line. An empty file is not
 * a missing one: it is reported as empty, since someone meant to publish a checksum there.
 */
export type ChecksumLookup = { readonly ok: true; readonly sha256: string } | { readonly ok: false; readonly problem: string };

const LINE = /^\\?([0-9a-fA-F]{64})(?:\s+\*?(.+))?$/;

export function checksumFor(text: string, name: string, fileLabel: string): ChecksumLookup {
  const lines = text.split('\n').map((l) => l.trim()).filter((l) => l !== '');
  if (lines.length === 0) return { ok: false, problem: `${fileLabel} is empty` };
  const parsed = lines.map((l) => LINE.exec(l));
  for (const match of parsed) {
    const listed = match?.[2];
    if (match && listed !== undefined && baseName(listed) === name) return { ok: true, sha256: (match[1] as string).toLowerCase() };
  }
  const [only] = parsed;
  if (lines.length === 1 && only && only[2] === undefined) return { ok: true, sha256: (only[1] as string).toLowerCase() };
  if (parsed.every((m) => m === null)) return { ok: false, problem: `${fileLabel} holds no sha256 line (expected "<64 hex digits>  ${name}")` };
  return { ok: false, problem: `${fileLabel} has no line for ${name}` };
}

function baseName(listed: string): string {
  return listed.slice(listed.lastIndexOf('/') + 1);
}
