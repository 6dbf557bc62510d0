import { appendFile, readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { ReplicaJournal, readJournal, unfinishedJournals } from '../../src/jobs/k8s/replica-journal.js';
import { splitJournal } from '../../src/ops/journal-file.js';
import { tempDir } from '../support/temp-dir.js';

const begin = { job: 'snapshot' as const, context: 'kind', namespace: 'chain', statefulset: 'web', replicas: 3, at: '2026-11-21T12:00:00.000Z' };

describe('the replica journal after a crash tore its last line', () => {
  it('cuts the torn line before the next append, so a finished undo reads as finished', async () => {
    const dir = await tempDir();
    const journal = await ReplicaJournal.create(dir, begin);
    await journal.append({ type: 'scaled-down', at: begin.at });
    // A crash in the middle of writing the next record.
    await appendFile(journal.path, '{"type":"object","action":"appl');
    expect((await unfinishedJournals(dir, {})).map((s) => s.path)).toEqual([journal.path]);

    // k8s undo opens it and records the scale-back and the end.
    const reopened = await ReplicaJournal.open(journal.path);
    await reopened.append({ type: 'scaled-back', replicas: 3, by: 'undo', at: begin.at });
    await reopened.append({ type: 'done', outcome: 'ok', at: begin.at });

    const state = await readJournal(journal.path);
    expect(state.records.map((r) => r.type)).toEqual(['begin', 'scaled-down', 'repair', 'scaled-back', 'done']);
    expect(state.records[2]).toMatchObject({ type: 'repair', tornText: '{"type":"object","action":"appl' });
    expect(state).toMatchObject({ scaledBack: true, done: true });
    expect(await unfinishedJournals(dir, {})).toEqual([]);
    expect((await readFile(journal.path, 'utf8')).endsWith('\n')).toBe(true);
  });

  it('reads a torn last line as absent and a bad line in the middle as damage', async () => {
    const dir = await tempDir();
    const journal = await ReplicaJournal.create(dir, begin);
    await appendFile(journal.path, '{"type":"scaled-do');
    expect((await readJournal(journal.path)).records.map((r) => r.type)).toEqual(['begin']);
    await appendFile(journal.path, '\n{"type":"done","outcome":"ok","at":"x"}\n');
    await expect(readJournal(journal.path)).rejects.toThrow(/line 2 is not JSON/);
  });
});

describe('splitJournal', () => {
  it.each([
    ['', 0, null],
    ['{"a":1}\n', 1, null],
    ['{"a":1}\n{"a":2}', 1, '{"a":2}'],
    ['{"a":1}\n{"a":', 1, '{"a":'],
    ['{"a":1}\nnot json\n', 1, 'not json\n'],
  ])('%j: %i whole line(s), torn %j', (text, count, tornText) => {
    const { lines, torn } = splitJournal(Buffer.from(text));
    expect(lines).toHaveLength(count);
    expect(torn?.text ?? null).toBe(tornText);
    if (torn) expect(torn.offset + torn.bytes).toBe(Buffer.byteLength(text));
  });
});
