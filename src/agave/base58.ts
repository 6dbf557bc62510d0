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

// Base58 digits are in ASCII order, so same-length strings compare like the numbers they encode.
// Without leading '1's (zero bytes), 32 bytes means a value in [2^248, 2^256): 43 characters
// from the encoding of 2^248 up, or 44 characters up to the encoding of 2^256 - 1.
const MIN_43 = '4uQeVj5tqViQh7yWWGStvkEG1Zmhx6uasJtWCJziofM'; // 0x01 followed by 31 zero bytes
const MAX_44 = 'JEKNVnkbo3jma5nREBBJCDoXFVeKkD56V3xKrvRmWxFG'; // 32 bytes of 0xff

/** `base58ByteLength(text) === 32`, without big-number arithmetic on the common path. */
export function isBase58Of32Bytes(text: string): boolean {
  if (text.length < 32 || text.length > 44) return false;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code >= 128 || (VALUE[code] as number) < 0) return false;
  }
  if (text.charCodeAt(0) === 49 /* '1': a leading zero byte */) return base58ByteLength(text) === 32;
  return text.length === 43 ? text >= MIN_43 : text.length === 44 ? text <= MAX_44 : false;
}
