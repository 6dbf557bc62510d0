import { describe, expect, it } from 'vitest';
import { checksumFor } from '../../src/ops/sha256-file.js';

const A = 'a'.repeat(64);
const B = 'B'.repeat(64);

describe('checksumFor', () => {
  it.each([
    [`${A}  node.tar.zst\n`, { ok: true, sha256: A }],
    [`${A} *node.tar.zst\n`, { ok: true, sha256: A }],
    [`${A}  ./backups/node.tar.zst\n`, { ok: true, sha256: A }],
    [`${A}\n`, { ok: true, sha256: A }],
    // The line for this file, not the first line.
    [`${A}  other.tar.zst\n${B}  node.tar.zst\n`, { ok: true, sha256: B.toLowerCase() }],
    // Empty is not missing.
    ['', { ok: false, problem: 'node.tar.zst.sha256 is empty' }],
    ['\n  \n', { ok: false, problem: 'node.tar.zst.sha256 is empty' }],
    [`${A}  other.tar.zst\n`, { ok: false, problem: 'node.tar.zst.sha256 has no line for node.tar.zst' }],
    [`${A}\n${B}\n`, { ok: false, problem: 'node.tar.zst.sha256 has no line for node.tar.zst' }],
    ['not a checksum\n', { ok: false, problem: 'node.tar.zst.sha256 holds no sha256 line (expected "<64 hex digits>  node.tar.zst")' }],
  ])('%j', (text, expected) => {
    expect(checksumFor(text, 'node.tar.zst', 'node.tar.zst.sha256')).toEqual(expected);
  });
});
