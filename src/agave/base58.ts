/**
 * How many bytes a base58 (Bitcoin alphabet) string decodes to, or -1 if it has a character
 * outside the alphabet. Agave accepts a snapshot hash only when this is exactly 32.
 *
 * Why not bs58.decode: scanning a folder of 10,000 archives spent most of its parse time
 * allocating decoded buffers that are thrown away. This only sizes the number, five digits at
 * a time through BigInt (58^5 < 2^30). test/agave/base58.test.ts checks it against bs58.
 */
const ALPHABET = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
const VALUE = new Int8Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) VALUE[ALPHABET.charCodeAt(i)] = i;

export function base58ByteLength(text: string): number {
  let zeros = 0;
  while (zeros < text.length && text.charCodeAt(zeros) === 49 /* '1' */) zeros++;
  let value = 0n;
  for (let i = zeros; i < text.length; ) {
    let chunk = 0;
    let scale = 1;
    for (let k = 0; k < 5 && i < text.length; k++, i++) {
      const code = text.charCodeAt(i);
      const digit = code < 128 ? (VALUE[code] as number) : -1;
      if (digit < 0) return -1;
      chunk = chunk * 58 + digit;
      scale *= 58;
    }
    value = value * BigInt(scale) + BigInt(chunk);
  }
  if (value === 0n) return zeros;
  return zeros + Math.ceil(value.toString(16).length / 2);
}
