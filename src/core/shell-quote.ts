import { CONTROL_CHARACTERS } from './escape-control.js';

/**
 * Quotes one argument for display as a POSIX shell word. snapplan never runs these strings;
 * they are the commands an operator may copy, so they must survive spaces and quotes, and a
 * file name with control characters must neither reach the terminal raw nor change when
 * pasted: it is written in bash's $'…' form with each such character as its UTF-8 bytes
 * (`\xHH`), which bash, zsh and ksh read back to the same bytes.
 */
export function shellQuote(arg: string): string {
  if (arg !== '' && /^[A-Za-z0-9_/.,:=+@%^-]+$/.test(arg)) return arg;
  if (CONTROL_CHARACTERS.test(arg)) return ansiCQuote(arg);
  return `'${arg.replaceAll("'", "'\\''")}'`;
}

export function shellJoin(args: readonly string[]): string {
  return args.map(shellQuote).join(' ');
}

function ansiCQuote(arg: string): string {
  let out = "$'";
  for (const c of arg) {
    if (c === '\\' || c === "'") out += `\\${c}`;
    else if (CONTROL_CHARACTERS.test(c)) for (const byte of Buffer.from(c, 'utf8')) out += `\\x${byte.toString(16).padStart(2, '0')}`;
    else out += c;
  }
  return `${out}'`;
}
