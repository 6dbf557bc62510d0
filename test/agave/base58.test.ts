import { randomBytes } from 'node:crypto';
import bs58 from 'bs58';
import { describe, expect, it } from 'vitest';
import { base58ByteLength, isBase58Of32Bytes } from '../../src/agave/base58.js';

describe('base58ByteLength', () => {
  it('agrees with bs58 on random byte strings of every length 0..40, with leading zeros', () => {
    for (let length = 0; length <= 40; length++) {
      for (let n = 0; n < 25; n++) {
        const bytes = randomBytes(length);
        if (n % 5 === 0 && length > 0) bytes[0] = 0; // leading zero bytes become leading '1's
        if (n % 10 === 0 && length > 1) bytes[1] = 0;
        const text = bs58.encode(bytes);
        expect(base58ByteLength(text), text).toBe(length);
      }
    }
  });

  it('agrees with bs58 on arbitrary alphabet strings near the 32-byte boundary', () => {
    const alphabet = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
    for (let n = 0; n < 500; n++) {
      const length = 42 + (n % 4);
      const text = Array.from(randomBytes(length), (b) => alphabet[b % 58]).join('');
      expect(base58ByteLength(text), text).toBe(bs58.decode(text).length);
    }
  });

  it('rejects characters outside the alphabet', () => {
    for (const bad of ['0', 'O', 'I', 'l', '+', '/', 'é', ' ']) expect(base58ByteLength(`abc${bad}def`)).toBe(-1);
  });
});

describe('isBase58Of32Bytes', () => {
  it('agrees with bs58 around every boundary: 2^248, 2^256, leading zero bytes, lengths 31..45', () => {
    const alphabet = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
    const cases: string[] = [];
    for (const bytes of [31, 32, 33]) {
      for (let n = 0; n < 200; n++) {
        const b = randomBytes(bytes);
        if (n % 4 === 0) b[0] = 0;
        if (n % 8 === 0) b[0] = 1;
        if (n % 16 === 0) b.fill(0xff);
        cases.push(bs58.encode(b));
      }
    }
    cases.push(bs58.encode(Buffer.concat([Buffer.from([1]), Buffer.alloc(31)])));
    for (let n = 0; n < 2000; n++) {
      const length = 31 + (n % 15);
      cases.push(Array.from(randomBytes(length), (b) => alphabet[b % 58]).join(''));
    }
    for (const text of cases) expect(isBase58Of32Bytes(text), text).toBe(bs58.decode(text).length === 32);
  });
});
