import { readFile, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { ArchiveRefusedError, ExternalError, UserError } from '../core/errors.js';
import { MANIFEST_SUFFIX, SHA256_SUFFIX } from '../ops/archive.js';
import { hashFile } from '../ops/copy.js';
import { ensureDirectory, lstatOrNull } from '../ops/fs-util.js';
import { acquireLock, type HeldLock } from '../ops/lock.js';
import { findHolders } from '../ops/open-files.js';
import { findSwapRecord, rollbackSwap, swapIn, type Placement, type SwapRecord } from '../ops/restore-swap.js';
import { downloadFile, makeS3Client, parseS3Url, readSmallObject, type S3Settings } from '../ops/s3.js';
import { extractZstdTar } from '../ops/safe-extract.js';
import { checksumFor } from '../ops/sha256-file.js';
import { serviceController, type ServiceSpec, type ServiceState } from '../ops/service-control.js';
import type { BackupSet, ChainPlugin, Finding, NodeHealth } from '../plugins/plugin.js';
import { faultPoint } from './fault-point.js';
import { nodesToStop, withNodeStopped } from './node-stopped.js';
import { StepLog, confirmHealthy, errorReport, type ErrorReport, type JobEnv, type ServiceReport, type StepRecord, knownState, jobExitCode } from './steps.js';
import { utcStamp } from '../core/time.js';

/**
 * fetch → verify sha256 → extract into staging (all before the node is touched: a bad archive
 * is refused with exit 2 and the node never stopped) → stop → swap by rename → checks → start
 * → health (Stacks: the tip must grow). The old data stays in `<dir>.snapplan-old-<UTC>`;
 * `--rollback` puts it back.
 */
export interface RestoreRequest {
  readonly plugin: ChainPlugin;
  readonly dataDir: string;
  /** One archive; for Loom a data and a config archive (any order: data is restored first). */
  readonly sources: readonly string[];
  readonly sha256: string | undefined;
  readonly set: BackupSet | undefined;
  readonly service: ServiceSpec;
  readonly rpc: string | undefined;
  readonly restart: boolean;
  readonly rollback: boolean;
  readonly oldDir: string | undefined;
  readonly unitFile: string | undefined;
  readonly healthTimeoutMs: number;
  readonly growBlocks: number;
  readonly force: boolean;
  readonly s3: Omit<S3Settings, 'env'>;
}

/** Progress: the extract step reports tar bytes unpacked, of about the archived bytes. */
export type RestoreEnv = JobEnv;

export interface RestoredArchive {
  readonly source: string;
  readonly name: string;
  readonly set: BackupSet | null;
  readonly createdAt: string | null;
  readonly sha256: string | null;
  readonly size: number | null;
}

export interface RestoreOutcome {
  readonly exitCode: number;
  readonly chain: string;
  readonly dataDir: string;
  readonly rollback: boolean;
  readonly archives: readonly RestoredArchive[];
  readonly oldDirs: readonly string[];
  readonly service: ServiceReport;
  readonly node: NodeHealth | null;
  readonly findings: readonly Finding[];
  readonly steps: readonly StepRecord[];
  readonly error: ErrorReport | null;
}

interface Prepared {
  facts: RestoredArchive;
  manifest: Record<string, unknown> | null;
  local: string;
  downloaded: boolean;
  expected: string | null;
  staging?: string;
  placements?: Placement[];
  layoutKind: 'folder' | 'members';
}

export async function runRestore(request: RestoreRequest, env: RestoreEnv): Promise<RestoreOutcome> {
  const log = new StepLog(env.onEvent);
  const dataDir = path.resolve(env.cwd, request.dataDir);
  const parent = path.dirname(dataDir);
  const controller = serviceController(request.service);
  const prepared: Prepared[] = [];
  const findings: Finding[] = [];
  const records: SwapRecord[] = [];
  let before: ServiceState | null = null;
  let after: ServiceState | null = null;
  let node: NodeHealth | null = null;
  let error: unknown = null;
  let changed = false;
  let holdStart = false;
  let lock: HeldLock | null = null;
  /** Everything between the stop and the start: the holders check, then the swap or the rollback. */
  const replaceData = async (record: SwapRecord | null): Promise<void> => {
    await faultPoint('restore: open-files');
    if ((await lstatOrNull(dataDir)) !== null) {
      const holders = findHolders([dataDir]);
      if (holders.length > 0) throw new UserError(`A live process holds ${dataDir} open: pid ${holders[0]?.pid} (${holders[0]?.commandLine.slice(0, 80)}).`, { hint: 'Stop the node (--service/--service-manager) and run again.' });
    }
    if (record !== null) {
      const rolled = record;
      changed = true;
      await log.run('rollback', () => rollbackSwap(rolled, env.now), (r) => `restored data moved to ${r.movedAside}`);
      records.push(rolled);
    } else {
      for (const [index, item] of prepared.entries()) {
        changed = true;
        const swapped = await log.run(`swap ${item.facts.name}`, () => swapIn(item.staging as string, item.placements as Placement[], {
          dataDir,
          layout: item.layoutKind,
          // Two archives in one run get two records, a second apart in their names.
          now: new Date(env.now.getTime() + index * 1000),
          archive: item.facts.source,
        }), (r) => `old data in ${r.oldDir}`);
        records.push(swapped);
        await faultPoint(`restore: swapped ${item.facts.name}`);
        // What the placements did not take (Loom's unit file) is kept with the old data, never written to /etc.
        const leftovers = await leftoverFiles(item.staging as string);
        let restoredUnit: string | undefined;
        if (leftovers.length > 0 && swapped.layout === 'members') {
          const keep = path.join(swapped.oldDir, 'from-backup');
          await ensureDirectory(keep);
          for (const name of leftovers) await rename(path.join(item.staging as string, name), path.join(keep, name));
          restoredUnit = leftovers.filter((n) => n.endsWith('.service')).map((n) => path.join(keep, n))[0];
          if (restoredUnit) findings.push({ code: 'unit-from-backup', severity: 'info', message: `The backup's unit file is in ${restoredUnit}; the installed unit was not changed.` });
        }
        await rm(item.staging as string, { recursive: true, force: true });
        if (index === prepared.length - 1) {
          await faultPoint('restore: check after swap');
          const after = await request.plugin.checkAfterSwap(dataDir, env, { unitFile: request.unitFile, restoredUnit });
          findings.push(...after);
        }
      }
      const blocking = findings.filter((f) => f.severity === 'error');
      if (blocking.length > 0) {
        holdStart = true;
        throw new ExternalError(`Restored, but not started: ${blocking.map((f) => f.message).join(' ')}`, { command: 'check', args: [] }, { hint: blocking.map((f) => f.remedy).filter(Boolean).join(' ') || `Fix it, or put the old data back: snapplan restore ${request.plugin.id} --data-dir ${dataDir} --rollback` });
      }
    }
    await faultPoint('restore: swapped');
  };
  try {
    if (request.restart && controller.kind === 'process' && !controller.canStart) {
      throw new UserError('--service-manager process cannot start the node without its command.', { hint: 'Put the start command after --, or pass --no-restart.' });
    }
    if (!(await stat(parent).catch(() => null))?.isDirectory()) throw new UserError(`${parent} is not a folder.`);
    let record: SwapRecord | null = null;
    if (request.rollback) record = await findSwapRecord(dataDir, request.oldDir === undefined ? undefined : path.resolve(env.cwd, request.oldDir));
    else {
      if (request.sources.length === 0) throw new UserError('Name the archive with --from FILE or --from s3://bucket/key.');
      if (request.sources.length > 2 || (request.sources.length === 2 && request.plugin.id !== 'loom')) throw new UserError('Only Loom restores two archives (data, then config).');
      for (const source of request.sources) prepared.push(await describe(source, request, env));
      orderAndCheck(prepared, request);
      for (const item of prepared) {
        findings.push(...(await request.plugin.checkBeforeRestore({ name: item.facts.name, manifest: item.manifest }, env)));
      }
      const blocking = findings.filter((f) => f.severity === 'error');
      if (blocking.length > 0 && !request.force) throw new ArchiveRefusedError(`Restore refused: ${blocking.map((f) => f.message).join(' ')}`, 'version', undefined, { hint: blocking[0]?.remedy ?? 'Pass --force to restore anyway.' });
      lock = await acquireLock(path.join(parent, `.${path.basename(dataDir)}.snapplan.lock`), { purpose: 'restore' });
      for (const [index, item] of prepared.entries()) {
        await log.run(`fetch-verify ${item.facts.name}`, () => fetchAndVerify(item, request, env, parent), () => `sha256 ${item.facts.sha256?.slice(0, 16)}…`);
        const staging = path.join(parent, `.${path.basename(dataDir)}.snapplan-staging-${utcStamp(env.now)}-${index}`);
        const extracted = await log.run(`extract ${item.facts.name}`, () => extractZstdTar(item.local, staging, env.signal, (bytes) => env.onProgress?.('extract', bytes, archivedBytes(item.manifest))), (r) => `${r.entries} entries`);
        item.staging = staging;
        const set = item.facts.set ?? request.set ?? 'data';
        const layout = request.plugin.layout(dataDir, set, { unitFile: request.unitFile });
        item.layoutKind = layout.restore;
        const placements = request.plugin.placements(dataDir, set, extracted.topLevel);
        if (placements.status !== 'ok') throw new ArchiveRefusedError(`Archive ${item.facts.name} refused: ${placements.status === 'failed' ? placements.message : placements.reason}`, 'layout');
        item.placements = placements.value;
      }
    }
    if (!request.rollback && (await lstatOrNull(dataDir)) === null && request.plugin.id !== 'loom') log.skip('old-data', `${dataDir} does not exist yet`);
    if (lock === null) lock = await acquireLock(path.join(parent, `.${path.basename(dataDir)}.snapplan.lock`), { purpose: 'restore' });

    // From here on the node is touched: failures exit 1, and the service is started again.
    before = await knownState(controller);
    const toStop = nodesToStop(log, controller, before);
    const rpc = request.rpc;
    const job = await withNodeStopped({
      log,
      nodes: toStop,
      restart: request.restart,
      steps: { stop: 'stop', start: 'start' },
      // A node that was already stopped is started too once its data was replaced.
      startAlso: () => (changed && controller.kind !== 'none' && toStop.length === 0 ? [{ controller }] : []),
      holdStart: () => (holdStart ? 'a check failed' : null),
      health: (workFailed) => {
        if (rpc === undefined) return { skip: 'health', reason: 'no --rpc' };
        // After a rollback the old data is known good: healthy is enough.
        const grow = !workFailed && !request.rollback && records.length > 0 ? request.growBlocks : 0;
        const hint = records.length > 0 && !request.rollback ? `The old data is kept; to put it back: snapplan restore ${request.plugin.id} --data-dir ${dataDir} --rollback` : undefined;
        return {
          name: grow > 0 ? `health (wait for ${grow} new block(s))` : 'health',
          run: async () => {
            node = await confirmHealthy(request.plugin, rpc, env, request.healthTimeoutMs, grow, hint);
            return node;
          },
        };
      },
    }, () => replaceData(record));
    changed ||= job.stopped.length > 0;
    if (job.error !== null) throw job.error;
  } catch (caught) {
    error = caught;
  } finally {
    if (before !== null) after = await controller.state().catch(() => 'unknown' as const);
    for (const item of prepared) {
      if (item.staging) await rm(item.staging, { recursive: true, force: true });
      if (item.downloaded) await rm(item.local, { force: true });
    }
    await lock?.release();
  }
  const report = error === null ? null : errorReport(error);
  return {
    exitCode: jobExitCode(report, changed),
    chain: request.plugin.id,
    dataDir,
    rollback: request.rollback,
    archives: prepared.map((p) => p.facts),
    oldDirs: records.map((r) => r.oldDir),
    service: { manager: controller.kind, label: controller.label, before, after },
    node,
    findings,
    steps: log.steps,
    error: report,
  };
}

async function describe(source: string, request: RestoreRequest, env: RestoreEnv): Promise<Prepared> {
  const s3 = parseS3Url(source);
  let manifestText: string | null;
  let shaText: string | null;
  let local: string;
  if (s3 !== null) {
    const client = await makeS3Client({ ...request.s3, env: env.env });
    manifestText = await readSmallObject(client, s3.bucket, `${s3.prefix}${MANIFEST_SUFFIX}`);
    shaText = await readSmallObject(client, s3.bucket, `${s3.prefix}${SHA256_SUFFIX}`);
    local = source;
  } else {
    local = path.resolve(env.cwd, source);
    if (!(await stat(local).catch(() => null))?.isFile()) throw new UserError(`${local} is not a file.`);
    manifestText = await readFile(`${local}${MANIFEST_SUFFIX}`, 'utf8').catch(() => null);
    shaText = await readFile(`${local}${SHA256_SUFFIX}`, 'utf8').catch(() => null);
  }
  const name = path.posix.basename(s3 !== null ? s3.prefix : local);
  let manifest: Record<string, unknown> | null = null;
  if (manifestText !== null) {
    try {
      manifest = JSON.parse(manifestText) as Record<string, unknown>;
    } catch {
      manifest = null;
    }
  }
  let expected = request.sha256?.toLowerCase() ?? null;
  if (expected === null && shaText !== null) {
    const found = checksumFor(shaText, name, `${name}${SHA256_SUFFIX}`);
    if (!found.ok) throw new ArchiveRefusedError(`No usable sha256 for ${name}: ${found.problem}.`, 'no-checksum', undefined, { hint: 'Fetch the .sha256 file again, or give the checksum with --sha256.' });
    expected = found.sha256;
  }
  if (expected === null || !/^[0-9a-f]{64}$/.test(expected)) {
    throw new ArchiveRefusedError(`No sha256 for ${name}: neither --sha256 nor ${name}${SHA256_SUFFIX} beside it.`, 'no-checksum', undefined, { hint: 'Restore only archives whose checksum you can check.' });
  }
  const described = request.plugin.describeArchive({ name, manifest });
  return {
    facts: { source, name, set: described.set, createdAt: described.createdAt?.toISOString() ?? null, sha256: null, size: null },
    manifest,
    local,
    downloaded: false,
    expected,
    layoutKind: 'folder',
  };
}

/** Data before config, and never a data backup older than the config backup (seed 003). */
function orderAndCheck(prepared: Prepared[], request: RestoreRequest): void {
  if (prepared.length === 2) {
    const sets = prepared.map((p) => p.facts.set);
    if (!sets.includes('data') || !sets.includes('config')) throw new UserError('Two archives must be one data and one config backup (their manifests say which).');
    prepared.sort((a, b) => (a.facts.set === 'data' ? -1 : b.facts.set === 'data' ? 1 : 0));
    const [data, config] = prepared as [Prepared, Prepared];
    if (data.facts.createdAt !== null && config.facts.createdAt !== null && data.facts.createdAt < config.facts.createdAt && !request.force) {
      throw new UserError(`The data backup (${data.facts.createdAt}) is older than the config backup (${config.facts.createdAt}).`, { hint: 'Choose a data backup newer than the config backup (pass --force to restore anyway).' });
    }
  } else if (prepared[0] && prepared[0].facts.set === null && request.plugin.sets.length > 1) {
    if (request.set === undefined) throw new UserError(`Which set does ${prepared[0].facts.name} hold? It has no manifest.`, { hint: 'Pass --set data or --set config.' });
    prepared[0].facts = { ...prepared[0].facts, set: request.set };
  }
}

async function fetchAndVerify(item: Prepared, request: RestoreRequest, env: RestoreEnv, parent: string): Promise<void> {
  let actual: string;
  let size: number;
  const s3 = parseS3Url(item.facts.source);
  if (s3 !== null) {
    const client = await makeS3Client({ ...request.s3, env: env.env });
    const target = path.join(parent, `.snapplan-download-${utcStamp(env.now)}-${item.facts.name}`);
    item.local = target;
    item.downloaded = true;
    const got = await downloadFile(client, s3.bucket, s3.prefix, target, { signal: env.signal });
    actual = got.sha256;
    size = got.size;
  } else {
    const hashed = await hashFile(item.local);
    actual = hashed.sha256;
    size = hashed.size;
  }
  item.facts = { ...item.facts, sha256: actual, size };
  if (actual !== item.expected) {
    throw new ArchiveRefusedError(`Archive ${item.facts.name} refused: its sha256 is ${actual}, expected ${item.expected}.`, 'checksum', undefined, { hint: 'The file is damaged or not the one published; fetch it again.' });
  }
}

async function leftoverFiles(staging: string): Promise<string[]> {
  const { readdir } = await import('node:fs/promises');
  const names = await readdir(staging).catch(() => [] as string[]);
  const out: string[] = [];
  for (const name of names) {
    const stats = await lstatOrNull(path.join(staging, name));
    // Folders emptied by the placements are not leftovers.
    if (stats && !(stats.isDirectory() && (await readdir(path.join(staging, name))).length === 0)) out.push(name);
  }
  return out;
}

/** What the manifest says the archive holds (file bytes; the tar stream is a little more). */
function archivedBytes(manifest: Record<string, unknown> | null): number | null {
  const bytes = (manifest?.['archive'] as { bytes?: unknown } | undefined)?.bytes;
  return typeof bytes === 'number' && bytes > 0 ? bytes : null;
}
