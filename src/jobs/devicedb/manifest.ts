import { readFile } from 'node:fs/promises';
import { UserError } from '../../core/errors.js';
import { isUuid } from './client.js';

/**
 * Ties every node's piece to one cluster snapshot UUID. A restore needs all of them: devicedb
 * only promises consistency across the pieces of one UUID (docs/disaster_recovery.md).
 */
export interface DevicedbPiece {
  readonly label: string;
  readonly host: string;
  readonly port: number;
  /** File name beside the manifest: snapshot-<uuid>-<label>.tar. */
  readonly file: string;
  readonly bytes: number;
  readonly sha256: string;
}

export interface DevicedbManifest {
  readonly schemaVersion: 1;
  readonly kind: 'devicedb-cluster-snapshot';
  readonly uuid: string;
  readonly createdAt: string;
  /** The node that was asked to start the snapshot. */
  readonly initiator: string;
  readonly pieces: readonly DevicedbPiece[];
}

export function pieceFileName(uuid: string, label: string): string {
  return `snapshot-${uuid}-${label}.tar`;
}

export function manifestFileName(uuid: string): string {
  return `snapshot-${uuid}.manifest.json`;
}

export async function readManifest(file: string): Promise<DevicedbManifest> {
  const text = await readFile(file, 'utf8').catch((error: unknown) => {
    throw new UserError(`Cannot read the manifest ${file}: ${(error as Error).message}`, { hint: 'Pass the snapshot-<uuid>.manifest.json written by snapplan devicedb snapshot.' });
  });
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new UserError(`${file} is not JSON.`);
  }
  const m = value as Partial<DevicedbManifest>;
  if (m.kind !== 'devicedb-cluster-snapshot') throw new UserError(`${file} is not a devicedb snapshot manifest.`);
  if (m.schemaVersion !== 1) throw new UserError(`${file} has schemaVersion ${String(m.schemaVersion)}; this snapplan reads 1.`, { hint: 'Use the snapplan release that wrote it.' });
  if (typeof m.uuid !== 'string' || !isUuid(m.uuid)) throw new UserError(`${file} names no valid snapshot UUID.`);
  if (!Array.isArray(m.pieces) || m.pieces.length === 0) throw new UserError(`${file} lists no pieces.`);
  for (const piece of m.pieces) {
    const ok =
      typeof piece?.label === 'string' &&
      typeof piece.file === 'string' &&
      piece.file === pieceFileName(m.uuid, piece.label) &&
      Number.isSafeInteger(piece.bytes) &&
      typeof piece.sha256 === 'string' &&
      /^[0-9a-f]{64}$/.test(piece.sha256);
    if (!ok) throw new UserError(`${file} has a malformed piece ${JSON.stringify(piece).slice(0, 120)}.`);
  }
  return m as DevicedbManifest;
}
