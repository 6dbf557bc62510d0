import { describe, expect, it } from 'vitest';
import { crc32c, maskCrc, unmaskCrc } from '../../src/agave/rocksdb/crc32c.js';
import { LogReader } from '../../src/agave/rocksdb/log-reader.js';
import { bufferFile } from '../../src/agave/rocksdb/random-access-file.js';
import { LogWriter } from './helpers.js';

const read = (bytes: Buffer, logNumber: number | null = null): { records: Buffer[]; reader: LogReader } => {
  const reader = new LogReader(bufferFile('test.log', bytes), logNumber);
  return { records: [...reader.records()], reader };
};

describe('crc32c', () => {
  it('matches the standard check value and masks reversibly', () => {
    expect(crc32c(Buffer.from('123456789')).toString(16)).toBe('e3069283');
    expect(crc32c(Buffer.alloc(32)).toString(16)).toBe('8a9136aa');
    for (const v of [0, 1, 0xe3069283, 0xffffffff]) expect(unmaskCrc(maskCrc(v))).toBe(v);
  });
});

describe('log reader', () => {
  const small = Buffer.from('hello');
  const big = Buffer.alloc(80_000, 7); // spans three 32 KiB blocks: FIRST, MIDDLE, LAST
  big.write('start', 0);
  big.write('end', big.length - 3);

  it('joins fragments across blocks and skips block padding', () => {
    const bytes = new LogWriter().add(small).add(big).add(Buffer.alloc(32_750, 1)).add(small).bytes();
    const { records, reader } = read(bytes);
    expect(records.map((r) => r.length)).toEqual([5, 80_000, 32_750, 5]);
    expect(records[1]?.equals(big)).toBe(true);
    expect(reader.stop).toBeNull();
  });

  it('reads recyclable headers of its own log and stops at records of a previous life', () => {
    const own = new LogWriter(42).add(small).add(big).bytes();
    expect(read(own, 42).records.map((r) => r.length)).toEqual([5, 80_000]);
    // a reused file: after this log's records, a block of the file's previous life (log 41)
    const pad = 32768 - (own.length % 32768);
    const mixed = Buffer.concat([own, Buffer.alloc(pad), new LogWriter(41).add(small).bytes()]);
    const { records, reader } = read(mixed, 42);
    expect(records.length).toBe(2);
    expect(reader.stop?.why).toBe('record of a recycled log');
  });

  it('keeps the clean prefix of a torn tail, at every cut', () => {
    const bytes = new LogWriter().add(small).add(Buffer.alloc(300, 3)).add(small).bytes();
    const cleanEnd = bytes.length - 12; // the last record: 7-byte header + 5 bytes
    for (let cut = cleanEnd + 1; cut < bytes.length; cut++) {
      const { records, reader } = read(bytes.subarray(0, cut));
      expect(records.length).toBe(2);
      expect(reader.stop?.atTail).toBe(true);
    }
    expect(read(bytes.subarray(0, cleanEnd)).reader.stop).toBeNull();
  });

  it('stops at a checksum mismatch and at an unfinished fragment group', () => {
    const bytes = new LogWriter().add(small).add(small).bytes();
    bytes.writeUInt8((bytes.at(-1) ?? 0) ^ 0xff, bytes.length - 1);
    const bad = read(bytes);
    expect(bad.records.length).toBe(1);
    expect(bad.reader.stop?.why).toBe('checksum mismatch');
    const cut = new LogWriter().add(small).add(big).bytes().subarray(0, 40_000);
    const torn = read(cut);
    expect(torn.records.length).toBe(1);
    expect(torn.reader.stop).not.toBeNull();
  });

  it('treats zero-filled space as the end', () => {
    const bytes = Buffer.concat([new LogWriter().add(small).bytes(), Buffer.alloc(1000)]);
    const { records, reader } = read(bytes);
    expect(records.length).toBe(1);
    expect(reader.stop).toBeNull();
  });

  it('refuses WAL compression and unknown record types by name', () => {
    const compressed = new LogWriter().add(small).bytes();
    compressed[6] = 9;
    compressed.writeUInt32LE(maskCrc(crc32c(compressed, 6, 12)), 0);
    expect(() => read(compressed)).toThrow(/WAL compression/);
    const unknown = new LogWriter().add(small).bytes();
    unknown[6] = 77;
    expect(() => read(unknown)).toThrow(/log record type 77/);
  });
});
