import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, symlink } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { JournalError } from '../../src/core/errors.js';
import type { QuarantineItem } from '../../src/ops/quarantine.js';
import { undo } from '../../src/ops/undo.js';
import { describeTree, tempDir, writeRandom } from './helpers.js';
import type { TreeFacts } from './helpers.js';

/**
 * Shared machinery of the fault-injection suite: a ledger template of a few hundred files, a
 * child process (harness/quarantine-child.mjs, running dist/) killed with SIGKILL at a chosen
 * step, then undo, then the check that every file is back with the same bytes and that nothing
 * is left in (or duplicated into) the quarantine.
 */

const here = path.dirname(fileURLToPath(import.meta.url));
const CHILD = path.join(here, 'harness', 'quarantine-child.mjs');
const DIST = path.join(here, '..', '..', 'dist', 'ops', 'quarantine.js');

export function assertBuilt(): void {
  if (!existsSync(DIST)) throw new Error('dist/ops is missing: run `npm run build` before the fault-injection tests.');
}

export interface Template {
  readonly dir: string;
  readonly facts: Map<string, TreeFacts>;
  /** Items and kept files, relative to the ledger. */
  readonly items: readonly { root: string; rel: string }[];
  readonly keep: readonly string[];
}

/** ~270 files: many small ones, a few of 2–5 MiB (copied in several chunks), folders, symlinks. */
export async function makeTemplate(): Promise<Template> {
  const dir = path.join(await tempDir('snapplan-fault-template-'), 'ledger');
  const items: { root: string; rel: string }[] = [];
  for (let i = 0; i < 180; i += 1) {
    await writeRandom(path.join(dir, 'snapshots', `f-${i}.bin`), 1_000 + ((i * 997) % 5_000));
    items.push({ root: 'snapshots', rel: `f-${i}.bin` });
  }
  for (let i = 0; i < 3; i += 1) {
    // One above 4 MiB, where the read-back runs on a second thread while the copy is written.
    await writeRandom(path.join(dir, 'snapshots', `snapshot-${i}-big.tar.zst`), (i === 0 ? 5 : 2) * 1024 * 1024 + 17);
    items.push({ root: 'snapshots', rel: `snapshot-${i}-big.tar.zst` });
  }
  await symlink('snapshot-0-big.tar.zst', path.join(dir, 'snapshots', 'latest'));
  items.push({ root: 'snapshots', rel: 'latest' });
  for (let i = 0; i < 60; i += 1) {
    await writeRandom(path.join(dir, 'incremental', 'a', `b${i % 3}`, `inc-${i}.tar.zst`), 2_000 + i);
    items.push({ root: 'incremental', rel: `a/b${i % 3}/inc-${i}.tar.zst` });
  }
  for (let k = 0; k < 3; k += 1) {
    for (let i = 0; i < 10; i += 1) await writeRandom(path.join(dir, 'bank', `${k}00`, i < 5 ? 'state' : '', `file-${i}`), 500 * i);
    await mkdir(path.join(dir, 'bank', `${k}00`, 'empty'));
    await symlink('state/file-1', path.join(dir, 'bank', `${k}00`, 'link'));
    items.push({ root: 'bank', rel: `${k}00` });
  }
  await writeRandom(path.join(dir, 'snapshots', 'base', 'snapshot-1-base.tar.zst'), 1024 * 1024);
  await writeRandom(path.join(dir, 'snapshots', 'stays.txt'), 64);
  return { dir, facts: await describeTree(dir), items, keep: ['snapshots/base/snapshot-1-base.tar.zst'] };
}

export interface ChildResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

export function runChild(config: object, env: Record<string, string> = {}): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CHILD, JSON.stringify(config)], {
      env: { ...process.env, SNAPPLAN_TEST_KILL_AFTER: '', SNAPPLAN_TEST_KILL_TRACE: '', SNAPPLAN_I_AM_A_TEST_HARNESS: 'fault-injection', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

/** `cp -a` (argument list, no shell): several times faster than fs.cp for a few hundred files. */
function copyTemplate(from: string, to: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('cp', ['-a', '--', from, to], { stdio: 'ignore' });
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`cp -a exited with ${code}`))));
  });
}

export interface Scenario {
  readonly name: string;
  readonly forceCopy: boolean;
  /** Folder to create backup dirs in: a temp dir (same filesystem) or /dev/shm. */
  readonly backupBase: () => Promise<string>;
}

export interface Workspace {
  readonly ledger: string;
  readonly backupDir: string;
  readonly config: object;
}

export async function prepare(template: Template, scenario: Scenario): Promise<Workspace> {
  const work = await tempDir('snapplan-fault-');
  const ledger = path.join(work, 'ledger');
  await copyTemplate(template.dir, ledger);
  const backupDir = path.join(await scenario.backupBase(), 'backup');
  const items: QuarantineItem[] = template.items.map(({ root, rel }) => ({
    source: path.join(ledger, root, rel),
    root: path.join(ledger, root),
    relativePath: rel,
  }));
  const keep = template.keep.map((k) => path.join(ledger, k));
  return { ledger, backupDir, config: { mode: 'quarantine', ledger, backupDir, items, keep, forceCopy: scenario.forceCopy } };
}

/** Runs the quarantine once without a kill, with a trace, and returns the step labels. */
export async function traceSteps(template: Template, scenario: Scenario): Promise<string[]> {
  const ws = await prepare(template, scenario);
  const result = await runChild(ws.config, { SNAPPLAN_TEST_KILL_TRACE: '1' });
  expect(result.code, result.stderr).toBe(0);
  const labels = [...result.stderr.matchAll(/^kill-point ([0-9]+) (\S+)$/gm)].map((m) => m[2]!);
  expect(Number(/steps=([0-9]+)/.exec(result.stdout)?.[1])).toBe(labels.length);
  return labels;
}

/**
 * Kill points: the first few steps, the first and a middle occurrence of every kind of step,
 * and the rest spread evenly, `count` distinct points at least.
 */
export function chooseKillPoints(labels: readonly string[], count: number): number[] {
  const points = new Set<number>([1, 2, 3, 4, 5]);
  const byLabel = new Map<string, number[]>();
  labels.forEach((label, i) => byLabel.set(label, [...(byLabel.get(label) ?? []), i + 1]));
  for (const steps of byLabel.values()) {
    points.add(steps[0]!);
    points.add(steps[Math.floor(steps.length / 2)]!);
    points.add(steps[steps.length - 1]!);
  }
  // Inside multi-step operations (deleting a copied folder entry by entry, a file copied in
  // several chunks): the middle of the first run of each repeated label.
  const seenRun = new Set<string>();
  for (let i = 1; i < labels.length; i += 1) {
    const label = labels[i]!;
    if (label !== labels[i - 1] || seenRun.has(label)) continue;
    seenRun.add(label);
    let end = i;
    while (labels[end + 1] === label) end += 1;
    points.add(1 + Math.floor((i - 1 + end) / 2));
  }
  for (let i = 0; points.size < count && i < count; i += 1) points.add(1 + Math.round((i * (labels.length - 1)) / Math.max(1, count - 1)));
  for (let n = 6; points.size < count && n <= labels.length; n += 7) points.add(n);
  return [...points].filter((n) => n <= labels.length).sort((a, b) => a - b);
}

async function findJournal(backupDir: string): Promise<string | null> {
  const names = await readdir(backupDir).catch(() => [] as string[]);
  const folder = names.find((n) => n.startsWith('snapplan-'));
  if (folder === undefined) return null;
  const journal = path.join(backupDir, folder, 'journal.jsonl');
  return existsSync(journal) ? journal : null;
}

/**
 * Kills the quarantine at `killAfter`, optionally kills the first undo at `undoKillAfter`, then
 * undoes (in this process, from src/) and checks the result.
 */
export async function crashThenUndo(template: Template, scenario: Scenario, killAfter: number | null, undoKillAfter?: number): Promise<void> {
  const ws = await prepare(template, scenario);
  try {
    await crashThenUndoIn(ws, template, scenario, killAfter, undoKillAfter);
  } finally {
    await rm(path.dirname(ws.ledger), { recursive: true, force: true });
    await rm(path.dirname(ws.backupDir), { recursive: true, force: true });
  }
}

async function crashThenUndoIn(ws: Workspace, template: Template, scenario: Scenario, killAfter: number | null, undoKillAfter?: number): Promise<void> {
  // killAfter null: the quarantine runs to its end (to kill only the undo).
  const run = await runChild(ws.config, killAfter === null ? {} : { SNAPPLAN_TEST_KILL_AFTER: String(killAfter) });
  if (killAfter === null) expect(run.code, run.stderr).toBe(0);
  else expect(run.signal, `kill point ${killAfter}: ${run.stderr}`).toBe('SIGKILL');
  let journal = await findJournal(ws.backupDir);
  if (journal !== null) {
    if (undoKillAfter !== undefined) {
      const first = await runChild({ mode: 'undo', journal, forceCopy: scenario.forceCopy }, { SNAPPLAN_TEST_KILL_AFTER: String(undoKillAfter) });
      expect(first.signal === 'SIGKILL' || first.code === 0, first.stderr).toBe(true);
    }
    try {
      const result = await undo(journal, { forceCopy: scenario.forceCopy });
      expect(result.conflicts.map((c) => c.message), `kill point ${killAfter}`).toEqual([]);
      expect(result.missing, `kill point ${killAfter}`).toEqual([]);
      const again = await undo(journal, { forceCopy: scenario.forceCopy });
      expect(again.restored).toBe(0);
    } catch (error) {
      // Killed while the header itself was being written: nothing can have moved.
      if (!(error instanceof JournalError && /before its header was complete/.test(error.message))) throw error;
      journal = null;
    }
  }
  // Every file is back, same bytes, same modes, same links; nothing extra in the ledger.
  const after = await describeTree(ws.ledger);
  const diff = [...new Set([...after.keys(), ...template.facts.keys()])].filter(
    (k) => JSON.stringify(after.get(k)) !== JSON.stringify(template.facts.get(k)),
  );
  expect(diff, `kill point ${killAfter}${undoKillAfter === undefined ? '' : `, undo kill point ${undoKillAfter}`}`).toEqual([]);
  // Nothing duplicated: the quarantine holds only the journal and the kept safety copies.
  if (journal !== null) {
    const left = await describeTree(path.dirname(journal));
    for (const [rel, facts] of left) {
      if (facts.kind === 'directory') continue;
      expect(rel === 'journal.jsonl' || rel.startsWith('kept/'), `left in quarantine: ${rel}`).toBe(true);
      if (rel.startsWith('kept/')) {
        const original = template.facts.get(template.keep[0]!);
        expect(facts.content).toBe(original?.content);
      }
    }
    expect(await readFile(journal, 'utf8')).toMatch(/"type":"undo-end"/);
  }
}

/**
 * Runs the cases a few at a time: each one mostly waits on fsync and on a child process, so
 * running several at once keeps the suite inside its time budget on two cores.
 */
export async function runPool<T>(cases: readonly T[], run: (c: T) => Promise<void>, concurrency = 4): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < cases.length) {
      const current = cases[next]!;
      next += 1;
      await run(current);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, cases.length) }, worker));
}
