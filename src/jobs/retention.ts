import { open, readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { S3Client } from '@aws-sdk/client-s3';
import { ExternalError, UserError } from '../core/errors.js';
import { MANIFEST_SUFFIX, SHA256_SUFFIX } from '../ops/archive.js';
import { deleteKey, listKeys, s3Key, type S3Location } from '../ops/s3.js';
import type { ChainPlugin } from '../plugins/plugin.js';
import { CHAINS, getPlugin } from '../plugins/registry.js';

/**
 * Keep the newest N archive sets per node, in a folder or under s3://bucket/prefix. A set is
 * what `snapplan backup` writes: `<name>.tar.zst`, `<name>.tar.zst.sha256` and
 * `<name>.tar.zst.manifest.json`; they are counted and deleted together.
 *
 * Only complete sets count (archive and checksum present): backup uploads the checksum last,
 * so a set without one may be an upload in progress, and it is left alone. The node a set
 * belongs to and its time come from the manifest's head (chain, set, host, dataDir, createdAt),
 * else from the chain's naming; a file that is neither is never touched.
 */

export interface ArchiveSet {
  /** `<name>.tar.zst`. */
  readonly name: string;
  /** The set's files (names in the folder, or keys), the checksum first: the delete order. */
  readonly members: readonly string[];
  /** Which node's archives this set counts among. */
  readonly node: string;
  readonly createdAt: string | null;
  readonly bytes: number;
  /** Where node and time came from. */
  readonly from: 'manifest' | 'name';
}

export interface LeftAlone {
  readonly name: string;
  readonly reason: string;
}

export interface RetentionPlan {
  readonly location: string;
  readonly keep: number;
  readonly nodes: readonly { readonly node: string; readonly keep: readonly ArchiveSet[]; readonly remove: readonly ArchiveSet[] }[];
  readonly leftAlone: readonly LeftAlone[];
}

/** The store behind a plan: a folder or an S3 prefix. */
export interface ArchiveStore {
  readonly location: string;
  list(): Promise<{ name: string; size: number; modified: Date | null }[]>;
  /** The manifest's first bytes (its head holds everything but the file list). */
  readHead(name: string, bytes: number): Promise<string | null>;
  remove(name: string): Promise<void>;
}

const HEAD_BYTES = 256 * 1024;
const ARCHIVE = '.tar.zst';

export function localStore(folder: string): ArchiveStore {
  return {
    location: folder,
    list: async () => {
      const entries = await readdir(folder, { withFileTypes: true }).catch((error: unknown) => {
        throw new UserError(`Cannot list ${folder}: ${(error as Error).message}`, { hint: 'Name the folder backup writes to, or s3://bucket/prefix.' });
      });
      const out: { name: string; size: number; modified: Date | null }[] = [];
      for (const entry of entries) {
        if (!entry.isFile()) continue;
        const info = await stat(path.join(folder, entry.name)).catch(() => null);
        if (info) out.push({ name: entry.name, size: info.size, modified: info.mtime });
      }
      return out;
    },
    readHead: async (name, bytes) => {
      const handle = await open(path.join(folder, name), 'r').catch(() => null);
      if (!handle) return null;
      try {
        const buffer = Buffer.alloc(bytes);
        const { bytesRead } = await handle.read(buffer, 0, bytes, 0);
        return buffer.subarray(0, bytesRead).toString('utf8');
      } finally {
        await handle.close();
      }
    },
    remove: async (name) => {
      // force: a file someone else removed since the preview is already where we wanted it.
      await rm(path.join(folder, name), { force: true });
    },
  };
}

export function s3Store(client: S3Client, location: S3Location): ArchiveStore {
  const prefix = location.prefix === '' ? '' : `${location.prefix}/`;
  return {
    location: `s3://${location.bucket}/${location.prefix}`,
    list: async () =>
      (await listKeys(client, location))
        // Only the prefix's own level: deeper keys are another node's folder.
        .filter((item) => item.key.startsWith(prefix) && !item.key.slice(prefix.length).includes('/'))
        .map((item) => ({ name: item.key.slice(prefix.length), size: item.size, modified: item.lastModified ?? null })),
    readHead: async (name, bytes) => {
      const { GetObjectCommand } = await import('@aws-sdk/client-s3');
      try {
        const answer = await client.send(new GetObjectCommand({ Bucket: location.bucket, Key: s3Key(location, name), Range: `bytes=0-${bytes - 1}` }));
        const text = (await answer.Body?.transformToString('utf8')) ?? '';
        return text.slice(0, bytes);
      } catch (error) {
        const code = (error as { name?: string }).name;
        if (code === 'NoSuchKey' || code === 'NotFound') return null;
        throw new ExternalError(`S3 read of s3://${location.bucket}/${s3Key(location, name)} failed: ${code ?? 'Error'}: ${(error as Error).message}`, { command: 'aws-sdk', args: ['read', name] });
      }
    },
    remove: (name) => deleteKey(client, location.bucket, s3Key(location, name)),
  };
}

/** What to keep and what to delete; reads listings and manifest heads only, changes nothing. */
export async function planRetention(store: ArchiveStore, keep: number): Promise<RetentionPlan> {
  if (!Number.isInteger(keep) || keep < 1) throw new UserError(`--keep ${keep} is not a whole number ≥ 1.`, { hint: 'Retention keeps at least the newest archive of each node.' });
  const files = await store.list();
  const plugins = await Promise.all(CHAINS.map((chain) => getPlugin(chain)));
  const byName = new Map(files.map((f) => [f.name, f]));
  const sets: ArchiveSet[] = [];
  const leftAlone: LeftAlone[] = [];
  for (const file of files) {
    const { name } = file;
    if (name.endsWith(SHA256_SUFFIX) || name.endsWith(MANIFEST_SUFFIX)) {
      const base = name.endsWith(SHA256_SUFFIX) ? name.slice(0, -SHA256_SUFFIX.length) : name.slice(0, -MANIFEST_SUFFIX.length);
      if (base.endsWith(ARCHIVE) && !byName.has(base)) leftAlone.push({ name, reason: `no ${base} beside it (an upload in progress, or left by hand)` });
      continue;
    }
    if (!name.endsWith(ARCHIVE)) continue;
    if (!byName.has(`${name}${SHA256_SUFFIX}`)) {
      leftAlone.push({ name, reason: 'no .sha256 beside it: incomplete (backup writes the checksum last)' });
      continue;
    }
    const manifestName = `${name}${MANIFEST_SUFFIX}`;
    const manifest = byName.has(manifestName) ? parseManifestHead(await store.readHead(manifestName, HEAD_BYTES)) : null;
    const identity = manifest ?? fromName(name, plugins);
    if (identity === null) {
      leftAlone.push({ name, reason: 'no readable manifest and not a name snapplan or Hiro writes' });
      continue;
    }
    const members = [`${name}${SHA256_SUFFIX}`, name, ...(byName.has(manifestName) ? [manifestName] : [])];
    sets.push({
      name,
      members,
      node: identity.node,
      createdAt: identity.createdAt ?? file.modified?.toISOString() ?? null,
      bytes: members.reduce((sum, m) => sum + (byName.get(m)?.size ?? 0), 0),
      from: manifest ? 'manifest' : 'name',
    });
  }
  const groups = new Map<string, ArchiveSet[]>();
  for (const set of sets) groups.set(set.node, [...(groups.get(set.node) ?? []), set]);
  const nodes = [...groups.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([node, list]) => {
      // Newest first; equal times (one per day in Stacks names) fall back to the name.
      const ordered = [...list].sort((a, b) => (b.createdAt ?? '').localeCompare(a.createdAt ?? '') || b.name.localeCompare(a.name));
      return { node, keep: ordered.slice(0, keep), remove: ordered.slice(keep) };
    });
  return { location: store.location, keep, nodes, leftAlone: leftAlone.sort((a, b) => a.name.localeCompare(b.name)) };
}

export interface RetentionResult {
  readonly deleted: readonly string[];
  readonly failed: readonly { name: string; message: string }[];
}

/** Deletes the plan's `remove` sets, checksum first: a set cut short reads as incomplete, never as whole. */
export async function applyRetention(store: ArchiveStore, plan: RetentionPlan, onEvent: (text: string) => void): Promise<RetentionResult> {
  const deleted: string[] = [];
  const failed: { name: string; message: string }[] = [];
  for (const node of plan.nodes) {
    for (const set of node.remove) {
      let whole = true;
      for (const member of set.members) {
        try {
          await store.remove(member);
          deleted.push(member);
        } catch (error) {
          failed.push({ name: member, message: (error as Error).message });
          onEvent(`delete ${member}: FAILED: ${(error as Error).message}`);
          // The rest of this set stays: without its checksum it is already marked incomplete.
          whole = false;
          break;
        }
      }
      if (whole) onEvent(`deleted ${set.name}`);
    }
  }
  return { deleted, failed };
}

interface Identity {
  readonly node: string;
  readonly createdAt: string | null;
}

/** The manifest's fields before `files` (backup writes them first); null when unreadable. */
export function parseManifestHead(text: string | null): Identity | null {
  if (text === null) return null;
  let head: Record<string, unknown> | null = null;
  try {
    head = JSON.parse(text) as Record<string, unknown>;
  } catch {
    const cut = text.indexOf('\n  "files": [');
    if (cut > 0) {
      try {
        head = JSON.parse(`${text.slice(0, cut).replace(/,\s*$/, '')}\n}`) as Record<string, unknown>;
      } catch {
        head = null;
      }
    }
  }
  if (head === null || typeof head !== 'object' || typeof head['chain'] !== 'string') return null;
  const str = (key: string) => (typeof head?.[key] === 'string' ? (head[key] as string) : '?');
  const created = typeof head['createdAt'] === 'string' && !Number.isNaN(new Date(head['createdAt']).getTime()) ? new Date(head['createdAt']).toISOString() : null;
  return { node: `${str('chain')} ${str('set')} ${str('host')}:${str('dataDir')}`, createdAt: created };
}

/** Node and time from the chains' own naming (each plugin's identifyArchive), for sets without a manifest. */
export function fromName(name: string, plugins: readonly ChainPlugin[]): Identity | null {
  for (const plugin of plugins) {
    const identity = plugin.identifyArchive(name);
    if (identity !== null) return identity;
  }
  return null;
}
