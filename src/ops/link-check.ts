/**
 * Where a symbolic link inside an archive really leads, resolved the way the kernel will once it
 * is extracted: component by component, following the archive's other links (a chain `bb -> aa
 * -> zz`, a folder link `latest2 -> latest -> snapshots/100`). Judging each target as written is
 * not enough: after `d -> .`, the target `d/x/../..` reads as inside but leads out.
 *
 * Both sides use it with the same rule, so a backup that a restore would refuse is refused when
 * it is made: `backup` over the walk's links, `restore` over the archive's before creating them.
 */
const MAX_HOPS = 40; // Linux's limit on links followed in one lookup (ELOOP)

/** Null when `link` (a path from the archive's root) resolves inside it; otherwise why not. */
export function linkEscape(link: string, links: ReadonlyMap<string, string>): string | null {
  const start = links.get(link);
  if (start === undefined) return null;
  if (start === '' || start.startsWith('/')) return `link ${JSON.stringify(link)} → ${JSON.stringify(start)} is absolute or empty`;
  const at = link.split('/').filter((c) => c !== '' && c !== '.');
  at.pop();
  const todo = start.split('/');
  let hops = 0;
  while (todo.length > 0) {
    const part = todo.shift() as string;
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (at.length === 0) return `link ${JSON.stringify(link)} → ${JSON.stringify(start)} leads out of the folder`;
      at.pop();
      continue;
    }
    const next = [...at, part].join('/');
    const target = links.get(next);
    if (target === undefined) {
      at.push(part);
      continue;
    }
    hops += 1;
    if (hops > MAX_HOPS) return `link ${JSON.stringify(link)} → ${JSON.stringify(start)} is a loop of links`;
    if (target === '' || target.startsWith('/')) return `link ${JSON.stringify(link)} → ${JSON.stringify(start)} goes through ${JSON.stringify(next)} → ${JSON.stringify(target)}, which is absolute`;
    todo.unshift(...target.split('/'));
  }
  return null;
}

/** The first link of the set that does not stay inside, with the reason; null when all do. */
export function firstEscapingLink(links: ReadonlyMap<string, string>): { link: string; reason: string } | null {
  for (const link of links.keys()) {
    const reason = linkEscape(link, links);
    if (reason !== null) return { link, reason };
  }
  return null;
}
