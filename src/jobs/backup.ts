import { rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ExternalError, UserError } from '../core/errors.js';
import { createArchive, type ArchiveResult } from '../ops/archive.js';
import { compileExcludes } from '../ops/exclude-patterns.js';
import { isInside } from '../ops/fs-util.js';
import { acquireLock, type HeldLock } from '../ops/lock.js';
import { makeS3Client, parseS3Url, s3Key, uploadFile, type S3Settings } from '../ops/s3.js';
import { serviceController, type ServiceSpec, type ServiceState } from '../ops/service-control.js';
import type { BackupSet, ChainPlugin, NodeHealth } from '../plugins/plugin.js';
import { formatBytes } from '../core/format.js';
import { faultPoint } from './fault-point.js';
import { nodesToStop, withNodeStopped } from './node-stopped.js';
import { StepLog, checkHolders, errorReport, healthAfter, type ErrorReport, type JobEnv, type ServiceReport, type StepRecord, knownState, jobExitCode } from './steps.js';

/**
 * stop → archive → restart → upload, the same for every chain, around withNodeStopped
 * (node-stopped.ts): whatever fails after the stop (the archive, a full disk, Ctrl-C), the
 * service is started again unless --no-restart, and its health confirmed. The upload runs after the restart: the
 * node's downtime is the archive's time only, and the data is no longer needed by then.
 */
export interface BackupRequest {
  readonly plugin: ChainPlugin;
  readonly dataDir: string;
  readonly set: BackupSet;
  readonly destination: string;
  readonly service: ServiceSpec;
  readonly rpc: string | undefined;
  readonly restart: boolean;
  readonly dryRun: boolean;
  readonly exclude: readonly string[];
  readonly network: string | undefined;
  readonly name: string | undefined;
  readonly unitFile: string | undefined;
  /** Where an archive bound for S3 is written first. */
  readonly workDir: string;
  readonly keepLocal: boolean;
  readonly zstdLevel: number;
  readonly spaceFactor: number;
  readonly healthTimeoutMs: number;
  readonly s3: Omit<S3Settings, 'env'>;
}

/** Progress: the archive step reports bytes written (total unknown), the upload bytes sent of the total. */
export interface BackupEnv extends JobEnv {
  readonly toolVersion: string;
}

export interface BackupOutcome {
  readonly exitCode: number;
  readonly dryRun: boolean;
  readonly chain: string;
  readonly set: BackupSet;
  readonly dataDir: string;
  readonly destination: string;
  readonly archive: (Omit<ArchiveResult, 'path' | 'sha256Path' | 'manifestPath' | 'streamedList' | 'unmatchedExcludes'> & { location: string; sha256Location: string; manifestLocation: string }) | null;
  readonly plannedName: string | null;
  readonly service: ServiceReport;
  readonly node: { version: string | null; height: number | null; burnHeight: number | null; network: string | null };
  readonly steps: readonly StepRecord[];
  readonly error: ErrorReport | null;
}

export async function runBackup(request: BackupRequest, env: BackupEnv): Promise<BackupOutcome> {
  const log = new StepLog(env.onEvent);
  const dataDir = path.resolve(env.cwd, request.dataDir);
  const s3 = parseS3Url(request.destination);
  const localDest = s3 === null ? path.resolve(env.cwd, request.destination) : null;
  let archive: BackupOutcome['archive'] = null;
  let plannedName: string | null = null;
  let before: ServiceState | null = null;
  let after: ServiceState | null = null;
  let health: NodeHealth | null = null;
  let version: string | null = null;
  let error: unknown = null;
  let changed = false;
  let lock: HeldLock | null = null;
  const controller = serviceController(request.service);
  const progress = (step: string, bytes: number, total: number | null) => env.onProgress?.(step, bytes, total);
  try {
    // Refusals first: nothing has changed yet, so these exit 2.
    if (!request.plugin.sets.includes(request.set)) throw new UserError(`${request.plugin.id} has no ${request.set} set.`, { hint: `Sets: ${request.plugin.sets.join(', ')}.` });
    const dirStats = await stat(dataDir).catch(() => null);
    if (!dirStats?.isDirectory()) throw new UserError(`${dataDir} is not a folder.`, { hint: 'Name the node\'s data folder with --data-dir.' });
    const outDir = localDest ?? path.resolve(env.cwd, request.workDir);
    if (isInside(outDir, dataDir)) throw new UserError(`The archive would be written inside the folder it archives (${outDir}).`, { hint: 'Choose a destination outside the data folder.' });
    if (!(await stat(outDir).catch(() => null))?.isDirectory()) throw new UserError(`${outDir} is not a folder.`, { hint: 'Create it first.' });
    if (request.restart && controller.kind === 'process' && !controller.canStart) {
      throw new UserError('--service-manager process cannot restart the node without its command.', { hint: 'Put the start command after --, or pass --no-restart.' });
    }
    const layout = request.plugin.layout(dataDir, request.set, { unitFile: request.unitFile });
    compileExcludes(request.exclude); // a pattern that names nothing inside the folder: refused now

    if (request.rpc) {
      const answer = await log.run('health-before', async () => {
        const result = await request.plugin.health(request.rpc as string, env);
        if (result.status === 'failed') throw new ExternalError(result.message, { command: 'GET', args: [request.rpc as string] });
        return result.status === 'ok' ? result.value : null;
      }, (h) => (h?.height != null ? `height ${h.height}` : undefined)).catch(() => null);
      health = answer;
    } else log.skip('health-before', 'no --rpc');
    const versionOutcome = await request.plugin.version(env);
    version = versionOutcome.status === 'ok' ? versionOutcome.value : null;
    if (versionOutcome.status === 'ok') log.steps.push({ name: 'version', status: 'ok', ms: 0, message: version ?? undefined });
    else log.skip('version', versionOutcome.status === 'skipped' ? versionOutcome.reason : versionOutcome.message);
    before = await knownState(controller);
    plannedName = request.name ?? request.plugin.archiveName({ now: env.now, dataDir, host: os.hostname(), set: request.set, version, network: request.network ?? health?.network ?? null });
    if (!plannedName.endsWith('.tar.zst')) throw new UserError(`--name ${plannedName} must end in .tar.zst.`);
    if (request.dryRun) {
      log.skip('stop', 'dry run');
      return finish();
    }
    const memberPaths = layout.groups.flatMap((g) => g.members.map((m) => path.join(g.root, m)));
    if (controller.kind === 'none') {
      // Nothing will be stopped: a live holder means a corrupt copy, so refuse now (exit 2).
      checkHolders(memberPaths, log, 'archive');
    }
    lock = await acquireLock(path.join(path.dirname(dataDir), `.${path.basename(dataDir)}.snapplan.lock`), { purpose: 'backup' });

    const nodes = nodesToStop(log, controller, before);
    const job = await withNodeStopped({ log, nodes, restart: request.restart, steps: { stop: 'stop', start: 'restart' }, health: healthAfter(request, env) }, async () => {
      await faultPoint('backup: open-files');
      if (controller.kind !== 'none') checkHolders(memberPaths, log, 'archive');
      const result = await log.run('archive', () => createArchive({
        groups: layout.groups,
        outDir,
        name: plannedName as string,
        exclude: request.exclude,
        zstdLevel: request.zstdLevel,
        spaceFactor: request.spaceFactor,
        signal: env.signal,
        onProgress: (written) => progress('archive', written, null),
        manifest: {
          tool: `snapplan ${env.toolVersion}`,
          chain: request.plugin.id,
          set: request.set,
          createdAt: env.now.toISOString(),
          host: os.hostname(),
          dataDir,
          nodeVersion: version,
          height: health?.height ?? null,
          burnHeight: health?.burnHeight ?? null,
          network: request.network ?? health?.network ?? null,
          exclude: request.exclude,
          members: layout.groups.map((g) => ({ root: g.root, members: g.members })),
        },
      }), (r) => `${r.files} files, ${formatBytes(r.size)}`);
      await faultPoint('backup: archived');
      return result;
    });
    changed = job.stopped.length > 0;
    if (job.error !== null) throw job.error;
    const result = job.value as ArchiveResult;
    for (const pattern of result.unmatchedExcludes) env.onEvent(`warning: --exclude ${pattern} matched nothing`);
    archive = { name: result.name, size: result.size, sha256: result.sha256, files: result.files, bytes: result.bytes, location: result.path, sha256Location: result.sha256Path, manifestLocation: result.manifestPath };
  } catch (caught) {
    error = caught;
  } finally {
    after = before === null ? null : await controller.state().catch(() => 'unknown' as const);
    await lock?.release();
  }
  if (error === null && archive !== null) {
    if (s3 === null) log.skip('upload', 'written in place');
    else {
      try {
        const client = await makeS3Client({ ...request.s3, env: env.env });
        const uploaded = archive;
        await log.run('upload', async () => {
          await uploadFile(client, s3, uploaded.manifestLocation, { signal: env.signal });
          await uploadFile(client, s3, uploaded.location, {
            sha256: uploaded.sha256,
            signal: env.signal,
            onProgress: (sent, total) => progress('upload', sent, total),
          });
          // The checksum goes last: its presence says the archive is complete.
          await uploadFile(client, s3, uploaded.sha256Location, { signal: env.signal });
        }, () => `s3://${s3.bucket}/${s3Key(s3, uploaded.name)}`);
        const locals = [uploaded.location, uploaded.sha256Location, uploaded.manifestLocation];
        archive = { ...uploaded, location: `s3://${s3.bucket}/${s3Key(s3, uploaded.name)}`, sha256Location: `s3://${s3.bucket}/${s3Key(s3, path.basename(uploaded.sha256Location))}`, manifestLocation: `s3://${s3.bucket}/${s3Key(s3, path.basename(uploaded.manifestLocation))}` };
        if (!request.keepLocal) for (const file of locals) await rm(file, { force: true });
      } catch (uploadError) {
        // The local archive stays where it was written, so the upload can be retried by hand.
        error = uploadError;
      }
    }
  }
  return finish();

  function finish(): BackupOutcome {
    const report = error === null ? null : errorReport(error);
    const exitCode = jobExitCode(report, changed);
    return {
      exitCode,
      dryRun: request.dryRun,
      chain: request.plugin.id,
      set: request.set,
      dataDir,
      destination: request.destination,
      archive,
      plannedName,
      service: { manager: controller.kind, label: controller.label, before, after },
      node: { version, height: health?.height ?? null, burnHeight: health?.burnHeight ?? null, network: request.network ?? health?.network ?? null },
      steps: log.steps,
      error: report,
    };
  }
}
