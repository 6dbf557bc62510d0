/**
 * Quotes one argument for display as a POSIX shell word. snapplan never runs these strings;
 * they are the commands an operator may copy, so they must survive spaces and quotes.
 */
export function shellQuote(arg: string): string {
  if (arg !== '' && /^[A-Za-z0-9_/.,:=+@%^-]+$/.test(arg)) return arg;
  return `'${arg.replaceAll("'", "'\\''")}'`;
}

export function shellJoin(args: readonly string[]): string {
  return args.map(shellQuote).join(' ');
}
