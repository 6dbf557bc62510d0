import { appendFile, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { JournalError } from '../../src/core/errors.js';
import { JournalWriter, readJournal } from '../../src/ops/journal.js';
import type { NewHeader } from '../../src/ops/journal.js';
import { cleanupTemp, tempDir } from './helpers.js';

afterEach(cleanupTemp);

function header(dir: string, targetSlot = 289_624_982n): NewHeader {
  return {
    createdAt: '2025-01-01T00:00:00.000Z',
    tool: { name: 'snapplan', version: '0.0.0-test' },
    user: 'test',
    uid: 0,
    host: 'host',
    pid: 1,
    pidStart: null,
    bootId: null,
    ledger: '/ledger',
    targetSlot,
    quarantineDir: dir,
  };
}

describe('journal', () => {
  it('writes versioned JSON lines and reads them back, slots exact above 2^53', async () => {
    const dir = await tempDir();
    const file = path.join(dir, 'journal.jsonl');
    const slot = (1n << 60n) + 1n;
    const writer = await JournalWriter.create(file, header(dir, slot));
    await writer.append({ type: 'done', id: 'q1' });
    await writer.append([{ type: 'done', id: 'q2' }, { type: 'done', id: 'q3' }]);
    await writer.close();
    const lines = (await readFile(file, 'utf8')).trimEnd().split('\n');
    expect(lines).toHaveLength(4);
    for (const line of lines) expect(line.startsWith('{"v":1,')).toBe(true);
    const read = await readJournal(file);
    expect(read.header.targetSlot).toBe(slot);
    expect(read.records.map((r) => r.type)).toEqual(['done', 'done', 'done']);
    expect(read.torn).toBeNull();
  });

  it('refuses to reuse an existing journal file', async () => {
    const dir = await tempDir();
    const file = path.join(dir, 'journal.jsonl');
    await (await JournalWriter.create(file, header(dir))).close();
    await expect(JournalWriter.create(file, header(dir))).rejects.toThrow(/EEXIST/);
  });

  it('reports a torn last line, and a writer reopening it cuts it off and records a repair', async () => {
    const dir = await tempDir();
    const file = path.join(dir, 'journal.jsonl');
    const writer = await JournalWriter.create(file, header(dir));
    await writer.append({ type: 'done', id: 'q1' });
    await writer.close();
    await appendFile(file, '{"v":1,"type":"inte');
    const read = await readJournal(file);
    expect(read.records).toHaveLength(1);
    expect(read.torn).toMatchObject({ text: '{"v":1,"type":"inte', bytes: 19 });

    const { writer: again, contents } = await JournalWriter.open(file);
    expect(contents.torn).not.toBeNull();
    expect(again.newId('q')).toBe('q2');
    await again.append({ type: 'done', id: 'q9' });
    await again.close();
    const repaired = await readJournal(file);
    expect(repaired.torn).toBeNull();
    expect(repaired.records.map((r) => r.type)).toEqual(['done', 'repair', 'done']);
  });

  it('treats a last line that is complete but unparsable (zeros after a power cut) as torn', async () => {
    const dir = await tempDir();
    const file = path.join(dir, 'journal.jsonl');
    await (await JournalWriter.create(file, header(dir))).close();
    await appendFile(file, '\0\0\0\0\n');
    expect((await readJournal(file)).torn?.bytes).toBe(5);
  });

  it('fails on a bad line in the middle and on another version', async () => {
    const dir = await tempDir();
    const file = path.join(dir, 'journal.jsonl');
    await (await JournalWriter.create(file, header(dir))).close();
    const good = await readFile(file, 'utf8');
    await writeFile(file, good + 'garbage\n{"v":1,"type":"done","id":"q1"}\n');
    await expect(readJournal(file)).rejects.toThrow(JournalError);
    await writeFile(file, good.replace('"v":1', '"v":2'));
    await expect(readJournal(file)).rejects.toThrow(/version 2 is not supported/);
    await writeFile(file, '{"v":1,"type":"done","id":"q1"}\n');
    await expect(readJournal(file)).rejects.toThrow(/header/);
  });
});
