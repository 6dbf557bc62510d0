import { describe, expect, it } from 'vitest';
import { readManifest } from '../../src/agave/rocksdb/manifest.js';
import { bufferFile } from '../../src/agave/rocksdb/random-access-file.js';
import { decodeVersionEdit } from '../../src/agave/rocksdb/version-edit.js';
import { LogWriter, ikey, lp, varint } from './helpers.js';

const tag = (t: number, ...fields: Buffer[]): Buffer => Buffer.concat([varint(t), ...fields]);
const key = (slot: number): Buffer => {
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(BigInt(slot));
  return b;
};

function newFile4(level: number, number: number, lo: number, hi: number, custom: Buffer[] = []): Buffer {
  return tag(103, varint(level), varint(number), varint(1000), lp(ikey(key(lo), 5, 1)), lp(ikey(key(hi), 9, 1)), varint(5), varint(9), ...custom, varint(1));
}

describe('version edit', () => {
  it('decodes new-file 4 with custom fields, skips forward-compatible tags, decodes 8196/8197', () => {
    const edit = decodeVersionEdit(
      Buffer.concat([
        tag(200, varint(3)),
        tag(2, varint(77)),
        tag(8193, lp('db-id-is-skipped')),
        newFile4(0, 12, 100, 200, [varint(2), lp(Buffer.from([1])), varint(6), lp(varint(123456)), varint(3), lp(Buffer.alloc(8, 0)), varint(13), lp(varint(4))]),
        tag(8196, varint(55), varint(2), varint(4096), varint(1)),
        tag(8197, varint(54)),
        tag(8203, lp(Buffer.alloc(3))),
        tag(4, varint(999)),
      ]),
    );
    expect(edit.columnFamily).toBe(3);
    expect(edit.logNumber).toBe(77);
    expect(edit.lastSequence).toBe(999n);
    expect(edit.newFiles).toHaveLength(1);
    expect(edit.newFiles[0]?.number).toBe(12);
    expect(edit.newFiles[0]?.smallest.subarray(0, 8).equals(key(100))).toBe(true);
  });

  it('fails on an unknown must-understand custom field and on unknown tags below 8192', () => {
    expect(() => decodeVersionEdit(newFile4(0, 1, 1, 2, [varint(64 + 30), lp(Buffer.alloc(1))]))).toThrow(/custom field 94/);
    expect(() => decodeVersionEdit(tag(150, varint(1)))).toThrow(/version-edit tag 150/);
    expect(() => decodeVersionEdit(Buffer.concat([tag(2), Buffer.from([0x80])]))).toThrow(/truncated or malformed/);
  });
});

describe('manifest replay', () => {
  const edits = [
    Buffer.concat([tag(1, lp('leveldb.BytewiseComparator')), tag(2, varint(1))]),
    Buffer.concat([tag(200, varint(1)), tag(201, lp('meta')), tag(1, lp('leveldb.BytewiseComparator'))]),
    Buffer.concat([tag(200, varint(2)), tag(201, lp('dropme'))]),
    Buffer.concat([tag(200, varint(1)), tag(2, varint(10)), newFile4(0, 11, 100, 150)]),
    Buffer.concat([tag(200, varint(1)), tag(2, varint(12)), newFile4(0, 13, 151, 200)]),
    // compaction of 11+13 into 14, as an atomic group of two edits
    Buffer.concat([tag(200, varint(1)), tag(6, varint(0), varint(11)), tag(300, varint(1))]),
    Buffer.concat([tag(200, varint(1)), tag(6, varint(0), varint(13)), newFile4(1, 14, 100, 200), tag(300, varint(0))]),
    Buffer.concat([tag(200, varint(2)), tag(202)]),
  ];

  it('replays families, files, log numbers, drops and atomic groups', () => {
    const log = new LogWriter();
    for (const e of edits) log.add(e);
    const state = readManifest(bufferFile('MANIFEST-000001', log.bytes()));
    const meta = state.columnFamilies.get(1);
    expect(meta?.name).toBe('meta');
    expect(meta?.logNumber).toBe(12);
    expect([...(meta?.files.keys() ?? [])]).toEqual([14]);
    expect(state.columnFamilies.has(2)).toBe(false);
    expect(state.stop).toBeNull();
  });

  it('ignores an atomic group cut short at the end', () => {
    const log = new LogWriter();
    for (const e of edits.slice(0, 6)) log.add(e);
    const state = readManifest(bufferFile('MANIFEST-000001', log.bytes()));
    expect([...(state.columnFamilies.get(1)?.files.keys() ?? [])].sort()).toEqual([11, 13]);
    expect(state.danglingAtomicEdits).toBe(1);
  });
});
